"""The participants page for a survey that is not the gala's: its own questions (demographics
first), names from the data, a world map for countries, a cross-tab of any two questions, and the
gala's page unchanged beside it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest
from dash import Dash, dcc

from dashboard import charts_survey, data, survey_page
from dashboard.pages import participants
from tests.dashboard.callbacks import as_user
from tests.dashboard.users import ensure_test_users
from tests.dashboard.world_survey import SURVEY_ID, add_world_survey
from warehouse import parts, store
from warehouse.settings import Settings

GALA_TEXTS = ("AI创作经验", "每周投入AI创作的时间", "使用过的AI工具", "参与动机", "AI春晚")


@pytest.fixture(scope="module")
def world_home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse plus the world survey (a home of its own; the demo stays read-only)."""
    home = add_world_survey(demo_settings.home, tmp_path_factory.mktemp("world") / "home")
    ensure_test_users(home)
    return home


@pytest.fixture
def world(dash_app: Dash, world_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The dashboard reading the world warehouse, as the organizer."""
    monkeypatch.setenv("CREATORPULSE_HOME", str(world_home))
    data.clear_cache()
    with as_user(dash_app, "organizer"):
        yield world_home
    data.clear_cache()


def _sql(home: Path, sql: str, params: list) -> pl.DataFrame:
    con = parts.connect(store.current_snapshot(home), read_only=True)
    try:
        return con.sql(sql, params=params).pl()
    finally:
        con.close()


def _components(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from _components(child)
    elif children is not None and not isinstance(children, str):
        yield from _components(children)


def _graphs(layout: object) -> dict[str, go.Figure]:
    return {
        g.id: go.Figure(g.figure)
        for g in _components(layout)
        if isinstance(g, dcc.Graph) and g.figure is not None
    }


def _text(layout: object) -> str:
    parts = []
    for node in _components(layout):
        children = getattr(node, "children", None)
        if isinstance(children, str):
            parts.append(children)
    for fig in _graphs(layout).values():
        parts.append(fig.layout.title.text or "")
        for trace in fig.data:
            parts.extend(str(x) for x in (getattr(trace, "x", None) or ()))
    return "\n".join(parts)


def test_the_survey_selector_names_surveys_and_waves_from_the_data(world: Path) -> None:
    frame = survey_page.waves()
    assert survey_page.surveys(frame, "zh")[:2] == [
        ("aigala-participant", "AI春晚共创者调研"),
        (SURVEY_ID, "全球AI创作者调查"),
    ]
    assert survey_page.wave_years(frame, SURVEY_ID) == [2024, 2023]
    layout = participants.layout(lang="zh", survey=SURVEY_ID)
    summary = next(
        n for n in _components(layout) if getattr(n, "id", None) == "participants-summary"
    )
    assert summary.children == "全球AI创作者调查（2024年）：38 位受访者"
    assert "AI春晚" not in _text(layout)


def test_another_survey_shows_its_own_questions_demographics_first_and_none_of_the_gala(
    world: Path,
) -> None:
    layout = participants.layout(lang="zh", survey=SURVEY_ID, edition="2023")
    graphs = _graphs(layout)
    questions = [
        g.removeprefix("participants-q-") for g in graphs if g.startswith("participants-q-")
    ]
    # Demographics (country, age, education, gender) first, then questionnaire order; the free
    # text question is not charted.
    assert questions == ["q_country", "q_age", "q_edu", "q_gender", "q_tools", "q_sat", "q_rank"]
    text = _text(layout)
    assert not [g for g in GALA_TEXTS if g in text]
    edu = graphs["participants-q-q_edu"]
    assert edu.layout.title.text == "您的最高学历"
    assert list(edu.data[0].x) == ["本科", "硕士", "博士"]
    assert sum(edu.data[0].y) == 46
    tools = graphs["participants-q-q_tools"]
    assert tools.layout.title.text == "您用过哪些工具（多选）"
    assert sum(tools.data[0].y) > 46  # a person counts under each tool chosen
    rank = graphs["participants-q-q_rank"]
    assert sum(rank.data[0].y) == 46  # one first choice each
    rating = graphs["participants-q-q_sat"]
    assert list(rating.data[0].x) == ["2", "3", "4", "5"]
    assert rating.layout.annotations[0].text.startswith("平均分 ")


def test_a_country_question_draws_a_world_map_from_iso3_codes_offline(world: Path) -> None:
    layout = participants.layout(lang="en", survey=SURVEY_ID, edition="2023")
    world_graph = next(
        g for g in _components(layout) if isinstance(g, dcc.Graph) and g.id == "participants-world"
    )
    assert world_graph.config["topojsonURL"].endswith("/assets/topojson/")
    assert (
        Path(charts_survey.__file__).parent / "assets" / "topojson" / "world_110m.json"
    ).exists()
    fig = go.Figure(world_graph.figure)
    (choropleth,) = fig.data
    assert choropleth.type == "choropleth" and choropleth.locationmode == "ISO-3"
    counts = dict(zip(choropleth.locations, choropleth.z, strict=True))
    assert set(counts) <= {"DEU", "USA", "JPN", "FRA", "BRA"} and {"DEU", "USA"} <= set(counts)
    assert fig.layout.geo.scope == "world"
    assert "Germany" in list(choropleth.text)
    assert "overseas" not in _text(layout).lower()


def test_the_crosstab_pairs_any_two_questions_chosen_in_the_dropdowns(world: Path) -> None:
    filters = {
        "lang": "zh",
        "survey": SURVEY_ID,
        "edition": "2024",
        "xrow": "q_edu",
        "xcol": "q_gender",
    }
    frame = survey_page.selected_crosstab(filters)
    assert frame["row_label"].unique(maintain_order=True).to_list() == ["本科", "硕士", "博士"]
    genders = frame["col_label"].unique(maintain_order=True).to_list()
    assert genders == [g for g in ("男", "女", "其他") if g in genders] and len(genders) >= 2
    respondents = survey_page.load_wave(SURVEY_ID, 2024).respondents
    shown = frame.filter(pl.col("count_participants").is_not_null())
    assert shown["count_participants"].min() >= 5
    assert frame.filter(pl.col("count_participants").is_null())["cell_text"].unique().to_list() == [
        "<5"
    ]
    assert frame.height == 3 * len(genders) and respondents.height == 38
    # Shown cells are the exact counts, read independently from the warehouse.
    exact = _sql(
        world,
        "select e.answer_text as edu, r.gender, count(*) as n from fct_survey_response r"
        " join fct_survey_answer e on e.response_id = r.response_id and e.question_id = 'q_edu'"
        " where r.questionnaire_id = ? and r.edition_year = 2024 group by all",
        [SURVEY_ID],
    )
    truth = {(r["edu"], r["gender"]): r["n"] for r in exact.to_dicts()}
    for r in shown.to_dicts():
        assert r["count_participants"] == truth[(r["row_key"], r["col_key"])]
    layout = participants.layout(**{**filters, "lang": "en"})
    heat = _graphs(layout)["participants-crosstab"]
    assert heat.layout.title.text == "Cross-tab: Highest education × Your gender"


def test_the_gala_page_keeps_its_charts_and_gains_only_the_survey_selector(world: Path) -> None:
    layout = participants.layout(lang="zh")
    ids = [getattr(n, "id", None) for n in _components(layout)]
    assert {"type": "filter", "page": "participants", "key": "survey"} in ids
    assert "participants-experience" in ids and "participants-q-q_edu" not in ids
    # Its population is the gala's respondents only.
    assert participants.population()["questionnaire_id"].unique().to_list() == [
        "aigala-participant"
    ]
    assert participants.summary({"lang": "zh"}).endswith("（第二届AI春晚共 450 人）")
