"""Google Forms response sheets (.csv or .tsv downloaded from the form or its Sheet).

Signature: one header row whose first cell is `Timestamp` (zh `时间戳记` / `时间戳`) and whose
first column holds `M/D/YYYY H:MM:SS` (or the UI locale's spelling); the other headers are the
question texts; a grid's rows are `Question [Row]`; checkboxes are joined with ", ".
"""

from __future__ import annotations

import re

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

TIMESTAMPS = {
    "timestamp",
    "时间戳记",
    "时间戳",
    "時間戳記",
    "marca temporal",
    "horodateur",
    "zeitstempel",
}
META_NAMES = {
    "Email Address": "email",
    "Email address": "email",
    "电子邮件地址": "email",
    "電子郵件地址": "email",
    "Score": "other",
    "分数": "other",
}
_STAMP = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s+(?:上午|下午)?\s*\d{1,2}:\d{2}(:\d{2})?")
_GRID = re.compile(r"^(.*\S)\s*\[([^\[\]]+)\]$", re.S)
SEPARATOR = ", "


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits a Google Forms response sheet."""
    first = common.clean(table.headers[0]).lower() if table.headers else ""
    stamps = common.column_sample(table, 0, 0, limit=20)
    dated = bool(stamps) and all(_STAMP.match(v.strip()) for v in stamps)
    return common.match(
        "google_forms",
        0,
        [
            (first in TIMESTAMPS, "`Timestamp` (时间戳记) as the first header"),
            (dated, "date-times in the first column"),
        ],
    )


def read(table: RawTable) -> SurveyExport:
    """A Google Forms response sheet as a SurveyExport."""
    columns: list[ColumnInfo] = [common.meta(0, table.headers[0], "submitted_at")]
    keys: dict[str, str] = {}
    for index, header in enumerate(table.headers[1:], start=1):
        field = common.meta_field(header, META_NAMES)
        if field is not None:
            columns.append(common.meta(index, header, field))
            continue
        if not header.strip():
            columns.append(
                common.ignored(index, header, "blank header (a column added in the Sheet)")
            )
            continue
        text, item = header.strip(), None
        grid = _GRID.match(text)
        if grid is not None:
            text, item = grid.group(1).strip(), grid.group(2).strip()
        key = keys.setdefault(text, f"q{len(keys) + 1}")
        if item is None and any(c.question_key == key for c in columns):
            key = f"q{len(keys) + 1}_{index}"  # the same text twice is two questions
        values = common.column_sample(table, index, 0)
        joined = any(SEPARATOR in v for v in values)
        columns.append(
            ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=key,
                question_text=text,
                item=item,
                cell="score" if item is not None else "answer",
                multi_sep=SEPARATOR if joined else None,
                type_hint="matrix" if item is not None else None,
            )
        )
    return SurveyExport(
        tool="google_forms",
        layout="Google Forms responses, 1 header row (Timestamp first)",
        table=table,
        columns=columns,
        language=common.language_of(c.question_text or "" for c in columns if c.role == "question"),
    )
