"""Migrations, SQL models and SQL scripts, all read from `.sql` files beside this module."""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

ROOT = Path(str(resources.files("warehouse")))
MIGRATIONS = ROOT / "migrations"
MODELS = ROOT / "models"
LAYERS = ("staging", "core", "marts")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_MATERIALIZED = re.compile(r"^--\s*materialized:\s*(view|table)", re.MULTILINE)
_WRITE_TARGET = re.compile(
    r"\b(?:insert\s+(?:or\s+(?:replace|ignore)\s+)?into|delete\s+from|update|truncate(?:\s+table)?"
    r"|(?:create(?:\s+or\s+replace)?(?:\s+temp|\s+temporary)?|alter|drop)\s+table"
    r"(?:\s+if(?:\s+not)?\s+exists)?|copy)\s+([a-z_][a-z0-9_.]*)",
    re.IGNORECASE,
)
_READ_ONLY = re.compile(r"^\s*(?:select|with|from|pragma|describe|show|explain)\b", re.IGNORECASE)
_DML = re.compile(r"^\s*(?:insert|update|delete)\b", re.IGNORECASE)
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
UNKNOWN_WRITE = "*"
# Temp table (per connection, transactional) of the tables run_script wrote; see record_writes.
_WRITES = "schema_session_writes"


@cache
def read_sql(relative: str) -> str:
    """Text of a `.sql` file under warehouse/ (cached; the files ship with the package)."""
    return (ROOT / relative).read_text(encoding="utf-8")


def named_query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """The named query (queries/NAME.sql) on a cursor of its own (a write connection may hold
    an unfinished result), parameters bound, as a Polars frame."""
    sql = read_sql(f"queries/{name}.sql")
    cursor = con.cursor()
    try:
        return cursor.sql(sql, params=bind(sql, params) or None).pl()
    finally:
        cursor.close()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the table `main.<name>` exists (probed on a cursor of its own)."""
    cursor = con.cursor()
    try:
        found = cursor.execute(
            "select count(*) from duckdb_tables() where database_name = current_database()"
            " and schema_name = 'main' and table_name = ?",
            [name],
        ).fetchall()
    finally:
        cursor.close()
    return found == [(1,)]


def split_statements(sql: str) -> list[str]:
    """Split a script into statements at semicolons that end a line (no ';' inside strings)."""
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [stmt.strip() for stmt in re.split(r";\s*(?:\n|$)", body) if stmt.strip()]


def bind(statement: str, params: dict[str, Any]) -> dict[str, Any]:
    """The subset of `params` a statement names as $name (DuckDB rejects unused names)."""
    names = set(_PARAM.findall(statement))
    missing = names - params.keys()
    if missing:
        raise KeyError(f"SQL parameter(s) not supplied: {sorted(missing)}")
    return {name: params[name] for name in names}


def write_targets(statement: str) -> set[str]:
    """Tables a statement writes (insert, delete, update, create/alter/drop table, ...).

    "*" when the statement is neither a query nor a write this recognises: whoever reads the
    answer must then assume every table may have changed.
    """
    targets = {name.lower().rsplit(".", 1)[-1] for name in _WRITE_TARGET.findall(statement)}
    if not targets and not _READ_ONLY.match(statement):
        return {UNKNOWN_WRITE}
    return targets


def record_writes(con: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    """Note tables written on this connection, in a temp table so a rollback forgets them too."""
    if not tables:
        return
    con.execute(f"create temp table if not exists {_WRITES} (table_name varchar not null)")
    con.executemany(f"insert into {_WRITES} values (?)", [[name] for name in sorted(tables)])


def recorded_writes(con: duckdb.DuckDBPyConnection) -> tuple[int, set[str]]:
    """(statements recorded, tables they wrote) since the last `forget_writes` on `con`."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where temporary and table_name = ?", [_WRITES]
    ).fetchone()
    if not exists or not exists[0]:
        return 0, set()
    rows = con.execute(f"select table_name from {_WRITES}").fetchall()
    return len(rows), {name for (name,) in rows}


def forget_writes(con: duckdb.DuckDBPyConnection) -> None:
    """Clear what `record_writes` noted (once the models have caught up with it)."""
    con.execute(f"drop table if exists temp.{_WRITES}")


def run_script(con: duckdb.DuckDBPyConnection, relative: str, **params: Any) -> None:
    """Run every statement of a `.sql` script with bound parameters, never formatted values.

    The tables each statement writes are recorded on the connection (`recorded_writes`), so a
    publish rebuilds only the models that read them.
    """
    for statement in split_statements(read_sql(relative)):
        result = con.execute(statement, bind(statement, params))
        targets = write_targets(statement)
        if targets and _DML.match(statement):
            # insert/update/delete answer with the rows they changed: none = nothing written
            # (e.g. an edition a survey file names that the warehouse already holds).
            changed = result.fetchone()
            if changed is not None and changed[0] == 0:
                continue
        record_writes(con, targets)


def migrations() -> list[tuple[int, str, Path]]:
    """Numbered migrations in order: (version, name, path)."""
    found = []
    for path in sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version, _, name = path.stem.partition("_")
        found.append((int(version), name, path))
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply migrations not yet recorded in schema_migrations; return the versions applied."""
    con.execute(
        "create table if not exists schema_migrations ("
        " version integer primary key, name varchar not null, applied_at timestamp not null)"
    )
    done = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    applied = []
    for version, name, path in migrations():
        if version in done:
            continue
        con.execute("begin transaction")
        try:
            for statement in split_statements(path.read_text(encoding="utf-8")):
                con.execute(statement)
            con.execute(
                "insert into schema_migrations values (?, ?, ?)",
                [version, name, datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.append(version)
    return applied


_COMMENT = re.compile(r"--[^\n]*")


def models() -> list[tuple[str, str, Path]]:
    """SQL models in build order: (layer, name, path).

    A model builds after every model its SQL reads (comments aside); among the models that are
    ready, the lower layer first, then the name. Where names already sort after what they read,
    this is plain layer-then-name order. A cycle is an error.
    """
    listed = [
        (layer, path.stem, path)
        for layer in LAYERS
        for path in sorted((MODELS / layer).glob("*.sql"))
    ]
    rank = {name: (LAYERS.index(layer), name) for layer, name, _path in listed}
    reads = {
        name: model_inputs(_COMMENT.sub("", path.read_text(encoding="utf-8")), set(rank) - {name})
        for _layer, name, path in listed
    }
    waiting = {name: len(inputs) for name, inputs in reads.items()}
    readers: dict[str, list[str]] = {name: [] for name in reads}
    for name, inputs in reads.items():
        for source in inputs:
            readers[source].append(name)
    ready = [rank[name] for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _layer_index, name = heapq.heappop(ready)
        order.append(name)
        for reader in readers[name]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, rank[reader])
    if len(order) < len(listed):
        stuck = sorted(name for name, count in waiting.items() if count)
        raise ValueError(f"models read each other in a cycle: {', '.join(stuck)}")
    by_name = {name: (layer, name, path) for layer, name, path in listed}
    return [by_name[name] for name in order]


def model_inputs(sql: str, known: set[str]) -> set[str]:
    """The tables and models a model's SQL names (any identifier that is one; comments count too,
    which can only add an input, never miss one)."""
    return set(_IDENTIFIER.findall(sql.lower())) & known


def stale_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Models this code defines that the database lacks or built from other SQL, in build order."""
    existing = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables"
            " where table_catalog = current_database() and table_schema = 'main'"
        ).fetchall()
    }
    built: dict[str, str] = {}
    if "schema_models" in existing:
        built = dict(con.execute("select model_name, sql_sha256 from schema_models").fetchall())
    stale = []
    for _layer, name, path in models():
        digest = hashlib.sha256(path.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
        if name not in existing or built.get(name) != digest:
            stale.append(name)
    return stale


def build_models(
    con: duckdb.DuckDBPyConnection,
    written: Collection[str] | None = None,
    *,
    rebuild: Callable[[str, str], bool] | None = None,
) -> list[str]:
    """Create the models that are out of date and return their names, in build order.

    Each model is a view, or a table where the file says `materialized: table`. Rebuilding the
    10M-row tables is most of a publish, so a model is rebuilt only when it does not exist yet,
    its SQL changed since it was built (schema_models keeps a hash per model), or a table or
    model it reads changed: a name in `written` (tables written since the last build, e.g. by
    run_script) or a model rebuilt before it here, so changes flow through models transitively.
    `written=None` (or containing "*") means "unknown": every model is rebuilt.
    `rebuild(name, body)`, when given, may bring an existing model whose SQL is unchanged up to
    date itself (e.g. only the platforms a load changed, warehouse.parts) and return True.
    """
    con.execute(
        "create table if not exists schema_models ("
        " model_name varchar primary key, sql_sha256 varchar not null, built_at timestamp not null)"
    )
    built = dict(con.execute("select model_name, sql_sha256 from schema_models").fetchall())
    existing = dict(
        con.execute(
            "select table_name, table_type from information_schema.tables"
            " where table_catalog = current_database() and table_schema = 'main'"
        ).fetchall()
    )
    everything = written is None or UNKNOWN_WRITE in written
    changed = {name.lower() for name in written or ()}
    listed = models()
    known = set(existing) | {name for _layer, name, _path in listed}
    rebuilt: list[str] = []
    for _layer, name, path in listed:
        sql = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(sql.encode("utf-8")).hexdigest()
        inputs = model_inputs(sql, known - {name})
        if not (
            everything or name not in existing or built.get(name) != digest or inputs & changed
        ):
            continue
        kind_match = _MATERIALIZED.search(sql)
        kind = kind_match.group(1) if kind_match else "view"
        body = sql.strip().rstrip(";")
        partial = (
            rebuild is not None
            and not everything
            and name in existing
            and built.get(name) == digest
            and rebuild(name, body)
        )
        if not partial:
            if name in existing:
                con.execute(f"drop {'view' if existing[name] == 'VIEW' else 'table'} {name}")
            con.execute(f"create {kind} {name} as {body}")
        con.execute(
            "insert or replace into schema_models values (?, ?, ?)",
            [name, digest, datetime.now(UTC).replace(tzinfo=None)],
        )
        changed.add(name)
        rebuilt.append(name)
    return rebuilt
