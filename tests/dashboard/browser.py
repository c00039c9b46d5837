"""Helpers for the dashboard's browser tests: a served warehouse, Chromium, and a page that
records every console error and every failed callback request."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Request, Response

from tests.dashboard.users import PASSWORD, ensure_test_users, username

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(home: Path, log: Path, *, workers: int = 2) -> Iterator[str]:
    """`creatorpulse serve` (gunicorn) over `home` until the block ends; yields the base URL."""
    ensure_test_users(home)
    port = free_port()
    env = dict(os.environ, CREATORPULSE_ID_KEY="test-secret")
    with open(log, "wb") as sink:  # a file, not a pipe: a full pipe would stall the server
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli",
                "serve",
                "--home",
                str(home),
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=sink,  # gunicorn's access log
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/login", timeout=5) as response:
                    response.read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"server did not start: {log.read_text(errors='replace')[-3000:]}"
                    ) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()  # reaped: an unreaped child is a ResourceWarning (an error here)


@dataclass
class Watched:
    """A browser page plus what went wrong on it: console errors, page errors, failed requests,
    and the Dash requests still in flight (for `settle`)."""

    page: Page
    role: str | None = "organizer"
    errors: list[str] = field(default_factory=list)
    in_flight: int = 0
    last_activity: float = field(default_factory=time.monotonic)
    requests: int = 0  # Dash requests started so far

    def clean(self) -> None:
        """Assert that nothing went wrong so far."""
        assert self.errors == [], self.errors


_OPEN_CONTEXTS: list[BrowserContext] = []


def close_contexts() -> None:
    """Close every context `watch` opened (each holds renderer processes until closed)."""
    while _OPEN_CONTEXTS:
        _OPEN_CONTEXTS.pop().close()


def watch(
    browser: Browser, *, role: str | None = "organizer", accept_downloads: bool = True
) -> Watched:
    """A new page in its own context whose console errors and failed callbacks are recorded.

    `open_page` signs in as the test account of `role` when the app asks (None: stay out).
    """
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=accept_downloads)
    _OPEN_CONTEXTS.append(context)
    page = context.new_page()
    watched = Watched(page, role)
    page.on(
        "console",
        lambda m: watched.errors.append(f"console: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: watched.errors.append(f"pageerror: {e}"))

    def on_response(response: Response) -> None:
        if "/_dash-" in response.url and response.status >= 400:
            watched.errors.append(f"{response.status} {response.url}")

    def started(request: Request) -> None:
        if "/_dash-" in request.url:
            watched.in_flight += 1
            watched.requests += 1
            watched.last_activity = time.monotonic()

    def ended(request: Request) -> None:
        if "/_dash-" in request.url:
            watched.in_flight -= 1
            watched.last_activity = time.monotonic()

    page.on("response", on_response)
    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    return watched


def go_back(watched: Watched, timeout_s: float = 30) -> None:
    """Press the browser's back button and wait for the redraw it sets off.

    The restored URL's callbacks start only once the browser has delivered the popstate, which
    may come after a `settle` that found nothing in flight yet: wait for a request first."""
    seen = watched.requests
    watched.page.go_back()
    deadline = time.monotonic() + timeout_s
    while watched.requests == seen and time.monotonic() < deadline:
        watched.page.wait_for_timeout(50)
    settle(watched)


def settle(watched: Watched, quiet_s: float = 0.6, timeout_s: float = 60) -> None:
    """Wait until no Dash request has been in flight for `quiet_s` and no spinner shows.

    (Playwright's "networkidle" load state is reached once per navigation, so it can't tell
    when the callbacks a click set off have finished.)"""
    page = watched.page
    deadline = time.monotonic() + timeout_s
    while True:
        page.wait_for_timeout(50)  # lets Playwright deliver request events
        quiet = time.monotonic() - watched.last_activity
        if watched.in_flight <= 0 and quiet >= quiet_s:
            loading = page.evaluate(
                "() => !!document.querySelector('[data-dash-is-loading=\"true\"]')"
            )
            if not loading:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"dashboard still busy after {timeout_s}s ({watched.in_flight})")


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill in and submit the sign-in form the page shows."""
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_load_state("load")


def open_page(watched: Watched, url: str) -> Page:
    """Go to `url` (signing in first if the app asks) and wait for its callbacks to finish."""
    page = watched.page
    page.goto(url)
    page.wait_for_load_state("load")
    if "/login" in page.url and watched.role is not None:
        sign_in(page, username(watched.role))
        if page.url != url:
            page.goto(url)
            page.wait_for_load_state("load")
    settle(watched)
    return page


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as tests/artifacts/NAME.png (looked at before resolving)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose(watched: Watched, control_id: str, option_text: str) -> None:
    """Pick `option_text` in the dcc.Dropdown whose wrapper has the DOM id `control_id`."""
    page = watched.page
    page.locator(f"#{control_id} .dash-dropdown, #{control_id} [role=combobox]").first.click()
    # Narrow the open list to the option first: on a busy machine a long list can still be
    # scrolling when the click lands, and the click then picks a neighbouring option.
    search = page.locator("input.dash-dropdown-search:visible")
    if search.count():
        search.first.fill(option_text)
    page.get_by_role("option", name=option_text, exact=True).click()
    settle(watched)


def click(watched: Watched, selector: str) -> None:
    """Click and wait for the callbacks it sets off."""
    watched.page.locator(selector).first.click()
    settle(watched)


def graph_traces(page: Page, graph_id: str) -> list[dict]:
    """The trace names and point counts plotly drew in the dcc.Graph `graph_id` (waiting for
    plotly to draw it: on a busy machine the callback's figure can arrive before the drawing)."""
    page.wait_for_function(
        """id => {
            const gd = document.querySelector('#' + CSS.escape(id) + ' .js-plotly-plot');
            return !!gd && Array.isArray(gd.data);
        }""",
        arg=graph_id,
    )
    return page.evaluate(
        """id => {
            const gd = document.querySelector('#' + CSS.escape(id) + ' .js-plotly-plot');
            if (!gd || !gd.data) return [];
            return gd.data.map(t => ({name: t.name || null,
                n: (t.x || t.y || t.z || t.values || []).length}));
        }""",
        graph_id,
    )


def graph_title(page: Page, graph_id: str) -> str:
    """The title plotly drew in the dcc.Graph `graph_id`."""
    return page.locator(f"#{graph_id} .gtitle").first.text_content() or ""


def download_csv(page: Page, button_selector: str) -> tuple[str, list[list[str]], bytes]:
    """Click a CSV download button; (file name, rows, raw bytes)."""
    with page.expect_download() as info:
        page.locator(button_selector).click()
    download = info.value
    raw = Path(download.path()).read_bytes()
    text = raw.decode("utf-8-sig")
    return download.suggested_filename, list(csv.reader(io.StringIO(text))), raw
