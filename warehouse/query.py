"""The one place readers run SQL: named queries from warehouse/queries/*.sql, parameters bound.

Readers (dashboard workers, the CLI, exports) open the published snapshot read-only and notice
when a newer one is published, reopening without a restart.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from warehouse import parts, schema, store


class Reader:
    """Read-only access to the current snapshot; reopens when CURRENT changes.

    With `snapshot=` the reader is pinned to that one published file and never follows
    CURRENT: a server can go on answering from the snapshot its caches were built on while it
    prepares the next one (`dashboard.data`).
    """

    def __init__(self, home: Path, *, snapshot: Path | None = None) -> None:
        self.home = Path(home)
        self.pinned = snapshot
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._path: Path | None = None

    @property
    def snapshot(self) -> Path | None:
        """The snapshot file this reader currently has open (after the last query)."""
        return self._path

    def _connection(self) -> duckdb.DuckDBPyConnection:
        current = self.pinned or store.current_snapshot(self.home)
        if current is None:
            raise store.WarehouseError(
                f"no warehouse at {self.home}: run `creatorpulse demo` or `creatorpulse ingest`"
            )
        if self._con is None or current != self._path:
            if self._con is not None:
                self._con.close()
            self._con = parts.connect_reader(current)
            self._path = current
        return self._con

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        """Run the named query (warehouse/queries/NAME.sql) and return a new Polars frame."""
        sql = schema.read_sql(f"queries/{name}.sql")
        with self._lock:
            con = self._connection().cursor()
            try:
                return con.sql(sql, params=schema.bind(sql, params) or None).pl()
            finally:
                con.close()

    def table_counts(self) -> pl.DataFrame:
        """Every table and view with its exact row count."""
        tables = self.query("tables")
        counts = []
        with self._lock:
            con = self._connection().cursor()
            try:
                for name in tables["table_name"]:
                    # Identifiers come from information_schema, never from a user.
                    quoted = '"' + name.replace('"', '""') + '"'
                    counts.append(con.sql(f"select count(*) from {quoted}").fetchall()[0][0])
            finally:
                con.close()
        return tables.with_columns(count_rows=pl.Series(counts, dtype=pl.Int64))

    def close(self) -> None:
        """Close the open snapshot, if any."""
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con = None
            self._path = None
