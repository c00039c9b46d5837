"""mart_survey_roster: one stored row per current response with the attributes the participants
page filters on, equal to regrouping the answers it folds."""

from __future__ import annotations

import duckdb

from warehouse import parts, store
from warehouse.settings import Settings


def _connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    snapshot = store.current_snapshot(settings.home)
    assert snapshot is not None
    return parts.connect(snapshot, read_only=True)


def test_the_roster_is_a_stored_table_with_one_row_per_current_response(
    demo_settings: Settings,
) -> None:
    con = _connect(demo_settings)
    try:
        kind = con.execute(
            "select table_type from information_schema.tables where table_name = ?",
            ["mart_survey_roster"],
        ).fetchone()
        assert kind == ("BASE TABLE",)
        roster = con.execute("select response_id from mart_survey_roster").fetchall()
        responses = con.execute("select response_id from mart_survey_response").fetchall()
        assert len(roster) == len(set(roster)) and set(roster) == set(responses)
        assert len(roster) > 0
    finally:
        con.close()


def test_the_roster_lists_each_responses_distinct_options_sorted_and_empty_when_none(
    demo_settings: Settings,
) -> None:
    con = _connect(demo_settings)
    try:
        stored = {
            response_id: (tools, communities, hours)
            for response_id, tools, communities, hours in con.execute(
                "select response_id, tools, communities, hours_per_week from mart_survey_roster"
            ).fetchall()
        }
        expected: dict[str, tuple[set[str], set[str], str | None]] = {
            rid: (set(), set(), None) for rid in stored
        }
        for response_id, question_id, item_key, text in con.execute(
            "select response_id, question_id, item_key, answer_text from mart_survey_answer "
            "where answer_status in ('answered', 'other') "
            "and question_id in ('tools', 'communities', 'hours_per_week')"
        ).fetchall():
            tools, communities, hours = expected[response_id]
            if question_id == "tools" and item_key:
                tools.add(item_key)
            elif question_id == "communities" and item_key:
                communities.add(item_key)
            elif question_id == "hours_per_week":
                expected[response_id] = (
                    tools,
                    communities,
                    max((v for v in (hours, text) if v), default=None),
                )
    finally:
        con.close()
    for response_id, (tools, communities, hours) in stored.items():
        want_tools, want_communities, want_hours = expected[response_id]
        assert tools == sorted(want_tools) and communities == sorted(want_communities)
        assert hours == want_hours
