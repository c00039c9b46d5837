"""The retention page in real headless Chromium: switches and dropdowns drive the charts and the
URL, the URL alone reproduces the view, the back button works, and the language switch
relabels everything."""

from __future__ import annotations

import re

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


def _legend_names(page, graph_id: str) -> list[str]:
    return [t["name"] for t in graph_traces(page, graph_id) if t["name"]]


def test_switches_and_dropdowns_change_the_charts_and_the_url_which_reproduces_the_view(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/retention")
    assert page.locator("#retention-title").inner_text() == "留存"
    assert graph_title(page, "retention-cohorts") == "创作者留存（按队列 · 当期留存）"
    assert graph_title(page, "retention-lifecycle") == "创作者生命周期（每期人数）"
    assert _legend_names(page, "retention-lifecycle") == ["新创作者", "持续活跃", "回流", "沉寂"]
    assert any(n.startswith("全部创作者（") for n in _legend_names(page, "retention-survival"))
    assert "哔哩哔哩" in _legend_names(page, "retention-audience")
    assert page.locator("#retention-programs .ag-row").count() > 5
    screenshot(page, "retention-zh")

    # Unbounded retention: a new title and a new URL.
    click(watched, "#retention-filter-mode >> text=无界留存")
    expect(page).to_have_url(re.compile(r"mode=unbounded"))
    assert graph_title(page, "retention-cohorts") == "创作者留存（按队列 · 无界留存）"

    # Survival split by gender: one curve per gender (small groups left out), URL follows.
    choose(watched, "retention-filter-segment", "性别")
    expect(page).to_have_url(re.compile(r"segment=gender"))
    survival = _legend_names(page, "retention-survival")
    assert any(n.startswith("男（") for n in survival) and any(
        n.startswith("女（") for n in survival
    )
    assert "不愿透露" in page.locator("#retention-survival .gtitle-subtitle").text_content()

    # A program without a curve says why.
    choose(watched, "retention-filter-program", "远行（2025 · 无曲线）")
    expect(page).to_have_url(re.compile(r"program=P2025-01"))
    assert graph_traces(page, "retention-audience") == []
    assert "平台没有提供" in page.locator("#retention-audience .annotation").first.text_content()
    filtered_url = page.url

    # The back button restores the previous program; the URL alone gives the filtered view.
    go_back(watched)
    assert "哔哩哔哩" in _legend_names(page, "retention-audience")
    fresh_watch = watch(browser)
    fresh = open_page(fresh_watch, filtered_url)
    assert graph_title(fresh, "retention-cohorts") == "创作者留存（按队列 · 无界留存）"
    assert _legend_names(fresh, "retention-survival") == survival
    assert graph_traces(fresh, "retention-audience") == []
    watched.clean()
    fresh_watch.clean()


def test_the_language_switch_relabels_the_page_and_downloads_keep_chinese(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/retention?by=month&segment=role")
    click(watched, "#lang-switch >> text=EN")
    expect(page).to_have_url(re.compile(r"lang=en"))
    assert page.locator("#retention-title").inner_text() == "Retention"
    assert page.locator("#nav-retention").inner_text() == "Retention"
    assert graph_title(page, "retention-cohorts") == "Creator retention by cohort · bounded"
    assert (
        graph_title(page, "retention-survival") == "How long creators keep creating (Kaplan–Meier)"
    )
    assert _legend_names(page, "retention-lifecycle") == [
        "New",
        "Returning",
        "Resurrecting",
        "Dormant",
    ]
    assert any(
        n.startswith("Product manager (n=") for n in _legend_names(page, "retention-survival")
    )
    assert "Bilibili" in _legend_names(page, "retention-audience")
    header = page.locator("#retention-programs .ag-header-cell-text").all_inner_texts()
    assert "Avg % viewed" in header
    # Apart from program titles (Chinese in both languages), nothing on the page is Chinese.
    for selector in ("#retention-filters", "h1", "h2", ".note", ".ag-header"):
        text = " ".join(page.locator(selector).all_inner_texts())
        assert not re.search(r"[\u4e00-\u9fff]", text), (selector, text)
    screenshot(page, "retention-en")

    click(watched, "#lang-switch >> text=中文")
    assert page.locator("#retention-title").inner_text() == "留存"
    name, rows, raw = download_csv(page, "#retention-lifecycle-downloads >> text=CSV")
    assert raw.startswith(b"\xef\xbb\xbf") and name.startswith("creatorpulse-retention-lifecycle")
    assert rows[0][:2] == ["期", "生命周期状态"]
    assert {r[1] for r in rows[1:]} == {"新创作者", "持续活跃", "回流", "沉寂"}
    watched.clean()
