"""Live stream minutes (FORMATS.md section 5): `live_*.csv` -> fct_live_minute.

Columns `平台, 直播ID, 时间, 在线人数`, optionally `评论数, 礼物数`; other columns are ignored
with a warning. Decisions where the spec is silent:
- A stream is (platform, 直播ID), as fct_live_minute's key is: one id on two platforms is two
  streams.
- 时间 must carry a time of day (a bare date is rejected); seconds are truncated, so
  `20:01:37` is the minute 20:01.
- 在线人数 is required; blank 评论数/礼物数 (or `-`) mean "not reported" and stay null, never 0.
  Counts accept `1,234` and `1.2万`; a negative, fractional or non-numeric count rejects the
  row naming its column (every bad cell of the row is listed).
- A second row for the same stream and minute is rejected as "duplicate of row N", N being the
  first row that loaded: a row rejected for a bad cell never shadows a later good one.
- A 直播ID that Excel stored as a number and shows as `7.3e+18` has lost digits: rejected.
- A fully blank row is rejected as "blank row" so rows_read = loaded + rejected always holds.
- details: `peaks` (per stream, sorted: platform_id, stream_id, minute_at, concurrent_viewers;
  ties go to the earliest minute) and `rows_loaded`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.frames import (
    clean_columns,
    find_columns,
    ignored_columns_warning,
    mark_missing,
    sorted_rejects,
    take_blank_rows,
    take_duplicates,
    take_problems,
    text_frame,
)
from etl.reading import RawTable, read_table
from etl.schemas import LIVE_MINUTE, Staged, conform
from etl.values import parse_column

REQUIRED = {"platform": "平台", "stream": "直播ID", "time": "时间", "viewers": "在线人数"}
# Field names differ from the LIVE_MINUTE targets so a parsed column never hides its raw text.
OPTIONAL = {"comment": "评论数", "gift": "礼物数"}
COUNTS = {"viewers": "concurrent_viewers", "comment": "comments", "gift": "gifts"}
STREAM = ["platform_id", "stream_id"]


def read_live_export(path: Path | str) -> Staged:
    """Read a live-minutes export into fct_live_minute rows and per-stream peaks."""
    return stage_live_minutes(read_table(path))


def stage_live_minutes(table: RawTable) -> Staged:
    """Parse, check and de-duplicate the minutes of a live export already read as text."""
    columns = find_columns(table, REQUIRED, OPTIONAL)
    headers = {field: table.headers[index] for field, index in columns.items()}
    frame = text_frame(table, columns)
    frame = clean_columns(frame, list(columns))
    frame, rejects = take_blank_rows(frame, [f"t_{f}" for f in columns])
    frame = parse_column(frame, "t_platform", "platform", into="platform_id", problem="p_platform")
    frame = parse_column(frame, "t_stream", "id", into="stream_id", problem="p_stream")
    frame = parse_column(
        frame, "t_time", "datetime", into="minute_at", problem="p_time", require_time=True
    )
    frame = frame.with_columns(pl.col("minute_at").dt.truncate("1m"))
    for field, target in COUNTS.items():
        if field in columns:
            frame = parse_column(frame, f"t_{field}", "count", into=target, problem=f"p_{field}")
    frame = mark_missing(frame, list(REQUIRED))

    frame, bad_cells = take_problems(
        frame, [(f"p_{field}", field, headers[field]) for field in columns]
    )
    frame, duplicates = take_duplicates(
        frame,
        [*STREAM, "minute_at"],
        header=headers["time"],
        raw="time",
        what="same 平台, 直播ID and minute",
    )
    minutes = conform(frame.sort([*STREAM, "minute_at"]), LIVE_MINUTE)
    return Staged(
        kind="live",
        rows_read=len(table.rows),
        frames={"live_minute": minutes},
        rejects=sorted_rejects(rejects + bad_cells + duplicates),
        warnings=table.warnings + ignored_columns_warning(table, columns),
        details={"peaks": peak_minutes(minutes), "rows_loaded": minutes.height},
    )


def peak_minutes(minutes: pl.DataFrame) -> list[dict[str, object]]:
    """Per stream the minute with the most concurrent viewers (the earliest on a tie)."""
    return (
        minutes.sort(["concurrent_viewers", "minute_at"], descending=[True, False])
        .group_by(STREAM, maintain_order=True)
        .first()
        .sort(STREAM)
        .select([*STREAM, "minute_at", "concurrent_viewers"])
        .to_dicts()
    )
