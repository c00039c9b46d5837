"""Call a Dash callback over HTTP exactly as the browser does (POST /_dash-update-component)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dash import Dash
from flask import g

from tests.dashboard.users import username
from warehouse import accounts
from warehouse.settings import load_settings

Id = str | dict[str, Any]


def _id_text(component_id: Id) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return component_id


def post_callback(
    app: Dash,
    *,
    outputs: list[tuple[Id, str]],
    inputs: list[tuple[Id, str, Any]],
    state: list[tuple[Id, str, Any]] = (),  # type: ignore[assignment]
    role: str | None = "organizer",
    client: Any = None,
    expect_status: int = 200,
) -> dict[str, Any]:
    """POST one callback request as the test account of `role` (None: no session); returns the
    decoded JSON (or {} for another status)."""
    output_text = "...".join(f"{_id_text(i)}.{p}" for i, p in outputs)
    if len(outputs) > 1:
        output_text = f"..{output_text}.."
    payload = {
        "output": output_text,
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{_id_text(i)}.{p}" for i, p, _ in inputs],
    }
    http = client or signed_in_client(app, role)
    response = http.post("/_dash-update-component", json=payload)
    assert response.status_code == expect_status, response.get_data(as_text=True)[-2000:]
    return response.get_json() if response.status_code == 200 else {}


def signed_in_client(app: Dash, role: str | None) -> Any:
    """A Flask test client with the session cookie of `role`'s test account (None: no session)."""
    client = app.server.test_client()
    if role is not None:
        user = accounts.get_user(load_settings().home, username(role))
        with client.session_transaction() as session:
            session["username"] = username(role)
            session["issued_at"] = time.time()
            session["epoch"] = user.session_epoch if user else 0
    return client


@contextmanager
def as_user(app: Dash, role: str) -> Iterator[None]:
    """Run code as if inside a request of `role`'s test account (for direct function calls)."""
    user = accounts.get_user(load_settings().home, username(role))
    assert user is not None, f"no test account for {role}"
    with app.server.test_request_context("/"):
        g.user = user
        yield


def download_as(role: str, page: str, name: str, fmt: str, stores: list[Any]) -> dict[str, Any]:
    """The shell's download payload of a dataset, as `role`'s test account would get it."""
    from dash import get_app

    from dashboard.app import download_payload

    with as_user(get_app(), role):
        return download_payload(page, name, fmt, stores)
