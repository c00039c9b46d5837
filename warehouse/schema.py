"""Migrations, SQL models and SQL scripts, all read from `.sql` files beside this module."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(str(resources.files("warehouse")))
MIGRATIONS = ROOT / "migrations"
MODELS = ROOT / "models"
LAYERS = ("staging", "core", "marts")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_MATERIALIZED = re.compile(r"^--\s*materialized:\s*(view|table)", re.MULTILINE)


@cache
def read_sql(relative: str) -> str:
    """Text of a `.sql` file under warehouse/ (cached; the files ship with the package)."""
    return (ROOT / relative).read_text(encoding="utf-8")


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


def run_script(con: duckdb.DuckDBPyConnection, relative: str, **params: Any) -> None:
    """Run every statement of a `.sql` script with bound parameters, never formatted values."""
    for statement in split_statements(read_sql(relative)):
        con.execute(statement, bind(statement, params))


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


def models() -> list[tuple[str, str, Path]]:
    """SQL models in build order: (layer, name, path); layers build bottom-up, names sorted."""
    return [
        (layer, path.stem, path)
        for layer in LAYERS
        for path in sorted((MODELS / layer).glob("*.sql"))
    ]


def build_models(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every model as a view, or as a table where the file says `materialized: table`."""
    for _layer, name, path in models():
        sql = path.read_text(encoding="utf-8")
        kind_match = _MATERIALIZED.search(sql)
        kind = kind_match.group(1) if kind_match else "view"
        body = sql.strip().rstrip(";")
        existing = con.execute(
            "select table_type from information_schema.tables where table_name = ?", [name]
        ).fetchall()
        if existing:
            con.execute(f"drop {'view' if existing[0][0] == 'VIEW' else 'table'} {name}")
        con.execute(f"create {kind} {name} as {body}")
