"""The wide survey export: one row per current response, one column per question, on demand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse import schema
from warehouse.query import Reader
from warehouse.settings import Settings
from warehouse.survey_wide import SurveyWideError, survey_wide, wide_columns, write_survey_wide


@pytest.fixture(scope="module")
def demo_wide(demo_settings: Settings) -> pl.DataFrame:
    """The demo warehouse's answers, wide."""
    reader = Reader(demo_settings.home)
    try:
        return survey_wide(reader)
    finally:
        reader.close()


def test_every_current_response_of_the_demo_is_one_row(
    demo_settings: Settings, demo_wide: pl.DataFrame
) -> None:
    reader = Reader(demo_settings.home)
    try:
        current = reader.query("survey_wide_responses", questionnaire=None)
    finally:
        reader.close()
    assert demo_wide.height == current.height > 0
    assert demo_wide["response_id"].is_unique().all()
    assert demo_wide.width > 10  # every question (or item) has its column


def test_one_questionnaire_gives_only_its_responses_and_the_same_cells(
    demo_settings: Settings, demo_wide: pl.DataFrame
) -> None:
    chosen = demo_wide["questionnaire_id"].mode().sort()[0]
    reader = Reader(demo_settings.home)
    try:
        one = survey_wide(reader, chosen)
    finally:
        reader.close()
    assert set(one["questionnaire_id"]) == {chosen}
    assert one.height == demo_wide.filter(pl.col("questionnaire_id") == chosen).height
    # Its columns are those the questionnaire has answers in; their cells are the full export's.
    same = demo_wide.filter(pl.col("questionnaire_id") == chosen).select(one.columns)
    assert one.equals(same)


def test_an_unknown_questionnaire_is_one_clear_error(demo_settings: Settings) -> None:
    reader = Reader(demo_settings.home)
    try:
        with pytest.raises(
            SurveyWideError, match="no current responses of questionnaire '无此问卷'"
        ):
            survey_wide(reader, "无此问卷")
    finally:
        reader.close()


def test_parquet_and_csv_files_hold_the_frame(demo_wide: pl.DataFrame, tmp_path: Path) -> None:
    write_survey_wide(demo_wide, tmp_path / "wide.parquet")
    assert pl.read_parquet(tmp_path / "wide.parquet").equals(demo_wide)
    write_survey_wide(demo_wide, tmp_path / "wide.csv")
    raw = (tmp_path / "wide.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfresponse_id,edition_year,")  # Excel opens it as UTF-8
    back = pl.read_csv(tmp_path / "wide.csv", infer_schema=False, encoding="utf8-lossy")
    assert back.height == demo_wide.height and back.columns[1:] == demo_wide.columns[1:]


def test_an_output_neither_csv_nor_parquet_is_refused(
    demo_wide: pl.DataFrame, tmp_path: Path
) -> None:
    with pytest.raises(
        SurveyWideError, match=r"--out must end in \.csv or \.parquet, not 宽表\.xlsx"
    ):
        write_survey_wide(demo_wide, tmp_path / "宽表.xlsx")
    assert not (tmp_path / "宽表.xlsx").exists()


def test_cells_land_in_their_response_row_and_columns_sort_by_name() -> None:
    cells = pl.DataFrame(
        {
            "row_index": [2, 0, 0, 2],
            "column_key": ["城市", "城市", "q1.其他", "q1.其他"],
            "cell": ["上海", "北京", "1:自填", "(skipped)"],
        }
    )
    columns = wide_columns(cells, 3)
    assert [c.name for c in columns] == ["q1.其他", "城市"]
    assert [c.to_list() for c in columns] == [["1:自填", None, "(skipped)"], ["北京", None, "上海"]]


def test_a_warehouse_built_with_the_wide_mart_loses_it_on_migration() -> None:
    con = duckdb.connect()
    try:
        con.execute("create table mart_survey_wide as select 'r1' as response_id, '1' as q1")
        schema.migrate(con)
        left = con.execute(
            "select count(*) from information_schema.tables where table_name = 'mart_survey_wide'"
        ).fetchall()
    finally:
        con.close()
    assert left == [(0,)]
