"""Draft a questionnaire from a survey export, so a survey loads with no hand-written file.

The export's layout (one `SurveyExport`, from a layout reader) says which columns belong to which
question and what each cell holds; drafting decides the rest from the layout and the answers
themselves: each question's id, texts, type, options with codes, "other" options, matrix rows
and scales, and which questions are demographic (with a confidence). Every column of the export
ends up as a question's column, a metadata field, or in `ignored` with the reason, so a draft
never silently drops a column. Pure: no file or warehouse access.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from survey.glossary import is_chinese, translate
from survey.questionnaire import Questionnaire, header_key, label_key, parse_questionnaire
from survey.text import clean_text

if TYPE_CHECKING:  # the layout shape only: survey must not import etl at run time
    from etl.survey.layouts.base import ColumnInfo, SurveyExport

MISSING_MARKERS = frozenset({"(跳过)", "跳过", "(空)", "空", "null", "(null)", "-3", "-2"})
_OTHER = re.compile(r"^\s*(其他|其它|other|others)\b", re.IGNORECASE)
_OTHER_WJX = re.compile(
    r"^\s*(其他|其它)\s*(?:【[^】]*】)?\s*(?:〖.*〗|[(（].*[)）])?\s*$", re.DOTALL
)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*[^\d\s]{0,4}$")
_LEADING_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")
_RATING_WORDS = re.compile(r"满意|评分|打分|分数|推荐|rate|rating|satisf|likely|score|scale", re.I)
_RANK_SEP = re.compile(r"\s*(?:→|->)\s*")
_OPEN_WORDS = re.compile(
    r"建议|意见|想法|原因|为什么|请说明|请描述|备注|留言|comment|feedback|suggest|why|describe|"
    r"explain|anything else|remarks|notes",
    re.I,
)
_SENTENCE = re.compile(r"[，。！？；]|[.!?;] \w")
_LIKERT_ORDERS = (
    ("非常不满意", "不满意", "一般", "满意", "非常满意"),
    ("非常不同意", "不同意", "一般", "同意", "非常同意"),
    ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
    ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
    ("never", "rarely", "sometimes", "often", "always"),
    ("从不", "很少", "有时", "经常", "总是"),
)

# Header words of demographic questions. Deliberately whole words: `手机部数` is not a contact.
_SEMANTIC_HEADERS: dict[str, re.Pattern[str]] = {
    "gender": re.compile(r"性别|gender|\bsex\b", re.I),
    "age": re.compile(r"年龄|年纪|出生年|\bage\b|birth\s*year|year of birth|how old", re.I),
    "role": re.compile(r"职业|职位|身份|occupation|\bjob\b|\brole\b|profession|job title", re.I),
    "education": re.compile(r"学历|教育程度|education|degree", re.I),
    "country": re.compile(r"国家|国籍|country|nationality", re.I),
    "city": re.compile(r"城市|所在地|居住地|所在地区|省份|\bcity\b|province|region|location", re.I),
    "contact": re.compile(r"手机号|电话|联系方式|微信号|邮箱|e-?mail|phone|wechat|contact", re.I),
    "name": re.compile(r"姓名|称呼|昵称|your name|full name|^name$", re.I),
}
_EDUCATION_WORDS = re.compile(
    r"小学|初中|高中|中专|职高|大专|专科|本科|硕士|博士|研究生|bachelor|master|doctor|phd|"
    r"high school|college|university|degree|secondary|primary",
    re.I,
)
# Demographic kinds that have their own question type (the rest stay single/text, tagged).
_TYPED = {"age": "age", "gender": "gender", "role": "role", "city": "city", "contact": "contact"}
TYPE_CONFIDENCE = 0.75  # a demographic type is given from this confidence up


@dataclass(frozen=True)
class Semantic:
    """What a question is about (age, gender, ...) and how sure the draft is, in [0, 1]."""

    kind: str | None
    confidence: float
    header_hit: bool = False
    value_share: float = 0.0
    contact_kind: str | None = None


def recognise_demographic(header: str, values: Sequence[str]) -> Semantic:
    """Which demographic question a header and its distinct answers are, with a confidence.

    The header alone gives at most 0.6; the answers confirm it (the share the normaliser of
    that kind recognises). Contacts and ages need the answers to agree: a header naming
    `手机` or `年` is not enough.
    """
    try:  # the full recognisers (survey.semantics), where present
        from survey import semantics
    except ImportError:  # pragma: no cover - the stand-in below
        semantics = None  # type: ignore[assignment]
    if semantics is not None:
        found = semantics.recognise(header, list(values))
        if found is None:
            return Semantic(None, 0.0)
        kind = "city" if found.semantic == "province" else found.kind
        hit = found.semantic in semantics.header_scores(header)
        return Semantic(kind, round(float(found.confidence), 2), hit, 0.0, found.contact_kind)
    best = Semantic(None, 0.0)
    text = clean_text(header) or ""
    for kind, pattern in _SEMANTIC_HEADERS.items():
        hit = pattern.search(text) is not None
        share = _value_share(kind, values)
        confidence = 0.6 * hit + 0.4 * share if hit else (0.5 * share if share >= 0.9 else 0.0)
        if kind in {"contact", "age"} and share < 0.4:
            confidence = min(confidence, 0.5)
        if kind == "name" and hit and not any(_NUMBER.match(v) for v in values[:50]):
            confidence = max(confidence, 0.8)
        if kind in {"gender", "age", "role"} and not hit and kind != "gender":
            confidence = min(confidence, 0.45)  # an answer list alone rarely proves these
        if confidence > best.confidence:
            best = Semantic(kind, round(confidence, 2), hit, round(share, 2))
    return best


def _value_share(kind: str, values: Sequence[str]) -> float:
    """Share of distinct answers that the normaliser of `kind` recognises."""
    sample = [v for v in values[:200] if v]
    if not sample:
        return 0.0
    from survey import normalise
    from survey.identity import normalise_contact

    def hit(value: str) -> bool:
        if kind == "gender":
            return normalise.normalise_gender(value).code is not None
        if kind == "age":
            return normalise.normalise_age(value).status == "mapped"
        if kind == "role":
            return normalise.normalise_role(value).status == "mapped"
        if kind == "city":
            return normalise.normalise_city(value).status == "mapped"
        if kind == "country":
            found = normalise.normalise_city(value)
            return found.country_code is not None and found.city_id is None
        if kind == "education":
            return _EDUCATION_WORDS.search(value) is not None
        if kind == "contact":
            contact = normalise_contact(value)
            return contact is not None and contact.kind in {"phone", "email", "wechat"}
        return False

    return sum(hit(v) for v in sample) / len(sample)


def respondent_values(export: SurveyExport, index: int) -> pl.Series:
    """The respondents' cells of one column (header rows and footers left out)."""
    frame = export.table.frame()
    end = export.table.height if export.data_end is None else export.data_end
    return frame.get_column(f"c{index}").slice(export.data_start, end - export.data_start)


def answered(series: pl.Series, *, codes: bool = False) -> pl.Series:
    """The cells that hold an answer: not blank, not a skipped/empty marker."""
    text = series.str.strip_chars()
    markers = sorted(MISSING_MARKERS if codes else MISSING_MARKERS - {"-3", "-2"})
    return text.filter(text.is_not_null() & (text != "") & ~text.str.to_lowercase().is_in(markers))


def distinct_in_order(series: pl.Series) -> list[str]:
    """Distinct values in order of first appearance."""
    return [v for v in series.unique(maintain_order=True).to_list() if v is not None]


def pair_codes(text_export: SurveyExport, code_export: SurveyExport) -> dict[str, dict[str, int]]:
    """Option codes from a 问卷星 text export and its code export (same survey, row for row).

    Questions are paired by question number or text; each text answer gets the code in the same
    row of the code export (a joined multi answer by its `第N题(option)` 0/1 columns).
    """
    if text_export.respondents != code_export.respondents:
        raise ValueError(
            f"the code export has {code_export.respondents} respondents and the text export "
            f"{text_export.respondents}: not the same download"
        )
    by_key = _pair_questions(text_export, code_export)
    codes: dict[str, dict[str, int]] = {}
    for key, (text_cols, code_cols) in by_key.items():
        found: dict[str, int] = {}
        if len(text_cols) == 1 and len(code_cols) == 1 and code_cols[0].cell in {"code", "answer"}:
            texts = respondent_values(text_export, text_cols[0].index)
            numbers = respondent_values(code_export, code_cols[0].index)
            pairs = pl.DataFrame({"t": texts, "n": numbers}).unique(maintain_order=True)
            for text, number in pairs.iter_rows():
                label = _option_label(clean_text(text) or "")
                code = _as_int(number)
                if label and code is not None and code >= 0:
                    found.setdefault(label, code)
        elif code_cols and all(c.item for c in code_cols):
            for position, column in enumerate(code_cols, 1):
                code = _as_int(column.choice_code) or position
                found.setdefault(_option_label(column.item or ""), code)
        if found:
            codes[key] = found
    return codes


def _pair_questions(
    text_export: SurveyExport, code_export: SurveyExport
) -> dict[str, tuple[list[ColumnInfo], list[ColumnInfo]]]:
    code_groups = code_export.question_columns()
    by_number = {cols[0].number: cols for cols in code_groups.values() if cols[0].number}
    by_text = {
        header_key(cols[0].question_text or cols[0].header)[1]: cols
        for cols in code_groups.values()
    }
    paired = {}
    for key, cols in text_export.question_columns().items():
        first = cols[0]
        match = by_number.get(first.number) if first.number else None
        match = match or by_text.get(header_key(first.question_text or first.header)[1])
        if match:
            paired[key] = (cols, match)
    return paired


def _as_int(value: object) -> int | None:
    text = clean_text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number == int(number) else None


def _option_label(text: str) -> str:
    """An answer as its option's label: '其他【请注明】〖Pika〗' -> '其他'."""
    found = _OTHER_WJX.match(text)
    return found.group(1) if found else text


def _is_other(label: str) -> bool:
    return _OTHER.match(label) is not None


class _Ids:
    """Unique, stable ids (question ids, option keys) within one scope."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def take(self, wanted: str) -> str:
        base = wanted or "x"
        candidate, n = base, 2
        while candidate in self.seen:
            candidate, n = f"{base}_{n}", n + 1
        self.seen.add(candidate)
        return candidate


def slug(text: str, *, limit: int = 32) -> str:
    """An ASCII identifier from a text ('' when the text has no ASCII letters or digits)."""
    cleaned = re.sub(r"[^a-z0-9]+", "_", (clean_text(text) or "").lower()).strip("_")
    return cleaned[:limit].rstrip("_")


def bilingual(text: str, language: str | None) -> dict[str, str]:
    """{'zh', 'en'}: the text in its own language and the glossary's other one (or '')."""
    zh = is_chinese(text) if language is None else language.startswith("zh")
    if zh:
        return {"zh": text, "en": translate(text, to="en")}
    return {"zh": translate(text, to="zh"), "en": text}


def _natural_order(labels: list[str]) -> list[str]:
    """Ordinal scales in their natural order (age bands, likert); anything else as first seen."""
    keys = [label_key(label) or "" for label in labels]
    for scale in _LIKERT_ORDERS:
        order = {label_key(s): i for i, s in enumerate(scale)}
        if keys and all(k in order for k in keys):
            return [
                lab for _, lab in sorted(zip(keys, labels, strict=True), key=lambda p: order[p[0]])
            ]
    numbers = [_LEADING_NUMBER.search(label) for label in labels]
    if labels and all(numbers) and len(labels) > 1:

        def position(pair: tuple[str, re.Match[str] | None]) -> tuple[float, float]:
            label, found = pair
            assert found is not None
            below = re.search(r"以下|以内|under|below|less|<", label, re.I)
            above = re.search(r"以上|及以上|over|above|more|\+", label, re.I)
            return float(found.group(1)), (-0.5 if below else 0.5 if above else 0.0)

        return [lab for lab, _ in sorted(zip(labels, numbers, strict=True), key=position)]
    return labels


def _options(
    labels: Iterable[str],
    *,
    known: Mapping[str, int],
    language: str | None,
    semantic: str | None,
    ordinal: bool = True,
) -> list[dict[str, Any]]:
    """Option entries with codes (the tool's where known, else by order) and stable keys."""
    unique = list(dict.fromkeys(label for label in labels if label))
    ordered = _natural_order(unique) if ordinal else unique
    known_keys = {label_key(k): v for k, v in known.items()}
    used = {c for c in known_keys.values()}
    next_code = max(used, default=0) + 1
    keys = _Ids()
    options = []
    for label in ordered:
        code = known_keys.get(label_key(label))
        if code is None:
            while next_code in used:
                next_code += 1
            code = next_code
        used.add(code)
        entry: dict[str, Any] = {"code": code, "key": keys.take(_option_key(label, code, semantic))}
        entry.update(bilingual(label, language))
        if _is_other(label):
            entry["other"] = True
        options.append(entry)
    return sorted(options, key=lambda o: o["code"])


def _option_key(label: str, code: int, semantic: str | None) -> str:
    from survey import normalise

    if semantic == "gender":
        found = normalise.normalise_gender(label).code
        if found:
            return found
    if semantic == "age":
        band = normalise.normalise_age(label).band
        if band:
            return band
    if _is_other(label):
        return "other"
    english = translate(label, to="en") if is_chinese(label) else label
    return slug(english, limit=24) or f"o{code}"


def _split_multi(values: list[str], sep: str, known: list[str]) -> list[str]:
    """Options of a joined multi: known options longest first, then the separator."""
    options: list[str] = list(known)
    if sep.strip() == "":  # a space-joined multi (Kobo): labels have no spaces
        return list(dict.fromkeys([*options, *(p for v in values for p in v.split())]))
    if sep == ", ":  # Google Forms: an option may itself hold ", "; whole answers first
        options += [v for v in values if sep not in v]
    for value in values:
        rest = value
        for option in sorted(set(options), key=len, reverse=True):
            if option and option in rest:
                rest = _cut_whole(rest, option, sep)
        parts = [p.strip() for p in rest.split(sep) for p in p.split("\0") if p.strip()]
        options += _rejoin_brackets(parts, sep)
    return [_option_label(o) for o in dict.fromkeys(options)]


def _cut_whole(text: str, option: str, sep: str) -> str:
    """`text` with each whole occurrence of `option` (between separators or the ends) cut out
    as "\0": the option "C" is not cut out of "LC3" or "Computer"."""
    out, start = [], 0
    while (at := text.find(option, start)) >= 0:
        end = at + len(option)
        before, after = text[:at], text[end:]
        bounded = (not before or before.endswith((sep, "\0"))) and (
            not after or after.startswith((sep, "\0"))
        )
        if bounded:
            out.append(text[start:at] + "\0")
        else:
            out.append(text[start:end])
        start = end
    out.append(text[start:])
    return "".join(out)


def _rejoin_brackets(parts: list[str], sep: str) -> list[str]:
    """Parts split inside brackets joined back: 'RED (小红书', '书)' were one option."""
    joined: list[str] = []
    for part in parts:
        if joined and _open_brackets(joined[-1]) > 0:
            joined[-1] = f"{joined[-1]}{sep}{part}"
        else:
            joined.append(part)
    return joined


def _open_brackets(text: str) -> int:
    return sum(text.count(c) for c in "([（【") - sum(text.count(c) for c in ")]）】")


@dataclass
class _Values:
    """What a single answer column's answers look like."""

    distinct: list[str]
    answered: int
    respondents: int

    @property
    def numbers(self) -> list[float] | None:
        found = []
        for value in self.distinct:
            if not _NUMBER.match(value.replace(",", "")):
                return None
            found.append(float(_LEADING_NUMBER.search(value.replace(",", "")).group(1)))  # type: ignore[union-attr]
        return found

    @property
    def mean_length(self) -> float:
        return sum(len(v) for v in self.distinct) / max(1, len(self.distinct))


def _column_values(export: SurveyExport, column: ColumnInfo) -> _Values:
    cells = answered(respondent_values(export, column.index), codes=export.tool == "wjx_code")
    return _Values(distinct_in_order(cells), cells.len(), export.respondents)


def _infer_single_column(
    export: SurveyExport, column: ColumnInfo, values: _Values
) -> tuple[str, str]:
    """(type, why) of a question held in one answer column."""
    hint = column.type_hint
    text = column.question_text or column.header
    if column.cell == "code":
        return "single", "option codes"
    if column.cell == "score":
        return "rating", "a score per respondent"
    if hint == "multi" or (column.multi_sep and _pieces_repeat(values, column.multi_sep)):
        return "multi", f"answers joined with {column.multi_sep!r}"
    if hint in {"ranking", "contact", "date", "text"}:
        return hint, "the layout says so"
    if values.answered == 0:
        return "text", "no answers to tell the type from"
    if any("┋" in v for v in values.distinct):
        return "multi", "answers joined with '┋'"
    if sum(bool(_RANK_SEP.search(v)) for v in values.distinct) > len(values.distinct) / 2:
        return "ranking", "answers ranked with '→'"
    numbers = values.numbers
    if numbers is not None:
        whole = all(n == int(n) for n in numbers)
        if hint == "rating" or (
            whole and min(numbers) >= 0 and max(numbers) <= 10 and _RATING_WORDS.search(text)
        ):
            return "rating", "whole numbers 0-10 on a rating question"
        return "number", "every answer is a number"
    if hint == "number":
        return "text", "the layout says number but not every answer is one"
    if _date_share(values.distinct) >= 0.95:
        return "date", "answers are dates"
    count = len(values.distinct)
    # Choices repeat, or are short; a few long answers that never repeat are free text.
    sentences = sum(bool(_SENTENCE.search(v)) or len(v) > 20 for v in values.distinct)
    repeats = values.answered >= 2 * count or sentences < 0.3 * count
    choice_like = (count <= 20 and repeats) or (count <= 60 and count <= 0.2 * values.answered)
    if hint != "single" and _OPEN_WORDS.search(text) and values.answered < 20:
        return "text", "an open question with too few answers to see choices repeat"
    if hint == "single" or (choice_like and values.mean_length <= 40):
        return "single", f"{len(values.distinct)} distinct short answers"
    return "text", f"{len(values.distinct)} distinct answers of {values.answered}"


def _pieces_repeat(values: _Values, sep: str) -> bool:
    """Whether answers joined with `sep` are choices: their pieces recur across answers.

    A layout marks a column as possibly joined whenever a separator occurs in an answer
    (Google Forms `, `, Alchemer `;`), and free text holds commas too: the pieces of free text
    are each new, the pieces of a multi-select repeat.
    """
    if sep == "┋" or not values.distinct:
        return True
    pieces = [p.strip() for v in values.distinct for p in v.split(sep) if p.strip()]
    distinct = len(set(pieces))
    if not any(sep in v for v in values.distinct):
        return False
    return distinct <= 0.6 * len(pieces)


def _date_share(values: list[str]) -> float:
    from datetime import datetime

    def is_date(value: str) -> bool:
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%m/%d/%Y"):
            try:
                datetime.strptime(value, fmt)
            except ValueError:
                continue
            return True
        return False

    sample = values[:200]
    return sum(map(is_date, sample)) / len(sample) if sample else 0.0


def _scale(numbers: list[float]) -> dict[str, float]:
    low, high = min(numbers), max(numbers)
    if low >= 0 and high <= 5:
        return {"min": min(low, 1), "max": 5}
    if low >= 0 and high <= 10:
        return {"min": 0, "max": 10}
    return {"min": low, "max": high}


def _question_text(columns: list[ColumnInfo]) -> str:
    first = columns[0]
    text = clean_text(first.question_text) or ""
    if not text and first.item and first.number is not None:
        text = f"第{first.number}题"  # a code export's `第N题(option)` columns: no text
    if not text:
        text = clean_text(re.sub(r"^\s*\d+\s*[、.．]\s*", "", first.header)) or first.header
        if first.item and len(columns) > 1:
            text = re.split(r"[:：—]|\s-\s", text)[0]
    return text


def draft_definition(
    export: SurveyExport,
    *,
    codes: Mapping[str, Mapping[str, int]] | SurveyExport | None = None,
    questionnaire_id: str | None = None,
    title: str | None = None,
    source_sha256: str | None = None,
) -> dict[str, Any]:
    """The drafted questionnaire as the mapping a questionnaire YAML file holds."""
    if codes is not None and not isinstance(codes, Mapping):
        codes = pair_codes(export, codes)
    tool_codes: dict[str, Mapping[str, int]] = {**export.codes, **(codes or {})}
    language = export.language
    ids = _Ids()
    questions: list[dict[str, Any]] = []
    ignored: list[dict[str, str]] = []
    for key, columns in export.question_columns().items():
        drafted = _draft_question(export, key, columns, tool_codes.get(key, {}), language)
        if drafted is None:
            ignored += [
                {"column": c.header, "reason": "no answers in any respondent's row"}
                for c in columns
            ]
            continue
        drafted["id"] = ids.take(drafted["id"])
        questions.append(drafted)
    metadata = [
        {"column": c.header, "field": c.meta or "other"} for c in export.columns if c.role == "meta"
    ]
    ignored += [
        {"column": c.header, "reason": c.reason or "not a question"}
        for c in export.columns
        if c.role == "ignored"
    ]
    signature = "|".join(header_key(q["text"]["zh"] or q["text"]["en"])[1] for q in questions)
    digest = hashlib.sha256(signature.encode()).hexdigest()[:8]
    name = title or (export.table.path.stem if export.table.path else "survey")
    return {
        "id": questionnaire_id or f"survey-{digest}",
        "version": 1,
        "title": bilingual(name, language) | ({"zh": name} if not language else {}),
        "drafted": {
            "tool": export.tool,
            "layout": export.layout,
            "language": language,
            "source_sha256": source_sha256,
            "respondents": export.respondents,
            "header_rows": export.header_rows,
            # "tool": option codes are the tool's own (or the answers are codes); "order": given
            # by the draft, so a code export of the survey cannot be decoded with them.
            "codes": "tool" if _tool_codes(export, tool_codes) else "order",
        },
        "questions": questions,
        "metadata": metadata,
        "ignored": ignored,
    }


def _tool_codes(export: SurveyExport, codes: Mapping[str, Mapping[str, int]]) -> bool:
    """Whether the option codes a draft gives are the tool's own."""
    return bool(codes) or any(
        c.cell == "code" or c.choice_code is not None
        for c in export.columns
        if c.role == "question"
    )


def _draft_question(
    export: SurveyExport,
    key: str,
    columns: list[ColumnInfo],
    known_codes: Mapping[str, int],
    language: str | None,
) -> dict[str, Any] | None:
    text = _question_text(columns)
    first = columns[0]
    items = [c for c in columns if c.item is not None and c.cell != "other_text"]
    other_cols = [c for c in columns if c.cell == "other_text"]
    main = [c for c in columns if c.cell != "other_text"] or columns
    entry: dict[str, Any] = {
        "id": "",
        "type": "text",
        "text": bilingual(text, language),
        "columns": [c.header for c in columns],
    }
    if first.tool_short_id:
        entry["match"] = {"short_ids": [first.tool_short_id]}
    elif first.short_id:  # made from the question's number (问卷星 3、): trusted with its text
        entry["match"] = {"numbers": [first.short_id]}
    all_values: list[str] = []
    semantic_values: list[str] = []
    if items and all(c.cell == "score" for c in items):
        # A matrix: one column per row, a score (or a scale label) in each.
        scores = [v for c in items for v in _column_values(export, c).distinct]
        numbers = _Values(list(dict.fromkeys(scores)), len(scores), export.respondents).numbers
        entry["type"] = "matrix"
        row_keys = _Ids()
        entry["rows"] = [
            {
                "key": row_keys.take(
                    slug(translate(c.item or "", to="en") or c.item or "") or f"r{i}"
                )
            }
            | bilingual(c.item or "", language)
            for i, c in enumerate(items, 1)
        ]
        if numbers is not None and scores:
            entry["scale"] = _scale(numbers)
        elif scores:
            entry["options"] = _options(scores, known=known_codes, language=language, semantic=None)
            codes = [o["code"] for o in entry["options"]]
            entry["scale"] = {"min": min(codes), "max": max(codes)}
    elif items:
        ranked = all(c.cell == "rank" for c in items) or first.type_hint == "ranking"
        entry["type"] = "ranking" if ranked else "multi"
        labels = [_option_label(c.item or "") for c in items]
        tool = {
            _option_label(c.item or ""): int(code)
            for c in items
            if (code := _as_int(c.choice_code)) is not None
        }
        entry["options"] = _options(
            labels, known={**tool, **known_codes}, language=language, semantic=None, ordinal=False
        )
        semantic_values = labels
    else:
        column = main[0]
        values = _column_values(export, column)
        kind, why = _infer_single_column(export, column, values)
        if values.answered == 0 and not other_cols and column.type_hint is None:
            entry["note"] = why
        entry["type"] = kind
        all_values = values.distinct
        semantic_values = values.distinct
        if kind == "single":
            if column.cell == "code":
                labels = _labels_for_codes(values.distinct, known_codes)
                # A code the paired text export does not name is still its own code.
                known_codes = {
                    **{
                        lab: c
                        for lab, v in zip(labels, values.distinct, strict=True)
                        if (c := _as_int(v)) is not None
                    },
                    **known_codes,
                }
            else:
                labels = [_option_label(v) for v in values.distinct]
            entry["options"] = _options(labels, known=known_codes, language=language, semantic=None)
        elif kind in {"multi", "ranking"}:
            sep = column.multi_sep or ("┋" if kind == "multi" else "→")
            if kind == "ranking":
                parts = [p for v in values.distinct for p in _RANK_SEP.split(v) if p]
                labels = [_option_label(p) for p in dict.fromkeys(parts)]
            else:
                labels = _split_multi(values.distinct, sep, list(known_codes))
            entry["options"] = _options(
                labels, known=known_codes, language=language, semantic=None, ordinal=False
            )
            if column.multi_sep:
                entry["multi_sep"] = column.multi_sep
        elif kind in {"rating", "number"}:
            numbers = values.numbers or []
            if kind == "rating" and numbers:
                entry["scale"] = _scale(numbers)
    if other_cols:
        options = entry.setdefault("options", [])
        if entry["type"] in {"text", "number", "rating"} and not options:
            pass  # the free text column of a question with no options: a text question
        elif not any(o.get("other") for o in options):
            code = max((o["code"] for o in options), default=0) + 1
            options.append(
                {
                    "code": code,
                    "key": "other",
                    **bilingual("其他" if language == "zh" else "Other", language),
                    "other": True,
                }
            )
    semantic = recognise_demographic(text, semantic_values)
    if semantic.kind:
        entry["semantic"] = {"kind": semantic.kind, "confidence": semantic.confidence}
    _apply_semantic(entry, semantic, all_values)
    if entry["type"] in {"single", "multi", "ranking"} and not entry.get("options"):
        entry["type"] = "text"
    entry["id"] = _question_id(first, entry, text, header_kind=header_semantic(text))
    return entry


def _labels_for_codes(values: list[str], known: Mapping[str, int]) -> list[str]:
    """Labels of a code-only column: the paired text export's, else the code itself."""
    by_code = {code: label for label, code in known.items()}
    labels = []
    for value in values:
        code = _as_int(value)
        labels.append(by_code.get(code, str(code)) if code is not None else value)
    return labels


def _apply_semantic(entry: dict[str, Any], semantic: Semantic, values: list[str]) -> None:
    """Give a recognised demographic question its own type where the answers allow it."""
    kind = semantic.kind
    if kind is None or semantic.confidence < TYPE_CONFIDENCE:
        return
    if kind == "name" and entry["type"] in {"text", "single"}:
        entry["type"], entry["contact_kind"] = "contact", "name"
        entry.pop("options", None)
    elif kind == "contact" and entry["type"] in {"text", "number", "single"}:
        entry["type"], entry["contact_kind"] = "contact", semantic.contact_kind or "any"
        entry.pop("options", None)
    elif (kind in {"gender", "role", "age"} and entry["type"] in {"single", "text"}) or (
        kind == "age" and entry["type"] == "number"
    ):
        entry["type"] = _TYPED[kind]
        for option in entry.get("options", ()):
            option["key"] = _option_key(option["zh"] or option["en"], option["code"], kind)
        _unique_keys(entry.get("options", ()))
    elif kind == "city" and entry["type"] in {"single", "text"}:
        entry["type"] = "city"
        entry.pop("options", None)


def _unique_keys(options: Iterable[dict[str, Any]]) -> None:
    ids = _Ids()
    for option in options:
        option["key"] = ids.take(option["key"])


def header_semantic(text: str) -> str | None:
    """The demographic a question's text names on its own ('您的性别' -> gender), if any."""
    try:
        from survey import semantics
    except ImportError:  # pragma: no cover
        semantics = None  # type: ignore[assignment]
    if semantics is not None:
        scores = semantics.header_scores(text)
        strong = [(s, k) for k, (s, _) in scores.items() if s >= semantics.STRONG]
        if not strong:
            return None
        kind = max(strong)[1]
        return {"province": "city", "phone": "contact", "email": "contact"}.get(kind, kind)
    found = [k for k, p in _SEMANTIC_HEADERS.items() if p.search(clean_text(text) or "")]
    return found[0] if len(found) == 1 else None


def _question_id(
    first: ColumnInfo, entry: dict[str, Any], text: str, *, header_kind: str | None
) -> str:
    """The tool's short id where its header shows one (Q5, Q7_Part_1), else q<number>_<slug>."""
    if first.short_id and first.short_id.lower() in first.header.lower():
        return first.short_id
    if header_kind:
        name = header_kind  # from the header alone: the same for a text and a code export
    else:
        english = entry["text"]["en"] or (text if not is_chinese(text) else "")
        name = slug(english, limit=24)
    number = first.number
    if number is not None:
        return f"q{number}_{name}" if name else f"q{number}"
    return name or f"q{first.index + 1}"


def draft_questionnaire(
    export: SurveyExport,
    *,
    codes: Mapping[str, Mapping[str, int]] | SurveyExport | None = None,
    questionnaire_id: str | None = None,
    source_sha256: str | None = None,
) -> Questionnaire:
    """The questionnaire drafted from an export (its YAML mapping is `.definition`)."""
    definition = draft_definition(
        export, codes=codes, questionnaire_id=questionnaire_id, source_sha256=source_sha256
    )
    return parse_questionnaire(definition, source=f"draft of {export.table.path.name}")


def draft_summary(q: Questionnaire) -> list[dict[str, Any]]:
    """One line per question for the CLI: id, type, text, options, demographic confidence."""
    out = []
    for item in q.definition.get("questions", ()):
        semantic = item.get("semantic") or {}
        out.append(
            {
                "id": item["id"],
                "type": item["type"],
                "text": item["text"]["zh"] or item["text"]["en"],
                "options": len(item.get("options", ())),
                "rows": len(item.get("rows", ())),
                "semantic": semantic.get("kind"),
                "confidence": semantic.get("confidence"),
                "columns": item.get("columns", []),
            }
        )
    return out
