"""Contacts: masked for organizers, a reveal is logged, nobody else gets anything."""

from __future__ import annotations

import json

import pytest
from dash import Dash

from dashboard.components import filters_id
from dashboard.pages.contacts import MOST_ROWS, PAGE_ROWS, mask
from tests.dashboard.callbacks import post_callback, signed_in_client
from warehouse import accounts
from warehouse.query import Reader
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("demo_data")
LAYOUT = {
    "output": ".._pages_content.children..._pages_store.data..",
    "outputs": [
        {"id": "_pages_content", "property": "children"},
        {"id": "_pages_store", "property": "data"},
    ],
    "inputs": [
        {"id": "_pages_location", "property": "pathname", "value": "/contacts"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ],
    "changedPropIds": ["_pages_location.pathname"],
}


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张伟", "张**"),
        ("13812345678", "138****5678"),
        ("wang@example.com", "w***@example.com"),
        ("wx_abc", "w*****"),
        (None, None),
        ("", None),
        ("a", "a**"),
        ("欧阳娜娜", "欧***"),
        ("123456", "1*****"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("+8613812345678", "+*************"),
        ("@example.com", "***@example.com"),
        ("a@b@example.com", "a***@b@example.com"),
        ("王小明@163.com", "王***@163.com"),
        ("first\nsecond@x.cn", "f***@x.cn"),
    ],
)
def test_values_are_masked_beyond_use(value: str | None, masked: str | None) -> None:
    assert mask(value) == masked


def _contacts(settings: Settings) -> list[dict]:
    return (
        Reader(settings.home)
        .query("pii_contacts", participant_id=None, first_row=None, row_count=None)
        .to_dicts()
    )


def test_the_organizers_list_carries_no_contact_in_clear(
    dash_app: Dash, demo_data: Settings
) -> None:
    body = signed_in_client(dash_app, "organizer").post("/_dash-update-component", json=LAYOUT)
    text = json.dumps(body.get_json(), ensure_ascii=False)
    contacts = _contacts(demo_data)
    assert "contacts-list" in text
    clear = {c[k] for c in contacts for k in ("name_text", "phone", "wechat", "email") if c[k]}
    assert len(clear) > 100
    assert not [v for v in clear if f'"{v}"' in text]


def test_a_reveal_shows_one_participants_contacts_and_is_logged(
    dash_app: Dash, demo_data: Settings
) -> None:
    person = next(c for c in _contacts(demo_data) if c["name_text"])
    body = post_callback(
        dash_app,
        outputs=[("contacts-revealed", "children")],
        inputs=[("contacts-reveal", "n_clicks", 1)],
        state=[
            ("contacts-list", "selectedRows", [{"participant_id": person["participant_id"]}]),
            (filters_id("contacts"), "data", {"page": "contacts"}),
        ],
        role="organizer",
    )
    shown = json.dumps(body, ensure_ascii=False)
    assert person["name_text"] in shown and "已记入审计日志（t-organizer" in shown
    entry = accounts.audit_entries(demo_data.home, action="pii_reveal", limit=1)[0]
    assert entry["target"] == person["participant_id"] and entry["username"] == "t-organizer"


@pytest.mark.parametrize("role", ["researcher", "sponsor"])
def test_nobody_but_organizers_can_reveal_or_list(dash_app: Dash, role: str) -> None:
    post_callback(
        dash_app,
        outputs=[("contacts-revealed", "children")],
        inputs=[("contacts-reveal", "n_clicks", 1)],
        state=[("contacts-list", "selectedRows", [{"participant_id": "x"}])],
        role=role,
        expect_status=403,
    )
    body = signed_in_client(dash_app, role).post("/_dash-update-component", json=LAYOUT)
    assert "contacts-list" not in body.get_data(as_text=True)


def _rows(dash_app: Dash, request: dict, role: str = "organizer", status: int = 200) -> dict:
    body = post_callback(
        dash_app,
        outputs=[("contacts-list", "getRowsResponse")],
        inputs=[("contacts-list", "getRowsRequest", request)],
        state=[(filters_id("contacts"), "data", {"page": "contacts", "lang": "zh"})],
        role=role,
        expect_status=status,
    )
    return body.get("response", {}).get("contacts-list", {}).get("getRowsResponse", {})


def _all_rows(dash_app: Dash, request: dict) -> dict:
    """Every row of a sorted/filtered list, asked for a block at a time as the grid does."""
    rows: list[dict] = []
    while True:
        block = _rows(dash_app, request | {"startRow": len(rows), "endRow": len(rows) + 100})
        rows += block["rowData"]
        if len(rows) >= block["rowCount"] or not block["rowData"]:
            return {"rowData": rows, "rowCount": block["rowCount"]}


def test_a_request_gets_at_most_a_few_pages_and_odd_positions_read_as_defaults(
    dash_app: Dash, demo_data: Settings
) -> None:
    contacts = _contacts(demo_data)
    assert len(contacts) > MOST_ROWS
    whole = _rows(dash_app, {"startRow": 0, "endRow": 10**9})
    assert whole["rowCount"] == len(contacts) and len(whole["rowData"]) == MOST_ROWS
    sorted_whole = _rows(
        dash_app, {"startRow": 5, "endRow": 10**9, "sortModel": [{"colId": "phone", "sort": "asc"}]}
    )
    assert len(sorted_whole["rowData"]) == MOST_ROWS
    odd = _rows(dash_app, {"startRow": "x", "endRow": [1], "sortModel": []})
    assert [r["participant_id"] for r in odd["rowData"]] == [
        c["participant_id"] for c in contacts[:PAGE_ROWS]
    ]
    far = _rows(dash_app, {"startRow": 10**30, "endRow": -4})
    assert far["rowData"] == [] and far["rowCount"] == len(contacts)


def test_the_list_is_served_a_page_at_a_time_masked_with_the_total(
    dash_app: Dash, demo_data: Settings
) -> None:
    contacts = _contacts(demo_data)
    first = _rows(dash_app, {"startRow": 0, "endRow": 20})
    second = _rows(dash_app, {"startRow": 20, "endRow": 40})
    assert first["rowCount"] == second["rowCount"] == len(contacts)
    assert len(first["rowData"]) == len(second["rowData"]) == 20
    ids = [r["participant_id"] for r in first["rowData"] + second["rowData"]]
    assert ids == [c["participant_id"] for c in contacts[:40]]  # the list's order, page by page
    last = _rows(dash_app, {"startRow": len(contacts) - 3, "endRow": len(contacts) + 17})
    assert [r["participant_id"] for r in last["rowData"]] == [
        c["participant_id"] for c in contacts[-3:]
    ]
    by_id = {c["participant_id"]: c for c in contacts}
    for row in first["rowData"]:
        person = by_id[row["participant_id"]]
        assert row["phone"] == mask(person["phone"]) and row["name_text"] == mask(
            person["name_text"]
        )
    shown = {v for r in first["rowData"] + second["rowData"] for v in r.values()}
    clear = {
        by_id[r["participant_id"]][k]
        for r in first["rowData"] + second["rowData"]
        for k in ("name_text", "phone", "wechat", "email")
    } - {None}
    assert clear and not clear & shown


def test_the_list_sorts_and_filters_on_the_server(dash_app: Dash, demo_data: Settings) -> None:
    contacts = _contacts(demo_data)
    city = next(c["city_zh"] for c in contacts if c["city_zh"])
    in_city = [c for c in contacts if c["city_zh"] and city in c["city_zh"]]
    filtered = _all_rows(
        dash_app,
        {
            "filterModel": {"city_zh": {"filterType": "text", "type": "contains", "filter": city}},
            "sortModel": [{"colId": "participant_id", "sort": "desc"}],
        },
    )
    assert filtered["rowCount"] == len(in_city) < len(contacts)
    ids = [r["participant_id"] for r in filtered["rowData"]]
    assert ids == sorted((c["participant_id"] for c in in_city), reverse=True)


def test_sorting_and_filtering_see_only_the_masked_values(
    dash_app: Dash, demo_data: Settings
) -> None:
    """A filter on the hidden digits of a phone number finds nobody (it would let anyone probe
    them), and a sort by phone orders what is shown, not the numbers behind it."""
    contacts = _contacts(demo_data)
    phones = [
        c
        for c in contacts
        if c["phone"] and len(c["phone"]) >= 11 and c["phone"][3:7] not in mask(c["phone"])
    ]
    assert phones
    hidden = phones[0]["phone"][3:7]
    probe = _all_rows(
        dash_app,
        {
            "filterModel": {"phone": {"filterType": "text", "type": "contains", "filter": hidden}},
        },
    )
    assert all(hidden in r["phone"] for r in probe["rowData"])  # matched on what is shown
    assert phones[0]["participant_id"] not in {r["participant_id"] for r in probe["rowData"]}
    by_phone = _all_rows(dash_app, {"sortModel": [{"colId": "phone", "sort": "asc"}]})
    shown = [r["phone"] for r in by_phone["rowData"] if r["phone"] is not None]
    assert shown == sorted(mask(c["phone"]) for c in contacts if mask(c["phone"]) is not None)
    assert by_phone["rowCount"] == len(contacts)


@pytest.mark.parametrize("role", ["researcher", "sponsor"])
def test_nobody_but_organizers_gets_a_page_of_the_list(dash_app: Dash, role: str) -> None:
    assert _rows(dash_app, {"startRow": 0, "endRow": 20}, role=role, status=403) == {}
