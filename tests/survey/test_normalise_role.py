"""Behaviour of the role normaliser: dictionary, substring rules, fuzzy matching, 问卷星 forms."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest
import yaml

from survey.normalise import FUZZY_CUTOFF, ROLE_CODES, normalise_role, normalise_role_series

ROOT = Path(__file__).parents[2]
QUESTIONNAIRE = ROOT / "survey" / "questionnaires" / "aigala-participant.yaml"
ROLES_YAML = ROOT / "survey" / "data" / "roles.yaml"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("产品经理", "product_manager", id="产品经理"),
        pytest.param("PM", "product_manager", id="PM"),
        pytest.param("pm", "product_manager", id="lower-case pm"),
        pytest.param("产品", "product_manager", id="产品"),
        pytest.param("产品总监", "product_manager", id="产品总监"),
        pytest.param("AI产品经理", "product_manager", id="AI产品经理"),
        pytest.param("电商产品经理", "product_manager", id="anything containing 产品经理"),
        pytest.param("Product Manager", "product_manager", id="English, capitalised"),
        pytest.param("设计师", "designer", id="设计师"),
        pytest.param("UI设计", "designer", id="UI设计"),
        pytest.param("平面设计", "designer", id="平面设计"),
        pytest.param("UX", "designer", id="UX"),
        pytest.param("广告设计师", "designer", id="the longer substring 设计师 beats 广告"),
        pytest.param("程序员", "engineer", id="程序员"),
        pytest.param("算法工程师", "engineer", id="算法工程师"),
        pytest.param("前端", "engineer", id="前端"),
        pytest.param("码农", "engineer", id="码农"),
        pytest.param("Software Engineer", "engineer", id="software engineer"),
        pytest.param("导演", "film_advertising", id="导演"),
        pytest.param("广告导演", "film_advertising", id="广告导演"),
        pytest.param("剪辑师", "film_advertising", id="剪辑师"),
        pytest.param("影视后期", "film_advertising", id="影视后期"),
        pytest.param("编剧", "film_advertising", id="编剧"),
        pytest.param("摄影师", "film_advertising", id="摄影师"),
        pytest.param("学生", "student", id="学生"),
        pytest.param("研究生", "student", id="研究生 is a student, not a researcher"),
        pytest.param("在校大学生", "student", id="在校大学生"),
        pytest.param("插画师", "artist_creator", id="插画师"),
        pytest.param("独立艺术家", "artist_creator", id="独立艺术家"),
        pytest.param("自由职业创作者", "artist_creator", id="自由职业创作者"),
        pytest.param("UP主", "artist_creator", id="UP主"),
        pytest.param("AI视频博主", "artist_creator", id="anything containing 博主"),
        pytest.param("新媒体运营", "marketing_operations", id="新媒体运营"),
        pytest.param("产品运营", "marketing_operations", id="产品运营 is operations"),
        pytest.param("品牌", "marketing_operations", id="品牌"),
        pytest.param("高校教师", "teacher_researcher", id="高校教师"),
        pytest.param("博士后", "teacher_researcher", id="博士后"),
        pytest.param("研究员", "teacher_researcher", id="研究员"),
        pytest.param("联合创始人", "founder", id="联合创始人"),
        pytest.param("CEO", "founder", id="CEO"),
        pytest.param("其他", "other", id="其他 alone"),
        pytest.param("工程师/程序员", "engineer", id="the questionnaire label with a slash"),
        pytest.param("ＵＩ设计师", "designer", id="full-width letters"),
    ],
)
def test_role_answers_map_to_codes(value: str, code: str) -> None:
    result = normalise_role(value)
    assert (result.status, result.code) == ("mapped", code)
    assert result.reason is None
    assert result.score is not None and result.score >= FUZZY_CUTOFF


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("其他【请注明】〖广告导演〗", "film_advertising", id="问卷星 other form"),
        pytest.param("其他〖插画师〗", "artist_creator", id="问卷星 other form without hint"),
        pytest.param("其他:UI设计", "designer", id="other with a colon"),
        pytest.param("其他【请注明】〖〗", "other", id="问卷星 other form left empty"),
        pytest.param("其他【请注明】〖公务员〗", "other", id="问卷星 other with unknown text"),
    ],
)
def test_the_wjx_other_form_is_matched_on_its_inner_text(value: str, code: str) -> None:
    result = normalise_role(value)
    assert (result.status, result.code) == ("mapped", code)


def test_the_inner_text_alone_matches_the_same_way() -> None:
    assert normalise_role("广告导演").code == normalise_role("其他【请注明】〖广告导演〗").code


@pytest.mark.parametrize(
    ("value", "code", "matched"),
    [
        pytest.param("prodcut manager", "product_manager", "Product manager", id="transposed"),
        pytest.param("enginer", "engineer", "engineer", id="missing letter"),
        pytest.param("desinger", "designer", "designer", id="swapped letters"),
        pytest.param("产品汪汪", "product_manager", "产品汪", id="Chinese near miss"),
    ],
)
def test_near_misses_are_fuzzy_matched_above_the_cutoff(
    value: str, code: str, matched: str
) -> None:
    result = normalise_role(value)
    assert (result.status, result.code, result.method, result.matched) == (
        "mapped",
        code,
        "fuzzy",
        matched,
    )
    assert FUZZY_CUTOFF <= result.score < 100


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param("公务员", "no role matched", id="an occupation not in the list"),
        pytest.param("产品经里", "no role matched", id="a one-character slip scores below 80"),
        pytest.param("火星人", "no role matched", id="garbage"),
        pytest.param("x", "no role matched", id="a single letter"),
        pytest.param(
            "产品经理/设计师",
            "several roles matched: designer, product_manager",
            id="two roles are not guessed",
        ),
        pytest.param(
            "学生、插画师",
            "several roles matched: artist_creator, student",
            id="two roles with a Chinese comma",
        ),
        pytest.param(
            "设计老师",
            "ambiguous: designer, teacher_researcher",
            id="equally long substrings of two roles",
        ),
    ],
)
def test_unmatched_roles_are_unmapped_with_a_reason(value: str, reason: str) -> None:
    result = normalise_role(value)
    assert (result.status, result.code, result.reason) == ("unmapped", None, reason)
    assert result.raw == value


def test_several_parts_naming_one_role_map_to_it() -> None:
    assert normalise_role("UI/UX设计师").code == "designer"
    assert normalise_role("学生/其他").code == "student"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_nothing_given_is_blank(value: object) -> None:
    assert normalise_role(value).status == "blank"


def test_role_codes_are_the_questionnaire_option_keys_and_the_dictionary_keys() -> None:
    questionnaire = yaml.safe_load(QUESTIONNAIRE.read_text(encoding="utf-8"))
    role = next(q for q in questionnaire["questions"] if q["id"] == "role")
    assert tuple(option["key"] for option in role["options"]) == ROLE_CODES
    assert tuple(yaml.safe_load(ROLES_YAML.read_text(encoding="utf-8"))) == ROLE_CODES


def test_every_alias_and_label_in_the_dictionary_maps_to_its_own_role() -> None:
    roles = yaml.safe_load(ROLES_YAML.read_text(encoding="utf-8"))
    for code, entry in roles.items():
        for term in [entry["zh"], entry["en"], *entry["aliases"], *entry["contains"]]:
            result = normalise_role(str(term))
            assert (result.status, result.code) == ("mapped", code), term


def test_an_exact_match_reports_method_and_matched_alias() -> None:
    result = normalise_role(" pm ")
    assert (result.method, result.matched, result.score) == ("exact", "PM", 100.0)
    assert normalise_role("电商产品经理").method == "contains"


def test_the_series_helper_matches_the_scalar_function_row_by_row() -> None:
    values = ["产品经理", None, "其他【请注明】〖广告导演〗", "enginer", "公务员", "产品经理", None]
    frame = normalise_role_series(pl.Series("role", values))
    assert frame.columns == [
        "role_raw",
        "role_status",
        "role_reason",
        "role_code",
        "role_score",
        "role_matched",
        "role_method",
    ]
    expected = [
        {f"role_{k}": v for k, v in dataclasses.asdict(normalise_role(value)).items()}
        for value in values
    ]
    assert frame.to_dicts() == expected
