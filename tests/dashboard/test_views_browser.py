"""The views & reach page in real headless Chromium: charts load without errors, filters go to
the URL and a fresh visit of that URL reproduces the view, the language switch relabels
everything, and a CSV download keeps its Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.dashboard.browser import (
    choose,
    click,
    download_csv,
    go_back,
    graph_title,
    graph_traces,
    open_page,
    screenshot,
    watch,
)

pytestmark = pytest.mark.browser

SHARED = "/views?edition=2025&metric=interactions&platform=douyin&window=d30"


def _names(page, graph_id: str) -> list[str | None]:
    return [trace["name"] for trace in graph_traces(page, graph_id)]


def _kpi(page, name: str) -> str:
    return page.locator(f"#views-kpi-{name}").inner_text()


def test_the_page_loads_and_its_filters_live_in_the_url(browser: Browser, demo_server: str) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/views")
    assert page.locator("#views-title").inner_text() == "播放与触达"
    assert graph_title(page, "views-platform_daily") == "每日播放量（按平台）"
    assert _names(page, "views-platform_daily") == [
        "哔哩哔哩",
        "抖音",
        "微信视频号",
        "小红书",
        "微博",
        "YouTube",
    ]
    assert len(graph_traces(page, "views-program_daily")) == 5
    assert "估算" in _names(page, "views-reach_platform")
    assert "峰值" in _names(page, "views-live")
    assert page.locator("#views-programs .ag-row").count() == 15  # one page of the table
    assert page.locator("#views-note-reach").inner_text().count("上限") == 1
    all_plays = _kpi(page, "plays")
    screenshot(page, "views-zh")

    choose(watched, "views-filter-platform", "抖音")
    expect(page).to_have_url(demo_server + "/views?edition=2025&metric=plays&platform=douyin")
    assert _names(page, "views-platform_daily") == ["抖音"]
    assert _names(page, "views-live")[:2] == ["抖音", "峰值"]
    douyin_plays = _kpi(page, "plays")
    assert douyin_plays != all_plays

    choose(watched, "views-filter-window", "除夕起30天")
    expect(page).to_have_url(
        demo_server + "/views?edition=2025&metric=plays&platform=douyin&window=d30"
    )
    points = graph_traces(page, "views-platform_daily")[0]["n"]
    assert points == 32  # 除夕 (day -1) to day +30
    assert page.locator("#views-filter-dates input").first.input_value() == "2025-01-28"
    choose(watched, "views-filter-metric", "互动量")
    expect(page).to_have_url(demo_server + SHARED)
    assert graph_title(page, "views-platform_daily") == "每日互动量（按平台）"

    # The back button restores the previous filters; the URL alone reproduces this view.
    go_back(watched)
    assert graph_title(page, "views-platform_daily") == "每日播放量（按平台）"
    fresh = watch(browser)
    again = open_page(fresh, demo_server + SHARED)
    assert graph_title(again, "views-platform_daily") == "每日互动量（按平台）"
    assert graph_traces(again, "views-platform_daily")[0]["n"] == points
    assert _names(again, "views-platform_daily") == ["抖音"]
    watched.clean()
    fresh.clean()


def test_programs_and_custom_dates_are_shareable_links(browser: Browser, demo_server: str) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/views?edition=2024&start=2024-02-09&end=2024-02-18")
    assert graph_traces(page, "views-platform_daily")[0]["n"] == 10
    # The dropdown draws its chosen label on its own render, which may follow the graphs'.
    expect(page.locator("#views-filter-window")).to_contain_text("自定义日期")
    assert page.locator("#views-filter-window").inner_text().count("自定义日期") == 1
    choose(watched, "views-filter-program", "未来故乡")
    expect(page).to_have_url(
        demo_server
        + "/views?edition=2024&end=2024-02-18&metric=plays&program=P2024-24&start=2024-02-09"
    )
    assert _names(page, "views-program_daily") == ["未来故乡"]
    # A preset replaces the custom dates in the URL.
    choose(watched, "views-filter-window", "整届（全部日期）")
    expect(page).to_have_url(demo_server + "/views?edition=2024&metric=plays&program=P2024-24")
    assert graph_traces(page, "views-platform_daily")[0]["n"] > 100
    name, rows, raw = download_csv(page, "#views-programs-downloads >> text=CSV")
    assert raw.startswith(b"\xef\xbb\xbf") and name.endswith(".csv")
    assert rows[0][:3] == ["节目", "播放量", "互动量"]
    assert "未来故乡" in [r[0] for r in rows[1:]]
    assert {r[5] for r in rows[1:]} <= {"估算", "平台报告", ""}
    watched.clean()


def test_a_program_past_the_list_is_found_by_typing_its_title(
    browser: Browser, demo_server: str
) -> None:
    """The list holds the 50 most played of 2025's 58 programs; typing searches them all on the
    server, and the one found can be chosen like any other."""
    watched = watch(browser)
    page = open_page(watched, demo_server + "/views?edition=2025")
    choose(watched, "views-filter-program", "赛博国风组曲")  # the least played
    expect(page).to_have_url(demo_server + "/views?edition=2025&metric=plays&program=P2025-17")
    assert _names(page, "views-program_daily") == ["赛博国风组曲"]
    watched.clean()


def test_the_language_switch_relabels_the_page(browser: Browser, demo_server: str) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/views?edition=2025")
    click(watched, "#lang-switch >> text=EN")
    expect(page).to_have_url(demo_server + "/views?edition=2025&lang=en&metric=plays")
    assert page.locator("#views-title").inner_text() == "Views & reach"
    assert graph_title(page, "views-platform_daily") == "Daily plays by platform"
    assert graph_title(page, "views-reach_platform") == "Reach by platform"
    assert _names(page, "views-reach_platform")[:2] == ["Reported", "Estimated"]
    assert "Bilibili" in _names(page, "views-live")
    assert page.locator("#views-streams .ag-header-cell-text").first.inner_text() == "Platform"
    # Only program titles (data, written in Chinese) and the gala's name stay Chinese.
    filters = page.locator("#views-filters").inner_text()
    body = page.locator("main").inner_text().replace(filters, "")
    chinese_outside_tables = [
        line for line in body.splitlines() if any("\u4e00" <= ch <= "\u9fff" for ch in line)
    ]
    assert chinese_outside_tables == [] or all(
        page.locator(".ag-cell", has_text=line).count() for line in chinese_outside_tables
    ), chinese_outside_tables
    screenshot(page, "views-en")
    watched.clean()
