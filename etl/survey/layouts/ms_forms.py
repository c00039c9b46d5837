"""Microsoft Forms response workbooks (.xlsx from "Open in Excel", or saved as .csv).

Signature: `ID, Start time, Completion time, Email, Name` (zh `ID, 开始时间, 完成时间, 电子邮件,
名称`; newer files add `Last modified time`), then one column per question headed by its text.
A multiple-answer question is one column joined with `;` (with a trailing `;`).
"""

from __future__ import annotations

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

META_NAMES = {
    "ID": "response_no",
    "Start time": "started_at",
    "Completion time": "submitted_at",
    "Email": "email",
    "Name": "name",
    "Last modified time": "other",
    "Total points": "other",
    "Quiz feedback": "other",
    "开始时间": "started_at",
    "完成时间": "submitted_at",
    "电子邮件": "email",
    "名称": "name",
    "上次修改时间": "other",
}
SEPARATOR = ";"


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits a Microsoft Forms workbook."""
    headers = [common.clean(h) for h in table.headers]
    lowered = [h.lower() for h in headers]
    return common.match(
        "ms_forms",
        0,
        [
            (bool(headers) and headers[0] == "ID", "`ID` as the first header"),
            ("start time" in lowered or "开始时间" in headers, "Start time"),
            ("completion time" in lowered or "完成时间" in headers, "Completion time"),
            ("email" in lowered or "电子邮件" in headers, "Email / Name"),
        ],
    )


def read(table: RawTable) -> SurveyExport:
    """A Microsoft Forms workbook as a SurveyExport."""
    columns: list[ColumnInfo] = []
    for index, header in enumerate(table.headers):
        field = common.meta_field(header, META_NAMES)
        if field is not None:
            columns.append(common.meta(index, header, field))
            continue
        if not header.strip():
            columns.append(common.ignored(index, header, "blank header"))
            continue
        values = common.column_sample(table, index, 0)
        # Forms ends every joined answer with ";" ("A;B;"): a ";" inside free text does not.
        with_sep = [v for v in values if SEPARATOR in v]
        joined = bool(with_sep) and all(v.rstrip().endswith(SEPARATOR) for v in with_sep)
        # Quizzes add "Points - Q" and "Feedback - Q" columns beside each question.
        if header.startswith(("Points - ", "Feedback - ")):
            columns.append(common.ignored(index, header, "quiz points/feedback, not an answer"))
            continue
        columns.append(
            ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=f"q{index}",
                question_text=header.strip(),
                cell="answer",
                multi_sep=SEPARATOR if joined else None,
                type_hint="multi" if joined else None,
            )
        )
    return SurveyExport(
        tool="ms_forms",
        layout="Microsoft Forms workbook, 1 header row",
        table=table,
        columns=columns,
        language=common.language_of(c.question_text or "" for c in columns if c.role == "question"),
    )
