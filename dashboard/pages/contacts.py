"""Contacts (organizers only): participants' names and contacts, masked; revealing one
participant's contacts is a deliberate click that is written to the audit log.

Contacts never go to the browser unmasked except for the one participant revealed, and they
have no download (no dataset is registered for this page).

The list is served a page at a time (AG Grid's infinite row model: the grid asks for rows
`startRow`..`endRow` with its sort and filter, `list_rows` masks what it sorts and filters by
and the page it sends): with 100k participants the whole list would be megabytes of JSON on
every open, and masking every value of it on every page ~100 ms.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import dash
import dash_ag_grid as dag
import polars as pl
from dash import Input, Output, State, callback, html

from dashboard import auth, components, data, urlstate
from dashboard.i18n import register, role_label, t
from warehouse import accounts
from warehouse.settings import load_settings
from warehouse.store import WarehouseError

PAGE = "contacts"

register(
    {
        "nav.contacts": {"zh": "联系人", "en": "Contacts"},
        "page.contacts": {"zh": "参与者联系人", "en": "Participant contacts"},
        "intro.contacts": {
            "zh": "姓名与联系方式默认打码。选中一位参与者后点击“显示联系方式”，每次显示都会记入审计日志。",
            "en": "Names and contacts are masked. Select a participant and press “Reveal "
            "contacts”; every reveal is written to the audit log.",
        },
        "contacts.reveal": {"zh": "显示联系方式", "en": "Reveal contacts"},
        "contacts.none_selected": {
            "zh": "请先在表格中选中一位参与者。",
            "en": "Select a participant in the table first.",
        },
        "contacts.logged": {
            "zh": "已记入审计日志（{user}，{at}）。",
            "en": "Logged in the audit log ({user}, {at}).",
        },
        "contacts.title.list": {"zh": "参与者（打码）", "en": "Participants (masked)"},
        "col.name_text": {"zh": "姓名", "en": "Name"},
        "col.phone": {"zh": "手机", "en": "Phone"},
        "col.wechat": {"zh": "微信", "en": "WeChat"},
        "col.email": {"zh": "邮箱", "en": "Email"},
        "col.role_label": {"zh": "职业/角色", "en": "Role"},
        "col.city_zh": {"zh": "城市", "en": "City"},
    }
)
CONTACT_COLUMNS = ("name_text", "phone", "wechat", "email")
PAGE_ROWS = 20
# The most rows one request may ask for (the grid asks for a block of PAGE_ROWS at a time): a
# crafted request for the whole list gets this many, not every masked row in one response.
MOST_ROWS = 5 * PAGE_ROWS
# Text filters of AG Grid the list understands (others are ignored: the rows stay unfiltered).
TEXT_FILTERS = {
    "contains": lambda c, v: c.str.contains(v, literal=True),
    "notContains": lambda c, v: ~c.str.contains(v, literal=True),
    "equals": lambda c, v: c == v,
    "notEqual": lambda c, v: c != v,
    "startsWith": lambda c, v: c.str.starts_with(v),
    "endsWith": lambda c, v: c.str.ends_with(v),
}
NUMBER_FILTERS = {
    "equals": lambda c, v: c == v,
    "notEqual": lambda c, v: c != v,
    "lessThan": lambda c, v: c < v,
    "lessThanOrEqual": lambda c, v: c <= v,
    "greaterThan": lambda c, v: c > v,
    "greaterThanOrEqual": lambda c, v: c >= v,
}


def masked(column: str) -> pl.Expr:
    """Keep enough to recognise a value, never enough to use it: 张** · 138****5678 · a***@x.com.

    A Polars expression over a column of text (100k contacts are masked in one pass, not one
    Python call per value): empty stays null; an email keeps its local part's first character
    and its domain; 7+ digits keep the first 3 and last 4; anything else keeps its first
    character and stars the rest (at least two stars, so a name's length does not show).
    """
    value = pl.col(column)
    first = value.str.slice(0, 1)
    return (
        pl.when(value.is_null() | (value == ""))
        .then(pl.lit(None, dtype=pl.String))
        .when(value.str.contains("@", literal=True))
        .then(value.str.replace(r"(?s)^([^@]?)[^@]*@(.*)$", "${1}***@${2}"))
        .when(value.str.contains(r"^\d{7,}$"))
        .then(value.str.slice(0, 3) + "****" + value.str.slice(-4))
        .when(value.str.len_chars() < 3)
        .then(first + "**")
        .otherwise(first + value.str.slice(1).str.replace_all(r"(?s).", "*"))
        .alias(column)
    )


def mask(value: str | None) -> str | None:
    """One value through :func:`masked`."""
    return (
        pl.DataFrame({"value": [value]}, schema={"value": pl.String}).select(masked("value")).item()
    )


SHOWN_COLUMNS = ("participant_id", *CONTACT_COLUMNS, "edition_year", "role_label", "city_zh")


def shown(frame: pl.DataFrame, lang: str, columns: Collection[str] = SHOWN_COLUMNS) -> pl.DataFrame:
    """`columns` of `pii_contacts` rows as the list shows them: contact values masked, roles
    labelled (the labels of the roles present, not a Python call per row; null stays null).
    Columns not named stay as they are, so a page can mask only what it sorts or filters by
    over every row, and the rest on the rows it sends."""
    exprs = [masked(c) for c in CONTACT_COLUMNS if c in columns]
    if "role_label" in columns:
        roles = frame["role"].drop_nulls().unique().to_list()
        exprs.append(
            pl.col("role")
            .replace_strict(
                {r: role_label(r, lang) for r in roles}, default=None, return_dtype=pl.String
            )
            .alias("role_label")
        )
    return frame.with_columns(exprs)


def contacts(first_row: int | None = None, row_count: int | None = None) -> pl.DataFrame:
    """Participants with contacts in the list's order, unmasked (RESTRICTED: only ever sent
    through `shown`): every one, or `row_count` from `first_row`."""
    return data.query("pii_contacts", participant_id=None, first_row=first_row, row_count=row_count)


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The masked list and the reveal panel."""
    filters = {"lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    try:
        # Only the columns' types are needed here: a query that matches nobody gives them.
        empty = data.query("pii_contacts", participant_id="", first_row=None, row_count=0)
    except WarehouseError as exc:
        return components.message(PAGE, lang, str(exc))
    _rows, defs = components.grid_data(shown(empty.head(0), lang).select(SHOWN_COLUMNS), lang)
    return components.page(
        PAGE,
        lang,
        filters,
        body=[
            html.Div(
                [
                    html.H3(t("contacts.title.list", lang)),
                    dag.AgGrid(
                        id=f"{PAGE}-list",
                        rowModelType="infinite",
                        columnDefs=defs,
                        defaultColDef={"sortable": True, "filter": True, "resizable": True},
                        dashGridOptions={
                            "rowSelection": {"mode": "singleRow"},
                            "pagination": True,
                            "paginationPageSize": PAGE_ROWS,
                            "cacheBlockSize": PAGE_ROWS,
                        },
                        getRowId="params.data.participant_id",
                        columnSize="responsiveSizeToFit",
                        className="ag-theme-alpine",
                        style={"height": "560px"},
                    ),
                    html.Button(t("contacts.reveal", lang), id=f"{PAGE}-reveal", n_clicks=0),
                    html.Div(id=f"{PAGE}-revealed", className="revealed"),
                ],
                className="card wide",
            )
        ],
    )


dash.register_page(
    __name__, path="/contacts", order=8, title="creatorpulse", page_key=PAGE, layout=layout
)


def reveal(participant_id: str | None, lang: str) -> list[Any]:
    """One participant's contacts in full, logged as a PII reveal by the signed-in organizer."""
    if not participant_id:
        return [html.P(t("contacts.none_selected", lang))]
    user = auth.current_user()
    if not auth.allowed(PAGE, user):  # the guard refuses earlier; this is belt and braces
        return []
    frame = data.query(
        "pii_contacts", participant_id=participant_id, first_row=None, row_count=None
    )
    entry = accounts.record(
        load_settings().home,
        "pii_reveal",
        user=user,
        target=participant_id,
        count_rows=frame.height,
    )
    items = [
        html.Li(f"{components.column_header(c, lang)}：{row[c]}")
        for row in frame.to_dicts()
        for c in CONTACT_COLUMNS
        if row[c]
    ]
    return [
        html.Ul(items, id=f"{PAGE}-revealed-list"),
        html.P(t("contacts.logged", lang).format(user=entry["username"], at=entry["at"])),
    ]


@callback(
    Output(f"{PAGE}-revealed", "children"),
    Input(f"{PAGE}-reveal", "n_clicks"),
    State(f"{PAGE}-list", "selectedRows"),
    State(components.filters_id(PAGE), "data"),
    prevent_initial_call=True,
)
def on_reveal(
    clicks: int | None, selected: list[dict[str, Any]] | None, filters: dict[str, Any] | None
) -> list[Any]:
    """Thin callback: reveal the selected participant's contacts."""
    if not clicks:
        return []
    participant = (selected or [{}])[0].get("participant_id")
    return reveal(participant, urlstate.lang_of(filters))


def _condition(column: str, spec: dict[str, Any], dtype: pl.DataType) -> pl.Expr | None:
    """One column's AG Grid filter as a Polars condition (None: not understood)."""
    parts = spec.get("conditions")
    if parts:
        exprs = [e for part in parts if (e := _condition(column, part, dtype)) is not None]
        if not exprs:
            return None
        combined = exprs[0]
        for e in exprs[1:]:
            combined = combined | e if spec.get("operator") == "OR" else combined & e
        return combined
    value = spec.get("filter")
    if value is None:
        return None
    col = pl.col(column)
    if dtype.is_numeric():
        number_op = NUMBER_FILTERS.get(spec.get("type", ""))
        try:
            return None if number_op is None else number_op(col, float(value))
        except (TypeError, ValueError):
            return None
    text_op = TEXT_FILTERS.get(spec.get("type", ""))
    return None if text_op is None else text_op(col.str.to_lowercase(), str(value).lower())


def _row_number(value: Any, default: int) -> int:
    """A row position of a grid request; `default` for anything that is not a whole number."""
    try:
        return min(max(int(value), 0), 2**31) if value is not None else default
    except (TypeError, ValueError, OverflowError):
        return default


def list_rows(request: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    """The rows AG Grid asks for (`startRow`..`endRow` after its sort and filter), masked, and
    how many rows there are in all.

    Sorting and filtering see the masked values, never the raw ones (a filter on a raw phone
    number would let anyone probe its hidden digits), so the columns they name are masked over
    every row first; the other columns are masked on the page of rows sent only.
    """
    request = request or {}
    filters = {
        column: spec
        for column, spec in (request.get("filterModel") or {}).items()
        if column in SHOWN_COLUMNS and isinstance(spec, dict)
    }
    sorts = [s for s in request.get("sortModel") or [] if s.get("colId") in SHOWN_COLUMNS]
    start = _row_number(request.get("startRow"), 0)
    end = min(max(_row_number(request.get("endRow"), start + PAGE_ROWS), start), start + MOST_ROWS)
    if not filters and not sorts:  # the list as it opens: read the page only
        page = contacts(start, end - start)
        count = int(data.query("pii_contacts_count")["count_rows"].item())
        rows, _defs = components.grid_data(shown(page, lang).select(SHOWN_COLUMNS), lang)
        return {"rowData": rows, "rowCount": count}
    used = {*filters, *(s["colId"] for s in sorts)}
    frame = shown(contacts(), lang, used)
    for column, spec in filters.items():
        condition = _condition(column, spec, frame.schema[column])
        if condition is not None:
            frame = frame.filter(condition.fill_null(False))
    if sorts:
        frame = frame.sort(
            [s["colId"] for s in sorts],
            descending=[s.get("sort") == "desc" for s in sorts],
            nulls_last=True,
            maintain_order=True,
        )
    page = shown(frame.slice(start, end - start), lang, set(SHOWN_COLUMNS) - used)
    rows, _defs = components.grid_data(page.select(SHOWN_COLUMNS), lang)
    return {"rowData": rows, "rowCount": frame.height}


@callback(
    Output(f"{PAGE}-list", "getRowsResponse"),
    Input(f"{PAGE}-list", "getRowsRequest"),
    State(components.filters_id(PAGE), "data"),
    prevent_initial_call=True,
)
def on_rows(request: dict[str, Any] | None, filters: dict[str, Any] | None) -> dict[str, Any]:
    """Thin callback: a page of the masked list."""
    return list_rows(request, urlstate.lang_of(filters))
