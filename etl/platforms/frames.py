"""Shared, vectorised steps of the platform readers: raw frame, parse, reject, deltas, bundle.

A RawTable becomes one all-text Polars frame (`c0..cN` plus the file `row_number`) once; each
field's distinct texts are parsed as columns and joined back, and bad cells become rejects
through masks, so the per-row work never runs in a Python loop (only the rejected rows are
turned into objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from etl.errors import Reject
from etl.platforms.registry import FIELD_KINDS
from etl.platforms.values import clean_expr, parse_texts
from etl.reading import RawTable
from etl.schemas import (
    CONTENT,
    CONTENT_DAILY,
    CONTENT_PERIOD,
    COUNTER_ISSUE,
    Staged,
    conform,
    empty,
)

MAX_LISTED = 20  # warning lines listed one by one before the rest are summed up
SUMMARY_MARKERS = ("合计", "总计", "汇总", "total", "sum")
_PROBLEM = "__problem_"
PROBLEM_SCHEMA: dict[str, Any] = {
    "row_number": pl.Int64,
    "column_name": pl.String,
    "value_text": pl.String,
    "reason": pl.String,
}
FRAME_SCHEMAS: dict[str, dict[str, Any]] = {
    "content": CONTENT,
    "content_daily": CONTENT_DAILY,
    "content_period": CONTENT_PERIOD,
    "counter_issue": COUNTER_ISSUE,
}


@dataclass(frozen=True)
class FieldColumn:
    """One file column read as a target field."""

    index: int  # position in the RawTable
    header: str  # as written in the file
    field: str  # target field: a CONTENT / CONTENT_DAILY / CONTENT_PERIOD column
    kind: str  # id | date | text | datetime | count | signed_count | ratio | ...
    cumulative: bool = False

    @property
    def raw(self) -> str:
        """The raw text column's name in the frame."""
        return f"c{self.index}"


def field_column(index: int, header: str, field: str, *, cumulative: bool = False) -> FieldColumn:
    """A FieldColumn whose kind comes from the field (FIELD_KINDS)."""
    return FieldColumn(index, header, field, FIELD_KINDS[field], cumulative)


def raw_frame(table: RawTable) -> pl.DataFrame:
    """All cells as text columns c0..cN, plus the file row number (header = row 1)."""
    schema = {f"c{i}": pl.String for i in range(len(table.headers))}
    frame = pl.DataFrame(table.rows, schema=schema, orient="row")
    return frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("row_number"))


def parse_fields(
    frame: pl.DataFrame, columns: Sequence[FieldColumn]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(frame with every field parsed, problems [row_number, column_name, value_text, reason]).

    Each column's distinct texts are parsed once and joined back onto the rows.
    """
    parsed = frame
    problems = []
    for column in columns:
        lookup = parse_texts(
            frame.get_column(column.raw), column.kind, percent_units="%" in column.header
        ).rename({"raw": column.raw, "value": column.field, "problem": _PROBLEM})
        parsed = parsed.join(
            lookup, on=column.raw, how="left", nulls_equal=True, maintain_order="left"
        )
        problems.append(
            parsed.filter(pl.col(_PROBLEM).is_not_null()).select(
                "row_number",
                pl.lit(column.header).alias("column_name"),
                pl.col(column.raw).alias("value_text"),
                pl.col(_PROBLEM).alias("reason"),
            )
        )
        parsed = parsed.drop(_PROBLEM)
    return parsed, concat_problems(problems)


def concat_problems(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """Problem frames as one, in file order (empty frames allowed)."""
    parts = [conform(f, PROBLEM_SCHEMA) for f in frames]
    if not parts:
        return empty(PROBLEM_SCHEMA)
    return pl.concat(parts).sort("row_number", maintain_order=True)


def blank_rows(frame: pl.DataFrame, width: int) -> pl.DataFrame:
    """Rows whose every cell is blank, as problems."""
    blank = pl.all_horizontal(
        [
            pl.col(f"c{i}").is_null() | (pl.col(f"c{i}").str.strip_chars() == "")
            for i in range(width)
        ]
    )
    return frame.filter(blank).select(
        "row_number",
        pl.lit(None, dtype=pl.String).alias("column_name"),
        pl.lit(None, dtype=pl.String).alias("value_text"),
        pl.lit("empty row").alias("reason"),
    )


def summary_rows(frame: pl.DataFrame, columns: Sequence[FieldColumn]) -> pl.DataFrame:
    """Rows an export adds as totals (合计 / 总计 / Total in the id or date cell), as problems."""
    parts = []
    for column in columns:
        texts = frame.select(pl.col(column.raw).unique())
        markers = texts.filter(
            clean_expr(pl.col(column.raw)).str.to_lowercase().is_in(SUMMARY_MARKERS)
        ).get_column(column.raw)
        parts.append(
            frame.filter(pl.col(column.raw).is_in(markers.implode())).select(
                "row_number",
                pl.lit(column.header).alias("column_name"),
                pl.col(column.raw).alias("value_text"),
                pl.lit("summary row, not a content's day: not loaded").alias("reason"),
            )
        )
    return concat_problems(parts).unique("row_number", keep="first", maintain_order=True)


def duplicate_rows(
    frame: pl.DataFrame, keys: Sequence[str], column_name: str, what: str
) -> pl.DataFrame:
    """Later rows repeating an earlier row's key, as problems naming the first row."""
    usable = frame.filter(pl.all_horizontal([pl.col(k).is_not_null() for k in keys]))
    first = pl.col("row_number").min().over(keys).alias("__first")
    return (
        usable.with_columns(first)
        .filter(pl.col("row_number") != pl.col("__first"))
        .select(
            "row_number",
            pl.lit(column_name).alias("column_name"),
            pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=" ").alias(
                "value_text"
            ),
            pl.format("duplicate of row {} (same {})", pl.col("__first"), pl.lit(what)).alias(
                "reason"
            ),
        )
    )


def without_rows(frame: pl.DataFrame, problems: pl.DataFrame) -> pl.DataFrame:
    """The frame minus every row that has a problem."""
    return frame.join(problems.select("row_number").unique(), on="row_number", how="anti")


def rejects_of(problems: pl.DataFrame, prefix: str = "") -> list[Reject]:
    """Problems as Rejects whose reason names the column and the value ('播放量 'x': not a count')."""
    rejects = []
    for row_number, column, value, reason in problems.iter_rows():
        if column is None:
            text = reason
        elif value is None:
            text = f"{column}: {reason}"
        else:
            text = f"{column} {value!r}: {reason}"
        rejects.append(Reject(row_number, column, value, prefix + text))
    return rejects


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


def cumulative_to_daily(frame: pl.DataFrame, metrics: Sequence[str], platform_id: str) -> Deltas:
    """Turn running totals into daily deltas per content, ordered by date.

    The first snapshot of a content keeps its cumulative value as its delta: creator centres
    export from the publish day, so the first total is what accrued up to that day. A counter
    that went down is a counter_issue and keeps its negative delta (never clipped to 0, never
    hidden), so the deltas still sum to the platform's latest total; the next day is measured
    from the lower value, the count the platform now stands by. Signed counters (net followers)
    may go down, so they are never issues.
    """
    ordered = frame.sort(["content_id", "date_on", "row_number"]).with_columns(
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


def content_frame(frame: pl.DataFrame, platform_id: str) -> pl.DataFrame:
    """One dim_content row per content id: the latest non-blank title, url, publish time, duration."""
    present = [c for c in ("title", "url", "published_at", "duration_s") if c in frame.columns]
    order = [c for c in ("date_on", "row_number") if c in frame.columns]
    return (
        frame.sort(order)
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
    """A `content` Staged with all four frames present and conformed (empty when absent)."""
    conformed = {
        name: conform(frames[name], schema) if name in frames else empty(schema)
        for name, schema in FRAME_SCHEMAS.items()
    }
    return Staged(
        kind="content",
        rows_read=rows_read,
        frames=conformed,
        rejects=sorted(rejects, key=lambda r: r.row_number),
        warnings=warnings,
        details=details,
    )
