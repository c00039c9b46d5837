"""Platform exports into the warehouse: re-exports replace days, cumulative never double counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import holidays.countries.china
import pytest

from etl.calendar import CalendarError, build_calendar
from etl.ingest import ingest_files
from tests.builders import published_rows, write_csv
from warehouse.settings import Settings
from warehouse.store import current_snapshot

DOUYIN = ["日期", "作品ID", "作品名称", "播放量", "点赞", "评论", "分享"]
BILIBILI = ["统计日期", "BV号", "标题", "累计播放", "累计点赞"]


def sql(settings: Settings, query: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of a query on the published snapshot."""
    return published_rows(settings.home, query, params)


def views(settings: Settings) -> list[tuple]:
    return sql(
        settings, "select content_id, date_on::varchar, views from fct_content_daily order by 1, 2"
    )


def test_a_daily_re_export_that_overlaps_earlier_dates_replaces_them(
    tmp_path: Path, settings: Settings
) -> None:
    first = [
        ["2025-02-01", "7301", "《赛博拜年》", "1.2万", "10", "1", "0"],
        ["2025-02-02", "7301", "《赛博拜年》", "5000", "8", "1", "0"],
        ["2025-02-03", "7301", "《赛博拜年》", "2000", "5", "0", "0"],
    ]
    again = [
        ["2025-02-03", "7301", "《赛博拜年》", "2100", "5", "0", "0"],
        ["2025-02-04", "7301", "《赛博拜年》", "900", "2", "0", "0"],
    ]
    ingest_files(settings, [write_csv(tmp_path / "douyin_a.csv", DOUYIN, first)], source="douyin")
    ingest_files(settings, [write_csv(tmp_path / "douyin_b.csv", DOUYIN, again)], source="douyin")
    assert views(settings) == [
        ("7301", "2025-02-01", 12000),
        ("7301", "2025-02-02", 5000),
        ("7301", "2025-02-03", 2100),
        ("7301", "2025-02-04", 900),
    ]


def test_a_cumulative_re_export_starting_mid_life_does_not_count_plays_twice(
    tmp_path: Path, settings: Settings
) -> None:
    first = [
        ["2025-02-01", "BV1ab411c7de", "《赛博拜年》", "100", "1"],
        ["2025-02-02", "BV1ab411c7de", "《赛博拜年》", "150", "2"],
        ["2025-02-03", "BV1ab411c7de", "《赛博拜年》", "180", "2"],
    ]
    later = [
        ["2025-02-03", "BV1ab411c7de", "《赛博拜年》", "180", "2"],
        ["2025-02-04", "BV1ab411c7de", "《赛博拜年》", "230", "3"],
    ]
    ingest_files(
        settings, [write_csv(tmp_path / "bilibili_a.csv", BILIBILI, first)], source="bilibili"
    )
    ingest_files(
        settings, [write_csv(tmp_path / "bilibili_b.csv", BILIBILI, later)], source="bilibili"
    )
    assert views(settings) == [
        ("BV1ab411c7de", "2025-02-01", 100),
        ("BV1ab411c7de", "2025-02-02", 50),
        ("BV1ab411c7de", "2025-02-03", 30),
        ("BV1ab411c7de", "2025-02-04", 50),
    ]
    assert sql(settings, "select sum(views), sum(likes) from fct_content_daily") == [(230, 3)]


def test_a_re_export_whose_first_total_is_below_the_loaded_days_is_a_counter_issue(
    tmp_path: Path, settings: Settings
) -> None:
    first = [["2025-02-01", "BV1y", "t", "100", "1"], ["2025-02-02", "BV1y", "t", "200", "2"]]
    # The platform corrected its count: the re-export starts below what was already loaded.
    later = [["2025-02-03", "BV1y", "t", "150", "2"], ["2025-02-04", "BV1y", "t", "170", "3"]]
    ingest_files(
        settings, [write_csv(tmp_path / "bilibili_d.csv", BILIBILI, first)], source="bilibili"
    )
    ingest_files(
        settings, [write_csv(tmp_path / "bilibili_e.csv", BILIBILI, later)], source="bilibili"
    )
    assert [v for _, _, v in views(settings)] == [100, 100, -50, 20]
    assert sql(
        settings, "select date_on::varchar, metric, previous_value, value from counter_issue"
    ) == [("2025-02-03", "views", None, -50)]
    assert sql(settings, "select sum(views), sum(likes) from fct_content_daily") == [(170, 3)]


def test_a_counter_that_decreases_is_kept_negative_and_flagged_in_the_warehouse(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [
        ["2025-02-01", "BV1x", "t", "1000", "1"],
        ["2025-02-02", "BV1x", "t", "1200", "1"],
        ["2025-02-03", "BV1x", "t", "1100", "1"],
        ["2025-02-04", "BV1x", "t", "1150", "1"],
    ]
    [report] = ingest_files(
        settings, [write_csv(tmp_path / "bilibili_c.csv", BILIBILI, rows)], source="bilibili"
    )
    assert any("went down 1200 → 1100" in w for w in report.warnings)
    assert [v for _, _, v in views(settings)] == [1000, 200, -100, 50]
    assert sql(
        settings, "select date_on::varchar, metric, previous_value, value from counter_issue"
    ) == [("2025-02-03", "views", 1200, 1100)]


def test_content_matching_no_program_is_loaded_and_reported(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [["2025-02-01", "9999", "幕后花絮", "300", "1", "0", "0"]]
    [report] = ingest_files(
        settings, [write_csv(tmp_path / "douyin_x.csv", DOUYIN, rows)], source="douyin"
    )
    assert report.status == "loaded" and report.rows_loaded == 1
    assert report.details["unmatched_content"] == [
        {"platform_id": "douyin", "content_id": "9999", "title": "幕后花絮"}
    ]
    assert any("match no program" in w for w in report.warnings)


def test_re_ingesting_a_platform_file_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    path = write_csv(
        tmp_path / "douyin_y.csv", DOUYIN, [["2025-02-01", "7301", "t", "10", "0", "0", "0"]]
    )
    ingest_files(settings, [path])
    before = current_snapshot(settings.home)
    [again] = ingest_files(settings, [path])
    assert again.status == "unchanged" and current_snapshot(settings.home) == before


def test_a_year_the_holidays_package_does_not_cover_fails_the_file_loudly(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend the installed holidays package stops at 2024 (as an old release would).
    monkeypatch.setattr(holidays.countries.china.China, "end_year", 2024)
    path = write_csv(
        tmp_path / "attention_x.csv",
        ["日期", "关键词", "指数", "来源"],
        [["2024-02-01", "AI", "100", "百度指数"], ["2025-02-01", "AI", "90", "百度指数"]],
    )
    [report] = ingest_files(settings, [path])
    assert report.status == "failed"
    assert "year 2025 is outside 1950-2024" in report.error
    assert current_snapshot(settings.home) is None


def test_the_calendar_refuses_a_year_outside_the_package_range() -> None:
    with pytest.raises(CalendarError, match="year 2101 is outside"):
        build_calendar(date(2100, 12, 1), date(2101, 1, 1))
