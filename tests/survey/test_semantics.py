"""Recognising what a survey column is about from its header and its values."""

from __future__ import annotations

import pytest

from survey.semantics import (
    SEMANTICS,
    Recognition,
    clean_header,
    header_core,
    header_scores,
    recognise,
    score_semantics,
    value_share,
)

PHONES = ["13800138000", "13912345678", "15000000000", "18611112222"]


@pytest.mark.parametrize(
    ("header", "semantic"),
    [
        pytest.param("年龄段", "age", id="年龄段"),
        pytest.param("What is your age (# years)?", "age", id="Kaggle age"),
        pytest.param("您的出生年份", "age", id="出生年份"),
        pytest.param("性别", "gender", id="性别"),
        pytest.param("What is your gender? - Selected Choice", "gender", id="Kaggle gender"),
        pytest.param("您目前所在的城市", "city", id="所在的城市"),
        pytest.param("IP省份", "province", id="腾讯问卷 IP省份"),
        pytest.param("In which country do you currently reside?", "country", id="Kaggle country"),
        pytest.param("您的国籍", "country", id="国籍"),
        pytest.param(
            "Select the title most similar to your current role (or most recent title if retired)",
            "role",
            id="Kaggle role",
        ),
        pytest.param("您的职业是？", "role", id="职业"),
        pytest.param("最高学历", "education", id="最高学历"),
        pytest.param(
            "What is the highest level of formal education that you have attained?",
            "education",
            id="Kaggle education",
        ),
        pytest.param("您的手机号", "phone", id="您的手机号"),
        pytest.param("12、您的手机？(填空题 *必答)", "phone", id="bare 手机 after politeness"),
        pytest.param("Phone number", "phone", id="Phone number"),
        pytest.param("邮箱", "email", id="邮箱"),
        pytest.param("Email Address", "email", id="SurveyMonkey Email Address"),
        pytest.param("您的微信号", "wechat", id="微信号"),
        pytest.param("您的姓名", "name", id="姓名"),
        pytest.param("First Name", "name", id="First Name"),
        pytest.param("RecipientEmail", "email", id="Qualtrics RecipientEmail"),
        pytest.param("RecipientLastName", "name", id="Qualtrics RecipientLastName"),
        pytest.param("国家/地区", "country", id="国家/地区"),
    ],
)
def test_headers_name_their_semantic_as_a_phrase(header: str, semantic: str) -> None:
    scores = header_scores(header)
    assert scores[semantic][0] >= 0.7
    assert max(scores, key=lambda s: scores[s][0]) == semantic


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("手机部数", id="how many phones"),
        pytest.param("手机价格", id="phone price"),
        pytest.param("您每天使用手机的时长", id="time on the phone"),
        pytest.param("微信指数", id="WeChat index"),
        pytest.param("您在微信上看过AI春晚吗", id="watched on WeChat"),
        pytest.param("作品名称", id="the title of a work"),
        pytest.param("节目名称", id="the title of a program"),
        pytest.param("是否获得过国家级奖项", id="国家级 is not a country"),
        pytest.param("身份证号", id="an ID card number is not a role"),
        pytest.param("平均观看时长", id="no age inside average"),
        pytest.param("Usage of image tools", id="no age inside usage or image"),
        pytest.param("To what degree do you agree?", id="degree as in how much"),
        pytest.param("您的职业规划", id="career plans are not an occupation"),
        pytest.param("您所在的行业", id="industry is not a role"),
        pytest.param("提交答卷时间", id="问卷星 metadata"),
        pytest.param("来自IP", id="问卷星 IP column: only its values say city"),
        pytest.param("Duration (in seconds)", id="Qualtrics metadata"),
    ],
)
def test_unrelated_headers_do_not_name_a_contact_or_demographic(header: str) -> None:
    scores = header_scores(header)
    assert all(strength < 0.7 for strength, _ in scores.values()), scores


def test_a_header_naming_two_semantics_leaves_the_choice_to_the_values() -> None:
    scores = header_scores("省份/城市")
    assert scores["province"][0] == scores["city"][0] == 0.7
    found = recognise("省份/城市", ["成都", "杭州", "苏州"])
    assert found is not None and found.semantic == "city"


def test_the_phone_count_trap_is_not_a_contact_even_with_its_values() -> None:
    assert recognise("手机部数", ["1", "2", "3", "2", "1"]) is None
    assert recognise("手机价格", ["3999", "5999", "1999"]) is None


def test_a_phone_header_with_phone_numbers_is_a_confident_contact() -> None:
    found = recognise("您的手机号", PHONES)
    assert found is not None
    assert found.semantic == "phone"
    assert found.confidence >= 0.95
    assert (found.kind, found.contact_kind) == ("contact", "phone")
    assert "手机号" in found.evidence and "4 of 4" in found.evidence


def test_phone_numbers_read_as_floats_from_a_spreadsheet_still_count() -> None:
    assert value_share("phone", ["13800138000.0", "13912345678.0"])[0] == 1.0


def test_a_header_alone_is_less_sure_than_header_and_values() -> None:
    alone = recognise("您的手机号", [])
    both = recognise("您的手机号", PHONES)
    assert alone is not None and both is not None
    assert alone.confidence < both.confidence
    assert alone.confidence < 0.75


def test_values_that_contradict_the_header_lower_the_confidence() -> None:
    found = recognise("年龄", ["非常满意", "满意", "一般", "不满意"])
    assert found is None or found.confidence < 0.5


@pytest.mark.parametrize(
    ("values", "semantic"),
    [
        pytest.param(
            ["India", "United States of America", "China", "Brazil", "Viet Nam", "Other"],
            "country",
            id="country names",
        ),
        pytest.param(
            ["美国", "英国", "日本", "中国香港", "新加坡"], "country", id="国家 in Chinese"
        ),
        pytest.param(
            ["16~19岁", "20~29岁", "30~39岁", "40~49岁", "60岁以上"], "age", id="age bands"
        ),
        pytest.param(["男", "女", "女", "男"], "gender", id="男 女"),
        pytest.param(["本科", "硕士", "大专", "博士"], "education", id="学历"),
        pytest.param(
            ["183.192.16.69(上海-上海)", "36.1.2.3(广东-深圳)", "1.2.3.4(浙江-杭州)"],
            "city",
            id="问卷星 来自IP",
        ),
        pytest.param(["13800138000", "a@example.com", "15000000000"], "contact", id="mixed"),
        pytest.param(["zhang@example.com", "li@example.cn"], "email", id="e-mail addresses"),
    ],
)
def test_values_alone_recognise_a_column(values: list[str], semantic: str) -> None:
    found = recognise("Q7", values)
    assert found is not None
    assert found.semantic == semantic
    assert found.confidence >= 0.75
    assert "distinct values" in found.evidence


def test_a_column_of_countries_at_80_percent_is_a_country() -> None:
    values = ["美国", "英国", "日本", "德国", "火星"]  # 4 of 5
    found = recognise("", values)
    assert found is not None and found.semantic == "country"
    below = recognise("", ["美国", "英国", "火星", "月球", "土星"])  # 2 of 5
    assert below is None or below.semantic != "country"


def test_other_options_and_refusals_are_no_evidence_either_way() -> None:
    values = [
        "初中及以下",
        "高中/中专/职高",
        "大专或大学非本科",
        "本科",
        "硕士及以上",
        "其它",
        "保密",
    ]
    found = recognise("3、请问您的最高学历是? ", values)
    assert found is not None and found.semantic == "education"
    assert "5 of 5 distinct values" in found.evidence


def test_tool_ids_and_a_single_answer_are_not_taken_for_contacts_or_roles() -> None:
    assert recognise("ResponseId", ["R_2YPOQ602ER1jkf1", "R_3aBcD9eFgH1jk2L"]) is None
    assert recognise("UserLanguage", ["DE"]) is None
    lone = recognise("", ["美国"])
    assert lone is None or lone.confidence < 0.75


def test_plain_numbers_alone_are_not_enough_for_an_age() -> None:
    assert recognise("每周创作时长（小时）", ["10", "20", "30", "15"]) is None
    found = recognise("年龄", ["23", "31", "27", "45"])
    assert found is not None and found.semantic == "age" and found.confidence >= 0.75


def test_names_need_a_header_to_be_confident() -> None:
    assert recognise("", ["张伟", "李娜", "王芳"]) is None
    found = recognise("您的姓名", ["张伟", "李娜", "王芳"])
    assert found is not None and found.semantic == "name" and found.contact_kind == "name"


def test_cities_and_roles_named_like_people_are_not_names() -> None:
    assert value_share("name", ["上海", "产品经理", "男"])[0] == 0.0


def test_a_province_column_counts_municipalities_as_provinces() -> None:
    found = recognise("IP省份", ["广东", "浙江", "上海", "北京"])
    assert found is not None and found.semantic == "province"


def test_a_generic_contact_header_lets_the_values_say_which_contact() -> None:
    only_phones = recognise("联系方式", PHONES)
    assert only_phones is not None and only_phones.semantic == "phone"
    mixed = recognise("联系方式", ["13800138000", "a@b.com", "wxid_abc123"])
    assert mixed is not None
    assert (mixed.semantic, mixed.kind, mixed.contact_kind) == ("contact", "contact", "any")


def test_score_semantics_ranks_all_candidates_with_their_evidence() -> None:
    scores = score_semantics("您所在的省市", ["广东省", "浙江省", "四川省"])
    assert [s.semantic for s in scores][:2] == ["province", "city"]
    assert all(isinstance(s, Recognition) for s in scores)
    assert all(0 < s.confidence <= 1 for s in scores)
    assert {s.semantic for s in scores} <= set(SEMANTICS)


def test_a_recognition_unpacks_as_semantic_confidence_evidence() -> None:
    found = recognise("性别", ["男", "女"])
    assert found is not None
    semantic, confidence, evidence = found
    assert semantic == "gender" and confidence > 0.9 and "性别" in evidence


def test_headers_are_cleaned_of_numbers_tags_and_politeness() -> None:
    assert clean_header("3、您的手机号？(填空题 *必答)") == "您的手机号"
    assert clean_header("Q12. What is your age?") == "what is your age"
    assert clean_header("5s完播率") == "5s完播率"
    assert header_core("请填写您的姓名：") == "姓名"
    assert header_core("What is your name?") == "name"
