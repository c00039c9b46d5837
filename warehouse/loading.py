"""Apply a load: register staged frames, run a load script from warehouse/loads/, one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import polars as pl
import pyarrow as pa

from warehouse import parts, schema
from warehouse.store import WriteSession


def arrow_stream(schema: Mapping[str, Any], frames: Iterable[pl.DataFrame]) -> pa.RecordBatchReader:
    """Frames as one Arrow stream of `schema` for a `chunked` load, each converted only when
    DuckDB reads it and freed after.

    A frame registered whole is converted whole to Arrow first: 26k raw survey rows (74 MB of
    JSON text) cost 120 MB more for the conversion before the insert read a row.
    """
    target = pl.DataFrame(schema=schema).to_arrow().schema

    def batches() -> Iterator[pa.RecordBatch]:
        for frame in frames:
            yield from frame.to_arrow().cast(target).to_batches()

    return pa.RecordBatchReader.from_batches(target, batches())


def query_session(session: WriteSession, name: str, **params: Any) -> pl.DataFrame:
    """Run a named query (queries/NAME.sql) inside a write session, e.g. to check references."""
    return schema.named_query(session.con, name, **params)


def loaded_file(session: WriteSession, sha256: str) -> dict[str, Any] | None:
    """The load_log row of a file with this SHA-256 already loaded into this warehouse, if any."""
    rows = query_session(session, "load_by_sha", file_sha256=sha256).to_dicts()
    return rows[0] if rows else None


def known_keys(session: WriteSession) -> dict[str, set[str]]:
    """Participant, program, sponsor and edition keys already in the warehouse."""
    keys: dict[str, set[str]] = {
        "participant": set(),
        "program": set(),
        "sponsor": set(),
        "edition": set(),
    }
    for kind, key in query_session(session, "known_keys").iter_rows():
        keys[kind].add(key)
    return keys


LOG_PARAMS = ("questionnaire_id", "questionnaire_version", "survey_key", "edition_year", "encoding")
LOG_DEFAULTS = {"is_encoding_guessed": False}


def apply_load(
    session: WriteSession,
    script: str | list[str],
    frames: dict[str, pl.DataFrame],
    *,
    chunked: dict[str, tuple[str, Iterable[pl.DataFrame]]] | None = None,
    **params: Any,
) -> None:
    """Run loads/SCRIPT.sql (or several), then loads/log.sql, over staged frames in one transaction.

    `frames` must include stg_reject (row_number, column_name, value_text, reason, and optionally
    file_name, e.g. to name a workbook sheet); `params` the load_log fields. `chunked` maps a
    script in `script` to (staged name, chunks): that script runs once per chunk, the chunk staged
    under that name (a frame too big to stage whole).
    """
    params = {name: None for name in LOG_PARAMS} | LOG_DEFAULTS | params
    reject = frames["stg_reject"]
    if "file_name" not in reject.columns:
        frames = frames | {
            "stg_reject": reject.with_columns(file_name=pl.lit(None, dtype=pl.String))
        }
    scripts = [script] if isinstance(script, str) else list(script)
    run_scripts(session, [*scripts, "log"], frames, chunked=chunked, **params)


def run_scripts(
    session: WriteSession,
    scripts: list[str],
    frames: dict[str, pl.DataFrame],
    *,
    chunked: dict[str, tuple[str, Iterable[pl.DataFrame]]] | None = None,
    **params: Any,
) -> None:
    """Run loads/NAME.sql scripts over staged frames in one transaction, or not at all.

    A load of platform exports (only parts.PLATFORM_SCOPED_SCRIPTS) works on, and writes back,
    only the staged platforms' parts of the shared 10M-row tables (warehouse.parts).
    """
    con = session.con
    scoped = set(scripts) <= parts.PLATFORM_SCOPED_SCRIPTS
    platforms = staged_platforms(frames) if scoped else None
    chunked = chunked or {}
    pending: set[str] = set()  # a chunk still registered when a script fails
    con.execute("begin transaction")
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        opened = [
            table
            for table in parts.LOADED_TABLES
            if platforms is not None and parts.open_platforms(con, table, platforms)
        ]
        for name in scripts:
            if name not in chunked:
                schema.run_script(con, f"loads/{name}.sql", **params)
                continue
            staged, chunks = chunked[name]
            for chunk in chunks:  # one chunk staged (and converted for DuckDB) at a time
                con.register(staged, chunk)
                pending.add(staged)
                schema.run_script(con, f"loads/{name}.sql", **params)
                con.unregister(staged)
                pending.discard(staged)
        for table in opened:
            parts.close_platforms(con, session.home, table, platforms or set())
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        for name in [*frames, *pending]:  # after the rollback: an aborted one refuses it
            con.unregister(name)
    session.mark_changed(platforms=platforms)


def staged_platforms(frames: dict[str, pl.DataFrame]) -> set[str]:
    """Every platform_id the staged frames hold."""
    found: set[str] = set()
    for frame in frames.values():
        if parts.KEY in frame.columns:
            found.update(str(p) for p in frame.get_column(parts.KEY).drop_nulls().unique())
    return found
