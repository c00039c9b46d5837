"""A multi spread one column per option is parsed column by column, exactly as row by row."""

from __future__ import annotations

import random

import polars as pl
import pytest

from etl.survey.mapping import ColumnMap, ColumnRole
from etl.survey.parse import SurveyRowParser, _by_column, _parse_distinct, _parse_option_columns
from survey.questionnaire import parse_questionnaire

DEFINITION = {
    "id": "t",
    "version": 1,
    "title": {"zh": "测试", "en": ""},
    "questions": [
        {
            "id": "tools",
            "type": "multi",
            "text": {"zh": "您用过哪些工具", "en": ""},
            "options": [
                {"code": 1, "key": "kling", "zh": "可灵", "en": "Kling"},
                {"code": 2, "key": "jimeng", "zh": "即梦", "en": ""},
                {"code": 3, "key": "other", "zh": "其他", "en": "Other", "other": True},
            ],
        }
    ],
}
FLAGS = ["1", "0", "", None, "TRUE", "FALSE", "是", "否", "(跳过)", "1.0"]
TEXTS = {0: ["可灵", ""], 1: ["即梦", None], 2: ["其他", "Pika", "(跳过)", ""]}


def outcome(parsed: object, frame: pl.DataFrame, errors: list[tuple]) -> list[tuple]:
    """Per row: its error (column, value, reason) or its answers, comparable across parsers."""
    keys = parsed.keys.to_list()  # type: ignore[attr-defined]
    errs = parsed.errors.to_list()  # type: ignore[attr-defined]
    answers = parsed.answers.drop("question_id").rows()  # type: ignore[attr-defined]
    by_key: dict[int, list[tuple]] = {}
    for row in answers:
        by_key.setdefault(row[0], []).append(row[1:])
    return [
        ("error", errors[e]) if e is not None else ("ok", by_key.get(k, []))
        for k, e in zip(keys, errs, strict=True)
    ]


@pytest.mark.parametrize("cell", ["flag", "option_text"])
@pytest.mark.parametrize("required", [False, True])
def test_column_by_column_parse_equals_the_row_by_row_parse(cell: str, required: bool) -> None:
    definition = DEFINITION | {"questions": [DEFINITION["questions"][0] | {"required": required}]}
    q = parse_questionnaire(definition)
    question = q.question("tools")
    rng = random.Random(5)
    height = 400
    columns: dict[str, list[str | None]] = {}
    for i in range(3):
        pool = FLAGS + ["Pika"] if cell == "flag" else TEXTS[i]
        columns[f"c{i}"] = [rng.choice(pool) for _ in range(height)]
    columns["c3"] = [rng.choice(["Pika", None, "", "(空)"]) for _ in range(height)]
    frame = pl.DataFrame(columns, schema={c: pl.String for c in columns})
    roles = [
        ColumnRole(i, f"1.您用过哪些工具:{o.label.zh}", "option", question=question, item=o,
                   cell=cell)
        for i, o in enumerate(question.options)
    ] + [ColumnRole(3, "1.其他(请注明)", "other_text", question=question,
                    item=question.other_option, cell="other_text")]  # fmt: skip
    cmap = ColumnMap("generic", roles, [])
    parser = SurveyRowParser(q, cmap, reference_year=2025)
    assert _by_column(question, roles)
    row_errors: list[tuple] = []
    row_wise = _parse_distinct(parser, question, roles, frame, row_errors, b"k")
    column_errors: list[tuple] = []
    column_wise = _parse_option_columns(parser, question, roles, frame, column_errors)
    expected = outcome(row_wise, frame, row_errors)
    assert outcome(column_wise, frame, column_errors) == expected
    assert {kind for kind, _ in expected} == {"ok", "error"} or cell == "option_text"
