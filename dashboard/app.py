"""The Dash app shell: header with navigation and language switch, the page container, and the
callbacks every page shares (filters and language to the URL, downloads). Pages live in
`dashboard/pages/`, one module each.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

import dash
from dash import ALL, Dash, Input, Output, State, callback, ctx, dcc, html, no_update
from flask import abort

from dashboard import auth, components, data, uploads, urlstate
from dashboard.i18n import LANGS, register, t
from warehouse import accounts
from warehouse.cohort import EmptyCohortError
from warehouse.exports import frame_to_csv_bytes, frame_to_xlsx_bytes
from warehouse.settings import load_settings

register(
    {
        "shell.sign_out": {"zh": "退出", "en": "Sign out"},
        "shell.no_access": {
            "zh": "你的账户无权查看此页面。",
            "en": "Your account may not open this page.",
        },
        "shell.role.organizer": {"zh": "组织者", "en": "Organizer"},
        "shell.role.sponsor": {"zh": "赞助方", "en": "Sponsor"},
        "shell.role.researcher": {"zh": "研究者", "en": "Researcher"},
    }
)

# Navigation order; each page module registers itself with dash.register_page.
PAGES = (
    "overview",
    "participants",
    "segments",
    "views",
    "retention",
    "attention",
    "sponsor",
    "cohort",
    "contacts",
    "imports",  # the Import page (page key "import": `import` is a Python keyword)
)
# Pages whose layout reads no warehouse data: rendered afresh, and shown before any snapshot
# exists (the Import page is how a first warehouse gets its data).
UNCACHED_PAGES = frozenset({"import"})
LOCATION = "_pages_location"  # Dash pages' own dcc.Location: writing its search re-renders


def _header() -> html.Header:
    return html.Header(
        [
            html.Div("creatorpulse · AI春晚", className="brand"),
            html.Nav(id="nav", className="nav"),
            html.Div(
                [
                    html.Button(label, id={"type": "lang", "lang": lang}, n_clicks=0)
                    for lang, label in (("zh", "中文"), ("en", "EN"))
                ],
                className="lang-switch",
                id="lang-switch",
            ),
            html.Div(id="user-box", className="user-box"),
        ],
        className="header",
    )


def shell() -> html.Div:
    """The layout around every page."""
    return html.Div(
        [_header(), html.Main(dash.page_container, className="main"), dcc.Download(id="download")]
    )


@callback(
    Output("nav", "children"),
    Output({"type": "lang", "lang": ALL}, "className"),
    Output("user-box", "children"),
    Input(LOCATION, "pathname"),
    Input(LOCATION, "search"),
)
def render_nav(pathname: str | None, search: str | None) -> tuple[list[Any], list[str], list[Any]]:
    """Navigation links to the pages the signed-in role may open, in the URL's language,
    carrying the language and edition along; the user's name, role and a sign-out button."""
    lang = urlstate.lang_of(urlstate.decode(search))
    carried = urlstate.shared_params(search)
    user = auth.current_user()
    links = []
    for entry in dash.page_registry.values():
        if not auth.allowed(entry["page_key"], user):
            continue
        path = entry["relative_path"]
        active = (pathname or "/") == path
        links.append(
            dcc.Link(
                t(f"nav.{entry['page_key']}", lang),
                href=path + carried,
                className="nav-link active" if active else "nav-link",
                id=f"nav-{entry['page_key']}",
            )
        )
    box = []
    if user is not None:
        who = f"{user.username} · {t(f'shell.role.{user.role}', lang)}"
        if user.sponsor_id:
            who += f" · {user.sponsor_id}"
        box = [
            html.Span(who, id="user-name"),
            html.Form(
                html.Button(t("shell.sign_out", lang), type="submit", id="sign-out"),
                method="post",
                action="/logout",
            ),
        ]
    return links, ["active" if lang == code else "" for code in LANGS], box


def _url_value(value: Any) -> str | None:
    """A control value as the URL holds it (lists comma-joined; empty is absent)."""
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return None if value is None or value == "" else str(value)


@callback(
    Output(LOCATION, "search"),
    Input({"type": components.FILTER, "page": ALL, "key": ALL}, "value"),
    Input({"type": "lang", "lang": ALL}, "n_clicks"),
    State(LOCATION, "search"),
    State({"type": components.PAGE_FILTERS, "page": ALL}, "data"),
    prevent_initial_call=True,
)
def write_url(
    _values: list[Any],
    _clicks: list[int],
    search: str | None,
    stores: list[dict[str, Any] | None],
) -> str:
    """A changed filter or language becomes the URL; Dash pages then re-renders the page.

    Controls that merely appeared (a page rendered with the values its store holds) change
    nothing, so opening a page adds no history entry and keeps its link as it was.
    """
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict):
        return no_update
    if trigger.get("type") == "lang":
        if not any(item["value"] for item in ctx.inputs_list[1]):
            return no_update  # buttons rendered, not clicked
        changes: dict[str, Any] = {urlstate.LANG_KEY: trigger["lang"]}
    else:
        controls = ctx.inputs_list[0]
        rendered = {(store or {}).get("page"): store or {} for store in stores if store is not None}
        changed = {
            item["id"]["key"]: item.get("value")
            for item in controls
            if _url_value(item.get("value"))
            != _url_value(rendered.get(item["id"]["page"], {}).get(item["id"]["key"]))
        }
        if not changed:
            return no_update
        changes = {item["id"]["key"]: item.get("value") for item in controls}
    new = urlstate.with_changes(search, changes)
    return no_update if new == (search or "") else new


@callback(
    Output("download", "data"),
    Input({"type": components.DOWNLOAD, "page": ALL, "dataset": ALL, "fmt": ALL}, "n_clicks"),
    State({"type": components.PAGE_FILTERS, "page": ALL}, "data"),
    prevent_initial_call=True,
)
def download(_clicks: list[int], stores: list[dict[str, Any] | None]) -> Any:
    """The clicked dataset as CSV (UTF-8 with BOM) or .xlsx, computed from the page's filters."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        return no_update
    try:
        return download_payload(trigger["page"], trigger["dataset"], trigger["fmt"], stores)
    except EmptyCohortError:
        # The page already says nobody matches (and shows no rows): there is nothing to send.
        return no_update


def download_payload(
    page: str, name: str, fmt: str, stores: list[dict[str, Any] | None]
) -> dict[str, Any]:
    """The dcc.Download payload of one dataset (unit-testable without a browser)."""
    user = auth.current_user()
    if not auth.allowed(page, user) or (page, name) not in components.DATASETS:
        abort(403)
    spec = components.DATASETS[(page, name)]
    filters = next((s for s in stores if s and s.get("page") == page), None) or {"page": page}
    lang = urlstate.lang_of(filters)
    # The frame is cached per snapshot, filters and viewer, like the page it comes from; every
    # download is still audited below.
    frame = data.product(
        _dataset_frame, page=page, name=name, filters=filters, viewer=auth.viewer_key()
    )
    accounts.record(
        load_settings().home,
        "download",
        user=user,
        target=f"{page}/{name}.{fmt}",
        filters={k: v for k, v in filters.items() if k != "page"},
        count_rows=frame.height,
    )
    headers = [components.column_header(c, lang) for c in frame.columns]
    stem = f"creatorpulse-{page}-{name}-{date.today():%Y%m%d}"
    if fmt == "xlsx":
        body = frame_to_xlsx_bytes(frame, t(spec.title_key, lang), headers)
        return dcc.send_bytes(body, f"{stem}.xlsx")
    return dcc.send_bytes(frame_to_csv_bytes(frame, headers), f"{stem}.csv")


def _dataset_frame(_reader: Any, page: str, name: str, filters: Any, viewer: Any) -> Any:
    """A registered dataset built from the page's filters (`viewer` only keys the cache)."""
    return components.DATASETS[(page, name)].build(filters)


@cache
def create_app() -> Dash:
    """The app (one per process: Dash pages and callbacks register globally)."""
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        title="creatorpulse",
        suppress_callback_exceptions=True,
        update_title=None,
    )
    auth.init_auth(app.server, lambda: load_settings().home, lambda o: _registered_ids(app, o))
    uploads.init_uploads(app.server, lambda: load_settings().home)
    for name in PAGES:
        importlib.import_module(f"dashboard.pages.{name}")
    for entry in dash.page_registry.values():
        entry["layout"] = _guarded(entry["page_key"], entry["layout"])
    app.layout = shell
    return app


def _registered_ids(app: Dash, output: str) -> list[Any] | None:
    """The input and state component ids of the callback registered for `output` (None for an
    output no callback has)."""
    spec = app.callback_map.get(output)
    if spec is None:
        return None
    ids: list[Any] = []
    for item in [*spec.get("inputs", []), *spec.get("state", [])]:
        text = item["id"]
        ids.append(json.loads(text) if text.startswith("{") else text)
    return ids


def _guarded(page: str, layout: Callable[..., Any]) -> Callable[..., Any]:
    """The page's layout for a role that may open it (cached per snapshot, URL query and
    viewer, like the pages' renders); a short refusal for any other."""

    def guarded_layout(**query: Any) -> Any:
        if not auth.allowed(page):
            lang = urlstate.lang_of(query)
            return html.Div(
                [html.H1(t(f"page.{page}", lang)), html.P(t("shell.no_access", lang))],
                id="no-access",
                className="page",
            )
        if page in UNCACHED_PAGES:
            return layout(**query)
        return data.output(layout, viewer=auth.viewer_key(), **query)

    return guarded_layout
