"""Normalisers for free-text survey answers: age, gender, role and city.

Each scalar function takes one raw answer and returns a frozen result dataclass with ``raw``,
``status`` ("mapped", "unmapped", "invalid", "blank") and ``reason``; each ``*_series`` helper
does the same for a polars Series and returns one row per input row.
"""

from survey.normalise._common import STATUSES, Status
from survey.normalise.age import (
    AGE_BANDS,
    COARSE_AGE_BANDS,
    AgeResult,
    coarse_age_band,
    normalise_age,
    normalise_age_series,
)
from survey.normalise.city import CITY_TIERS, CityResult, normalise_city, normalise_city_series
from survey.normalise.gender import (
    GENDER_CODES,
    GenderResult,
    normalise_gender,
    normalise_gender_series,
)
from survey.normalise.role import (
    FUZZY_CUTOFF,
    ROLE_CODES,
    RoleResult,
    normalise_role,
    normalise_role_series,
)

__all__ = [
    "AGE_BANDS",
    "CITY_TIERS",
    "COARSE_AGE_BANDS",
    "FUZZY_CUTOFF",
    "GENDER_CODES",
    "ROLE_CODES",
    "STATUSES",
    "AgeResult",
    "CityResult",
    "GenderResult",
    "RoleResult",
    "Status",
    "coarse_age_band",
    "normalise_age",
    "normalise_age_series",
    "normalise_city",
    "normalise_city_series",
    "normalise_gender",
    "normalise_gender_series",
    "normalise_role",
    "normalise_role_series",
]
