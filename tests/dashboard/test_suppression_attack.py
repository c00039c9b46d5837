"""Issue 15 finding 3: no cell the participants page hides from a researcher can be worked out
from what it shows. An attacker (tests/dashboard/attacker.py) takes every view of the page under
every filter of the demo (each edition, with no filter and with each single filter value), writes
the sums they imply — distribution cells add up to the match count, shares reveal their
denominator, cross-tab rows and columns add up to the distributions and the map beside them — and
solves for each hidden cell. The same for every wave and every pair of cross-tab questions of a
survey that is not the gala's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dash import Dash

from dashboard import data, survey_page
from dashboard.pages import participants
from tests.dashboard.attacker import Attack
from tests.dashboard.callbacks import as_user
from tests.dashboard.users import ensure_test_users
from tests.dashboard.world_survey import SURVEY_ID, add_world_survey
from warehouse.privacy import (
    DEFAULT_K,
    NOISE_MAX,
    Sum,
    complementary_suppression,
    determined_cells,
    protect_crosstab,
    protect_distribution,
)
from warehouse.settings import Settings

SINGLE = ("age_band", "gender", "role", "experience_band", "hours_per_week", "income")
MULTI = ("tools", "motivations")


# -- the algorithm on its own ----------------------------------------------------------------------
def test_one_small_cell_in_a_line_takes_the_next_smallest_with_it() -> None:
    # The case: 男 7, 女 5, 其他 1 of 13 people; hiding 其他 alone, 13 - 7 - 5 = 1.
    assert protect_distribution([7, 5, 1], adds_up=True) == {1, 2}
    # Two small cells already hide each other; a multi-select has no sum to protect.
    assert protect_distribution([30, 3, 2], adds_up=True) == {1, 2}
    assert protect_distribution([30, 3, 12], adds_up=False) == {1}
    # Two zeros alone would be pinned by non-negativity (they must both be 0).
    assert protect_distribution([40, 0, 0, 9], adds_up=True) == {1, 2, 3}


def test_a_crosstab_hides_a_rectangle_rather_than_whole_rows() -> None:
    grid = [[10, 2, 30], [12, 15, 3], [20, 20, 20]]
    margins_r = [sum(r) for r in grid]
    margins_c = [sum(c) for c in zip(*grid, strict=True)]
    hidden = protect_crosstab(grid, row_margins=margins_r, col_margins=margins_c)
    assert hidden == {(0, 1), (0, 2), (1, 1), (1, 2)}
    attack = Attack()
    for r, row in enumerate(grid):
        attack.add_sum(
            [attack.cell((r, c), None if (r, c) in hidden else v) for c, v in enumerate(row)],
            margins_r[r],
        )
    for c in range(3):
        attack.add_sum([(r, c) for r in range(3)], margins_c[c])
    assert attack.recovered() == {}


def test_determined_cells_sees_subtraction_and_zero_sums() -> None:
    values = [7, 5, 1, 13]
    line = [Sum((0, 1, 2), 3)]
    assert determined_cells(values, {2}, line) == {2}
    assert determined_cells(values, {1, 2}, line) == set()
    assert determined_cells([9, 0, 0, 9], {1, 2}, line) == {1, 2}
    assert complementary_suppression([9, 0, 0, 9], line, candidates=range(3)) == {0, 1, 2}


def test_the_attacker_recovers_what_primary_suppression_alone_gives_away() -> None:
    # The page: 男 7 (share 0.538), 女 5, 其他 hidden; 7 / 0.538 = 13 people.
    attack = Attack()
    attack.view([("male", 7, 7 / 13), ("female", 5, 5 / 13), ("other", None, None)], None)
    assert attack.recovered() == {"other": 1}
    # Two zeros hiding each other in a line of known total are both 0.
    attack = Attack()
    attack.view([("a", 9, None), ("b", None, None), ("c", None, None)], 9)
    assert attack.recovered() == {"b": 0, "c": 0}


# -- the gala page over the demo ------------------------------------------------------------------
def _count(text: str) -> float | None:
    match = re.match(r"^(<?[\d,]+) participants", text)
    assert match, text
    value = match.group(1)
    return None if value.startswith("<") else float(value.replace(",", ""))


def _key(value: Any) -> str:
    return participants.UNKNOWN_KEY if value is None else str(value)


def _gala_attack(filters: dict[str, Any]) -> Attack:
    """Everything the page returns for `filters`, as one system of sums."""
    attack = Attack(noise=NOISE_MAX, floor=DEFAULT_K)
    total = attack.cell("total", _count(participants.summary(filters)))
    for dimension in (*SINGLE, *MULTI):
        frame = participants.distribution(filters, dimension=dimension)
        cells = [
            ((dimension, _key(r["category_key"])), r["count_participants"], r["share_of_filtered"])
            for r in frame.to_dicts()
        ]
        attack.view(cells, total, adds_up=dimension in SINGLE)
    for r in participants.city_counts(filters).to_dicts():
        attack.cell(("city", _key(r["city_key"])), r["count_participants"])
    for name, frame, row_dim, col_dim in (
        ("role_city", participants.role_by_city(filters), "role", "city"),
        ("age_role", participants.age_by_role(filters), "role", "age_band"),
    ):
        rows: dict[str, list] = {}
        cols: dict[str, list] = {}
        for r in frame.to_dicts():
            cell = attack.cell((name, r["row_key"], r["col_key"]), r["count_participants"])
            rows.setdefault(r["row_key"], []).append(cell)
            cols.setdefault(r["col_key"], []).append(cell)
        for key, cells in rows.items():
            attack.add_sum(cells, attack.cell((row_dim, key), None))
        for key, cells in cols.items():
            attack.add_sum(cells, attack.cell((col_dim, key), None))
        attack.add_sum([c for cells in rows.values() for c in cells], total)
        if name == "role_city":
            attack.add_sum([("city", key) for key in cols], total)
    return attack


def _gala_filters(year: int) -> Iterator[dict[str, Any]]:
    base = {"lang": "en", "edition": str(year)}
    yield base
    pop = participants.population()
    choices = {
        "age": participants._option_keys("age"),
        "role": participants._option_keys("role"),
        "gender": participants._option_keys("gender"),
        "community": participants._option_keys("communities"),
        "city": [c for c, _, _ in participants.city_options(pop)] + [participants.OVERSEAS],
    }
    for key, values in choices.items():
        for value in values:
            yield {**base, key: value}


def test_no_hidden_cell_of_the_gala_page_can_be_recovered_by_a_researcher(
    dash_app: Dash, demo_data: Settings
) -> None:
    recovered = {}
    views = 0
    with as_user(dash_app, "researcher"):
        for year in (2024, 2025):
            for filters in _gala_filters(year):
                attack = _gala_attack(filters)
                views += 1
                found = {
                    name: value
                    for name, value in attack.recovered().items()
                    if name[0] != "city"  # a map place hidden as small is no cell of a view
                }
                if found:
                    recovered[str(filters)] = found
    assert views > 40
    assert not recovered


# -- another survey --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world_home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = add_world_survey(demo_settings.home, tmp_path_factory.mktemp("world") / "home")
    ensure_test_users(home)
    return home


def test_no_hidden_cell_of_another_survey_can_be_recovered_by_a_researcher(
    dash_app: Dash, world_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATORPULSE_HOME", str(world_home))
    data.clear_cache()
    recovered = {}
    hidden_seen = 0
    with as_user(dash_app, "researcher"):
        questions = survey_page.questions(SURVEY_ID)
        for year in survey_page.wave_years(survey_page.waves(), SURVEY_ID):
            base = {"lang": "zh", "survey": SURVEY_ID, "edition": str(year)}
            shown_total = float(re.search(r"：(\d+) 位受访者", survey_page.summary(base)).group(1))
            views = survey_page.all_distributions(base)
            for row in questions:
                for col in questions:
                    if row.question_id == col.question_id:
                        continue
                    attack = Attack(noise=NOISE_MAX, floor=DEFAULT_K)
                    total = attack.cell("total", shown_total)
                    for q in questions:
                        part = views.filter(views["question_id"] == q.question_id)
                        cells = [
                            (
                                (q.question_id, r["category_key"]),
                                r["count_participants"],
                                r["share"],
                            )
                            for r in part.to_dicts()
                        ]
                        attack.view(cells, total, adds_up=q.kind != "multi")
                    frame = survey_page.selected_crosstab(
                        {**base, "xrow": row.question_id, "xcol": col.question_id}
                    )
                    rows: dict[str, list] = {}
                    cols: dict[str, list] = {}
                    for r in frame.to_dicts():
                        cell = attack.cell(
                            ("x", r["row_key"], r["col_key"]), r["count_participants"]
                        )
                        rows.setdefault(r["row_key"], []).append(cell)
                        cols.setdefault(r["col_key"], []).append(cell)
                    if col.kind != "multi":
                        for key, cells in rows.items():
                            attack.add_sum(cells, (row.question_id, key))
                    if row.kind != "multi":
                        for key, cells in cols.items():
                            attack.add_sum(cells, (col.question_id, key))
                    hidden_seen += len(attack.hidden)
                    found = attack.recovered()
                    if found:
                        recovered[(year, row.question_id, col.question_id)] = found
    data.clear_cache()
    assert hidden_seen > 0, "the fixture has small cells to hide"
    assert not recovered
