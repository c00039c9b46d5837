"""Platform export files parsed as Spark tasks into a Parquet lake's staged tables.

One file per task: each task runs the same reader `creatorpulse ingest` runs (etl.ingest.prepare:
hash, detect, read, validate), writes the file's staged frames and rejects as Parquet under the
lake's `staged/` (warehouse.lake_staged; the lake is at the same path on the driver and every
executor, as builds need) and hands back only what it wrote and counted. The driver lists the
files in the manifest once every task is done: a crash before that leaves the lake as it was
(unlisted files are never read). A file already staged (same content hash) changes nothing; a
file that fails is reported with its name and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl import schemas
from etl.errors import IngestError
from etl.ingest import READ_AHEAD_KINDS, prepare, unexpected_error
from etl.ingest import _sha as content_sha256
from etl.report import LoadReport
from warehouse import lake, lake_staged

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

FRAME_SCHEMAS: dict[str, dict[str, Any]] = {
    "content": schemas.CONTENT,
    "content_daily": schemas.CONTENT_DAILY,
    "content_period": schemas.CONTENT_PERIOD,
    "content_snapshot": schemas.CONTENT_SNAPSHOT,
    "counter_issue": schemas.COUNTER_ISSUE,
    "channel_breakdown": schemas.CHANNEL_BREAKDOWN,
}
REJECT_SCHEMA = {"file_sha256": pl.String, "input_file": pl.String, **schemas.REJECT}
LAKE_SOURCES = ("auto", *READ_AHEAD_KINDS)


@dataclass(frozen=True)
class ParsedFile:
    """What one task made of one file: the manifest entry of its staged tables, or why it failed."""

    path: str
    sha: str | None
    kind: str | None
    status: str  # staged | unchanged | failed
    entry: dict[str, Any] | None = None
    error: str | None = None


def _date_span(frames: dict[str, pl.DataFrame]) -> tuple[date | None, date | None]:
    from etl.staged_load import staged_dates

    found = staged_dates(frames)
    return (min(found), max(found)) if found else (None, None)


def stage_file(
    path: str,
    seq: int,
    *,
    lake_dir: str,
    source: str = "auto",
    mapping: str | None = None,
    as_of: date | None = None,
    staged_shas: frozenset[str] = frozenset(),
) -> ParsedFile:
    """Parse one platform export with the ingest readers and write its staged tables (one task)."""
    file = Path(path)
    try:
        if not file.exists():
            raise IngestError(file, "no such file")
        sha = content_sha256(file)  # the hash `creatorpulse ingest` keys its load_log on
        if sha in staged_shas:
            return ParsedFile(path, sha, None, "unchanged")
        prepared = prepare(
            file, source=source, mapping=Path(mapping) if mapping else None, as_of=as_of
        )
        if prepared.error is not None:
            raise prepared.error
        if prepared.staged is None:
            raise IngestError(
                file,
                f"is not a platform export (read as {prepared.kind}): `lake ingest` stages"
                f" {', '.join(READ_AHEAD_KINDS)} exports; load it with `creatorpulse ingest`",
            )
        staged = prepared.staged
        frames = {
            name: schemas.conform(staged.frames.get(name, schemas.empty(schema)), schema)
            for name, schema in FRAME_SCHEMAS.items()
        }
        rejects = schemas.rejects_frame(staged.rejects).with_columns(
            file_sha256=pl.lit(prepared.sha, dtype=pl.String),
            input_file=pl.lit(file.name, dtype=pl.String),
        )
        first_on, last_on = _date_span(frames)
        described: dict[str, Any] = {}
        for name, frame in [*frames.items(), (lake_staged.REJECTS, rejects)]:
            relative, target = lake_staged.file_part(Path(lake_dir), name, sha)
            table = (
                frame.select(list(REJECT_SCHEMA)).to_arrow()
                if name == lake_staged.REJECTS
                else _to_arrow(frame, sha, seq)
            )
            described[name] = {"path": relative, **lake_staged.write_part(table, target)}
        entry = {
            "file_name": file.name,
            "source": prepared.kind,
            "seq": seq,
            "rows_read": staged.rows_read,
            "rows_loaded": staged.rows_read - staged.rows_rejected,
            "rows_rejected": staged.rows_rejected,
            "warnings": list(staged.warnings),
            "first_on": first_on.isoformat() if first_on else None,
            "last_on": last_on.isoformat() if last_on else None,
            "frames": described,
        }
        return ParsedFile(path, sha, prepared.kind, "staged", entry=entry)
    except IngestError as exc:
        return ParsedFile(path, None, None, "failed", error=str(exc))
    except Exception as exc:  # one file's surprise never stops the other tasks
        return ParsedFile(path, None, None, "failed", error=str(unexpected_error(file, exc)))


def stage_on_spark(
    spark: SparkSession, paths: list[str], first_seq: int, **options: Any
) -> list[ParsedFile]:
    """Stage each file as its own Spark task (numbered in the given order from first_seq)."""
    if not paths:
        return []
    numbered = [(path, first_seq + i) for i, path in enumerate(paths)]
    rdd = spark.sparkContext.parallelize(numbered, numSlices=len(numbered))
    return rdd.map(lambda item: stage_file(item[0], item[1], **options)).collect()


def _to_arrow(frame: pl.DataFrame, sha: str, seq: int) -> pa.Table:
    """A staged frame with the columns a lake build merges by: its load id and ingest order."""
    return frame.with_columns(
        load_id=pl.lit(f"lake-{sha[:16]}", dtype=pl.String),
        staged_seq=pl.lit(seq, dtype=pl.Int64),
    ).to_arrow()


def _calendar_table(lake_dir: Path, manifest: dict[str, Any], files: dict[str, Any]) -> pa.Table:
    """The calendar over the exported calendar's span and every staged file's dates."""
    from etl.calendar import build_calendar

    days: list[date] = []
    for entry in files.values():
        days += [date.fromisoformat(d) for d in (entry["first_on"], entry["last_on"]) if d]
    exported = pq.read_table(
        lake.source_files(lake_dir, "dim_calendar", manifest), columns=["date_on"]
    ).column("date_on")
    days += [d for d in (pc.min(exported).as_py(), pc.max(exported).as_py()) if d]
    if not days:
        days = [date.today()]
    return build_calendar(min(days), max(days)).to_arrow()


def _program_titles(lake_dir: Path, manifest: dict[str, Any]) -> pa.Table:
    """Each catalogued program's title key (what works with no platform id are matched by)."""
    from etl.platforms.snapshot import title_key

    programs = pq.read_table(
        lake.source_files(lake_dir, "dim_program", manifest), columns=["program_id", "title_zh"]
    ).to_pylist()
    rows = [(p["program_id"], title_key(p["title_zh"])) for p in programs]
    frame = pl.DataFrame(
        rows, schema={"program_id": pl.String, "title_key": pl.String}, orient="row"
    )
    return frame.drop_nulls().sort("program_id", "title_key").to_arrow()


def _report(parsed: ParsedFile, entry: dict[str, Any] | None, status: str) -> LoadReport:
    if status == "unchanged" and entry:
        warnings = [f"identical to {entry['file_name']}, already staged: nothing changed"]
    else:
        warnings = list(entry["warnings"]) if entry else []
    return LoadReport(
        path=Path(parsed.path),
        source=(entry or {}).get("source") or parsed.kind or "auto",
        status=status,
        load_id=f"lake-{parsed.sha[:16]}" if parsed.sha else None,
        rows_read=entry["rows_read"] if entry else 0,
        rows_loaded=entry["rows_loaded"] if entry else 0,
        rows_rejected=entry["rows_rejected"] if entry else 0,
        error=parsed.error,
        warnings=warnings,
    )


def expand_paths(patterns: Iterable[str]) -> list[str]:
    """Files named or matched by glob patterns (a pattern matching nothing stays, to fail by name)."""
    import glob

    found: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else []
        found += matches or [pattern]
    return list(dict.fromkeys(str(Path(p).absolute()) for p in found))


def ingest_to_lake(
    lake_dir: Path,
    paths: Iterable[str],
    spark: SparkSession,
    *,
    source: str = "auto",
    mapping: Path | None = None,
    as_of: date | None = None,
    on_file: Callable[[LoadReport], None] | None = None,
) -> list[LoadReport]:
    """Parse platform exports on Spark (one task per file) into the lake's staged tables.

    Reports read = loaded + rejected per file; a failed file is reported and the others go on.
    """
    if source not in LAKE_SOURCES:
        raise IngestError(
            Path(source),
            f"`lake ingest` stages platform exports: --source must be one of"
            f" {', '.join(LAKE_SOURCES)} (other kinds load with `creatorpulse ingest`)",
        )
    manifest = lake.read_manifest(lake_dir)
    section = lake_staged.staged_section(manifest)
    files: dict[str, Any] = dict(section["files"])
    seq = int(section["seq"])
    options = {
        "lake_dir": str(lake_dir.absolute()),
        "source": source,
        "mapping": str(mapping.absolute()) if mapping else None,
        "as_of": as_of,
        "staged_shas": frozenset(files),
    }
    reports: list[LoadReport] = []
    found = expand_paths(paths)
    for parsed in stage_on_spark(spark, found, seq + 1, **options):
        if parsed.status == "staged" and parsed.sha in files:  # the same bytes twice in one run
            parsed = ParsedFile(parsed.path, parsed.sha, parsed.kind, "unchanged")
        if parsed.status == "staged":
            assert parsed.sha is not None and parsed.entry is not None
            files[parsed.sha] = parsed.entry
            report = _report(parsed, parsed.entry, "loaded")
        elif parsed.status == "unchanged":
            report = _report(parsed, files.get(parsed.sha or ""), "unchanged")
        else:
            report = _report(parsed, None, "failed")
        reports.append(report)
        if on_file:
            on_file(report)
    if any(r.status == "loaded" for r in reports):
        seq += len(found)
        shared: dict[str, Any] = {}
        for name, table in (
            ("dim_calendar", _calendar_table(lake_dir, manifest, files)),
            ("program_title", _program_titles(lake_dir, manifest)),
        ):
            relative, target = lake_staged.shared_part(lake_dir, name, seq)
            shared[name] = {"path": relative, **lake_staged.write_part(table, target)}
        manifest[lake_staged.STAGED] = {"files": files, "shared": shared, "seq": seq}
        lake.write_manifest(lake_dir, manifest)
        lake_staged.drop_unlisted_shared(lake_dir, shared)
    return reports
