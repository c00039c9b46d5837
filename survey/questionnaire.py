"""Questionnaires as data: load, validate and describe a declarative YAML questionnaire.

A questionnaire file lists questions with stable ids, a type, zh/en texts, options with stable
integer codes (the numbers a 问卷星 code export writes) and keys, and how each question is found
in an export (`match.headers` texts and `match.patterns` regular expressions). A different survey
needs a different file, never a code change. See README "Questionnaires" for the format.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from survey.text import clean_text

QUESTION_TYPES = frozenset(
    {
        "single",
        "multi",
        "number",
        "text",
        "age",
        "gender",
        "role",
        "city",
        "rating",
        "matrix",
        "ranking",
        "contact",
        "date",
    }
)
CHOICE_TYPES = frozenset({"single", "multi", "ranking"})
CONTACT_KINDS = frozenset({"name", "phone", "wechat", "email", "any"})
QUESTIONNAIRE_DIR = Path(str(resources.files("survey") / "questionnaires"))
DEFAULT_QUESTIONNAIRE = QUESTIONNAIRE_DIR / "aigala-participant.yaml"

_HEADER_NUMBER = re.compile(r"^\s*(?:Q|第)?\s*(\d+)\s*(?:、|\.|．|题|:|：)\s*")
_HEADER_SUFFIX = re.compile(
    r"(\((?:单选题|多选题|填空题|矩阵[^)]*|排序题|量表题)?[^)]*(?:必答|选填|多选|单选)[^)]*\)"
    r"|【[^】]*题[^】]*】|\*必答|\*)\s*$"
)
_TRAILING_PUNCT = re.compile(r"[?？:：。.\s]+$")


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used, with the file and the field at fault."""


@dataclass(frozen=True)
class Label:
    """A bilingual text."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang` ('zh' or 'en'), the other one where that is left blank."""
        return (self.en or self.zh) if lang == "en" else (self.zh or self.en)


@dataclass(frozen=True)
class Option:
    """One answer option (or a matrix row), with a stable code and key."""

    key: str
    label: Label
    code: int | None = None
    is_other: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """One question and how to find it in an export."""

    id: str
    type: str
    position: int
    text: Label
    required: bool = False
    options: tuple[Option, ...] = ()
    rows: tuple[Option, ...] = ()
    scale: tuple[float, float] | None = None
    range: tuple[float, float] | None = None
    unit: Label | None = None
    contact_kind: str | None = None
    max_length: int | None = None
    headers: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()

    @property
    def is_pii(self) -> bool:
        """Contact questions hold personal data and go only to the restricted table."""
        return self.type == "contact"

    @cached_property
    def _by_label(self) -> dict[str, Option]:
        index: dict[str, Option] = {}
        for opt in self.options:
            for text in (opt.label.zh, opt.label.en, *opt.aliases):
                key = label_key(text)
                if key:
                    index.setdefault(key, opt)
        return index

    def option_for_label(self, text: str) -> Option | None:
        """The option whose zh/en label or alias equals `text` (ignoring width and spacing)."""
        return self._by_label.get(label_key(text) or "")

    def option_for_code(self, code: int) -> Option | None:
        """The option with this stable code."""
        return next((opt for opt in self.options if opt.code == code), None)

    def row_for_label(self, text: str) -> Option | None:
        """The matrix row whose label or alias equals `text`."""
        key = label_key(text)
        for row in self.rows:
            if key in {label_key(row.label.zh), label_key(row.label.en)} | {
                label_key(a) for a in row.aliases
            }:
                return row
        return None

    @property
    def other_option(self) -> Option | None:
        """The option that carries free text, if any."""
        return next((opt for opt in self.options if opt.is_other), None)


@dataclass(frozen=True)
class Questionnaire:
    """A loaded, validated questionnaire definition."""

    id: str
    version: int
    title: Label
    questions: tuple[Question, ...]
    sha256: str
    definition: dict[str, Any] = field(repr=False, compare=False)
    source: Path | None = None

    def question(self, question_id: str) -> Question:
        """The question with this id."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def label_key(text: object) -> str | None:
    """Comparison key for option labels: NFKC, lower case, no spaces, '~'/'～'/'至' as '-'."""
    cleaned = clean_text(text)
    if cleaned is None:
        return None
    return re.sub(r"\s+", "", cleaned.lower()).replace("~", "-").replace("至", "-")


def header_key(header: object) -> tuple[int | None, str]:
    """Split an export header into (question number, comparable text).

    '6、您使用过哪些AI创作工具(多选题 *必答) ' -> (6, '您使用过哪些ai创作工具').
    """
    text = clean_text(header) or ""
    number = None
    found = _HEADER_NUMBER.match(text)
    if found:
        number = int(found.group(1))
        text = text[found.end() :]
    previous = None
    while previous != text:
        previous = text
        text = _HEADER_SUFFIX.sub("", text).strip()
        text = _TRAILING_PUNCT.sub("", text)
    return number, re.sub(r"\s+", "", text.lower())


def _label(raw: Any, where: str, *, required: bool = True) -> Label:
    if isinstance(raw, str):
        return Label(raw, raw)
    # Both keys must be there; one may be '' (a drafted text the glossary could not translate,
    # left for the user to fill in), never both.
    if (
        not isinstance(raw, dict)
        or raw.get("zh") is None
        or raw.get("en") is None
        or not (raw["zh"] or raw["en"])
    ):
        if not required and raw is None:
            return Label("", "")
        raise QuestionnaireError(f"{where}: needs both zh and en texts")
    return Label(str(raw["zh"]), str(raw["en"]))


def _range(raw: Any, where: str) -> tuple[float, float] | None:
    if raw is None:
        return None
    try:
        low, high = float(raw["min"]), float(raw["max"])
    except (KeyError, TypeError, ValueError) as exc:
        raise QuestionnaireError(f"{where}: needs numeric min and max") from exc
    if low > high:
        raise QuestionnaireError(f"{where}: min {low} is above max {high}")
    return low, high


def _options(raw: Any, where: str, *, need_codes: bool) -> tuple[Option, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise QuestionnaireError(f"{where}: must be a list")
    options, keys, codes = [], set(), set()
    for i, item in enumerate(raw, 1):
        here = f"{where}[{i}]"
        if not isinstance(item, dict) or "key" not in item:
            raise QuestionnaireError(f"{here}: needs a key")
        key = str(item["key"])
        code = item.get("code")
        if need_codes and not isinstance(code, int):
            raise QuestionnaireError(f"{here} ({key}): needs an integer code")
        if key in keys or (code is not None and code in codes):
            raise QuestionnaireError(f"{here}: duplicate key {key!r} or code {code!r}")
        keys.add(key)
        codes.add(code)
        options.append(
            Option(
                key=key,
                label=_label({"zh": item.get("zh"), "en": item.get("en")}, here),
                code=code,
                is_other=bool(item.get("other", False)),
                aliases=tuple(str(a) for a in item.get("aliases", ())),
            )
        )
    return tuple(options)


def parse_questionnaire(data: Any, *, source: str = "<questionnaire>") -> Questionnaire:
    """Validate a questionnaire mapping and build the typed definition."""
    if not isinstance(data, dict):
        raise QuestionnaireError(f"{source}: top level must be a mapping")
    for key in ("id", "version", "title", "questions"):
        if key not in data:
            raise QuestionnaireError(f"{source}: missing '{key}'")
    if not isinstance(data["version"], int):
        raise QuestionnaireError(f"{source}: version must be an integer")
    questions, seen = [], set()
    for pos, item in enumerate(data["questions"] or [], 1):
        where = f"{source}: questions[{pos}]"
        if not isinstance(item, dict) or "id" not in item or "type" not in item:
            raise QuestionnaireError(f"{where}: needs id and type")
        qid, qtype = str(item["id"]), str(item["type"])
        where = f"{source}: question {qid}"
        if qtype not in QUESTION_TYPES:
            raise QuestionnaireError(
                f"{where}: unknown type {qtype!r} (one of {', '.join(sorted(QUESTION_TYPES))})"
            )
        if qid in seen:
            raise QuestionnaireError(f"{where}: duplicate question id")
        seen.add(qid)
        options = _options(item.get("options"), f"{where}.options", need_codes=True)
        rows = _options(item.get("rows"), f"{where}.rows", need_codes=False)
        if qtype in CHOICE_TYPES and not options:
            raise QuestionnaireError(f"{where}: a {qtype} question needs options")
        if qtype == "matrix" and not rows:
            raise QuestionnaireError(f"{where}: a matrix question needs rows")
        kind = item.get("contact_kind", "any" if qtype == "contact" else None)
        if qtype == "contact" and kind not in CONTACT_KINDS:
            raise QuestionnaireError(
                f"{where}: contact_kind must be one of {sorted(CONTACT_KINDS)}"
            )
        match = item.get("match") or {}
        text = _label(item.get("text"), f"{where}.text")
        try:
            patterns = tuple(re.compile(p, re.IGNORECASE) for p in match.get("patterns", ()))
        except re.error as exc:
            raise QuestionnaireError(f"{where}.match.patterns: {exc}") from exc
        questions.append(
            Question(
                id=qid,
                type=qtype,
                position=pos,
                text=text,
                required=bool(item.get("required", False)),
                options=options,
                rows=rows,
                scale=_range(item.get("scale"), f"{where}.scale")
                or ((0.0, 10.0) if qtype == "rating" else None),
                range=_range(item.get("range"), f"{where}.range"),
                unit=_label(item["unit"], f"{where}.unit") if item.get("unit") else None,
                contact_kind=kind,
                max_length=item.get("max_length"),
                headers=tuple(
                    h for h in dict.fromkeys([text.zh, *map(str, match.get("headers", ()))]) if h
                ),
                patterns=patterns,
            )
        )
    if not questions:
        raise QuestionnaireError(f"{source}: no questions")
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return Questionnaire(
        id=str(data["id"]),
        version=int(data["version"]),
        title=_label(data["title"], f"{source}: title"),
        questions=tuple(questions),
        sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        definition=data,
    )


def load_questionnaire(path: Path | str | None = None) -> Questionnaire:
    """Load and validate a questionnaire YAML file (the community's by default).

    Parsed once per file version (path, size, modification time): a Questionnaire is frozen, and
    readers such as the dashboard ask for it on every label they draw.
    """
    path = Path(path) if path else DEFAULT_QUESTIONNAIRE
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise QuestionnaireError(f"{path}: no such questionnaire file") from exc
    return _load_questionnaire(path, stat.st_size, stat.st_mtime_ns)


# libyaml's safe loader where PyYAML was built with it: the same documents, ~5× faster to parse.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def definition_yaml(definition: Any) -> str:
    """A questionnaire definition (or any plain data) as the YAML text users edit.

    PyYAML's own emitter, not libyaml's: libyaml is ~5× faster but writes characters beyond
    the BMP escaped even with allow_unicode (an emoji in a title came out as a `\\U0001F389`
    escape).
    """
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=100)


@lru_cache(maxsize=32)
def _load_questionnaire(path: Path, _size: int, _mtime_ns: int) -> Questionnaire:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except FileNotFoundError as exc:
        raise QuestionnaireError(f"{path}: no such questionnaire file") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(f"{path}: not valid UTF-8 YAML ({exc})") from exc
    q = parse_questionnaire(data, source=str(path))
    return Questionnaire(q.id, q.version, q.title, q.questions, q.sha256, q.definition, path)


def codebook(q: Questionnaire) -> pl.DataFrame:
    """One row per question item (option, matrix row, or the question itself), zh and en."""
    rows: list[dict[str, Any]] = []
    for question in q.questions:
        base = {
            "question_id": question.id,
            "position": question.position,
            "question_type": question.type,
            "text_zh": question.text.zh,
            "text_en": question.text.en,
            "is_required": question.required,
            "is_pii": question.is_pii,
        }
        items = [("option", o) for o in question.options] + [("row", r) for r in question.rows]
        if not items:
            rows.append(
                base
                | {
                    "item_kind": "value",
                    "item_key": "",
                    "option_code": None,
                    "label_zh": _value_note(question, "zh"),
                    "label_en": _value_note(question, "en"),
                    "is_other": False,
                }
            )
        for kind, item in items:
            rows.append(
                base
                | {
                    "item_kind": kind,
                    "item_key": item.key,
                    "option_code": item.code,
                    "label_zh": item.label.zh,
                    "label_en": item.label.en,
                    "is_other": item.is_other,
                }
            )
    return pl.DataFrame(rows, schema_overrides={"option_code": pl.Int64}, infer_schema_length=None)


def _value_note(question: Question, lang: str) -> str:
    notes = {
        "age": (
            "年龄（岁）或年龄段，归一到标准年龄段",
            "age in years or a band, normalised to bands",
        ),
        "city": ("城市，归一到地级市/海外城市", "city, normalised to prefecture-level/overseas"),
        "contact": ("联系方式（仅存于受限表）", "contact (restricted table only)"),
        "text": ("自由文本", "free text"),
    }
    zh, en = notes.get(question.type, ("", ""))
    span = question.scale or question.range
    if span:
        unit = question.unit.get(lang) if question.unit else ""
        zh = zh or f"数值 {span[0]:g}–{span[1]:g} {unit}".strip()
        en = en or f"number {span[0]:g}-{span[1]:g} {unit}".strip()
    return zh if lang == "zh" else en
