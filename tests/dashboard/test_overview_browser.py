"""The overview page in real headless Chromium: headline figures, URL filters, back button,
language switch, a CSV download, and a load published while the app runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from etl.ingest import ingest_files
from tests.builders import WJX_META, WJX_QUESTIONS, wjx_row, write_xlsx
from tests.dashboard.browser import (
    choose,
    click,
    download_csv,
    go_back,
    graph_title,
    graph_traces,
    open_page,
    screenshot,
    serve,
    settle,
    watch,
)
from warehouse.settings import Settings, load_settings

pytestmark = pytest.mark.browser


def _kpi(page, name: str) -> str:
    return page.locator(f"#overview-kpi-{name}").inner_text()


def test_the_overview_shows_the_latest_edition_and_filters_through_the_url(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/")
    assert page.locator("#overview-title").inner_text() == "总览"
    latest_participants = _kpi(page, "participants")
    assert graph_title(page, "overview-timeline") == "春节前后的每日播放量（按平台）"
    assert len(graph_traces(page, "overview-timeline")) == 6
    screenshot(page, "overview-zh")

    choose(watched, "overview-filter-edition", "第一届AI春晚")
    expect(page).to_have_url(demo_server + "/?edition=2024")
    first_participants = _kpi(page, "participants")
    assert first_participants != latest_participants
    assert "首届" in page.locator(".kpi-change").first.inner_text()

    # The back button restores the previous view; the URL alone reproduces the filtered one.
    go_back(watched)
    assert _kpi(page, "participants") == latest_participants
    fresh = open_page(watch(browser), demo_server + "/?edition=2024")
    assert _kpi(fresh, "participants") == first_participants
    watched.clean()


def test_the_language_switch_changes_every_label_and_keeps_the_filters(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/?edition=2024")
    click(watched, "#lang-switch >> text=EN")
    expect(page).to_have_url(demo_server + "/?edition=2024&lang=en")
    assert page.locator("#overview-title").inner_text() == "Overview"
    assert page.locator("#nav-overview").inner_text() == "Overview"
    assert (
        graph_title(page, "overview-timeline") == "Daily plays around Spring Festival, by platform"
    )
    assert "Bilibili" in [t["name"] for t in graph_traces(page, "overview-timeline")]
    body = page.locator("main").inner_text()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body.replace("AI春晚", "")), body
    screenshot(page, "overview-en")
    click(watched, "#lang-switch >> text=中文")
    assert page.locator("#overview-title").inner_text() == "总览"
    watched.clean()


def test_a_csv_download_opens_with_chinese_intact(browser: Browser, demo_server: str) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/?edition=2025")
    name, rows, raw = download_csv(page, "#overview-timeline-downloads >> text=CSV")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert name.startswith("creatorpulse-overview-timeline-") and name.endswith(".csv")
    assert rows[0] == ["平台", "日期", "距春节天数", "播放量"]
    assert {r[0] for r in rows[1:]} >= {"bilibili", "douyin"}
    watched.clean()


def test_a_load_published_while_the_app_runs_appears_without_a_restart(
    browser: Browser, demo_settings: Settings, tmp_path: Path, server_log: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples"))
    settings = load_settings(home)
    with serve(home, server_log) as url:
        watched = watch(browser)
        page = open_page(watched, url + "/?edition=2024")
        cell = page.locator(
            '#overview-editions .ag-row[row-index="0"] [col-id="count_respondents"]'
        )
        before = int(cell.inner_text().replace(",", ""))
        rows = [wjx_row(9000 + i) for i in range(3)]
        ingest_files(
            settings,
            [write_xlsx(tmp_path / "late_2024.xlsx", WJX_META + WJX_QUESTIONS, rows)],
            edition=2024,
        )
        # Each worker serves the new snapshot once it has re-rendered its recent pages on it
        # (`serve --warm-limit`); until then a reload shows the previous figures, never a mix.
        shown = []
        for _ in range(60):
            page.reload()
            settle(watched)
            shown.append(int(cell.inner_text().replace(",", "")))
            if shown[-1] != before:
                break
            page.wait_for_timeout(1000)
        assert shown[-1] == before + 3
        assert set(shown) <= {before, before + 3}
        watched.clean()
