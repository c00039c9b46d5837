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
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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
_UNDER = re.compile(
    rf"^(?:(\d{{1,3}}){_AGE_UNIT}(以下|以内|之下|及以下)|(?:未满|不满|低于|小于|under|below|<)"
    rf"(\d{{1,3}}){_AGE_UNIT}|(?:<=|≤)(\d{{1,3}}){_AGE_UNIT})$"
)
_OVER = re.compile(
    rf"^(?:(\d{{1,3}}){_AGE_UNIT}(?:以上|及以上|\+|andover|andabove|orover|plus)|"
    rf"(?:over|above|>=|≥|>|大于|超过)(\d{{1,3}}){_AGE_UNIT})$"
)


@dataclass(frozen=True, slots=True)
class AgeResult:
    """Outcome of normalising one age answer."""

    raw: str | None
    status: Status
    reason: str | None = None
    band: str | None = None
    years: int | None = None


def normalise_age(value: object, *, reference_year: int = 2024) -> AgeResult:
    """Map an age, birth year, generation label or age range to a canonical age band."""
    raw = raw_text(value)
    text = clean_text(value)
    if text is None:
        return AgeResult(raw, "blank")
    key = _replace_chinese_numerals(text.lower().replace(" ", ""))
    key = _FILLER.sub("", key)
    key = _FILLER.sub("", key)  # a second pass for "今年28岁左右"-style doubles

    if key in AGE_BANDS:
        return AgeResult(raw, "mapped", band=key)
    if match := _NUMBER.match(key):
        return _from_years(raw, math.floor(float(match[1])))
    if _NEGATIVE.match(key):
        return AgeResult(raw, "invalid", f"age {key} out of range {MIN_AGE}-{MAX_AGE}")
    if match := _GENERATION.match(key):
        return _from_generation(raw, match[1], reference_year)
    if match := _BIRTH_YEAR.match(key):
        return _from_birth_year(raw, int(match[1]), reference_year)
    if match := _BIRTH_YEAR_2.match(key):
        return _from_birth_year(
            raw, _expand_two_digit_year(match[1], reference_year), reference_year
        )
    if match := _RANGE.match(key):
        low, high = int(match[1]), int(match[2])
        if low > high:
            return AgeResult(raw, "unmapped", f"band {low}-{high} is reversed")
        return _from_range(raw, low, high, f"band {low}-{high}")
    if match := _UNDER.match(key):
        if match[1] is not None:
            limit, inclusive = int(match[1]), match[2] == "及以下"
        else:
            limit, inclusive = int(match[3] or match[4]), match[4] is not None
        high = limit if inclusive else limit - 1
        label = f"band {limit} and under" if inclusive else f"band under {limit}"
        return _from_range(raw, 0, high, label)
    if match := _OVER.match(key):
        low = int(match[1] or match[2])
        return _from_range(raw, low, math.inf, f"band {low}+")
    return AgeResult(raw, "unmapped", "not an age")


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


def _band_for_years(years: float) -> str:
    return next(band for band, (low, high) in _BAND_RANGES.items() if low <= years <= high)


def _from_years(raw: str | None, years: int) -> AgeResult:
    if not MIN_AGE <= years <= MAX_AGE:
        return AgeResult(raw, "invalid", f"age {years} out of range {MIN_AGE}-{MAX_AGE}")
    return AgeResult(raw, "mapped", band=_band_for_years(years), years=years)


def _from_birth_year(raw: str | None, year: int, reference_year: int) -> AgeResult:
    if year > reference_year:
        return AgeResult(
            raw, "invalid", f"birth year {year} is after reference year {reference_year}"
        )
    if year < 1000:  # "0999" and the like: not a year, and far too old as an age
        return AgeResult(raw, "invalid", f"age {year} out of range {MIN_AGE}-{MAX_AGE}")
    years = reference_year - year
    if not MIN_AGE <= years <= MAX_AGE:
        return AgeResult(
            raw, "invalid", f"birth year {year} gives age {years}, out of range {MIN_AGE}-{MAX_AGE}"
        )
    return AgeResult(raw, "mapped", band=_band_for_years(years), years=years)


def _from_generation(raw: str | None, label: str, reference_year: int) -> AgeResult:
    year = int(label) if len(label) == 4 else _expand_two_digit_year(label, reference_year)
    if not label.endswith("0"):
        return _from_birth_year(raw, year, reference_year)
    # A decade cohort: born year..year+9, i.e. these ages in the reference year.
    low, high = reference_year - year - 9, reference_year - year
    return _from_range(raw, low, high, f"generation {label}后 (ages {low}-{high})")


def _from_range(raw: str | None, low: float, high: float, label: str) -> AgeResult:
    """Map an inclusive age range; ``label`` names it in reasons ("band 25-34")."""
    if high < MIN_AGE or low > MAX_AGE:
        return AgeResult(raw, "invalid", f"{label} out of range {MIN_AGE}-{MAX_AGE}")
    bands = [b for b, (b_low, b_high) in _BAND_RANGES.items() if b_low <= high and low <= b_high]
    if len(bands) == 1:
        return AgeResult(raw, "mapped", band=bands[0])
    return AgeResult(raw, "unmapped", f"{label} spans several canonical bands")


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
