"""`creatorpulse export cohort` as a researcher runs it: the file, one summary line, clear errors."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from survey.segments import store_segments
from warehouse.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# The real entry point, as the `creatorpulse` command runs it.
RUNNER = "import sys; from cli.main import main\nsys.argv[0] = 'creatorpulse'; main()\n"


@pytest.fixture(scope="module")
def home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse with the default segments stored."""
    copy = tmp_path_factory.mktemp("export") / "home"
    shutil.copytree(demo_settings.home, copy)
    mp = pytest.MonkeyPatch()
    mp.setenv("CREATORPULSE_ID_KEY", "export-test")
    try:
        store_segments(copy)
    finally:
        mp.undo()
    return copy


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CREATORPULSE_ID_KEY="export-test", COLUMNS="200")
    env.pop("CREATORPULSE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", RUNNER, "export", "cohort", *args, "--home", str(home)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_saved_segment_is_written_with_a_one_line_summary(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "tier1.xlsx"
    result = run("--segment", "tier1-pm", "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("wrote ") and "tier1-pm" in lines[0]
    assert "k=5" in lines[0]
    book = load_workbook(out, read_only=True)
    try:
        assert book.sheetnames == ["README", "Data", "Codebook", "Summary"]
        readme = {r[0]: r[1] for r in book["README"].iter_rows(values_only=True)}
        assert readme["cohort 群体"].startswith("tier1-pm — 一线城市产品经理")
        roles = {r[5] for r in book["Data"].iter_rows(min_row=2, values_only=True)}
        assert roles == {"tech_product"} or roles == {"product_manager"}
    finally:
        book.close()


def test_an_unknown_segment_is_one_clear_line(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    line = one_line_error(run("--segment", "no-such", "--out", str(out), home=home))
    assert line.startswith("error: unknown segment 'no-such'") and "tier1-pm" in line
    assert not out.exists()


def test_bad_filters_and_outputs_are_one_clear_line(home: Path, tmp_path: Path) -> None:
    xlsx, csv = str(tmp_path / "x.xlsx"), str(tmp_path / "x.csv")
    assert "火星" in one_line_error(run("--where", "city=火星", "--out", xlsx, home=home))
    assert "KEY=VALUE" in one_line_error(run("--where", "role", "--out", xlsx, home=home))
    assert ".xlsx" in one_line_error(run("--out", csv, home=home))
    assert "FILE.csv" in one_line_error(run("--csv", "--out", xlsx, home=home))
    missing = tmp_path / "none"
    assert "no warehouse" in one_line_error(run("--out", xlsx, home=missing))


def test_where_filters_and_edition_restrict_rows(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    result = run(
        "--where", "experience_months=12..", "--edition", "2025", "--out", str(out), home=home
    )
    assert result.returncode == 0, result.stderr
    book = load_workbook(out, read_only=True)
    try:
        header = next(book["Data"].iter_rows(values_only=True))
        rows = list(book["Data"].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()
    months = header.index("experience_months")
    assert rows and all(r[1] == 2025 and r[months] >= 12 for r in rows)


def test_csv_export_with_stable_ids(home: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (first, second):
        result = run("--csv", "--stable-ids", "--out", str(out), home=home)
        assert result.returncode == 0, result.stderr
    assert first.read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "a.codebook.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    def ids(path: Path) -> list[str]:
        return [line.split(",")[0] for line in path.read_text("utf-8-sig").splitlines()[1:]]

    assert ids(first) == ids(second) and len(ids(first)) > 300
    unstable = tmp_path / "c.csv"
    assert run("--csv", "--out", str(unstable), home=home).returncode == 0
    assert not set(ids(unstable)) & set(ids(first))


def run_wide(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")
    env.pop("CREATORPULSE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", RUNNER, "export", "survey-wide", *args, "--home", str(home)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_survey_wide_writes_one_row_per_current_response_with_a_summary(
    home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "问卷宽表.csv"
    result = run_wide("--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("wrote ") and "问卷宽表.csv" in lines[0]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfresponse_id,edition_year,questionnaire_id,")
    # Free-text cells may hold line breaks: count the CSV's records, not its lines.
    responses = len(list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))) - 1
    assert responses > 0 and lines[0].startswith(f"wrote {responses} responses × ")


def test_survey_wide_to_a_workbook_is_one_clear_line(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "wide.xlsx"
    line = one_line_error(run_wide("--out", str(out), home=home))
    assert line == "error: --out must end in .csv or .parquet, not wide.xlsx"
    assert not out.exists()


def test_a_warehouse_of_an_older_release_is_brought_up_to_date_before_the_export(
    home: Path, tmp_path: Path
) -> None:
    """A snapshot published before mart_segment_population carried questionnaire_version (which
    the codebook reads) is brought up to date once, said so, and the workbook is written."""
    from warehouse import parts, store

    older = tmp_path / "older"
    shutil.copytree(home, older, ignore=shutil.ignore_patterns("cache"))
    con = parts.connect(store.current_snapshot(older))  # the copy's own file, unshared
    try:
        con.execute(
            "create or replace table mart_segment_population as "
            "select * exclude (questionnaire_version) from mart_segment_population"
        )
        con.execute(
            "update schema_models set sql_sha256 = 'an older release' "
            "where model_name = 'mart_segment_population'"
        )
    finally:
        con.close()
    assert store.out_of_date(older) == ["model mart_segment_population"]
    out = tmp_path / "everyone.xlsx"
    result = run("--out", str(out), home=older)
    assert result.returncode == 0, result.stderr
    assert "brought the warehouse up to this release" in result.stderr
    assert store.out_of_date(older) == []
    book = load_workbook(out, read_only=True)
    try:
        codebook = list(book["Codebook"].iter_rows(values_only=True))
    finally:
        book.close()
    assert len(codebook) > 10
