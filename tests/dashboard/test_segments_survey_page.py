"""The segments page for a survey that is not the gala's: the rule builder offers that survey's
questions and options, the lift and the clusters are described in its terms, names come from the
data, and the gala's callbacks leave that page alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dash_ag_grid as dag
import plotly.graph_objects as go
import pytest
from dash import Dash, dcc

from dashboard import components, data
from dashboard.pages import segments
from tests.dashboard.callbacks import as_user, post_callback
from tests.dashboard.world_survey import SURVEY_ID

GALA_TEXTS = ("AI春晚", "城市等级", "AI创作经验", "参与动机", "每周创作时间")


@pytest.fixture
def world(
    dash_app: Dash, world_segments_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The dashboard reading the world warehouse, as the organizer."""
    monkeypatch.setenv("CREATORPULSE_HOME", str(world_segments_home))
    data.clear_cache()
    with as_user(dash_app, "organizer"):
        yield world_segments_home
    data.clear_cache()


def _components(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            if child is not None:
                yield from _components(child)
    elif children is not None and not isinstance(children, str):
        yield from _components(children)


def _dropdowns(layout: object) -> dict[str, dcc.Dropdown]:
    return {
        d.id["key"] if isinstance(d.id, dict) else d.id: d
        for d in _components(layout)
        if isinstance(d, dcc.Dropdown)
    }


def _texts(layout: object) -> str:
    parts = [
        c.children for c in _components(layout) if isinstance(getattr(c, "children", None), str)
    ]
    for graph in _components(layout):
        if isinstance(graph, dcc.Graph) and graph.figure is not None:
            fig = go.Figure(graph.figure)
            parts.append(fig.layout.title.text or "")
            for trace in fig.data:
                parts.extend(str(x) for x in (getattr(trace, "x", None) or ()))
    return "\n".join(parts)


def _grid(layout: object, grid_id: str) -> dag.AgGrid:
    return next(g for g in _components(layout) if isinstance(g, dag.AgGrid) and g.id == grid_id)


def test_the_builder_offers_the_surveys_questions_and_options(world: Path) -> None:
    page = segments.layout(lang="zh", survey=SURVEY_ID, a_q_gender="female", dim="q_tools")
    dropdowns = _dropdowns(page)
    assert dropdowns["survey"].value == SURVEY_ID
    labels = {
        key: [o["label"] for o in d.options] for key, d in dropdowns.items() if key.startswith("a_")
    }
    assert set(labels) == {
        "a_edition",
        "a_q_country",
        "a_q_age",
        "a_q_edu",
        "a_q_gender",
        "a_q_tools",
        "a_q_rank",
    }
    assert labels["a_q_tools"] == ["Midjourney", "Sora", "ComfyUI", "可灵"]
    assert labels["a_q_edu"] == ["本科", "硕士", "博士"]
    assert "德国" in labels["a_q_country"] and "美国" in labels["a_q_country"]
    assert labels["a_edition"] == ["2024年", "2023年"]  # waves named by their year, not the gala's
    assert dropdowns["a_q_gender"].value == ["female"]
    text = _texts(page)
    assert "全球AI创作者调查：84 份回答" in text
    assert "分群 A · 女" in text
    assert "分群画像：提升度 · 您用过哪些工具" in text
    assert not [g for g in GALA_TEXTS if g in text], text


def test_the_clusters_are_described_in_the_surveys_terms(world: Path) -> None:
    page = segments.layout(lang="en", survey=SURVEY_ID, cl_dim="q_country")
    text = _texts(page)
    assert "Clustered on: Country you live in, Your age, Highest education, Your gender" in text
    assert "Cluster profiles · Country you live in" in text
    clusters = _grid(page, "segments-clusters").rowData
    assert clusters and sum(int(r["count_label"]) for r in clusters) == 84
    words = " ".join(r["cluster_description"] for r in clusters)
    assert not [g for g in ("city", "tier", "income", "Kling / Jimeng") if g in words], words
    profile = _grid(page, "segments-profile").rowData
    assert {r["question_text"] for r in profile} >= {"Country you live in", "Tools you have used"}
    assert not [g for g in GALA_TEXTS if g in text]


def test_the_gala_callbacks_leave_another_surveys_page_alone(dash_app: Dash, world: Path) -> None:
    store = components.filters_id(segments.PAGE)
    response = post_callback(
        dash_app,
        outputs=[
            (f"{segments.PAGE}-run", "children"),
            (f"{segments.PAGE}-clusters", "rowData"),
            (f"{segments.PAGE}-clusters", "columnDefs"),
            (f"{segments.PAGE}-cluster_profile", "figure"),
        ],
        inputs=[(store, "data", {"survey": SURVEY_ID, "lang": "zh", "page": segments.PAGE})],
        expect_status=204,
    )
    assert response == {}
    # The gala's own page is drawn as before, with the survey selector added in front.
    gala = segments.layout(lang="zh")
    dropdowns = _dropdowns(gala)
    assert dropdowns["survey"].value == "aigala-participant"
    assert {"a_age", "a_role", "a_city", "dim", "cl_dim"} <= set(dropdowns)
    ran = post_callback(
        dash_app,
        outputs=[
            (f"{segments.PAGE}-run", "children"),
            (f"{segments.PAGE}-clusters", "rowData"),
            (f"{segments.PAGE}-clusters", "columnDefs"),
            (f"{segments.PAGE}-cluster_profile", "figure"),
        ],
        inputs=[
            (store, "data", {"survey": "aigala-participant", "lang": "zh", "page": segments.PAGE})
        ],
    )
    # The gala has no clustering run in this warehouse: the world survey's run is not shown as its.
    assert "还没有聚类结果" in ran["response"][f"{segments.PAGE}-run"]["children"]
