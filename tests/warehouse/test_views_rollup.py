"""The views page's edition list and program totals come from a publish-time rollup
(mart_views_program_total); they equal the same figures computed from every program day."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from warehouse import parts, store
from warehouse.query import Reader
from warehouse.settings import Settings


def _days(settings: Settings, sql: str) -> pl.DataFrame:
    snapshot = store.current_snapshot(settings.home)
    assert snapshot is not None
    con = parts.connect(snapshot, read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def test_edition_spans_and_program_totals_equal_the_program_days(demo_settings: Settings) -> None:
    reader = Reader(demo_settings.home)
    try:
        editions = reader.query("views_editions")
        expected = _days(
            demo_settings,
            "select e.edition_year, e.name_zh, e.name_en, s.first_on, s.last_on, "
            "s.spring_festival_on from mart_overview_edition e left join ("
            "  select edition_year, min(date_on) as first_on, max(date_on) as last_on,"
            "  min(date_on - cast(days_from_spring_festival as integer))"
            "    filter (where calendar_year = edition_year) as spring_festival_on"
            "  from mart_program_daily where edition_year is not null group by edition_year"
            ") s using (edition_year) order by edition_year",
        )
        assert editions.height >= 2 and editions["spring_festival_on"].is_not_null().all()
        assert_frame_equal(editions, expected)
        for year in editions["edition_year"]:
            programs = reader.query("views_edition_programs", edition_year=year)
            by_days = _days(
                demo_settings,
                "select platform_id, program_id, program_title_zh, "
                "cast(sum(views) as bigint) as views from mart_program_daily "
                f"where edition_year = {int(year)} "
                "group by platform_id, program_id, program_title_zh "
                "order by platform_id, program_id",
            )
            assert programs.height > 10 and programs["platform_id"].n_unique() > 1
            assert_frame_equal(programs, by_days)
            # Chinese titles come through unchanged.
            assert programs["program_title_zh"].str.contains(r"[\u4e00-\u9fff]").any()
    finally:
        reader.close()


def test_daily_platform_figures_and_whole_edition_programs_equal_the_program_days(
    demo_settings: Settings,
) -> None:
    """The views page's daily platform chart (and the overview's) reads the edition x platform x
    day rollup, and its programs' figures over a window holding the whole edition read the
    programs' totals: the same figures as the sums over every program day (watch time up to the
    order of a floating-point sum)."""
    sums = (
        "cast(sum(views) as bigint) as plays, cast(sum(count_interactions) as bigint)"
        " as count_interactions, cast(sum(impressions) as bigint) as impressions,"
        " sum(watch_time_s / 3600.0) as watch_time_h"
    )
    reader = Reader(demo_settings.home)
    try:
        editions = reader.query("views_editions").to_dicts()
        compared = 0
        reported: set[str] = set()
        for edition in editions:
            year = int(edition["edition_year"])
            for platforms in (None, ["bilibili", "douyin"]):
                listed = "" if platforms is None else " and platform_id in ('bilibili', 'douyin')"
                window = {"start_on": edition["first_on"], "end_on": edition["last_on"]}
                daily = reader.query(
                    "views_platform_daily", edition_year=year, platform_ids=platforms, **window
                )
                expected_daily = _days(
                    demo_settings,
                    f"select date_on, days_from_spring_festival, platform_id, {sums},"
                    " coalesce(bool_or(is_first_snapshot), false) as is_first_snapshot,"
                    " coalesce(bool_or(is_interval), false) as is_interval"
                    f" from mart_program_daily where edition_year = {year}{listed}"
                    " group by date_on, days_from_spring_festival, platform_id"
                    " order by date_on, platform_id",
                )
                assert daily.height > 30
                assert_frame_equal(daily, expected_daily, check_exact=False, rel_tol=1e-9)
                whole = reader.query(
                    "views_program_platform",
                    edition_year=year,
                    platform_ids=platforms,
                    whole_edition=True,
                    **window,
                )
                by_days = reader.query(
                    "views_program_platform",
                    edition_year=year,
                    platform_ids=platforms,
                    whole_edition=False,
                    **window,
                )
                assert whole.height > 10
                reported |= {
                    c for c in ("impressions", "watch_time_h") if whole[c].is_not_null().any()
                }
                assert_frame_equal(whole, by_days, check_exact=False, rel_tol=1e-9)
                compared += 1
            plays = reader.query("overview_plays_daily", edition_year=year, from_day=-7, to_day=30)
            expected_plays = _days(
                demo_settings,
                "select platform_id, date_on, days_from_spring_festival,"
                " cast(sum(views) as bigint) as plays from mart_program_daily"
                f" where edition_year = {year} and days_from_spring_festival between -7 and 30"
                " group by platform_id, date_on, days_from_spring_festival"
                " order by date_on, platform_id",
            )
            assert_frame_equal(plays, expected_plays)
        assert compared >= 4 and reported == {"impressions", "watch_time_h"}
    finally:
        reader.close()


def test_segment_program_totals_equal_the_sums_over_every_content_day(
    demo_settings: Settings,
) -> None:
    """The segments' program outcomes (queries/segment_programs.sql) read the rollup; they are
    the plays and interactions summed over the 10M-row content days themselves."""
    reader = Reader(demo_settings.home)
    try:
        totals = reader.query("segment_programs")
    finally:
        reader.close()
    expected = _days(
        demo_settings,
        "select b.program_id, p.edition_year, b.participant_id, t.views, t.engagements"
        " from bridge_program_participant b join dim_program p using (program_id) left join ("
        "  select c.program_id, cast(sum(d.views) as bigint) as views, cast(sum("
        "    coalesce(d.likes, 0) + coalesce(d.comments, 0) + coalesce(d.shares, 0)"
        "    + coalesce(d.favorites, 0) + coalesce(d.coins, 0) + coalesce(d.danmaku, 0)"
        "  ) as bigint) as engagements"
        "  from fct_content_daily d join dim_content c using (platform_id, content_id)"
        "  where c.program_id is not null group by c.program_id"
        ") t using (program_id) order by b.program_id, b.participant_id",
    )
    assert totals.height > 50 and totals["engagements"].drop_nulls().sum() > 0
    assert_frame_equal(totals, expected)
