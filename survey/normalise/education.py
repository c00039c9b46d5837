"""Normalise "highest level of education" answers (Chinese and English) to a small ordinal scale.

Scale (``EDUCATION_LEVELS``, lowest first; ``rank`` 1-7):

=================  ==========================================================================
below_secondary    小学, 初中, 初中及以下, Primary school, Less than high school
secondary          高中, 中专, 职高, 技校, High school, No formal education past high school
some_college       Some college/university study without earning a bachelor's degree
associate          大专, 专科, 高职, Associate degree
bachelor           本科, 学士, 大学本科, Bachelor's degree, BA/BS/BSc
master             硕士, 研究生, MBA, Master's degree, MS/MSc
doctorate          博士, PhD, Doctoral degree, Professional doctorate (MD, JD...)
=================  ==========================================================================

Decisions:

* "研究生" is read as master (its usual meaning in Chinese surveys); "博士研究生" is doctorate.
* A level with "及以上" / "以上" / "or higher" maps to the level named (its lower bound), one
  with "及以下" / "or less" to the level named (its upper bound): "本科及以上" → bachelor.
* Answers naming several levels ("大专/本科") are "unmapped"; levels that agree
  ("高中/中专/技校") map; a negated level names nothing ("大专或大学非本科" → associate).
* "其他" / "Other" is "unmapped" with reason "other, no level named".
* "在读" / "在校" / "student" marks ``is_in_progress`` (the level named is being studied for).
* Kaggle's "Professional degree" (2018-2020) is a doctorate in some countries and a first degree
  in others: "unmapped" with that reason. Its later "Professional doctorate" is doctorate.
* "I prefer not to answer", 保密: "mapped" to code "undisclosed" (rank None).
* Anything else is "unmapped"; education is never "invalid".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from survey.normalise._common import Status, normalise_series, raw_text
from survey.text import clean_text

EDUCATION_LEVELS = (
    "below_secondary",
    "secondary",
    "some_college",
    "associate",
    "bachelor",
    "master",
    "doctorate",
)
EDUCATION_CODES = (*EDUCATION_LEVELS, "undisclosed")

_EXACT: dict[str, str] = {
    # English answer options of Kaggle, Qualtrics, SurveyMonkey and census-style questions.
    "noformaleducationpasthighschool": "secondary",
    "highschool": "secondary",
    "highschooldiploma": "secondary",
    "highschoolgraduate": "secondary",
    "highschooldiplomaorequivalent": "secondary",
    "secondaryschool": "secondary",
    "ged": "secondary",
    "somecollege/universitystudywithoutearningabachelor'sdegree": "some_college",
    "somecollege": "some_college",
    "somecollegenodegree": "some_college",
    "someuniversity": "some_college",
    "somecollegebutnodegree": "some_college",
    "associatedegree": "associate",
    "associate'sdegree": "associate",
    "bachelor'sdegree": "bachelor",
    "bachelorsdegree": "bachelor",
    "bachelor": "bachelor",
    "bachelors": "bachelor",
    "undergraduatedegree": "bachelor",
    "ba": "bachelor",
    "bs": "bachelor",
    "bsc": "bachelor",
    "master'sdegree": "master",
    "mastersdegree": "master",
    "master": "master",
    "masters": "master",
    "ms": "master",
    "msc": "master",
    "ma": "master",
    "mba": "master",
    "doctoraldegree": "doctorate",
    "doctorate": "doctorate",
    "phd": "doctorate",
    "ph.d.": "doctorate",
    "professionaldoctorate": "doctorate",
    "primaryschool": "below_secondary",
    "elementaryschool": "below_secondary",
    "middleschool": "below_secondary",
    "lessthanhighschool": "below_secondary",
    "iprefernottoanswer": "undisclosed",
    "prefernottoanswer": "undisclosed",
    "prefernottosay": "undisclosed",
    "保密": "undisclosed",
    "不愿透露": "undisclosed",
}
_AMBIGUOUS = {"professionaldegree": "professional degree: its level differs by country"}

# Substrings in Chinese (and a few English words), each deciding a level wherever it appears.
_CONTAINS: tuple[tuple[str, str], ...] = (
    ("博士研究生", "doctorate"),
    ("硕士研究生", "master"),
    ("博士", "doctorate"),
    ("phd", "doctorate"),
    ("doctor", "doctorate"),
    ("硕士", "master"),
    ("研究生", "master"),
    ("mba", "master"),
    ("emba", "master"),
    ("master", "master"),
    ("本科", "bachelor"),
    ("学士", "bachelor"),
    ("bachelor", "bachelor"),
    ("大专", "associate"),
    ("专科", "associate"),
    ("高职", "associate"),
    ("高专", "associate"),
    ("高中", "secondary"),
    ("中专", "secondary"),
    ("职高", "secondary"),
    ("技校", "secondary"),
    ("中职", "secondary"),
    ("初中", "below_secondary"),
    ("小学", "below_secondary"),
)
_SPLIT = re.compile(r"[/、,，;；|]|或")
# "大学非本科" (university, not a bachelor's): a negated level names nothing.
_NEGATED = re.compile(r"非(?:本科|大专|专科|硕士|博士|研究生|学历)")
_OTHER = {"其他", "其它", "other", "others"}
_IN_PROGRESS = re.compile(r"在读|在校|就读|student|inprogress|currentlyenrolled")


@dataclass(frozen=True, slots=True)
class EducationResult:
    """Outcome of normalising one education answer."""

    raw: str | None
    status: Status
    reason: str | None = None
    level: str | None = None
    rank: int | None = None
    is_in_progress: bool | None = None


def normalise_education(value: object) -> EducationResult:
    """Map an education answer (本科, 硕士研究生, Bachelor’s degree, ...) to EDUCATION_LEVELS."""
    raw = raw_text(value)
    text = clean_text(value)
    if text is None:
        return EducationResult(raw, "blank")
    key = re.sub(r"\s+", "", text.casefold()).replace("’", "'").replace("‘", "'")
    if key in _OTHER:
        return EducationResult(raw, "unmapped", "other, no level named")
    if key in _AMBIGUOUS:
        return EducationResult(raw, "unmapped", _AMBIGUOUS[key])
    level = _EXACT.get(key) or _EXACT.get(key.rstrip("."))
    if level is None:
        parts = _SPLIT.split(_NEGATED.sub("", key))
        levels = {found for part in parts if part and (found := _level_in(part))}
        if len(levels) > 1:
            named = ", ".join(sorted(levels, key=EDUCATION_CODES.index))
            return EducationResult(raw, "unmapped", f"several levels named: {named}")
        if not levels:
            return EducationResult(raw, "unmapped", "no education level matched")
        level = levels.pop()
    if level == "undisclosed":
        return EducationResult(raw, "mapped", level="undisclosed")
    return EducationResult(
        raw,
        "mapped",
        level=level,
        rank=EDUCATION_LEVELS.index(level) + 1,
        is_in_progress=bool(_IN_PROGRESS.search(key)),
    )


def normalise_education_series(series: pl.Series) -> pl.DataFrame:
    """Normalise a column of education answers; returns education_raw, ..., education_level."""
    return normalise_series(
        series,
        normalise_education,
        EducationResult,
        "education_",
        {
            "raw": pl.String(),
            "status": pl.String(),
            "reason": pl.String(),
            "level": pl.String(),
            "rank": pl.Int64(),
            "is_in_progress": pl.Boolean(),
        },
    )


def _level_in(part: str) -> str | None:
    """Return the level a part of an answer names: the first (most specific) substring found."""
    if part in _EXACT:
        return _EXACT[part]
    return next((level for sub, level in _CONTAINS if sub in part), None)
