"""Fixtures of the dashboard tests: the app (created once per process), a server over the demo
warehouse, and headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Dash
from playwright.sync_api import Browser, sync_playwright

from dashboard import data
from dashboard.app import create_app
from tests.dashboard.browser import CHROMIUM, CHROMIUM_ARGS, close_contexts, serve
from tests.dashboard.users import ensure_test_users
from warehouse.settings import Settings

# The session secret comes from the environment (as in production); a test-only value.
os.environ.setdefault("CREATORPULSE_SECRET_KEY", "test-session-secret-" + "x" * 32)
# Dash pages register globally and only after an app exists, so the app is created before any
# test module imports a page (`from dashboard.pages import overview`).
APP = create_app()


@pytest.fixture(scope="session")
def dash_app() -> Dash:
    """The Dash app with every page registered (one per process)."""
    return APP


@pytest.fixture
def demo_data(
    dash_app: Dash, demo_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The dashboard's data module reading the (read-only) demo warehouse."""
    monkeypatch.setenv("CREATORPULSE_HOME", str(demo_settings.home))
    ensure_test_users(demo_settings.home)
    data.clear_cache()
    yield demo_settings
    data.clear_cache()


@pytest.fixture(scope="session")
def demo_server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's demo server writes its log (stderr: gunicorn and access lines)."""
    return tmp_path_factory.mktemp("server") / "server.log"


@pytest.fixture(scope="session")
def demo_server(demo_settings: Settings, demo_server_log: Path) -> Iterator[str]:
    """`creatorpulse serve` over the demo warehouse for the whole test session (read-only)."""
    with serve(demo_settings.home, demo_server_log) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright (its own browser download can't work offline)."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def server_log(tmp_path: Path) -> Path:
    """Where a test's own server writes its log."""
    return tmp_path / "server.log"


@pytest.fixture
def as_organizer(dash_app: Dash, demo_data: Settings) -> Iterator[None]:
    """Direct calls of page functions run as the organizer's test account (who sees exact
    counts); without a signed-in user pages show only groups of k or more."""
    from tests.dashboard.callbacks import as_user

    with as_user(dash_app, "organizer"):
        yield


@pytest.fixture(autouse=True)
def _close_browser_contexts() -> Iterator[None]:
    """Each test's browser pages are closed when it ends."""
    yield
    close_contexts()


@pytest.fixture(scope="session")
def world_segments_home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse plus the world survey (tests/dashboard/world_survey.py) and one quick
    clustering run of that survey: a home of its own, read-only for the tests that share it."""
    import dataclasses

    from survey.segments import load_clustering_config, run_clustering
    from tests.dashboard.world_survey import SURVEY_ID, add_world_survey

    home = add_world_survey(demo_settings.home, tmp_path_factory.mktemp("world-seg") / "home")
    ensure_test_users(home)
    quick = dataclasses.replace(load_clustering_config(), n_bootstrap=2, n_init=2, k_max=4)
    run_clustering(home, config=quick, questionnaire_id=SURVEY_ID)
    return home
