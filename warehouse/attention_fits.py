"""The attention decline fits, computed at publish and stored in mart_attention_fit.

The attention page shows, per series and Spring Festival year, a robust fit with a 200-draw
bootstrap interval (`warehouse.analytics.attention`): about a second of CPU per fitted year, far
too slow to redo on every request when the caches are off. The fits depend on
mart_attention_daily alone, so they are brought up to date where the models are: right after
`schema.build_models`, in the same write session (`store.open_for_write`), and only when
mart_attention_daily was rebuilt or the fitting code changed. Even then only the cells
(series x year) whose input rows changed are refitted (`queries/attention_fit_inputs.sql`
fingerprints them), so a load of one platform refits that platform's and the all-platform plays
of the years it touched, and a warehouse with no attention rows fits nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
from collections.abc import Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextvars import ContextVar
from datetime import UTC, datetime

import duckdb
import polars as pl

from warehouse import schema

MODEL = "mart_attention_fit"
INPUT = "mart_attention_daily"
CODE = "analytics/attention.py"  # the fitting code: a change of it refits every cell
KEY_SCHEMA = {"series": pl.String, "year": pl.Int64, "input_sha256": pl.String}
PENDING = "pending:"  # schema_models hash prefix: the code's fits, behind their input
_deferred: ContextVar[bool] = ContextVar("attention_fits_deferred", default=False)
# Cells (series x year) are fitted in this many processes (default: the machine's cores, at most
# 4): each is ~1 s of CPU in one thread (the bootstrap's 200 refits), independent of the others,
# with a fixed seed, so the results do not depend on the process that fits them.
PROCESSES_ENV = "CREATORPULSE_FIT_PROCESSES"
MAX_PROCESSES = 4
PARALLEL_FROM_CELLS = 4  # fewer cells are fitted in this process (starting one costs ~1 s)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Publishes in this block leave the fits behind (marked pending) for a later one to refit.

    For a build of many loads of which only the last snapshot is meant to be read (the demo):
    each load of a platform changes the all-platform plays, which would otherwise be refitted
    at every intermediate publish. A snapshot published here is reported out of date
    (`store.out_of_date`) until a publish outside such a block has refitted what changed.
    """
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def code_sha256() -> str:
    """Hash of the fitting code's source (recorded in schema_models like a SQL model's hash)."""
    source = (schema.ROOT / CODE).read_text(encoding="utf-8")
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _recorded_sha256(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fitting code's hash schema_models holds for the stored fits (None: never fitted)."""
    cursor = con.cursor()
    try:
        # schema_models may not exist yet (a catalogue probe, as store._pending_migrations).
        if not schema.has_table(con, "schema_models"):
            return None
        found = cursor.execute(
            "select sql_sha256 from schema_models where model_name = ?", [MODEL]
        ).fetchone()
    finally:
        cursor.close()
    return str(found[0]) if found else None


def stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the stored fits were computed by other code than this (or never)."""
    return _recorded_sha256(con) != code_sha256()


def refresh(con: duckdb.DuckDBPyConnection, changed: Collection[str] | None) -> int:
    """Refit the cells whose inputs changed; return how many were fitted (0: nothing to do).

    `changed` names the tables and models written or rebuilt by this publish (None = unknown,
    anything may have changed). Runs on the write connection, inside the publish.
    """
    if not schema.has_table(con, MODEL):
        return 0  # a warehouse before migration 0013 (a test's or an old release's): no fits yet
    code = code_sha256()
    recorded = _recorded_sha256(con)
    if changed is not None and INPUT not in changed and recorded == code:
        return 0
    if _deferred.get():
        if recorded != PENDING + code:
            cursor = con.cursor()
            try:
                schema.run_script(
                    cursor,
                    "loads/attention_fit_pending.sql",
                    model_name=MODEL,
                    code_sha256=PENDING + code,
                    built_at=datetime.now(UTC).replace(tzinfo=None),
                )
            finally:
                cursor.close()
        return 0
    # Imported here: scipy is only needed once a publish has attention data to fit.
    from warehouse.analytics import attention

    first_day, last_day = attention.FIT_INPUT_DAYS
    cells = schema.named_query(con, "attention_fit_inputs", first_day=first_day, last_day=last_day)
    cells = cells.cast(KEY_SCHEMA)  # type: ignore[arg-type]
    stored = (
        schema.named_query(con, "attention_fit_keys").cast(KEY_SCHEMA)  # type: ignore[arg-type]
        if recorded in (code, PENDING + code)
        else pl.DataFrame(schema=KEY_SCHEMA)
    )
    keep = cells.join(stored, on=["series", "year", "input_sha256"], how="semi")
    todo = cells.join(keep, on=["series", "year"], how="anti")
    fitted = [pl.DataFrame(schema={**attention.RESULT_SCHEMA, "input_sha256": pl.String})]
    if not todo.is_empty():
        window = schema.named_query(
            con,
            "attention_window",
            series=None,
            first_day=first_day,
            last_day=last_day,
        ).join(todo.select("series", "year"), on=["series", "year"], how="semi")
        tasks = [
            (window.filter((pl.col("series") == name) & (pl.col("year") == year)), name, year)
            for (name,), part in todo.group_by(["series"], maintain_order=True)
            for year in sorted(part["year"].to_list())
        ]
        result = pl.concat(_fit_all(tasks), how="vertical")
        fitted.append(result.join(todo, on=["series", "year"], how="left"))
    new = pl.concat(fitted, how="vertical")
    # A cursor of its own: the frames registered on it vanish with it, and the write connection
    # may still hold an unfinished result of the step before.
    cursor = con.cursor()
    try:
        cursor.register("attention_fit_keep", keep.to_arrow())
        cursor.register("attention_fit_new", new.to_arrow())
        schema.run_script(
            cursor,
            "loads/attention_fit.sql",
            model_name=MODEL,
            code_sha256=code,
            built_at=datetime.now(UTC).replace(tzinfo=None),
        )
    finally:
        cursor.close()
    return todo.height


def processes() -> int:
    """How many processes fit the cells (`PROCESSES_ENV`, else the cores up to MAX_PROCESSES)."""
    raw = os.environ.get(PROCESSES_ENV, "").strip()
    if raw:
        try:
            wanted = int(raw)
        except ValueError as exc:
            raise ValueError(f"{PROCESSES_ENV} must be a whole number, not {raw!r}") from exc
        return max(1, min(wanted, 64))
    return max(1, min(os.cpu_count() or 1, MAX_PROCESSES))


def _fit_cell(task: tuple[pl.DataFrame, str, int]) -> pl.DataFrame:
    """The fit of one series in one year (the unit of work of `_fit_all`)."""
    from warehouse.analytics import attention

    frame, name, year = task
    return attention.fit_decline(frame, series=[str(name)], years=[int(year)])


def _fit_all(tasks: list[tuple[pl.DataFrame, str, int]]) -> list[pl.DataFrame]:
    """`_fit_cell` of every task, in order: in `processes()` fresh processes when there are
    enough cells to pay for starting them ("spawn": the publish's own process holds DuckDB's
    and Polars' threads, which a fork would copy mid-flight)."""
    workers = min(processes(), len(tasks))
    if workers < 2 or len(tasks) < PARALLEL_FROM_CELLS:
        return [_fit_cell(task) for task in tasks]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_fit_cell, tasks))
