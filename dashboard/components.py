"""Building blocks every page uses: the page frame, filter controls, chart and table cards, KPIs,
and the registry of downloadable datasets.

Ids follow one scheme so the shell's callbacks can serve every page:
- a page's filter store: {"type": "page-filters", "page": PAGE} (data = the parsed URL filters);
- a filter control: {"type": "filter", "page": PAGE, "key": URL_KEY} (its value goes to the URL);
- a download button: {"type": "download", "page": PAGE, "dataset": NAME, "fmt": "csv"|"xlsx"};
- everything else is a string id prefixed with the page name ("participants-age").
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash_ag_grid as dag
import polars as pl
from dash import dcc, html

from dashboard.i18n import STRINGS, t

FILTER = "filter"
PAGE_FILTERS = "page-filters"
DOWNLOAD = "download"
DOWNLOAD_FORMATS = ("csv", "xlsx")

DatasetFn = Callable[[Mapping[str, Any]], pl.DataFrame]


@dataclass(frozen=True)
class Dataset:
    """A frame a page draws and offers for download, computed from the page's filters."""

    page: str
    name: str
    title_key: str
    build: DatasetFn


DATASETS: dict[tuple[str, str], Dataset] = {}


def dataset(page: str, name: str, title_key: str) -> Callable[[DatasetFn], DatasetFn]:
    """Register `build(filters) -> frame` as the downloadable data behind a chart or table."""

    def register(build: DatasetFn) -> DatasetFn:
        key = (page, name)
        if key in DATASETS and DATASETS[key].build is not build:
            raise ValueError(f"dataset {page}/{name} registered twice")
        DATASETS[key] = Dataset(page, name, title_key, build)
        return build

    return register


def filters_id(page: str) -> dict[str, str]:
    """The id of a page's filter store (its data is what the page's callbacks read)."""
    return {"type": PAGE_FILTERS, "page": page}


def column_header(column: str, lang: str) -> str:
    """A column's label for downloads and tables: the `col.NAME` UI string, else the name."""
    key = f"col.{column}"
    return t(key, lang) if key in STRINGS else column


# -- page frame ------------------------------------------------------------------------------------
def page(
    page_name: str,
    lang: str,
    filters: Mapping[str, Any],
    *,
    controls: Sequence[Any] = (),
    body: Sequence[Any] = (),
) -> html.Div:
    """A page: title and intro (`page.NAME` / `intro.NAME` strings), filter bar, store, body."""
    for part in (*controls, *body):
        localise(part, lang)
    return html.Div(
        [
            html.H1(t(f"page.{page_name}", lang), id=f"{page_name}-title"),
            html.P(t(f"intro.{page_name}", lang), className="intro"),
            html.Div(list(controls), className="filter-bar", id=f"{page_name}-filters")
            if controls
            else None,
            dcc.Store(id=filters_id(page_name), data={**filters, "page": page_name}),
            *body,
        ],
        className=f"page page-{page_name}",
        lang="zh-CN" if lang == "zh" else "en",
    )


DROPDOWN_LABELS = (
    "select_all",
    "deselect_all",
    "selected_count",
    "search",
    "clear_search",
    "clear_selection",
    "no_options_found",
)


# AG Grid's own texts (filter menus, pagination) in Chinese; English is AG Grid's default.
GRID_LOCALE_ZH = {
    "page": "第",
    "of": "/",
    "to": "至",
    "more": "更多",
    "next": "下一页",
    "last": "末页",
    "first": "首页",
    "previous": "上一页",
    "loadingOoo": "加载中……",
    "noRowsToShow": "没有数据",
    "filterOoo": "筛选……",
    "searchOoo": "搜索……",
    "selectAll": "全选",
    "equals": "等于",
    "notEqual": "不等于",
    "blank": "空白",
    "notBlank": "非空白",
    "empty": "请选择",
    "lessThan": "小于",
    "greaterThan": "大于",
    "lessThanOrEqual": "小于等于",
    "greaterThanOrEqual": "大于等于",
    "inRange": "介于",
    "inRangeStart": "从",
    "inRangeEnd": "到",
    "contains": "包含",
    "notContains": "不包含",
    "startsWith": "开头是",
    "endsWith": "结尾是",
    "andCondition": "且",
    "orCondition": "或",
    "applyFilter": "应用",
    "resetFilter": "重置",
    "clearFilter": "清除",
    "cancelFilter": "取消",
    "pageSizeSelectorLabel": "每页行数：",
    "ariaPageSizeSelectorLabel": "每页行数",
}


def localise(component: Any, lang: str) -> None:
    """Make the texts components draw themselves follow `lang`: every dcc.Dropdown's ("Search",
    "2 selected") and every AG Grid's (filter menus, pagination). Dash and AG Grid draw them in
    English otherwise. Labels a page set itself are kept."""
    if isinstance(component, dcc.Dropdown):
        if getattr(component, "labels", None) is None:
            component.labels = {key: t(f"dropdown.{key}", lang) for key in DROPDOWN_LABELS}
        return
    if isinstance(component, dag.AgGrid):
        if lang == "zh":
            options = dict(getattr(component, "dashGridOptions", None) or {})
            options.setdefault("localeText", GRID_LOCALE_ZH)
            component.dashGridOptions = options
        return
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            localise(child, lang)
    elif children is not None:
        localise(children, lang)


def message(page_name: str, lang: str, text: str) -> html.Div:
    """A page that can only say why it has nothing to show (no warehouse yet)."""
    return html.Div(
        [html.H1(t(f"page.{page_name}", lang)), html.P(text, id="warehouse-error")],
        className=f"page page-{page_name}",
    )


def dropdown(
    page_name: str,
    key: str,
    label: str,
    options: Iterable[tuple[Any, str]],
    value: Any,
    *,
    multi: bool = False,
    clearable: bool = True,
    placeholder: str | None = None,
) -> html.Div:
    """A labelled filter control whose value goes to the URL as `key`."""
    return html.Div(
        [
            html.Label(label, htmlFor=f"{page_name}-{key}"),
            dcc.Dropdown(
                id={"type": FILTER, "page": page_name, "key": key},
                options=[{"label": lab, "value": val} for val, lab in options],
                value=value,
                multi=multi,
                clearable=clearable,
                placeholder=placeholder,
                searchable=True,
            ),
        ],
        className="filter",
        id=f"{page_name}-filter-{key}",
    )


# Options a long list (a program list: thousands at 10M rows) holds at once; typed text is
# matched on the server against all of them (`searched_options`), so the page's layout stays small.
LIST_OPTIONS = 50


def searched_options(
    options: pl.DataFrame, selected: Iterable[Any], search: str | None
) -> list[tuple[Any, str]]:
    """The part of a long list a dropdown holds, as (value, label) pairs: the selected options,
    then the first ones (in the frame's order) whose label or value holds `search` in any case,
    LIST_OPTIONS in all at most. `options` has the columns value and label (thousands of rows
    at 10M: matched as Polars columns, not one Python comparison per option)."""
    chosen = pl.col("value").is_in(list(selected))
    text = (search or "").strip().lower()
    rest = options.filter(~chosen)
    if text:
        rest = rest.filter(
            pl.col("label").str.to_lowercase().str.contains(text, literal=True)
            | pl.col("value").cast(pl.String).str.to_lowercase().str.contains(text, literal=True)
        )
    kept = options.filter(chosen)
    kept = pl.concat([kept, rest.head(max(LIST_OPTIONS - kept.height, 0))])
    return list(zip(kept["value"].to_list(), kept["label"].to_list(), strict=True))


def formatted(template: str, **fields: pl.Expr) -> pl.Expr:
    """`template.format(**fields)` on every row as one Polars expression (named fields, no
    format specs; a null field shows as empty text)."""
    pieces: list[pl.Expr] = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(pl.lit(literal))
        if field is not None:
            if spec or conversion or field not in fields:
                raise ValueError(f"{template!r}: only plain named fields are supported")
            pieces.append(fields[field].cast(pl.String).fill_null(""))
    return pl.concat_str(pieces) if pieces else pl.lit("")


def radio(
    page_name: str, key: str, label: str, options: Iterable[tuple[str, str]], value: str
) -> html.Div:
    """A labelled switch (a few exclusive choices) whose value goes to the URL as `key`."""
    return html.Div(
        [
            html.Label(label),
            dcc.RadioItems(
                id={"type": FILTER, "page": page_name, "key": key},
                options=[{"label": lab, "value": val} for val, lab in options],
                value=value,
                inline=True,
            ),
        ],
        className="filter",
        id=f"{page_name}-filter-{key}",
    )


def download_buttons(page_name: str, name: str) -> html.Div:
    """CSV and .xlsx buttons for the registered dataset `name`."""
    return html.Div(
        [
            html.Button(
                fmt.upper() if fmt == "csv" else ".xlsx",
                id={"type": DOWNLOAD, "page": page_name, "dataset": name, "fmt": fmt},
                className="download",
                n_clicks=0,
            )
            for fmt in DOWNLOAD_FORMATS
        ],
        className="downloads",
        id=f"{page_name}-{name}-downloads",
    )


def chart_card(page_name: str, name: str, *, wide: bool = False, height: int = 380) -> html.Div:
    """A chart (id PAGE-NAME) with a loading indicator and its data's download buttons."""
    return html.Div(
        [
            dcc.Loading(
                dcc.Graph(
                    id=f"{page_name}-{name}",
                    config={"displaylogo": False, "responsive": True},
                    style={"height": f"{height}px"},
                ),
                delay_show=250,
            ),
            download_buttons(page_name, name),
        ],
        className="card wide" if wide else "card",
    )


def grid_card(page_name: str, name: str, title: str, *, wide: bool = True) -> html.Div:
    """A sortable, filterable table (id PAGE-NAME) with its title and download buttons."""
    return html.Div(
        [
            html.H3(title, id=f"{page_name}-{name}-title"),
            dcc.Loading(
                dag.AgGrid(
                    id=f"{page_name}-{name}",
                    columnDefs=[],
                    rowData=[],
                    defaultColDef={"sortable": True, "filter": True, "resizable": True},
                    dashGridOptions={"animateRows": False, "domLayout": "autoHeight"},
                    columnSize="responsiveSizeToFit",
                    className="ag-theme-alpine",
                ),
                delay_show=250,
            ),
            download_buttons(page_name, name),
        ],
        className="card wide" if wide else "card",
    )


def _value_formatter(column: str, dtype: pl.DataType) -> dict[str, str] | None:
    """How a numeric column reads in a table: years plain, shares as %, counts with commas."""
    if column.endswith("year") or column.endswith("_index") or column.endswith("_n"):
        return None
    if column.startswith("share") or column.endswith("_share") or column.endswith("_rate"):
        return {"function": "params.value == null ? '' : (params.value * 100).toFixed(1) + '%'"}
    if dtype.is_integer():
        return {"function": "params.value == null ? '' : params.value.toLocaleString('en-US')"}
    return {
        "function": "params.value == null ? '' : "
        "params.value.toLocaleString('en-US', {maximumFractionDigits: 2})"
    }


def grid_data(frame: pl.DataFrame, lang: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rowData, columnDefs) for an AgGrid: labelled headers, numbers right-aligned, filterable
    and formatted (shares as %, counts with thousands separators); dates as ISO text."""
    defs = []
    for column, dtype in zip(frame.columns, frame.dtypes, strict=True):
        spec: dict[str, Any] = {"field": column, "headerName": column_header(column, lang)}
        if dtype.is_numeric():
            spec.update(filter="agNumberColumnFilter", type="rightAligned")
            formatter = _value_formatter(column, dtype)
            if formatter:
                spec["valueFormatter"] = formatter
        defs.append(spec)
    rows = frame.with_columns(
        pl.col(c).cast(pl.String)
        for c, d in zip(frame.columns, frame.dtypes, strict=True)
        if d.is_temporal() or d.is_decimal()
    ).to_dicts()
    return rows, defs


def kpi(page_name: str, name: str, label: str, value: str, change: str | None) -> html.Div:
    """A headline figure with its label and the change from the previous edition."""
    return html.Div(
        [
            html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value", id=f"{page_name}-kpi-{name}"),
            html.Div(change or "", className="kpi-change"),
        ],
        className="kpi",
    )
