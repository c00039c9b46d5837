"""The questionnaire file format: loading, validation, header matching and the codebook."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from survey.questionnaire import (
    QuestionnaireError,
    codebook,
    header_key,
    load_questionnaire,
    parse_questionnaire,
)


def test_the_community_questionnaire_loads_with_every_question_type_it_needs() -> None:
    q = load_questionnaire()
    types = {question.type for question in q.questions}
    assert {
        "age",
        "gender",
        "role",
        "city",
        "multi",
        "single",
        "number",
        "rating",
        "matrix",
        "ranking",
        "contact",
        "text",
    } <= types
    assert q.question("tools").option_for_label("可灵").key == "kling"
    assert q.question("tools").option_for_code(5).key == "jimeng"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("1、请问您的性别？ ", (1, "请问您的性别")),
        ("2、请问您的年龄? ", (2, "请问您的年龄")),
        ("6、您使用过哪些AI创作工具(多选题 *必答)", (6, "您使用过哪些ai创作工具")),
        ("6、您使用过哪些AI创作工具【多选题】", (6, "您使用过哪些ai创作工具")),
        ("3.您的性别", (3, "您的性别")),
        ("您的性别*必答", (None, "您的性别")),
        ("１２、 您的年龄：", (12, "您的年龄")),
    ],
)
def test_export_headers_lose_numbers_suffixes_and_question_marks(
    header: str, expected: tuple
) -> None:
    assert header_key(header) == expected


def test_a_band_written_with_a_tilde_matches_the_option_written_with_a_dash() -> None:
    age = load_questionnaire().question("age")
    assert age.option_for_label("30~34岁").key == "30_34"
    assert age.option_for_label("３０－３４岁").key == "30_34"  # full-width digits and dash


def _minimal(**question: object) -> dict:
    base = {
        "id": "q1",
        "type": "single",
        "text": {"zh": "问题", "en": "Question"},
        "options": [{"code": 1, "key": "a", "zh": "甲", "en": "A"}],
    }
    return {
        "id": "t",
        "version": 1,
        "title": {"zh": "测试", "en": "Test"},
        "questions": [base | question],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "slider"}, "unknown type 'slider'"),
        ({"options": []}, "needs options"),
        (
            {
                "options": [
                    {"code": 1, "key": "a", "zh": "甲", "en": "A"},
                    {"code": 1, "key": "b", "zh": "乙", "en": "B"},
                ]
            },
            "duplicate key",
        ),
        ({"options": [{"key": "a", "zh": "甲", "en": "A"}]}, "needs an integer code"),
        ({"text": {"zh": "只有中文"}}, "needs both zh and en"),
        ({"type": "matrix"}, "needs rows"),
        ({"match": {"patterns": ["(unclosed"]}}, "match.patterns"),
    ],
)
def test_a_broken_questionnaire_names_the_question_and_the_problem(
    change: dict, message: str
) -> None:
    with pytest.raises(QuestionnaireError, match="question q1") as caught:
        parse_questionnaire(_minimal(**change), source="t.yaml")
    assert message in str(caught.value)


def test_a_different_survey_needs_only_a_different_file(tmp_path: Path) -> None:
    data = _minimal(id="fav", text={"zh": "您最喜欢的节目", "en": "Favourite program"})
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    q = load_questionnaire(path)
    assert q.id == "t" and q.question("fav").text.zh == "您最喜欢的节目"


def test_the_codebook_lists_every_option_code_in_both_languages() -> None:
    q = load_questionnaire()
    book = codebook(q)
    tools = book.filter(book["question_id"] == "tools")
    assert tools.height == len(q.question("tools").options)
    row = tools.filter(tools["item_key"] == "kling").row(0, named=True)
    assert (row["option_code"], row["label_zh"], row["label_en"]) == (4, "可灵", "Kling")
    assert set(book["question_id"]) == {question.id for question in q.questions}
    assert book.filter(book["question_id"] == "contact")["is_pii"].to_list() == [True]
    aspects = book.filter((book["question_id"] == "aspects") & (book["item_kind"] == "row"))
    assert aspects["label_zh"].to_list() == ["组织协调", "技术支持", "宣传推广", "反馈交流"]
