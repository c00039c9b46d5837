"""Drafting a questionnaire from an export's layout and answers, question by question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from etl.reading import read_table
from etl.survey.export import read_survey_export
from etl.survey.layouts.base import ColumnInfo, SurveyExport
from survey.draft import draft_definition, draft_questionnaire, recognise_demographic
from tests.builders import write_csv, write_xls, write_xlsx


def question(definition: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in definition["questions"] if q["id"] == qid)


def options(entry: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(o["code"], o["en"] or o["zh"], o["key"]) for o in entry.get("options", [])]


def qualtrics_like(tmp_path: Path) -> SurveyExport:
    """Three header rows (short ids, texts, ImportId JSON), multi split one column per choice,
    an "other" text column, a matrix of scale labels and a 0-10 rating."""
    headers = [
        "StartDate", "ResponseId", "Q1", "Q2_1", "Q2_2", "Q2_3", "Q2_3_TEXT",
        "Q3_1", "Q3_2", "Q4",
    ]  # fmt: skip
    texts = [
        "Start Date", "Response ID", "What is your gender?",
        "Which tools do you use? - Midjourney", "Which tools do you use? - Kling",
        "Which tools do you use? - Other", "Which tools do you use? - Other - Text",
        "How satisfied are you with - Organisation", "How satisfied are you with - Tech support",
        "How likely are you to recommend us?",
    ]  # fmt: skip
    import_ids = ['{"ImportId":"startDate"}'] * 2 + ['{"ImportId":"QID1"}'] * 8
    rows = [
        ["2025-02-01 10:00:00", "R_1", "Female", "Midjourney", "", "", "", "Satisfied", "Very satisfied", "9"],
        ["2025-02-01 11:00:00", "R_2", "Male", "Midjourney", "Kling", "Other", "Pika", "Neutral", "Satisfied", "7"],
        ["2025-02-01 12:00:00", "R_3", "Male", "", "Kling", "", "", "Satisfied", "", "10"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "qualtrics.csv", headers, [texts, import_ids, *rows])
    table = read_table(path)
    item = {"question": "question"}
    columns = [
        ColumnInfo(0, "StartDate", "meta", meta="started_at"),
        ColumnInfo(1, "ResponseId", "meta", meta="response_no"),
        ColumnInfo(2, "Q1", "question", question_key="Q1", short_id="Q1",
                   question_text="What is your gender?"),
        *[
            ColumnInfo(i, h, item["question"], question_key="Q2", short_id="Q2",
                       question_text="Which tools do you use?", item=label, cell="option_text",
                       choice_code=str(code))
            for i, h, label, code in [(3, "Q2_1", "Midjourney", 1), (4, "Q2_2", "Kling", 2),
                                      (5, "Q2_3", "Other", 3)]
        ],
        ColumnInfo(6, "Q2_3_TEXT", "question", question_key="Q2", short_id="Q2",
                   question_text="Which tools do you use?", item="Other", cell="other_text"),
        ColumnInfo(7, "Q3_1", "question", question_key="Q3", short_id="Q3",
                   question_text="How satisfied are you with", item="Organisation", cell="score"),
        ColumnInfo(8, "Q3_2", "question", question_key="Q3", short_id="Q3",
                   question_text="How satisfied are you with", item="Tech support", cell="score"),
        ColumnInfo(9, "Q4", "question", question_key="Q4", short_id="Q4",
                   question_text="How likely are you to recommend us?"),
    ]  # fmt: skip
    return SurveyExport(
        "qualtrics", "Qualtrics CSV, 3 header rows", table, columns, data_start=2, language="en"
    )


def test_a_qualtrics_like_export_is_drafted_with_its_short_ids_types_and_choice_codes(
    tmp_path: Path,
) -> None:
    definition = draft_definition(qualtrics_like(tmp_path))
    assert [q["id"] for q in definition["questions"]] == ["Q1", "Q2", "Q3", "Q4"]
    gender = question(definition, "Q1")
    assert gender["type"] == "gender"
    assert gender["text"] == {"zh": "", "en": "What is your gender?"}  # no invented Chinese
    assert options(gender) == [(1, "Female", "female"), (2, "Male", "male")]
    assert gender["semantic"]["kind"] == "gender" and gender["semantic"]["confidence"] >= 0.9
    tools = question(definition, "Q2")
    assert tools["type"] == "multi"
    assert options(tools) == [
        (1, "Midjourney", "midjourney"),
        (2, "Kling", "kling"),
        (3, "Other", "other"),
    ]
    assert tools["options"][2]["other"] is True
    assert tools["columns"] == ["Q2_1", "Q2_2", "Q2_3", "Q2_3_TEXT"]
    matrix = question(definition, "Q3")
    assert matrix["type"] == "matrix"
    assert [r["en"] for r in matrix["rows"]] == ["Organisation", "Tech support"]
    # Scale labels in their natural (likert) order, coded 1..n.
    assert [(o["code"], o["en"]) for o in matrix["options"]] == [
        (1, "Neutral"), (2, "Satisfied"), (3, "Very satisfied"),
    ]  # fmt: skip
    assert question(definition, "Q4")["type"] == "rating"
    assert question(definition, "Q4")["scale"] == {"min": 0, "max": 10}
    assert [m["field"] for m in definition["metadata"]] == ["started_at", "response_no"]


def test_a_draft_accounts_for_every_column(tmp_path: Path) -> None:
    export = qualtrics_like(tmp_path)
    export.columns.append(ColumnInfo(10, "Q_RecaptchaScore", "ignored", reason="a tool score"))
    definition = draft_definition(export)
    seen = {c for q in definition["questions"] for c in q["columns"]}
    seen |= {m["column"] for m in definition["metadata"]}
    seen |= {i["column"] for i in definition["ignored"]}
    assert seen == {c.header for c in export.columns}
    assert {"column": "Q_RecaptchaScore", "reason": "a tool score"} in definition["ignored"]


def test_a_question_text_row_is_never_a_respondent(tmp_path: Path) -> None:
    export = qualtrics_like(tmp_path)
    q = draft_questionnaire(export)
    assert export.respondents == 3
    labels = {o.label.en for o in q.question("Q1").options}
    assert "What is your gender?" not in labels and '{"ImportId":"QID1"}' not in labels


def test_a_google_forms_comma_joined_multi_keeps_options_that_hold_a_comma(
    tmp_path: Path,
) -> None:
    headers = ["Timestamp", "Which platforms do you post on?", "Your age"]
    rows = [
        ["2/1/2025 10:00:00", "Bilibili, Douyin", "25"],
        ["2/1/2025 11:00:00", "Xiaohongshu (RED, 小红书)", "31"],
        ["2/1/2025 12:00:00", "Douyin, Xiaohongshu (RED, 小红书), Bilibili", "19"],
        ["2/1/2025 13:00:00", "Douyin", "44"],
    ]
    table = read_table(write_csv(tmp_path / "forms.csv", headers, rows))
    columns = [
        ColumnInfo(0, "Timestamp", "meta", meta="submitted_at"),
        ColumnInfo(1, headers[1], "question", question_key="c1", question_text=headers[1],
                   multi_sep=", "),
        ColumnInfo(2, headers[2], "question", question_key="c2", question_text=headers[2]),
    ]  # fmt: skip
    export = SurveyExport("google_forms", "Google Forms CSV", table, columns, language="en")
    definition = draft_definition(export)
    [platforms, age] = definition["questions"]
    assert platforms["type"] == "multi"
    assert sorted(o["en"] for o in platforms["options"]) == [
        "Bilibili", "Douyin", "Xiaohongshu (RED, 小红书)",
    ]  # fmt: skip
    assert (age["id"], age["type"]) == ("age", "age")


def test_a_wjx_text_export_is_drafted_with_wjx_conventions(tmp_path: Path) -> None:
    headers = [
        "序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
        "1、您的性别", "2、您的年龄段", "3、您常用哪些AI工具(多选题 *必答)",
        "4、请按重要性排序", "5、请为以下方面打分—组织协调", "5、请为以下方面打分—技术支持",
        "6、您的手机号码", "7、您对活动的建议",
    ]  # fmt: skip
    rows = [
        [1, "2025/2/1 10:00:00", "100秒", "手机提交", "微信", "1.2.3.4(上海-上海)", "男", "25~29岁",
         "可灵┋即梦┋其他【请注明】〖Pika〗", "作品反馈→流量曝光", "4分", "5分", "13812345678",
         "希望多办线下活动，增加交流机会"],
        [2, "2025/2/1 11:00:00", "80秒", "手机提交", "链接", "1.2.3.5(北京-北京)", "女", "16~19岁",
         "可灵", "流量曝光→作品反馈", "3分", "(跳过)", "13900001111", "无"],
        [3, "2025/2/1 12:00:00", "95秒", "链接", "直接访问", "1.2.3.6(浙江-杭州)", "女", "60岁以上",
         "Midjourney┋可灵", "作品反馈", "5分", "4分", "(空)", "组织得很好，期待明年再来参加"],
    ]  # fmt: skip
    export = read_survey_export(write_xlsx(tmp_path / "wjx.xlsx", headers, rows))
    definition = draft_definition(export)
    ids = [q["id"] for q in definition["questions"]]
    assert ids == ["q1_gender", "q2_age", "q3", "q4", "q5", "q6_contact", "q7"]
    assert question(definition, "q1_gender")["type"] == "gender"
    age = question(definition, "q2_age")
    assert age["type"] == "age"
    assert [o["zh"] for o in age["options"]] == ["16~19岁", "25~29岁", "60岁以上"]  # natural order
    tools = question(definition, "q3")
    assert tools["type"] == "multi"
    assert [(o["zh"], o.get("other", False)) for o in tools["options"]] == [
        ("可灵", False), ("即梦", False), ("其他", True), ("Midjourney", False),
    ]  # fmt: skip
    ranking = question(definition, "q4")
    assert ranking["type"] == "ranking"
    assert [o["zh"] for o in ranking["options"]] == ["作品反馈", "流量曝光"]
    matrix = question(definition, "q5")
    assert matrix["type"] == "matrix" and [r["zh"] for r in matrix["rows"]] == [
        "组织协调",
        "技术支持",
    ]
    assert matrix["scale"] == {"min": 1, "max": 5}
    contact = question(definition, "q6_contact")
    assert (contact["type"], contact["contact_kind"]) == ("contact", "phone")
    assert question(definition, "q7")["type"] == "text"
    assert [m["field"] for m in definition["metadata"]] == [
        "response_no", "submitted_at", "duration", "channel", "channel_detail", "ip",
    ]  # fmt: skip


def test_a_phone_count_column_is_not_a_contact_question() -> None:
    semantic = recognise_demographic("手机部数", ["1", "2", "3"])
    assert semantic.kind != "contact"
    assert recognise_demographic("您的手机号码", ["13812345678", "13900001111"]).kind == "contact"


@pytest.mark.parametrize(
    ("header", "values", "kind"),
    [
        ("请问您的性别", ["男", "女"], "gender"),
        ("What is your gender?", ["Man", "Woman", "Nonbinary"], "gender"),
        ("您所在的城市", ["上海", "北京", "杭州"], "city"),
        ("请问您的最高学历是", ["本科", "硕士及以上", "大专"], "education"),
        ("您目前的职业", ["学生", "产品经理", "设计师"], "role"),
        ("In which country do you currently reside?", ["India", "Japan", "Brazil"], "country"),
    ],
)
def test_demographic_questions_are_recognised_from_header_and_values(
    header: str, values: list[str], kind: str
) -> None:
    semantic = recognise_demographic(header, values)
    assert semantic.kind == kind
    assert semantic.confidence >= 0.75


def test_a_header_alone_gives_a_lower_confidence_than_header_and_answers() -> None:
    alone = recognise_demographic("您的性别", [])
    both = recognise_demographic("您的性别", ["男", "女"])
    assert alone.kind == both.kind == "gender"
    assert alone.confidence < 0.75 <= both.confidence
    assert recognise_demographic("您的性别", ["甲", "乙"]).confidence < 0.75  # answers disagree


WJX_PAIR_HEADERS = [
    "序号", "提交答卷时间", "所用时间", "来自IP", "来源", "来源详情",
    "1、请问您的性别？ ", "2、请问您的年龄? ", "3、请问您的最高学历是? ",
]  # fmt: skip


def test_the_wjx_code_export_paired_with_its_text_export_gives_the_tools_own_codes(
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
    text = read_survey_export(write_xls(tmp_path / "t.xls", WJX_PAIR_HEADERS, text_rows))
    codes = read_survey_export(write_xls(tmp_path / "c.xls", WJX_PAIR_HEADERS, code_rows))
    assert (text.tool, codes.tool) == ("wjx_text", "wjx_code")
    definition = draft_definition(text, codes=codes)
    assert [(o["code"], o["zh"]) for o in question(definition, "q2_age")["options"]] == [
        (4, "25~29岁"),
        (9, "60岁以上"),
    ]
    education = question(definition, "q3_education")
    assert [(o["code"], o["zh"], o["en"]) for o in education["options"]] == [
        (2, "高中/中专/职高", "Senior high / vocational school"),
        (4, "本科", "Bachelor's degree"),
    ]
    # The code export alone knows only numbers; drafted alone its labels are the codes.
    alone = draft_definition(codes)
    assert [o["zh"] for o in question(alone, "q2_age")["options"]] == ["4", "9"]
    assert [q["id"] for q in alone["questions"]] == [q["id"] for q in definition["questions"]]


# -- loading from a layout: every cell kind ------------------------------------------------------


def ingest_export(
    monkeypatch: pytest.MonkeyPatch, settings: Any, export: SurveyExport, **kwargs: Any
) -> Any:
    """Ingest a file through a given layout reading (the layout readers' contract)."""
    from etl.ingest import ingest_files

    monkeypatch.setattr("etl.survey.load.read_survey_file", lambda path: (export, None, None))
    [report] = ingest_files(settings, [export.table.path], source="survey", **kwargs)
    return report


def answers(settings: Any, question_id: str) -> list[tuple[Any, ...]]:
    from tests.builders import published_rows

    return published_rows(
        settings.home,
        "select r.source_response_no, a.item_key, a.answer_status, a.answer_number, "
        "a.answer_rank, a.other_text from fct_survey_answer a join fct_survey_response r "
        "using (response_id) where a.question_id = ? order by 1, 2",
        [question_id],
    )


def test_a_three_header_row_export_loads_its_respondents_only_with_option_text_and_scales(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = qualtrics_like(tmp_path)
    report = ingest_export(monkeypatch, settings, export)
    assert report.status == "loaded", report.error
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    assert report.details["questionnaire"]["how"] == "drafted"
    assert answers(settings, "Q1") == [
        ("R_1", "", "answered", None, None, None),
        ("R_2", "", "answered", None, None, None),
        ("R_3", "", "answered", None, None, None),
    ]
    assert answers(settings, "Q2") == [
        ("R_1", "midjourney", "answered", 1.0, None, None),
        ("R_2", "kling", "answered", 1.0, None, None),
        ("R_2", "midjourney", "answered", 1.0, None, None),
        ("R_2", "other", "other", 1.0, None, "Pika"),
        ("R_3", "kling", "answered", 1.0, None, None),
    ]
    assert answers(settings, "Q3") == [
        ("R_1", "organisation", "answered", 2.0, None, None),
        ("R_1", "tech_support", "answered", 3.0, None, None),
        ("R_2", "organisation", "answered", 1.0, None, None),
        ("R_2", "tech_support", "answered", 2.0, None, None),
        ("R_3", "organisation", "answered", 2.0, None, None),
        ("R_3", "tech_support", "empty", None, None, None),
    ]
    from tests.builders import published_rows

    assert published_rows(
        settings.home, "select gender, row_number from fct_survey_response order by row_number"
    ) == [("female", 4), ("male", 5), ("male", 6)]  # file rows: three header rows before


def test_rejected_rows_are_named_by_their_row_in_the_file(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = qualtrics_like(tmp_path)
    path = export.table.path
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "2025-02-01 13:00:00,R_2,Male,,,,,,,8\r\n", encoding="utf-8")
    export = SurveyExport(
        export.tool, export.layout, read_table(path), export.columns, data_start=2, language="en"
    )
    report = ingest_export(monkeypatch, settings, export)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 3, 1)
    from tests.builders import published_rows

    assert published_rows(settings.home, "select row_number, reason from load_reject") == [
        (7, "response number R_2 already used on row 5")
    ]


def test_flag_rank_and_code_cells_load_as_choices_ranks_and_options(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = [
        "编号", "结束答题时间", "1.您的性别", "2.您用过的工具:可灵", "2.您用过的工具:即梦",
        "2.您用过的工具:其他", "3.请排序:作品反馈", "3.请排序:流量曝光", "4.您的年龄段",
    ]  # fmt: skip
    rows = [
        ["1", "2025-02-05 20:11:09", "女", "TRUE", "FALSE", "", "1", "2", "3"],
        ["2", "2025-02-05 21:11:09", "男", "1", "1", "Pika", "2", "1", "1"],
        ["3", "2025-02-05 22:11:09", "男", "0", "0", "", "", "", "2"],
    ]
    table = read_table(write_csv(tmp_path / "tencent.csv", headers, rows))
    columns = [
        ColumnInfo(0, headers[0], "meta", meta="response_no"),
        ColumnInfo(1, headers[1], "meta", meta="submitted_at"),
        ColumnInfo(2, headers[2], "question", question_key="1", number=1, question_text="您的性别"),
        *[
            ColumnInfo(i, headers[i], "question", question_key="2", number=2,
                       question_text="您用过的工具", item=item, cell="flag")
            for i, item in [(3, "可灵"), (4, "即梦"), (5, "其他")]
        ],
        *[
            ColumnInfo(i, headers[i], "question", question_key="3", number=3,
                       question_text="请排序", item=item, cell="rank")
            for i, item in [(6, "作品反馈"), (7, "流量曝光")]
        ],
        ColumnInfo(8, headers[8], "question", question_key="4", number=4,
                   question_text="您的年龄段", cell="code"),
    ]  # fmt: skip
    export = SurveyExport(
        "tencent", "腾讯问卷", table, columns, language="zh",
        codes={"4": {"18-24岁": 1, "25-29岁": 2, "30-34岁": 3}},
    )  # fmt: skip
    definition = draft_definition(export)
    assert [(q["id"], q["type"]) for q in definition["questions"]] == [
        ("q1_gender", "gender"), ("q2", "multi"), ("q3", "ranking"), ("q4_age", "single"),
    ]  # fmt: skip
    report = ingest_export(monkeypatch, settings, export)
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 3, 0)
    assert answers(settings, "q2") == [
        ("1", "o1", "answered", 1.0, None, None),
        ("2", "o1", "answered", 1.0, None, None),
        ("2", "o2", "answered", 1.0, None, None),
        ("2", "other", "other", 1.0, None, "Pika"),
        ("3", "", "empty", None, None, None),
    ]
    assert [a[:2] + a[4:5] for a in answers(settings, "q3")] == [
        ("1", "o1", 1), ("1", "o2", 2), ("2", "o1", 2), ("2", "o2", 1), ("3", "", None),
    ]  # fmt: skip
    from tests.builders import published_rows

    assert published_rows(
        settings.home,
        "select r.source_response_no, a.option_code, o.label_zh from fct_survey_answer a "
        "join fct_survey_response r using (response_id) join dim_question_option o "
        "on o.questionnaire_id = r.questionnaire_id and o.question_id = a.question_id "
        "and o.item_key = a.answer_text where a.question_id = 'q4_age' order by 1",
    ) == [("1", 3, "30-34岁"), ("2", 1, "18-24岁"), ("3", 2, "25-29岁")]


def test_a_comma_joined_multi_is_matched_against_the_known_options_longest_first(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = ["Timestamp", "Which platforms do you post on?"]
    rows = [
        ["2/1/2025 10:00:00", "Bilibili, Douyin"],
        ["2/1/2025 11:00:00", "Xiaohongshu (RED, 小红书)"],
        ["2/1/2025 12:00:00", "Douyin, Xiaohongshu (RED, 小红书), Bilibili"],
    ]
    table = read_table(write_csv(tmp_path / "forms_2025.csv", headers, rows))
    columns = [
        ColumnInfo(0, "Timestamp", "meta", meta="submitted_at"),
        ColumnInfo(1, headers[1], "question", question_key="c1", question_text=headers[1],
                   multi_sep=", "),
    ]  # fmt: skip
    export = SurveyExport("google_forms", "Google Forms CSV", table, columns, language="en")
    report = ingest_export(monkeypatch, settings, export)
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 3, 0)
    qid = report.details["questionnaire"]["id"]
    from tests.builders import published_rows

    chosen = published_rows(
        settings.home,
        "select r.row_number, list(o.label_en order by o.label_en) from fct_survey_answer a "
        "join fct_survey_response r using (response_id) join dim_question_option o "
        "on o.questionnaire_id = ? and o.question_id = a.question_id and o.item_key = a.item_key "
        "group by 1 order by 1",
        [qid],
    )
    assert chosen == [
        (2, ["Bilibili", "Douyin"]),
        (3, ["Xiaohongshu (RED, 小红书)"]),
        (4, ["Bilibili", "Douyin", "Xiaohongshu (RED, 小红书)"]),
    ]
