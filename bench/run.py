"""`make bench`: generate (or reuse) the instance, run every benchmark, write bench/RESULTS.md.

Run ``python -m bench.run [--data DIR] [--results DIR] [--markdown FILE] [--small] [--only a,b]``.

`--only a,b` after a full run re-runs those benchmarks into the same results folder (their
instance and work folders are reused) and rewrites RESULTS.md with the others' results kept;
the page then says which were re-run, when and on which commit.

Each benchmark is its own script (`python -m bench.<name> --data DIR --out DIR --work DIR`), run
here as a subprocess so one failing benchmark is reported without hiding the others; the run
exits non-zero if any failed. `--small` runs every script at smoke scale (what CI does, to prove
they still run); its figures say nothing about the targets and it never writes RESULTS.md unless
`--markdown` is given.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.scale import DEFAULT_PLATFORM_ROWS, DEFAULT_RESPONDENTS, DEFAULT_SEED

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"platform_rows": 20_000, "respondents": 2_000}
BENCHES = (
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


def ensure_instance(data: Path, *, platform_rows: int, respondents: int, seed: int) -> dict:
    """Reuse DIR if its manifest has this scale and seed, else (re)generate it."""
    manifest_path = data / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if (
            manifest.get("platform_rows") == platform_rows
            and manifest.get("respondents") == respondents
            and manifest.get("seed") == seed
        ):
            return {**_instance_facts(manifest), "reused": True, "generate_seconds": 0}
        shutil.rmtree(data)
    from bench.scale import generate_instance

    started = time.perf_counter()
    manifest = generate_instance(
        data, platform_rows=platform_rows, respondents=respondents, seed=seed
    )
    seconds = round(time.perf_counter() - started)
    return {**_instance_facts(manifest), "reused": False, "generate_seconds": seconds}


def _instance_facts(manifest: dict) -> dict[str, Any]:
    return {
        "seed": manifest["seed"],
        "platform_rows": manifest["platform_rows"],
        "respondents": manifest["respondents"],
        "files": len(manifest["files"]),
        "megabytes": sum(f["bytes"] for f in manifest["files"]) / 1e6,
    }


def _previous_run(results: Path) -> dict[str, Any] | None:
    """The run.json of an earlier run in `results`, if there is one."""
    path = results / "run.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def merged_run(previous: dict[str, Any], run: dict[str, Any], chosen: list[str]) -> dict[str, Any]:
    """An earlier run's facts with `chosen` re-run: their timings and failures replaced, and the
    re-run (benchmarks, time, commit) listed under `reruns`."""
    rerun = {
        "benches": chosen,
        "finished_at": run["finished_at"],
        "commit": run["machine"]["commit"],
    }
    return {
        **previous,
        "timings": {**previous.get("timings", {}), **run["timings"]},
        "failures": [f for f in previous.get("failures", []) if f["bench"] not in chosen]
        + run["failures"],
        "reruns": [*previous.get("reruns", []), rerun],
    }


def bench_command(name: str, *, data: Path, results: Path, work: Path, small: bool) -> list[str]:
    """The command line of one benchmark script."""
    command = [sys.executable, "-m", f"bench.{name}"]
    if name == "loadtest":
        # The load test serves the large warehouse the callbacks benchmark built.
        command += ["--home", str(work / "callbacks" / "home"), "--data", str(data)]
        command += ["--out", str(results), "--work", str(work / name)]
    elif name == "publish":
        # A one-file re-export into the large warehouse the callbacks benchmark built.
        command += ["--home", str(work / "callbacks" / "home"), "--data", str(data)]
        command += ["--out", str(results), "--work", str(work / name)]
    else:
        command += ["--data", str(data), "--out", str(results), "--work", str(work / name)]
    return command + (["--small"] if small else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT / ".bench-data")
    parser.add_argument("--results", type=Path, default=ROOT / ".bench-results")
    parser.add_argument("--work", type=Path, default=ROOT / ".bench-work")
    parser.add_argument("--markdown", type=Path, help="default: bench/RESULTS.md (full scale)")
    parser.add_argument("--small", action="store_true", help="smoke scale (CI)")
    parser.add_argument("--only", help="comma-separated benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(BENCHES)
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    markdown = args.markdown or (None if args.small else ROOT / "bench" / "RESULTS.md")

    facts = report.machine()
    scale = (
        SMALL
        if args.small
        else {
            "platform_rows": DEFAULT_PLATFORM_ROWS,
            "respondents": DEFAULT_RESPONDENTS,
        }
    )
    timings: dict[str, float] = {}
    started = time.perf_counter()
    print(f"instance: {args.data} ({scale['platform_rows']:,} platform rows)", flush=True)
    instance = ensure_instance(args.data, seed=DEFAULT_SEED, **scale)
    timings["instance"] = time.perf_counter() - started

    # A full run starts from an empty results folder. `--only` re-runs some benchmarks into the
    # folder of an earlier run: their results are replaced, the others' kept, and RESULTS.md
    # says which were re-run, when and on which commit.
    previous = _previous_run(args.results) if args.only else None
    if previous is not None and (
        previous.get("small") != args.small
        or {
            k: previous.get("instance", {}).get(k) for k in ("seed", "platform_rows", "respondents")
        }
        != {k: instance[k] for k in ("seed", "platform_rows", "respondents")}
    ):
        previous = None  # another instance: nothing to keep
    if args.results.exists():
        if previous is None:
            shutil.rmtree(args.results)
        else:
            for name in chosen:
                (args.results / f"{name}.json").unlink(missing_ok=True)
    args.results.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    failures = []
    for name in chosen:
        command = bench_command(
            name, data=args.data, results=args.results, work=args.work, small=args.small
        )
        print(f"\n== {name}: {' '.join(command)}", flush=True)
        step = time.perf_counter()
        code = subprocess.run(command, cwd=ROOT).returncode
        timings[name] = time.perf_counter() - step
        if code != 0:
            failures.append({"bench": name, "reason": f"exit code {code}"})
        elif not (args.results / f"{name}.json").exists():
            failures.append({"bench": name, "reason": "wrote no result"})

    run = {
        "machine": facts,
        "instance": instance,
        "finished_at": report.now(),
        "timings": timings,
        "failures": failures,
        "small": args.small,
    }
    if previous is not None:
        run = merged_run(previous, run, chosen)
    (args.results / "run.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
    if markdown:
        markdown.write_text(report.render(args.results, run), encoding="utf-8")
        print(f"\nwrote {markdown}")
    for failure in failures:
        print(f"FAILED {failure['bench']}: {failure['reason']}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
