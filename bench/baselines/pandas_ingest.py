"""The platform-metric ingest written the straightforward way in pandas (the ETL's baseline).

    load_platform_exports([(path, platform), ...], database) -> summary dict

What a competent pandas user would write for the same job, vectorised throughout (no Python loop
per row): `read_csv` of every cell as text (UTF-8 or GB18030), each column parsed once per
distinct text (`pd.factorize`, then `.str` methods and regexes on the uniques, mapped back by
code; cheap casts first where most cells are plain integers), then the same rules as
`etl.platforms`:

- values: `1.2万` / `3.4w` / `1.5亿` / `2k` counts, `1,234`, `35.2%` ratios (a bare number above 1
  is ambiguous), `1分42秒` / `0:01:42` durations, dates as `2025-01-01`, `2025/1/1`,
  `2025年1月1日`, `20250101`, `Feb 1, 2025` (optionally with a time), `-` / `N/A` / blank as not
  reported; Excel-rounded ids (`7.3e+18`) rejected;
- rows: blank rows, 合计 / Total summary rows, bad or missing id/date cells and bad values are
  rejected (counted), a repeated (content, date) keeps its first row;
- B站 cumulative columns become daily deltas per content in date order; a later file's first
  snapshot continues the running total of the earlier files (the warehouse's earlier days are
  subtracted), and decreases are counted as counter issues;
- YouTube folders: Chart data gives the daily rows, Table data the videos' period totals (the
  Total row checked against the videos' sum), Totals.csv checked day by day against Chart data;
- one dimension row per content (its latest title, publish time, duration);

and every file's result appended to DuckDB tables in one database file (plain tables, no key
constraints: a straightforward implementation would not declare them). Header names come from
the ETL's alias tables (etl/platforms/aliases/*.yaml, configuration, not work). Not included, in
the baseline's favour: the ETL's load log, reject rows, calendar, models and snapshot publish.
"""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

NULL_MARKERS = {"-", "--", "—", "–", "/", "n/a", "na", "null", "none", "暂无"}
SUMMARY_MARKERS = {"合计", "总计", "汇总", "total", "sum"}
UNITS = {"万": 1e4, "w": 1e4, "亿": 1e8, "k": 1e3, "千": 1e3}
NUM = r"[0-9]+(?:\.[0-9]+)?"
AMOUNT = rf"^(?P<num>[+-]?{NUM})(?P<unit>万|w|亿|k|千)?$"
SHARE = rf"^(?P<num>[+-]?{NUM})(?P<pct>%)?$"
HMS = r"^(?P<h>[0-9]+):(?P<m>[0-5]?[0-9]):(?P<s>[0-5]?[0-9](?:\.[0-9]+)?)$"
MS = r"^(?P<m>[0-9]+):(?P<s>[0-5]?[0-9](?:\.[0-9]+)?)$"
UNIT_DURATION = (
    rf"^(?:(?P<h>{NUM})(?:小时|时|hours|hour|hrs|hr|h))?"
    rf"(?:(?P<m>{NUM})(?:分钟|分|minutes|minute|mins|min|m))?"
    rf"(?:(?P<s>{NUM})(?:秒钟|秒|seconds|second|secs|sec|s))?$"
)
CLOCK = r"(?:(?:[ t]|t ?)(?P<hh>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<ss>[0-9]{2}))?)?"
YMD = rf"^(?P<y>[0-9]{{4}})[-/.年](?P<m>[0-9]{{1,2}})[-/.月](?P<d>[0-9]{{1,2}})日?{CLOCK}$"
COMPACT = r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"
MDY = rf"^(?P<mon>[a-z]{{3}})[a-z]*\.? (?P<d>[0-9]{{1,2}}),? (?P<y>[0-9]{{4}}),?{CLOCK}$"
MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
ROUNDED_ID = r"^[0-9](?:\.[0-9]+)?e\+?[0-9]+$"
FIRST_DAY, LAST_DAY = pd.Timestamp("2000-01-01"), pd.Timestamp("2101-01-01")
KINDS = {
    "content_id": "id",
    "date_on": "date",
    "title": "text",
    "url": "text",
    "published_at": "datetime",
    "duration_s": "duration",
    "watch_time_s": "duration",
    "avg_view_duration_s": "duration",
    "completion_rate": "ratio",
    "impressions_ctr": "ratio",
    "avg_pct_viewed": "open_ratio",
    "watch_time_h": "hours",
    "new_followers": "signed_count",
}
DAILY_COLUMNS = [
    "platform_id", "content_id", "date_on", "views", "likes", "comments", "shares", "favorites",
    "coins", "danmaku", "new_followers", "impressions", "unique_viewers", "watch_time_s",
    "avg_view_duration_s", "completion_rate", "impressions_ctr", "is_from_cumulative",
]  # fmt: skip
COUNTERS = ["views", "likes", "comments", "shares", "favorites", "coins", "danmaku"]


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


# -- reading and cleaning ------------------------------------------------------------------------
def read_text_csv(path: Path) -> pd.DataFrame:
    """Every cell as text ('' when blank), UTF-8 (BOM or not) or else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor GB18030")


def by_unique(column: pd.Series, parse: Any) -> pd.DataFrame:
    """Run `parse` (Series of distinct texts -> frame [value, problem]) once per distinct text."""
    codes, uniques = pd.factorize(column)
    parsed = parse(pd.Series(uniques, dtype="str")).reset_index(drop=True)
    taken = parsed.iloc[np.where(codes < 0, 0, codes)]
    taken.index = column.index
    return taken


def clean(texts: pd.Series) -> pd.Series:
    """NFKC, whitespace runs folded, trimmed; blank and not-reported markers become NA."""
    folded = texts.str.normalize("NFKC").str.replace(r"\s+", " ", regex=True).str.strip()
    blank = folded.eq("") | folded.str.lower().isin(NULL_MARKERS)
    return folded.mask(blank)


def _frame(value: pd.Series, problems: list[tuple[pd.Series, str]]) -> pd.DataFrame:
    problem = pd.Series(None, index=value.index, dtype=object)
    for condition, message in reversed(problems):
        problem = problem.mask(condition.fillna(False).astype(bool), message)
    return pd.DataFrame({"value": value.mask(problem.notna()), "problem": problem})


# -- one parser per kind, on distinct texts ------------------------------------------------------
def parse_count(texts: pd.Series, *, signed: bool) -> pd.DataFrame:
    text = clean(texts)
    compact = text.str.lower().str.replace(r"[, ]", "", regex=True)
    parts = compact.str.extract(AMOUNT)
    number = pd.to_numeric(parts["num"], errors="coerce")
    factor = parts["unit"].map(UNITS)
    plain = compact.str.fullmatch(r"[+-]?[0-9]+").fillna(False).astype(bool)
    value = pd.Series(np.nan, index=text.index)
    value[plain] = pd.to_numeric(compact[plain], errors="coerce")
    value = value.where(plain, (number * factor).round())
    problems = [
        (text.notna() & factor.isna() & (number != np.floor(number)), "not a whole number"),
        (text.notna() & value.isna(), "not a count"),
    ]
    if not signed:
        problems.append((value < 0, "negative count"))
    return _frame(value, problems)


def parse_number(texts: pd.Series, *, scale: float = 1.0) -> pd.DataFrame:
    text = clean(texts)
    parts = text.str.lower().str.replace(r"[, ]", "", regex=True).str.extract(AMOUNT)
    value = pd.to_numeric(parts["num"], errors="coerce") * parts["unit"].map(UNITS).fillna(1)
    value = value * scale
    return _frame(value, [(text.notna() & value.isna(), "not a number"), (value < 0, "negative")])


def parse_ratio(texts: pd.Series, *, percent_units: bool, closed: bool) -> pd.DataFrame:
    text = clean(texts)
    parts = text.str.replace(" ", "").str.extract(SHARE)
    number = pd.to_numeric(parts["num"], errors="coerce")
    percent = parts["pct"].notna() | percent_units
    value = number.where(~percent, number / 100).round(12)
    problems = [
        (text.notna() & value.isna(), "not a percentage"),
        (value < 0, "negative percentage"),
        ((value > 1) & ~percent, "a bare number above 1 is ambiguous"),
    ]
    if closed:
        problems.append((value > 1, "above 100%"))
    return _frame(value, problems)


def parse_duration(texts: pd.Series) -> pd.DataFrame:
    text = clean(texts)
    compact = text.str.lower().str.replace(" ", "")
    hms = compact.str.extract(HMS).apply(pd.to_numeric, errors="coerce")
    ms = compact.str.extract(MS).apply(pd.to_numeric, errors="coerce")
    units = compact.str.extract(UNIT_DURATION).apply(pd.to_numeric, errors="coerce")
    plain = pd.to_numeric(compact.where(compact.str.fullmatch(NUM).fillna(False)), errors="coerce")
    by_units = units.notna().any(axis=1)
    value = (
        (hms["h"] * 3600 + hms["m"] * 60 + hms["s"])
        .fillna(ms["m"] * 60 + ms["s"])
        .fillna(plain)
        .fillna(
            (units["h"].fillna(0) * 3600 + units["m"].fillna(0) * 60 + units["s"].fillna(0)).where(
                by_units
            )
        )
    )
    return _frame(value, [(text.notna() & value.isna(), "not a duration"), (value < 0, "negative")])


def parse_moment(texts: pd.Series, *, day_only: bool) -> pd.DataFrame:
    text = clean(texts).str.lower()
    ymd, compact, mdy = (text.str.extract(p) for p in (YMD, COMPACT, MDY))
    mdy["m"] = mdy["mon"].map(MONTHS).astype("Int64").astype("str")
    year = ymd["y"].fillna(compact["y"]).fillna(mdy["y"])
    month = ymd["m"].fillna(compact["m"]).fillna(mdy["m"].where(mdy["mon"].notna()))
    day = ymd["d"].fillna(compact["d"]).fillna(mdy["d"])
    hour = ymd["hh"].fillna(mdy["hh"]).fillna("0").str.zfill(2)
    minute = ymd["mi"].fillna(mdy["mi"]).fillna("00")
    second = ymd["ss"].fillna(mdy["ss"]).fillna("00")
    month, day = month.str.zfill(2), day.str.zfill(2)
    written = year + "-" + month + "-" + day + " " + hour + ":" + minute + ":" + second
    value = pd.to_datetime(written, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    problems = [
        (text.notna() & value.isna(), "not a date"),
        ((value < FIRST_DAY) | (value >= LAST_DAY), "outside 2000-01-01..2100-12-31"),
    ]
    # A date keeps its day and drops any time of day written with it.
    return _frame(value.dt.normalize() if day_only else value, problems)


def parse_id(texts: pd.Series) -> pd.DataFrame:
    text = clean(texts)
    rounded = text.str.lower().str.fullmatch(ROUNDED_ID).fillna(False)
    return _frame(text, [(rounded, "id rounded by Excel")])


def parse(column: pd.Series, kind: str, *, percent_units: bool = False) -> pd.DataFrame:
    """[value, problem] of every cell of a text column."""
    if kind in ("count", "signed_count"):
        # Most columns hold plain integers only: one cast, else every distinct text parsed.
        fast = pd.to_numeric(column, errors="coerce")
        whole = fast.notna().sum() == column.ne("").sum() and (fast == fast.round()).all()
        if whole and (kind == "signed_count" or not (fast < 0).any()):
            return pd.DataFrame({"value": fast, "problem": pd.Series(None, index=column.index)})
        return by_unique(column, lambda t: parse_count(t, signed=kind == "signed_count"))
    parsers = {
        "id": parse_id,
        "text": lambda t: _frame(clean(t), []),
        "date": lambda t: parse_moment(t, day_only=True),
        "datetime": lambda t: parse_moment(t, day_only=False),
        "duration": parse_duration,
        "hours": lambda t: parse_number(t, scale=3600.0),
        "ratio": lambda t: parse_ratio(t, percent_units=percent_units, closed=True),
        "open_ratio": lambda t: parse_ratio(t, percent_units=percent_units, closed=False),
    }
    return by_unique(column, parsers[kind])


# -- rows ----------------------------------------------------------------------------------------
def parse_rows(
    frame: pd.DataFrame,
    columns: dict[str, tuple[str, str]],
    keys: list[str],
    summary: list[str] | tuple[()] = (),
) -> tuple[pd.DataFrame, int]:
    """(kept rows with parsed fields, rows rejected) — the ETL's row rules, as masks."""
    values, problems = {}, {}
    for field, (header, kind) in columns.items():
        parsed = parse(frame[header], kind, percent_units="%" in header)
        values[field], problems[field] = parsed["value"], parsed["problem"]
    out = pd.DataFrame(values)
    out["row_number"] = np.arange(2, len(frame) + 2)
    blank = pd.concat([pd.DataFrame(values).isna(), pd.DataFrame(problems).isna()], axis=1)
    rejected = blank.all(axis=1)
    for field in summary:
        header = columns[field][0]
        rejected |= frame[header].str.strip().str.lower().isin(SUMMARY_MARKERS)
    for field in keys:
        rejected |= out[field].isna()
    for field in columns:
        rejected |= problems[field].notna()
    kept = out[~rejected.to_numpy()]
    duplicate = kept.duplicated(subset=keys, keep="first")
    kept = kept[~duplicate.to_numpy()]
    return kept, len(frame) - len(kept)


def aliases(platform: str) -> tuple[dict[str, tuple[str, bool]], frozenset[str]]:
    from etl.platforms.registry import alias_table

    table = alias_table(platform)
    return table.columns, table.ignored


class Loader:
    """Appends each file's rows to DuckDB tables; remembers B站 running totals across files."""

    def __init__(self, database: str) -> None:
        import duckdb

        Path(database).unlink(missing_ok=True)
        self.con = duckdb.connect(database)
        self.totals: dict[str, pd.DataFrame] = {}  # platform -> last running total per content
        self.contents: list[pd.DataFrame] = []
        self.counts = {"read": 0, "loaded": 0, "rejected": 0, "counter_issues": 0}
        self.checks: list[str] = []
        self.created: set[str] = set()
        self.write_seconds = 0.0  # time in DuckDB appends (the rest is reading and parsing)

    def append(self, table: str, frame: pd.DataFrame) -> None:
        started = time.perf_counter()
        self.con.register("_frame", frame)
        if table in self.created:
            self.con.execute(f"insert into {table} select * from _frame")
        else:
            self.con.execute(f"create table {table} as select * from _frame")
            self.created.add(table)
        self.con.unregister("_frame")
        self.write_seconds += time.perf_counter() - started

    def creator_export(self, path: Path, platform: str) -> None:
        frame = read_text_csv(path)
        known, _ = aliases(platform)
        columns: dict[str, tuple[str, str]] = {}
        cumulative: set[str] = set()
        for header in frame.columns:
            match = known.get(_key(header))
            if match is None:
                continue
            field, summed = match
            columns.setdefault(field, (header, KINDS.get(field, "count")))
            if summed:
                cumulative.add(field)
        if "date_on" in cumulative:  # 统计截至: every counter is a running total
            cumulative |= {f for f in columns if KINDS.get(f, "count") == "count"}
        keys = ["content_id", "date_on"]
        kept, rejected = parse_rows(frame, columns, keys, summary=keys)
        kept = kept.sort_values(["content_id", "date_on", "row_number"], kind="stable")
        metrics = [f for f in cumulative if f not in ("date_on",) and f in kept.columns]
        if metrics:
            kept = self._deltas(kept, metrics, platform)
        self._content(kept, platform)
        kept = kept.assign(platform_id=platform, is_from_cumulative=bool(metrics))
        self.append("fct_content_daily", kept.reindex(columns=DAILY_COLUMNS))
        self._count(len(frame), len(kept), rejected)

    def _deltas(self, kept: pd.DataFrame, metrics: list[str], platform: str) -> pd.DataFrame:
        """Running totals -> daily deltas per content (rows sorted by content, date, row)."""
        content = kept["content_id"]
        first = ~content.duplicated()
        earlier = self.totals.get(platform)
        last = kept.groupby("content_id", sort=False)[metrics].last()
        for metric in metrics:
            value = kept[metric].astype("float64")
            # The last known total before each row (blanks skipped), within the content.
            previous = value.groupby(content, sort=False).ffill().groupby(content).shift(1)
            if earlier is not None and metric in earlier:
                previous = previous.where(~first, content.map(earlier[metric]))
            self.counts["counter_issues"] += int((value < previous).sum())
            delta = value.where(previous.isna(), value - previous)
            kept[metric] = delta.round().astype("Int64")
        self.totals[platform] = last if earlier is None else last.combine_first(earlier)
        return kept

    def _content(self, kept: pd.DataFrame, platform: str) -> None:
        present = [c for c in ("title", "published_at", "duration_s") if c in kept.columns]
        latest = kept.groupby("content_id", sort=True)[present].last().reset_index()
        self.contents.append(latest.assign(platform_id=platform))

    def _count(self, read: int, loaded: int, rejected: int) -> None:
        self.counts["read"] += read
        self.counts["loaded"] += loaded
        self.counts["rejected"] += rejected

    def youtube_export(self, folder: Path) -> None:
        from etl.platforms.registry import youtube_aliases

        names = youtube_aliases()

        def part(kind: str) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
            frame = read_text_csv(folder / names.files[kind][0])
            columns = {}
            for header in frame.columns:
                field = names.columns[kind].get(_key(header))
                if field is not None:
                    columns[field] = (header, KINDS.get(field, "count"))
            return frame, columns

        chart_raw, chart_columns = part("chart")
        chart, rejected = parse_rows(chart_raw, chart_columns, ["content_id", "date_on"])
        self._count(len(chart_raw), len(chart), rejected)
        table_raw, table_columns = part("table")
        table, rejected = parse_rows(table_raw, table_columns, ["content_id"])
        self._count(len(table_raw), len(table), rejected)
        is_total = table["content_id"].str.lower().isin(names.total_row)
        videos = table[~is_total]
        if is_total.any() and table.loc[is_total, "views"].iloc[0] != videos["views"].sum():
            self.checks.append(f"{folder.name}: Total views differ from the videos' sum")
        totals_raw, totals_columns = part("totals")
        totals, rejected = parse_rows(totals_raw, totals_columns, ["date_on"])
        self._count(len(totals_raw), len(totals), rejected)
        by_day = chart.groupby("date_on")["views"].sum()
        compared = totals.set_index("date_on")["views"].sub(by_day, fill_value=0)
        if (compared != 0).any():
            self.checks.append(f"{folder.name}: {int((compared != 0).sum())} days differ")
        start, end = chart["date_on"].min(), chart["date_on"].max()
        period = videos.assign(platform_id="youtube", period_start_on=start, period_end_on=end)
        if "watch_time_h" in period:
            period = period.rename(columns={"watch_time_h": "watch_time_s"})
        self.append("fct_content_period", period.drop(columns=["title", "published_at"]))
        chart = chart.sort_values(["content_id", "date_on"], kind="stable")
        self._content(pd.concat([chart, videos]), "youtube")
        daily = chart.assign(platform_id="youtube", is_from_cumulative=False)
        self.append("fct_content_daily", daily.reindex(columns=DAILY_COLUMNS))

    def finish(self) -> dict[str, Any]:
        contents = pd.concat(self.contents).groupby(["platform_id", "content_id"]).last()
        self.append("dim_content", contents.reset_index())
        plays = dict(
            self.con.execute(
                "select platform_id, sum(views)::bigint from fct_content_daily group by 1"
            ).fetchall()
        )
        started = time.perf_counter()
        self.con.execute("checkpoint")
        self.con.close()
        self.write_seconds += time.perf_counter() - started
        return {
            **self.counts,
            "plays": plays,
            "checks": self.checks,
            "write_seconds": round(self.write_seconds, 2),
        }


def load_platform_exports(files: list[tuple[str, str]], database: str) -> dict[str, Any]:
    """Load (path, platform) pairs in order into a fresh DuckDB file; counts and plays."""
    loader = Loader(database)
    for path, platform in files:
        if platform == "youtube":
            loader.youtube_export(Path(path))
        else:
            loader.creator_export(Path(path), platform)
    return loader.finish()
