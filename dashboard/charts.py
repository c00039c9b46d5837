"""The dashboard's figures: pure functions, a Polars frame in, a `go.Figure` out.

Every function takes `lang` ("zh" default, or "en") for its title, axis titles, trace names and
category labels, colours platforms and roles from `dashboard.theme`, and returns an empty-state
figure (no traces, no axes, one annotation saying why) when there is nothing to draw. The
reason can be changed with `empty_key` (an i18n key) by a page that knows better. Frames are
never changed in place. A frame missing a required column is a ValueError (a bug, not "no data").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import theme
from dashboard.i18n import (
    DEFAULT_LANG,
    UNKNOWN,
    band_label,
    category_label,
    fmt_number,
    platform_label,
    t,
)
from warehouse.privacy import DEFAULT_K

# Dimensions with an order of their own: their bars keep the frame's order instead of by count.
ORDINAL_DIMENSIONS = frozenset(
    {"age_band", "age_band_coarse", "experience_band", "hours_per_week", "income", "edition"}
)
EMPTY_STATE_NAME = "empty-state"
PEAK_NAME = "peak"


# -- shared pieces ---------------------------------------------------------------------------------
def _require(frame: pl.DataFrame, columns: Sequence[str], chart: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{chart} needs column(s) {missing}; got {frame.columns}")


def empty_figure(
    title_key: str,
    reason_key: str,
    lang: str = DEFAULT_LANG,
    *,
    title: str | None = None,
    layout: Mapping[str, Any] | None = None,
    reason_values: Mapping[str, Any] | None = None,
) -> go.Figure:
    """A figure with its title (`title`, else the text of `title_key`) and one centred message
    saying why there is no data (the text of `reason_key`, its `{fields}` filled from
    `reason_values`); no axes. `layout` adds to (or replaces parts of) the figure's layout, e.g.
    a whole `title` with a subtitle."""
    reason = {
        "name": EMPTY_STATE_NAME,
        "text": t(reason_key, lang).format(**reason_values)
        if reason_values
        else t(reason_key, lang),
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": 16, "color": theme.REFERENCE_COLOUR},
    }
    return theme.figure(
        t(title_key, lang) if title is None else title,
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[reason],
        **(layout or {}),
    )


def dates(values: pl.Series) -> list[Any]:
    """A date or datetime column as a trace's coordinates: the ISO text plotly's JSON encoder
    would write for each value (`date.isoformat()`), made by Polars for the whole column.

    Python date objects cost ~10 us each to build and again to encode: a live chart's 11k
    minutes took ~115 ms to build and ~100 ms to encode as datetimes, ~24 and ~14 ms as text.
    The browser receives the same JSON either way. Other columns (and time-zone-aware
    datetimes, whose offset this does not write) are returned as Python values.
    """
    dtype = values.dtype
    if dtype == pl.Date:
        return values.dt.strftime("%Y-%m-%d").to_list()
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        whole = values.dt.strftime("%Y-%m-%dT%H:%M:%S")
        if (values.dt.microsecond().fill_null(0) == 0).all():
            return whole.to_list()
        fraction = pl.select(
            pl.when(values.dt.microsecond() == 0)
            .then(whole)
            .otherwise(values.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"))
        ).to_series()
        return fraction.to_list()
    return values.to_list()


def _platform_order(ids: Iterable[str]) -> list[str]:
    """Known platforms in the theme's fixed order, then generic ids alphabetically."""
    present = set(ids)
    known = [p for p in theme.PLATFORM_COLOURS if p in present]
    return known + sorted(present - set(known))


def _axes(
    x_key: str,
    y_key: str,
    lang: str,
    *,
    x: Mapping[str, Any] | None = None,
    y: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """The x and y axes' layout (for `theme.figure`): titled from i18n keys, dates in `lang`."""
    dates = date_axis(lang, with_time=x_key == "axis.time") if x_key in DATE_KEYS else {}
    return {
        "xaxis": theme.axis(t(x_key, lang), **dates, **(x or {})),
        "yaxis": theme.axis(t(y_key, lang), **(y or {})),
    }


DATE_KEYS = ("axis.date", "axis.time")


def date_axis(lang: str, *, with_time: bool = False) -> dict[str, Any]:
    """Date tick settings in the UI language (plotly's own month names are English only)."""
    if lang == "zh":
        return {"tickformat": "%H:%M\n%-m月%-d日" if with_time else "%-m月%-d日\n%Y年"}
    return {}


# -- reach -----------------------------------------------------------------------------------------
def mark_day(day: date, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A dotted vertical line at `day` on a date axis and its label at the top (shape, annotation)."""
    line = {
        "type": "line",
        "x0": day,
        "x1": day,
        "y0": 0,
        "y1": 1,
        "xref": "x",
        "yref": "paper",
        "name": "marker",
        "line": {"color": theme.REFERENCE_COLOUR, "width": 1, "dash": "dot"},
    }
    text = {
        "x": day,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "text": label,
        "showarrow": False,
        "yanchor": "top",
        "xanchor": "left",
    }
    return line, text


def marks(days: Sequence[tuple[date, str]]) -> dict[str, list[dict[str, Any]]]:
    """The shapes and annotations (for `theme.figure`) marking each (day, label) on a date axis."""
    if not days:
        return {}
    pairs = [mark_day(day, label) for day, label in days]
    return {"shapes": [p[0] for p in pairs], "annotations": [p[1] for p in pairs]}


def plays_over_time(
    frame: pl.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    empty_key: str = "empty.filters",
    title: str | None = None,
    marked: Sequence[tuple[date, str]] = (),
) -> go.Figure:
    """Daily plays, one line per platform; `frame[date_on, platform_id, plays]`, summed per day.

    `title` replaces the default title; `marked` (day, label) pairs are drawn as dotted lines.
    """
    columns = ("date_on", "platform_id", "plays")
    _require(frame, columns, "plays_over_time")
    data = (
        frame.drop_nulls(list(columns))
        .group_by("platform_id", "date_on")
        .agg(pl.col("plays").sum())
        .sort("date_on")
    )
    heading = t("title.plays_over_time", lang) if title is None else title
    if data.is_empty():
        return empty_figure("title.plays_over_time", empty_key, lang, title=heading)
    traces = []
    for pid in _platform_order(data["platform_id"].to_list()):
        part = data.filter(pl.col("platform_id") == pid)
        traces.append(
            go.Scatter(
                x=dates(part["date_on"]),
                y=part["plays"].to_list(),
                mode="lines+markers" if part.height == 1 else "lines",
                name=platform_label(pid, lang),
                legendgroup=pid,
                meta={"platform_id": pid},
                line={"color": theme.platform_colour(pid), "width": 2},
                hovertemplate="%{x|%Y-%m-%d}: %{y:,}<extra>%{fullData.name}</extra>",
            )
        )
    return theme.figure(
        heading, data=traces, **_axes("axis.date", "axis.plays", lang), **marks(marked)
    )


def top_programs(
    frame: pl.DataFrame, *, lang: str = DEFAULT_LANG, n: int = 10, empty_key: str = "empty.filters"
) -> go.Figure:
    """Horizontal bars of the n most-played programs, most played on top; one row per program.

    `frame[title_zh, plays]`. Titles are shown as written (Chinese) in both languages.
    """
    _require(frame, ("title_zh", "plays"), "top_programs")
    data = (
        frame.drop_nulls(["title_zh", "plays"])
        .sort("plays", "title_zh", descending=[True, False])
        .head(n)
    )
    if data.is_empty():
        return empty_figure("title.top_programs", empty_key, lang)
    plays = data["plays"].to_list()
    bar = go.Bar(
        x=plays,
        y=data["title_zh"].to_list(),
        orientation="h",
        name=t("axis.plays", lang),
        marker_color=theme.NEUTRAL_COLOUR,
        text=[fmt_number(v) for v in plays],
        textposition="auto",
        hovertemplate="%{y}: %{x:,}<extra></extra>",
    )
    # Bars are drawn bottom-up; reversing the axis puts the first (most played) row on top.
    return theme.figure(
        t("title.top_programs", lang),
        data=[bar],
        **_axes(
            "axis.plays", "axis.program", lang, y={"autorange": "reversed", "type": "category"}
        ),
        showlegend=False,
    )


# -- live ------------------------------------------------------------------------------------------
def live_concurrency(
    frame: pl.DataFrame, *, lang: str = DEFAULT_LANG, empty_key: str = "empty.no_live"
) -> go.Figure:
    """Concurrent viewers per minute, one line per platform, with the peak marked.

    `frame[minute_at, platform_id, concurrent_viewers]`; streams of one platform are summed
    minute by minute. With several platforms a total line is added and the peak marked is the
    total's (as `live_summary(by="edition")` counts it); the earliest minute at the peak wins.
    """
    columns = ("minute_at", "platform_id", "concurrent_viewers")
    _require(frame, columns, "live_concurrency")
    data = (
        frame.drop_nulls(list(columns))
        .group_by("platform_id", "minute_at")
        .agg(pl.col("concurrent_viewers").sum())
        .sort("minute_at")
    )
    if data.is_empty():
        return empty_figure("title.live_concurrency", empty_key, lang)
    platforms = _platform_order(data["platform_id"].to_list())
    hover = "%{x|%H:%M}: %{y:,}<extra>%{fullData.name}</extra>"
    traces = []
    for pid in platforms:
        part = data.filter(pl.col("platform_id") == pid)
        traces.append(
            go.Scatter(
                x=dates(part["minute_at"]),
                y=part["concurrent_viewers"].to_list(),
                mode="lines",
                name=platform_label(pid, lang),
                legendgroup=pid,
                meta={"platform_id": pid},
                line={"color": theme.platform_colour(pid), "width": 2},
                hovertemplate=hover,
                # a stream's minutes run to tens of thousands of points: checking each value
                # one by one was ~0.1 s per trace (test_figures_valid still validates them)
                _validate=False,
            )
        )
    series = data.group_by("minute_at").agg(pl.col("concurrent_viewers").sum()).sort("minute_at")
    if len(platforms) > 1:
        traces.append(
            go.Scatter(
                x=dates(series["minute_at"]),
                y=series["concurrent_viewers"].to_list(),
                mode="lines",
                name=t("trace.all_platforms", lang),
                meta={"platform_id": None},
                line={"color": theme.ALL_PLATFORMS_COLOUR, "width": 3},
                hovertemplate=hover,
                _validate=False,
            )
        )
    peak_at, peak = series.sort(["concurrent_viewers", "minute_at"], descending=[True, False]).row(
        0
    )
    traces.append(
        go.Scatter(
            x=[peak_at],
            y=[peak],
            mode="markers",
            name=t("trace.peak", lang),
            meta={"role": PEAK_NAME},
            showlegend=False,
            marker={"color": theme.PEAK_COLOUR, "size": 12, "symbol": "star"},
            hovertemplate="%{x|%H:%M}: %{y:,}<extra>%{fullData.name}</extra>",
        )
    )
    peak_note = {
        "name": PEAK_NAME,
        "x": peak_at,
        "y": peak,
        "text": t("fmt.peak", lang).format(value=fmt_number(peak)),
        "showarrow": True,
        "arrowhead": 2,
        "ax": 0,
        "ay": -40,
        "font": {"color": theme.PEAK_COLOUR},
    }
    return theme.figure(
        t("title.live_concurrency", lang),
        data=traces,
        annotations=[peak_note],
        **_axes("axis.time", "axis.concurrent_viewers", lang),
    )


# -- audience retention ----------------------------------------------------------------------------
def retention_curve(
    frame: pl.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    length_band: str | None = None,
    empty_key: str = "empty.no_curve",
) -> go.Figure:
    """One program's audience-retention curve against the median curve of similar programs.

    `frame[position_pct, audience_share, band_median]` for one curve (`band_median_share`, as
    `audience_curves` names it, is accepted too); `length_band` names the comparison group.
    """
    median_col = "band_median" if "band_median" in frame.columns else "band_median_share"
    _require(frame, ("position_pct", "audience_share", median_col), "retention_curve")
    data = frame.drop_nulls(["position_pct"]).sort("position_pct")
    if data["audience_share"].drop_nulls().is_empty():
        return empty_figure("title.retention_curve", empty_key, lang)
    hover = "%{x}%: %{y:.1%}<extra>%{fullData.name}</extra>"
    traces = [
        go.Scatter(
            x=data["position_pct"].to_list(),
            y=data["audience_share"].to_list(),
            mode="lines",
            name=t("trace.this_program", lang),
            line={"color": theme.NEUTRAL_COLOUR, "width": 3},
            hovertemplate=hover,
        )
    ]
    if not data[median_col].drop_nulls().is_empty():
        name = t("trace.band_median", lang)
        if length_band is not None:
            band = band_label(length_band, lang)
            name = f"{name}（{band}）" if lang == "zh" else f"{name} ({band})"
        traces.append(
            go.Scatter(
                x=data["position_pct"].to_list(),
                y=data[median_col].to_list(),
                mode="lines",
                name=name,
                line={"color": theme.REFERENCE_COLOUR, "width": 2, "dash": "dash"},
                hovertemplate=hover,
            )
        )
    return theme.figure(
        t("title.retention_curve", lang),
        data=traces,
        **_axes(
            "axis.position_pct",
            "axis.share_watching",
            lang,
            x={"range": [0, 100]},
            y={"tickformat": ".0%", "rangemode": "tozero"},
        ),
    )


# -- attention -------------------------------------------------------------------------------------
def end_of_march_day(part: pl.DataFrame, year: int) -> int | None:
    """Days from Spring Festival (正月初一) of `year` to 31 March, read off the frame's own dates.

    The warehouse's mart carries `date_on` beside `days_from_spring_festival`, so any one row
    fixes the festival date; without `date_on` there is no end-of-March line.
    """
    if "date_on" not in part.columns or part.is_empty():
        return None
    day, on = part.select("days_from_spring_festival", "date_on").row(0)
    return day + (date(year, 3, 31) - on).days


def vline(x: Any, line: Mapping[str, Any], *, xref: str = "x") -> dict[str, Any]:
    """A vertical line across the plot at `x` (the shape `fig.add_vline` adds)."""
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": xref,
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": dict(line),
    }


def hline(
    y: Any, line: Mapping[str, Any], *, yref: str = "y", name: str | None = None
) -> dict[str, Any]:
    """A horizontal line across the plot at `y` (the shape `fig.add_hline` adds)."""
    return ({} if name is None else {"name": name}) | {
        "type": "line",
        "x0": 0,
        "x1": 1,
        "xref": "x domain",
        "y0": y,
        "y1": y,
        "yref": yref,
        "line": dict(line),
    }


def attention_years(
    frame: pl.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    value_key: str = "axis.share_of_peak",
    empty_key: str = "empty.no_attention",
    colours: Mapping[int, str] | None = None,
    title: str | None = None,
    x: Mapping[str, Any] | None = None,
    y: Mapping[str, Any] | None = None,
    **layout: Any,
) -> go.Figure:
    """One series' years overlaid on days from Spring Festival, each with its end of March.

    `frame[year, days_from_spring_festival, value(, date_on)]`; `value_key` is the i18n key of the y axis
    title (default: share of peak). A dotted vertical line in each year's colour marks 31 March
    of that year, which falls on a different day from the festival every year. `colours` fixes
    years' colours (year -> colour; others by position), `title` replaces the title, `x` / `y`
    add axis settings and `layout` the figure's (with data only).
    """
    columns = ("year", "days_from_spring_festival", "value")
    _require(frame, columns, "attention_years")
    data = frame.drop_nulls(list(columns)).sort("year", "days_from_spring_festival")
    heading = t("title.attention_years", lang) if title is None else title
    if data.is_empty():
        return empty_figure("title.attention_years", empty_key, lang, title=heading)
    shapes = [vline(0, {"color": theme.REFERENCE_COLOUR, "width": 1})]
    annotations = [
        {
            "x": 0,
            "y": 1,
            "yref": "paper",
            "text": t("marker.spring_festival", lang),
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"color": theme.REFERENCE_COLOUR},
        }
    ]
    traces = []
    for index, year in enumerate(data["year"].unique().sort().to_list()):
        part = data.filter(pl.col("year") == year)
        colour = (colours or {}).get(int(year)) or theme.series_colour(index)
        label = t("fmt.year", lang).format(year=year)
        traces.append(
            go.Scatter(
                x=part["days_from_spring_festival"].to_list(),
                y=part["value"].to_list(),
                mode="lines",
                name=label,
                legendgroup=str(year),
                meta={"year": int(year)},
                line={"color": colour, "width": 2},
                hovertemplate="%{x}: %{y:,.3~g}<extra>%{fullData.name}</extra>",
            )
        )
        day = end_of_march_day(part, int(year))
        if day is None:
            continue
        shapes.append(
            {
                "name": f"end_of_march_{year}",
                "type": "line",
                "x0": day,
                "x1": day,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": colour, "width": 1.5, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "name": f"end_of_march_{year}",
                "x": day,
                "y": 0.98,
                "yref": "paper",
                "text": f"{label} {t('marker.end_of_march', lang)}",
                "textangle": -90,
                "xanchor": "right",
                "yanchor": "top",
                "showarrow": False,
                "font": {"color": colour, "size": 11},
            }
        )
    return theme.figure(
        heading,
        data=traces,
        shapes=shapes,
        annotations=annotations,
        **_axes("axis.days_from_spring_festival", value_key, lang, x=x, y=y),
        **layout,
    )


def fitted_decay(
    frame: pl.DataFrame,
    fit: Mapping[str, Any],
    *,
    lang: str = DEFAULT_LANG,
    empty_key: str = "empty.fit_failed",
) -> go.Figure:
    """Observed attention of one series and year (as share of its peak) with the fitted decline.

    `frame[days_from_spring_festival, value]` in the series' own units; `fit` is that series x
    year's row of `warehouse.analytics.attention.fit_decline` (as a dict). The curve
    y = b + A·2^(−(d−d0)/h) is drawn from the peak day to the last observed day.
    """
    _require(frame, ("days_from_spring_festival", "value"), "fitted_decay")
    data = frame.drop_nulls(["days_from_spring_festival", "value"]).sort(
        "days_from_spring_festival"
    )
    if data.is_empty() or fit.get("status") != "ok":
        return empty_figure("title.fitted_decay", empty_key, lang)
    d0, peak = int(fit["peak_day"]), float(fit["peak_value"])
    b, amplitude, h = (
        float(fit["baseline_share"]),
        float(fit["amplitude_share"]),
        float(fit["half_life_days"]),
    )
    title = f"{t('title.fitted_decay', lang)} · " + t("fmt.half_life", lang).format(days=f"{h:.1f}")
    days = list(range(d0, max(d0, int(data["days_from_spring_festival"].max())) + 1))
    traces = [
        go.Scatter(
            x=data["days_from_spring_festival"].to_list(),
            y=[v / peak for v in data["value"].to_list()],
            mode="markers",
            name=t("trace.observed", lang),
            marker={"color": theme.REFERENCE_COLOUR, "size": 5},
            hovertemplate="%{x}: %{y:.2f}<extra>%{fullData.name}</extra>",
        ),
        go.Scatter(
            x=days,
            y=[b + amplitude * 2 ** (-(d - d0) / h) for d in days],
            mode="lines",
            name=t("trace.fitted", lang),
            line={"color": theme.PEAK_COLOUR, "width": 2},
            hovertemplate="%{x}: %{y:.2f}<extra>%{fullData.name}</extra>",
        ),
    ]
    return theme.figure(
        title, data=traces, **_axes("axis.days_from_spring_festival", "axis.share_of_peak", lang)
    )


# -- creator retention -----------------------------------------------------------------------------
def cohort_heatmap(
    frame: pl.DataFrame, *, lang: str = DEFAULT_LANG, empty_key: str = "empty.no_cohorts"
) -> go.Figure:
    """Retention share per cohort (rows, oldest on top) and period N (columns), as percentages.

    `frame[cohort, period_n, share]`, share 0..1; a null share (empty cohort) is a blank cell.
    """
    _require(frame, ("cohort", "period_n", "share"), "cohort_heatmap")
    data = frame.drop_nulls(["cohort", "period_n"]).with_columns(pl.col("cohort").cast(pl.String))
    if data.is_empty():
        return empty_figure("title.cohort_heatmap", empty_key, lang)
    cohorts, periods, z, text = cohort_cells(data)
    heat = cohort_trace(cohorts, periods, z, text, lang)
    return theme.figure(
        t("title.cohort_heatmap", lang),
        data=[heat],
        **_axes(
            "axis.period_n",
            "axis.cohort",
            lang,
            x={"type": "category"},
            y={"type": "category", "autorange": "reversed"},
        ),
    )


def cohort_cells(
    data: pl.DataFrame,
) -> tuple[list[str], list[Any], list[list[float | None]], list[list[str]]]:
    """Cohorts (sorted), periods (sorted), the share grid and its "12%" texts of
    `data[cohort (text), period_n, share]`."""
    cohorts = data["cohort"].unique().sort().to_list()
    periods = data["period_n"].unique().sort().to_list()
    share = {(r["cohort"], r["period_n"]): r["share"] for r in data.iter_rows(named=True)}
    z = [[share.get((c, p)) for p in periods] for c in cohorts]
    text = [["" if v is None else f"{v:.0%}" for v in row] for row in z]
    return cohorts, periods, z, text


def cohort_trace(
    cohorts: list[str],
    periods: list[Any],
    z: list[list[float | None]],
    text: list[list[str]],
    lang: str,
    **settings: Any,
) -> go.Heatmap:
    """The retention heatmap trace of `cohort_cells`' output (`settings` add to or replace its
    properties, e.g. no cell text)."""
    return go.Heatmap(
        z=z,
        x=[str(p) for p in periods],
        y=cohorts,
        text=text,
        colorscale=theme.SEQUENTIAL_SCALE,
        zmin=0,
        zmax=1,
        name=t("trace.retained_share", lang),
        colorbar={"title": {"text": t("trace.retained_share", lang)}, "tickformat": ".0%"},
        hovertemplate="%{y} · N=%{x}: %{text}<extra></extra>",
        **({"texttemplate": "%{text}"} | settings),
    )


# -- segments --------------------------------------------------------------------------------------
def _suppressed(frame: pl.DataFrame) -> pl.Series:
    if "is_suppressed" in frame.columns:
        return frame["is_suppressed"].fill_null(False)
    return pl.Series([False] * frame.height, dtype=pl.Boolean)


def _category_colour(dimension: str, value: object) -> str:
    if value is not None and dimension == "role":
        return theme.role_colour(str(value))
    if value is not None and dimension == "platform":
        return theme.platform_colour(str(value))
    return theme.NEUTRAL_COLOUR


def distribution_bar(
    frame: pl.DataFrame,
    dimension: str = "role",
    *,
    lang: str = DEFAULT_LANG,
    k: int = DEFAULT_K,
    empty_key: str = "empty.no_participants",
    title: str | None = None,
) -> go.Figure:
    """People per value of one dimension, with translated labels and role/platform colours.

    `frame[category, count]` (optionally `is_suppressed`: such bars read "<k" with no height).
    Ordinal dimensions (age, experience, hours, income, edition) keep the frame's order; the
    others are sorted by count, most first.
    """
    _require(frame, ("category", "count"), "distribution_bar")
    data = frame.with_columns(_suppressed(frame).alias("_hidden")).filter(
        pl.col("_hidden") | pl.col("count").is_not_null()
    )
    if data.is_empty():
        return empty_figure("title.distribution", empty_key, lang, title=title)
    if dimension not in ORDINAL_DIMENSIONS:
        data = data.sort(["_hidden", "count"], descending=[False, True], maintain_order=True)
    values = data["category"].to_list()
    hidden = data["_hidden"].to_list()
    counts = [None if h else c for c, h in zip(data["count"].to_list(), hidden, strict=True)]
    if title is None:
        title = f"{t('title.distribution', lang)} · {t(f'dim.{dimension}', lang)}"
    bar = go.Bar(
        x=[category_label(dimension, v, lang) for v in values],
        y=counts,
        name=t("axis.people", lang),
        meta={"categories": values},
        marker_color=[_category_colour(dimension, v) for v in values],
        text=[f"<{k}" if h else fmt_number(c) for c, h in zip(counts, hidden, strict=True)],
        textposition="outside",
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    return theme.figure(
        title,
        data=[bar],
        xaxis=theme.axis(t(f"dim.{dimension}", lang), type="category"),
        yaxis=theme.axis(t("axis.people", lang)),
        showlegend=False,
    )


def crosstab_heatmap(
    frame: pl.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    row_dimension: str | None = None,
    col_dimension: str | None = None,
    k: int = DEFAULT_K,
    empty_key: str = "empty.no_participants",
    title: str | None = None,
    row_title: str | None = None,
    col_title: str | None = None,
    top_margin: int | None = None,
) -> go.Figure:
    """People per (row, col) value pair; cells of fewer than k people read "<k", never a number.

    `frame[row, col, count, is_suppressed]` (e.g. `crosstab` with row_value/col_value renamed);
    rows and columns keep the frame's order. With `row_dimension` / `col_dimension` the values
    are translated and the axes titled; `row_title` / `col_title` title them otherwise, `title`
    replaces the figure's title and `top_margin` (px) makes room for long column labels.
    """
    _require(frame, ("row", "col", "count", "is_suppressed"), "crosstab_heatmap")
    if frame.is_empty():
        return empty_figure("title.crosstab", empty_key, lang, title=title)

    def label(dimension: str | None, value: object) -> str:
        if dimension is not None:
            return category_label(dimension, value, lang)
        return UNKNOWN[lang] if value is None else str(value)

    rows = frame["row"].unique(maintain_order=True).to_list()
    cols = frame["col"].unique(maintain_order=True).to_list()
    cells: dict[tuple[object, object], tuple[int | None, str]] = {}
    for r in frame.with_columns(_suppressed(frame).alias("_hidden")).iter_rows(named=True):
        if r["_hidden"]:
            # The count is dropped here even if the frame still carries it.
            cells[(r["row"], r["col"])] = (None, f"<{k}")
        elif r["count"] is not None:
            cells[(r["row"], r["col"])] = (r["count"], fmt_number(r["count"]))
    if all(count is None for count, _ in cells.values()):
        # Plotly draws no cell (nor its "<k") when every z is null: say why instead of a blank.
        return empty_figure(
            "title.crosstab", "empty.all_hidden", lang, title=title, reason_values={"k": k}
        )
    z = [[cells.get((rv, cv), (None, ""))[0] for cv in cols] for rv in rows]
    text = [[cells.get((rv, cv), (None, ""))[1] for cv in cols] for rv in rows]
    heat = go.Heatmap(
        z=z,
        x=[label(col_dimension, v) for v in cols],
        y=[label(row_dimension, v) for v in rows],
        text=text,
        texttemplate="%{text}",
        colorscale=theme.SEQUENTIAL_SCALE,
        name=t("axis.people", lang),
        colorbar={"title": {"text": t("axis.people", lang)}},
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
    )

    def axis_title(given: str | None, dimension: str | None) -> str | None:
        if given is not None or dimension is None:
            return given
        return t(f"dim.{dimension}", lang)

    # automargin keeps long labels ("Artist / independent creator") clear of the axis titles.
    return theme.figure(
        t("title.crosstab", lang) if title is None else title,
        data=[heat],
        xaxis=theme.axis(
            axis_title(col_title, col_dimension), type="category", side="top", automargin=True
        ),
        yaxis=theme.axis(
            axis_title(row_title, row_dimension),
            type="category",
            autorange="reversed",
            automargin=True,
            standoff=12,
        ),
        **({} if top_margin is None else {"margin": {**theme.MARGIN, "t": top_margin}}),
    )
