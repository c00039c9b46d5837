"""Figures of the attention page: pure functions, a Polars frame in, a `go.Figure` out.

The years overlay reuses `charts.attention_years` and gives each year a fixed colour (the shared
chart colours years by their position among the years drawn, so deselecting a year would
repaint the others). The fitted decline is drawn as small multiples, one panel per year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, theme
from dashboard.i18n import DEFAULT_LANG, t

FIT_TITLE_KEY = "attention.title.fits"
HALF_LIFE_NAME = "half_life"
COLUMNS_OF_PANELS = 2
PANEL_HEIGHT_PX = 300


def year_colours(years: Sequence[int]) -> dict[int, str]:
    """A fixed colour per year: its position among every year the warehouse holds."""
    return {int(y): theme.series_colour(i) for i, y in enumerate(sorted(set(years)))}


def panel_grid(count: int) -> tuple[int, int]:
    """(rows, columns) of the small multiples for `count` years."""
    cols = min(max(count, 1), COLUMNS_OF_PANELS)
    return max(1, math.ceil(count / cols)), cols


def fits_height(count: int) -> int:
    """The chart height (px) that gives each year's panel room to be read."""
    rows, _ = panel_grid(count)
    return 130 + rows * PANEL_HEIGHT_PX


def years_overlay(
    frame: pl.DataFrame,
    colours: Mapping[int, str],
    *,
    lang: str = DEFAULT_LANG,
    value_key: str = "axis.share_of_peak",
    empty_key: str = "empty.no_attention",
    x_range: tuple[int, int] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Years overlaid on days from Spring Festival (`charts.attention_years`), fixed year colours.

    `frame[year, days_from_spring_festival, value, date_on]`; `colours` maps year -> colour;
    `x_range` fixes the x axis to the chosen window (the end-of-March lines fall inside it);
    `title` replaces the chart's title.
    """
    # Full numbers with separators: SI suffixes (k, M) don't read as Chinese units.
    tickformat = ".0%" if value_key == "axis.share_of_peak" else ","
    # The shared chart labels Spring Festival just above the plot, where the legend starts:
    # the legend moves to the right so the two never overlap.
    return charts.attention_years(
        frame,
        lang=lang,
        value_key=value_key,
        empty_key=empty_key,
        colours=colours,
        title=title,
        x={} if x_range is None else {"range": list(x_range)},
        y={"tickformat": tickformat, "rangemode": "tozero"},
        hovermode="x unified",
        legend={**theme.base_layout("")["legend"], "x": 1.0, "xanchor": "right"},
    )


def _panel_title(year: int, fit: Mapping[str, Any], lang: str) -> str:
    label = t("fmt.year", lang).format(year=year)
    if fit.get("status") != "ok" or fit.get("half_life_days") is None:
        return f"{label} · {t('attention.fit.not_fitted', lang)}"
    text = t("fmt.half_life", lang).format(days=f"{fit['half_life_days']:.1f}")
    low, high = fit.get("half_life_low"), fit.get("half_life_high")
    if low is not None and high is not None:
        text += t("attention.fmt.interval", lang).format(low=f"{low:.1f}", high=f"{high:.1f}")
    return f"{label} · {text}"


def _panel(n: int) -> str:
    """The axis id suffix of the n-th panel (1-based, row by row): "" for the first, then "2"..."""
    return "" if n == 1 else str(n)


def panel_axes(rows: int, cols: int) -> dict[str, dict[str, Any]]:
    """The axes of a rows x cols grid of panels, row by row from the top (as plotly's
    `make_subplots(shared_yaxes=True)` lays them out; xaxis, yaxis, xaxis2, ...): each row's
    panels share the first one's y axis."""
    across, down = 0.06, (0.5 / rows if rows > 1 else 0.1)
    width = (1.0 - across * (cols - 1)) / cols
    height = (1.0 - down * (rows - 1)) / rows
    axes: dict[str, dict[str, Any]] = {}
    for r in range(rows):
        # Row 0 is the top one: plotly counts the y start from the bottom row up.
        below = rows - 1 - r
        y_start = min(max(height * below + below * down, 0.0), 1.0)
        y_end = min(max(y_start + height, 0.0), 1.0)
        for c in range(cols):
            suffix = _panel(r * cols + c + 1)
            x_start = width * c + c * across
            axes[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [x_start, x_start + width]}
            axes[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [y_start, y_end]}
            if c > 0:
                first = _panel(r * cols + 1)
                axes[f"yaxis{suffix}"] |= {"matches": f"y{first}", "showticklabels": False}
    return axes


def fitted_decay_years(
    frame: pl.DataFrame,
    fits: Mapping[int, Mapping[str, Any]],
    colours: Mapping[int, str],
    *,
    lang: str = DEFAULT_LANG,
    status_labels: Mapping[str, str] | None = None,
    empty_key: str = "empty.no_attention",
) -> go.Figure:
    """One panel per year: observed share of peak (points) and the fitted decline (line).

    `frame[year, days_from_spring_festival, observed_share, fitted_share]` (fitted null off the
    fit's range); `fits` maps year -> that year's row of `attention.fit_decline`. The half-life
    is the panel's title and a marked point on the curve at d0 + h, where it is half way from
    the peak down to the fitted baseline. A year without a fit says why (`status_labels`).
    """
    charts._require(
        frame,
        ("year", "days_from_spring_festival", "observed_share", "fitted_share"),
        "fitted_decay_years",
    )
    years = sorted(int(y) for y in frame["year"].unique().to_list() if y is not None)
    if not years:
        return charts.empty_figure(FIT_TITLE_KEY, empty_key, lang)
    rows, cols = panel_grid(len(years))
    axes = panel_axes(rows, cols)
    for name, axis in axes.items():
        if name.startswith("yaxis"):
            axis |= {"tickformat": ".0%", "rangemode": "tozero"}
    # Each year's title centred above its panel (small enough for two panels side by side).
    annotations: list[dict[str, Any]] = []
    for index, year in enumerate(years):
        suffix = _panel(index + 1)
        x_domain, y_domain = axes[f"xaxis{suffix}"]["domain"], axes[f"yaxis{suffix}"]["domain"]
        annotations.append(
            {
                "font": {"size": 13},
                "showarrow": False,
                "text": _panel_title(year, fits.get(year, {}), lang),
                "x": sum(x_domain) / 2.0,
                "xanchor": "center",
                "xref": "paper",
                "y": y_domain[1],
                "yanchor": "bottom",
                "yref": "paper",
            }
        )
    for col in range(cols):
        suffix = _panel((rows - 1) * cols + col + 1)
        axes[f"xaxis{suffix}"]["title"] = {"text": t("axis.days_from_spring_festival", lang)}
    for row in range(rows):
        suffix = _panel(row * cols + 1)
        axes[f"yaxis{suffix}"]["title"] = {"text": t("axis.share_of_peak", lang)}
    traces: list[go.Scatter] = []
    labels = status_labels or {}
    hover = "%{x}: %{y:.1%}<extra>%{fullData.name}</extra>"
    for index, year in enumerate(years):
        panel = {"xaxis": f"x{_panel(index + 1)}", "yaxis": f"y{_panel(index + 1)}"}
        part = frame.filter(pl.col("year") == year).sort("days_from_spring_festival")
        colour = colours.get(year, theme.NEUTRAL_COLOUR)
        label = t("fmt.year", lang).format(year=year)
        observed = part.drop_nulls("observed_share")
        traces.append(
            go.Scatter(
                x=observed["days_from_spring_festival"].to_list(),
                y=observed["observed_share"].to_list(),
                mode="markers",
                name=f"{label} {t('trace.observed', lang)}",
                legendgroup="observed",
                showlegend=False,
                meta={"year": year, "role": "observed"},
                marker={"color": colour, "size": 4, "opacity": 0.55},
                hovertemplate=hover,
                **panel,
            )
        )
        fit = fits.get(year, {})
        curve = part.drop_nulls("fitted_share")
        if fit.get("status") == "ok" and not curve.is_empty():
            traces.append(
                go.Scatter(
                    x=curve["days_from_spring_festival"].to_list(),
                    y=curve["fitted_share"].to_list(),
                    mode="lines",
                    name=f"{label} {t('trace.fitted', lang)}",
                    legendgroup="fitted",
                    showlegend=False,
                    meta={"year": year, "role": "fitted"},
                    line={"color": theme.PEAK_COLOUR, "width": 2.5},
                    hovertemplate=hover,
                    **panel,
                )
            )
            d0, h = float(fit["peak_day"]), float(fit["half_life_days"])
            half = float(fit["baseline_share"]) + float(fit["amplitude_share"]) / 2
            traces.append(
                go.Scatter(
                    x=[d0 + h],
                    y=[half],
                    mode="markers+text",
                    text=[f"h = {h:.1f}"],
                    textposition="middle right",
                    name=t("attention.trace.half_life", lang),
                    legendgroup="half_life",
                    showlegend=False,
                    meta={"year": year, "role": HALF_LIFE_NAME},
                    marker={"color": theme.PEAK_COLOUR, "size": 9, "symbol": "diamond"},
                    textfont={"color": theme.PEAK_COLOUR},
                    hovertemplate=f"{t('attention.trace.half_life', lang)}: "
                    + t("fmt.half_life", lang).format(days=f"{h:.1f}")
                    + "<extra></extra>",
                    **panel,
                )
            )
        else:
            reason = labels.get(str(fit.get("status")), str(fit.get("status", "")))
            axis = _panel(index + 1)
            annotations.append(
                {
                    "name": f"not_fitted_{year}",
                    "text": reason,
                    "x": 0.5,
                    "y": 0.5,
                    "xref": f"x{axis} domain",
                    "yref": f"y{axis} domain",
                    "showarrow": False,
                    "font": {"color": theme.REFERENCE_COLOUR, "size": 13},
                    "bgcolor": "rgba(255,255,255,0.8)",
                }
            )
    # Legend entries once for the page (the panels repeat the same two marks).
    for name, kind in (("trace.observed", "markers"), ("trace.fitted", "lines")):
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode=kind,
                name=t(name, lang),
                meta={"role": "legend"},
                marker={"color": theme.REFERENCE_COLOUR, "size": 6},
                line={"color": theme.PEAK_COLOUR, "width": 2.5},
                hoverinfo="skip",
                xaxis="x",
                yaxis="y",
            )
        )
    return theme.figure(t(FIT_TITLE_KEY, lang), data=traces, annotations=annotations, **axes)
