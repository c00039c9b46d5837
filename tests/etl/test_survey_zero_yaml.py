"""A survey with no questionnaire file: matched to a stored one by score, or drafted and stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from etl.ingest import ingest_files
from tests.builders import WJX_META, WJX_QUESTIONS, published_rows, wjx_row, write_xls, write_xlsx
from warehouse.settings import Settings

PHONE_HEADERS = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来源",
    "来源详情",
    "来自IP",
    "1、您拥有的手机部数 ",
    "2、您目前使用的手机价格(单选题 *必答)",
    "3、您的性别？",
]


def phone_rows(count: int = 6) -> list[list[object]]:
    """A different 问卷星 survey whose headers hold 手机 (the gala's contact question's word)."""
    prices = ["1000元以下", "1000~2999元", "3000~4999元", "5000元以上"]
    return [
        [
            n,
            f"2025/3/{n} 10:0{n}:00",
            f"{60 + n}秒",
            "手机提交",
            "微信",
            f"10.0.0.{n}(浙江-杭州)",
            str(n % 3 + 1),
            prices[n % 4],
            "男" if n % 2 else "女",
        ]
        for n in range(1, count + 1)
    ]


def sql(settings: Settings, query: str, params: list[Any] | None = None) -> list[tuple]:
    return published_rows(settings.home, query, params)


def test_the_gala_export_still_matches_the_gala_questionnaire(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_xlsx(tmp_path / "wjx_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1)])
    [report] = ingest_files(settings, [path])
    assert report.status == "loaded", report.error
    found = report.details["questionnaire"]
    assert (found["id"], found["how"]) == ("aigala-participant", "matched")
    assert found["score"] > 0.9
    assert sql(settings, "select distinct questionnaire_id from fct_survey_response") == [
        ("aigala-participant",)
    ]


def test_a_survey_with_phone_headers_is_not_taken_for_the_gala_and_gets_a_drafted_questionnaire(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_xlsx(tmp_path / "phones_2025.xlsx", PHONE_HEADERS, phone_rows())
    [report] = ingest_files(settings, [path])
    assert report.status == "loaded", report.error
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (6, 6, 0)
    found = report.details["questionnaire"]
    assert found["how"] == "drafted"
    gala = next(c for c in found["candidates"] if c["questionnaire_id"] == "aigala-participant")
    assert gala["header_agreement"] == pytest.approx(1 / 3, abs=0.01)  # only 您的性别 agrees
    assert "drafted" in report.warnings[0] and found["id"] in report.warnings[0]
    [(qid, version, origin, source, current)] = sql(
        settings,
        "select questionnaire_id, questionnaire_version, origin, source_file_sha256, is_current "
        "from dim_questionnaire where origin = 'drafted'",
    )
    assert (qid, version, origin, current) == (found["id"], 1, "drafted", True)
    from etl.reading import file_sha256

    assert source == file_sha256(path)
    types = dict(
        sql(
            settings,
            "select question_id, question_type from dim_question where questionnaire_id = ?",
            [qid],
        )
    )
    # The phone count is a number, the price a single choice: neither a contact.
    assert types == {"q1": "number", "q2": "single", "q3_gender": "gender"}
    assert sql(
        settings,
        "select gender, count(*) from fct_survey_response where questionnaire_id = ? "
        "group by 1 order by 1",
        [qid],
    ) == [("female", 3), ("male", 3)]
    prices = sql(
        settings,
        "select o.label_zh, count(*) from fct_survey_answer a join fct_survey_response r "
        "using (response_id) join dim_question_option o on o.questionnaire_id = r.questionnaire_id "
        "and o.question_id = a.question_id and o.item_key = a.answer_text "
        "where a.question_id = 'q2' group by 1 order by 1",
    )
    assert prices == [("1000~2999元", 2), ("1000元以下", 1), ("3000~4999元", 2), ("5000元以上", 1)]
    assert sql(settings, "select count(*) from pii_participant_contact") == [(0,)]


def test_loading_the_same_survey_again_matches_the_stored_draft_and_changes_nothing(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_xlsx(tmp_path / "phones_2025.xlsx", PHONE_HEADERS, phone_rows())
    [first] = ingest_files(settings, [path])
    [again] = ingest_files(settings, [path])
    assert again.status == "unchanged"
    more = write_xlsx(tmp_path / "phones_later_2025.xlsx", PHONE_HEADERS, phone_rows(8))
    [later] = ingest_files(settings, [more])
    assert later.status == "loaded", later.error
    assert later.details["questionnaire"]["how"] == "matched"
    assert later.details["questionnaire"]["id"] == first.details["questionnaire"]["id"]
    assert sql(settings, "select count(*) from dim_questionnaire where origin = 'drafted'") == [
        (1,)
    ]
    assert sql(settings, "select count(*) from fct_survey_response") == [(8,)]


def test_a_refined_questionnaire_given_later_replaces_that_surveys_answers(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_xlsx(tmp_path / "phones_2025.xlsx", PHONE_HEADERS, phone_rows())
    [first] = ingest_files(settings, [path])
    qid = first.details["questionnaire"]["id"]
    [(text,)] = sql(
        settings, "select definition_yaml from dim_questionnaire where questionnaire_id = ?", [qid]
    )
    definition = yaml.safe_load(text)
    phones = next(q for q in definition["questions"] if q["id"] == "q1")
    phones["id"] = "phone_count"
    phones["text"]["en"] = "Number of phones"
    refined = tmp_path / "refined.yaml"
    refined.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")

    [again] = ingest_files(settings, [path], questionnaire=refined)
    assert again.status == "loaded", again.error
    assert (
        again.details["questionnaire"]["version"],
        again.details["questionnaire"]["origin"],
    ) == (
        2,
        "refined",
    )
    assert sql(
        settings,
        "select questionnaire_version, is_current from dim_questionnaire "
        "where questionnaire_id = ? order by 1",
        [qid],
    ) == [(1, False), (2, True)]
    assert sql(
        settings,
        "select questionnaire_version, count(*) from fct_survey_response group by 1",
    ) == [(2, 6)]
    assert sql(
        settings,
        "select distinct question_id from fct_survey_answer where question_id in ('q1', "
        "'phone_count')",
    ) == [("phone_count",)]
    [unchanged] = ingest_files(settings, [path], questionnaire=refined)
    assert unchanged.status == "unchanged"


def test_an_export_two_stored_questionnaires_answer_equally_is_refused_naming_both(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_xlsx(tmp_path / "phones_2025.xlsx", PHONE_HEADERS, phone_rows())
    [first] = ingest_files(settings, [path])
    qid = first.details["questionnaire"]["id"]
    [(text,)] = sql(
        settings, "select definition_yaml from dim_questionnaire where questionnaire_id = ?", [qid]
    )
    twin = yaml.safe_load(text) | {"id": "phones-twin"}
    twin_file = tmp_path / "twin.yaml"
    twin_file.write_text(yaml.safe_dump(twin, allow_unicode=True), encoding="utf-8")
    other = write_xlsx(tmp_path / "phones_b_2025.xlsx", PHONE_HEADERS, phone_rows(3))
    [stored] = ingest_files(settings, [other], questionnaire=twin_file)
    assert stored.status == "loaded", stored.error
    third = write_xlsx(tmp_path / "phones_c_2025.xlsx", PHONE_HEADERS, phone_rows(4))
    [refused] = ingest_files(settings, [third])
    assert refused.status == "failed"
    assert refused.error is not None
    assert "matches more than one stored questionnaire" in refused.error
    assert qid in refused.error and "phones-twin" in refused.error


def test_a_file_that_is_no_survey_gets_one_message_and_no_draft(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_xlsx(
        tmp_path / "Overview.xlsx",
        ["Date", "Video Views", "Profile Views", "Likes"],
        [["February 28", "10", "2", "1"]],
    )
    [report] = ingest_files(settings, [path], source="survey")
    assert report.status == "failed"
    assert report.error is not None
    assert report.error.startswith("Overview.xlsx: not a survey export: closest is")
    assert "missing required column" not in report.error


@pytest.mark.parametrize("code_first", [False, True])
def test_a_wjx_text_and_code_pair_drafted_together_load_identical_answers(
    tmp_path: Path, settings: Settings, code_first: bool
) -> None:
    from etl.survey.export import read_survey_export
    from survey.draft import draft_questionnaire

    text_rows, code_rows = wjx_pair_rows()
    text = write_xls(tmp_path / "wjx_357_0_text.xls", LEGACY_PAIR_HEADERS, text_rows)
    codes = write_xls(tmp_path / "wjx_357_2_codes.xls", LEGACY_PAIR_HEADERS, code_rows)
    q = draft_questionnaire(read_survey_export(text), codes=read_survey_export(codes))
    qfile = tmp_path / "q.yaml"
    qfile.write_text(yaml.safe_dump(q.definition, allow_unicode=True), encoding="utf-8")
    order = [codes, text] if code_first else [text, codes]
    answers = []
    for path in order:
        [report] = ingest_files(settings, [path], questionnaire=qfile, edition=2016)
        assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 5, 0)
        answers.append(
            sql(
                settings,
                "select r.source_response_no, a.question_id, a.answer_text, a.option_code "
                "from fct_survey_answer a join fct_survey_response r using (response_id) "
                "where r.load_id = ? order by 1, 2",
                [report.load_id],
            )
        )
    assert answers[0] == answers[1]
    assert ("2", "q2_age", "25_29", 4) in answers[0]


LEGACY_PAIR_HEADERS = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来自IP",
    "来源",
    "来源详情",
    "1、请问您的性别？ ",
    "2、请问您的年龄? ",
    "3、请问您的最高学历是? ",
]
_GENDER = {"男": 1, "女": 2}
_AGE = {"16岁以下": 1, "16~19岁": 2, "20~24岁": 3, "25~29岁": 4, "60岁以上": 9}
_EDUCATION = {"初中及以下": 1, "高中/中专/职高": 2, "大专": 3, "本科": 4, "硕士及以上": 5}


def wjx_pair_rows() -> tuple[list[list[object]], list[list[object]]]:
    """The same five answers as a 问卷星 text export and as its code export (legacy .xls)."""
    answers = [
        ("男", "25~29岁", "高中/中专/职高"),
        ("男", "20~24岁", "本科"),
        ("女", "16岁以下", "初中及以下"),
        ("女", "60岁以上", "硕士及以上"),
        ("男", "16~19岁", "大专"),
    ]
    meta = ["NULL", "NULL", "NULL", "手机提交", "直接访问"]
    text = [[n, *meta, *a] for n, a in enumerate(answers, start=2)]
    codes = [
        [float(n), *meta, float(_GENDER[g]), float(_AGE[age]), float(_EDUCATION[e])]
        for n, (g, age, e) in enumerate(answers, start=2)
    ]
    return text, codes


LAYOUT_FILES = [
    ("wjx_text_xlsx", "xlsx", 3),
    ("wjx_code_xls", "xls", 3),
    ("tencent_csv", "csv", 3),
    ("qualtrics_csv", "csv", 2),
    ("qualtrics_legacy_csv", "csv", 2),
    ("surveymonkey_xlsx", "xlsx", 2),
    ("surveymonkey_csv", "csv", 2),
    ("google_forms_csv", "csv", 2),
    ("google_forms_tsv_zh", "tsv", 2),
    ("typeform_csv", "csv", 2),
    ("alchemer_csv", "csv", 2),
    ("ms_forms_xlsx", "xlsx", 2),
    ("kobo_csv", "csv", 2),
    ("kaggle_csv", "csv", 3),
    ("plain_questions_csv", "csv", 2),
]


@pytest.mark.parametrize(("maker", "ext", "respondents"), LAYOUT_FILES)
def test_every_layout_loads_every_respondent_with_no_questionnaire_file(
    tmp_path: Path, settings: Settings, maker: str, ext: str, respondents: int
) -> None:
    from tests.etl.survey_layouts import survey_files

    path = getattr(survey_files, maker)(tmp_path / f"{maker}_2026.{ext}")
    [report] = ingest_files(settings, [path])
    assert report.status == "loaded", report.error
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (respondents,) * 2 + (0,)
    assert report.details["questionnaire"]["how"] == "drafted"
    [(count,)] = sql(settings, "select count(*) from fct_survey_response")
    assert count == respondents
    # Every drafted question that has answers in the file has them in the warehouse.
    questions = sql(settings, "select count(*) from dim_question")
    answered = sql(settings, "select count(distinct question_id) from fct_survey_answer")
    assert answered == questions


def test_describe_says_what_a_file_is_and_what_a_load_would_do(
    tmp_path: Path, settings: Settings
) -> None:
    from etl.survey.describe import describe_survey_file

    path = write_xlsx(tmp_path / "phones_2025.xlsx", PHONE_HEADERS, phone_rows())
    before = describe_survey_file(path, home=settings.home)
    assert (before["tool"], before["header_rows"], before["respondents"]) == ("wjx_text", 1, 6)
    assert before["questionnaire"]["how"] == "would draft"
    assert [(q["id"], q["type"]) for q in before["questions"]] == [
        ("q1", "number"),
        ("q2", "single"),
        ("q3_gender", "gender"),
    ]
    assert [m["field"] for m in before["metadata"]][:2] == ["response_no", "submitted_at"]
    [report] = ingest_files(settings, [path])
    after = describe_survey_file(path, home=settings.home)
    assert after["questionnaire"]["how"] == "matched"
    assert after["questionnaire"]["id"] == report.details["questionnaire"]["id"]
    assert after["questionnaire"]["score"] == 1.0
    gala = write_xlsx(tmp_path / "wjx_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1)])
    assert describe_survey_file(gala, home=settings.home)["questionnaire"]["id"] == (
        "aigala-participant"
    )


def test_a_code_export_met_by_a_draft_without_the_tools_codes_is_refused_saying_how_to_pair(
    tmp_path: Path, settings: Settings
) -> None:
    text_rows, code_rows = wjx_pair_rows()
    text = write_xls(tmp_path / "wjx_357_0_text.xls", LEGACY_PAIR_HEADERS, text_rows)
    codes = write_xls(tmp_path / "wjx_357_2_codes.xls", LEGACY_PAIR_HEADERS, code_rows)
    [drafted] = ingest_files(settings, [text], edition=2016)
    assert drafted.status == "loaded", drafted.error
    [refused] = ingest_files(settings, [codes], edition=2016)
    assert refused.status == "failed"
    assert refused.error is not None and "--codes" in refused.error
    assert sql(settings, "select count(*) from fct_survey_response") == [(5,)]
