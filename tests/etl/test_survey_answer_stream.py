"""A survey load streams the parse's answers into one insert and stores exactly what it parsed.

The parse vouches for its answers (`Answers.vouched`): each joined to a staged response, no key
repeated. Where it cannot, the load checks the inserted rows in SQL instead; both paths store
the same answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import etl.survey.load as survey_load
from etl.ingest import ingest_files
from etl.survey.parse import Answers
from tests.builders import published_rows
from tests.etl.survey_layouts.survey_files import kaggle_csv, wjx_text_xlsx
from warehouse.settings import load_settings

COLUMNS = (
    "response_id, question_id, item_key, answer_status, option_code, answer_text, "
    "answer_number, answer_rank, other_text"
)
ANSWERS = f"select {COLUMNS} from fct_survey_answer order by response_id, question_id, item_key"
ROWS = pl.DataFrame({"_response_id": ["r_甲", "r_乙"], "_k0": [0, 1], "_k1": [0, 0]})


def _part(keys: list[int], question: str, items: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"__k": keys, "question_id": [question] * len(keys), "item_key": items})


def test_answers_joined_to_the_kept_rows_with_unique_keys_are_vouched_for() -> None:
    answers = Answers(
        ROWS,
        [
            ("_k0", _part([0, 0, 1], "平台", ["抖音", "小红书", "抖音"])),
            ("_k1", _part([0], "性别", [""])),
        ],
    )
    assert answers.vouched()


@pytest.mark.parametrize(
    "parts",
    [
        [("_k0", _part([0, 0], "平台", ["抖音", "抖音"]))],  # one row's item twice
        [("_k0", _part([0], "平台", ["抖音"])), ("_k1", _part([0], "平台", ["B站"]))],  # split
    ],
    ids=["repeated item", "question in two parts"],
)
def test_a_repeated_key_or_a_question_split_over_two_parts_is_not_vouched_for(
    parts: list[tuple[str, pl.DataFrame]],
) -> None:
    assert not Answers(ROWS, parts).vouched()


def test_answers_built_by_hand_are_never_vouched_for() -> None:
    frame = pl.DataFrame({"response_id": ["r_甲"], "question_id": ["平台"], "item_key": ["抖音"]})
    assert not Answers.of(frame).vouched()


def _load(home: Path, files: list[Path]) -> list[tuple]:
    settings = load_settings(home)
    reports = ingest_files(settings, files)
    assert [r.status for r in reports] == ["loaded"] * len(files), [r.error for r in reports]
    return published_rows(settings.home, ANSWERS)


def test_the_streamed_answers_are_the_parsed_answers_whichever_path_checks_them(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [kaggle_csv(tmp_path / "kaggle_2021.csv"), wjx_text_xlsx(tmp_path / "问卷_2026.xlsx")]
    parsed: list[list[tuple]] = []
    vouched: list[bool] = []
    parse, vouch = survey_load.parse_survey, Answers.vouched

    def recording_parse(*args: Any, **kwargs: Any) -> Any:
        result = parse(*args, **kwargs)
        parsed.extend(result.answers.select(COLUMNS.split(", ")).rows())  # the plain concatenation
        return result

    def recording_vouch(self: Answers) -> bool:
        vouched.append(vouch(self))
        return vouched[-1]

    monkeypatch.setattr(survey_load, "parse_survey", recording_parse)
    monkeypatch.setattr(Answers, "vouched", recording_vouch)
    stored = _load(tmp_path / "vouched", files)
    assert vouched == [True, True]
    assert stored == sorted(parsed, key=lambda r: (r[0], r[1], r[2]))
    assert any(row[8] == "微博" for row in stored)  # Q7_OTHER's text came through

    monkeypatch.setattr(Answers, "vouched", lambda self: False)  # the SQL checks run instead
    assert _load(tmp_path / "checked", files) == stored
