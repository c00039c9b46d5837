"""Series readers: live minutes, retention curves, creator activity and topic attention.

The cell value forms they accept are tested once, in test_values.py. Every case checks the bookkeeping too: each data row is either loaded or rejected, never both
and never lost (`rows_read == rows_loaded + rows_rejected`).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from etl.attention.read import read_attention_export
from etl.audience.live import read_live_export
from etl.audience.retention import read_retention_export
from etl.creators.activity import read_activity_export
from etl.errors import IngestError, Reject
from etl.schemas import ACTIVITY, LIVE_MINUTE, RETENTION, TOPIC_ATTENTION, Staged
from survey.identity import normalise_contact, participant_id
from tests.builders import write_csv, write_xlsx

KEY = b"test-secret"
LIVE = ["平台", "直播ID", "时间", "在线人数", "评论数", "礼物数"]
RETENTION_HEADERS = ["平台", "内容ID", "进度", "留存率"]
ACTIVITY_HEADERS = ["联系方式", "平台", "发布日期", "作品ID", "标题"]
ATTENTION_LONG = ["日期", "关键词", "指数", "来源"]


def pid(contact: str) -> str:
    """The participant id the survey would give this contact."""
    found = normalise_contact(contact)
    assert found is not None
    return participant_id(KEY, found)


def accounted(staged: Staged) -> Staged:
    """Assert every data row was loaded or rejected, exactly once; return the bundle."""
    loaded = staged.details["rows_loaded"]
    assert staged.rows_read == loaded + staged.rows_rejected
    for frame in staged.frames.values():
        if "row_number" in frame.columns:
            rows = set(frame["row_number"].to_list())
            assert len(rows) == loaded
            assert not rows & {r.row_number for r in staged.rejects}
    return staged


def only_reject(staged: Staged, row: int) -> list[Reject]:
    """The rejects of one file row."""
    return [r for r in staged.rejects if r.row_number == row]


# -- live -----------------------------------------------------------------------------------------
def live_rows() -> list[list[object]]:
    return [
        ["B站", "L1", "2025-01-28 20:00", "800", "12", "3"],
        ["哔哩哔哩", "L1", "2025-01-28 20:01:37", "1.2万", "40", ""],
        ["bilibili", "L1", "2025-01-28 20:02", "9000", "", ""],
        ["抖音", "L1", "2025-01-28 20:01", "300", "1", "0"],
        ["抖音", "L1", "2025-01-28 20:02", "300", "2", "0"],
    ]


def test_live_minutes_load_with_minute_truncation_and_a_peak_per_stream(tmp_path: Path) -> None:
    staged = accounted(read_live_export(write_csv(tmp_path / "live_gala.csv", LIVE, live_rows())))
    minutes = staged.frames["live_minute"]
    assert staged.kind == "live" and staged.rows_read == 5 and not staged.rejects
    assert minutes.schema == pl.Schema(LIVE_MINUTE)
    second = minutes.filter(pl.col("row_number") == 3).row(0, named=True)
    assert second["minute_at"] == datetime(2025, 1, 28, 20, 1)
    assert (second["concurrent_viewers"], second["comments"], second["gifts"]) == (12_000, 40, None)
    assert staged.details["peaks"] == [
        {
            "platform_id": "bilibili",
            "stream_id": "L1",
            "minute_at": datetime(2025, 1, 28, 20, 1),
            "concurrent_viewers": 12_000,
        },
        {
            "platform_id": "douyin",
            "stream_id": "L1",
            "minute_at": datetime(2025, 1, 28, 20, 1),  # a tie goes to the earliest minute
            "concurrent_viewers": 300,
        },
    ]


def test_live_minutes_without_the_optional_columns_leave_them_null(tmp_path: Path) -> None:
    rows = [r[:4] for r in live_rows()]
    staged = accounted(read_live_export(write_csv(tmp_path / "live.csv", LIVE[:4], rows)))
    assert staged.frames["live_minute"]["comments"].null_count() == 5


def test_a_gb18030_live_export_reads_like_utf8(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "live.csv", LIVE, live_rows(), encoding="gb18030")
    staged = accounted(read_live_export(path))
    assert staged.frames["live_minute"].height == 5


@pytest.mark.parametrize(
    ("cell", "value", "column", "reason"),
    [
        (3, "-5", "在线人数", "negative"),
        (3, "很多", "在线人数", "not a number"),
        (3, "", "在线人数", "missing"),
        (4, "x", "评论数", "not a number"),
        (0, "快手", "平台", "unknown platform"),
        (2, "2025-01-28", "时间", "no time of day"),
        (2, "昨晚八点", "时间", "not a date-time"),
        (1, "", "直播ID", "missing"),
    ],
)
def test_a_bad_live_cell_rejects_its_row_naming_the_column(
    tmp_path: Path, cell: int, value: str, column: str, reason: str
) -> None:
    rows = live_rows()
    rows[1][cell] = value
    staged = accounted(read_live_export(write_csv(tmp_path / "live.csv", LIVE, rows)))
    (reject,) = staged.rejects
    assert (reject.row_number, reject.column_name) == (3, column)
    assert reason in reject.reason
    assert staged.frames["live_minute"].height == 4


def test_a_second_row_for_the_same_stream_minute_is_rejected_as_a_duplicate(
    tmp_path: Path,
) -> None:
    rows = [*live_rows(), ["B站", "L1", "2025-01-28 20:01:59", "5", "", ""]]
    staged = accounted(read_live_export(write_csv(tmp_path / "live.csv", LIVE, rows)))
    (reject,) = staged.rejects
    assert (reject.row_number, reject.column_name) == (7, "时间")
    assert reject.reason.startswith("duplicate of row 3")


def test_a_rejected_row_does_not_make_a_later_good_row_a_duplicate(tmp_path: Path) -> None:
    rows = [
        ["B站", "L1", "2025-01-28 20:01", "-1", "", ""],
        ["B站", "L1", "2025-01-28 20:01", "10", "", ""],
    ]
    staged = accounted(read_live_export(write_csv(tmp_path / "live.csv", LIVE, rows)))
    assert [r.row_number for r in staged.rejects] == [2]
    assert staged.frames["live_minute"]["concurrent_viewers"].to_list() == [10]


def test_a_blank_line_is_rejected_as_a_blank_row_and_still_counted(tmp_path: Path) -> None:
    rows = [live_rows()[0], ["", "", "", "", "", ""], live_rows()[1]]
    staged = accounted(read_live_export(write_csv(tmp_path / "live.csv", LIVE, rows)))
    assert staged.rows_read == 3
    assert staged.rejects == [Reject(3, None, None, "blank row")]


def test_extra_columns_are_ignored_with_a_warning(tmp_path: Path) -> None:
    rows = [[*row, "备注"] for row in live_rows()]
    staged = accounted(read_live_export(write_csv(tmp_path / "live.csv", [*LIVE, "备注"], rows)))
    assert staged.frames["live_minute"].height == 5
    assert staged.warnings == ["ignored column(s) 备注"]


def test_a_live_export_missing_a_required_column_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "live.csv", ["平台", "直播ID", "时间"], [["B站", "L1", "x"]])
    with pytest.raises(IngestError, match="missing column.*在线人数") as caught:
        read_live_export(path)
    assert caught.value.column == "在线人数"


# -- retention ------------------------------------------------------------------------------------
def test_a_percent_retention_curve_is_interpolated_at_every_percent(tmp_path: Path) -> None:
    rows = [
        ["B站", "BV1", "0%", "100%"],
        ["B站", "BV1", "10%", "80%"],
        ["B站", "BV1", "100%", "0.35"],
    ]
    path = write_csv(tmp_path / "retention.csv", RETENTION_HEADERS, rows)
    staged = accounted(read_retention_export(path))
    curve = staged.frames["retention"]
    assert curve.schema == pl.Schema(RETENTION)
    assert curve["position_pct"].to_list() == list(range(101))
    share = dict(zip(curve["position_pct"], curve["audience_share"], strict=True))
    assert share[0] == pytest.approx(1.0)
    assert share[5] == pytest.approx(0.9)
    assert share[10] == pytest.approx(0.8)
    assert share[55] == pytest.approx(0.575)
    assert share[100] == pytest.approx(0.35)


def test_a_straight_line_from_full_to_empty_averages_half_viewed(tmp_path: Path) -> None:
    rows = [["抖音", "D1", "0%", "100%"], ["抖音", "D1", "100%", "0%"]]
    staged = accounted(
        read_retention_export(write_csv(tmp_path / "r.csv", RETENTION_HEADERS, rows))
    )
    assert staged.details["avg_pct_viewed"] == [
        {"platform_id": "douyin", "content_id": "D1", "avg_pct_viewed": pytest.approx(0.5)}
    ]


def test_positions_in_seconds_use_the_files_duration_given_once(tmp_path: Path) -> None:
    rows = [
        ["B站", "BV2", "0", "1", "200"],
        ["B站", "BV2", "1:40", "0.6", ""],
        ["B站", "BV2", "200", "0.2", ""],
    ]
    path = write_csv(tmp_path / "r.csv", [*RETENTION_HEADERS, "时长"], rows)
    curve = accounted(read_retention_export(path)).frames["retention"]
    share = dict(zip(curve["position_pct"], curve["audience_share"], strict=True))
    assert share[50] == pytest.approx(0.6)
    assert share[75] == pytest.approx(0.4)


def test_positions_in_seconds_fall_back_to_the_catalogue_duration(tmp_path: Path) -> None:
    rows = [["B站", "BV2", "0", "1"], ["B站", "BV2", "50", "0.5"]]
    path = write_csv(tmp_path / "r.csv", RETENTION_HEADERS, rows)
    staged = accounted(read_retention_export(path, durations={("bilibili", "BV2"): 100.0}))
    curve = staged.frames["retention"]
    assert curve.filter(pl.col("position_pct") == 25)["audience_share"].item() == pytest.approx(
        0.75
    )


def test_a_curve_is_extended_flat_beyond_its_first_and_last_points(tmp_path: Path) -> None:
    rows = [["小红书", "N1", "20%", "90%"], ["小红书", "N1", "60%", "50%"]]
    staged = accounted(
        read_retention_export(write_csv(tmp_path / "r.csv", RETENTION_HEADERS, rows))
    )
    share = staged.frames["retention"]["audience_share"].to_list()
    assert share[:21] == pytest.approx([0.9] * 21)
    assert share[60:] == pytest.approx([0.5] * 41)
    assert any("extended flat" in w for w in staged.warnings)


def test_seconds_without_any_duration_reject_those_rows_naming_the_position(
    tmp_path: Path,
) -> None:
    rows = [
        ["B站", "BV1", "0%", "1"],
        ["B站", "BV1", "100%", "0.3"],
        ["B站", "BV9", "0", "1"],
        ["B站", "BV9", "30", "0.5"],
    ]
    staged = accounted(
        read_retention_export(write_csv(tmp_path / "r.csv", RETENTION_HEADERS, rows))
    )
    assert [(r.row_number, r.column_name) for r in staged.rejects] == [(4, "进度"), (5, "进度")]
    assert "no 时长" in staged.rejects[0].reason
    assert set(staged.frames["retention"]["content_id"]) == {"BV1"}


def test_a_content_with_a_single_point_is_rejected_for_lack_of_a_curve(tmp_path: Path) -> None:
    rows = [["B站", "BV1", "0%", "1"], ["B站", "BV1", "100%", "0.3"], ["微博", "W1", "50%", "0.5"]]
    staged = accounted(
        read_retention_export(write_csv(tmp_path / "r.csv", RETENTION_HEADERS, rows))
    )
    (reject,) = staged.rejects
    assert (reject.row_number, reject.column_name, reject.value_text) == (4, "内容ID", "W1")
    assert "fewer than 2" in reject.reason


@pytest.mark.parametrize(
    ("position", "share", "column", "reason"),
    [
        ("50%", "87", "留存率", "ambiguous"),
        ("50%", "-0.1", "留存率", "negative"),
        ("150%", "0.5", "进度", "beyond 100%"),
        ("一半", "0.5", "进度", "not a duration"),
        ("100%", "0.3", "进度", "duplicate of row 3"),
    ],
)
def test_a_bad_retention_point_is_rejected_naming_the_column(
    tmp_path: Path, position: str, share: str, column: str, reason: str
) -> None:
    rows = [
        ["B站", "BV1", "0%", "1"],
        ["B站", "BV1", "100%", "0.3"],
        ["B站", "BV1", position, share],
    ]
    staged = accounted(
        read_retention_export(write_csv(tmp_path / "r.csv", RETENTION_HEADERS, rows))
    )
    (reject,) = staged.rejects
    assert (reject.row_number, reject.column_name) == (4, column)
    assert reason in reject.reason


def test_conflicting_durations_reject_every_row_of_that_content(tmp_path: Path) -> None:
    rows = [["B站", "BV2", "0", "1", "200"], ["B站", "BV2", "100", "0.5", "263"]]
    path = write_csv(tmp_path / "r.csv", [*RETENTION_HEADERS, "时长"], rows)
    staged = accounted(read_retention_export(path))
    assert [(r.row_number, r.column_name) for r in staged.rejects] == [(2, "时长"), (3, "时长")]
    assert "conflicting 时长" in staged.rejects[0].reason
    assert staged.frames["retention"].is_empty()


def test_an_excel_rounded_content_id_is_rejected_not_loaded(tmp_path: Path) -> None:
    rows = [["抖音", 7.31e18, "0%", "1"], ["抖音", 7.31e18, "100%", "0.5"]]
    staged = accounted(
        read_retention_export(write_xlsx(tmp_path / "r.xlsx", RETENTION_HEADERS, rows))
    )
    assert {r.column_name for r in staged.rejects} == {"内容ID"}
    assert "rounded by Excel" in staged.rejects[0].reason


# -- activity -------------------------------------------------------------------------------------
def test_activity_resolves_one_person_written_two_ways_like_the_survey(tmp_path: Path) -> None:
    rows = [
        ["+86 138-1234-5678", "B站", "2025-01-20", "BV1xx", "我的AI短片"],
        ["13812345678", "抖音", "2025/1/21", "7300000000000000001", ""],
        ["alice@example.com", "小红书", "20250122", "N1", "笔记"],
    ]
    known = {pid("13812345678"), pid("alice@example.com")}
    path = write_csv(tmp_path / "activity.csv", ACTIVITY_HEADERS, rows)
    staged = accounted(read_activity_export(path, id_key=KEY, known_participants=known))
    works = staged.frames["activity"]
    assert works.schema == pl.Schema(ACTIVITY)
    assert works["participant_id"].to_list() == [pid("13812345678")] * 2 + [
        pid("alice@example.com")
    ]
    assert works["content_id"].to_list()[1] == "7300000000000000001"
    assert works["published_on"].to_list() == [
        date(2025, 1, 20),
        date(2025, 1, 21),
        date(2025, 1, 22),
    ]
    assert works["title"].to_list() == ["我的AI短片", None, "笔记"]
    assert staged.details["participants"] == 2


def test_an_activity_workbook_with_numeric_phones_and_date_cells_loads(tmp_path: Path) -> None:
    rows = [[13812345678, "视频号", datetime(2025, 1, 20, 18, 30), "V1", "片花"]]
    path = write_xlsx(tmp_path / "activity.xlsx", ACTIVITY_HEADERS, rows)
    staged = accounted(
        read_activity_export(path, id_key=KEY, known_participants={pid("13812345678")})
    )
    row = staged.frames["activity"].row(0, named=True)
    assert (row["platform_id"], row["published_on"]) == ("wechat_channels", date(2025, 1, 20))


def test_an_unknown_contact_is_rejected_without_writing_the_contact_down(tmp_path: Path) -> None:
    rows = [["13900001111", "B站", "2025-01-20", "BV1", "t"]]
    path = write_csv(tmp_path / "activity.csv", ACTIVITY_HEADERS, rows)
    staged = accounted(read_activity_export(path, id_key=KEY, known_participants=set()))
    (reject,) = staged.rejects
    assert (reject.column_name, reject.reason) == ("联系方式", "contact matches no participant")
    assert reject.value_text == "phone ***1111"


@pytest.mark.parametrize(
    ("cell", "value", "column", "reason"),
    [
        (0, "", "联系方式", "missing"),
        (3, "", "作品ID", "missing"),
        (2, "2025-13-01", "发布日期", "not a date"),
        (2, "", "发布日期", "missing"),
        (1, "快手", "平台", "unknown platform"),
    ],
)
def test_a_bad_activity_cell_rejects_its_row_naming_the_column(
    tmp_path: Path, cell: int, value: str, column: str, reason: str
) -> None:
    rows = [
        ["13812345678", "B站", "2025-01-20", "BV1", "a"],
        ["13812345678", "B站", "2025-01-21", "BV2", "b"],
    ]
    rows[1][cell] = value
    path = write_csv(tmp_path / "activity.csv", ACTIVITY_HEADERS, rows)
    staged = accounted(
        read_activity_export(path, id_key=KEY, known_participants={pid("13812345678")})
    )
    (reject,) = staged.rejects
    assert (reject.row_number, reject.column_name) == (3, column)
    assert reason in reject.reason


def test_the_same_work_listed_twice_for_one_person_keeps_the_first(tmp_path: Path) -> None:
    rows = [
        ["13812345678", "B站", "2025-01-20", "BV1", "first"],
        ["+86 138 1234 5678", "哔哩哔哩", "2025-01-22", "BV1", "again"],
    ]
    path = write_csv(tmp_path / "activity.csv", ACTIVITY_HEADERS, rows)
    staged = accounted(
        read_activity_export(path, id_key=KEY, known_participants={pid("13812345678")})
    )
    (reject,) = staged.rejects
    assert (reject.row_number, reject.column_name) == (3, "作品ID")
    assert reject.reason.startswith("duplicate of row 2")
    assert staged.frames["activity"]["title"].to_list() == ["first"]


# -- attention ------------------------------------------------------------------------------------
def test_long_attention_loads_one_value_per_source_keyword_and_day(tmp_path: Path) -> None:
    rows = [
        ["2025-02-01", "AI春晚", "1,234", "百度指数"],
        ["2025-02-02", "AI春晚", "1.2万", "百度指数"],
        ["2025-02-01", "AI春晚", "56.5", "微信指数"],
        ["2025-02-01", "可灵", "800", "百度指数"],
    ]
    path = write_csv(tmp_path / "attention.csv", ATTENTION_LONG, rows)
    staged = accounted(read_attention_export(path))
    values = staged.frames["topic_attention"]
    assert values.schema == pl.Schema(TOPIC_ATTENTION)
    assert values.select("source", "keyword", "date_on", "value").rows() == [
        ("微信指数", "AI春晚", date(2025, 2, 1), 56.5),
        ("百度指数", "AI春晚", date(2025, 2, 1), 1234.0),
        ("百度指数", "AI春晚", date(2025, 2, 2), 12000.0),
        ("百度指数", "可灵", date(2025, 2, 1), 800.0),
    ]
    assert staged.details["layout"] == "long"


def test_wide_attention_loads_each_keyword_column_and_skips_blank_cells(tmp_path: Path) -> None:
    rows = [["2025-02-01", "100", ""], ["2025-02-02", "120", "7"], ["2025-02-03", "", "9"]]
    path = write_csv(
        tmp_path / "attention.csv", ["日期", "AI春晚", "可灵"], rows, encoding="gb18030"
    )
    staged = accounted(read_attention_export(path, source_name="百度指数"))
    values = staged.frames["topic_attention"]
    assert values.height == 4 and not staged.rejects
    assert values.filter(pl.col("keyword") == "可灵")["value"].to_list() == [7.0, 9.0]
    assert set(values["source"]) == {"百度指数"}


def test_a_wide_workbook_with_date_cells_loads(tmp_path: Path) -> None:
    rows = [[datetime(2025, 2, 1), 100], [datetime(2025, 2, 2), 120]]
    path = write_xlsx(tmp_path / "attention.xlsx", ["日期", "AI春晚"], rows)
    staged = accounted(read_attention_export(path, source_name="微博热度"))
    assert staged.frames["topic_attention"]["date_on"].to_list() == [
        date(2025, 2, 1),
        date(2025, 2, 2),
    ]


def test_a_wide_file_without_a_source_name_is_refused_asking_for_one(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "attention.csv", ["日期", "AI春晚"], [["2025-02-01", "1"]])
    with pytest.raises(IngestError, match="--source-name"):
        read_attention_export(path)


def test_a_long_file_without_a_source_column_uses_the_source_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ATTENTION_LONG[:3], [["2025-02-01", "AI春晚", "5"]])
    with pytest.raises(IngestError, match="--source-name"):
        read_attention_export(path)
    staged = accounted(read_attention_export(path, source_name="百度指数"))
    assert staged.frames["topic_attention"]["source"].to_list() == ["百度指数"]


def test_an_attention_file_without_a_date_column_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["day", "AI春晚"], [["2025-02-01", "5"]])
    with pytest.raises(IngestError, match="missing column 日期"):
        read_attention_export(path, source_name="百度指数")


@pytest.mark.parametrize(
    ("cell", "value", "column", "reason"),
    [
        (2, "", "指数", "no value"),
        (2, "-3", "指数", "negative"),
        (2, "很高", "指数", "not a number"),
        (0, "2025-02-01 14:00", "日期", "time of day"),
        (1, "", "关键词", "missing"),
        (0, "2025-02-02", "日期", "duplicate of row 2"),
    ],
)
def test_a_bad_long_attention_row_is_rejected_naming_the_column(
    tmp_path: Path, cell: int, value: str, column: str, reason: str
) -> None:
    rows = [["2025-02-02", "AI春晚", "5", "百度指数"], ["2025-02-01", "AI春晚", "6", "百度指数"]]
    rows[1][cell] = value
    path = write_csv(tmp_path / "attention.csv", ATTENTION_LONG, rows)
    staged = accounted(read_attention_export(path))
    (reject,) = staged.rejects
    assert (reject.row_number, reject.column_name) == (3, column)
    assert reason in reject.reason


def test_a_wide_row_with_a_bad_cell_is_rejected_whole_naming_each_bad_keyword(
    tmp_path: Path,
) -> None:
    rows = [
        ["2025-02-01", "100", "5", "1"],
        ["2025-02-02", "-1", "6", "x"],
        ["2025-02-03", "", "", ""],
        ["2025-02-01", "7", "7", "7"],
    ]
    path = write_csv(tmp_path / "attention.csv", ["日期", "AI春晚", "可灵", "即梦"], rows)
    staged = accounted(read_attention_export(path, source_name="百度指数"))
    assert [(r.row_number, r.column_name, r.reason) for r in staged.rejects] == [
        (3, "AI春晚", "negative"),
        (3, "即梦", "not a number"),
        (4, "日期", "no value for any keyword"),
        (5, "日期", "duplicate of row 2 (same 日期)"),
    ]
    assert staged.frames["topic_attention"]["row_number"].unique().to_list() == [2]


def test_several_years_of_wide_and_long_attention_load_in_one_pass(tmp_path: Path) -> None:
    days = pl.date_range(date(2022, 1, 1), date(2025, 12, 31), eager=True).to_list()
    keywords = [f"关键词{k}" for k in range(30)]
    wide_rows = [
        [d.isoformat(), *[str((i * 7 + k) % 997) for k in range(30)]] for i, d in enumerate(days)
    ]
    wide = write_csv(tmp_path / "wide.csv", ["日期", *keywords], wide_rows)
    staged = accounted(read_attention_export(wide, source_name="百度指数"))
    assert staged.frames["topic_attention"].height == len(days) * 30
    long_rows = [
        [row[0], kw, row[k + 1], "百度指数"] for row in wide_rows for k, kw in enumerate(keywords)
    ]
    long = write_csv(tmp_path / "long.csv", ATTENTION_LONG, long_rows)
    long_staged = accounted(read_attention_export(long))
    assert (
        long_staged.frames["topic_attention"]
        .drop("row_number")
        .equals(staged.frames["topic_attention"].drop("row_number"))
    )
