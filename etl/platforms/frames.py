"""Steps the platform readers share: field columns, parse and reject, deltas, bundle.

A RawTable becomes one all-text frame (`c0..cN` plus the file `row_number`, etl.frames); each
field's distinct texts are parsed once and joined back (etl.values), and blank rows, summary
rows, bad cells and repeated keys become rejects through masks, so the per-row work never runs
in a Python loop (only the rejected rows are turned into objects).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from etl.errors import Reject
from etl.frames import (
    ROW,
    sorted_rejects,
    take_blank_rows,
    take_duplicates_sorting,
    take_problems,
    take_rows,
    text_frame,
)
from etl.platforms.registry import FIELD_KINDS
from etl.reading import RawTable
from etl.schemas import (
    CONTENT,
    CONTENT_DAILY,
    CONTENT_PERIOD,
    CONTENT_SNAPSHOT,
    COUNTER_ISSUE,
    Staged,
    conform,
    empty,
)
from etl.values import clean_expr, parse_column
from warehouse.settings import load_limits

MAX_LISTED = 20  # warning lines listed one by one before the rest are summed up
SUMMARY_MARKERS = ("合计", "总计", "汇总", "total", "sum")
# Fields every row needs, and the reason a blank one is rejected with.
REQUIRED_FIELDS = {"content_id": "missing content id", "date_on": "missing date"}
FRAME_SCHEMAS: dict[str, dict[str, Any]] = {
    "content": CONTENT,
    "content_daily": CONTENT_DAILY,
    "content_period": CONTENT_PERIOD,
    "counter_issue": COUNTER_ISSUE,
    "content_snapshot": CONTENT_SNAPSHOT,
}


@dataclass(frozen=True)
class FieldColumn:
    """One file column read as a target field."""

    index: int  # position in the RawTable
    header: str  # as written in the file
    field: str  # target field: a CONTENT / CONTENT_DAILY / CONTENT_PERIOD column
    kind: str  # id | date | text | datetime | count | signed_count | ratio | ... (etl.values)
    cumulative: bool = False

    @property
    def raw(self) -> str:
        """The raw text column's name in the frame."""
        return f"c{self.index}"

    @property
    def problem(self) -> str:
        """The problem column's name in the frame."""
        return f"p_{self.field}"


def field_column(index: int, header: str, field: str, *, cumulative: bool = False) -> FieldColumn:
    """A FieldColumn whose kind comes from the field (FIELD_KINDS)."""
    return FieldColumn(index, header, field, FIELD_KINDS[field], cumulative)


def mark_far_dates(
    frame: pl.DataFrame, columns: Sequence[FieldColumn], spread_days: int
) -> pl.DataFrame:
    """Give a problem to a date more than `spread_days` from the middle (median) of its column's
    other dates: one typo (2099 among 2024's days) would otherwise stretch the calendar by
    decades."""
    for column in columns:
        if column.kind not in ("date", "datetime"):
            continue
        days = pl.col(column.field).cast(pl.Date).cast(pl.Int32)
        middle = frame.select(days.filter(pl.col(column.problem).is_null()).median()).item()
        if middle is None:
            continue
        around = pl.lit(int(middle)).cast(pl.Date).dt.to_string("%Y-%m-%d")
        far = pl.col(column.problem).is_null() & ((days - int(middle)).abs() > spread_days)
        frame = frame.with_columns(
            pl.when(far)
            .then(
                pl.concat_str(
                    pl.lit(f"more than {spread_days} days from the file's other dates (around "),
                    around,
                    pl.lit("): a typo?"),
                )
            )
            .otherwise(pl.col(column.problem))
            .alias(column.problem)
        )
    return frame


def parse_rows(
    table: RawTable,
    columns: Sequence[FieldColumn],
    keys: Sequence[str],
    *,
    summary: Sequence[FieldColumn] = (),
) -> tuple[pl.DataFrame, list[Reject]]:
    """(rows kept with every field parsed, rejects) of a table.

    Kept rows come grouped by `keys` (see `take_duplicates_sorting`), each key's rows in key
    (date) and file-row order: what cumulative deltas and "latest title" need.

    Rejected in this order: rows whose every field is blank ("empty row"), rows whose `summary`
    columns say 合计 / 总计 / Total, every bad or missing required cell, and rows repeating an
    earlier kept row's `keys`. Reject reasons are bare; `described` adds column and value.
    """
    frame = text_frame(table)
    for column in columns:
        frame = parse_column(
            frame,
            column.raw,
            column.kind,
            into=column.field,
            problem=column.problem,
            percent_units="%" in column.header,
            serials=table.file_format != "csv",  # a CSV's 45000 is a number, never a date
        )
    frame = mark_far_dates(frame, columns, load_limits().max_date_spread_days)
    # A value and its problem are both null only where the cell is blank or `-`, `N/A` ...
    parsed = [name for c in columns for name in (c.field, c.problem)]
    frame, blank = take_blank_rows(frame, parsed, reason="empty row")
    frame, summaries = _take_summary_rows(frame, summary)
    frame = frame.with_columns(
        pl.when(pl.col(c.field).is_null() & pl.col(c.problem).is_null())
        .then(pl.lit(REQUIRED_FIELDS[c.field]))
        .otherwise(pl.col(c.problem))
        .alias(c.problem)
        for c in columns
        if c.field in REQUIRED_FIELDS
    )
    frame, bad_cells = take_problems(frame, [(c.problem, c.raw, c.header) for c in columns])
    # Only the parsed fields go on: the raw texts and (now empty) problems would be sorted too.
    frame = frame.select(*dict.fromkeys(c.field for c in columns), ROW)
    header_of = {c.field: c.header for c in columns}
    headers = [header_of[key] for key in keys]
    frame, duplicates = take_duplicates_sorting(
        frame,
        keys,
        header=", ".join(headers),
        raw=pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=" "),
        what=f"same {' and '.join(headers)}",
    )
    return frame, blank + summaries + bad_cells + duplicates


def _take_summary_rows(
    frame: pl.DataFrame, columns: Sequence[FieldColumn]
) -> tuple[pl.DataFrame, list[Reject]]:
    """Rows an export adds as totals (合计 / 总计 / Total in an id or date cell), as rejects."""
    rejects: list[Reject] = []
    for column in columns:
        texts = frame.select(pl.col(column.raw).unique())
        markers = texts.filter(
            clean_expr(pl.col(column.raw)).str.to_lowercase().is_in(SUMMARY_MARKERS)
        ).get_column(column.raw)
        frame, found = take_rows(
            frame,
            pl.col(column.raw).is_in(markers.implode()),
            header=column.header,
            raw=column.raw,
            reason=pl.lit("summary row, not a content's day: not loaded"),
        )
        rejects += found
    return frame, rejects


def described(
    rejects: Sequence[Reject], *, prefix: str = "", file_name: str | None = None
) -> list[Reject]:
    """Rejects whose reason names the column and the value ('播放量 'x': not a count')."""
    out = []
    for reject in rejects:
        if reject.column_name is None:
            text = reject.reason
        elif reject.value_text is None:
            text = f"{reject.column_name}: {reject.reason}"
        else:
            text = f"{reject.column_name} {reject.value_text!r}: {reject.reason}"
        out.append(dataclasses.replace(reject, reason=prefix + text, file_name=file_name))
    return out


def listed(lines: list[str], what: str) -> list[str]:
    """At most MAX_LISTED warning lines, then one line counting the rest."""
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], f"... and {len(lines) - MAX_LISTED} more {what}"]


@dataclass(frozen=True)
class Deltas:
    """Daily values computed from cumulative snapshots, with what looked wrong on the way."""

    frame: pl.DataFrame
    issues: pl.DataFrame
    warnings: list[str]


def cumulative_to_daily(
    frame: pl.DataFrame, metrics: Sequence[str], platform_id: str, *, presorted: bool = False
) -> Deltas:
    """Turn running totals into daily deltas per content, ordered by date.

    The first snapshot of a content keeps its cumulative value as its delta: creator centres
    export from the publish day, so the first total is what accrued up to that day. A counter
    that went down is a counter_issue and keeps its negative delta (never clipped to 0, never
    hidden), so the deltas still sum to the platform's latest total; the next day is measured
    from the lower value, the count the platform now stands by. Signed counters (net followers)
    may go down, so they are never issues. `presorted`: the frame is already ordered by content,
    date and row (as `parse_rows` leaves it), so the sort is skipped.
    """
    ordered = frame if presorted else frame.sort(["content_id", "date_on", ROW])
    ordered = ordered.with_columns(
        __same=(pl.col("content_id") == pl.col("content_id").shift(1)).fill_null(False)
    )
    same = pl.col("__same")
    previous = []
    for metric in metrics:
        if ordered.get_column(metric).null_count():
            # The last known total before this row, skipping blanks, within the content.
            group = (~same).cum_sum()
            before = pl.col(metric).forward_fill().shift(1).over(group)
        else:  # no blanks: the row above, when it is the same content (rows are sorted)
            before = pl.when(same).then(pl.col(metric).shift(1))
        previous.append(before.alias(f"__previous_{metric}"))
    ordered = ordered.with_columns(previous)
    issue_parts = []
    deltas = []
    for metric in metrics:
        value, before = pl.col(metric), pl.col(f"__previous_{metric}")
        is_signed = FIELD_KINDS[metric] == "signed_count"
        went_down = pl.lit(False) if is_signed else (value < before).fill_null(False)
        issue_parts.append(
            ordered.filter(went_down).select(
                pl.lit(platform_id).alias("platform_id"),
                "content_id",
                "date_on",
                pl.lit(metric).alias("metric"),
                before.alias("previous_value"),
                value.alias("value"),
                "row_number",
            )
        )
        deltas.append(
            # A decrease is the platform correcting its own count: keep the negative delta, so
            # sums equal the platform's latest total, and flag it in counter_issue (never clip).
            pl.when(value.is_null())
            .then(None)
            .when(before.is_null())
            .then(value)
            .otherwise(value - before)
            .alias(metric)
        )
    issues = (
        pl.concat([conform(p, COUNTER_ISSUE) for p in issue_parts])
        if issue_parts
        else empty(COUNTER_ISSUE)
    ).sort(["content_id", "date_on", "metric"])
    warnings = [
        f"{platform_id} {content} {day} {metric} went down {before} → {value} (kept as {value - before})"
        for _, content, day, metric, before, value, _ in issues.head(MAX_LISTED).iter_rows()
    ]
    if issues.height > MAX_LISTED:
        warnings.append(
            f"... and {issues.height - MAX_LISTED} more counter decreases (all in counter_issue)"
        )
    gap = (same & (pl.col("date_on").diff().dt.total_days() > 1)).sum()
    gaps = ordered.select(gap).item()
    if gaps:
        warnings.append(
            f"{gaps} snapshot(s) come more than a day after the content's previous one: "
            "their delta covers the whole gap and is dated on the later snapshot"
        )
    ordered = ordered.with_columns(deltas).drop(["__same", *[f"__previous_{m}" for m in metrics]])
    return Deltas(ordered, issues, warnings)


def late_first_snapshots(frame: pl.DataFrame) -> int:
    """Contents whose first snapshot is after their publish day (first delta = all until then)."""
    if "published_at" not in frame.columns:
        return 0
    firsts = frame.group_by("content_id").agg(
        pl.col("date_on").min(), pl.col("published_at").drop_nulls().first()
    )
    return firsts.filter(pl.col("published_at").dt.date() < pl.col("date_on")).height


def content_frame(
    frame: pl.DataFrame, platform_id: str, *, presorted: bool = False
) -> pl.DataFrame:
    """One dim_content row per content id: the latest non-blank title, url, publish time, duration.

    `presorted`: each content's rows are already in date and row order (`parse_rows` sorts by
    content, date, row), so the sort before taking each content's last value is skipped.
    """
    present = [c for c in ("title", "url", "published_at", "duration_s") if c in frame.columns]
    order = [c for c in ("date_on", "row_number") if c in frame.columns]
    return (
        (frame if presorted else frame.sort(order))
        .group_by("content_id", maintain_order=True)
        .agg([pl.col(c).drop_nulls().last() for c in present])
        .with_columns(pl.lit(platform_id).alias("platform_id"))
        .sort("content_id")
    )


def bundle(
    *,
    rows_read: int,
    frames: dict[str, pl.DataFrame],
    rejects: list[Reject],
    warnings: list[str],
    details: dict[str, object],
) -> Staged:
    """A `content` Staged with all five frames present and conformed (empty when absent)."""
    conformed = {
        name: conform(frames[name], schema) if name in frames else empty(schema)
        for name, schema in FRAME_SCHEMAS.items()
    }
    return Staged(
        kind="content",
        rows_read=rows_read,
        frames=conformed,
        rejects=sorted_rejects(rejects),
        warnings=warnings,
        details=details,
    )
