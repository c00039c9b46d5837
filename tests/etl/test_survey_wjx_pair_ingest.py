"""`creatorpulse ingest TEXT CODES`: the two 问卷星 exports of one survey load once, with its codes."""

from __future__ import annotations

from pathlib import Path

from etl.ingest import ingest_files
from tests.builders import published_rows
from tests.etl.survey_layouts import survey_files as files
from warehouse.settings import Settings


def _codes(settings: Settings, question: str) -> dict[str, int]:
    rows = published_rows(
        settings.home,
        "select o.label_zh, o.option_code from dim_question_option as o "
        "join dim_questionnaire as q using (questionnaire_id, questionnaire_version) "
        "where q.is_current and o.question_id = ?",
        [question],
    )
    return dict(rows)


def test_a_wjx_text_and_code_export_given_together_load_once_with_the_tools_codes(
    tmp_path: Path, settings: Settings
) -> None:
    text = files.wjx_text_xlsx(tmp_path / "问卷_2026_文本.xlsx")
    code = files.wjx_code_xls(tmp_path / "问卷_2026_选项序号.xls")
    # The code export first: the order of the files does not matter.
    reports = ingest_files(settings, [code, text])
    by_file = {r.path.name: r for r in reports}
    assert by_file[text.name].status == "loaded", by_file[text.name].error
    assert by_file[code.name].status == "paired"
    loaded = by_file[text.name]
    assert (loaded.rows_read, loaded.rows_loaded, loaded.rows_rejected) == (3, 3, 0)
    assert loaded.details["codes_from"] == code.name
    [(surveys, responses)] = published_rows(
        settings.home, "select count(distinct survey_key), count(*) from fct_survey_response"
    )
    assert (surveys, responses) == (1, 3)
    [(drafted_codes,)] = published_rows(
        settings.home,
        "select definition->>'$.drafted.codes' from dim_questionnaire where is_current",
    )
    assert drafted_codes == "tool"
    gender = next(k for k in _questions(settings) if "性别" in k[1])[0]
    age = next(k for k in _questions(settings) if "年龄" in k[1])[0]
    assert _codes(settings, gender) == {"男": 1, "女": 2}
    assert {"20~24岁": 3, "40~49岁": 7, "60岁以上": 9}.items() <= _codes(settings, age).items()
    # The answers carry the tool's numbers: respondent 3 answered 60岁以上, which is 9.
    [(code_60,)] = published_rows(
        settings.home,
        "select option_code from fct_survey_answer as a join fct_survey_response as r "
        "using (response_id) where r.source_response_no = '3' and a.question_id = ?",
        [age],
    )
    assert code_60 == 9

    again = ingest_files(settings, [text, code])
    assert [r.status for r in again] == ["unchanged", "paired"]


def test_a_wjx_text_export_alone_is_not_paired_with_an_unrelated_code_export(
    tmp_path: Path, settings: Settings
) -> None:
    text = files.wjx_text_xlsx(tmp_path / "a_2026.xlsx")
    rows = [[str(int(r[0]) + 10), *r[1:]] for r in files.WJX_CODE_ROWS]  # other respondents
    from tests.builders import write_xls

    code = write_xls(tmp_path / "b_2026.xls", files.WJX_CODE_HEADERS, rows)
    reports = ingest_files(settings, [text, code])
    assert "paired" not in {r.status for r in reports}


def _questions(settings: Settings) -> list[tuple[str, str]]:
    return published_rows(
        settings.home,
        "select question_id, text_zh from dim_question as d join dim_questionnaire as q "
        "using (questionnaire_id, questionnaire_version) where q.is_current order by position",
    )
