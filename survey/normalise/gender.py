"""Normalise free-text gender answers to the questionnaire's codes.

Codes: male, female, other, undisclosed (the option keys of the `gender` question). Matching is
exact on a small vocabulary (Chinese, English, the option labels and keys), case-insensitive and
ignoring spaces. Anything else is "unmapped" (kept verbatim by the caller); gender is never
"invalid", since no free-text answer is impossible.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from survey.normalise._common import Status, normalise_series, raw_text
from survey.text import clean_text

GENDER_CODES = ("male", "female", "other", "undisclosed")

_VOCABULARY: dict[str, tuple[str, ...]] = {
    "male": ("男", "男性", "男生", "男士", "男的", "男人", "先生", "m", "male", "man", "boy"),
    "female": (
        "女",
        "女性",
        "女生",
        "女士",
        "女的",
        "女人",
        "小姐",
        "f",
        "female",
        "woman",
        "girl",
    ),
    "other": ("其他", "其它", "非二元", "非二元性别", "other", "non-binary", "nonbinary", "nb"),
    "undisclosed": (
        "保密",
        "不愿透露",
        "不方便透露",
        "不便透露",
        "不想透露",
        "不想说",
        "不愿说",
        "prefernottosay",
        "prefernottoanswer",
        "undisclosed",
        "n/a",
    ),
}
_LOOKUP = {term.replace(" ", ""): code for code, terms in _VOCABULARY.items() for term in terms}


@dataclass(frozen=True, slots=True)
class GenderResult:
    """Outcome of normalising one gender answer."""

    raw: str | None
    status: Status
    reason: str | None = None
    code: str | None = None


def normalise_gender(value: object) -> GenderResult:
    """Map a gender answer (男, 女士, Male, 保密, ...) to male/female/other/undisclosed."""
    raw = raw_text(value)
    text = clean_text(value)
    if text is None:
        return GenderResult(raw, "blank")
    code = _LOOKUP.get(text.lower().replace(" ", ""))
    if code is None:
        return GenderResult(raw, "unmapped", "no gender matched")
    return GenderResult(raw, "mapped", code=code)


def normalise_gender_series(series: pl.Series) -> pl.DataFrame:
    """Normalise a column of genders; returns gender_raw, gender_status, gender_reason, gender_code."""
    return normalise_series(
        series,
        normalise_gender,
        GenderResult,
        "gender_",
        {"raw": pl.String(), "status": pl.String(), "reason": pl.String(), "code": pl.String()},
    )
