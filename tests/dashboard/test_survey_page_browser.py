"""The participants page with a second survey loaded, in real headless Chromium: picking the other
survey shows its own questions and a world map drawn from the app's own assets (never a CDN), in
Chinese and in English."""

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
from tests.dashboard.world_survey import add_world_survey
from warehouse.settings import Settings

pytestmark = pytest.mark.browser


def test_picking_another_survey_shows_its_questions_and_a_world_map(
    browser: Browser, demo_settings: Settings, tmp_path: Path
) -> None:
    home = add_world_survey(demo_settings.home, tmp_path / "home")
    with serve(home, tmp_path / "server.log") as url:
        watched = watch(browser)
        fetched: list[tuple[str, int]] = []
        watched.page.on("response", lambda r: fetched.append((r.url, r.status)))
        page = open_page(watched, url + "/participants")
        # The gala's page first, as before, with the survey selector added.
        assert graph_title(page, "participants-experience") == "AI创作经验"
        choose(watched, "participants-filter-survey", "全球AI创作者调查")
        page.wait_for_selector("#participants-q-q_edu")
        assert "survey=world-creators" in page.url
        summary = page.locator("#participants-summary").inner_text()
        assert summary == "全球AI创作者调查（2024年）：38 位受访者"
        assert page.locator("#participants-experience .js-plotly-plot").count() == 0
        assert graph_title(page, "participants-q-q_edu") == "您的最高学历"
        assert graph_title(page, "participants-q-q_tools") == "您用过哪些工具（多选）"
        assert "AI春晚" not in page.locator("#participants-survey").inner_text()
        assert graph_traces(page, "participants-world")[0]["n"] >= 2
        assert page.locator("#participants-world .choroplethlocation").count() >= 2
        topojson = [(u, s) for u, s in fetched if "topojson" in u]
        assert (url + "/assets/topojson/world_110m.json", 200) in topojson
        assert not [u for u, _ in fetched if "cdn.plot.ly" in u]
        assert graph_traces(page, "participants-crosstab")[0]["n"] > 0
        screenshot(page, "participants_other_survey_zh")
        # The cross-tab's dropdowns pick any two questions.
        choose(watched, "participants-filter-xcol", "您对社区的满意度")
        assert "xcol=q_sat" in page.url
        assert "您对社区的满意度" in graph_title(page, "participants-crosstab")
        click(watched, "#lang-switch >> text=EN")
        page.wait_for_selector("text=Global AI creator survey (2024): 38 respondents")
        assert graph_title(page, "participants-q-q_edu") == "Highest education"
        assert graph_title(page, "participants-world") == "Respondents by country"
        screenshot(page, "participants_other_survey_en")
        assert not watched.errors, watched.errors
