"""The Parquet lake: the warehouse's source tables exported for a distributed engine, models built
over them by DuckDB or Spark, and the built models published back as a normal snapshot.

Layout of a lake DIR (any path both engines read; local paths tested):

    manifest.json                 snapshot, schema version, per table: columns, rows, files, hashes
    sources/<table>/[<key>=<value>/...]part-00000.parquet
    builds/<engine>-<build id>/<model>/*.parquet     one folder per build, plus build.json
    MARTS                         names the build folder that last succeeded (swapped with os.replace)

Partition keys are derived columns (`platform`, `month`, `edition`) beside the data, not taken out
of it: every file holds all of its table's columns, so readers select the manifest's columns and
never depend on an engine's partition-type inference.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse import attention_fits, lake_staged, parts, reach_windows, schema
from warehouse.store import connect_read_only, current_snapshot, open_for_write

MANIFEST = "manifest.json"
SOURCES = "sources"
BUILDS = "builds"
POINTER = "MARTS"
BUILD_RECORD = "build.json"
LAKE_FORMAT = "creatorpulse-lake/1"
ROW_GROUP_ROWS = 128 * 1024
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
ENGINES = ("duckdb", "spark")

# Facts large enough that readers prune by them: (partition key, SQL deriving it from a row).
# Month keys are text (YYYY-MM) so no engine guesses them into a date.
PARTITIONS: dict[str, list[tuple[str, str]]] = {
    "fct_content_daily": [("platform", "platform_id"), ("month", "strftime(date_on, '%Y-%m')")],
    "fct_live_minute": [("platform", "platform_id"), ("month", "strftime(minute_at, '%Y-%m')")],
    "fct_creator_activity": [
        ("platform", "platform_id"),
        ("month", "strftime(published_on, '%Y-%m')"),
    ],
    "fct_topic_attention": [("month", "strftime(date_on, '%Y-%m')")],
    "fct_survey_response": [("edition", "cast(edition_year as varchar)")],
}


class LakeError(Exception):
    """A lake that cannot be used as asked (missing table, other schema version, no Java), as one line."""


@dataclass(frozen=True)
class ExportReport:
    """What `export_lake` wrote."""

    lake: Path
    snapshot: str
    schema_version: int
    rows: dict[str, int]


def model_names() -> list[str]:
    """The warehouse's SQL models in build order (the order the DuckDB build uses)."""
    return [name for _layer, name, _path in schema.models()]


def source_tables(tables: set[str]) -> list[str]:
    """The tables (among `tables`) that some model reads and no model builds: what a lake holds."""
    names = set(model_names())
    known = tables | names
    read: set[str] = set()
    for _layer, name, path in schema.models():
        read |= schema.model_inputs(path.read_text(encoding="utf-8"), known - {name})
    return sorted(read - names)


def highest_migration() -> int:
    """The schema version this code expects: the highest numbered migration."""
    return max(version for version, _name, _path in schema.migrations())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_parquet(table: pa.Table, path: Path) -> None:
    """Write one Parquet file the same way every time (fixed row groups, codec, no timestamps)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        table,
        path,
        row_group_size=ROW_GROUP_ROWS,
        compression="zstd",
        write_statistics=True,
        store_schema=True,
    )


def _partition_dir(keys: list[str], values: tuple[Any, ...]) -> str:
    parts = []
    for key, value in zip(keys, values, strict=True):
        text = NULL_PARTITION if value is None else quote(str(value), safe="")
        parts.append(f"{key}={text}")
    return "/".join(parts)


def _export_table(con: duckdb.DuckDBPyConnection, table: str, root: Path) -> dict[str, Any]:
    columns = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'main' and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    names = ", ".join(f'"{name}"' for name, _type in columns)
    rows = int(con.execute(f"select count(*) from {table}").fetchall()[0][0])
    spec = PARTITIONS.get(table, []) if rows else []
    keys = [key for key, _expr in spec]
    files: list[dict[str, Any]] = []
    if not spec:
        data = con.sql(f"select {names} from {table} order by all").to_arrow_table()
        path = root / "part-00000.parquet"
        _write_parquet(data, path)
        files.append({"path": path.name, "rows": rows, "sha256": _sha256(path)})
    else:
        derived = ", ".join(f"{expr} as __{key}" for key, expr in spec)
        con.execute(
            f"create or replace temp table lake_export as select {names}, {derived} from {table}"
        )
        groups = con.execute(
            "select distinct " + ", ".join(f"__{key}" for key in keys) + " from lake_export"
            " order by all"
        ).fetchall()
        where = " and ".join(f"__{key} is not distinct from ?" for key in keys)
        for values in groups:
            data = con.sql(
                f"select {names} from lake_export where {where} order by all", params=list(values)
            ).to_arrow_table()
            relative = f"{_partition_dir(keys, values)}/part-00000.parquet"
            path = root / relative
            _write_parquet(data, path)
            files.append({"path": relative, "rows": data.num_rows, "sha256": _sha256(path)})
        con.execute("drop table lake_export")
    return {
        "columns": [[name, data_type] for name, data_type in columns],
        "partition_by": keys,
        "rows": rows,
        "files": files,
    }


def export_lake(home: Path, to: Path) -> ExportReport:
    """Write the published snapshot's source tables as a Parquet lake with a manifest.

    The same snapshot exported twice gives byte-identical files: rows sorted, fixed row groups,
    no timestamps. An existing lake at `to` gets new sources and manifest; its builds stay, and
    `import_lake` refuses those made from another export.
    """
    snapshot = current_snapshot(home)
    con = connect_read_only(home)
    try:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'main' and table_type = 'BASE TABLE'"
            ).fetchall()
        } | {  # the large tables stored as shared parts are views over them (warehouse.parts)
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ?"
                " and table_name <> 'manifest'",
                [parts.SCHEMA],
            ).fetchall()
        }
        (version_value,) = con.execute("select max(version) from schema_migrations").fetchall()[0]
        version = int(version_value or 0)
        if to.exists() and any(to.iterdir()) and not (to / MANIFEST).exists():
            raise LakeError(f"{to} is not empty and not a lake: choose an empty or new folder")
        staging = to / (SOURCES + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        described: dict[str, Any] = {}
        for table in source_tables(tables):
            described[table] = _export_table(con.cursor(), table, staging / table)
    finally:
        con.close()
    shutil.rmtree(to / SOURCES, ignore_errors=True)
    os.replace(staging, to / SOURCES)
    assert snapshot is not None  # connect_read_only raised otherwise
    manifest = {
        "format": LAKE_FORMAT,
        "snapshot": snapshot.name,
        "schema_version": version,
        "tables": described,
    }
    staged = _previous_staged(to)
    if staged:  # files ingested into the lake stay staged over the new export
        manifest[lake_staged.STAGED] = staged
    _write_json(to / MANIFEST, manifest)
    return ExportReport(
        lake=to,
        snapshot=snapshot.name,
        schema_version=version,
        rows={name: spec["rows"] for name, spec in described.items()},
    )


def _previous_staged(lake: Path) -> dict[str, Any] | None:
    """The staged section of the lake's current manifest, if any."""
    path = lake / MANIFEST
    if not path.exists():
        return None
    staged: dict[str, Any] | None = json.loads(path.read_text(encoding="utf-8")).get(
        lake_staged.STAGED
    )
    return staged


def write_manifest(lake: Path, manifest: dict[str, Any]) -> None:
    """Replace the lake's manifest atomically (the last step of an export or a lake ingest)."""
    _write_json(lake / MANIFEST, manifest)


def _write_json(path: Path, value: dict[str, Any]) -> None:
    """Write JSON atomically (sorted keys, so equal content gives equal bytes)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp, path)


def read_manifest(lake: Path) -> dict[str, Any]:
    """The lake's manifest, checked against this code: its schema version and every source table."""
    path = lake / MANIFEST
    if not path.exists():
        raise LakeError(
            f"{lake} has no {MANIFEST}: create the lake with `creatorpulse lake export --to {lake}`"
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    expected = highest_migration()
    if manifest.get("format") != LAKE_FORMAT:
        raise LakeError(f"{path} is not a {LAKE_FORMAT} manifest: export the lake again")
    if manifest.get("schema_version") != expected:
        raise LakeError(
            f"{path} is from schema version {manifest.get('schema_version')}, this creatorpulse"
            f" expects {expected}: migrate the warehouse (any `creatorpulse ingest`) and export again"
        )
    needed = source_tables(_migration_tables())
    missing = [name for name in needed if name not in manifest["tables"]]
    missing += [
        name
        for name, spec in sorted(manifest["tables"].items())
        if any(not (lake / SOURCES / name / f["path"]).exists() for f in spec["files"])
    ]
    missing += lake_staged.missing_staged(lake, manifest)
    if missing:
        raise LakeError(
            f"lake {lake} is missing table(s) {', '.join(missing)}:"
            f" export it again with `creatorpulse lake export --to {lake}`"
        )
    return manifest


def _migration_tables() -> set[str]:
    """Table names the migrations create."""
    names: set[str] = set()
    for _version, _name, path in schema.migrations():
        for statement in schema.split_statements(path.read_text(encoding="utf-8")):
            names |= {t for t in schema.write_targets(statement) if t != schema.UNKNOWN_WRITE}
    return names


def manifest_digest(lake: Path) -> str:
    """SHA-256 of the manifest: names the export a build was made from."""
    return _sha256(lake / MANIFEST)


def source_files(lake: Path, table: str, manifest: dict[str, Any]) -> list[str]:
    """The Parquet files of one source table, as paths."""
    return [str(lake / SOURCES / table / f["path"]) for f in manifest["tables"][table]["files"]]


def new_build_dir(lake: Path, engine: str) -> Path:
    """A fresh folder for one build's models (never reused, so a failed build harms nothing)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = lake / BUILDS / f"{engine}-{stamp}"
    path.mkdir(parents=True)
    return path


def finish_build(lake: Path, build: Path, engine: str, built: list[str]) -> None:
    """Record the build and switch the MARTS pointer to it (atomic rename)."""
    _write_json(
        build / BUILD_RECORD,
        {"engine": engine, "manifest_sha256": manifest_digest(lake), "models": built},
    )
    tmp = lake / (POINTER + ".tmp")
    tmp.write_text(f"{BUILDS}/{build.name}\n", encoding="utf-8")
    os.replace(tmp, lake / POINTER)


def current_build(lake: Path) -> Path:
    """The build folder MARTS names, checked to come from the lake's current export."""
    pointer = lake / POINTER
    if not pointer.exists():
        raise LakeError(
            f"lake {lake} has no built models: run `creatorpulse build --engine spark --lake {lake}`"
        )
    build = lake / pointer.read_text(encoding="utf-8").strip()
    record = json.loads((build / BUILD_RECORD).read_text(encoding="utf-8"))
    if record["manifest_sha256"] != manifest_digest(lake):
        raise LakeError(
            f"the models in {build} were built from an earlier export of {lake}:"
            f" run `creatorpulse build --lake {lake}` again"
        )
    return build


def model_files(build: Path, model: str) -> str:
    """Glob of one built model's Parquet files."""
    if not (build / model).is_dir():
        raise LakeError(f"build {build} has no model {model}: run the build again")
    return str(build / model / "*.parquet")


def duckdb_over_lake(lake: Path, manifest: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per source table over the lake's files."""
    con = duckdb.connect()
    for table, spec in sorted(manifest["tables"].items()):
        columns = ", ".join(f'"{name}"' for name, _type in spec["columns"])
        files = source_files(lake, table, manifest)
        con.execute(
            f"create view {lake_staged.source_view_name(table, manifest)} as select {columns}"
            f" from read_parquet({_sql_list(files)}, hive_partitioning = false)"
        )
    # Files ingested into the lake: their staged rows merged into the source tables they feed.
    for view, files in lake_staged.staged_views(lake, manifest).items():
        con.execute(
            f"create view {view} as select *"
            f" from read_parquet({_sql_list(files)}, hive_partitioning = false)"
        )
    for table in lake_staged.merged_tables(manifest):
        con.execute(f"create view {table} as {lake_staged.merge_sql(table)}")
    return con


def _sql_list(paths: list[str]) -> str:
    """Paths as a SQL list literal (paths are this program's own file names, quotes doubled)."""
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def build_duckdb(lake: Path) -> Path:
    """Build every model over the lake with DuckDB and write each as Parquet in a new build."""
    manifest = read_manifest(lake)
    build = new_build_dir(lake, "duckdb")
    con = duckdb_over_lake(lake, manifest)
    try:
        schema.build_models(con, None)
        built = []
        for name in model_names():
            data = con.sql(f"select * from {name}").to_arrow_table()
            _write_parquet(data, build / name / "part-00000.parquet")
            built.append(name)
    finally:
        con.close()
    finish_build(lake, build, "duckdb", built)
    return build


def import_lake(home: Path, lake: Path, keep: int = 5) -> list[str]:
    """Publish the lake's built models as a new snapshot of the warehouse at `home`.

    The snapshot starts as a copy of the current one (users, keys, source tables and access rules
    unchanged); each model becomes a table of the built rows, cast to the column types the DuckDB
    build gives, and its SQL hash is recorded so the next load rebuilds it only when its inputs
    change. Returns the models published.
    """
    read_manifest(lake)
    build = current_build(lake)
    names = model_names()
    published: list[str] = []
    with open_for_write(home, keep=keep) as session:
        con = session.con
        existing = dict(
            con.execute(
                "select table_name, table_type from information_schema.tables"
                " where table_schema = 'main'"
            ).fetchall()
        )
        types = {name: _column_types(con, name) for name in names if name in existing}
        for name in names:
            source = model_files(build, name)
            if name in existing:
                kind = "view" if existing[name] == "VIEW" else "table"
                con.execute(f"drop {kind} {name}")
            files = f"read_parquet({_sql_list([source])})"
            have = {row[0] for row in con.execute(f"describe select * from {files}").fetchall()}
            wanted = types.get(name)
            # The DuckDB build's column types, unless the data names other columns (a pivot).
            if wanted and {col for col, _typ in wanted} == have:
                select = ", ".join(f'cast("{col}" as {typ}) as "{col}"' for col, typ in wanted)
            else:
                select = "*"
            con.execute(f"create table {name} as select {select} from {files}")
            digest = hashlib.sha256(schema.read_sql(_model_path(name)).encode("utf-8")).hexdigest()
            con.execute(
                "insert or replace into schema_models values (?, ?, ?)",
                [name, digest, datetime.now(UTC).replace(tzinfo=None)],
            )
            published.append(name)
        # Publish without rebuilding: every model was just recorded as up to date. Only the
        # attention fits stored at publish follow mart_attention_daily (warehouse.attention_fits),
        # and the reach stored at publish is computed anew from the imported marts.
        con.execute(f"drop table if exists {reach_windows.MODEL}")
        session.changed = True
        session.written = {attention_fits.INPUT}
    return published


def _model_path(name: str) -> str:
    for layer, model, _path in schema.models():
        if model == name:
            return f"models/{layer}/{name}.sql"
    raise KeyError(name)


def _column_types(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    return [
        (column, data_type)
        for column, data_type in con.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'main' and table_name = ? order by ordinal_position",
            [name],
        ).fetchall()
    ]


def iter_lake_files(lake: Path) -> Iterator[Path]:
    """Every file under the lake's sources, in a stable order (for comparing two exports)."""
    yield from sorted(p for p in (lake / SOURCES).rglob("*") if p.is_file())
