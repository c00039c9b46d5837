"""KoboToolbox / ODK exports (.xlsx or .csv, `;` or `,` separated).

Signature: `_id, _uuid, _submission_time, _index, ...` at the end (`start, end, today, deviceid`
often first). Questions are headed by their label or by `group/field` XML names; a select-multiple
is one column of space-joined choices followed by one `question/choice` 0/1 column per choice.
Labels may repeat (two questions with the same text): each column is still its own question.
"""

from __future__ import annotations

from dataclasses import replace

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

META_NAMES = {
    "_id": "response_no",
    "_uuid": "other",
    "_submission_time": "submitted_at",
    "_index": "other",
    "_parent_index": "other",
    "_parent_table_name": "other",
    "_validation_status": "status",
    "_notes": "other",
    "_status": "status",
    "_submitted_by": "other",
    "__version__": "other",
    "_version_": "other",
    "_tags": "other",
    "_attachments": "other",
    "_geolocation": "location",
    "_xform_id_string": "other",
    "meta/instanceID": "other",
    "meta/rootUuid": "other",
    "meta/deprecatedID": "other",
    "start": "started_at",
    "end": "other",
    "today": "other",
    "deviceid": "other",
    "username": "other",
    "simserial": "other",
    "subscriberid": "other",
    "phonenumber": "other",
    "audit": "other",
    "audit_URL": "other",
}
SIGNATURE = ("_id", "_uuid", "_submission_time", "_index")
SEPARATOR = " "


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits a KoboToolbox export."""
    headers = {common.clean(h) for h in table.headers}
    found = sum(1 for name in SIGNATURE if name in headers)
    return common.match(
        "kobo",
        found,
        [
            ("_uuid" in headers, "_uuid"),
            ("_submission_time" in headers, "_submission_time"),
            (found >= 3, "the KoboToolbox system columns (_id, _uuid, _submission_time, _index)"),
        ],
    )


def read(table: RawTable) -> SurveyExport:
    """A KoboToolbox export as a SurveyExport."""
    columns: list[ColumnInfo] = []
    parents: dict[str, ColumnInfo] = {}  # header of a question column -> its column (latest)
    warnings: list[str] = []
    for index, header in enumerate(table.headers):
        field = common.meta_field(header, META_NAMES)
        if field is not None:
            columns.append(common.meta(index, header, field))
            continue
        text = header.strip()
        if not text:
            columns.append(common.ignored(index, header, "blank header"))
            continue
        values = common.column_sample(table, index, 0)
        parent_name, _, choice = text.rpartition("/")
        parent = parents.get(parent_name) if parent_name else None
        if parent is not None and (common.all_flags(values) or not values):
            # One 0/1 column per choice after the joined column: the same question's flags.
            columns.append(
                ColumnInfo(
                    index=index,
                    header=header,
                    role="question",
                    question_key=parent.question_key,
                    short_id=parent.short_id,
                    question_text=parent.question_text,
                    item=choice.strip(),
                    cell="flag",
                    type_hint="multi",
                )
            )
            if parent.multi_sep is None:
                position = columns.index(parent)
                columns[position] = replace(parent, multi_sep=SEPARATOR, type_hint="multi")
                parents[parent_name] = columns[position]
            continue
        short_id = text if common.looks_like_short_id(text.replace("/", "_")) else None
        column = ColumnInfo(
            index=index,
            header=header,
            role="question",
            question_key=f"c{index}",
            short_id=short_id,
            question_text=text.rsplit("/", 1)[-1] if short_id else text,
            cell="answer",
        )
        if text in parents:
            warnings.append(
                f"header {text!r} repeats: read as a separate question (column {index + 1})"
            )
        parents[text] = column
        columns.append(column)
    return SurveyExport(
        tool="kobo",
        layout="KoboToolbox export, 1 header row (_id, _uuid, _submission_time)",
        table=table,
        columns=columns,
        language=common.language_of(c.question_text or "" for c in columns if c.role == "question"),
        warnings=warnings,
    )
