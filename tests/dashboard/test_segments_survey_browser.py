"""The segments page with another survey loaded, in real headless Chromium: picking that survey
shows a rule builder over its own questions, a condition chosen there is in the URL and the
segment's heading, and the clusters of its own run, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.dashboard.browser import (
    choose,
    click,
    graph_title,
    graph_traces,
    open_page,
    screenshot,
    serve,
    watch,
)

pytestmark = pytest.mark.browser


def test_picking_another_survey_builds_segments_from_its_own_questions(
    browser: Browser, world_segments_home: Path, tmp_path: Path
) -> None:
    # One worker: the page is drawn once, and a busy machine starts one worker sooner than two.
    with serve(world_segments_home, tmp_path / "server.log", workers=1) as url:
        watched = watch(browser)
        page = open_page(watched, url + "/segments")
        assert page.locator("#segments-filter-a_city").count() == 1  # the gala's page first
        choose(watched, "segments-filter-survey", "全球AI创作者调查")
        page.wait_for_selector("#segments-filter-a_q_tools")
        assert "survey=world-creators" in page.url
        assert page.locator("#segments-filter-a_city").count() == 0
        assert page.locator("#segments-filter-a_q_edu label").inner_text() == "您的最高学历"
        choose(watched, "segments-filter-a_q_edu", "硕士")
        assert "a_q_edu=master" in page.url
        page.wait_for_selector("#segments-a-heading >> text=分群 A · 硕士")
        assert page.locator("#segments-kpi-a-share").inner_text().endswith("%")
        choose(watched, "segments-filter-dim", "您用过哪些工具")
        assert graph_title(page, "segments-lift") == "分群画像：提升度 · 您用过哪些工具"
        assert graph_traces(page, "segments-lift")[0]["n"] == 4
        assert graph_traces(page, "segments-cluster_profile")[0]["n"] >= 2
        descriptions = page.locator(
            '#segments-clusters .ag-center-cols-container [col-id="cluster_description"]'
        ).all_inner_texts()
        assert descriptions and "AI春晚" not in page.locator(".page-segments").inner_text()
        screenshot(page, "segments_other_survey_zh")
        click(watched, "#lang-switch >> text=EN")
        page.wait_for_selector("#segments-a-heading >> text=Segment A · Master")
        assert graph_title(page, "segments-lift") == "Segment profile: lift · Tools you have used"
        assert "Clustered on: Country you live in" in page.locator("#segments-run").inner_text()
        screenshot(page, "segments_other_survey_en")
        assert not watched.errors, watched.errors
