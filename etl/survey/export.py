"""Read a survey file as a `SurveyExport`: the layout readers' when present, else a plain reading.

`read_survey_export` asks the layout readers of `etl.survey.layouts` (one per tool) to recognise
the file. Where none is available it falls back to `plain_export`: one header row, 问卷星/腾讯问卷
metadata, `N、text` numbering, `N、stem—row` matrix rows, `N.text:option` and `N(option)`
one-column-per-option items, and `┋`-joined multi answers. The fallback is what the legacy
exports of the gala need and nothing more.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from etl.errors import IngestError
from etl.reading import RawTable, read_table
from etl.survey.layouts.base import ColumnInfo, SurveyExport
from etl.survey.mapping import META_HEADERS, detect_flavour
from survey.text import clean_text

_HEADER_TROUBLE = re.compile(r"has no header|duplicate column header|cells but only")
_NUMBERED = re.compile(r"^\s*(?:Q|第)?\s*(\d+)\s*(?:、|\.|．|题)\s*(.*)$", re.DOTALL)
_CODE_ITEM = re.compile(r"^\s*(?:第)?\s*(\d+)\s*(?:题)?\s*[(（](.+)[)）]\s*$")
_MATRIX = re.compile(r"^(.+?)\s*(?:——|—|－)\s*(.+)$")
_ITEM = re.compile(r"^(.+?)\s*[:：]\s*([^:：]+)$")
_ENGLISH_META = {
    "response_id": "response_no",
    "responseid": "response_no",
    "respondent id": "response_no",
    "submitted_at": "submitted_at",
    "timestamp": "submitted_at",
    "时间戳记": "submitted_at",
    "start date": "started_at",
    "end date": "submitted_at",
    "ip address": "ip",
}


def read_survey_export(path: Path, table: RawTable | None = None) -> SurveyExport:
    """The file's layout as the layout readers see it (IngestError names the closest layout)."""
    from etl.survey.layouts import read_survey_export as read_layout

    return read_layout(table if table is not None else read_table(path, raw_headers=True))


def read_survey_file(
    path: Path,
) -> tuple[SurveyExport, IngestError | None, IngestError | None]:
    """The file's layout, the strict reader's complaint about its header if it had one, and the
    layout readers' complaint if none recognised the file.

    The file is read once with strict headers (every header named, none repeated: what a
    hand-written questionnaire's header matching needs); a header the strict reader refuses is
    read again keeping blank and repeated header cells, which some tools mean (SurveyMonkey's
    continuation cells, KoboToolbox's repeated labels). A file no layout reader recognises is
    read plainly (one header row), so a hand-written questionnaire can still be matched to it;
    the layout readers' error stays the answer when none is.
    """
    strict_error: IngestError | None = None
    try:
        table = read_table(path)
    except IngestError as exc:
        if not _HEADER_TROUBLE.search(exc.reason):
            raise
        strict_error = exc
        table = read_table(path, raw_headers=True)
    try:
        return read_survey_export(path, table), strict_error, None
    except IngestError as exc:
        if strict_error is not None:
            raise
        export = plain_export(table)
        export.layout = f"no known survey layout ({exc.reason})"
        return export, None, exc


def plain_export(table: RawTable) -> SurveyExport:
    """A one-header-row survey export (问卷星 text/code, 腾讯问卷, generic)."""
    flavour = detect_flavour(table)
    columns: list[ColumnInfo] = []
    frame = table.frame()
    for index, raw in enumerate(table.headers):
        header = raw or ""
        text = clean_text(header) or ""
        meta = META_HEADERS.get(text.lower()) or _ENGLISH_META.get(text.lower())
        if meta == "ignored":
            columns.append(ColumnInfo(index, header, "ignored", reason="a tool field"))
            continue
        if meta:
            columns.append(ColumnInfo(index, header, "meta", meta=meta))
            continue
        if not text:
            columns.append(ColumnInfo(index, header, "ignored", reason="blank header"))
            continue
        columns.append(_question_column(index, header, text, flavour))
    tool = {"wjx": "wjx_text", "tencent": "tencent"}.get(flavour, "generic")
    if tool == "wjx_text" and _holds_codes(frame, columns):
        tool = "wjx_code"
        columns = [c if c.role != "question" or c.item else _with(c, cell="code") for c in columns]
    joined = {
        c.index
        for c in columns
        if c.role == "question"
        and not c.item
        and frame.get_column(f"c{c.index}").str.contains("┋", literal=True).any()
    }
    columns = [_with(c, multi_sep="┋") if c.index in joined else c for c in columns]
    texts = [c.question_text or "" for c in columns if c.role == "question"]
    chinese = sum(bool(re.search(r"[\u4e00-\u9fff]", t)) for t in texts)
    return SurveyExport(
        tool=tool,
        layout=f"{tool} (one header row)",
        table=table,
        columns=columns,
        language="zh" if chinese * 2 >= max(1, len(texts)) else "en",
        warnings=list(table.warnings),
    )


def _with(column: ColumnInfo, **changes: object) -> ColumnInfo:
    from dataclasses import replace

    return replace(column, **changes)  # type: ignore[arg-type]


def _question_column(index: int, header: str, text: str, flavour: str) -> ColumnInfo:
    code_item = _CODE_ITEM.match(text)
    if code_item and flavour == "wjx":
        code_number = int(code_item.group(1))
        return ColumnInfo(
            index,
            header,
            "question",
            question_key=f"n{code_number}",
            number=code_number,
            item=code_item.group(2).strip(),
            cell="flag",
            type_hint="multi",
        )
    number: int | None = None
    numbered = _NUMBERED.match(text)
    body = text
    if numbered:
        number, body = int(numbered.group(1)), numbered.group(2).strip()
    for pattern, cell in ((_MATRIX, "score"), (_ITEM, "flag")):
        found = pattern.match(body)
        if found and number is not None:
            stem = found.group(1).strip()
            return ColumnInfo(
                index,
                header,
                "question",
                question_key=f"n{number}",
                number=number,
                question_text=_stem(stem),
                item=found.group(2).strip(),
                cell=cell,
            )
    key = f"n{number}" if number is not None else f"h{index}"
    return ColumnInfo(
        index, header, "question", question_key=key, number=number, question_text=_stem(body)
    )


def _stem(text: str) -> str:
    """A header's question text without the tool's type suffix: '您的年龄(单选题 *必答)' -> ..."""
    cleaned = re.sub(
        r"(\((?:单选题|多选题|填空题|矩阵[^)]*|排序题|量表题)?[^)]*(?:必答|选填|多选|单选)[^)]*\)"
        r"|【[^】]*题[^】]*】|\*必答|\*)\s*$",
        "",
        text,
    )
    return re.sub(r"[?？:：\s]+$", "", cleaned).strip() or text


def _holds_codes(frame: pl.DataFrame, columns: list[ColumnInfo]) -> bool:
    """A 问卷星 export whose single-answer columns hold only whole numbers: the code export."""
    if any(c.item and c.question_text is None for c in columns):  # `6(可灵)` 0/1 columns
        return True
    singles = [c.index for c in columns if c.role == "question" and not c.item]
    head = frame.head(200)
    seen = 0
    for index in singles:
        cells = head.get_column(f"c{index}").drop_nulls()
        if cells.is_empty():
            continue
        if not cells.str.contains(r"^\s*-?\d+(?:\.0)?\s*$").all():
            return False
        seen += 1
    return seen > 0
