"""The overview page: headline figures per edition with the change from the previous one, the
plays timeline around Spring Festival, and its downloads."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
from openpyxl import load_workbook

from dashboard.app import download_payload
from dashboard.components import filters_id
from dashboard.pages import overview
from tests.dashboard.callbacks import as_user, post_callback
from warehouse.query import Reader
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("demo_data")


def _edition(settings: Settings, year: int) -> dict:
    frame = Reader(settings.home).query("overview_editions")
    return frame.filter(pl.col("edition_year") == year).to_dicts()[0]


def test_the_latest_edition_is_shown_by_default_with_its_change_from_the_previous(
    demo_data: Settings,
) -> None:
    cards = {k["name"]: k for k in overview.kpis({"lang": "zh"})}
    latest, previous = _edition(demo_data, 2025), _edition(demo_data, 2024)
    assert cards["participants"]["raw"] == latest["count_participants"]
    assert cards["programs"]["value"] == f"{latest['count_programs']:,}"
    change = (latest["plays"] - previous["plays"]) / previous["plays"] * 100
    assert cards["plays"]["change"] == f"较2024年 {change:+.1f}%"
    assert cards["live_peak"]["raw"] == latest["live_peak_concurrent_viewers"]
    # The return rate is the share of 2024's participants who came back in 2025.
    assert cards["return_rate"]["value"] == f"{latest['share_returned_from_previous'] * 100:.1f}%"


def test_the_first_edition_says_there_is_nothing_to_compare_and_has_no_return_rate() -> None:
    cards = {k["name"]: k for k in overview.kpis({"lang": "en", "edition": "2024"})}
    assert cards["participants"]["change"] == "First edition: nothing to compare"
    assert cards["return_rate"]["value"] == "–"


def test_an_unknown_edition_in_the_url_falls_back_to_the_latest() -> None:
    assert overview.selected_edition({"edition": "1999"}, [2024, 2025]) == 2025
    assert overview.selected_edition({"edition": "x; drop table"}, [2024, 2025]) == 2025


def test_reach_is_labelled_as_partly_estimated_when_any_program_reach_is_estimated() -> None:
    cards = {k["name"]: k for k in overview.kpis({"lang": "zh"})}
    # In the demo only Weibo and YouTube report unique viewers: the rest is estimated.
    assert cards["reach"]["label"] == "触达人数（含估算）"
    assert cards["reach"]["raw"] > 0


def test_the_timeline_has_one_line_per_platform_summing_to_the_windows_plays(
    demo_data: Settings,
) -> None:
    filters = {"lang": "zh", "edition": "2024"}
    frame = overview.timeline(filters)
    fig = overview.timeline_figure(filters)
    assert {tr.name for tr in fig.data} == {
        "哔哩哔哩",
        "抖音",
        "微信视频号",
        "小红书",
        "微博",
        "YouTube",
    }
    assert sum(sum(tr.y) for tr in fig.data) == frame["plays"].sum()
    assert frame["days_from_spring_festival"].min() >= overview.TIMELINE_DAYS[0]
    assert frame["days_from_spring_festival"].max() <= overview.TIMELINE_DAYS[1]
    # Spring Festival 2024 (正月初一) was 10 February: it is marked on the chart.
    assert [a.text for a in fig.layout.annotations] == ["春节"]
    assert str(fig.layout.shapes[0].x0) == "2024-02-10"


def test_the_timeline_follows_the_edition_filter() -> None:
    a = overview.timeline({"edition": "2024"})
    b = overview.timeline({"edition": "2025"})
    assert a["date_on"].max() < b["date_on"].min()


def test_the_render_callback_fills_every_output_in_the_requested_language() -> None:
    cards, fig, rows, defs = overview.render({"lang": "en", "edition": "2024", "page": "overview"})
    assert len(cards) == 7
    assert fig.layout.title.text == "Daily plays around Spring Festival, by platform"
    assert [r["edition_year"] for r in rows] == [2024, 2025]
    assert defs[0]["headerName"] == "Edition"


def test_a_csv_download_is_utf8_with_bom_and_chinese_headers(dash_app) -> None:
    with as_user(dash_app, "organizer"):
        payload = download_payload("overview", "timeline", "csv", [{"page": "overview"}])
    raw = payload["content"]
    body = __import__("base64").b64decode(raw) if payload.get("base64") else raw.encode()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["平台", "日期", "距春节天数", "播放量"]
    assert payload["filename"].endswith(".csv")
    assert len(rows) > 10


def test_an_xlsx_download_reads_back_with_the_tables_figures(tmp_path, demo_data, dash_app) -> None:
    with as_user(dash_app, "organizer"):
        payload = download_payload(
            "overview", "editions", "xlsx", [{"page": "overview", "lang": "en"}]
        )
    path = tmp_path / payload["filename"]
    path.write_bytes(__import__("base64").b64decode(payload["content"]))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Edition", "Participants", "Survey responses")
    assert rows[1][0] == 2024
    assert rows[2][1] == _edition(demo_data, 2025)["count_participants"]
    assert sheet.freeze_panes == "A2"


def test_the_render_callback_answers_over_http_like_the_browser_calls_it(dash_app) -> None:
    body = post_callback(
        dash_app,
        outputs=[
            ("overview-kpis", "children"),
            ("overview-timeline", "figure"),
            ("overview-editions", "rowData"),
            ("overview-editions", "columnDefs"),
        ],
        inputs=[(filters_id("overview"), "data", {"page": "overview", "edition": "2024"})],
    )
    figure = body["response"]["overview-timeline"]["figure"]
    assert figure["layout"]["title"]["text"] == "春节前后的每日播放量（按平台）"
    assert len(figure["data"]) == 6


def test_every_dropdown_draws_its_own_texts_in_the_page_language() -> None:
    from dash import dcc

    def dropdowns(component) -> list:
        found = [component] if isinstance(component, dcc.Dropdown) else []
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                found += dropdowns(child)
        return found

    zh = dropdowns(overview.layout(lang="zh"))
    en = dropdowns(overview.layout(lang="en"))
    assert zh and zh[0].labels["search"] == "搜索"
    assert en[0].labels["selected_count"] == "{num_selected} selected"


def test_tables_draw_their_filter_menus_in_chinese_on_a_chinese_page() -> None:
    import dash_ag_grid as dag

    def grids(component) -> list:
        found = [component] if isinstance(component, dag.AgGrid) else []
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                found += grids(child)
        return found

    zh = grids(overview.layout(lang="zh"))
    assert zh and zh[0].dashGridOptions["localeText"]["contains"] == "包含"
    assert "localeText" not in grids(overview.layout(lang="en"))[0].dashGridOptions
