"""Segmentation of every respondent (rule segments + one clustering run) against the bare work.

    python -m bench.segmentation --data DIR --out DIR [--work DIR] [--small]

Warehouse: the instance's survey file, catalogue and creator activity, loaded with
`etl.ingest.ingest_files` in manifest order (platform files do not take part in segmentation),
built once into `WORK/home` and reused while the instance's manifest is the same.

Contender: the `creatorpulse segment` command itself (`cli.analytics.segment`, output discarded) on
a fresh copy of that warehouse: store the default segment definitions and run a clustering in
one write (published as a new snapshot, models rebuilt), then the clusters' profiles and the
profile (size, outcomes, lift tables) of every saved segment. The time spent in each step is
measured inside the same call by wrapping the functions the command calls.

Baseline: the same results' bare core on the same data, without our plumbing: the population
frame the segments read (exported from the warehouse beforehand, not timed), a Polars filter per
default segment rule, and one scikit-learn KMeans fit (the chosen k, same n_init and seed) on
the same prepared feature matrix of all participants (prepared beforehand, not timed). The
target is absolute (DESIGN.md section 7: ≤ 10 s at 100k respondents); the ratio shows what the
plumbing costs.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    BenchResult,
    Target,
    common_arguments,
    fmt_mb,
    fmt_seconds,
    ratio_line,
    run_isolated,
    time_steps,
    write_result,
)

TARGET_S = 10.0
SOURCES = ("survey", "catalogue", "roster", "activity")
ID_KEY = "bench-segmentation"
# (label, module, attribute): the steps of `creatorpulse segment` timed inside the contender.
STEPS = (
    ("store segments", "survey.segments", "store_segments"),
    ("segment queries (population, programs)", "survey.segments.rules", "run_query"),
    ("run_clustering (read, fit, write)", "survey.segments", "run_clustering"),
    ("clustering fit", "survey.segments.runs", "fit_clusters"),
    ("publish (models rebuilt)", "warehouse.schema", "build_models"),
    ("cluster profiles", "survey.segments", "cluster_profiles"),
    ("segment profiles", "survey.segments", "segment_profile"),
)


def build_warehouse(data: str, home: str, frame: str) -> dict[str, Any]:
    """Load the survey, catalogue and activity files into a fresh home; export the population."""
    from etl.ingest import ingest_files
    from survey.segments.rules import population
    from warehouse.query import Reader
    from warehouse.settings import load_settings

    os.environ["CREATORPULSE_ID_KEY"] = ID_KEY
    shutil.rmtree(home, ignore_errors=True)
    Path(home).mkdir(parents=True)
    settings = load_settings(home)
    manifest = json.loads((Path(data) / "manifest.json").read_text(encoding="utf-8"))
    loaded = []
    for entry in manifest["files"]:
        if not entry["ingest"] or entry["source"] not in SOURCES:
            continue
        edition = entry["edition"] if entry["source"] == "survey" else None
        [report] = ingest_files(
            settings,
            [Path(data) / entry["path"]],
            source=entry["source"],
            edition=edition,
            fresh=not loaded,
        )
        if report.status != "loaded":
            raise RuntimeError(f"{entry['path']}: {report.status} {report.error}")
        loaded.append(entry["path"])
    reader = Reader(settings.home)
    pop = population(reader)
    reader.close()
    pop.write_parquet(frame)
    return {"files": loaded, "respondents": pop.height}


def _fresh_copy(built: Path, home: Path) -> None:
    """A home holding only the built warehouse's current snapshot (no runs, no definitions)."""
    from warehouse.store import POINTER, current_snapshot

    shutil.rmtree(home, ignore_errors=True)
    snapshot = current_snapshot(built)
    assert snapshot is not None
    (home / snapshot.parent.name).mkdir(parents=True)
    shutil.copyfile(snapshot, home / snapshot.parent.name / snapshot.name)
    shutil.copyfile(built / POINTER, home / POINTER)


def contender(built: str, home: str) -> dict[str, Any]:
    """`creatorpulse segment` on a fresh copy of the built warehouse; time it and its steps."""
    from cli.analytics import segment
    from survey.segments import latest_run  # imported before the clock starts, like the baseline's
    from warehouse.query import Reader

    # The fit's library, which the command imports at its first fit (not at start-up): imported
    # before the clock too, as the baseline's KMeans is, so both sides time the same work.
    for library in ("cluster", "compose", "impute", "metrics", "pipeline", "preprocessing"):
        importlib.import_module(f"sklearn.{library}")

    os.environ["CREATORPULSE_ID_KEY"] = ID_KEY
    _fresh_copy(Path(built), Path(home))
    times: dict[str, float] = {}
    cpu_times: dict[str, float] = {}
    time_steps(STEPS, times, cpu_times)
    started, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        segment(home=Path(home), k=None, min_cell=5, as_json=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    reader = Reader(Path(home))
    run = latest_run(reader)
    reader.close()
    assert run is not None
    steps = {name: round(times.get(name, 0.0), 3) for name, _, _ in STEPS}
    steps_cpu = {name: round(cpu_times.get(name, 0.0), 3) for name, _, _ in STEPS}
    return {
        "seconds": seconds,
        "cpu_seconds": round(cpu, 3),
        "steps": steps,
        "steps_cpu": steps_cpu,
        "k": run["k"],
        "silhouette": run["silhouette"],
        "stability": run["stability"],
        "participants": run["count_participants"],
        "n_init": run["params"]["n_init"],
        "random_state": run["params"]["random_state"],
    }


def bare(frame: str, k: int) -> dict[str, Any]:
    """Polars filters of the default segment rules and one KMeans fit on the same matrix."""
    import polars as pl
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    from survey.segments import filter_expr, latest_profiles, load_clustering_config
    from survey.segments.clustering import _feature_frame, _prepare
    from survey.segments.definitions import load_segment_file

    config = load_clustering_config()
    pop = pl.read_parquet(frame)
    definitions = load_segment_file()
    predicates = [filter_expr(d.filters) for d in definitions]
    features, columns = _feature_frame(latest_profiles(pop), config)
    matrix = _prepare(columns).fit_transform(features)
    started, cpu = time.perf_counter(), time.process_time()
    sizes = [pop.filter(predicate).height for predicate in predicates]
    filtered = time.perf_counter()
    with threadpool_limits(limits=1):
        KMeans(n_clusters=k, n_init=config.n_init, random_state=config.random_state).fit(matrix)
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "filters_seconds": filtered - started,
        "fit_seconds": done - filtered,
        "sizes": dict(zip([d.name for d in definitions], sizes, strict=True)),
        "matrix": list(matrix.shape),
    }


def _instance_key(data: Path) -> dict[str, Any]:
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    return {k: manifest[k] for k in ("generator", "seed", "platform_rows", "respondents")}


def main(argv: list[str] | None = None) -> int:
    args = common_arguments(__doc__.splitlines()[0]).parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-segmentation-"))
    work.mkdir(parents=True, exist_ok=True)
    built, frame, marker = work / "home", work / "population.parquet", work / "built.json"
    key = _instance_key(args.data)
    if marker.exists() and frame.exists() and json.loads(marker.read_text()) == key:
        print(f"reusing the warehouse built in {built}")
    else:
        build = run_isolated(
            "bench.segmentation:build_warehouse",
            label="warehouse build",
            args={"data": str(args.data), "home": str(built), "frame": str(frame)},
        )
        marker.write_text(json.dumps(key))
        print(f"{build.describe()} ({', '.join(build.result['files'])})")

    ours = run_isolated(
        "bench.segmentation:contender",
        label="creatorpulse segment",
        args={"built": str(built), "home": str(work / "run")},
    )
    k = int(ours.result["k"])
    base = run_isolated(
        "bench.segmentation:bare",
        label="Polars filters + one KMeans fit",
        args={"frame": str(frame), "k": k},
    )
    ratio, ratio_text = ratio_line(ours, base)
    steps: dict[str, float] = ours.result["steps"]
    people = ours.result["participants"]
    met = ours.seconds <= TARGET_S
    print(f"{ours.describe()} (CPU {fmt_seconds(ours.result['cpu_seconds'])})")
    print(
        f"{base.describe()} (filters {fmt_seconds(base.result['filters_seconds'])}, "
        f"KMeans k={k} on {base.result['matrix'][0]:,}×{base.result['matrix'][1]} "
        f"{fmt_seconds(base.result['fit_seconds'])})"
    )
    print(f"ratio: {ratio_text}; target ≤ {TARGET_S:g} s: {'met' if met else 'NOT met'}")
    print("steps: " + ", ".join(f"{name} {fmt_seconds(value)}" for name, value in steps.items()))
    steps_cpu: dict[str, float] = ours.result["steps_cpu"]
    print("steps CPU: " + ", ".join(f"{k} {fmt_seconds(v)}" for k, v in steps_cpu.items()))

    step_rows = "\n".join(
        f"| {name} | {fmt_seconds(value)} | {value / ours.seconds:.0%} | "
        f"{fmt_seconds(steps_cpu[name])} |"
        for name, value in steps.items()
    )
    details = (
        f"{people:,} participants. Contender: `creatorpulse segment` (default segments, k by "
        f"silhouette) → k={k}, silhouette {ours.result['silhouette']:.3f}, stability (ARI) "
        f"{ours.result['stability']:.3f}; {fmt_seconds(ours.seconds)} (CPU "
        f"{fmt_seconds(ours.result['cpu_seconds'])}), peak RSS {fmt_mb(ours.peak_rss_mb)}. Baseline: {base.label} — filters "
        f"{fmt_seconds(base.result['filters_seconds'])}, KMeans(k={k}, n_init="
        f"{ours.result['n_init']}) on the full {base.result['matrix'][0]:,}×"
        f"{base.result['matrix'][1]} matrix {fmt_seconds(base.result['fit_seconds'])}; "
        f"{fmt_seconds(base.seconds)}, peak RSS {fmt_mb(base.peak_rss_mb)}. Ratio {ratio_text}."
        f"\n\nWhere the command's time goes (same call; population reads happen inside the "
        "clustering and the profiles, so rows overlap):\n\n| step | time | share | CPU (all threads) |"
        "\n|---|---|---|---|\n"
        f"{step_rows}\n"
    )
    result = BenchResult(
        bench="segmentation",
        title="Segmentation (rules + clustering) vs the bare filters and fit",
        scale={"respondents": people},
        targets=[
            Target(
                work=f"segmentation, {people:,} respondents (rules + clustering)",
                target=f"≤ {TARGET_S:g} s",
                measured=(
                    f"{fmt_seconds(ours.seconds)} (peak RSS {fmt_mb(ours.peak_rss_mb)}); "
                    f"{ratio:.1f}× the bare filters + one KMeans fit ({fmt_seconds(base.seconds)})"
                ),
                met=met,
                ratio=ratio,
                contender={"seconds": ours.seconds, "peak_rss_mb": ours.peak_rss_mb, **ours.result},
                baseline={"seconds": base.seconds, "peak_rss_mb": base.peak_rss_mb, **base.result},
            )
        ],
        details=details,
    )
    print(f"wrote {write_result(args.out, result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
