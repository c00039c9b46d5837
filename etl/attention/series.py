"""Rows of index cells -> a Staged attention bundle: the row rules every attention layout shares.

Each layout reader (Google Trends, 百度指数, 微信指数, 巨量算数 ...) turns its file into
`SeriesRow`s: the file line, the date cell, and the non-blank value cells with the series each
belongs to. `stage_series_rows` applies one set of rules to all of them:

- the row is the unit: a bad date or any bad value cell rejects the whole row (one Reject per
  bad cell, naming its column), and none of its cells is loaded;
- a row with a date and no value at all is rejected as "no value for any keyword";
- a row whose (source, keyword, region, date) repeats an earlier loaded row is rejected as a
  duplicate of that row;
- the granularity is the one the file states (a Google Trends header word) or, when it states
  none, the spacing of the loaded dates (`infer_granularity`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from etl.errors import IngestError, Reject
from etl.frames import sorted_rejects
from etl.schemas import TOPIC_ATTENTION, Staged, conform
from etl.values import parse_texts
from warehouse.settings import load_limits

GRANULARITIES = ("day", "week", "month")
_MONTH_TEXT = re.compile(r"^(?P<y>[0-9]{4})\s*[-/.年]\s*(?P<m>[0-9]{1,2})\s*月?$")


@dataclass(frozen=True)
class Cell:
    """One non-blank value cell and the series it belongs to."""

    column: str
    raw: str
    source: str
    keyword: str
    region: str | None = None
    value: float | None = None
    is_below_one: bool = False
    problem: str | None = None
    date_on: date | None = None  # a cell's own date, when the dates are columns


@dataclass
class SeriesRow:
    """One input row: its file line, its date cell and its non-blank value cells.

    A keyword row (dates as columns) names its keyword cell in date_column / date_raw, and each
    cell carries its own date.
    """

    line: int
    date_column: str
    date_raw: str | None
    cells: list[Cell] = field(default_factory=list)
    date_on: date | None = None
    date_problem: str | None = None
    is_month_text: bool = False
    is_keyword_row: bool = False


def parse_dates(rows: Sequence[SeriesRow], *, serials: bool = True) -> None:
    """Fill date_on / date_problem of every row: a day (any spelling `etl.values` reads) or a
    month written `2024-01` / `2024年1月` (its first day, flagged as month text).

    `serials=False` (a CSV): a plain number such as `45000` is a problem, not an Excel day.
    """
    pending = []
    for row in rows:
        text = (row.date_raw or "").strip()
        if not text:
            continue
        month = _MONTH_TEXT.match(text)
        if month:
            year, number = int(month["y"]), int(month["m"])
            if 1 <= number <= 12:
                row.date_on, row.is_month_text = date(year, number, 1), True
            else:
                row.date_problem = "not a month"
            continue
        pending.append(row)
    parsed = _parsed(
        {row.date_raw.strip() for row in pending if row.date_raw}, "date", serials=serials
    )
    for row in pending:
        row.date_on, row.date_problem = parsed[(row.date_raw or "").strip()]


def far_date_reason(middle: date, spread_days: int) -> str:
    """The reject reason of a date too far from the middle of a file's other dates."""
    return f"more than {spread_days} days from the file's other dates (around {middle}): a typo?"


def mark_far_days(frame: pl.DataFrame, value: str, problem: str) -> pl.DataFrame:
    """`mark_far_dates` over a frame's Date column `value` and its problem column."""
    spread = load_limits().max_date_spread_days
    days = pl.col(value).cast(pl.Int32)
    middle = frame.select(days.filter(pl.col(problem).is_null()).median()).item()
    if middle is None:
        return frame
    far = pl.col(problem).is_null() & ((days - int(middle)).abs() > spread).fill_null(False)
    reason = far_date_reason(date(1970, 1, 1) + timedelta(days=int(middle)), spread)
    return frame.with_columns(
        pl.when(far).then(None).otherwise(pl.col(value)).alias(value),
        pl.when(far).then(pl.lit(reason)).otherwise(pl.col(problem)).alias(problem),
    )


def mark_far_dates(rows: Sequence[SeriesRow]) -> None:
    """Give a problem to a row's date more than `max_date_spread_days` from the middle (median)
    of the other rows' dates: one typo (2099 among 2024's days) would otherwise stretch the
    calendar by decades."""
    spread = load_limits().max_date_spread_days
    days = sorted(r.date_on.toordinal() for r in rows if r.date_on and not r.date_problem)
    if not days:
        return
    middle = days[len(days) // 2]
    for row in rows:
        if row.date_on and not row.date_problem and abs(row.date_on.toordinal() - middle) > spread:
            row.date_problem = far_date_reason(date.fromordinal(middle), spread)
            row.date_on = None


def parse_numbers(cells: Iterable[Cell]) -> list[Cell]:
    """Cells with value / problem filled from their text as a non-negative number (`1,234`,
    `1.2万`, `12.5`); `-` and the like are no value (the cell is dropped)."""
    cells = list(cells)
    parsed = _parsed({c.raw for c in cells}, "number")
    out = []
    for cell in cells:
        value, problem = parsed[cell.raw]
        if value is None and problem is None:
            continue  # a null marker (`-`, `暂无`): no observation
        if problem is None and value is not None and value < 0:
            problem = "negative index"
        out.append(replace(cell, value=value, problem=problem))
    return out


def _parsed(
    texts: set[str], kind: str, *, serials: bool = True
) -> dict[str, tuple[Any, str | None]]:
    if not texts:
        return {}
    options = {"allow_time": False, "serials": serials} if kind == "date" else {}
    frame = parse_texts(pl.Series(sorted(texts), dtype=pl.String), kind, **options)
    return {raw: (value, problem) for raw, value, problem in frame.iter_rows()}


def infer_granularity(dates: Iterable[date], *, month_text: bool = False) -> str:
    """'month' when every date is a month's first day a month apart (or written as a month),
    'week' when every gap is a whole number of weeks, else 'day'."""
    ordered = sorted(set(dates))
    if month_text:
        return "month"
    if len(ordered) < 2:
        return "day"
    gaps = [(b - a).days for a, b in itertools.pairwise(ordered)]
    if all(d.day == 1 for d in ordered) and all(g >= 28 for g in gaps) and min(gaps) <= 31:
        return "month"
    if all(g % 7 == 0 for g in gaps):
        return "week"
    return "day"


def stage_series_rows(
    path: Path,
    rows: Sequence[SeriesRow],
    *,
    rows_read: int,
    layout: str,
    granularity: str | None = None,
    warnings: Sequence[str] = (),
    blank_lines: Sequence[int] = (),
    details: dict[str, Any] | None = None,
    unique_dates: bool = False,
) -> Staged:
    """Apply the shared row rules and return the Staged attention bundle.

    `unique_dates`: one row per date (a file with one column per term), so a repeated date
    rejects the later row even where its cells fill other terms.
    """
    rejects = [Reject(line, None, None, "blank row") for line in blank_lines]
    seen: dict[tuple[str, str, str | None, date | None], int] = {}
    loaded: list[tuple[SeriesRow, list[Cell]]] = []
    for row in rows:
        if row.date_problem or (row.date_on is None and not row.is_keyword_row):
            reason = row.date_problem or "missing"
            rejects.append(Reject(row.line, row.date_column, row.date_raw, reason))
            continue
        bad = [c for c in row.cells if c.problem]
        if bad:
            rejects += [Reject(row.line, c.column, c.raw, c.problem or "") for c in bad]
            continue
        good = [c for c in row.cells if c.value is not None]
        if not good:
            reason = "no value for any keyword"
            rejects.append(Reject(row.line, row.date_column, row.date_raw, reason))
            continue
        keys: list[tuple[str, str, str | None, date | None]] = [
            (c.source, c.keyword, c.region, c.date_on or row.date_on) for c in good
        ]
        if unique_dates:
            keys.append(("", "", None, row.date_on))
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            reason = f"duplicate of row {first} (same series and date)"
            rejects.append(Reject(row.line, row.date_column, row.date_raw, reason))
            continue
        for key in keys:
            seen[key] = row.line
        loaded.append((row, good))
    dates = sorted(
        {d for row, good in loaded for c in good if (d := c.date_on or row.date_on) is not None}
    )
    month_text = bool(loaded) and all(row.is_month_text for row, _ in loaded)
    found = infer_granularity(dates, month_text=month_text)
    extra: list[str] = []
    if granularity is None:
        granularity = found
    elif dates and found != granularity and len(set(dates)) > 1:
        extra.append(
            f"the file says {granularity} data but its dates are spaced like {found} data: "
            f"stored as {granularity}"
        )
    if granularity == "month" and any(d.day != 1 for d in dates):
        raise IngestError(path, "monthly data must be dated on the first day of each month")
    values = conform(
        pl.DataFrame(
            [
                (
                    c.source,
                    c.keyword,
                    c.date_on or row.date_on,
                    c.value,
                    row.line,
                    c.region,
                    c.is_below_one,
                )
                for row, good in loaded
                for c in good
            ],
            schema={
                "source": pl.String,
                "keyword": pl.String,
                "date_on": pl.Date,
                "value": pl.Float64,
                "row_number": pl.Int64,
                "region": pl.String,
                "is_below_one": pl.Boolean,
            },
            orient="row",
        ).with_columns(pl.lit(granularity, pl.String).alias("granularity")),
        TOPIC_ATTENTION,
    ).sort(["source", "keyword", "region", "date_on"], nulls_last=True)
    return Staged(
        kind="attention",
        rows_read=rows_read,
        frames={"topic_attention": values},
        rejects=sorted_rejects(rejects),
        warnings=[*warnings, *extra],
        details={
            "layout": layout,
            "granularity": granularity,
            "rows_loaded": len(loaded),
            "observations": values.height,
            "keywords": values["keyword"].n_unique(),
            "sources": sorted(values["source"].unique().to_list()),
            **(details or {}),
        },
    )
