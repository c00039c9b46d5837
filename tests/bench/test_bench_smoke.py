"""Every benchmark still runs: `python -m bench.run --small`, as `make bench` runs them, at smoke scale.

The figures at this scale say nothing about the targets (and no test here times anything); what is
checked is that each script ran its contender and its baseline, measured both, and that the
results page lists every target it wrote.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.run import BENCHES

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("bench-smoke")
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--small",
            "--data",
            str(root / "data"),
            "--results",
            str(root / "results"),
            "--work",
            str(root / "work"),
            "--markdown",
            str(root / "RESULTS.md"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return root, process


def _results(root: Path) -> dict[str, dict[str, Any]]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in (root / "results").glob("*.json")
        if p.stem != "run"
    }


def test_every_benchmark_runs_at_smoke_scale(smoke: tuple[Path, Any]) -> None:
    root, process = smoke
    assert process.returncode == 0, process.stdout[-4000:] + process.stderr[-4000:]
    assert set(_results(root)) == set(BENCHES)
    run = json.loads((root / "results" / "run.json").read_text(encoding="utf-8"))
    assert run["failures"] == []
    assert run["instance"]["platform_rows"] == 20_000


def test_each_benchmark_measured_its_contender_and_baseline(smoke: tuple[Path, Any]) -> None:
    root, _ = smoke
    for name, result in _results(root).items():
        assert result["targets"], f"{name} reported no target"
        for target in result["targets"]:
            assert target["work"] and target["target"] and target["measured"], (name, target)
            assert isinstance(target["met"], bool), (name, target)
            if target.get("ratio") is not None:
                assert target["ratio"] > 0, (name, target)
            if name == "callbacks":  # judged per callback: the worst case on each side
                assert target["contender"]["worst_p95_ms"] > 0, target
                assert target["baseline"]["bare_p95_ms"] > 0, target
                continue
            if name == "loadtest":  # no baseline: requests made, none failed, a new snapshot
                # published under load. (Whether one of the 4 smoke users happened to open the
                # overview after the switch is chance; test_overview_browser.py checks that a
                # published load reaches the page.)
                contender = target["contender"]
                assert contender["requests"] > 0 and contender["errors"] == 0, target
                if "distinct_opens" in contender:  # the new-filters phase: new combinations
                    assert contender["distinct_opens"] > 0, target
                else:
                    assert contender["switch_at"] is not None, target
                continue
            for side in ("contender", "baseline"):
                if target.get(side):
                    assert target[side]["seconds"] > 0, (name, side, target)
                    assert target[side]["peak_rss_mb"] > 0, (name, side, target)


def test_results_page_lists_machine_and_every_target(smoke: tuple[Path, Any]) -> None:
    root, _ = smoke
    page = (root / "RESULTS.md").read_text(encoding="utf-8")
    assert "## Machine" in page and "cores" in page
    for result in _results(root).values():
        assert f"## {result['title']}" in page
        for target in result["targets"]:
            assert target["work"].replace("|", "\\|") in page
