"""SurveyMonkey exports (.xlsx or .csv, "expanded" results).

Signature: 2 header rows. Row 1 has the metadata names (`Respondent ID, Collector ID, Start Date,
End Date, IP Address, Email Address, First Name, Last Name, Custom Data 1`; newer exports
`respondent_id, collector_id, date_created, ...`) and each question's text over its first column
only (continuation cells blank). Row 2 says what each column holds: `Response`, `Open-Ended
Response`, `Other (please specify)`, or an option's / matrix row's text.
"""

from __future__ import annotations

from dataclasses import replace

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

META_NAMES = {
    "Respondent ID": "response_no",
    "Collector ID": "other",
    "Start Date": "started_at",
    "End Date": "submitted_at",
    "IP Address": "ip",
    "Email Address": "email",
    "First Name": "name",
    "Last Name": "name",
    "Custom Data 1": "other",
    "Custom Data": "other",
    "respondent_id": "response_no",
    "collector_id": "other",
    "date_created": "started_at",
    "date_modified": "submitted_at",
    "ip_address": "ip",
    "email_address": "email",
    "first_name": "name",
    "last_name": "name",
    "custom_1": "other",
}
RESPONSE = {"response", "open-ended response", "回答", "开放式回答", "回复", "开放式回复"}
OTHER = {"other (please specify)", "其他（请注明）", "其他(请注明)", "其他（请具体说明）"}


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits a SurveyMonkey export."""
    found = common.meta_hits(table.headers, {k: v for k, v in META_NAMES.items() if v != "other"})
    has_ids = common.meta_hits(table.headers, {"Respondent ID": "", "respondent_id": ""}) > 0
    top = common.top_rows(table, 1)
    second = [common.clean(c).lower() for c in (top[0] if top else [])]
    labels = sum(1 for c in second if c in RESPONSE or c in OTHER)
    return common.match(
        "surveymonkey",
        found,
        [
            (has_ids, "Respondent ID"),
            (found >= 3, "the SurveyMonkey metadata (Collector ID, Start Date, End Date, ...)"),
            (labels > 0, "the second header row (Response / Open-Ended Response / option texts)"),
        ],
    )


def read(table: RawTable) -> SurveyExport:
    """A SurveyMonkey export as a SurveyExport."""
    top = common.top_rows(table, 1)
    second = [common.clean(c) for c in top[0]] + [""] * len(table.headers)
    columns: list[ColumnInfo] = []
    question_index = 0
    question_text: str | None = None
    key: str | None = None
    for index, header in enumerate(table.headers):
        field = common.meta_field(header, META_NAMES)
        if field is not None and key is None:
            columns.append(common.meta(index, header, field))
            continue
        if header.strip():
            question_index += 1
            key = f"q{question_index}"
            question_text = header.strip()
        if key is None:
            columns.append(common.ignored(index, header, "blank header before the first question"))
            continue
        label = second[index]
        values = common.column_sample(table, index, 1)
        item: str | None = None
        hint: str | None = None
        if label.lower() in RESPONSE:
            cell = "answer"
        elif label.lower() in OTHER:
            cell, item = "other_text", label
        elif not label:
            columns.append(common.ignored(index, header, "no header text in either header row"))
            continue
        else:
            item = label
            if all(v.strip() == label for v in values):
                cell, hint = "option_text", "multi"
            else:
                cell, hint = "score", "matrix"
        columns.append(
            ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=key,
                question_text=question_text,
                number=question_index,
                item=item,
                cell=cell,
                type_hint=hint,
            )
        )
    _matrix_rows_stay_matrix(columns)
    return SurveyExport(
        tool="surveymonkey",
        layout="SurveyMonkey export, 2 header rows (question, then Response/option)",
        table=table,
        columns=columns,
        data_start=1,
        language=common.language_of(c.question_text or "" for c in columns if c.role == "question"),
    )


def _matrix_rows_stay_matrix(columns: list[ColumnInfo]) -> None:
    """Keep one hint per question: a question with option columns and a matrix row is a matrix."""
    by_key: dict[str, set[str]] = {}
    for column in columns:
        if column.role == "question" and column.type_hint:
            by_key.setdefault(column.question_key or "", set()).add(column.type_hint)
    for position, column in enumerate(columns):
        hints = by_key.get(column.question_key or "", set())
        if column.role == "question" and column.cell == "option_text" and "matrix" in hints:
            columns[position] = replace(column, cell="score", type_hint="matrix")
