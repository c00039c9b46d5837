"""The profile dimensions segments filter, cross-tabulate and describe, with zh/en value labels.

A dimension names a column of the segment population (`warehouse/queries/segment_population.sql`,
one row per current response) and its kind: `single` (one value per person), `multi` (a list of
option keys, e.g. tools: a person counts once under each tool) or `number`. Labels come from the
questionnaire (option labels) and the normaliser data (cities, provinces); a null value is
"未知 / Unknown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import polars as pl

from survey.normalise import normalise_city
from survey.normalise._common import read_data_csv
from survey.questionnaire import load_questionnaire
from survey.segments.errors import SegmentError

Kind = Literal["single", "multi", "number"]


@dataclass(frozen=True)
class Dimension:
    """A profile dimension: its population column and kind."""

    name: str
    column: str
    kind: Kind
    question_id: str | None = None  # questionnaire question whose options label the values


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("edition", "edition_year", "single"),
        Dimension("age_band", "age_band", "single", "age"),
        Dimension("age_band_coarse", "age_band_coarse", "single"),
        Dimension("gender", "gender", "single", "gender"),
        Dimension("role", "role", "single", "role"),
        Dimension("city", "city_zh", "single"),
        Dimension("province", "province_zh", "single"),
        Dimension("city_tier", "city_tier", "single"),
        Dimension("experience_band", "experience_band", "single"),
        Dimension("hours_per_week", "hours_per_week", "single", "hours_per_week"),
        Dimension("income", "income", "single", "income"),
        Dimension("will_return", "will_return", "single", "will_return"),
        Dimension("tools", "tools", "multi", "tools"),
        Dimension("motivations", "motivations", "multi", "motivations"),
        Dimension("experience_months", "experience_months", "number"),
    )
}

# Dimensions of a segment's lift profile, in display order.
PROFILE_DIMENSIONS = (
    "age_band_coarse",
    "gender",
    "role",
    "city",
    "city_tier",
    "experience_band",
    "hours_per_week",
    "income",
    "tools",
    "motivations",
)

UNKNOWN = ("未知", "Unknown")

_COARSE_AGE_LABELS = {
    "under_18": ("18岁以下", "Under 18"),
    "18_24": ("18–24", "18–24"),
    "25_34": ("25–34", "25–34"),
    "35_44": ("35–44", "35–44"),
    "45_plus": ("45岁及以上", "45 and over"),
}
_TIER_LABELS = {
    "1": ("一线城市", "Tier-1 city"),
    "new_1": ("新一线城市", "New tier-1 city"),
    "2": ("二线城市", "Tier-2 city"),
    "3": ("三线城市", "Tier-3 city"),
    "4+": ("四线及以下城市", "Tier-4 or smaller city"),
    "hk_mo_tw": ("港澳台", "Hong Kong, Macao, Taiwan"),
    "overseas": ("海外", "Overseas"),
}
# Experience bands (months, lower bound inclusive), derived from experience_months.
EXPERIENCE_BANDS = (
    ("lt_6", 0, ("6个月以下", "Under 6 months")),
    ("6_11", 6, ("6–11个月", "6–11 months")),
    ("12_23", 12, ("12–23个月", "12–23 months")),
    ("24_plus", 24, ("24个月及以上", "24 months and over")),
)
_PARENTHESES = re.compile(r"\s*[(（][^)）]*[)）]\s*$")


def gala_id() -> str:
    """The id of the gala's own questionnaire (the shipped one)."""
    return load_questionnaire().id


def dimension(name: str) -> Dimension:
    """The dimension called `name`, or a SegmentError listing the known ones."""
    try:
        return DIMENSIONS[name]
    except KeyError:
        known = ", ".join(DIMENSIONS)
        raise SegmentError(f"unknown dimension {name!r}; use one of {known}") from None


def with_derived(population: pl.DataFrame) -> pl.DataFrame:
    """Add the derived dimensions (experience_band) to a population frame, when it can."""
    if "experience_months" not in population.columns or "experience_band" in population.columns:
        return population
    months = pl.col("experience_months")
    band: pl.Expr = pl.lit(None, dtype=pl.String)
    for key, lower, _ in EXPERIENCE_BANDS:
        band = pl.when(months >= lower).then(pl.lit(key)).otherwise(band)
    return population.with_columns(
        experience_band=pl.when(months.is_null()).then(None).otherwise(band)
    )


@cache
def _option_labels(question_id: str) -> dict[str, tuple[str, str]]:
    question = load_questionnaire().question(question_id)
    return {opt.key: (opt.label.zh, opt.label.en) for opt in question.options}


@cache
def _province_labels() -> dict[str, tuple[str, str]]:
    return {
        row["province_zh"]: (row["province_zh"], row["province_en"])
        for row in read_data_csv("provinces_cn.csv")
    }


@cache
def _city_label(city_zh: str) -> tuple[str, str]:
    result = normalise_city(city_zh)
    if result.status == "mapped" and result.city_zh == city_zh and result.city_en:
        return (city_zh, result.city_en)
    return (city_zh, city_zh)


def value_label(name: str, value: object, *, short: bool = False) -> tuple[str, str]:
    """The (zh, en) label of one value of a dimension; `short` drops a trailing (…) note."""
    if value is None:
        return UNKNOWN
    dim = dimension(name)
    text = str(value)
    if name == "edition":
        labels = (f"{text}届", f"{text} edition")
    elif name == "age_band_coarse":
        labels = _COARSE_AGE_LABELS.get(text, (text, text))
    elif name == "city_tier":
        labels = _TIER_LABELS.get(text, (text, text))
    elif name == "city":
        labels = _city_label(text)
    elif name == "province":
        labels = _province_labels().get(text, (text, text))
    elif name == "experience_band":
        labels = next(
            ((zh, en) for key, _, (zh, en) in EXPERIENCE_BANDS if key == text), (text, text)
        )
    elif dim.question_id is not None:
        labels = _option_labels(dim.question_id).get(text, (text, text))
    else:
        labels = (text, text)
    if short:
        return (_PARENTHESES.sub("", labels[0]), _PARENTHESES.sub("", labels[1]))
    return labels


def known_values(name: str) -> tuple[str, ...] | None:
    """The closed vocabulary of a coded dimension, or None for open ones (city, province)."""
    from survey.normalise import AGE_BANDS, CITY_TIERS, COARSE_AGE_BANDS, GENDER_CODES, ROLE_CODES

    closed: dict[str, tuple[str, ...]] = {
        "age_band": AGE_BANDS,
        "age_band_coarse": COARSE_AGE_BANDS,
        "gender": GENDER_CODES,
        "role": ROLE_CODES,
        "city_tier": CITY_TIERS,
        "experience_band": tuple(key for key, _, _ in EXPERIENCE_BANDS),
    }
    if name in closed:
        return closed[name]
    dim = dimension(name)
    if dim.question_id is not None:
        return tuple(_option_labels(dim.question_id))
    return None


def label_columns(frame: pl.DataFrame, name: str, value_column: str, prefix: str) -> pl.DataFrame:
    """Add `{prefix}_zh` and `{prefix}_en` label columns for the values in `value_column`."""
    values = frame[value_column].to_list()
    labels = [value_label(name, v) for v in values]
    return frame.with_columns(
        pl.Series(f"{prefix}_zh", [zh for zh, _ in labels], dtype=pl.String),
        pl.Series(f"{prefix}_en", [en for _, en in labels], dtype=pl.String),
    )
