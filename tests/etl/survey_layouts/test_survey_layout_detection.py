"""Recognising a survey export by its signature, pairing 问卷星 codes, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import IngestError
from etl.reading import read_table
from etl.survey.layouts import (
    detect_survey_layout,
    pair_wjx_codes,
    read_survey_export,
    split_joined_multi,
)
from etl.survey.layouts.base import CELL_KINDS, META_FIELDS, TYPE_HINTS
from tests.builders import write_csv
from tests.etl.survey_layouts import survey_files as files

WRITERS = {
    "wjx_text": (files.wjx_text_xlsx, "xlsx"),
    "wjx_code": (files.wjx_code_xls, "xls"),
    "tencent": (files.tencent_csv, "csv"),
    "qualtrics": (files.qualtrics_csv, "csv"),
    "qualtrics_legacy": (files.qualtrics_legacy_csv, "csv"),
    "surveymonkey": (files.surveymonkey_xlsx, "xlsx"),
    "google_forms": (files.google_forms_csv, "csv"),
    "typeform": (files.typeform_csv, "csv"),
    "alchemer": (files.alchemer_csv, "csv"),
    "ms_forms": (files.ms_forms_xlsx, "xlsx"),
    "kobo": (files.kobo_csv, "csv"),
    "generic": (files.kaggle_csv, "csv"),
}


@pytest.mark.parametrize("tool", sorted(WRITERS))
def test_each_layout_is_recognised_whatever_the_file_is_called(tmp_path: Path, tool: str) -> None:
    writer, suffix = WRITERS[tool]
    # A misleading name: the signature decides, never the file name.
    path = writer(tmp_path / f"wjx_qualtrics_surveymonkey_export.{suffix}")
    matches = detect_survey_layout(read_table(path, raw_headers=True))
    assert matches[0].tool == tool
    assert matches[0].missing == ()
    assert matches[1].score < matches[0].score or matches[1].missing
    export = read_survey_export(path)
    assert export.tool == tool
    assert [c.index for c in export.columns] == list(range(len(export.table.headers)))
    assert all(
        (c.role == "meta" and c.meta in META_FIELDS)
        or (c.role == "question" and c.question_key and c.cell in CELL_KINDS)
        or (c.role == "ignored" and c.reason)
        for c in export.columns
    )
    assert all(c.type_hint in TYPE_HINTS for c in export.columns if c.type_hint)


def test_a_platform_export_is_refused_naming_the_closest_layout_and_what_it_lacked(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "Overview.csv",
        ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
        [["February 28", "120", "8", "10", "2", "1"]],
    )
    with pytest.raises(IngestError, match=r"not a survey export: closest is .+, missing .+"):
        read_survey_export(path)


def test_a_qualtrics_file_without_its_import_id_row_says_so(tmp_path: Path) -> None:
    path = files.qualtrics_csv(tmp_path / "q.csv")
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join([lines[0], *lines[3:]]))
    with pytest.raises(IngestError, match="closest is Qualtrics CSV, missing the ImportId row"):
        read_survey_export(path)


def test_header_rows_only_is_refused(tmp_path: Path) -> None:
    path = files.qualtrics_csv(tmp_path / "q.csv")
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(lines[:3]) + b"\r\n")
    with pytest.raises(IngestError, match="no respondents"):
        read_survey_export(path)


def test_wjx_text_and_code_exports_pair_by_response_number(tmp_path: Path) -> None:
    text = read_survey_export(files.wjx_text_xlsx(tmp_path / "0.xlsx"))
    code = read_survey_export(files.wjx_code_xls(tmp_path / "2.xls"))
    codes = pair_wjx_codes(text, code)
    assert codes["q1"] == {"男": 1, "女": 2}
    assert codes["q2"] == {"20~24岁": 3, "40~49岁": 7, "60岁以上": 9}
    assert codes["q3"] == {"抖音": 1, "小红书": 2, "B站": 3, "其他": 4}
    assert "q6" not in codes  # free text has no codes


def test_wjx_pairing_refuses_an_option_with_two_codes(tmp_path: Path) -> None:
    text = read_survey_export(files.wjx_text_xlsx(tmp_path / "0.xlsx"))
    rows = [list(r) for r in files.WJX_CODE_ROWS]
    rows[0][6] = 2  # respondent 3 is 男 in the text export; 男 was 1 for respondent 2
    from tests.builders import write_xls

    code = read_survey_export(write_xls(tmp_path / "2.xls", files.WJX_CODE_HEADERS, rows))
    with pytest.raises(IngestError, match="option '男' has code"):
        pair_wjx_codes(text, code)


def test_joined_multi_matches_the_longest_known_option_first() -> None:
    known = ["Yes", "Yes, often", "抖音", "小红书"]
    assert split_joined_multi("Yes, often, 抖音", known, ", ") == ["Yes, often", "抖音"]
    assert split_joined_multi("Yes, 小红书, 微博", known, ", ") == ["Yes", "小红书", "微博"]
    assert split_joined_multi("抖音┋小红书", [], "┋") == ["抖音", "小红书"]
    assert split_joined_multi("  ", known, ", ") == []
