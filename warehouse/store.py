"""Snapshot storage: one DuckDB file per published snapshot, a CURRENT pointer swapped atomically.

Readers open the current snapshot read-only. A writer copies it to a temporary file, loads into
the copy, checkpoints, renames it into place and then swaps CURRENT with os.replace. A crash at
any point leaves CURRENT pointing at the snapshot it pointed at before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse import attention_fits, parts, reach_windows, schema
from warehouse.platforms import sync_dim_platform

POINTER = "CURRENT"
SNAPSHOT_DIR = "snapshots"
SPILL_DIR = "spill"
# A load's DuckDB works within this much memory (buffer cache, hash tables, indexes) and spills
# the rest to SPILL_DIR: DESIGN.md section 7 holds the whole 10M-row ingest to 2 GB, and by default
# DuckDB may use 80% of the machine's RAM (a 10M-group aggregate in a model build alone took
# 1.2 GB). Readers (connect_read_only) keep DuckDB's default.
WRITE_MEMORY_LIMIT = "1GB"
# A published snapshot is compacted when more than half its blocks, and at least this much, are
# free (e.g. after its large tables became shared parts, warehouse.parts).
COMPACT_MIN_FREE_BYTES = 64 * 1024 * 1024


class WarehouseError(Exception):
    """A problem with the warehouse itself (missing, locked, corrupt), as one clear message."""


def snapshot_dir(home: Path) -> Path:
    """Folder holding the snapshot files."""
    return home / SNAPSHOT_DIR


def current_snapshot(home: Path) -> Path | None:
    """Path of the published snapshot, or None when nothing has been published yet."""
    pointer = home / POINTER
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    path = snapshot_dir(home) / name
    if not path.exists():
        raise WarehouseError(f"{pointer} names {name}, which does not exist")
    return path


def connect_read_only(home: Path) -> duckdb.DuckDBPyConnection:
    """Open the published snapshot read-only (many processes may do this at once)."""
    path = current_snapshot(home)
    if path is None:
        raise WarehouseError(
            f"no warehouse at {home}: run `creatorpulse demo` or `creatorpulse ingest` first"
        )
    return parts.connect_reader(path)


def _new_snapshot_name() -> str:
    return "wh-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + ".duckdb"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it 0700: snapshots hold contacts (PII)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(PermissionError):  # a home shared on purpose, owned by another
        os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> None:
    """Make an existing file readable and writable by its owner only (0600)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, 0o600)


@contextlib.contextmanager
def _writer_lock(home: Path) -> Iterator[None]:
    private_dir(home)
    with open(home / ".write.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WarehouseError(
                f"another load is writing to {home}; try again when it ends"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class WriteSession:
    """A writable copy of the current snapshot; publish() makes it current."""

    def __init__(self, home: Path, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.home = home
        self.con = con
        self.path = path
        self.changed = False
        # Tables this session wrote, for build_models; None once a change was reported that
        # names no table and that run_script did not record (then every model is rebuilt).
        self.written: set[str] | None = set()
        self._writes_seen = 0
        # Values derived from the warehouse's fixed inputs that several loads of one session
        # would rebuild alike (e.g. the calendar of the same years); gone with the session.
        self.memo: dict[object, Any] = {}
        # Platforms whose rows alone this session changed (parts.PLATFORM_SCOPED_SCRIPTS loads),
        # so the platform-wise models are rebuilt for those only; None = not known to be scoped.
        self.platform_scope: set[str] | None = set()
        # Shared tables made ordinary tables for this session (open_for_write).
        self.materialised: set[str] = set()

    def mark_changed(self, *tables: str, platforms: Collection[str] | None = None) -> None:
        """Record that something was committed, so the copy is worth publishing.

        Publishing rebuilds the models that read what changed: the tables named here plus those
        `schema.run_script` recorded. A call naming no table after no newly recorded write means
        "changed, but not known where", and the publish then rebuilds every model.
        """
        self.changed = True
        count, _tables = schema.recorded_writes(self.con)
        if self.written is not None:
            if tables:
                self.written.update(tables)
            elif count == self._writes_seen:
                self.written = None
        self._writes_seen = count
        if platforms is not None:
            if self.platform_scope is not None:
                self.platform_scope.update(platforms)
        elif not tables or parts.read_by_platform_wise_models(tables):
            self.platform_scope = None

    def rebuild_scoped(self, name: str, body: str) -> bool:
        """Rebuild a platform-wise model for this session's platforms only (`build_models` hook)."""
        if not self.platform_scope:
            return False
        return parts.rebuild_platforms(self.con, self.home, name, body, self.platform_scope)

    def tables_written(self) -> set[str] | None:
        """Tables written in this session (None = unknown), for `schema.build_models`."""
        if self.written is None:
            return None
        return self.written | schema.recorded_writes(self.con)[1]


def _publish(home: Path, tmp: Path, keep: int) -> Path:
    final = tmp.with_name(tmp.name.removesuffix(".tmp"))
    private_file(tmp)
    os.replace(tmp, final)
    for older in snapshot_dir(home).glob("wh-*.duckdb"):  # those of releases before 0600
        private_file(older)
    pointer_tmp = home / (POINTER + ".tmp")
    pointer_tmp.write_text(final.name + "\n", encoding="utf-8")
    with open(pointer_tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, home / POINTER)
    _prune(home, keep, final)
    return final


def _prune(home: Path, keep: int, current: Path) -> None:
    snaps = sorted(snapshot_dir(home).glob("wh-*.duckdb"))
    for old in snaps[: max(0, len(snaps) - max(keep, 1))]:
        if old != current:
            old.unlink(missing_ok=True)
    # Parts no kept snapshot names: those of pruned snapshots and of loads that failed.
    parts.prune_parts(home, [p for p in snaps if p.exists()])


def _mostly_free(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether most of the file's blocks are free (e.g. after its large tables became parts).

    DuckDB reuses free blocks but never shrinks a file, and every write copies the file. Small
    files are left alone: copying them costs less than rewriting them.
    """
    row = con.execute(
        "select total_blocks, free_blocks, block_size from pragma_database_size()"
    ).fetchone()
    if not row or not row[0]:
        return False
    total, free, size = row
    return free * 2 > total and free * size >= COMPACT_MIN_FREE_BYTES


def _compact(path: Path) -> None:
    """Rewrite a closed snapshot file with only its live data (COPY FROM DATABASE)."""
    packed = path.with_name(path.name + ".packed")
    packed.unlink(missing_ok=True)
    # The views over parts are bound as they are copied: their relative paths must resolve.
    con = duckdb.connect(config={"memory_limit": WRITE_MEMORY_LIMIT, **parts.search_path(path)})
    try:
        # Paths the store made itself, quoted as literals: ATTACH takes no parameters.
        source, target = (str(p).replace("'", "''") for p in (path, packed))
        con.execute(f"attach '{source}' as source (read_only)")
        con.execute(f"attach '{target}' as packed")
        con.execute("copy from database source to packed")
        con.execute("detach packed")
    finally:
        con.close()
    os.replace(packed, path)


def _pending_migrations(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `schema.migrate` would apply anything (a migration may alter a shared table)."""
    known = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'main' and table_name = 'schema_migrations'"
    ).fetchone()
    if not known or not known[0]:
        return True
    done = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    return any(version not in done for version, _name, _path in schema.migrations())


def out_of_date(home: Path) -> list[str]:
    """Why the published snapshot is behind this code: pending migrations, missing or changed models."""
    path = current_snapshot(home)
    if path is None:
        return []
    con = parts.connect(path, read_only=True)
    try:
        reasons = ["pending migrations"] if _pending_migrations(con) else []
        reasons += ["parts named by absolute path"] if parts.absolute_paths(con) else []
        reasons += [f"model {name}" for name in schema.stale_models(con)]
        return reasons + ([f"model {attention_fits.MODEL}"] if attention_fits.stale(con) else [])
    finally:
        con.close()


def bring_up_to_date(home: Path) -> list[str]:
    """Publish a snapshot with this code's migrations and models when the current one lacks them.

    A warehouse published by an older release has no table for a model added since (a page
    reading it would fail until the next load); this applies what is missing, once, under the
    writer lock, and returns what was out of date (empty: nothing to do, nothing published).
    """
    reasons = out_of_date(home)
    if reasons:
        with open_for_write(home) as session:
            session.mark_changed("schema_models")  # build_models then adds what is missing
    return reasons


def _remove_stale_copies(home: Path) -> None:
    """Delete temporary copies and spill files left by a load that died (under the writer lock)."""
    for stale in snapshot_dir(home).glob("wh-*.duckdb.tmp*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    shutil.rmtree(home / SPILL_DIR, ignore_errors=True)


@contextlib.contextmanager
def open_for_write(
    home: Path, *, keep: int = 5, fresh: bool = False, shared_tables: bool = False
) -> Iterator[WriteSession]:
    """Yield a writable copy of the current snapshot; publish it only if the block succeeds.

    With `fresh=True` the copy starts empty instead of from the current snapshot. The large
    platform tables stored as shared parts (warehouse.parts) are ordinary tables in the copy,
    which any SQL may write, unless `shared_tables=True`: then they stay views over the parts and
    only `warehouse.loading.run_scripts` writes them, platform by platform, which is what makes
    publishing a one-file load cost what it changed.
    """
    with _writer_lock(home):
        private_dir(snapshot_dir(home))
        _remove_stale_copies(home)
        tmp = snapshot_dir(home) / (_new_snapshot_name() + ".tmp")
        source = None if fresh else current_snapshot(home)
        if source is not None:
            shutil.copyfile(source, tmp)
        con = parts.connect(
            tmp,
            config={"memory_limit": WRITE_MEMORY_LIMIT, "temp_directory": str(home / SPILL_DIR)},
        )
        private_file(tmp)
        session = WriteSession(home, con, tmp)
        compact = False
        try:
            parts.relink(con)  # a home moved from where a release before this one wrote it
            if _pending_migrations(con):
                parts.materialise(con)  # migrations see ordinary tables, as they were written
            elif not shared_tables:
                session.materialised = set(parts.materialise(con, parts.LOADED_TABLES))
            if schema.migrate(con):
                session.written = None  # a migration may have changed any table
            if sync_dim_platform(con):  # the platform list is data (warehouse/platforms.yaml)
                session.mark_changed("dim_platform")
            yield session
            if session.changed:
                rebuilt = schema.build_models(
                    con, session.tables_written(), rebuild=session.rebuild_scoped
                )
                written = session.tables_written()
                changed = None if written is None else written | set(rebuilt)
                attention_fits.refresh(con, changed)
                reach_windows.refresh(con, changed)
                written = session.tables_written()
                unchanged = set() if written is None else session.materialised - written
                parts.share_tables(con, home, unchanged)
                schema.forget_writes(con)
                con.execute("checkpoint")
                compact = _mostly_free(con)
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            raise
        con.close()
        if session.changed:
            if compact:
                _compact(tmp)
            _publish(home, tmp, keep)
        else:
            tmp.unlink(missing_ok=True)
