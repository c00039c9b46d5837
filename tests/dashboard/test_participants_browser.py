"""The participants page in real headless Chromium: the base map drawn from the app's own assets,
filters through the URL, the language switch, and a CSV download."""

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


def _summary(page) -> str:
    return page.locator("#participants-summary").inner_text()


def _bars(page, graph_id: str) -> int:
    return graph_traces(page, graph_id)[0]["n"]


def _rows(page, graph_id: str) -> list[str]:
    return page.evaluate(
        "id => document.querySelector('#' + id + ' .js-plotly-plot').data[0].y", graph_id
    )


def test_the_page_draws_its_base_map_offline_and_filters_through_the_url(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = watched.page
    fetched: list[tuple[str, int]] = []
    page.on("response", lambda r: fetched.append((r.url, r.status)))
    page = open_page(watched, demo_server + "/participants")
    assert page.locator("#participants-title").inner_text() == "参与者画像"
    assert graph_title(page, "participants-map") == "参与者所在城市"
    # The base map came from the app's assets (never the CDN) and was drawn: land, borders,
    # China shaded, one bubble per city.
    # Plotly may fetch the base map just after the title is drawn: wait for its response.
    for _ in range(150):
        if any("topojson" in u for u, _s in fetched):
            break
        page.wait_for_timeout(100)
    topojson = [(u, s) for u, s in fetched if "topojson" in u]
    assert topojson == [(demo_server + "/assets/topojson/asia_50m.json", 200)]
    assert not [u for u, _ in fetched if "cdn.plot.ly" in u]
    geo = page.locator("#participants-map .geo")
    assert geo.locator(".layer.land path").count() >= 1
    assert geo.locator(".layer.countries path").count() >= 1
    assert geo.locator(".choroplethlocation").count() == 4
    assert geo.locator(".scattergeo .point").count() > 20
    before = _summary(page)
    assert before.startswith("符合筛选条件的参与者：450 人")
    assert _bars(page, "participants-role") == 10
    screenshot(page, "participants-zh")

    choose(watched, "participants-filter-role", "设计师")
    expect(page).to_have_url(re.compile(r"/participants\?.*role=designer"))
    filtered_url = page.url
    after = _summary(page)
    assert after != before
    assert _bars(page, "participants-role") == 1
    assert _rows(page, "participants-age_role") == ["设计师"]  # one role left in role x age

    # The back button restores the previous view; the URL alone reproduces the filtered one.
    go_back(watched)
    assert _summary(page) == before
    fresh = watch(browser)
    open_page(fresh, filtered_url)
    assert _summary(fresh.page) == after
    assert _bars(fresh.page, "participants-role") == 1
    fresh.clean()

    name, rows, raw = download_csv(page, "#participants-map-downloads >> text=CSV")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert name.startswith("creatorpulse-participants-map-")
    assert rows[0][:3] == ["城市代码", "城市（中文）", "城市（英文）"]
    assert rows[1][1] == "上海"
    watched.clean()


def test_the_language_switch_changes_every_label_and_keeps_the_filters(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/participants?edition=2024&city=310000,overseas")
    zh_summary = _summary(page)
    click(watched, "#lang-switch >> text=EN")
    expect(page).to_have_url(re.compile(r"lang=en"))
    assert "city=310000%2Coverseas" in page.url or "city=310000,overseas" in page.url
    assert page.locator("#participants-title").inner_text() == "Participants"
    assert _summary(page).split()[0] == zh_summary.split("：")[1].split()[0]
    assert graph_title(page, "participants-map") == "Where participants live"
    assert graph_title(page, "participants-tools") == "AI tools used (multiple choice)"
    body = page.locator("main").inner_text()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body.replace("AI春晚", "")), body
    svg = page.locator("#participants-role_city .xtick text").all_text_contents()
    assert svg == ["Shanghai", "Overseas"]
    # The English view of the whole page, unfiltered.
    open_page(watched, demo_server + "/participants?lang=en")
    screenshot(page, "participants-en")
    watched.clean()
