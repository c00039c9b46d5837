"""Cell value parsers shared by every export reader (etl.values).

The scalar parsers run the same vectorised code as the readers' columns, so these tables test
what every reader accepts and rejects; the readers' own tests check how a problem becomes a
Reject.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from etl.values import (
    KINDS,
    NULL_MARKERS,
    normalise_platform,
    parse_column,
    parse_count,
    parse_date,
    parse_datetime,
    parse_duration_s,
    parse_number,
    parse_ratio,
    parse_texts,
)


def parsed(text: str | None, kind: str) -> tuple[object, str | None]:
    """(value, problem) of one text through the column parser."""
    frame = parse_texts(pl.Series([text], dtype=pl.String), kind)
    value, problem = frame.select("value", "problem").row(0)
    return value, problem


# -- blanks ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", [None, "", "  ", *NULL_MARKERS, "N/A", "NA", "Null", " -- "])
def test_blank_and_not_reported_cells_are_null_in_every_kind(text: str | None, kind: str) -> None:
    assert parsed(text, kind) == (None, None)


# -- counts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", 1234),
        ("7", 7),
        ("1,234", 1_234),
        ("+12", 12),
        ("1.2万", 12_000),
        ("3.4w", 34_000),
        ("3.4W", 34_000),
        ("1.5亿", 150_000_000),
        ("1.25万", 12_500),
        ("2k", 2_000),
        ("１２３", 123),  # full-width digits
        (" 42 ", 42),
        ("12345678901234567", 12_345_678_901_234_567),  # exact, not through a float
        ("-", None),
        ("", None),
        (None, None),
    ],
)
def test_counts_read_plain_grouped_and_chinese_unit_forms(text: str | None, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not a count (not a number)"),
        ("1.2x", "not a count"),
        ("1.2千万", "not a number"),
        ("12.5", "not a whole number"),
        ("12.0", "not a count"),  # a whole count is written without a decimal point
        ("-3", "negative count"),
        ("99999999999999999999", "not a count"),
    ],
)
def test_bad_counts_raise_naming_the_problem_and_the_value(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_count(text)
    assert reason in str(caught.value)
    assert repr(text) in str(caught.value)


def test_signed_counts_keep_losses() -> None:
    assert parse_count("-3", signed=True) == -3
    assert parse_count("-0.1万", signed=True) == -1000


# -- numbers --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"), [("12.5", 12.5), ("1.25万", 12_500.0), ("0", 0.0), ("1,234.5", 1234.5)]
)
def test_numbers_keep_fractions_and_units(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "reason"), [("-3", "negative"), ("很高", "not a number")])
def test_bad_numbers_raise(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_number(text)


def test_hours_are_read_as_seconds() -> None:
    assert parsed("7.5", "hours") == (7.5 * 3600, None)
    assert parsed("-1", "hours") == (None, "negative")


# -- percentages ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "percent_units", "expected"),
    [
        ("35.2%", False, 0.352),  # exactly the float 0.352
        ("0.352", False, 0.352),
        ("100%", False, 1.0),
        ("1", False, 1.0),
        ("0", False, 0.0),
        ("12.5 %", False, 0.125),
        ("4.5", True, 0.045),  # under a "(%)" header bare numbers are percents
        ("4.5%", True, 0.045),
        ("", False, None),
    ],
)
def test_percentages_become_shares_of_one(
    text: str, percent_units: bool, expected: float | None
) -> None:
    assert parse_ratio(text, percent_units=percent_units) == expected


def test_open_ended_percentages_may_exceed_one_hundred_percent() -> None:
    assert parse_ratio("105%", open_ended=True) == 1.05  # retention with rewatching
    assert parse_ratio("112.5", percent_units=True, open_ended=True) == 1.125


@pytest.mark.parametrize(
    ("text", "open_ended", "reason"),
    [
        ("87", False, "ambiguous"),
        ("87", True, "ambiguous"),  # may exceed 100%, but 87 is still 87% or 87 times?
        ("135%", False, "above 100%"),
        ("-1%", False, "negative"),
        ("八成", False, "not a percentage"),
    ],
)
def test_bad_percentages_raise(text: str, open_ended: bool, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_ratio(text, open_ended=open_ended)


# -- durations ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("102", 102.0),
        ("102.5", 102.5),
        ("102秒", 102.0),
        ("1:42", 102.0),
        ("0:01:42", 102.0),
        ("1分42秒", 102.0),
        ("1小时2分", 3720.0),
        ("2分", 120.0),
        ("1h2m3s", 3723.0),
        ("2 minutes", 120.0),
        ("-", None),
    ],
)
def test_durations_become_seconds(text: str, seconds: float | None) -> None:
    assert parse_duration_s(text) == seconds


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not a duration"),
        ("1:75", "not a duration"),
        ("1分钟多", "not a duration"),
        ("-5", "negative duration"),
    ],
)
def test_bad_durations_raise(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_duration_s(text)


# -- dates and times ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "2025-02-01",
        "2025/2/1",
        "2025.2.1",
        "2025年2月1日",
        "20250201",
        "Feb 1, 2025",
        "February 1 2025",
        "45689",  # Excel serial
        "2025-02-01 00:00:00",  # an xlsx date cell as read_table writes it
    ],
)
def test_dates_read_every_documented_form(text: str) -> None:
    assert parse_date(text) == date(2025, 2, 1)
    assert parse_date(text, allow_time=False) == date(2025, 2, 1)


def test_a_date_drops_a_time_of_day_unless_it_must_be_a_whole_day() -> None:
    assert parse_date("2025/2/1 20:15") == date(2025, 2, 1)
    with pytest.raises(ValueError, match="time of day"):
        parse_date("2025-02-01 13:00", allow_time=False)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-02-30", "not a date"),
        ("next week", "not a date"),
        ("1999-12-31", "outside 2000-01-01"),
    ],
)
def test_impossible_dates_and_typo_years_raise(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-28 20:01", datetime(2025, 1, 28, 20, 1)),
        ("2025-01-28 20:01:37", datetime(2025, 1, 28, 20, 1, 37)),
        ("2025/1/28 8:01", datetime(2025, 1, 28, 8, 1)),
        ("2025-01-28T20:01:00", datetime(2025, 1, 28, 20, 1)),
        ("Jan 28, 2025 20:01", datetime(2025, 1, 28, 20, 1)),
        ("45685.5", datetime(2025, 1, 28, 12, 0)),
    ],
)
def test_datetimes_read_minutes_seconds_and_serial_fractions(text: str, expected: datetime) -> None:
    assert parse_datetime(text, require_time=True) == expected


def test_a_bare_day_is_midnight_unless_a_time_is_required() -> None:
    assert parse_datetime("Sep 27, 2024") == datetime(2024, 9, 27)  # YouTube publish time
    with pytest.raises(ValueError, match="no time of day"):
        parse_datetime("2025-01-28", require_time=True)


# -- platforms and ids ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "platform_id"),
    [
        ("B站", "bilibili"),
        ("b站", "bilibili"),
        ("哔哩哔哩", "bilibili"),
        ("Bilibili", "bilibili"),
        ("抖音", "douyin"),
        ("视频号", "wechat_channels"),
        ("微信视频号", "wechat_channels"),
        ("小红书", "xiaohongshu"),
        (" 微博 ", "weibo"),
        ("YouTube", "youtube"),
        ("油管", "youtube"),
        ("wechat_channels", "wechat_channels"),
        ("快手", None),
        ("", None),
        (None, None),
    ],
)
def test_platform_names_in_chinese_and_english_normalise_to_ids(
    text: str | None, platform_id: str | None
) -> None:
    assert normalise_platform(text) == platform_id
    if platform_id is not None:  # a platform column reads the same table
        assert parsed(text, "platform") == (platform_id, None)


def test_an_unknown_platform_in_a_column_is_a_problem_naming_the_known_ones() -> None:
    value, problem = parsed("快手", "platform")
    assert value is None
    assert problem is not None and problem.startswith("unknown platform (known: bilibili, ")


def test_ids_are_kept_as_text_but_excel_rounded_ids_are_problems() -> None:
    assert parsed("7300000000000000001", "id") == ("7300000000000000001", None)
    value, problem = parsed("7.30123E+18", "id")
    assert value is None
    assert problem is not None and "rounded by Excel" in problem and "Excel rounded" in problem


# -- columns --------------------------------------------------------------------------------------
def test_a_column_is_parsed_once_per_distinct_text_and_joined_back_in_row_order() -> None:
    frame = pl.DataFrame({"raw": ["1.2万", "x", None, "1.2万", "-3"], "keep": [1, 2, 3, 4, 5]})
    out = parse_column(frame, "raw", "count", into="views", problem="p_views")
    assert out["keep"].to_list() == [1, 2, 3, 4, 5]
    assert out["views"].to_list() == [12_000, None, None, 12_000, None]
    assert out["p_views"].to_list() == [
        None,
        "not a count (not a number)",
        None,
        None,
        "negative count",
    ]


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown value kind 'money'"):
        parse_texts(pl.Series(["1"]), "money")
