"""Cell values and column plumbing shared by the series readers (live, retention, activity, attention).

Values: each `parse_*_column(frame, text, into=, problem=)` reads the cleaned text column `text`
(see `clean_expr`) and adds two columns: `into`, the parsed value (null when the cell is blank or
unreadable), and `problem`, a reason that is null when the cell is fine. A whole column is parsed
in one vectorised pass; readers turn rows with a problem into rejects. The scalar `parse_*`
twins run the very same column parsers on one value (raising ValueError with the problem), so
table tests of the scalars test the vectorised path.

Accepted forms:
- counts (Int64, never negative): `1234`, `1,234`, `+12`, `1.2万` (12000), `3.4w`, `1.5亿`,
  `2k`/`2千`; a fraction needs a unit (`12.5` viewers is not a count).
- numbers (Float64, never negative): the count forms plus fractions, `12.5`, `1.25万`.
- percentages as shares: `87%` -> 0.87, `0.87` -> 0.87, `105%` -> 1.05; a bare number above 1
  (`87`) is ambiguous and rejected rather than guessed.
- durations in seconds: `263`, `263.5`, `263秒`, `4:23`, `0:04:23`, `4分23秒`, `1小时2分`, `1h2m3s`.
- dates: `2025-02-01`, `2025/2/1`, `2025.2.1`, `2025年2月1日`, `20250201`, `Feb 1, 2025`,
  Excel serials (`45689`, 20000..80000); date-times: the same followed by `20:01` or
  `20:01:37` (or `T20:01`), or a serial with a fraction. Days outside 2000..2100 are typos.
- blank, `-`, `--`, `—`, `N/A`, `null`, `none`, `暂无` -> null: not reported, never zero.

Plumbing: `find_columns` matches headers after `clean_text`; `text_frame` turns a RawTable into
one all-text frame (one column per field, plus the file `row_number`); readers keep the naming
`<field>` raw text, `t_<field>` cleaned text, `p_<field>` problem; `take_problems`,
`take_rows` and `take_duplicates` split a frame into the rows that go on and the `Reject`s of
the rest. `parse_platform_column` maps the platform names people write to platform ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

import polars as pl

from etl.errors import IngestError, Reject
from etl.reading import RawTable
from survey.text import clean_text

NULL_MARKERS = ("-", "--", "—", "–", "n/a", "null", "none", "暂无")
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
ROW = "row_number"
_EXCEL_EPOCH = datetime(1899, 12, 30)
_SERIAL_RANGE = (20_000, 80_000)  # 1954..2119: never mistakes a small count for a date

# [0-9], not \d: \d also matches other scripts' digits, which a cast cannot read.
_NUM = r"[0-9]+(?:\.[0-9]+)?"
_AMOUNT = rf"^(?P<num>[+-]?{_NUM})(?P<unit>万|w|亿|k|千)?$"
_UNIT_FACTORS = {"万": 1e4, "w": 1e4, "亿": 1e8, "k": 1e3, "千": 1e3}
_PLAIN_INT = r"^[+-]?[0-9]+$"
_SHARE = rf"^(?P<num>[+-]?{_NUM})(?P<pct>%)?$"
_HMS = r"^(?P<h>[0-9]+):(?P<m>[0-5]?[0-9]):(?P<s>[0-5]?[0-9](?:\.[0-9]+)?)$"
_MS = r"^(?P<m>[0-9]+):(?P<s>[0-5]?[0-9](?:\.[0-9]+)?)$"
_UNITS = (
    rf"^(?:(?P<h>{_NUM})(?:小时|时|h))?"
    rf"(?:(?P<m>{_NUM})(?:分钟|分|min|m))?"
    rf"(?:(?P<s>{_NUM})(?:秒钟|秒|sec|s))?$"
)
_CLOCK = r"(?:(?:[ t]|t ?)(?P<hh>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<ss>[0-9]{2})(?:\.[0-9]+)?)?)?"
_YMD = rf"^(?P<y>[0-9]{{4}})[-/.年](?P<m>[0-9]{{1,2}})[-/.月](?P<d>[0-9]{{1,2}})日?{_CLOCK}$"
_COMPACT = r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"
_MDY = rf"^(?P<mon>[a-z]{{3,9}})\.? (?P<d>[0-9]{{1,2}}),? (?P<y>[0-9]{{4}}),?{_CLOCK}$"
_SERIAL = r"^[0-9]{5}(?:\.[0-9]+)?$"
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
# Platform ids and the names written for them, matched lower-cased after NFKC + trim.
# Kept small and local on purpose: etl/platforms/aliases owns the full table.
PLATFORM_NAMES = {
    "bilibili": ("bilibili", "b站", "哔哩哔哩"),
    "douyin": ("douyin", "抖音"),
    "wechat_channels": ("wechat_channels", "视频号", "微信视频号"),
    "xiaohongshu": ("xiaohongshu", "小红书"),
    "weibo": ("weibo", "微博"),
    "youtube": ("youtube", "油管"),
}
_PLATFORM_BY_NAME = {name: pid for pid, names in PLATFORM_NAMES.items() for name in names}
# Excel keeps long numeric ids (抖音 作品ID has 19 digits) as floats and shows `7.3e+18`:
# the last digits are gone, so such an id must not be loaded as if it were the real one.
_ROUNDED_ID = r"^[0-9](?:\.[0-9]+)?e\+?[0-9]+$"


# -- values -------------------------------------------------------------------------------------
# Each parser adds its value and problem columns in small steps that read the previous step's
# materialised columns: one nested expression per parser would repeat every sub-expression each
# time it is referenced (a date is read ~30 times over), which made 90k cells take seconds.
def clean_expr(raw: pl.Expr) -> pl.Expr:
    """Cell text as `survey.text.clean_text` leaves it (NFKC, folded spaces); markers -> null."""
    text = raw.str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(~text.str.to_lowercase().is_in(NULL_MARKERS) & (text != "")).then(text)


def _finish(frame: pl.DataFrame, into: str, problem: str) -> pl.DataFrame:
    """Null the value where there is a problem and drop the parser's scratch columns."""
    scratch = [c for c in frame.columns if c.startswith(f"__{into}_")]
    return frame.with_columns(
        pl.when(pl.col(problem).is_null()).then(pl.col(into)).alias(into)
    ).drop(scratch)


def _amount_parts(
    frame: pl.DataFrame, text: str, into: str
) -> tuple[pl.DataFrame, pl.Expr, pl.Expr, pl.Expr]:
    """Scratch columns (compact text, number before the unit, unit factor) of `1,234` / `1.2万`."""
    compact, groups = f"__{into}_compact", f"__{into}_groups"
    number, factor = f"__{into}_number", f"__{into}_factor"
    frame = frame.with_columns(
        pl.col(text).str.to_lowercase().str.replace_all(r"[, ]", "").alias(compact)
    )
    frame = frame.with_columns(pl.col(compact).str.extract_groups(_AMOUNT).alias(groups))
    frame = frame.with_columns(
        pl.col(groups).struct.field("num").cast(pl.Float64, strict=False).alias(number),
        pl.col(groups)
        .struct.field("unit")
        .replace_strict(_UNIT_FACTORS, default=None, return_dtype=pl.Float64)
        .alias(factor),
    )
    return frame, pl.col(compact), pl.col(number), pl.col(factor)


def parse_count_column(frame: pl.DataFrame, text: str, *, into: str, problem: str) -> pl.DataFrame:
    """Add a whole, non-negative count (`1,234`, `1.2万`) as Int64 and its problem."""
    frame, compact, number, factor = _amount_parts(frame, text, into)
    scaled = (number * factor).round(0)
    frame = frame.with_columns(
        # Plain integers are cast directly so 19-digit counts keep every digit.
        pl.when(compact.str.contains(_PLAIN_INT))
        .then(compact.cast(pl.Int64, strict=False))
        .when(factor.is_not_null() & (scaled.abs() < 9e18))
        .then(scaled.cast(pl.Int64))
        .when(factor.is_null() & (number == number.floor()) & (number.abs() < 9e18))
        .then(number.cast(pl.Int64))
        .alias(into)
    )
    value = pl.col(into)
    frame = frame.with_columns(
        pl.when(pl.col(text).is_null())
        .then(None)
        .when(number.is_not_null() & factor.is_null() & (number != number.floor()))
        .then(pl.lit("not a whole number (a fraction needs a unit such as 万)"))
        .when(value.is_null())
        .then(pl.lit("not a number"))
        .when(value < 0)
        .then(pl.lit("negative"))
        .alias(problem)
    )
    return _finish(frame, into, problem)


def parse_number_column(frame: pl.DataFrame, text: str, *, into: str, problem: str) -> pl.DataFrame:
    """Add a non-negative decimal (`12.5`, `1,234`, `1.25万`) as Float64 and its problem."""
    frame, _, number, factor = _amount_parts(frame, text, into)
    frame = frame.with_columns((number * factor.fill_null(1.0)).alias(into))
    value = pl.col(into)
    frame = frame.with_columns(
        pl.when(pl.col(text).is_null())
        .then(None)
        .when(value.is_null())
        .then(pl.lit("not a number"))
        .when(value < 0)
        .then(pl.lit("negative"))
        .alias(problem)
    )
    return _finish(frame, into, problem)


def parse_share_column(frame: pl.DataFrame, text: str, *, into: str, problem: str) -> pl.DataFrame:
    """Add a share from `87%` or `0.87` as Float64 (`105%` is 1.05; a bare `87` is ambiguous)."""
    groups, number, is_percent = f"__{into}_groups", f"__{into}_number", f"__{into}_pct"
    frame = frame.with_columns(
        pl.col(text).str.replace_all(" ", "").str.extract_groups(_SHARE).alias(groups)
    )
    frame = frame.with_columns(
        pl.col(groups).struct.field("num").cast(pl.Float64, strict=False).alias(number),
        pl.col(groups).struct.field("pct").is_not_null().alias(is_percent),
    )
    # Rounded so 87% is the float 0.87 exactly, not 0.8700000000000001.
    frame = frame.with_columns(
        pl.when(pl.col(is_percent))
        .then(pl.col(number) / 100)
        .otherwise(pl.col(number))
        .round(12)
        .alias(into)
    )
    value = pl.col(into)
    frame = frame.with_columns(
        pl.when(pl.col(text).is_null())
        .then(None)
        .when(value.is_null())
        .then(pl.lit("not a percentage"))
        .when(value < 0)
        .then(pl.lit("negative"))
        .when(~pl.col(is_percent) & (value > 1))
        .then(pl.lit("a bare number above 1 is ambiguous: write 87% or 0.87"))
        .alias(problem)
    )
    return _finish(frame, into, problem)


def parse_duration_column(
    frame: pl.DataFrame, text: str, *, into: str, problem: str
) -> pl.DataFrame:
    """Add seconds from `263`, `4:23`, `0:04:23`, `4分23秒`, `263秒` as Float64."""
    compact = f"__{into}_compact"
    frame = frame.with_columns(
        pl.col(text).str.to_lowercase().str.replace_all(" ", "").alias(compact)
    )
    frame = frame.with_columns(
        pl.col(compact).str.extract_groups(_HMS).alias(f"__{into}_hms"),
        pl.col(compact).str.extract_groups(_MS).alias(f"__{into}_ms"),
        pl.col(compact).str.extract_groups(_UNITS).alias(f"__{into}_units"),
    )

    def part(kind: str, name: str) -> pl.Expr:
        return pl.col(f"__{into}_{kind}").struct.field(name).cast(pl.Float64, strict=False)

    unit_h, unit_m, unit_s = part("units", "h"), part("units", "m"), part("units", "s")
    frame = frame.with_columns(
        pl.coalesce(
            part("hms", "h") * 3600 + part("hms", "m") * 60 + part("hms", "s"),
            part("ms", "m") * 60 + part("ms", "s"),
            pl.when(pl.col(compact).str.contains(rf"^{_NUM}$")).then(
                pl.col(compact).cast(pl.Float64, strict=False)
            ),
            pl.when(unit_h.is_not_null() | unit_m.is_not_null() | unit_s.is_not_null()).then(
                unit_h.fill_null(0) * 3600 + unit_m.fill_null(0) * 60 + unit_s.fill_null(0)
            ),
        ).alias(into)
    )
    frame = frame.with_columns(
        pl.when(pl.col(text).is_not_null() & pl.col(into).is_null())
        .then(pl.lit("not a duration"))
        .alias(problem)
    )
    return _finish(frame, into, problem)


def _day_text(groups: str, *, month: pl.Expr | None = None) -> pl.Expr:
    """`YYYY-M-D` from a regex match's y / m / d groups (chrono reads one-digit parts)."""
    parts = pl.col(groups).struct
    month = month if month is not None else parts.field("m")
    return pl.concat_str([parts.field("y"), month, parts.field("d")], separator="-")


def _add_moment(frame: pl.DataFrame, text: str, into: str) -> tuple[pl.DataFrame, pl.Expr]:
    """Add the datetime of any accepted date form as `into`; returns 'a time was written'."""
    lower = f"__{into}_lower"
    ymd, compact, mdy = f"__{into}_ymd", f"__{into}_compact", f"__{into}_mdy"
    serial, month, clock = f"__{into}_serial", f"__{into}_month", f"__{into}_clock"
    frame = frame.with_columns(pl.col(text).str.to_lowercase().alias(lower))
    frame = frame.with_columns(
        pl.col(lower).str.extract_groups(_YMD).alias(ymd),
        pl.col(lower).str.extract_groups(_COMPACT).alias(compact),
        pl.col(lower).str.extract_groups(_MDY).alias(mdy),
        pl.when(pl.col(lower).str.contains(_SERIAL))
        .then(pl.col(lower).cast(pl.Float64, strict=False))
        .alias(serial),
    )
    frame = frame.with_columns(
        pl.col(mdy)
        .struct.field("mon")
        .replace_strict(
            {name: str(number) for name, number in _MONTHS.items()},
            default=None,
            return_dtype=pl.String,
        )
        .alias(month),
        # The written time of day (the YMD and MDY forms may carry one), or null.
        pl.coalesce(
            *(
                pl.when(pl.col(g).struct.field("hh").is_not_null()).then(
                    pl.concat_str(
                        [
                            pl.col(g).struct.field("hh"),
                            pl.col(g).struct.field("mi"),
                            pl.col(g).struct.field("ss").fill_null("00"),
                        ],
                        separator=":",
                    )
                )
                for g in (ymd, mdy)
            )
        ).alias(clock),
    )
    day = pl.coalesce(_day_text(ymd), _day_text(compact), _day_text(mdy, month=pl.col(month)))
    written = pl.concat_str(
        [day, pl.col(clock).fill_null("0:00:00")], separator=" "
    ).str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    in_range = pl.col(serial).is_between(*_SERIAL_RANGE)
    from_serial = pl.lit(_EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(
        seconds=(pl.col(serial) * 86_400).round(0).cast(pl.Int64)
    )
    frame = frame.with_columns(
        # strict=False: an impossible day (2025-02-30) becomes null, reported as unreadable.
        pl.coalesce(written, pl.when(in_range).then(from_serial)).alias(into)
    )
    # fill_null: without a serial the comparison is null, and ~null would hide a bare day.
    has_time = pl.col(clock).is_not_null() | (
        in_range & (pl.col(serial) != pl.col(serial).floor())
    ).fill_null(False)
    return frame, has_time


def parse_datetime_column(
    frame: pl.DataFrame, text: str, *, into: str, problem: str, require_time: bool = False
) -> pl.DataFrame:
    """Add a moment (`2025-01-28 20:01[:00]`, a serial with a fraction); a bare day is midnight."""
    frame, has_time = _add_moment(frame, text, into)
    value = pl.col(into)
    check = (
        pl.when(pl.col(text).is_null())
        .then(None)
        .when(value.is_null())
        .then(pl.lit("not a date-time"))
        .when(~value.dt.date().is_between(FIRST_DAY, LAST_DAY))
        .then(pl.lit(f"outside {FIRST_DAY.year}..{LAST_DAY.year}, a typo?"))
    )
    if require_time:
        check = check.when(~has_time).then(pl.lit("no time of day (expected 2025-01-28 20:01)"))
    return _finish(frame.with_columns(check.alias(problem)), into, problem)


def parse_date_column(
    frame: pl.DataFrame, text: str, *, into: str, problem: str, allow_time: bool = True
) -> pl.DataFrame:
    """Add a calendar day; a written time is dropped, or (not `allow_time`) must be midnight."""
    frame, has_time = _add_moment(frame, text, into)
    value = pl.col(into)
    check = (
        pl.when(pl.col(text).is_null())
        .then(None)
        .when(value.is_null())
        .then(pl.lit("not a date"))
        .when(~value.dt.date().is_between(FIRST_DAY, LAST_DAY))
        .then(pl.lit(f"outside {FIRST_DAY.year}..{LAST_DAY.year}, a typo?"))
    )
    if not allow_time:
        # Spreadsheet date cells arrive as `2025-02-01 00:00:00`: midnight is still a day.
        check = check.when(has_time & (value.dt.time() != pl.lit(datetime.min.time()))).then(
            pl.lit("has a time of day; expected one value per day")
        )
    frame = frame.with_columns(check.alias(problem), value.dt.date().alias(into))
    return _finish(frame, into, problem)


def parse_platform_column(
    frame: pl.DataFrame, text: str, *, into: str, problem: str
) -> pl.DataFrame:
    """Add the platform id of a name in Chinese or an id (`B站`, `哔哩哔哩` -> bilibili)."""
    frame = frame.with_columns(
        pl.col(text)
        .str.to_lowercase()
        .replace_strict(_PLATFORM_BY_NAME, default=None, return_dtype=pl.String)
        .alias(into)
    )
    frame = frame.with_columns(
        pl.when(pl.col(text).is_not_null() & pl.col(into).is_null())
        .then(pl.lit(f"unknown platform (known: {', '.join(PLATFORM_NAMES)})"))
        .alias(problem)
    )
    return _finish(frame, into, problem)


def parse_id_column(frame: pl.DataFrame, text: str, *, into: str, problem: str) -> pl.DataFrame:
    """Add a platform's id as text; Excel's rounded `7.3e+18` form is a problem, not an id."""
    frame = frame.with_columns(
        pl.col(text).alias(into),
        pl.when(pl.col(text).str.to_lowercase().str.contains(_ROUNDED_ID))
        .then(pl.lit("id was stored as a number and rounded by Excel (format the column as text)"))
        .alias(problem),
    )
    return _finish(frame, into, problem)


ColumnParser = Callable[..., pl.DataFrame]


def _scalar(text: str | None, parse: ColumnParser, **options: bool) -> object:
    frame = pl.DataFrame({"raw": [text]}, schema={"raw": pl.String})
    frame = parse(
        frame.with_columns(clean_expr(pl.col("raw")).alias("text")),
        "text",
        into="value",
        problem="problem",
        **options,
    )
    found, reason = frame.select("value", "problem").row(0)
    if reason is not None:
        raise ValueError(f"{reason}: {text!r}")
    return found


def parse_count(text: str | None) -> int | None:
    """`1.2万` -> 12000; blank -> None; raises ValueError naming the problem."""
    return _scalar(text, parse_count_column)  # type: ignore[return-value]


def parse_number(text: str | None) -> float | None:
    """`1.25万` -> 12500.0; blank -> None."""
    return _scalar(text, parse_number_column)  # type: ignore[return-value]


def parse_ratio(text: str | None) -> float | None:
    """`87%` -> 0.87, `0.87` -> 0.87; blank -> None."""
    return _scalar(text, parse_share_column)  # type: ignore[return-value]


def parse_duration_s(text: str | None) -> float | None:
    """`4:23`, `4分23秒`, `263` -> 263.0; blank -> None."""
    return _scalar(text, parse_duration_column)  # type: ignore[return-value]


def parse_date(text: str | None, *, allow_time: bool = True) -> date | None:
    """`2025/2/1`, `20250201`, `Feb 1, 2025`, `45689` -> date(2025, 2, 1); blank -> None."""
    return _scalar(text, parse_date_column, allow_time=allow_time)  # type: ignore[return-value]


def parse_datetime(text: str | None, *, require_time: bool = False) -> datetime | None:
    """`2025-01-28 20:01` -> datetime; blank -> None."""
    return _scalar(text, parse_datetime_column, require_time=require_time)  # type: ignore[return-value]


def parse_platform(text: str | None) -> str | None:
    """`B站` -> 'bilibili'; blank -> None; raises ValueError for an unknown name."""
    return _scalar(text, parse_platform_column)  # type: ignore[return-value]


# -- column plumbing ----------------------------------------------------------------------------
def find_columns(
    table: RawTable, required: Mapping[str, str], optional: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Field -> column index, matching headers after clean_text; IngestError if one is missing."""
    index_by_header = {clean_text(h): i for i, h in enumerate(table.headers)}
    optional = optional or {}
    missing = [header for header in required.values() if header not in index_by_header]
    if missing:
        expected = ", ".join(required.values())
        if optional:
            expected += f" (optional: {', '.join(optional.values())})"
        raise IngestError(
            table.path,
            f"missing column(s) {', '.join(missing)}; expected {expected}",
            row=1,
            column=missing[0],
        )
    return {
        field: index_by_header[header]
        for field, header in {**required, **optional}.items()
        if header in index_by_header
    }


def ignored_columns_warning(table: RawTable, columns: Mapping[str, int]) -> list[str]:
    """A warning naming the columns no field uses (empty list when every column is used)."""
    used = set(columns.values())
    extra = [h for i, h in enumerate(table.headers) if i not in used]
    return [f"ignored column(s) {', '.join(extra)}"] if extra else []


def clean_columns(frame: pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    """Add `t_<field>`: each raw field's text cleaned (`clean_expr`), null when blank."""
    return frame.with_columns(clean_expr(pl.col(f)).alias(f"t_{f}") for f in fields)


def mark_missing(
    frame: pl.DataFrame, fields: Sequence[str], reason: str = "missing"
) -> pl.DataFrame:
    """Set `p_<field>` to `reason` where a required field's cleaned text `t_<field>` is blank."""
    return frame.with_columns(
        pl.when(pl.col(f"t_{f}").is_null())
        .then(pl.lit(reason))
        .otherwise(pl.col(f"p_{f}"))
        .alias(f"p_{f}")
        for f in fields
    )


def text_frame(table: RawTable, columns: Mapping[str, int]) -> pl.DataFrame:
    """One String column per field with the raw cell text, plus the file row number."""
    frame = pl.DataFrame(
        [[row[i] for i in columns.values()] for row in table.rows],
        schema=[(field, pl.String) for field in columns],
        orient="row",
    )
    return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))


def take_blank_rows(
    frame: pl.DataFrame, fields: Sequence[str]
) -> tuple[pl.DataFrame, list[Reject]]:
    """Reject rows whose cleaned `t_<field>` cells are all blank ("blank row").

    A blank line is still a data row to read_table; rejecting it keeps
    rows_read = loaded + rejected true without a special case.
    """
    blank = pl.all_horizontal([pl.col(f"t_{f}").is_null() for f in fields])
    return take_rows(frame, blank, header=None, raw=None, reason=pl.lit("blank row"))


def _rejects(
    frame: pl.DataFrame, header: str | None, raw: str | None, reason: pl.Expr
) -> list[Reject]:
    columns = [
        pl.col(ROW),
        (pl.col(raw) if raw else pl.lit(None, pl.String)).alias("_value_text"),
        reason.alias("_reason"),
    ]
    return [Reject(row, header, text, why) for row, text, why in frame.select(columns).iter_rows()]


def take_problems(
    frame: pl.DataFrame, checks: Sequence[tuple[str, str, str]]
) -> tuple[pl.DataFrame, list[Reject]]:
    """Drop rows with any problem; checks are (problem column, raw column, header) in file order.

    Every bad cell of a row becomes its own Reject, so one pass over the rejects shows all
    that needs fixing in that row.
    """
    rejects: list[Reject] = []
    for problem, raw, header in checks:
        bad = frame.filter(pl.col(problem).is_not_null())
        rejects.extend(_rejects(bad, header, raw, pl.col(problem)))
    clean = pl.all_horizontal([pl.col(p).is_null() for p, _, _ in checks]) if checks else True
    return frame.filter(clean), rejects


def take_rows(
    frame: pl.DataFrame, bad: pl.Expr, *, header: str | None, raw: str | None, reason: pl.Expr
) -> tuple[pl.DataFrame, list[Reject]]:
    """Drop the rows where `bad` holds, each rejected with `reason` (an expression per row)."""
    # A null test would drop the row from both sides of the split; null means "not bad".
    bad = bad.fill_null(False)
    hit = frame.filter(bad)
    return frame.filter(~bad), _rejects(hit, header, raw, reason)


def take_duplicates(
    frame: pl.DataFrame, keys: Sequence[str], *, header: str, raw: str, what: str
) -> tuple[pl.DataFrame, list[Reject]]:
    """Keep the first row of each key; later rows are rejected as 'duplicate of row N'."""
    first = pl.col(ROW).min().over(keys)
    return take_rows(
        frame.with_columns(first.alias("_first_row")),
        pl.col(ROW) != pl.col("_first_row"),
        header=header,
        raw=raw,
        reason=pl.format("duplicate of row {} ({})", pl.col("_first_row"), pl.lit(what)),
    )


def sorted_rejects(rejects: list[Reject]) -> list[Reject]:
    """Rejects in file-row order (stable, so a row's cells keep their column order)."""
    return sorted(rejects, key=lambda r: r.row_number)
