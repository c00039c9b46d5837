"""Generic / Kaggle-like survey tables, and plain CSVs headed by question texts.

Signature: either row 1 holds short question ids (`Q1`, `Q7_Part_3`, `Q7_OTHER`) with an optional
row 2 of question texts (a row whose cells read like questions in most columns and unlike the
cells below it: never a respondent), or row 1 holds the question texts themselves. A multi is one
column per option (`Q7_Part_1..12`) holding the option's text; `_OTHER` holds the other text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

META_NAMES = {
    "Time from Start to Finish (seconds)": "duration",
    "Duration (in seconds)": "duration",
    "duration": "duration",
    "id": "response_no",
    "respondent_id": "response_no",
    "response_id": "response_no",
    "timestamp": "submitted_at",
    "submitted_at": "submitted_at",
    "submitdate": "submitted_at",
    "startdate": "started_at",
}
_QUESTION_ID = re.compile(
    r"^(Q\d+(?:\.\d+)?)(?:_(Part)_(\d+)|_(OTHER)(?:_TEXT)?|_(\d+))?(_TEXT)?$", re.I
)
_SELECTED = " - Selected Choice"


def _text_row_ratio(table: RawTable) -> tuple[float, float]:
    """(share of columns whose row-2 cell reads like a question, share that repeats below)."""
    top = common.top_rows(table, 1)
    if not top or table.height < 2:
        return 0.0, 1.0
    cells = [(i, common.clean(c)) for i, c in enumerate(top[0]) if not common.is_blank(c)]
    if not cells:
        return 0.0, 1.0
    questions = sum(1 for _, c in cells if common.looks_like_question(c))
    repeats = 0
    for index, cell in cells:
        below = common.column_sample(table, index, 1, limit=100)
        if cell in below:
            repeats += 1
    return questions / len(cells), repeats / len(cells)


def _has_text_row(table: RawTable) -> bool:
    questions, repeats = _text_row_ratio(table)
    return questions >= 0.6 and repeats < 0.2


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits a generic survey table (ids row, or question texts as headers)."""
    headers = [common.clean(h) for h in table.headers if common.clean(h)]
    if not headers:
        return LayoutMatch("generic", 0.0, ("any header",))
    ids = sum(1 for h in headers if _QUESTION_ID.match(h))
    short = sum(1 for h in headers if common.looks_like_short_id(h))
    questions = sum(1 for h in headers if common.looks_like_question(h))
    if ids >= 2 or short * 10 >= len(headers) * 6:
        checks = [
            (short * 10 >= len(headers) * 6, "short question ids (Q1, Q7_Part_1) in row 1"),
            (ids >= 2 or _has_text_row(table), "Q-numbered ids or a question-text second row"),
        ]
    else:
        checks = [
            (questions * 10 >= len(headers) * 6, "question texts as headers (in most columns)"),
            (len(set(headers)) >= 2, "at least two different question-text headers"),
            (
                len(set(headers)) * 10 >= len(headers) * 8,
                "distinct headers (not a repeated banner)",
            ),
        ]
    # Generic is the fallback: any tool with its own signature is preferred over it.
    return common.match("generic", 0, checks, weight=0.8)


def read(table: RawTable) -> SurveyExport:
    """A generic survey table as a SurveyExport."""
    headers = [common.clean(h) for h in table.headers]
    ids_row = sum(1 for h in headers if common.looks_like_short_id(h)) * 10 >= len(headers) * 6
    text_row = ids_row and _has_text_row(table)
    start = 1 if text_row else 0
    texts = [common.clean(c) for c in common.top_rows(table, 1)[0]] if text_row else headers
    columns: list[ColumnInfo] = []
    for index, header in enumerate(table.headers):
        field = common.meta_field(header, META_NAMES)
        if field is not None:
            columns.append(common.meta(index, header, field))
            continue
        if not header.strip():
            columns.append(common.ignored(index, header, "blank header"))
            continue
        text = texts[index] if index < len(texts) else header
        found = _QUESTION_ID.match(header.strip()) if ids_row else None
        key = f"c{index}"
        short_id = header.strip() if ids_row else None
        item: str | None = None
        cell = "answer"
        hint = None
        if found is not None:
            short_id = key = found.group(1)
            part, other, sub = found.group(2), found.group(4), found.group(5)
            if part or other:
                text = text.removesuffix(" - Text")
                item = text.rsplit(" - ", 1)[1].strip() if text_row and " - " in text else None
                text = text.removesuffix(item or "").strip().removesuffix("-").strip()
                cell = "other_text" if other else "option_text"
                hint = "multi" if part else None
                if item is None and part:
                    values = common.column_sample(table, index, start, limit=1)
                    item = values[0].strip() if values else None
            elif sub:
                item = text.rsplit(" - ", 1)[1].strip() if text_row and " - " in text else sub
                text = text.removesuffix(item).strip().removesuffix("-").strip()
                cell, hint = "score", "matrix"
            elif found.group(6):
                cell = "other_text"
        text = text.replace(_SELECTED, "").strip()
        columns.append(
            ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=key,
                short_id=short_id,
                question_text=text or None,
                item=item,
                cell=cell,
                type_hint=hint,
            )
        )
    _lone_other_is_answer(columns)
    layout = (
        "generic survey table, 2 header rows (ids, question texts)"
        if text_row
        else "generic survey table, 1 header row (ids)"
        if ids_row
        else "generic survey table, 1 header row (question texts)"
    )
    return SurveyExport(
        tool="generic",
        layout=layout,
        table=table,
        columns=columns,
        data_start=start,
        language=common.language_of(c.question_text or "" for c in columns if c.role == "question"),
    )


def _lone_other_is_answer(columns: list[ColumnInfo]) -> None:
    """A `_TEXT` column with no other column of its question is the question's own answer."""
    counts: dict[str, int] = {}
    for column in columns:
        if column.role == "question":
            counts[column.question_key or ""] = counts.get(column.question_key or "", 0) + 1
    for position, column in enumerate(columns):
        if column.cell == "other_text" and counts.get(column.question_key or "") == 1:
            columns[position] = replace(column, cell="answer")
