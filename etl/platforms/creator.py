"""Chinese creator-centre exports (B站, 抖音, 视频号, 小红书, 微博): one file -> daily content facts.

Decisions where FORMATS §3 is silent or ambiguous:
- Platform: explicit > file name > headers. A name or header set that fits several platforms
  is an IngestError, never a guess.
- Mode is per column. A cumulative header (`累计播放`) makes that column cumulative; a
  cumulative date header (`统计截至`, `截至日期`) makes every counter column cumulative, and
  non-counter metrics (完播率, 平均播放时长) are then dropped with a warning, as an average
  to date is not a daily value. If a metric has both a daily and a cumulative column, the
  daily one is read and the cumulative one ignored with a warning. `is_from_cumulative` is
  true on every row of a file with any cumulative column.
- First snapshot: its delta is its cumulative value. Creator centres export from the publish
  day, so the first total is what accrued until that day. FORMATS §3 says the same in both of
  its cases; when the file's own publish time shows an earlier publish day, a warning counts
  those contents (their first delta holds everything up to the first snapshot).
- A counter that decreases -> counter_issue + warning, delta null; the next delta is measured
  from the lower value. Net followers (涨粉) may decrease and are never issues. A snapshot after
  a gap of several days keeps the whole gap's delta, dated on that snapshot (warned).
- Duplicate (content, date) rows in one file: the later row is rejected ("duplicate of row N",
  N the first row that loaded: a row rejected for a bad cell never shadows a later good one);
  overlapping re-export *files* are the warehouse load's job.
- Rows with every cell blank (or a not-reported marker such as `-`) are rejected ("empty
  row"); rows whose id or date cell says
  合计/总计/汇总/Total are rejected as summary rows. Both count as read, so read = loaded +
  rejected always holds.
- Negative values reject the row, except for net followers. A fraction without a unit is not
  a count. Ids Excel turned into `7.30123e+18` are rejected (their digits are gone).
- Unknown columns are listed in one warning; headers an alias table lists as `ignored` are not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl

from etl.errors import IngestError
from etl.platforms.frames import (
    FieldColumn,
    bundle,
    content_frame,
    cumulative_to_daily,
    described,
    field_column,
    late_first_snapshots,
    parse_rows,
)
from etl.platforms.registry import (
    COUNTER_KINDS,
    FIELD_KINDS,
    METRIC_FIELDS,
    AliasTable,
    alias_table,
    detect_platform,
)
from etl.platforms.snapshot import resolve_as_of, stage_snapshot_rows
from etl.reading import RawTable, read_table
from etl.schemas import COUNTER_ISSUE, Staged, empty
from etl.values import name_key


def map_alias_headers(
    table: RawTable,
    aliases: AliasTable,
    required: Sequence[str] = ("content_id", "date_on"),
) -> tuple[list[FieldColumn], list[str], list[str]]:
    """(columns read, unknown headers, warnings) for a table under a platform's alias table."""
    by_field: dict[str, list[FieldColumn]] = {}
    unknown = []
    for index, header in enumerate(table.headers):
        key = name_key(header)
        if key in aliases.columns:
            field, cumulative = aliases.columns[key]
            by_field.setdefault(field, []).append(
                field_column(index, header, field, cumulative=cumulative)
            )
        elif key not in aliases.ignored:
            unknown.append(header)
    columns, warnings = [], []
    for field, found in by_field.items():
        daily = [c for c in found if not c.cumulative]
        summed = [c for c in found if c.cumulative]
        rivals = daily if daily else summed
        if len(rivals) > 1:
            raise IngestError(
                table.path,
                f"columns {' and '.join(c.header for c in rivals)} both mean {field}: keep one",
                row=1,
                column=rivals[1].header,
            )
        columns.append(rivals[0])
        if daily and summed:
            warnings.append(
                f"column {summed[0].header} ignored: {daily[0].header} already gives daily {field}"
            )
    for field, what in (("content_id", "content id"), ("date_on", "date")):
        if field in required and field not in by_field:
            raise IngestError(
                table.path,
                f"no {what} column: expected one of {', '.join(aliases.aliases_for(field))}",
                row=1,
            )
    return sorted(columns, key=lambda c: c.index), unknown, warnings


def apply_mode(
    columns: Sequence[FieldColumn], *, all_cumulative: bool
) -> tuple[list[FieldColumn], list[str]]:
    """In an all-cumulative file every counter is cumulative; other metrics are dropped (warned)."""
    if not all_cumulative:
        return list(columns), []
    kept, dropped = [], []
    for column in columns:
        if column.field not in METRIC_FIELDS:
            kept.append(column)
        elif FIELD_KINDS[column.field] in COUNTER_KINDS:
            kept.append(FieldColumn(column.index, column.header, column.field, column.kind, True))
        else:
            dropped.append(column.header)
    warnings = (
        [
            f"columns {', '.join(dropped)} ignored: in a cumulative export they are averages "
            "to date, not daily values"
        ]
        if dropped
        else []
    )
    return kept, warnings


def stage_metric_rows(
    table: RawTable,
    platform_id: str,
    columns: Sequence[FieldColumn],
    *,
    warnings: list[str],
    details: dict[str, object],
) -> Staged:
    """Parse, reject, de-duplicate and (for cumulative columns) difference one export's rows."""
    fields = {c.field: c for c in columns}
    if not any(f in METRIC_FIELDS for f in fields):
        raise IngestError(table.path, "no metric columns (views, likes, ...) to load", row=1)
    kept, rejects = parse_rows(
        table,
        columns,
        ["content_id", "date_on"],
        summary=[fields["content_id"], fields["date_on"]],
    )
    cumulative = [c.field for c in columns if c.cumulative and c.field in METRIC_FIELDS]
    issues = empty(COUNTER_ISSUE)
    warnings = list(warnings)
    if cumulative:
        deltas = cumulative_to_daily(kept, cumulative, platform_id, presorted=True)
        kept, issues = deltas.frame, deltas.issues
        warnings += deltas.warnings
        late = late_first_snapshots(kept)
        if late:
            warnings.append(
                f"{late} content(s) were published before their first snapshot: their first "
                "delta is everything up to that snapshot"
            )
    # Already ordered by content and date: parse_rows sorts its kept rows by the keys.
    daily = kept.with_columns(
        pl.lit(platform_id).alias("platform_id"),
        pl.lit(bool(cumulative)).alias("is_from_cumulative"),
    )
    mode = "cumulative" if cumulative else "daily"
    return bundle(
        rows_read=table.height,
        frames={
            "content": content_frame(kept, platform_id, presorted=True),
            "content_daily": daily,
            "counter_issue": issues,
        },
        rejects=described(rejects),
        warnings=warnings,
        details={
            **details,
            "mode": mode,
            "columns": {
                c.header: c.field + (" (cumulative)" if c.cumulative else "") for c in columns
            },
            "file_format": table.file_format,
            "encoding": table.encoding,
        },
    )


def has_date_column(headers: Sequence[str], aliases: AliasTable) -> bool:
    """Whether any header is a date column (daily or cumulative) of the platform's table."""
    return any(aliases.columns.get(name_key(h), ("",))[0] == "date_on" for h in headers)


def read_platform_export(
    path: Path, *, platform: str | None = None, as_of: date | None = None
) -> Staged:
    """Read one creator-centre export (daily values or cumulative snapshots) into daily facts.

    `platform` (an id or a name like `B站`) wins over the file name, which wins over the
    headers. Cumulative columns become daily deltas per content ordered by date; the first
    snapshot's delta is its cumulative value, as platforms export from the publish day. A file
    with no date column is a snapshot of totals as of `as_of` (etl.platforms.snapshot).
    """
    table = read_table(path)
    platform_id, how = detect_platform(table.path, table.headers, platform)
    aliases = alias_table(platform_id)
    if not has_date_column(table.headers, aliases):
        return read_snapshot_table(table, platform_id, how, aliases, as_of)
    columns, unknown, warnings = map_alias_headers(table, aliases)
    date_column = next(c for c in columns if c.field == "date_on")
    columns, mode_warnings = apply_mode(columns, all_cumulative=date_column.cumulative)
    if unknown:
        warnings.append(
            f"columns not in the {platform_id} alias table, ignored: {', '.join(unknown)} "
            f"(add them to aliases/{aliases.source.name} if they matter)"
        )
    return stage_metric_rows(
        table,
        platform_id,
        columns,
        warnings=[*table.warnings, *warnings, *mode_warnings],
        details={
            "platform_id": platform_id,
            "detected_by": how,
            "layout": aliases.layout_of(table.headers),
            "header_row": table.header_row,
        },
    )


def read_snapshot_table(
    table: RawTable, platform_id: str, how: str, aliases: AliasTable, as_of: date | None
) -> Staged:
    """A work list with no date column: running totals as of the export (FORMATS §3.1)."""
    columns, unknown, warnings = map_alias_headers(table, aliases, required=())
    day, source = resolve_as_of(table.path, as_of)
    if unknown:
        warnings.append(
            f"columns not in the {platform_id} alias table, ignored: {', '.join(unknown)} "
            f"(add them to aliases/{aliases.source.name} if they matter)"
        )
    return stage_snapshot_rows(
        table,
        platform_id,
        aliases,
        columns,
        as_of=day,
        as_of_source=source,
        warnings=[*table.warnings, *warnings],
        details={
            "platform_id": platform_id,
            "detected_by": how,
            "layout": aliases.layout_of(table.headers) or "snapshot (no date column)",
        },
    )
