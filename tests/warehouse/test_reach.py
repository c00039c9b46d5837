"""Reach reports: plays, reach (reported or estimated), frequency and engagement over a window."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from openpyxl import Workbook
from polars.testing import assert_frame_equal

from etl.ingest import ingest_files
from tests.builders import published_rows, write_csv
from warehouse.analytics.reach import (
    KEYS,
    METRICS,
    ReachDefaults,
    load_reach_defaults,
    platform_ratios,
    reach,
    reach_by,
    sponsor_vs_median,
)
from warehouse.query import Reader
from warehouse.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PLANTED = yaml.safe_load((ROOT / "etl" / "sample" / "planted.yaml").read_text(encoding="utf-8"))

# Pinned estimate inputs, so every number below can be worked out by hand: Douyin reports no
# unique viewers (plays / 2); Weibo's two items report them (observed ratio 2000 / 1000 = 2).
TEST_DEFAULTS = ReachDefaults(
    views_per_viewer={"douyin": 2.0, "youtube": 4.0},
    fallback_views_per_viewer=1.0,
    min_reporting_content=2,
)

CATALOGUE: dict[str, list[list[object]]] = {
    "届次": [["年份", "播出日期", "名称"], [2025, "2025-01-28", "2025 AI春晚"]],
    "节目": [
        ["节目编号", "节目名称", "类型", "时长", "届次"],
        ["P2025-01", "《AI舞狮》", "舞蹈", "2:30", 2025],
        ["P2025-02", "《算力不够》", "小品", "300", 2025],
        ["P2025-03", "《赛博拜年》", "相声", "4:00", 2025],
        ["P2025-04", "《未发布》", "音乐", "3:00", 2025],  # published nowhere
    ],
    "赞助商": [
        ["赞助商编号", "名称", "英文名"],
        ["S01", "星河科技", "Galaxy"],
        ["S02", "云图", "Cloud"],
    ],
    "赞助": [
        ["赞助商编号", "节目编号"],
        ["S01", "P2025-01"],
        ["S01", "P2025-02"],
        ["S02", "P2025-02"],  # co-sponsored: counts in full for both
        ["S02", "P2025-03"],
    ],
    "发布": [
        ["节目编号", "平台", "内容ID", "链接"],
        ["P2025-01", "抖音", "dy1", ""],
        ["P2025-01", "微博", "wb1", ""],
        ["P2025-02", "抖音", "dy2", ""],
        ["P2025-03", "微博", "wb3", ""],
        ["P2025-03", "YouTube", "yt3", ""],
    ],
}
DOUYIN = ["日期", "作品ID", "作品名称", "播放量", "点赞", "评论", "分享"]
DOUYIN_ROWS = [
    ["2025-01-28", "dy1", "舞狮", "1000", "50", "20", "30"],  # 100 interactions
    ["2025-01-29", "dy1", "舞狮", "600", "30", "10", "20"],  # 60
    ["2025-01-30", "dy1", "舞狮", "400", "10", "5", "5"],  # 20
    ["2025-01-28", "dy2", "算力", "200", "10", "0", "0"],
    ["2025-01-29", "dy2", "算力", "100", "5", "0", "0"],
    ["2025-01-29", "dy9", "幕后花絮", "300", "3", "0", "0"],  # matches no program
]
WEIBO = ["日期", "微博ID", "标题", "发布时间", "播放量", "转发", "评论", "点赞", "观看人数"]
WEIBO_ROWS = [
    ["2025-01-28", "wb1", "舞狮", "2025-01-28 20:00", "600", "10", "10", "40", "300"],
    ["2025-01-29", "wb1", "舞狮", "2025-01-28 20:00", "400", "5", "5", "30", "200"],
    ["2025-01-28", "wb3", "拜年", "2025-01-28 21:00", "800", "30", "10", "40", "400"],
    ["2025-01-29", "wb3", "拜年", "2025-01-28 21:00", "200", "0", "0", "20", "100"],
    ["2025-01-30", "wb3", "拜年", "2025-01-28 21:00", "100", "0", "0", "10", ""],  # not reported
]
YT_TABLE = [
    "Content",
    "Video title",
    "Video publish time",
    "Duration",
    "Views",
    "Watch time (hours)",
    "Subscribers",
    "Impressions",
    "Impressions click-through rate (%)",
    "Unique viewers",
]
YT_CHART = ["Date", "Content", "Video title", "Video publish time", "Duration", "Views"]


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def youtube_folder(tmp_path: Path) -> Path:
    """yt3 over 2025-01-28..29: 300 + 100 plays; period totals 200 viewers, 4000 shown, 10 h."""
    folder = tmp_path / "youtube_aigala_2025"
    folder.mkdir()
    write_csv(
        folder / "Table data.csv",
        YT_TABLE,
        [
            ["Total", "", "", "", "400", "10", "0", "4000", "5", "200"],
            ["yt3", "拜年", "Jan 28, 2025", "240", "400", "10", "0", "4000", "5", "200"],
        ],
    )
    write_csv(
        folder / "Chart data.csv",
        YT_CHART,
        [
            ["2025-01-28", "yt3", "拜年", "Jan 28, 2025", "240", "300"],
            ["2025-01-29", "yt3", "拜年", "Jan 28, 2025", "240", "100"],
        ],
    )
    return folder


class HandReader(Reader):
    """A reader that also says how `report` reads the days: as day rows, or by calendar block."""

    def __init__(self, home: Path, blocks: bool) -> None:
        super().__init__(home)
        self.blocks = blocks


@pytest.fixture(params=[False, True], ids=["days", "blocks"])
def reader(request: pytest.FixtureRequest, tmp_path: Path, settings: Settings) -> Iterator[Reader]:
    """The hand-built warehouse, loaded through the real ETL; every figure below is checked
    both ways: from day rows alone, and from whole calendar blocks plus the window's edge days."""
    files = [
        write_workbook(tmp_path / "catalogue_aigala.xlsx", CATALOGUE),
        write_csv(tmp_path / "douyin_aigala_2025.csv", DOUYIN, DOUYIN_ROWS),
        write_csv(tmp_path / "weibo_aigala_2025.csv", WEIBO, WEIBO_ROWS),
        youtube_folder(tmp_path),
    ]
    # One load (sources told by file name and folder layout), one snapshot.
    reports = ingest_files(settings, files)
    assert [(r.source, r.status) for r in reports] == [
        ("catalogue", "loaded"),
        ("douyin", "loaded"),
        ("weibo", "loaded"),
        ("youtube", "loaded"),
    ], [r.error for r in reports]
    opened = HandReader(settings.home, blocks=request.param)
    yield opened
    opened.close()


def rows(frame: pl.DataFrame, key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in frame.iter_rows(named=True)}


def report(reader: Reader, by: str, **kwargs: Any) -> pl.DataFrame:
    blocks = reader.blocks if isinstance(reader, HandReader) else None
    return reach(reader, by=by, defaults=TEST_DEFAULTS, blocks=blocks, **kwargs)  # type: ignore[arg-type]


def test_each_grain_has_its_keys_then_the_documented_metrics(reader: Reader) -> None:
    for by, keys in KEYS.items():
        assert report(reader, by).columns == keys + METRICS


def test_program_reach_adds_reported_viewers_and_labels_any_estimate(reader: Reader) -> None:
    programs = rows(report(reader, "program"), "program_id")
    lion = programs["P2025-01"]  # dy1: 2000 plays / 2 estimated + wb1: 300 + 200 reported
    assert (lion["count_content"], lion["plays"]) == (2, 3000)
    assert (lion["reach"], lion["reach_reported"], lion["reach_basis"]) == (1500, 500, "estimated")
    assert lion["count_content_reach_estimated"] == 1
    assert lion["is_reach_upper_bound"] is True  # two items, two days each: people may repeat
    assert lion["engagement_rate"] == pytest.approx((180 + 100) / 3000)
    assert lion["count_interactions"] == 280
    assert (lion["impressions"], lion["frequency"], lion["watch_time_h"]) == (None, None, None)
    assert (lion["first_on"], lion["last_on"]) == (date(2025, 1, 28), date(2025, 1, 30))
    skit = programs["P2025-02"]
    assert (skit["plays"], skit["reach"], skit["reach_basis"]) == (300, 150, "estimated")
    assert skit["engagement_rate"] == pytest.approx(15 / 300)
    unpublished = programs["P2025-04"]
    assert (unpublished["count_content"], unpublished["plays"]) == (0, 0)
    assert (unpublished["reach"], unpublished["reach_basis"]) == (None, None)


def test_youtube_reach_frequency_and_watch_time_come_from_its_period_totals(
    reader: Reader,
) -> None:
    crosstalk = rows(report(reader, "program"), "program_id")["P2025-03"]
    # wb3: 400 + 100 reported + 100 plays / 2 estimated (a day without 观看人数); yt3: 200.
    assert (crosstalk["plays"], crosstalk["reach"], crosstalk["reach_reported"]) == (1500, 750, 700)
    assert crosstalk["reach_basis"] == "estimated"
    assert crosstalk["impressions"] == 4000
    assert crosstalk["count_content_with_impressions"] == 1
    # Frequency over the item that reports impressions only: 4000 / 200, all reported.
    assert crosstalk["frequency"] == pytest.approx(20.0)
    assert crosstalk["frequency_basis"] == "reported"
    # YouTube reports no interactions: its 400 plays stay out of the denominator.
    assert crosstalk["engagement_rate"] == pytest.approx(110 / 1100)
    assert crosstalk["watch_time_h"] == pytest.approx(10.0)
    assert crosstalk["count_content_with_watch_time"] == 1
    assert crosstalk["is_period_prorated"] is False
    youtube = rows(report(reader, "platform"), "platform_id")["youtube"]
    assert (youtube["reach"], youtube["reach_basis"]) == (200, "reported")
    assert youtube["is_reach_upper_bound"] is False  # one item's own unique viewers


def test_a_window_cuts_days_and_pro_rates_period_totals_as_estimates(reader: Reader) -> None:
    day_one = {"start_on": date(2025, 1, 28), "end_on": date(2025, 1, 28)}
    lion = rows(report(reader, "program", **day_one), "program_id")["P2025-01"]
    assert (lion["plays"], lion["reach"], lion["reach_reported"]) == (1600, 800, 300)
    assert lion["engagement_rate"] == pytest.approx((100 + 60) / 1600)
    youtube = rows(report(reader, "platform", **day_one), "platform_id")["youtube"]
    # 300 of the period's 400 plays fall on the day: 3/4 of 200 viewers, 4000 shown, 10 h.
    assert (youtube["plays"], youtube["reach"], youtube["reach_basis"]) == (300, 150, "estimated")
    assert youtube["impressions"] == 3000
    assert youtube["frequency"] == pytest.approx(20.0)
    assert youtube["frequency_basis"] == "estimated"
    assert youtube["watch_time_h"] == pytest.approx(7.5)
    assert youtube["is_period_prorated"] is True
    later = rows(report(reader, "program", start_on="2025-01-30"), "program_id")
    assert (later["P2025-01"]["plays"], later["P2025-01"]["reach"]) == (400, 200)
    assert (later["P2025-02"]["count_content"], later["P2025-02"]["plays"]) == (0, 0)


def test_reach_is_reported_only_when_every_part_is_reported(reader: Reader) -> None:
    two_days = {"start_on": "2025-01-28", "end_on": "2025-01-29"}
    weibo = rows(report(reader, "platform", **two_days), "platform_id")["weibo"]
    assert (weibo["plays"], weibo["reach"], weibo["reach_basis"]) == (2000, 1000, "reported")
    assert weibo["reach_reported"] == 1000
    assert weibo["is_reach_upper_bound"] is True  # daily viewers summed over days and items
    all_time = rows(report(reader, "platform"), "platform_id")["weibo"]
    # wb3's 2025-01-30 has no 观看人数: 100 plays / Weibo's observed 2 plays per viewer.
    assert (all_time["reach"], all_time["reach_reported"]) == (1050, 1000)
    assert all_time["reach_basis"] == "estimated"


def test_unmatched_content_counts_only_in_platform_and_overall_totals(reader: Reader) -> None:
    programs = report(reader, "program")
    platforms = rows(report(reader, "platform"), "platform_id")
    [overall] = report(reader, "overall").to_dicts()
    assert programs["plays"].sum() == 4800
    # dy9 (幕后花絮, 300 plays) matches no program: Douyin 2000 + 300 + 300.
    assert (platforms["douyin"]["plays"], platforms["douyin"]["count_content"]) == (2600, 3)
    assert (overall["plays"], overall["count_content"]) == (5100, 6)
    assert overall["reach"] == 1000 + 150 + 150 + 500 + 550 + 200
    assert overall["reach_basis"] == "estimated" and overall["is_reach_upper_bound"] is True
    assert platforms["bilibili"]["count_content"] == 0  # every platform is listed


def test_a_sponsor_filter_returns_only_that_sponsors_programs(reader: Reader) -> None:
    mine = report(reader, "program", sponsor_id="S02")
    assert mine["program_id"].to_list() == ["P2025-02", "P2025-03"]
    platforms = rows(report(reader, "platform", sponsor_id="S02"), "platform_id")
    assert platforms["douyin"]["plays"] == 300  # dy2 only: no P2025-01, no unmatched dy9
    assert platforms["weibo"]["plays"] == 1100
    [overall] = report(reader, "overall", sponsor_id="S02").to_dicts()
    assert overall["plays"] == 300 + 1500
    [sponsor] = report(reader, "sponsor", sponsor_id="S01").to_dicts()
    assert (sponsor["sponsor_id"], sponsor["plays"], sponsor["reach"]) == ("S01", 3300, 1650)
    sponsors = rows(report(reader, "sponsor"), "sponsor_id")
    assert (sponsors["S01"]["plays"], sponsors["S02"]["plays"]) == (3300, 1800)
    assert report(reader, "program", sponsor_id="S99").is_empty()


def test_several_grains_from_one_pass_equal_each_grain_on_its_own(reader: Reader) -> None:
    blocks = reader.blocks if isinstance(reader, HandReader) else None
    for window in ({}, {"start_on": "2025-01-28", "end_on": "2025-01-29"}):
        for sponsor_id in (None, "S02"):
            args: dict[str, Any] = {"sponsor_id": sponsor_id, **window}
            together = reach_by(reader, tuple(KEYS), defaults=TEST_DEFAULTS, blocks=blocks, **args)
            assert list(together) == list(KEYS)
            for by, frame in together.items():
                assert_frame_equal(frame, report(reader, by, **args))
    with pytest.raises(ValueError, match="by must be one of"):
        reach_by(reader, ())


def test_a_sponsor_is_compared_with_the_median_program_of_its_edition(reader: Reader) -> None:
    # Published programs: P01 3000 plays, P02 300, P03 1500 (P04 is published nowhere).
    compared = rows(sponsor_vs_median(reader, "S01"), "program_id")
    assert list(compared) == ["P2025-01", "P2025-02"]
    lion, skit = compared["P2025-01"], compared["P2025-02"]
    assert (lion["median_plays"], lion["count_programs_in_edition"]) == (1500.0, 3)
    assert (lion["plays_vs_median"], lion["rank_plays"]) == (pytest.approx(2.0), 1)
    assert (skit["plays_vs_median"], skit["rank_plays"]) == (pytest.approx(0.2), 3)
    # Engagement rates 280/3000, 15/300, 110/1100: the median is P01's own.
    assert lion["median_engagement_rate"] == pytest.approx(280 / 3000)
    assert lion["engagement_rate_vs_median"] == pytest.approx(1.0)
    assert skit["engagement_rate_vs_median"] == pytest.approx(0.05 / (280 / 3000))
    assert_frame_equal(
        sponsor_vs_median(reader, "S01"), sponsor_vs_median(reader, "S01", end_on="2030-12-31")
    )
    last_day = rows(sponsor_vs_median(reader, "S01", start_on="2025-01-30"), "program_id")
    # 400, 0 and 100 plays on 2025-01-30: median 100.
    assert last_day["P2025-01"]["plays_vs_median"] == pytest.approx(4.0)
    assert last_day["P2025-02"]["plays"] == 0


def test_the_estimate_uses_observed_ratios_else_the_defaults_file(reader: Reader) -> None:
    pinned = rows(platform_ratios(reader, defaults=TEST_DEFAULTS), "platform_id")
    assert (pinned["weibo"]["views_per_viewer"], pinned["weibo"]["views_per_viewer_source"]) == (
        2.0,
        "observed",
    )
    assert pinned["douyin"]["views_per_viewer_source"] == "default"
    assert pinned["youtube"]["views_per_viewer"] == 4.0  # one reporting item is too few
    assert pinned["bilibili"]["views_per_viewer"] == 1.0  # not listed: the fallback
    shipped = load_reach_defaults()
    assert shipped.min_reporting_content > 2  # so Weibo's two items fall back to the file
    ratios = rows(platform_ratios(reader), "platform_id")
    assert ratios["weibo"]["views_per_viewer"] == shipped.views_per_viewer["weibo"]
    douyin = rows(reach(reader, by="platform"), "platform_id")["douyin"]
    assert douyin["reach"] == round(2600 / shipped.views_per_viewer["douyin"])


def test_bad_arguments_are_refused(home: Path) -> None:
    reader = Reader(home)  # arguments are checked before any query runs
    with pytest.raises(ValueError, match="by must be one of"):
        reach(reader, by="edition")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="after end_on"):
        reach(reader, by="overall", start_on="2025-02-01", end_on="2025-01-01")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        reach(reader, by="overall", start_on="Feb 1")
    with pytest.raises(ValueError, match="at least 1"):
        ReachDefaults(min_reporting_content=0)
    with pytest.raises(ValueError, match=">= 1"):
        ReachDefaults(views_per_viewer={"douyin": 0.5})


@pytest.fixture(scope="module")
def demo(demo_settings: Settings) -> Iterator[Reader]:
    """A reader of the shared demo warehouse (tests/conftest.py)."""
    opened = Reader(demo_settings.home)
    yield opened
    opened.close()


def test_demo_plays_equal_the_planted_totals_overall_and_per_platform(demo: Reader) -> None:
    planted = PLANTED["total_plays"]
    [overall] = reach(demo, by="overall").to_dicts()
    assert overall["plays"] == planted["total"]
    by_platform = reach(demo, by="platform")
    # Every known platform is listed; one the demo has no content on (tiktok) has no plays.
    with_content = by_platform.filter(pl.col("count_content") > 0)
    assert dict(zip(with_content["platform_id"], with_content["plays"], strict=True)) == {
        platform: plays for platform, plays in planted["by_platform"].items()
    }
    assert by_platform.filter(pl.col("count_content") == 0)["plays"].to_list() == [0]
    programs = reach(demo, by="program")
    assert programs["plays"].sum() == planted["matched_to_programs"]
    assert overall["plays"] - programs["plays"].sum() == planted["unmatched_contents"]


def test_demo_labels_reach_by_what_each_platform_reports(demo: Reader) -> None:
    platforms = rows(reach(demo, by="platform"), "platform_id")
    assert platforms["weibo"]["reach_basis"] == "reported"  # every day has 观看人数
    assert platforms["weibo"]["reach"] == platforms["weibo"]["reach_reported"]
    assert platforms["douyin"]["reach_basis"] == "estimated"
    assert platforms["douyin"]["reach_reported"] == 0
    # A known platform the demo has no content on (tiktok) has no reach to label.
    assert all(0 < p["reach"] <= p["plays"] for p in platforms.values() if p["count_content"])


def test_demo_sponsor_reports_hold_exactly_their_programs(demo: Reader) -> None:
    sponsors = rows(reach(demo, by="sponsor"), "sponsor_id")
    for planted in PLANTED["catalogue"]["sponsors"]:
        own = reach(demo, by="program", sponsor_id=planted["id"])
        assert own.height == planted["programs"]
        assert sponsors[planted["id"]]["plays"] == own["plays"].sum()
        compared = sponsor_vs_median(demo, planted["id"])
        assert compared["program_id"].to_list() == sorted(own["program_id"].to_list())
        assert compared["median_plays"].is_not_null().all()
        # All time reads the calendar blocks; a window holding every day reads the days.
        assert_frame_equal(compared, sponsor_vs_median(demo, planted["id"], start_on="2000-01-01"))


def _demo_windows(demo: Reader, count: int) -> list[tuple[date | None, date | None]]:
    """Windows over the demo's days: unbounded, on and off week and month bounds, single days,
    and random ones (fixed seed) that cut periods, weeks of a month and months."""
    first, last = demo.query("date_range").row(0)[:2]
    rng = random.Random(20260216)
    windows: list[tuple[date | None, date | None]] = [(None, None), (None, last), (first, None)]
    month = date(first.year, first.month, 1)
    windows += [(month, month + timedelta(days=62)), (month + timedelta(days=3), None)]
    span = (last - first).days
    while len(windows) < count:
        start = first + timedelta(days=rng.randrange(-5, span))
        end = start + timedelta(days=rng.choice([0, 1, 6, 9, 30, 31, 45, 75, 120, span]))
        windows.append((start, end))
    return windows


def test_blocks_and_day_rows_give_the_same_report_on_the_demo(
    demo: Reader, demo_settings: Settings
) -> None:
    grains = published_rows(
        demo_settings.home, "select distinct grain from mart_reach_content_blocks order by grain"
    )
    # The demo has every kind of block, so the comparison below exercises each one.
    assert grains == [("all",), ("month",), ("period",), ("week",)]
    sponsor = PLANTED["catalogue"]["sponsors"][0]["id"]
    for start, end in _demo_windows(demo, 24):
        for by in ("program", "platform", "overall", "sponsor"):
            for sponsor_id in (None, sponsor):
                args = {"by": by, "start_on": start, "end_on": end, "sponsor_id": sponsor_id}
                days = reach(demo, blocks=False, **args)
                blocks = reach(demo, blocks=True, **args)
                # A rounded reach may differ in its last digit (floating-point sums in another
                # order); everything else is identical.
                for column in ("reach", "reach_reported"):
                    assert days[column].is_null().equals(blocks[column].is_null()), (args, column)
                    gap = (days[column] - blocks[column]).abs().max()
                    assert gap is None or gap <= 1, (args, column, gap)
                try:
                    assert_frame_equal(
                        days.drop("reach", "reach_reported"),
                        blocks.drop("reach", "reach_reported"),
                        check_exact=False,
                        rel_tol=1e-9,
                    )
                except AssertionError as error:
                    raise AssertionError(f"{args}: {error}") from error


def test_preset_windows_are_stored_at_publish_and_read_back_as_computed(
    demo: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every edition's preset windows and all time are computed at publish: reach_by reads them
    back, the same frames as computing them, and computes live for any other window or code."""
    from warehouse.analytics import reach as reach_module
    from warehouse.reach_windows import GRAINS, SPONSOR_GRAINS, windows

    editions = demo.query("views_editions")
    spans = windows(editions)
    assert (None, None) in spans and len(spans) == 1 + 4 * editions.height
    sponsors = demo.query("sponsors")["sponsor_id"].to_list()
    assert sponsors
    reports = [(start, end, None, GRAINS) for start, end in spans]
    reports += [(None, None, sponsor, SPONSOR_GRAINS) for sponsor in sponsors]
    for start, end, sponsor, grains in reports:
        stored = reach_module.stored_reach(demo, grains, start, end, sponsor_id=sponsor)
        assert stored is not None, (start, end, sponsor)
        live = reach_by(demo, grains, start_on=start, end_on=end, sponsor_id=sponsor, stored=False)
        for grain in grains:
            again = reach_by(demo, (grain,), start_on=start, end_on=end, sponsor_id=sponsor)[grain]
            for got in (stored[grain], again):
                # A rounded reach may differ in its last digit between any two computations
                # (DuckDB sums doubles across threads in no fixed order); all else is identical.
                for column in ("reach", "reach_reported"):
                    gap = (got[column] - live[grain][column]).abs().max()
                    assert gap is None or gap <= 1, (start, end, sponsor, grain, column, gap)
                assert_frame_equal(
                    got.drop("reach", "reach_reported"),
                    live[grain].drop("reach", "reach_reported"),
                    check_exact=False,
                    rel_tol=1e-9,
                )
    # A window nobody stored, a sponsor over another window: computed live.
    assert reach_module.stored_reach(demo, GRAINS, date(2025, 2, 3), date(2025, 2, 5)) is None
    assert (
        reach_module.stored_reach(demo, SPONSOR_GRAINS, *spans[1], sponsor_id=sponsors[0]) is None
    )
    # Figures stored by other code are not read.
    first = spans[1]
    monkeypatch.setattr(reach_module, "stored_code_sha256", lambda: "other code")
    assert reach_module.stored_reach(demo, GRAINS, *first) is None


def test_stored_windows_are_recomputed_only_when_what_they_read_changed(
    demo_settings: Settings, tmp_path: Path
) -> None:
    import shutil

    from warehouse import parts
    from warehouse.reach_windows import refresh
    from warehouse.store import current_snapshot

    home = tmp_path / "home"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples"))
    snapshot = current_snapshot(home)
    assert snapshot is not None
    con = parts.connect(snapshot)
    try:
        assert refresh(con, {"fct_survey_response", "mart_segment_population"}) == 0
        con.execute("update mart_reach_window set plays = -1 where grain = 'platform'")
        assert refresh(con, {"mart_reach_content_blocks"}) > 0  # an input: recomputed
        assert con.execute(
            "select count(*) from mart_reach_window where plays = -1"
        ).fetchall() == [(0,)]
        con.execute("update mart_reach_window set code_sha256 = 'older code'")
        assert refresh(con, set()) > 0  # other code: recomputed whatever changed
        con.execute("drop table mart_reach_window")
        assert refresh(con, set()) > 0  # missing: computed
    finally:
        con.close()
