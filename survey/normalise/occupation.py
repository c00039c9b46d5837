"""Normalise job titles and occupations, inside or outside the creator vocabulary, to role codes.

``normalise_role`` does the matching (roles.yaml, then occupation_map.yaml for job titles such as
Data Scientist, 数据分析师, 公务员); this module adds which occupation of occupation_map.yaml the
answer names and an explicit ``is_mapped`` flag. An answer whose occupation has no creator role
(Data Analyst, 退休, Currently not employed) or that matches nothing keeps its text verbatim in
``raw`` with ``is_mapped=False``: it is flagged for review, never dropped and never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from survey.normalise._common import Status, normalise_series, raw_text
from survey.normalise.role import normalise_role, occupation_map, role_key, unwrap_other
from survey.text import clean_text


@dataclass(frozen=True, slots=True)
class OccupationResult:
    """Outcome of normalising one occupation answer."""

    raw: str | None
    status: Status
    reason: str | None = None
    code: str | None = None  # the role code (ROLE_CODES), None when unmapped
    is_mapped: bool = False
    occupation: str | None = None  # key in occupation_map.yaml, when the answer names one
    occupation_en: str | None = None
    occupation_zh: str | None = None
    matched: str | None = None
    method: str | None = None


def normalise_occupation(value: object) -> OccupationResult:
    """Map an occupation (Data Scientist, 数据分析师, 产品经理, 退休 ...) to a role code or flag it."""
    raw = raw_text(value)
    text = clean_text(value)
    role = normalise_role(value)
    if text is None:
        return OccupationResult(raw, "blank")
    inner, _ = unwrap_other(text)
    occupation = occupation_map().get(role_key(inner))
    reason = role.reason
    if role.status != "mapped" and occupation is not None and occupation.role is None:
        reason = f"occupation {occupation.key} has no creator role"
    return OccupationResult(
        raw,
        role.status,
        reason,
        code=role.code,
        is_mapped=role.status == "mapped",
        occupation=occupation.key if occupation else None,
        occupation_en=occupation.en if occupation else None,
        occupation_zh=occupation.zh if occupation else None,
        matched=role.matched,
        method=role.method,
    )


def normalise_occupation_series(series: pl.Series) -> pl.DataFrame:
    """Normalise a column of occupations; returns occupation_raw, ..., occupation_is_mapped, ..."""
    return normalise_series(
        series,
        normalise_occupation,
        OccupationResult,
        "occupation_",
        {
            "raw": pl.String(),
            "status": pl.String(),
            "reason": pl.String(),
            "code": pl.String(),
            "is_mapped": pl.Boolean(),
            "occupation": pl.String(),
            "occupation_en": pl.String(),
            "occupation_zh": pl.String(),
            "matched": pl.String(),
            "method": pl.String(),
        },
    )
