"""Creator retention, audience retention and live summaries, from real loads to the Python API.

The tiny warehouse (roster, catalogue, activity, retention curves, live minutes) is small
enough to count by hand. Its gala seasons: 2024 = (2023-01-21, 2024-02-09],
2025 = (2024-02-09, 2025-01-28], 2026 = after 2025-01-28 (open; the data end on 2025-06-30).

    person  roster      credit   works (season)
    A       2024        -        2023-11-01 (2024), 2024-01-15 (2024), 2024-06-01 (2025),
                                 2025-03-01 (2026)
    B       2024        -        2024-01-20 (2024)
    C       2024;2025   -        2024-02-09 (2024, the gala day itself), 2025-02-10 (2026)
    D       2024        -        none
    E       2025        -        2024-05-01, 2024-12-01, 2025-01-28 (2025), 2025-06-30 (2026)
    F       2025        -        2024-02-10 (2025, the day after the gala)
    G       2024        P2025-01 none (the credit makes G a 2025 participant too)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml
from scipy import stats

from etl.ingest import ingest_files
from survey.identity import load_id_key, normalise_contact, participant_id
from tests.builders import write_csv, write_workbook
from warehouse.analytics import retention
from warehouse.query import Reader
from warehouse.settings import Settings

ROSTER = ["姓名", "联系方式", "社区", "参与届次", "分工"]
ACTIVITY = ["联系方式", "平台", "发布日期", "作品ID", "标题"]
RETENTION = ["平台", "内容ID", "进度", "留存率"]
LIVE = ["平台", "直播ID", "时间", "在线人数", "评论数", "礼物数"]
PHONES = {name: f"1380000000{i}" for i, name in enumerate("ABCDEFG", start=1)}
WORKS = {
    "A": ["2023-11-01", "2024-01-15", "2024-06-01", "2025-03-01"],
    "B": ["2024-01-20"],
    "C": ["2024-02-09", "2025-02-10"],
    "E": ["2024-05-01", "2024-12-01", "2025-01-28", "2025-06-30"],
    "F": ["2024-02-10"],
}
EDITIONS = {"A": "2024", "B": "2024", "C": "2024;2025", "D": "2024", "E": "2025", "F": "2025"}
EDITIONS["G"] = "2024"
CURVES = {
    # 2:30 -> under 3 min; steps down by 0.05 at 2%, 0.10 at 11%, 0.20 at 31%, 0.05 at 61%
    "BV1": [(0, 100), (1, 80), (2, 75), (10, 75), (11, 65), (30, 65), (31, 45), (60, 45)]
    + [(61, 40), (100, 40)],
    "BV2": [(0, 100), (100, 0)],  # 4:00 -> 3-6 min; a straight line: viewed 0.5
    "BV3": [(0, 100), (1, 50), (50, 50), (51, 20), (100, 20)],  # 3:00 -> 3-6 min
    "BV4": [(0, 100), (100, 100)],  # 6:01 -> over 6 min; nobody leaves
}
# The classic 6-MP remission times (Freireich et al. 1963); negative = censored.
SIX_MP = [6, 6, 6, -6, 7, -9, 10, -10, -11, 13, 16, -17, -19, -20, 22, 23, -25, -32, -32, -34]
SIX_MP.append(-35)
SIX_MP_SURVIVAL = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}


def catalogue(path: Path) -> Path:
    return write_workbook(
        path,
        {
            "届次": [
                ["年份", "播出日期", "名称"],
                [2024, "2024-02-09", "2024 AI春晚"],
                [2025, "2025-01-28", "2025 AI春晚"],
            ],
            "节目": [
                ["节目编号", "节目名称", "类型", "时长", "届次"],
                ["P2024-01", "《甲》", "相声", "2:30", 2024],
                ["P2024-02", "《乙》", "小品", "4:00", 2024],
                ["P2025-01", "《丙》", "舞蹈", "3:00", 2025],
                ["P2025-02", "《丁》", "短片", "6:01", 2025],
            ],
            "主创": [["节目编号", "联系方式", "分工"], ["P2025-01", PHONES["G"], "导演"]],
            "发布": [
                ["节目编号", "平台", "内容ID", "链接"],
                ["P2024-01", "B站", "BV1", ""],
                ["P2024-02", "B站", "BV2", ""],
                ["P2025-01", "B站", "BV3", ""],
                ["P2025-02", "B站", "BV4", ""],
            ],
        },
    )


@pytest.fixture
def tiny(tmp_path: Path, settings: Settings) -> Reader:
    """The hand-countable warehouse of the module docstring, loaded through the real ETL.

    One ingest call (one published snapshot) for all five files, in the order a load needs
    (the roster before the credits and works that name its people); each file's source is
    found from its name, as `creatorpulse ingest` does.
    """
    roster = [[name, PHONES[name], "WaytoAGI", years, "导演"] for name, years in EDITIONS.items()]
    works = [
        [PHONES[name], "B站", day, f"W-{name}-{i}", "作品"]
        for name, days in WORKS.items()
        for i, day in enumerate(days)
    ]
    curves = [
        ["B站", content, f"{position}%", f"{share}%"]
        for content, points in CURVES.items()
        for position, share in points
    ]
    minutes = [
        ["B站", "L0", "2024-02-10 00:05", "10", "1", "0"],
        ["B站", "L1", "2025-01-28 20:00", "100", "5", "1"],
        ["B站", "L1", "2025-01-28 20:01", "300", "7", ""],
        ["B站", "L1", "2025-01-28 20:02", "200", "3", "2"],
        ["抖音", "L2", "2025-01-28 20:01", "50", "", ""],
        ["抖音", "L2", "2025-01-28 20:02", "250", "1", ""],
    ]
    files = [
        write_csv(tmp_path / "roster_tiny.csv", ROSTER, roster),
        catalogue(tmp_path / "catalogue_tiny.xlsx"),
        write_csv(tmp_path / "activity_tiny.csv", ACTIVITY, works),
        write_csv(tmp_path / "retention_tiny.csv", RETENTION, curves),
        write_csv(tmp_path / "live_tiny.csv", LIVE, minutes),
    ]
    reports = ingest_files(settings, files, source="auto")
    assert [(r.source, r.status, r.rows_rejected) for r in reports] == [
        (source, "loaded", 0) for source in ("roster", "catalogue", "activity", "retention", "live")
    ], [r.error for r in reports]
    return Reader(settings.home)


def pid(settings: Settings, name: str) -> str:
    contact = normalise_contact(PHONES[name])
    assert contact is not None
    return participant_id(load_id_key(settings), contact)


def table(frame: pl.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in frame.select(columns).iter_rows()]


# -- creator retention ---------------------------------------------------------------------------
def test_bounded_retention_counts_a_cohort_only_in_the_period_it_published(tiny: Reader) -> None:
    cohorts = retention.creator_cohorts(tiny, by="edition", bounded=True)
    assert table(
        cohorts, "cohort", "period_n", "period_label", "count_cohort", "count_retained"
    ) == [
        ("2024", 0, "2024", 5, 3),  # A B C; D and G never published
        ("2024", 1, "2025", 5, 1),  # A
        ("2024", 2, "2026", 5, 2),  # A C
        ("2025", 0, "2025", 2, 2),  # E F
        ("2025", 1, "2026", 2, 1),  # E
    ]
    assert cohorts["share"].to_list() == pytest.approx([0.6, 0.2, 0.4, 1.0, 0.5])
    assert cohorts["is_complete"].to_list() == [True, True, False, True, False]


def test_unbounded_retention_counts_publishing_in_that_period_or_any_later(tiny: Reader) -> None:
    cohorts = retention.creator_cohorts(tiny, by="edition", bounded=False, creators_only=True)
    assert table(cohorts, "cohort", "period_n", "count_cohort", "count_retained") == [
        ("2024", 0, 3, 3),
        ("2024", 1, 3, 2),  # A, and C who skipped 2025 but came back in 2026
        ("2024", 2, 3, 2),
        ("2025", 0, 2, 2),
        ("2025", 1, 2, 1),
    ]
    assert cohorts["share"].to_list() == pytest.approx([1.0, 2 / 3, 2 / 3, 1.0, 0.5])


def test_month_cohorts_start_at_the_first_work_and_run_to_the_data_end(tiny: Reader) -> None:
    bounded = retention.creator_cohorts(tiny, by="month")
    feb = bounded.filter(pl.col("cohort") == "2024-02")  # C (Feb 9) and F (Feb 10)
    assert feb.height == 17  # 2024-02 .. 2025-06
    assert feb["period_label"][[0, 1, 12, 16]].to_list() == [
        "2024-02",
        "2024-03",
        "2025-02",
        "2025-06",
    ]
    assert feb.filter(pl.col("count_retained") > 0)["period_n"].to_list() == [0, 12]
    assert feb["count_cohort"].unique().to_list() == [2]
    assert feb["is_complete"].all()  # the data end on 2025-06-30, the month's last day
    unbounded = retention.creator_cohorts(tiny, by="month", bounded=False)
    feb = unbounded.filter(pl.col("cohort") == "2024-02")
    assert feb["count_retained"].to_list() == [2] + [1] * 12 + [0] * 4
    assert sorted(bounded["cohort"].unique()) == ["2023-11", "2024-01", "2024-02", "2024-05"]


def test_lifecycle_states_per_edition_season(tiny: Reader) -> None:
    states = retention.lifecycle(tiny, by="edition")
    assert table(states, "period", "lifecycle_state", "count_participants") == [
        ("2024", "new", 3),  # A B C
        ("2024", "returning", 0),
        ("2024", "resurrecting", 0),
        ("2024", "dormant", 0),
        ("2025", "new", 2),  # E F
        ("2025", "returning", 1),  # A
        ("2025", "resurrecting", 0),
        ("2025", "dormant", 2),  # B C
        ("2026", "new", 0),
        ("2026", "returning", 2),  # A E
        ("2026", "resurrecting", 1),  # C
        ("2026", "dormant", 1),  # F (B is not counted dormant again)
    ]


def test_every_creator_is_new_exactly_once_in_monthly_lifecycle(tiny: Reader) -> None:
    states = retention.lifecycle(tiny, by="month")
    assert states.filter(pl.col("lifecycle_state") == "new")["count_participants"].sum() == 5
    assert states["period"][0] == "2023-11"
    assert states["period"][-1] == "2025-06"


def test_edition_return_rate_counts_roster_and_program_credits(tiny: Reader) -> None:
    returns = retention.edition_return_rate(tiny)
    assert table(
        returns, "edition_year", "next_edition_year", "count_participants", "count_returned"
    ) == [(2024, 2025, 5, 2), (2025, None, 4, None)]  # C by roster, G by credit
    assert returns["share_returned"].to_list() == [pytest.approx(0.4), None]


def test_an_unknown_period_basis_is_refused(tiny: Reader) -> None:
    with pytest.raises(ValueError, match="by must be one of"):
        retention.creator_cohorts(tiny, by="week")  # type: ignore[arg-type]


# -- Kaplan-Meier --------------------------------------------------------------------------------
def test_kaplan_meier_matches_the_textbook_6mp_leukemia_curve() -> None:
    km = retention.kaplan_meier([abs(t) for t in SIX_MP], [t > 0 for t in SIX_MP])
    events = km.filter(pl.col("count_events") > 0)
    assert events["time"].to_list() == list(SIX_MP_SURVIVAL)
    assert events["survival"].round(3).to_list() == list(SIX_MP_SURVIVAL.values())
    assert events["count_at_risk"].to_list() == [21, 17, 15, 12, 11, 7, 6]
    # Greenwood standard errors as printed in Kleinbaum & Klein, Survival Analysis, ch. 2.
    assert events["std_err"].round(3).to_list()[:3] == [0.076, 0.087, 0.096]
    assert km["time"].to_list()[-1] == 35  # censored times are rows too
    assert km["survival"][-1] == pytest.approx(0.448, abs=5e-4)


@pytest.mark.parametrize(("interval", "method"), [("log-log", "log-log"), ("plain", "linear")])
def test_kaplan_meier_interval_agrees_with_scipy(interval: str, method: str) -> None:
    times = np.array([abs(t) for t in SIX_MP], dtype=float)
    observed = np.array([t > 0 for t in SIX_MP])
    km = retention.kaplan_meier(times, observed, interval=interval)  # type: ignore[arg-type]
    sf = stats.ecdf(stats.CensoredData(uncensored=times[observed], right=times[~observed])).sf
    ci = sf.confidence_interval(0.95, method=method)
    np.testing.assert_allclose(km["survival"].to_numpy(), sf.probabilities)
    np.testing.assert_allclose(km["ci_lower"].to_numpy(), ci.low.probabilities, atol=1e-12)
    np.testing.assert_allclose(km["ci_upper"].to_numpy(), ci.high.probabilities, atol=1e-12)


def test_kaplan_meier_edge_cases() -> None:
    empty = retention.kaplan_meier([], [])
    assert empty.is_empty() and "survival" in empty.columns
    [one] = retention.kaplan_meier([3.0], [True]).to_dicts()
    assert (one["survival"], one["std_err"], one["ci_lower"], one["ci_upper"]) == (0, None, 0, 0)
    [kept] = retention.kaplan_meier([3.0], [False]).to_dicts()
    assert (kept["survival"], kept["ci_lower"], kept["ci_upper"]) == (1, 1, 1)
    with pytest.raises(ValueError, match="durations"):
        retention.kaplan_meier([-1.0], [True])
    with pytest.raises(ValueError, match="observed"):
        retention.kaplan_meier([1.0, 2.0], [True])


def test_creator_survival_censors_creators_still_active_at_the_data_end(
    tiny: Reader, settings: Settings
) -> None:
    # Data end 2025-06-30, window 90 days: a last work on or after 2025-04-01 is censored (E).
    km = retention.creator_survival(tiny)
    assert table(km, "time_days", "count_at_risk", "count_events", "count_censored") == [
        (0.0, 5, 2, 0),  # B and F: one work each
        (367.0, 3, 1, 0),  # C: 2024-02-09 -> 2025-02-10
        (425.0, 2, 0, 1),  # E, still active
        (486.0, 1, 1, 0),  # A: 2023-11-01 -> 2025-03-01
    ]
    assert km["survival"].to_list() == pytest.approx([0.6, 0.4, 0.4, 0.0])
    # A 121-day window reaches back to A's last work (2025-03-01): A is censored as well.
    assert retention.creator_survival(tiny, active_window_days=121)["count_events"].sum() == 3
    segment = retention.creator_survival(
        tiny, participant_ids=[pid(settings, "A"), pid(settings, "E")]
    )
    assert table(segment, "time_days", "count_events", "survival") == [
        (425.0, 0, 1.0),
        (486.0, 1, 0.0),
    ]


def test_creator_survival_of_an_empty_or_tiny_segment(tiny: Reader, settings: Settings) -> None:
    assert retention.creator_survival(tiny, participant_ids=[]).is_empty()
    assert retention.creator_survival(tiny, participant_ids=[pid(settings, "D")]).is_empty()
    [single] = retention.creator_survival(tiny, participant_ids=[pid(settings, "B")]).to_dicts()
    assert (single["time_days"], single["count_at_risk"], single["survival"]) == (0.0, 1, 0.0)


def test_creator_survival_groups_equal_one_curve_per_segment(
    tiny: Reader, settings: Settings
) -> None:
    a, b, c, d, e = (pid(settings, x) for x in "ABCDE")
    groups = pl.DataFrame(
        {
            # D has no work: not in its group; C is in two groups; "none" has no creator.
            "participant_id": [e, a, c, b, c, d, d],
            "group": ["late", "late", "late", "early", "early", "early", "none"],
        }
    )
    curves = retention.creator_survival_groups(tiny, groups)
    assert curves["group"].unique(maintain_order=True).to_list() == ["late", "early"]
    for group, ids in (("late", [e, a, c]), ("early", [b, c, d])):
        part = curves.filter(pl.col("group") == group)
        alone = retention.creator_survival(tiny, participant_ids=ids)
        assert part.drop("group", "count_people").equals(alone)
        assert part["count_people"].unique().to_list() == [alone["count_at_risk"][0]]
    nobody = retention.creator_survival_groups(tiny, groups.filter(pl.col("group") == "none"))
    assert nobody.is_empty()
    assert nobody.columns == curves.columns


# -- audience retention --------------------------------------------------------------------------
def test_audience_retention_per_curve(tiny: Reader) -> None:
    summary = retention.audience_retention(tiny)
    assert table(summary, "content_id", "program_id", "duration_s", "length_band") == [
        ("BV1", "P2024-01", 150.0, "under_3_min"),
        ("BV2", "P2024-02", 240.0, "3_to_6_min"),
        ("BV3", "P2025-01", 180.0, "3_to_6_min"),  # 3:00 exactly is in 3-6
        ("BV4", "P2025-02", 361.0, "over_6_min"),
    ]
    assert summary["avg_pct_viewed"].to_list() == pytest.approx([0.5035, 0.5, 0.354, 1.0])
    # The 3-6 min band's median of two curves is their mean, so its area is the mean area.
    assert summary["band_avg_pct_viewed"].to_list() == pytest.approx([0.5035, 0.427, 0.427, 1.0])
    assert summary["avg_pct_viewed_vs_band"].to_list() == pytest.approx([0, 0.073, -0.073, 0])
    assert summary["count_curves_in_band"].to_list() == [1, 2, 2, 1]


def test_drop_offs_are_the_three_biggest_steps_after_the_first_percent(tiny: Reader) -> None:
    summary = retention.audience_retention(tiny).select(
        "content_id",
        *(f"drop_{k}_{c}" for k in (1, 2, 3) for c in ("position_pct", "decline_share")),
    )
    bv1, _bv2, bv3, bv4 = summary.rows()
    # BV1 loses 0.20 into 1% (ignored), then 0.05 at 2%, 0.10 at 11%, 0.20 at 31%, 0.05 at 61%:
    # the tie at 0.05 goes to the earlier position.
    assert bv1[1:] == pytest.approx((31, 0.2, 11, 0.1, 2, 0.05))
    assert bv3[1:] == pytest.approx((51, 0.3, None, None, None, None))
    assert bv4[1:] == (None,) * 6  # nobody leaves: no drop-off points


def test_the_curve_of_one_program_keeps_the_band_median_of_all(tiny: Reader) -> None:
    curve = retention.audience_curves(tiny, program_id="P2025-01")
    assert curve["content_id"].unique().to_list() == ["BV3"]
    assert curve["position_pct"].to_list() == list(range(101))
    at = curve.filter(pl.col("position_pct") == 50).row(0, named=True)
    assert at["audience_share"] == pytest.approx(0.5)
    assert at["band_median_share"] == pytest.approx((0.5 + 0.5) / 2)
    at = curve.filter(pl.col("position_pct") == 75).row(0, named=True)
    assert at["band_median_share"] == pytest.approx((0.25 + 0.2) / 2)
    assert at["share_vs_band"] == pytest.approx(0.2 - 0.225)
    assert retention.audience_retention(tiny, program_id="P2099-99").is_empty()


# -- live ----------------------------------------------------------------------------------------
def test_live_summary_per_stream(tiny: Reader) -> None:
    streams = retention.live_summary(tiny, by="stream")
    assert table(
        streams,
        "edition_year",
        "stream_id",
        "peak_concurrent_viewers",
        "peak_minute_at",
        "avg_concurrent_viewers",
        "watch_minutes",
        "count_comments",
        "count_gifts",
    ) == [
        (2024, "L0", 10, datetime(2024, 2, 10, 0, 5), 10.0, 10, 1, 0),  # after-show: 2024
        (2025, "L1", 300, datetime(2025, 1, 28, 20, 1), 200.0, 600, 15, 3),
        (2025, "L2", 250, datetime(2025, 1, 28, 20, 2), 150.0, 300, 1, None),
    ]


def test_live_summary_per_edition_adds_streams_minute_by_minute(tiny: Reader) -> None:
    [_, edition] = retention.live_summary(tiny, by="edition").to_dicts()
    assert edition["edition_year"] == 2025
    assert (edition["count_streams"], edition["count_platforms"]) == (2, 2)
    # 20:00 100, 20:01 300 + 50, 20:02 200 + 250
    assert edition["peak_concurrent_viewers"] == 450
    assert edition["peak_minute_at"] == datetime(2025, 1, 28, 20, 2)
    assert edition["avg_concurrent_viewers"] == pytest.approx(300.0)
    assert (edition["watch_minutes"], edition["count_comments"], edition["count_gifts"]) == (
        900,
        16,
        3,
    )
    assert (edition["top_stream_id"], edition["top_stream_peak_concurrent_viewers"]) == ("L1", 300)


# -- the demo warehouse --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_settings: Settings) -> tuple[Reader, dict[str, Any]]:
    """A reader of the shared demo warehouse (tests/conftest.py) and its planted facts."""
    samples = demo_settings.home / "samples"
    planted = yaml.safe_load((samples / "planted.yaml").read_text(encoding="utf-8"))
    return Reader(demo_settings.home), planted


def test_demo_survival_recovers_the_planted_one_and_done_share(
    demo: tuple[Reader, dict[str, Any]],
) -> None:
    reader, planted = demo
    km = retention.creator_survival(reader)
    assert km["time_days"][0] == 0
    one_and_done = 1 - km["survival"][0]
    assert one_and_done == pytest.approx(planted["activity"]["share_one_and_done"], abs=0.03)
    assert km["count_at_risk"][0] == planted["activity"]["creators_with_works"]


def test_demo_edition_cohorts_match_the_planted_activity_after_the_next_gala(
    demo: tuple[Reader, dict[str, Any]],
) -> None:
    reader, planted = demo
    cohorts = retention.creator_cohorts(reader, bounded=False, creators_only=True)
    for year, cohort in planted["activity"]["cohorts"].items():
        # Unbounded period 2 = a work in the season after the next gala or later.
        [row] = cohorts.filter(pl.col("cohort") == str(year), pl.col("period_n") == 2).to_dicts()
        assert (row["count_cohort"], row["count_retained"]) == (
            cohort["creators"],
            cohort["active_after"],
        )
    returns = retention.edition_return_rate(reader).row(0, named=True)
    both = planted["population"]["participants"]["2024;2025"]
    assert (returns["count_participants"], returns["count_returned"]) == (
        planted["population"]["participants"]["2024"] + both,
        both,
    )
    monthly = retention.lifecycle(reader, by="month")
    new = monthly.filter(pl.col("lifecycle_state") == "new")["count_participants"].sum()
    assert new == planted["activity"]["creators_with_works"]


def test_demo_live_peak_is_the_planted_one(demo: tuple[Reader, dict[str, Any]]) -> None:
    reader, planted = demo
    peak = planted["live"]["planted_peak_2024"]
    editions = retention.live_summary(reader, by="edition")
    row = editions.filter(pl.col("edition_year") == 2024).row(0, named=True)
    assert row["top_stream_peak_concurrent_viewers"] == peak["value"]
    assert row["top_platform_id"] == peak["platform"]
    assert row["top_stream_peak_minute_at"] == datetime.fromisoformat(peak["minute"])
    streams = retention.live_summary(reader, by="stream")
    assert (
        streams.filter(pl.col("edition_year") == 2024)["peak_concurrent_viewers"].max()
        == (peak["value"])
    )


def test_demo_average_percentage_viewed_is_the_planted_one(
    demo: tuple[Reader, dict[str, Any]],
) -> None:
    reader, planted = demo
    summary = retention.audience_retention(reader)
    assert summary.height == planted["retention"]["curves"]
    viewed = dict(summary.select("content_id", "avg_pct_viewed").iter_rows())
    for item in planted["retention"]["items"]:
        assert viewed[item["content_id"]] * 100 == pytest.approx(item["avg_pct_viewed"], abs=1e-3)
