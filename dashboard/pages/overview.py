"""Overview: an edition's headline figures, the change from the previous edition, and daily
plays around Spring Festival."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, html

from dashboard import auth, charts, components, data, urlstate
from dashboard.i18n import fmt_number, register, t
from warehouse.analytics import reach
from warehouse.store import WarehouseError

PAGE = "overview"
# The timeline's window, in days from Spring Festival (正月初一).
TIMELINE_DAYS = (-14, 60)

register(
    {
        "nav.overview": {"zh": "总览", "en": "Overview"},
        "page.overview": {"zh": "总览", "en": "Overview"},
        "intro.overview": {
            "zh": "所选届次的核心数据，以及与上一届相比的变化。",
            "en": "Headline figures of the selected edition and the change from the previous one.",
        },
        "kpi.participants": {"zh": "参与者", "en": "Participants"},
        "kpi.programs": {"zh": "节目", "en": "Programs"},
        "kpi.communities": {"zh": "社区", "en": "Communities"},
        "kpi.live_peak": {"zh": "直播峰值在线", "en": "Live peak viewers"},
        "kpi.plays": {"zh": "总播放量", "en": "Total plays"},
        "kpi.reach": {"zh": "触达人数", "en": "Reach"},
        "kpi.reach_estimated": {"zh": "触达人数（含估算）", "en": "Reach (partly estimated)"},
        "kpi.return_rate": {"zh": "创作者回归率", "en": "Creator return rate"},
        "kpi.first_edition": {"zh": "首届，无可比较", "en": "First edition: nothing to compare"},
        "kpi.vs_previous": {"zh": "较{year}年 {change}", "en": "{change} vs {year}"},
        "title.overview_timeline": {
            "zh": "春节前后的每日播放量（按平台）",
            "en": "Daily plays around Spring Festival, by platform",
        },
        "title.overview_editions": {"zh": "各届核心数据", "en": "Headline figures by edition"},
        "empty.no_editions": {
            "zh": "仓库中还没有届次数据，请先导入节目目录",
            "en": "No editions in the warehouse yet: load a program catalogue first",
        },
        "col.count_participants": {"zh": "参与者", "en": "Participants"},
        "col.count_respondents": {"zh": "问卷回答", "en": "Survey responses"},
        "col.count_programs": {"zh": "节目数", "en": "Programs"},
        "col.count_communities": {"zh": "社区数", "en": "Communities"},
        "col.live_peak_concurrent_viewers": {"zh": "直播峰值在线", "en": "Live peak viewers"},
        "col.share_returned_from_previous": {
            "zh": "上届回归比例",
            "en": "Share returning from previous",
        },
    }
)


def editions() -> pl.DataFrame:
    """Every edition's headline figures with its reach (summed over its programs), oldest first."""
    summary = data.query("overview_editions")
    by_program = data.analytic(reach.reach, by="program")
    per_edition = by_program.group_by("edition_year").agg(
        pl.col("reach").sum().alias("reach"),
        (pl.col("reach_basis") == "estimated").any().alias("is_reach_estimated"),
    )
    return summary.join(per_edition, on="edition_year", how="left").sort("edition_year")


def selected_edition(filters: Mapping[str, Any], years: list[int]) -> int | None:
    """The edition the filters ask for, else the latest one."""
    year = urlstate.integer(filters, "edition", years)
    return year if year is not None else (years[-1] if years else None)


@components.dataset(PAGE, "editions", "title.overview_editions")
def editions_table(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Headline figures of every edition (the KPI cards' data)."""
    lang = urlstate.lang_of(filters)
    frame = editions()
    return frame.select(
        "edition_year",
        "count_participants",
        "count_respondents",
        "count_programs",
        "count_communities",
        "plays",
        "reach",
        pl.when(pl.col("is_reach_estimated"))
        .then(pl.lit(t("basis.estimated", lang)))
        .otherwise(pl.lit(t("basis.reported", lang)))
        .alias("reach_basis"),
        "live_peak_concurrent_viewers",
        "share_returned_from_previous",
    )


@components.dataset(PAGE, "timeline", "title.overview_timeline")
def timeline(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Daily plays per platform of the selected edition around its Spring Festival."""
    years = editions()["edition_year"].to_list()
    year = selected_edition(filters, years)
    if year is None:
        return pl.DataFrame(
            schema={
                "platform_id": pl.String,
                "date_on": pl.Date,
                "days_from_spring_festival": pl.Int32,
                "plays": pl.Int64,
            }
        )
    return data.query(
        "overview_plays_daily",
        edition_year=year,
        from_day=TIMELINE_DAYS[0],
        to_day=TIMELINE_DAYS[1],
    )


def _change(current: float | None, previous: float | None, *, share: bool = False) -> str | None:
    if current is None or previous is None:
        return None
    if share:
        return f"{(current - previous) * 100:+.1f} pp"
    if previous == 0:
        return None
    return f"{(current - previous) / previous * 100:+.1f}%"


def kpis(filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The headline figures of the selected edition: name, label, value text, change text."""
    lang = urlstate.lang_of(filters)
    frame = editions()
    years = frame["edition_year"].to_list()
    year = selected_edition(filters, years)
    if year is None:
        return []
    rows = {r["edition_year"]: r for r in frame.to_dicts()}
    now = rows[year]
    before = rows.get(max((y for y in years if y < year), default=None))  # type: ignore[arg-type]
    out = []
    for name, column, kind in (
        ("participants", "count_participants", "count"),
        ("programs", "count_programs", "count"),
        ("communities", "count_communities", "count"),
        ("live_peak", "live_peak_concurrent_viewers", "count"),
        ("plays", "plays", "count"),
        ("reach", "reach", "count"),
        ("return_rate", "share_returned_from_previous", "share"),
    ):
        value = now[column]
        if value is None:
            text = "–"
        elif kind == "share":
            text = f"{value * 100:.1f}%"
        else:
            text = fmt_number(value)
        if before is None:
            change = t("kpi.first_edition", lang)
        else:
            delta = _change(value, before[column], share=kind == "share")
            change = (
                t("kpi.vs_previous", lang).format(year=before["edition_year"], change=delta)
                if delta
                else None
            )
        label_key = (
            "kpi.reach_estimated"
            if name == "reach" and now["is_reach_estimated"]
            else f"kpi.{name}"
        )
        out.append(
            {
                "name": name,
                "label": t(label_key, lang),
                "value": text,
                "change": change,
                "raw": value,
            }
        )
    return out


def timeline_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Daily plays by platform around Spring Festival, with the festival day marked."""
    lang = urlstate.lang_of(filters)
    frame = timeline(filters)
    festival = frame.filter(pl.col("days_from_spring_festival") == 0)["date_on"]
    return charts.plays_over_time(
        frame.select("date_on", "platform_id", "plays"),
        lang=lang,
        title=t("title.overview_timeline", lang),
        marked=[(festival[0], t("marker.spring_festival", lang))] if festival.len() else (),
    )


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The page for the URL's edition (default: the latest)."""
    filters = {**query, "lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    try:
        frame = editions()
    except WarehouseError as exc:
        return components.message(PAGE, lang, str(exc))
    years = frame["edition_year"].to_list()
    if not years:
        return components.message(PAGE, lang, t("empty.no_editions", lang))
    year = selected_edition(filters, years)
    filters["edition"] = str(year)
    names = {r["edition_year"]: r[f"name_{lang}"] for r in frame.to_dicts()}
    return components.page(
        PAGE,
        lang,
        filters,
        controls=[
            components.dropdown(
                PAGE,
                "edition",
                t("filter.edition", lang),
                [(str(y), names[y]) for y in reversed(years)],
                str(year),
                clearable=False,
            )
        ],
        body=[
            html.Div(id=f"{PAGE}-kpis", className="kpis"),
            components.chart_card(PAGE, "timeline", wide=True),
            components.grid_card(PAGE, "editions", t("title.overview_editions", lang)),
        ],
    )


dash.register_page(__name__, path="/", order=0, title="creatorpulse", page_key=PAGE, layout=layout)


def render(
    filters: dict[str, Any] | None,
) -> tuple[list[html.Div], go.Figure, list[Any], list[Any]]:
    """Everything on the page from its filters (none: the defaults)."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    cards = [
        components.kpi(PAGE, k["name"], k["label"], k["value"], k["change"]) for k in kpis(filters)
    ]
    rows, defs = components.grid_data(editions_table(filters), lang)
    return cards, timeline_figure(filters), rows, defs


@callback(
    Output(f"{PAGE}-kpis", "children"),
    Output(f"{PAGE}-timeline", "figure"),
    Output(f"{PAGE}-editions", "rowData"),
    Output(f"{PAGE}-editions", "columnDefs"),
    Input(components.filters_id(PAGE), "data"),
)
def update(filters: dict[str, Any] | None) -> Any:
    """The registered callback: `render`, cached per snapshot, filters and viewer."""
    return data.output(render, filters or {}, viewer=auth.viewer_key())
