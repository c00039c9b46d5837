"""The attention decline fits computed at publish (mart_attention_fit): equal to a direct fit,
refitted only where their input changed, and free for a publish with no attention data."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from warehouse import attention_fits, schema, store
from warehouse.analytics import attention
from warehouse.analytics.attention import decline_by_year, fit_decline, stored_declines
from warehouse.query import Reader
from warehouse.settings import Settings

SPRING_FESTIVAL = {2025: date(2025, 1, 29), 2026: date(2026, 2, 17)}
CLEAN = "微信指数/春晚"
SHORT = "百度指数/春晚直播"


def _rows(series: str, year: int, days: range, scale: float = 1000.0) -> list[tuple]:
    """A festival spike fading with a 9-day half-life over a low baseline, a little wobble."""
    festival = SPRING_FESTIVAL[year]
    return [
        (
            series,
            "attention",
            year,
            festival + timedelta(days=d),
            d,
            scale * (0.1 + 0.9 * 2 ** (-max(d, 0) / 9.0)) * (1 + 0.03 * math.sin(d * 1.7)),
            "day",
        )
        for d in days
    ]


def _warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding mart_attention_daily as a table, migrated."""
    connection = duckdb.connect()
    schema.migrate(connection)
    connection.execute(
        "create table schema_models (model_name varchar primary key, sql_sha256 varchar not null,"
        " built_at timestamp not null)"
    )
    connection.execute(
        "create table mart_attention_daily (series varchar, series_kind varchar, year integer,"
        " date_on date, days_from_spring_festival integer, value double, granularity varchar)"
    )
    # One cell with a decline to fit (bootstrap and all), two that are quick status rows.
    rows = _rows(CLEAN, 2025, range(-20, 91)) + _rows(SHORT, 2026, range(-1, 3))
    connection.executemany("insert into mart_attention_daily values (?, ?, ?, ?, ?, ?, ?)", rows)
    return connection


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = _warehouse()
    yield connection
    connection.close()


def _stored(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    sql = schema.read_sql("queries/attention_fits.sql")
    return con.sql(sql, params={"series": None}).pl().cast(attention.RESULT_SCHEMA)  # type: ignore[arg-type]


def _direct(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    window = con.sql(
        schema.read_sql("queries/attention_window.sql"),
        params={
            "series": None,
            "first_day": attention.FIT_INPUT_DAYS[0],
            "last_day": attention.FIT_INPUT_DAYS[1],
        },
    ).pl()
    return fit_decline(window, series=[CLEAN, SHORT], years=[2025, 2026])


def test_a_publish_stores_every_series_and_year_as_the_direct_fit_computes_it(con) -> None:
    assert attention_fits.refresh(con, {attention_fits.INPUT}) == 4
    stored = _stored(con)
    assert_frame_equal(stored, _direct(con))
    ok = stored.filter(pl.col("status") == attention.STATUS_OK)
    assert ok.select("series", "year").rows() == [(CLEAN, 2025)]
    assert 7.0 < ok["half_life_days"][0] < 11.0
    assert ok["half_life_low"][0] < ok["half_life_days"][0] < ok["half_life_high"][0]
    assert not attention_fits.stale(con)


def test_a_publish_refits_only_the_cells_whose_input_rows_changed(con) -> None:
    attention_fits.refresh(con, {attention_fits.INPUT})
    before = _stored(con)
    assert attention_fits.refresh(con, {attention_fits.INPUT}) == 0
    assert_frame_equal(_stored(con), before)
    con.execute("update mart_attention_daily set value = value * 2 where series = ?", [SHORT])
    assert attention_fits.refresh(con, {attention_fits.INPUT}) == 1
    after = _stored(con)
    assert_frame_equal(after, _direct(con))
    cell = (pl.col("series") == SHORT) & (pl.col("year") == 2026)
    assert after.filter(cell)["peak_value"][0] == pytest.approx(
        2 * before.filter(cell)["peak_value"][0]
    )
    assert_frame_equal(after.filter(~cell), before.filter(~cell))


def test_a_new_spring_festival_year_gives_every_series_a_row_for_it(con) -> None:
    attention_fits.refresh(con, {attention_fits.INPUT})
    con.executemany(
        "insert into mart_attention_daily values (?, ?, ?, ?, ?, ?, ?)",
        _rows(SHORT, 2025, range(-2, 2)),
    )
    assert attention_fits.refresh(con, {attention_fits.INPUT}) == 1  # (SHORT, 2025) only
    assert_frame_equal(_stored(con), _direct(con))


def test_a_publish_that_did_not_touch_attention_fits_nothing_and_reads_nothing(con) -> None:
    attention_fits.refresh(con, {attention_fits.INPUT})
    con.execute("drop table mart_attention_daily")  # any read of it would now fail
    assert attention_fits.refresh(con, {"fct_survey_response", "mart_survey_roster"}) == 0


def test_a_warehouse_with_no_attention_rows_stores_no_fit(con) -> None:
    con.execute("delete from mart_attention_daily")
    assert attention_fits.refresh(con, None) == 0
    assert _stored(con).is_empty()
    assert not attention_fits.stale(con)


def test_changed_fitting_code_refits_every_cell(con, monkeypatch) -> None:
    attention_fits.refresh(con, {attention_fits.INPUT})
    monkeypatch.setattr(attention_fits, "code_sha256", lambda: "0" * 64)
    assert attention_fits.stale(con)
    assert attention_fits.refresh(con, set()) == 4
    assert not attention_fits.stale(con)
    assert_frame_equal(_stored(con), _direct(con))


# -- the demo warehouse, through the real ETL and publish ------------------------------------------
@pytest.mark.parametrize("series", ["Google Trends/AI春晚 (中国)", "plays:all"])
def test_the_demo_fits_stored_at_publish_equal_a_fit_on_request(
    demo_settings: Settings, series: str
) -> None:
    reader = Reader(demo_settings.home)
    try:
        stored = stored_declines(reader, series=series)
        assert_frame_equal(stored, decline_by_year(reader, series=series))
        assert stored.filter(pl.col("status") == attention.STATUS_OK).height >= 1
    finally:
        reader.close()


def test_the_demo_stores_a_fit_for_every_series_and_year_and_is_up_to_date(
    demo_settings: Settings,
) -> None:
    reader = Reader(demo_settings.home)
    try:
        grid = reader.query("attention_series_years", series=None)
        stored = stored_declines(reader)
    finally:
        reader.close()
    assert stored.select("series", "year").rows() == grid.select("series", "year").rows()
    assert store.out_of_date(demo_settings.home) == []


def test_publishes_in_a_deferred_block_leave_the_fits_pending_for_the_next_one(con) -> None:
    attention_fits.refresh(con, {attention_fits.INPUT})
    before = _stored(con)
    con.execute("update mart_attention_daily set value = value * 2 where series = ?", [SHORT])
    with attention_fits.deferred():
        assert attention_fits.refresh(con, {attention_fits.INPUT}) == 0
    assert_frame_equal(_stored(con), before)
    assert attention_fits.stale(con)  # reported out of date until refitted
    # The next publish refits what changed meanwhile, even if it did not touch attention itself.
    assert attention_fits.refresh(con, {"fct_survey_response"}) == 1
    assert_frame_equal(_stored(con), _direct(con))
    assert not attention_fits.stale(con)


def test_the_fits_are_the_same_in_one_process_or_several(monkeypatch) -> None:
    """The cells are fitted in parallel processes (`attention_fits.processes()`); each has a
    fixed seed, so the stored fits are the same whichever process fitted which cell."""
    stored = {}
    for processes in (1, 2):
        monkeypatch.setenv(attention_fits.PROCESSES_ENV, str(processes))
        connection = _warehouse()
        # Cells enough for the pool: a second fitted series beside the two of the fixture.
        connection.executemany(
            "insert into mart_attention_daily values (?, ?, ?, ?, ?, ?, ?)",
            _rows("抖音指数/春晚", 2025, range(-20, 91), scale=40.0)
            + _rows("抖音指数/春晚", 2026, range(-20, 91), scale=55.0),
        )
        assert attention_fits.refresh(connection, {attention_fits.INPUT}) == 6
        stored[processes] = _stored(connection)
        connection.close()
    assert stored[1].filter(pl.col("status") == attention.STATUS_OK).height == 3
    assert_frame_equal(stored[1], stored[2])


def test_the_number_of_fitting_processes_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(attention_fits.PROCESSES_ENV, "3")
    assert attention_fits.processes() == 3
    monkeypatch.setenv(attention_fits.PROCESSES_ENV, "0")
    assert attention_fits.processes() == 1
    monkeypatch.setenv(attention_fits.PROCESSES_ENV, "many")
    with pytest.raises(ValueError, match=attention_fits.PROCESSES_ENV):
        attention_fits.processes()
    monkeypatch.delenv(attention_fits.PROCESSES_ENV)
    assert 1 <= attention_fits.processes() <= attention_fits.MAX_PROCESSES
