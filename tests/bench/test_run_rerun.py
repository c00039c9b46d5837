"""`python -m bench.run --only`: re-running some benchmarks after a full run keeps the others'
results, and the results page says which were re-run, when and on which commit."""

from __future__ import annotations

import json
from pathlib import Path

from bench import report, run


def _result(bench: str, title: str, measured: str) -> dict:
    return {
        "bench": bench,
        "title": title,
        "targets": [
            {"work": f"{bench} work", "target": "≤ 1 s", "measured": measured, "met": True}
        ],
        "details": f"{title} details",
    }


def _facts(commit: str) -> dict:
    return {
        "cpu": "x86",
        "cores": 2,
        "memory_gb": 24,
        "os": "Linux",
        "python": "3.11",
        "libraries": {"duckdb": "2.0.0"},
        "commit": commit,
        "load": [0.1, 0.1, 0.1],
    }


def test_a_rerun_replaces_only_its_benchmarks_and_is_named_on_the_page(tmp_path: Path) -> None:
    full = {
        "machine": _facts("aaaa111"),
        "instance": {"seed": 1, "platform_rows": 10, "respondents": 5, "files": 2, "megabytes": 1},
        "finished_at": "2026-12-07 02:00 UTC",
        "timings": {"instance": 1.0, "ingest": 30.0, "callbacks": 600.0},
        "failures": [{"bench": "callbacks", "reason": "exit code 1"}],
        "small": False,
    }
    again = {
        "machine": _facts("bbbb222"),
        "instance": full["instance"],
        "finished_at": "2026-12-07 03:30 UTC",
        "timings": {"instance": 0.5, "callbacks": 550.0},
        "failures": [],
        "small": False,
    }
    merged = run.merged_run(full, again, ["callbacks"])
    assert merged["finished_at"] == "2026-12-07 02:00 UTC"
    assert merged["machine"]["commit"] == "aaaa111"
    assert merged["timings"] == {"instance": 0.5, "ingest": 30.0, "callbacks": 550.0}
    assert merged["failures"] == []
    assert merged["reruns"] == [
        {"benches": ["callbacks"], "finished_at": "2026-12-07 03:30 UTC", "commit": "bbbb222"}
    ]
    twice = run.merged_run(
        merged, {**again, "failures": [{"bench": "lake", "reason": "x"}]}, ["lake"]
    )
    assert [r["benches"] for r in twice["reruns"]] == [["callbacks"], ["lake"]]
    assert twice["failures"] == [{"bench": "lake", "reason": "x"}]

    results = tmp_path / "results"
    results.mkdir()
    for bench, title in (("ingest", "平台导入 ingest"), ("callbacks", "Callbacks")):
        measured = "2.0×" if bench == "ingest" else "p95 120 ms"
        (results / f"{bench}.json").write_text(
            json.dumps(_result(bench, title, measured), ensure_ascii=False), encoding="utf-8"
        )
    page = report.render(results, merged)
    assert "except the benchmarks re-run alone afterwards" in page
    assert "--only callbacks" in page and "commit bbbb222" in page
    assert "## 平台导入 ingest" in page and "## Callbacks" in page
    assert "| callbacks work | ≤ 1 s | p95 120 ms | yes |" in page
    plain = report.render(results, full)
    assert "re-run alone" not in plain and "every figure below is from that one run." in plain
