"""Topic attention (FORMATS.md section 8): `attention_*.csv` -> fct_topic_attention.

Two layouts, told apart by the headers:
- long: `日期, 关键词, 指数` and `来源` (百度指数 / 微信指数 / 微博热度 ...), one value per row;
- wide: `日期` plus one column per keyword (the header is the keyword), one day per row; the
  source is `source_name` (the CLI's `--source-name`), and without it the file is refused.

Decisions where the spec is silent:
- Long: a blank 指数 (or `-`) rejects the row with "no value"; a blank 来源 falls back to
  `source_name`, and without one the row is rejected. A long file with no 来源 column needs
  `source_name` like a wide file.
- Wide: a blank cell is simply no observation (a gap, neither loaded nor rejected). The row is
  the unit, as in every reader: a row with any bad cell (negative, not a number) is rejected
  whole, one Reject per bad cell naming its keyword column, and its good cells are not loaded
  either; a dated row with no value at all is rejected as "no value for any keyword".
- 日期 is one day: `2025-02-01`, `2025/2/1`, `20250201`, `Feb 1, 2025`, Excel serials (only
  from .xlsx/.xls: a CSV's `45000` is rejected as a plain number); a spreadsheet's midnight
  time is fine, any other time of day is rejected (hourly data would otherwise surface only as
  a string of duplicates). A day more than `max_date_spread_days` from the file's other days
  (median) is rejected as a typo.
- 指数 is a non-negative number: `1234`, `1,234`, `12.5`, `1.2万`.
- A repeated (source, keyword, day) is rejected as "duplicate of row N" (N the first row that
  loaded); in a wide file a repeated 日期 rejects the later row.
- Keywords and sources are kept as written after clean_text (NFKC, trimmed).
- The granularity is the spacing of the dates (`series.infer_granularity`): day, week (every
  gap a whole number of weeks, as 百度指数 shows long ranges) or month.
- details: `layout` (long | wide), `granularity`, `rows_loaded`, `observations`, `keywords`,
  `sources`.
- Google Trends downloads (trends.py) and 百度指数 / 微信指数 / 巨量算数 tables (indices.py) are
  recognised first, by their structure and headers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from etl.attention.indices import pick_index_layout, stage_index_table
from etl.attention.series import infer_granularity, mark_far_days
from etl.attention.trends import read_google_trends
from etl.errors import IngestError, Reject
from etl.frames import (
    ROW,
    clean_columns,
    find_columns,
    ignored_columns_warning,
    mark_missing,
    sorted_rejects,
    take_blank_rows,
    take_duplicates,
    take_problems,
    take_rows,
    text_frame,
)
from etl.reading import RawTable, read_table
from etl.schemas import TOPIC_ATTENTION, Staged, conform, empty
from etl.values import parse_column
from survey.text import clean_text

DATE = "日期"
# Field names differ from the TOPIC_ATTENTION targets so a parsed column never hides its raw text.
LONG = {"date": DATE, "kw": "关键词", "idx": "指数"}
OPTIONAL = {"src": "来源"}


def read_attention_export(path: Path | str, *, source_name: str | None = None) -> Staged:
    """Read an attention file: Google Trends (trends.py), a 百度指数 / 微信指数 / 巨量算数
    table (indices.py), or our long / wide layouts, into (source, keyword, period) values."""
    path = Path(path)
    if path.is_file():
        trends = read_google_trends(path)
        if trends is not None:
            return trends
    return stage_attention(read_table(path), source_name=source_name)


def describe_attention_file(path: Path | str, *, source_name: str | None = None) -> dict[str, Any]:
    """What an attention file holds, for `inspect`: layout, granularity, terms, regions, rows,
    date span (raises IngestError naming what is missing when it is no attention file)."""
    staged = read_attention_export(path, source_name=source_name)
    values = staged.frames.get("topic_attention", empty(TOPIC_ATTENTION))
    regions = staged.frames.get("topic_region")
    is_geo = regions is not None and regions.height > 0 and values.is_empty()
    # A region file's span is its header's date range (when it could be read).
    dates = (
        pl.concat([regions["period_start_on"], regions["period_end_on"]]).drop_nulls()  # type: ignore[index]
        if is_geo
        else values["date_on"].drop_nulls()
    )
    return {
        "layout": staged.details.get("layout"),
        "granularity": None if is_geo else staged.details.get("granularity"),
        "sources": staged.details.get("sources", []),
        "terms": sorted(
            (regions if is_geo else values)["keyword"].unique().to_list()  # type: ignore[index]
        ),
        "regions": sorted(
            (regions["region_name"] if is_geo else values["region"].drop_nulls())  # type: ignore[index]
            .unique()
            .to_list()
        ),
        "geo_level": staged.details.get("geo_level"),
        "rows": staged.rows_read,
        "rows_loadable": staged.rows_read - staged.rows_rejected,
        "rows_rejected": staged.rows_rejected,
        "first_on": dates.min() if dates.len() else None,
        "last_on": dates.max() if dates.len() else None,
        "warnings": list(staged.warnings),
    }


def stage_attention(table: RawTable, *, source_name: str | None = None) -> Staged:
    """Pick the layout from the headers and parse it."""
    source_name = clean_text(source_name)
    index_layout = pick_index_layout(table)
    if index_layout is not None:
        return stage_index_table(table, index_layout, source_name=source_name)
    headers = [clean_text(h) for h in table.headers]
    if DATE not in headers:
        raise IngestError(
            table.path,
            f"missing column {DATE}; expected {', '.join(LONG.values())}, 来源 (long) "
            f"or {DATE} plus one column per keyword (wide, with --source-name)",
            row=1,
            column=DATE,
        )
    if LONG["kw"] in headers or LONG["idx"] in headers:
        return stage_long(table, source_name)
    return stage_wide(table, source_name)


def _source_needed(table: RawTable, why: str) -> IngestError:
    return IngestError(
        table.path, f"{why}: pass --source-name (e.g. --source-name 百度指数)", row=1
    )


def _staged(
    table: RawTable,
    layout: str,
    values: pl.DataFrame,
    rejects: list[Reject],
    warnings: list[str],
) -> Staged:
    granularity = infer_granularity(values["date_on"].drop_nulls().to_list())
    values = conform(
        values.sort(["source", "keyword", "date_on"]).with_columns(
            pl.lit(granularity, pl.String).alias("granularity")
        ),
        TOPIC_ATTENTION,
    )
    return Staged(
        kind="attention",
        rows_read=len(table.rows),
        frames={"topic_attention": values},
        rejects=sorted_rejects(rejects),
        warnings=table.warnings + warnings,
        details={
            "layout": layout,
            "granularity": granularity,
            "rows_loaded": values[ROW].n_unique(),
            "observations": values.height,
            "keywords": values["keyword"].n_unique(),
            "sources": sorted(values["source"].unique().to_list()),
        },
    )


def stage_long(table: RawTable, source_name: str | None) -> Staged:
    """One (day, keyword, value, source) per row."""
    columns = find_columns(table, LONG, OPTIONAL)
    if "src" not in columns and source_name is None:
        raise _source_needed(table, "the file has no 来源 column, so it names no source")
    headers = {field: table.headers[index] for field, index in columns.items()}
    frame = text_frame(table, columns)
    if "src" not in columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("src"))
    frame = clean_columns(frame, ["date", "kw", "idx", "src"])
    frame, rejects = take_blank_rows(frame, [f"t_{f}" for f in columns])
    frame = parse_column(
        frame,
        "t_date",
        "date",
        into="date_on",
        problem="p_date",
        allow_time=False,
        serials=table.file_format != "csv",  # a CSV's 45000 is a number, never a date
    )
    frame = mark_far_days(frame, "date_on", "p_date")
    frame = parse_column(frame, "t_idx", "number", into="value", problem="p_idx")
    frame = frame.with_columns(
        pl.col("t_kw").alias("keyword"),
        pl.lit(None, pl.String).alias("p_kw"),
        # A blank 来源 falls back to --source-name.
        pl.coalesce(pl.col("t_src"), pl.lit(source_name, pl.String)).alias("source"),
    )
    frame = frame.with_columns(
        pl.when(pl.col("source").is_null())
        .then(pl.lit("missing (and no --source-name to fall back on)"))
        .alias("p_src"),
    )
    frame = mark_missing(frame, ["date", "kw"])
    frame = mark_missing(frame, ["idx"], reason="no value")
    checks = sorted(
        ((f"p_{f}", f, headers.get(f, "来源")) for f in ("date", "kw", "idx", "src")),
        key=lambda check: columns.get(check[1], len(columns)),
    )
    frame, bad_cells = take_problems(frame, checks)
    frame, duplicates = take_duplicates(
        frame,
        ["source", "keyword", "date_on"],
        header=headers["date"],
        raw="date",
        what="same 来源, 关键词 and 日期",
    )
    warnings = ignored_columns_warning(table, columns)
    return _staged(table, "long", frame, rejects + bad_cells + duplicates, warnings)


def stage_wide(table: RawTable, source_name: str | None) -> Staged:
    """`日期` plus one column per keyword; blank cells are gaps."""
    if source_name is None:
        raise _source_needed(
            table, "a wide file (日期 plus one column per keyword) names no source"
        )
    date_index = [clean_text(h) for h in table.headers].index(DATE)
    keywords = {
        f"k{index}": (table.headers[index], clean_text(header) or "")
        for index, header in enumerate(table.headers)
        if index != date_index
    }
    if not keywords:
        raise IngestError(
            table.path, "a wide attention file needs keyword columns after 日期", row=1
        )
    seen: dict[str, str] = {}
    for header, keyword in keywords.values():
        if keyword in seen:
            raise IngestError(
                table.path,
                f"two columns are the same keyword {keyword!r} ({seen[keyword]!r}, {header!r})",
                row=1,
                column=header,
            )
        seen[keyword] = header
    fields = list(keywords)
    frame = text_frame(table, {"date": date_index, **{f: int(f[1:]) for f in fields}})
    frame = clean_columns(frame, ["date", *fields])
    frame, rejects = take_blank_rows(frame, [f"t_{f}" for f in ["date", *fields]])
    frame = parse_column(
        frame,
        "t_date",
        "date",
        into="date_on",
        problem="p_date",
        allow_time=False,
        serials=table.file_format != "csv",  # a CSV's 45000 is a number, never a date
    )
    frame = mark_far_days(frame, "date_on", "p_date")
    frame = mark_missing(frame, ["date"])

    # Cells long: one row per non-blank keyword cell, parsed in one pass.
    # unpivot stacks the columns in the order given, so raw and cleaned cells line up.
    cells = (
        frame.unpivot(index=[ROW], on=fields, variable_name="field", value_name="raw")
        .with_columns(
            frame.unpivot(index=[ROW], on=[f"t_{f}" for f in fields], value_name="text")["text"]
        )
        .filter(pl.col("text").is_not_null())
    )
    cells = parse_column(cells, "text", "number", into="value", problem="problem")
    bad_cells = cells.filter(pl.col("problem").is_not_null())
    header_of = {field: header for field, (header, _) in keywords.items()}
    cell_rejects = [
        Reject(row, header_of[field], raw, reason)
        for row, field, raw, reason in bad_cells.select(ROW, "field", "raw", "problem").iter_rows()
    ]
    frame, date_rejects = take_rows(
        frame,
        pl.col("p_date").is_not_null(),
        header=table.headers[date_index],
        raw="date",
        reason=pl.col("p_date"),
    )
    frame = frame.filter(~pl.col(ROW).is_in(bad_cells[ROW].implode()))
    frame, no_value = take_rows(
        frame,
        ~pl.col(ROW).is_in(cells[ROW].implode()),
        header=table.headers[date_index],
        raw="date",
        reason=pl.lit("no value for any keyword"),
    )
    frame, duplicates = take_duplicates(
        frame, ["date_on"], header=table.headers[date_index], raw="date", what="same 日期"
    )
    values = cells.join(frame.select(ROW, "date_on"), on=ROW, how="inner").with_columns(
        pl.col("field")
        .replace_strict({f: kw for f, (_, kw) in keywords.items()}, return_dtype=pl.String)
        .alias("keyword"),
        pl.lit(source_name, pl.String).alias("source"),
    )
    all_rejects = rejects + date_rejects + cell_rejects + no_value + duplicates
    return _staged(table, "wide", values, all_rejects, [])
