"""Reach over each edition's preset windows, computed at publish and stored in mart_reach_window.

The views page opens on an edition's preset windows (`reach.PRESET_WINDOWS`: the whole edition,
the festival fortnight, 30 and 90 days after) and the overview on all time; computing reach for
one at 10M content days is 0.1-0.45 s of a request (`queries/reach.sql` over the calendar
blocks). Those windows are known at publish, so their figures are computed there, once, at the
grains the pages read, and `reach.reach_by` reads them back for the same window (any other
window or other defaults still compute live; the figures are the same). Each sponsor's report
reads its programs' reach over all time, which is stored too (a sponsor over another window
computes live).

They are brought up to date right after the models and the attention fits, in the same write
session (`store.open_for_write`), when a table the reach or the editions' spans read was written
or rebuilt, when the code that computes them changed (`reach.stored_code_sha256`), or when the
table is missing. A reader of a snapshot whose stored figures are from other code computes live.
"""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import duckdb
import polars as pl

from warehouse import schema

MODEL = "mart_reach_window"
# The grains stored per window: what the views page (platform, program) and the overview
# (program) read; and, over all time, what a sponsor's report reads for its programs.
GRAINS = ("platform", "program")
SPONSOR_GRAINS = ("sponsor", "program", "platform")
# The queries the stored figures come from (their tables are the inputs).
QUERIES = ("reach", "reach_platform_ratios", "views_editions", "sponsors")
# Reports computed at once (at 10M content days on 2 cores, 19 reports: 1 thread 3.5 s, 2: 2.4 s,
# 3: 1.9 s).
THREADS = 3


class _Session:
    """`Reader.query` over the write connection (what `reach.reach_by` calls)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        return schema.named_query(self.con, name, **params)


def _touched(changed: Collection[str]) -> bool:
    """Whether a table or model the stored figures are read from is among `changed`."""
    names = {name.lower() for name in changed}
    return any(schema.model_inputs(schema.read_sql(f"queries/{q}.sql"), names) for q in QUERIES)


def windows(editions: pl.DataFrame) -> list[tuple[date | None, date | None]]:
    """All time, then every edition's preset windows (each window once)."""
    from warehouse.analytics import reach

    found: dict[tuple[date | None, date | None], None] = {(None, None): None}
    for edition in editions.iter_rows(named=True):
        for preset in reach.PRESET_WINDOWS:
            found[reach.preset_window(edition, preset)] = None
    return list(found)


def _recorded(con: duckdb.DuckDBPyConnection) -> set[str] | None:
    """The code hashes the stored rows carry (None: no table)."""
    if not schema.has_table(con, MODEL):
        return None
    hashes = schema.named_query(con, "reach_window_code")
    return set(hashes["code_sha256"].to_list())


def refresh(con: duckdb.DuckDBPyConnection, changed: Collection[str] | None) -> int:
    """Recompute the stored windows if their inputs or code changed; return how many reports
    (window, sponsor) were computed (0: nothing to do). `changed` names the tables and models
    this publish wrote or rebuilt (None = unknown). Runs on the write connection, inside the
    publish."""
    from warehouse.analytics import reach

    code = reach.stored_code_sha256()
    recorded = _recorded(con)
    if recorded == {code} and changed is not None and not _touched(changed):
        return 0
    session = _Session(con)
    try:
        editions = session.query("views_editions")
    except duckdb.CatalogException:
        return 0  # a warehouse without the views marts (an old release's, mid-upgrade)
    tasks: list[tuple[date | None, date | None, str | None, tuple[str, ...]]] = [
        (start, end, None, GRAINS) for start, end in windows(editions)
    ]
    tasks += [
        (None, None, sponsor, SPONSOR_GRAINS)
        for sponsor in session.query("sponsors")["sponsor_id"].to_list()
    ]

    def compute(task: tuple[date | None, date | None, str | None, tuple[str, ...]]) -> Any:
        start, end, sponsor, grains = task
        return reach.reach_by(
            session, grains, start_on=start, end_on=end, sponsor_id=sponsor, stored=False
        )

    # Each report on its own cursor, THREADS at a time: one query leaves the cores partly idle.
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(compute, tasks))
    frames = []
    for (start, end, sponsor, _grains), found in zip(tasks, results, strict=True):
        for grain, frame in found.items():
            frames.append(
                frame.with_row_index("row_index").with_columns(
                    pl.lit(start, dtype=pl.Date).alias("window_start_on"),
                    pl.lit(end, dtype=pl.Date).alias("window_end_on"),
                    pl.lit(sponsor, dtype=pl.String).alias("window_sponsor_id"),
                    pl.lit(grain).alias("grain"),
                    pl.lit(code).alias("code_sha256"),
                )
            )
    new = pl.concat(frames, how="diagonal")
    cursor = con.cursor()
    try:
        cursor.register("reach_window_new", new.to_arrow())
        schema.run_script(cursor, "loads/reach_window.sql")
    finally:
        cursor.close()
    return len(tasks)
