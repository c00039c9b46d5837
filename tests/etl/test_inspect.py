"""`inspect_file` and `creatorpulse inspect`: what a file is before anything is loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.errors import IngestError
from etl.inspect import DESCRIBERS, Describer, Fit, inspect_file
from tests.etl.survey_layouts import survey_files as sf
from tests.etl.test_cli import one_line_error, run


def tiktok_overview_csv(path: Path) -> Path:
    """A TikTok Studio Overview file as downloaded: BOM, every field quoted, year-less dates."""
    return sf.write_text(
        path,
        [
            ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
            ["February 28", "1203", "88", "97", "4", "2"],
            ["March 1", "1510", "102", "120", "9", "5"],
        ],
        bom=True,
        quote_all=True,
    )


def bank_statement_csv(path: Path) -> Path:
    """A file that is no export we know: a bank statement."""
    return sf.write_text(
        path,
        [
            ["交易日期", "摘要", "收入金额", "支出金额", "账户余额"],
            ["2026-02-10", "工资", "8000.00", "", "12000.00"],
            ["2026-02-11", "房租", "", "3000.00", "9000.00"],
        ],
        bom=True,
    )


def bilibili_csv(path: Path) -> Path:
    """A Bilibili creator-centre daily export (our alias table's layout)."""
    return sf.write_text(
        path,
        [
            ["日期", "稿件标题", "BV号", "播放量", "点赞", "投币", "收藏", "弹幕"],
            ["2026-02-10", "AI春晚 开场", "BV1xx411c7mD", "1200", "30", "12", "8", "40"],
            ["2026-02-11", "AI春晚 开场", "BV1xx411c7mD", "800", "10", "3", "2", "9"],
        ],
    )


def test_a_wjx_text_export_shows_its_layout_respondents_and_questions(tmp_path: Path) -> None:
    result = inspect_file(sf.wjx_text_xlsx(tmp_path / "晚会问卷.xlsx"))
    assert (result["family"], result["tool"]) == ("survey", "wjx_text")
    assert result["header_rows"] == 1 and result["respondents"] == 3
    by_id = {q["id"]: q for q in result["questions"]}
    assert by_id["Q1"]["type"] == "single" and by_id["Q1"]["options"] == ["女", "男"]
    assert by_id["Q3"]["type"] == "multi"
    assert {"抖音", "小红书", "B站"} <= set(by_id["Q3"]["options"])
    assert by_id["Q4"]["type"] == "ranking" and by_id["Q4"]["options"] == ["歌舞", "小品", "相声"]
    assert by_id["Q5"]["type"] == "matrix" and by_id["Q5"]["options"] == ["画面", "音乐"]
    assert by_id["Q6"]["type"] == "text" and by_id["Q6"]["options"] == []
    assert {m["field"] for m in result["metadata"]} >= {"response_no", "submitted_at", "ip"}


def test_a_qualtrics_file_counts_its_three_header_rows_and_never_a_header_as_respondent(
    tmp_path: Path,
) -> None:
    result = inspect_file(sf.qualtrics_csv(tmp_path / "qualtrics.csv"))
    assert result["tool"] == "qualtrics"
    assert result["header_rows"] == 3 and result["respondents"] == 2
    assert result["encoding"] == "utf-8-sig"
    multi = next(q for q in result["questions"] if q["id"] == "Q2")
    assert multi["type"] == "multi" and "抖音" in multi["options"]


@pytest.mark.parametrize(
    ("writer", "name", "tool", "header_rows"),
    [
        (sf.tencent_csv, "腾讯.csv", "tencent", 1),
        (sf.surveymonkey_xlsx, "sm.xlsx", "surveymonkey", 2),
        (sf.google_forms_csv, "forms.csv", "google_forms", 1),
        (sf.kaggle_csv, "kaggle.csv", "generic", 2),
        (sf.wjx_code_xls, "code.xls", "wjx_code", 1),
    ],
)
def test_each_survey_layout_is_named_with_its_header_rows(
    tmp_path: Path, writer: object, name: str, tool: str, header_rows: int
) -> None:
    result = inspect_file(writer(tmp_path / name))  # type: ignore[operator]
    assert (result["family"], result["tool"], result["header_rows"]) == (
        "survey",
        tool,
        header_rows,
    )
    assert result["respondents"] > 0 and result["questions"]


def test_a_platform_export_is_described_as_a_platform_not_a_survey(tmp_path: Path) -> None:
    result = inspect_file(bilibili_csv(tmp_path / "稿件数据.csv"))
    assert result["family"] == "platform" and result["platform"] == "bilibili"
    assert result["detected_by"] == "headers"
    assert result["rows"] == 2 and result["rows_rejected"] == 0 and result["works"] == 1
    assert result["date_span"] == ["2026-02-10", "2026-02-11"]
    assert "questions" not in result


def test_a_tiktok_studio_file_is_a_platform_export_not_a_survey(tmp_path: Path) -> None:
    result = inspect_file(tiktok_overview_csv(tmp_path / "Overview.csv"))
    assert (result["family"], result["platform"]) == ("platform", "tiktok")
    assert result["layout"] == "tiktok_overview" and "questions" not in result


def test_an_unknown_file_gets_one_message_naming_the_closest_layout(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        inspect_file(bank_statement_csv(tmp_path / "流水.csv"))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("流水.csv: not a known export: closest is ")
    assert "missing" in message
    assert "question" not in message.split("missing", 1)[0]  # no survey question's error


def test_a_near_platform_file_names_the_platform_layout_and_what_it_lacked(
    tmp_path: Path,
) -> None:
    # A 微博 export cut down to 博文内容 without 阅读数: half of a 微博 signature rule.
    path = sf.write_text(
        tmp_path / "导出.csv",
        [
            ["博文内容", "发布时间", "转发数", "评论数", "点赞数"],
            ["AI春晚开场", "2026-02-10 20:00", "12", "3", "40"],
        ],
    )
    with pytest.raises(IngestError) as caught:
        inspect_file(path)
    message = str(caught.value)
    assert "closest is weibo creator-centre export (platform" in message
    assert message.endswith("missing a header with '阅读数'")


def test_a_damaged_workbook_is_its_reading_error(tmp_path: Path) -> None:
    path = tmp_path / "损坏.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(IngestError) as caught:
        inspect_file(path)
    assert "closest" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_describer_registered_without_a_detector_is_tried_and_may_decline(
    tmp_path: Path,
) -> None:
    path = tiktok_overview_csv(tmp_path / "Overview.csv")
    calls: list[str] = []

    def tiktok(p: Path) -> dict[str, object] | None:
        calls.append(p.name)
        return {"platform": "tiktok", "layout": "tiktok_overview", "rows": 2}

    def never(p: Path) -> dict[str, object] | None:
        return None

    found = inspect_file(
        path,
        [Describer("platform", None, never), Describer("platform", None, tiktok), *DESCRIBERS],
    )
    assert found["family"] == "platform" and found["layout"] == "tiktok_overview"
    assert calls == ["Overview.csv"]


def test_a_fitting_detector_wins_over_later_entries(tmp_path: Path) -> None:
    path = sf.wjx_text_xlsx(tmp_path / "w.xlsx")
    entry = Describer(
        "attention",
        lambda probe: Fit("attention", "test layout", 1.0, fits=True),
        lambda p: {"layout": "test layout"},
    )
    assert inspect_file(path, [entry, *DESCRIBERS])["family"] == "attention"


def test_cli_inspect_prints_json_for_each_file(tmp_path: Path) -> None:
    survey = sf.tencent_csv(tmp_path / "腾讯问卷.csv")
    platform = bilibili_csv(tmp_path / "b.csv")
    result = run("inspect", str(survey), str(platform), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["family"] for d in data] == ["survey", "platform"]
    assert data[0]["tool"] == "tencent" and data[0]["questions"][0]["text"] == "您的性别"


def test_cli_inspect_prints_the_layout_and_question_table(tmp_path: Path) -> None:
    result = run("inspect", str(sf.wjx_text_xlsx(tmp_path / "问卷.xlsx")))
    assert result.returncode == 0, result.stderr
    assert "问卷星 text export" in result.stdout
    assert "您平时使用哪些平台" in result.stdout and "ranking" in result.stdout


def test_cli_inspect_of_an_unknown_file_is_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    line = one_line_error(run("inspect", str(bank_statement_csv(tmp_path / "流水.csv"))))
    assert line.startswith("error: 流水.csv: not a known export: closest is ")


def test_cli_inspect_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    line = one_line_error(run("inspect", str(tmp_path / "nope.csv")))
    assert line == "error: nope.csv: no such file"
