"""A plain number in a CSV's date column is a reject, not an Excel day serial: serials are read
only from workbooks, whose date cells may arrive as numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from etl.ingest import ingest_files
from etl.values import parse_texts
from tests.builders import published_rows, write_csv, write_xlsx
from warehouse.settings import Settings

BILIBILI = ["统计日期", "BV号", "标题", "累计播放", "累计点赞"]
REASON = "a plain number, not a date (day serials are read only from .xlsx/.xls files)"


def test_without_serials_a_five_digit_number_is_no_date_but_written_dates_still_are() -> None:
    texts = pl.Series(["45000", "45000.5", "2025-02-01", "20250201", "2025年2月1日"])
    parsed = {
        raw: (value, problem)
        for raw, value, problem in parse_texts(texts, "date", serials=False)
        .select("raw", "value", "problem")
        .iter_rows()
    }
    assert parsed["45000"] == (None, REASON) and parsed["45000.5"] == (None, REASON)
    assert {parsed[t][0] for t in ("2025-02-01", "20250201", "2025年2月1日")} == {date(2025, 2, 1)}
    assert parse_texts(pl.Series(["45000"]), "date")["value"].to_list() == [date(2023, 3, 15)]


def test_a_platform_csv_rejects_a_number_in_its_date_column_naming_row_and_column(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [
        ["2024-02-10", "BV1ab411c7de", "《赛博拜年》", 100, 5],
        ["45000", "BV1ab411c7de", "《赛博拜年》", 160, 9],
    ]
    [report] = ingest_files(settings, [write_csv(tmp_path / "bilibili_春晚.csv", BILIBILI, rows)])
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 1, 1)
    assert published_rows(
        settings.home, "select row_number, column_name, value_text, reason from load_reject"
    ) == [(3, "统计日期", "45000", f"统计日期 '45000': {REASON}")]


def test_a_workbook_date_cell_stored_as_a_number_is_still_read_as_its_day(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [[45331.0, "BV1ab411c7de", "《赛博拜年》", 100, 5]]
    [report] = ingest_files(settings, [write_xlsx(tmp_path / "bilibili_春晚.xlsx", BILIBILI, rows)])
    assert (report.status, report.rows_loaded) == ("loaded", 1), report.error
    assert published_rows(settings.home, "select date_on::varchar from fct_content_daily") == [
        ("2024-02-09",)
    ]


def test_a_date_decades_away_from_the_files_other_dates_is_rejected_not_added_to_the_calendar(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [
        ["2024-02-10", "BV1ab411c7de", "《赛博拜年》", 100, 5],
        ["2024-02-11", "BV1ab411c7de", "《赛博拜年》", 160, 9],
        ["2099-02-12", "BV1ab411c7de", "《赛博拜年》", 200, 9],
    ]
    [report] = ingest_files(settings, [write_csv(tmp_path / "bilibili_春晚.csv", BILIBILI, rows)])
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 2, 1)
    [(row, reason)] = published_rows(settings.home, "select row_number, reason from load_reject")
    assert (
        row == 4 and "more than 3650 days from the file's other dates (around 2024-02-11)" in reason
    )
    [(last_day,)] = published_rows(settings.home, "select max(date_on)::varchar from dim_calendar")
    assert last_day < "2030"
