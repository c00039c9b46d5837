"""`creatorpulse report sponsor ID --out FILE` as an organizer runs it."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from cli.report import report_app
from tests.etl.test_cli import ROOT, one_line_error
from warehouse import accounts
from warehouse.settings import Settings

# Runs the real entry point, as the `creatorpulse` command runs it.
ENTRY = "from cli.main import main\nmain()\n"


def run(
    *args: str, home: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, CREATORPULSE_ID_KEY="cli-test", **(env or {}))
    full_env.pop("CREATORPULSE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", ENTRY, "report", *args, "--home", str(home)],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo home (the report writes an audit entry into it)."""
    copy = tmp_path_factory.mktemp("report") / "home"
    shutil.copytree(demo_settings.home, copy, ignore=shutil.ignore_patterns("samples"))
    return copy


def invoke(*args: str, home: Path, catch: bool = False) -> Result:
    """Run the sub-app in-process (the error paths below go through the real entry point)."""
    cli = typer.Typer()
    cli.add_typer(report_app, name="report")  # as cli/main.py registers it
    return CliRunner().invoke(cli, ["report", *args, "--home", str(home)], catch_exceptions=catch)


def test_the_format_follows_the_extension_and_the_report_is_audited(
    home: Path, tmp_path: Path
) -> None:
    xlsx, page, pdf = tmp_path / "s01.xlsx", tmp_path / "out" / "s01.html", tmp_path / "s01.pdf"
    done = invoke("sponsor", "S01", "--out", str(xlsx), home=home)
    assert done.exit_code == 0, done.output
    assert "S01" in done.output and "极光算力" in done.output
    workbook = load_workbook(io.BytesIO(xlsx.read_bytes()), read_only=True)
    assert workbook.sheetnames[0] == "摘要"
    done = invoke("sponsor", "S01", "--out", str(page), "--lang", "en", home=home)
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")
    assert "Aurora Compute" in text and '<html lang="en">' in text
    if shutil.which("/usr/bin/chromium"):
        done = invoke("sponsor", "S01", "--out", str(pdf), home=home)
        assert done.exit_code == 0, done.output
        assert pdf.read_bytes().startswith(b"%PDF")
    # The shared demo home's log may hold the dashboard tests' entries too: keep the CLI's.
    entries = [
        e
        for e in accounts.audit_entries(home, action="report_sponsor", limit=1000)
        if str(e["username"]).startswith("cli:")
    ]
    assert [e["target"] for e in entries] == ["S01"] * len(entries) and len(entries) >= 2
    assert json.loads(entries[-1]["filters"])["format"] == "xlsx"
    assert not list(tmp_path.rglob(".*.tmp"))


def test_k_cannot_be_lowered_below_the_default(home: Path, tmp_path: Path) -> None:
    done = invoke("sponsor", "S01", "--out", str(tmp_path / "x.html"), "--k", "2", home=home)
    assert done.exit_code == 2 and "--k" in done.output
    assert not (tmp_path / "x.html").exists()


def test_an_unknown_sponsor_is_one_line_naming_the_known_ones(home: Path, tmp_path: Path) -> None:
    line = one_line_error(run("sponsor", "S99", "--out", str(tmp_path / "x.xlsx"), home=home))
    assert line.startswith("error: ")
    assert "no sponsor 'S99'" in line and "S01, S02, S03, S04" in line
    assert not (tmp_path / "x.xlsx").exists()


def test_a_bad_extension_is_one_line(home: Path, tmp_path: Path) -> None:
    line = one_line_error(run("sponsor", "S01", "--out", str(tmp_path / "x.docx"), home=home))
    assert ".xlsx, .html, .pdf" in line


def test_without_chromium_the_pdf_error_says_to_use_html(home: Path, tmp_path: Path) -> None:
    result = run(
        "sponsor",
        "S01",
        "--out",
        str(tmp_path / "x.pdf"),
        home=home,
        env={"CREATORPULSE_CHROMIUM": "/nonexistent/chromium"},
    )
    line = one_line_error(result)
    assert "Chromium not found" in line and ".html" in line
    assert not (tmp_path / "x.pdf").exists()


def test_without_a_warehouse_is_one_line(tmp_path: Path) -> None:
    line = one_line_error(
        run("sponsor", "S01", "--out", str(tmp_path / "x.html"), home=tmp_path / "none")
    )
    assert line.startswith("error: no warehouse at")
