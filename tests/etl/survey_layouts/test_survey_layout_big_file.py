"""A wide, tall survey CSV is read on the columnar frame path, never as Python row lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.reading import TextRows
from etl.survey.layouts import read_survey_export

ROWS = 2_000
PARTS = 12
QUESTIONS = 30  # 30 questions x (12 parts + OTHER) = 390 columns, like a Kaggle survey


def write_wide_kaggle_csv(path: Path) -> Path:
    ids = ["Time from Start to Finish (seconds)"]
    texts = ["Duration (in seconds)"]
    for q in range(1, QUESTIONS + 1):
        for part in range(1, PARTS + 1):
            ids.append(f"Q{q}_Part_{part}")
            texts.append(f"第{q}题 您平时使用哪些平台？ - Selected Choice - 平台{part}")
        ids.append(f"Q{q}_OTHER")
        texts.append(f"第{q}题 您平时使用哪些平台？ - Selected Choice - Other")
    lines = [",".join(ids), ",".join(texts)]
    for row in range(ROWS):
        cells = [str(300 + row)]
        for _ in range(QUESTIONS):
            cells += [f"平台{p}" if (row + p) % 3 == 0 else "" for p in range(1, PARTS + 1)]
            cells.append("微博" if row % 17 == 0 else "")
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_wide_survey_is_read_without_building_python_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_wide_kaggle_csv(tmp_path / "kaggle_survey.csv")

    def refuse(self: TextRows) -> list[list[str | None]]:
        raise AssertionError("the survey reader built Python rows for a big file")

    monkeypatch.setattr(TextRows, "_materialised", refuse)
    export = read_survey_export(path)
    assert isinstance(export.table.rows, TextRows)
    assert export.tool == "generic"
    assert (export.header_rows, export.respondents) == (2, ROWS)
    assert len(export.columns) == 1 + QUESTIONS * (PARTS + 1)
    grouped = export.question_columns()
    assert len(grouped) == QUESTIONS
    assert [c.item for c in grouped["Q1"]][:2] == ["平台1", "平台2"]
    assert grouped["Q30"][-1].cell == "other_text"
