"""Dash app shell. Until the dashboard pages land, one page lists the warehouse's tables."""

from __future__ import annotations

from dash import Dash, html

from dashboard import data
from warehouse.store import WarehouseError


def _table(headers: list[str], rows: list[list[object]], table_id: str) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headers])),
            html.Tbody([html.Tr([html.Td(str(v)) for v in row]) for row in rows]),
        ],
        id=table_id,
        style={"borderCollapse": "collapse", "margin": "1em 0"},
    )


def layout() -> html.Div:
    """Read the current snapshot on every page load, so a newly published load shows at once."""
    try:
        counts = data.table_counts()
        loads = data.loads()
    except WarehouseError as exc:
        return html.Div([html.H1("creatorpulse"), html.P(str(exc), id="warehouse-error")])
    return html.Div(
        [
            html.H1("creatorpulse · 数据仓库概览 / Warehouse overview"),
            html.P(
                f"快照 snapshot: {data.reader().snapshot.name if data.reader().snapshot else '-'}"
            ),
            html.H2("数据表 / Tables"),
            _table(
                ["表 table", "类型 type", "行数 rows"],
                [
                    [r["table_name"], r["table_type"], f"{r['count_rows']:,}"]
                    for r in counts.to_dicts()
                ],
                "tables",
            ),
            html.H2("导入记录 / Loads"),
            _table(
                ["文件 file", "来源 source", "读取 read", "导入 loaded", "拒绝 rejected"],
                [
                    [
                        r["file_name"],
                        r["source"],
                        r["count_rows_read"],
                        r["count_rows_loaded"],
                        r["count_rows_rejected"],
                    ]
                    for r in loads.to_dicts()
                ],
                "loads",
            ),
        ],
        style={"fontFamily": "'Noto Sans CJK SC', sans-serif", "margin": "2em"},
    )


def create_app() -> Dash:
    """Build the Dash app (one per worker process)."""
    app = Dash(__name__, title="creatorpulse")
    app.layout = layout
    return app
