"""The command line as a user runs it: clear one-line errors, JSON output, the codebook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import WJX_META, WJX_QUESTIONS, wjx_row, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CREATORPULSE_ID_KEY="cli-test")
    env.pop("CREATORPULSE_DEBUG", None)
    extra = ["--home", str(home)] if home else []
    return subprocess.run(
        [sys.executable, "-m", "cli", *args, *extra],
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


def test_status_without_a_warehouse_is_one_clear_line(tmp_path: Path) -> None:
    line = one_line_error(run("status", home=tmp_path / "none"))
    assert line.startswith("error: no warehouse at") and "creatorpulse demo" in line


def test_the_command_starts_without_the_clustering_library() -> None:
    """scikit-learn (with SciPy and pandas, seconds to import) is loaded by a fit, not by every
    command: `creatorpulse status` must not wait for it."""
    probe = (
        "import sys, cli.main; print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))"
    )
    started = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "[]"
    fitted = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, polars as pl; from survey.segments.clustering import _kmeans, "
            "load_clustering_config; _kmeans(load_clustering_config(), 2); "
            "print('sklearn' in sys.modules)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fitted.stdout.strip() == "True", fitted.stderr


def test_ingesting_a_missing_file_fails_with_its_name(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "nope.csv"), home=tmp_path / "h")
    assert result.returncode == 1
    assert "nope.csv: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_questionnaire_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "q.yaml"
    bad.write_text(
        "id: x\nversion: 1\ntitle: {zh: 测, en: T}\nquestions:\n  - {id: a, type: slider}\n",
        encoding="utf-8",
    )
    data = write_xlsx(tmp_path / "w_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1)])
    line = one_line_error(
        run("ingest", str(data), "--questionnaire", str(bad), home=tmp_path / "h")
    )
    assert "unknown type 'slider'" in line and "q.yaml" in line


def test_ingest_then_status_and_rejects_as_json(tmp_path: Path) -> None:
    data = write_xlsx(
        tmp_path / "w_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1), wjx_row(2, sat="11")]
    )
    loaded = run("ingest", str(data), "--json", home=tmp_path / "h")
    assert loaded.returncode == 0, loaded.stderr
    [report] = json.loads(loaded.stdout)
    assert (report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == (2, 1, 1)
    status = json.loads(run("status", "--json", home=tmp_path / "h").stdout)
    [load] = status["loads"]
    assert load["is_balanced"] and load["questionnaire_version"] == 1
    assert {t["table_name"]: t["count_rows"] for t in status["tables"]}["fct_survey_response"] == 1
    assert status["questionnaires"][0]["questionnaire_id"] == "aigala-participant"
    [reject] = json.loads(run("rejects", "--json", home=tmp_path / "h").stdout)
    assert (reject["file_name"], reject["row_number"]) == ("w_2024.xlsx", 3)
    assert "整体满意度" in reject["column_name"] and "outside the allowed range" in reject["reason"]
    table = run("status", home=tmp_path / "h").stdout
    assert "fct_survey_response" in table and "AI春晚共创者调研" in table


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_codebook_is_generated_from_the_questionnaire(tmp_path: Path, fmt: str) -> None:
    if fmt == "json":
        book = json.loads(run("codebook", "--json").stdout)
        kling = next(row for row in book if row["item_key"] == "kling")
        assert (kling["option_code"], kling["label_zh"], kling["label_en"]) == (4, "可灵", "Kling")
    else:
        out = tmp_path / "codebook.csv"
        assert run("codebook", "--out", str(out)).returncode == 0
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel shows the Chinese
        assert "您使用过哪些AI创作工具" in raw.decode("utf-8-sig")
