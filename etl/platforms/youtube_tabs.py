"""YouTube Studio tabs other than Content: Geography, Cities, Viewer age, Subscription status ...

An advanced-mode export of such a tab is a folder like the Content one (`Table data.csv`,
`Chart data.csv`, `Totals.csv`) whose Table data's FIRST column names the tab's dimension
(aliases/youtube.yaml `tabs`): `Geography` (countries), `Cities` (+ `City name`), `Viewer age`
(`13–17 years`, en dash), `Viewer gender`, `Subscription status`, `Traffic source`,
`Device type`, or their Chinese-UI names (`地理位置`, `城市`, `观众年龄`, `订阅状态`, `流量来源类型`).
A tab may also come as the single Table data file.

What is loaded (fct_channel_breakdown, one row per value over the export's period):
- every Table data row but the first-column `Total` row: dimension, value_key (ISO-2 country,
  age band `18-24`, `subscribed` ..., else the folded text), value_text (as written; for
  Cities the `City name`), views, views share, watch time, average view duration ... as the
  tab reports them (aliases/youtube.yaml `tab_columns`);
- the `Total` row as the whole channel over the period (dimension `channel`, value `all`): the
  base a share-only tab (Viewer age) is turned into views with.
The period is the `YYYY-MM-DD_YYYY-MM-DD` in the folder's (or file's) name, else the first..last
day of Chart data / Totals. A single Table data file with neither is an IngestError.
Checks (warnings, nothing rejected): the values' views sum to the Total row (except a list cut
at the top N, whose footer says so), Totals.csv's days sum to the Total row, and each value's
Chart data days sum to its Table data views. Chart data and Totals rows are counted as loaded
(used as checks) unless a bad cell rejects them.
The footer row `Showing top 500 results` is not data: rejected with that reason, so
rows_read = loaded + rejected still holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from etl.dates import DayMonthOrder
from etl.errors import IngestError, Reject
from etl.frames import ROW
from etl.platforms.breakdown import value_keys
from etl.platforms.date_columns import reject_date_problems, shared_order, with_iso_dates
from etl.platforms.frames import FieldColumn, bundle, described, listed, parse_rows
from etl.reading import RawTable, peek, read_table
from etl.schemas import CHANNEL_BREAKDOWN, Staged, conform
from etl.values import name_key

PLATFORM_ID = "youtube"
ALIASES = Path(__file__).parent / "aliases" / "youtube.yaml"
PERIOD_IN_NAME = re.compile(
    r"(?P<start>[0-9]{4}-[0-9]{2}-[0-9]{2})_(?P<end>[0-9]{4}-[0-9]{2}-[0-9]{2})"
)
# tab_columns field -> (fct_channel_breakdown column, value kind of etl.values)
TAB_FIELDS: dict[str, tuple[str, str]] = {
    "label": ("label", "text"),
    "views": ("views", "count"),
    "views_share": ("views_share", "ratio"),
    "watch_time_h": ("watch_time_s", "hours"),
    "watch_time_share": ("watch_time_share", "ratio"),
    "avg_view_duration_s": ("avg_view_duration_s", "duration"),
    "avg_pct_viewed": ("avg_pct_viewed", "open_ratio"),
    "impressions": ("impressions", "count"),
    "impressions_ctr": ("impressions_ctr", "ratio"),
    "unique_viewers": ("unique_viewers", "count"),
    "subscribers": ("subscribers", "signed_count"),
    "likes": ("likes", "count"),
    "comments": ("comments", "count"),
    "shares": ("shares", "count"),
}


@dataclass(frozen=True)
class TabAliases:
    """The tabs' names (first header -> dimension), metric headers, Total row and footers."""

    dimensions: dict[str, str]
    columns: dict[str, str]
    total_row: frozenset[str]
    footers: tuple[re.Pattern[str], ...]
    files: dict[str, tuple[str, ...]]


@cache
def tab_aliases() -> TabAliases:
    """aliases/youtube.yaml's `tabs`, `tab_columns`, `total_row`, `footer` and `files`."""
    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    dimensions = {
        name_key(header): dimension
        for dimension, headers in (data.get("tabs") or {}).items()
        for header in headers
    }
    columns = {}
    for field, headers in (data.get("tab_columns") or {}).items():
        if field not in TAB_FIELDS:
            raise ValueError(f"{ALIASES.name}: unknown tab column field {field!r}")
        columns.update({name_key(h): field for h in headers})
    return TabAliases(
        dimensions=dimensions,
        columns=columns,
        total_row=frozenset(name_key(t) for t in data["total_row"]),
        footers=tuple(re.compile(p) for p in data.get("footer", [])),
        files={k: tuple(v) for k, v in data["files"].items()},
    )


def tab_dimension(headers: list[str]) -> str | None:
    """The dimension a Table data's first header names (`Geography` -> country), else None."""
    return tab_aliases().dimensions.get(name_key(headers[0])) if headers else None


def _find(folder: Path, kind: str) -> Path | None:
    names = {n.casefold() for n in tab_aliases().files[kind]}
    return next((p for p in sorted(folder.iterdir()) if p.name.casefold() in names), None)


def is_tab_export(path: Path) -> bool:
    """Whether a folder's Table data (or a file) is a YouTube tab other than Content."""
    table = _find(path, "table") if path.is_dir() else path
    if table is None or not table.is_file():
        return False
    return tab_dimension(peek(table)[1]) is not None


def period_from_name(*names: str) -> tuple[date, date] | None:
    """The `2025-01-01_2025-12-31` period YouTube writes into an export's name, if any."""
    for name in names:
        found = PERIOD_IN_NAME.search(name)
        if found is not None:
            return date.fromisoformat(found["start"]), date.fromisoformat(found["end"])
    return None


@dataclass(frozen=True)
class _Parsed:
    table: RawTable
    kept: pl.DataFrame
    rejects: list[Reject]


def _table_columns(table: RawTable) -> tuple[list[FieldColumn], list[str]]:
    aliases = tab_aliases()
    columns = [FieldColumn(0, table.headers[0], "value_text", "text")]
    unknown, seen = [], set()
    for index, header in enumerate(table.headers[1:], start=1):
        field = aliases.columns.get(name_key(header))
        if field is None or field in seen:
            unknown.append(header)
            continue
        seen.add(field)
        target, kind = TAB_FIELDS[field]
        columns.append(FieldColumn(index, header, target, kind))
    return columns, unknown


def _is_footer(texts: pl.Expr) -> pl.Expr:
    folded = texts.str.normalize("NFKC").str.strip_chars().str.to_lowercase()
    hits = [folded.str.contains(p.pattern) for p in tab_aliases().footers]
    return pl.any_horizontal(hits) if hits else pl.lit(False)


def _read_table_data(table: RawTable) -> tuple[_Parsed, list[str], int | None]:
    """(values and Total row parsed, warnings, the footer's N when the list is cut)."""
    columns, unknown = _table_columns(table)
    warnings = [f"{table.path.name}: columns not read: {', '.join(unknown)}"] if unknown else []
    kept, rejects = parse_rows(table, columns, ["value_text"])
    footer = kept.filter(_is_footer(pl.col("value_text")))
    cut = None
    if footer.height:
        rejects += [
            Reject(
                row,
                table.headers[0],
                text,
                "footer line, not data: the export lists only the top values",
            )
            for row, text in footer.select(ROW, "value_text").iter_rows()
        ]
        number = re.search(r"[0-9]+", footer["value_text"][0])
        cut = int(number.group()) if number else None
        kept = kept.join(footer.select(ROW), on=ROW, how="anti")
    name = table.path.name
    return (
        _Parsed(table, kept, described(rejects, prefix=f"{name}: ", file_name=name)),
        warnings,
        cut,
    )


def _read_check_file(
    table: RawTable, dimension_header: str | None, order: DayMonthOrder | None
) -> _Parsed:
    """Chart data (Date, value, Views) or Totals (Date, Views), parsed for the checks."""
    keys = {name_key(h): i for i, h in enumerate(table.headers)}
    date_index = next((keys[k] for k in ("date", "日期") if k in keys), None)
    views_index = next((keys[k] for k in ("views", "观看次数") if k in keys), None)
    if date_index is None or views_index is None:
        raise IngestError(table.path, "no 'Date' and 'Views' columns", row=1)
    columns = [
        FieldColumn(date_index, table.headers[date_index], "date_on", "date"),
        FieldColumn(views_index, table.headers[views_index], "views", "count"),
    ]
    keys_of_row = ["date_on"]
    if dimension_header is not None and name_key(dimension_header) in keys:
        columns.append(
            FieldColumn(keys[name_key(dimension_header)], dimension_header, "value_text", "text")
        )
        keys_of_row = ["value_text", "date_on"]
    raw = table.frame().get_column(f"c{date_index}")
    dated, read = with_iso_dates(table, date_index, header=table.headers[date_index], order=order)
    kept, rejects = parse_rows(dated, columns, keys_of_row)
    kept, rejects = reject_date_problems(kept, rejects, read, table.headers[date_index], raw)
    name = table.path.name
    return _Parsed(table, kept, described(rejects, prefix=f"{name}: ", file_name=name))


def _sum(frame: pl.DataFrame, column: str) -> int | None:
    if column not in frame.columns or frame.get_column(column).null_count() == frame.height:
        return None
    return int(frame.get_column(column).sum())


def _checks(
    values: pl.DataFrame,
    total: pl.DataFrame,
    chart: _Parsed | None,
    totals: _Parsed | None,
    cut: int | None,
) -> list[str]:
    warnings = []
    total_views = _sum(total, "views")
    summed = _sum(values, "views")
    if total.is_empty():
        warnings.append("Table data has no Total row: the values' views were not checked")
    elif total_views is not None and summed is not None and summed != total_views:
        if cut is not None:
            warnings.append(
                f"only the top {cut} values are listed: they sum to {summed} of the Total "
                f"{total_views} views (the rest are not in the export)"
            )
        else:
            warnings.append(f"Table data: Total views {total_views} but the values sum to {summed}")
    if totals is not None and total_views is not None:
        daily = _sum(totals.kept, "views")
        if daily is not None and daily != total_views:
            warnings.append(
                f"Totals.csv: the days sum to {daily} views but Table data's Total is {total_views}"
            )
    if chart is not None and "value_text" in chart.kept.columns and "views" in values.columns:
        by_value = chart.kept.group_by("value_text").agg(pl.col("views").sum().alias("chart_views"))
        compared = values.select("value_text", "views").join(by_value, on="value_text", how="inner")
        differ = compared.filter(pl.col("views") != pl.col("chart_views")).sort("value_text")
        warnings += listed(
            [
                f"Chart data: {text} sums to {charted} views but Table data says {views}"
                for text, views, charted in differ.iter_rows()
            ],
            "values that differ",
        )
    return warnings


def read_youtube_tab(
    path: Path, *, date_order: DayMonthOrder | None = None, content_id: str | None = None
) -> Staged:
    """Read a YouTube Studio tab export (folder or single Table data file) into channel facts.

    `content_id`: the video the export was filtered to (the Studio's per-video analytics); the
    rows then describe that video's audience, not the channel's.
    """
    path = Path(path)
    folder = path if path.is_dir() else None
    table_path = _find(path, "table") if folder else path
    if table_path is None:
        raise IngestError(path, "missing: a YouTube Studio export folder needs Table data.csv")
    table = read_table(table_path)
    dimension = tab_dimension(table.headers)
    if dimension is None:
        raise IngestError(
            table_path, f"not a YouTube Studio tab: first column {table.headers[0]!r}", row=1
        )
    others = {
        kind: read_table(found)
        for kind in ("chart", "totals")
        if folder is not None and (found := _find(folder, kind)) is not None
    }
    order, notes = shared_order(
        path,
        [
            (f"{t.path.name} {h}", t.frame().get_column(f"c{i}"))
            for t in others.values()
            for i, h in enumerate(t.headers)
            if name_key(h) in ("date", "日期")
        ],
        date_order,
    )
    parsed, warnings, cut = _read_table_data(table)
    chart = (
        _read_check_file(others["chart"], table.headers[0], order) if "chart" in others else None
    )
    totals = _read_check_file(others["totals"], None, order) if "totals" in others else None
    period = period_from_name(path.name, table_path.parent.name if folder is None else "")
    span_source = "name"
    if period is None:
        days = [
            d
            for part in (chart, totals)
            if part is not None
            for d in part.kept.get_column("date_on").drop_nulls().to_list()
        ]
        if not days:
            raise IngestError(
                path,
                "cannot tell the period this tab covers: no dates in its name "
                "(YouTube names exports `Geography 2025-01-01_2025-12-31 ...`) and no Chart data "
                "or Totals.csv beside it",
            )
        period, span_source = (min(days), max(days)), "dates"
    is_total = pl.col("value_text").str.to_lowercase().is_in(list(tab_aliases().total_row))
    total = parsed.kept.filter(is_total)
    values = parsed.kept.filter(~is_total)
    warnings = [*notes, *table.warnings, *warnings, *_checks(values, total, chart, totals, cut)]
    label = pl.col("label") if "label" in values.columns else pl.lit(None, pl.String)
    facts = pl.concat(
        [
            values.with_columns(
                dimension=pl.lit(dimension),
                value_key=value_keys(dimension, values.get_column("value_text")),
                value_text=pl.coalesce(label, pl.col("value_text")),
            ),
            total.with_columns(
                dimension=pl.lit("channel"),
                value_key=pl.lit("all"),
                value_text=pl.col("value_text"),
            ),
        ],
        how="diagonal_relaxed",
    ).with_columns(
        platform_id=pl.lit(PLATFORM_ID),
        content_id=pl.lit(content_id, dtype=pl.String),
        period_start_on=pl.lit(period[0]),
        period_end_on=pl.lit(period[1]),
    )
    # Two texts with one key (`Taiwan` and `台湾` in one file) would repeat the load's key.
    repeated = facts.filter(pl.col("value_key").is_duplicated()).sort(ROW)
    rejects = list(parsed.rejects)
    if repeated.height:
        first = repeated.group_by("value_key").agg(pl.col(ROW).min().alias("first"))
        later = repeated.join(first, on="value_key").filter(pl.col(ROW) != pl.col("first"))
        rejects += [
            Reject(
                row,
                table.headers[0],
                text,
                f"same value as row {first_row} ({key})",
                table_path.name,
            )
            for row, text, key, first_row in later.select(
                ROW, "value_text", "value_key", "first"
            ).iter_rows()
        ]
        facts = facts.join(later.select(ROW), on=ROW, how="anti")
    parts = [p for p in (parsed, chart, totals) if p is not None]
    for part in parts:
        rejects += [r for r in part.rejects if part is not parsed]
    staged = bundle(
        rows_read=sum(p.table.height for p in parts),
        frames={},
        rejects=rejects,
        warnings=warnings,
        details={
            "platform_id": PLATFORM_ID,
            "layout": f"youtube_studio_{dimension}",
            "dimension": dimension,
            "files": [p.table.path.name for p in parts],
            "period": period,
            "period_from": span_source,
            "date_order": order,
            "content_id": content_id,
        },
    )
    staged.frames["channel_breakdown"] = conform(facts.sort(ROW), CHANNEL_BREAKDOWN)
    return staged
