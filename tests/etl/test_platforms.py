"""Platform metrics readers: alias tables, creator-centre exports, YouTube folders, mappings.

The cell value forms they accept (counts, percentages, durations, dates, platform names) are
tested once, in test_values.py.

Every reader returns the five content frames conformed to etl.schemas; every bad input is either
one IngestError naming the file or a Reject naming the column, and rows_read = loaded + rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from etl.errors import IngestError
from etl.platforms import read_generic_export, read_platform_export, read_youtube_export
from etl.platforms.registry import alias_table, creator_platforms
from etl.schemas import (
    CONTENT,
    CONTENT_DAILY,
    CONTENT_PERIOD,
    CONTENT_SNAPSHOT,
    COUNTER_ISSUE,
    Staged,
)
from tests.builders import write_csv, write_xlsx

FRAMES = {
    "content": CONTENT,
    "content_daily": CONTENT_DAILY,
    "content_period": CONTENT_PERIOD,
    "counter_issue": COUNTER_ISSUE,
    "content_snapshot": CONTENT_SNAPSHOT,
}
BILI = ["BV号", "标题", "日期", "播放量", "点赞", "完播率", "平均播放时长"]


def assert_well_formed(staged: Staged, *, loaded: int | None = None) -> None:
    """All five frames with their exact schemas, and read = loaded + rejected."""
    assert staged.kind == "content"
    assert set(staged.frames) == set(FRAMES)
    for name, schema in FRAMES.items():
        assert dict(staged.frames[name].schema) == schema, name
    if loaded is None:
        loaded = staged.frames["content_daily"].height
    assert staged.rows_read == loaded + staged.rows_rejected


def daily(staged: Staged, *columns: str) -> list[tuple[object, ...]]:
    """Rows of content_daily (content, date, then the given columns), sorted."""
    frame = staged.frames["content_daily"].sort("content_id", "date_on")
    return list(frame.select("content_id", "date_on", *columns).iter_rows())


# -- alias tables -------------------------------------------------------------------------------


def test_every_creator_platform_has_a_valid_alias_table() -> None:
    assert set(creator_platforms()) == {
        "bilibili",
        "douyin",
        "wechat_channels",
        "xiaohongshu",
        "weibo",
    }
    for platform_id in creator_platforms():
        table = alias_table(platform_id)
        assert table.aliases_for("content_id") and table.aliases_for("date_on")
        assert table.aliases_for("views") and table.header_rules and table.file_prefixes


# -- creator-centre exports ---------------------------------------------------------------------

PLATFORM_EXPORTS: dict[str, tuple[list[str], list[str], dict[str, object]]] = {
    "bilibili": (
        ["BV号", "标题", "日期", "播放量", "点赞", "投币", "弹幕"],
        ["BV1Ab411c7", "AI春晚 开场", "2025-02-01", "1.2万", "300", "45", "88"],
        {"views": 12_000, "likes": 300, "coins": 45, "danmaku": 88},
    ),
    "douyin": (
        ["作品ID", "作品名称", "日期", "播放量", "点赞", "完播率", "平均播放时长"],
        ["7301234567890123456", "AI小品", "2025/2/1", "3.4w", "1,234", "35.2%", "1分42秒"],
        {"views": 34_000, "likes": 1_234, "completion_rate": 0.352, "avg_view_duration_s": 102.0},
    ),
    "wechat_channels": (
        ["视频ID", "视频标题", "日期", "播放量", "推荐", "点赞", "分享"],
        ["export/abc123", "幕后花絮", "20250201", "5000", "12", "80", "20"],
        {"views": 5_000, "likes": 80, "shares": 20},
    ),
    "xiaohongshu": (
        ["笔记ID", "笔记标题", "日期", "观看量", "点赞", "收藏", "涨粉"],
        ["64f1c2a0000000001f03", "AI春晚 台前幕后", "2025-02-01", "2.1万", "900", "1500", "-3"],
        {"views": 21_000, "likes": 900, "favorites": 1_500, "new_followers": -3},
    ),
    "weibo": (
        ["微博ID", "微博内容", "日期", "阅读量", "转发", "评论"],
        ["5012345678901234", "#AI春晚# 今晚八点", "2025-02-01", "1.5亿", "2.3万", "1.1万"],
        {"views": 150_000_000, "shares": 23_000, "comments": 11_000},
    ),
}


@pytest.mark.parametrize("platform_id", list(PLATFORM_EXPORTS))
def test_each_platforms_daily_export_loads_detected_by_its_headers(
    tmp_path: Path, platform_id: str
) -> None:
    headers, row, expected = PLATFORM_EXPORTS[platform_id]
    later = [row[0], row[1], "2025-02-02", *["0"] * (len(headers) - 3)]
    staged = read_platform_export(write_csv(tmp_path / "export.csv", headers, [row, later]))
    assert_well_formed(staged, loaded=2)
    assert staged.details["platform_id"] == platform_id
    assert staged.details["detected_by"] == "headers"
    assert staged.details["mode"] == "daily"
    first = staged.frames["content_daily"].row(0, named=True)
    assert first["platform_id"] == platform_id
    assert (first["content_id"], first["date_on"]) == (row[0], date(2025, 2, 1))
    assert {k: first[k] for k in expected} == expected
    assert first["is_from_cumulative"] is False
    assert first["row_number"] == 2
    content = staged.frames["content"].row(0, named=True)
    assert (content["content_id"], content["title"]) == (row[0], row[1])
    assert staged.rejects == []
    assert staged.frames["counter_issue"].is_empty()


def test_blank_and_dash_cells_are_nulls_not_zeros(tmp_path: Path) -> None:
    rows = [["BV1a", "视频", "2025-02-01", "100", "-", "", " "]]
    staged = read_platform_export(write_csv(tmp_path / "bilibili_day.csv", BILI, rows))
    assert daily(staged, "views", "likes", "completion_rate", "avg_view_duration_s") == [
        ("BV1a", date(2025, 2, 1), 100, None, None, None)
    ]


def test_a_gb18030_douyin_export_loads(tmp_path: Path) -> None:
    headers, row, expected = PLATFORM_EXPORTS["douyin"]
    path = write_csv(tmp_path / "作品数据.csv", headers, [row], encoding="gb18030")
    staged = read_platform_export(path)
    assert staged.details["encoding"] == "gb18030"
    assert staged.details["platform_id"] == "douyin"
    first = staged.frames["content_daily"].row(0, named=True)
    assert {k: first[k] for k in expected} == expected
    assert staged.frames["content"].item(0, "title") == "AI小品"


def test_an_xlsx_export_with_date_and_number_cells_loads(tmp_path: Path) -> None:
    rows = [
        ["BV1a", "视频A", datetime(2025, 2, 1), 1200, 30, 0.352, 102],
        ["BV1a", "视频A", datetime(2025, 2, 2), 800, 10, "40%", "1:30"],
    ]
    staged = read_platform_export(write_xlsx(tmp_path / "B站数据.xlsx", BILI, rows))
    assert staged.details["detected_by"] == "file name"
    assert daily(staged, "views", "completion_rate", "avg_view_duration_s") == [
        ("BV1a", date(2025, 2, 1), 1200, 0.352, 102.0),
        ("BV1a", date(2025, 2, 2), 800, 0.4, 90.0),
    ]


def test_the_platform_is_told_by_the_file_name_before_the_headers(tmp_path: Path) -> None:
    # 弹幕 would say bilibili, but the file name says douyin and wins.
    path = write_csv(
        tmp_path / "douyin_2025-02.csv",
        ["内容ID", "日期", "播放量", "弹幕"],
        [["v1", "2025-02-01", "9", "1"]],
    )
    staged = read_platform_export(path)
    assert (staged.details["platform_id"], staged.details["detected_by"]) == ("douyin", "file name")
    assert any("弹幕" in w and "alias table" in w for w in staged.warnings)


def test_an_explicit_platform_wins_over_name_and_headers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bilibili_x.csv",
        ["笔记ID", "日期", "点赞", "投币"],
        [["n1", "2025-02-01", "5", "1"]],
    )
    staged = read_platform_export(path, platform="小红书")
    assert (staged.details["platform_id"], staged.details["detected_by"]) == (
        "xiaohongshu",
        "explicit",
    )
    assert daily(staged, "likes") == [("n1", date(2025, 2, 1), 5)]


def test_unknown_columns_are_listed_in_one_warning_and_ignored_ones_are_not(tmp_path: Path) -> None:
    headers = ["BV号", "日期", "播放量", "备注", "分区", "负责人"]
    rows = [["BV1a", "2025-02-01", "1", "x", "知识", "小王"]]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", headers, rows))
    unknown = [w for w in staged.warnings if "alias table" in w]
    assert len(unknown) == 1
    assert "备注, 负责人" in unknown[0] and "分区" not in unknown[0]


def test_a_cumulative_bilibili_export_becomes_daily_deltas_per_content(tmp_path: Path) -> None:
    headers = ["BV号", "标题", "统计截至", "累计播放", "累计点赞", "完播率"]
    rows = [  # out of order on purpose: deltas follow the dates, not the file
        ["BV1b", "视频B", "2025-02-02", "500", "5", "30%"],
        ["BV1a", "视频A", "2025-02-01", "1000", "10", "30%"],
        ["BV1a", "视频A", "2025-02-03", "1.5万", "40", "30%"],
        ["BV1a", "视频A", "2025-02-02", "1200", "25", "30%"],
        ["BV1b", "视频B", "2025-02-03", "500", "", "30%"],
    ]
    staged = read_platform_export(write_csv(tmp_path / "bilibili_cum.csv", headers, rows))
    assert_well_formed(staged, loaded=5)
    assert staged.details["mode"] == "cumulative"
    assert daily(staged, "views", "likes", "completion_rate", "row_number") == [
        ("BV1a", date(2025, 2, 1), 1000, 10, None, 3),  # first snapshot: its own total
        ("BV1a", date(2025, 2, 2), 200, 15, None, 5),
        ("BV1a", date(2025, 2, 3), 13_800, 15, None, 4),
        ("BV1b", date(2025, 2, 2), 500, 5, None, 2),
        ("BV1b", date(2025, 2, 3), 0, None, None, 6),  # blank total: not reported
    ]
    assert staged.frames["content_daily"].get_column("is_from_cumulative").all()
    assert any("完播率" in w and "averages to date" in w for w in staged.warnings)
    assert staged.frames["counter_issue"].is_empty()


def test_a_cumulative_header_makes_only_that_column_cumulative(tmp_path: Path) -> None:
    headers = ["BV号", "日期", "累计播放", "点赞"]
    rows = [["BV1a", "2025-02-01", "100", "7"], ["BV1a", "2025-02-02", "160", "9"]]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", headers, rows))
    assert daily(staged, "views", "likes") == [
        ("BV1a", date(2025, 2, 1), 100, 7),
        ("BV1a", date(2025, 2, 2), 60, 9),
    ]


def test_a_decreasing_counter_is_a_counter_issue_with_a_null_delta(tmp_path: Path) -> None:
    headers = ["BV号", "统计截至", "累计播放"]
    rows = [
        ["BV1xx", "2025-02-01", "1000"],
        ["BV1xx", "2025-02-02", "1200"],
        ["BV1xx", "2025-02-03", "1100"],
        ["BV1xx", "2025-02-04", "1150"],
    ]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", headers, rows))
    assert_well_formed(staged, loaded=4)
    assert daily(staged, "views") == [
        ("BV1xx", date(2025, 2, 1), 1000),
        ("BV1xx", date(2025, 2, 2), 200),
        ("BV1xx", date(2025, 2, 3), -100),  # the platform's correction, kept and flagged
        ("BV1xx", date(2025, 2, 4), 50),  # measured from the lower count
    ]
    assert staged.frames["counter_issue"].rows(named=True) == [
        {
            "platform_id": "bilibili",
            "content_id": "BV1xx",
            "date_on": date(2025, 2, 3),
            "metric": "views",
            "previous_value": 1200,
            "value": 1100,
            "row_number": 4,
        }
    ]
    assert "bilibili BV1xx 2025-02-03 views went down 1200 → 1100 (kept as -100)" in staged.warnings
    assert sum(v for _, _, v in daily(staged, "views")) == 1150  # the platform's latest total


def test_cumulative_net_followers_may_go_down_without_an_issue(tmp_path: Path) -> None:
    headers = ["BV号", "统计截至", "累计涨粉"]
    rows = [["BV1a", "2025-02-01", "10"], ["BV1a", "2025-02-02", "7"]]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", headers, rows))
    assert daily(staged, "new_followers") == [
        ("BV1a", date(2025, 2, 1), 10),
        ("BV1a", date(2025, 2, 2), -3),
    ]
    assert staged.frames["counter_issue"].is_empty()


def test_a_first_snapshot_after_the_publish_day_and_gaps_are_warned(tmp_path: Path) -> None:
    headers = ["BV号", "发布时间", "统计截至", "累计播放"]
    rows = [
        ["BV1a", "2025-01-20 18:00", "2025-02-01", "5000"],
        ["BV1a", "2025-01-20 18:00", "2025-02-04", "5600"],
    ]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", headers, rows))
    assert daily(staged, "views") == [
        ("BV1a", date(2025, 2, 1), 5000),
        ("BV1a", date(2025, 2, 4), 600),
    ]
    assert any("published before their first snapshot" in w for w in staged.warnings)
    assert any("covers the whole gap" in w for w in staged.warnings)
    assert staged.frames["content"].item(0, "published_at") == datetime(2025, 1, 20, 18)


# -- generic mapping ----------------------------------------------------------------------------


def write_mapping(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_generic_export_is_read_through_its_mapping(tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path / "kuaishou.yaml",
        "platform_id: kuaishou\nmode: daily\n"
        "columns: {日期: date_on, 作品: content_id, 作品标题: title, 播放: views, 点赞数: likes}\n",
    )
    rows = [["ks1", "快手作品", "2025-02-01", "1.2万", "30", "x"]]
    path = write_csv(
        tmp_path / "ks.csv", ["作品", "作品标题", "日期", "播放", "点赞数", "备注"], rows
    )
    staged = read_generic_export(path, mapping)
    assert_well_formed(staged, loaded=1)
    assert daily(staged, "platform_id", "views", "likes") == [
        ("ks1", date(2025, 2, 1), "kuaishou", 12_000, 30)
    ]
    assert staged.frames["content"].item(0, "title") == "快手作品"
    assert any("备注" in w for w in staged.warnings)


def test_a_cumulative_generic_export_becomes_deltas(tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path / "m.yaml",
        "platform_id: B站\nmode: cumulative\ncolumns: {d: date_on, id: content_id, v: views}\n",
    )
    rows = [["a", "2025-02-01", "10"], ["a", "2025-02-02", "25"]]
    staged = read_generic_export(write_csv(tmp_path / "x.csv", ["id", "d", "v"], rows), mapping)
    assert daily(staged, "platform_id", "views", "is_from_cumulative") == [
        ("a", date(2025, 2, 1), "bilibili", 10, True),
        ("a", date(2025, 2, 2), "bilibili", 15, True),
    ]


# -- YouTube Studio folder ----------------------------------------------------------------------

TABLE = [
    "Content",
    "Video title",
    "Video publish time",
    "Duration",
    "Views",
    "Watch time (hours)",
    "Subscribers",
    "Impressions",
    "Impressions click-through rate (%)",
    "Average view duration",
    "Average percentage viewed (%)",
    "Engaged views",
]
CHART = ["Date", "Content", "Video title", "Video publish time", "Duration", "Views"]


def youtube_folder(
    tmp_path: Path,
    *,
    table_rows: list[list[str]] | None = None,
    chart_rows: list[list[str]] | None = None,
    totals_rows: list[list[str]] | None = None,
) -> Path:
    """A Studio export folder; Totals.csv only when totals_rows is given."""
    folder = tmp_path / "AI春晚 2025-02-01_2025-02-02 Channel"
    folder.mkdir()
    table_rows = table_rows or [
        ["Total", "", "", "", "290", "10.5", "3", "5000", "4.5", "0:01:42", "45.1", "10"],
        [
            "dQw4w9WgXcQ",
            "AI春晚 全程",
            "Sep 27, 2024",
            "0:04:23",
            "200",
            "7.5",
            "5",
            "3000",
            "5.2",
            "0:02:00",
            "52.3",
            "",
        ],
        ["aBcDeFgHiJk", "小品", "Jan 28, 2025", "263", "90", "3", "-2", "2000", "", "", "", ""],
    ]
    chart_rows = chart_rows or [
        ["2025-02-01", "dQw4w9WgXcQ", "AI春晚 全程", "Sep 27, 2024", "263", "120"],
        ["2025-02-02", "dQw4w9WgXcQ", "AI春晚 全程", "Sep 27, 2024", "263", "80"],
        ["Feb 1, 2025", "aBcDeFgHiJk", "小品", "Jan 28, 2025", "263", "60"],
        ["2025-02-02", "aBcDeFgHiJk", "小品", "Jan 28, 2025", "263", "30"],
    ]
    write_csv(folder / "Table data.csv", TABLE, table_rows)
    write_csv(folder / "Chart data.csv", CHART, chart_rows)
    if totals_rows is not None:
        write_csv(folder / "Totals.csv", ["Date", "Views"], totals_rows)
    return folder


def test_a_youtube_folder_loads_daily_views_period_totals_and_content(tmp_path: Path) -> None:
    folder = youtube_folder(tmp_path, totals_rows=[["2025-02-01", "180"], ["2025-02-02", "110"]])
    staged = read_youtube_export(folder)
    # 3 Table rows (Total used as a check) + 4 Chart rows + 2 Totals rows, all loaded.
    assert staged.rows_read == 9
    assert_well_formed(staged, loaded=9)
    assert staged.warnings == []
    assert daily(staged, "views", "is_from_cumulative") == [
        ("aBcDeFgHiJk", date(2025, 2, 1), 60, False),
        ("aBcDeFgHiJk", date(2025, 2, 2), 30, False),
        ("dQw4w9WgXcQ", date(2025, 2, 1), 120, False),
        ("dQw4w9WgXcQ", date(2025, 2, 2), 80, False),
    ]
    period = {r["content_id"]: r for r in staged.frames["content_period"].rows(named=True)}
    assert set(period) == {"dQw4w9WgXcQ", "aBcDeFgHiJk"}  # not the Total row
    full = period["dQw4w9WgXcQ"]
    assert (full["period_start_on"], full["period_end_on"]) == (date(2025, 2, 1), date(2025, 2, 2))
    assert full["watch_time_s"] == 7.5 * 3600
    assert full["impressions_ctr"] == 0.052
    assert full["avg_view_duration_s"] == 120.0
    assert full["avg_pct_viewed"] == 0.523
    assert full["new_followers"] == 5
    skit = period["aBcDeFgHiJk"]
    assert skit["new_followers"] == -2  # lost subscribers are kept
    assert (skit["impressions_ctr"], skit["avg_view_duration_s"]) == (None, None)  # blank
    content = {r["content_id"]: r for r in staged.frames["content"].rows(named=True)}
    assert content["dQw4w9WgXcQ"]["published_at"] == datetime(2024, 9, 27)
    assert content["dQw4w9WgXcQ"]["duration_s"] == 263.0
    assert content["aBcDeFgHiJk"]["title"] == "小品"


def test_youtube_totals_and_total_row_mismatches_are_warnings(tmp_path: Path) -> None:
    table_rows = [
        ["Total", "", "", "", "999", "", "", "", "", "", "", ""],
        ["vid1", "t", "Sep 27, 2024", "10", "200", "", "", "", "", "", "", ""],
    ]
    chart_rows = [["2025-02-01", "vid1", "t", "Sep 27, 2024", "10", "200"]]
    folder = youtube_folder(
        tmp_path,
        table_rows=table_rows,
        chart_rows=chart_rows,
        totals_rows=[["2025-02-01", "250"]],
    )
    staged = read_youtube_export(folder)
    assert_well_formed(staged, loaded=4)
    assert "Table data.csv: Total views 999 but the videos' views sum to 200" in staged.warnings
    assert any(
        "2025-02-01 total views 250 but Chart data sums to 200" in w for w in staged.warnings
    )


def test_a_youtube_folder_without_totals_loads_with_a_warning(tmp_path: Path) -> None:
    staged = read_youtube_export(youtube_folder(tmp_path))
    assert_well_formed(staged, loaded=7)
    assert any("Totals.csv" in w and "not checked" in w for w in staged.warnings)


def test_youtube_rejects_on_the_same_row_of_two_files_count_as_two_rows(tmp_path: Path) -> None:
    table_rows = [
        ["Total", "", "", "", "300", "", "", "", "", "", "", ""],
        ["vid1", "t", "Sep 27, 2024", "abc", "300", "", "", "", "", "", "", ""],
    ]
    chart_rows = [
        ["2025-02-01", "vid1", "t", "Sep 27, 2024", "10", "250"],
        ["2025-02-02", "vid1", "t", "Sep 27, 2024", "10", "-50"],
    ]
    staged = read_youtube_export(
        youtube_folder(tmp_path, table_rows=table_rows, chart_rows=chart_rows)
    )
    assert {(r.row_number, r.column_name) for r in staged.rejects} == {
        (3, "Duration"),
        (3, "Views"),
    }
    assert any(r.reason == "Chart data.csv: Views '-50': negative count" for r in staged.rejects)
    assert staged.rows_rejected == 2
    assert_well_formed(staged, loaded=2)  # the Total row and one Chart row


# -- bad inputs: a clear IngestError for the whole file ... --------------------------------------


def _csv(name: str, headers: list[str], rows: list[list[str]]) -> Callable[[Path], Staged]:
    return lambda tmp: read_platform_export(write_csv(tmp / name, headers, rows))


def _generic(mapping: str) -> Callable[[Path], Staged]:
    def run(tmp: Path) -> Staged:
        data = write_csv(tmp / "ks.csv", ["日期", "作品", "播放"], [["2025-02-01", "a", "1"]])
        return read_generic_export(data, write_mapping(tmp / "mapping.yaml", mapping))

    return run


def _youtube_without(name: str) -> Callable[[Path], Staged]:
    def run(tmp: Path) -> Staged:
        folder = youtube_folder(tmp)
        (folder / name).unlink()
        return read_youtube_export(folder)

    return run


def _empty_file(tmp: Path) -> Staged:
    (tmp / "bilibili.csv").write_bytes(b"")
    return read_platform_export(tmp / "bilibili.csv")


def _youtube_file_not_folder(tmp: Path) -> Staged:
    # A lone Table data.csv loads as a snapshot (etl.platforms.youtube_table); a lone Chart
    # data.csv cannot be read without its folder.
    return read_youtube_export(
        write_csv(
            tmp / "Chart data.csv", CHART, [["2025-02-01", "vid1", "t", "Sep 27, 2024", "60", "1"]]
        )
    )


def _youtube_no_usable_dates(tmp: Path) -> Staged:
    rows = [["someday", "vid1", "t", "Sep 27, 2024", "10", "1"]]
    return read_youtube_export(youtube_folder(tmp, chart_rows=rows))


GOOD = ["BV1a", "2025-02-01", "1"]
BAD_FILES: dict[str, tuple[Callable[[Path], Staged], str, str]] = {
    "unknown platform": (
        _csv("export.csv", ["内容ID", "日期", "播放量"], [GOOD]),
        "export.csv",
        "cannot tell the platform: give --source",
    ),
    "unknown explicit platform": (
        lambda tmp: read_platform_export(
            write_csv(tmp / "a.csv", ["内容ID", "日期", "播放量"], [GOOD]), platform="快手"
        ),
        "a.csv",
        "unknown platform '快手'",
    ),
    "headers of two platforms": (
        _csv("a.csv", ["BV号", "笔记ID", "日期", "播放量"], [["a", "b", "2025-02-01", "1"]]),
        "a.csv",
        "several platforms (bilibili, xiaohongshu)",
    ),
    "youtube given to the creator reader": (
        lambda tmp: read_platform_export(
            write_csv(tmp / "a.csv", ["内容ID", "日期", "播放量"], [GOOD]), platform="油管"
        ),
        "a.csv",
        "folders",
    ),
    # With no date column a file is a snapshot of totals (test_platform_snapshots.py); one that
    # cannot tell its works apart either is refused.
    "no date and nothing naming the works": (
        _csv("bilibili.csv", ["点赞", "播放量"], [["1", "1"]]),
        "bilibili.csv",
        "no content id, title or publish time column: cannot tell the works apart",
    ),
    "missing content id column": (
        _csv("bilibili.csv", ["日期", "播放量"], [["2025-02-01", "1"]]),
        "bilibili.csv",
        "no content id column",
    ),
    "no metric column": (
        _csv("bilibili.csv", ["BV号", "日期", "标题"], [["BV1a", "2025-02-01", "t"]]),
        "bilibili.csv",
        "no metric columns",
    ),
    "two columns for one metric": (
        _csv("bilibili.csv", ["BV号", "日期", "播放量", "播放数"], [[*GOOD, "2"]]),
        "bilibili.csv",
        "columns 播放量 and 播放数 both mean views",
    ),
    "empty file": (_empty_file, "bilibili.csv", "file is empty"),
    "header only": (
        _csv("bilibili.csv", ["BV号", "日期", "播放量"], []),
        "bilibili.csv",
        "header row but no data rows",
    ),
    "mapping with an unknown metric": (
        _generic(
            "platform_id: kuaishou\ncolumns: {日期: date_on, 作品: content_id, 播放: plays}\n"
        ),
        "mapping.yaml",
        "unknown target metric 'plays'",
    ),
    "mapping without a date column": (
        _generic("platform_id: kuaishou\ncolumns: {作品: content_id, 播放: views}\n"),
        "mapping.yaml",
        "no date column",
    ),
    "mapping with a bad mode": (
        _generic(
            "platform_id: kuaishou\nmode: weekly\ncolumns: {日期: date_on, 作品: content_id}\n"
        ),
        "mapping.yaml",
        "mode 'weekly'",
    ),
    "mapping that is not YAML": (
        _generic("platform_id: [kuaishou\n"),
        "mapping.yaml",
        "not valid YAML",
    ),
    "mapping naming a column the file lacks": (
        _generic(
            "platform_id: kuaishou\ncolumns: {日期: date_on, 作品: content_id, 点赞: likes}\n"
        ),
        "ks.csv",
        "column '点赞' named in mapping.yaml is not in the file",
    ),
    "youtube folder missing Chart data": (
        _youtube_without("Chart data.csv"),
        "Chart data.csv",
        "needs Chart data.csv",
    ),
    "youtube folder missing Table data": (
        _youtube_without("Table data.csv"),
        "Table data.csv",
        "needs Table data.csv",
    ),
    "youtube path that is a file": (_youtube_file_not_folder, "Chart data.csv", "not a folder"),
    "youtube chart without a usable date": (
        _youtube_no_usable_dates,
        "Chart data.csv",
        "cannot tell the export period",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_one_clear_error_naming_the_file(tmp_path: Path, case: str) -> None:
    run, file_name, reason = BAD_FILES[case]
    with pytest.raises(IngestError) as caught:
        run(tmp_path)
    assert caught.value.path.name == file_name
    assert reason in caught.value.reason


# -- ... or a Reject naming the column, while the good rows load --------------------------------

BAD_ROWS: dict[str, tuple[list[str], str | None, str]] = {
    "bad date": (
        ["BV1b", "视频", "2025-13-01", "1", "1", "", ""],
        "日期",
        "日期 '2025-13-01': not a date",
    ),
    "date out of range": (
        ["BV1b", "视频", "1999-02-01", "1", "1", "", ""],
        "日期",
        "outside 2000-01-01",
    ),
    "missing date": (["BV1b", "视频", "", "1", "1", "", ""], "日期", "日期: missing date"),
    "missing content id": (
        ["", "视频", "2025-02-01", "1", "1", "", ""],
        "BV号",
        "BV号: missing content id",
    ),
    "bad number": (
        ["BV1b", "视频", "2025-02-01", "abc", "1", "", ""],
        "播放量",
        "播放量 'abc': not a count",
    ),
    "negative views in a daily export": (
        ["BV1b", "视频", "2025-02-01", "-5", "1", "", ""],
        "播放量",
        "播放量 '-5': negative count",
    ),
    "fraction of a view": (
        ["BV1b", "视频", "2025-02-01", "12.5", "1", "", ""],
        "播放量",
        "not a whole number",
    ),
    "completion rate above 100%": (
        ["BV1b", "视频", "2025-02-01", "1", "1", "135%", ""],
        "完播率",
        "above 100%",
    ),
    "bare completion rate above 1": (
        ["BV1b", "视频", "2025-02-01", "1", "1", "35.2", ""],
        "完播率",
        "ambiguous",
    ),
    "bad duration": (
        ["BV1b", "视频", "2025-02-01", "1", "1", "", "很久"],
        "平均播放时长",
        "not a duration",
    ),
    "duplicate content and date": (
        ["BV1a", "视频", "2025-02-01", "7", "1", "", ""],
        "BV号, 日期",
        "duplicate of row 2",
    ),
    "id rounded by Excel": (
        ["7.30123e+18", "视频", "2025-02-01", "1", "1", "", ""],
        "BV号",
        "Excel rounded",
    ),
    "summary row": (["合计", "", "", "99", "9", "", ""], "BV号", "summary row"),
    "empty row": (["", "", "", "", "", "", ""], None, "empty row"),
    "row of not-reported markers": (["-", "--", "N/A", "/", "—", "暂无", " "], None, "empty row"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_is_rejected_naming_its_column_and_the_good_rows_load(
    tmp_path: Path, case: str
) -> None:
    bad, column, reason = BAD_ROWS[case]
    good = ["BV1a", "视频", "2025-02-01", "1.2万", "3", "35.2%", "1分42秒"]
    tail = ["BV1c", "视频", "2025-02-02", "5", "1", "", ""]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", BILI, [good, bad, tail]))
    assert_well_formed(staged, loaded=2)
    assert [(r.row_number, r.column_name) for r in staged.rejects] == [(3, column)]
    assert reason in staged.rejects[0].reason
    assert daily(staged, "views") == [
        ("BV1a", date(2025, 2, 1), 12_000),
        ("BV1c", date(2025, 2, 2), 5),
    ]


def test_a_rejected_row_does_not_make_a_later_good_row_a_duplicate(tmp_path: Path) -> None:
    rows = [
        ["BV1a", "视频", "2025-02-01", "abc", "1", "", ""],
        ["BV1a", "视频", "2025-02-01", "7", "1", "", ""],
    ]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", BILI, rows))
    assert_well_formed(staged, loaded=1)
    assert [(r.row_number, r.column_name) for r in staged.rejects] == [(2, "播放量")]
    assert daily(staged, "views", "row_number") == [("BV1a", date(2025, 2, 1), 7, 3)]


def test_every_bad_cell_of_a_row_is_reported_but_the_row_counts_once(tmp_path: Path) -> None:
    rows = [["BV1a", "视频", "2025-02-31", "abc", "-1", "x", "y"]]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", BILI, rows))
    assert {r.column_name for r in staged.rejects} == {
        "日期",
        "播放量",
        "点赞",
        "完播率",
        "平均播放时长",
    }
    assert staged.rows_rejected == 1
    assert_well_formed(staged, loaded=0)
    assert staged.frames["content"].is_empty()


def test_a_large_export_is_parsed_in_bulk(tmp_path: Path) -> None:
    """20k rows with repeated dates and values: a smoke test of the vectorised path."""
    rows = [
        [f"BV{i % 500:04d}", "t", f"2025-02-{1 + i // 500:02d}", str(i), "1.2万", "35%", "1:42"]
        for i in range(14_000)
    ]
    staged = read_platform_export(write_csv(tmp_path / "bilibili.csv", BILI, rows))
    assert_well_formed(staged, loaded=14_000)
    frame = staged.frames["content_daily"]
    assert frame.get_column("views").sum() == sum(range(14_000))
    assert frame.select(pl.col("likes").unique()).to_series().to_list() == [12_000]
