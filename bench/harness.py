"""Shared benchmark harness: run each measured side in its own process, time it, read its peak RSS.

Every benchmark compares a contender (our code) with a baseline run in the same invocation, so a
ratio survives a slow or busy machine where an absolute time would not. Each side runs in a fresh
child process (`run_isolated`): the child imports the target, times only the call with
`time.perf_counter`, and prints its result; the parent collects the child's own peak resident set
size from `os.wait4` (kernel resource accounting, not an estimate), so contender and baseline do
not share a high-water mark.

A target is `module:function`; the function takes keyword arguments (JSON-serialisable) and
returns a JSON-serialisable dict, which comes back as `Run.result`. A function that must exclude
its own setup from the timing may return `{"seconds": ...}`, which replaces the measured time.

Results: each benchmark writes one JSON file (`write_result`) into the results folder, holding
its targets (one row per DESIGN.md section 7 line it measures) and a markdown details section;
`bench.report` turns the folder into `bench/RESULTS.md`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULT_PREFIX = "BENCH-RESULT "


@dataclass(frozen=True)
class Run:
    """One measured call in its own process."""

    label: str
    seconds: float
    peak_rss_mb: float
    result: dict

    def describe(self) -> str:
        return f"{self.label}: {fmt_seconds(self.seconds)}, peak RSS {fmt_mb(self.peak_rss_mb)}"


@dataclass
class Target:
    """One line of DESIGN.md section 7 as measured: what, the target, the figure, met or not."""

    work: str
    target: str
    measured: str
    met: bool
    ratio: float | None = None
    contender: dict | None = None
    baseline: dict | None = None


@dataclass
class BenchResult:
    """What one benchmark script writes: its targets and a markdown section of details."""

    bench: str
    title: str
    scale: dict
    targets: list[Target] = field(default_factory=list)
    details: str = ""


def run_isolated(
    target: str,
    *,
    label: str,
    args: dict | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Run:
    """Call `module:function(**args)` in a fresh Python process; time it and read its peak RSS."""
    command = [sys.executable, "-m", "bench.harness", "--call", target, json.dumps(args or {})]
    child_env = {**os.environ, **(env or {})}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=None, env=child_env, cwd=cwd, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{label} ({target}) exited with {process.returncode}")
    lines = [line for line in output.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        raise RuntimeError(f"{label} ({target}) printed no result")
    payload = json.loads(lines[-1][len(RESULT_PREFIX) :])
    result = payload["result"]
    seconds = float(result.pop("seconds", payload["seconds"]))
    # Linux reports ru_maxrss in kilobytes.
    return Run(label, seconds, usage.ru_maxrss / 1024, result)


def best_of(runs: Sequence[Run]) -> Run:
    """The fastest of repeated runs (the least disturbed by the rest of the machine)."""
    return min(runs, key=lambda run: run.seconds)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    if len(ordered) == 1:
        return ordered[0]
    return (
        statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]
        if q < 100
        else ordered[-1]
    )


def fmt_seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def fmt_mb(megabytes: float) -> str:
    return f"{megabytes / 1024:.2f} GB" if megabytes >= 1024 else f"{megabytes:.0f} MB"


def ratio_line(contender: Run, baseline: Run) -> tuple[float, str]:
    """contender/baseline time ratio and a 'x.xx× (a s vs b s)' text."""
    ratio = contender.seconds / baseline.seconds
    text = (
        f"{ratio:.2f}× ({fmt_seconds(contender.seconds)} vs {fmt_seconds(baseline.seconds)} "
        f"{baseline.label})"
    )
    return ratio, text


def write_result(out_dir: Path | str, result: BenchResult) -> Path:
    """Write `<out_dir>/<bench>.json` (the folder `bench.report` reads)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{result.bench}.json"
    path.write_text(json.dumps(asdict(result), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def common_arguments(description: str) -> argparse.ArgumentParser:
    """The arguments every benchmark script takes: --data (generated instance), --out, --small."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, required=True, help="instance from bench.generate")
    parser.add_argument("--out", type=Path, required=True, help="results folder (JSON per bench)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temp folder)")
    parser.add_argument(
        "--small", action="store_true", help="smoke scale: prove the script runs, not the target"
    )
    return parser


def _child(target: str, raw_args: str) -> None:
    module_name, _, function_name = target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    args = json.loads(raw_args)
    started = time.perf_counter()
    result = function(**args) or {}
    seconds = time.perf_counter() - started
    sys.stdout.flush()
    print(RESULT_PREFIX + json.dumps({"seconds": seconds, "result": result}, default=str))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--call":
        _child(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit("usage: python -m bench.harness --call module:function JSON-ARGS")


def time_steps(
    steps: Iterable[tuple[str, str, str]],
    times: dict[str, float],
    cpu_times: dict[str, float] | None = None,
) -> None:
    """Wrap each (name, module, attribute) step function in place so that every call adds its
    wall time (and, given cpu_times, its process CPU time, all threads: the figure that
    survives a busy machine) under `name`. Only for a benchmark's own child process."""
    for name, module_name, attribute in steps:
        module = importlib.import_module(module_name)
        setattr(module, attribute, _timed(times, name, getattr(module, attribute), cpu_times))


def _timed(
    times: dict[str, float],
    name: str,
    function: Callable[..., Any],
    cpu_times: dict[str, float] | None,
) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            times[name] = times.get(name, 0.0) + time.perf_counter() - started
            if cpu_times is not None:
                cpu_times[name] = cpu_times.get(name, 0.0) + time.process_time() - cpu

    return wrapper
