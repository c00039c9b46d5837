"""Google Trends downloads end to end: ingested as downloaded, stored with their granularity, and
fitted honestly: daily as before, weekly with a wider interval, monthly shown but not fitted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from etl.ingest import ingest_files
from tests.builders import published_rows, write_csv, write_xlsx
from tests.etl.trends_files import (
    UI,
    daily_values,
    monthly_from_daily,
    scaled,
    weekly_from_daily,
    write_trends,
)
from warehouse.analytics.attention import (
    STATUS_MONTHLY,
    STATUS_OK,
    WEEK_CENTRE_DAYS,
    decline_by_year,
    fit_decline,
)
from warehouse.query import Reader
from warehouse.schema import migrate, migrations, split_statements
from warehouse.settings import Settings, load_settings

HALF_LIFE = 12.0
FIRST, LAST = date(2025, 1, 1), date(2025, 4, 30)
DAILY_SERIES = "Google Trends/AI (全球)"
WEEKLY_SERIES = "Google Trends/AI (全球) [week]"
MONTHLY_SERIES = "Google Trends/AI (全球) [month]"


def trends_file(path: Path, values: dict[date, str], word: str, *, month: bool = False) -> Path:
    """A zh-CN Google Trends download of one term in one region (BOM, CRLF)."""
    category = UI["zh-CN"][0]
    rows = [[d.strftime("%Y-%m" if month else "%Y-%m-%d"), v] for d, v in sorted(values.items())]
    return write_trends(path, category, [word, "AI: (全球)"], rows, bom=True, newline="\r\n")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Daily, weekly and monthly downloads of the same underlying curve, ingested together
    (once for the module: the tests below only read)."""
    folder = tmp_path_factory.mktemp("trends")
    mp = pytest.MonkeyPatch()
    mp.setenv("CREATORPULSE_ID_KEY", "test-secret")
    mp.delenv("CREATORPULSE_HOME", raising=False)
    try:
        settings = load_settings(folder / "home")
        curve = daily_values(FIRST, LAST, HALF_LIFE, seed=3, noise=0.06)
        _cat, day, week, month, _world = UI["zh-CN"]
        files = [
            trends_file(folder / "multiTimeline.csv", scaled(curve), day),
            trends_file(folder / "multiTimeline (1).csv", scaled(weekly_from_daily(curve)), week),
            trends_file(
                folder / "multiTimeline (2).csv",
                scaled(monthly_from_daily(curve)),
                month,
                month=True,
            ),
        ]
        reports = ingest_files(settings, files)
        fits = decline_by_year(Reader(settings.home))
        yield {
            "settings": settings,
            "files": files,
            "reports": reports,
            "fits": {r["series"]: r for r in fits.iter_rows(named=True) if r["year"] == 2025},
        }
    finally:
        mp.undo()


def test_every_download_loads_and_read_equals_loaded_plus_rejected(loaded: dict[str, Any]) -> None:
    for report in loaded["reports"]:
        assert report.status == "loaded", report.error
        assert report.source == "attention"  # detected by content, not by name
        assert report.rows_read == report.rows_loaded + report.rows_rejected
        assert report.rows_rejected == 0
    assert [r.rows_read for r in loaded["reports"]] == [120, 16, 4]


def test_granularity_and_region_are_stored_per_series(loaded: dict[str, Any]) -> None:
    rows = published_rows(
        loaded["settings"].home,
        "select granularity, region, count(*), min(date_on) from fct_topic_attention "
        "group by all order by 1",
    )
    assert rows == [
        ("day", "全球", 120, date(2025, 1, 1)),
        ("month", "全球", 4, date(2025, 1, 1)),
        ("week", "全球", 16, date(2025, 1, 5)),
    ]


def test_a_daily_google_trends_series_is_fitted_with_an_interval(loaded: dict[str, Any]) -> None:
    fit = loaded["fits"][DAILY_SERIES]
    assert fit["status"] == STATUS_OK
    assert fit["granularity"] == "day"
    assert fit["half_life_days"] == pytest.approx(HALF_LIFE, rel=0.25)
    assert fit["half_life_low"] <= HALF_LIFE <= fit["half_life_high"]


def test_weekly_data_of_the_same_curve_is_fitted_with_a_wider_interval(
    loaded: dict[str, Any],
) -> None:
    daily, weekly = loaded["fits"][DAILY_SERIES], loaded["fits"][WEEKLY_SERIES]
    assert weekly["status"] == STATUS_OK
    assert weekly["granularity"] == "week"
    assert weekly["half_life_days"] == pytest.approx(HALF_LIFE, rel=0.35)
    assert weekly["half_life_low"] <= HALF_LIFE <= weekly["half_life_high"]
    daily_width = daily["half_life_high"] - daily["half_life_low"]
    weekly_width = weekly["half_life_high"] - weekly["half_life_low"]
    assert weekly_width > daily_width
    # Weekly points sit at their week's centre: the peak week is Sun 26 Jan - Sat 1 Feb.
    assert weekly["peak_on"] == date(2025, 1, 26 + WEEK_CENTRE_DAYS)
    assert weekly["n_days"] < daily["n_days"] / 5


def test_monthly_data_is_shown_but_not_fitted_and_says_why(loaded: dict[str, Any]) -> None:
    fit = loaded["fits"][MONTHLY_SERIES]
    assert fit["status"] == STATUS_MONTHLY == "not fitted: monthly data"
    assert fit["half_life_days"] is None and fit["half_life_low"] is None
    assert fit["granularity"] == "month"


def test_loading_the_same_downloads_again_changes_nothing(loaded: dict[str, Any]) -> None:
    settings = loaded["settings"]
    before = published_rows(settings.home, "select * from fct_topic_attention order by all")
    again = ingest_files(settings, loaded["files"])
    assert [r.status for r in again] == ["unchanged"] * 3
    assert published_rows(settings.home, "select * from fct_topic_attention order by all") == before


def test_a_geo_map_lands_in_its_own_table_and_mart(tmp_path: Path, settings: Settings) -> None:
    path = write_trends(
        tmp_path / "geoMap.csv",
        UI["zh-CN"][0],
        ["城市", "AI: (2025/1/1 - 2025/4/30)"],
        [["上海", "100"], ["杭州", "<1"], ["拉萨", ""], ["", "7"]],
        bom=True,
        newline="\r\n",
    )
    [report] = ingest_files(settings, [path])
    assert report.status == "loaded", report.error
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 3, 1)
    rows = published_rows(
        settings.home,
        "select region_name, geo_level, value, is_below_one, period_start_on "
        "from mart_attention_region order by region_name",
    )
    assert rows == [
        ("上海", "city", 100.0, False, date(2025, 1, 1)),
        ("拉萨", "city", None, False, date(2025, 1, 1)),
        ("杭州", "city", 0.5, True, date(2025, 1, 1)),
    ]
    assert published_rows(settings.home, "select count(*) from fct_topic_attention") == [(0,)]


def test_rows_loaded_before_migration_0008_become_daily_series_without_a_region() -> None:
    con = duckdb.connect()
    con.execute(
        "create table schema_migrations (version integer primary key, name varchar not null,"
        " applied_at timestamp not null)"
    )
    for version, name, path in migrations():
        if version >= 8:
            break
        for statement in split_statements(path.read_text(encoding="utf-8")):
            con.execute(statement)
        con.execute("insert into schema_migrations values (?, ?, now())", [version, name])
    con.execute(
        "insert into fct_topic_attention values ('百度指数', 'AI春晚', date '2025-02-01', 1200, 'L1')"
    )
    assert 8 in migrate(con)
    rows = con.execute(
        "select source, keyword, region, granularity, date_on, value, is_below_one, load_id"
        " from fct_topic_attention"
    ).fetchall()
    assert rows == [("百度指数", "AI春晚", "", "day", date(2025, 2, 1), 1200.0, False, "L1")]


def test_a_frame_without_a_granularity_column_is_fitted_as_daily() -> None:
    frame = pl.DataFrame(
        {
            "series": ["s"] * 3,
            "year": [2025] * 3,
            "days_from_spring_festival": [0, 1, 2],
            "value": [1.0, 0.9, 0.8],
        }
    )
    assert fit_decline(frame)["granularity"].to_list() == ["day"]


def test_baidu_and_juliang_tables_ingest_by_content_into_their_series(
    tmp_path: Path, settings: Settings
) -> None:
    baidu = write_csv(
        tmp_path / "百度指数_趋势研究.csv",
        ["关键词", "2025-01-28", "2025-01-29", "2025-01-30"],
        [["AI春晚", "1,200", "9,800", "5,600"], ["可灵", "300", "-", "280"]],
        encoding="gb18030",
    )
    juliang = write_xlsx(
        tmp_path / "关键词指数.xlsx",
        ["日期", "关键词", "综合指数", "搜索指数"],
        [[date(2025, 1, 28), "AI春晚", 52000, 8100], [date(2025, 1, 29), "AI春晚", 98000, ""]],
    )
    reports = ingest_files(settings, [baidu, juliang])
    assert [(r.status, r.source) for r in reports] == [("loaded", "attention")] * 2
    assert all(r.rows_read == r.rows_loaded + r.rows_rejected for r in reports)
    rows = published_rows(
        settings.home,
        "select source, keyword, granularity, count(*) from fct_topic_attention "
        "group by all order by all",
    )
    assert rows == [
        ("巨量算数", "AI春晚", "day", 2),
        ("巨量算数·搜索指数", "AI春晚", "day", 1),
        ("百度指数", "AI春晚", "day", 3),
        ("百度指数", "可灵", "day", 2),
    ]
