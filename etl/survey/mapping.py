"""Map the columns of a survey export to the questionnaire's questions and metadata fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.errors import IngestError
from etl.reading import RawTable
from survey.questionnaire import Option, Question, Questionnaire, header_key, label_key
from survey.text import clean_text

# Metadata columns of 问卷星 and 腾讯问卷 exports (order varies between export versions).
META_HEADERS = {
    "序号": "response_no",
    "编号": "response_no",
    "答卷编号": "response_no",
    "response_id": "response_no",
    "提交答卷时间": "submitted_at",
    "提交时间": "submitted_at",
    "结束答题时间": "submitted_at",
    "submitted_at": "submitted_at",
    "开始答题时间": "started_at",
    "所用时间": "duration",
    "答题时长": "duration",
    "来源": "channel",
    "来源渠道": "channel",
    "来源详情": "channel_detail",
    "来自ip": "ip",
    "ip": "ip",
    "ip地址": "ip",
    "ip省份": "ip_province",
    "ip城市": "ip_city",
    "总分": "ignored",
    "浏览器": "ignored",
    "操作系统": "ignored",
    "用户id": "ignored",
    "昵称": "ignored",
}
_CODE_MULTI = re.compile(r"^\s*(?:第)?\s*(\d+)\s*(?:题)?\s*[(（](.+)[)）]\s*$")
_MATRIX_SEP = re.compile(r"\s*(?:——|—|－)\s*")
_ITEM_SEP = re.compile(r"\s*[:：]\s*")


@dataclass(frozen=True)
class ColumnRole:
    """What one export column holds: a metadata field, a question's value, or one item of it."""

    index: int
    header: str
    kind: str  # meta | value | option | row | other_text | unmatched
    meta: str | None = None
    question: Question | None = None
    item: Option | None = None
    cell: str = "answer"  # how a cell is read (etl.survey.layouts.base.CELL_KINDS)
    multi_sep: str | None = None  # the separator of a joined multi answer, where known


@dataclass(frozen=True)
class ColumnMap:
    """Every column's role, plus the export flavour and warnings for unmatched columns."""

    flavour: str  # wjx_text | wjx_code | tencent | generic
    columns: list[ColumnRole]
    warnings: list[str]

    def meta_index(self, name: str) -> int | None:
        """Column index of a metadata field, if present."""
        return next((c.index for c in self.columns if c.kind == "meta" and c.meta == name), None)

    def for_question(self, question_id: str) -> list[ColumnRole]:
        """The columns that carry a question's answers."""
        return [c for c in self.columns if c.question is not None and c.question.id == question_id]


def detect_flavour(table: RawTable) -> str:
    """Which exporter wrote the file, from its metadata headers."""
    keys = {(clean_text(h) or "").lower() for h in table.headers}
    if "序号" in keys and ("提交答卷时间" in keys or "所用时间" in keys):
        return "wjx"
    if "编号" in keys and ({"开始答题时间", "结束答题时间", "答题时长"} & keys):
        return "tencent"
    return "generic"


def _question_index(q: Questionnaire) -> dict[str, Question]:
    index: dict[str, Question] = {}
    for question in q.questions:
        index.setdefault(question.id.lower(), question)
        for header in question.headers:
            index.setdefault(header_key(header)[1], question)
    return index


def _find_question(stem: str, index: dict[str, Question], q: Questionnaire) -> Question | None:
    key = header_key(stem)[1]
    if key in index:
        return index[key]
    hits = [question for question in q.questions if any(p.search(stem) for p in question.patterns)]
    return hits[0] if len(hits) == 1 else None


def _find_item(question: Question, label: str) -> Option | None:
    if question.type == "matrix":
        return question.row_for_label(label)
    found = question.option_for_label(label)
    if found is None and question.other_option is not None:
        base = label_key(re.split(r"[(（【〖]", label)[0])
        if base in {label_key(question.other_option.label.zh), label_key("其他"), "other"}:
            return question.other_option
    return found


def map_columns(table: RawTable, q: Questionnaire) -> ColumnMap:
    """Assign every column a role; missing required questions and doubled columns are errors."""
    flavour = detect_flavour(table)
    index = _question_index(q)
    roles: list[ColumnRole] = []
    warnings: list[str] = []
    has_code_multi = False
    for i, header in enumerate(table.headers):
        meta_key = (clean_text(header) or "").lower()
        if meta_key in META_HEADERS:
            roles.append(ColumnRole(i, header, "meta", meta=META_HEADERS[meta_key]))
            continue
        role = _map_question_column(i, header, index, q)
        if role is None:
            code = _CODE_MULTI.match(clean_text(header) or "")
            if code:
                role = _map_code_multi(i, header, int(code.group(1)), code.group(2), q)
                has_code_multi = has_code_multi or role is not None
        if role is None:
            warnings.append(f"column {header!r} matches no question and was not loaded")
            role = ColumnRole(i, header, "unmatched")
        roles.append(role)
    if flavour == "wjx":
        flavour = "wjx_code" if has_code_multi or _looks_like_codes(table, roles) else "wjx_text"
    _check(table, q, roles)
    return ColumnMap(flavour, roles, warnings)


def _map_question_column(
    i: int, header: str, index: dict[str, Question], q: Questionnaire
) -> ColumnRole | None:
    text = clean_text(header) or ""
    for splitter, kinds in ((_MATRIX_SEP, {"matrix"}), (_ITEM_SEP, {"multi", "ranking", "matrix"})):
        found = list(splitter.finditer(text))
        if not found:
            continue
        stem, item_label = text[: found[-1].start()], text[found[-1].end() :]
        question = _find_question(stem, index, q)
        if question is None or question.type not in kinds:
            continue
        item = _find_item(question, item_label)
        if item is not None:
            kind = "row" if question.type == "matrix" else "option"
            return ColumnRole(i, header, kind, question=question, item=item)
    # Not an item column: the header names a whole question (a single value per row).
    question = _find_question(header, index, q)
    if question is not None:
        return ColumnRole(i, header, "value", question=question)
    return None


def _map_code_multi(
    i: int, header: str, number: int, label: str, q: Questionnaire
) -> ColumnRole | None:
    candidates = [
        (question, option)
        for question in q.questions
        if question.type in {"multi", "ranking"}
        and (option := _find_item(question, label)) is not None
    ]
    by_number = [c for c in candidates if c[0].position == number]
    chosen = by_number or (candidates if len(candidates) == 1 else [])
    if not chosen:
        return None
    question, option = chosen[0]
    return ColumnRole(i, header, "option", question=question, item=option)


def _looks_like_codes(table: RawTable, roles: list[ColumnRole]) -> bool:
    choice = [
        r.index
        for r in roles
        if r.kind == "value"
        and r.question is not None
        and r.question.type in {"single", "gender"}
        and r.question.options
    ]
    head = table.frame().head(200).rows()  # never the whole table as Python rows
    values = [row[i] for row in head for i in choice if row[i] not in (None, "")]
    return bool(values) and all(re.fullmatch(r"-?\d+", v.strip()) for v in values if v)


def _check(table: RawTable, q: Questionnaire, roles: list[ColumnRole]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for role in roles:
        if role.question is None:
            continue
        key = (role.question.id, role.item.key if role.item else "")
        if key in seen:
            raise IngestError(
                table.path,
                f"columns {seen[key]!r} and {role.header!r} both map to question {role.question.id}",
                row=1,
                column=role.header,
            )
        seen[key] = role.header
    present = {qid for qid, _ in seen}
    for question in q.questions:
        if question.required and question.id not in present:
            raise IngestError(
                table.path,
                f"missing required column for question {question.id} ({question.text.zh})",
                row=1,
            )
    if not present:
        raise IngestError(table.path, f"no column matches any question of {q.id}", row=1)
