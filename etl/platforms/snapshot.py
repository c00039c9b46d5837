"""Snapshot exports: running totals per work as of the moment of export, with no date column.

小红书 笔记列表明细表, 抖音 作品数据 and the other creator centres' work lists give each work's
totals to date and nothing else: no date column, often no id. FORMATS §3.1 is the contract;
in short:

- As-of day: `--as-of` ("flag") > a date in the file name ("file name": `_20260324`,
  `2026-03-24`, `20260324-...`) > the file's modification time, as a local date ("file time").
  The load report says which, and warns when it fell back to the file time.
- A work with no platform id is keyed `<prefix>` + the first 12 hex digits of SHA-256 over
  platform, normalised title (`title_key`) and first-publish time to the second. A work with an
  empty title is keyed on platform, publish time and 体裁 instead: never dropped.
- Counters (views, likes, ... impressions, net followers) are running totals: the warehouse
  turns consecutive snapshots of a work into per-interval deltas (warehouse/loads/content.sql).
  Rates and averages (封面点击率, 完播率, 人均观看时长) are values to date: they stay in
  fct_content_snapshot and never become daily values.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import polars as pl

from etl.errors import IngestError
from etl.frames import ROW, take_rows
from etl.platforms.frames import FieldColumn, bundle, described, parse_rows
from etl.platforms.registry import AliasTable
from etl.reading import RawTable
from etl.schemas import CONTENT_SNAPSHOT, Staged, conform

# A date in a file name: 20260324, 2026-03-24, 2026_03_24, 2026.03.24, 2026年03月24日, not inside
# a longer number (a 19-digit id is no date).
_NAME_DATE = re.compile(r"(?<![0-9])(20[0-9]{2})[-_.年]?([01][0-9])[-_.月]?([0-3][0-9])(?![0-9])")
# Characters a title keeps or loses between a platform's export and the catalogue: emoji and
# other pictographs (So), format controls such as the zero-width joiner (Cf), modifiers such as
# skin tones (Sk), variation selectors (Mn U+FE00..FE0F), private-use and surrogate code points.
_DROPPED_CATEGORIES = ("So", "Cf", "Sk", "Co", "Cs")
SNAPSHOT_METRICS = tuple(
    c
    for c in CONTENT_SNAPSHOT
    if c not in ("platform_id", "content_id", "as_of_on", "as_of_source", ROW)
)


def as_of_from_file_name(name: str) -> date | None:
    """The last real calendar date written in a file name (`笔记列表明细表_20260324.xlsx`)."""
    found = None
    for match in _NAME_DATE.finditer(name):
        try:
            found = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return found


def resolve_as_of(path: Path, explicit: date | None) -> tuple[date, str]:
    """(as-of day, where it came from): the flag, else the file name, else the file's time."""
    if explicit is not None:
        return explicit, "flag"
    named = as_of_from_file_name(path.name)
    if named is not None:
        return named, "file name"
    return datetime.fromtimestamp(path.stat().st_mtime).date(), "file time"


def title_key(title: str | None) -> str | None:
    """A title as catalogue matching compares it: NFKC, no emoji, spaces collapsed, trailing
    punctuation stripped, case-folded; None when nothing is left."""
    if title is None:
        return None
    text = unicodedata.normalize("NFKC", title)
    text = "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES and not 0xFE00 <= ord(ch) <= 0xFE0F
    )
    text = " ".join(text.split())
    while text and (unicodedata.category(text[-1]).startswith("P") or text[-1].isspace()):
        text = text[:-1]
    return text.casefold() or None


def work_key(
    prefix: str,
    platform_id: str,
    title: str | None,
    published_at: datetime | None,
    content_format: str | None,
) -> tuple[str, str]:
    """(content_id, key_source) of a work with no platform id; deterministic across exports."""
    key = title_key(title)
    published = published_at.isoformat(sep=" ", timespec="seconds") if published_at else ""
    if key is not None:
        parts, source = (platform_id, "title", key, published), "title_published"
    else:
        parts = (platform_id, "untitled", published, (content_format or "").strip())
        source = "published_format"
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return prefix + digest, source


def stage_snapshot_rows(
    table: RawTable,
    platform_id: str,
    aliases: AliasTable,
    columns: Sequence[FieldColumn],
    *,
    as_of: date,
    as_of_source: str,
    warnings: list[str],
    details: dict[str, object],
) -> Staged:
    """One snapshot export as staged works (dim_content) and their totals (fct_content_snapshot)."""
    fields = {c.field for c in columns}
    if not fields & set(SNAPSHOT_METRICS):
        raise IngestError(table.path, "no metric columns (views, likes, ...) to load", row=1)
    has_id = "content_id" in fields
    if has_id:
        keys = ["content_id"]
    else:
        keys = [f for f in ("title", "published_at", "content_format") if f in fields]
        if not {"title", "published_at"} & fields:
            raise IngestError(
                table.path,
                "no content id, title or publish time column: cannot tell the works apart",
                row=table.header_row,
            )
    kept, rejects = parse_rows(table, columns, keys)
    if not has_id:
        identified = pl.lit(False)
        for field in ("title", "published_at"):
            if field in fields:
                identified = identified | pl.col(field).is_not_null()
        kept, unknown = take_rows(
            kept,
            ~identified,
            header=None,
            raw=None,
            reason=pl.lit("no title and no publish time: the work cannot be identified"),
        )
        rejects += unknown
        kept = with_work_keys(kept, aliases.key_prefix, platform_id)
    else:
        kept = kept.with_columns(key_source=pl.lit("platform_id"))
    if "title" in kept.columns:
        kept = kept.with_columns(
            title_key=pl.col("title").map_elements(title_key, return_dtype=pl.String)
        )
    kept = kept.with_columns(
        platform_id=pl.lit(platform_id), as_of_on=pl.lit(as_of), as_of_source=pl.lit(as_of_source)
    )
    notes = [
        f"snapshot of running totals as of {as_of.isoformat()} (from the {as_of_source})"
        + (
            ": no --as-of and no date in the file name, check the file's time is the export's"
            if as_of_source == "file time"
            else ""
        )
    ]
    if "title" in fields and not has_id:
        untitled = kept.filter(pl.col("title").is_null()).height
        if untitled:
            notes.append(
                f"{untitled} work(s) have no title: keyed by publish time and format instead"
            )
    dropped = [c.header for c in columns if c.field in ("watch_time_s",)]
    if dropped:
        notes.append(f"columns {', '.join(dropped)} ignored: a snapshot keeps no watch time")
    published = kept.get_column("published_at") if "published_at" in kept.columns else None
    return bundle(
        rows_read=table.height,
        frames={
            "content": kept,
            "content_snapshot": conform(kept, CONTENT_SNAPSHOT),
        },
        rejects=described(rejects),
        warnings=[*warnings, *notes],
        details={
            **details,
            "mode": "snapshot",
            "as_of": as_of.isoformat(),
            "as_of_source": as_of_source,
            "header_row": table.header_row,
            "count_works": kept.height,
            "published_span": (
                [published.min().date().isoformat(), published.max().date().isoformat()]
                if published is not None and published.drop_nulls().len()
                else None
            ),
            "columns": {c.header: c.field for c in columns},
            "file_format": table.file_format,
            "encoding": table.encoding,
        },
    )


def with_work_keys(frame: pl.DataFrame, prefix: str, platform_id: str) -> pl.DataFrame:
    """Add content_id and key_source from each row's title, publish time and format."""
    parts = [c for c in ("title", "published_at", "content_format") if c in frame.columns]
    distinct = frame.select(parts).unique()
    keyed = [
        work_key(
            prefix,
            platform_id,
            row.get("title"),
            row.get("published_at"),
            row.get("content_format"),
        )
        for row in distinct.iter_rows(named=True)
    ]
    distinct = distinct.with_columns(
        content_id=pl.Series([k for k, _ in keyed], dtype=pl.String),
        key_source=pl.Series([s for _, s in keyed], dtype=pl.String),
    )
    return frame.join(distinct, on=parts, how="left", nulls_equal=True)
