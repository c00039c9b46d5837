"""The Views page's channel audience: country and age shares from YouTube Studio tab exports."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from dash import Dash

from dashboard import charts_views, data
from dashboard.pages import views
from etl.ingest import ingest_files
from tests.etl.test_intl_platforms import age_folder, geography_folder
from tests.etl.test_tiktok_follower_shares import studio_csv
from warehouse.settings import Settings, load_settings

# The tabs' export period (2025-01-01..03) lies inside this window.
JANUARY = {"edition": "2025", "start": "2025-01-01", "end": "2025-01-31"}
FEBRUARY = {"edition": "2025", "start": "2025-02-01", "end": "2025-02-28"}


@pytest.fixture(scope="module")
def audience_home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse plus a YouTube Geography and a Viewer age tab of one period."""
    home = tmp_path_factory.mktemp("audience") / "home"
    shutil.copytree(demo_settings.home, home)
    exports = tmp_path_factory.mktemp("exports")
    followers = [  # TikTok's Followers download, taken in February (outside JANUARY)
        studio_csv(
            exports / "FollowerGender_2025-02-15.csv",
            [["Gender", "Distribution"], ["Female", "61%"], ["Male", "37.5%"], ["Other", "1.5%"]],
        ),
        studio_csv(
            exports / "FollowerTopTerritories_2025-02-15.csv",
            [["Top territories", "Distribution"], ["TW", "52%"], ["US", "30%"], ["JP", "18%"]],
        ),
    ]
    reports = ingest_files(
        load_settings(home), [geography_folder(exports), age_folder(exports), *followers]
    )
    assert [r.status for r in reports] == ["loaded"] * 4, [r.error for r in reports]
    return home


@pytest.fixture
def audience_data(
    dash_app: Dash, audience_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.setenv("CREATORPULSE_HOME", str(audience_home))
    data.clear_cache()
    yield audience_home
    data.clear_cache()


def test_audience_by_country_shows_each_countrys_share_of_views_in_the_ui_language(
    audience_data: Path,
) -> None:
    fig = views.audience_figure({**JANUARY, "lang": "zh"}, "country")
    [bars] = fig.data
    assert bars.name == "YouTube"
    assert list(bars.x) == ["美国", "中国台湾省", "德国"]
    assert list(bars.y) == pytest.approx([0.5, 0.3, 0.2])
    assert fig.layout.title.text == "观众所在国家/地区（观看次数占比）"
    english = views.audience_figure({**JANUARY, "lang": "en"}, "country")
    assert list(english.data[0].x) == ["United States", "Taiwan", "Germany"]


def test_audience_by_age_is_drawn_in_age_order(audience_data: Path) -> None:
    fig = views.audience_figure({**JANUARY, "lang": "en"}, "age")
    assert list(fig.data[0].x)[:3] == ["13-17 years", "18-24 years", "25-34 years"]
    assert list(fig.data[0].x)[-1] == "65+ years"
    assert fig.data[0].y[1] == pytest.approx(0.358)


def test_the_audience_chart_says_why_it_is_empty() -> None:
    empty = pl.DataFrame(
        schema={
            "platform_id": pl.String,
            "value_key": pl.String,
            "value_text": pl.String,
            "views_share": pl.Float64,
        }
    )
    fig = charts_views.audience_bars(empty, dimension="country", lang="en")
    assert fig.data == ()
    assert "No audience breakdown" in fig.layout.annotations[0].text


def test_tiktok_follower_shares_show_as_their_own_followers_traces_never_as_views(
    audience_data: Path,
) -> None:
    fig = views.audience_figure({**FEBRUARY, "lang": "zh"}, "gender")
    [bars] = fig.data
    assert bars.name == "抖音国际版/TikTok（粉丝占比）" and bars.meta["basis"] == "followers"
    assert list(bars.x) == ["女性", "男性", "其他"]
    assert list(bars.y) == pytest.approx([0.61, 0.375, 0.015])
    assert fig.layout.yaxis.title.text == "占比（观看次数或粉丝）"
    countries = views.audience_figure({**FEBRUARY, "lang": "en"}, "country")
    [bars] = countries.data
    assert bars.name == "TikTok (followers)"
    assert list(bars.x) == ["Taiwan", "United States", "Japan"]
    # January still shows only YouTube's share of views: the two never mix.
    january = views.audience_figure({**JANUARY, "lang": "zh"}, "country")
    assert [b.meta["basis"] for b in january.data] == ["views"]
    assert january.layout.yaxis.title.text == "观看次数占比"
