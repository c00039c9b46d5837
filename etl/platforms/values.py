"""Cell value parsers for platform exports: vectorised over a column's distinct texts.

`parse_texts(raw, kind)` takes the distinct raw texts of a column and returns a frame
`[raw, value, problem]`: the parsed value (null when blank or unreadable) and a problem text
that is null when the cell is fine. Readers join it back onto the rows, so each distinct text is
parsed once (an export's dates, percentages and durations repeat a lot) and never by a Python
call per cell. Each step is materialised as a column before the next uses it: an expression
tree that referred to one regex match from several places would re-run the regex each time.
The scalar `parse_*` functions run the same code on one value (raising ValueError with the
problem), so the table tests of the scalars test the vectorised path.

Accepted forms:
- counts: `1234`, `1,234`, `1.2万` (12000), `3.4w`, `1.5亿`, `2k`; a fraction needs a unit
  (`12.5` views is rejected, `1.25万` is 12500); negative only for signed metrics (涨粉).
- percentages: `35.2%` -> 0.352, `0.352` -> 0.352; under a header that carries `%` (YouTube's
  `Impressions click-through rate (%)`) a bare `4.5` means 4.5%. Without `%` anywhere a bare
  number above 1 is rejected rather than guessed.
- durations (seconds): `1分42秒`, `1小时2分`, `1h2m3s`, `0:01:42`, `1:42`, `102`, `102秒`, `102.5`.
- dates: `2025-02-01`, `2025/2/1`, `2025.2.1`, `2025年2月1日`, `20250201`, `Feb 1, 2025`,
  `Sep 27, 2024`, Excel serials (`45689`), and any of these followed by a time of day (taken
  as that day). Dates outside 2000-01-01..2100-12-31 are rejected as typos.
- blank, `-`, `--`, `—`, `/`, `N/A`, `null`, `暂无` -> null ("not reported", never zero).
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

NULL_MARKERS = ("-", "--", "—", "–", "/", "n/a", "na", "null", "none", "暂无")
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Excel serials of 1954..2119: wide enough for any export, narrow enough not to take a
# five-digit count for a date.
_SERIAL_RANGE = (20_000, 80_000)

# Digits are spelled [0-9]: the regex engine's \d also matches full-width and other scripts'
# digits, which Polars cannot cast afterwards. Text is NFKC-normalised before matching anyway.
_NUM = r"[0-9]+(?:\.[0-9]+)?"
_COUNT = rf"^(?P<num>[+-]?{_NUM})(?P<unit>万|w|亿|k|千)?$"
_PLAIN_INT = r"^[+-]?[0-9]+$"
_NUMBER = rf"^[+-]?{_NUM}$"
_RATIO = rf"^(?P<num>[+-]?{_NUM})(?P<pct>%)?$"
_HMS = r"^(?P<h>[0-9]+):(?P<m>[0-5]?[0-9]):(?P<s>[0-5]?[0-9](?:\.[0-9]+)?)$"
_MS = r"^(?P<m>[0-9]+):(?P<s>[0-5]?[0-9](?:\.[0-9]+)?)$"
_UNITS = (
    rf"^(?:(?P<h>{_NUM})(?:小时|时|hours|hour|hrs|hr|h))?"
    rf"(?:(?P<m>{_NUM})(?:分钟|分|minutes|minute|mins|min|m))?"
    rf"(?:(?P<s>{_NUM})(?:秒钟|秒|seconds|second|secs|sec|s))?$"
)
_TIME = r"(?:[ t](?P<hh>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<ss>[0-9]{2})(?:\.[0-9]+)?)?)?"
_YMD = rf"^(?P<y>[0-9]{{4}})[-/.年](?P<m>[0-9]{{1,2}})[-/.月](?P<d>[0-9]{{1,2}})日?{_TIME}$"
_COMPACT = r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"
_MDY = rf"^(?P<mon>[a-z]{{3,9}})\.? (?P<d>[0-9]{{1,2}}),? (?P<y>[0-9]{{4}}),?{_TIME}$"
_SERIAL = r"^[0-9]{5}(?:\.[0-9]+)?$"
# An id Excel stored as a number and wrote in scientific notation has lost its last digits.
_ROUNDED_ID = r"^[0-9](?:\.[0-9]+)?e\+?[0-9]+$"
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_UNIT_FACTORS = {"万": 1e4, "w": 1e4, "亿": 1e8, "k": 1e3, "千": 1e3}


_OUT = ["raw", "value", "problem"]


def clean_expr(raw: pl.Expr) -> pl.Expr:
    """Cell text as `survey.text.clean_text` leaves it (NFKC, folded spaces), null-marker aware."""
    text = raw.str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars()
    blank = (text == "") | text.str.to_lowercase().is_in(NULL_MARKERS)
    return pl.when(blank).then(None).otherwise(text)


def clean_texts(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `text`: the `raw` column cleaned as `clean_expr` does, each step computed once."""
    frame = frame.with_columns(
        text=pl.col("raw").str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars()
    )
    blank = (pl.col("text") == "") | pl.col("text").str.to_lowercase().is_in(NULL_MARKERS)
    return frame.with_columns(text=pl.when(blank).then(None).otherwise(pl.col("text")))


def _problem(frame: pl.DataFrame, *checks: tuple[pl.Expr, str]) -> pl.DataFrame:
    """Add `problem`: the message of the first check that holds (null when none does)."""
    if not checks:
        return frame.with_columns(problem=pl.lit(None, dtype=pl.String))
    return frame.with_columns(
        problem=pl.coalesce(
            [pl.when(condition).then(pl.lit(message)) for condition, message in checks]
        )
    )


_WRITTEN = pl.col("text").is_not_null()
_UNREADABLE = _WRITTEN & pl.col("value").is_null()


def _count(frame: pl.DataFrame, *, signed: bool) -> pl.DataFrame:
    frame = frame.with_columns(
        compact=pl.col("text").str.to_lowercase().str.replace_all(r"[, ]", "")
    )
    frame = frame.with_columns(pl.col("compact").str.extract_groups(_COUNT).alias("g")).unnest("g")
    frame = frame.with_columns(
        number=pl.col("num").cast(pl.Float64, strict=False),
        factor=pl.col("unit").replace_strict(_UNIT_FACTORS, default=1.0, return_dtype=pl.Float64),
        # Plain integers are cast directly so big counts keep every digit.
        exact=pl.col("compact").str.contains(_PLAIN_INT) & pl.col("unit").is_null(),
    )
    frame = frame.with_columns(scaled=(pl.col("number") * pl.col("factor")).round(0))
    frame = frame.with_columns(
        value=pl.when(pl.col("exact"))
        .then(pl.col("compact").cast(pl.Int64, strict=False))
        .when(pl.col("unit").is_not_null() & (pl.col("scaled").abs() < 9e18))
        .then(pl.col("scaled").cast(pl.Int64, strict=False))
    )
    fraction = _WRITTEN & pl.col("unit").is_null() & (pl.col("number") != pl.col("number").floor())
    checks = [
        (fraction, "not a whole number (a fraction needs a unit like 万)"),
        (_UNREADABLE, "not a count"),
    ]
    if not signed:
        checks.append((pl.col("value") < 0, "negative count"))
    return _problem(frame, *checks)


def _number(frame: pl.DataFrame, *, scale: float = 1.0) -> pl.DataFrame:
    frame = frame.with_columns(compact=pl.col("text").str.replace_all(r"[, ]", ""))
    frame = frame.with_columns(
        value=pl.when(pl.col("compact").str.contains(_NUMBER)).then(
            pl.col("compact").cast(pl.Float64, strict=False) * scale
        )
    )
    return _problem(frame, (_UNREADABLE, "not a number"))


def _ratio(frame: pl.DataFrame, *, percent_units: bool, maximum: float | None) -> pl.DataFrame:
    frame = frame.with_columns(
        pl.col("text").str.replace_all(" ", "").str.extract_groups(_RATIO).alias("g")
    ).unnest("g")
    frame = frame.with_columns(
        number=pl.col("num").cast(pl.Float64, strict=False),
        as_percent=pl.col("pct").is_not_null() | pl.lit(percent_units),
    )
    # Rounded so 35.2% is exactly the float 0.352, not 0.35200000000000004.
    frame = frame.with_columns(
        value=pl.when(pl.col("as_percent"))
        .then(pl.col("number") / 100)
        .otherwise(pl.col("number"))
        .round(12)
    )
    checks = [(_UNREADABLE, "not a percentage"), (pl.col("value") < 0, "negative percentage")]
    if maximum is not None:
        above = pl.col("value") > maximum
        checks += [
            (
                above & ~pl.col("as_percent"),
                "a bare number above 1 is ambiguous: write 35.2% or 0.352",
            ),
            (above, f"above {maximum:.0%}"),
        ]
    return _problem(frame, *checks)


def _duration(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(compact=pl.col("text").str.to_lowercase().str.replace_all(" ", ""))
    frame = frame.with_columns(
        pl.col("compact").str.extract_groups(_HMS).alias("hms"),
        pl.col("compact").str.extract_groups(_MS).alias("ms"),
        pl.col("compact").str.extract_groups(_UNITS).alias("units"),
    ).unnest("hms", "ms", "units", separator="_")
    frame = frame.with_columns(
        pl.col("hms_h", "hms_m", "hms_s", "ms_m", "ms_s", "units_h", "units_m", "units_s").cast(
            pl.Float64, strict=False
        )
    )
    by_units = pl.any_horizontal(pl.col("units_h", "units_m", "units_s").is_not_null())
    frame = frame.with_columns(
        value=pl.coalesce(
            pl.col("hms_h") * 3600 + pl.col("hms_m") * 60 + pl.col("hms_s"),
            pl.col("ms_m") * 60 + pl.col("ms_s"),
            pl.when(pl.col("compact").str.contains(_NUMBER)).then(
                pl.col("compact").cast(pl.Float64, strict=False)
            ),
            pl.when(by_units).then(
                pl.col("units_h").fill_null(0) * 3600
                + pl.col("units_m").fill_null(0) * 60
                + pl.col("units_s").fill_null(0)
            ),
        )
    )
    return _problem(frame, (_UNREADABLE, "not a duration"), (pl.col("value") < 0, "negative"))


def _iso_text(prefix: str) -> pl.Expr:
    """`y-mm-dd HH:MM:SS` text from the unnested `{prefix}_y` ... `{prefix}_ss` parts."""

    def part(name: str, default: str) -> pl.Expr:
        return pl.col(f"{prefix}_{name}").fill_null(default).str.zfill(2)

    day = pl.concat_str(
        [
            pl.col(f"{prefix}_y"),
            pl.col(f"{prefix}_m").str.zfill(2),
            pl.col(f"{prefix}_d").str.zfill(2),
        ],
        separator="-",
    )
    time = pl.concat_str([part("hh", "0"), part("mi", "0"), part("ss", "0")], separator=":")
    return pl.concat_str([day, time], separator=" ")


def _datetime(frame: pl.DataFrame, *, what: str) -> pl.DataFrame:
    frame = frame.with_columns(lower=pl.col("text").str.to_lowercase())
    frame = frame.with_columns(
        pl.col("lower").str.extract_groups(_YMD).alias("ymd"),
        pl.col("lower").str.extract_groups(_COMPACT).alias("compact"),
        pl.col("lower").str.extract_groups(_MDY).alias("mdy"),
    ).unnest("ymd", "compact", "mdy", separator="_")
    frame = frame.with_columns(
        pl.col("mdy_mon")
        .replace_strict(_MONTHS, default=None, return_dtype=pl.Int64)
        .cast(pl.String)
        .alias("mdy_m"),
        *[pl.lit(None, dtype=pl.String).alias(f"compact_{p}") for p in ("hh", "mi", "ss")],
        serial=pl.when(pl.col("lower").str.contains(_SERIAL)).then(
            pl.col("lower").cast(pl.Float64, strict=False)
        ),
    )
    written = pl.coalesce(_iso_text("ymd"), _iso_text("compact"), _iso_text("mdy"))
    from_serial = pl.lit(_EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(
        seconds=(pl.col("serial") * 86_400).round(0).cast(pl.Int64)
    )
    frame = frame.with_columns(
        parsed=pl.coalesce(
            written.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False),
            pl.when(pl.col("serial").is_between(*_SERIAL_RANGE)).then(from_serial),
        )
    )
    frame = frame.with_columns(
        in_range=pl.col("parsed").dt.date().is_between(FIRST_DATE, LAST_DATE)
    ).with_columns(value=pl.when(pl.col("in_range")).then(pl.col("parsed")))
    return _problem(
        frame,
        (_WRITTEN & pl.col("parsed").is_null(), what),
        (~pl.col("in_range"), f"outside {FIRST_DATE}..{LAST_DATE}"),
    )


def _id(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(value=pl.col("text"))
    return _problem(
        frame,
        (pl.col("text").is_null(), "missing content id"),
        (
            pl.col("text").str.to_lowercase().str.contains(_ROUNDED_ID),
            "an id Excel rounded to a number: save the id column as text",
        ),
    )


def parse_texts(raw: pl.Series, kind: str, *, percent_units: bool = False) -> pl.DataFrame:
    """Parse distinct raw cell texts of one kind: frame [raw, value, problem], one row per text.

    Kinds: id (required, cleaned), text (cleaned), date (required), datetime, count,
    signed_count, ratio (0..1), open_ratio (may exceed 1), duration (seconds), hours (-> seconds),
    number. `percent_units`: the header says `%`, so bare numbers are percents.
    """
    frame = pl.DataFrame({"raw": raw.cast(pl.String)}).unique()
    if kind in ("count", "signed_count"):
        # Most count cells are plain integers: cast those at once, clean and regex the rest.
        fast = frame.with_columns(value=pl.col("raw").cast(pl.Int64, strict=False))
        plain = fast.filter(pl.col("value").is_not_null())
        checks = [] if kind == "signed_count" else [(pl.col("value") < 0, "negative count")]
        rest = _count(
            clean_texts(fast.filter(pl.col("value").is_null()).drop("value")),
            signed=kind == "signed_count",
        )
        return pl.concat([_problem(plain, *checks).select(_OUT), rest.select(_OUT)])
    frame = clean_texts(frame)
    match kind:
        case "id":
            frame = _id(frame)
        case "text":
            frame = _problem(frame.with_columns(value=pl.col("text")))
        case "date":
            frame = _datetime(frame, what="not a date")
            frame = frame.with_columns(pl.col("value").dt.date())
            frame = frame.with_columns(
                problem=pl.when(pl.col("text").is_null())
                .then(pl.lit("missing date"))
                .otherwise(pl.col("problem"))
            )
        case "datetime":
            frame = _datetime(frame, what="not a date-time")
        case "ratio" | "open_ratio":
            maximum = 1.0 if kind == "ratio" else None
            frame = _ratio(frame, percent_units=percent_units, maximum=maximum)
        case "duration":
            frame = _duration(frame)
        case "hours":
            frame = _number(frame, scale=3600.0)
            frame = _problem(
                frame, (_UNREADABLE, "not a number"), (pl.col("value") < 0, "negative")
            )
        case "number":
            frame = _number(frame)
        case _:
            raise ValueError(f"unknown value kind {kind!r}")
    return frame.select(_OUT)


def _scalar(text: str | None, kind: str, **options: bool) -> object:
    parsed = parse_texts(pl.Series([text], dtype=pl.String), kind, **options)
    value, problem = parsed.select("value", "problem").row(0)
    if problem is not None:
        raise ValueError(f"{problem}: {text!r}")
    return value


def parse_count(text: str | None, *, signed: bool = False) -> int | None:
    """`1.2万` -> 12000; blank -> None; raises ValueError naming the value when unreadable."""
    result = _scalar(text, "signed_count" if signed else "count")
    assert result is None or isinstance(result, int)
    return result


def parse_ratio(
    text: str | None, *, percent_units: bool = False, open_ended: bool = False
) -> float | None:
    """`35.2%` -> 0.352, `0.352` -> 0.352; blank -> None (open_ended: may exceed 100%)."""
    result = _scalar(text, "open_ratio" if open_ended else "ratio", percent_units=percent_units)
    assert result is None or isinstance(result, float)
    return result


def parse_duration_s(text: str | None) -> float | None:
    """`1分42秒`, `0:01:42`, `1:42`, `102`, `102秒` -> 102.0 seconds; blank -> None."""
    result = _scalar(text, "duration")
    assert result is None or isinstance(result, float)
    return result


def parse_date(text: str | None) -> date | None:
    """`2025/2/1`, `20250201`, `Feb 1, 2025`, `45689` ... -> date; blank -> None."""
    parsed = parse_texts(pl.Series([text], dtype=pl.String), "date")
    value, problem = parsed.select("value", "problem").row(0)
    if problem == "missing date":  # a blank cell; only a reader decides that the date is required
        return None
    if problem is not None:
        raise ValueError(f"{problem}: {text!r}")
    assert isinstance(value, date)
    return value


def parse_datetime(text: str | None) -> datetime | None:
    """`2025-02-01 20:15`, `Sep 27, 2024` ... -> datetime; blank -> None."""
    result = _scalar(text, "datetime")
    assert result is None or isinstance(result, datetime)
    return result
