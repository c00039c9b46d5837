"""Attention: how fast the Spring Festival spike fades, year by year.

One series at a time (a topic index such as 微信指数/AI春晚, or the gala's plays): its years
overlaid on days from Spring Festival with each year's end of March marked, the fitted decline
b + A·2^(−(d−d0)/h) per year as small multiples, and a table of half-life (with its 95%
interval), share of the peak left 30 and 60 days after it and the March / festival-week ratio
(DESIGN §5 "attention decline"; `warehouse.analytics.attention`).

A weekly series (its id ends in ` [week]`) is fitted at its weeks' centres and drawn there; a
monthly one (` [month]`) is drawn but not fitted. The series' granularity shows in its label and,
for weekly / monthly data, a note above the method notes says what it means for the fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, dcc, html

from dashboard import auth, charts_attention, components, data, urlstate
from dashboard.i18n import platform_label, register, t
from warehouse.analytics import attention
from warehouse.store import WarehouseError

PAGE = "attention"
# Windows of the overlay, in days from Spring Festival (正月初一). Each reaches past +69, the
# latest 31 March can fall (Spring Festival is 21 Jan - 20 Feb), so the end of March is in view.
WINDOWS: dict[str, tuple[int, int]] = {
    "-14..90": (-14, 90),
    "-30..120": (-30, 120),
    "-30..180": (-30, 180),
    "all": (-366, 366),
}
DEFAULT_WINDOW = "-14..90"
NORMS = ("peak", "raw")
DEFAULT_NORM = "peak"
# The fit's own range: the peak is searched in PEAK_WINDOW, the curve fitted up to FIT_LAST_DAY.
FIT_DAYS = (attention.PEAK_WINDOW[0], attention.FIT_LAST_DAY)
# A fitted baseline this large (share of the peak) makes h sensitive to a drifting baseline.
HIGH_BASELINE_SHARE = 0.25
# English names of the attention sources the ETL knows (FORMATS.md section 8); others as given.
SOURCE_NAMES_EN = {
    "百度指数": "Baidu Index",
    "微信指数": "WeChat Index",
    "微博热度": "Weibo heat",
    "抖音指数": "Douyin Index",
    "巨量算数": "Ocean Engine Index",
}
STATUS_KEYS = {
    attention.STATUS_OK: "attention.status.ok",
    attention.STATUS_NO_PEAK: "attention.status.no_peak",
    attention.STATUS_TOO_FEW: "attention.status.too_few",
    attention.STATUS_FIT_FAILED: "attention.status.fit_failed",
    attention.STATUS_MONTHLY: "attention.status.monthly",
}
# A coarser series' id ends in its granularity (mart_attention_daily).
GRANULARITY_SUFFIXES = {" [week]": "week", " [month]": "month"}

register(
    {
        "nav.attention": {"zh": "关注度", "en": "Attention"},
        "page.attention": {"zh": "节后关注度衰减", "en": "Attention after Spring Festival"},
        "intro.attention": {
            "zh": "各年按距春节（正月初一）天数对齐叠加；每年峰值后的衰减拟合为 "
            "y = b + A·2^(−(d−d₀)/h)，h 为半衰期（天）。",
            "en": "Years aligned on days from Spring Festival (the first day of the lunar "
            "year); each year's decline after its peak is fitted as y = b + A·2^(−(d−d₀)/h), "
            "h being the half-life in days.",
        },
        "attention.filter.series": {"zh": "序列", "en": "Series"},
        "attention.filter.years": {"zh": "年份", "en": "Years"},
        "attention.filter.years_all": {"zh": "全部年份", "en": "All years"},
        "attention.filter.norm": {"zh": "纵轴", "en": "Values"},
        "attention.norm.peak": {"zh": "占春节峰值比例", "en": "Share of festival peak"},
        "attention.norm.raw": {"zh": "原始值", "en": "Raw values"},
        "attention.filter.window": {"zh": "叠加图时间窗", "en": "Overlay window"},
        "attention.window.-14..90": {"zh": "节前14天～节后90天", "en": "−14 to +90 days"},
        "attention.window.-30..120": {"zh": "节前30天～节后120天", "en": "−30 to +120 days"},
        "attention.window.-30..180": {"zh": "节前30天～节后180天", "en": "−30 to +180 days"},
        "attention.window.all": {"zh": "全部数据", "en": "All data"},
        "attention.series.plays": {"zh": "播放量", "en": "Plays"},
        "attention.axis.raw": {"zh": "指数值（原始）", "en": "Index value (raw)"},
        "attention.title.years": {
            "zh": "春节后的关注度（各年对齐）",
            "en": "Attention after Spring Festival, years overlaid",
        },
        "attention.title.fits": {
            "zh": "各年峰值后的衰减拟合",
            "en": "Fitted decline after each year's peak",
        },
        "attention.title.decline": {
            "zh": "各年衰减：半衰期、+30/+60 天剩余比例、3月/春节周比值",
            "en": "Decline by year: half-life, share left at +30/+60 days, March / festival week",
        },
        "attention.fit.not_fitted": {"zh": "未拟合", "en": "not fitted"},
        "attention.fmt.interval": {"zh": "（95%区间 {low}–{high}）", "en": " (95% {low}–{high})"},
        "attention.trace.half_life": {"zh": "半衰期", "en": "Half-life"},
        "attention.status.ok": {"zh": "已拟合", "en": "Fitted"},
        "attention.status.no_peak": {
            "zh": "未拟合：春节前后14天内没有峰值",
            "en": "Not fitted: no peak within 14 days of Spring Festival",
        },
        "attention.status.too_few": {
            "zh": "未拟合：峰值后不足5天数据",
            "en": "Not fitted: fewer than 5 days of data after the peak",
        },
        "attention.status.monthly": {
            "zh": "未拟合：月度数据（每月一个点，测不出几周内就消退的衰减）",
            "en": "Not fitted: monthly data (one point a month cannot measure a decline that "
            "fades within weeks)",
        },
        "attention.granularity.week": {"zh": "周数据", "en": "weekly"},
        "attention.granularity.month": {"zh": "月度数据", "en": "monthly"},
        "attention.note.weekly": {
            "zh": "粒度：周数据（每周一个点）。每个点按所在周的中点（周首日+3天）计距春节天数，"
            "半衰期仍以天为单位；峰值所在周混合了节前上升与节后衰减，不参与拟合，曲线从其后一周"
            "起拟合并外推到峰值日，因此“拟合”比例相对外推的峰值日、“实际”比例相对峰值周；"
            "点数约为日数据的七分之一，95%区间因此更宽。",
            "en": "Granularity: weekly (one point a week). Each point is placed at its week's "
            "centre (first day + 3) in days from Spring Festival and the half-life is still in "
            "days. The peak week blends the rise with the decline, so the curve is fitted from "
            "the week after it and extrapolated to the peak day: “fitted” shares are of that "
            "extrapolated peak, “observed” ones of the peak week. With about a seventh of the "
            "points of daily data the 95% interval is wider.",
        },
        "attention.note.monthly": {
            "zh": "粒度：月度数据。只展示，不拟合：一个月一个点，无法测出几周内消退的节后衰减；"
            "请下载日或周数据（如 Google Trends 选 90 天以内或 5 年以内的时间范围）。",
            "en": "Granularity: monthly. Shown, not fitted: one point a month cannot measure a "
            "post-festival decline that fades within weeks; download daily or weekly data "
            "instead (e.g. a Google Trends range of up to 90 days, or up to 5 years).",
        },
        "attention.status.fit_failed": {
            "zh": "未拟合：测不出衰减（拟合失败或参数到达边界）",
            "en": "Not fitted: no measurable decline (fit failed or hit a bound)",
        },
        "attention.note.method": {
            "zh": "说明：峰值取春节前后14天内3日中位数最高的一天；+30/+60 天比例为峰值日之后 "
            "30/60 天的占峰值比例（“拟合”取自曲线，“实际”为该日前后7天均值）；3月/春节周 = "
            "3月均值 ÷ 正月初一至初七均值。",
            "en": "Notes: the peak is the day within 14 days of Spring Festival with the highest "
            "3-day median; shares at +30/+60 days are counted from the peak day (“fitted” from "
            "the curve, “observed” as the 7-day mean around that day); March / festival week = "
            "mean of March ÷ mean of days 0–6.",
        },
        "attention.note.limit": {
            "zh": "局限：模型假设基线 b 不变。若节后基线本身在下降（如演示数据中的 百度指数/AI），"
            "这部分下降会被算进衰减，半衰期偏长；此时请以“实际”+30/+60 天比例为准。"
            "微信指数/AI春晚 这类峰值明显、基线很低的序列最可靠。",
            "en": "Limit: the model assumes a constant baseline b. When the baseline itself "
            "drops after the holiday (e.g. 百度指数/AI in the demo data) that drop is read as "
            "decline and the half-life comes out too long; rely on the observed +30/+60 day "
            "shares then. Series with a clear spike over a low baseline, such as "
            "微信指数/AI春晚, are the most reliable.",
        },
        "attention.note.high_baseline": {
            "zh": "注意：{years} 的拟合基线达到峰值的 {share} 以上，半衰期对基线变化较敏感。",
            "en": "Caution: in {years} the fitted baseline is {share} of the peak or more; "
            "the half-life is sensitive to a drifting baseline.",
        },
        "attention.empty.no_series": {
            "zh": "仓库中还没有关注度数据：请先导入百度指数、微信指数等关注度文件或平台数据",
            "en": "No attention data in the warehouse yet: load a topic-attention file "
            "(百度指数, 微信指数 ...) or platform exports first",
        },
        # dcc.Dropdown's own texts (English by default), in the page's language.
        "col.spring_festival_year": {"zh": "春节年份", "en": "Spring Festival year"},
        "col.series": {"zh": "序列", "en": "Series"},
        "col.attention_value": {"zh": "原始值", "en": "Raw value"},
        "col.share_of_peak": {"zh": "占峰值比例", "en": "Share of peak"},
        "col.observed_share": {"zh": "实际（占峰值）", "en": "Observed (share of peak)"},
        "col.fitted_share": {"zh": "拟合（占峰值）", "en": "Fitted (share of peak)"},
        "col.fit_status": {"zh": "拟合状态", "en": "Fit status"},
        "col.peak_on": {"zh": "峰值日期", "en": "Peak date"},
        "col.peak_day": {"zh": "峰值日（距春节）", "en": "Peak day (from SF)"},
        "col.peak_value": {"zh": "峰值", "en": "Peak value"},
        "col.half_life_days": {"zh": "半衰期（天）", "en": "Half-life (days)"},
        "col.half_life_interval": {"zh": "95%区间（天）", "en": "95% interval (days)"},
        "col.share_left_30d_fit": {"zh": "+30天 拟合", "en": "+30 d fit"},
        "col.share_left_30d_observed": {"zh": "+30天 实际", "en": "+30 d obs."},
        "col.share_left_60d_fit": {"zh": "+60天 拟合", "en": "+60 d fit"},
        "col.share_left_60d_observed": {"zh": "+60天 实际", "en": "+60 d obs."},
        "col.march_to_festival_week": {"zh": "3月/春节周", "en": "March / festival week"},
        "col.baseline_share": {"zh": "拟合基线", "en": "Baseline (fit)"},
    }
)


# -- choices from the URL --------------------------------------------------------------------------
def coverage() -> pl.DataFrame:
    """Every series with the Spring Festival years it has data in (attention first)."""
    return data.query("attention_page_coverage")


def series_label(series: str, lang: str) -> str:
    """微信指数 · AI春晚 / WeChat Index · AI春晚; 播放量 · 抖音 / Plays · Douyin."""
    if series.startswith("plays:"):
        platform = series.removeprefix("plays:")
        where = (
            t("trace.all_platforms", lang) if platform == "all" else platform_label(platform, lang)
        )
        return f"{t('attention.series.plays', lang)} · {where}"
    granularity = None
    for suffix, name in GRANULARITY_SUFFIXES.items():
        if series.endswith(suffix):
            series, granularity = series.removesuffix(suffix), name
    source, sep, keyword = series.partition("/")
    if not sep:
        return series
    name = SOURCE_NAMES_EN.get(source, source) if lang == "en" else source
    label = f"{name} · {keyword}"
    if granularity:
        label += f" · {t(f'attention.granularity.{granularity}', lang)}"
    return label


def granularity_of(series: str | None, cover: pl.DataFrame | None = None) -> str:
    """'day' | 'week' | 'month' of a series (from the page's coverage query)."""
    cover = coverage() if cover is None else cover
    if series is None or "granularity" not in cover.columns:
        return "day"
    rows = cover.filter(pl.col("series") == series)["granularity"].drop_nulls()
    return str(rows[0]) if rows.len() else "day"


def _default_series(cover: pl.DataFrame, names: list[str]) -> str | None:
    """The first series (in coverage order) among those with the most years."""
    if not names:
        return None
    years = dict(cover.group_by("series").agg(pl.col("year").n_unique()).iter_rows())
    return max(names, key=lambda name: years.get(name, 0))  # max keeps the first of ties


def selection(filters: Mapping[str, Any], cover: pl.DataFrame) -> dict[str, Any]:
    """The URL's series, years, normalisation and window, each checked against what exists.

    Unknown values are dropped: no series -> the attention series with the most years (the page
    compares years; a one-season download such as a Google Trends file is a choice, not the
    default; ties keep the coverage order, attention before plays), no valid year -> every
    year the series has data in.
    """
    names = cover["series"].unique(maintain_order=True).to_list()
    series = urlstate.one(filters, "series", names) or _default_series(cover, names)
    rows = cover.filter(pl.col("series") == series)
    available = sorted(int(y) for y in rows["year"].to_list())
    chosen = urlstate.many(filters, "years", [str(y) for y in available])
    return {
        "series": series,
        "kind": rows["series_kind"][0] if rows.height else None,
        "available": available,
        "years": sorted(int(y) for y in chosen) or available,
        "norm": urlstate.one(filters, "norm", NORMS) or DEFAULT_NORM,
        "window": urlstate.one(filters, "window", WINDOWS) or DEFAULT_WINDOW,
    }


def _selected(filters: Mapping[str, Any]) -> dict[str, Any]:
    return selection(filters, coverage())


def declines(series: str) -> pl.DataFrame:
    """`attention.decline_by_year` of one series (every year of the warehouse), as stored at
    publish: a request never refits. The fit depends on the series alone, so every year,
    window and normalisation the page offers reads the same stored rows."""
    return data.analytic(attention.stored_declines, series=series)


def _peaks(daily: pl.DataFrame, fits: pl.DataFrame) -> dict[int, float]:
    """Each year's peak: the analytics' 3-day median peak, else the largest value in [-14, +14]
    (a year without a festival peak is still drawn, against its largest festival value)."""
    fitted = {
        int(r["year"]): float(r["peak_value"])
        for r in fits.iter_rows(named=True)
        if r["peak_value"] is not None and r["peak_value"] > 0
    }
    lo, hi = attention.PEAK_WINDOW
    fallback = (
        daily.filter(pl.col("days_from_spring_festival").is_between(lo, hi))
        .group_by("year")
        .agg(pl.col("value").max())
        .filter(pl.col("value") > 0)
    )
    out = {int(y): float(v) for y, v in fallback.iter_rows()}
    out.update(fitted)
    return out


# -- datasets (what the charts draw and the downloads serve) ---------------------------------------
DAILY_SCHEMA: dict[str, Any] = {
    "series": pl.String,
    "spring_festival_year": pl.Int64,
    "date_on": pl.Date,
    "days_from_spring_festival": pl.Int64,
    "attention_value": pl.Float64,
    "share_of_peak": pl.Float64,
}


@components.dataset(PAGE, "years", "attention.title.years")
def years_data(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Daily values of the selected series and years in the window, raw and as share of peak.

    Weekly points are placed at their week's centre (date_on and day both), as the fit places
    them; the chart's end-of-March line reads its position from the pairs of the two.
    """
    sel = _selected(filters)
    if sel["series"] is None:
        return pl.DataFrame(schema=DAILY_SCHEMA)
    first, last = WINDOWS[sel["window"]]
    shift = attention.WEEK_CENTRE_DAYS if granularity_of(sel["series"]) == "week" else 0
    # The peak window is always read too, for the share-of-peak fallback.
    daily = data.query(
        "attention_window",
        series=sel["series"],
        first_day=min(first, attention.PEAK_WINDOW[0]),
        last_day=max(last, attention.PEAK_WINDOW[1]),
    ).filter(pl.col("year").is_in(sel["years"]))
    daily = daily.with_columns(
        pl.col("days_from_spring_festival") + shift,
        pl.col("date_on") + pl.duration(days=shift),
    )
    peaks = _peaks(daily, declines(sel["series"]))
    peak = pl.col("year").replace_strict(peaks, default=None, return_dtype=pl.Float64)
    return (
        daily.filter(pl.col("days_from_spring_festival").is_between(first, last))
        .select(
            "series",
            pl.col("year").cast(pl.Int64).alias("spring_festival_year"),
            "date_on",
            pl.col("days_from_spring_festival").cast(pl.Int64),
            pl.col("value").alias("attention_value"),
            (pl.col("value") / peak).alias("share_of_peak"),
        )
        .sort("spring_festival_year", "days_from_spring_festival")
    )


@components.dataset(PAGE, "fits", "attention.title.fits")
def fits_data(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Per selected year and day of the fit's range: observed and fitted share of the peak."""
    schema = {
        "series": pl.String,
        "spring_festival_year": pl.Int64,
        "days_from_spring_festival": pl.Int64,
        "observed_share": pl.Float64,
        "fitted_share": pl.Float64,
    }
    sel = _selected(filters)
    if sel["series"] is None or not sel["years"]:
        return pl.DataFrame(schema=schema)
    daily = data.query(
        "attention_window", series=sel["series"], first_day=FIT_DAYS[0], last_day=FIT_DAYS[1]
    ).filter(pl.col("year").is_in(sel["years"]))
    fits = declines(sel["series"])
    peaks = _peaks(daily, fits)
    by_year = {int(r["year"]): r for r in fits.iter_rows(named=True)}
    rows = []
    # Weekly points are drawn where the fit places them: at their week's centre.
    shift = attention.WEEK_CENTRE_DAYS if granularity_of(sel["series"]) == "week" else 0
    values = {
        (int(y), int(d) + shift): v
        for y, d, v in daily.select("year", "days_from_spring_festival", "value").iter_rows()
    }
    for year in sel["years"]:
        fit = by_year.get(year, {})
        ok = fit.get("status") == attention.STATUS_OK
        peak = peaks.get(year)
        for day in range(FIT_DAYS[0], FIT_DAYS[1] + 1):
            value = values.get((year, day))
            fitted = None
            if ok and day >= fit["peak_day"]:
                fitted = fit["baseline_share"] + fit["amplitude_share"] * 2 ** (
                    -(day - fit["peak_day"]) / fit["half_life_days"]
                )
            observed = value / peak if value is not None and peak else None
            if observed is None and fitted is None:
                continue
            rows.append((sel["series"], year, day, observed, fitted))
    return pl.DataFrame(rows, schema=schema, orient="row")


def status_text(status: str | None, lang: str) -> str:
    """The analytics' fit status as a sentence (why a year has no fit)."""
    key = STATUS_KEYS.get(status or "")
    return t(key, lang) if key else str(status)


@components.dataset(PAGE, "decline", "attention.title.decline")
def decline_table(filters: Mapping[str, Any]) -> pl.DataFrame:
    """One row per selected year: peak, half-life with interval, shares left, March ratio."""
    lang = urlstate.lang_of(filters)
    sel = _selected(filters)
    columns = [
        "spring_festival_year",
        "fit_status",
        "peak_on",
        "peak_day",
        "peak_value",
        "half_life_days",
        "half_life_interval",
        "share_left_30d_fit",
        "share_left_30d_observed",
        "share_left_60d_fit",
        "share_left_60d_observed",
        "march_to_festival_week",
        "baseline_share",
    ]
    if sel["series"] is None:
        return pl.DataFrame(schema={c: pl.String for c in columns})
    fits = declines(sel["series"]).filter(pl.col("year").is_in(sel["years"]))
    interval = (
        pl.when(pl.col("half_life_low").is_not_null() & pl.col("half_life_high").is_not_null())
        .then(
            pl.format(
                "{}–{}",
                pl.col("half_life_low").round(1).cast(pl.String),
                pl.col("half_life_high").round(1).cast(pl.String),
            )
        )
        .otherwise(None)
    )
    labels = {s: status_text(s, lang) for s in fits["status"].unique().to_list()}
    return fits.sort("year").select(
        pl.col("year").alias("spring_festival_year"),
        pl.col("status").replace_strict(labels, return_dtype=pl.String).alias("fit_status"),
        "peak_on",
        "peak_day",
        "peak_value",
        "half_life_days",
        interval.alias("half_life_interval"),
        "share_left_30d_fit",
        "share_left_30d_observed",
        "share_left_60d_fit",
        "share_left_60d_observed",
        "march_to_festival_week",
        "baseline_share",
    )


# -- figures and the table ---------------------------------------------------------------------------
def _colours() -> dict[int, str]:
    return charts_attention.year_colours(coverage()["year"].to_list())


def years_figure(filters: Mapping[str, Any]) -> go.Figure:
    """The selected years overlaid on days from Spring Festival, each year's 31 March marked."""
    lang = urlstate.lang_of(filters)
    sel = _selected(filters)
    frame = years_data(filters)
    norm = sel["norm"] == "peak"
    raw_key = "axis.plays" if sel["kind"] == "plays" else "attention.axis.raw"
    return charts_attention.years_overlay(
        frame.select(
            pl.col("spring_festival_year").alias("year"),
            "days_from_spring_festival",
            pl.col("share_of_peak" if norm else "attention_value").alias("value"),
            "date_on",
        ),
        _colours(),
        lang=lang,
        value_key="axis.share_of_peak" if norm else raw_key,
        x_range=WINDOWS[sel["window"]] if sel["window"] != "all" else None,
        title=(
            f"{t('attention.title.years', lang)} · {series_label(sel['series'], lang)}"
            if sel["series"] is not None
            else None
        ),
    )


def fits_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Small multiples of the fitted decline, one panel per selected year."""
    lang = urlstate.lang_of(filters)
    sel = _selected(filters)
    frame = fits_data(filters).rename({"spring_festival_year": "year"})
    fits = (
        {int(r["year"]): r for r in declines(sel["series"]).iter_rows(named=True)}
        if sel["series"] is not None
        else {}
    )
    labels = {s: status_text(s, lang) for s in STATUS_KEYS}
    return charts_attention.fitted_decay_years(
        frame, fits, _colours(), lang=lang, status_labels=labels
    )


# Table formats the shared grid can't guess from a column's name.
_FORMATS = {
    "half_life_days": "params.value == null ? '' : params.value.toFixed(1)",
    "march_to_festival_week": "params.value == null ? '' : (params.value * 100).toFixed(1) + '%'",
    "peak_day": "params.value == null ? '' : (params.value > 0 ? '+' : '') + params.value",
}


_WIDTHS = {
    "spring_festival_year": 100,
    "fit_status": 130,
    "peak_on": 112,
    "peak_day": 104,
    "peak_value": 104,
    "half_life_interval": 112,
}


def table(filters: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rowData, columnDefs) of the decline table; a year without a fit says why."""
    lang = urlstate.lang_of(filters)
    rows, defs = components.grid_data(decline_table(filters), lang)
    for spec in defs:
        field = spec["field"]
        if field in _FORMATS:
            spec["valueFormatter"] = {"function": _FORMATS[field]}
        # Long headers wrap instead of being cut; the grid scrolls rather than squeeze numbers.
        spec.update(wrapHeaderText=True, autoHeaderHeight=True, minWidth=_WIDTHS.get(field, 90))
        if field == "fit_status":
            spec["tooltipField"] = "fit_status"
        if field == "spring_festival_year":
            spec["pinned"] = "left"
    return rows, defs


def granularity_note(filters: Mapping[str, Any]) -> str:
    """What a weekly or monthly series means for the fit (empty for daily data)."""
    lang = urlstate.lang_of(filters)
    sel = _selected(filters)
    granularity = granularity_of(sel["series"])
    return t(f"attention.note.{granularity}ly", lang) if granularity != "day" else ""


def caution(filters: Mapping[str, Any]) -> str:
    """The granularity note of a weekly / monthly series, then a warning naming the selected
    years whose fitted baseline is a large share of the peak."""
    note = granularity_note(filters)
    baseline = _baseline_caution(filters)
    return " ".join(part for part in (note, baseline) if part)


def _baseline_caution(filters: Mapping[str, Any]) -> str:
    lang = urlstate.lang_of(filters)
    sel = _selected(filters)
    if sel["series"] is None:
        return ""
    fits = declines(sel["series"]).filter(
        pl.col("year").is_in(sel["years"])
        & (pl.col("status") == attention.STATUS_OK)
        & (pl.col("baseline_share") >= HIGH_BASELINE_SHARE)
    )
    if fits.is_empty():
        return ""
    separator = "、" if lang == "zh" else ", "
    years = separator.join(t("fmt.year", lang).format(year=y) for y in fits["year"].sort())
    return t("attention.note.high_baseline", lang).format(
        years=years, share=f"{HIGH_BASELINE_SHARE:.0%}"
    )


# -- layout and callback -----------------------------------------------------------------------------


def _localised(control: html.Div, lang: str) -> html.Div:
    """A `components.dropdown` whose built-in texts ("3 selected", "Search") are translated."""
    for child in control.children:
        if isinstance(child, dcc.Dropdown):
            child.labels = {k: t(f"dropdown.{k}", lang) for k in components.DROPDOWN_LABELS}
    return control


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The page for the URL's series, years, normalisation and window."""
    filters: dict[str, Any] = {**query, "lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    try:
        cover = coverage()
    except WarehouseError as exc:
        return components.message(PAGE, lang, str(exc))
    if cover.is_empty():
        return components.message(PAGE, lang, t("attention.empty.no_series", lang))
    sel = selection(filters, cover)
    # Every year is shown as an empty choice ("all years"), so a link with no year choice keeps
    # showing all of a series' years, and a change of series doesn't carry the old years along.
    years = [] if sel["years"] == sel["available"] else [str(y) for y in sel["years"]]
    # The store carries the checked values, so the callback and downloads see what is shown.
    filters.update(
        series=sel["series"], years=",".join(years), norm=sel["norm"], window=sel["window"]
    )
    names = cover["series"].unique(maintain_order=True).to_list()
    year_label = t("fmt.year", lang)
    return components.page(
        PAGE,
        lang,
        filters,
        controls=[
            _localised(
                components.dropdown(
                    PAGE,
                    "series",
                    t("attention.filter.series", lang),
                    [(s, series_label(s, lang)) for s in names],
                    sel["series"],
                    clearable=False,
                ),
                lang,
            ),
            _localised(
                components.dropdown(
                    PAGE,
                    "years",
                    t("attention.filter.years", lang),
                    [(str(y), year_label.format(year=y)) for y in sel["available"]],
                    years,
                    multi=True,
                    placeholder=t("attention.filter.years_all", lang),
                ),
                lang,
            ),
            components.radio(
                PAGE,
                "norm",
                t("attention.filter.norm", lang),
                [(n, t(f"attention.norm.{n}", lang)) for n in NORMS],
                sel["norm"],
            ),
            _localised(
                components.dropdown(
                    PAGE,
                    "window",
                    t("attention.filter.window", lang),
                    [(w, t(f"attention.window.{w}", lang)) for w in WINDOWS],
                    sel["window"],
                    clearable=False,
                ),
                lang,
            ),
        ],
        body=[
            html.Div(
                [
                    components.chart_card(PAGE, "years", wide=True, height=440),
                    components.chart_card(
                        PAGE,
                        "fits",
                        wide=True,
                        height=charts_attention.fits_height(len(sel["years"])),
                    ),
                    components.grid_card(PAGE, "decline", t("attention.title.decline", lang)),
                ],
                className="cards",
            ),
            html.P(id=f"{PAGE}-caution", className="note caution"),
            html.P(t("attention.note.limit", lang), className="note", id=f"{PAGE}-limit"),
            html.P(t("attention.note.method", lang), className="note", id=f"{PAGE}-method"),
        ],
    )


dash.register_page(
    __name__,
    path="/attention",
    order=5,
    title="creatorpulse · 关注度",
    page_key=PAGE,
    layout=layout,
)


def render(
    filters: dict[str, Any],
) -> tuple[go.Figure, go.Figure, list[Any], list[Any], str]:
    """Everything on the page from its filters."""
    filters = filters or {}
    rows, defs = table(filters)
    return years_figure(filters), fits_figure(filters), rows, defs, caution(filters)


@callback(
    Output(f"{PAGE}-years", "figure"),
    Output(f"{PAGE}-fits", "figure"),
    Output(f"{PAGE}-decline", "rowData"),
    Output(f"{PAGE}-decline", "columnDefs"),
    Output(f"{PAGE}-caution", "children"),
    Input(components.filters_id(PAGE), "data"),
)
def update(filters: dict[str, Any] | None) -> Any:
    """The registered callback: `render`, cached per snapshot, filters and viewer."""
    return data.output(render, filters or {}, viewer=auth.viewer_key())
