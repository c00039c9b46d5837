"""Survey ingest of a 问卷星 export through the real ETL, against DuckDB's bare read_csv.

    python -m bench.survey_ingest --data DIR --out DIR [--work DIR] [--small]

Contender: `etl.ingest.ingest_files(settings, [file], source="survey", edition=...)` into a fresh
warehouse home, exactly as `creatorpulse ingest` loads the instance's survey file (the first
survey file of its manifest): read, map the columns to the questionnaire, parse and validate
every row, one load transaction, publish the snapshot (models rebuilt). The time spent in each
step is measured inside the same call by wrapping the step functions, so the details say how
much is reading (`etl.reading.read_table`), parsing (`etl.survey.parse.parse_survey`), loading
(`warehouse.loading.apply_load`: the answers streamed into one insert, the commit and its
checkpoint) and publishing (`warehouse.schema.build_models`).

Baseline: DuckDB's bare `read_csv` of the same file into a table of a fresh database file (every
column as text: no validation, no normalisation, no answers long form). Context: pandas'
`read_csv` of the same file into a frame of strings. DESIGN.md section 7: "survey ingest, 100k
respondents ≤ 4× DuckDB's bare read_csv" (`TARGET_RATIO`), judged on a 100k-respondent instance.
"""

from __future__ import annotations

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
    Run,
    Target,
    common_arguments,
    fmt_mb,
    fmt_seconds,
    ratio_line,
    run_isolated,
    time_steps,
    write_result,
)

TARGET_RATIO = 4.0
TARGET_RESPONDENTS = 100_000

STEPS = (
    ("read_table", "etl.survey.export", "read_table"),
    ("find_questionnaire", "etl.survey.load", "find_questionnaire"),
    ("map_columns", "etl.survey.load", "map_columns"),
    ("parse_survey", "etl.survey.load", "parse_survey"),
    ("apply_load", "etl.survey.load", "apply_load"),
    ("build_models", "warehouse.schema", "build_models"),
)


def survey_file(data: Path) -> dict[str, Any]:
    """The manifest entry of the instance's (first) survey file that is ingested."""
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    return next(f for f in manifest["files"] if f["source"] == "survey" and f["ingest"])


def contender(path: str, home: str, edition: int) -> dict[str, Any]:
    """Load the survey file into a fresh warehouse with the real ETL; time it and its steps."""
    result = timed_survey_ingest(path, home, edition, STEPS, "bench-survey-ingest")
    steps = result["steps"]
    steps["other (hash, migrate, checkpoint, publish)"] = round(
        result["seconds"] - sum(steps.values()), 3
    )
    return result


def timed_survey_ingest(
    path: str, home: str, edition: int, steps: tuple[tuple[str, str, str], ...], id_key: str
) -> dict[str, Any]:
    """Ingest one survey export into a fresh warehouse home, timing the whole and each step."""
    from etl.ingest import ingest_files
    from warehouse.settings import load_settings

    shutil.rmtree(home, ignore_errors=True)
    Path(home).mkdir(parents=True)
    os.environ.setdefault("CREATORPULSE_ID_KEY", id_key)
    settings = load_settings(home)
    times: dict[str, float] = {}
    cpu_times: dict[str, float] = {}
    time_steps(steps, times, cpu_times)
    started, cpu = time.perf_counter(), time.process_time()
    [report] = ingest_files(settings, [path], source="survey", edition=edition, fresh=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if report.status != "loaded":
        raise RuntimeError(f"survey ingest {report.status}: {report.error}")
    return {
        "seconds": seconds,
        "cpu_seconds": round(cpu, 3),
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
        "questions": (report.details.get("questionnaire") or {}).get("id"),
        "steps": {name: round(times.get(name, 0.0), 3) for name, _, _ in steps},
        "steps_cpu": {name: round(cpu_times.get(name, 0.0), 3) for name, _, _ in steps},
    }


def duckdb_read(path: str, database: str) -> dict[str, Any]:
    """DuckDB's bare read_csv of the file into a table (all text), in a fresh database file."""
    import duckdb

    Path(database).unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(database)
    con.execute(
        "create table survey as select * from read_csv(?, header = true, all_varchar = true)",
        [path],
    )
    rows = con.execute("select count(*) from survey").fetchone()[0]
    con.close()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def pandas_read(path: str) -> dict[str, Any]:
    """pandas' read_csv of the file into a frame of strings (context only)."""
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {"seconds": time.perf_counter() - started, "rows": len(frame)}


def _rate(rows: int, run: Run) -> str:
    return f"{rows / run.seconds:,.0f} rows/s"


def main(argv: list[str] | None = None) -> int:
    args = common_arguments(__doc__.splitlines()[0]).parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-survey-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    entry = survey_file(args.data)
    path = str(args.data / entry["path"])
    rows = int(entry["rows"])

    ours = run_isolated(
        "bench.survey_ingest:contender",
        label="creatorpulse ingest (survey)",
        args={"path": path, "home": str(work / "home"), "edition": entry["edition"]},
    )
    duck = run_isolated(
        "bench.survey_ingest:duckdb_read",
        label="DuckDB read_csv into a table",
        args={"path": path, "database": str(work / "bare.duckdb")},
    )
    pandas = run_isolated(
        "bench.survey_ingest:pandas_read", label="pandas read_csv", args={"path": path}
    )
    ratio, ratio_text = ratio_line(ours, duck)
    pandas_ratio = ours.seconds / pandas.seconds
    steps: dict[str, float] = ours.result["steps"]
    for run in (ours, duck, pandas):
        print(f"{run.describe()}, {_rate(rows, run)}")
    print(f"ETL CPU time {fmt_seconds(ours.result['cpu_seconds'])} (all threads)")
    print(f"ratio vs DuckDB: {ratio_text}; vs pandas read_csv: {pandas_ratio:.1f}×")
    print("steps: " + ", ".join(f"{k} {fmt_seconds(v)}" for k, v in steps.items()))
    steps_cpu: dict[str, float] = ours.result["steps_cpu"]
    print("steps CPU: " + ", ".join(f"{k} {fmt_seconds(v)}" for k, v in steps_cpu.items()))

    step_rows = "\n".join(
        f"| {name} | {fmt_seconds(value)} | {value / ours.seconds:.0%} | "
        f"{fmt_seconds(steps_cpu[name]) if name in steps_cpu else ''} |"
        for name, value in steps.items()
    )
    details = (
        f"File: `{entry['path']}` ({rows:,} respondents, {entry['bytes'] / 1e6:.1f} MB, "
        f"{entry['encoding']}); {ours.result['rows_loaded']:,} loaded, "
        f"{ours.result['rows_rejected']:,} rejected; ETL CPU time "
        f"{fmt_seconds(ours.result['cpu_seconds'])} (all threads). Each side in its own "
        "process.\n\n"
        "| side | time | rows/s | peak RSS |\n|---|---|---|---|\n"
        + "\n".join(
            f"| {run.label} | {fmt_seconds(run.seconds)} | {_rate(rows, run)} | "
            f"{fmt_mb(run.peak_rss_mb)} |"
            for run in (ours, duck, pandas)
        )
        + f"\n\nWhere the ETL's time goes (same call):\n\n"
        "| step | time | share | CPU (all threads) |\n|---|---|---|---|\n"
        f"{step_rows}\n\nRatio to DuckDB's bare read: {ratio_text}; to pandas read_csv: "
        f"{pandas_ratio:.1f}×. DESIGN.md section 7: ≤ {TARGET_RATIO:.0f}× DuckDB's bare read_csv "
        f"at {TARGET_RESPONDENTS:,} respondents.\n"
    )
    result = BenchResult(
        bench="survey_ingest",
        title="Survey ingest (问卷星 export) vs DuckDB's bare read_csv",
        scale={"respondents": rows, "megabytes": round(entry["bytes"] / 1e6, 1)},
        targets=[
            Target(
                work=f"survey ingest, {rows:,}-row 问卷星 export (validated, normalised, loaded)",
                target=f"≤ {TARGET_RATIO:.0f}× DuckDB's bare read_csv "
                f"(DESIGN.md §7, {TARGET_RESPONDENTS:,} respondents)",
                measured=(
                    f"{fmt_seconds(ours.seconds)} ({_rate(rows, ours)}, peak RSS "
                    f"{fmt_mb(ours.peak_rss_mb)}); {ratio:.1f}× DuckDB read_csv "
                    f"({fmt_seconds(duck.seconds)}), {pandas_ratio:.1f}× pandas read_csv"
                ),
                met=ratio <= TARGET_RATIO and rows >= TARGET_RESPONDENTS,
                ratio=ratio,
                contender={
                    "seconds": ours.seconds,
                    "peak_rss_mb": ours.peak_rss_mb,
                    "steps": steps,
                },
                baseline={"seconds": duck.seconds, "peak_rss_mb": duck.peak_rss_mb},
            )
        ],
        details=details,
    )
    print(f"wrote {write_result(args.out, result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
