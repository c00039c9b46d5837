"""dim_calendar: every date with its year's Spring Festival (正月初一) and official holidays.

Spring Festival dates and China's official holidays (with substituted days off) come from the
`holidays` package. A year it does not cover is an error, never a guess.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
import polars as pl

SPRING_FESTIVAL = "Chinese New Year (Spring Festival)"


class CalendarError(ValueError):
    """A date outside the years the holidays package covers."""


@cache
def _china(year: int, language: str) -> dict[date, str]:
    return dict(holidays.China(years=year, language=language).items())


def spring_festival_on(year: int) -> date:
    """正月初一 of `year` (the first official day named Spring Festival)."""
    first, last = holidays.China.start_year, holidays.China.end_year
    if not first <= year <= last:
        raise CalendarError(
            f"year {year} is outside {first}-{last}, the years the holidays package covers"
        )
    days = sorted(d for d, name in _china(year, "en_US").items() if name == SPRING_FESTIVAL)
    if not days:
        raise CalendarError(f"the holidays package has no Spring Festival for {year}")
    return days[0]


def build_calendar(first_on: date, last_on: date) -> pl.DataFrame:
    """One row per date from first_on to last_on (whole years, so offsets are stable)."""
    start, end = date(first_on.year, 1, 1), date(last_on.year, 12, 31)
    rows = []
    day = start
    while day <= end:
        festival = spring_festival_on(day.year)
        zh = _china(day.year, "zh_CN").get(day)
        rows.append(
            {
                "date_on": day,
                "year": day.year,
                "spring_festival_on": festival,
                "days_from_spring_festival": (day - festival).days,
                "is_official_holiday": zh is not None,
                "holiday_name_zh": zh,
                "holiday_name_en": _china(day.year, "en_US").get(day),
                "is_weekend": day.weekday() >= 5,
            }
        )
        day += timedelta(days=1)
    return pl.DataFrame(
        rows,
        schema={
            "date_on": pl.Date,
            "year": pl.Int64,
            "spring_festival_on": pl.Date,
            "days_from_spring_festival": pl.Int64,
            "is_official_holiday": pl.Boolean,
            "holiday_name_zh": pl.String,
            "holiday_name_en": pl.String,
            "is_weekend": pl.Boolean,
        },
    )
