"""Typed shapes of the staged frames each ETL reader hands to the warehouse loads.

Every reader of a platform-side source returns a `Staged` bundle: frames with exactly these
columns and dtypes (use `conform`), plus the rejects of the rows it could not use. The load SQL
in warehouse/loads/ consumes the frames by these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from etl.errors import Reject

# dim_content [platform x content]: one platform item; program_id is null when unmatched.
CONTENT = {
    "platform_id": pl.String,  # bilibili douyin wechat_channels xiaohongshu weibo youtube, or generic id
    "content_id": pl.String,  # the platform's own id (BV号, 作品ID, YouTube video id ...)
    "title": pl.String,
    "url": pl.String,
    "published_at": pl.Datetime("us"),
    "duration_s": pl.Float64,
    "content_format": pl.String,  # the platform's 体裁 (图文, 视频, 1min-视频 ...), as written
    "review_status": pl.String,  # 抖音 审核状态, as written
    "title_key": pl.String,  # etl.platforms.snapshot.title_key: what catalogue titles match on
    "key_source": pl.String,  # platform_id | title_published | published_format (no title)
}

# fct_content_daily [platform x content x date]: daily values (cumulative exports already turned
# into daily deltas). Nulls mean "not reported", never zero.
CONTENT_DAILY = {
    "platform_id": pl.String,
    "content_id": pl.String,
    "date_on": pl.Date,
    "views": pl.Int64,
    "likes": pl.Int64,
    "comments": pl.Int64,
    "shares": pl.Int64,
    "favorites": pl.Int64,
    "coins": pl.Int64,
    "danmaku": pl.Int64,
    "new_followers": pl.Int64,
    "impressions": pl.Int64,
    "unique_viewers": pl.Int64,
    "watch_time_s": pl.Float64,
    "avg_view_duration_s": pl.Float64,
    "completion_rate": pl.Float64,  # 0..1
    "impressions_ctr": pl.Float64,  # 0..1
    "is_from_cumulative": pl.Boolean,
    "row_number": pl.Int64,  # file row the value came from (for audit)
}

# fct_content_snapshot [platform x content x as-of day]: running totals of a snapshot export
# (no date column), as of the export. Counters become fct_content_daily deltas in the load;
# rates and averages are to-date values and stay here.
CONTENT_SNAPSHOT = {
    "platform_id": pl.String,
    "content_id": pl.String,
    "as_of_on": pl.Date,
    "views": pl.Int64,
    "likes": pl.Int64,
    "comments": pl.Int64,
    "shares": pl.Int64,
    "favorites": pl.Int64,
    "coins": pl.Int64,
    "danmaku": pl.Int64,
    "new_followers": pl.Int64,
    "impressions": pl.Int64,
    "unique_viewers": pl.Int64,
    "avg_view_duration_s": pl.Float64,
    "completion_rate": pl.Float64,  # 0..1, to date
    "impressions_ctr": pl.Float64,  # 0..1, to date
    "as_of_source": pl.String,  # flag | file name | file time
    "row_number": pl.Int64,
}

# fct_content_period [platform x content x period]: totals a platform reports only over a period
# (YouTube Studio's Table data): unique viewers, watch time, impressions, CTR, subscribers.
CONTENT_PERIOD = {
    "platform_id": pl.String,
    "content_id": pl.String,
    "period_start_on": pl.Date,
    "period_end_on": pl.Date,
    "views": pl.Int64,
    "watch_time_s": pl.Float64,
    "impressions": pl.Int64,
    "impressions_ctr": pl.Float64,
    "unique_viewers": pl.Int64,
    "avg_view_duration_s": pl.Float64,
    "avg_pct_viewed": pl.Float64,  # 0..1
    "new_followers": pl.Int64,  # subscribers gained, may be negative
    "row_number": pl.Int64,
}

# counter_issue [platform x content x date x metric]: a cumulative counter that went down.
COUNTER_ISSUE = {
    "platform_id": pl.String,
    "content_id": pl.String,
    "date_on": pl.Date,
    "metric": pl.String,
    "previous_value": pl.Int64,
    "value": pl.Int64,
    "row_number": pl.Int64,
}

# fct_channel_breakdown [platform x dimension x value x period x content]: channel-level figures
# by audience dimension (country, city, age, gender, subscription_status, traffic_source, hour,
# or channel = the whole channel). Shares are 0..1. content_id null = the whole channel.
CHANNEL_BREAKDOWN = {
    "platform_id": pl.String,
    "dimension": pl.String,
    "value_key": pl.String,  # ISO-2 country, age band `18-24`, ... (normalised)
    "value_text": pl.String,  # as the export wrote it
    "period_start_on": pl.Date,
    "period_end_on": pl.Date,
    "content_id": pl.String,
    "views": pl.Int64,
    "views_share": pl.Float64,
    "watch_time_s": pl.Float64,
    "watch_time_share": pl.Float64,
    "avg_view_duration_s": pl.Float64,
    "avg_pct_viewed": pl.Float64,
    "impressions": pl.Int64,
    "impressions_ctr": pl.Float64,
    "unique_viewers": pl.Int64,
    "new_viewers": pl.Int64,
    "returning_viewers": pl.Int64,
    "subscribers": pl.Int64,  # net subscribers / followers gained, may be negative
    "followers": pl.Int64,  # follower count at the end of the period
    "active_followers": pl.Int64,
    "profile_views": pl.Int64,
    "likes": pl.Int64,
    "comments": pl.Int64,
    "shares": pl.Int64,
    "followers_share": pl.Float64,  # share of the followers (TikTok FollowerGender ...), 0..1
    "row_number": pl.Int64,
}

# fct_live_minute [stream x minute]
LIVE_MINUTE = {
    "stream_id": pl.String,
    "platform_id": pl.String,
    "minute_at": pl.Datetime("us"),
    "concurrent_viewers": pl.Int64,
    "comments": pl.Int64,
    "gifts": pl.Int64,
    "row_number": pl.Int64,
}

# fct_audience_retention [platform x content x position percent 0..100]
RETENTION = {
    "platform_id": pl.String,
    "content_id": pl.String,
    "position_pct": pl.Int64,
    "audience_share": pl.Float64,  # share of the starting audience still watching, 0..1 (may exceed 1 on rewatch)
}

# fct_creator_activity [participant x platform x work]
ACTIVITY = {
    "participant_id": pl.String,
    "platform_id": pl.String,
    "content_id": pl.String,
    "published_on": pl.Date,
    "title": pl.String,
    "row_number": pl.Int64,
}

# fct_topic_attention [source x keyword x region x granularity x date]
TOPIC_ATTENTION = {
    "source": pl.String,
    "keyword": pl.String,
    "date_on": pl.Date,  # the day, or the first day of the week / month
    "value": pl.Float64,
    "row_number": pl.Int64,
    "region": pl.String,  # Google Trends `term: (Region)`; null = none named
    "granularity": pl.String,  # day | week | month; null = day
    "is_below_one": pl.Boolean,  # Google Trends `<1`, stored as 0.5
}

# fct_topic_region [source x keyword x geo level x region x period]: Google Trends geoMap.csv.
TOPIC_REGION = {
    "source": pl.String,
    "keyword": pl.String,
    "geo_level": pl.String,  # country | region | city | metro | unknown
    "region_name": pl.String,
    "period_text": pl.String,  # the header's range as written
    "period_start_on": pl.Date,
    "period_end_on": pl.Date,
    "value": pl.Float64,  # null = too little search volume (a blank cell)
    "value_kind": pl.String,  # index (0..100) | share_pct (percent split among compared terms)
    "is_below_one": pl.Boolean,
    "row_number": pl.Int64,
}

REJECT = {
    "row_number": pl.Int64,
    "column_name": pl.String,
    "value_text": pl.String,
    "reason": pl.String,
    "file_name": pl.String,  # null = the loaded file itself
}


def conform(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """Select and cast to exactly `schema` (missing columns become typed nulls)."""
    return frame.select(
        [
            (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )


def empty(schema: dict[str, Any]) -> pl.DataFrame:
    """A frame with no rows and exactly these columns."""
    return pl.DataFrame(schema=schema)


def rejects_frame(rejects: list[Reject]) -> pl.DataFrame:
    """Rejects as a frame for load_reject."""
    return pl.DataFrame(
        [[r.row_number, r.column_name, r.value_text, r.reason, r.file_name] for r in rejects],
        schema=REJECT,
        orient="row",
    )


@dataclass
class Staged:
    """What a reader produced from one file (or folder): frames by kind, rejects, notes."""

    kind: str  # content | live | retention | activity | attention
    rows_read: int
    frames: dict[str, pl.DataFrame]
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_rejected(self) -> int:
        """Distinct input rows rejected (per member file when a load reads several)."""
        return len({(r.file_name, r.row_number) for r in self.rejects})
