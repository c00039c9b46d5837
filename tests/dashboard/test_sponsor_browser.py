"""The sponsor report in Chromium: a sponsor signs in straight to its own report; an organizer
switches sponsors through the URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.dashboard.browser import choose, click, open_page, screenshot, sign_in, watch
from tests.dashboard.users import username

pytestmark = pytest.mark.browser


def test_a_sponsor_lands_on_its_own_report_and_sees_no_other_page(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser, role=None)
    page = watched.page
    page.goto(demo_server + "/")
    sign_in(page, username("sponsor"))
    expect(page).to_have_url(demo_server + "/sponsor")
    watched.role = "sponsor"
    open_page(watched, demo_server + "/sponsor?sponsor=S02")
    assert page.locator("#sponsor-name").inner_text() == "极光算力（S01）"
    assert page.locator("#nav").inner_text().split() == ["赞助报告"]
    assert page.locator("#sponsor-filter-sponsor").count() == 0
    screenshot(page, "sponsor-zh")
    click(watched, "#lang-switch >> text=EN")
    assert page.locator("#sponsor-title").inner_text() == "Sponsor reach report"
    assert page.locator("#sponsor-name").inner_text().startswith("Aurora Compute")
    screenshot(page, "sponsor-en")
    open_page(watched, demo_server + "/participants")
    assert page.locator("#no-access").count() == 1
    watched.clean()


def test_an_organizer_switches_sponsor_through_the_url(browser: Browser, demo_server: str) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/sponsor")
    assert page.locator("#sponsor-name").inner_text() == "极光算力（S01）"
    choose(watched, "sponsor-filter-sponsor", "星河云（S02）")
    expect(page).to_have_url(demo_server + "/sponsor?sponsor=S02")
    assert page.locator("#sponsor-name").inner_text() == "星河云（S02）"
    href = page.locator("#sponsor-report-xlsx").get_attribute("href")
    assert href == "/report/sponsor.xlsx?lang=zh&sponsor=S02"
    watched.clean()
