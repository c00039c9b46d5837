"""Staged tables of a Parquet lake: platform exports parsed into the lake (`lake ingest`), merged
into the exported source tables when a build runs.

Layout under a lake DIR (beside `sources/`, listed in the manifest's `staged` section):

    staged/<frame>/file=<sha256>/part-00000.parquet   one reader frame of one input file
    staged/load_reject/file=<sha256>/part-00000.parquet   its rejects: file, row, column, reason
    staged/dim_calendar/seq=<n>/part-00000.parquet     calendar covering the staged dates
    staged/program_title/seq=<n>/part-00000.parquet    catalogue titles, for works with no id

A file is keyed by its content hash, so ingesting it again finds it staged and changes nothing.
Every frame is written for every file (empty when the reader gave none), so each staged table
exists once anything is staged. A build reads a merged table through the SQL in
`warehouse/lake_merge/<table>.sql` (over `lake_<table>` and `staged_<frame>` views); without
staged files the sources are read as exported.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

STAGED = "staged"
# Reader frames a platform export stages (etl.schemas names), one table each in the lake.
FRAMES = (
    "content",
    "content_daily",
    "content_period",
    "content_snapshot",
    "counter_issue",
    "channel_breakdown",
)
REJECTS = "load_reject"
SHARED = ("dim_calendar", "program_title")  # one file each, rewritten by every ingest
PART = "part-00000.parquet"
MERGE_DIR = Path(__file__).parent / "lake_merge"
# Source tables a build reads merged with the staged rows, in the order they are defined
# (fct_content_daily derives days from the merged fct_content_snapshot).
MERGED = (
    "dim_calendar",
    "dim_content",
    "fct_content_snapshot",
    "fct_content_daily",
    "fct_content_period",
    "fct_channel_breakdown",
)


def _sha256_bytes(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_part(table: pa.Table, path: Path) -> dict[str, Any]:
    """Write one staged Parquet file (same bytes for the same rows) and describe it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A name of its own: two tasks staging the same bytes never write one temporary file.
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd", write_statistics=True, store_schema=True)
    tmp.replace(path)
    return {"rows": table.num_rows, "sha256": _sha256_bytes(path)}


def file_part(lake: Path, frame: str, sha: str) -> tuple[str, Path]:
    """Where one input file's frame lives: (path relative to staged/, absolute path)."""
    relative = f"{frame}/file={sha}/{PART}"
    return relative, lake / STAGED / relative


def shared_part(lake: Path, name: str, seq: int) -> tuple[str, Path]:
    """Where a shared staged table (calendar, program titles) lives as of ingest number `seq`.

    A new folder per ingest, so the manifest in place keeps naming intact files until it is
    replaced.
    """
    relative = f"{name}/seq={seq}/{PART}"
    return relative, lake / STAGED / relative


def drop_unlisted_shared(lake: Path, shared: dict[str, Any]) -> None:
    """Remove shared staged folders the manifest no longer names (earlier ingests)."""
    import shutil

    for name, spec in shared.items():
        keep = (lake / STAGED / spec["path"]).parent
        for folder in (lake / STAGED / name).glob("seq=*"):
            if folder != keep:
                shutil.rmtree(folder, ignore_errors=True)


def staged_section(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest's staged section (empty when nothing was ingested into the lake)."""
    return manifest.get(STAGED) or {"files": {}, "shared": {}, "seq": 0}


def has_staged(manifest: dict[str, Any]) -> bool:
    """Whether any input file was staged into the lake."""
    return bool(staged_section(manifest)["files"])


def missing_staged(lake: Path, manifest: dict[str, Any]) -> list[str]:
    """Staged tables the manifest lists whose files are gone."""
    section = staged_section(manifest)
    missing: set[str] = set()
    for entry in section["files"].values():
        for frame, spec in entry["frames"].items():
            if not (lake / STAGED / spec["path"]).exists():
                missing.add(f"{STAGED}/{frame}")
    for name, spec in section["shared"].items():
        if not (lake / STAGED / spec["path"]).exists():
            missing.add(f"{STAGED}/{name}")
    return sorted(missing)


def staged_views(lake: Path, manifest: dict[str, Any]) -> dict[str, list[str]]:
    """View name (`staged_<frame>`) → its Parquet files, for every staged table."""
    section = staged_section(manifest)
    views: dict[str, list[str]] = {}
    for sha in sorted(section["files"]):
        for frame, spec in sorted(section["files"][sha]["frames"].items()):
            views.setdefault(f"staged_{frame}", []).append(str(lake / STAGED / spec["path"]))
    for name, spec in sorted(section["shared"].items()):
        views[f"staged_{name}"] = [str(lake / STAGED / spec["path"])]
    return views


def merged_tables(manifest: dict[str, Any]) -> tuple[str, ...]:
    """Source tables a build must read merged with staged rows (none when nothing is staged)."""
    return MERGED if has_staged(manifest) else ()


def source_view_name(table: str, manifest: dict[str, Any]) -> str:
    """The name a build gives an exported source table: `lake_<table>` when it is merged."""
    return f"lake_{table}" if table in merged_tables(manifest) else table


def merge_sql(table: str) -> str:
    """The portable SQL merging one source table with its staged rows."""
    return (MERGE_DIR / f"{table}.sql").read_text(encoding="utf-8")
