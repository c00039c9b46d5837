"""Normalise free-text occupation/role answers to the questionnaire's role codes.

The vocabulary is data: ``survey/data/roles.yaml`` (labels, whole-answer aliases and "contains"
substrings per role). Matching, on text lower-cased with spaces removed, in this order:

1. unwrap the 问卷星 "other" form ``其他【请注明】〖广告导演〗`` (or ``其他:广告导演``) to its inner
   text; an empty inner text is plain "other";
2. exact alias or label of the whole answer (score 100, method "exact");
3. answers naming several roles ("产品经理/设计师", "学生、插画师") are split on / 、 , ; & + 兼 和;
   if the parts match different roles (ignoring "other") the answer is "unmapped" — we don't pick;
4. "contains" substrings (score 100, method "contains"): the longest matching substring wins
   ("广告设计师" → designer via 设计师 over 广告); equally long substrings of different roles are
   "unmapped" as ambiguous;
5. fuzzy match with rapidfuzz ``fuzz.ratio`` against the aliases of 3+ characters, cut-off
   ``FUZZY_CUTOFF`` = 80 (method "fuzzy", score = the ratio). 80 catches English typos
   ("prodcut manager") and dropped suffixes ("剪辑" ~ "剪辑师"), but not a one-character slip in
   a four-character Chinese word ("产品经里" scores 75): a wrong silent mapping is worse than an
   "unmapped" answer that someone reviews.

Before step 2, whole answers listed in ``survey/data/occupation_map.yaml`` (job titles outside
the creator vocabulary: Data Scientist, 数据分析师, 公务员, ...) are looked up: an occupation with
a role maps to it (method "exact"); one with ``role: null`` is "unmapped" with reason "no role
matched" and goes no further, so "Operations Research Practitioner" is not read as operations.
Occupation aliases are not fuzzy-matched. ``survey.normalise.occupation`` reports which
occupation matched.

A 问卷星 "other" answer whose inner text matches nothing is mapped to code "other" (that is the
option the respondent chose); the same text passed on its own is "unmapped". Role is never
"invalid".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import polars as pl
from rapidfuzz import fuzz, process

from survey.normalise._common import Status, normalise_series, raw_text, read_data_yaml
from survey.text import clean_text

ROLE_CODES = (
    "product_manager",
    "designer",
    "engineer",
    "film_advertising",
    "student",
    "artist_creator",
    "marketing_operations",
    "teacher_researcher",
    "founder",
    "other",
)
FUZZY_CUTOFF = 80.0
_FUZZY_MIN_ALIAS_LENGTH = 3  # 1-2 character aliases (PM, UI, 产品) only ever match exactly
_NO_MATCH = "no role matched"

Method = Literal["exact", "contains", "fuzzy"]

# 问卷星 writes a filled-in "other" option as 其他【请注明】〖text〗; readers may also produce
# 其他(请注明):text or 其他-text.
_WJX_OTHER = re.compile(r"^其[他它](?:【[^】]*】)?〖(?P<inner>.*)〗$")
_OTHER_PREFIX = re.compile(r"^其[他它](?:[(【][^)】]*[)】])?[:：\-—_,，、](?P<inner>.*)$")
_SPLIT = re.compile(r"[/、,，;；&+|]|兼|和")


@dataclass(frozen=True, slots=True)
class RoleResult:
    """Outcome of normalising one role answer."""

    raw: str | None
    status: Status
    reason: str | None = None
    code: str | None = None
    score: float | None = None
    matched: str | None = None
    method: Method | None = None


@dataclass(frozen=True, slots=True)
class _Match:
    code: str
    score: float
    matched: str
    method: Method


@dataclass(frozen=True, slots=True)
class Occupation:
    """One entry of occupation_map.yaml: an occupation and the role it counts as (or None)."""

    key: str
    en: str
    zh: str
    role: str | None


@dataclass(frozen=True, slots=True)
class _Dictionary:
    exact: dict[str, tuple[str, str]]  # key → (code, alias as written)
    unmapped: frozenset[str]  # keys of occupations with no role: never matched further
    contains: tuple[tuple[str, str, str], ...]  # (key, code, substring as written), longest first
    fuzzy_keys: tuple[str, ...]
    fuzzy_targets: tuple[tuple[str, str], ...]  # parallel to fuzzy_keys: (code, alias)


def normalise_role(value: object) -> RoleResult:
    """Map an occupation answer (产品经理, UI设计, 其他【请注明】〖广告导演〗, ...) to a role code."""
    raw = raw_text(value)
    text = clean_text(value)
    if text is None:
        return RoleResult(raw, "blank")

    text, wrapped_other = unwrap_other(text)
    if wrapped_other and not text:
        return RoleResult(raw, "mapped", code="other", score=100.0, matched="其他", method="exact")

    result = _match_answer(raw, text)
    if wrapped_other and result.status == "unmapped" and result.reason == _NO_MATCH:
        return RoleResult(raw, "mapped", code="other", score=100.0, matched="其他", method="exact")
    return result


def unwrap_other(text: str) -> tuple[str, bool]:
    """Return the inner text of a 问卷星 "other" answer (其他【请注明】〖text〗) and whether it was one."""
    if match := (_WJX_OTHER.match(text) or _OTHER_PREFIX.match(text)):
        return match["inner"].strip(), True
    return text, False


def role_key(text: str) -> str:
    """Return the matching key of a role answer: lower case, whitespace removed."""
    return _key(text)


@cache
def occupation_map() -> dict[str, Occupation]:
    """Return occupation_map.yaml keyed by the matching key of each label and alias."""
    data = read_data_yaml("occupation_map.yaml")
    index: dict[str, Occupation] = {}
    for key, entry in data.items():
        role = entry.get("role")
        if role is not None and role not in ROLE_CODES:
            raise ValueError(f"occupation_map.yaml: {key} has unknown role {role!r}")
        occupation = Occupation(key, str(entry["en"]), str(entry["zh"]), role)
        for term in [entry["en"], entry["zh"], *entry.get("aliases", [])]:
            if index.setdefault(_key(str(term)), occupation) != occupation:
                raise ValueError(f"occupation_map.yaml: alias {term!r} names two occupations")
    return index


def normalise_role_series(series: pl.Series) -> pl.DataFrame:
    """Normalise a column of roles; returns role_raw, role_status, ..., role_matched, role_method."""
    return normalise_series(
        series,
        normalise_role,
        RoleResult,
        "role_",
        {
            "raw": pl.String(),
            "status": pl.String(),
            "reason": pl.String(),
            "code": pl.String(),
            "score": pl.Float64(),
            "matched": pl.String(),
            "method": pl.String(),
        },
    )


def _match_answer(raw: str | None, text: str) -> RoleResult:
    dictionary = _dictionary()
    key = _key(text)
    if key in dictionary.unmapped:
        return RoleResult(raw, "unmapped", _NO_MATCH)
    if key in dictionary.exact:
        code, alias = dictionary.exact[key]
        return RoleResult(raw, "mapped", code=code, score=100.0, matched=alias, method="exact")

    parts = [part for part in (_key(p) for p in _SPLIT.split(text)) if part]
    if len(parts) > 1:
        matches = [m for m in (_match_part(part) for part in parts) if isinstance(m, _Match)]
        codes = sorted({m.code for m in matches} - ({"other"} if len(matches) > 1 else set()))
        if len(codes) > 1:
            return RoleResult(raw, "unmapped", f"several roles matched: {', '.join(codes)}")
        if codes:
            best = next(m for m in matches if m.code == codes[0])
            return RoleResult(
                raw,
                "mapped",
                code=best.code,
                score=best.score,
                matched=best.matched,
                method=best.method,
            )

    found = _match_part(key)
    if isinstance(found, str):
        return RoleResult(raw, "unmapped", found)
    return RoleResult(
        raw,
        "mapped",
        code=found.code,
        score=found.score,
        matched=found.matched,
        method=found.method,
    )


def _match_part(key: str) -> _Match | str:
    """Match one normalised answer; returns the match or the reason there is none."""
    dictionary = _dictionary()
    if key in dictionary.exact:
        code, alias = dictionary.exact[key]
        return _Match(code, 100.0, alias, "exact")

    hits = [
        (len(sub_key), code, sub) for sub_key, code, sub in dictionary.contains if sub_key in key
    ]
    if hits:
        longest = max(length for length, _, _ in hits)
        best = [(code, sub) for length, code, sub in hits if length == longest]
        codes = sorted({code for code, _ in best})
        if len(codes) > 1:
            return f"ambiguous: {', '.join(codes)}"
        return _Match(best[0][0], 100.0, best[0][1], "contains")

    if len(key) < 2:
        return _NO_MATCH
    scored = process.extract(
        key, dictionary.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
    )
    if not scored:
        return _NO_MATCH
    top = max(score for _, score, _ in scored)
    leaders = {dictionary.fuzzy_targets[index] for _, score, index in scored if score == top}
    codes = sorted({code for code, _ in leaders})
    if len(codes) > 1:
        return f"ambiguous: {', '.join(codes)}"
    code, alias = min(leaders)
    return _Match(code, round(float(top), 1), alias, "fuzzy")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@cache
def _dictionary() -> _Dictionary:
    data = read_data_yaml("roles.yaml")
    if tuple(data) != ROLE_CODES:
        raise ValueError(f"roles.yaml keys {tuple(data)} differ from ROLE_CODES {ROLE_CODES}")
    exact: dict[str, tuple[str, str]] = {}
    contains: list[tuple[str, str, str]] = []
    for code, entry in data.items():
        for term in [code, entry["zh"], entry["en"], *entry["aliases"]]:
            key = _key(str(term))
            if exact.setdefault(key, (code, str(term)))[0] != code:
                raise ValueError(f"roles.yaml: alias {term!r} belongs to two roles")
        contains.extend((_key(str(sub)), code, str(sub)) for sub in entry["contains"])
    contains.sort(key=lambda item: -len(item[0]))
    fuzzy = sorted(
        (key, target) for key, target in exact.items() if len(key) >= _FUZZY_MIN_ALIAS_LENGTH
    )
    unmapped = set()
    for key, occupation in occupation_map().items():
        if occupation.role is None:
            if key in exact:
                raise ValueError(f"occupation_map.yaml: {key!r} has no role but roles.yaml has")
            unmapped.add(key)
        elif exact.setdefault(key, (occupation.role, occupation.en))[0] != occupation.role:
            raise ValueError(f"occupation_map.yaml: {key!r} names another role in roles.yaml")
    return _Dictionary(
        exact=exact,
        unmapped=frozenset(unmapped),
        contains=tuple(contains),
        fuzzy_keys=tuple(key for key, _ in fuzzy),
        fuzzy_targets=tuple(target for _, target in fuzzy),
    )
