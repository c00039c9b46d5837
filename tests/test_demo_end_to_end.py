"""End to end: `creatorpulse demo` -> warehouse -> the planted facts are found."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from warehouse import parts
from warehouse.store import current_snapshot

ROOT = Path(__file__).resolve().parents[1]
PLANTED = yaml.safe_load((ROOT / "etl" / "sample" / "planted.yaml").read_text(encoding="utf-8"))


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the real command line."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("demo") / "home"
    env = dict(os.environ, CREATORPULSE_ID_KEY="demo-test-secret")
    built = cli("demo", "--home", str(home), env=env)
    assert built.returncode == 0, built.stderr
    status = cli("status", "--home", str(home), "--json", env=env)
    assert status.returncode == 0, status.stderr
    rejects = cli("rejects", "--home", str(home), "--json", env=env)
    assert rejects.returncode == 0, rejects.stderr
    return {
        "home": home,
        "status": json.loads(status.stdout),
        "rejects": json.loads(rejects.stdout),
        "env": env,
    }


def query(demo: dict[str, Any], sql: str) -> list[tuple]:
    with parts.connect(current_snapshot(demo["home"]), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_status_shows_over_700_responses_over_two_editions(demo: dict[str, Any]) -> None:
    by_edition = {
        row["edition_year"]: row["count_responses"]
        for row in demo["status"]["responses_by_edition"]
    }
    assert by_edition == {
        year: PLANTED["editions"][year]["valid_unique_responses"] for year in (2024, 2025)
    }
    assert sum(by_edition.values()) >= 700


def test_every_load_balances_read_against_loaded_plus_rejected(demo: dict[str, Any]) -> None:
    loads = demo["status"]["loads"]
    samples = [
        p
        for p in (demo["home"] / "samples").iterdir()
        if p.suffix in {".xlsx", ".csv"} or p.is_dir()
    ]
    assert len(loads) == len(samples)
    for load in loads:
        assert load["count_rows_read"] == load["count_rows_loaded"] + load["count_rows_rejected"]
        assert load["is_balanced"] is True
    by_file = {load["file_name"]: load for load in loads}
    for year in (2024, 2025):
        planted = PLANTED["editions"][year]
        load = by_file[planted["file"]]
        assert load["count_rows_read"] == planted["rows_written"]
        assert load["count_rows_loaded"] == planted["valid_unique_responses"]
        assert load["count_rows_rejected"] == (
            planted["exact_duplicate_rows"]
            + planted["repeat_submissions"]["superseded_rows"]
            + planted["invalid_rows"]["total"]
        )
    assert by_file["roster_aigala.csv"]["count_rows_loaded"] == PLANTED["roster"]["valid_rows"]


def test_every_planted_invalid_row_is_rejected_naming_its_column(demo: dict[str, Any]) -> None:
    rejects = {(r["file_name"], r["row_number"]): r for r in demo["rejects"]}
    assert all(r["column_name"] and r["reason"] for r in demo["rejects"])
    for year in (2024, 2025):
        planted = PLANTED["editions"][year]
        for bad in planted["invalid_rows"]["rows"]:
            found = rejects[(planted["file"], bad["file_row"])]
            assert found["column_name"] == bad["column"].strip(), bad
    for bad in PLANTED["roster"]["invalid_rows"]:
        assert rejects[("roster_aigala.csv", bad["file_row"])]["column_name"] == bad["column"]


def _shares(demo: dict[str, Any], column: str, year: int) -> dict[str, float]:
    rows = query(
        demo,
        f"select {column}, count(*) / sum(count(*)) over () from mart_survey_response "
        f"where edition_year = {year} group by 1",
    )
    return {key: share for key, share in rows}


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_planted_community_profile_is_found(demo: dict[str, Any], year: int) -> None:
    targets = PLANTED["editions"][year]["targets"]
    tol = targets["tolerance"]
    ages = _shares(demo, "age_band_coarse", year)
    assert max(ages, key=ages.get) == "25_34"
    assert ages["25_34"] == pytest.approx(targets["age_25_34"], abs=tol)
    roles = _shares(demo, "role", year)
    assert roles["product_manager"] >= 0.40
    assert roles["product_manager"] == pytest.approx(targets["role"]["product_manager"], abs=tol)
    cities = _shares(demo, "city_zh", year)
    assert max(cities, key=cities.get) == "上海"
    assert cities["上海"] == pytest.approx(targets["city"]["上海"], abs=tol)
    genders = _shares(demo, "gender", year)
    assert genders["male"] > genders["female"]
    assert genders["male"] == pytest.approx(targets["gender"]["male"], abs=tol)
    tools = query(
        demo,
        f"select item_key from mart_survey_answer where edition_year = {year} "
        "and question_id = 'tools' and answer_status in ('answered', 'other') "
        "group by 1 order by count(*) desc limit 4",
    )
    assert {key for (key,) in tools} == set(targets["tools_top4"])


def test_returning_participants_are_linked_across_editions_by_contact(demo: dict[str, Any]) -> None:
    [(both,)] = query(
        demo,
        "select count(*) from (select participant_id from mart_survey_response "
        "group by 1 having count(distinct edition_year) = 2)",
    )
    assert both == PLANTED["editions"][2025]["returning_respondents"]["count"]


def test_unmappable_cities_are_kept_verbatim_and_flagged(demo: dict[str, Any]) -> None:
    planted = {c["value"] for c in PLANTED["editions"][2024]["unmappable_cities"]}
    kept = {
        raw
        for (raw,) in query(
            demo,
            "select city_raw from fct_survey_response "
            "where edition_year = 2024 and not is_city_mapped",
        )
    }
    assert planted <= kept


def test_formula_looking_answers_are_stored_as_text(demo: dict[str, Any]) -> None:
    values = {c["value"] for c in PLANTED["editions"][2024]["formula_like_text"]}
    stored = {
        text
        for (text,) in query(
            demo, "select answer_text from fct_survey_answer where question_id = 'suggestions'"
        )
    }
    assert values <= stored


def test_a_second_demo_ingest_of_the_same_files_changes_nothing(demo: dict[str, Any]) -> None:
    samples = sorted(
        p for p in (demo["home"] / "samples").iterdir() if p.suffix in {".xlsx", ".csv"}
    )
    before = current_snapshot(demo["home"])
    again = cli(
        "ingest", *map(str, samples), "--home", str(demo["home"]), "--json", env=demo["env"]
    )
    assert again.returncode == 0, again.stderr
    assert {r["status"] for r in json.loads(again.stdout)} == {"unchanged"}
    assert current_snapshot(demo["home"]) == before


# -- platform side (issue 3) ---------------------------------------------------------------------


def test_status_lists_every_platform_side_table_non_empty(demo: dict[str, Any]) -> None:
    counts = {t["table_name"]: t["count_rows"] for t in demo["status"]["tables"]}
    for table in (
        "fct_content_daily",
        "fct_live_minute",
        "fct_audience_retention",
        "fct_creator_activity",
        "fct_topic_attention",
        "dim_calendar",
        "dim_program",
        "dim_sponsor",
        "dim_content",
        "bridge_program_participant",
        "bridge_sponsor_program",
        "fct_content_period",
    ):
        assert counts[table] > 0, table


def test_total_plays_per_platform_match_what_the_generator_planted(demo: dict[str, Any]) -> None:
    planted = PLANTED["total_plays"]
    by_platform = {p["platform_id"]: p["count_views"] for p in demo["status"]["platforms"]}
    # status lists every known platform; one the demo has no export of (TikTok) shows 0 plays
    unplanted = {p: v for p, v in by_platform.items() if p not in planted["by_platform"]}
    assert unplanted == dict.fromkeys(unplanted, 0)
    by_platform = {p: v for p, v in by_platform.items() if p in planted["by_platform"]}
    assert by_platform == planted["by_platform"]
    assert sum(by_platform.values()) == planted["total"]
    [(matched,)] = query(
        demo,
        "select sum(views) from fct_content_daily f join dim_content c "
        "using (platform_id, content_id) where c.program_id is not null",
    )
    assert matched == planted["matched_to_programs"]


def test_the_live_peak_is_the_planted_peak(demo: dict[str, Any]) -> None:
    planted = PLANTED["live"]["planted_peak_2024"]
    top_2024 = max(
        (p for p in demo["status"]["live_peaks"] if str(p["peak_minute_at"]).startswith("2024")),
        key=lambda p: p["peak_concurrent_viewers"],
    )
    assert top_2024["peak_concurrent_viewers"] == planted["value"] == 180_000
    assert top_2024["platform_id"] == planted["platform"]
    assert str(top_2024["peak_minute_at"]).startswith(planted["minute"])


def test_the_planted_decreasing_counter_is_flagged_and_unmatched_content_reported(
    demo: dict[str, Any],
) -> None:
    planted = PLANTED["platforms"]["bilibili"]["decreasing_counter"]
    issues = query(
        demo, "select content_id, date_on::varchar, previous_value, value from counter_issue"
    )
    assert issues == [(planted["content_id"], planted["date"], planted["before"], planted["after"])]
    unmatched = {
        (p, c)
        for p, c in query(
            demo, "select platform_id, content_id from dim_content where program_id is null"
        )
    }
    for platform, facts in PLANTED["platforms"].items():
        assert (platform, facts["unmatched_content"]["content_id"]) in unmatched


def test_catalogue_programs_and_rejects_are_as_planted(demo: dict[str, Any]) -> None:
    per_edition = dict(query(demo, "select edition_year, count(*) from dim_program group by 1"))
    for year, facts in PLANTED["catalogue"]["editions"].items():
        assert (
            per_edition[year] == facts["programs"]
        )  # valid programs; the rejected one is not counted
    rejects = {(r["file_name"], r["row_number"], r["column_name"]) for r in demo["rejects"]}
    for bad in PLANTED["catalogue"]["rejects"]:
        assert (f"catalogue_aigala.xlsx[{bad['sheet']}]", bad["file_row"], bad["column"]) in rejects


def test_retention_curves_keep_their_planted_average_percentage_viewed(
    demo: dict[str, Any],
) -> None:
    areas = dict(
        ((p, c), a)
        for p, c, a in query(
            demo,
            "select platform_id, content_id, avg(audience_share) from fct_audience_retention group by 1, 2",
        )
    )
    assert len(areas) == len(PLANTED["retention"]["items"])
    for item in PLANTED["retention"]["items"]:
        assert areas[(item["platform"], item["content_id"])] * 100 == pytest.approx(
            item["avg_pct_viewed_mean_of_101"], abs=0.05
        )


def test_most_creators_publish_two_or_three_works_then_stop(demo: dict[str, Any]) -> None:
    planted = PLANTED["activity"]
    rows = query(demo, "select count(*) as works from fct_creator_activity group by participant_id")
    works = [w for (w,) in rows]
    assert len(works) == planted["creators_with_works"]
    assert sum(1 for w in works if w == 1) / len(works) == pytest.approx(
        planted["share_one_and_done"], abs=0.001
    )
    assert sum(1 for w in works if w in (2, 3)) / len(works) == pytest.approx(
        planted["share_two_or_three"], abs=0.001
    )


def test_the_calendar_marks_each_spring_festival(demo: dict[str, Any]) -> None:
    festivals = query(
        demo,
        "select year, min(date_on)::varchar from dim_calendar where days_from_spring_festival = 0 "
        "group by 1 order by 1",
    )
    assert ("2024", "2024-02-10") in [(str(y), d) for y, d in festivals]
    assert ("2025", "2025-01-29") in [(str(y), d) for y, d in festivals]
    [(first, last)] = query(
        demo, "select min(date_on)::varchar, max(date_on)::varchar from dim_calendar"
    )
    [(att_first, att_last)] = query(
        demo, "select min(date_on)::varchar, max(date_on)::varchar from fct_topic_attention"
    )
    assert first <= att_first and last >= att_last


def test_the_xiaohongshu_snapshot_pair_is_a_first_total_then_a_weeks_change_per_program(
    demo: dict[str, Any],
) -> None:
    planted = PLANTED["xhs_snapshots"]
    first_on, second_on = planted["as_of"]
    expected = []
    for note in planted["notes"]:
        before, after = note["views"]
        expected += [
            (note["program_id"], first_on, before, True, False),
            (note["program_id"], second_on, after - before, False, True),
        ]
    rows = query(
        demo,
        "select r.program_id, r.date_on::varchar, r.views, r.is_first_snapshot, r.is_interval "
        "from fct_content_reach_daily as r join dim_content as c using (platform_id, content_id) "
        "where c.key_source = 'title_published' order by 1, 2",
    )
    assert rows == sorted(expected)


def test_the_google_trends_download_is_loaded_with_its_below_one_days_flagged(
    demo: dict[str, Any],
) -> None:
    planted = PLANTED["google_trends"]
    by_file = {load["file_name"]: load for load in demo["status"]["loads"]}
    load = by_file[planted["file"]]
    assert (load["count_rows_read"], load["count_rows_loaded"]) == (planted["rows_written"],) * 2
    rows = query(
        demo,
        "select date_on::varchar, value, is_below_one, granularity from fct_topic_attention "
        "where source = 'Google Trends' and keyword = 'AI春晚' and region = '中国' order by 1",
    )
    assert len(rows) == planted["rows_written"]
    assert {g for *_, g in rows} == {"day"}
    assert (rows[0][0], rows[-1][0]) == tuple(planted["period"])
    flagged = [(d, v) for d, v, below, _ in rows if below]
    assert flagged == [(d, 0.5) for d in planted["below_one"]["dates"]]
    assert all(v >= 1 for _, v, below, _ in rows if not below)
    assert sum(v for _, v, _, _ in rows) == planted["sum_of_written_values"]
    assert max(rows, key=lambda r: r[1])[:2] == (planted["peak_on"], 100.0)
