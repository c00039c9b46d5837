"""Turn a results folder (one JSON per benchmark) into the markdown of `bench/RESULTS.md`.

The page says on what machine and when the figures were taken, the instance's scale, one summary
row per DESIGN.md section 7 target (measured as a ratio against a baseline run in the same
invocation) and each benchmark's own details section.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

LIBRARIES = (
    "duckdb",
    "polars",
    "pandas",
    "pyarrow",
    "dash",
    "plotly",
    "scikit-learn",
    "openpyxl",
    "xlsxwriter",
    "gunicorn",
)
ORDER = (
    "ingest",
    "survey_ingest",
    "survey_wide",
    "segmentation",
    "workbook",
    "callbacks",
    "publish",
    "loadtest",
    "lake",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict[str, Any]:
    """Facts about where the benchmarks ran."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    memory = _memory_gb()
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1) if memory else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": versions,
        "commit": _commit(),
        "load_average_at_start": load,
    }


def _load(facts: dict[str, Any]) -> str:
    load = facts.get("load_average_at_start")
    return "unknown" if not load else ", ".join(f"{value:.2f}" for value in load)


def load_results(results: Path) -> list[dict[str, Any]]:
    """Every `<bench>.json` in the folder, in the order the benchmarks run."""
    found = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in results.glob("*.json")}
    found.pop("run", None)
    ordered = [found.pop(name) for name in ORDER if name in found]
    return ordered + [found[name] for name in sorted(found)]


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(results: Path, run: dict[str, Any]) -> str:
    """The markdown page for a results folder and the run's facts (from `bench.run`)."""
    benches = load_results(results)
    facts = run.get("machine") or machine()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python -m bench.run`) on {run.get('finished_at', '?')}; "
        "every figure below is from that one run"
        + (
            ", except the benchmarks re-run alone afterwards (listed below)"
            if run.get("reruns")
            else ""
        )
        + ". Each target is measured as a ratio against "
        "its baseline, run in the same invocation on the same data, each side in its own process "
        "(peak RSS from the kernel's accounting of that process). Earlier pages, separate runs "
        "and profiles between full runs: `bench/HISTORY.md`.",
        "",
        "## Machine",
        "",
        f"- CPU: {facts['cpu']}, {facts['cores']} cores; memory {facts['memory_gb']} GB",
        f"- OS: {facts['os']}; Python {facts['python']}",
        "- Libraries: " + ", ".join(f"{k} {v}" for k, v in facts["libraries"].items()),
        f"- Code: commit {facts['commit']}",
        f"- Load average when the run started (1, 5, 15 min): {_load(facts)}",
        "",
    ]
    for rerun in run.get("reruns", []):
        lines += [
            f"Re-run alone afterwards (`python -m bench.run --only {','.join(rerun['benches'])}`, "
            f"same instance): {', '.join(rerun['benches'])}, finished {rerun['finished_at']} on "
            f"commit {rerun['commit']}; their sections and target lines are from that run.",
            "",
        ]
    lines += [
        "## Instance",
        "",
    ]
    scale = run.get("instance") or {}
    if scale:
        lines.append(
            f"`python -m bench.generate` (seed {scale.get('seed')}): "
            f"{scale.get('platform_rows', 0):,} daily platform rows, "
            f"{scale.get('respondents', 0):,} survey respondents, {scale.get('files', '?')} files, "
            f"{scale.get('megabytes', 0):,.0f} MB; generated in {scale.get('generate_seconds', '?')} s "
            f"({'reused' if scale.get('reused') else 'new'})."
        )
    else:
        lines.append("(no instance facts recorded)")
    lines += [
        "",
        "## Targets (DESIGN.md section 7)",
        "",
        "| work | target | measured | met |",
        "|---|---|---|---|",
    ]
    for bench in benches:
        for target in bench.get("targets", []):
            met = "yes" if target.get("met") else "**no**"
            lines.append(
                f"| {_cell(target['work'])} | {_cell(target['target'])} | "
                f"{_cell(target['measured'])} | {met} |"
            )
    for failure in run.get("failures", []):
        lines.append(
            f"| {_cell(failure['bench'])} | (see details) | failed: {_cell(failure['reason'])} "
            "| **no** |"
        )
    lines.append("")
    for bench in benches:
        lines += [f"## {bench['title']}", ""]
        if bench.get("scale"):
            lines += [
                "Scale: " + ", ".join(f"{k} {v}" for k, v in bench["scale"].items()),
                "",
            ]
        if bench.get("details"):
            lines += [bench["details"].rstrip(), ""]
    if run.get("timings"):
        lines += ["## Run", "", "| step | seconds |", "|---|---|"]
        lines += [f"| {name} | {seconds:.0f} |" for name, seconds in run["timings"].items()]
        lines.append("")
    return "\n".join(lines)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
