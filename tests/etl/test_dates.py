"""Whole-column date reading: day/month order, spellings, serials and year-less dates."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from etl.dates import infer_day_month_order, read_date_column, read_one_date


def _read(texts: list[str | None], **options: object) -> tuple[list, list]:
    column = read_date_column(pl.Series("日期", texts, dtype=pl.String), column="日期", **options)  # type: ignore[arg-type]
    assert column.error is None, column.error
    return column.dates.to_list(), column.problems.to_list()


def test_a_day_above_twelve_anywhere_decides_day_first_for_the_whole_column() -> None:
    column = read_date_column(pl.Series(["01-06-2025", "02-06-2025", "13-06-2025"]), column="Date")
    assert column.order == "dmy"
    assert column.dates.to_list() == [date(2025, 6, 1), date(2025, 6, 2), date(2025, 6, 13)]
    assert column.notes == ["Date: dates read as DD-MM-YYYY, inferred from '13-06-2025'"]


def test_a_second_number_above_twelve_decides_month_first() -> None:
    column = read_date_column(pl.Series(["06/01/2025", "06/13/2025"]), column="Date")
    assert column.order == "mdy"
    assert column.dates.to_list() == [date(2025, 6, 1), date(2025, 6, 13)]


def test_a_column_with_every_number_up_to_twelve_is_undecidable_and_no_row_is_guessed() -> None:
    column = read_date_column(pl.Series(["01-02-2025", "03-04-2025"]), column="Date")
    assert column.error is not None and "'Date'" in column.error
    assert "DD-MM-YYYY or MM-DD-YYYY" in column.error
    assert column.dates.to_list() == [None, None]


def test_an_explicit_order_reads_an_undecidable_column() -> None:
    dates, problems = _read(["01-02-2025", "03-04-2025"], order="mdy")
    assert dates == [date(2025, 1, 2), date(2025, 3, 4)]
    assert problems == [None, None]


def test_an_explicit_order_the_column_contradicts_is_an_error() -> None:
    column = read_date_column(pl.Series(["13-06-2025"]), column="Date", order="mdy")
    assert column.error is not None and "13-06-2025" in column.error


def test_both_orders_in_one_column_is_an_error() -> None:
    inferred = infer_day_month_order(pl.Series(["13-06-2025", "06-13-2025"]), column="Date")
    assert inferred.order is None and inferred.error is not None and "mixes" in inferred.error


def test_dates_that_read_the_same_both_ways_need_no_order() -> None:
    assert _read(["05-05-2025"])[0] == [date(2025, 5, 5)]


def test_chinese_iso_and_month_name_spellings_are_read() -> None:
    dates, problems = _read(
        [
            "2026年03月24日17时33分05秒",
            "2026年3月24日",
            "2025-02-01",
            "2025/2/1 20:01",
            "Sep 27, 2024",
            "Feb 1, 2025",
            "28 feb. 2025",
            "8 de marzo de 2025",
            "February 28, 2025",
        ]
    )
    assert problems == [None] * 9
    assert dates == [
        date(2026, 3, 24),
        date(2026, 3, 24),
        date(2025, 2, 1),
        date(2025, 2, 1),
        date(2024, 9, 27),
        date(2025, 2, 1),
        date(2025, 2, 28),
        date(2025, 3, 8),
        date(2025, 2, 28),
    ]


def test_the_time_of_chinese_date_text_is_kept() -> None:
    column = read_date_column(pl.Series(["2026年03月24日17时33分05秒"]), column="首次发布时间")
    assert column.moments.to_list() == [datetime(2026, 3, 24, 17, 33, 5)]


def test_a_plain_number_in_a_csv_date_column_is_not_a_date() -> None:
    dates, problems = _read(["45689"])
    assert dates == [None]
    assert problems[0] is not None and "plain number" in problems[0]


def test_an_excel_serial_is_read_when_the_caller_says_the_cell_is_a_date() -> None:
    assert _read(["45689"], allow_serial=True)[0] == [date(2025, 2, 1)]


def test_blank_and_undefined_cells_are_not_reported_and_not_problems() -> None:
    dates, problems = _read([None, "", "undefined", "-"])
    assert dates == [None] * 4 and problems == [None] * 4


def test_text_that_is_no_date_is_a_problem_on_its_row() -> None:
    dates, problems = _read(["2025-02-01", "明天", "2025-02-30"])
    assert dates == [date(2025, 2, 1), None, None]
    assert problems == [None, "not a date", "no such day"]


def test_a_yearless_run_across_new_year_takes_its_years_from_the_export_date() -> None:
    dates, _ = _read(["December 30", "December 31", "January 1"], as_of=date(2026, 1, 5))
    assert dates == [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1)]


def test_a_spanish_yearless_run_across_new_year_is_placed_before_a_later_export_date() -> None:
    dates, _ = _read(["30 de diciembre", "31 de diciembre", "1 de enero"], as_of=date(2026, 3, 5))
    assert dates == [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1)]


def test_a_descending_yearless_run_crosses_new_year_backwards() -> None:
    dates, _ = _read(["January 1", "December 31", "December 30"], as_of=date(2026, 1, 5))
    assert dates == [date(2026, 1, 1), date(2025, 12, 31), date(2025, 12, 30)]


def test_yearless_dates_take_the_span_end_when_no_export_date_is_given() -> None:
    dates, problems = _read(["February 28", "March 1"], span=(date(2024, 12, 1), date(2025, 3, 1)))
    assert dates == [date(2025, 2, 28), date(2025, 3, 1)]
    assert problems == [None, None]


def test_yearless_unordered_dates_are_each_the_latest_day_before_their_export() -> None:
    anchors = pl.Series([date(2026, 1, 10), date(2026, 1, 10), date(2026, 3, 30)])
    dates, _ = _read(["12月28日", "1月3日", "8 de marzo"], as_of=anchors, yearless="latest")
    assert dates == [date(2025, 12, 28), date(2026, 1, 3), date(2026, 3, 8)]


def test_yearless_dates_without_an_export_date_are_a_column_error() -> None:
    column = read_date_column(pl.Series(["February 28"]), column="Date")
    assert column.error is not None and "without a year" in column.error


def test_february_29_in_a_year_without_one_is_a_problem() -> None:
    dates, problems = _read(["February 28", "February 29"], as_of=date(2025, 3, 1))
    assert dates == [date(2025, 2, 28), None]
    assert problems == [None, "no such day"]


def test_one_date_reads_like_a_column_and_names_its_problem() -> None:
    assert read_one_date("13-06-2025") == date(2025, 6, 13)
    with pytest.raises(ValueError, match="plain number"):
        read_one_date("45689")
