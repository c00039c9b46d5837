"""The attention page with weekly and monthly series: their granularity is shown, a weekly series is
fitted at its weeks' centres, a monthly one is shown and says why it is not fitted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from dash import Dash

from dashboard import data
from dashboard.pages import attention as page
from etl.ingest import ingest_files
from tests.etl.trends_files import (
    UI,
    daily_values,
    monthly_from_daily,
    scaled,
    weekly_from_daily,
    write_trends,
)
from warehouse.analytics import attention
from warehouse.settings import Settings

WEEKLY = "Google Trends/AI春晚 (中国) [week]"
MONTHLY = "Google Trends/AI春晚 (中国) [month]"


@pytest.fixture
def trends_data(
    dash_app: Dash, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """A warehouse holding a weekly and a monthly Google Trends download, read by the page."""
    curve = daily_values(date(2025, 1, 1), date(2025, 4, 30), 12.0, seed=5)
    _cat, _day, week, month, _world = UI["en"]
    weekly = [[d.isoformat(), v] for d, v in sorted(scaled(weekly_from_daily(curve)).items())]
    monthly = [
        [d.strftime("%Y-%m"), v] for d, v in sorted(scaled(monthly_from_daily(curve)).items())
    ]
    header = "AI春晚: (中国)"
    files = [
        write_trends(tmp_path / "multiTimeline.csv", UI["en"][0], [week, header], weekly),
        write_trends(tmp_path / "multiTimeline (1).csv", UI["en"][0], [month, header], monthly),
    ]
    assert [r.status for r in ingest_files(settings, files)] == ["loaded", "loaded"]
    monkeypatch.setenv("CREATORPULSE_HOME", str(settings.home))
    data.clear_cache()
    yield settings
    data.clear_cache()


def test_a_coarser_series_reads_with_its_granularity_in_both_languages() -> None:
    assert page.series_label(WEEKLY, "zh") == "Google Trends · AI春晚 (中国) · 周数据"
    assert page.series_label(MONTHLY, "en") == "Google Trends · AI春晚 (中国) · monthly"
    assert page.series_label("微信指数/AI春晚", "zh") == "微信指数 · AI春晚"


def test_a_monthly_series_is_shown_not_fitted_and_says_why(trends_data: Settings) -> None:
    assert page.granularity_of(MONTHLY) == "month"
    rows, _defs = page.table({"series": MONTHLY, "lang": "zh"})
    assert [r["fit_status"] for r in rows] == [
        "未拟合：月度数据（每月一个点，测不出几周内就消退的衰减）"
    ]
    assert rows[0]["half_life_days"] is None
    zh = page.caution({"series": MONTHLY, "lang": "zh"})
    en = page.caution({"series": MONTHLY, "lang": "en"})
    assert zh.startswith("粒度：月度数据。只展示，不拟合")
    assert en.startswith("Granularity: monthly. Shown, not fitted")
    overlay = page.years_data({"series": MONTHLY, "window": "all"})
    assert overlay.height == 4  # every month is drawn


def test_a_weekly_series_is_fitted_and_drawn_at_its_weeks_centres(trends_data: Settings) -> None:
    rows, _defs = page.table({"series": WEEKLY, "lang": "en"})
    assert rows[0]["fit_status"] == "Fitted"
    assert rows[0]["half_life_interval"]
    assert page.caution({"series": WEEKLY, "lang": "en"}).startswith("Granularity: weekly")
    fits = page.fits_data({"series": WEEKLY})
    observed = fits.drop_nulls("observed_share")["days_from_spring_festival"].to_list()
    # Weeks start on Sundays; 2025's Spring Festival (29 Jan) is the centre of the 26 Jan week.
    assert 0 in observed and all(d % 7 == 0 for d in observed)
    assert attention.WEEK_CENTRE_DAYS == 3
    overlay = page.years_data({"series": WEEKLY, "window": "all"})
    first = overlay.row(0, named=True)
    assert first["days_from_spring_festival"] % 7 == 0  # centres, like the fit panel
    assert first["date_on"].weekday() == 2  # the centre of a Sunday-to-Saturday week


def test_the_page_lays_out_a_monthly_series_without_error(trends_data: Settings) -> None:
    layout = page.layout(lang="en", series=MONTHLY)
    assert "attention-caution" in str(layout)
