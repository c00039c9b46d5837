"""The views & reach page: its filters, datasets and figures against the demo warehouse, and its
callbacks over HTTP."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date

import polars as pl
import pytest

from dashboard import charts_views, components
from dashboard.components import FILTER, filters_id
from dashboard.pages import views
from tests.builders import published_rows
from tests.dashboard.callbacks import download_as, post_callback, signed_in_client
from warehouse.analytics import reach
from warehouse.query import Reader
from warehouse.settings import Settings, load_settings

pytestmark = pytest.mark.usefixtures("demo_data")

EDITION_2025 = {"edition_year": 2025, "spring_festival_on": date(2025, 1, 29)}


def _trace(fig, name: str):
    return next(tr for tr in fig.data if tr.name == name)


# -- filters ---------------------------------------------------------------------------------------
def test_preset_windows_count_days_from_the_editions_spring_festival() -> None:
    assert views.window_of({"window": "festival"}, EDITION_2025) == views.Window(
        "festival", date(2025, 1, 22), date(2025, 2, 12)
    )
    # The gala is broadcast on New Year's Eve, the day before Spring Festival.
    assert views.window_of({"window": "d30"}, EDITION_2025).start_on == date(2025, 1, 28)


def test_custom_dates_win_over_a_preset_and_bad_dates_are_dropped() -> None:
    assert views.window_of(
        {"window": "d30", "start": "2025-03-01", "end": "2025-02-01"}, EDITION_2025
    ) == views.Window("custom", date(2025, 2, 1), date(2025, 3, 1))
    dropped = views.window_of({"start": "2025-13-01'; drop table x", "window": "?"}, EDITION_2025)
    assert dropped.preset == "all"


def test_unknown_platforms_programs_and_metrics_in_the_url_are_dropped() -> None:
    s = views.state(
        {
            "edition": "2024",
            "platform": "douyin,myspace",
            "program": "P2024-24,P2025-36,x",
            "metric": "likes",
        }
    )
    assert (s.year, s.platforms, s.programs, s.metric) == (2024, ["douyin"], ["P2024-24"], "plays")


# -- plays -----------------------------------------------------------------------------------------
def test_daily_plays_by_platform_sum_to_the_marts_plays_in_the_window(
    demo_data: Settings,
) -> None:
    filters = {"lang": "zh", "edition": "2025", "window": "d30", "platform": "douyin,bilibili"}
    fig = views.platform_figure(filters)
    assert [tr.name for tr in fig.data] == ["哔哩哔哩", "抖音"]
    [(expected,)] = published_rows(
        demo_data.home,
        "select sum(views) from mart_program_daily where edition_year = 2025 "
        "and date_on between '2025-01-28' and '2025-02-28' "
        "and platform_id in ('douyin', 'bilibili')",
    )
    assert sum(sum(tr.y) for tr in fig.data) == expected
    assert len(_trace(fig, "抖音").x) == 32
    assert fig.layout.yaxis.title.text == "播放量（次）"
    assert [a.text for a in fig.layout.annotations] == ["春节"]


def test_the_metric_filter_switches_the_series_titles_and_units() -> None:
    fig = views.platform_figure({"lang": "en", "edition": "2025", "metric": "watch_time_h"})
    assert fig.layout.title.text == "Daily watch time by platform"
    assert fig.layout.yaxis.title.text == "Watch time (hours)"
    frame = views.platform_daily({"edition": "2025"})
    # A platform that reports no watch time has no line, rather than a line at zero.
    silent = frame.group_by("platform_id").agg(pl.col("watch_time_h").is_null().all())
    drawn = {tr.meta["key"] for tr in fig.data}
    assert drawn == set(silent.filter(~pl.col("watch_time_h"))["platform_id"].to_list())


def test_programs_over_time_default_to_the_five_most_played(demo_data: Settings) -> None:
    fig = views.program_figure({"edition": "2025"})
    top5 = published_rows(
        demo_data.home,
        "select program_title_zh from mart_program_daily where edition_year = 2025 "
        "group by program_id, program_title_zh order by sum(views) desc, program_id limit 5",
    )
    assert [tr.name for tr in fig.data] == [r[0] for r in top5]
    chosen = views.program_figure({"edition": "2024", "program": "P2024-24"})
    assert [tr.name for tr in chosen.data] == ["未来故乡"]


def test_top_programs_stack_each_programs_platforms_with_the_largest_on_top(
    demo_data: Settings,
) -> None:
    fig = views.top_programs_figure({"edition": "2025"})
    bars = [tr for tr in fig.data if tr.type == "bar"]
    totals = [sum(values) for values in zip(*(tr.x for tr in bars), strict=True)]
    assert totals == sorted(totals, reverse=True)
    rows = published_rows(
        demo_data.home,
        "select program_title_zh, sum(views) from mart_program_daily where edition_year = 2025 "
        "group by all order by 2 desc limit 10",
    )
    assert list(bars[0].y) == [r[0] for r in rows]
    assert totals == [r[1] for r in rows]
    assert [tr.name for tr in bars][:2] == ["哔哩哔哩", "抖音"]


# -- engagement and reach --------------------------------------------------------------------------
def test_engagement_rates_are_reach_reports_and_a_silent_platform_is_labelled(
    demo_data: Settings,
) -> None:
    filters = {"lang": "zh", "edition": "2025"}
    s = views.state(filters)
    expected = reach.reach(
        Reader(demo_data.home), by="platform", start_on=s.window.start_on, end_on=s.window.end_on
    )
    fig = views.engagement_figure(filters)
    bar = fig.data[0]
    rates = dict(zip(bar.meta["platform_ids"], bar.y, strict=True))
    # Every known platform is listed by reach; one with no content (tiktok) draws no bar.
    for row in expected.filter(pl.col("count_content") > 0).iter_rows(named=True):
        assert rates[row["platform_id"]] == pytest.approx(row["engagement_rate"], nan_ok=True)
    assert rates["youtube"] is None  # YouTube Studio exports report no interactions
    assert [a.text for a in fig.layout.annotations if a.name == "not_reported"] == [
        "未报告<br>互动"
    ]
    overall = reach.reach(
        Reader(demo_data.home), by="overall", start_on=s.window.start_on, end_on=s.window.end_on
    )
    assert views.overall_engagement(views.reach_platform(filters)) == pytest.approx(
        overall["engagement_rate"][0]
    )


def test_reach_bars_split_reported_and_estimated_parts_with_a_hatched_estimate() -> None:
    filters = {"lang": "zh", "edition": "2025"}
    frame = views.reach_platform(filters)
    fig = views.reach_platform_figure(filters)
    reported, estimated = _trace(fig, "平台报告"), _trace(fig, "估算")
    assert estimated.marker.pattern.shape == "/"
    assert reported.marker.pattern.shape is None
    by_key = {r["platform_id"]: r for r in frame.to_dicts()}
    for key, rep, est in zip(reported.meta["keys"], reported.y, estimated.y, strict=True):
        assert rep + est == by_key[key]["reach"]
    # Only Weibo and YouTube report unique viewers in the demo; Douyin is wholly estimated.
    assert by_key["douyin"]["reach_basis"] == "估算"
    assert by_key["douyin"]["reach_reported"] == 0


def test_the_program_table_labels_estimated_reach_in_the_ui_language(
    demo_data: Settings,
) -> None:
    zh = views.programs({"lang": "zh", "edition": "2024"})
    en = views.programs({"lang": "en", "edition": "2024"})
    assert set(zh["reach_basis"].drop_nulls()) <= {"估算", "平台报告"}
    assert set(en["reach_basis"].drop_nulls()) <= {"estimated", "reported"}
    [(count,)] = published_rows(
        demo_data.home, "select count(*) from mart_reach_program where edition_year = 2024"
    )
    assert zh.height == count
    fig = views.reach_programs_figure({"lang": "en", "edition": "2024"})
    assert fig.layout.title.text == "Top programs by reach"
    assert len(fig.data[0].y) == 15


# -- live ------------------------------------------------------------------------------------------
def test_the_live_curve_marks_the_editions_summed_peak(demo_data: Settings) -> None:
    fig = views.live_figure({"edition": "2025"})
    [(peak, peak_at)] = published_rows(
        demo_data.home,
        "select peak_concurrent_viewers, peak_minute_at from mart_live_total "
        "where edition_year = 2025",
    )
    star = next(tr for tr in fig.data if (tr.meta or {}).get("role") == "peak")
    assert (star.y[0], star.x[0]) == (peak, peak_at)
    assert [tr.name for tr in fig.data][-2] == "全部平台合计"
    table = views.stream_table({"edition": "2025"})
    assert table.height == 3
    assert table["platform_id"].to_list()[0] == "抖音"


def test_one_platforms_live_curve_peaks_at_its_streams_pcu(demo_data: Settings) -> None:
    fig = views.live_figure({"edition": "2024", "platform": "bilibili"})
    [(pcu,)] = published_rows(
        demo_data.home,
        "select max(peak_concurrent_viewers) from mart_live_stream "
        "where edition_year = 2024 and platform_id = 'bilibili'",
    )
    assert [tr.name for tr in fig.data] == ["哔哩哔哩", "峰值"]
    assert fig.data[1].y[0] == pcu


# -- charts' empty states ----------------------------------------------------------------------------
def test_figures_say_why_they_are_empty() -> None:
    empty = pl.DataFrame(
        schema={"date_on": pl.Date, "key": pl.String, "label": pl.String, "value": pl.Int64}
    )
    fig = charts_views.metric_over_time(empty, metric="impressions", lang="en")
    assert fig.layout.title.text == "Daily impressions by platform"
    assert fig.layout.annotations[0].text.startswith("The selected platforms report no")
    rates = pl.DataFrame({"platform_id": ["youtube"], "engagement_rate": [None]})
    assert charts_views.engagement_by_platform(rates).layout.annotations[0].text == (
        "所选平台在该时段没有报告互动数据"
    )
    assert views.live_figure({"edition": "2025", "platform": "weibo"}).data == ()


# -- callbacks and downloads -------------------------------------------------------------------------
def test_render_answers_over_http_like_the_browser_calls_it(dash_app) -> None:
    outputs = [
        ("views-kpis", "children"),
        ("views-platform_daily", "figure"),
        ("views-program_daily", "figure"),
        ("views-top_programs", "figure"),
        ("views-engagement", "figure"),
        ("views-reach_platform", "figure"),
        ("views-reach_programs", "figure"),
        ("views-programs", "rowData"),
        ("views-programs", "columnDefs"),
        ("views-live", "figure"),
        ("views-streams", "rowData"),
        ("views-streams", "columnDefs"),
    ]
    body = post_callback(
        dash_app,
        outputs=outputs,
        inputs=[(filters_id("views"), "data", {"page": "views", "lang": "en", "edition": "2024"})],
    )["response"]
    assert body["views-platform_daily"]["figure"]["layout"]["title"]["text"] == (
        "Daily plays by platform"
    )
    assert body["views-programs"]["columnDefs"][0]["headerName"] == "Program"
    assert {r["platform_id"] for r in body["views-streams"]["rowData"]} == {"Bilibili", "Douyin"}


def _window_callback(dash_app, choice, start, end, changed: str) -> dict[str, object]:
    """POST the window callback as the browser does when only `changed` has changed."""
    outputs = [
        {"id": {"type": FILTER, "page": "views", "key": k}, "property": "value"}
        for k in views.WINDOW_KEYS
    ]
    inputs = [
        {"id": "views-window-choice", "property": "value", "value": choice},
        {"id": "views-dates", "property": "start_date", "value": start},
        {"id": "views-dates", "property": "end_date", "value": end},
    ]
    ids = [json.dumps(o["id"], sort_keys=True, separators=(",", ":")) for o in outputs]
    payload = {
        "output": ".." + "...".join(f"{i}.value" for i in ids) + "..",
        "outputs": outputs,
        "inputs": inputs,
        "state": [],
        "changedPropIds": [changed],
    }
    response = signed_in_client(dash_app, "organizer").post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    body = response.get_json()["response"]
    return {key: body[i]["value"] for key, i in zip(views.WINDOW_KEYS, ids, strict=True)}


def test_a_preset_clears_custom_dates_and_picked_dates_clear_the_preset(dash_app) -> None:
    picked = _window_callback(dash_app, "d30", "2025-02-01", "2025-02-10", "views-dates.end_date")
    assert picked == {"window": None, "start": "2025-02-01", "end": "2025-02-10"}
    preset = _window_callback(
        dash_app, "festival", "2025-02-01", "2025-02-10", "views-window-choice.value"
    )
    assert preset == {"window": "festival", "start": None, "end": None}
    default = _window_callback(dash_app, "all", "2025-02-01", None, "views-window-choice.value")
    assert default == {"window": None, "start": None, "end": None}


def test_the_programs_csv_has_chinese_headers_and_reach_basis() -> None:
    payload = download_as(
        "organizer", "views", "programs", "csv", [{"page": "views", "edition": "2025"}]
    )
    raw = base64.b64decode(payload["content"]) if payload.get("base64") else payload["content"]
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["节目", "播放量", "互动量", "互动率", "触达人数", "触达口径"]
    assert rows[1][5] == "估算"


# -- the program list: searched on the server ------------------------------------------------------
def _edition_titles(year: int) -> list[tuple[str, str, int]]:
    """(program id, title, plays) of an edition's programs, straight from the warehouse."""
    return published_rows(
        load_settings().home,
        "select program_id, any_value(program_title_zh), sum(views) from mart_views_program_total"
        " where edition_year = ? group by program_id order by 3 desc, 1",
        [year],
    )


def test_the_program_list_holds_the_selected_then_the_most_played_matches(monkeypatch) -> None:
    monkeypatch.setattr(components, "LIST_OPTIONS", 4)
    everything = _edition_titles(2025)
    assert len(everything) > 4  # the list is cut: what a 10M-row edition's thousands need
    top = views.program_options(2025, [], None)
    assert top == [(pid, title) for pid, title, _ in everything[:4]]
    least = everything[-1][0]
    kept = views.program_options(2025, [least], None)
    assert kept[0] == (least, everything[-1][1]) and len(kept) == 4
    word = everything[-1][1][:2]  # a Chinese fragment of the least played title
    found = views.program_options(2025, [], word)
    expected = [(pid, title) for pid, title, _ in everything if word in title][:4]
    assert found == expected and (least, everything[-1][1]) in views.program_options(
        2025, [], everything[-1][1]
    )
    assert views.program_options(2025, [], "没有这个节目") == []
    assert views.program_options(2025, [], everything[0][0].lower())[0][0] == everything[0][0]


def test_the_program_search_answers_over_http_for_organizers_only(dash_app) -> None:
    everything = _edition_titles(2024)
    title = everything[-1][1]
    program = {"type": FILTER, "page": "views", "key": "program"}
    edition = {"type": FILTER, "page": "views", "key": "edition"}
    request = {
        "outputs": [(program, "options")],
        "inputs": [(program, "search_value", title)],
        "state": [(program, "value", [everything[0][0]]), (edition, "value", "2024")],
    }
    body = post_callback(dash_app, **request)["response"]
    options = body[json.dumps(program, sort_keys=True, separators=(",", ":"))]["options"]
    assert options[0] == {"label": everything[0][1], "value": everything[0][0]}  # kept
    assert {"label": title, "value": everything[-1][0]} in options
    assert len(options) <= components.LIST_OPTIONS
    for role in ("sponsor", "researcher", None):
        post_callback(dash_app, **request, role=role, expect_status=403 if role else 401)
