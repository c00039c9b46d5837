"""A wide survey from another tool (Kaggle-like, 26k × 370, ~35 MB), zero-YAML, vs DuckDB's read_csv.

    python -m bench.survey_wide --data DIR --out DIR [--work DIR] [--small]

DESIGN.md section 7: "a 26k × 370 survey CSV (35 MB) from another tool: ≤ 10 s, peak RSS ≤ 600 MB".
The file is generated here (`write_wide_survey`, deterministic: one seed gives byte-identical
files) into `DIR/survey_wide_kaggle.csv` and reused when it already holds the same scale and seed:
a Kaggle-like generic layout, row 1 short ids (`Time from Start to Finish (seconds)`, `Q1`,
`Q7_Part_1..12`, `Q7_OTHER`), row 2 the question texts (`... - Selected Choice - Python`), one
column per option holding the option's text, many sparse columns (questions only some respondents
see), English text, an age band column (`18-21` .. `70+`) and a country column.

Contender: `etl.ingest.ingest_files(settings, [file], source="survey", edition=2021)` into a fresh
warehouse with no questionnaire (the survey matches none, so it is drafted, stored and loaded),
in its own process. Baseline: DuckDB's bare `read_csv` of the same file into a table (all text).
Steps: `apply_load` is the load transaction (the answers streamed from Arrow batches into one
insert, the commit with its checkpoint); `build_models` the publish's model rebuild (the wide
table, a PIVOT of the 3M+ long answers into 396 columns, is no longer among them: it is built on
demand by `creatorpulse export survey-wide`, ~2 s for this file).
"""

from __future__ import annotations

import csv
import json
import random
import sys
import tempfile
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
    write_result,
)
from bench.survey_ingest import timed_survey_ingest

FILE_NAME = "survey_wide_kaggle.csv"
DEFAULT_RESPONDENTS = 26_000
SMALL_RESPONDENTS = 500
DEFAULT_SEED = 20211015
TARGET_SECONDS = 10.0
TARGET_RSS_MB = 600.0

STEPS = (
    ("read_survey_file", "etl.survey.load", "read_survey_file"),
    ("find_questionnaire", "etl.survey.load", "find_questionnaire"),
    ("draft_questionnaire", "etl.survey.load", "draft_questionnaire"),
    ("parse_survey", "etl.survey.load", "parse_survey"),
    ("apply_load", "etl.survey.load", "apply_load"),
    ("build_models", "warehouse.schema", "build_models"),
)

AGES = ("18-21", "22-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59")
AGES += ("60-69", "70+")
GENDERS = ("Man", "Woman", "Nonbinary", "Prefer not to say", "Prefer to self-describe")
COUNTRIES = (
    "India",
    "United States of America",
    "Japan",
    "China",
    "Brazil",
    "Russia",
    "Nigeria",
    "United Kingdom of Great Britain and Northern Ireland",
    "Pakistan",
    "Egypt",
    "Germany",
    "Spain",
    "Indonesia",
    "Turkey",
    "France",
    "South Korea",
    "Taiwan",
    "Canada",
    "Bangladesh",
    "Italy",
    "Mexico",
    "Viet Nam",
    "Iran, Islamic Republic of...",
    "Hong Kong (S.A.R.)",
    "Other",
)
EDUCATION = (
    "Bachelor’s degree",
    "Master’s degree",
    "Doctoral degree",
    "Some college/university study without earning a bachelor’s degree",
    "I prefer not to answer",
    "No formal education past high school",
    "Professional doctorate",
)
ROLES = (
    "Student",
    "Data Scientist",
    "Software Engineer",
    "Data Analyst",
    "Research Scientist",
    "Machine Learning Engineer",
    "Business Analyst",
    "Product Manager",
    "Program/Project Manager",
    "Statistician",
    "DBA/Database Engineer",
    "Developer Relations/Advocacy",
    "Currently not employed",
    "Other",
)
YEARS = ("I have never written code", "< 1 years", "1-3 years", "3-5 years", "5-10 years")
YEARS += ("10-20 years", "20+ years")
LANGUAGES = ("Python", "R", "SQL", "C", "C++", "Java", "Javascript", "Julia", "Swift", "Bash")
LANGUAGES += ("MATLAB", "None")
TOOL_WORDS = (
    "Jupyter",
    "RStudio",
    "Visual Studio",
    "PyCharm",
    "Spyder",
    "Notepad++",
    "Sublime Text",
    "Vim / Emacs",
    "MATLAB",
    "Colab",
    "Kaggle Notebooks",
    "Azure",
    "Amazon",
    "Google Cloud",
    "IBM",
    "Oracle",
    "Scikit-learn",
    "TensorFlow",
    "Keras",
    "PyTorch",
    "Fast.ai",
    "Xgboost",
    "LightGBM",
    "CatBoost",
    "Tableau",
    "Power BI",
    "Looker",
    "Qlik",
    "Salesforce",
    "Databricks",
)


def _questions(rng: random.Random) -> list[dict[str, Any]]:
    """The survey's questions: demographic singles first, then singles and wide multis."""
    questions: list[dict[str, Any]] = [
        {"id": "Q1", "text": "What is your age (# years)?", "options": AGES, "seen": 1.0},
        {"id": "Q2", "text": "What is your gender? - Selected Choice", "options": GENDERS},
        {"id": "Q3", "text": "In which country do you currently reside?", "options": COUNTRIES},
        {
            "id": "Q4",
            "text": "What is the highest level of formal education that you have attained or "
            "plan to attain within the next 2 years?",
            "options": EDUCATION,
        },
        {
            "id": "Q5",
            "text": "Select the title most similar to your current role (or most recent title if "
            "retired): - Selected Choice",
            "options": ROLES,
        },
        {
            "id": "Q6",
            "text": "For how many years have you been writing code and/or programming?",
            "options": YEARS,
        },
    ]
    number = 7
    # 24 wide multis (11–17 options + OTHER) and 14 more singles: 6 + 14 + ~330 columns ≈ 370.
    while len([c for q in questions for c in _columns_of(q)]) < 356:
        if number % 3 == 1 or number > 44:
            parts = rng.randint(11, 17)
            options = tuple(rng.sample(TOOL_WORDS, k=min(parts, len(TOOL_WORDS))))
            if parts > len(TOOL_WORDS):
                options += tuple(f"Option {i}" for i in range(parts - len(TOOL_WORDS)))
            questions.append(
                {
                    "id": f"Q{number}",
                    "text": f"Which of the following tools do you use on a regular basis for "
                    f"task {number}? (Select all that apply) - Selected Choice",
                    "options": options,
                    "multi": True,
                    "seen": rng.choice((1.0, 0.8, 0.5, 0.2)),
                }
            )
        else:
            options = tuple(rng.sample(TOOL_WORDS, k=rng.randint(4, 9)))
            questions.append(
                {
                    "id": f"Q{number}",
                    "text": f"Which of the following do you use most often for task {number}?",
                    "options": options,
                    "seen": rng.choice((1.0, 0.8, 0.5)),
                }
            )
        number += 1
    while len([c for q in questions for c in _columns_of(q)]) < 369:
        options = tuple(rng.sample(TOOL_WORDS, k=5))
        questions.append(
            {"id": f"Q{number}", "text": f"Approximately how often for task {number}?",
             "options": options, "seen": 0.6}
        )  # fmt: skip
        number += 1
    return questions


def _columns_of(question: dict[str, Any]) -> list[tuple[str, str]]:
    """(short id, question-text cell) of each column of a question."""
    if not question.get("multi"):
        return [(question["id"], question["text"])]
    columns = [
        (f"{question['id']}_Part_{i}", f"{question['text']} - {option}")
        for i, option in enumerate(question["options"], 1)
    ]
    other = question["text"].replace(" - Selected Choice", "") + " - Other"
    return [*columns, (f"{question['id']}_OTHER", other)]


def _answer_cells(question: dict[str, Any], rng: random.Random) -> list[str]:
    if rng.random() >= question.get("seen", 1.0):
        return [""] * len(_columns_of(question))
    options = question["options"]
    if not question.get("multi"):
        return [options[min(int(rng.expovariate(0.5)), len(options) - 1)]]
    chosen = [option if rng.random() < 0.46 else "" for option in options]
    return [*chosen, "Other" if rng.random() < 0.04 else ""]


def write_wide_survey(path: Path, *, respondents: int, seed: int) -> dict[str, Any]:
    """Write the Kaggle-like wide survey CSV deterministically; returns its manifest entry."""
    rng = random.Random(seed)
    questions = _questions(rng)
    columns = [c for q in questions for c in _columns_of(q)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Time from Start to Finish (seconds)"] + [c[0] for c in columns])
        writer.writerow(["Duration (in seconds)"] + [c[1] for c in columns])
        batch: list[list[str]] = []
        for _ in range(respondents):
            row = [str(int(rng.lognormvariate(6.5, 0.8)))]
            for question in questions:
                row.extend(_answer_cells(question, rng))
            batch.append(row)
            if len(batch) == 2_000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)
    return {
        "path": path.name,
        "rows": respondents,
        "columns": len(columns) + 1,
        "bytes": path.stat().st_size,
        "seed": seed,
    }


def ensure_wide_survey(data: Path, *, respondents: int, seed: int) -> dict[str, Any]:
    """The generated file's manifest entry, generating the file unless it is there at this scale."""
    manifest = data / "survey_wide.json"
    if manifest.exists():
        entry = json.loads(manifest.read_text(encoding="utf-8"))
        same = entry.get("rows") == respondents and entry.get("seed") == seed
        if same and (data / entry["path"]).exists():
            return entry
    entry = write_wide_survey(data / FILE_NAME, respondents=respondents, seed=seed)
    manifest.write_text(json.dumps(entry), encoding="utf-8")
    return entry


def contender(path: str, home: str) -> dict[str, Any]:
    """Zero-YAML ingest of the wide survey into a fresh warehouse; time it and its steps."""
    return timed_survey_ingest(path, home, 2021, STEPS, "bench-survey-wide")


def main(argv: list[str] | None = None) -> int:
    args = common_arguments(__doc__.splitlines()[0]).parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-survey-wide-"))
    work.mkdir(parents=True, exist_ok=True)
    respondents = SMALL_RESPONDENTS if args.small else DEFAULT_RESPONDENTS
    entry = ensure_wide_survey(args.data, respondents=respondents, seed=DEFAULT_SEED)
    path = str(args.data / entry["path"])
    rows = int(entry["rows"])
    ours = run_isolated(
        "bench.survey_wide:contender",
        label="creatorpulse ingest (drafted, wide survey)",
        args={"path": path, "home": str(work / "home")},
    )
    duck = run_isolated(
        "bench.survey_ingest:duckdb_read",
        label="DuckDB read_csv into a table",
        args={"path": path, "database": str(work / "bare.duckdb")},
    )
    ratio, ratio_text = ratio_line(ours, duck)
    steps: dict[str, float] = ours.result["steps"]
    steps_cpu: dict[str, float] = ours.result["steps_cpu"]
    for run in (ours, duck):
        print(run.describe())
    print(f"ETL CPU time {fmt_seconds(ours.result['cpu_seconds'])} (all threads)")
    print(f"ratio vs DuckDB: {ratio_text}")
    print("steps: " + ", ".join(f"{k} {fmt_seconds(v)}" for k, v in steps.items()))
    print("steps CPU: " + ", ".join(f"{k} {fmt_seconds(v)}" for k, v in steps_cpu.items()))
    met = ours.seconds <= TARGET_SECONDS and ours.peak_rss_mb <= TARGET_RSS_MB
    step_rows = "\n".join(
        f"| {name} | {fmt_seconds(value)} | {fmt_seconds(steps_cpu.get(name, 0.0))} |"
        for name, value in steps.items()
    )
    details = (
        f"File: `{entry['path']}` ({rows:,} respondents × {entry['columns']} columns, "
        f"{entry['bytes'] / 1e6:.1f} MB, Kaggle-like generic layout, 2 header rows); "
        f"{ours.result['rows_loaded']:,} loaded, {ours.result['rows_rejected']:,} rejected, no "
        "questionnaire given (drafted). Each side in its own process.\n\n"
        "| side | time | peak RSS |\n|---|---|---|\n"
        + "\n".join(
            f"| {run.label} | {fmt_seconds(run.seconds)} | {fmt_mb(run.peak_rss_mb)} |"
            for run in (ours, duck)
        )
        + "\n\nSteps (nested: find_questionnaire includes draft_questionnaire):\n\n"
        "| step | time | CPU (all threads) |\n|---|---|---|\n"
        f"{step_rows}\n\nRatio to DuckDB's bare read: {ratio_text}.\n"
    )
    result = BenchResult(
        bench="survey_wide",
        title="Wide survey from another tool (26k × 370), drafted and loaded",
        scale={"respondents": rows, "columns": entry["columns"], "megabytes": entry["bytes"] / 1e6},
        targets=[
            Target(
                work=f"a {rows:,} × {entry['columns']} survey CSV "
                f"({entry['bytes'] / 1e6:.0f} MB) from another tool, zero-YAML",
                target="≤ 10 s, peak RSS ≤ 600 MB",
                measured=(
                    f"{fmt_seconds(ours.seconds)}, peak RSS {fmt_mb(ours.peak_rss_mb)}; "
                    f"{ratio:.1f}× DuckDB read_csv ({fmt_seconds(duck.seconds)})"
                ),
                met=met and not args.small,
                ratio=ratio,
                contender={"seconds": ours.seconds, "peak_rss_mb": ours.peak_rss_mb},
                baseline={"seconds": duck.seconds, "peak_rss_mb": duck.peak_rss_mb},
            )
        ],
        details=details,
    )
    print(f"wrote {write_result(args.out, result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
