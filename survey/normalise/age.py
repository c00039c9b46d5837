"""Normalise free-text age answers to the questionnaire's age bands.

Accepted forms (after ``clean_text``, so full-width ２８ works): a number of years (28, 28.0,
"28岁", "28周岁", "二十八岁"; decimals are floored to completed years); a birth year (1996,
"1996年", "1996年生", "1996-05-12", "96年"; a two-digit year is 20yy unless that is after the
reference year, then 19yy); a generation label ("96后" = born 1996); a range ("25-29岁",
"25~29", "25至29岁"); an open band ("18岁以下", "未满18", "50岁以上", "50岁及以上", "50+");
and the band keys themselves ("25_29").

Decisions:

* A range or open band maps only if it lies inside ONE canonical band. "25-29" and "26-28" map to
  25_29; "25-34岁" spans two bands and is "unmapped" (we never guess which one). The same rule
  covers open bands: "16岁以下" → under_18 and "60岁以上" → 50_plus, but "40岁以上" spans 40_44,
  45_49 and 50_plus, so it is "unmapped" with reason "band 40+ spans several canonical bands".
* "N岁以下" / "under N" means younger than N (the questionnaire's own "18岁以下" is under_18),
  "N岁及以下" means N or younger; "N岁以上" and "N岁及以上" both mean N or older, as people use them.
* A generation label ending in 0 ("90后", "00后") is a decade cohort: it maps only if the whole
  decade falls in one band (with reference year 2024, "90后" = ages 25-34 → unmapped). Any other
  label ("96后", "95后") is read as a birth year.
* Ages must be 10-100 (birth years are converted first): anything outside is "invalid", as is a
  range or open band lying entirely outside 10-100 or a birth year after the reference year.
* Bare option codes (1-8) are NOT recognised: "3" is an age of 3 (invalid); map codes before
  calling this.
* Text that is not an age ("保密", "中年") is "unmapped", never "invalid".

``normalise_age_interval`` reads the same answers for surveys with their own band scheme
(问卷星 ``16~19岁``/``40~49岁``/``60岁以上``, YouTube ``13–17 years``/``65+ years``, Kaggle
``18-21``/``70+``, ``Under 18``, ``25 to 34``): it returns the source interval (low, high
inclusive; high None when open), the canonical band when the interval fits inside one (else
None, with the overlapped bands listed) and a broad band from BROAD_AGE_BANDS
(under_18 0-17, 18_34, 35_49, 50_plus). Every canonical band nests in one broad band. A band
that straddles broad bands goes to the one holding most of its years, ties to the younger one
("16~19岁" → under_18, "30~39岁" → 18_34), with ``is_broad_exact=False``; an open band counts
its first ten years ("30岁以上" → 18_34). So every clean band lands somewhere: a band is never
"unmapped" in this reading, only text that is not an age is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

import polars as pl

from survey.normalise._common import Status, normalise_series, raw_text
from survey.text import clean_text

AGE_BANDS = ("under_18", "18_24", "25_29", "30_34", "35_39", "40_44", "45_49", "50_plus")
COARSE_AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_plus")
MIN_AGE, MAX_AGE = 10, 100

# Inclusive year ranges of each canonical band; 50_plus is open-ended.
_BAND_RANGES: dict[str, tuple[float, float]] = {
    "under_18": (0, 17),
    "18_24": (18, 24),
    "25_29": (25, 29),
    "30_34": (30, 34),
    "35_39": (35, 39),
    "40_44": (40, 44),
    "45_49": (45, 49),
    "50_plus": (50, math.inf),
}
_COARSE = {
    "under_18": "under_18",
    "18_24": "18_24",
    "25_29": "25_34",
    "30_34": "25_34",
    "35_39": "35_44",
    "40_44": "35_44",
    "45_49": "45_plus",
    "50_plus": "45_plus",
}

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER = re.compile("[零〇一二两三四五六七八九十百]+")
_FILLER = re.compile(r"^(?:大约|大概|约|今年|我|age:?|年龄:?)|(?:左右|上下|了|old)$")
_AGE_UNIT = r"(?:周岁|岁|歲|yearsold|years|yrs|yo|y/o)?"
_SEP = r"(?:-|~|至|到|—|–|to)"

_NUMBER = re.compile(rf"^(\d{{1,3}}(?:\.\d+)?){_AGE_UNIT}$")
_NEGATIVE = re.compile(rf"^-\d+(?:\.\d+)?{_AGE_UNIT}$")
# A birth year, optionally with month and day (1996, 1996年5月, 1996-05-12, 1996年生). The day
# needs a separator so that a year range like 1990-1995 is not read as a date.
_BIRTH_YEAR = re.compile(
    r"^(\d{4})(?:年|[-/.])?(?:\d{1,2}(?:月(?:\d{1,2}[日号]?)?|[-/.]\d{1,2})?)?(?:生|出生|生人)?$"
)
_BIRTH_YEAR_2 = re.compile(r"^(\d{2})年(?:\d{1,2}月(?:\d{1,2}[日号]?)?)?(?:生|出生|生人)?$")
_GENERATION = re.compile(r"^(\d{2}|\d{4})后$")
_RANGE = re.compile(rf"^(\d{{1,3}}){_AGE_UNIT}{_SEP}(\d{{1,3}}){_AGE_UNIT}$")
# "N岁以下" / "under N" exclude N; "N岁及以下" / "N and under" / "<= N" include it.
_UNDER = re.compile(
    rf"^(?:(?P<n1>\d{{1,3}}){_AGE_UNIT}(?P<w1>以下|以内|之下|及以下|andunder|orunder|oryounger"
    rf"|andyounger|orless){_AGE_UNIT}|(?:未满|不满|低于|小于|under|below|lessthan|youngerthan|<)"
    rf"(?P<n2>\d{{1,3}}){_AGE_UNIT}|(?:<=|≤)(?P<n3>\d{{1,3}}){_AGE_UNIT})$"
)
_INCLUSIVE_UNDER = {"及以下", "andunder", "orunder", "oryounger", "andyounger", "orless"}
_OVER = re.compile(
    rf"^(?:(\d{{1,3}}){_AGE_UNIT}(?:以上|及以上|\+|andover|andabove|orover|orabove|plus|orolder"
    rf"|andolder|ormore){_AGE_UNIT}|(?:over|above|>=|≥|>|大于|超过|olderthan)(\d{{1,3}}){_AGE_UNIT})$"
)

AgeKind = Literal["age", "birth_year", "generation", "range", "under", "over", "band_key"]

# The broad bands every clean interval lands in (see normalise_age_interval). Each canonical
# band nests in exactly one of them, and so do the common external schemes' bands (YouTube's
# 13-17/18-24/25-34/35-44/55-64/65+, Kaggle's 18-21 ... 70+, 问卷星's 20~29/40~49/50~59/60+).
BROAD_AGE_BANDS = ("under_18", "18_34", "35_49", "50_plus")
_OPEN_BAND_YEARS = 10
_BROAD_RANGES: dict[str, tuple[float, float]] = {
    "under_18": (0, 17),
    "18_34": (18, 34),
    "35_49": (35, 49),
    "50_plus": (50, math.inf),
}


@dataclass(frozen=True, slots=True)
class AgeResult:
    """Outcome of normalising one age answer."""

    raw: str | None
    status: Status
    reason: str | None = None
    band: str | None = None
    years: int | None = None


@dataclass(frozen=True, slots=True)
class AgeIntervalResult:
    """An age answer read as an interval of ages, with its canonical and broad band.

    ``low``/``high`` are inclusive ages (``high`` None for an open band such as "60岁以上";
    ``low`` 0 for "under N"). ``band`` is the canonical band when the interval lies inside one,
    else None, and ``canonical_bands`` lists every canonical band it overlaps. ``broad_band`` is
    the BROAD_AGE_BANDS band holding most of the interval (ties go to the younger band);
    ``is_broad_exact`` says whether the interval lies wholly inside it.
    """

    raw: str | None
    status: Status
    reason: str | None = None
    band: str | None = None
    low: int | None = None
    high: int | None = None
    broad_band: str | None = None
    is_broad_exact: bool | None = None
    canonical_bands: tuple[str, ...] = ()
    years: int | None = None
    kind: AgeKind | None = None


@dataclass(frozen=True, slots=True)
class _Span:
    """A parsed age answer: an inclusive interval of ages (high may be math.inf)."""

    low: float
    high: float
    label: str  # how reasons name it: "band 25-34", "generation 90后 (ages 25-34)"
    kind: AgeKind
    years: int | None = None


def normalise_age(value: object, *, reference_year: int = 2024) -> AgeResult:
    """Map an age, birth year, generation label or age range to a canonical age band."""
    raw = raw_text(value)
    span = _parse(value, reference_year)
    if isinstance(span, tuple):
        return AgeResult(raw, span[0], span[1])
    if span.years is not None:
        return AgeResult(raw, "mapped", band=_band_for_years(span.years), years=span.years)
    bands = _overlapping(_BAND_RANGES, span.low, span.high)
    if len(bands) == 1:
        return AgeResult(raw, "mapped", band=bands[0])
    return AgeResult(raw, "unmapped", f"{span.label} spans several canonical bands")


def normalise_age_interval(value: object, *, reference_year: int = 2024) -> AgeIntervalResult:
    """Read an age answer of any band scheme as an interval with its canonical and broad band.

    Unlike ``normalise_age``, a clean band that straddles canonical bands ("40~49岁", "16~19岁",
    "25 to 34") is "mapped": ``band`` is None, the source interval is kept and the broad band
    says where it lands. ``reference_year`` (the survey's submission year or edition) converts
    birth years and generation labels to ages.
    """
    raw = raw_text(value)
    span = _parse(value, reference_year)
    if isinstance(span, tuple):
        return AgeIntervalResult(raw, span[0], span[1])
    canonical = tuple(_overlapping(_BAND_RANGES, span.low, span.high))
    broad, exact = _broad_band(span.low, span.high)
    return AgeIntervalResult(
        raw,
        "mapped",
        band=canonical[0] if len(canonical) == 1 else None,
        low=int(span.low),
        high=None if math.isinf(span.high) else int(span.high),
        broad_band=broad,
        is_broad_exact=exact,
        canonical_bands=canonical,
        years=span.years,
        kind=span.kind,
    )


def broad_age_band(band: str | None) -> str | None:
    """Return the BROAD_AGE_BANDS band a canonical age band nests in (25_29 → 18_34)."""
    if band is None:
        return None
    if band not in _BAND_RANGES:
        raise ValueError(f"unknown age band {band!r}; expected one of {AGE_BANDS}")
    low, high = _BAND_RANGES[band]
    return _broad_band(low, high)[0]


def coarse_age_band(band: str | None) -> str | None:
    """Collapse a canonical age band to the coarse segmentation band (e.g. 25_29 → 25_34)."""
    if band is None:
        return None
    try:
        return _COARSE[band]
    except KeyError:
        raise ValueError(f"unknown age band {band!r}; expected one of {AGE_BANDS}") from None


def normalise_age_series(series: pl.Series, *, reference_year: int = 2024) -> pl.DataFrame:
    """Normalise a column of ages; returns age_raw, age_status, age_reason, age_band, age_years."""
    return normalise_series(
        series,
        lambda value: normalise_age(value, reference_year=reference_year),
        AgeResult,
        "age_",
        {
            "raw": pl.String(),
            "status": pl.String(),
            "reason": pl.String(),
            "band": pl.String(),
            "years": pl.Int64(),
        },
    )


def normalise_age_interval_series(series: pl.Series, *, reference_year: int = 2024) -> pl.DataFrame:
    """Normalise a column of ages as intervals; returns age_raw, age_status, ..., age_broad_band."""
    return normalise_series(
        series,
        lambda value: normalise_age_interval(value, reference_year=reference_year),
        AgeIntervalResult,
        "age_",
        {
            "raw": pl.String(),
            "status": pl.String(),
            "reason": pl.String(),
            "band": pl.String(),
            "low": pl.Int64(),
            "high": pl.Int64(),
            "broad_band": pl.String(),
            "is_broad_exact": pl.Boolean(),
            "canonical_bands": pl.List(pl.String()),
            "years": pl.Int64(),
            "kind": pl.String(),
        },
    )


def _parse(value: object, reference_year: int) -> _Span | tuple[Status, str | None]:
    """Parse one answer into an age interval, or (status, reason) when there is none."""
    text = clean_text(value)
    if text is None:
        return ("blank", None)
    key = _replace_chinese_numerals(text.lower().replace(" ", ""))
    key = _FILLER.sub("", key)
    key = _FILLER.sub("", key)  # a second pass for "今年28岁左右"-style doubles

    if key in AGE_BANDS:
        low, high = _BAND_RANGES[key]
        return _Span(low, high, f"band {key}", "band_key")
    if match := _NUMBER.match(key):
        return _from_years(math.floor(float(match[1])), "age")
    if _NEGATIVE.match(key):
        return ("invalid", f"age {key} out of range {MIN_AGE}-{MAX_AGE}")
    if match := _GENERATION.match(key):
        return _from_generation(match[1], reference_year)
    if match := _BIRTH_YEAR.match(key):
        return _from_birth_year(int(match[1]), reference_year, "birth_year")
    if match := _BIRTH_YEAR_2.match(key):
        year = _expand_two_digit_year(match[1], reference_year)
        return _from_birth_year(year, reference_year, "birth_year")
    if match := _RANGE.match(key):
        low, high = int(match[1]), int(match[2])
        if low > high:
            return ("unmapped", f"band {low}-{high} is reversed")
        return _checked(_Span(low, high, f"band {low}-{high}", "range"))
    if match := _UNDER.match(key):
        if match["n1"] is not None:
            limit, inclusive = int(match["n1"]), match["w1"] in _INCLUSIVE_UNDER
        else:
            limit, inclusive = int(match["n2"] or match["n3"]), match["n3"] is not None
        high = limit if inclusive else limit - 1
        label = f"band {limit} and under" if inclusive else f"band under {limit}"
        return _checked(_Span(0, high, label, "under"))
    if match := _OVER.match(key):
        low = int(match[1] or match[2])
        return _checked(_Span(low, math.inf, f"band {low}+", "over"))
    return ("unmapped", "not an age")


def _band_for_years(years: float) -> str:
    return next(band for band, (low, high) in _BAND_RANGES.items() if low <= years <= high)


def _from_years(years: int, kind: AgeKind) -> _Span | tuple[Status, str]:
    if not MIN_AGE <= years <= MAX_AGE:
        return ("invalid", f"age {years} out of range {MIN_AGE}-{MAX_AGE}")
    return _Span(years, years, f"age {years}", kind, years)


def _from_birth_year(year: int, reference_year: int, kind: AgeKind) -> _Span | tuple[Status, str]:
    # The age reached during the reference year: born 1996, surveyed in 2024 → 28.
    if year > reference_year:
        return ("invalid", f"birth year {year} is after reference year {reference_year}")
    if year < 1000:  # "0999" and the like: not a year, and far too old as an age
        return ("invalid", f"age {year} out of range {MIN_AGE}-{MAX_AGE}")
    years = reference_year - year
    if not MIN_AGE <= years <= MAX_AGE:
        return (
            "invalid",
            f"birth year {year} gives age {years}, out of range {MIN_AGE}-{MAX_AGE}",
        )
    return _Span(years, years, f"age {years}", kind, years)


def _from_generation(label: str, reference_year: int) -> _Span | tuple[Status, str]:
    year = int(label) if len(label) == 4 else _expand_two_digit_year(label, reference_year)
    if not label.endswith("0"):
        return _from_birth_year(year, reference_year, "generation")
    # A decade cohort: born year..year+9, i.e. these ages in the reference year.
    low, high = reference_year - year - 9, reference_year - year
    return _checked(_Span(low, high, f"generation {label}后 (ages {low}-{high})", "generation"))


def _checked(span: _Span) -> _Span | tuple[Status, str]:
    """Reject an interval lying entirely outside the plausible ages."""
    if span.high < MIN_AGE or span.low > MAX_AGE:
        return ("invalid", f"{span.label} out of range {MIN_AGE}-{MAX_AGE}")
    return span


def _overlapping(ranges: dict[str, tuple[float, float]], low: float, high: float) -> list[str]:
    return [band for band, (b_low, b_high) in ranges.items() if b_low <= high and low <= b_high]


def _broad_band(low: float, high: float) -> tuple[str, bool]:
    """Return the broad band holding most years of [low, high] and whether it holds them all."""
    # An open band is measured over its first ten years: people in "30岁以上" cluster near 30,
    # so it lands in 18_34 rather than in 50_plus, which would hold most of 30-100.
    top = low + _OPEN_BAND_YEARS - 1 if math.isinf(high) else high
    best, best_years = BROAD_AGE_BANDS[0], -1.0
    for band, (b_low, b_high) in _BROAD_RANGES.items():
        years = min(top, b_high) - max(low, b_low) + 1
        if years > best_years:  # strictly greater: ties keep the younger band
            best, best_years = band, years
    b_low, b_high = _BROAD_RANGES[best]
    return best, b_low <= low and high <= b_high


def _expand_two_digit_year(digits: str, reference_year: int) -> int:
    year = 2000 + int(digits)
    return year if year <= reference_year else 1900 + int(digits)


def _replace_chinese_numerals(text: str) -> str:
    """Rewrite Chinese numerals as digits: 二十八 → 28, 一九九六 → 1996, 九零 → 90."""
    return _CN_NUMBER.sub(lambda match: _chinese_number(match[0]), text)


def _chinese_number(numeral: str) -> str:
    if "十" not in numeral and "百" not in numeral:
        # Digit by digit, as years are read: 一九九六, 零五.
        return "".join(str(_CN_DIGITS[char]) for char in numeral)
    total, current = 0, 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[char]
    return str(total + current)
