"""The segments page in real headless Chromium: building a segment through the URL, starting
segment B from a saved segment, the comparison as a shareable link, the language switch and the
learned clusters."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from survey.segments import run_clustering, store_segments
from tests.dashboard.browser import (
    choose,
    click,
    go_back,
    graph_title,
    graph_traces,
    open_page,
    screenshot,
    serve,
    settle,
    watch,
)
from warehouse.settings import Settings

pytestmark = pytest.mark.browser

SHANGHAI = quote("上海")


@pytest.fixture(scope="module")
def segments_server(
    demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server over a copy of the demo warehouse with saved segments and a clustering run."""
    root = tmp_path_factory.mktemp("segments-browser")
    home = root / "home"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples"))
    mp = pytest.MonkeyPatch()
    mp.setenv("CREATORPULSE_ID_KEY", "demo-session-secret")
    try:
        store_segments(home)
        run_clustering(home, k=3)
    finally:
        mp.undo()
    with serve(home, root / "server.log") as url:
        yield url


def _kpi(page: Page, name: str) -> str:
    return page.locator(f"#segments-kpi-{name}").inner_text()


def _grid_cells(page: Page, grid: str, column: str) -> list[str]:
    return page.locator(f'#{grid} .ag-center-cols-container [col-id="{column}"]').all_inner_texts()


def test_a_segment_built_in_the_page_is_in_the_url_and_the_url_reproduces_it(
    browser: Browser, segments_server: str
) -> None:
    watched = watch(browser)
    page = open_page(watched, segments_server + "/segments")
    assert page.locator("#segments-title").inner_text() == "分群分析"
    everyone = _kpi(page, "a-size")
    assert _kpi(page, "a-share") == "100.0%"

    choose(watched, "segments-filter-a_city", "上海")
    page.keyboard.press("Escape")
    choose(watched, "segments-filter-a_role", "产品经理")
    page.keyboard.press("Escape")
    settle(watched)
    expect(page).to_have_url(
        re.compile(r"/segments\?a_city=%E4%B8%8A%E6%B5%B7&a_role=product_manager")
    )
    size, shared = _kpi(page, "a-size"), page.url
    assert size != everyone
    assert page.locator("#segments-a-heading").inner_text() == "分群 A · 产品经理 · 上海"
    # Role is now a condition, so the lift chart moved on to the next dimension (age).
    assert graph_title(page, "segments-lift") == "分群画像：提升度 · 年龄段"
    assert [t["name"] for t in graph_traces(page, "segments-lift")] == ["分群 A"]
    assert [t["name"] for t in graph_traces(page, "segments-outcomes")] == ["分群 A", "全部参与者"]

    # The back button restores the previous view; the URL alone reproduces this one.
    go_back(watched)
    assert _kpi(page, "a-size") != size
    fresh = open_page(watch(browser), shared)
    assert _kpi(fresh, "a-size") == size
    assert graph_title(fresh, "segments-lift") == "分群画像：提升度 · 年龄段"
    watched.clean()


def test_segment_b_starts_from_a_saved_segment_and_the_comparison_is_a_shareable_link(
    browser: Browser, segments_server: str
) -> None:
    watched = watch(browser)
    page = open_page(watched, f"{segments_server}/segments?a_city={SHANGHAI}")
    choose(watched, "segments-filter-saved_b", "一线城市产品经理")
    expect(page).to_have_url(re.compile(r"b_role=product_manager&b_tier=1&.*saved_b=tier1-pm$"))
    assert f"a_city={SHANGHAI}" in page.url
    assert page.locator("#segments-b-heading").inner_text() == "分群 B · 一线城市产品经理"
    assert [t["name"] for t in graph_traces(page, "segments-lift")] == ["分群 A", "分群 B"]
    assert _grid_cells(page, "segments-compare", "segment_b")[0] == _kpi(page, "b-size")
    size_b = _kpi(page, "b-size")

    # Changing one of B's conditions keeps where it came from and says it was changed.
    choose(watched, "segments-filter-b_tier", "新一线城市")
    page.keyboard.press("Escape")
    settle(watched)
    assert "b_tier=1%2Cnew_1" in page.url and "saved_b=tier1-pm" in page.url
    assert "基于「一线城市产品经理」修改" in page.locator("#segments-b-heading").inner_text()
    assert _kpi(page, "b-size") != size_b

    shared = open_page(watch(browser), page.url)
    assert _kpi(shared, "b-size") == _kpi(page, "b-size")
    assert [t["name"] for t in graph_traces(shared, "segments-outcomes")] == [
        "分群 A",
        "分群 B",
        "全部参与者",
    ]
    # The learned clusters of the latest run, with their profile.
    assert len(_grid_cells(shared, "segments-clusters", "cluster_id")) == 3
    assert graph_title(shared, "segments-cluster_profile") == "群体画像 · 职业/角色"
    screenshot(shared, "segments-zh")
    watched.clean()


def test_the_language_switch_changes_every_label_and_keeps_the_segments(
    browser: Browser, segments_server: str
) -> None:
    watched = watch(browser)
    url = f"{segments_server}/segments?a_city={SHANGHAI}&b_role=product_manager&b_tier=1&saved_b=tier1-pm"
    page = open_page(watched, url)
    click(watched, "#lang-switch >> text=EN")
    assert "lang=en" in page.url and "saved_b=tier1-pm" in page.url
    assert page.locator("#segments-title").inner_text() == "Segments"
    assert page.locator("#nav-segments").inner_text() == "Segments"
    assert page.locator("#segments-a-heading").inner_text() == "Segment A · Shanghai"
    assert page.locator("#segments-b-heading").inner_text() == (
        "Segment B · Product managers in tier-1 cities"
    )
    assert graph_title(page, "segments-outcomes") == "Segment outcomes compared"
    assert graph_title(page, "segments-cluster_profile") == "Cluster profiles · Role"
    body = page.locator("main").inner_text()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body), body
    screenshot(page, "segments-en")
    click(watched, "#lang-switch >> text=中文")
    assert page.locator("#segments-title").inner_text() == "分群分析"
    watched.clean()
