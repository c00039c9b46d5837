"""Traps real exports set for zero-YAML ingest: ids made from question numbers, commas inside
options, free text with commas, and another survey's own age bands."""

from __future__ import annotations

from pathlib import Path

from etl.ingest import ingest_files
from tests.builders import published_rows, write_xlsx
from tests.etl.survey_layouts.survey_files import qualtrics_csv, write_text
from warehouse.settings import Settings

WJX_HEADERS = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def wjx_bands(path: Path) -> Path:
    """A 问卷星 text export of another survey, with that survey's own age bands."""
    bands = ["16~19岁", "20~24岁", "40~49岁", "60岁以上", "16岁以下", "25~29岁"]
    rows = [
        [
            n,
            f"2025/3/{n} 10:00:00",
            "60秒",
            "手机提交",
            "微信",
            "NULL",
            "男" if n % 2 else "女",
            band,
        ]
        for n, band in enumerate(bands, start=1)
    ]
    headers = [*WJX_HEADERS, "1、请问您的性别？ ", "2、请问您的年龄? "]
    return write_xlsx(path, headers, rows)


def test_a_qualtrics_q1_is_not_a_wjx_question_one(tmp_path: Path, settings: Settings) -> None:
    """问卷星 numbers its questions (1、...); a draft of it must not claim Qualtrics' Q1."""
    [wjx] = ingest_files(settings, [wjx_bands(tmp_path / "wjx_2025.xlsx")])
    assert wjx.details["questionnaire"]["how"] == "drafted"
    [qualtrics] = ingest_files(settings, [qualtrics_csv(tmp_path / "qualtrics.csv")])
    assert qualtrics.status == "loaded", qualtrics.error
    found = qualtrics.details["questionnaire"]
    assert found["how"] == "drafted"
    assert found["id"] != wjx.details["questionnaire"]["id"]


def test_another_surveys_clean_age_bands_are_all_mapped(tmp_path: Path, settings: Settings) -> None:
    [report] = ingest_files(settings, [wjx_bands(tmp_path / "wjx_2025.xlsx")])
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (6, 6, 0)
    assert not any("not mapped" in w for w in report.warnings), report.warnings
    rows = dict(
        published_rows(settings.home, "select age_raw, age_band from fct_survey_response", [])
    )
    # inside one canonical band -> that band; straddling ones keep their own text, mapped
    assert rows["20~24岁"] == "18_24" and rows["25~29岁"] == "25_29"
    assert rows["16岁以下"] == "under_18" and rows["60岁以上"] == "50_plus"
    assert published_rows(
        settings.home, "select count(*) from fct_survey_response where not is_age_mapped", []
    ) == [(0,)]


def test_google_forms_options_holding_commas_and_free_text_with_commas(
    tmp_path: Path, settings: Settings
) -> None:
    header = ["Timestamp", "Which languages do you teach?", "What is your course called?"]
    languages = [
        "Python, C",
        "Assembly Language (LC3, Little Computer 3), C",
        "C",
        "Python",
        "Python, Assembly Language (LC3, Little Computer 3)",
        "Python, C",
    ]
    names = [
        "Intro to computing, part 1",
        "数据科学导论, 第二部分",
        "Systems programming",
        "Machine learning, applied",
        "Computer architecture",
        "Web apps, databases and you",
    ]
    rows = [
        [f"3/{n}/2025 10:00:00", lang, name]
        for n, (lang, name) in enumerate(zip(languages, names, strict=True), start=1)
    ]
    path = write_text(tmp_path / "responses.csv", [header, *rows], newline="\r\n")
    [report] = ingest_files(settings, [path])
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (6, 6, 0), report
    qid = report.details["questionnaire"]["id"]
    types = dict(
        published_rows(
            settings.home,
            "select text_en, question_type from dim_question where questionnaire_id = ?",
            [qid],
        )
    )
    assert types["Which languages do you teach?"] == "multi"
    assert types["What is your course called?"] == "text"
    labels = {
        row[0]
        for row in published_rows(
            settings.home,
            "select label_en from dim_question_option where questionnaire_id = ?",
            [qid],
        )
    }
    assert labels == {"Python", "C", "Assembly Language (LC3, Little Computer 3)"}
