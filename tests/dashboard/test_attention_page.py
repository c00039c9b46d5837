"""The attention page: years overlaid on days from Spring Festival, the fitted decline per year,
the half-life table, URL validation, downloads and the render callback over HTTP."""

from __future__ import annotations

import base64
import csv
import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import yaml

from dashboard import charts_attention, theme
from dashboard.components import filters_id
from dashboard.pages import attention as page
from tests.dashboard.callbacks import download_as, post_callback
from warehouse.analytics import attention
from warehouse.query import Reader
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("demo_data")

CLEAN = "微信指数/AI春晚"  # a clean festival spike in the demo data
DRIFTING = "百度指数/AI"  # a high baseline that itself drops after the holiday


def _daily(settings: Settings, series: str, first: int, last: int) -> pl.DataFrame:
    return Reader(settings.home).query(
        "attention_window", series=series, first_day=first, last_day=last
    )


def _fits(settings: Settings, series: str) -> dict[int, dict]:
    frame = attention.decline_by_year(Reader(settings.home), series=series)
    return {r["year"]: r for r in frame.iter_rows(named=True)}


def _trace(fig, year: int):
    (trace,) = [tr for tr in fig.data if (tr.meta or {}).get("year") == year]
    return trace


# -- choices from the URL --------------------------------------------------------------------------
def test_series_read_as_their_source_and_keyword_in_both_languages() -> None:
    assert page.series_label(CLEAN, "zh") == "微信指数 · AI春晚"
    assert page.series_label(CLEAN, "en") == "WeChat Index · AI春晚"
    assert page.series_label("plays:douyin", "zh") == "播放量 · 抖音"
    assert page.series_label("plays:all", "en") == "Plays · All platforms"
    assert page.series_label("自定义来源/关键词", "en") == "自定义来源 · 关键词"


def test_with_no_filters_the_first_attention_series_is_shown_in_every_year() -> None:
    sel = page.selection({}, page.coverage())
    assert sel == {
        "series": CLEAN,
        "kind": "attention",
        "available": [2023, 2024, 2025, 2026],
        "years": [2023, 2024, 2025, 2026],
        "norm": "peak",
        "window": "-14..90",
    }


def test_unknown_url_values_are_dropped_never_used() -> None:
    cover = page.coverage()
    sel = page.selection(
        {
            "series": "x'); drop table mart_attention_daily; --",
            "years": "1999,2024,abc",
            "norm": "log",
            "window": "-1000..1000",
        },
        cover,
    )
    assert (sel["series"], sel["years"], sel["norm"], sel["window"]) == (
        CLEAN,
        [2024],
        "peak",
        "-14..90",
    )
    # The gala's plays exist only for the two editions: other years in the URL are dropped.
    plays = page.selection({"series": "plays:all", "years": "2023,2025"}, cover)
    assert plays["available"] == [2024, 2025] and plays["years"] == [2025]


# -- the overlay -----------------------------------------------------------------------------------
def test_the_overlay_draws_each_year_as_a_share_of_its_festival_peak(demo_data: Settings) -> None:
    filters = {"series": CLEAN, "lang": "zh"}
    fig = page.years_figure(filters)
    assert [tr.name for tr in fig.data] == ["2023年", "2024年", "2025年", "2026年"]
    daily = _daily(demo_data, CLEAN, -14, 90)
    fits = _fits(demo_data, CLEAN)
    for year in (2023, 2026):
        part = daily.filter(pl.col("year") == year).sort("days_from_spring_festival")
        trace = _trace(fig, year)
        assert list(trace.x) == part["days_from_spring_festival"].to_list()
        expected = [v / fits[year]["peak_value"] for v in part["value"].to_list()]
        assert list(trace.y) == pytest.approx(expected)
    assert fig.layout.yaxis.title.text == "关注度（峰值 = 1）"
    assert fig.layout.xaxis.title.text == "距春节天数（天）"
    assert list(fig.layout.xaxis.range) == [-14, 90]
    assert fig.layout.title.text == "春节后的关注度（各年对齐） · 微信指数 · AI春晚"


def test_each_years_end_of_march_is_marked_in_that_years_colour() -> None:
    fig = page.years_figure({"series": CLEAN})
    lines = {s.name: (s.x0, s.line.color) for s in fig.layout.shapes if s.name}
    colours = charts_attention.year_colours([2023, 2024, 2025, 2026])
    # Spring Festival 2023-01-22 -> 31 March is day +68; 2024-02-10 -> +50; 2025-01-29 -> +61;
    # 2026-02-17 -> +42.
    assert lines == {
        "end_of_march_2023": (68, colours[2023]),
        "end_of_march_2024": (50, colours[2024]),
        "end_of_march_2025": (61, colours[2025]),
        "end_of_march_2026": (42, colours[2026]),
    }


def test_a_year_keeps_its_colour_when_other_years_are_deselected() -> None:
    every = page.years_figure({"series": CLEAN})
    some = page.years_figure({"series": CLEAN, "years": "2025,2026"})
    assert [tr.name for tr in some.data] == ["2025年", "2026年"]
    assert _trace(some, 2025).line.color == _trace(every, 2025).line.color
    assert _trace(every, 2023).line.color == theme.series_colour(0)


def test_raw_values_and_a_wider_window_come_from_the_url(demo_data: Settings) -> None:
    filters = {"series": DRIFTING, "norm": "raw", "window": "-30..180", "years": "2024"}
    fig = page.years_figure(filters)
    daily = _daily(demo_data, DRIFTING, -30, 180).filter(pl.col("year") == 2024)
    (trace,) = fig.data
    assert list(trace.y) == daily.sort("days_from_spring_festival")["value"].to_list()
    assert min(trace.x) == -30 and max(trace.x) == 180
    assert fig.layout.yaxis.title.text == "指数值（原始）"
    plays = page.years_figure({"series": "plays:all", "norm": "raw", "lang": "en"})
    assert plays.layout.yaxis.title.text == "Plays"


def test_the_overlay_data_offers_both_raw_and_share_of_peak_for_download() -> None:
    frame = page.years_data({"series": CLEAN, "years": "2024"})
    assert frame.columns == [
        "series",
        "spring_festival_year",
        "date_on",
        "days_from_spring_festival",
        "attention_value",
        "share_of_peak",
    ]
    festival = frame.filter(pl.col("days_from_spring_festival") == 0).row(0, named=True)
    assert festival["date_on"] == date(2024, 2, 10)
    assert festival["share_of_peak"] == pytest.approx(1.0, abs=0.2)


# -- the fitted decline ----------------------------------------------------------------------------
def test_each_year_gets_a_panel_with_its_fitted_curve_and_half_life(demo_data: Settings) -> None:
    fig = page.fits_figure({"series": CLEAN, "lang": "zh"})
    fits = _fits(demo_data, CLEAN)
    titles = [a.text for a in fig.layout.annotations]
    fit = fits[2024]
    assert (
        f"2024年 · 半衰期 {fit['half_life_days']:.1f} 天"
        f"（95%区间 {fit['half_life_low']:.1f}–{fit['half_life_high']:.1f}）"
    ) in titles
    curves = {tr.meta["year"]: tr for tr in fig.data if (tr.meta or {}).get("role") == "fitted"}
    assert sorted(curves) == [2023, 2024, 2025, 2026]
    curve = curves[2024]
    assert curve.x[0] == fit["peak_day"] and curve.x[-1] == attention.FIT_LAST_DAY
    assert curve.y[0] == pytest.approx(fit["baseline_share"] + fit["amplitude_share"])
    (half,) = [
        tr
        for tr in fig.data
        if (tr.meta or {}).get("role") == "half_life" and tr.meta["year"] == 2024
    ]
    # Half way down from the peak to the fitted baseline, h days after the peak.
    assert half.x[0] == pytest.approx(fit["peak_day"] + fit["half_life_days"])
    assert half.y[0] == pytest.approx(fit["baseline_share"] + fit["amplitude_share"] / 2)
    observed = [tr for tr in fig.data if (tr.meta or {}).get("role") == "observed"]
    daily = _daily(demo_data, CLEAN, -14, 90)
    assert sum(len(tr.x) for tr in observed) == daily.height


def test_a_year_without_a_fit_says_why_in_its_panel() -> None:
    frame = pl.DataFrame(
        {
            "year": [2024, 2024, 2025],
            "days_from_spring_festival": [0, 1, 0],
            "observed_share": [1.0, 0.9, 1.0],
            "fitted_share": [1.0, 0.9, None],
        }
    )
    fits = {
        2024: {
            "status": "ok",
            "peak_day": 0,
            "baseline_share": 0.0,
            "amplitude_share": 1.0,
            "half_life_days": 6.6,
        },
        2025: {"status": attention.STATUS_TOO_FEW},
    }
    labels = {s: page.status_text(s, "en") for s in page.STATUS_KEYS}
    fig = charts_attention.fitted_decay_years(
        frame, fits, {2024: "#000000"}, lang="en", status_labels=labels
    )
    texts = {a.name: a.text for a in fig.layout.annotations if a.name}
    assert texts == {"not_fitted_2025": "Not fitted: fewer than 5 days of data after the peak"}
    assert "2025 · not fitted" in [a.text for a in fig.layout.annotations]
    assert "2024 · Half-life 6.6 days" in [a.text for a in fig.layout.annotations]
    empty = charts_attention.fitted_decay_years(frame.clear(), {}, {}, lang="zh")
    assert not empty.data
    assert empty.layout.annotations[0].text == "该关键词在所选年份没有关注度数据"


def test_every_fit_status_reads_as_a_sentence_in_both_languages() -> None:
    for status in (
        attention.STATUS_OK,
        attention.STATUS_NO_PEAK,
        attention.STATUS_TOO_FEW,
        attention.STATUS_FIT_FAILED,
    ):
        zh, en = page.status_text(status, "zh"), page.status_text(status, "en")
        assert zh != en and any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert page.status_text(attention.STATUS_NO_PEAK, "zh") == "未拟合：春节前后14天内没有峰值"


# -- the table -------------------------------------------------------------------------------------
def test_the_table_has_one_row_per_selected_year_with_the_analytics_figures(
    demo_data: Settings,
) -> None:
    rows, defs = page.table({"series": DRIFTING, "years": "2024,2025", "lang": "en"})
    fits = _fits(demo_data, DRIFTING)
    assert [r["spring_festival_year"] for r in rows] == [2024, 2025]
    row = rows[1]
    fit = fits[2025]
    assert row["fit_status"] == "Fitted"
    assert row["half_life_days"] == pytest.approx(fit["half_life_days"])
    assert row["half_life_interval"] == (
        f"{round(fit['half_life_low'], 1)}–{round(fit['half_life_high'], 1)}"
    )
    assert row["share_left_30d_observed"] == pytest.approx(fit["share_left_30d_observed"])
    assert row["share_left_60d_fit"] == pytest.approx(fit["share_left_60d_fit"])
    assert row["march_to_festival_week"] == pytest.approx(fit["march_to_festival_week"])
    assert row["peak_on"] == str(fit["peak_on"])
    headers = {d["field"]: d["headerName"] for d in defs}
    assert headers["half_life_days"] == "Half-life (days)"
    assert headers["share_left_30d_fit"] == "+30 d fit"
    formats = {d["field"]: d.get("valueFormatter", {}).get("function", "") for d in defs}
    assert (
        "* 100" in formats["share_left_60d_observed"] and "toFixed(1)" in formats["half_life_days"]
    )


def test_a_high_fitted_baseline_brings_a_caution_and_a_clean_spike_none() -> None:
    assert page.caution({"series": CLEAN}) == ""
    text = page.caution({"series": DRIFTING, "years": "2024,2025"})
    assert text == "注意：2024年、2025年 的拟合基线达到峰值的 25% 以上，半衰期对基线变化较敏感。"


# -- callback and downloads ------------------------------------------------------------------------
def test_the_render_callback_answers_over_http_like_the_browser_calls_it(dash_app) -> None:
    body = post_callback(
        dash_app,
        outputs=[
            ("attention-years", "figure"),
            ("attention-fits", "figure"),
            ("attention-decline", "rowData"),
            ("attention-decline", "columnDefs"),
            ("attention-caution", "children"),
        ],
        inputs=[
            (
                filters_id("attention"),
                "data",
                {"page": "attention", "lang": "en", "series": "plays:all"},
            )
        ],
    )
    response = body["response"]
    years = response["attention-years"]["figure"]
    assert years["layout"]["title"]["text"] == (
        "Attention after Spring Festival, years overlaid · Plays · All platforms"
    )
    assert [tr["name"] for tr in years["data"]] == ["2024", "2025"]
    assert response["attention-fits"]["figure"]["layout"]["title"]["text"] == (
        "Fitted decline after each year's peak"
    )
    assert [r["spring_festival_year"] for r in response["attention-decline"]["rowData"]] == [
        2024,
        2025,
    ]
    assert response["attention-caution"]["children"] == ""


def test_the_table_downloads_as_csv_with_bom_and_chinese_headers() -> None:
    payload = download_as(
        "organizer", "attention", "decline", "csv", [{"page": "attention", "series": CLEAN}]
    )
    raw = payload["content"]
    body = base64.b64decode(raw) if payload.get("base64") else raw.encode()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["春节年份", "拟合状态", "峰值日期"]
    assert [r[0] for r in rows[1:]] == ["2023", "2024", "2025", "2026"]
    assert {r[1] for r in rows[1:]} == {"已拟合"}


def test_the_fit_data_downloads_observed_and_fitted_shares() -> None:
    frame = page.fits_data({"series": CLEAN, "years": "2025"})
    assert frame["spring_festival_year"].unique().to_list() == [2025]
    days = frame["days_from_spring_festival"]
    assert days.min() >= attention.PEAK_WINDOW[0] and days.max() == attention.FIT_LAST_DAY
    before_peak = frame.filter(pl.col("days_from_spring_festival") < 0)
    assert before_peak["fitted_share"].null_count() == before_peak.height


def _controls(layout) -> dict:
    found = {}

    def walk(node) -> None:
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
            return
        node_id = getattr(node, "id", None)
        if isinstance(node_id, dict) and node_id.get("type") in ("filter", "page-filters"):
            found[node_id.get("key", node_id["type"])] = node
        walk(getattr(node, "children", None) or [])

    walk(layout)
    return found


def test_the_layout_shows_the_checked_url_values_with_chinese_dropdown_texts() -> None:
    controls = _controls(
        page.layout(lang="zh", series="plays:all", years="2025,1999", window="bogus")
    )
    assert controls["series"].value == "plays:all"
    assert controls["years"].value == ["2025"]
    assert [o["label"] for o in controls["years"].options] == ["2024年", "2025年"]
    assert controls["years"].labels["selected_count"] == "已选 {num_selected} 项"
    assert controls["window"].value == "-14..90"
    store = controls["page-filters"].data
    assert (store["series"], store["years"], store["window"]) == ("plays:all", "2025", "-14..90")
    # Every year chosen reads as "all years": a change of series doesn't carry them along.
    every = _controls(page.layout(lang="en", series="plays:all", years="2024,2025"))
    assert every["years"].value == [] and every["years"].placeholder == "All years"


# -- the demo's Google Trends download -------------------------------------------------------------
TRENDS = "Google Trends/AI春晚 (中国)"  # the demo's multiTimeline.csv (zh-CN UI, daily)


def test_the_google_trends_series_is_offered_but_the_multi_year_series_stays_the_default() -> None:
    cover = page.coverage()
    assert TRENDS in cover["series"].to_list()
    assert page.selection({}, cover)["series"] == CLEAN
    assert page.series_label(TRENDS, "zh") == "Google Trends · AI春晚 (中国)"
    sel = page.selection({"series": TRENDS}, cover)
    assert (sel["kind"], sel["available"], sel["years"]) == ("attention", [2025], [2025])


def test_the_page_fits_the_google_trends_daily_series_around_spring_festival(
    demo_data: Settings,
) -> None:
    planted = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "etl/sample/planted.yaml").read_text("utf-8")
    )["google_trends"]
    fit = _fits(demo_data, TRENDS)[2025]
    assert fit["status"] == attention.STATUS_OK
    assert str(fit["peak_on"]) == planted["peak_on"]
    assert fit["half_life_days"] == pytest.approx(planted["half_life_days"], rel=0.15)
    assert fit["half_life_low"] < fit["half_life_days"] < fit["half_life_high"]
    rows, _ = page.table({"series": TRENDS, "lang": "zh"})
    assert [(r["spring_festival_year"], r["fit_status"]) for r in rows] == [(2025, "已拟合")]
    assert rows[0]["half_life_days"] == pytest.approx(fit["half_life_days"])
    fig = page.fits_figure({"series": TRENDS, "lang": "zh"})
    titles = [a.text for a in fig.layout.annotations]
    assert f"2025年 · 半衰期 {fit['half_life_days']:.1f} 天" in " ".join(titles)
    (curve,) = [tr for tr in fig.data if (tr.meta or {}).get("role") == "fitted"]
    assert curve.x[0] == fit["peak_day"] == -1  # the gala's 除夕 night, the day before 正月初一
    # `<1` days are drawn at 0.5 of the 0..100 scale: below one, not dropped.
    daily = _daily(demo_data, TRENDS, -28, 91)
    assert daily.height == planted["rows_written"]
    below = {date.fromisoformat(d) for d in planted["below_one"]["dates"]}
    assert set(daily.filter(pl.col("value") < 1)["date_on"]) == below
    assert set(daily.filter(pl.col("date_on").is_in(below))["value"]) == {0.5}
