"""Qualtrics CSV exports: the current 3-header-row layout and the legacy 2-row one.

Current (`qualtrics`): row 1 short ids (`Q1`, `Q2_1`, `Q2.4_1`, `Q5_TEXT`), row 2 the question
texts (`text - choice`, in the respondent's UI language), row 3 `{"ImportId":"QID2",...}` JSON
(older exports: a single-quoted Python dict). Legacy (`qualtrics_legacy`): row 1 `V1..V10` then
the question ids, row 2 `ResponseID, ResponseSet, ...` then the question texts.
"""

from __future__ import annotations

import ast
import json
import re

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

# ImportId (language-independent) -> meta field
IMPORT_META = {
    "startDate": "started_at",
    "endDate": "submitted_at",
    "status": "status",
    "ipAddress": "ip",
    "progress": "progress",
    "duration": "duration",
    "finished": "finished",
    "recordedDate": "other",
    "_recordId": "response_no",
    "recipientLastName": "name",
    "recipientFirstName": "name",
    "recipientEmail": "email",
    "externalDataReference": "other",
    "locationLatitude": "location",
    "locationLongitude": "location",
    "distributionChannel": "channel",
    "userLanguage": "language",
}
HEADER_META = {
    "StartDate": "started_at",
    "EndDate": "submitted_at",
    "Status": "status",
    "IPAddress": "ip",
    "Progress": "progress",
    "Duration (in seconds)": "duration",
    "Finished": "finished",
    "RecordedDate": "other",
    "ResponseId": "response_no",
    "RecipientLastName": "name",
    "RecipientFirstName": "name",
    "RecipientEmail": "email",
    "ExternalReference": "other",
    "LocationLatitude": "location",
    "LocationLongitude": "location",
    "DistributionChannel": "channel",
    "UserLanguage": "language",
}
LEGACY_META = {
    "ResponseID": "response_no",
    "ResponseSet": "other",
    "Name": "name",
    "ExternalDataReference": "other",
    "EmailAddress": "email",
    "IPAddress": "ip",
    "Status": "status",
    "StartDate": "started_at",
    "EndDate": "submitted_at",
    "Finished": "finished",
    "LocationLatitude": "location",
    "LocationLongitude": "location",
    "LocationAccuracy": "location",
}
_QID = re.compile(r"^(?:(\d+)_)?(QID\d+)(?:#\d+)?((?:_\d+)*)(_TEXT)?(.*)$")
_SHORT = re.compile(r"^(.+?)((?:_\d+)*)(_TEXT)?$")
_LEGACY_V = re.compile(r"^V\d+$")
_SELECTED = "Selected Choice"
_JOINED = ","  # a multi-answer question not split into columns: choices joined by commas


def _import_id(cell: str | None) -> dict[str, str] | None:
    """The ImportId row's cell as a dict, JSON or (older exports) a Python dict literal."""
    text = common.clean(cell)
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return None
    if not isinstance(value, dict) or "ImportId" not in value:
        return None
    return {str(k): str(v) for k, v in value.items()}


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits the current Qualtrics CSV (3 header rows)."""
    top = common.top_rows(table, 2)
    ids = [_import_id(c) for c in top[1]] if len(top) > 1 else []
    with_id = sum(1 for i in ids if i is not None)
    found = common.meta_hits(table.headers, HEADER_META)
    return common.match(
        "qualtrics",
        found,
        [
            (found >= 4, "the Qualtrics metadata (StartDate, EndDate, Status, ResponseId, ...)"),
            (bool(ids) and with_id * 2 > len(ids), "the ImportId row"),
        ],
    )


def detect_legacy(table: RawTable) -> LayoutMatch:
    """How well the table fits the legacy Qualtrics CSV (V1..V10 + ResponseID row)."""
    top = common.top_rows(table, 1)
    v_columns = sum(1 for h in table.headers[:10] if _LEGACY_V.match(h.strip()))
    second = top[0] if top else []
    found = common.meta_hits([c or "" for c in second], LEGACY_META)
    return common.match(
        "qualtrics_legacy",
        found,
        [
            (v_columns >= 5, "the V1..V10 header cells"),
            (found >= 4, "the ResponseID, ResponseSet, ... second header row"),
        ],
    )


def _items(
    texts: dict[int, str], members: list[int], text_entry: set[int]
) -> tuple[str | None, dict[int, str | None]]:
    """Question text and each column's item from the `text - choice` texts of one question.

    Current exports write `text - choice` (a choice's text entry `text - choice - Text`, the
    chosen option of a single choice with an "other" box `text - Selected Choice`); legacy ones
    may write `text-choice`: without " - " the texts' common prefix is the question.
    """
    if len(members) == 1:
        return texts.get(members[0]) or None, {members[0]: None}
    choices = [i for i in members if i not in text_entry] or members
    if all(" - " in texts.get(i, "") for i in choices):
        parts = {i: texts.get(i, "").rsplit(" - ", 2 if i in text_entry else 1) for i in members}
        items = {i: (p[1].strip() if len(p) > 1 else None) for i, p in parts.items()}
        items = {i: None if item == _SELECTED else item for i, item in items.items()}
        question = parts[choices[0]][0].strip().removesuffix(" - " + _SELECTED) or None
        return question, items
    if len(choices) == 1:
        question = texts.get(choices[0], "").strip()
        items = {
            i: (texts.get(i, "").removeprefix(question).strip(" -:") or None)
            if i in text_entry
            else None
            for i in members
        }
        return question or None, items
    prefix = common.common_prefix([texts.get(i, "") for i in choices])
    prefix = prefix[: max(prefix.rfind("-"), prefix.rfind(" "), prefix.rfind(":")) + 1]
    items = {i: texts.get(i, "")[len(prefix) :].strip(" -:") or None for i in members}
    return prefix.strip(" -:") or None, items


def _cell_kind(values: list[str], item: str | None, is_text: bool, numeric_choice: bool) -> str:
    if is_text:
        return "other_text" if item is not None else "answer"
    if numeric_choice:
        return "flag" if common.all_flags(values) else "option_text"
    if values and all(common.is_integer(v) for v in values):
        return "code" if item is None else "score"
    return "answer" if item is None else "score"


def read(table: RawTable) -> SurveyExport:
    """A current Qualtrics CSV (3 header rows) as a SurveyExport."""
    top = common.top_rows(table, 2)
    texts = {i: common.clean(c) for i, c in enumerate(top[0])}
    ids = [_import_id(c) for c in top[1]]
    columns: dict[int, ColumnInfo] = {}
    warnings: list[str] = []
    members: dict[str, list[int]] = {}
    parsed: dict[int, tuple[str, str | None, bool, str | None]] = {}
    for index, header in enumerate(table.headers):
        import_id = ids[index] if index < len(ids) else None
        key = import_id["ImportId"] if import_id else ""
        field = IMPORT_META.get(key) or common.meta_field(header, HEADER_META)
        if field is not None:
            columns[index] = common.meta(index, header, field)
            continue
        found = _QID.match(key)
        if found is None:
            if import_id is None and not header.strip():
                columns[index] = common.ignored(index, header, "blank header and no ImportId")
            else:
                columns[index] = common.meta(index, header, "other")  # embedded data, SC0 scores
            continue
        loop, qid, parts, text_suffix, rest = found.groups()
        if rest:
            columns[index] = common.ignored(
                index, header, f"Qualtrics-derived field ({rest.strip('_')}), not an answer"
            )
            continue
        question = f"{loop}_{qid}" if loop else qid
        choice = import_id.get("choiceId") if import_id else None
        members.setdefault(question, []).append(index)
        parsed[index] = (question, choice or (parts.strip("_") or None), bool(text_suffix), choice)
    for question, indexes in members.items():
        question_text, items = _items(texts, indexes, {i for i in indexes if parsed[i][2]})
        for index in indexes:
            _, choice, is_text, choice_id = parsed[index]
            header = table.headers[index]
            values = common.column_sample(table, index, 2)
            alone = len(indexes) == 1
            item = items[index] if not alone else None
            if is_text and alone:
                cell = "answer"
            else:
                cell = _cell_kind(values, item, is_text, choice_id is not None)
            hint = {"flag": "multi", "option_text": "multi", "score": "matrix"}.get(cell)
            hint = hint if not alone else None
            sep = None
            if not is_text and item is None and any(_JOINED in v for v in values):
                parts = [p for v in values for p in v.split(_JOINED)]
                cell = "code" if all(common.is_integer(p) for p in parts) else "answer"
                sep, hint = _JOINED, "multi"
            short = _SHORT.match(header.strip())
            columns[index] = ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=question,
                short_id=short.group(1) if short else header.strip() or None,
                question_text=question_text,
                item=item,
                cell=cell,
                multi_sep=sep,
                type_hint=hint,
                choice_code=choice,
            )
    ordered = [columns[i] for i in range(len(table.headers))]
    return SurveyExport(
        tool="qualtrics",
        codes=_choice_codes(ordered),
        layout="Qualtrics CSV, 3 header rows (ImportId JSON)",
        table=table,
        columns=ordered,
        data_start=2,
        language=common.language_of(
            texts.get(c.index, "") for c in ordered if c.role == "question"
        ),
        warnings=warnings,
    )


def _choice_codes(columns: list[ColumnInfo]) -> dict[str, dict[str, int]]:
    """Option text -> choiceId of the one-column-per-choice questions."""
    codes: dict[str, dict[str, int]] = {}
    for column in columns:
        code = column.choice_code
        if column.cell in ("flag", "option_text") and column.item and code and code.isdigit():
            codes.setdefault(column.question_key or "", {})[column.item] = int(code)
    return codes


def read_legacy(table: RawTable) -> SurveyExport:
    """A legacy Qualtrics CSV (V1..V10 ids, ResponseID row) as a SurveyExport."""
    top = common.top_rows(table, 1)
    texts = {i: common.clean(c) for i, c in enumerate(top[0])}
    columns: dict[int, ColumnInfo] = {}
    members: dict[str, list[int]] = {}
    for index, header in enumerate(table.headers):
        field = common.meta_field(texts.get(index, ""), LEGACY_META) or common.meta_field(
            header, LEGACY_META
        )
        if field is not None and (_LEGACY_V.match(header.strip()) or field == "location"):
            columns[index] = common.meta(index, header, field)
            continue
        short = _SHORT.match(header.strip())
        if short is None:
            columns[index] = common.ignored(
                index, header, "blank header in a legacy Qualtrics export"
            )
            continue
        members.setdefault(short.group(1), []).append(index)
    for question, indexes in members.items():
        entries = {i for i in indexes if table.headers[i].strip().endswith("_TEXT")}
        question_text, items = _items(texts, indexes, entries)
        for index in indexes:
            header = table.headers[index]
            short = _SHORT.match(header.strip())
            is_text = bool(short and short.group(3))
            alone = len(indexes) == 1
            item = items[index] if not alone else None
            values = common.column_sample(table, index, 1)
            cell = "answer" if is_text and alone else _cell_kind(values, item, is_text, False)
            if cell == "score" and common.all_flags(values):
                cell = "flag"
            parts = short.group(2).strip("_") if short else ""
            columns[index] = ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=question,
                short_id=question,
                question_text=question_text,
                item=item,
                cell=cell,
                type_hint={"flag": "multi", "score": "matrix"}.get(cell) if not alone else None,
                choice_code=parts or None,
            )
    ordered = [columns[i] for i in range(len(table.headers))]
    return SurveyExport(
        tool="qualtrics_legacy",
        layout="Qualtrics legacy CSV, 2 header rows (V1..V10, ResponseID)",
        table=table,
        columns=ordered,
        data_start=1,
        language=common.language_of(
            texts.get(c.index, "") for c in ordered if c.role == "question"
        ),
    )
