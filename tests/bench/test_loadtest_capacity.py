"""The load test's capacity arithmetic: the server's CPU time and what the users asked of it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bench import loadtest


def test_descendants_cpu_seconds_counts_a_busy_child() -> None:
    before = loadtest.descendants_cpu_seconds()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5: pass\ntime.sleep(30)",
        ]
    )
    try:
        deadline = time.monotonic() + 20
        while loadtest.descendants_cpu_seconds() - before < 0.4 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert loadtest.descendants_cpu_seconds() - before >= 0.4
    finally:
        child.kill()
        child.wait()


def test_capacity_compares_what_the_users_asked_with_the_cores() -> None:
    events = {"fresh_server_cpu_s": 60.0, "fresh_users": 50}
    capacity = loadtest._capacity(events, opens=100, seconds=30.0)
    assert capacity is not None
    think = sum(loadtest.THINK_S) / 2
    assert capacity["cpu_s_per_open"] == pytest.approx(0.6)
    assert capacity["asked_cores"] == pytest.approx(round(50 / think * 0.6, 1))
    cores = loadtest.os.cpu_count()
    assert capacity["budget_cpu_ms_per_open"] == round(cores * (think + 0.5) / 50 * 1000)
    assert "page open" in capacity["text"]
    assert loadtest._capacity({"fresh_users": 50}, opens=100, seconds=30.0) is None
