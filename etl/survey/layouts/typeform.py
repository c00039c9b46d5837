"""Typeform response downloads.

Signature: a `#` first column (the response token), `Start Date (UTC)`, `Submit Date (UTC)` and
`Network ID` metadata at the end. Row 1 has each question's text (over every column of a
multiple-choice question, or only over its first); in the 2-header-row layout row 2 names each
choice column's choice (blank elsewhere). A choice column holds the choice's text or is blank.
"""

from __future__ import annotations

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

META_NAMES = {
    "#": "token",
    "Response Type": "status",
    "Start Date (UTC)": "started_at",
    "Stage Date (UTC)": "other",
    "Submit Date (UTC)": "submitted_at",
    "Network ID": "other",
    "Tags": "other",
    "Ending": "other",
}


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits a Typeform download."""
    headers = [common.clean(h) for h in table.headers]
    return common.match(
        "typeform",
        0,
        [
            (bool(headers) and headers[0] == "#", "the `#` token first column"),
            ("Submit Date (UTC)" in headers, "Submit Date (UTC)"),
            (
                "Network ID" in headers or "Start Date (UTC)" in headers,
                "Start Date (UTC) / Network ID",
            ),
        ],
    )


def _second_row_is_header(table: RawTable) -> bool:
    """Whether row 2 names choices: blank under the token and the dates, text elsewhere."""
    top = common.top_rows(table, 1)
    if not top:
        return False
    row = top[0]
    meta_blank = all(
        common.is_blank(row[i])
        for i, h in enumerate(table.headers)
        if common.meta_field(h, META_NAMES)
    )
    return meta_blank and any(not common.is_blank(c) for c in row)


def read(table: RawTable) -> SurveyExport:
    """A Typeform download as a SurveyExport."""
    two_rows = _second_row_is_header(table)
    start = 1 if two_rows else 0
    second = [common.clean(c) for c in common.top_rows(table, 1)[0]] if two_rows else []
    second += [""] * len(table.headers)
    columns: list[ColumnInfo] = []
    number = 0
    current: str | None = None
    for index, header in enumerate(table.headers):
        field = common.meta_field(header, META_NAMES)
        if field is not None:
            columns.append(common.meta(index, header, field))
            current = None
            continue
        text = header.strip()
        label = second[index]
        if text and (text != current or not label):
            number += 1
            current = text
        elif not text and current is None:
            columns.append(common.ignored(index, header, "blank header outside any question"))
            continue
        values = common.column_sample(table, index, start)
        if label:
            cell = "option_text" if all(v.strip() == label for v in values) else "other_text"
        else:
            cell = "answer"
        columns.append(
            ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=f"q{number}",
                question_text=current,
                number=number,
                item=label or None,
                cell=cell,
                type_hint="multi" if cell == "option_text" else None,
            )
        )
    return SurveyExport(
        tool="typeform",
        layout=f"Typeform download, {2 if two_rows else 1} header rows",
        table=table,
        columns=columns,
        data_start=start,
        language=common.language_of(c.question_text or "" for c in columns if c.role == "question"),
    )
