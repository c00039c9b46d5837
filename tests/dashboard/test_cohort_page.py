"""The researcher cohort page and its export route: de-identified, audited, researchers and
organizers only."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from dash import Dash
from openpyxl import load_workbook

from dashboard.components import filters_id
from tests.dashboard.callbacks import post_callback, signed_in_client
from warehouse import accounts
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("demo_data")
OUTPUTS = [
    ("cohort-status", "children"),
    ("cohort-links", "children"),
    ("cohort-summary", "rowData"),
    ("cohort-summary", "columnDefs"),
    ("cohort-readme", "rowData"),
    ("cohort-readme", "columnDefs"),
]


def test_a_researcher_previews_the_cohort_and_gets_the_links(dash_app: Dash) -> None:
    body = post_callback(
        dash_app,
        outputs=OUTPUTS,
        inputs=[(filters_id("cohort"), "data", {"page": "cohort", "editions": "2024"})],
        role="researcher",
    )["response"]
    assert "行（参与者 × 届次）" in body["cohort-status"]["children"]
    assert "/export/cohort.xlsx?editions=2024" in str(body["cohort-links"])
    counts = [r for r in body["cohort-summary"]["rowData"]]
    assert counts, "the summary has rows"


def test_a_cohort_with_nobody_in_it_says_so_instead_of_failing(dash_app: Dash) -> None:
    body = post_callback(
        dash_app,
        outputs=OUTPUTS,
        inputs=[(filters_id("cohort"), "data", {"page": "cohort", "editions": "1900"})],
        role="researcher",
    )["response"]
    assert "没有参与者同时符合" in body["cohort-status"]["children"]
    assert body["cohort-links"]["children"] == []
    assert body["cohort-summary"]["rowData"] == []


def test_the_exported_workbook_is_de_identified_and_audited(
    dash_app: Dash, demo_data: Settings
) -> None:
    client = signed_in_client(dash_app, "researcher")
    response = client.get("/export/cohort.xlsx?editions=2025")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames[:2] == ["README", "Data"]
    header = [c for c in next(book["Data"].iter_rows(values_only=True))]
    assert not {"contact", "nickname", "participant_id", "ip"} & {str(h) for h in header}
    entry = accounts.audit_entries(demo_data.home, action="export_cohort", limit=1)[0]
    assert entry["username"] == "t-researcher" and entry["count_rows"] > 0
    csv = client.get("/export/cohort.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")


def test_sponsors_and_anonymous_clients_cannot_export_cohorts(dash_app: Dash) -> None:
    assert signed_in_client(dash_app, "sponsor").get("/export/cohort.xlsx").status_code == 403
    assert dash_app.server.test_client().get("/export/cohort.xlsx").status_code == 302
    post_callback(
        dash_app,
        outputs=OUTPUTS,
        inputs=[(filters_id("cohort"), "data", {"page": "cohort"})],
        role="sponsor",
        expect_status=403,
    )


def _download_summary(client: Any, filters: dict[str, Any]) -> Any:
    """Click the summary grid's CSV button with these page filters, as the browser posts it."""
    button = {"type": "download", "page": "cohort", "dataset": "summary", "fmt": "csv"}
    return client.post(
        "/_dash-update-component",
        json={
            "output": "download.data",
            "outputs": {"id": "download", "property": "data"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [[{"id": filters_id("cohort"), "property": "data", "value": filters}]],
            "changedPropIds": [
                json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"
            ],
        },
    )


def test_downloading_the_summary_of_an_empty_cohort_sends_nothing_instead_of_failing(
    dash_app: Dash, demo_data: Settings
) -> None:
    """The summary grid's download buttons stay on the page when nobody matches."""
    client = signed_in_client(dash_app, "researcher")
    response = _download_summary(client, {"page": "cohort", "editions": "1900"})
    assert response.status_code == 200, response.get_data(as_text=True)[-500:]
    assert "download" not in response.get_json()["response"]  # no_update: nothing is sent
    # A cohort with people in it still downloads.
    response = _download_summary(client, {"page": "cohort", "editions": "2025"})
    assert response.status_code == 200
    assert response.get_json()["response"]["download"]["data"]["filename"].endswith(".csv")
