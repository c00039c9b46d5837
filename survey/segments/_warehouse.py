"""How segmentation talks to the warehouse: named queries and transactional writes."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from survey.segments.errors import SegmentError
from warehouse.loading import query_session, run_scripts
from warehouse.query import Reader
from warehouse.settings import load_settings
from warehouse.store import WriteSession, current_snapshot, open_for_write

Source = Reader | WriteSession
HomeOrSession = Path | str | WriteSession


# Queries that depend on nothing but the snapshot: read once per published snapshot. A published
# snapshot never changes (every write makes a new one), so a Reader's result can be reused
# until CURRENT moves on. Profiling six saved segments and the clusters (`creatorpulse
# segment`) then reads the 100k-row population once instead of eight times.
SNAPSHOT_QUERIES = frozenset({"segment_population", "segment_programs"})
_snapshot_frames: dict[tuple[str, str], pl.DataFrame] = {}
_snapshot_lock = threading.Lock()


def run_query(source: Source, name: str, **params: Any) -> pl.DataFrame:
    """Run warehouse/queries/NAME.sql through a Reader or inside a write session."""
    try:
        if isinstance(source, WriteSession):
            return query_session(source, name, **params)
        if name in SNAPSHOT_QUERIES and not params:
            return _per_snapshot(source, name)
        return source.query(name, **params)
    except duckdb.CatalogException as exc:
        raise SegmentError(
            "this warehouse has no segment tables yet (they arrive with its next write, e.g. "
            f"`creatorpulse segment`): {str(exc).splitlines()[0]}"
        ) from exc


def _per_snapshot(reader: Reader, name: str) -> pl.DataFrame:
    """The named query on the reader's current snapshot, computed once per snapshot (a copy)."""
    current = current_snapshot(reader.home)
    with _snapshot_lock:
        cached = _snapshot_frames.get((str(current), name))
    if cached is None:
        cached = reader.query(name)
        read = str(reader.snapshot)  # the snapshot the reader actually read
        with _snapshot_lock:
            for key in [k for k in _snapshot_frames if k[0] != read]:
                del _snapshot_frames[key]  # an older snapshot's: CURRENT has moved on
            _snapshot_frames[(read, name)] = cached
    return cached.clone()


def clear_snapshot_cache() -> None:
    """Forget the frames read per snapshot (tests that rebuild a warehouse in place)."""
    with _snapshot_lock:
        _snapshot_frames.clear()


def write(
    session: WriteSession, script: str, frames: dict[str, pl.DataFrame], **params: Any
) -> None:
    """Run loads/SCRIPT.sql over staged frames in one transaction and mark the session changed."""
    run_scripts(session, [script], frames, **params)


@contextlib.contextmanager
def session_for(home_or_session: HomeOrSession) -> Iterator[WriteSession]:
    """The given write session (the caller publishes it), or a new one published on success."""
    if isinstance(home_or_session, WriteSession):
        yield home_or_session
        return
    settings = load_settings(home_or_session)
    if current_snapshot(settings.home) is None:
        raise SegmentError(
            f"no warehouse at {settings.home}: run `creatorpulse demo` or `creatorpulse ingest` first"
        )
    with open_for_write(settings.home, keep=settings.keep_snapshots) as session:
        yield session
