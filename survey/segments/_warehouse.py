"""How segmentation talks to the warehouse: named queries and transactional writes."""

from __future__ import annotations

import contextlib
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


def run_query(source: Source, name: str, **params: Any) -> pl.DataFrame:
    """Run warehouse/queries/NAME.sql through a Reader or inside a write session."""
    try:
        if isinstance(source, WriteSession):
            return query_session(source, name, **params)
        return source.query(name, **params)
    except duckdb.CatalogException as exc:
        raise SegmentError(
            "this warehouse has no segment tables yet (they arrive with its next write, e.g. "
            f"`creatorpulse segment`): {str(exc).splitlines()[0]}"
        ) from exc


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
