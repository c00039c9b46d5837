"""The served page in real headless Chromium: tables and counts from the live warehouse."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from etl.ingest import ingest_files
from tests.builders import WJX_META, WJX_QUESTIONS, wjx_row, write_xlsx
from warehouse.settings import Settings

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
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path, settings: Settings) -> Iterator[str]:
    """`creatorpulse serve` (gunicorn, 2 workers) over a small warehouse."""
    ingest_files(
        settings,
        [
            write_xlsx(
                tmp_path / "wjx_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1), wjx_row(2)]
            )
        ],
    )
    port = _free_port()
    env = dict(os.environ, CREATORPULSE_ID_KEY="test-secret")
    log = tmp_path / "server.log"  # a file, not a pipe: a full pipe would stall the server
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "etl.cli",
                "serve",
                "--home",
                str(settings.home),
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    f"server did not start: {log.read_text(errors='replace')[-2000:]}"
                ) from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def _row(page: Page, table: str) -> str:
    cell = page.get_by_role("cell", name=table, exact=True)
    return page.locator("#tables tr").filter(has=cell).inner_text()


def test_the_page_lists_tables_with_row_counts_and_picks_up_a_new_load(
    server: str, tmp_path: Path, settings: Settings
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server)
        page.wait_for_selector("#tables")
        text = page.inner_text("#tables")
        assert "fct_survey_response" in text
        row = _row(page, "fct_survey_response")
        assert row.split()[-1] == "2"
        assert "数据仓库概览" in page.inner_text("h1")
        page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
        # A load published while the app runs shows on the next page load, without a restart.
        ingest_files(
            settings,
            [write_xlsx(tmp_path / "more_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(3)])],
        )
        page.reload()
        page.wait_for_selector("#tables")
        row = _row(page, "fct_survey_response")
        assert row.split()[-1] == "3"
        browser.close()
    assert errors == []
