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

# Tables of one row per current response that every survey page filters and aggregates (100k
# rows at the target scale, ~25 MB each as Polars frames): each reader process reads them into
# memory once per published snapshot, as typed columns, and every request filters and sums them
# there. Turning them into Arrow and Polars cost 85-150 ms per read; a published snapshot never
# changes (every write makes a new one), so the frame is the table itself, not a remembered
# answer: figures are still computed per request, and CREATORPULSE_CACHE=off leaves this on as
# it leaves DuckDB's buffer pool on. Only the queries' parameterless forms are kept.
RESIDENT_QUERIES = frozenset({"segment_population", "segment_programs", "participants_population"})
# Snapshots whose tables stay resident at once: the one served and the one being warmed.
RESIDENT_SNAPSHOTS = 2
_resident: dict[tuple[str, str], pl.DataFrame] = {}
_resident_lock = threading.Lock()


def clear_resident() -> None:
    """Forget the resident tables (tests that rebuild a snapshot file in place)."""
    with _resident_lock:
        _resident.clear()


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
        """Run the named query (warehouse/queries/NAME.sql) and return a new Polars frame
        (RESIDENT_QUERIES without parameters: a copy of the snapshot's frame in memory)."""
        sql = schema.read_sql(f"queries/{name}.sql")
        with self._lock:
            con = self._connection()
            key = (str(self._path), name)
            if name in RESIDENT_QUERIES and not params:
                with _resident_lock:
                    frame = _resident.pop(key, None)
                    if frame is not None:
                        _resident[key] = frame  # the most recently used last
                if frame is None:
                    frame = self._run(con, sql, params)
                    _keep(key, frame)
                return frame.clone()
            return self._run(con, sql, params)

    @staticmethod
    def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pl.DataFrame:
        cursor = con.cursor()
        try:
            return cursor.sql(sql, params=schema.bind(sql, params) or None).pl()
        finally:
            cursor.close()

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


def _keep(key: tuple[str, str], frame: pl.DataFrame) -> None:
    """Keep a resident frame; the tables of all but the RESIDENT_SNAPSHOTS snapshots used last
    are let go (a snapshot still served stays, however long ago it was first read)."""
    with _resident_lock:
        _resident.pop(key, None)
        _resident[key] = frame  # the dict's order: least recently used first
        used: dict[str, None] = {}
        for snapshot, _name in _resident:  # each snapshot at its last use
            used.pop(snapshot, None)
            used[snapshot] = None
        for old in list(used)[:-RESIDENT_SNAPSHOTS]:
            for stale in [k for k in _resident if k[0] == old]:
                del _resident[stale]
