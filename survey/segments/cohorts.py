"""Who is in a researcher cohort: a saved segment and/or filters, resolved with the segment
rules into response ids (`warehouse.cohort` builds the workbook from them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from survey.segments.rules import Source, filter_expr, get_definition, parse_filters, population
from warehouse.cohort import CohortDefinition


def resolve_cohort(
    source: Source, segment: str | None, raw_filters: Mapping[str, Any] | None = None
) -> tuple[CohortDefinition, list[str] | None]:
    """The cohort's definition and member response ids (None: everyone).

    `segment` names a stored segment definition; `raw_filters` are segment filters as a user
    gives them (checked by `parse_filters`); both must hold when both are given.
    """
    if segment is None and not raw_filters:
        return CohortDefinition(), None
    predicate = pl.lit(True)
    filters: dict[str, Any] = {}
    name = label_zh = label_en = None
    if segment is not None:
        stored = get_definition(source, segment)
        name, label_zh, label_en = stored.name, stored.label_zh, stored.label_en
        filters["segment"] = stored.filters
        predicate &= filter_expr(stored.filters)
    if raw_filters:
        extra = parse_filters(raw_filters)
        filters["where"] = extra
        predicate &= filter_expr(extra)
    members = population(source).filter(predicate)["response_id"].to_list()
    return CohortDefinition(name, label_zh, label_en, filters), members
