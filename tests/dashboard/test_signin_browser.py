"""Signing in and out in real Chromium: the bilingual form, a refused password, each role's
navigation, the refusal of a page the role may not open, and signing out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.dashboard.browser import open_page, screenshot, settle, sign_in, watch
from tests.dashboard.users import PASSWORD, username

pytestmark = pytest.mark.browser


def test_the_sign_in_form_refuses_a_wrong_password_then_lets_the_user_in_and_out(
    browser: Browser, demo_server: str, demo_server_log: Path
) -> None:
    watched = watch(browser, role=None)
    page = watched.page
    page.goto(demo_server + "/")
    expect(page).to_have_url(demo_server + "/login?next=/")
    assert page.locator("h1").inner_text() == "登录 creatorpulse"
    page.click("text=English")
    assert page.locator("h1").inner_text() == "Sign in to creatorpulse"
    sign_in(page, username("organizer"), "wrong-password")
    assert "Wrong user name or password" in page.locator("#login-error").inner_text()
    screenshot(page, "signin-error-en")
    page.goto(demo_server + "/login?next=/")
    sign_in(page, username("organizer"), PASSWORD)
    expect(page).to_have_url(demo_server + "/")
    settle(watched)
    assert page.locator("#overview-title").inner_text() == "总览"
    assert "t-organizer" in page.locator("#user-name").inner_text()
    watched.clean()
    page.click("#sign-out")
    page.wait_for_load_state("load")
    expect(page).to_have_url(demo_server + "/login")
    page.goto(demo_server + "/")
    expect(page).to_have_url(demo_server + "/login?next=/")
    # Neither a password nor the session secret ever reaches the server's log.
    log = demo_server_log.read_text(encoding="utf-8", errors="replace")
    assert "POST /login" in log  # the access log is there and records sign-ins
    for secret in (PASSWORD, "wrong-password", os.environ["CREATORPULSE_SECRET_KEY"]):
        assert secret not in log


def test_a_researcher_sees_only_their_pages_and_a_refusal_elsewhere(
    browser: Browser, demo_server: str
) -> None:
    watched = watch(browser, role="researcher")
    page = open_page(watched, demo_server + "/")
    assert page.locator("#no-access").inner_text().endswith("你的账户无权查看此页面。")
    nav = page.locator("#nav").inner_text()
    assert "总览" not in nav
    assert "研究者" in page.locator("#user-name").inner_text()
    screenshot(page, "signin-researcher-refused")
    watched.clean()
