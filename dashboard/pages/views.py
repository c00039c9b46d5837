"""Views & reach: plays over time by platform and by program, top programs, engagement rates,
reach with its estimated part marked, and the live streams' concurrency curve with its peak.

Filters (URL keys): `edition`, `platform` (several), `window` (a preset window relative to the
edition's Spring Festival) or `start`/`end` (ISO dates, a custom window), `metric` (what the
time series and the top programs show) and `program` (the programs drawn over time; by default
the most-played ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import auth, charts, charts_views, components, data, urlstate
from dashboard.i18n import fmt_number, platform_label, register, t
from warehouse.analytics import reach
from warehouse.analytics.retention import live_summary
from warehouse.store import WarehouseError

PAGE = "views"
DEFAULT_METRIC = "plays"
DEFAULT_WINDOW = "all"
CUSTOM_WINDOW = "custom"
# Preset windows (days from the edition's Spring Festival; reach over them is stored at publish).
WINDOWS = reach.PRESET_WINDOWS
# Programs drawn over time when the URL names none: the most played in the window.
DEFAULT_PROGRAMS = 5
# The URL keys of the window, set together by `choose_window`.
WINDOW_KEYS = ("window", "start", "end")
TOP_PROGRAMS = 10
# The grains of reach the page shows (by platform, by program), computed together.
REACH_GRAINS = ("platform", "program")
# The columns of a metric in the summed frames (platform_daily, program_daily, top_programs).
METRIC_COLUMNS = {
    "plays": "plays",
    "interactions": "count_interactions",
    "impressions": "impressions",
    "watch_time_h": "watch_time_h",
}

register(
    {
        "nav.views": {"zh": "播放与触达", "en": "Views & reach"},
        "page.views": {"zh": "播放与触达", "en": "Views & reach"},
        "intro.views": {
            "zh": "各平台、各节目的播放量与互动率，触达人数（估算部分已标出），以及直播在线人数。",
            "en": "Plays and engagement by platform and program, reach (estimated parts marked) "
            "and live concurrent viewers.",
        },
        "views.filter.platform": {"zh": "平台", "en": "Platforms"},
        "views.filter.all_platforms": {"zh": "全部平台", "en": "All platforms"},
        "views.filter.window": {"zh": "时间范围", "en": "Period"},
        "views.filter.dates": {"zh": "日期（自定义）", "en": "Dates (custom)"},
        "views.filter.metric": {"zh": "指标", "en": "Metric"},
        "views.filter.program": {
            "zh": "节目（按节目的趋势图）",
            "en": "Programs (trend by program)",
        },
        "views.filter.top_programs": {
            "zh": "默认：播放量最高的{n}个",
            "en": "Default: the {n} most played",
        },
        "views.window.all": {"zh": "整届（全部日期）", "en": "Whole edition (all dates)"},
        "views.window.festival": {
            "zh": "春节前7天至后14天",
            "en": "Spring Festival −7 to +14 days",
        },
        "views.window.d30": {"zh": "除夕起30天", "en": "Gala night + 30 days"},
        "views.window.d90": {"zh": "除夕起90天", "en": "Gala night + 90 days"},
        "views.window.custom": {"zh": "自定义日期", "en": "Custom dates"},
        "views.date.start": {"zh": "开始日期", "en": "Start date"},
        "views.date.end": {"zh": "结束日期", "en": "End date"},
        "views.window.range": {"zh": "{start} 至 {end}", "en": "{start} to {end}"},
        "views.section.plays": {"zh": "播放量", "en": "Plays"},
        "views.section.reach": {"zh": "互动率与触达", "en": "Engagement and reach"},
        "views.section.live": {"zh": "直播", "en": "Live"},
        "views.section.audience": {"zh": "频道观众", "en": "Channel audience"},
        "views.note.audience": {
            "zh": "来自平台导出的频道级观众分布（YouTube 的地理位置、观众年龄等）：每个平台取与所选时段重叠的最近一次导出，"
            "显示观看次数占比，不跨导出相加；TikTok 的粉丝性别、粉丝地区是粉丝占比（标为“粉丝占比”，斜线），"
            "不是观看次数占比。",
            "en": "Channel-level audience from the platforms' exports (YouTube's Geography, Viewer "
            "age ...): for each platform the latest export overlapping the period, as shares of "
            "views; exports are never added together. TikTok's follower gender and territories "
            "are shares of followers (marked “followers”, hatched), not of views.",
        },
        "views.note.reach": {
            "zh": "触达人数：平台报告的独立观众；平台未报告时按播放量估算（图中斜线、浅色部分，"
            "表中标为“估算”）。把多天、多个内容或多个平台的触达人数相加会重复计算同一位观众，"
            "所以合计只是不同观众人数的上限。按平台的数字包含时段内该平台的全部内容；"
            "节目数字为全部平台合计，不受平台筛选影响。互动率只计算报告了互动数据的播放。",
            "en": "Reach: unique viewers where the platform reports them, otherwise estimated "
            "from plays (hatched, lighter bars; 'estimated' in the table). Adding reach over "
            "days, items or platforms counts a person once per day, item and platform, so a sum "
            "is an upper bound on distinct people. Platform figures cover all of a platform's "
            "content in the period; program figures add up every platform, whatever the "
            "platform filter. Engagement rates count only plays whose platform reports "
            "interactions.",
        },
        "views.title.live_streams": {"zh": "直播场次", "en": "Live streams"},
        "views.title.programs": {
            "zh": "节目播放、互动与触达",
            "en": "Programs: plays, engagement, reach",
        },
        "views.kpi.plays": {"zh": "播放量", "en": "Plays"},
        "views.kpi.interactions": {"zh": "互动量", "en": "Interactions"},
        "views.kpi.engagement_rate": {"zh": "互动率", "en": "Engagement rate"},
        "views.kpi.reach": {"zh": "触达人数（合计，上限）", "en": "Reach (sum, upper bound)"},
        "views.kpi.live_peak": {"zh": "直播峰值在线", "en": "Live peak viewers"},
        "views.kpi.estimated": {"zh": "含估算", "en": "partly estimated"},
        "views.kpi.reported": {"zh": "平台报告", "en": "reported"},
        "views.kpi.selected_platforms": {"zh": "所选平台", "en": "selected platforms"},
        "views.kpi.peak_at": {"zh": "峰值时间 {time}", "en": "at {time}"},
        "views.empty.no_editions": {
            "zh": "仓库中还没有届次数据，请先导入节目目录",
            "en": "No editions in the warehouse yet: load a program catalogue first",
        },
        "views.empty.no_program_selected": {
            "zh": "该时段所选节目在所选平台上没有播放数据",
            "en": "No plays of the chosen programs on these platforms in this period",
        },
        "col.program_id": {"zh": "节目编号", "en": "Program ID"},
        "col.title_zh": {"zh": "节目", "en": "Program"},
        "col.count_interactions": {"zh": "互动量", "en": "Interactions"},
        "col.impressions": {"zh": "曝光量", "en": "Impressions"},
        "col.watch_time_h": {"zh": "观看时长（小时）", "en": "Watch time (hours)"},
        "col.engagement_rate": {"zh": "互动率", "en": "Engagement rate"},
        "col.reach_reported": {"zh": "其中报告", "en": "Reported part"},
        "col.reach_estimated": {"zh": "其中估算", "en": "Estimated part"},
        "col.stream_id": {"zh": "直播场次编号", "en": "Stream ID"},
        "col.minute_at": {"zh": "时间（分钟）", "en": "Minute"},
        "col.concurrent_viewers": {"zh": "在线人数", "en": "Concurrent viewers"},
        "col.first_minute_at": {"zh": "开始时间", "en": "Started"},
        "col.peak_concurrent_viewers": {"zh": "峰值在线（PCU）", "en": "Peak concurrent (PCU)"},
        "col.peak_minute_at": {"zh": "峰值时间", "en": "Peak minute"},
        "col.avg_concurrent_viewers": {"zh": "平均在线", "en": "Average concurrent"},
        "col.watch_minutes": {"zh": "观看人·分钟", "en": "Watch minutes"},
    }
)


# -- filters ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """The dates the page covers: a preset (or "custom") and its first and last day."""

    preset: str
    start_on: date | None
    end_on: date | None


def editions() -> pl.DataFrame:
    """Every edition with its names, the days with program plays and its Spring Festival."""
    return data.query("views_editions")


def selected_edition(filters: Mapping[str, Any], years: list[int]) -> int | None:
    """The edition the filters ask for, else the latest one."""
    year = urlstate.integer(filters, "edition", years)
    return year if year is not None else (years[-1] if years else None)


def _iso_date(value: Any) -> date | None:
    """A date from the URL's `YYYY-MM-DD` (a datetime string is cut to its day); else None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def window_of(filters: Mapping[str, Any], edition: Mapping[str, Any] | None) -> Window:
    """The window the URL asks for: custom `start`/`end` dates win over a `window` preset."""
    start, end = _iso_date(filters.get("start")), _iso_date(filters.get("end"))
    if start is not None or end is not None:
        if start is not None and end is not None and start > end:
            start, end = end, start
        return Window(CUSTOM_WINDOW, start, end)
    preset = urlstate.one(filters, "window", WINDOWS) or DEFAULT_WINDOW
    if edition is None:
        return Window(preset, None, None)
    return Window(preset, *reach.preset_window(edition, preset))


@dataclass(frozen=True)
class ViewState:
    """The page's parsed filters: edition row, platforms (empty = all), window, metric, programs."""

    lang: str
    year: int | None
    edition: dict[str, Any] | None
    platforms: list[str]
    window: Window
    metric: str
    programs: list[str]


def edition_programs(year: int) -> pl.DataFrame:
    """The edition's programs per platform with their plays (the options' source)."""
    return data.query("views_edition_programs", edition_year=year)


def programs_by_plays(year: int) -> pl.DataFrame:
    """The edition's programs (id, title), most played first: the program list's order."""
    return (
        edition_programs(year)
        .group_by("program_id")
        .agg(pl.col("program_title_zh").first(), pl.col("views").sum())
        .sort(["views", "program_id"], descending=[True, False])
    )


def program_options(
    year: int | None, selected: list[str], search: str | None
) -> list[tuple[str, str]]:
    """(id, title) options of the program list: the selected programs, then the most played
    ones whose title or id holds `search` (`components.searched_options`)."""
    if year is None:
        return []
    options = programs_by_plays(year).select(
        pl.col("program_id").alias("value"),
        pl.coalesce(
            pl.when(pl.col("program_title_zh") != "").then("program_title_zh"), "program_id"
        ).alias("label"),
    )
    return components.searched_options(options, selected, search)


def live_platforms(year: int) -> list[str]:
    """The platforms with a live stream in the edition."""
    streams = data.analytic(live_summary, by="stream")
    return streams.filter(pl.col("edition_year") == year)["platform_id"].unique().to_list()


def state(filters: Mapping[str, Any]) -> ViewState:
    """Validate the URL's filters against the warehouse: unknown values are dropped. Once per
    request: every dataset of a render starts from the same state (20 of them at 10M rows made
    0.6 s of a render with the caches off)."""
    return data.per_request(("views.state", data.freeze(dict(filters))), lambda: _state(filters))


def _state(filters: Mapping[str, Any]) -> ViewState:
    lang = urlstate.lang_of(filters)
    frame = editions()
    years = frame["edition_year"].to_list()
    year = selected_edition(filters, years)
    if year is None:
        return ViewState(
            lang, None, None, [], Window(DEFAULT_WINDOW, None, None), DEFAULT_METRIC, []
        )
    edition = frame.filter(pl.col("edition_year") == year).to_dicts()[0]
    known = edition_programs(year)
    known_platforms = set(known["platform_id"].to_list()) | set(live_platforms(year))
    programs = set(known["program_id"].to_list())
    return ViewState(
        lang=lang,
        year=year,
        edition=edition,
        platforms=urlstate.many(filters, "platform", known_platforms),
        window=window_of(filters, edition),
        metric=urlstate.one(filters, "metric", charts_views.METRICS) or DEFAULT_METRIC,
        programs=urlstate.many(filters, "program", programs),
    )


# -- data ------------------------------------------------------------------------------------------
# The edition's daily rows are millions at 10M fact rows: every frame below is summed in SQL to
# the grain its chart draws.
def _window(s: ViewState) -> dict[str, Any]:
    """The named queries' edition, window and platform parameters of a page state."""
    return {
        # No edition is year -1: the same columns, no rows.
        "edition_year": s.year if s.year is not None else -1,
        "start_on": s.window.start_on,
        "end_on": s.window.end_on,
        "platform_ids": s.platforms or None,
    }


@components.dataset(PAGE, "platform_daily", "views.section.plays")
def platform_daily(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Daily plays, interactions, impressions and watch time per platform."""
    return data.query("views_platform_daily", **_window(state(filters)))


def holds_whole_edition(s: ViewState) -> bool:
    """Whether the window holds every day of the edition's programs (its span in `editions()`),
    so that their totals over all days are the window's sums."""
    if s.edition is None or s.edition.get("first_on") is None:
        return False
    start, end = s.window.start_on, s.window.end_on
    return (start is None or start <= s.edition["first_on"]) and (
        end is None or end >= s.edition["last_on"]
    )


def program_platform(s: ViewState) -> pl.DataFrame:
    """Each program's figures per selected platform over the window (from the publish-time
    totals when the window holds the whole edition: 61-199 ms -> a few ms at 10M rows)."""
    return data.query("views_program_platform", **_window(s), whole_edition=holds_whole_edition(s))


def chosen_programs(s: ViewState, frame: pl.DataFrame) -> list[str]:
    """The URL's programs, else the most played ones in the window (`frame`: program_platform)."""
    if s.programs:
        return s.programs
    top = (
        frame.group_by("program_id")
        .agg(pl.col("plays").sum())
        .sort(["plays", "program_id"], descending=[True, False])
        .head(DEFAULT_PROGRAMS)
    )
    return top["program_id"].to_list()


@components.dataset(PAGE, "program_daily", "views.section.plays")
def program_daily(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Daily figures of the chosen programs (summed over the selected platforms)."""
    s = state(filters)
    chosen = chosen_programs(s, program_platform(s))
    # No program id is empty: an empty choice gives the same columns and no rows.
    return data.query("views_program_daily", **_window(s), program_ids=sorted(chosen) or [""])


@components.dataset(PAGE, "top_programs", "views.section.plays")
def top_programs(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Each program's figures per platform over the window."""
    return (
        program_platform(state(filters))
        .sort(["plays", "program_id", "platform_id"], descending=[True, False, False])
        .select("program_id", "title_zh", "platform_id", *METRIC_COLUMNS.values())
    )


def _reach(s: ViewState, by: str) -> pl.DataFrame:
    """Reach per `by` over the window; the page's grains come from one pass over the days, once
    per request (a render draws both)."""
    window = {"start_on": s.window.start_on, "end_on": s.window.end_on}
    grains = data.per_request(
        ("views.reach", *window.values()),
        lambda: data.product(reach.reach_by, grains=REACH_GRAINS, **window),
    )
    return grains[by]


def _basis_text(lang: str) -> pl.Expr:
    return (
        pl.when(pl.col("reach_basis") == "estimated")
        .then(pl.lit(t("basis.estimated", lang)))
        .when(pl.col("reach_basis") == "reported")
        .then(pl.lit(t("basis.reported", lang)))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("reach_basis")
    )


@components.dataset(PAGE, "reach_platform", "views.title.reach_platform")
def reach_platform(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Per selected platform over the window: plays, interactions, engagement rate and reach
    (reported and estimated parts, and its basis as text)."""
    s = state(filters)
    frame = _reach(s, "platform").filter(pl.col("count_content") > 0)
    if s.platforms:
        frame = frame.filter(pl.col("platform_id").is_in(s.platforms))
    return frame.select(
        "platform_id",
        "plays",
        "count_interactions",
        "engagement_rate",
        "impressions",
        "reach",
        "reach_reported",
        (pl.col("reach") - pl.col("reach_reported")).alias("reach_estimated"),
        _basis_text(s.lang),
    )


# The engagement chart draws the same rows.
components.dataset(PAGE, "engagement", "views.title.engagement")(reach_platform)


def _program_reach(filters: Mapping[str, Any]) -> pl.DataFrame:
    s = state(filters)
    frame = _reach(s, "program").filter(pl.col("edition_year") == s.year)
    return frame.sort(["plays", "program_id"], descending=[True, False]).select(
        "title_zh",
        "plays",
        "count_interactions",
        "engagement_rate",
        "reach",
        _basis_text(s.lang),
        "reach_reported",
        (pl.col("reach") - pl.col("reach_reported")).alias("reach_estimated"),
        "program_id",
    )


@components.dataset(PAGE, "programs", "views.title.programs")
def programs(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Every program of the edition over the window, all platforms: plays, interactions,
    engagement rate and reach with its basis."""
    return _program_reach(filters)


@components.dataset(PAGE, "reach_programs", "views.title.reach_programs")
def reach_programs(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Programs' reach over the window, all platforms (the reach-by-program chart's data)."""
    return _program_reach(filters).filter(pl.col("reach") > 0).sort("reach", descending=True)


@components.dataset(PAGE, "live", "title.live_concurrency")
def live_minutes(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Concurrent viewers per minute of the edition's streams on the selected platforms."""
    s = state(filters)
    return data.query(
        "views_live_minutes",
        edition_year=s.year if s.year is not None else -1,
        platform_ids=s.platforms or None,
    )


@components.dataset(PAGE, "streams", "views.title.live_streams")
def streams(filters: Mapping[str, Any]) -> pl.DataFrame:
    """The edition's live streams on the selected platforms with PCU, average and watch minutes."""
    s = state(filters)
    frame = data.analytic(live_summary, by="stream").filter(pl.col("edition_year") == s.year)
    if s.platforms:
        frame = frame.filter(pl.col("platform_id").is_in(s.platforms))
    return frame.select(
        "platform_id",
        "stream_id",
        "first_minute_at",
        "peak_concurrent_viewers",
        "peak_minute_at",
        "avg_concurrent_viewers",
        "watch_minutes",
    ).sort("peak_concurrent_viewers", descending=True)


# -- figures ---------------------------------------------------------------------------------------
def _festival_day(s: ViewState) -> date | None:
    return s.edition.get("spring_festival_on") if s.edition else None


def _festival_mark(s: ViewState, frame: pl.DataFrame) -> list[tuple[date, str]]:
    """Spring Festival as a (day, label) to mark, when it falls within the frame's days."""
    day = _festival_day(s)
    if day is None or frame.is_empty():
        return []
    if frame["date_on"].min() <= day <= frame["date_on"].max():
        return [(day, t("marker.spring_festival", s.lang))]
    return []


def snapshot_note(frame: pl.DataFrame, lang: str) -> pl.Expr:
    """Hover note of a day derived from snapshot exports (a total to date, a multi-day change)."""
    if "is_first_snapshot" not in frame.columns:
        return pl.lit("", dtype=pl.String).alias("note")
    return (
        pl.when(pl.col("is_first_snapshot"))
        .then(pl.lit(t("views.note.first_snapshot", lang)))
        .when(pl.col("is_interval"))
        .then(pl.lit(t("views.note.interval", lang)))
        .otherwise(pl.lit(""))
        .alias("note")
    )


def platform_figure(filters: Mapping[str, Any]) -> go.Figure:
    """The chosen metric per day, one line per platform, Spring Festival marked."""
    s = state(filters)
    frame = platform_daily(filters)
    column = METRIC_COLUMNS[s.metric]
    return charts_views.metric_over_time(
        frame.select(
            "date_on",
            pl.col("platform_id").alias("key"),
            pl.col("platform_id").alias("label"),
            pl.col(column).alias("value"),
            snapshot_note(frame, s.lang),
        ),
        series="platform",
        metric=s.metric,
        lang=s.lang,
        marked=_festival_mark(s, frame),
    )


def program_figure(filters: Mapping[str, Any]) -> go.Figure:
    """The chosen metric per day, one line per chosen program."""
    s = state(filters)
    frame = program_daily(filters)
    column = METRIC_COLUMNS[s.metric]
    return charts_views.metric_over_time(
        frame.select(
            "date_on",
            pl.col("program_id").alias("key"),
            pl.col("title_zh").alias("label"),
            pl.col(column).alias("value"),
            snapshot_note(frame, s.lang),
        ),
        series="program",
        metric=s.metric,
        lang=s.lang,
        empty_key="views.empty.no_program_selected",
        marked=_festival_mark(s, frame),
    )


def top_programs_figure(filters: Mapping[str, Any]) -> go.Figure:
    """The programs with the largest total of the chosen metric, stacked by platform."""
    s = state(filters)
    frame = top_programs(filters)
    return charts_views.top_programs_stacked(
        frame.select("title_zh", "platform_id", pl.col(METRIC_COLUMNS[s.metric]).alias("value")),
        metric=s.metric,
        n=TOP_PROGRAMS,
        lang=s.lang,
    )


def overall_engagement(frame: pl.DataFrame) -> float | None:
    """Interactions / plays over the platforms that report interactions (rows of reach_platform)."""
    rated = frame.filter(pl.col("engagement_rate").is_not_null() & (pl.col("engagement_rate") > 0))
    if rated.is_empty():
        return None
    # reach() gives each platform's rate over its plays that report interactions; those plays
    # are interactions / rate, so the platforms' rate together is their ratio of sums.
    plays_rated = (pl.col("count_interactions") / pl.col("engagement_rate")).sum()
    row = rated.select(pl.col("count_interactions").sum() / plays_rated).item()
    return float(row)


def engagement_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Engagement rate per selected platform, with the platforms' rate together as a line."""
    s = state(filters)
    frame = reach_platform(filters)
    return charts_views.engagement_by_platform(
        frame.select("platform_id", "engagement_rate"),
        overall_rate=overall_engagement(frame),
        lang=s.lang,
    )


def reach_platform_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Reach per selected platform, reported part solid and estimated part hatched."""
    s = state(filters)
    frame = reach_platform(filters)
    return charts_views.reach_bars(
        frame.select(
            pl.col("platform_id").alias("key"),
            pl.col("platform_id").alias("label"),
            "reach",
            "reach_reported",
        ),
        kind="platform",
        lang=s.lang,
    )


def reach_programs_figure(filters: Mapping[str, Any]) -> go.Figure:
    """The programs with the largest reach, reported part solid and estimated part hatched."""
    s = state(filters)
    frame = reach_programs(filters)
    return charts_views.reach_bars(
        frame.select(
            pl.col("program_id").alias("key"),
            pl.col("title_zh").alias("label"),
            "reach",
            "reach_reported",
        ),
        kind="program",
        lang=s.lang,
    )


def live_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Concurrent viewers per minute of the edition's streams, per platform and summed, with the
    peak marked."""
    s = state(filters)
    return charts.live_concurrency(
        live_minutes(filters).select("minute_at", "platform_id", "concurrent_viewers"),
        lang=s.lang,
    )


def kpis(filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The window's headline figures: name, label, value text, note text, raw value."""
    s = state(filters)
    lang = s.lang
    if s.year is None:
        return []
    plays_frame = platform_daily(filters)
    platform_rows = reach_platform(filters)
    live = live_minutes(filters)
    scope = (
        t("views.kpi.selected_platforms", lang)
        if s.platforms
        else t("views.filter.all_platforms", lang)
    )
    plays = int(plays_frame["plays"].sum())
    interactions = plays_frame["count_interactions"].sum()
    rate = overall_engagement(platform_rows)
    reach_total = platform_rows["reach"].sum() if platform_rows.height else None
    estimated = bool((platform_rows["reach_estimated"].fill_null(0) > 0).any())
    peak = None
    peak_note = None
    if not live.is_empty():
        per_minute = live.group_by("minute_at").agg(pl.col("concurrent_viewers").sum())
        peak_at, peak = per_minute.sort(
            ["concurrent_viewers", "minute_at"], descending=[True, False]
        ).row(0)
        peak_note = t("views.kpi.peak_at", lang).format(time=f"{peak_at:%Y-%m-%d %H:%M}")
    rows = [
        ("plays", plays, fmt_number(plays), scope),
        ("interactions", interactions, fmt_number(interactions) if interactions else "–", scope),
        ("engagement_rate", rate, "–" if rate is None else f"{rate:.1%}", scope),
        (
            "reach",
            reach_total,
            "–" if not reach_total else fmt_number(reach_total),
            t("views.kpi.estimated" if estimated else "views.kpi.reported", lang),
        ),
        ("live_peak", peak, "–" if peak is None else fmt_number(peak), peak_note),
    ]
    return [
        {
            "name": name,
            "label": t(f"views.kpi.{name}", lang),
            "value": text,
            "note": note,
            "raw": raw,
        }
        for name, raw, text, note in rows
    ]


# -- layout ----------------------------------------------------------------------------------------
def _filter_id(key: str) -> dict[str, str]:
    """The id of the filter control `key` (the shell writes its value to the URL)."""
    return {"type": components.FILTER, "page": PAGE, "key": key}


def _hidden_filter(key: str, value: Any) -> dcc.Input:
    """A filter control the page's own window callback sets (the shell writes it to the URL)."""
    return dcc.Input(
        id=_filter_id(key),
        type="hidden",
        value=value,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def window_controls(s: ViewState, filters: Mapping[str, Any]) -> list[html.Div]:
    """The preset dropdown and the date range picker; both set the hidden window/start/end."""
    lang = s.lang
    edition = s.edition or {}
    custom = s.window.preset == CUSTOM_WINDOW
    options = [{"label": t(f"views.window.{k}", lang), "value": k} for k in WINDOWS]
    options.append({"label": t("views.window.custom", lang), "value": CUSTOM_WINDOW})
    return [
        html.Div(
            [
                html.Label(t("views.filter.window", lang), htmlFor=f"{PAGE}-window-choice"),
                dcc.Dropdown(
                    id=f"{PAGE}-window-choice",
                    options=options,
                    value=s.window.preset,
                    clearable=False,
                    searchable=False,
                ),
                _hidden_filter(
                    "window", None if custom else urlstate.one(filters, "window", WINDOWS)
                ),
                _hidden_filter("start", _iso(s.window.start_on) if custom else None),
                _hidden_filter("end", _iso(s.window.end_on) if custom else None),
            ],
            className="filter",
            id=f"{PAGE}-filter-window",
        ),
        html.Div(
            [
                html.Label(t("views.filter.dates", lang), htmlFor=f"{PAGE}-dates"),
                dcc.DatePickerRange(
                    id=f"{PAGE}-dates",
                    start_date=_iso(s.window.start_on),
                    end_date=_iso(s.window.end_on),
                    min_date_allowed=_iso(edition.get("first_on")),
                    max_date_allowed=_iso(edition.get("last_on")),
                    initial_visible_month=_iso(s.window.start_on or edition.get("first_on")),
                    display_format="YYYY-MM-DD",
                    month_format="YYYY年M月" if lang == "zh" else "MMMM YYYY",
                    first_day_of_week=1,
                    updatemode="bothdates",
                    start_date_placeholder_text=t("views.date.start", lang),
                    end_date_placeholder_text=t("views.date.end", lang),
                    clearable=False,
                ),
            ],
            className="filter",
            id=f"{PAGE}-filter-dates",
        ),
    ]


# AG Grid's pagination panel reads "1 to 15 of 58 · Page 1 of 4"; in Chinese "1 – 15 / 58 · 页 1 / 4".
PAGINATION_TEXT_ZH = {
    "to": "–",
    "of": "/",
    "page": "页",
    "firstPage": "第一页",
    "previousPage": "上一页",
    "nextPage": "下一页",
    "lastPage": "最后一页",
    "more": "更多",
}


def paged_grid_card(name: str, title: str, lang: str, rows_per_page: int = 15) -> html.Div:
    """`components.grid_card` showing a page of rows at a time, for tables of many rows."""
    card = components.grid_card(PAGE, name, title)
    grid = card.children[1].children
    grid.dashGridOptions = {
        **grid.dashGridOptions,
        "pagination": True,
        "paginationPageSize": rows_per_page,
        "paginationPageSizeSelector": False,
        **({"localeText": PAGINATION_TEXT_ZH} if lang == "zh" else {}),
    }
    return card


def section(title_key: str, lang: str, children: list[Any], note: str | None = None) -> html.Div:
    """A titled group of cards."""
    return html.Div(
        [
            html.H2(t(title_key, lang), className="section-title"),
            html.P(note, className="note", id=f"{PAGE}-note-{title_key.split('.')[-1]}")
            if note
            else None,
            html.Div(children, className="cards"),
        ],
        className="section",
    )


AUDIENCE_DIMENSIONS = ("country", "age", "gender")


def audience(filters: Mapping[str, Any], dimension: str) -> pl.DataFrame:
    """Channel audience by `country`, `age` or `gender`: per platform, its latest export in the
    window."""
    s = state(filters)
    return data.query(
        "views_channel_audience",
        dimension=dimension,
        start_on=s.window.start_on,
        end_on=s.window.end_on,
        platform_ids=s.platforms or None,
    )


@components.dataset(PAGE, "audience_country", "views.section.audience")
def audience_country(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Channel audience by country (the downloadable data behind its chart)."""
    return audience(filters, "country")


@components.dataset(PAGE, "audience_age", "views.section.audience")
def audience_age(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Channel audience by age band (the downloadable data behind its chart)."""
    return audience(filters, "age")


@components.dataset(PAGE, "audience_gender", "views.section.audience")
def audience_gender(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Channel audience by gender (YouTube Viewer gender, TikTok FollowerGender)."""
    return audience(filters, "gender")


def audience_figure(filters: Mapping[str, Any], dimension: str) -> go.Figure:
    """Share of views by country or age band, a bar group per platform."""
    return charts_views.audience_bars(
        audience(filters, dimension), dimension=dimension, lang=urlstate.lang_of(filters)
    )


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The page for the URL's filters (default: the latest edition, all platforms, all dates)."""
    filters = {**query, "lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    try:
        frame = editions()
    except WarehouseError as exc:
        return components.message(PAGE, lang, str(exc))
    years = frame["edition_year"].to_list()
    if not years:
        return components.message(PAGE, lang, t("views.empty.no_editions", lang))
    s = state(filters)
    filters["edition"] = str(s.year)
    names = {r["edition_year"]: r[f"name_{lang}"] for r in frame.to_dicts()}
    everything = edition_programs(s.year) if s.year is not None else pl.DataFrame()
    platform_ids = charts._platform_order(
        set(everything["platform_id"].to_list()) | set(live_platforms(s.year))
    )
    controls = [
        components.dropdown(
            PAGE,
            "edition",
            t("filter.edition", lang),
            [(str(y), names[y]) for y in reversed(years)],
            str(s.year),
            clearable=False,
        ),
        components.dropdown(
            PAGE,
            "platform",
            t("views.filter.platform", lang),
            [(p, platform_label(p, lang)) for p in platform_ids],
            s.platforms,
            multi=True,
            placeholder=t("views.filter.all_platforms", lang),
        ),
        *window_controls(s, filters),
        components.dropdown(
            PAGE,
            "metric",
            t("views.filter.metric", lang),
            [(m, charts_views.metric_label(m, lang)) for m in charts_views.METRICS],
            s.metric,
            clearable=False,
        ),
        components.dropdown(
            PAGE,
            "program",
            t("views.filter.program", lang),
            program_options(s.year, s.programs, None),
            s.programs,
            multi=True,
            placeholder=t("views.filter.top_programs", lang).format(n=DEFAULT_PROGRAMS),
        ),
    ]
    return components.page(
        PAGE,
        lang,
        filters,
        controls=controls,
        body=[
            html.Div(id=f"{PAGE}-kpis", className="kpis"),
            section(
                "views.section.plays",
                lang,
                [
                    components.chart_card(PAGE, "platform_daily", wide=True),
                    components.chart_card(PAGE, "program_daily", wide=True),
                    components.chart_card(PAGE, "top_programs", wide=True, height=440),
                ],
            ),
            section(
                "views.section.reach",
                lang,
                [
                    components.chart_card(PAGE, "engagement"),
                    components.chart_card(PAGE, "reach_platform"),
                    components.chart_card(PAGE, "reach_programs", wide=True, height=520),
                    paged_grid_card("programs", t("views.title.programs", lang), lang),
                ],
                note=t("views.note.reach", lang),
            ),
            section(
                "views.section.audience",
                lang,
                [
                    components.chart_card(PAGE, f"audience_{dimension}")
                    for dimension in AUDIENCE_DIMENSIONS
                ],
                note=t("views.note.audience", lang),
            ),
            section(
                "views.section.live",
                lang,
                [
                    components.chart_card(PAGE, "live", wide=True),
                    components.grid_card(PAGE, "streams", t("views.title.live_streams", lang)),
                ],
            ),
        ],
    )


dash.register_page(
    __name__, path="/views", order=3, title="creatorpulse", page_key=PAGE, layout=layout
)


# -- callbacks -------------------------------------------------------------------------------------
@callback(
    *[Output({"type": components.FILTER, "page": PAGE, "key": k}, "value") for k in WINDOW_KEYS],
    Input(f"{PAGE}-window-choice", "value"),
    Input(f"{PAGE}-dates", "start_date"),
    Input(f"{PAGE}-dates", "end_date"),
    prevent_initial_call=True,
)
def choose_window(choice: str | None, start: str | None, end: str | None) -> tuple[Any, ...]:
    """A preset clears the custom dates; picked dates (or "custom") replace the preset."""
    if ctx.triggered_id == f"{PAGE}-window-choice" and choice in WINDOWS:
        return (None if choice == DEFAULT_WINDOW else choice), None, None
    if start is None and end is None:
        return no_update, no_update, no_update
    return None, (start or "")[:10] or None, (end or "")[:10] or None


@callback(
    Output(_filter_id("program"), "options"),
    Input(_filter_id("program"), "search_value"),
    State(_filter_id("program"), "value"),
    State(_filter_id("edition"), "value"),
    prevent_initial_call=True,
)
def search_programs(search: str | None, selected: Any, edition: Any) -> Any:
    """The program list's options for the text typed in it (the selected ones always kept)."""
    year = state({"edition": edition}).year
    chosen = (
        [v for v in (selected or []) if isinstance(v, str)] if isinstance(selected, list) else []
    )
    options = program_options(year, chosen, search if isinstance(search, str) else None)
    return [{"label": label, "value": value} for value, label in options]


def _kpi_cards(filters: Mapping[str, Any]) -> list[html.Div]:
    return [
        components.kpi(PAGE, k["name"], k["label"], k["value"], k["note"]) for k in kpis(filters)
    ]


def render(filters: dict[str, Any]) -> tuple[Any, ...]:
    """Everything on the page from its filters."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    program_rows, program_defs = components.grid_data(programs(filters), lang)
    stream_rows, stream_defs = components.grid_data(stream_table(filters), lang)
    return (
        _kpi_cards(filters),
        platform_figure(filters),
        program_figure(filters),
        top_programs_figure(filters),
        engagement_figure(filters),
        reach_platform_figure(filters),
        reach_programs_figure(filters),
        program_rows,
        program_defs,
        live_figure(filters),
        stream_rows,
        stream_defs,
    )


@callback(
    Output(f"{PAGE}-kpis", "children"),
    Output(f"{PAGE}-platform_daily", "figure"),
    Output(f"{PAGE}-program_daily", "figure"),
    Output(f"{PAGE}-top_programs", "figure"),
    Output(f"{PAGE}-engagement", "figure"),
    Output(f"{PAGE}-reach_platform", "figure"),
    Output(f"{PAGE}-reach_programs", "figure"),
    Output(f"{PAGE}-programs", "rowData"),
    Output(f"{PAGE}-programs", "columnDefs"),
    Output(f"{PAGE}-live", "figure"),
    Output(f"{PAGE}-streams", "rowData"),
    Output(f"{PAGE}-streams", "columnDefs"),
    Input(components.filters_id(PAGE), "data"),
)
def update(filters: dict[str, Any] | None) -> Any:
    """The registered callback: `render`, cached per snapshot, filters and viewer."""
    return data.output(render, filters or {}, viewer=auth.viewer_key())


def render_audience(filters: dict[str, Any]) -> tuple[go.Figure, ...]:
    """The channel-audience charts from the page's filters."""
    return tuple(audience_figure(filters or {}, d) for d in AUDIENCE_DIMENSIONS)


@callback(
    *[Output(f"{PAGE}-audience_{d}", "figure") for d in AUDIENCE_DIMENSIONS],
    Input(components.filters_id(PAGE), "data"),
)
def update_audience(filters: dict[str, Any] | None) -> Any:
    """The audience charts' own callback, cached like `update`."""
    return data.output(render_audience, filters or {}, viewer=auth.viewer_key())


def stream_table(filters: Mapping[str, Any]) -> pl.DataFrame:
    """The streams table as shown: platform names instead of ids, minutes without seconds."""
    lang = urlstate.lang_of(filters)
    frame = streams(filters)
    return frame.with_columns(
        pl.col("platform_id").map_elements(
            lambda p: platform_label(p, lang), return_dtype=pl.String
        ),
        pl.col("first_minute_at").dt.strftime("%Y-%m-%d %H:%M"),
        pl.col("peak_minute_at").dt.strftime("%Y-%m-%d %H:%M"),
        pl.col("avg_concurrent_viewers").round(0).cast(pl.Int64),
    )
