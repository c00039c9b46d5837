"""The sponsor report page: the sponsor comes from the session, never from the request."""

from __future__ import annotations

import io
import json

import pytest
from dash import Dash
from openpyxl import load_workbook

from dashboard.components import filters_id
from tests.dashboard.callbacks import post_callback, signed_in_client
from warehouse import accounts
from warehouse.query import Reader
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("demo_data")
OUTPUTS = [
    ("sponsor-name", "children"),
    ("sponsor-kpis", "children"),
    ("sponsor-daily", "figure"),
    ("sponsor-platforms", "figure"),
    ("sponsor-vs_median", "figure"),
    ("sponsor-programs", "rowData"),
    ("sponsor-programs", "columnDefs"),
    ("sponsor-profile", "rowData"),
    ("sponsor-profile", "columnDefs"),
    ("sponsor-live", "rowData"),
    ("sponsor-live", "columnDefs"),
    ("sponsor-notes", "children"),
    ("sponsor-links", "children"),
]


def _titles(settings: Settings, sponsor_id: str) -> set[str]:
    frame = Reader(settings.home).query("sponsor_report_sponsor", sponsor_id=sponsor_id)
    assert frame.height == 1
    programs = Reader(settings.home).query(
        "reach_sponsor_vs_median", sponsor_id=sponsor_id, start_on=None, end_on=None
    )
    return set(programs["title_zh"].to_list())


def _ask(app: Dash, role: str, sponsor: str | None, status: int = 200) -> dict:
    return post_callback(
        app,
        outputs=OUTPUTS,
        inputs=[(filters_id("sponsor"), "data", {"page": "sponsor", "sponsor": sponsor})],
        role=role,
        expect_status=status,
    )


def test_a_sponsor_asking_for_another_sponsor_gets_only_its_own_programs(
    dash_app: Dash, demo_data: Settings
) -> None:
    own, other = _titles(demo_data, "S01"), _titles(demo_data, "S02")
    assert own and other and not own & other
    body = _ask(dash_app, "sponsor", "S02")["response"]
    assert body["sponsor-name"]["children"] == "极光算力（S01）"
    titles = {row["title_zh"] for row in body["sponsor-programs"]["rowData"]}
    assert titles == own
    text = json.dumps(body, ensure_ascii=False)
    assert not any(title in text for title in other)
    # The report links carry no sponsor for a sponsor account: the server picks its own.
    assert "sponsor=" not in json.dumps(body["sponsor-links"])


def test_an_organizer_may_open_any_sponsors_report(dash_app: Dash, demo_data: Settings) -> None:
    body = _ask(dash_app, "organizer", "S02")["response"]
    assert body["sponsor-name"]["children"] == "星河云（S02）"
    assert {r["title_zh"] for r in body["sponsor-programs"]["rowData"]} == _titles(demo_data, "S02")
    # An unknown sponsor id falls back to the first sponsor rather than erroring.
    assert _ask(dash_app, "organizer", "S99")["response"]["sponsor-name"]["children"].endswith(
        "（S01）"
    )


def test_researchers_and_anonymous_clients_get_no_sponsor_report(dash_app: Dash) -> None:
    _ask(dash_app, "researcher", "S01", status=403)
    _ask(dash_app, None, "S01", status=401)  # type: ignore[arg-type]
    assert signed_in_client(dash_app, "researcher").get("/report/sponsor.xlsx").status_code == 403
    assert dash_app.server.test_client().get("/report/sponsor.html").status_code == 302


def test_estimated_reach_is_labelled_in_the_kpis_and_the_platform_chart(dash_app: Dash) -> None:
    body = _ask(dash_app, "sponsor", None)["response"]
    assert "触达人数（估算）" in json.dumps(body["sponsor-kpis"], ensure_ascii=False)
    names = [trace["name"] for trace in body["sponsor-platforms"]["figure"]["data"]]
    assert "触达（估算）" in names


def test_the_report_files_are_the_sponsors_own_and_audited(
    dash_app: Dash, demo_data: Settings
) -> None:
    client = signed_in_client(dash_app, "sponsor")
    xlsx = client.get("/report/sponsor.xlsx?sponsor=S02")
    assert xlsx.status_code == 200
    assert "S01" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    cells = {
        str(c)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    }
    assert _titles(demo_data, "S01") <= cells
    assert not _titles(demo_data, "S02") & cells
    html_page = client.get("/report/sponsor.html?lang=en").get_data(as_text=True)
    assert "Aurora Compute" in html_page and "Galaxy Cloud" not in html_page
    entry = accounts.audit_entries(demo_data.home, action="report_sponsor", limit=1)[0]
    assert entry["username"] == "t-sponsor" and entry["target"] == "S01"
    assert json.loads(entry["filters"])["format"] == "html"
