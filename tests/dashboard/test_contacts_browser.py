"""The contacts page in Chromium: the masked list arrives a page at a time, and a selected
participant's contacts are revealed (and logged)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.dashboard.browser import click, open_page, screenshot, watch

pytestmark = pytest.mark.browser


def test_an_organizer_pages_through_the_masked_list_and_reveals_one(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser)
    page = open_page(watched, demo_server + "/contacts")
    rows = page.locator("#contacts-list .ag-center-cols-container .ag-row")
    expect(rows).to_have_count(20)
    phones = page.locator('#contacts-list .ag-center-cols-container [col-id="phone"]')
    assert all("****" in p for p in phones.all_inner_texts() if p)
    first_page = page.locator('#contacts-list [row-index="0"] [col-id="participant_id"]')
    first_id = first_page.inner_text()
    click(watched, "#contacts-list .ag-paging-button[aria-label='Next Page']")
    expect(page.locator('#contacts-list [row-index="20"]')).to_have_count(1)
    click(watched, "#contacts-list .ag-paging-button[aria-label='Previous Page']")
    expect(first_page).to_have_text(first_id)
    click(watched, '#contacts-list [row-index="0"] .ag-checkbox-input')
    click(watched, "#contacts-reveal")
    expect(page.locator("#contacts-revealed-list li").first).to_be_visible()
    assert "已记入审计日志" in page.locator("#contacts-revealed").inner_text()
    screenshot(page, "contacts-zh")
    watched.clean()
