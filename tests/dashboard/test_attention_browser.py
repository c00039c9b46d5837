"""The attention page in real headless Chromium: the overlay, the fitted decline per year and the
table, filters through the URL (a shared link reproduces the view), and the language switch."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.dashboard.browser import (
    Watched,
    choose,
    click,
    go_back,
    graph_title,
    graph_traces,
    open_page,
    screenshot,
    settle,
    watch,
)

pytestmark = pytest.mark.browser


def _open(watched: Watched, url: str) -> Page:
    """Open the page and wait until its charts are drawn (under load the callbacks can start
    after a quiet moment that `settle` alone takes for the end)."""
    page = open_page(watched, url)
    page.wait_for_function(
        """() => ['attention-years', 'attention-fits'].every(id => {
            const gd = document.querySelector('#' + id + ' .js-plotly-plot');
            return gd && gd.data && gd.layout && gd.layout.title;
        })"""
    )
    settle(watched)
    return page


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _table(page: Page, column: str) -> list[str]:
    cells = page.locator(f'#attention-decline .ag-center-cols-container [col-id="{column}"]')
    return [c.strip() for c in cells.all_inner_texts()]


def _year_cells(page: Page) -> list[str]:
    cells = page.locator(
        '#attention-decline .ag-pinned-left-cols-container [col-id="spring_festival_year"]'
    )
    return [c.strip() for c in cells.all_inner_texts()]


def test_the_page_shows_every_year_and_a_series_choice_goes_through_the_url(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = _open(watched, demo_server + "/attention")
    assert page.locator("#attention-title").inner_text() == "节后关注度衰减"
    assert graph_title(page, "attention-years").startswith("春节后的关注度（各年对齐） · 微信指数")
    years = [t["name"] for t in graph_traces(page, "attention-years")]
    assert years == ["2023年", "2024年", "2025年", "2026年"]
    assert graph_title(page, "attention-fits") == "各年峰值后的衰减拟合"
    assert _year_cells(page) == ["2023", "2024", "2025", "2026"]
    assert all(s == "已拟合" for s in _table(page, "fit_status"))
    assert "百度指数/AI" in page.locator("#attention-limit").inner_text()
    screenshot(page, "attention-zh")

    choose(watched, "attention-filter-series", "百度指数 · AI")
    assert _query(page) == {"series": ["百度指数/AI"], "norm": ["peak"], "window": ["-14..90"]}
    expect(page.locator("#attention-years .gtitle")).to_contain_text("百度指数 · AI")
    half_lives = _table(page, "half_life_days")
    # A large constant baseline under a drifting level: the page warns about it.
    assert "拟合基线" in page.locator("#attention-caution").inner_text()

    click(watched, "#attention-filter-norm >> text=原始值")
    assert _query(page)["norm"] == ["raw"]
    expect(page.locator("#attention-years .g-ytitle")).to_have_text("指数值（原始）")

    # The back button restores the share-of-peak view; the URL alone reproduces the raw one.
    url = page.url
    go_back(watched)
    expect(page.locator("#attention-years .g-ytitle")).to_have_text("关注度（峰值 = 1）")
    fresh_watch = watch(browser)
    fresh = _open(fresh_watch, url)
    expect(fresh.locator("#attention-years .g-ytitle")).to_have_text("指数值（原始）")
    assert _table(fresh, "half_life_days") == half_lives
    assert graph_traces(fresh, "attention-years") == graph_traces(page, "attention-years")
    watched.clean()
    fresh_watch.clean()


def test_the_language_switch_changes_every_label_and_keeps_the_filters(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = _open(watched, demo_server + "/attention?series=plays:all&window=-30..120")
    assert [t["name"] for t in graph_traces(page, "attention-years")] == ["2024年", "2025年"]
    click(watched, "#lang-switch >> text=EN")
    query = _query(page)
    assert (query["lang"], query["series"], query["window"]) == (
        ["en"],
        ["plays:all"],
        ["-30..120"],
    )
    assert page.locator("#attention-title").inner_text() == "Attention after Spring Festival"
    assert page.locator("#nav-attention").inner_text() == "Attention"
    expect(page.locator("#attention-years .gtitle")).to_have_text(
        "Attention after Spring Festival, years overlaid · Plays · All platforms"
    )
    expect(page.locator("#attention-decline .ag-header-cell-text").first).to_have_text(
        "Spring Festival year"
    )
    assert [t["name"] for t in graph_traces(page, "attention-years")] == ["2024", "2025"]
    headers = page.locator("#attention-decline .ag-header-cell-text").all_inner_texts()
    assert "Half-life (days)" in headers and "+30 d obs." in headers
    assert set(_table(page, "fit_status")) == {"Fitted"}
    body = page.locator("main").inner_text()
    # Series keywords are data (written in Chinese); everything else is English.
    for keyword in ("微信指数/AI春晚", "百度指数/AI", "AI春晚"):
        body = body.replace(keyword, "")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body), body
    screenshot(page, "attention-en")
    watched.clean()
