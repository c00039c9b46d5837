"""The sponsor reach report: one sponsor's programs, as frames, an .xlsx workbook, HTML and PDF.

Built for ONE sponsor id that the caller passes (the CLI for an organizer, the dashboard with the
signed-in sponsor's own id); nothing here lists or reads another sponsor's rows. Figures come
from `warehouse.analytics.reach` (plays, reach reported/estimated, impressions, engagement, watch
time, the edition median) and the named queries `sponsor_report_*` over the marts. The audience
profile counts the creators credited on the sponsored programs (mart_program_creator) and is
small-cell suppressed: a cell under k people shows "<k", and a breakdown of fewer than k people
in all is left out with a note.
"""

from __future__ import annotations

import html
import io
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from warehouse.analytics.reach import reach_by, sponsor_vs_median
from warehouse.exports import write_frame_sheets
from warehouse.privacy import DEFAULT_K, suppress_small_cells
from warehouse.query import Reader

Lang = Literal["zh", "en"]
# (dimension, value) -> (zh, en) label; survey.segments.dimensions.value_label fits.
ValueLabel = Callable[[str, object], tuple[str, str]]

PROFILE_DIMENSIONS = ("credit_role", "role", "age_band_coarse", "gender", "city_tier")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-pdf-header-footer",
)
COMPLEMENT_LABEL = "—"


AUDIENCE_DIMENSIONS: dict[str, tuple[str, str]] = {
    "country": ("国家/地区", "Country"),
    "age": ("年龄", "Age"),
}
AUDIENCE_SCHEMA: dict[str, Any] = {
    "dimension": pl.String,
    "dimension_label": pl.String,
    "value_key": pl.String,
    "value_label": pl.String,
    "views": pl.Int64,
    "views_label": pl.String,
    "share": pl.Float64,
    "is_suppressed": pl.Boolean,
}


class SponsorReportError(ValueError):
    """A sponsor report that cannot be made (unknown sponsor, bad option, no Chromium)."""


class UnknownSponsorError(SponsorReportError):
    """No sponsor has this id; the message never names other sponsors."""

    def __init__(self, sponsor_id: str) -> None:
        super().__init__(f"no sponsor {sponsor_id!r}")
        self.sponsor_id = sponsor_id


# Labels: key -> (zh, en). Column keys are the frames' column names.
TEXT: dict[str, tuple[str, str]] = {
    "title": ("赞助商触达报告", "Sponsor reach report"),
    "gala": ("AI春晚", "AI Spring Festival Gala"),
    "sponsor": ("赞助商", "Sponsor"),
    "generated_at": ("生成时间", "Generated"),
    "snapshot": ("数据快照", "Warehouse snapshot"),
    "window": ("统计区间", "Date window"),
    "window_all": ("全部日期", "all dates"),
    "k": ("最小单元人数 k", "Minimum cell size k"),
    "summary": ("摘要", "Summary"),
    "programs": ("节目", "Programs"),
    "platforms": ("平台", "Platforms"),
    "daily": ("趋势", "Daily"),
    "weekly": ("每周播放", "Weekly plays"),
    "live": ("直播", "Live"),
    "profile": ("受众", "Profile"),
    "audience": ("观众分布", "Audience"),
    "notes": ("说明", "Notes"),
    "metric": ("指标", "Metric"),
    "value": ("数值", "Value"),
    "note": ("备注", "Note"),
    "count_programs": ("赞助节目数", "Sponsored programs"),
    "count_editions": ("届数", "Editions"),
    "count_programs_above_median": ("播放高于届中位数的节目", "Programs above edition median"),
    "count_creators": ("署名主创人数", "Credited creators"),
    "estimated": ("估算", "estimated"),
    "estimated_short": ("估算", "est."),
    "legend": (
        "≈ / 估算：估算的触达；†：多天、多条内容或多平台相加，为上限（见说明）。",
        "≈ / est.: estimated reach; †: added up over days, items or platforms, an upper bound "
        "(see notes).",
    ),
    "reported": ("平台报告", "reported"),
    "upper_bound": ("上限", "upper bound"),
    "vs_median": ("对比届中位节目", "vs. the edition's median program"),
    "live_peak": ("直播峰值", "Live peak"),
    "profile_people": ("人数", "People"),
    "share": ("占比", "Share"),
    "none": ("无", "none"),
    "edition": ("届", "edition"),
    "median_line": ("中位数 = 1.0", "median = 1.0"),
}
COLUMNS: dict[str, tuple[str, str]] = {
    "program_id": ("节目编号", "Program ID"),
    "edition_year": ("届次", "Edition"),
    "title_zh": ("节目名称", "Program title"),
    "platform_id": ("平台编号", "Platform ID"),
    "platform_name": ("平台", "Platform"),
    "count_content": ("发布条数", "Published items"),
    "first_on": ("首日", "First day"),
    "last_on": ("末日", "Last day"),
    "plays": ("播放量", "Plays"),
    "share_of_plays": ("播放占比", "Share of plays"),
    "reach": ("触达人数", "Reach"),
    "reach_reported": ("其中平台报告", "Reach reported"),
    "reach_basis_label": ("触达口径", "Reach basis"),
    "is_reach_upper_bound": ("触达为上限", "Reach is an upper bound"),
    "impressions": ("曝光量", "Impressions"),
    "frequency": ("频次", "Frequency"),
    "count_interactions": ("互动数", "Interactions"),
    "engagement_rate": ("互动率", "Engagement rate"),
    "watch_time_h": ("观看时长(小时)", "Watch time (h)"),
    "median_plays": ("届中位播放量", "Edition median"),
    "plays_vs_median": ("播放/中位数", "Plays vs median"),
    "median_engagement_rate": ("届中位互动率", "Edition median engagement"),
    "engagement_rate_vs_median": ("互动率/中位数", "Engagement vs median"),
    "rank_plays": ("届内播放排名", "Rank in edition"),
    "count_programs_in_edition": ("届内节目数", "Programs in edition"),
    "date_on": ("日期", "Date"),
    "week_start_on": ("周起始日", "Week starting"),
    "count_programs": ("节目数", "Programs"),
    "dimension_label": ("维度", "Breakdown"),
    "value_label": ("类别", "Category"),
    "count_label": ("人数", "People"),
    "views_label": ("观看次数", "Views"),
    "share": ("占比", "Share"),
    "count_streams": ("直播流数", "Streams"),
    "count_sponsored_programs": ("本届赞助节目数", "Sponsored programs"),
    "peak_concurrent_viewers": ("全场同时在线峰值", "Peak concurrent viewers (all streams)"),
    "peak_minute_at": ("峰值时刻", "Peak minute"),
    "avg_concurrent_viewers": ("平均同时在线", "Average concurrent viewers"),
    "watch_minutes": ("观看人分钟", "Viewer-minutes"),
    "top_platform_name": ("峰值最高平台", "Top platform"),
    "top_stream_peak_concurrent_viewers": ("该平台峰值", "Its peak"),
    "first_minute_at": ("开播", "On air from"),
    "last_minute_at": ("结束", "On air until"),
}
DIMENSIONS: dict[str, tuple[str, str]] = {
    "credit_role": ("节目分工", "Credit on the program"),
    "role": ("职业", "Occupation"),
    "age_band_coarse": ("年龄段", "Age band"),
    "gender": ("性别", "Gender"),
    "city_tier": ("城市等级", "City tier"),
}
CREDIT_ROLES: dict[str, str] = {
    "导演": "Director",
    "编剧": "Writer",
    "动画": "Animation",
    "制片": "Producer",
    "AI视频": "AI video",
    "AI绘图": "AI imagery",
    "统筹": "Coordinator",
    "剪辑": "Editor",
    "作曲": "Composer",
    "配音": "Voice",
}
UNKNOWN = ("未调查/未填写", "Not surveyed / not answered")

NOTES: dict[str, tuple[str, str]] = {
    "reach": (
        "触达人数：平台报告独立观众数时取报告值，否则按该平台“播放/观众”比例估算，并标注“估算”。"
        "多天、多条内容或多平台相加的触达是上限（同一人可能被重复计入），不是去重后的观众数。",
        "Reach: unique viewers where the platform reports them, else estimated from the platform's "
        "plays per viewer and labelled 'estimated'. Reach added up over days, items or platforms "
        "is an upper bound (one person may count more than once), not a de-duplicated audience.",
    ),
    "engagement": (
        "互动率 = (点赞+评论+分享+收藏+投币+弹幕) / 播放量，只计入报告互动数据的内容日。",
        "Engagement rate = (likes + comments + shares + favorites + coins + danmaku) / plays, "
        "over the content days that report interactions.",
    ),
    "median": (
        "对比：每个节目与同届“中位节目”（同届所有已发布节目的播放量中位数）相比；1.0 = 与中位数持平。",
        "Comparison: each program against the median program of its edition (median plays over "
        "the edition's published programs); 1.0 = level with the median.",
    ),
    "shared": (
        "一个节目有多家赞助商时，其数据完整计入每一家。",
        "A program with several sponsors counts in full for each of them.",
    ),
    "live_no_air_times": (
        "节目目录中没有节目的播出时间，因此无法统计“节目播出期间”的直播峰值；直播表给出该届直播整体峰值，"
        "仅作背景参考。",
        "The program catalogue holds no air times, so the live peak during your programs cannot "
        "be measured; the live table shows each edition's overall live peak as context only.",
    ),
    "live_none": (
        "所涉届次没有直播数据。",
        "No live-stream data for these editions.",
    ),
    "profile": (
        "受众画像：赞助节目署名主创的汇总（职业、年龄段、性别、城市等级来自问卷）。少于 {k} 人的单元显示为"
        "“<{k}”；为防止由合计反推，必要时另隐藏一个单元（显示为“—”）。",
        "Profile: aggregates of the creators credited on your programs (occupation, age band, "
        "gender and city tier from the survey). Cells of fewer than {k} people show '<{k}'; where "
        "needed one more cell is hidden ('—') so a small cell cannot be derived from the total.",
    ),
    "profile_omitted": (
        "“{dims}”分项总人数少于 {k} 人或每个单元都少于 {k} 人，整项不显示。",
        "The breakdown(s) {dims} are omitted: fewer than {k} people in all, or every cell under "
        "{k}.",
    ),
    "profile_empty": (
        "赞助节目没有署名主创记录，无受众画像。",
        "No credited creators on these programs, so there is no profile.",
    ),
    "audience": (
        "观众分布：赞助节目的单个视频导出（如 YouTube 按视频导出的地理位置、观众年龄）的观看次数合计与占比；"
        "平台只给占比时按该视频同期总观看次数折算（估算）。观看次数少于 {k} 的单元显示为“<{k}”，"
        "只有一个单元被隐藏时另隐藏最小的一个（“—”），不显示合计，被隐藏的单元无法反推。",
        "Audience: views and shares from per-video exports of your programs (e.g. YouTube's "
        "Geography or Viewer age tab filtered to one video); where a platform gives only shares "
        "they are turned into views with the video's views over the same period (estimated). "
        "Values under {k} views show '<{k}'; when only one is hidden, the smallest shown one is "
        "hidden too ('—'), and no total is shown, so no hidden value can be derived.",
    ),
    "no_programs": (
        "该赞助商暂无关联节目。",
        "This sponsor has no programs yet.",
    ),
    "daily": (
        "趋势为赞助节目在所有平台的每日合计；仅按时段报告的总量（如 YouTube 的曝光、观看时长）不计入每日曝光"
        "与时长。",
        "Trend: daily totals of your programs over all platforms; totals a platform reports only "
        "per period (e.g. YouTube impressions, watch time) are not spread over days here.",
    ),
}


def _t(key: str, lang: Lang) -> str:
    zh, en = TEXT[key]
    return zh if lang == "zh" else en


def _col(key: str, lang: Lang) -> str:
    zh, en = COLUMNS[key]
    return zh if lang == "zh" else en


def _note(key: str, lang: Lang, **values: Any) -> str:
    zh, en = NOTES[key]
    return (zh if lang == "zh" else en).format(**values)


@dataclass(frozen=True)
class SponsorReport:
    """One sponsor's reach report: frames in display order plus what it was made from."""

    sponsor_id: str
    sponsor_name_zh: str
    sponsor_name_en: str | None
    lang: Lang
    k: int
    generated_at: datetime
    snapshot: str | None
    start_on: date | None
    end_on: date | None
    summary: pl.DataFrame  # one row: the sponsor's totals (reach(by="sponsor")) and counts
    programs: pl.DataFrame  # one row per sponsored program, with the edition-median comparison
    platforms: pl.DataFrame  # one row per platform carrying the sponsor's programs
    daily: pl.DataFrame  # edition x date
    weekly: pl.DataFrame  # edition x week (Monday)
    live: pl.DataFrame  # edition: the edition's overall live peak (context)
    profile: pl.DataFrame  # dimension x value, suppressed
    has_air_times: bool = False
    profile_omitted: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # dimension (country, age) x value, views < k suppressed (suppress_audience)
    audience: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=AUDIENCE_SCHEMA))

    @property
    def sponsor_name(self) -> str:
        """The sponsor's name in the report's language (zh when there is no English name)."""
        if self.lang == "en" and self.sponsor_name_en:
            return self.sponsor_name_en
        return self.sponsor_name_zh


def build_sponsor_report(
    reader: Reader,
    sponsor_id: str,
    *,
    k: int = DEFAULT_K,
    lang: Lang = "zh",
    start_on: date | str | None = None,
    end_on: date | str | None = None,
    value_label: ValueLabel | None = None,
    now: datetime | None = None,
) -> SponsorReport:
    """The reach report of one sponsor's programs; raises UnknownSponsorError for an unknown id."""
    if lang not in ("zh", "en"):
        raise SponsorReportError(f"lang must be zh or en, not {lang!r}")
    if k < 1:
        raise SponsorReportError(f"k must be at least 1, not {k}")
    if not sponsor_id:
        raise SponsorReportError("a sponsor id is required")
    sponsor = reader.query("sponsor_report_sponsor", sponsor_id=sponsor_id)
    if sponsor.is_empty():
        raise UnknownSponsorError(sponsor_id)
    names = sponsor.row(0, named=True)
    try:
        start, end = _window_dates(start_on, end_on)
        grains = reach_by(
            reader,
            ("sponsor", "program", "platform"),
            sponsor_id=sponsor_id,
            start_on=start,
            end_on=end,
        )
        total, by_program, by_platform = grains["sponsor"], grains["program"], grains["platform"]
        medians = sponsor_vs_median(reader, sponsor_id, start_on=start, end_on=end)
    except ValueError as exc:  # a bad window
        raise SponsorReportError(str(exc)) from exc
    daily = reader.query("sponsor_report_daily", sponsor_id=sponsor_id, start_on=start, end_on=end)
    live = reader.query("sponsor_report_live", sponsor_id=sponsor_id)
    raw_profile = reader.query("sponsor_report_profile", sponsor_id=sponsor_id)
    raw_audience = reader.query("sponsor_report_audience", sponsor_id=sponsor_id)
    audience = suppress_audience(raw_audience, k=k, lang=lang)
    programs = _programs(by_program, medians, lang)
    platforms = _platforms(by_platform, lang)
    profile, omitted = _profile(raw_profile, k=k, lang=lang, value_label=value_label)
    count_creators = (
        int(raw_profile.filter(pl.col("dimension") == "role")["count_people_total"][0])
        if raw_profile.height
        else 0
    )
    summary = _summary(total, programs, count_creators, lang)
    live = _live(live, lang)
    notes = _notes(
        lang=lang,
        k=k,
        has_programs=programs.height > 0,
        has_live=live.filter(pl.col("peak_concurrent_viewers").is_not_null()).height > 0,
        has_profile=raw_profile.height > 0,
        omitted=omitted,
    )
    if audience.height:
        notes.append(_note("audience", lang, k=k))
    snapshot = reader.snapshot.name if reader.snapshot is not None else None
    return SponsorReport(
        sponsor_id=names["sponsor_id"],
        sponsor_name_zh=names["sponsor_name_zh"],
        sponsor_name_en=names["sponsor_name_en"],
        lang=lang,
        k=k,
        generated_at=(now or datetime.now(UTC)),
        snapshot=snapshot,
        start_on=start,
        end_on=end,
        summary=summary,
        programs=programs,
        platforms=platforms,
        daily=_daily(daily),
        weekly=_weekly(daily),
        live=live,
        profile=profile,
        has_air_times=False,
        profile_omitted=omitted,
        notes=notes,
        audience=audience,
    )


def suppress_audience(raw: pl.DataFrame, *, k: int, lang: Lang) -> pl.DataFrame:
    """A sponsor's audience by country and age with small values hidden (AUDIENCE_SCHEMA).

    `raw[dimension, value_key, value_text, views_basis]`. Platforms report views and shares,
    not people, so the rule is on views: a value under k views shows "<k"; when exactly one
    value of a dimension is hidden, the smallest shown one is hidden too ("—"), so the hidden
    one cannot be derived from the shares of the rest (no total is shown either). A dimension
    under k views in all, or with every value hidden, is left out.
    """
    kept = []
    for dimension, names in AUDIENCE_DIMENSIONS.items():
        cells = raw.filter(pl.col("dimension") == dimension)
        if cells.is_empty():
            continue
        cells = cells.with_columns(views=pl.col("views_basis").round(0).cast(pl.Int64))
        total = int(cells["views"].sum())
        if total < k:
            continue
        cells = cells.with_columns(share=pl.col("views") / total)
        cells = suppress_small_cells(cells, "views", k=k, value_columns=["share"])
        cells = cells.rename({"views": "count_people"}).with_columns(value=pl.col("value_key"))
        cells = _complement(cells.with_columns(pl.col("count_people").alias("_order")))
        cells = cells.rename({"count_people": "views", "count_label": "views_label"})
        if cells["is_suppressed"].all():
            continue
        kept.append(
            cells.with_columns(
                dimension_label=pl.lit(names[0 if lang == "zh" else 1]),
                value_label=pl.coalesce("value_text", "value_key"),
            )
            # Hidden values last, in label order: their position says nothing of their size.
            .sort(
                [pl.col("is_suppressed"), pl.col("views"), pl.col("value_label")],
                descending=[False, True, False],
                nulls_last=True,
            )
            .select(list(AUDIENCE_SCHEMA))
        )
    frame = pl.concat(kept) if kept else pl.DataFrame(schema=AUDIENCE_SCHEMA)
    return frame.cast(AUDIENCE_SCHEMA)  # type: ignore[arg-type]


def _window_dates(
    start_on: date | str | None, end_on: date | str | None
) -> tuple[date | None, date | None]:
    def one(value: date | str | None, name: str) -> date | None:
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise SponsorReportError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None

    return one(start_on, "start_on"), one(end_on, "end_on")


def _basis_label(lang: Lang) -> pl.Expr:
    return (
        pl.when(pl.col("reach_basis") == "estimated")
        .then(pl.lit(_t("estimated", lang)))
        .when(pl.col("reach_basis") == "reported")
        .then(pl.lit(_t("reported", lang)))
        .otherwise(None)
        .alias("reach_basis_label")
    )


def _programs(by_program: pl.DataFrame, medians: pl.DataFrame, lang: Lang) -> pl.DataFrame:
    compared = medians.select(
        "program_id",
        "median_plays",
        "plays_vs_median",
        "median_engagement_rate",
        "engagement_rate_vs_median",
        "rank_plays",
        "count_programs_in_edition",
    )
    return (
        by_program.join(compared, on="program_id", how="left")
        .with_columns(_basis_label(lang))
        .select(
            "program_id",
            "edition_year",
            "title_zh",
            "count_content",
            "plays",
            "reach",
            "reach_basis",
            "reach_basis_label",
            "is_reach_upper_bound",
            "impressions",
            "count_interactions",
            "engagement_rate",
            "watch_time_h",
            "median_plays",
            "plays_vs_median",
            "median_engagement_rate",
            "engagement_rate_vs_median",
            "rank_plays",
            "count_programs_in_edition",
        )
        .sort(["edition_year", "plays", "program_id"], descending=[False, True, False])
    )


def _platforms(by_platform: pl.DataFrame, lang: Lang) -> pl.DataFrame:
    carried = by_platform.filter(pl.col("count_content") > 0)
    total = carried["plays"].sum() or 0
    name = "platform_name_zh" if lang == "zh" else "platform_name_en"
    return (
        carried.with_columns(
            pl.col(name).alias("platform_name"),
            (pl.col("plays") / total if total else pl.lit(None, pl.Float64)).alias(
                "share_of_plays"
            ),
            _basis_label(lang),
        )
        .select(
            "platform_id",
            "platform_name",
            "count_content",
            "plays",
            "share_of_plays",
            "reach",
            "reach_basis",
            "reach_basis_label",
            "is_reach_upper_bound",
            "impressions",
            "frequency",
            "count_interactions",
            "engagement_rate",
            "watch_time_h",
        )
        .sort(["plays", "platform_id"], descending=[True, False])
    )


def _summary(
    total: pl.DataFrame, programs: pl.DataFrame, count_creators: int, lang: Lang
) -> pl.DataFrame:
    row = total.with_columns(_basis_label(lang)).select(
        "count_content",
        "first_on",
        "last_on",
        "plays",
        "reach",
        "reach_reported",
        "reach_basis",
        "reach_basis_label",
        "is_reach_upper_bound",
        "impressions",
        "frequency",
        "count_interactions",
        "engagement_rate",
        "watch_time_h",
    )
    above = programs.filter(pl.col("plays_vs_median") > 1).height
    return row.with_columns(
        count_programs=pl.lit(programs.height, pl.Int64),
        count_editions=pl.lit(programs["edition_year"].n_unique(), pl.Int64),
        count_programs_above_median=pl.lit(above, pl.Int64),
        count_creators=pl.lit(count_creators, pl.Int64),
    )


def _daily(daily: pl.DataFrame) -> pl.DataFrame:
    return daily.with_columns(
        (
            pl.col("count_interactions").cast(pl.Float64)
            / pl.when(pl.col("plays_with_interactions") > 0).then(pl.col("plays_with_interactions"))
        ).alias("engagement_rate")
    ).select(
        "edition_year",
        "date_on",
        "count_programs",
        "plays",
        "count_interactions",
        "engagement_rate",
        "impressions",
        "watch_time_h",
    )


def _weekly(daily: pl.DataFrame) -> pl.DataFrame:
    return (
        daily.with_columns(pl.col("date_on").dt.truncate("1w").alias("week_start_on"))
        .group_by("edition_year", "week_start_on")
        .agg(pl.col("plays").sum())
        .sort("edition_year", "week_start_on")
    )


def _live(live: pl.DataFrame, lang: Lang) -> pl.DataFrame:
    name = "top_platform_name_zh" if lang == "zh" else "top_platform_name_en"
    return live.with_columns(pl.col(name).alias("top_platform_name")).select(
        "edition_year",
        "count_sponsored_programs",
        "count_streams",
        "first_minute_at",
        "last_minute_at",
        "peak_concurrent_viewers",
        "peak_minute_at",
        "avg_concurrent_viewers",
        "watch_minutes",
        "top_platform_name",
        "top_stream_peak_concurrent_viewers",
    )


def _value_label(dimension: str, value: object, lang: Lang, value_label: ValueLabel | None) -> str:
    if value is None:
        return UNKNOWN[0] if lang == "zh" else UNKNOWN[1]
    if dimension == "credit_role":
        text = str(value)
        return text if lang == "zh" else CREDIT_ROLES.get(text, text)
    if value_label is not None:
        zh, en = value_label(dimension, value)
        return zh if lang == "zh" else en
    return str(value)


def _profile(
    raw: pl.DataFrame, *, k: int, lang: Lang, value_label: ValueLabel | None
) -> tuple[pl.DataFrame, list[str]]:
    """Suppress the profile: cells < k show "<k", one complementary cell more where needed."""
    kept: list[pl.DataFrame] = []
    omitted: list[str] = []
    for dimension in PROFILE_DIMENSIONS:
        cells = raw.filter(pl.col("dimension") == dimension)
        if cells.is_empty():
            continue
        total = int(cells["count_people_total"][0])
        if total < k:
            omitted.append(dimension)
            continue
        cells = cells.with_columns(
            (pl.col("count_people") / pl.col("count_people_total")).alias("share")
        )
        cells = suppress_small_cells(cells, "count_people", k=k, value_columns=["share"])
        cells = _complement(cells.with_columns(pl.col("count_people").alias("_order")))
        if cells["is_suppressed"].all():  # nothing left to show: say so instead of a wall of <k
            omitted.append(dimension)
            continue
        labels = [_value_label(dimension, v, lang, value_label) for v in cells["value"]]
        # Suppressed cells last, in label order, so their position reveals nothing of their size.
        cells = (
            cells.with_columns(
                dimension_label=pl.lit(DIMENSIONS[dimension][0 if lang == "zh" else 1]),
                value_label=pl.Series(labels, dtype=pl.String),
            )
            .sort(
                [pl.col("is_suppressed"), pl.col("count_people"), pl.col("value_label")],
                descending=[False, True, False],
                nulls_last=True,
            )
            .select(
                "dimension",
                "dimension_label",
                "value",
                "value_label",
                "count_people",
                "count_label",
                "share",
                "is_suppressed",
            )
        )
        kept.append(cells)
    schema = {
        "dimension": pl.String,
        "dimension_label": pl.String,
        "value": pl.String,
        "value_label": pl.String,
        "count_people": pl.Int64,
        "count_label": pl.String,
        "share": pl.Float64,
        "is_suppressed": pl.Boolean,
    }
    frame = pl.concat(kept) if kept else pl.DataFrame(schema=schema)
    return frame.cast(schema), omitted  # type: ignore[arg-type]


def _complement(cells: pl.DataFrame) -> pl.DataFrame:
    """Hide the smallest shown cell too when exactly one is suppressed (no recovery by total)."""
    if cells["is_suppressed"].sum() != 1 or cells.height < 2:
        return cells.drop("_order")
    shown = cells.with_row_index("_row").filter(~pl.col("is_suppressed"))
    smallest = shown.sort("_order", "value", nulls_last=True)["_row"][0]
    hide = pl.int_range(pl.len()) == smallest
    return cells.with_columns(
        pl.when(hide).then(None).otherwise(pl.col("count_people")).alias("count_people"),
        pl.when(hide).then(None).otherwise(pl.col("share")).alias("share"),
        (pl.col("is_suppressed") | hide).alias("is_suppressed"),
        pl.when(hide)
        .then(pl.lit(COMPLEMENT_LABEL))
        .otherwise(pl.col("count_label"))
        .alias("count_label"),
    ).drop("_order")


def _notes(
    *,
    lang: Lang,
    k: int,
    has_programs: bool,
    has_live: bool,
    has_profile: bool,
    omitted: list[str],
) -> list[str]:
    notes = [] if has_programs else [_note("no_programs", lang)]
    notes += [_note(key, lang) for key in ("reach", "engagement", "median", "shared", "daily")]
    notes.append(_note("live_no_air_times" if has_live else "live_none", lang))
    notes.append(_note("profile", lang, k=k) if has_profile else _note("profile_empty", lang))
    if omitted:
        notes.append(_omitted_note(omitted, lang, k))
    return notes


# --- xlsx --------------------------------------------------------------------------------------

PROGRAM_COLUMNS = [
    "program_id",
    "edition_year",
    "title_zh",
    "count_content",
    "plays",
    "reach",
    "reach_basis_label",
    "is_reach_upper_bound",
    "impressions",
    "count_interactions",
    "engagement_rate",
    "watch_time_h",
    "median_plays",
    "plays_vs_median",
    "median_engagement_rate",
    "engagement_rate_vs_median",
    "rank_plays",
    "count_programs_in_edition",
]
PLATFORM_COLUMNS = [
    "platform_name",
    "count_content",
    "plays",
    "share_of_plays",
    "reach",
    "reach_basis_label",
    "is_reach_upper_bound",
    "impressions",
    "frequency",
    "count_interactions",
    "engagement_rate",
    "watch_time_h",
]
DAILY_COLUMNS = [
    "edition_year",
    "date_on",
    "count_programs",
    "plays",
    "count_interactions",
    "engagement_rate",
    "impressions",
    "watch_time_h",
]
PROFILE_COLUMNS = ["dimension_label", "value_label", "count_label", "share"]
LIVE_COLUMNS = [
    "edition_year",
    "count_sponsored_programs",
    "peak_concurrent_viewers",
    "peak_minute_at",
    "top_platform_name",
    "top_stream_peak_concurrent_viewers",
    "avg_concurrent_viewers",
    "watch_minutes",
    "count_streams",
    "first_minute_at",
    "last_minute_at",
]
PERCENT = "0.00%"
RATIO = "0.00"
FORMATS = {
    "edition_year": "0",
    "rank_plays": "0",
    "engagement_rate": PERCENT,
    "median_engagement_rate": PERCENT,
    "share_of_plays": PERCENT,
    "share": PERCENT,
    "plays_vs_median": RATIO,
    "engagement_rate_vs_median": RATIO,
    "frequency": RATIO,
    "watch_time_h": "#,##0.0",
    "median_plays": "#,##0.0",
    "avg_concurrent_viewers": "#,##0",
}


def _yes_no(frame: pl.DataFrame, lang: Lang) -> pl.DataFrame:
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    return frame.with_columns(
        pl.col(c).replace_strict({True: yes, False: no}, default=None, return_dtype=pl.String)
        for c, dtype in frame.schema.items()
        if dtype == pl.Boolean
    )


def _sheet(workbook: Workbook, title: str, frame: pl.DataFrame, lang: Lang) -> None:
    frame = _yes_no(frame, lang)
    write_frame_sheets(
        workbook,
        title,
        frame,
        [_col(c, lang) for c in frame.columns],
        number_formats={c: f for c, f in FORMATS.items() if c in frame.columns},
    )


def _profile_sheet(workbook: Workbook, report: SponsorReport) -> None:
    """Profile cells: the count as a number, or the text "<k" / "—" where it is suppressed."""
    lang = report.lang
    sheet = workbook.create_sheet(_t("profile", lang))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCD", (16, 28, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.auto_filter.ref = f"A1:D{report.profile.height + 1}"
    sheet.append([_text_cell(sheet, _col(c, lang), bold=True) for c in PROFILE_COLUMNS])
    for c in report.profile.iter_rows(named=True):
        count = c["count_label"] if c["is_suppressed"] else c["count_people"]
        sheet.append(
            [
                _text_cell(sheet, c["dimension_label"]),
                _text_cell(sheet, c["value_label"]),
                _number_cell(sheet, count, "#,##0")
                if not c["is_suppressed"]
                else _text_cell(sheet, count),
                _number_cell(sheet, c["share"], PERCENT),
            ]
        )
    if report.profile_omitted or report.profile.is_empty():
        sheet.append([])
        sheet.append([_text_cell(sheet, _profile_empty_note(report))])


def _audience_sheet(workbook: Workbook, report: SponsorReport) -> None:
    """Audience values: views as a number, or "<k" / "—" where hidden."""
    lang = report.lang
    sheet = workbook.create_sheet(_t("audience", lang))
    headers = [_col(c, lang) for c in ("dimension_label", "value_label", "views_label", "share")]
    sheet.append([_text_cell(sheet, h, bold=True) for h in headers])
    for c in report.audience.iter_rows(named=True):
        sheet.append(
            [
                _text_cell(sheet, c["dimension_label"]),
                _text_cell(sheet, c["value_label"]),
                _text_cell(sheet, c["views_label"])
                if c["is_suppressed"]
                else _number_cell(sheet, c["views"], "#,##0"),
                _number_cell(sheet, c["share"], PERCENT),
            ]
        )


def _audience_html(report: SponsorReport) -> str:
    """The audience section (empty when no per-video breakdown covers the programs)."""
    lang = report.lang
    if report.audience.is_empty():
        return ""
    sections = []
    for dimension in AUDIENCE_DIMENSIONS:
        cells = report.audience.filter(pl.col("dimension") == dimension)
        if cells.is_empty():
            continue
        rows = [
            [
                _e(c["value_label"]),
                _e(c["views_label"]),
                _pct(c["share"]) + _bar(c["share"]) if c["share"] is not None else "–",
            ]
            for c in cells.iter_rows(named=True)
        ]
        table = _table(
            [_col("value_label", lang), _col("views_label", lang), _col("share", lang)], rows, {1}
        )
        sections.append(f"<section><h3>{_e(cells['dimension_label'][0])}</h3>{table}</section>")
    note = _note("audience", lang, k=report.k)
    title = _t("audience", lang)
    return f"<h2>{_e(title)}</h2><p class=note>{_e(note)}</p><div class=profile>{''.join(sections)}</div>"


def _profile_empty_note(report: SponsorReport) -> str:
    if not report.profile_omitted:
        return _note("profile_empty", report.lang)
    return _omitted_note(report.profile_omitted, report.lang, report.k)


def _omitted_note(omitted: Sequence[str], lang: Lang, k: int) -> str:
    if lang == "zh":
        dims = "、".join(DIMENSIONS[d][0] for d in omitted)
    else:
        dims = ", ".join(DIMENSIONS[d][1] for d in omitted)
    return _note("profile_omitted", lang, dims=dims, k=k)


def _text_cell(sheet: Worksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if bold:
        cell.font = Font(bold=True)
    return cell


def _number_cell(sheet: Worksheet, value: Any, number_format: str) -> WriteOnlyCell:
    if isinstance(value, float) and math.isnan(value):
        value = None
    cell = WriteOnlyCell(sheet, value=value)
    if value is not None:
        cell.number_format = number_format
    return cell


def summary_rows(report: SponsorReport) -> list[tuple[str, Any, str, str]]:
    """The summary as (label, value, Excel number format, note) rows."""
    lang = report.lang
    s = report.summary.row(0, named=True)
    estimated = s["reach_basis"] == "estimated"
    reach_note = _t("estimated", lang) if estimated else _t("reported", lang)
    if s["is_reach_upper_bound"]:
        reach_note += " · " + _t("upper_bound", lang)
    return [
        (_t("count_programs", lang), s["count_programs"], "#,##0", ""),
        (_t("count_editions", lang), s["count_editions"], "#,##0", ""),
        (_col("count_content", lang), s["count_content"], "#,##0", ""),
        (_col("plays", lang), s["plays"], "#,##0", ""),
        (_col("reach", lang), s["reach"], "#,##0", reach_note if s["reach"] is not None else ""),
        (_col("impressions", lang), s["impressions"], "#,##0", ""),
        (_col("count_interactions", lang), s["count_interactions"], "#,##0", ""),
        (_col("engagement_rate", lang), s["engagement_rate"], PERCENT, ""),
        (_col("watch_time_h", lang), s["watch_time_h"], "#,##0.0", ""),
        (
            _t("count_programs_above_median", lang),
            s["count_programs_above_median"],
            "#,##0",
            f"/ {s['count_programs']}",
        ),
        (_t("count_creators", lang), s["count_creators"], "#,##0", ""),
    ]


def _meta_rows(report: SponsorReport) -> list[tuple[str, str]]:
    lang = report.lang
    name = report.sponsor_name_zh + (
        f" / {report.sponsor_name_en}" if report.sponsor_name_en else ""
    )
    return [
        (_t("sponsor", lang), f"{report.sponsor_id} · {name}"),
        (_t("generated_at", lang), report.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        (_t("snapshot", lang), report.snapshot or ""),
        (_t("window", lang), _window_text(report)),
        (_t("k", lang), str(report.k)),
    ]


def _window_text(report: SponsorReport) -> str:
    if report.start_on is None and report.end_on is None:
        return _t("window_all", report.lang)
    start = report.start_on.isoformat() if report.start_on else "…"
    end = report.end_on.isoformat() if report.end_on else "…"
    return f"{start} – {end}"


def report_xlsx_bytes(report: SponsorReport) -> bytes:
    """The report as an .xlsx workbook: Summary, Programs, Platforms, Daily, Profile, Notes."""
    lang = report.lang
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_t("summary", lang))
    summary.column_dimensions["A"].width = 30
    summary.column_dimensions["B"].width = 40
    summary.column_dimensions["C"].width = 24
    summary.append([_text_cell(summary, _t("title", lang), bold=True)])
    for label, text in _meta_rows(report):
        summary.append([_text_cell(summary, label), _text_cell(summary, text)])
    summary.append([])
    summary.append(
        [_text_cell(summary, _t(key, lang), bold=True) for key in ("metric", "value", "note")]
    )
    for label, value, number_format, note in summary_rows(report):
        summary.append(
            [
                _text_cell(summary, label),
                _number_cell(summary, value, number_format),
                _text_cell(summary, note or None),
            ]
        )
    summary.append([])
    summary.append([_text_cell(summary, _t("live_peak", lang), bold=True)])
    for row in report.live.iter_rows(named=True):
        summary.append(
            [
                _text_cell(summary, f"{row['edition_year']} {_t('edition', lang)}"),
                _number_cell(summary, row["peak_concurrent_viewers"], "#,##0"),
                _text_cell(
                    summary,
                    row["peak_minute_at"].strftime("%Y-%m-%d %H:%M")
                    if row["peak_minute_at"]
                    else None,
                ),
            ]
        )
    _sheet(workbook, _t("programs", lang), report.programs.select(PROGRAM_COLUMNS), lang)
    _sheet(workbook, _t("platforms", lang), report.platforms.select(PLATFORM_COLUMNS), lang)
    _sheet(workbook, _t("daily", lang), report.daily.select(DAILY_COLUMNS), lang)
    _sheet(workbook, _t("live", lang), report.live.select(LIVE_COLUMNS), lang)
    _profile_sheet(workbook, report)
    if report.audience.height:
        _audience_sheet(workbook, report)
    notes = workbook.create_sheet(_t("notes", lang))
    notes.column_dimensions["A"].width = 120
    notes.append([_text_cell(notes, _t("notes", lang), bold=True)])
    for note in report.notes:
        notes.append([_text_cell(notes, note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- HTML --------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _int(value: Any) -> str:
    return "–" if value is None else f"{round(value):,}"


def _pct(value: Any, digits: int = 1) -> str:
    return (
        "–"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value * 100:.{digits}f}%")
    )


def _ratio(value: Any) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _hours(value: Any) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _reach_html(value: Any, basis: str | None, upper: bool | None, lang: Lang) -> str:
    if value is None:
        return "–"
    text = _int(value)
    if basis == "estimated":
        text = f"≈{text} <span class=tag>{_e(_t('estimated_short', lang))}</span>"
    if upper:
        text += f"<sup title='{_e(_t('upper_bound', lang))}'>†</sup>"
    return text


def _bar(share: float | None, *, cls: str = "") -> str:
    width = 0.0 if share is None else max(0.0, min(share, 1.0)) * 100
    return f"<div class='bar {cls}'><span style='width:{width:.1f}%'></span></div>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(
        f"<th class='{'num' if i in numeric else ''}'>{_e(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='{'num' if i in numeric else ''}'>{cell}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _weekly_svg(weekly: pl.DataFrame, edition: int, lang: Lang) -> str:
    """Inline SVG bars of weekly plays for one edition (no scripts, prints as vectors)."""
    frame = weekly.filter(pl.col("edition_year") == edition).sort("week_start_on")
    if frame.is_empty():
        return ""
    width, height, left, bottom, top = 640, 170, 64, 26, 12
    values = frame["plays"].to_list()
    peak = max(max(values), 1)
    step = (width - left - 8) / len(values)
    bars, labels = [], []
    for i, (week, plays) in enumerate(zip(frame["week_start_on"], values, strict=True)):
        h = (height - bottom - top) * plays / peak
        x = left + i * step
        y = height - bottom - h
        bars.append(
            f"<rect x='{x + step * 0.1:.1f}' y='{y:.1f}' width='{step * 0.8:.1f}' "
            f"height='{h:.1f}' fill='#c8102e'><title>{_e(week)}: {_int(plays)}</title></rect>"
        )
        if i % max(1, len(values) // 6) == 0:
            labels.append(
                f"<text x='{x + step / 2:.1f}' y='{height - 8}' text-anchor='middle'>"
                f"{_e(week.strftime('%m-%d'))}</text>"
            )
    axis = (
        f"<line x1='{left}' y1='{height - bottom}' x2='{width - 4}' y2='{height - bottom}' "
        "stroke='#999'/>"
        f"<text x='{left - 6}' y='{top + 8}' text-anchor='end'>{_e(_int(peak))}</text>"
        f"<text x='{left - 6}' y='{height - bottom}' text-anchor='end'>0</text>"
    )
    caption = f"{edition} {_t('edition', lang)} · {_t('weekly', lang)}"
    return (
        f"<figure><figcaption>{_e(caption)}</figcaption>"
        f"<svg viewBox='0 0 {width} {height}' width='100%' role='img' "
        f"aria-label='{_e(caption)}'>"
        f"{axis}{''.join(bars)}{''.join(labels)}</svg></figure>"
    )


CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei",
  sans-serif; color: #222; font-size: 10.5pt; line-height: 1.45; margin: 0 auto;
  max-width: 186mm; }
header { border-bottom: 3px solid #c8102e; padding-bottom: 6px; margin-bottom: 10px; }
h1 { font-size: 18pt; margin: 0; } h1 small { font-size: 11pt; color: #666; font-weight: 400; }
h2 { font-size: 12.5pt; margin: 16px 0 6px; border-left: 4px solid #c8102e; padding-left: 6px;
  break-after: avoid; }
h3 { font-size: 10.5pt; margin: 8px 0 4px; }
.meta { color: #555; font-size: 9pt; display: flex; flex-wrap: wrap; gap: 2px 16px; }
.kpis { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
.kpi { border: 1px solid #ddd; border-radius: 4px; padding: 6px 8px; break-inside: avoid; }
.kpi b { display: block; font-size: 14pt; } .kpi span { color: #666; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 4px 0 8px; }
.legend { font-size: 8pt; color: #666; margin: 0 0 6px; }
sup { color: #8a5a00; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 3px; text-align: left;
  vertical-align: top; }
th { background: #f5f0f0; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tag { font-size: 7.5pt; color: #8a5a00; background: #fff3d6; border-radius: 3px;
  padding: 0 3px; white-space: nowrap; }
.tag.ub { color: #555; background: #eee; }
.bar { background: #f0f0f0; height: 6px; min-width: 40px; border-radius: 2px; }
.bar span { display: block; height: 100%; background: #c8102e; border-radius: 2px; }
.bar.median span { background: #1f5fa8; }
.profile { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 14px; }
.profile section { break-inside: avoid; }
figure { margin: 4px 0 8px; break-inside: avoid; }
figcaption { font-size: 9pt; color: #555; }
svg text { font-size: 10px; fill: #555; }
.note { background: #fafafa; border: 1px solid #eee; padding: 6px 8px; font-size: 9pt; }
ol.notes { font-size: 8.5pt; color: #444; padding-left: 18px; }
footer { margin-top: 12px; font-size: 8pt; color: #888; }
"""


def report_html(report: SponsorReport) -> str:
    """The report as one self-contained, print-ready HTML page (A4, CJK fonts, no scripts)."""
    lang = report.lang
    s = report.summary.row(0, named=True)
    name_other = report.sponsor_name_en if lang == "zh" else report.sponsor_name_zh
    title = f"{_t('title', lang)} · {report.sponsor_name}"
    meta = "".join(f"<span>{_e(label)}: {_e(text)}</span>" for label, text in _meta_rows(report))
    kpis = [
        (_t("count_programs", lang), _int(s["count_programs"])),
        (_col("plays", lang), _int(s["plays"])),
        (
            _col("reach", lang),
            _reach_html(s["reach"], s["reach_basis"], s["is_reach_upper_bound"], lang),
        ),
        (_col("impressions", lang), _int(s["impressions"])),
        (_col("engagement_rate", lang), _pct(s["engagement_rate"], 2)),
        (_col("watch_time_h", lang), _hours(s["watch_time_h"])),
    ]
    kpi_html = "".join(
        f"<div class=kpi><span>{_e(label)}</span><b>{value}</b></div>" for label, value in kpis
    )
    # Programs, with plays against the edition median as a bar (the median is the half-way mark).
    program_rows = []
    for p in report.programs.iter_rows(named=True):
        vs = p["plays_vs_median"]
        program_rows.append(
            [
                _e(p["edition_year"]),
                _e(p["title_zh"]),
                _int(p["plays"]),
                _reach_html(p["reach"], p["reach_basis"], p["is_reach_upper_bound"], lang),
                _int(p["impressions"]),
                _pct(p["engagement_rate"], 2),
                _hours(p["watch_time_h"]),
                _int(p["median_plays"]),
                _ratio(vs) + _bar(None if vs is None else vs / 2, cls="median"),
                _e(
                    f"{p['rank_plays']}/{p['count_programs_in_edition']}"
                    if p["rank_plays"] is not None
                    else "–"
                ),
            ]
        )
    programs_table = _table(
        [
            _col("edition_year", lang),
            _col("title_zh", lang),
            _col("plays", lang),
            _col("reach", lang),
            _col("impressions", lang),
            _col("engagement_rate", lang),
            _col("watch_time_h", lang),
            _col("median_plays", lang),
            _col("plays_vs_median", lang),
            _col("rank_plays", lang),
        ],
        program_rows,
        {2, 3, 4, 5, 6, 7, 9},
    )
    platform_rows = [
        [
            _e(p["platform_name"]),
            _int(p["count_content"]),
            _int(p["plays"]),
            _pct(p["share_of_plays"]) + _bar(p["share_of_plays"]),
            _reach_html(p["reach"], p["reach_basis"], p["is_reach_upper_bound"], lang),
            _int(p["impressions"]),
            _pct(p["engagement_rate"], 2),
            _hours(p["watch_time_h"]),
        ]
        for p in report.platforms.iter_rows(named=True)
    ]
    platforms_table = _table(
        [
            _col("platform_name", lang),
            _col("count_content", lang),
            _col("plays", lang),
            _col("share_of_plays", lang),
            _col("reach", lang),
            _col("impressions", lang),
            _col("engagement_rate", lang),
            _col("watch_time_h", lang),
        ],
        platform_rows,
        {1, 2, 4, 5, 6, 7},
    )
    charts = "".join(
        _weekly_svg(report.weekly, edition, lang)
        for edition in report.weekly["edition_year"].unique().sort().to_list()
    )
    live_rows = [
        [
            _e(r["edition_year"]),
            _int(r["count_sponsored_programs"]),
            _int(r["peak_concurrent_viewers"]),
            _e(r["peak_minute_at"].strftime("%Y-%m-%d %H:%M") if r["peak_minute_at"] else "–"),
            _e(r["top_platform_name"]),
            _int(r["top_stream_peak_concurrent_viewers"]),
            _int(r["avg_concurrent_viewers"]),
        ]
        for r in report.live.iter_rows(named=True)
    ]
    live_table = _table(
        [
            _col(c, lang)
            for c in (
                "edition_year",
                "count_sponsored_programs",
                "peak_concurrent_viewers",
                "peak_minute_at",
                "top_platform_name",
                "top_stream_peak_concurrent_viewers",
                "avg_concurrent_viewers",
            )
        ],
        live_rows,
        {1, 2, 3, 5, 6},
    )
    live_note = _note("live_no_air_times", lang) if report.live.height else _note("live_none", lang)
    profile_html = _profile_html(report) + _audience_html(report)
    notes = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    subtitle = f"<small>{_e(name_other)}</small>" if name_other else ""
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{_e(title)} {subtitle}</h1>
<div class=meta>{meta}</div>
</header>
<h2>{_e(_t("summary", lang))}</h2>
<div class=kpis>{kpi_html}</div>
<h2>{_e(_t("programs", lang))} · {_e(_t("vs_median", lang))}</h2>
{programs_table}
<p class=legend>{_e(_t("legend", lang))}</p>
<h2>{_e(_t("platforms", lang))}</h2>
{platforms_table}
<h2>{_e(_t("weekly", lang))}</h2>
{charts or "<p>" + _e(_t("none", lang)) + "</p>"}
<h2>{_e(_t("live_peak", lang))}</h2>
<p class=note>{_e(live_note)}</p>
{live_table if report.live.height else ""}
<h2>{_e(_t("profile", lang))}</h2>
{profile_html}
<h2>{_e(_t("notes", lang))}</h2>
<ol class=notes>{notes}</ol>
<footer>creatorpulse · {_e(report.snapshot or "")} · {_e(_meta_rows(report)[1][1])}</footer>
</body>
</html>
"""


def _profile_html(report: SponsorReport) -> str:
    lang = report.lang
    if report.profile.is_empty():
        return f"<p class=note>{_e(_profile_empty_note(report))}</p>"
    sections = []
    for dimension in PROFILE_DIMENSIONS:
        cells = report.profile.filter(pl.col("dimension") == dimension)
        if cells.is_empty():
            continue
        rows = [
            [
                _e(c["value_label"]),
                _e(c["count_label"]),
                _pct(c["share"]) + _bar(c["share"]) if c["share"] is not None else "–",
            ]
            for c in cells.iter_rows(named=True)
        ]
        table = _table(
            [_col("value_label", lang), _col("count_label", lang), _col("share", lang)],
            rows,
            {1},
        )
        sections.append(f"<section><h3>{_e(cells['dimension_label'][0])}</h3>{table}</section>")
    note = _note("profile", lang, k=report.k)
    if report.profile_omitted:
        note += " " + _omitted_note(report.profile_omitted, lang, report.k)
    return f"<p class=note>{_e(note)}</p><div class=profile>{''.join(sections)}</div>"


# --- PDF ---------------------------------------------------------------------------------------


def find_chromium() -> str | None:
    """The system Chromium's path ($CREATORPULSE_CHROMIUM if set), or None when there is none."""
    override = os.environ.get("CREATORPULSE_CHROMIUM")
    # A configured browser is the only one tried, so a wrong setting fails loudly.
    for candidate in (override,) if override else CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def html_to_pdf_bytes(page: str, *, chromium: str | None = None, timeout_s: float = 120.0) -> bytes:
    """Print an HTML page to PDF with headless Chromium; SponsorReportError when it can't."""
    browser = chromium or find_chromium()
    if browser is None:
        raise SponsorReportError(
            "Chromium not found: write the report as .html and print it to PDF from a browser"
        )
    with tempfile.TemporaryDirectory(prefix="creatorpulse-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.html"
        target = folder / "report.pdf"
        source.write_text(page, encoding="utf-8")
        command = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SponsorReportError(
                f"Chromium could not print the PDF ({type(exc).__name__}): write .html and print "
                "it from a browser"
            ) from exc
        if not target.exists() or target.stat().st_size == 0:
            last = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise SponsorReportError(
                f"Chromium printed no PDF (exit {done.returncode}: {last[0][:200]}): write .html "
                "and print it from a browser"
            )
        return target.read_bytes()


def report_pdf_bytes(report: SponsorReport, *, chromium: str | None = None) -> bytes:
    """The report's HTML page printed to an A4 PDF by headless Chromium."""
    return html_to_pdf_bytes(report_html(report), chromium=chromium)
