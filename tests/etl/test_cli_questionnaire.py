"""`creatorpulse questionnaire ...` as a user runs it: draft, list, show, export, refine."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.builders import write_xls, write_xlsx
from tests.etl.test_cli import one_line_error, run
from tests.etl.test_survey_zero_yaml import PHONE_HEADERS, phone_rows
from tests.survey.test_draft import WJX_PAIR_HEADERS


def test_draft_prints_each_question_with_its_type_and_demographic_confidence(
    tmp_path: Path,
) -> None:
    text_rows = [
        [2, "NULL", "NULL", "NULL", "手机提交", "直接访问", "男", "25~29岁", "本科"],
        [3, "NULL", "NULL", "NULL", "手机提交", "直接访问", "女", "60岁以上", "高中/中专/职高"],
    ]
    code_rows = [
        [2.0, "NULL", "NULL", "NULL", "手机提交", "直接访问", 1.0, 4.0, 4.0],
        [3.0, "NULL", "NULL", "NULL", "手机提交", "直接访问", 2.0, 9.0, 2.0],
    ]
    text = write_xls(tmp_path / "text.xls", WJX_PAIR_HEADERS, text_rows)
    codes = write_xls(tmp_path / "codes.xls", WJX_PAIR_HEADERS, code_rows)
    out = tmp_path / "q.yaml"
    result = run("questionnaire", "draft", str(text), "--codes", str(codes), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "q1_gender" in result.stdout and "gender" in result.stdout
    assert "0.9" in result.stdout  # the demographic confidence column
    drafted = yaml.safe_load(out.read_text(encoding="utf-8"))
    age = next(q for q in drafted["questions"] if q["id"] == "q2_age")
    assert [(o["code"], o["zh"]) for o in age["options"]] == [(4, "25~29岁"), (9, "60岁以上")]


def test_a_drafted_questionnaire_is_listed_shown_exported_and_loads_back_unchanged(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    path = write_xlsx(tmp_path / "phones_2025.xlsx", PHONE_HEADERS, phone_rows())
    loaded = run("ingest", str(path), "--json", home=home)
    assert loaded.returncode == 0, loaded.stderr
    [report] = json.loads(loaded.stdout)
    qid = report["details"]["questionnaire"]["id"]
    listed = json.loads(run("questionnaire", "list", "--json", home=home).stdout)
    drafted = [r for r in listed if r["questionnaire_id"] == qid]
    assert [(r["questionnaire_version"], r["origin"], r["is_current"]) for r in drafted] == [
        (1, "drafted", True)
    ]
    shown = run("questionnaire", "show", qid, home=home)
    assert shown.returncode == 0 and "q3_gender" in shown.stdout
    out = tmp_path / "refine.yaml"
    exported = run("questionnaire", "export", qid, "--out", str(out), home=home)
    assert exported.returncode == 0, exported.stderr
    again = run("ingest", str(path), "--questionnaire", str(out), "--json", home=home)
    assert json.loads(again.stdout)[0]["status"] == "unchanged"


def test_exporting_an_unknown_questionnaire_is_one_clear_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = write_xlsx(tmp_path / "phones_2025.xlsx", PHONE_HEADERS, phone_rows())
    assert run("ingest", str(path), home=home).returncode == 0
    result = run("questionnaire", "export", "nope", "--out", str(tmp_path / "x.yaml"), home=home)
    assert one_line_error(result) == "error: no stored questionnaire 'nope'"
