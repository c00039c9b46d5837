"""Cell values of every export reader: one vectorised parser per kind of value.

`parse_texts(raw, kind)` takes a column's raw texts and returns a frame `[raw, value, problem]`
with one row per distinct text: the parsed value (null when the cell is blank or unreadable) and
a problem that is null when the cell is fine. `parse_column(frame, column, kind, into=,
problem=)` joins that back onto a frame's rows, so each distinct text is parsed once (dates,
platforms, percentages and durations repeat a lot) and never by a Python call per cell. Each
step is materialised as a column before the next uses it: an expression tree that referred to
one regex match from several places would re-run the regex each time. The scalar `parse_*`
functions run the same code on one value (raising ValueError with the problem), so the table
tests of the scalars test the vectorised path.

Kinds and the forms they accept:
- `count` (Int64, never negative) and `signed_count` (may be negative, e.g. net followers):
  `1234`, `1,234`, `+12`, `1.2万` (12000), `3.4w`, `1.5亿`, `2k`/`2千`; a fraction needs a
  unit (`12.5` views is rejected, `1.25万` is 12500), and `12.0` is not a count either.
- `number` (Float64, never negative): the count forms plus fractions, `12.5`, `1.25万`;
  `hours` is a number of hours, returned in seconds.
- `ratio` (0..1) and `open_ratio` (may exceed 1, e.g. rewatching): `87%` -> 0.87,
  `0.87` -> 0.87. A bare number above 1 (`87`) is ambiguous and rejected rather than
  guessed, unless `percent_units` says the header carries `%` (YouTube's
  `Impressions click-through rate (%)`), where a bare `4.5` means 4.5%.
- `duration` in seconds: `102`, `102.5`, `102秒`, `1:42`, `0:01:42`, `1分42秒`, `1小时2分`,
  `1h2m3s`, `2 minutes`.
- `date` and `datetime`: `2025-02-01`, `2025/2/1`, `2025.2.1`, `2025年2月1日`, `20250201`,
  `Feb 1, 2025`, `2026年03月24日17时33分05秒`, Excel serials (`45689`, 20000..80000), each optionally followed by a time
  of day (`20:01`, `20:01:37`, `T20:01`), or a serial with a fraction. A date drops the time
  (`allow_time=False`: only midnight is allowed); a datetime without a time is midnight
  (`require_time=True`: rejected). Days outside 2000-01-01..2100-12-31 are typos.
- `platform`: a platform id for any name in warehouse/platforms.yaml (`B站`, `哔哩哔哩`, `油管`).
- `id`: the text; Excel's rounded `7.3e+18` form of a long numeric id is rejected.
- `text`: the cleaned text.
- In every kind: blank, `-`, `--`, `—`, `/`, `N/A`, `NA`, `null`, `none`, `暂无` -> null:
  "not reported", never zero and never an id. Whether a blank cell is allowed is the
  reader's call.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import TypeVar

import polars as pl

from survey.text import clean_text
from warehouse.platforms import PLATFORMS_FILE, platform_profiles

NULL_MARKERS = ("-", "--", "—", "–", "/", "n/a", "na", "null", "none", "暂无")
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Excel serials of 1954..2119: wide enough for any export, narrow enough not to take a
# five-digit count for a date.
_SERIAL_RANGE = (20_000, 80_000)

# Digits are spelled [0-9]: the regex engine's \d also matches other scripts' digits, which
# Polars cannot cast afterwards. Text is NFKC-normalised before matching anyway.
_NUM = r"[0-9]+(?:\.[0-9]+)?"
_AMOUNT = rf"^(?P<num>[+-]?{_NUM})(?P<unit>万|w|亿|k|千)?$"
_UNIT_FACTORS = {"万": 1e4, "w": 1e4, "亿": 1e8, "k": 1e3, "千": 1e3}
_PLAIN_INT = r"^[+-]?[0-9]+$"
_NUMBER = rf"^[+-]?{_NUM}$"
_SHARE = rf"^(?P<num>[+-]?{_NUM})(?P<pct>%)?$"
_HMS = r"^(?P<h>[0-9]+):(?P<m>[0-5]?[0-9]):(?P<s>[0-5]?[0-9](?:\.[0-9]+)?)$"
_MS = r"^(?P<m>[0-9]+):(?P<s>[0-5]?[0-9](?:\.[0-9]+)?)$"
_UNITS = (
    rf"^(?:(?P<h>{_NUM})(?:小时|时|hours|hour|hrs|hr|h))?"
    rf"(?:(?P<m>{_NUM})(?:分钟|分|minutes|minute|mins|min|m))?"
    rf"(?:(?P<s>{_NUM})(?:秒钟|秒|seconds|second|secs|sec|s))?$"
)
_CLOCK = r"(?:(?:[ t]|t ?)(?P<hh>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<ss>[0-9]{2})(?:\.[0-9]+)?)?)?"
_YMD = rf"^(?P<y>[0-9]{{4}})[-/.年](?P<m>[0-9]{{1,2}})[-/.月](?P<d>[0-9]{{1,2}})日?{_CLOCK}$"
_COMPACT = r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"
_MDY = rf"^(?P<mon>[a-z]{{3,9}})\.? (?P<d>[0-9]{{1,2}}),? (?P<y>[0-9]{{4}}),?{_CLOCK}$"
_SERIAL = r"^[0-9]{5}(?:\.[0-9]+)?$"
# Excel keeps long numeric ids (抖音 作品ID has 19 digits) as floats and shows `7.3e+18`:
# the last digits are gone, so such an id must not be loaded as if it were the real one.
_ROUNDED_ID = r"^[0-9](?:\.[0-9]+)?e\+?[0-9]+$"
_MONTHS = {
    name: str(number)
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
KINDS = (
    "text",
    "id",
    "platform",
    "count",
    "signed_count",
    "number",
    "hours",
    "ratio",
    "open_ratio",
    "duration",
    "date",
    "datetime",
)
_OUT = ["raw", "value", "problem"]
T = TypeVar("T")


# -- names ----------------------------------------------------------------------------------------
def name_key(text: object) -> str:
    """A header or a name as compared: NFKC, trimmed, whitespace folded, case-folded."""
    return (clean_text(text) or "").casefold()


@cache
def platform_names() -> dict[str, str]:
    """Every accepted spelling of a platform (name_key form) -> platform id (platforms.yaml)."""
    names: dict[str, str] = {}
    for platform_id, profile in platform_profiles().items():
        for spelling in [platform_id, profile.name_zh, profile.name_en, *profile.aliases]:
            key = name_key(spelling)
            if key and names.setdefault(key, platform_id) != platform_id:
                raise ValueError(f"{PLATFORMS_FILE.name}: {spelling!r} names two platforms")
    return names


def normalise_platform(text: object) -> str | None:
    """Platform id for `B站`, `哔哩哔哩`, `抖音`, `视频号`, `油管`, `Bilibili` ...; None if unknown."""
    return platform_names().get(name_key(text))


# -- cleaning -------------------------------------------------------------------------------------
def _folded(raw: pl.Expr) -> pl.Expr:
    """Text as `survey.text.clean_text` leaves it: NFKC, whitespace runs folded, trimmed."""
    return raw.str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars()


def _reported(text: pl.Expr) -> pl.Expr:
    """Folded text, null where it is blank or a not-reported marker (`-`, `N/A` ...)."""
    return pl.when(~text.str.to_lowercase().is_in(NULL_MARKERS) & (text != "")).then(text)


def clean_expr(raw: pl.Expr) -> pl.Expr:
    """Cell text as `survey.text.clean_text` leaves it (NFKC, folded spaces); markers -> null."""
    return _reported(_folded(raw))


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `text`: the `raw` column cleaned as `clean_expr` does, each step computed once."""
    frame = frame.with_columns(text=_folded(pl.col("raw")))
    return frame.with_columns(text=_reported(pl.col("text")))


# -- one parser per kind: each reads `text` and adds `value` and `problem` -----------------------
_WRITTEN = pl.col("text").is_not_null()
_UNREADABLE = _WRITTEN & pl.col("value").is_null()


def _problem(frame: pl.DataFrame, *checks: tuple[pl.Expr, str]) -> pl.DataFrame:
    """Add `problem`: the message of the first check that holds (null when none does)."""
    problem = pl.lit(None, dtype=pl.String)
    for condition, message in reversed(checks):
        problem = pl.when(condition).then(pl.lit(message)).otherwise(problem)
    return frame.with_columns(problem=problem)


def _amount(frame: pl.DataFrame) -> pl.DataFrame:
    """Scratch columns of `1,234` / `1.2万`: `_compact` text, `_number` before the unit, `_unit`."""
    frame = frame.with_columns(
        _compact=pl.col("text").str.to_lowercase().str.replace_all(r"[, ]", "")
    )
    frame = frame.with_columns(pl.col("_compact").str.extract_groups(_AMOUNT).alias("_g"))
    return frame.with_columns(
        _number=pl.col("_g").struct.field("num").cast(pl.Float64, strict=False),
        _unit=pl.col("_g").struct.field("unit"),
    )


def _count(frame: pl.DataFrame, *, signed: bool) -> pl.DataFrame:
    frame = _amount(frame)
    number, unit = pl.col("_number"), pl.col("_unit")
    frame = frame.with_columns(
        _scaled=(
            number * unit.replace_strict(_UNIT_FACTORS, default=None, return_dtype=pl.Float64)
        ).round(0)
    )
    frame = frame.with_columns(
        # Plain integers are cast directly so 19-digit counts keep every digit.
        value=pl.when(pl.col("_compact").str.contains(_PLAIN_INT))
        .then(pl.col("_compact").cast(pl.Int64, strict=False))
        .when(pl.col("_scaled").abs() < 9e18)
        .then(pl.col("_scaled").cast(pl.Int64))
    )
    checks = [
        (
            _WRITTEN & unit.is_null() & (number != number.floor()),
            "not a whole number (a fraction needs a unit such as 万)",
        ),
        (
            number.is_not_null() & pl.col("value").is_null(),
            "not a count (too large, or a decimal point without a unit)",
        ),
        (_UNREADABLE, "not a count (not a number)"),
    ]
    if not signed:
        checks.append((pl.col("value") < 0, "negative count"))
    return _problem(frame, *checks)


def _number(frame: pl.DataFrame, *, scale: float = 1.0) -> pl.DataFrame:
    frame = _amount(frame).with_columns(
        value=pl.col("_number")
        * pl.col("_unit").replace_strict(_UNIT_FACTORS, default=1.0, return_dtype=pl.Float64)
        * scale
    )
    return _problem(frame, (_UNREADABLE, "not a number"), (pl.col("value") < 0, "negative"))


def _ratio(frame: pl.DataFrame, *, percent_units: bool, closed: bool) -> pl.DataFrame:
    frame = frame.with_columns(
        pl.col("text").str.replace_all(" ", "").str.extract_groups(_SHARE).alias("_g")
    )
    frame = frame.with_columns(
        _number=pl.col("_g").struct.field("num").cast(pl.Float64, strict=False),
        _percent=pl.col("_g").struct.field("pct").is_not_null() | pl.lit(percent_units),
    )
    # Rounded so 35.2% is exactly the float 0.352, not 0.35200000000000004.
    frame = frame.with_columns(
        value=pl.when(pl.col("_percent"))
        .then(pl.col("_number") / 100)
        .otherwise(pl.col("_number"))
        .round(12)
    )
    above = pl.col("value") > 1
    checks = [
        (_UNREADABLE, "not a percentage"),
        (pl.col("value") < 0, "negative percentage"),
        (above & ~pl.col("_percent"), "a bare number above 1 is ambiguous: write 87% or 0.87"),
    ]
    if closed:
        checks.append((above, "above 100%"))
    return _problem(frame, *checks)


def _duration(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(_compact=pl.col("text").str.to_lowercase().str.replace_all(" ", ""))
    frame = frame.with_columns(
        pl.col("_compact").str.extract_groups(_HMS).alias("_hms"),
        pl.col("_compact").str.extract_groups(_MS).alias("_ms"),
        pl.col("_compact").str.extract_groups(_UNITS).alias("_units"),
    ).unnest("_hms", "_ms", "_units", separator="_")
    parts = ["_hms_h", "_hms_m", "_hms_s", "_ms_m", "_ms_s", "_units_h", "_units_m", "_units_s"]
    frame = frame.with_columns(pl.col(parts).cast(pl.Float64, strict=False))
    by_units = pl.any_horizontal(pl.col("_units_h", "_units_m", "_units_s").is_not_null())
    frame = frame.with_columns(
        value=pl.coalesce(
            pl.col("_hms_h") * 3600 + pl.col("_hms_m") * 60 + pl.col("_hms_s"),
            pl.col("_ms_m") * 60 + pl.col("_ms_s"),
            pl.when(pl.col("_compact").str.contains(_NUMBER)).then(
                pl.col("_compact").cast(pl.Float64, strict=False)
            ),
            pl.when(by_units).then(
                pl.col("_units_h").fill_null(0) * 3600
                + pl.col("_units_m").fill_null(0) * 60
                + pl.col("_units_s").fill_null(0)
            ),
        )
    )
    return _problem(
        frame, (_UNREADABLE, "not a duration"), (pl.col("value") < 0, "negative duration")
    )


def _day_text(prefix: str) -> pl.Expr:
    """`Y-M-D` text from the unnested `{prefix}_y` / `_m` / `_d` parts (chrono reads `2025-2-1`)."""
    return pl.concat_str([pl.col(f"{prefix}_{p}") for p in ("y", "m", "d")], separator="-")


def _clock_text(prefix: str) -> pl.Expr:
    """`H:MM:SS` from the unnested `{prefix}_hh` / `_mi` / `_ss` parts, or null without a time."""
    return pl.when(pl.col(f"{prefix}_hh").is_not_null()).then(
        pl.concat_str(
            [
                pl.col(f"{prefix}_hh"),
                pl.col(f"{prefix}_mi"),
                pl.col(f"{prefix}_ss").fill_null("00"),
            ],
            separator=":",
        )
    )


def _chinese_clock(text: pl.Expr) -> pl.Expr:
    """`2026年03月24日17时33分05秒` as `2026年03月24日 17:33:05` (小红书 writes its times so)."""
    return (
        text.str.replace(r"日([0-9])", "日 $1")
        .str.replace(r"([0-9])时([0-9])", "$1:$2")
        .str.replace(r"([0-9])分([0-9])", "$1:$2")
        .str.replace(r"([0-9])[时分秒]$", "$1")
    )


def _moment(
    frame: pl.DataFrame,
    *,
    day_only: bool,
    allow_time: bool,
    require_time: bool,
    serials: bool = True,
) -> pl.DataFrame:
    frame = frame.with_columns(_lower=_chinese_clock(pl.col("text").str.to_lowercase()))
    frame = frame.with_columns(
        pl.col("_lower").str.extract_groups(_YMD).alias("_ymd"),
        pl.col("_lower").str.extract_groups(_COMPACT).alias("_compact"),
        pl.col("_lower").str.extract_groups(_MDY).alias("_mdy"),
        _serial=pl.when(pl.col("_lower").str.contains(_SERIAL)).then(
            pl.col("_lower").cast(pl.Float64, strict=False)
        ),
    ).unnest("_ymd", "_compact", "_mdy", separator="_")
    frame = frame.with_columns(
        _mdy_m=pl.col("_mdy_mon").replace_strict(_MONTHS, default=None, return_dtype=pl.String),
        # The written time of day (the YMD and MDY forms may carry one), or null.
        _clock=pl.coalesce(_clock_text("_ymd"), _clock_text("_mdy")),
    )
    day = pl.coalesce(_day_text("_ymd"), _day_text("_compact"), _day_text("_mdy"))
    written = pl.concat_str(
        [day, pl.col("_clock").fill_null("0:00:00")], separator=" "
    ).str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    serial = pl.col("_serial")
    in_range = serial.is_between(*_SERIAL_RANGE) & pl.lit(serials)
    from_serial = pl.lit(_EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(
        seconds=(serial * 86_400).round(0).cast(pl.Int64)
    )
    frame = frame.with_columns(
        # strict=False: an impossible day (2025-02-30) becomes null, reported as unreadable.
        value=pl.coalesce(written, pl.when(in_range).then(from_serial)),
        # fill_null: without a serial the comparison is null, and ~null would hide a bare day.
        _has_time=pl.col("_clock").is_not_null()
        | (in_range & (serial != serial.floor())).fill_null(False),
    )
    value = pl.col("value")
    checks = [
        (
            pl.col("_serial").is_not_null() & pl.lit(not serials),
            "a plain number, not a date (day serials are read only from .xlsx/.xls files)",
        ),
        (_UNREADABLE, "not a date" if day_only else "not a date-time"),
        (
            ~value.dt.date().is_between(FIRST_DAY, LAST_DAY),
            f"outside {FIRST_DAY}..{LAST_DAY}, a typo?",
        ),
    ]
    if require_time:
        checks.append((~pl.col("_has_time"), "no time of day (expected 2025-01-28 20:01)"))
    if not allow_time:
        # Spreadsheet date cells arrive as `2025-02-01 00:00:00`: midnight is still a day.
        checks.append(
            (
                pl.col("_has_time") & (value.dt.time() != pl.lit(datetime.min.time())),
                "has a time of day; expected one value per day",
            )
        )
    frame = _problem(frame, *checks)
    return frame.with_columns(value.dt.date()) if day_only else frame


def _platform(frame: pl.DataFrame) -> pl.DataFrame:
    # Python per distinct text (a handful per file), so the column and normalise_platform agree.
    ids = [normalise_platform(text) for text in frame.get_column("text")]
    frame = frame.with_columns(value=pl.Series(ids, dtype=pl.String))
    known = ", ".join(dict.fromkeys(platform_names().values()))
    return _problem(frame, (_UNREADABLE, f"unknown platform (known: {known})"))


def _id(frame: pl.DataFrame) -> pl.DataFrame:
    rounded = pl.col("text").str.to_lowercase().str.contains(_ROUNDED_ID)
    return _problem(
        frame.with_columns(value=pl.col("text")),
        (
            rounded,
            "id rounded by Excel: Excel rounded it to a number and lost its last digits "
            "(format the id column as text)",
        ),
    )


# -- entry points ---------------------------------------------------------------------------------
def _parse(
    frame: pl.DataFrame,
    kind: str,
    *,
    percent_units: bool,
    allow_time: bool,
    require_time: bool,
    serials: bool = True,
) -> pl.DataFrame:
    match kind:
        case "text":
            return _problem(frame.with_columns(value=pl.col("text")))
        case "id":
            return _id(frame)
        case "platform":
            return _platform(frame)
        case "count" | "signed_count":
            return _count(frame, signed=kind == "signed_count")
        case "number":
            return _number(frame)
        case "hours":
            return _number(frame, scale=3600.0)
        case "ratio" | "open_ratio":
            return _ratio(frame, percent_units=percent_units, closed=kind == "ratio")
        case "duration":
            return _duration(frame)
        case "date" | "datetime":
            return _moment(
                frame,
                day_only=kind == "date",
                allow_time=allow_time,
                require_time=require_time,
                serials=serials,
            )
    raise ValueError(f"unknown value kind {kind!r} (known: {', '.join(KINDS)})")


def parse_texts(
    raw: pl.Series,
    kind: str,
    *,
    percent_units: bool = False,
    allow_time: bool = True,
    require_time: bool = False,
    serials: bool = True,
) -> pl.DataFrame:
    """Parse a column's distinct raw texts of one kind: frame [raw, value, problem].

    `percent_units`: the header says `%`, so bare numbers are percents (ratio kinds).
    `allow_time=False`: a date must not carry a time other than midnight.
    `require_time=True`: a datetime must carry a time of day.
    `serials=False`: a plain number is no date (a CSV's cells are text someone typed, not a
    spreadsheet's date cells).
    """
    frame = pl.DataFrame({"raw": raw.cast(pl.String)}).unique()
    parts = []
    if kind in ("count", "signed_count"):
        # Most count cells are plain integers: cast those at once, clean and regex the rest.
        fast = frame.with_columns(value=pl.col("raw").cast(pl.Int64, strict=False))
        plain = fast.filter(pl.col("value").is_not_null())
        negative = [] if kind == "signed_count" else [(pl.col("value") < 0, "negative count")]
        parts.append(_problem(plain, *negative).select(_OUT))
        frame = fast.filter(pl.col("value").is_null()).drop("value")
    parsed = _parse(
        _clean(frame),
        kind,
        percent_units=percent_units,
        allow_time=allow_time,
        require_time=require_time,
        serials=serials,
    )
    parts.append(parsed.select(_OUT))
    # A value with a problem is no value.
    return pl.concat(parts).with_columns(
        pl.when(pl.col("problem").is_null()).then(pl.col("value")).alias("value")
    )


def parse_column(
    frame: pl.DataFrame, column: str, kind: str, *, into: str, problem: str, **options: bool
) -> pl.DataFrame:
    """Add `into` (the value of each cell of text column `column`) and `problem` (null if fine).

    The column's distinct texts are parsed once (`parse_texts`) and joined back onto the rows.
    Count columns whose cells are all plain integers (most of them, in every export) skip the
    lookup: one cast of the whole column gives exactly what `parse_texts` would (it casts the
    same way first), and only a column with other texts (`1.2万`, `1,234`, `-`) takes the
    distinct-text parse and the join.
    """
    if kind in ("count", "signed_count"):
        texts = frame.get_column(column)
        values = texts.cast(pl.Int64, strict=False)
        if values.null_count() == texts.null_count():  # every written cell is a plain integer
            frame = frame.drop(into, problem, strict=False)
            if kind == "signed_count" or not (values < 0).any():
                return frame.with_columns(
                    values.alias(into), pl.lit(None, dtype=pl.String).alias(problem)
                )
            negative = pl.col(into) < 0
            frame = frame.with_columns(values.alias(into))
            return frame.with_columns(
                pl.when(negative).then(None).otherwise(pl.col(into)).alias(into),
                pl.when(negative).then(pl.lit("negative count")).alias(problem),
            )
    lookup = parse_texts(frame.get_column(column), kind, **options)
    if (
        kind in ("id", "text")
        and lookup.filter(
            pl.col("problem").is_not_null() | pl.col("value").ne_missing(pl.col("raw"))
        ).is_empty()
    ):
        # Every distinct text is already clean (the usual case for ids and titles): the value
        # is the text itself, so the column is copied instead of joined back.
        frame = frame.drop(into, problem, strict=False)
        return frame.with_columns(
            pl.col(column).alias(into), pl.lit(None, dtype=pl.String).alias(problem)
        )
    lookup = lookup.rename({"raw": column, "value": into, "problem": problem})
    # Join only the text column (not the whole frame, which a join would gather row by row),
    # then put the two new columns beside the frame's.
    mapped = frame.select(column).join(
        lookup, on=column, how="left", nulls_equal=True, maintain_order="left"
    )
    return frame.drop(into, problem, strict=False).with_columns(
        mapped.get_column(into), mapped.get_column(problem)
    )


def _scalar(text: str | None, kind: str, of: type[T], **options: bool) -> T | None:
    """The value of one text (None when blank); ValueError naming the problem and the text."""
    parsed = parse_texts(pl.Series([text], dtype=pl.String), kind, **options)
    value, problem = parsed.select("value", "problem").row(0)
    if problem is not None:
        raise ValueError(f"{problem}: {text!r}")
    assert value is None or isinstance(value, of)
    return value


def parse_count(text: str | None, *, signed: bool = False) -> int | None:
    """`1.2万` -> 12000; blank -> None; raises ValueError naming the problem and the value."""
    return _scalar(text, "signed_count" if signed else "count", int)


def parse_number(text: str | None) -> float | None:
    """`1.25万` -> 12500.0, `12.5` -> 12.5; blank -> None."""
    return _scalar(text, "number", float)


def parse_ratio(
    text: str | None, *, percent_units: bool = False, open_ended: bool = False
) -> float | None:
    """`35.2%` -> 0.352, `0.352` -> 0.352; blank -> None (open_ended: may exceed 100%)."""
    kind = "open_ratio" if open_ended else "ratio"
    return _scalar(text, kind, float, percent_units=percent_units)


def parse_duration_s(text: str | None) -> float | None:
    """`1分42秒`, `0:01:42`, `1:42`, `102`, `102秒` -> 102.0 seconds; blank -> None."""
    return _scalar(text, "duration", float)


def parse_date(text: str | None, *, allow_time: bool = True) -> date | None:
    """`2025/2/1`, `20250201`, `Feb 1, 2025`, `45689` ... -> date(2025, 2, 1); blank -> None."""
    return _scalar(text, "date", date, allow_time=allow_time)


def parse_datetime(text: str | None, *, require_time: bool = False) -> datetime | None:
    """`2025-01-28 20:01`, `Sep 27, 2024` (midnight) ... -> datetime; blank -> None."""
    return _scalar(text, "datetime", datetime, require_time=require_time)
