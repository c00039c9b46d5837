"""Who may call what, checked over HTTP the way any client could: deny by default, every
registered callback and download against every role, sessions that end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from dash import Dash

from dashboard import auth
from dashboard.app import _registered_ids
from tests.dashboard.callbacks import signed_in_client
from tests.dashboard.users import PASSWORD, username
from warehouse import accounts
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("demo_data")
ROLES = ("organizer", "researcher", "sponsor", None)


def _request_for(callback: dict[str, Any]) -> dict[str, Any]:
    """A well-formed request for a registered callback, every input empty."""

    def item(spec: dict[str, Any]) -> Any:
        wildcard = spec["id"].startswith("{") and '["ALL"]' in spec["id"]
        if wildcard:
            return []
        component = json.loads(spec["id"]) if spec["id"].startswith("{") else spec["id"]
        return {"id": component, "property": spec["property"], "value": None}

    outputs: list[Any] = []
    for component, prop in zip(
        auth.output_ids(callback["output"]), _output_props(callback["output"]), strict=True
    ):
        if isinstance(component, dict) and "ALL" in json.dumps(component):
            # The shell's wildcard outputs are the language buttons: both are always there.
            outputs.append(
                [{"id": {"lang": code, "type": "lang"}, "property": prop} for code in ("zh", "en")]
            )
        else:
            outputs.append({"id": component, "property": prop})
    return {
        "output": callback["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [item(s) for s in callback["inputs"]],
        "state": [item(s) for s in callback["state"]],
        "changedPropIds": [],
    }


def _output_props(output: str) -> list[str]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [part.rpartition(".")[2] for part in parts]


def _callbacks(app: Dash) -> list[dict[str, Any]]:
    app.server.test_client().get("/login")  # the first request registers every callback
    # Clientside callbacks (the page title) run in the browser: no server route to call.
    return [c for c in app._callback_list if not c.get("clientside_function")]


def test_without_a_session_every_route_is_refused(dash_app: Dash) -> None:
    client = dash_app.server.test_client()
    for path in ("/", "/participants", "/assets/style.css", "/_dash-dependencies"):
        response = client.get(path)
        assert response.status_code in (302, 401), path
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")
    assert client.get("/_dash-layout").status_code == 401
    for callback in _callbacks(dash_app):
        response = client.post("/_dash-update-component", json=_request_for(callback))
        assert response.status_code == 401, callback["output"]
    assert client.get("/login").status_code == 200


@pytest.mark.parametrize("role", ROLES[:-1])
def test_every_callback_answers_exactly_the_roles_its_page_allows(
    dash_app: Dash, role: str
) -> None:
    client = signed_in_client(dash_app, role)
    user = accounts.User(username(role), role, None, True)  # type: ignore[arg-type]
    checked = 0
    for callback in _callbacks(dash_app):
        pages = auth.callback_pages(
            {"output": callback["output"]}, lambda o: _registered_ids(dash_app, o)
        )
        response = client.post("/_dash-update-component", json=_request_for(callback))
        if all(auth.allowed(p, user) for p in pages):
            # Answered (even with every input empty), not refused and not a server error.
            assert response.status_code in (200, 204), (
                role,
                callback["output"],
                response.status_code,
            )
        else:
            assert response.status_code == 403, (role, callback["output"])
            checked += 1
    if role != "organizer":
        assert checked > 0  # some page is out of bounds for every role but the organizer


@pytest.mark.parametrize("role", ROLES[:-1])
def test_the_shells_callbacks_answer_every_signed_in_role(dash_app: Dash, role: str) -> None:
    shell = [
        c
        for c in _callbacks(dash_app)
        if not auth.callback_pages({"output": c["output"]}, lambda o: _registered_ids(dash_app, o))
    ]
    assert {auth.output_ids(c["output"])[0] for c in shell} == {
        "nav",
        "_pages_location",
        "download",
        "_pages_content",
    }
    client = signed_in_client(dash_app, role)
    for callback in shell:
        response = client.post("/_dash-update-component", json=_request_for(callback))
        assert response.status_code in (200, 204), (role, callback["output"], response.status_code)


def test_a_request_cannot_pick_a_callback_by_claiming_other_outputs(dash_app: Dash) -> None:
    request = {
        "output": "..overview-kpis.children...overview-timeline.figure"
        "...overview-editions.rowData...overview-editions.columnDefs..",
        "outputs": [{"id": "nav", "property": "children"}] * 4,
        "inputs": [
            {
                "id": {"type": "page-filters", "page": "overview"},
                "property": "data",
                "value": {"page": "overview"},
            }
        ],
        "changedPropIds": [],
    }
    client = signed_in_client(dash_app, "sponsor")
    assert client.post("/_dash-update-component", json=request).status_code == 403


@pytest.mark.parametrize(
    ("role", "page", "dataset", "status"),
    [
        ("researcher", "overview", "editions", 403),
        ("sponsor", "overview", "timeline", 403),
        ("organizer", "overview", "timeline", 200),
    ],
)
def test_downloads_follow_the_page_rules_and_are_audited(
    dash_app: Dash, demo_data: Settings, role: str, page: str, dataset: str, status: int
) -> None:
    button = {"type": "download", "page": page, "dataset": dataset, "fmt": "csv"}
    request = {
        "output": "download.data",
        "outputs": {"id": "download", "property": "data"},
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [
            [
                {
                    "id": {"type": "page-filters", "page": page},
                    "property": "data",
                    "value": {"page": page},
                }
            ]
        ],
        "changedPropIds": [json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"],
    }
    client = signed_in_client(dash_app, role)
    response = client.post("/_dash-update-component", json=request)
    assert response.status_code == status
    if status == 200:
        entry = accounts.audit_entries(demo_data.home, action="download", limit=1)[0]
        assert entry["username"] == username(role)
        assert entry["target"] == f"{page}/{dataset}.csv" and entry["count_rows"] > 0


def test_signing_in_is_audited_and_a_wrong_password_is_refused(
    dash_app: Dash, demo_data: Settings
) -> None:
    client = dash_app.server.test_client()
    bad = client.post("/login", data={"username": username("researcher"), "password": "nope"})
    assert bad.status_code == 200 and "用户名或密码错误" in bad.get_data(as_text=True)
    assert client.get("/participants").status_code == 302
    good = client.post(
        "/login?next=/attention", data={"username": username("researcher"), "password": PASSWORD}
    )
    assert good.status_code == 303 and good.headers["Location"] == "/attention"
    assert client.get("/_dash-layout").status_code == 200
    actions = [e["action"] for e in accounts.audit_entries(demo_data.home, limit=2)]
    assert actions == ["sign_in", "sign_in_failed"]
    assert PASSWORD not in json.dumps(accounts.audit_entries(demo_data.home, limit=50))


def test_sign_in_never_redirects_off_site(dash_app: Dash) -> None:
    client = dash_app.server.test_client()
    response = client.post(
        "/login?next=//evil.example/x",
        data={"username": username("sponsor"), "password": PASSWORD},
    )
    assert response.headers["Location"] == "/sponsor"


def test_signing_out_or_being_disabled_ends_the_session(
    dash_app: Dash, demo_data: Settings
) -> None:
    client = signed_in_client(dash_app, "organizer")
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/logout").status_code == 200  # a GET only shows the button
    assert client.get("/_dash-layout").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/_dash-layout").status_code == 401

    client = signed_in_client(dash_app, "sponsor2")
    assert client.get("/_dash-layout").status_code == 200
    accounts.set_active(demo_data.home, username("sponsor2"), False)
    try:
        assert client.get("/_dash-layout").status_code == 401
    finally:
        accounts.set_active(demo_data.home, username("sponsor2"), True)


def test_an_expired_session_is_refused(dash_app: Dash) -> None:
    client = dash_app.server.test_client()
    with client.session_transaction() as session:
        session["username"] = username("organizer")
        session["issued_at"] = 0  # 1970: long expired
    assert client.get("/_dash-layout").status_code == 401


def test_a_page_the_role_may_not_open_renders_only_a_refusal(dash_app: Dash) -> None:
    request = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    body = (
        signed_in_client(dash_app, "researcher")
        .post("/_dash-update-component", json=request)
        .get_json()
    )
    text = json.dumps(body, ensure_ascii=False)
    assert "无权查看" in text and "overview-kpis" not in text
    organizer = (
        signed_in_client(dash_app, "organizer")
        .post("/_dash-update-component", json=request)
        .get_json()
    )
    assert "overview-kpis" in json.dumps(organizer)
