"""腾讯问卷 (wj.qq.com) exports.

Signature: metadata `编号, 开始答题时间, 结束答题时间, 答题时长, IP省份, IP城市` and question
headers `N.text`; a multi, ranking or matrix question has one column per option `N.text:option`
holding 1 (chosen), the rank, or the score; an "other" option's column holds the typed text.
"""

from __future__ import annotations

import re

from etl.reading import RawTable
from etl.survey.layouts import common
from etl.survey.layouts.base import ColumnInfo, LayoutMatch, SurveyExport

META_NAMES = {
    "编号": "response_no",
    "开始答题时间": "started_at",
    "结束答题时间": "submitted_at",
    "答题时长": "duration",
    "IP省份": "ip_province",
    "IP城市": "ip_city",
    "IP": "ip",
    "来源": "channel",
    "用户ID": "other",
    "用户昵称": "other",
    "自定义字段": "other",
    "答题状态": "status",
}
_NUMBERED = re.compile(r"^(\d+)\s*[.．、]\s*(.*)$", re.S)
_OTHER_WORDS = ("其他", "其它", "other", "Other")


def detect(table: RawTable) -> LayoutMatch:
    """How well the table fits a 腾讯问卷 export."""
    found = common.meta_hits(table.headers, {k: v for k, v in META_NAMES.items() if v != "other"})
    numbered = sum(1 for h in table.headers if _NUMBERED.match(h.strip()))
    return common.match(
        "tencent",
        found,
        [
            (
                found >= 4,
                "the 腾讯问卷 metadata (编号, 开始答题时间, 结束答题时间, 答题时长, IP省份, IP城市)",
            ),
            (
                common.meta_hits(table.headers, {"开始答题时间": "", "结束答题时间": ""}) == 2,
                "开始答题时间 / 结束答题时间",
            ),
            (numbered > 0, "question headers numbered `N.text`"),
        ],
    )


def _option_cell(values: list[str], item: str, group_size: int) -> str:
    """What one `N.text:option` column holds: flag, rank, score or the other option's text."""
    if values and not all(common.is_integer(v) for v in values):
        return "other_text" if any(w in item for w in _OTHER_WORDS) else "score"
    numbers = {int(v.strip().removesuffix(".0")) for v in values}
    if not numbers or numbers <= {0, 1}:
        return "flag"
    if max(numbers) <= group_size and min(numbers) >= 1:
        return "rank"
    return "score"


def read(table: RawTable) -> SurveyExport:
    """A 腾讯问卷 export as a SurveyExport."""
    columns: list[ColumnInfo] = []
    warnings: list[str] = []
    headers = table.headers
    groups: dict[str, int] = {}
    for header in headers:
        found = _NUMBERED.match(header.strip())
        if found is not None and ":" in found.group(2):
            prefix = header.strip().rsplit(":", 1)[0]
            groups[prefix] = groups.get(prefix, 0) + 1
    for index, header in enumerate(headers):
        field = common.meta_field(header, META_NAMES)
        if field is not None:
            columns.append(common.meta(index, header, field))
            continue
        found = _NUMBERED.match(header.strip())
        if found is None:
            if header.strip():
                columns.append(common.meta(index, header, "other"))
                warnings.append(
                    f"column {header!r} is not a numbered question: kept as raw metadata"
                )
            else:
                columns.append(common.ignored(index, header, "blank header"))
            continue
        number, text = int(found.group(1)), found.group(2).strip()
        stem = header.strip().rsplit(":", 1)[0] if ":" in text else None
        item: str | None = None
        cell = "answer"
        hint = None
        if stem is not None and groups.get(stem, 0) >= 1:
            text, item = (part.strip() for part in text.rsplit(":", 1))
            values = common.column_sample(table, index, 0)
            cell = _option_cell(values, item, groups[stem])
            hint = {"flag": "multi", "rank": "ranking", "score": "matrix"}.get(cell)
        columns.append(
            ColumnInfo(
                index=index,
                header=header,
                role="question",
                question_key=f"q{number}",
                short_id=f"Q{number}",
                question_text=text,
                number=number,
                item=item,
                cell=cell,
                type_hint=hint,
            )
        )
    return SurveyExport(
        tool="tencent",
        layout="腾讯问卷 export, 1 header row",
        table=table,
        columns=columns,
        language="zh",
        warnings=warnings,
    )
