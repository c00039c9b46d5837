"""The 10M-row platform tables stored once, as Parquet parts shared between snapshots.

Why this mechanism (measured here, 2 cores, ext4): copying a 1.4 GB file took 10-18 s when not
cached, and every write began with that copy; ext4 has no reflink copy-on-write; DuckDB has no
way to share blocks between database files, and DuckLake needs an extension that cannot be
installed offline here. So a publish could not cost what it changed while every snapshot was one
self-contained DuckDB file.

The tables whose size grows with platform rows (`PARTITIONED`) are kept instead as immutable
Parquet files under HOME/parts, one file per platform (`KEY`), written once and never changed.
A snapshot's DuckDB file (the "head") holds the small tables, a manifest (`parts.manifest`) of the
files that make up each partitioned table, an empty table of each one's columns (`parts.<name>`)
and a view `main.<name>` over them, so readers open one file and query the same names as before.

A load of one platform's export rewrites only that platform's parts: the load turns the view
into a table of that platform's rows (`open_platforms`), runs its SQL unchanged, and writes the
rows back as new parts (`close_platforms`); models partitioned the same way are rebuilt only for
those platforms (`rebuild_platforms`). Any other change (a migration, a full rebuild, a lake
import) leaves an ordinary table that `share_tables` splits into parts at publish. A crash
before CURRENT is swapped leaves only unreferenced files, which `prune_parts` deletes.

The manifest and the views name each part by its path relative to the home
(`parts/<table>/<uuid>/platform_id=<p>/data_0.parquet`) and every connection to a snapshot is
opened with DuckDB's `file_search_path` set to the snapshot's home (`connect`), so a home moved or
restored elsewhere keeps its facts. Releases before this one named parts by absolute path;
`relink` rewrites such a manifest, in the next write session (`creatorpulse serve` opens one).

Tables under SHARE_MIN_ROWS rows stay ordinary tables (the demo, the tests' warehouses). A
reader still holding a snapshot older than the `keep` newest may find its parts pruned (an open
DuckDB file stays readable after unlink; a Parquet file is opened per query): readers follow
CURRENT, and the dashboard's warming keeps at most the previous one.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Collection, Iterable
from pathlib import Path
from urllib.parse import quote

import duckdb

from warehouse import schema

# Base tables first: a model's parts are written after those of the tables it reads.
PARTITIONED = (
    "fct_content_daily",
    "fct_content_reach_daily",
    "mart_program_daily",
    "mart_reach_content_blocks",
)
# Partitioned tables that load scripts write (the rest are models).
LOADED_TABLES = ("fct_content_daily",)
# Models whose rows of one platform depend only on that platform's rows of the tables they read
# (every join is on platform_id) plus whole small tables: rebuilt one platform at a time.
PLATFORM_WISE_MODELS = (
    "fct_content_reach_daily",
    "mart_program_daily",
    "mart_reach_content_blocks",
)
# Load scripts that change only rows of the platforms their staged frames hold (every delete,
# update and insert is keyed on staged rows; calendar.sql restates the same days with the same
# values), so a session of such loads need rebuild the platform-wise models for those only.
PLATFORM_SCOPED_SCRIPTS = frozenset(
    {"content", "content_snapshot", "channel_breakdown", "calendar", "log"}
)
# Below this many rows a table stays an ordinary table of the snapshot (copying it costs less
# than managing files; small warehouses, the demo and the tests keep one self-contained file).
SHARE_MIN_ROWS = 1_000_000
KEY = "platform_id"
# Row order of each table's files: a Parquet row group's min/max statistics then let a query on a
# date window skip the row groups outside it (the reach report's edge days, a block's months).
SORT_KEYS = {
    "fct_content_reach_daily": "date_on",
    "mart_program_daily": "date_on",
    "mart_reach_content_blocks": "grain, block_start_on",
}
PARTS_DIR = "parts"
SCHEMA = "parts"
_HOT = "parts_hot_platforms"


class PartsError(Exception):
    """A home that cannot hold shared parts, as one clear message."""


def read_by_platform_wise_models(tables: Iterable[str]) -> bool:
    """Whether a platform-wise model reads any of `tables` (a change there may touch any platform)."""
    named = {name.lower() for name in tables}
    for _layer, name, path in schema.models():
        sql = path.read_text(encoding="utf-8") if name in PLATFORM_WISE_MODELS else ""
        if schema.model_inputs(sql, named - {name}):
            return True
    return False


def connect(
    path: Path, *, read_only: bool = False, config: dict[str, str] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open a snapshot file (or a write copy of one) so its views find their parts.

    Its home is the folder above the snapshots folder. Every connection to a snapshot must be
    opened here: DuckDB refuses a second connection to a file in one process with another
    configuration.
    """
    return duckdb.connect(
        str(path), read_only=read_only, config={**(config or {}), **search_path(path)}
    )


def connect_reader(snapshot: Path) -> duckdb.DuckDBPyConnection:
    """`connect` read-only for a reader, with one clear error where the snapshot cannot read its
    facts: it names its parts by absolute path (an earlier release) and they are not there,
    because its home was moved or restored elsewhere and not yet relinked."""
    con = connect(snapshot, read_only=True)
    try:
        missing = _missing_absolute_part(con)
    except BaseException:
        con.close()
        raise
    if missing is not None:
        con.close()
        home = Path(snapshot).resolve().parent.parent
        raise PartsError(
            f"{home}: this warehouse names its platform tables' files where it was written"
            f" ({missing} is gone): run `creatorpulse serve` or any load once to relink them"
        )
    return con


def _missing_absolute_part(con: duckdb.DuckDBPyConnection) -> str | None:
    if not absolute_paths(con):
        return None
    paths = con.execute(f"select path from {SCHEMA}.manifest where path like '/%'").fetchall()
    return next((path for (path,) in paths if not Path(path).is_file()), None)


def search_path(snapshot: Path) -> dict[str, str]:
    """The DuckDB setting under which a snapshot's relative part paths resolve in its home."""
    return {"file_search_path": str(Path(snapshot).resolve().parent.parent)}


def _key(path: str | Path) -> str:
    """A part's path relative to its home, from any path naming it (old manifests: absolute).

    Every part lies at parts/<table>/<uuid>/<platform folder>/<file>, so its last four components
    name it wherever the home is.
    """
    return "/".join((PARTS_DIR, *Path(path).parts[-4:]))


def parts_dir(home: Path) -> Path:
    """Folder holding the shared Parquet parts, as an absolute path (the parts are written
    there; manifests name them by `_key`, relative to the home)."""
    return Path(home).resolve() / PARTS_DIR


def _quote(text: str) -> str:
    """A SQL string literal (file paths the warehouse generated itself, never a user's value)."""
    return "'" + text.replace("'", "''") + "'"


def _kind(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute(
        "select table_type from information_schema.tables"
        " where table_catalog = current_database() and table_schema = 'main' and table_name = ?",
        [name],
    ).fetchone()
    return None if row is None else str(row[0])


def _ensure_manifest(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(
        f"create table if not exists {SCHEMA}.manifest ("
        " table_name varchar not null, platform_id varchar not null, path varchar not null)"
    )


def is_shared(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether `name` is stored as parts (a view over the manifest's files) in this snapshot."""
    shaped = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database()"
        " and schema_name = ? and table_name = ?",
        [SCHEMA, name],
    ).fetchone()
    return bool(shaped and shaped[0]) and _kind(con, name) == "VIEW"


def part_files(
    con: duckdb.DuckDBPyConnection, name: str, platforms: Collection[str] | None = None
) -> list[str]:
    """The Parquet files of a shared table (of some platforms only when given), sorted."""
    rows = con.execute(
        f"select platform_id, path from {SCHEMA}.manifest where table_name = ? order by path",
        [name],
    ).fetchall()
    return [path for platform, path in rows if platforms is None or platform in platforms]


def _source_sql(name: str, files: list[str]) -> str:
    """A query over the shape table and the files: the shape keeps the columns when no file is."""
    shape = f"select * from {SCHEMA}.{name}"
    if not files:
        return shape
    listed = ", ".join(_quote(path) for path in files)
    return f"{shape} union all select * from read_parquet([{listed}])"


def _create_view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"create view main.{name} as {_source_sql(name, part_files(con, name))}")


def _write(
    con: duckdb.DuckDBPyConnection,
    home: Path,
    name: str,
    select_sql: str,
    platforms: Collection[str] | None,
) -> dict[str, str]:
    """Write `select_sql`'s rows as one new Parquet file per platform; {platform: path}.

    One COPY per platform, so each file is in SORT_KEYS order from its first row group to its
    last (a partitioned COPY writes its threads' sorted runs interleaved, and the row groups'
    min/max statistics then span every date). `platforms` None: every platform the rows hold.
    """
    if "," in str(Path(home).resolve()):  # DuckDB's file_search_path is a comma-separated list
        raise PartsError(
            f"{home}: a warehouse of {SHARE_MIN_ROWS:,}+ platform rows stores them as parts"
            " found through DuckDB's file_search_path, which cannot name a folder whose path"
            " holds a comma; move the home to a path without one"
        )
    target = parts_dir(home) / name / uuid.uuid4().hex
    parts_dir(home).mkdir(exist_ok=True, mode=0o700)  # beside the snapshots, as private
    target.parent.mkdir(exist_ok=True, mode=0o700)
    source = f"({select_sql}) as rows_{name}"
    if platforms is None:
        found = con.execute(f"select distinct {KEY} from {source} order by 1").fetchall()
        platforms = [row[0] for row in found]
    if any(platform is None for platform in platforms):
        raise ValueError(f"{name}: rows without a {KEY} cannot be stored as parts")
    order = f" order by {SORT_KEYS[name]}" if name in SORT_KEYS else ""
    con.execute(f"create or replace temp table {_HOT} ({KEY} varchar)")
    written: dict[str, str] = {}
    for platform in sorted(platforms):
        con.execute(f"delete from temp.{_HOT}")
        con.execute(f"insert into temp.{_HOT} values (?)", [platform])
        folder = target / f"{KEY}={quote(platform, safe='')}"
        folder.mkdir(parents=True, mode=0o700)
        file = folder / "data_0.parquet"
        copied = con.execute(
            f"copy (select * from {source} where {KEY} in (select {KEY} from temp.{_HOT}){order})"
            f" to {_quote(str(file))} (format parquet)"
        ).fetchall()
        if copied and copied[0][0] == 0:  # a platform left without rows has no part
            file.unlink()
            folder.rmdir()
            continue
        written[platform] = _key(file)
    return written


def _record(
    con: duckdb.DuckDBPyConnection,
    name: str,
    written: dict[str, str],
    platforms: Collection[str] | None,
) -> None:
    """Replace the manifest's files of `name` (for `platforms`, or all) by `written`."""
    if platforms is None:
        con.execute(f"delete from {SCHEMA}.manifest where table_name = ?", [name])
    else:
        for platform in sorted(platforms):
            con.execute(
                f"delete from {SCHEMA}.manifest where table_name = ? and platform_id = ?",
                [name, platform],
            )
    for platform, path in sorted(written.items()):
        con.execute(f"insert into {SCHEMA}.manifest values (?, ?, ?)", [name, platform, path])


def share_table(con: duckdb.DuckDBPyConnection, home: Path, name: str) -> None:
    """Split an ordinary table `main.<name>` into parts, replacing it by a view over them."""
    _ensure_manifest(con)
    written = _write(con, home, name, f"select * from main.{name}", None)
    con.execute(f"create or replace table {SCHEMA}.{name} as select * from main.{name} limit 0")
    con.execute(f"drop table main.{name}")
    _record(con, name, written, None)
    _create_view(con, name)


def _constrained(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table has a key a view would lose (before migration 0004 dropped it)."""
    row = con.execute(
        "select count(*) from duckdb_constraints() where database_name = current_database()"
        " and schema_name = 'main' and table_name = ?"
        " and constraint_type in ('PRIMARY KEY', 'UNIQUE')",
        [name],
    ).fetchone()
    return bool(row and row[0])


def _has_shape(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database()"
        " and schema_name = ? and table_name = ?",
        [SCHEMA, name],
    ).fetchone()
    return bool(row and row[0])


def share_tables(
    con: duckdb.DuckDBPyConnection, home: Path, unchanged: Collection[str] = ()
) -> list[str]:
    """At publish: store every large partitioned table that is an ordinary table as parts.

    A table in `unchanged` that was shared when the session began (`materialise`) gets its view
    back over the same files: nothing is written for it.
    """
    shared = []
    for name in PARTITIONED:
        if _kind(con, name) != "BASE TABLE" or _constrained(con, name):
            continue
        if name in unchanged and _has_shape(con, name):
            con.execute(f"drop table main.{name}")
            _create_view(con, name)
            continue
        count = con.execute(f"select count(*) from main.{name}").fetchone()
        if _has_shape(con, name) or (count is not None and count[0] >= SHARE_MIN_ROWS):
            share_table(con, home, name)
            shared.append(name)
    return shared


def _table_from(con: duckdb.DuckDBPyConnection, table: str, name: str, source: str) -> None:
    """Create `table` with the columns of the shape `parts.<name>`, then insert `source`'s rows.

    Never `create table ... as <source>`: in DuckDB 2.0.0 a table created that way from an empty
    result, then given more than one row group (122,880 rows) in the same transaction, answers
    `count(*)` right but drops every row from `group by` on a text column and from a partitioned
    `copy`; so does any transaction that inserts no rows into a table and then more than a row
    group. A load of a platform new to a shared table lost all its rows that way (the 10M bench
    kept only its first platform); `tests/warehouse/test_shared_parts.py` holds the case. DuckDB
    2.0.1 (the lock's) fixes it; this keeps the load clear of it on any 2.0.x.
    """
    columns = con.execute(
        "select column_name, data_type from duckdb_columns()"
        " where database_name = current_database() and schema_name = ? and table_name = ?"
        " order by column_index",
        [SCHEMA, name],
    ).fetchall()
    listed = ", ".join(f"{_identifier(column)} {data_type}" for column, data_type in columns)
    con.execute(f"create table {table} ({listed})")
    # An insert of no rows would set the same trap for the load's insert that follows.
    if con.execute(f"select exists ({source})").fetchall() == [(True,)]:
        con.execute(f"insert into {table} {source}")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def materialise(con: duckdb.DuckDBPyConnection, names: Iterable[str] = PARTITIONED) -> list[str]:
    """Turn shared tables back into ordinary tables any SQL may write; returns those turned."""
    turned = []
    for name in names:
        if is_shared(con, name):
            _table_from(con, f"main.{name}_parts_copy", name, f"select * from main.{name}")
            con.execute(f"drop view main.{name}")
            con.execute(f"alter table main.{name}_parts_copy rename to {name}")
            turned.append(name)
    return turned


def open_platforms(con: duckdb.DuckDBPyConnection, name: str, platforms: Collection[str]) -> bool:
    """Make a shared table writable for a load of `platforms`: a table of only their rows.

    The load's SQL (delete + insert keyed on its staged rows) then runs as it is; every row it
    reads or writes belongs to those platforms. Returns False when the table is not shared.
    """
    if not is_shared(con, name):
        return False
    source = _source_sql(name, part_files(con, name, set(platforms)))
    con.execute(f"drop view main.{name}")
    _table_from(con, f"main.{name}", name, source)
    return True


def close_platforms(
    con: duckdb.DuckDBPyConnection, home: Path, name: str, platforms: Collection[str]
) -> None:
    """Write the rows a load left in the table `open_platforms` made as new parts; view again."""
    written = _write(con, home, name, f"select * from main.{name}", platforms)
    con.execute(f"drop table main.{name}")
    _record(con, name, written, platforms)
    _create_view(con, name)


def rebuild_platforms(
    con: duckdb.DuckDBPyConnection, home: Path, name: str, body: str, platforms: Collection[str]
) -> bool:
    """Rebuild a platform-wise model's parts for `platforms` only; False if it cannot be.

    The shared tables it reads are narrowed to those platforms' files by temp views (which
    shadow main's for this connection), so the rebuild reads what changed, not 10M rows.
    """
    if name not in PLATFORM_WISE_MODELS or not is_shared(con, name):
        return False
    shadowed = [other for other in PARTITIONED if other != name and is_shared(con, other)]
    try:
        for other in shadowed:
            source = _source_sql(other, part_files(con, other, set(platforms)))
            con.execute(f"create or replace temp view {other} as {source}")
        written = _write(con, home, name, body, platforms)
    finally:
        for other in shadowed:
            con.execute(f"drop view if exists temp.{other}")
    con.execute(f"drop view main.{name}")
    _record(con, name, written, platforms)
    _create_view(con, name)
    return True


def relink(con: duckdb.DuckDBPyConnection) -> bool:
    """Name parts relative to the home where a manifest named them by absolute path.

    Every shared table's view is made again over the relative paths, so the snapshot reads its
    parts wherever its home is. Returns whether anything was rewritten.
    """
    if not _has_manifest(con) or not absolute_paths(con):
        return False
    rows = con.execute(f"select table_name, platform_id, path from {SCHEMA}.manifest").fetchall()
    con.execute(f"delete from {SCHEMA}.manifest")
    for name, platform, path in rows:
        con.execute(f"insert into {SCHEMA}.manifest values (?, ?, ?)", [name, platform, _key(path)])
    for name in sorted({row[0] for row in rows}):
        if is_shared(con, name):
            con.execute(f"drop view main.{name}")
            _create_view(con, name)
    return True


def _has_manifest(con: duckdb.DuckDBPyConnection) -> bool:
    # fetchall, never fetchone: a result left unfinished blocks the connection's next query, and
    # readers hand this connection on (store.connect_read_only).
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database()"
        " and schema_name = ? and table_name = 'manifest'",
        [SCHEMA],
    ).fetchall()
    return bool(found[0][0])


def absolute_paths(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the manifest names any part by absolute path (written before `relink` existed)."""
    if not _has_manifest(con):
        return False
    found = con.execute(f"select count(*) from {SCHEMA}.manifest where path like '/%'").fetchall()
    return bool(found[0][0])


def referenced_files(snapshot: Path) -> set[str]:
    """Parts a published snapshot's manifest names, as `_key`s (none for a snapshot without one)."""
    try:
        con = connect(snapshot, read_only=True)
    except duckdb.Error:
        return set()
    try:
        if not _has_manifest(con):
            return set()
        paths = con.execute(f"select path from {SCHEMA}.manifest").fetchall()
        return {_key(row[0]) for row in paths}
    finally:
        con.close()


def prune_parts(home: Path, snapshots: Iterable[Path]) -> int:
    """Delete part files no kept snapshot names (old ones, and those of loads that failed).

    Runs under the writer lock, after CURRENT was swapped: no writer is making parts meanwhile.
    Files and manifests are compared by `_key`, so a moved home, or one named by a relative
    path, keeps every part a kept snapshot names.
    """
    root = parts_dir(home)
    if not root.exists():
        return 0
    keep: set[str] = set()
    for snapshot in snapshots:
        keep |= referenced_files(snapshot)
    removed = 0
    for file in root.rglob("*.parquet"):
        if _key(file) not in keep:
            file.unlink(missing_ok=True)
            removed += 1
    for folder in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir():
            with contextlib.suppress(OSError):  # not empty: still holds kept parts
                folder.rmdir()
    return removed
