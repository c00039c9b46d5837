"""The sponsor reach report as a sponsor reads it: their programs only, figures that add up."""

from __future__ import annotations

import dataclasses
import html
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from survey.segments.dimensions import value_label
from warehouse import parts, reach_windows, schema, store
from warehouse.analytics.reach import reach
from warehouse.query import Reader
from warehouse.settings import Settings
from warehouse.sponsor_report import (
    SponsorReport,
    SponsorReportError,
    UnknownSponsorError,
    build_sponsor_report,
    report_html,
    report_pdf_bytes,
    report_xlsx_bytes,
)

SPONSOR = "S01"
TRICKY_TITLE = "=HYPERLINK(\"http://x\")<script>alert('节目')</script>"


@pytest.fixture(scope="module")
def reader(demo_settings: Settings) -> Iterator[Reader]:
    """A reader of the shared demo warehouse."""
    reader = Reader(demo_settings.home)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def report(reader: Reader) -> SponsorReport:
    """S01's report in Chinese with the survey's value labels."""
    return build_sponsor_report(reader, SPONSOR, value_label=value_label)


def sql(home: Path, query: str, params: list[object] | None = None) -> pl.DataFrame:
    """An independent query straight against the published snapshot."""
    snapshot = store.current_snapshot(home)
    assert snapshot is not None
    con = parts.connect(snapshot, read_only=True)
    try:
        return con.sql(query, params=params).pl()
    finally:
        con.close()


def test_only_the_requested_sponsors_programs_appear(
    report: SponsorReport, reader: Reader, demo_settings: Settings
) -> None:
    sponsored = sql(
        demo_settings.home,
        "select b.program_id, p.title_zh from bridge_sponsor_program b "
        "join dim_program p using (program_id) where b.sponsor_id = ?",
        [SPONSOR],
    )
    assert sorted(report.programs["program_id"]) == sorted(sponsored["program_id"])
    others = sql(
        demo_settings.home,
        "select distinct p.title_zh from bridge_sponsor_program b "
        "join dim_program p using (program_id) where b.sponsor_id <> ? "
        "and b.program_id not in (select program_id from bridge_sponsor_program "
        "where sponsor_id = ?)",
        [SPONSOR, SPONSOR],
    )["title_zh"].to_list()
    assert others, "the demo has other sponsors' programs to leak"
    page = report_html(report)
    workbook = load_workbook(io.BytesIO(report_xlsx_bytes(report)), read_only=True)
    cells = {v for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if v}
    for title in others:
        assert f">{html.escape(title)}<" not in page
        assert title not in cells
    other = build_sponsor_report(reader, "S02")
    assert not set(other.programs["program_id"]) & (
        set(report.programs["program_id"]) - set(sponsored["program_id"])
    )
    assert other.sponsor_name_zh not in page


def test_figures_equal_reach_and_an_independent_query(
    report: SponsorReport, reader: Reader, demo_settings: Settings
) -> None:
    by_program = reach(reader, by="program", sponsor_id=SPONSOR).sort("program_id")
    mine = report.programs.sort("program_id")
    for column in ("plays", "reach", "impressions", "count_interactions", "reach_basis"):
        assert mine[column].to_list() == by_program[column].to_list(), column
    plays = sql(
        demo_settings.home,
        "select d.program_id, sum(d.views) as plays from mart_reach_content_daily d "
        "join bridge_sponsor_program b on b.program_id = d.program_id "
        "where b.sponsor_id = ? group by d.program_id order by d.program_id",
        [SPONSOR],
    )
    assert mine["plays"].to_list() == plays["plays"].cast(pl.Int64).to_list()
    total = report.summary.row(0, named=True)
    assert total["plays"] == plays["plays"].sum()
    assert total["plays"] == report.daily["plays"].sum() == report.weekly["plays"].sum()
    assert total["plays"] == report.platforms["plays"].sum()
    assert total["count_programs"] == report.programs.height
    sponsor_row = reach(reader, by="sponsor", sponsor_id=SPONSOR).row(0, named=True)
    assert total["reach"] == sponsor_row["reach"]
    assert total["engagement_rate"] == pytest.approx(sponsor_row["engagement_rate"])
    # The median comparison is the edition's: plays / median plays of that edition.
    for row in report.programs.iter_rows(named=True):
        assert row["plays_vs_median"] == pytest.approx(row["plays"] / row["median_plays"])


def test_estimated_reach_is_labelled_everywhere(report: SponsorReport) -> None:
    estimated = report.programs.filter(pl.col("reach_basis") == "estimated")
    assert estimated.height, "the demo has estimated reach"
    assert set(estimated["reach_basis_label"]) == {"估算"}
    reported = report.platforms.filter(pl.col("reach_basis") == "reported")
    assert set(reported["reach_basis_label"]) <= {"平台报告"}
    page = report_html(report)
    for row in estimated.iter_rows(named=True):
        assert f"≈{row['reach']:,} <span class=tag>估算</span>" in page
    english = dataclasses.replace(report, lang="en")
    assert "estimated" in report_html(english)


def test_the_profile_never_shows_a_cell_under_k(
    report: SponsorReport, demo_settings: Settings
) -> None:
    profile = report.profile
    assert profile.height, "S01's creators make a profile"
    shown = profile.filter(~pl.col("is_suppressed"))
    assert shown.height and (shown["count_people"] >= report.k).all()
    hidden = profile.filter(pl.col("is_suppressed"))
    assert hidden["count_people"].is_null().all() and hidden["share"].is_null().all()
    assert set(hidden["count_label"]) <= {"<5", "—"}
    # A lone "<5" could be recovered from the total, so no breakdown hides exactly one cell.
    for _, cells in profile.group_by("dimension"):
        assert cells["is_suppressed"].sum() != 1
    # Shown counts are distinct credited creators, as counted straight from the warehouse.
    expected = sql(
        demo_settings.home,
        "select c.gender, count(distinct c.participant_id) as n from mart_program_creator c "
        "join bridge_sponsor_program b on b.program_id = c.program_id "
        "where b.sponsor_id = ? group by c.gender",
        [SPONSOR],
    )
    counts = dict(zip(expected["gender"], expected["n"], strict=True))
    for row in shown.filter(pl.col("dimension") == "gender").iter_rows(named=True):
        assert row["count_people"] == counts[row["value"]]
    page = report_html(report)
    assert "<5" not in page and "&lt;5" in page


def test_a_breakdown_of_fewer_than_k_people_is_omitted_with_a_note(reader: Reader) -> None:
    strict = build_sponsor_report(reader, SPONSOR, k=1000)
    assert strict.profile.is_empty()
    assert set(strict.profile_omitted) == {
        "credit_role",
        "role",
        "age_band_coarse",
        "gender",
        "city_tier",
    }
    assert any("整项不显示" in note for note in strict.notes)
    assert "整项不显示" in report_html(strict)


def test_the_live_peak_is_edition_context_and_says_so(report: SponsorReport) -> None:
    assert not report.has_air_times
    editions = sorted(report.programs["edition_year"].unique())
    assert report.live["edition_year"].to_list() == editions
    assert (report.live["peak_concurrent_viewers"] > 0).all()
    assert any("没有节目的播出时间" in note for note in report.notes)
    assert "没有节目的播出时间" in report_html(report)


def test_the_workbook_reads_back_with_numbers_and_chinese_intact(report: SponsorReport) -> None:
    workbook = load_workbook(io.BytesIO(report_xlsx_bytes(report)))
    assert workbook.sheetnames == ["摘要", "节目", "平台", "趋势", "直播", "受众", "说明"]
    summary = [row for row in workbook["摘要"].iter_rows(values_only=True)]
    assert any(row[1] and "极光算力" in str(row[1]) for row in summary)
    plays = next(row[1] for row in summary if row[0] == "播放量")
    assert plays == report.summary["plays"][0] and isinstance(plays, int)
    programs = workbook["节目"]
    header = [c.value for c in programs[1]]
    assert header[:3] == ["节目编号", "届次", "节目名称"]
    rows = list(programs.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == report.programs["title_zh"].to_list()
    assert all(isinstance(r[header.index("播放量")], int) for r in rows)
    assert {r[header.index("触达口径")] for r in rows} <= {"估算", "平台报告"}
    assert programs.freeze_panes == "A2"
    profile = list(workbook["受众"].iter_rows(min_row=2, values_only=True))
    counts = [r[2] for r in profile if r and r[1]]
    assert all(c in {"<5", "—"} or (isinstance(c, int) and c >= 5) for c in counts)


def test_english_labels(reader: Reader) -> None:
    english = build_sponsor_report(reader, SPONSOR, lang="en", value_label=value_label)
    workbook = load_workbook(io.BytesIO(report_xlsx_bytes(english)), read_only=True)
    assert workbook.sheetnames[:3] == ["Summary", "Programs", "Platforms"]
    page = report_html(english)
    assert '<html lang="en">' in page and "Aurora Compute" in page
    assert set(english.programs["reach_basis_label"]) <= {"estimated", "reported"}


@pytest.fixture(scope="module")
def tricky_home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo snapshot: one of S01's programs has a hostile title; S05 has none."""
    home = tmp_path_factory.mktemp("tricky") / "home"
    snapshot = store.current_snapshot(demo_settings.home)
    assert snapshot is not None
    (home / snapshot.parent.name).mkdir(parents=True)
    shutil.copy2(snapshot, home / snapshot.parent.name / snapshot.name)
    shutil.copy2(demo_settings.home / "CURRENT", home / "CURRENT")
    con = parts.connect(home / snapshot.parent.name / snapshot.name)
    try:
        con.execute(
            "update dim_program set title_zh = ? where program_id = (select min(program_id) "
            "from bridge_sponsor_program where sponsor_id = ?)",
            [TRICKY_TITLE, SPONSOR],
        )
        con.execute("insert into dim_sponsor values ('S05', '新赞助商', 'Newcomer', 'test')")
        # The marts built from them (mart_reach_program is a table) and the reach stored at
        # publish follow, as at a publish.
        rebuilt = schema.build_models(con, ["dim_program", "dim_sponsor"])
        reach_windows.refresh(con, {"dim_program", "dim_sponsor", *rebuilt})
    finally:
        con.close()
    return home


def test_hostile_titles_stay_text_in_xlsx_and_escaped_in_html(tricky_home: Path) -> None:
    reader = Reader(tricky_home)
    try:
        tricky = build_sponsor_report(reader, SPONSOR)
    finally:
        reader.close()
    assert TRICKY_TITLE in tricky.programs["title_zh"].to_list()
    workbook = load_workbook(io.BytesIO(report_xlsx_bytes(tricky)))
    titles = [c for c in workbook["节目"]["C"][1:]]
    cell = next(c for c in titles if c.value == TRICKY_TITLE)
    assert cell.data_type == "s"  # a string, never a formula
    page = report_html(tricky)
    assert "<script" not in page
    assert html.escape(TRICKY_TITLE) in page
    assert "src=" not in page and "<link" not in page  # self-contained: nothing fetched


def test_a_sponsor_without_programs_gets_an_empty_report_that_says_so(tricky_home: Path) -> None:
    reader = Reader(tricky_home)
    try:
        empty = build_sponsor_report(reader, "S05")
    finally:
        reader.close()
    assert empty.programs.is_empty() and empty.profile.is_empty()
    assert empty.summary["plays"][0] == 0 and empty.summary["count_programs"][0] == 0
    assert "该赞助商暂无关联节目。" in empty.notes
    assert "新赞助商" in report_html(empty)
    assert load_workbook(io.BytesIO(report_xlsx_bytes(empty))).sheetnames[0] == "摘要"


def test_unknown_sponsor_is_refused_without_naming_others(reader: Reader) -> None:
    with pytest.raises(UnknownSponsorError) as raised:
        build_sponsor_report(reader, "S99")
    assert str(raised.value) == "no sponsor 'S99'"
    with pytest.raises(SponsorReportError, match="start_on"):
        build_sponsor_report(reader, SPONSOR, start_on="2025-13-01")


def test_a_window_limits_every_figure(reader: Reader) -> None:
    windowed = build_sponsor_report(reader, SPONSOR, start_on="2025-01-01", end_on="2025-02-28")
    dates = windowed.daily["date_on"]
    assert str(dates.min()) >= "2025-01-01" and str(dates.max()) <= "2025-02-28"
    expected = reach(
        reader, by="sponsor", sponsor_id=SPONSOR, start_on="2025-01-01", end_on="2025-02-28"
    )
    plays = windowed.summary["plays"][0]
    assert plays == expected["plays"][0] == windowed.daily["plays"].sum()
    assert set(windowed.programs["program_id"]) == set(
        build_sponsor_report(reader, SPONSOR).programs["program_id"]
    )


def test_the_daily_series_equals_every_content_day_summed_for_each_sponsor_and_window(
    reader: Reader, demo_settings: Settings
) -> None:
    """The publish-time rollup (mart_sponsor_daily) against the content days it sums."""
    every = sql(
        demo_settings.home,
        "with scope as (select distinct b.sponsor_id, b.program_id, p.edition_year "
        "from bridge_sponsor_program b join dim_program p using (program_id)) "
        "select s.sponsor_id, s.edition_year, d.date_on, "
        "count(distinct d.program_id) as count_programs, "
        "cast(sum(d.views) as bigint) as plays, "
        "cast(sum(d.count_interactions) as bigint) as count_interactions, "
        "cast(sum(d.impressions) as bigint) as impressions, "
        "sum(d.watch_time_s) / 3600.0 as watch_time_h "
        "from mart_reach_content_daily d join scope s on s.program_id = d.program_id "
        "group by all order by all",
    )
    sponsors = sorted(set(every["sponsor_id"]))
    assert len(sponsors) >= 3 and every["count_programs"].max() > 1
    windows = [(None, None), ("2025-01-01", "2025-02-28"), ("2024-02-10", None)]
    for sponsor in sponsors:
        for start, end in windows:
            expected = every.filter(pl.col("sponsor_id") == sponsor)
            if start:
                expected = expected.filter(pl.col("date_on") >= pl.lit(start).str.to_date())
            if end:
                expected = expected.filter(pl.col("date_on") <= pl.lit(end).str.to_date())
            report = build_sponsor_report(reader, sponsor, start_on=start, end_on=end)
            daily = report.daily
            key = ["edition_year", "date_on"]
            assert daily.select(key).rows() == expected.select(key).rows(), (sponsor, start)
            for column in ("count_programs", "plays", "count_interactions", "impressions"):
                assert daily[column].to_list() == expected[column].to_list(), (sponsor, column)
            hours = daily["watch_time_h"].to_list()
            assert [h is None for h in hours] == expected["watch_time_h"].is_null().to_list()
            assert daily["watch_time_h"].fill_null(-1).to_list() == pytest.approx(
                expected["watch_time_h"].fill_null(-1).to_list(), rel=1e-12
            )


@pytest.mark.skipif(shutil.which("/usr/bin/chromium") is None, reason="no system Chromium")
def test_the_pdf_is_printed_by_chromium(report: SponsorReport) -> None:
    pdf = report_pdf_bytes(report, chromium="/usr/bin/chromium")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000


def test_a_missing_chromium_says_to_print_the_html(
    report: SponsorReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATORPULSE_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(SponsorReportError, match=r"\.html"):
        report_pdf_bytes(report)


def test_mart_program_creator_has_one_row_per_credit_and_no_pii(demo_settings: Settings) -> None:
    mart = sql(demo_settings.home, "select * from mart_program_creator")
    credits = sql(demo_settings.home, "select count(*) as n from bridge_program_participant")
    assert mart.height == credits["n"][0]
    assert mart.select("program_id", "participant_id").is_unique().all()
    assert not {"name", "phone", "wechat", "email", "contact"} & set(mart.columns)
    # Never-surveyed creators stay in, with an empty profile rather than a guess.
    unsurveyed = mart.filter(~pl.col("is_surveyed"))
    assert unsurveyed.height and unsurveyed["gender"].is_null().all()


def test_no_hidden_profile_cell_of_any_sponsor_can_be_recovered(reader: Reader) -> None:
    """Issue 15's attacker on every sponsor's profile: the creator count, each single-choice
    breakdown adding up to it, shares revealing their denominators, credit roles as a
    multi-select. A sponsor's report has one profile (its date window does not change it), so
    there is no second view to difference against."""
    from tests.dashboard.attacker import Attack

    attacked = 0
    for sponsor in reader.query("sponsors")["sponsor_id"].to_list():
        report = build_sponsor_report(reader, sponsor, value_label=value_label)
        if report.profile.is_empty():
            continue
        attack = Attack()
        total = attack.cell("creators", int(report.summary["count_creators"][0]))
        for (dimension,), cells in report.profile.group_by("dimension"):
            view = [
                ((dimension, r["value_label"]), r["count_people"], r["share"])
                for r in cells.iter_rows(named=True)
            ]
            attack.view(view, total, adds_up=dimension != "credit_role")
        attacked += len(attack.hidden)
        assert not attack.recovered(), sponsor
    assert attacked, "the demo's sponsors have hidden profile cells to attack"
