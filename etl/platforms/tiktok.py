"""TikTok Studio analytics downloads: Overview, Content, Viewers, Follower* files.

Each tab downloads as its own file (CSV with a BOM and every field quoted, or .xlsx whose
numbers are stored as text), told apart by its headers (aliases/tiktok.yaml). Dates carry no
year (`February 28`, Spanish UI `8 de marzo`) and a 60-day window may cross new year; the
literal `undefined` means "no value".

Where each lands:
- Overview (`Date, Video Views, Profile Views, Likes, Comments, Shares`), Viewers
  (`Date, Total Viewers, New Viewers, Returning Viewers`) and FollowerHistory
  (`Date, Followers, Difference in followers from previous day`) are channel-wide days:
  fct_channel_breakdown rows with dimension `channel`, value `all`, period = that day. The
  three files report different figures of the same day and the load merges them (a file
  restating a figure replaces it). Overview's views are the channel's, not any video's, so
  they stay out of fct_content_daily (which would count them twice beside Content).
- FollowerActivity (`Date, Hour, Active followers`): dimension `hour`, value `0`..`23`, per day.
- FollowerGender (`Gender, Distribution`: `Female, 61%`) and FollowerTopTerritories
  (`Top territories, Distribution`: `BR, 92.5%`): each value's share of the followers
  (followers_share 0..1), dimension `gender` / `country` (ISO-2), period = the as-of day (the
  files carry no date). Shares of followers, not views: views_share stays null.
- Content (`Time, Video title, Video link, Post time, Total likes, Total comments,
  Total shares, Total views`): one snapshot of running totals per video, as of `Time`. The
  video's id is the number in its link (`/video/7593820674163100946`); a row without a link
  gets `t-` + a hash of title and post time. Loaded as cumulative rows of fct_content_daily
  dated on `Time` (deltas against earlier snapshots, etl.platforms.frames), and dim_content.

Years: the export's as-of day is `as_of`, else the last `YYYY-MM-DD` in the file name, else
the file's modification day (the warnings say which). Daily files take years by the
"sequence" rule of etl.dates (a run of days ending on or before the as-of day, crossing new
year where the month-day goes back); Content's `Time` is the latest such day on or before the
as-of day, and each `Post time` the latest such day on or before its row's `Time`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from etl.errors import IngestError, Reject
from etl.frames import ROW
from etl.platforms.breakdown import value_keys
from etl.platforms.date_columns import reject_date_problems, with_iso_dates
from etl.platforms.frames import (
    FieldColumn,
    bundle,
    content_frame,
    cumulative_to_daily,
    described,
    parse_rows,
)
from etl.reading import RawTable, read_table
from etl.schemas import CHANNEL_BREAKDOWN, Staged, conform
from etl.values import name_key

PLATFORM_ID = "tiktok"
ALIASES = Path(__file__).parent / "aliases" / "tiktok.yaml"
DATE_IN_NAME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})")
VIDEO_ID = r"/video/([0-9]+)"
# field -> value kind (etl.values)
FIELD_KINDS: dict[str, str] = {
    "date_on": "date",
    "snapshot_on": "date",
    "title": "text",
    "url": "text",
    "published_at": "datetime",
    "views": "count",
    "profile_views": "count",
    "likes": "count",
    "comments": "count",
    "shares": "count",
    "unique_viewers": "count",
    "new_viewers": "count",
    "returning_viewers": "count",
    "followers": "count",
    "subscribers": "signed_count",
    "hour": "count",
    "active_followers": "count",
    "gender": "text",
    "territory": "text",
    "followers_share": "ratio",
}
# Audience files with no date column: (value field, fct_channel_breakdown dimension).
FOLLOWER_SHARES = {
    "follower_gender": ("gender", "gender"),
    "follower_territories": ("territory", "country"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "overview": ("date_on",),
    "viewers": ("date_on",),
    "follower_history": ("date_on",),
    "follower_activity": ("date_on", "hour"),
    "content": ("snapshot_on", "title"),
    "follower_gender": ("gender", "followers_share"),
    "follower_territories": ("territory", "followers_share"),
}


@dataclass(frozen=True)
class Layout:
    """One TikTok Studio file: the headers that tell it, and header -> field."""

    name: str
    signatures: tuple[tuple[str, ...], ...]  # any one, all of its headers present, tells it
    columns: dict[str, str]


@cache
def layouts() -> dict[str, Layout]:
    """The TikTok Studio layouts of aliases/tiktok.yaml."""
    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    found = {}
    for name, entry in data["layouts"].items():
        columns = {}
        for field, headers in entry["columns"].items():
            if field not in FIELD_KINDS:
                raise ValueError(f"{ALIASES.name}: unknown field {field!r} in {name}")
            columns.update({name_key(h): field for h in headers})
        # `signature` is one list of headers, or a list of them (one per UI language).
        given = entry["signature"]
        lists = given if all(isinstance(g, list) for g in given) else [given]
        signatures = tuple(tuple(name_key(h) for h in words) for words in lists)
        found[name] = Layout(name, signatures, columns)
    return found


@cache
def not_reported() -> frozenset[str]:
    """Cell texts TikTok writes for "no value" (`undefined`)."""
    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    return frozenset(name_key(t) for t in data.get("not_reported", []))


def tiktok_layout(headers: list[str]) -> str | None:
    """Which TikTok Studio file these headers are (`overview`, `content` ...), else None."""
    keys = {name_key(h) for h in headers}
    for layout in layouts().values():
        if any(all(word in keys for word in words) for words in layout.signatures):
            return layout.name
    return None


def export_day(path: Path, as_of: date | None) -> tuple[date, str]:
    """(the export's as-of day, where it came from): given, the file name, else the file time."""
    if as_of is not None:
        return as_of, "given"
    found = DATE_IN_NAME.findall(path.stem)
    if found:
        try:
            return date.fromisoformat(found[-1]), "file name"
        except ValueError:
            pass
    stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
    return stamp, "file modification time"


def _without_not_reported(table: RawTable) -> RawTable:
    """The table with `undefined` cells blank (parsed as not reported, not as bad values)."""
    markers = list(not_reported())
    frame = table.frame()
    cleaned = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars().str.to_lowercase().is_in(markers))
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in frame.columns
    )
    return RawTable(
        table.path,
        table.headers,
        frame=cleaned,
        file_format=table.file_format,
        encoding=table.encoding,
        is_encoding_guessed=table.is_encoding_guessed,
        warnings=list(table.warnings),
    )


def _columns(table: RawTable, layout: Layout) -> tuple[list[FieldColumn], list[str]]:
    columns, unknown, seen = [], [], set()
    for index, header in enumerate(table.headers):
        field = layout.columns.get(name_key(header))
        if field is None or field in seen:
            unknown.append(header)
            continue
        seen.add(field)
        columns.append(FieldColumn(index, header, field, FIELD_KINDS[field]))
    for field in REQUIRED[layout.name]:
        if field not in seen:
            expected = next(h for h, f in layout.columns.items() if f == field)
            raise IngestError(table.path, f"no {expected!r} column", row=1)
    return columns, unknown


def _stable_id(title: pl.Expr, published: pl.Expr) -> pl.Expr:
    """`t-` + a hash of title and post time, for a video the export gives no link for."""
    key = pl.concat_str(
        [title.fill_null(""), published.cast(pl.String).fill_null("")], separator="|"
    )
    return key.map_elements(
        lambda text: "t-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        return_dtype=pl.String,
    )


def _follower_share_rows(kept: pl.DataFrame, layout: str, day: date) -> pl.DataFrame:
    """FollowerGender / FollowerTopTerritories: each value's share of the followers on `day`."""
    field, dimension = FOLLOWER_SHARES[layout]
    return kept.with_columns(
        platform_id=pl.lit(PLATFORM_ID),
        dimension=pl.lit(dimension),
        value_key=value_keys(dimension, kept.get_column(field)),
        value_text=pl.col(field),
        period_start_on=pl.lit(day),
        period_end_on=pl.lit(day),
    )


def _channel_rows(kept: pl.DataFrame, layout: str) -> pl.DataFrame:
    if layout == "follower_activity":
        dimension, value = pl.lit("hour"), pl.col("hour").cast(pl.String)
    else:
        dimension, value = pl.lit("channel"), pl.lit("all")
    return kept.with_columns(
        platform_id=pl.lit(PLATFORM_ID),
        dimension=dimension,
        value_key=value,
        value_text=value,
        period_start_on=pl.col("date_on"),
        period_end_on=pl.col("date_on"),
    )


def read_tiktok_export(path: Path, *, as_of: date | None = None) -> Staged:
    """Read one TikTok Studio download (Overview, Content, Viewers, Follower*) into facts."""
    path = Path(path)
    table = read_table(path)
    name = tiktok_layout(table.headers)
    if name is None:
        raise IngestError(
            path,
            "not a TikTok Studio file: expected the headers of Overview, Content, Viewers, "
            "FollowerHistory or FollowerActivity",
            row=1,
        )
    layout = layouts()[name]
    table = _without_not_reported(table)
    columns, unknown = _columns(table, layout)
    day, day_source = export_day(path, as_of)
    warnings = [*table.warnings, f"as-of day {day} (from the {day_source}): years of the dates"]
    if unknown:
        warnings.append(f"columns not read: {', '.join(unknown)}")
    by_field = {c.field: c for c in columns}
    frame_before = table.frame()
    dated_columns = []
    if name == "content":
        snapshot = by_field["snapshot_on"]
        table, read = with_iso_dates(
            table, snapshot.index, header=snapshot.header, order=None, as_of=day, yearless="latest"
        )
        dated_columns.append((snapshot, read))
        warnings += read.notes
        if "published_at" in by_field:
            posted = by_field["published_at"]
            anchors = read.dates
            table, read_posted = with_iso_dates(
                table,
                posted.index,
                header=posted.header,
                order=None,
                as_of=anchors.fill_null(day),
                yearless="latest",
                keep_time=True,
            )
            dated_columns.append((posted, read_posted))
    elif name in FOLLOWER_SHARES:
        warnings.append(
            f"shares of the followers as of {day} (the export's as-of day): no date column"
        )
    else:
        when = by_field["date_on"]
        table, read = with_iso_dates(
            table, when.index, header=when.header, order=None, as_of=day, yearless="sequence"
        )
        dated_columns.append((when, read))
        warnings += read.notes
    keys = {
        "content": ["title", "snapshot_on"] if "url" not in by_field else ["url", "snapshot_on"],
        "follower_activity": ["date_on", "hour"],
        "follower_gender": ["gender"],
        "follower_territories": ["territory"],
    }.get(name, ["date_on"])
    kept, rejects = parse_rows(table, columns, keys)
    for column, read in dated_columns:
        kept, rejects = reject_date_problems(
            kept, rejects, read, column.header, frame_before.get_column(column.raw)
        )
    if name == "follower_activity":
        bad_hour = kept.filter(~pl.col("hour").is_between(0, 23))
        rejects += [
            Reject(row, by_field["hour"].header, str(hour), "not an hour of the day (0..23)")
            for row, hour in bad_hour.select(ROW, "hour").iter_rows()
        ]
        kept = kept.join(bad_hour.select(ROW), on=ROW, how="anti")
    rejects = described(rejects)
    details = {
        "platform_id": PLATFORM_ID,
        "layout": f"tiktok_{name}",
        "as_of": day,
        "as_of_from": day_source,
    }
    if name != "content":
        staged = bundle(
            rows_read=table.height, frames={}, rejects=rejects, warnings=warnings, details=details
        )
        rows = (
            _follower_share_rows(kept, name, day)
            if name in FOLLOWER_SHARES
            else _channel_rows(kept, name)
        )
        staged.frames["channel_breakdown"] = conform(rows.sort(ROW), CHANNEL_BREAKDOWN)
        return staged
    return _content_staged(table, kept, rejects, warnings, details)


def _content_staged(
    table: RawTable,
    kept: pl.DataFrame,
    rejects: list[Reject],
    warnings: list[str],
    details: dict[str, object],
) -> Staged:
    """Content rows: one running-total snapshot per video -> dim_content and daily deltas."""
    published = pl.col("published_at") if "published_at" in kept.columns else pl.lit(None)
    link_id = (
        pl.col("url").str.extract(VIDEO_ID, 1) if "url" in kept.columns else pl.lit(None, pl.String)
    )
    kept = kept.with_columns(
        content_id=pl.coalesce(link_id, _stable_id(pl.col("title"), published)),
        date_on=pl.col("snapshot_on"),
    )
    repeated = kept.filter(pl.col("content_id").is_duplicated()).sort(ROW)
    if repeated.height:
        first = repeated.group_by("content_id").agg(pl.col(ROW).min().alias("first"))
        later = repeated.join(first, on="content_id").filter(pl.col(ROW) != pl.col("first"))
        rejects = rejects + [
            Reject(row, "Video link", cid, f"same video as row {first_row}")
            for row, cid, first_row in later.select(ROW, "content_id", "first").iter_rows()
        ]
        kept = kept.join(later.select(ROW), on=ROW, how="anti")
    metrics = [m for m in ("views", "likes", "comments", "shares") if m in kept.columns]
    deltas = cumulative_to_daily(kept, metrics, PLATFORM_ID)
    daily = deltas.frame.with_columns(
        platform_id=pl.lit(PLATFORM_ID), is_from_cumulative=pl.lit(True)
    )
    without_link = kept.filter(link_id.is_null()).height if "url" in kept.columns else kept.height
    if without_link:
        warnings = [
            *warnings,
            f"{without_link} video(s) without a link: keyed by title and post time (`t-...`)",
        ]
    return bundle(
        rows_read=table.height,
        frames={
            "content": content_frame(kept, PLATFORM_ID),
            "content_daily": daily,
            "counter_issue": deltas.issues,
        },
        rejects=rejects,
        warnings=[*warnings, *deltas.warnings],
        details=details,
    )
