"""Date columns of platform exports read with etl.dates before the shared row parser runs.

`frames.parse_rows` parses a `date` field with etl.values, which reads one cell at a time and
knows neither the column's day/month order nor the year of `February 28`. So a reader first
reads the whole column with `etl.dates.read_date_column`, writes ISO text back into the table
(`with_iso_dates`), lets `parse_rows` parse that, then rejects the rows etl.dates found a
problem in that etl.values would have let through (a plain `45689` in a CSV: `reject_date_problems`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl

from etl.dates import (
    DateColumn,
    DayMonthOrder,
    YearlessRule,
    infer_day_month_order,
    read_date_column,
)
from etl.errors import IngestError, Reject
from etl.frames import ROW
from etl.reading import RawTable


def shared_order(
    path: Path, columns: Sequence[tuple[str, pl.Series]], explicit: DayMonthOrder | None = None
) -> tuple[DayMonthOrder | None, list[str]]:
    """The day/month order of several date columns of one export, decided by all of them.

    One export is re-saved by one Excel, so its date columns share one order; a short file
    whose every day is <= 12 can still be decided by its longer sibling. IngestError when the
    columns together are undecidable or contradict each other.
    """
    if not columns:
        return explicit, []
    names = ", ".join(dict.fromkeys(name for name, _ in columns))
    texts = pl.concat([series.cast(pl.String).rename("t") for _, series in columns])
    inferred = infer_day_month_order(texts, column=names, explicit=explicit)
    if inferred.error:
        raise IngestError(path, inferred.error)
    return inferred.order, [inferred.note] if inferred.note else []


def with_iso_dates(
    table: RawTable,
    index: int,
    *,
    header: str,
    order: DayMonthOrder | None,
    allow_serial: bool = False,
    as_of: date | pl.Series | None = None,
    span: tuple[date, date] | None = None,
    yearless: YearlessRule = "sequence",
    keep_time: bool = False,
) -> tuple[RawTable, DateColumn]:
    """The table with column `index` rewritten as ISO text where etl.dates read it.

    Unreadable cells keep their text, so the row parser rejects them naming the original value.
    IngestError when the column cannot be read without guessing (etl.dates' column error).
    """
    frame = table.frame()
    raw = frame.get_column(f"c{index}")
    column = read_date_column(
        raw,
        column=header,
        order=order,
        allow_serial=allow_serial,
        as_of=as_of,
        span=span,
        yearless=yearless,
        iso="datetime" if keep_time else "date",
    )
    if column.error:
        raise IngestError(table.path, column.error, column=header)
    assert column.iso is not None
    rewritten = frame.with_columns(pl.coalesce(column.iso, raw).alias(f"c{index}"))
    return (
        RawTable(
            table.path,
            table.headers,
            frame=rewritten,
            file_format=table.file_format,
            encoding=table.encoding,
            is_encoding_guessed=table.is_encoding_guessed,
            warnings=list(table.warnings),
        ),
        column,
    )


def reject_date_problems(
    kept: pl.DataFrame, rejects: list[Reject], column: DateColumn, header: str, raw: pl.Series
) -> tuple[pl.DataFrame, list[Reject]]:
    """Move kept rows whose date etl.dates found a problem in to the rejects."""
    problems = (
        pl.DataFrame({"problem": column.problems, "raw": raw.cast(pl.String)})
        .with_row_index(ROW, offset=2)
        .with_columns(pl.col(ROW).cast(pl.Int64))
        .filter(pl.col("problem").is_not_null())
    )
    if problems.is_empty():
        return kept, rejects
    bad = problems.join(kept.select(ROW), on=ROW, how="semi")
    moved = [
        Reject(row, header, text, why)
        for row, why, text in bad.select(ROW, "problem", "raw").iter_rows()
    ]
    return kept.join(bad.select(ROW), on=ROW, how="anti"), rejects + moved
