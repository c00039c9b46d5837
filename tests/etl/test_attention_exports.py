"""Attention series as the tools download them: Google Trends in any UI language (timeline and
region files), 百度指数 / 微信指数 / 巨量算数 tables, and how ingest recognises each."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from etl.attention.read import describe_attention_file, read_attention_export
from etl.attention.trends import is_google_trends, parse_period
from etl.errors import IngestError, Reject
from etl.ingest import detect_source
from etl.schemas import Staged
from tests.builders import write_csv, write_xlsx
from tests.etl.trends_files import GEO_WORDS, UI, trends_bytes, write_trends


def accounted(staged: Staged) -> Staged:
    """Every row read is loaded or rejected, never both, never neither."""
    loaded = {n for frame in staged.frames.values() for n in frame["row_number"].to_list()}
    rejected = {r.row_number for r in staged.rejects}
    assert not loaded & rejected
    assert len(loaded) + len(rejected) == staged.rows_read
    return staged


def daily_rows() -> list[list[str]]:
    return [
        ["2025-01-28", "40", "<1"],
        ["2025-01-29", "100", "3"],
        ["2025-01-30", "71", "2"],
        ["2025-01-31", "55", "<1"],
    ]


# -- Google Trends multiTimeline.csv ---------------------------------------------------------------
@pytest.mark.parametrize("ui", sorted(UI))
@pytest.mark.parametrize(("bom", "newline"), [(False, "\n"), (True, "\r\n")])
def test_a_daily_google_trends_file_reads_in_every_ui_language(
    tmp_path: Path, ui: str, bom: bool, newline: str
) -> None:
    category, day, _week, _month, world = UI[ui]
    header = [day, f"AI: ({world})", "人工智能: (中国)"]
    path = write_trends(
        tmp_path / "multiTimeline.csv", category, header, daily_rows(), bom=bom, newline=newline
    )
    staged = accounted(read_attention_export(path))
    assert staged.details["layout"] == "google_trends_timeline"
    assert staged.details["granularity"] == "day"
    assert staged.rows_read == 4 and not staged.rejects
    values = staged.frames["topic_attention"]
    assert set(values["source"]) == {"Google Trends"}
    ai = values.filter(pl.col("keyword") == "AI")
    assert ai["region"].unique().to_list() == [world]
    assert ai["value"].to_list() == [40.0, 100.0, 71.0, 55.0]
    assert ai["date_on"].to_list()[1] == date(2025, 1, 29)
    cn = values.filter(pl.col("keyword") == "人工智能")
    assert cn["region"].unique().to_list() == ["中国"]
    assert cn["value"].to_list() == [0.5, 3.0, 2.0, 0.5]
    assert cn["is_below_one"].to_list() == [True, False, False, True]
    assert set(values["granularity"]) == {"day"}


@pytest.mark.parametrize("ui", sorted(UI))
def test_a_weekly_file_is_stored_as_weeks_dated_by_their_first_day(tmp_path: Path, ui: str) -> None:
    category, _day, week, _month, world = UI[ui]
    rows = [["2025-01-19", "30"], ["2025-01-26", "100"], ["2025-02-02", "64"]]
    path = write_trends(tmp_path / "multiTimeline.csv", category, [week, f"AI: ({world})"], rows)
    staged = accounted(read_attention_export(path))
    assert staged.details["granularity"] == "week"
    values = staged.frames["topic_attention"]
    assert values["date_on"].to_list() == [date(2025, 1, 19), date(2025, 1, 26), date(2025, 2, 2)]
    assert set(values["granularity"]) == {"week"}


@pytest.mark.parametrize("ui", sorted(UI))
def test_a_monthly_file_is_stored_as_months_on_their_first_day(tmp_path: Path, ui: str) -> None:
    category, _day, _week, month, world = UI[ui]
    rows = [["2024-12", "20"], ["2025-01", "100"], ["2025-02", "45"], ["2025-03", "<1"]]
    path = write_trends(tmp_path / "multiTimeline.csv", category, [month, f"AI: ({world})"], rows)
    staged = accounted(read_attention_export(path))
    assert staged.details["granularity"] == "month"
    values = staged.frames["topic_attention"]
    assert values["date_on"].to_list() == [
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]
    assert values["is_below_one"].to_list() == [False, False, False, True]


def test_an_unknown_ui_word_takes_the_granularity_from_the_dates_spacing(tmp_path: Path) -> None:
    # Finnish UI: `Viikko` (week) is in no word list; the 7-day spacing says weekly.
    rows = [["2025-01-05", "30"], ["2025-01-12", "100"], ["2025-01-19", "60"]]
    path = write_trends(
        tmp_path / "multiTimeline.csv",
        "Luokka: Kaikki luokat",
        ["Viikko", "AI: (Maailmanlaajuinen)"],
        rows,
    )
    staged = accounted(read_attention_export(path))
    assert staged.details["granularity"] == "week"
    assert staged.frames["topic_attention"]["region"].unique().to_list() == ["Maailmanlaajuinen"]


def test_full_width_colon_and_parentheses_in_the_term_header_are_read(tmp_path: Path) -> None:
    path = write_trends(
        tmp_path / "multiTimeline.csv",
        "类别：所有类别",
        ["天", "AI春晚：（中国）", "可灵：（中国）"],
        daily_rows()[:2],
    )
    values = accounted(read_attention_export(path)).frames["topic_attention"]
    assert sorted(values["keyword"].unique().to_list()) == ["AI春晚", "可灵"]
    assert values["region"].unique().to_list() == ["中国"]


def test_bad_google_trends_cells_reject_their_row_and_blank_cells_are_gaps(tmp_path: Path) -> None:
    rows = [
        ["2025-01-28", "40", "1"],
        ["2025-01-29", "101", "3"],  # above 100
        ["2025-01-30", "abc", "2"],  # not a value
        ["2025-01-31", "", "5"],  # a gap in AI, 人工智能 loads
        ["2025-01-31", "50", ""],  # the same day again
        ["2025-02-31", "20", "1"],  # no such day
        ["2025-02-02", "", ""],  # a date with no value
    ]
    path = write_trends(
        tmp_path / "multiTimeline.csv",
        "Category: All categories",
        ["Day", "AI: (Worldwide)", "人工智能: (中国)"],
        rows,
    )
    staged = accounted(read_attention_export(path))
    by_row = {r.row_number: r for r in staged.rejects}
    assert sorted(by_row) == [5, 6, 8, 9, 10]
    assert by_row[5] == Reject(
        5, "AI: (Worldwide)", "101", "above 100 (Google Trends values are 0-100)"
    )
    assert by_row[6].column_name == "AI: (Worldwide)" and by_row[6].value_text == "abc"
    assert by_row[8].reason == "duplicate of row 7 (same series and date)"
    assert by_row[9].column_name == "Day" and by_row[9].value_text == "2025-02-31"
    assert by_row[10].reason == "no value for any keyword"
    values = staged.frames["topic_attention"]
    assert values.filter(pl.col("date_on") == date(2025, 1, 31))["keyword"].to_list() == [
        "人工智能"
    ]


def test_a_blank_line_inside_the_data_is_a_rejected_blank_row(tmp_path: Path) -> None:
    path = tmp_path / "multiTimeline.csv"
    path.write_bytes(
        b"Category: All categories\r\n\r\nDay,AI: (Worldwide)\r\n2025-01-28,40\r\n\r\n"
        b"2025-01-29,100\r\n\r\n"
    )
    staged = accounted(read_attention_export(path))
    assert staged.rows_read == 3
    assert staged.rejects == [Reject(5, None, None, "blank row")]


def test_hourly_google_trends_data_is_refused_with_the_reason(tmp_path: Path) -> None:
    rows = [["2025-02-01T08", "40"], ["2025-02-01T09", "100"]]
    path = write_trends(
        tmp_path / "multiTimeline.csv",
        "Category: All categories",
        ["Time", "AI: (Worldwide)"],
        rows,
    )
    with pytest.raises(IngestError, match="hourly Google Trends data"):
        read_attention_export(path)


# -- Google Trends geoMap.csv ----------------------------------------------------------------------
@pytest.mark.parametrize("ui", sorted(GEO_WORDS))
def test_a_region_file_loads_every_region_with_blank_as_no_value(tmp_path: Path, ui: str) -> None:
    category = UI[ui][0]
    rows = [["中国", "100"], ["新加坡", "<1"], ["乍得", ""]]
    path = write_trends(
        tmp_path / "geoMap.csv",
        category,
        [GEO_WORDS[ui], "AI: (2025/1/1 - 2025/4/30)"],
        rows,
        bom=ui.startswith("zh"),
        newline="\r\n",
    )
    staged = accounted(read_attention_export(path))
    assert staged.details["layout"] == "google_trends_geo_map"
    assert "topic_attention" not in staged.frames
    region = staged.frames["topic_region"].sort("row_number")
    assert region["region_name"].to_list() == ["中国", "新加坡", "乍得"]
    assert region["value"].to_list() == [100.0, 0.5, None]
    assert region["is_below_one"].to_list() == [False, True, False]
    assert set(region["geo_level"]) == {"country"}
    assert set(region["value_kind"]) == {"index"}
    assert region["period_start_on"][0] == date(2025, 1, 1)
    assert region["period_end_on"][0] == date(2025, 4, 30)


def test_compared_terms_in_a_region_file_are_percent_shares(tmp_path: Path) -> None:
    rows = [["上海", "64%", "36%"], ["北京", "51%", "49%"]]
    path = write_trends(
        tmp_path / "geoMap.csv",
        "类别：所有类别",
        ["地区", "AI: (2/1/25 - 4/30/25)", "人工智能: (2/1/25 - 4/30/25)"],
        rows,
    )
    region = accounted(read_attention_export(path)).frames["topic_region"]
    assert set(region["value_kind"]) == {"share_pct"}
    assert set(region["geo_level"]) == {"region"}
    assert region.filter(pl.col("region_name") == "上海")["value"].sort().to_list() == [36.0, 64.0]
    assert region["period_start_on"][0] == date(2025, 2, 1)


def test_date_ranges_are_parsed_only_when_the_order_of_day_and_month_is_clear() -> None:
    assert parse_period("2/1/25 - 4/30/25") == (date(2025, 2, 1), date(2025, 4, 30))
    assert parse_period("1/2/25 - 30/4/25") == (date(2025, 2, 1), date(2025, 4, 30))
    assert parse_period("01.02.25 - 30.04.25") == (date(2025, 2, 1), date(2025, 4, 30))
    assert parse_period("2025-02-01 - 2025-04-30") == (date(2025, 2, 1), date(2025, 4, 30))
    assert parse_period("2/1/25 - 3/1/25") == (None, None)


def test_an_ambiguous_range_is_kept_as_written_with_a_warning(tmp_path: Path) -> None:
    path = write_trends(
        tmp_path / "geoMap.csv",
        "Category: All categories",
        ["City", "AI: (2/1/25 - 3/1/25)"],
        [["上海", "100"]],
    )
    staged = accounted(read_attention_export(path))
    region = staged.frames["topic_region"]
    assert region["period_text"].to_list() == ["2/1/25 - 3/1/25"]
    assert region["period_start_on"].to_list() == [None]
    assert "ambiguous" in staged.warnings[0]


# -- 百度指数 / 微信指数 / 巨量算数 ------------------------------------------------------------------
def test_a_baidu_table_makes_one_series_per_measure_and_keeps_weekly_points(tmp_path: Path) -> None:
    rows = [
        ["2025-01-20", "AI春晚", "1,200", "200", "1000"],
        ["2025-01-27", "AI春晚", "9,800", "800", "9000"],
        ["2025-02-03", "AI春晚", "5,600", "-", "5,000"],
    ]
    path = write_csv(
        tmp_path / "百度指数.csv",
        ["日期", "关键词", "整体", "PC", "移动"],
        rows,
        encoding="gb18030",
    )
    staged = accounted(read_attention_export(path))
    assert staged.details["granularity"] == "week"
    values = staged.frames["topic_attention"]
    assert sorted(set(values["source"])) == ["百度指数", "百度指数·PC", "百度指数·移动"]
    main = values.filter(pl.col("source") == "百度指数")
    assert main["value"].to_list() == [1200.0, 9800.0, 5600.0]
    assert values.filter(pl.col("source") == "百度指数·PC").height == 2  # `-` is no value


def test_a_baidu_table_with_one_column_per_date_reads_each_keyword_row(tmp_path: Path) -> None:
    rows = [
        ["AI春晚", "1200", "9800", "5600"],
        ["可灵", "300", "", "280"],
        ["AI春晚", "1", "2", "3"],
    ]
    path = write_csv(
        tmp_path / "百度指数_趋势.csv", ["关键词", "2025-01-28", "2025-01-29", "2025-01-30"], rows
    )
    staged = accounted(read_attention_export(path))
    assert staged.details["layout"] == "index_dates_wide"
    values = staged.frames["topic_attention"]
    assert set(values["source"]) == {"百度指数"}
    assert values.filter(pl.col("keyword") == "可灵")["date_on"].to_list() == [
        date(2025, 1, 28),
        date(2025, 1, 30),
    ]
    assert staged.rejects == [
        Reject(4, "关键词", "AI春晚", "duplicate of row 2 (same series and date)")
    ]


def test_a_baidu_summary_table_is_refused_as_not_a_series(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv", ["关键词", "整体日均值", "移动日均值"], [["AI", "1,200", "900"]]
    )
    with pytest.raises(IngestError, match="summary"):
        read_attention_export(path)


def test_a_juliang_workbook_gives_the_composite_and_the_search_index(tmp_path: Path) -> None:
    rows = [[date(2025, 1, 28), "AI春晚", 52000, 8100], [date(2025, 1, 29), "AI春晚", 98000, 15500]]
    path = write_xlsx(tmp_path / "export.xlsx", ["日期", "关键词", "综合指数", "搜索指数"], rows)
    values = accounted(read_attention_export(path)).frames["topic_attention"]
    assert sorted(set(values["source"])) == ["巨量算数", "巨量算数·搜索指数"]
    assert values.filter(pl.col("source") == "巨量算数")["value"].to_list() == [52000.0, 98000.0]


def test_a_wechat_index_copy_takes_its_keyword_from_the_file_name(tmp_path: Path) -> None:
    rows = [["2025-01-28", "1200万"], ["2025-01-29", "3500万"]]
    path = write_csv(tmp_path / "微信指数_AI春晚.csv", ["日期", "指数"], rows)
    staged = accounted(read_attention_export(path))
    values = staged.frames["topic_attention"]
    assert set(values["source"]) == {"微信指数"} and set(values["keyword"]) == {"AI春晚"}
    assert values["value"].to_list() == [1.2e7, 3.5e7]
    assert "file name" in staged.warnings[0]


def test_a_bare_index_table_naming_no_tool_asks_for_the_source(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "AI春晚.csv", ["日期", "指数"], [["2025-01-28", "5"]])
    with pytest.raises(IngestError, match="--source-name"):
        read_attention_export(path)
    staged = read_attention_export(path, source_name="微信指数")
    assert staged.frames["topic_attention"]["source"].to_list() == ["微信指数"]


def test_our_own_daily_attention_files_are_stored_as_daily(tmp_path: Path) -> None:
    rows = [
        ["2025-02-01", "AI春晚", "1200", "百度指数"],
        ["2025-02-02", "AI春晚", "900", "百度指数"],
    ]
    path = write_csv(tmp_path / "attention.csv", ["日期", "关键词", "指数", "来源"], rows)
    staged = accounted(read_attention_export(path))
    assert staged.details["granularity"] == "day"
    assert set(staged.frames["topic_attention"]["granularity"]) == {"day"}


# -- detection and inspect -------------------------------------------------------------------------
@pytest.mark.parametrize("ui", sorted(UI))
def test_google_trends_files_are_routed_to_attention_by_their_content(
    tmp_path: Path, ui: str
) -> None:
    category, day, _week, _month, world = UI[ui]
    timeline = write_trends(
        tmp_path / "download (3).csv", category, [day, f"AI: ({world})"], daily_rows(), bom=True
    )
    geo = write_trends(
        tmp_path / "download (4).csv",
        category,
        ["Region", "AI: (1/1/25 - 4/30/25)"],
        [["上海", "9"]],
    )
    assert is_google_trends(timeline) and is_google_trends(geo)
    assert detect_source(timeline) == "attention"
    assert detect_source(geo) == "attention"


@pytest.mark.parametrize(
    "headers",
    [
        ["日期", "关键词", "整体", "PC", "移动"],
        ["日期", "关键词", "综合指数", "搜索指数"],
        ["关键词", "2025-01-28", "2025-01-29"],
        ["关键词", "整体日均值", "移动日均值"],
    ],
)
def test_index_tables_are_routed_to_attention_never_to_the_survey_reader(
    tmp_path: Path, headers: list[str]
) -> None:
    path = write_csv(tmp_path / "export.csv", headers, [["x"] * len(headers)])
    assert detect_source(path) == "attention"


def test_a_survey_with_a_colon_in_its_first_header_stays_a_survey(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "s.csv", ["序号", "1、您的年龄：", "2、性别：(单选)"], [["1", "28", "男"]]
    )
    assert not is_google_trends(path)
    assert detect_source(path) == "survey"


def test_a_category_line_alone_is_not_google_trends(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(trends_bytes("类别：所有类别", ["日期", "备注"], [["2025-01-01", "x"]]))
    assert not is_google_trends(path)


def test_describe_names_the_layout_granularity_terms_regions_rows_and_span(tmp_path: Path) -> None:
    path = write_trends(
        tmp_path / "multiTimeline.csv",
        "類別：所有類別",
        ["週", "AI: (台灣)", "ChatGPT: (台灣)"],
        [["2025-01-05", "10", "<1"], ["2025-01-12", "100", "2"], ["2025-01-19", "x", "3"]],
        bom=True,
        newline="\r\n",
    )
    info = describe_attention_file(path)
    assert info["layout"] == "google_trends_timeline"
    assert info["granularity"] == "week"
    assert info["terms"] == ["AI", "ChatGPT"]
    assert info["regions"] == ["台灣"]
    assert (info["rows"], info["rows_loadable"], info["rows_rejected"]) == (3, 2, 1)
    assert (info["first_on"], info["last_on"]) == (date(2025, 1, 5), date(2025, 1, 12))


def test_describe_a_region_file_names_its_places_level_and_range(tmp_path: Path) -> None:
    path = write_trends(
        tmp_path / "geoMap.csv",
        "Category: All categories",
        ["City", "AI: (2/1/25 - 4/30/25)"],
        [["上海", "100"], ["杭州", "<1"]],
    )
    info = describe_attention_file(path)
    assert info["layout"] == "google_trends_geo_map"
    assert (info["geo_level"], info["granularity"]) == ("city", None)
    assert info["regions"] == ["上海", "杭州"] and info["terms"] == ["AI"]
    assert (info["first_on"], info["last_on"]) == (date(2025, 2, 1), date(2025, 4, 30))


def test_a_region_with_its_own_parentheses_stays_whole(tmp_path: Path) -> None:
    path = write_trends(
        tmp_path / "multiTimeline.csv",
        "Category: All categories",
        ["Day", "AI: (Hong Kong (SAR))"],
        [["2025-01-28", "40"]],
    )
    values = accounted(read_attention_export(path)).frames["topic_attention"]
    assert values["region"].to_list() == ["Hong Kong (SAR)"]


def test_a_platform_file_with_a_pc_and_mobile_split_is_not_taken_for_baidu(tmp_path: Path) -> None:
    headers = ["日期", "播放量", "PC端", "移动端"]
    path = write_csv(tmp_path / "export.csv", headers, [["2025-01-28", "100", "40", "60"]])
    assert detect_source(path) != "attention"
