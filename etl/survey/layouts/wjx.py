"""问卷星 (wjx.cn) exports: the text export (`wjx_text`) and the option-number export (`wjx_code`).

Signature: the metadata columns `序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP` (any order,
values may be blank or `NULL`) and question headers numbered `N、text`. The code export holds
option numbers in the single-choice columns and expands each multi into `第N题(option)` or
`N(option)` 0/1 columns.
"""

from __future__ import annotations

import re

from etl.errors import IngestError
from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

META_NAMES = {
    "序号": "response_no",
    "提交答卷时间": "submitted_at",
    "所用时间": "duration",
    "来源": "channel",
    "来源详情": "channel_detail",
    "来自IP": "ip",
    "总分": "other",
    "答题序号": "other",
    "来自": "other",
}
_NUMBERED = re.compile(r"^(\d+)\s*[、.．]\s*(.*)$", re.S)
_EXPANDED = re.compile(r"^(?:第(\d+)题|(\d+))\s*[(（](.*)[)）]$", re.S)
_SUFFIX = re.compile(
    r"\s*[(（【\[]\s*\*?\s*(单选题|多选题|排序题|矩阵单选题|矩阵多选题|矩阵量表题|矩阵文本题|"
    r"矩阵填空题|矩阵滑动条|量表题|填空题|多项填空题|比重题|滑动条|下拉框|判断题|NPS量表题|"
    r"日期题|评分题)[^)）】\]]*[)）】\]]\s*$"
)
_HINTS = {
    "单选题": "single",
    "下拉框": "single",
    "判断题": "single",
    "多选题": "multi",
    "排序题": "ranking",
    "量表题": "rating",
    "NPS量表题": "rating",
    "评分题": "rating",
    "滑动条": "number",
    "比重题": "number",
    "填空题": "text",
    "多项填空题": "text",
    "日期题": "date",
}
_MATRIX_DASH = "—"  # 问卷星 writes `N、stem—row` for a matrix row (an em dash)
_SKIPPED_CODES = {"-2", "-3"}  # -3 skipped by logic, -2 left empty


def _split_header(header: str) -> tuple[int, str, str | None, str | None] | None:
    """(number, question text, matrix row, type hint) of an `N、text` header, or None."""
    found = _NUMBERED.match(header.strip())
    if found is None:
        return None
    text = found.group(2).strip()
    hint = None
    suffix = _SUFFIX.search(text)
    if suffix is not None:
        kind = suffix.group(1)
        hint = "matrix" if kind.startswith("矩阵") else _HINTS.get(kind)
        text = text[: suffix.start()].strip()
    row = None
    if _MATRIX_DASH in text:
        text, row = (part.strip() for part in text.rsplit(_MATRIX_DASH, 1))
        hint = "matrix"
    return int(found.group(1)), text, row, hint


def _fit(table: RawTable) -> tuple[int, int, int, int]:
    """(meta names found, numbered headers, expanded headers, question columns holding numbers)."""
    headers = table.headers
    meta_found = common.meta_hits(headers, {k: v for k, v in META_NAMES.items() if v != "other"})
    numbered = [i for i, h in enumerate(headers) if _split_header(h) is not None]
    expanded = sum(1 for h in headers if _EXPANDED.match(h.strip()))
    coded = 0
    for index in numbered:
        values = common.column_sample(table, index, 0, limit=50)
        if values and all(common.is_integer(v) for v in values):
            coded += 1
    return meta_found, len(numbered), expanded, coded


def _is_code_export(numbered: int, expanded: int, coded: int) -> bool:
    """Whether the question columns hold option numbers (the code export)."""
    return expanded > 0 or (numbered > 0 and coded * 2 > numbered)


def detect_text(table: RawTable) -> LayoutMatch:
    """How well the table fits the 问卷星 text export."""
    meta_found, numbered, expanded, coded = _fit(table)
    return common.match(
        "wjx_text",
        meta_found,
        [
            (
                meta_found >= 4,
                "the 问卷星 metadata columns (序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP)",
            ),
            (meta_found >= 2, "序号 / 提交答卷时间"),
            (numbered > 0, "question headers numbered `N、text`"),
            (
                numbered > 0 and not _is_code_export(numbered, expanded, coded),
                "option texts in the question columns",
            ),
        ],
    )


def detect_code(table: RawTable) -> LayoutMatch:
    """How well the table fits the 问卷星 option-number export."""
    meta_found, numbered, expanded, coded = _fit(table)
    return common.match(
        "wjx_code",
        meta_found,
        [
            (
                meta_found >= 4,
                "the 问卷星 metadata columns (序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP)",
            ),
            (meta_found >= 2, "序号 / 提交答卷时间"),
            (numbered + expanded > 0, "question headers numbered `N、text` or `第N题(option)`"),
            (_is_code_export(numbered, expanded, coded), "option numbers in the question columns"),
        ],
    )


def _columns(table: RawTable, code_export: bool) -> tuple[list[ColumnInfo], list[str]]:
    columns: list[ColumnInfo] = []
    warnings: list[str] = []
    texts: dict[int, str] = {}
    for index, header in enumerate(table.headers):
        field = common.meta_field(header, META_NAMES)
        if field is not None:
            columns.append(common.meta(index, header, field))
            continue
        split = _split_header(header)
        if split is not None:
            number, text, row, hint = split
            texts.setdefault(number, text)
            values = common.column_sample(table, index, 0)
            if row is not None:
                cell = "score"
            elif code_export and values and all(common.is_integer(v) for v in values):
                cell = "code"
            else:
                cell = "answer"
            sep = None
            if cell == "answer" and (hint == "multi" or any("┋" in v for v in values)):
                sep, hint = "┋", hint or "multi"
            if cell == "answer" and hint is None and any("→" in v for v in values):
                hint = "ranking"
            columns.append(
                ColumnInfo(
                    index=index,
                    header=header,
                    role="question",
                    question_key=f"q{number}",
                    short_id=f"Q{number}",
                    question_text=text,
                    number=number,
                    item=row,
                    cell=cell,
                    multi_sep=sep,
                    type_hint=hint,
                )
            )
            continue
        expanded = _EXPANDED.match(header.strip())
        if expanded is not None:
            number = int(expanded.group(1) or expanded.group(2))
            values = common.column_sample(table, index, 0)
            flag = common.all_flags(values) or not values
            columns.append(
                ColumnInfo(
                    index=index,
                    header=header,
                    role="question",
                    question_key=f"q{number}",
                    short_id=f"Q{number}",
                    question_text=texts.get(number),
                    number=number,
                    item=expanded.group(3).strip(),
                    cell="flag" if flag else "score",
                    type_hint="multi" if flag else "matrix",
                )
            )
            continue
        if not header.strip():
            columns.append(common.ignored(index, header, "blank header over a 问卷星 export"))
            continue
        columns.append(common.meta(index, header, "other"))
        warnings.append(
            f"column {header!r} is not a numbered 问卷星 question: kept as raw metadata"
        )
    return columns, warnings


def read(table: RawTable, tool: str) -> SurveyExport:
    """A 问卷星 text or code export as a SurveyExport."""
    code_export = tool == "wjx_code"
    columns, warnings = _columns(table, code_export)
    layout = "问卷星 option-number export" if code_export else "问卷星 text export"
    export = SurveyExport(
        tool=tool,
        layout=f"{layout}, 1 header row",
        table=table,
        columns=columns,
        language="zh",
        warnings=warnings,
    )
    return export


def read_text(table: RawTable) -> SurveyExport:
    """A 问卷星 text export as a SurveyExport."""
    return read(table, "wjx_text")


def read_code(table: RawTable) -> SurveyExport:
    """A 问卷星 option-number export as a SurveyExport."""
    return read(table, "wjx_code")


def _response_numbers(export: SurveyExport) -> list[str | None]:
    for column in export.columns:
        if column.meta == "response_no":
            return common.column_values(export.table, column.index, export.data_start).to_list()
    raise IngestError(export.table.path, "no 序号 column: cannot pair the text and code exports")


def pair_wjx_codes(
    text_export: SurveyExport, code_export: SurveyExport
) -> dict[str, dict[str, int]]:
    """Each question's option codes (option text -> code), from a text export and its code export.

    Rows pair by 序号 (the same respondent in both files). A single-choice question's code is the
    number the code export holds where the text export holds the option's text; a multi expanded
    into 0/1 columns numbers its options in column order (1 = first). Skip codes (-2, -3) and
    blank cells give no code. Raises IngestError when the files share no respondent or disagree
    (one option text paired with two codes).
    """
    text_rows = {n: i for i, n in enumerate(_response_numbers(text_export)) if n}
    code_numbers = _response_numbers(code_export)
    pairs = [(text_rows[n], i) for i, n in enumerate(code_numbers) if n in text_rows]
    if not pairs:
        raise IngestError(code_export.table.path, "shares no 序号 with the text export")
    text_questions = text_export.question_columns()
    codes: dict[str, dict[str, int]] = {}
    for key, code_columns in code_export.question_columns().items():
        flags = [c for c in code_columns if c.cell == "flag" and c.item]
        if flags:
            codes[key] = {c.item: position for position, c in enumerate(flags, start=1) if c.item}
            continue
        coded = [c for c in code_columns if c.cell == "code"]
        text_columns = [c for c in text_questions.get(key, []) if c.cell == "answer"]
        if len(coded) != 1 or len(text_columns) != 1:
            continue
        text_values = common.column_values(text_export.table, text_columns[0].index, 0).to_list()
        code_values = common.column_values(code_export.table, coded[0].index, 0).to_list()
        found: dict[str, int] = {}
        for text_row, code_row in pairs:
            text, code = text_values[text_row], code_values[code_row]
            if common.is_blank(text) or common.is_blank(code) or code.strip() in _SKIPPED_CODES:
                continue
            number = int(code.strip().removesuffix(".0"))
            text = text.strip()
            if found.setdefault(text, number) != number:
                raise IngestError(
                    code_export.table.path,
                    f"question {key}: option {text!r} has code {found[text]} and {number}",
                    column=coded[0].header,
                )
        codes[key] = dict(sorted(found.items(), key=lambda item: item[1]))
    return codes
