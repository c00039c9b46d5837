"""Survey answers stream into the warehouse in Arrow batches: the batching changes nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

import etl.survey.load as survey_load
from etl.ingest import ingest_files
from tests.builders import published_rows
from tests.etl.survey_layouts.survey_files import kaggle_csv, wjx_text_xlsx
from warehouse.settings import load_settings

ANSWERS = (
    "select response_id, question_id, item_key, answer_status, option_code, answer_text, "
    "answer_number, answer_rank, other_text from fct_survey_answer "
    "order by response_id, question_id, item_key"
)


def _load(home: Path, files: list[Path]) -> list[tuple]:
    settings = load_settings(home)
    reports = ingest_files(settings, files)
    assert [r.status for r in reports] == ["loaded"] * len(files), [r.error for r in reports]
    return published_rows(settings.home, ANSWERS)


def test_answers_loaded_in_chunks_of_two_rows_equal_answers_loaded_in_one_chunk(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [kaggle_csv(tmp_path / "kaggle_2021.csv"), wjx_text_xlsx(tmp_path / "问卷_2026.xlsx")]
    whole = _load(tmp_path / "whole", files)
    monkeypatch.setattr(survey_load, "ANSWER_CHUNK_ROWS", 2)  # a question's answers split too
    chunked = _load(tmp_path / "chunked", files)
    assert len(whole) > 2 * 6  # several chunks per file
    assert chunked == whole
    assert any(row[8] == "微博" for row in whole)  # the other text came through
