"""Dates read a whole column at a time: the day/month order, every spelling, the missing year.

`read_date_column(texts, column=...)` parses one column of cell texts (a Polars Series, in file
order) and returns a `DateColumn`: one moment per row (null where blank or unreadable), one
problem per row (null when fine), the day/month order it used, a note for the load report
that says how the column was read, and a column-level `error` when the column cannot be read
without guessing. Each distinct text is parsed once, by regular expressions over the whole
column; only the year of year-less dates needs the rows in file order.

Spellings read (after NFKC, case folding and whitespace folding):
- ISO and year-first: `2025-02-01`, `2025/2/1`, `2025.2.1`, `20250201`, optionally with a time
  (`2025-02-01 20:01`, `2025-02-01T20:01:37`).
- Chinese: `2026年3月24日`, `2026年03月24日17时33分05秒`, `2026年3月24日 17:33`; year-less
  `3月24日`.
- Numeric day and month with a four-digit year: `13-06-2025`, `06/13/2025`, `13.06.2025`.
  Whether the first number is the day (`DD-MM-YYYY`, order `dmy`) or the month
  (`MM-DD-YYYY`, order `mdy`) is decided for the whole column: a first number above 12
  anywhere means day first, a second number above 12 means month first. Both in one column
  is an error; neither (every number <= 12, e.g. `01-02-2025` and `03-04-2025`) is
  undecidable: the column's `error` says so and names the column, and no row is guessed.
  A caller that knows the order passes `order=`; a column whose texts contradict it is an
  error too. A column whose every numeric date reads the same both ways (`05-05-2025`) needs
  no order.
- Month names, English and Spanish (`MONTH_NAMES`): `Sep 27, 2024`, `Feb 1, 2025`,
  `February 28`, `28 February 2025`, `28 feb. 2025`, `8 de marzo`, `8 de marzo de 2025`.
- Excel serials (`45689`) only with `allow_serial=True`: a reader passes it for a workbook
  date cell stored as a number or a column whose format says so. A plain number in a CSV date
  column is not a date.
- Blank, `-`, `N/A`, `undefined` (TikTok) ... are "not reported": null with no problem.

Year-less dates (`February 28`, `8 de marzo`, `3月24日`) take their year from an anchor: the
export's as-of day (`as_of`, e.g. the day it was downloaded) or the last day of its span
(`span`). Two rules, chosen by the caller:
- `yearless="sequence"` (a daily series, rows in date order, TikTok Overview): the rows are
  one run of consecutive dates. The run's direction is the majority of its steps; each step
  that goes back in the calendar (`December 31` -> `January 1` in an ascending run) crosses
  into the next year (the previous one in a descending run). The year of the run's last day
  is the anchor's year, or the year before when that month-day falls after the anchor's (the
  latest day of the run is never after the export). So `December 30, December 31, January 1`
  exported on 2026-01-05 is 2025-12-30, 2025-12-31, 2026-01-01.
- `yearless="latest"` (unordered rows, e.g. a post time): each date is the latest day with
  that month and day on or before the anchor. `as_of` may be a Series (one anchor per row,
  e.g. the row's own export time).
With a `span`, a placed date outside it is a problem on that row. Without an anchor a column
holding year-less dates is a column error. `February 29` placed in a year without one is a
problem on its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Literal

import polars as pl

DayMonthOrder = Literal["dmy", "mdy"]
YearlessRule = Literal["sequence", "latest"]
ORDER_NAMES: dict[str, str] = {"dmy": "DD-MM-YYYY", "mdy": "MM-DD-YYYY"}
NOT_REPORTED = ("-", "--", "—", "–", "/", "n/a", "na", "null", "none", "暂无", "undefined")
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
_EXCEL_EPOCH = datetime(1899, 12, 30)
_SERIAL_RANGE = (20_000, 80_000)  # 1954..2119

_MONTH_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("jan", "january", "ene", "enero"),
    ("feb", "february", "febrero"),
    ("mar", "march", "marzo"),
    ("apr", "april", "abr", "abril"),
    ("may", "mayo"),
    ("jun", "june", "junio"),
    ("jul", "july", "julio"),
    ("aug", "august", "ago", "agosto"),
    ("sep", "sept", "september", "septiembre", "setiembre"),
    ("oct", "october", "octubre"),
    ("nov", "november", "noviembre"),
    ("dec", "december", "dic", "diciembre"),
)
# Month name (case-folded) -> month number: English and Spanish, full and abbreviated.
MONTH_NAMES: dict[str, int] = {
    name: number for number, names in enumerate(_MONTH_SPELLINGS, start=1) for name in names
}

# Digits are spelled [0-9]: \d would also match other scripts' digits, which Polars cannot cast.
_TIME = (
    r"(?:[ t]*(?P<hh>[0-9]{1,2})[:时](?P<mi>[0-9]{1,2})"
    r"(?:[:分](?P<ss>[0-9]{1,2})(?:\.[0-9]+)?秒?|分)?)?(?:z)?"
)
_PATTERNS: dict[str, str] = {
    "ymd": rf"^(?P<y>[0-9]{{4}})[-/.年](?P<m>[0-9]{{1,2}})[-/.月](?P<d>[0-9]{{1,2}})日?{_TIME}$",
    "compact": r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$",
    "numeric": rf"^(?P<a>[0-9]{{1,2}})[-/.](?P<b>[0-9]{{1,2}})[-/.](?P<y>[0-9]{{4}}){_TIME}$",
    "month_first": (
        rf"^(?P<mon>[^\s0-9.,]+)\.? (?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?"
        rf"(?:,? (?P<y>[0-9]{{4}}))?,?{_TIME}$"
    ),
    "day_first": (
        rf"^(?P<d>[0-9]{{1,2}})\.?(?: de)? (?P<mon>[^\s0-9.,]+)\.?"
        rf"(?:,?(?: de(?:l)?)? (?P<y>[0-9]{{4}}))?,?{_TIME}$"
    ),
    "cn_month_day": rf"^(?P<m>[0-9]{{1,2}})月(?P<d>[0-9]{{1,2}})日{_TIME}$",
    "serial": r"^(?P<serial>[0-9]{5}(?:\.[0-9]+)?)$",
}


@dataclass(frozen=True)
class OrderInference:
    """The day/month order of a column's numeric dates and why, or the reason there is none."""

    order: DayMonthOrder | None  # None: no numeric date needs one, or undecidable (see error)
    note: str | None  # for the load report: how the order was decided
    error: str | None  # the column cannot be read without guessing


@dataclass(frozen=True)
class DateColumn:
    """One column read as dates: a moment and a problem per row, how it was read, or why not."""

    read: pl.Series | None  # Datetime("us") per row; None: cast from `iso` when first asked
    problems: pl.Series  # String per row, null where the cell is fine (blank is fine here)
    order: DayMonthOrder | None
    notes: list[str]  # how the column was read, for the load report
    error: str | None  # column-level: nothing in the column may be used
    iso: pl.Series | None = None  # the values as ISO text, when asked for

    @cached_property
    def moments(self) -> pl.Series:
        """Datetime("us") per row, null where blank or unreadable."""
        if self.read is not None:
            return self.read
        assert self.iso is not None
        return self.iso.str.to_datetime(time_unit="us", strict=False)

    @property
    def dates(self) -> pl.Series:
        """The moments as dates."""
        return self.moments.dt.date()


def _cleaned(raw: pl.Expr) -> pl.Expr:
    """NFKC, whitespace folded, trimmed, case-folded; null where blank or not reported."""
    text = (
        raw.str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()
    )
    return pl.when((text != "") & ~text.is_in(NOT_REPORTED)).then(text)


def _parts(texts: pl.Series) -> pl.DataFrame:
    """One row per distinct raw text: which form it has and its parts (text, still unjoined)."""
    frame = pl.DataFrame({"raw": texts.cast(pl.String)}).unique(maintain_order=True)
    frame = frame.with_columns(text=_cleaned(pl.col("raw")))
    frame = frame.with_columns(
        pl.col("text").str.extract_groups(pattern).alias(f"_{name}")
        for name, pattern in _PATTERNS.items()
    ).unnest(*[f"_{name}" for name in _PATTERNS], separator="_")
    month_name = {
        key: pl.col(f"_{key}_mon")
        .str.strip_chars_end(".")
        .replace_strict(MONTH_NAMES, default=None, return_dtype=pl.Int32)
        for key in ("month_first", "day_first")
    }
    frame = frame.with_columns(
        _month_first_m=month_name["month_first"], _day_first_m=month_name["day_first"]
    )

    def num(name: str) -> pl.Expr:
        return pl.col(name).cast(pl.Int32, strict=False)

    named_first = pl.col("_month_first_m").is_not_null()
    named_day = pl.col("_day_first_m").is_not_null()
    form = (
        pl.when(pl.col("_ymd_y").is_not_null())
        .then(pl.lit("ymd"))
        .when(pl.col("_compact_y").is_not_null())
        .then(pl.lit("ymd"))
        .when(pl.col("_numeric_y").is_not_null())
        .then(pl.lit("numeric"))
        .when(named_first)
        .then(pl.lit("month_first"))
        .when(named_day)
        .then(pl.lit("day_first"))
        .when(pl.col("_cn_month_day_m").is_not_null())
        .then(pl.lit("cn_month_day"))
        .when(pl.col("_serial_serial").is_not_null())
        .then(pl.lit("serial"))
    )
    return frame.with_columns(
        form=form,
        y=pl.coalesce(
            num("_ymd_y"),
            num("_compact_y"),
            num("_numeric_y"),
            pl.when(named_first).then(num("_month_first_y")),
            pl.when(named_day).then(num("_day_first_y")),
        ),
        m=pl.coalesce(
            num("_ymd_m"),
            num("_compact_m"),
            pl.col("_month_first_m"),
            pl.col("_day_first_m"),
            num("_cn_month_day_m"),
        ),
        d=pl.coalesce(
            num("_ymd_d"),
            num("_compact_d"),
            pl.when(named_first).then(num("_month_first_d")),
            pl.when(named_day).then(num("_day_first_d")),
            num("_cn_month_day_d"),
        ),
        a=num("_numeric_a"),
        b=num("_numeric_b"),
        hh=pl.coalesce(
            *[num(f"_{k}_hh") for k in ("ymd", "numeric", "month_first", "day_first")],
            num("_cn_month_day_hh"),
        ),
        mi=pl.coalesce(
            *[num(f"_{k}_mi") for k in ("ymd", "numeric", "month_first", "day_first")],
            num("_cn_month_day_mi"),
        ),
        ss=pl.coalesce(
            *[num(f"_{k}_ss") for k in ("ymd", "numeric", "month_first", "day_first")],
            num("_cn_month_day_ss"),
        ),
        serial=pl.col("_serial_serial").cast(pl.Float64, strict=False),
    ).select("raw", "text", "form", "y", "m", "d", "a", "b", "hh", "mi", "ss", "serial")


def _order_from_parts(
    parts: pl.DataFrame, *, column: str, explicit: DayMonthOrder | None
) -> OrderInference:
    numeric = parts.filter(pl.col("form") == "numeric")
    if numeric.is_empty():
        return OrderInference(explicit, None, None)
    day_first = numeric.filter(pl.col("a") > 12)
    month_first = numeric.filter(pl.col("b") > 12)
    if not day_first.is_empty() and not month_first.is_empty():
        return OrderInference(
            None,
            None,
            f"column {column!r} mixes DD-MM-YYYY ({day_first['raw'][0]}) and MM-DD-YYYY "
            f"({month_first['raw'][0]}) dates: cannot read it",
        )
    found: DayMonthOrder | None = None
    example = None
    if not day_first.is_empty():
        found, example = "dmy", day_first["raw"][0]
    elif not month_first.is_empty():
        found, example = "mdy", month_first["raw"][0]
    if explicit is not None:
        if found is not None and found != explicit:
            return OrderInference(
                None,
                None,
                f"column {column!r} was to be read as {ORDER_NAMES[explicit]} but {example!r} "
                f"is {ORDER_NAMES[found]}",
            )
        return OrderInference(
            explicit, f"{column}: dates read as {ORDER_NAMES[explicit]} (given)", None
        )
    if found is not None:
        return OrderInference(
            found, f"{column}: dates read as {ORDER_NAMES[found]}, inferred from {example!r}", None
        )
    if numeric.filter(pl.col("a") != pl.col("b")).is_empty():
        return OrderInference(None, None, None)  # 05-05-2025 reads the same either way
    sample = numeric.filter(pl.col("a") != pl.col("b"))["raw"][0]
    return OrderInference(
        None,
        None,
        f"column {column!r}: dates like {sample!r} could be DD-MM-YYYY or MM-DD-YYYY (no day "
        "above 12 anywhere in the column): cannot tell, give the date order (dmy or mdy)",
    )


def infer_day_month_order(
    texts: pl.Series, *, column: str, explicit: DayMonthOrder | None = None
) -> OrderInference:
    """The day/month order of a column's numeric dates, decided by the whole column."""
    return _order_from_parts(_parts(texts), column=column, explicit=explicit)


def _moment(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """A datetime from parts, null where the day does not exist (`2025-02-30`)."""
    text = pl.format(
        "{}-{}-{} {}:{}:{}",
        year,
        month,
        day,
        pl.col("hh").fill_null(0),
        pl.col("mi").fill_null(0),
        pl.col("ss").fill_null(0),
    )
    return text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)


def _anchor_series(
    as_of: date | pl.Series | None, span: tuple[date, date] | None, n: int
) -> pl.Series | None:
    if isinstance(as_of, pl.Series):
        return as_of.cast(pl.Date)
    anchor = as_of if as_of is not None else (span[1] if span is not None else None)
    if anchor is None:
        return None
    return pl.Series("anchor", [anchor] * n, dtype=pl.Date)


def _place_years(
    rows: pl.DataFrame, anchor: pl.Series, rule: YearlessRule
) -> tuple[pl.Series, str | None]:
    """(year per row, null for rows with a year) for the year-less rows, and a note."""
    frame = rows.with_columns(anchor=anchor)
    md = pl.col("m") * 100 + pl.col("d")
    # dt.month() is Int8: widen before scaling, or 3 * 100 overflows.
    anchor_md = pl.col("anchor").dt.month().cast(pl.Int32) * 100 + pl.col("anchor").dt.day()
    latest = pl.col("anchor").dt.year() - (md > anchor_md).cast(pl.Int32)
    if rule == "latest":
        years = frame.select(pl.when(pl.col("yearless")).then(latest).alias("y")).to_series()
        return years, "year-less dates: each is the latest such day on or before its as-of date"
    # sequence: only the year-less rows, in file order, form the run
    run = frame.with_row_index("_i").filter(pl.col("yearless") & md.is_not_null())
    if run.is_empty():
        return pl.Series("y", [None] * rows.height, dtype=pl.Int32), None
    # Day of a leap year (2000), so a step across new year is as short as any other step:
    # taken modulo 366, an ascending run steps by a few days, a descending one by nearly 366.
    ordinal = (
        pl.format("2000-{}-{}", pl.col("m"), pl.col("d"))
        .str.to_date("%Y-%m-%d", strict=False)
        .dt.ordinal_day()
        .cast(pl.Int32)
    )
    # Only days that exist (in a leap year) form the run; `February 31` stays "no such day".
    run = run.with_columns(_md=md, _doy=ordinal).filter(pl.col("_doy").is_not_null())
    if run.is_empty():
        return pl.Series("y", [None] * rows.height, dtype=pl.Int32), None
    steps = run.get_column("_doy").diff().drop_nulls()
    steps = steps.filter(steps != 0) % 366
    ascending = steps.is_empty() or bool(steps.median() < 183)  # type: ignore[operator]
    crossed = (pl.col("_md").diff() < 0) if ascending else (pl.col("_md").diff() > 0)
    run = run.with_columns(_offset=crossed.fill_null(False).cast(pl.Int32).cum_sum())
    if not ascending:
        run = run.with_columns(_offset=-pl.col("_offset"))
    last = run.sort("_offset", "_md").tail(1)  # the run's latest day
    last_year = last.select(latest).item()
    base = last_year - last["_offset"].item()
    run = run.with_columns(y=pl.lit(base) + pl.col("_offset"))
    years = (
        pl.DataFrame({"_i": pl.int_range(rows.height, eager=True, dtype=pl.UInt32)})
        .join(run.select(pl.col("_i"), pl.col("y").cast(pl.Int32)), on="_i", how="left")
        .sort("_i")
        .get_column("y")
    )
    crossings = int(run.select(pl.col("_offset").abs().max()).item() or 0)
    anchor_day = str(anchor.max())
    note = (
        f"year-less dates: a run of days in {'ascending' if ascending else 'descending'} order "
        f"ending on or before {anchor_day}"
        + (f", crossing {crossings} new year(s)" if crossings else "")
    )
    return years, note


def read_date_column(
    texts: pl.Series,
    *,
    column: str,
    order: DayMonthOrder | None = None,
    allow_serial: bool = False,
    as_of: date | pl.Series | None = None,
    span: tuple[date, date] | None = None,
    yearless: YearlessRule = "sequence",
    iso: Literal["date", "datetime"] | None = None,
) -> DateColumn:
    """Read a column of date texts in file order (see the module doc for every rule).

    `iso`: also give each value as ISO text (`2025-02-01` or `2025-02-01 20:01:00`).
    """
    parts = _parts(texts)
    inference = _order_from_parts(parts, column=column, explicit=order)
    notes = [inference.note] if inference.note else []
    used = inference.order
    day_is_a = pl.lit(used == "dmy")
    parts = parts.with_columns(
        m=pl.when(pl.col("form") == "numeric")
        .then(pl.when(day_is_a).then(pl.col("b")).otherwise(pl.col("a")))
        .otherwise(pl.col("m")),
        d=pl.when(pl.col("form") == "numeric")
        .then(pl.when(day_is_a).then(pl.col("a")).otherwise(pl.col("b")))
        .otherwise(pl.col("d")),
        yearless=pl.col("form").is_in(["cn_month_day"])
        | (pl.col("form").is_in(["month_first", "day_first"]) & pl.col("y").is_null()),
    )
    raw = pl.DataFrame({"raw": texts.cast(pl.String)})
    has_yearless = bool(parts.get_column("yearless").fill_null(False).any())
    error = inference.error
    # A date with its year reads the same on every row: values and problems are worked out once
    # per distinct text and joined back. Only year-less dates need the rows, in file order.
    rows = (
        raw.join(parts, on="raw", how="left", nulls_equal=True, maintain_order="left")
        if has_yearless
        else parts
    )
    if has_yearless:
        anchor = _anchor_series(as_of, span, rows.height)
        if anchor is None:
            sample = rows.filter(pl.col("yearless"))["raw"][0]
            error = error or (
                f"column {column!r} has dates without a year ({sample!r}) and no export date "
                "or span to take the year from"
            )
            years = pl.Series("y", [None] * rows.height, dtype=pl.Int32)
        else:
            years, note = _place_years(
                rows.with_columns(pl.col("yearless").fill_null(False)), anchor, yearless
            )
            if note:
                notes.append(f"{column}: {note}")
        rows = rows.with_columns(y=pl.coalesce(pl.col("y"), years))
    serial = pl.col("serial")
    from_serial = pl.lit(_EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(
        seconds=(serial * 86_400).round(0).cast(pl.Int64)
    )
    serial_ok = pl.lit(allow_serial) & serial.is_between(*_SERIAL_RANGE)
    value = (
        pl.when(pl.col("form") == "serial")
        .then(pl.when(serial_ok).then(from_serial))
        .otherwise(_moment(pl.col("y"), pl.col("m"), pl.col("d")))
    )
    rows = rows.with_columns(value=value)
    day = pl.col("value").dt.date()
    problem: pl.Expr = (
        pl.when(pl.col("text").is_null())
        .then(None)
        .when(pl.col("form").is_null())
        .then(pl.lit("not a date"))
        .when((pl.col("form") == "serial") & ~pl.lit(allow_serial))
        .then(
            pl.lit(
                "a plain number is not a date here (Excel serials only from workbook date cells)"
            )
        )
        .when((pl.col("form") == "numeric") & pl.lit(used is None) & (pl.col("a") != pl.col("b")))
        .then(pl.lit("day/month order unknown"))
        .when(pl.col("yearless") & pl.col("y").is_null() & pl.lit(error is not None))
        .then(pl.lit("no year, and no export date to take it from"))
        .when(pl.col("value").is_null())
        .then(pl.lit("no such day"))
        .when(~day.is_between(FIRST_DAY, LAST_DAY))
        .then(pl.lit(f"outside {FIRST_DAY}..{LAST_DAY}, a typo?"))
    )
    if span is not None:
        problem = (
            pl.when(problem.is_null() & ~day.is_between(*span))
            .then(pl.lit(f"outside the export's span {span[0]}..{span[1]}"))
            .otherwise(problem)
        )
    rows = rows.with_columns(problem=problem)
    rows = rows.with_columns(value=pl.when(pl.col("problem").is_null()).then(pl.col("value")))
    if iso is not None:
        rows = rows.with_columns(
            iso=pl.col("value").dt.strftime("%Y-%m-%d" if iso == "date" else "%Y-%m-%d %H:%M:%S")
        )
    if not has_yearless and iso is not None and _already_iso(rows):
        # The usual export: every cell already ISO text. Nothing to join back: the texts are
        # their own ISO form and the moments one cast of them.
        return DateColumn(
            read=None,
            problems=pl.Series(f"p_{texts.name}", [None] * texts.len(), dtype=pl.String),
            order=used,
            notes=notes,
            error=error,
            iso=texts.cast(pl.String).alias(texts.name),
        )
    if not has_yearless:
        rows = raw.join(
            rows.select("raw", "value", "problem", *(["iso"] if iso else [])),
            on="raw",
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
    return DateColumn(
        read=rows.get_column("value").alias(texts.name),
        problems=rows.get_column("problem").alias(f"p_{texts.name}"),
        iso=rows.get_column("iso") if iso is not None else None,
        order=used,
        notes=notes,
        error=error,
    )


def _already_iso(distinct: pl.DataFrame) -> bool:
    """Every distinct text is read without a problem and is its own ISO form (or blank)."""
    return bool(
        distinct.select(
            (
                pl.col("problem").is_null()
                & (pl.col("raw").is_null() | (pl.col("iso") == pl.col("raw")))
            ).all()
        ).item()
    )


def read_one_date(
    text: str | None,
    *,
    order: DayMonthOrder | None = None,
    allow_serial: bool = False,
    as_of: date | None = None,
) -> date | None:
    """One date text read as `read_date_column` reads a column; ValueError naming the problem."""
    result = read_date_column(
        pl.Series("value", [text], dtype=pl.String),
        column="value",
        order=order,
        allow_serial=allow_serial,
        as_of=as_of,
        yearless="latest",
    )
    if result.error:
        raise ValueError(result.error)
    problem = result.problems[0]
    if problem is not None:
        raise ValueError(f"{problem}: {text!r}")
    return result.dates[0]
