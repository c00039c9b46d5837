"""Issue 15, "the same view with one filter changed": an attacker who asks the participants page
for every filter value of the demo and solves one system over all the answers
(`tests/dashboard/differencing.py`) pins no hidden cell down."""

from __future__ import annotations

from dash import Dash

from tests.dashboard.callbacks import as_user
from tests.dashboard.differencing import recover_across_filters
from warehouse.settings import Settings


def test_no_hidden_cell_follows_from_the_participants_page_under_every_filter(
    dash_app: Dash, demo_data: Settings
) -> None:
    with as_user(dash_app, "researcher"):
        recovered, hidden = recover_across_filters()
    assert hidden > 50, "the demo's views hide cells to attack"
    assert not recovered
