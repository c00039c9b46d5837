"""Each survey tool's export is recognised by its signature and read into the same shape."""

from __future__ import annotations

from pathlib import Path

from etl.survey.layouts import read_survey_export
from etl.survey.layouts.base import SurveyExport
from tests.builders import write_xls
from tests.etl.survey_layouts import survey_files as files


def metas(export: SurveyExport) -> dict[str, str]:
    """header -> meta field of the metadata columns (last wins for repeated fields)."""
    return {c.header: c.meta or "" for c in export.columns if c.role == "meta"}


def questions(export: SurveyExport) -> dict[str, list[tuple[str | None, str]]]:
    """question_key -> [(item, cell), ...] in file order."""
    return {
        key: [(c.item, c.cell) for c in columns]
        for key, columns in export.question_columns().items()
    }


def ignored(export: SurveyExport) -> dict[str, str]:
    return {c.header: c.reason or "" for c in export.columns if c.role == "ignored"}


def every_column_is_accounted_for(export: SurveyExport) -> bool:
    width = len(export.table.headers)
    roles_ok = all(
        (c.role == "meta" and c.meta)
        or (c.role == "question" and c.question_key)
        or (c.role == "ignored" and c.reason)
        for c in export.columns
    )
    return [c.index for c in export.columns] == list(range(width)) and roles_ok


def test_wjx_text_export_groups_matrix_rows_and_marks_joined_multi(tmp_path: Path) -> None:
    export = read_survey_export(files.wjx_text_xlsx(tmp_path / "问卷.xlsx"))
    assert export.tool == "wjx_text"
    assert (export.header_rows, export.respondents) == (1, 3)
    assert metas(export) == {
        "序号": "response_no",
        "提交答卷时间": "submitted_at",
        "所用时间": "duration",
        "来源": "channel",
        "来源详情": "channel_detail",
        "来自IP": "ip",
    }
    grouped = export.question_columns()
    assert list(grouped) == ["q1", "q2", "q3", "q4", "q5", "q6"]
    multi = grouped["q3"][0]
    assert (multi.question_text, multi.multi_sep, multi.type_hint) == (
        "您平时使用哪些平台？",
        "┋",
        "multi",
    )
    assert grouped["q4"][0].type_hint == "ranking"
    assert grouped["q4"][0].question_text == "请为以下节目类型排序"
    assert [(c.item, c.cell) for c in grouped["q5"]] == [("画面", "score"), ("音乐", "score")]
    assert {c.question_text for c in grouped["q5"]} == {"请评价晚会的表现"}
    assert grouped["q1"][0].question_text == "您的性别？"  # trailing spaces dropped
    assert [c.short_id for c in grouped["q6"]] == ["Q6"]
    assert export.language == "zh"
    assert every_column_is_accounted_for(export)


def test_wjx_legacy_xls_with_reordered_metadata_reads_like_the_xlsx(tmp_path: Path) -> None:
    export = read_survey_export(files.wjx_text_xls(tmp_path / "357_0.xls"))
    assert export.tool == "wjx_text"
    assert export.table.file_format == "xls"
    assert export.respondents == 3
    assert metas(export)["来自IP"] == "ip"
    assert [c.header for c in export.columns[:6]][3] == "来自IP"
    assert questions(export)["q5"] == [("画面", "score"), ("音乐", "score")]


def test_wjx_code_export_reads_option_numbers_and_expanded_multi_flags(tmp_path: Path) -> None:
    export = read_survey_export(files.wjx_code_xls(tmp_path / "357_2.xls"))
    assert export.tool == "wjx_code"
    assert export.respondents == 3
    assert questions(export)["q1"] == [(None, "code")]
    assert questions(export)["q3"] == [
        ("抖音", "flag"),
        ("小红书", "flag"),
        ("B站", "flag"),
        ("其他", "flag"),
    ]
    assert questions(export)["q6"] == [(None, "answer")]  # free text stays text
    assert metas(export)["提交答卷时间"] == "submitted_at"  # NULL values do not hide the name
    assert every_column_is_accounted_for(export)


def test_tencent_option_columns_are_flags_ranks_scores_or_other_text(tmp_path: Path) -> None:
    export = read_survey_export(files.tencent_csv(tmp_path / "腾讯.csv"))
    assert export.tool == "tencent"
    assert (export.header_rows, export.respondents) == (1, 3)
    assert metas(export) == {
        "编号": "response_no",
        "开始答题时间": "started_at",
        "结束答题时间": "submitted_at",
        "答题时长": "duration",
        "IP省份": "ip_province",
        "IP城市": "ip_city",
    }
    grouped = questions(export)
    assert grouped["q2"] == [("抖音", "flag"), ("小红书", "flag"), ("其他", "other_text")]
    assert grouped["q3"] == [("歌舞", "rank"), ("小品", "rank"), ("相声", "rank")]
    assert grouped["q4"] == [("画面", "score"), ("音乐", "score")]
    assert export.question_columns()["q3"][0].question_text == "请为节目排序"
    assert every_column_is_accounted_for(export)


def test_qualtrics_three_header_rows_are_never_respondents(tmp_path: Path) -> None:
    export = read_survey_export(files.qualtrics_csv(tmp_path / "survey.csv"))
    assert export.tool == "qualtrics"
    assert (export.header_rows, export.respondents) == (3, 2)
    assert export.file_row(0) == 4
    meta = metas(export)
    assert meta["ResponseId"] == "response_no"
    assert meta["StartDate"] == "started_at"
    assert meta["Duration (in seconds)"] == "duration"
    assert meta["UserLanguage"] == "language"
    grouped = export.question_columns()
    assert [(c.item, c.cell, c.choice_code) for c in grouped["QID2"]] == [
        ("抖音", "flag", "1"),
        ("小红书", "flag", "2"),
        ("其他", "flag", "4"),
        ("其他", "other_text", "4"),
    ]
    assert [c.short_id for c in grouped["QID2"]] == ["Q2"] * 4
    assert [(c.item, c.cell) for c in grouped["QID3"]] == [("画面", "score"), ("音乐", "score")]
    assert grouped["QID3"][0].short_id == "Q2.4"
    assert [(c.cell, c.question_text) for c in grouped["QID5"]] == [("answer", "您的建议")]
    assert grouped["QID1"][0].cell == "code"
    assert export.codes == {"QID2": {"抖音": 1, "小红书": 2, "其他": 4}}
    assert ignored(export) == {
        "Q5 - Topics": "Qualtrics-derived field (a1b2c3Topics), not an answer"
    }
    assert export.language == "zh"
    assert every_column_is_accounted_for(export)


def test_qualtrics_older_single_quoted_import_ids_read_the_same(tmp_path: Path) -> None:
    new = read_survey_export(files.qualtrics_csv(tmp_path / "a.csv"))
    old = read_survey_export(files.qualtrics_csv(tmp_path / "b.csv", single_quoted=True))
    assert old.tool == "qualtrics"
    assert questions(old) == questions(new)
    assert old.respondents == 2


def test_legacy_qualtrics_reads_v_columns_as_metadata(tmp_path: Path) -> None:
    export = read_survey_export(files.qualtrics_legacy_csv(tmp_path / "legacy.csv"))
    assert export.tool == "qualtrics_legacy"
    assert (export.header_rows, export.respondents) == (2, 2)
    assert metas(export)["V1"] == "response_no"
    assert metas(export)["V8"] == "started_at"
    assert metas(export)["LocationAccuracy"] == "location"
    grouped = export.question_columns()
    assert [(c.item, c.cell) for c in grouped["Q2"]] == [("画面", "score"), ("音乐", "score")]
    assert grouped["Q2"][0].question_text == "请评价"
    assert every_column_is_accounted_for(export)


def test_surveymonkey_blank_continuation_headers_join_the_question(tmp_path: Path) -> None:
    for path in (
        files.surveymonkey_xlsx(tmp_path / "sm.xlsx"),
        files.surveymonkey_csv(tmp_path / "sm.csv"),
    ):
        export = read_survey_export(path)
        assert export.tool == "surveymonkey"
        assert (export.header_rows, export.respondents) == (2, 2)
        assert metas(export)["Respondent ID"] == "response_no"
        assert metas(export)["Email Address"] == "email"
        assert metas(export)["Collector ID"] == "other"
        grouped = questions(export)
        assert grouped["q1"] == [(None, "answer")]
        assert grouped["q2"] == [
            ("抖音", "option_text"),
            ("小红书", "option_text"),
            ("B站", "option_text"),
            ("Other (please specify)", "other_text"),
        ]
        assert grouped["q3"] == [("画面", "score"), ("音乐", "score")]
        assert grouped["q4"] == [(None, "answer")]
        assert {c.question_text for c in export.question_columns()["q2"]} == {"您使用哪些平台？"}
        assert [c.header for c in export.question_columns()["q2"]][1:] == ["", "", ""]
        assert every_column_is_accounted_for(export)


def test_google_forms_csv_marks_comma_joined_answers_and_grid_rows(tmp_path: Path) -> None:
    export = read_survey_export(files.google_forms_csv(tmp_path / "Form Responses 1.csv"))
    assert export.tool == "google_forms"
    assert (export.header_rows, export.respondents) == (1, 2)
    assert metas(export) == {"Timestamp": "submitted_at", "Email Address": "email"}
    grouped = export.question_columns()
    assert grouped["q2"][0].multi_sep == ", "
    assert grouped["q1"][0].multi_sep is None
    assert [(c.item, c.cell) for c in grouped["q3"]] == [("画面", "score"), ("音乐", "score")]
    assert grouped["q3"][0].question_text == "请评价晚会"
    last = export.table.rows[0][grouped["q4"][0].index]
    assert last == "希望明年继续,\n节目再短一点"  # a newline inside an answer is one cell
    assert ignored(export) == {"": "blank header (a column added in the Sheet)"}
    assert every_column_is_accounted_for(export)


def test_google_forms_chinese_tsv_starts_with_the_timestamp(tmp_path: Path) -> None:
    export = read_survey_export(files.google_forms_tsv_zh(tmp_path / "表单回复.tsv"))
    assert export.tool == "google_forms"
    assert metas(export) == {"时间戳记": "submitted_at"}
    assert export.respondents == 2


def test_typeform_second_header_row_names_the_choices(tmp_path: Path) -> None:
    export = read_survey_export(files.typeform_csv(tmp_path / "responses.csv"))
    assert export.tool == "typeform"
    assert (export.header_rows, export.respondents) == (2, 2)
    assert metas(export) == {
        "#": "token",
        "Start Date (UTC)": "started_at",
        "Submit Date (UTC)": "submitted_at",
        "Network ID": "other",
    }
    assert questions(export)["q2"] == [
        ("抖音", "option_text"),
        ("小红书", "option_text"),
        ("Other", "other_text"),
    ]
    assert questions(export)["q3"] == [(None, "answer")]


def test_alchemer_reads_semicolon_multi_and_question_option_columns(tmp_path: Path) -> None:
    export = read_survey_export(files.alchemer_csv(tmp_path / "export.csv"))
    assert export.tool == "alchemer"
    assert export.respondents == 2
    assert metas(export)["Response ID"] == "response_no"
    assert metas(export)["Date Submitted"] == "submitted_at"
    grouped = export.question_columns()
    assert grouped["q2"][0].multi_sep == ";"
    assert [(c.item, c.cell) for c in grouped["q3"]] == [
        ("歌舞", "option_text"),
        ("小品", "option_text"),
        ("其他", "other_text"),
    ]
    assert grouped["q3"][0].question_text == "您喜欢的节目"
    assert every_column_is_accounted_for(export)


def test_ms_forms_workbook_reads_metadata_and_semicolon_multi(tmp_path: Path) -> None:
    export = read_survey_export(files.ms_forms_xlsx(tmp_path / "问卷.xlsx"))
    assert export.tool == "ms_forms"
    assert export.respondents == 2
    assert metas(export) == {
        "ID": "response_no",
        "Start time": "started_at",
        "Completion time": "submitted_at",
        "Email": "email",
        "Name": "name",
        "Last modified time": "other",
        "Total points": "other",
    }
    multi = next(c for c in export.columns if c.header == "您使用哪些平台？")
    assert (multi.multi_sep, multi.type_hint) == (";", "multi")
    advice = next(c for c in export.columns if c.header == "您的建议")
    assert advice.multi_sep is None  # a ";" inside free text is not a joined multi
    assert ignored(export) == {
        "Points - 您使用哪些平台？": "quiz points/feedback, not an answer",
        "Feedback - 您使用哪些平台？": "quiz points/feedback, not an answer",
    }
    assert every_column_is_accounted_for(export)


def test_kobo_flags_join_their_question_and_repeated_labels_stay_apart(tmp_path: Path) -> None:
    export = read_survey_export(files.kobo_csv(tmp_path / "data.csv"))
    assert export.tool == "kobo"
    assert export.respondents == 2
    meta = metas(export)
    assert (meta["_id"], meta["_submission_time"], meta["start"]) == (
        "response_no",
        "submitted_at",
        "started_at",
    )
    grouped = export.question_columns()
    platforms = next(cols for cols in grouped.values() if cols[0].header == "您使用哪些平台？")
    assert [(c.item, c.cell) for c in platforms] == [
        (None, "answer"),
        ("抖音", "flag"),
        ("小红书", "flag"),
        ("B站", "flag"),
    ]
    assert platforms[0].multi_sep == " "
    notes = [cols for cols in grouped.values() if cols[0].header == "备注"]
    assert len(notes) == 2  # the repeated label is two questions, not refused
    assert any("备注" in w for w in export.warnings)
    city = next(cols for cols in grouped.values() if cols[0].header == "group_info/city")
    assert (city[0].short_id, city[0].question_text) == ("group_info/city", "city")
    assert every_column_is_accounted_for(export)


def test_kaggle_like_question_text_row_is_a_header_not_a_respondent(tmp_path: Path) -> None:
    export = read_survey_export(files.kaggle_csv(tmp_path / "multiple_choice_responses.csv"))
    assert export.tool == "generic"
    assert (export.header_rows, export.respondents) == (2, 3)
    assert metas(export) == {"Time from Start to Finish (seconds)": "duration"}
    grouped = export.question_columns()
    assert [(c.item, c.cell) for c in grouped["Q7"]] == [
        ("抖音", "option_text"),
        ("小红书", "option_text"),
        ("B站", "option_text"),
        ("Other", "other_text"),
    ]
    assert grouped["Q7"][0].question_text == "您平时使用哪些平台？ (多选)"
    assert grouped["Q2"][0].question_text == "您的性别"
    assert [c.short_id for c in grouped["Q7"]] == ["Q7"] * 4


def test_kaggle_like_without_text_row_counts_every_row_as_respondent(tmp_path: Path) -> None:
    path = files.kaggle_csv(tmp_path / "a.csv")
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([lines[0], *lines[2:]]), encoding="utf-8")
    export = read_survey_export(path)
    assert export.tool == "generic"
    assert (export.header_rows, export.respondents) == (1, 3)
    assert [c.item for c in export.question_columns()["Q7"]][:2] == ["抖音", "小红书"]


def test_plain_csv_with_question_text_headers_is_a_generic_survey(tmp_path: Path) -> None:
    export = read_survey_export(files.plain_questions_csv(tmp_path / "survey.csv"))
    assert export.tool == "generic"
    assert (export.header_rows, export.respondents) == (1, 2)
    assert [c.question_text for c in export.columns] == [
        "您的性别是？",
        "您的年龄段是？",
        "您最喜欢的节目是什么？",
    ]


def test_google_forms_saved_as_excel_unicode_text_reads_the_same(tmp_path: Path) -> None:
    utf8 = read_survey_export(files.google_forms_tsv_zh(tmp_path / "a.tsv"))
    rows = [line.split("\t") for line in (tmp_path / "a.tsv").read_text().splitlines()]
    path = files.write_text(tmp_path / "b.txt", rows, sep="\t", bom=True, encoding="utf-16-le")
    utf16 = read_survey_export(path)
    assert utf16.table.encoding == "utf-16"
    assert (utf16.tool, utf16.respondents) == ("google_forms", 2)
    assert questions(utf16) == questions(utf8)
    assert list(utf16.table.rows) == list(utf8.table.rows)


def test_surveymonkey_newer_snake_case_metadata_reads_the_same(tmp_path: Path) -> None:
    rows = [list(r) for r in files.SURVEYMONKEY_ROWS]
    rows[0][:9] = [
        "respondent_id",
        "collector_id",
        "date_created",
        "date_modified",
        "ip_address",
        "email_address",
        "first_name",
        "last_name",
        "custom_1",
    ]
    export = read_survey_export(files.write_book(tmp_path / "sm.xlsx", rows))
    assert export.tool == "surveymonkey"
    assert metas(export)["respondent_id"] == "response_no"
    assert metas(export)["date_modified"] == "submitted_at"
    assert questions(export)["q2"][0] == ("抖音", "option_text")


def test_wjx_code_export_with_bare_number_multi_headers(tmp_path: Path) -> None:
    headers = [h.replace("第3题(", "3(") for h in files.WJX_CODE_HEADERS]
    export = read_survey_export(write_xls(tmp_path / "2.xls", headers, files.WJX_CODE_ROWS))
    assert export.tool == "wjx_code"
    assert questions(export)["q3"][:2] == [("抖音", "flag"), ("小红书", "flag")]


def test_qualtrics_unsplit_multi_is_comma_joined_and_selected_choice_is_no_item(
    tmp_path: Path,
) -> None:
    meta = [row[:17] for row in files.QUALTRICS_ROWS]
    rows = [
        [*meta[0], "Q1", "Q1_3_TEXT", "Q2", "Q3"],
        [*meta[1], "您的性别 - Selected Choice", "您的性别 - 其他 - Text", "平台", "平台（文字）"],
        [
            *meta[2],
            '{"ImportId":"QID1"}',
            '{"ImportId":"QID1_3_TEXT"}',
            '{"ImportId":"QID2"}',
            '{"ImportId":"QID3"}',
        ],
        [*meta[3], "3", "保密", "1,2", "抖音,小红书"],
        [*meta[4], "1", "", "4", "B站"],
    ]
    export = read_survey_export(files.write_text(tmp_path / "q.csv", rows, quote_all=True))
    assert export.tool == "qualtrics"
    grouped = export.question_columns()
    assert [(c.item, c.cell) for c in grouped["QID1"]] == [(None, "code"), ("其他", "other_text")]
    assert grouped["QID1"][0].question_text == "您的性别"
    assert [(c.cell, c.multi_sep, c.type_hint) for c in grouped["QID2"]] == [("code", ",", "multi")]
    assert [(c.cell, c.multi_sep) for c in grouped["QID3"]] == [("answer", ",")]


def test_wjx_text_export_as_gb18030_csv_reads_like_the_workbook(tmp_path: Path) -> None:
    rows = [files.WJX_TEXT_HEADERS, *files.WJX_TEXT_ROWS]
    path = files.write_text(tmp_path / "问卷.csv", rows, encoding="gb18030")
    export = read_survey_export(path)
    assert (export.tool, export.table.encoding, export.respondents) == ("wjx_text", "gb18030", 3)
    workbook = read_survey_export(files.wjx_text_xlsx(tmp_path / "问卷.xlsx"))
    assert questions(export) == questions(workbook)
