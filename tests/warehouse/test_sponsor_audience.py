"""A sponsor's audience by country and age: per-video breakdowns of their programs, k-suppressed."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from warehouse import parts, store
from warehouse.query import Reader
from warehouse.settings import Settings
from warehouse.sponsor_report import build_sponsor_report, report_html, suppress_audience

SPONSOR = "S01"


def test_values_under_k_views_are_hidden_with_one_more_when_only_one_is() -> None:
    raw = pl.DataFrame(
        {
            "dimension": ["country"] * 4 + ["age"] * 2,
            "value_key": ["US", "CN", "DE", "FR", "18-24", "25-34"],
            "value_text": ["US", "China", "DE", "FR", "18–24 years", "25–34 years"],
            "views_basis": [500.0, 300.0, 3.0, 40.0, 2.0, 1.0],
        }
    )
    audience = suppress_audience(raw, k=5, lang="en")
    countries = audience.filter(pl.col("dimension") == "country")
    assert countries.select("value_key", "views_label").rows() == [
        ("US", "500"),
        ("CN", "300"),
        ("DE", "<5"),
        ("FR", "—"),  # hidden too: the shares of the rest would give DE away
    ]
    assert countries.filter(pl.col("is_suppressed"))["share"].null_count() == 2
    assert audience.filter(pl.col("dimension") == "age").is_empty()  # 3 views in all: left out


def test_the_sponsor_report_shows_the_audience_of_its_own_videos_only(
    demo_settings: Settings, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(demo_settings.home, home)
    snapshot = store.current_snapshot(home)
    assert snapshot is not None
    con = parts.connect(snapshot)
    try:
        own = con.execute(
            "select c.platform_id, c.content_id from dim_content c join bridge_sponsor_program b"
            " using (program_id) where b.sponsor_id = ? order by 1, 2 limit 1",
            [SPONSOR],
        ).fetchone()
        other = con.execute(
            "select platform_id, content_id from dim_content where program_id not in"
            " (select program_id from bridge_sponsor_program where sponsor_id = ?)"
            " order by 1, 2 limit 1",
            [SPONSOR],
        ).fetchone()
        assert own is not None and other is not None
        rows = [
            (*own, "country", "US", "US", 900),
            (*own, "country", "CN", "中国", 95),
            (*own, "country", "DE", "DE", 4),
            (*other, "country", "JP", "日本", 5000),
        ]
        for platform_id, content_id, dimension, key, text, views in rows:
            con.execute(
                "insert into fct_channel_breakdown (platform_id, dimension, value_key, value_text,"
                " period_start_on, period_end_on, content_id, views, load_id)"
                " values (?, ?, ?, ?, date '2025-01-01', date '2025-01-31', ?, ?, 'test')",
                [platform_id, dimension, key, text, content_id, views],
            )
    finally:
        con.close()
    reader = Reader(home)
    try:
        report = build_sponsor_report(reader, SPONSOR, k=5, lang="zh")
    finally:
        reader.close()
    # hidden values last, in label order, so their place says nothing of their size
    assert report.audience.select("value_key", "views_label").rows() == [
        ("US", "900"),
        ("DE", "<5"),
        ("CN", "—"),
    ]
    assert "JP" not in report.audience["value_key"].to_list()
    assert any("观众分布" in note for note in report.notes)
    page = report_html(report)
    assert "观众分布" in page and "&lt;5" in page
    assert "95" not in report.audience["views_label"].to_list()
