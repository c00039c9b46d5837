"""Chart functions: translated names and axes, fixed colours, the peak, empty states, small cells."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import plotly.graph_objects as go
import polars as pl
import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard import charts, components, i18n, theme
from survey.normalise import AGE_BANDS, ROLE_CODES


def _plays() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "date_on": [date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 28), date(2025, 1, 28)],
            "platform_id": ["douyin", "douyin", "bilibili", "bilibili"],
            "plays": [100, 250, 40, 60],  # bilibili has two items on the 28th: summed
            "title_zh": ["AI春晚·开场", "AI春晚·开场", "赛博相声《算力》", "小品《提示词》"],
        }
    )


def _live() -> pl.DataFrame:
    minutes = [datetime(2025, 1, 28, 20, m) for m in range(3)]
    return pl.DataFrame(
        {
            "minute_at": minutes * 2,
            "platform_id": ["bilibili"] * 3 + ["douyin"] * 3,
            "concurrent_viewers": [50_000, 120_000, 120_000, 10_000, 60_000, 60_000],
        }
    )


def _axis_titles(fig: go.Figure) -> tuple[str, str]:
    return fig.layout.xaxis.title.text, fig.layout.yaxis.title.text


def _named(items: tuple, name: str) -> list:
    return [item for item in items if item.name == name]


# -- i18n ------------------------------------------------------------------------------------------
def test_a_missing_key_or_language_is_an_error_not_a_fallback() -> None:
    with pytest.raises(KeyError):
        i18n.t("title.no_such_chart", "zh")
    with pytest.raises(KeyError):
        i18n.t("axis.plays", "fr")
    with pytest.raises(KeyError):
        i18n.role_label("astronaut", "zh")


def test_every_ui_string_exists_in_both_languages() -> None:
    for key, texts in i18n.STRINGS.items():
        assert set(texts) == set(i18n.LANGS), key
        assert all(text.strip() for text in texts.values()), key


def test_role_and_age_labels_come_from_the_questionnaire_for_every_code() -> None:
    assert i18n.role_label("product_manager", "zh") == "产品经理"
    assert i18n.role_label("product_manager", "en") == "Product manager"
    assert i18n.age_band_label("25_29", "zh") == "25-29岁"
    assert i18n.age_band_label("50_plus", "en") == "50 and over"
    for role in ROLE_CODES:
        assert i18n.role_label(role, "zh") != role
        assert role in theme.ROLE_COLOURS
    for band in AGE_BANDS:
        assert i18n.age_band_label(band, "en")
    assert i18n.role_label(None, "en") == "Unknown"


def test_platform_labels_are_read_from_the_platform_list() -> None:
    assert i18n.platform_label("bilibili", "zh") == "哔哩哔哩"
    assert i18n.platform_label("wechat_channels", "en") == "WeChat Channels"
    assert i18n.platform_label("acfun", "en") == "acfun"  # a generic id is its own name


def test_platform_and_role_palettes_give_every_value_its_own_colour() -> None:
    assert len(set(theme.PLATFORM_COLOURS.values())) == len(theme.PLATFORM_COLOURS)
    assert len(set(theme.ROLE_COLOURS.values())) == len(theme.ROLE_COLOURS)


# -- reach -----------------------------------------------------------------------------------------
def test_plays_over_time_draws_one_translated_line_per_platform_with_daily_sums() -> None:
    zh = charts.plays_over_time(_plays())
    assert [tr.name for tr in zh.data] == ["哔哩哔哩", "抖音"]
    bilibili, douyin = zh.data
    assert list(bilibili.x) == ["2025-01-28"] and list(bilibili.y) == [100]
    assert list(douyin.x) == ["2025-01-28", "2025-01-29"]
    assert list(douyin.y) == [100, 250]
    assert _axis_titles(zh) == ("日期", "播放量（次）")
    assert "Noto Sans CJK SC" in zh.layout.font.family

    en = charts.plays_over_time(_plays(), lang="en")
    assert [tr.name for tr in en.data] == ["Bilibili", "Douyin"]
    assert _axis_titles(en) == ("Date", "Plays")
    assert en.layout.title.text == "Daily plays by platform"


def test_top_programs_are_horizontal_bars_most_played_first() -> None:
    frame = pl.DataFrame(
        {"title_zh": ["赛博相声《算力》", "AI春晚·开场", "小品《提示词》"], "plays": [40, 350, 60]}
    )
    fig = charts.top_programs(frame, n=2)
    (bars,) = fig.data
    assert bars.orientation == "h"
    assert list(bars.y) == ["AI春晚·开场", "小品《提示词》"]
    assert list(bars.x) == [350, 60]
    assert fig.layout.yaxis.autorange == "reversed"
    assert _axis_titles(charts.top_programs(frame, lang="en")) == ("Plays", "Program")


def test_dates_are_the_iso_text_plotly_would_write_for_each_value() -> None:
    """Dates go to traces as text made by Polars for the whole column; the browser must get the
    JSON plotly's encoder writes for the Python values (nulls, fractions of a second)."""
    columns = [
        pl.Series([date(2025, 1, 28), None, date(2026, 12, 31)]),
        pl.Series([datetime(2025, 1, 28, 20, 1), None, datetime(2026, 2, 16, 0, 0, 59)]),
        pl.Series([datetime(2025, 1, 28, 20, 1, 5, 120), datetime(2025, 1, 28, 20, 1, 6)]),
        pl.Series([3, None, 5]),
    ]
    for values in columns:
        made = charts.dates(values)
        assert all(v is None or isinstance(v, str | int) for v in made)
        assert json.dumps(made) == json.dumps(values.to_list(), cls=PlotlyJSONEncoder)
    aware = pl.Series([datetime(2025, 1, 28, 20, 1, tzinfo=UTC)])
    assert charts.dates(aware) == aware.to_list()  # its offset is left to plotly's encoder


# -- live ------------------------------------------------------------------------------------------
def test_live_concurrency_marks_the_peak_of_all_platforms_at_its_earliest_minute() -> None:
    fig = charts.live_concurrency(_live())
    assert [tr.name for tr in fig.data] == ["哔哩哔哩", "抖音", "全部平台合计", "峰值"]
    total = fig.data[2]
    assert list(total.x) == ["2025-01-28T20:00:00", "2025-01-28T20:01:00", "2025-01-28T20:02:00"]
    assert list(total.y) == [60_000, 180_000, 180_000]
    (peak,) = _named(fig.layout.annotations, charts.PEAK_NAME)
    assert peak.text == "峰值 180,000"
    assert (peak.x, peak.y) == (datetime(2025, 1, 28, 20, 1), 180_000)
    marker = fig.data[3]
    assert (list(marker.x), list(marker.y)) == ([datetime(2025, 1, 28, 20, 1)], [180_000])
    assert _axis_titles(fig) == ("时间", "在线人数（人）")

    en = charts.live_concurrency(_live(), lang="en")
    (peak_en,) = _named(en.layout.annotations, charts.PEAK_NAME)
    assert peak_en.text == "Peak 180,000"
    assert _axis_titles(en) == ("Time", "Concurrent viewers")


def test_one_platform_live_marks_its_own_peak_without_a_total_line() -> None:
    fig = charts.live_concurrency(_live().filter(pl.col("platform_id") == "douyin"), lang="en")
    assert [tr.name for tr in fig.data] == ["Douyin", "Peak"]
    (peak,) = _named(fig.layout.annotations, charts.PEAK_NAME)
    assert peak.text == "Peak 60,000"


def test_a_platform_has_the_same_colour_on_every_chart() -> None:
    plays = charts.plays_over_time(_plays())
    live = charts.live_concurrency(_live())
    bars = charts.distribution_bar(
        pl.DataFrame({"category": ["douyin", "bilibili"], "count": [9, 7]}), dimension="platform"
    )
    douyin = theme.PLATFORM_COLOURS["douyin"]
    assert _named(plays.data, "抖音")[0].line.color == douyin
    assert _named(live.data, "抖音")[0].line.color == douyin
    assert list(bars.data[0].marker.color) == [douyin, theme.PLATFORM_COLOURS["bilibili"]]
    assert list(bars.data[0].x) == ["抖音", "哔哩哔哩"]


# -- audience retention ----------------------------------------------------------------------------
def test_retention_curve_compares_the_program_with_the_median_of_its_length_band() -> None:
    frame = pl.DataFrame(
        {
            "position_pct": [50, 0, 100],
            "audience_share": [0.6, 1.0, 0.3],
            "band_median": [0.5, 1.0, 0.2],
        }
    )
    fig = charts.retention_curve(frame, length_band="3_to_6_min")
    program, median = fig.data
    assert program.name == "本节目"
    assert median.name == "同类节目中位数（3–6分钟）"
    assert list(program.x) == [0, 50, 100] and list(program.y) == [1.0, 0.6, 0.3]
    assert list(median.y) == [1.0, 0.5, 0.2]
    assert median.line.dash == "dash"
    assert _axis_titles(fig) == ("观看进度（%）", "留存比例")
    en = charts.retention_curve(frame, lang="en", length_band="3_to_6_min")
    assert en.data[1].name == "Median of similar programs (3–6 min)"
    assert _axis_titles(en) == ("Position (% of duration)", "Share still watching")


# -- attention -------------------------------------------------------------------------------------
def test_attention_years_are_overlaid_with_each_years_end_of_march() -> None:
    frame = pl.DataFrame(
        {
            "year": [2024, 2024, 2025, 2025],
            "days_from_spring_festival": [0, 30, 0, 30],
            "value": [1.0, 0.4, 1.0, 0.5],
            "date_on": [date(2024, 2, 10), date(2024, 3, 11), date(2025, 1, 29), date(2025, 2, 28)],
        }
    )
    fig = charts.attention_years(frame)
    assert [tr.name for tr in fig.data] == ["2024年", "2025年"]
    assert list(fig.data[1].y) == [1.0, 0.5]
    # Spring Festival: 2024-02-10 -> 31 March is day +50; 2025-01-29 -> day +61.
    lines = {s.name: s.x0 for s in fig.layout.shapes if s.name}
    assert lines == {"end_of_march_2024": 50, "end_of_march_2025": 61}
    (marker_2024,) = _named(fig.layout.annotations, "end_of_march_2024")
    assert marker_2024.text == "2024年 3月底"
    assert _axis_titles(fig) == ("距春节天数（天）", "关注度（峰值 = 1）")
    assert _axis_titles(charts.attention_years(frame, lang="en")) == (
        "Days from Spring Festival",
        "Attention (peak = 1)",
    )


def test_fitted_decay_draws_the_curve_from_the_peak_and_names_the_half_life() -> None:
    frame = pl.DataFrame({"days_from_spring_festival": [0, 10, 20], "value": [200.0, 100.0, 50.0]})
    fit = {
        "status": "ok",
        "peak_day": 0,
        "peak_value": 200.0,
        "baseline_share": 0.0,
        "amplitude_share": 1.0,
        "half_life_days": 10.0,
    }
    fig = charts.fitted_decay(frame, fit, lang="en")
    observed, curve = fig.data
    assert list(observed.y) == [1.0, 0.5, 0.25]
    assert curve.y[0] == pytest.approx(1.0) and curve.y[10] == pytest.approx(0.5)
    assert fig.layout.title.text.endswith("Half-life 10.0 days")
    failed = charts.fitted_decay(frame, {**fit, "status": "too few points"})
    assert failed.layout.annotations[0].text == i18n.t("empty.fit_failed", "zh")


# -- creator retention -----------------------------------------------------------------------------
def test_cohort_heatmap_shows_shares_as_percentages_oldest_cohort_on_top() -> None:
    frame = pl.DataFrame(
        {"cohort": ["2025", "2024", "2024"], "period_n": [0, 0, 1], "share": [1.0, 1.0, 0.25]}
    )
    fig = charts.cohort_heatmap(frame)
    (heat,) = fig.data
    assert list(heat.y) == ["2024", "2025"] and list(heat.x) == ["0", "1"]
    assert [list(r) for r in heat.z] == [[1.0, 0.25], [1.0, None]]
    assert [list(r) for r in heat.text] == [["100%", "25%"], ["100%", ""]]
    assert _axis_titles(charts.cohort_heatmap(frame, lang="en"))[1] == "Cohort (first taking part)"


# -- segments --------------------------------------------------------------------------------------
def test_distribution_bar_translates_roles_and_colours_them_by_role() -> None:
    frame = pl.DataFrame({"category": ["student", "engineer"], "count": [12, 30]})
    zh = charts.distribution_bar(frame, dimension="role")
    (bars,) = zh.data
    assert list(bars.x) == ["工程师/程序员", "学生"]
    assert list(bars.y) == [30, 12]
    assert list(bars.marker.color) == [
        theme.ROLE_COLOURS["engineer"],
        theme.ROLE_COLOURS["student"],
    ]
    assert _axis_titles(zh) == ("职业/角色", "人数（人）")
    en = charts.distribution_bar(frame, dimension="role", lang="en")
    assert list(en.data[0].x) == ["Engineer", "Student"]
    assert _axis_titles(en) == ("Role", "People")


def test_age_bands_keep_their_order_and_a_small_group_reads_as_under_five() -> None:
    frame = pl.DataFrame(
        {
            "category": ["18_24", "25_29", "50_plus"],
            "count": [20, 40, None],
            "is_suppressed": [False, False, True],
        }
    )
    (bars,) = charts.distribution_bar(frame, dimension="age_band", lang="en").data
    assert list(bars.x) == ["18-24", "25-29", "50 and over"]
    assert list(bars.y) == [20, 40, None]
    assert list(bars.text) == ["20", "40", "<5"]


def test_crosstab_shows_suppressed_cells_as_under_five_never_as_a_number() -> None:
    frame = pl.DataFrame(
        {
            "row": ["engineer", "engineer", "student", "student"],
            "col": ["male", "female", "male", "female"],
            "count": [12, 3, 7, None],  # a stale count on a suppressed cell must not leak
            "is_suppressed": [False, True, False, True],
        }
    )
    fig = charts.crosstab_heatmap(frame, row_dimension="role", col_dimension="gender")
    (heat,) = fig.data
    assert list(heat.y) == ["工程师/程序员", "学生"] and list(heat.x) == ["男", "女"]
    assert [list(r) for r in heat.text] == [["12", "<5"], ["7", "<5"]]
    assert [list(r) for r in heat.z] == [[12, None], [7, None]]
    assert "%{z" not in heat.hovertemplate
    assert _axis_titles(fig) == ("性别", "职业/角色")
    en = charts.crosstab_heatmap(frame, lang="en", row_dimension="role", col_dimension="gender")
    assert list(en.data[0].x) == ["Male", "Female"]


def test_a_crosstab_with_every_cell_hidden_says_so_instead_of_drawing_a_blank() -> None:
    frame = pl.DataFrame(
        {
            "row": ["founder", "founder"],
            "col": ["male", "female"],
            "count": [None, None],
            "is_suppressed": [True, True],
        },
        schema_overrides={"count": pl.Int64},
    )
    for lang, text in (("zh", "每个格子都少于 5 人"), ("en", "Every cell holds fewer than 5")):
        fig = charts.crosstab_heatmap(frame, lang=lang, k=5, title="职业 × 年龄段")
        assert fig.data == ()
        (note,) = fig.layout.annotations
        assert note.name == charts.EMPTY_STATE_NAME and note.text.startswith(text)
        assert fig.layout.title.text == "职业 × 年龄段"


# -- empty states ----------------------------------------------------------------------------------
EMPTY_CASES = [
    (charts.plays_over_time, _plays().clear(), "empty.filters"),
    (charts.top_programs, _plays().clear(), "empty.filters"),
    (charts.live_concurrency, _live().clear(), "empty.no_live"),
    (
        charts.retention_curve,
        pl.DataFrame(
            {"position_pct": [0], "audience_share": [None], "band_median": [1.0]},
            schema_overrides={"audience_share": pl.Float64},
        ),
        "empty.no_curve",
    ),
    (
        charts.attention_years,
        pl.DataFrame(
            schema={"year": pl.Int64, "days_from_spring_festival": pl.Int64, "value": pl.Float64}
        ),
        "empty.no_attention",
    ),
    (
        charts.cohort_heatmap,
        pl.DataFrame(schema={"cohort": pl.String, "period_n": pl.Int64, "share": pl.Float64}),
        "empty.no_cohorts",
    ),
    (
        charts.distribution_bar,
        pl.DataFrame(schema={"category": pl.String, "count": pl.Int64}),
        "empty.no_participants",
    ),
    (
        charts.crosstab_heatmap,
        pl.DataFrame(
            schema={
                "row": pl.String,
                "col": pl.String,
                "count": pl.Int64,
                "is_suppressed": pl.Boolean,
            }
        ),
        "empty.no_participants",
    ),
]


@pytest.mark.parametrize(
    ("chart", "frame", "reason"), EMPTY_CASES, ids=lambda v: getattr(v, "__name__", None)
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_frame_gives_a_message_saying_why_and_no_axes(chart, frame, reason, lang) -> None:
    fig = chart(frame, lang=lang)
    assert fig.data == ()
    (note,) = fig.layout.annotations
    assert note.name == charts.EMPTY_STATE_NAME
    assert note.text == i18n.t(reason, lang)
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.title.text


def test_filters_that_leave_nothing_say_so() -> None:
    fig = charts.plays_over_time(_plays().filter(pl.col("platform_id") == "weibo"))
    assert fig.layout.annotations[0].text == "该筛选条件下没有数据"
    en = charts.plays_over_time(_plays().filter(pl.col("platform_id") == "weibo"), lang="en")
    assert en.layout.annotations[0].text == "No data for these filters"


def test_a_frame_without_the_columns_a_chart_needs_is_a_bug_not_an_empty_chart() -> None:
    with pytest.raises(ValueError, match="plays"):
        charts.plays_over_time(pl.DataFrame({"date_on": [], "platform_id": []}))


def test_charts_do_not_change_their_input() -> None:
    frame = _plays()
    before = frame.clone()
    charts.plays_over_time(frame)
    charts.top_programs(frame)
    assert frame.equals(before)


def test_labels_are_formatted_as_polars_columns_like_str_format() -> None:
    """components.formatted: the same text as str.format, row by row, with Chinese and braces."""
    frame = pl.DataFrame({"title": ["年兽不想上班", None], "year": [2025, 2026], "n": [2, 0]})
    template = "{title}（{year} · {n}条曲线）{{原样}}"
    got = frame.select(
        components.formatted(template, title=pl.col("title"), year=pl.col("year"), n=pl.col("n"))
    ).to_series()
    assert got.to_list() == [
        "年兽不想上班（2025 · 2条曲线）{原样}",
        "（2026 · 0条曲线）{原样}",
    ]
    with pytest.raises(ValueError, match="plain named fields"):
        components.formatted("{year:>6}", year=pl.col("year"))
    with pytest.raises(ValueError, match="plain named fields"):
        components.formatted("{missing}", year=pl.col("year"))
