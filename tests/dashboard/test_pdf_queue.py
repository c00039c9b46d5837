"""PDF reports are rendered a few at a time: the rest wait in a bounded queue, and beyond it
are told to retry (503 with Retry-After), never crash or start more Chromiums."""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import pytest
from dash import Dash

from tests.dashboard.callbacks import signed_in_client
from warehouse.settings import Settings


@pytest.mark.usefixtures("demo_data")
def test_concurrent_pdf_requests_never_render_more_than_the_cap_and_the_overflow_gets_503(
    dash_app: Dash, demo_data: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATORPULSE_PDF_CONCURRENCY", "2")
    monkeypatch.setenv("CREATORPULSE_PDF_QUEUE", "3")
    monkeypatch.setenv("CREATORPULSE_PDF_QUEUE_WAIT_S", "600")
    counted = {"active": 0, "peak": 0, "renders": 0}
    lock, release = threading.Lock(), threading.Event()

    def render(report: object) -> bytes:
        """Stands in for Chromium: counts the renders running at once, inside the server."""
        with lock:
            counted["active"] += 1
            counted["peak"] = max(counted["peak"], counted["active"])
        release.wait(timeout=120)
        with lock:
            counted["active"] -= 1
            counted["renders"] += 1
        return "%PDF-1.4 赞助商报告".encode()

    view = dash_app.server.view_functions["sponsor_report_file"]
    monkeypatch.setitem(view.__globals__, "report_pdf_bytes", render)
    clients = [signed_in_client(dash_app, "sponsor") for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(c.get, "/report/sponsor.pdf?lang=zh") for c in clients]
        # Two render and three wait, so the other three are answered while the renders hang.
        pending = set(futures)
        while len(futures) - len(pending) < 3:
            done, pending = wait(pending, timeout=60, return_when=FIRST_COMPLETED)
            if not done:  # every request is rendering at once: no cap
                release.set()
                pytest.fail(f"no request was refused; {counted['active']} renders at once")
        early = [f.result() for f in futures if f.done()]
        release.set()
        responses = [f.result(timeout=120) for f in futures]
    assert [r.status_code for r in early] == [503, 503, 503]
    assert all(r.headers["Retry-After"] == "150" for r in early)
    assert "queue is full: try again in 150 s" in early[0].get_data(as_text=True)
    assert sorted(r.status_code for r in responses) == [200] * 5 + [503] * 3
    assert counted == {"active": 0, "peak": 2, "renders": 5}
    assert all(r.data == "%PDF-1.4 赞助商报告".encode() for r in responses if r.status_code == 200)
