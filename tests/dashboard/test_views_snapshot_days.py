"""The Views page marks days derived from snapshot exports instead of drawing a daily curve."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard import charts_views
from dashboard.i18n import t


def test_snapshot_days_are_dots_with_a_hover_note_and_a_legend_line() -> None:
    first = t("views.note.first_snapshot", "zh")
    interval = t("views.note.interval", "zh")
    frame = pl.DataFrame(
        {
            "date_on": [date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 20), date(2026, 3, 21)],
            "key": ["xiaohongshu", "xiaohongshu", "bilibili", "bilibili"],
            "label": ["xiaohongshu", "xiaohongshu", "bilibili", "bilibili"],
            "value": [100, 250, 40, 30],
            "note": [first, interval, "", ""],
        }
    )
    fig = charts_views.metric_over_time(frame, series="platform", lang="zh")
    traces = {trace.meta["key"]: trace for trace in fig.data}
    assert traces["xiaohongshu"].mode == "markers"
    assert list(traces["xiaohongshu"].customdata) == [first, interval]
    assert traces["bilibili"].mode == "lines"
    assert "%{customdata}" in traces["bilibili"].hovertemplate
    assert [a.text for a in fig.layout.annotations] == [t("views.note.snapshot_legend", "zh")]


def test_a_frame_without_snapshot_days_gets_no_legend_line() -> None:
    frame = pl.DataFrame(
        {
            "date_on": [date(2026, 3, 20), date(2026, 3, 21)],
            "key": ["bilibili", "bilibili"],
            "label": ["bilibili", "bilibili"],
            "value": [40, 30],
        }
    )
    fig = charts_views.metric_over_time(frame, series="platform", lang="en")
    assert not fig.layout.annotations
    assert fig.data[0].mode == "lines"
