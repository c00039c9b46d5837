"""Researcher cohort workbook: pick a saved segment and editions, preview the cohort's summary
(k-suppressed), download the de-identified workbook (.xlsx) or its Data as CSV (UTF-8 with BOM).

Every download is built anew (pseudonymous ids differ per export), audited, and served only to
roles that may export cohorts (organizers and researchers).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dash
import polars as pl
from dash import Input, Output, callback, html
from flask import Response, abort, request

from dashboard import auth, components, data, urlstate
from dashboard.i18n import register, t
from survey.segments import SegmentError
from survey.segments.cohorts import resolve_cohort
from survey.segments.dimensions import value_label
from survey.segments.rules import segment_definitions
from warehouse import accounts
from warehouse.cohort import Cohort, EmptyCohortError, build_cohort, write_cohort_xlsx
from warehouse.exports import frame_to_csv_bytes
from warehouse.privacy import DEFAULT_K
from warehouse.settings import load_settings
from warehouse.store import WarehouseError

PAGE = "cohort"

register(
    {
        "nav.cohort": {"zh": "研究数据", "en": "Research data"},
        "page.cohort": {"zh": "研究者队列数据", "en": "Researcher cohort data"},
        "intro.cohort": {
            "zh": "选择已保存的细分和届次，下载去标识化的队列工作簿（含说明、数据、编码表与汇总）。"
            "不含姓名或联系方式；准标识符逐级粗化，直到每个组合至少 5 人。",
            "en": "Pick a saved segment and editions and download the de-identified cohort "
            "workbook (README, Data, Codebook, Summary). No names or contacts; quasi-identifiers "
            "are coarsened until every combination has at least 5 people.",
        },
        "cohort.filter.segment": {"zh": "细分", "en": "Segment"},
        "cohort.filter.editions": {"zh": "届次（空 = 全部）", "en": "Editions (empty = all)"},
        "cohort.everyone": {"zh": "全部参与者", "en": "All participants"},
        "cohort.empty": {
            "zh": "没有参与者同时符合所选细分和届次，没有可导出的数据。",
            "en": "No participant is in both the chosen segment and editions: nothing to export.",
        },
        "cohort.status": {
            "zh": "{rows} 行（参与者 × 届次），{cols} 列；为满足每组至少 {k} 人，"
            "{suppressed} / {matching} 行被剔除。",
            "en": "{rows} rows (participant × edition), {cols} columns; {suppressed} of "
            "{matching} rows left out so that every group has at least {k} people.",
        },
        "cohort.title.summary": {"zh": "汇总（预览）", "en": "Summary (preview)"},
        "cohort.title.readme": {"zh": "说明（预览）", "en": "README (preview)"},
        "cohort.download.xlsx": {"zh": "下载工作簿（.xlsx）", "en": "Download workbook (.xlsx)"},
        "cohort.download.csv": {"zh": "下载数据（CSV）", "en": "Download Data (CSV)"},
    }
)


def segments() -> pl.DataFrame:
    """The stored segment definitions."""
    return data.analytic(segment_definitions)


def chosen(filters: Mapping[str, Any]) -> tuple[str | None, list[int] | None]:
    """The URL's segment (a stored one, else everyone) and editions (None: all)."""
    names = segments()["segment_name"].to_list()
    segment = urlstate.one(filters, "segment", names)
    years = [
        int(y)
        for y in urlstate.many(filters, "editions")
        if y.isascii() and y.isdigit() and len(y) <= 4
    ]
    return segment, years or None


def build(filters: Mapping[str, Any], *, preview: bool = False) -> Cohort:
    """The cohort for the filters (fresh ids each time: callers cache only the preview, which
    has no ids nor answers: `warehouse.cohort.build_cohort(preview=True)`)."""
    segment, editions = chosen(filters)
    reader = data.reader()
    definition, members = resolve_cohort(reader, segment)
    return build_cohort(
        reader,
        definition,
        members=members,
        editions=editions,
        k=DEFAULT_K,
        value_label=value_label,
        preview=preview,
    )


def _preview(segment: str | None, editions: tuple[int, ...] | None) -> Cohort:
    filters = {"segment": segment, "editions": ",".join(map(str, editions or ()))}
    return build(filters, preview=True)


def preview(filters: Mapping[str, Any]) -> Cohort:
    """The cohort behind the page's preview (cached per snapshot; its ids are never shown)."""
    segment, editions = chosen(filters)
    return data.product(
        lambda _reader, segment, editions: _preview(segment, editions),
        segment=segment,
        editions=tuple(editions) if editions else None,
    )


@components.dataset(PAGE, "summary", "cohort.title.summary")
def summary(filters: Mapping[str, Any]) -> pl.DataFrame:
    """The cohort's Summary sheet (counts under k shown as "<5")."""
    return preview(filters).summary


def _links(filters: Mapping[str, Any], lang: str) -> list[html.A]:
    segment, editions = chosen(filters)
    params = urlstate.encode({"segment": segment, "editions": editions, "lang": lang})
    return [
        html.A(
            t(f"cohort.download.{fmt}", lang),
            href=f"/export/cohort.{fmt}{params}",
            id=f"cohort-export-{fmt}",
            className="report-link",
        )
        for fmt in ("xlsx", "csv")
    ]


def render(filters: dict[str, Any] | None) -> tuple[Any, ...]:
    """Status, preview tables and download links for the filters."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    try:
        cohort = preview(filters)
    except EmptyCohortError:  # a fair question whose answer is nobody: say so, offer nothing
        return t("cohort.empty", lang), [], [], [], [], []
    status = t("cohort.status", lang).format(
        rows=f"{cohort.count_rows:,}",
        cols=cohort.data.width,
        k=cohort.k,
        suppressed=f"{cohort.count_suppressed:,}",
        matching=f"{cohort.count_matching:,}",
    )
    summary_rows, summary_defs = components.grid_data(cohort.summary, lang)
    readme_rows, readme_defs = components.grid_data(cohort.readme, lang)
    return status, _links(filters, lang), summary_rows, summary_defs, readme_rows, readme_defs


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The page: segment and editions, preview, downloads."""
    filters = {**query, "lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    try:
        stored = segments()
        years = data.query("overview_editions")["edition_year"].to_list()
    except WarehouseError as exc:
        return components.message(PAGE, lang, str(exc))
    segment, editions = chosen(filters)
    label = "label_zh" if lang == "zh" else "label_en"
    options = [("", t("cohort.everyone", lang))] + [
        (r["segment_name"], r[label] or r["segment_name"]) for r in stored.to_dicts()
    ]
    return components.page(
        PAGE,
        lang,
        filters,
        controls=[
            components.dropdown(
                PAGE, "segment", t("cohort.filter.segment", lang), options, segment or ""
            ),
            components.dropdown(
                PAGE,
                "editions",
                t("cohort.filter.editions", lang),
                [(str(y), t("fmt.year", lang).format(year=y)) for y in years],
                [str(y) for y in editions or []],
                multi=True,
            ),
        ],
        body=[
            html.P(id=f"{PAGE}-status", className="status"),
            html.Div(id=f"{PAGE}-links", className="report-links"),
            components.grid_card(PAGE, "summary", t("cohort.title.summary", lang)),
            components.grid_card(PAGE, "readme", t("cohort.title.readme", lang)),
        ],
    )


dash.register_page(
    __name__, path="/cohort", order=7, title="creatorpulse", page_key=PAGE, layout=layout
)


@callback(
    Output(f"{PAGE}-status", "children"),
    Output(f"{PAGE}-links", "children"),
    Output(f"{PAGE}-summary", "rowData"),
    Output(f"{PAGE}-summary", "columnDefs"),
    Output(f"{PAGE}-readme", "rowData"),
    Output(f"{PAGE}-readme", "columnDefs"),
    Input(components.filters_id(PAGE), "data"),
)
def update(filters: dict[str, Any] | None) -> Any:
    """Thin callback: the render, cached per snapshot, filters and viewer."""
    return data.output(render, filters or {}, viewer=auth.viewer_key())


def export_file(fmt: str) -> Response:
    """GET /export/cohort.<fmt>: a freshly built, de-identified cohort; audited."""
    user = auth.current_user()
    if not auth.allowed(PAGE, user) or fmt not in ("xlsx", "csv"):
        abort(403 if fmt in ("xlsx", "csv") else 404)
    filters = {"segment": request.args.get("segment"), "editions": request.args.get("editions")}
    try:
        cohort = build(filters)
    except (SegmentError, WarehouseError) as exc:  # e.g. no one in the editions asked for
        return Response(str(exc), 400, mimetype="text/plain")
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory() as tmp:
            body = write_cohort_xlsx(cohort, Path(tmp) / "cohort.xlsx").read_bytes()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = frame_to_csv_bytes(cohort.data)
        mimetype = "text/csv; charset=utf-8"
    accounts.record(
        load_settings().home,
        "export_cohort",
        user=user,
        target=f"cohort.{fmt}",
        filters={k: v for k, v in filters.items() if v},
        count_rows=cohort.count_rows,
    )
    name = f"creatorpulse-cohort-{chosen(filters)[0] or 'all'}.{fmt}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


dash.get_app().server.add_url_rule(
    "/export/cohort.<fmt>", "cohort_export_file", export_file, methods=["GET"]
)
