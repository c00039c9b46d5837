"""A YouTube Studio `Table data.csv` downloaded on its own (no Chart data, no Totals): a snapshot.

Without Chart data there are no days, only each video's totals as of the export, so the file is
read like the creator centres' work lists (FORMATS §3.1): one snapshot of running totals per
video, as of `--as-of`, else the last date in the file name (YouTube names exports
`Content 2025-01-01_2025-03-31 …`: the period's last day), else the last date in its folder's
name (the download's folder, the file extracted from it), else the file's modification time.
The `Total` row (`总计` in the Chinese UI) is the check the videos' views must sum to: counted as
loaded (used, as a check), never loaded as a video. Views, impressions, unique viewers and net
subscribers are counters (consecutive snapshots become deltas); CTR and average view duration
are values to date kept in fct_content_snapshot; watch time and average percentage viewed have
no snapshot column and are dropped with a warning.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from etl.dates import DayMonthOrder
from etl.errors import IngestError
from etl.platforms.date_columns import shared_order
from etl.platforms.frames import bundle
from etl.platforms.registry import youtube_aliases
from etl.platforms.snapshot import as_of_from_file_name, resolve_as_of, title_key
from etl.platforms.youtube import (
    PLATFORM_ID,
    _columns,
    _date_columns,
    _parse_loaded,
    _total_check,
)
from etl.reading import peek, read_table
from etl.schemas import CONTENT_SNAPSHOT, Staged, conform
from etl.values import name_key

# Read from the file but with no fct_content_snapshot column.
NOT_IN_SNAPSHOT = ("watch_time_s", "avg_pct_viewed")


def is_youtube_table_file(headers: list[str]) -> bool:
    """Whether headers are a Content `Table data.csv`: first `Content`/`内容`, then title and views."""
    if not headers:
        return False
    known = youtube_aliases().columns["table"]
    fields = {known.get(name_key(h)) for h in headers[1:]}
    return known.get(name_key(headers[0])) == "content_id" and {"title", "views"} <= fields


def is_youtube_table_path(path: Path) -> bool:
    """Whether a file (not a folder) is a Content `Table data.csv` on its own."""
    return path.is_file() and is_youtube_table_file(peek(path)[1])


def read_youtube_table_snapshot(
    path: Path, *, as_of: date | None = None, date_order: DayMonthOrder | None = None
) -> Staged:
    """Read a lone Content `Table data.csv` as one snapshot of each video's running totals."""
    path = Path(path)
    table = read_table(path)
    if not is_youtube_table_file(table.headers):
        raise IngestError(path, "not a YouTube Studio Table data file (first column 'Content')")
    columns, _unknown = _columns(table, "table")
    found = [
        (f"{path.name} {c.header}", table.frame().get_column(c.raw))
        for c in _date_columns(table, columns)
    ]
    order, order_notes = shared_order(path, found, date_order)
    part, warnings = _parse_loaded(table, "table", ["content_id"], order)
    videos, total_warnings = _total_check(part)
    day, source = resolve_as_of(path, as_of)
    in_folder = as_of_from_file_name(path.parent.name)
    if source == "file time" and in_folder is not None:
        # The extracted file keeps the download's name on its folder: `Content 2025-01-01_…`.
        day, source = in_folder, "folder name"
    dropped = [c.header for c in columns if c.field in NOT_IN_SNAPSHOT]
    notes = [
        f"Table data on its own: each video's totals as of {day.isoformat()} (from the "
        f"{source}), loaded as a snapshot of running totals (export the Lifetime period for "
        "totals since publication)"
        + (": check the file's time is the export's" if source == "file time" else "")
    ]
    if dropped:
        notes.append(f"columns {', '.join(dropped)} not loaded: a snapshot keeps no such column")
    videos = videos.with_columns(
        platform_id=pl.lit(PLATFORM_ID),
        key_source=pl.lit("platform_id"),
        title_key=pl.col("title").map_elements(title_key, return_dtype=pl.String)
        if "title" in videos.columns
        else pl.lit(None, pl.String),
        as_of_on=pl.lit(day),
        as_of_source=pl.lit(source),
    )
    published = videos.get_column("published_at") if "published_at" in videos.columns else None
    return bundle(
        rows_read=table.height,
        frames={"content": videos, "content_snapshot": conform(videos, CONTENT_SNAPSHOT)},
        rejects=part.rejects,
        warnings=[*order_notes, *warnings, *total_warnings, *notes],
        details={
            "platform_id": PLATFORM_ID,
            "layout": "youtube_studio_table_data",
            "mode": "snapshot",
            "files": [path.name],
            "as_of": day.isoformat(),
            "as_of_source": source,
            "count_works": videos.height,
            "date_order": order,
            "published_span": (
                [published.min().date().isoformat(), published.max().date().isoformat()]
                if published is not None and published.drop_nulls().len()
                else None
            ),
        },
    )
