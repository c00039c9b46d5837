"""Helpers the layout readers share: peeking at rows without building them all, header texts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import polars as pl

from etl.reading import RawTable, TextRows
from etl.survey.layouts.base import ColumnInfo, LayoutMatch

SAMPLE_ROWS = 200  # rows looked at to judge what a column's cells hold
_CJK = re.compile(r"[\u3400-\u9fff]")
_INTEGER = re.compile(r"^-?\d+$")
_SHORT_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,39}$")


def top_rows(table: RawTable, count: int) -> list[list[str | None]]:
    """The first `count` data rows, from the frame when the table has one (no full row build)."""
    if isinstance(table.rows, TextRows):
        return [list(row) for row in table.frame().head(count).iter_rows()]
    return [list(row) for row in table.rows[:count]]


def column_sample(
    table: RawTable, index: int, start: int, end: int | None = None, limit: int = SAMPLE_ROWS
) -> list[str]:
    """Up to `limit` non-blank cells of column `index` among respondent rows start..end."""
    stop = table.height if end is None else end
    series = table.frame()[f"c{index}"].slice(start, max(0, stop - start))
    values = series.drop_nulls()
    values = values.filter(values.str.strip_chars() != "").head(limit)
    return values.to_list()


def column_values(table: RawTable, index: int, start: int, end: int | None = None) -> pl.Series:
    """Every cell of column `index` among respondent rows start..end (None for a blank cell)."""
    stop = table.height if end is None else end
    return table.frame()[f"c{index}"].slice(start, max(0, stop - start))


def is_blank(cell: str | None) -> bool:
    """Whether a header or data cell is empty."""
    return cell is None or not cell.strip()


def clean(cell: str | None) -> str:
    """A header cell without surrounding spaces (blank cells as '')."""
    return (cell or "").strip()


def has_cjk(text: str) -> bool:
    """Whether the text holds Chinese (CJK) characters."""
    return bool(_CJK.search(text))


def language_of(texts: Iterable[str]) -> str:
    """'zh' when the header texts are mostly Chinese, else 'en'."""
    texts = [t for t in texts if t]
    chinese = sum(1 for t in texts if has_cjk(t))
    return "zh" if texts and chinese * 2 >= len(texts) else "en"


def is_integer(cell: str) -> bool:
    """Whether the cell is an integer (a code, flag, rank or score)."""
    return bool(_INTEGER.match(cell.strip().removesuffix(".0")))


def all_flags(values: Sequence[str]) -> bool:
    """Whether every cell reads as chosen / not chosen (1/0, TRUE/FALSE, 是/否)."""
    flags = {"0", "1", "1.0", "0.0", "true", "false", "是", "否", "yes", "no"}
    return bool(values) and all(v.strip().lower() in flags for v in values)


def looks_like_short_id(cell: str) -> bool:
    """Whether a header cell is an identifier (Q7_Part_1, age, QID2) rather than a sentence."""
    return bool(_SHORT_ID.match(cell))


def looks_like_question(cell: str) -> bool:
    """Whether a header cell reads like a question's text (a sentence, not a field name)."""
    text = cell.strip()
    if not text or looks_like_short_id(text):
        return False
    if text[-1] in "?？:：" or re.match(r"^\d+[、.．]", text):
        return True
    if len(_CJK.findall(text)) >= 6:
        return True
    return len(text) >= 15 and " " in text


def common_prefix(texts: Sequence[str]) -> str:
    """The longest text every one of `texts` starts with."""
    if not texts:
        return ""
    first, last = min(texts), max(texts)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def meta(index: int, header: str, field: str) -> ColumnInfo:
    """A metadata column."""
    return ColumnInfo(index=index, header=header, role="meta", meta=field)


def ignored(index: int, header: str, reason: str) -> ColumnInfo:
    """A column that is not read, and why."""
    return ColumnInfo(index=index, header=header, role="ignored", reason=reason)


def match(
    tool: str, found: int, wanted: Sequence[tuple[bool, str]], weight: float = 1.0
) -> LayoutMatch:
    """A LayoutMatch from signature checks: score = share of checks passed, scaled by weight."""
    missing = tuple(label for ok, label in wanted if not ok)
    score = (len(wanted) - len(missing)) / len(wanted) if wanted else 0.0
    return LayoutMatch(tool=tool, score=round(score * weight, 3), missing=missing)


def meta_hits(headers: Sequence[str], names: dict[str, str]) -> int:
    """How many of the tool's metadata names (case-insensitive) are among the headers."""
    lowered = {clean(h).lower() for h in headers}
    return sum(1 for name in names if name.lower() in lowered)


def meta_field(header: str, names: dict[str, str]) -> str | None:
    """The canonical meta field of a header under a tool's names (case-insensitive)."""
    lowered = {k.lower(): v for k, v in names.items()}
    return lowered.get(clean(header).lower())


def split_joined_multi(value: str, known_options: Iterable[str], sep: str) -> list[str]:
    """Split a joined multi answer into options, matching the longest known options first.

    An option text may itself contain the separator (Google Forms joins with ", " and an option
    may read "Yes, often"): known options are cut out longest first where they sit between
    separators; what is left is split on the separator and kept as unknown (e.g. "other") text.
    """
    text = value.strip()
    if not text:
        return []
    options = sorted({o for o in known_options if o}, key=len, reverse=True)
    found: list[tuple[int, str]] = []
    taken = [False] * len(text)
    for option in options:
        start = 0
        while (at := text.find(option, start)) >= 0:
            end = at + len(option)
            bounded = (at == 0 or text[:at].endswith(sep)) and (
                end == len(text) or text[end:].startswith(sep)
            )
            if bounded and not any(taken[at:end]):
                found.append((at, option))
                for i in range(at, end):
                    taken[i] = True
            start = at + 1
    rest = "".join(" " if taken[i] else ch for i, ch in enumerate(text))
    position = 0
    for piece in rest.split(sep):
        stripped = piece.strip()
        if stripped:
            found.append((position + piece.find(stripped), stripped))
        position += len(piece) + len(sep)
    return [option for _, option in sorted(found)]
