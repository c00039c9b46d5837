"""Every figure the pages render passes plotly's validation.

Figures are built without re-validating each property (`dashboard.theme.figure`, for speed), so
this is where a misspelt property or a wrong value type is caught: each page's render output, on
the demo warehouse, is rebuilt through plotly's validating constructor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import plotly.graph_objects as go
import pytest

from dashboard.pages import attention, overview, participants, retention, segments, sponsor, views

pytestmark = pytest.mark.usefixtures("demo_data", "as_organizer")

RENDERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "overview": overview.render,
    "participants": participants.render,
    "views": views.render,
    "views audience": views.render_audience,
    "retention creators": retention.render_creators,
    "retention audience": retention.render_audience,
    "attention": attention.render,
    "segments": segments.render,
    "sponsor": sponsor.render,
}


def _pruned(value: Any) -> Any:
    """The JSON without empty containers (an empty annotation list reads the same as none)."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ({}, [], ())}
    if isinstance(value, list | tuple):
        return [_pruned(v) for v in value]
    return value


def _figures(output: Any) -> Iterator[go.Figure]:
    if isinstance(output, go.Figure):
        yield output
    elif isinstance(output, list | tuple):
        for item in output:
            yield from _figures(item)


@pytest.mark.parametrize("page", sorted(RENDERS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rendered_figure_passes_plotly_validation(page: str, lang: str) -> None:
    figures = list(_figures(RENDERS[page]({"lang": lang})))
    assert figures, f"{page} rendered no figure"
    for figure in figures:
        as_json = figure.to_plotly_json()
        rebuilt = go.Figure(as_json)  # validates every property; raises on a wrong one
        assert _pruned(rebuilt.to_plotly_json()) == _pruned(as_json)
