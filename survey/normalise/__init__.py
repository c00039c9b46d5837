"""Normalisers for free-text survey answers: age, gender, role, occupation, city, country, education.

Each scalar function takes one raw answer and returns a frozen result dataclass with ``raw``,
``status`` ("mapped", "unmapped", "invalid", "blank") and ``reason``; each ``*_series`` helper
does the same for a polars Series and returns one row per input row.
"""

from survey.normalise._common import STATUSES, Status
from survey.normalise.age import (
    AGE_BANDS,
    BROAD_AGE_BANDS,
    COARSE_AGE_BANDS,
    AgeIntervalResult,
    AgeResult,
    broad_age_band,
    coarse_age_band,
    normalise_age,
    normalise_age_interval,
    normalise_age_interval_series,
    normalise_age_series,
)
from survey.normalise.city import CITY_TIERS, CityResult, normalise_city, normalise_city_series
from survey.normalise.country import (
    GREATER_CHINA,
    CountryResult,
    display_group,
    normalise_country,
    normalise_country_series,
)
from survey.normalise.education import (
    EDUCATION_CODES,
    EDUCATION_LEVELS,
    EducationResult,
    normalise_education,
    normalise_education_series,
)
from survey.normalise.gender import (
    GENDER_CODES,
    GenderResult,
    normalise_gender,
    normalise_gender_series,
)
from survey.normalise.occupation import (
    OccupationResult,
    normalise_occupation,
    normalise_occupation_series,
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
    "BROAD_AGE_BANDS",
    "CITY_TIERS",
    "COARSE_AGE_BANDS",
    "EDUCATION_CODES",
    "EDUCATION_LEVELS",
    "FUZZY_CUTOFF",
    "GENDER_CODES",
    "GREATER_CHINA",
    "ROLE_CODES",
    "STATUSES",
    "AgeIntervalResult",
    "AgeResult",
    "CityResult",
    "CountryResult",
    "EducationResult",
    "GenderResult",
    "OccupationResult",
    "RoleResult",
    "Status",
    "broad_age_band",
    "coarse_age_band",
    "display_group",
    "normalise_age",
    "normalise_age_interval",
    "normalise_age_interval_series",
    "normalise_age_series",
    "normalise_city",
    "normalise_city_series",
    "normalise_country",
    "normalise_country_series",
    "normalise_education",
    "normalise_education_series",
    "normalise_gender",
    "normalise_gender_series",
    "normalise_occupation",
    "normalise_occupation_series",
    "normalise_role",
    "normalise_role_series",
]
