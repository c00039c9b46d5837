"""Call a Dash callback over HTTP exactly as the browser does (POST /_dash-update-component)."""

from __future__ import annotations

import json
from typing import Any

from dash import Dash

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
    client: Any = None,
    expect_status: int = 200,
) -> dict[str, Any]:
    """POST one callback request; returns the decoded JSON (or {} for a 204)."""
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
    http = client or app.server.test_client()
    response = http.post("/_dash-update-component", json=payload)
    assert response.status_code == expect_status, response.get_data(as_text=True)[-2000:]
    return response.get_json() if response.status_code == 200 else {}
