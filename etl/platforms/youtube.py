"""YouTube Studio advanced-mode export: a folder of Table data, Chart data and Totals (FORMATS §2).

- `Chart data.csv` -> content_daily (views per video per day); its first..last date is the
  export period.
- `Table data.csv` -> content (title, publish time, duration) and content_period (totals over
  the period: watch time hours -> seconds, CTR % -> 0..1, negative subscribers kept as lost
  followers). The `Total` row is a check: the videos' views must sum to it (else a warning).
- `Totals.csv` -> a check only: each day's channel views against that day's Chart data sum.

rows_read counts the data rows of all three files. The Total row and the Totals rows are
counted as loaded (they are used, as checks) unless a bad value rejects them.

Decisions where FORMATS §2 is silent:
- The three files share one load, and one row number can be rejected in two files, so rejects
  are `Reject`s with `file_name` set (and the file name in the reason) and the bundle counts rejected
  rows per (file, row), so rows_read = loaded + rejected holds for the folder.
- Totals.csv is optional (a warning says the daily totals were not checked); Table data and
  Chart data are required. A Table data without a Total row loads with a warning.
- Duplicates: a later Chart row with the same video and day, or a later Table row with the same
  video (a second Total included), is rejected as "duplicate of row N".
- Videos in Chart data but not in Table data still get a content row, from Chart's columns;
  Table data's title, publish time and duration win where both have one.
- Dates (Chart/Totals `Date`, `Video publish time`) are read by etl.dates: the day/month order
  of numeric dates (`13-06-2025`, a file re-saved by Excel) is inferred from every date column
  of the folder together and stated in the warnings; an undecidable folder is one IngestError
  unless `date_order` is given. A plain number is not a date.
- The Studio in the Chinese UI writes `内容, 视频标题, 视频发布时间, 时长, 观看次数, 观看时长（小时）...`
  (aliases/youtube.yaml).
- `Engaged views` and `Stayed to watch (%)` have no warehouse column: read, not loaded, not
  warned about. A Chart data file with no usable row is an IngestError (no export period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from etl.dates import DayMonthOrder
from etl.errors import IngestError, Reject
from etl.platforms.date_columns import reject_date_problems, shared_order, with_iso_dates
from etl.platforms.frames import FieldColumn, bundle, described, listed, parse_rows
from etl.platforms.registry import FIELD_KINDS, youtube_aliases
from etl.platforms.youtube_tabs import is_tab_export, read_youtube_tab
from etl.reading import RawTable, read_table
from etl.schemas import Staged
from etl.values import name_key

PLATFORM_ID = "youtube"
# Fields the alias table names that are not plain FIELD_KINDS: (field read into, kind).
YOUTUBE_FIELDS = {
    "watch_time_h": ("watch_time_s", "hours"),  # Watch time (hours), loaded as seconds
    "avg_pct_viewed": ("avg_pct_viewed", "open_ratio"),  # may exceed 100% on rewatch
}
REQUIRED = {
    "table": ("content_id",),
    "chart": ("date_on", "content_id", "views"),
    "totals": ("date_on", "views"),
}


@dataclass(frozen=True)
class _Part:
    """One file of the folder, parsed: kept rows and its rejects."""

    table: RawTable
    kept: pl.DataFrame
    rejects: list[Reject]


def find_export_file(folder: Path, kind: str) -> Path | None:
    """The folder's file of one kind (`Table data.csv` ...), matched case-insensitively."""
    names = {n.casefold() for n in youtube_aliases().files[kind]}
    return next((p for p in sorted(folder.iterdir()) if p.name.casefold() in names), None)


def _columns(table: RawTable, kind: str) -> tuple[list[FieldColumn], list[str]]:
    """(columns read, unknown headers) of one file; a missing required column is an error."""
    aliases = youtube_aliases()
    known = aliases.columns[kind]
    columns, unknown, seen = [], [], set()
    for index, header in enumerate(table.headers):
        field = known.get(name_key(header))
        if field is None or field in seen:
            if name_key(header) not in aliases.ignored:
                unknown.append(header)
            continue
        seen.add(field)
        target, field_kind = YOUTUBE_FIELDS.get(field, (field, FIELD_KINDS.get(field, "")))
        columns.append(FieldColumn(index, header, target, field_kind))
    for field in REQUIRED[kind]:
        if field not in seen:  # checked on the alias-table field, before YOUTUBE_FIELDS renames
            expected = next(h for h, f in known.items() if f == field)
            raise IngestError(table.path, f"no {expected!r} column", row=1)
    return columns, unknown


def _load_part(folder: Path, kind: str) -> tuple[RawTable | None, list[str]]:
    """Read one file of the folder as text (None if absent), with its warnings."""
    path = find_export_file(folder, kind)
    if path is None:
        name = youtube_aliases().files[kind][0]
        if kind == "totals":
            return None, [f"no {name} in the folder: daily channel totals not checked"]
        raise IngestError(folder / name, f"missing: a YouTube Studio export folder needs {name}")
    return read_table(path), []


def _date_columns(table: RawTable, columns: list[FieldColumn]) -> list[FieldColumn]:
    return [c for c in columns if c.kind in ("date", "datetime")]


def _parse_loaded(
    table: RawTable, kind: str, keys: list[str], order: DayMonthOrder | None
) -> tuple[_Part, list[str]]:
    """Parse one file: its dates read by etl.dates in the folder's order, then every field."""
    columns, unknown = _columns(table, kind)
    warnings = list(table.warnings)
    if unknown:
        warnings.append(f"{table.path.name}: columns not read: {', '.join(unknown)}")
    dated = table
    read_dates = []
    for column in _date_columns(table, columns):
        raw = table.frame().get_column(column.raw)
        dated, read = with_iso_dates(
            dated,
            column.index,
            header=column.header,
            order=order,
            keep_time=column.kind == "datetime",
        )
        read_dates.append((column, read, raw))
    kept, rejects = parse_rows(dated, columns, keys)
    for column, read, raw in read_dates:
        kept, rejects = reject_date_problems(kept, rejects, read, column.header, raw)
    name = table.path.name
    part = _Part(table, kept, described(rejects, prefix=f"{name}: ", file_name=name))
    return part, warnings


def _folder_order(
    folder: Path, tables: dict[str, RawTable], explicit: DayMonthOrder | None
) -> tuple[DayMonthOrder | None, list[str]]:
    """The day/month order shared by every date column of the folder's files."""
    found = []
    for kind, table in tables.items():
        columns, _unknown = _columns(table, kind)
        for column in _date_columns(table, columns):
            found.append(
                (f"{table.path.name} {column.header}", table.frame().get_column(column.raw))
            )
    return shared_order(folder, found, explicit)


def _total_check(table: _Part) -> tuple[pl.DataFrame, list[str]]:
    """(video rows, warnings): the Total row's views against the videos' sum."""
    is_total = pl.col("content_id").str.to_lowercase().is_in(list(youtube_aliases().total_row))
    totals = table.kept.filter(is_total)
    videos = table.kept.filter(~is_total)
    name = table.table.path.name
    if totals.is_empty():
        return videos, [f"{name} has no Total row: the videos' views were not checked"]
    expected = totals.get_column("views")[0] if "views" in totals.columns else None
    summed = videos.get_column("views").sum() if "views" in videos.columns else None
    if expected is not None and expected != summed:
        return videos, [f"{name}: Total views {expected} but the videos' views sum to {summed}"]
    return videos, []


def _daily_totals_check(chart: pl.DataFrame, totals: _Part) -> list[str]:
    """Each Totals.csv day against the sum of that day's Chart data views."""
    by_day = chart.group_by("date_on").agg(pl.col("views").sum().alias("chart_views"))
    compared = totals.kept.select("date_on", "views").join(
        by_day, on="date_on", how="full", coalesce=True
    )
    differ = compared.filter(
        pl.col("views").fill_null(0) != pl.col("chart_views").fill_null(0)
    ).sort("date_on")
    lines = [
        f"{totals.table.path.name}: {day} total views {total} but Chart data sums to {charted}"
        for day, total, charted in differ.select("date_on", "views", "chart_views").iter_rows()
    ]
    return listed(lines, "days that differ")


def _content(videos: pl.DataFrame, chart: pl.DataFrame) -> pl.DataFrame:
    """One row per video: Table data's title, publish time and duration, else Chart data's."""
    attributes = ["title", "published_at", "duration_s"]

    def latest(frame: pl.DataFrame) -> pl.DataFrame:
        present = [c for c in attributes if c in frame.columns]
        return (
            frame.sort("row_number")
            .group_by("content_id", maintain_order=True)
            .agg([pl.col(c).drop_nulls().last() for c in present])
            .with_columns([pl.lit(None).alias(c) for c in attributes if c not in present])
        )

    merged = latest(videos).join(
        latest(chart), on="content_id", how="full", coalesce=True, suffix="_chart"
    )
    return merged.select(
        pl.lit(PLATFORM_ID).alias("platform_id"),
        "content_id",
        *[pl.coalesce(c, f"{c}_chart").alias(c) for c in attributes],
    ).sort("content_id")


def read_youtube_export(
    folder: Path, *, date_order: DayMonthOrder | None = None, as_of: date | None = None
) -> Staged:
    """Read a YouTube Studio advanced-mode export folder (Table data, Chart data, Totals).

    A folder (or a single Table data file) of another tab (Geography, Cities, Viewer age ...)
    goes to `read_youtube_tab`; a Content `Table data.csv` on its own is a snapshot of each
    video's totals as of `as_of` (etl.platforms.youtube_table). `date_order` is the dates'
    day/month order when the files cannot tell it (every day <= 12).
    """
    folder = Path(folder)
    if not folder.exists():
        raise IngestError(folder, "no such folder")
    if folder.is_file() and is_tab_export(folder):
        return read_youtube_tab(folder, date_order=date_order)
    if folder.is_file():
        from etl.platforms.youtube_table import is_youtube_table_path, read_youtube_table_snapshot

        if is_youtube_table_path(folder):
            return read_youtube_table_snapshot(folder, as_of=as_of, date_order=date_order)
    if not folder.is_dir():
        raise IngestError(
            folder, "not a folder: a YouTube Studio export is a folder of Table data.csv etc."
        )
    if is_tab_export(folder):
        return read_youtube_tab(folder, date_order=date_order)
    loaded: dict[str, RawTable] = {}
    absent: list[str] = []
    for kind in ("table", "chart", "totals"):
        found, notes = _load_part(folder, kind)
        absent += notes
        if found is not None:
            loaded[kind] = found
    order, order_notes = _folder_order(folder, loaded, date_order)
    keys = {"table": ["content_id"], "chart": ["content_id", "date_on"], "totals": ["date_on"]}
    parsed: dict[str, tuple[_Part, list[str]]] = {
        kind: _parse_loaded(table, kind, keys[kind], order) for kind, table in loaded.items()
    }
    table, table_warnings = parsed["table"]
    chart, chart_warnings = parsed["chart"]
    totals, totals_warnings = parsed.get("totals", (None, absent))
    assert table is not None and chart is not None  # required parts raise when absent
    if chart.kept.is_empty():
        raise IngestError(chart.table.path, "no usable rows: cannot tell the export period")
    first_day, last_day = (
        chart.kept.get_column("date_on").min(),
        chart.kept.get_column("date_on").max(),
    )
    videos, total_warnings = _total_check(table)
    warnings = [*order_notes, *table_warnings, *chart_warnings, *totals_warnings, *total_warnings]
    if totals is not None:
        warnings += _daily_totals_check(chart.kept, totals)
    period = videos.with_columns(
        pl.lit(PLATFORM_ID).alias("platform_id"),
        pl.lit(first_day).alias("period_start_on"),
        pl.lit(last_day).alias("period_end_on"),
    )
    daily = chart.kept.with_columns(
        pl.lit(PLATFORM_ID).alias("platform_id"), pl.lit(False).alias("is_from_cumulative")
    ).sort(["content_id", "date_on"])
    parts = [p for p in (table, chart, totals) if p is not None]
    return bundle(
        rows_read=sum(p.table.height for p in parts),
        frames={
            "content": _content(videos, chart.kept),
            "content_daily": daily,
            "content_period": period.sort("content_id"),
        },
        rejects=[r for p in parts for r in p.rejects],
        warnings=warnings,
        details={
            "platform_id": PLATFORM_ID,
            "files": [p.table.path.name for p in parts],
            "period": (first_day, last_day),
            "date_order": order,
        },
    )
