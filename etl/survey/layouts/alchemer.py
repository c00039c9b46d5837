"""Alchemer (formerly SurveyGizmo) CSV exports.

Signature: `Response ID, Time Started, Date Submitted, Status` (then `Contact ID, Legacy Comments,
Comments, Language, Referer, SessionID, User Agent, Tags, IP Address, Longitude, Latitude,
Country, City, State/Region, Postal`) and the question texts as headers. A checkbox question is
one column joined with `;` or one column per option `Question:Option` holding the option text.
"""

from __future__ import annotations

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

META_NAMES = {
    "Response ID": "response_no",
    "Time Started": "started_at",
    "Date Submitted": "submitted_at",
    "Status": "status",
    "Contact ID": "other",
    "Legacy Comments": "other",
    "Comments": "other",
    "Language": "language",
    "Referer": "channel",
    "Extended Referer": "channel_detail",
    "SessionID": "other",
    "User Agent": "other",
    "Extended User Agent": "other",
    "Tags": "other",
    "IP Address": "ip",
    "Longitude": "location",
    "Latitude": "location",
    "Country": "location",
    "City": "location",
    "State/Region": "location",
    "Postal": "location",
    "Link Name": "channel_detail",
}
SEPARATOR = ";"


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits an Alchemer export."""
    headers = {common.clean(h) for h in table.headers}
    return common.match(
        "alchemer",
        0,
        [
            ("Response ID" in headers, "Response ID"),
            ("Time Started" in headers, "Time Started"),
            ("Date Submitted" in headers, "Date Submitted"),
            ("Status" in headers or "SessionID" in headers, "Status / SessionID"),
        ],
    )


def read(table: RawTable) -> SurveyExport:
    """An Alchemer export as a SurveyExport."""
    columns: list[ColumnInfo] = []
    keys: dict[str, str] = {}
    stems: dict[str, int] = {}
    for header in table.headers:
        if ":" in header and common.meta_field(header, META_NAMES) is None:
            prefix = header.rsplit(":", 1)[0].strip()
            stems[prefix] = stems.get(prefix, 0) + 1
    for index, header in enumerate(table.headers):
        field = common.meta_field(header, META_NAMES)
        if field is not None:
            columns.append(common.meta(index, header, field))
            continue
        text = header.strip()
        if not text:
            columns.append(common.ignored(index, header, "blank header"))
            continue
        item: str | None = None
        stem = text.rsplit(":", 1)[0].strip() if ":" in text else None
        if stem is not None and stems.get(stem, 0) > 1:
            text, item = stem, header.rsplit(":", 1)[1].strip()
        key = keys.setdefault(text, f"q{len(keys) + 1}")
        values = common.column_sample(table, index, 0)
        sep = None
        hint = None
        if item is None:
            cell = "answer"
            if any(SEPARATOR in v for v in values):
                sep, hint = SEPARATOR, "multi"
        elif all(v.strip() == item for v in values):
            cell, hint = "option_text", "multi"
        elif any(w in item.lower() for w in ("other", "其他")):
            cell = "other_text"
        elif common.all_flags(values):
            cell, hint = "flag", "multi"
        else:
            cell, hint = "score", "matrix"
        columns.append(
            ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=key,
                question_text=text,
                item=item,
                cell=cell,
                multi_sep=sep,
                type_hint=hint,
            )
        )
    return SurveyExport(
        tool="alchemer",
        layout="Alchemer (SurveyGizmo) CSV, 1 header row",
        table=table,
        columns=columns,
        language=common.language_of(c.question_text or "" for c in columns if c.role == "question"),
    )
