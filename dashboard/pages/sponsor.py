"""Sponsor reach report: a sponsor sees its own programs only; organizers pick any sponsor.

The sponsor id always comes from the session for a sponsor account (a `sponsor` in the URL or
in a crafted callback request is ignored); only organizers may choose one. The same report is
downloadable as .xlsx, print-ready HTML and PDF from `/report/sponsor.<fmt>`, which applies the
same rule and writes an audit entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, html
from flask import Response, abort, request

from dashboard import auth, charts, components, data, pdf_gate, theme, urlstate
from dashboard.i18n import fmt_number, platform_label, register, t
from survey.segments.dimensions import value_label
from warehouse import accounts
from warehouse.settings import load_limits, load_settings
from warehouse.sponsor_report import (
    SponsorReport,
    SponsorReportError,
    build_sponsor_report,
    report_html,
    report_pdf_bytes,
    report_xlsx_bytes,
)
from warehouse.store import WarehouseError

PAGE = "sponsor"

register(
    {
        "nav.sponsor": {"zh": "赞助报告", "en": "Sponsor report"},
        "page.sponsor": {"zh": "赞助方触达报告", "en": "Sponsor reach report"},
        "intro.sponsor": {
            "zh": "所赞助节目的播放、触达、互动与观看时长，并与本届节目的中位数比较。"
            "受众画像只显示不少于 5 人的汇总。",
            "en": "Plays, reach, engagement and watch time of the sponsored programs, compared "
            "with the edition's median program. Audience profile only as groups of 5 or more.",
        },
        "sponsor.filter.sponsor": {"zh": "赞助方", "en": "Sponsor"},
        "sponsor.kpi.plays": {"zh": "播放量", "en": "Plays"},
        "sponsor.kpi.reach": {"zh": "触达人数", "en": "Reach"},
        "sponsor.kpi.reach_estimated": {"zh": "触达人数（估算）", "en": "Reach (estimated)"},
        "sponsor.kpi.impressions": {"zh": "曝光量", "en": "Impressions"},
        "sponsor.kpi.engagement_rate": {"zh": "互动率", "en": "Engagement rate"},
        "sponsor.kpi.watch_time_h": {"zh": "观看时长（小时）", "en": "Watch time (hours)"},
        "sponsor.kpi.programs": {"zh": "赞助节目", "en": "Sponsored programs"},
        "sponsor.kpi.above_median": {
            "zh": "{n} 个高于本届中位数",
            "en": "{n} above the edition median",
        },
        "sponsor.title.daily": {"zh": "每日播放量", "en": "Daily plays"},
        "sponsor.title.platforms": {
            "zh": "各平台播放量与触达",
            "en": "Plays and reach by platform",
        },
        "sponsor.title.vs_median": {
            "zh": "各节目播放量 ÷ 本届中位数",
            "en": "Each program's plays ÷ the edition's median",
        },
        "sponsor.title.programs": {"zh": "赞助节目", "en": "Sponsored programs"},
        "sponsor.title.profile": {
            "zh": "主创画像（不少于 5 人的汇总）",
            "en": "Creator profile (groups of 5 or more)",
        },
        "sponsor.title.live": {"zh": "直播（本届整体）", "en": "Live (whole edition)"},
        "sponsor.title.notes": {"zh": "说明", "en": "Notes"},
        "sponsor.trace.reach_reported": {"zh": "触达（平台报告）", "en": "Reach (reported)"},
        "sponsor.trace.reach_estimated": {"zh": "触达（估算）", "en": "Reach (estimated)"},
        "sponsor.axis.ratio": {"zh": "倍数（中位数 = 1）", "en": "Ratio (median = 1)"},
        "sponsor.axis.people": {"zh": "人次", "en": "Plays / people"},
        "sponsor.download.xlsx": {"zh": "下载 Excel 报告", "en": "Download Excel report"},
        "sponsor.download.html": {"zh": "打印版（HTML）", "en": "Print version (HTML)"},
        "sponsor.download.pdf": {"zh": "PDF", "en": "PDF"},
        "sponsor.no_sponsors": {
            "zh": "仓库中还没有赞助方，请先导入节目目录",
            "en": "No sponsors in the warehouse yet: load a program catalogue first",
        },
        "col.reach_basis_label": {"zh": "触达口径", "en": "Reach basis"},
        "col.plays_vs_median": {"zh": "播放量 ÷ 中位数", "en": "Plays ÷ median"},
        "col.rank_plays": {"zh": "本届播放排名", "en": "Rank by plays"},
        "col.top_platform_name": {"zh": "峰值最高平台", "en": "Top platform"},
        "sponsor.axis.days": {"zh": "首日起天数（天）", "en": "Days since the first day (days)"},
        "sponsor.empty.no_plays": {
            "zh": "所赞助节目在该时段没有播放数据",
            "en": "No plays of the sponsored programs in this period",
        },
    }
)


def sponsors() -> pl.DataFrame:
    """Every sponsor (for the organizer's picker)."""
    return data.query("sponsors")


def scoped_sponsor(filters: Mapping[str, Any]) -> str:
    """The sponsor this request may see: a sponsor account's own, else (organizers) the URL's
    choice or the first sponsor. Anyone else is refused."""
    user = auth.current_user()
    if user is None or not auth.allowed(PAGE, user):
        abort(403)
    if user.role == "sponsor":
        return str(user.sponsor_id)
    known = sponsors()["sponsor_id"].to_list()
    if not known:
        abort(404)
    return urlstate.one(filters, "sponsor", known) or known[0]


def report(filters: Mapping[str, Any]) -> SponsorReport:
    """The report the signed-in user may see, for the filters' language."""
    return data.product(
        build_sponsor_report,
        sponsor_id=scoped_sponsor(filters),
        lang=urlstate.lang_of(filters),
        value_label=value_label,
    )


def _shown(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    return frame.select([c for c in columns if c in frame.columns])


PROGRAM_COLUMNS = (
    "edition_year",
    "title_zh",
    "plays",
    "reach",
    "reach_basis_label",
    "impressions",
    "engagement_rate",
    "watch_time_h",
    "plays_vs_median",
    "rank_plays",
)
PROFILE_COLUMNS = ("dimension_label", "value_label", "count_label", "share")
LIVE_COLUMNS = (
    "edition_year",
    "peak_concurrent_viewers",
    "peak_minute_at",
    "avg_concurrent_viewers",
    "watch_minutes",
    "top_platform_name",
)


@components.dataset(PAGE, "programs", "sponsor.title.programs")
def programs(filters: Mapping[str, Any]) -> pl.DataFrame:
    """One row per sponsored program with its comparison to the edition median."""
    return _shown(report(filters).programs, PROGRAM_COLUMNS)


@components.dataset(PAGE, "platforms", "sponsor.title.platforms")
def platforms(filters: Mapping[str, Any]) -> pl.DataFrame:
    """One row per platform carrying the sponsor's programs."""
    return report(filters).platforms.drop("reach_basis", "is_reach_upper_bound")


@components.dataset(PAGE, "daily", "sponsor.title.daily")
def daily(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Daily plays of the sponsored programs."""
    return report(filters).daily


@components.dataset(PAGE, "profile", "sponsor.title.profile")
def profile(filters: Mapping[str, Any]) -> pl.DataFrame:
    """The creators' profile, only as groups of at least k people ("<5" otherwise)."""
    return _shown(report(filters).profile, PROFILE_COLUMNS)


def daily_figure(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Daily plays, one line per edition."""
    if frame.is_empty():
        return charts.empty_figure("sponsor.title.daily", "sponsor.empty.no_plays", lang)
    traces = []
    for i, (year,) in enumerate(frame.select("edition_year").unique().sort("edition_year").rows()):
        part = frame.filter(pl.col("edition_year") == year).sort("date_on")
        # Editions overlaid by days since their first day, so years line up.
        first = part["date_on"][0]
        traces.append(
            go.Scatter(
                x=[(d - first).days for d in part["date_on"]],
                y=part["plays"].to_list(),
                customdata=[d.isoformat() for d in part["date_on"]],
                mode="lines",
                name=t("fmt.year", lang).format(year=year),
                line={"color": theme.series_colour(i), "width": 2},
                hovertemplate="%{customdata}: %{y:,}<extra>%{fullData.name}</extra>",
            )
        )
    return theme.figure(
        t("sponsor.title.daily", lang),
        data=traces,
        xaxis=theme.axis(t("sponsor.axis.days", lang), rangemode="tozero"),
        yaxis=theme.axis(t("axis.plays", lang), rangemode="tozero"),
    )


def platforms_figure(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Plays and reach per platform; estimated reach drawn hatched and named as estimated."""
    if frame.is_empty():
        return charts.empty_figure("sponsor.title.platforms", "sponsor.empty.no_plays", lang)
    names = [platform_label(p, lang) for p in frame["platform_id"]]
    colours = [theme.platform_colour(p) for p in frame["platform_id"]]
    traces = [
        go.Bar(
            x=names,
            y=frame["plays"].to_list(),
            name=t("col.plays", lang),
            marker={"color": colours},
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    ]
    for basis, key, pattern in (
        ("reported", "sponsor.trace.reach_reported", ""),
        ("estimated", "sponsor.trace.reach_estimated", "/"),
    ):
        part = frame.with_columns(
            pl.when(pl.col("reach_basis") == basis).then(pl.col("reach")).alias("shown")
        )
        if part["shown"].is_null().all():
            continue
        traces.append(
            go.Bar(
                x=names,
                y=part["shown"].to_list(),
                name=t(key, lang),
                marker={"color": colours, "opacity": 0.55, "pattern": {"shape": pattern}},
                hovertemplate="%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
            )
        )
    return theme.figure(
        t("sponsor.title.platforms", lang),
        data=traces,
        barmode="group",
        xaxis=theme.axis(t("dim.platform", lang)),
        yaxis=theme.axis(t("sponsor.axis.people", lang)),
    )


def vs_median_figure(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Each program's plays as a multiple of its edition's median program, 1 marked."""
    part = frame.drop_nulls("plays_vs_median")
    if part.is_empty():
        return charts.empty_figure("sponsor.title.vs_median", "sponsor.empty.no_plays", lang)
    part = part.sort("plays_vs_median")
    labels = [f"{r['title_zh']}（{r['edition_year']}）" for r in part.iter_rows(named=True)]
    bar = go.Bar(
        y=labels,
        x=part["plays_vs_median"].to_list(),
        orientation="h",
        marker={"color": theme.NEUTRAL_COLOUR},
        hovertemplate="%{y}: ×%{x:.2f}<extra></extra>",
        showlegend=False,
    )
    return theme.figure(
        t("sponsor.title.vs_median", lang),
        data=[bar],
        shapes=[charts.vline(1, {"color": theme.REFERENCE_COLOUR, "dash": "dot"})],
        xaxis=theme.axis(t("sponsor.axis.ratio", lang)),
        yaxis=theme.axis(t("axis.program", lang), automargin=True),
    )


def kpis(rep: SponsorReport, lang: str) -> list[html.Div]:
    """Headline figures of the report."""
    row = rep.summary.row(0, named=True) if rep.summary.height else {}

    def number(value: Any, digits: int = 0) -> str:
        return "–" if value is None else f"{value:,.{digits}f}"

    reach_key = (
        "sponsor.kpi.reach_estimated"
        if row.get("reach_basis") == "estimated"
        else "sponsor.kpi.reach"
    )
    rate = row.get("engagement_rate")
    items = [
        ("plays", "sponsor.kpi.plays", number(row.get("plays")), None),
        ("reach", reach_key, number(row.get("reach")), None),
        ("impressions", "sponsor.kpi.impressions", number(row.get("impressions")), None),
        (
            "engagement_rate",
            "sponsor.kpi.engagement_rate",
            "–" if rate is None else f"{rate * 100:.1f}%",
            None,
        ),
        ("watch_time_h", "sponsor.kpi.watch_time_h", number(row.get("watch_time_h")), None),
        (
            "programs",
            "sponsor.kpi.programs",
            fmt_number(row.get("count_programs") or 0),
            t("sponsor.kpi.above_median", lang).format(n=row.get("count_programs_above_median", 0)),
        ),
    ]
    return [
        components.kpi(PAGE, name, t(key, lang), value, change)
        for name, key, value, change in items
    ]


def _links(sponsor_id: str, lang: str, organizer: bool) -> list[html.A]:
    params = urlstate.encode({"lang": lang, "sponsor": sponsor_id if organizer else None})
    return [
        html.A(
            t(f"sponsor.download.{fmt}", lang),
            href=f"/report/sponsor.{fmt}{params}",
            id=f"sponsor-report-{fmt}",
            className="report-link",
            target="_blank",
        )
        for fmt in ("xlsx", "html", "pdf")
    ]


def render(filters: dict[str, Any] | None) -> tuple[Any, ...]:
    """Everything on the page for the signed-in user's sponsor."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    rep = report(filters)
    user = auth.current_user()
    name = rep.sponsor_name_zh if lang == "zh" else (rep.sponsor_name_en or rep.sponsor_name_zh)
    prog_rows, prog_defs = components.grid_data(programs(filters), lang)
    prof_rows, prof_defs = components.grid_data(profile(filters), lang)
    live_rows, live_defs = components.grid_data(_shown(rep.live, LIVE_COLUMNS), lang)
    return (
        f"{name}（{rep.sponsor_id}）",
        kpis(rep, lang),
        daily_figure(rep.daily, lang),
        platforms_figure(rep.platforms, lang),
        vs_median_figure(rep.programs, lang),
        prog_rows,
        prog_defs,
        prof_rows,
        prof_defs,
        live_rows,
        live_defs,
        [html.Li(note) for note in rep.notes],
        _links(rep.sponsor_id, lang, user is not None and user.role == "organizer"),
    )


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The report page; organizers get a sponsor picker, sponsors their own report."""
    filters = {**query, "lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    try:
        known = sponsors()
    except WarehouseError as exc:
        return components.message(PAGE, lang, str(exc))
    if known.is_empty():
        return components.message(PAGE, lang, t("sponsor.no_sponsors", lang))
    user = auth.current_user()
    controls = []
    if user is not None and user.role == "organizer":
        filters["sponsor"] = scoped_sponsor(filters)
        name = "sponsor_name_zh" if lang == "zh" else "sponsor_name_en"
        controls.append(
            components.dropdown(
                PAGE,
                "sponsor",
                t("sponsor.filter.sponsor", lang),
                [(r["sponsor_id"], f"{r[name]}（{r['sponsor_id']}）") for r in known.to_dicts()],
                filters["sponsor"],
                clearable=False,
            )
        )
    else:
        filters.pop("sponsor", None)
    return components.page(
        PAGE,
        lang,
        filters,
        controls=controls,
        body=[
            html.H2(id=f"{PAGE}-name"),
            html.Div(id=f"{PAGE}-links", className="report-links"),
            html.Div(id=f"{PAGE}-kpis", className="kpis"),
            html.Div(
                [
                    components.chart_card(PAGE, "daily", wide=True),
                    components.chart_card(PAGE, "platforms"),
                    components.chart_card(PAGE, "vs_median"),
                ],
                className="cards",
            ),
            components.grid_card(PAGE, "programs", t("sponsor.title.programs", lang)),
            components.grid_card(PAGE, "profile", t("sponsor.title.profile", lang)),
            components.grid_card(PAGE, "live", t("sponsor.title.live", lang)),
            html.Div(
                [html.H3(t("sponsor.title.notes", lang)), html.Ul(id=f"{PAGE}-notes")],
                className="card wide",
            ),
        ],
    )


dash.register_page(
    __name__, path="/sponsor", order=6, title="creatorpulse", page_key=PAGE, layout=layout
)


@callback(
    Output(f"{PAGE}-name", "children"),
    Output(f"{PAGE}-kpis", "children"),
    Output(f"{PAGE}-daily", "figure"),
    Output(f"{PAGE}-platforms", "figure"),
    Output(f"{PAGE}-vs_median", "figure"),
    Output(f"{PAGE}-programs", "rowData"),
    Output(f"{PAGE}-programs", "columnDefs"),
    Output(f"{PAGE}-profile", "rowData"),
    Output(f"{PAGE}-profile", "columnDefs"),
    Output(f"{PAGE}-live", "rowData"),
    Output(f"{PAGE}-live", "columnDefs"),
    Output(f"{PAGE}-notes", "children"),
    Output(f"{PAGE}-links", "children"),
    Input(components.filters_id(PAGE), "data"),
)
def update(filters: dict[str, Any] | None) -> Any:
    """Thin callback: the sponsor comes from the session (see `scoped_sponsor`); the render is
    cached per snapshot, filters and viewer (a sponsor account's own sponsor is in the key)."""
    return data.output(render, filters or {}, viewer=auth.viewer_key())


REPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


def report_file(fmt: str) -> Response:
    """GET /report/sponsor.<fmt>: the signed-in user's sponsor report as a file; audited."""
    if fmt not in REPORT_TYPES:
        abort(404)
    filters = {"lang": request.args.get("lang", "zh"), "sponsor": request.args.get("sponsor")}
    rep = report(filters)
    try:
        if fmt == "xlsx":
            body: bytes = report_xlsx_bytes(rep)
        elif fmt == "html":
            body = report_html(rep).encode("utf-8")
        else:
            with pdf_gate.render_slot(load_settings().home, load_limits()):
                body = report_pdf_bytes(rep)
    except SponsorReportError as exc:  # no Chromium for the PDF
        return Response(str(exc), 503, mimetype="text/plain")
    except pdf_gate.Busy as exc:  # too many PDFs at once: never more Chromiums than the cap
        return Response(
            f"{exc}: try again in {exc.retry_after_s} s",
            503,
            mimetype="text/plain",
            headers={"Retry-After": str(exc.retry_after_s)},
        )
    accounts.record(
        load_settings().home,
        "report_sponsor",
        user=auth.current_user(),
        target=rep.sponsor_id,
        filters={"format": fmt, "lang": rep.lang, "via": "dashboard"},
        count_rows=rep.programs.height,
    )
    name = f"creatorpulse-sponsor-{rep.sponsor_id}.{fmt}"
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(
        body,
        mimetype=REPORT_TYPES[fmt],
        headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
    )


dash.get_app().server.add_url_rule(
    "/report/sponsor.<fmt>", "sponsor_report_file", report_file, methods=["GET"]
)
