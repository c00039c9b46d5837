"""Figures of the retention page: pure functions, a Polars frame in, a `go.Figure` out.

Creator retention (cohort table, lifecycle bars, Kaplan–Meier survival by segment) and audience
retention (a program's curves per platform against the median curve of its length band). Like
`dashboard.charts`, every function takes `lang`, never changes its frame, returns an empty-state
figure saying why when there is nothing to draw, and raises ValueError for a missing column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, theme
from dashboard.i18n import DEFAULT_LANG, band_label, fmt_number, platform_label, register, t

LIFECYCLE_STATES = ("new", "returning", "resurrecting", "dormant")
# Fixed colours per lifecycle state (Okabe–Ito, so they read with colour-vision deficiencies):
# growth in blue/green, coming back in orange, leaving in vermillion.
LIFECYCLE_COLOURS = {
    "new": "#0072B2",
    "returning": "#009E73",
    "resurrecting": "#E69F00",
    "dormant": "#D55E00",
}
# Bars of a period that has not ended yet are drawn paler: their counts can still change.
INCOMPLETE_OPACITY = 0.45
# Survival groups without a colour of their own (role colours are fixed in the theme).
ALL_GROUP = "__all__"
OTHER_GROUP = "__other__"
UNKNOWN_GROUP = "__unknown__"
GROUP_COLOURS = {ALL_GROUP: theme.NEUTRAL_COLOUR, OTHER_GROUP: "#AAAAAA", UNKNOWN_GROUP: "#777777"}
# More curves than this with their 95% bands are unreadable: bands are then left out.
MAX_BAND_GROUPS = 4
# Above this many periods the cohort table's cells carry no text (hover still shows it).
MAX_TEXT_PERIODS = 40

register(
    {
        "retention.title.cohorts_bounded": {
            "zh": "创作者留存（按队列 · 当期留存）",
            "en": "Creator retention by cohort · bounded",
        },
        "retention.title.cohorts_unbounded": {
            "zh": "创作者留存（按队列 · 无界留存）",
            "en": "Creator retention by cohort · unbounded",
        },
        "retention.title.lifecycle": {
            "zh": "创作者生命周期（每期人数）",
            "en": "Creator lifecycle per period",
        },
        "retention.title.survival": {
            "zh": "持续创作的时长（Kaplan–Meier 生存曲线）",
            "en": "How long creators keep creating (Kaplan–Meier)",
        },
        "retention.title.audience": {
            "zh": "观众留存曲线（与同时长节目中位数对比）",
            "en": "Audience retention vs the median of similar-length programs",
        },
        "retention.axis.cohort_edition": {
            "zh": "队列（首次参与届次）",
            "en": "Cohort (first edition)",
        },
        "retention.axis.cohort_month": {
            "zh": "队列（首个作品月份）",
            "en": "Cohort (month of first work)",
        },
        "retention.axis.period_n_edition": {
            "zh": "此后第 N 届（0 = 首次参与当届）",
            "en": "Editions after the cohort's own (N, 0 = own)",
        },
        "retention.axis.period_n_month": {
            "zh": "此后第 N 个月（0 = 首个作品当月）",
            "en": "Months after the cohort's own (N, 0 = own)",
        },
        "retention.axis.period_edition": {"zh": "届次（创作季）", "en": "Edition (season)"},
        "retention.axis.period_month": {"zh": "月份", "en": "Month"},
        "retention.axis.creators": {
            "zh": "创作者（人，沉寂为负）",
            "en": "Creators (people; dormant below zero)",
        },
        "retention.axis.days_since_first_work": {
            "zh": "距首个作品的天数（天）",
            "en": "Days since first work",
        },
        "retention.axis.share_still_creating": {
            "zh": "仍在创作的比例",
            "en": "Share still creating",
        },
        "retention.state.new": {"zh": "新创作者", "en": "New"},
        "retention.state.returning": {"zh": "持续活跃", "en": "Returning"},
        "retention.state.resurrecting": {"zh": "回流", "en": "Resurrecting"},
        "retention.state.dormant": {"zh": "沉寂", "en": "Dormant"},
        "retention.group.all": {"zh": "全部创作者", "en": "All creators"},
        "retention.group.other": {"zh": "其余小组（合并）", "en": "Smaller groups (merged)"},
        "retention.group.unknown": {"zh": "未知/未填问卷", "en": "Unknown / not surveyed"},
        "retention.fmt.group_n": {"zh": "{group}（{n}人）", "en": "{group} (n={n})"},
        "retention.fmt.cohort_n": {"zh": "{cohort}（{n}人）", "en": "{cohort} (n={n})"},
        "retention.fmt.band_median": {
            "zh": "同类节目中位数（{band}，{n}条曲线）",
            "en": "Median of similar programs ({band}, {n} curves)",
        },
        "retention.trace.ci": {"zh": "95% 置信区间", "en": "95% confidence interval"},
        "retention.trace.drop": {"zh": "最大流失点", "en": "Biggest drop-offs"},
        "retention.note.incomplete_cells": {
            "zh": "* 该期尚未结束，数字仍可能变化",
            "en": "* period not over yet: the figure may still change",
        },
        "retention.note.incomplete_bars": {
            "zh": "浅色柱：该期尚未结束",
            "en": "Pale bars: period not over yet",
        },
        "retention.note.no_bands": {
            "zh": "多于{n}组时不画置信区间（见下载数据）",
            "en": "no intervals drawn for more than {n} groups (see the download)",
        },
        "retention.note.small_merged": {
            "zh": "不足{k}人的组并入“其余小组”：{groups}",
            "en": "groups under {k} people merged into “smaller groups”: {groups}",
        },
        "retention.note.small_dropped": {
            "zh": "不足{k}人的组未绘制：{groups}",
            "en": "groups under {k} people left out: {groups}",
        },
        "retention.note.many_merged": {
            "zh": "为便于阅读也并入：{groups}",
            "en": "also merged, for readability: {groups}",
        },
        "retention.empty.no_activity": {
            "zh": "还没有导入创作者作品记录，无法计算生命周期",
            "en": "No creator works loaded yet: no lifecycle to show",
        },
        "retention.empty.no_creators": {
            "zh": "没有可计算生存曲线的创作者（至少有一个作品）",
            "en": "No creators with at least one work to estimate survival for",
        },
        "retention.empty.no_curves_loaded": {
            "zh": "平台还没有提供任何观众留存曲线",
            "en": "No platform has reported an audience-retention curve yet",
        },
    }
)


def _require(frame: pl.DataFrame, columns: Sequence[str], chart: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{chart} needs column(s) {missing}; got {frame.columns}")


def _note(title: str, text: str | None) -> dict[str, Any]:
    """The layout (for `theme.figure`) of a grey subtitle under the title (why something is
    pale, merged or left out), none without `text`; a subtitle rather than a note under the
    plot, which would collide with rotated tick labels."""
    if not text:
        return {}
    subtitle = {"text": text, "font": {"size": 12, "color": theme.REFERENCE_COLOUR}}
    return {
        "title": {**theme.base_layout(title)["title"], "subtitle": subtitle},
        "margin": {**theme.MARGIN, "t": 110},
    }


def _rgba(hex_colour: str, alpha: float) -> str:
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def period_text(period: str, by: str, lang: str = DEFAULT_LANG) -> str:
    """A period's label: an edition season as 2024年 / 2024, a month as 2024-03 in both languages."""
    if by == "edition":
        return t("fmt.year", lang).format(year=period)
    return period


# -- creator retention -----------------------------------------------------------------------------
def cohort_table(
    frame: pl.DataFrame,
    *,
    by: str = "edition",
    bounded: bool = True,
    lang: str = DEFAULT_LANG,
) -> go.Figure:
    """Retention share per cohort and period N as a heatmap table, cohort sizes in the row labels.

    `frame[cohort, period_n, share_retained, is_complete, count_cohort]` (one row per cell, as
    `creator_cohorts` gives with `share` renamed). Cells of periods not over yet carry a "*".
    """
    columns = ("cohort", "period_n", "share_retained", "is_complete", "count_cohort")
    _require(frame, columns, "cohort_table")
    title_key = f"retention.title.cohorts_{'bounded' if bounded else 'unbounded'}"
    data = frame.drop_nulls(["cohort", "period_n"])
    if data.is_empty():
        return charts.empty_figure(title_key, "empty.no_cohorts", lang)
    cohorts, periods, z, cells = charts.cohort_cells(
        data.select(
            pl.col("cohort").cast(pl.String), "period_n", pl.col("share_retained").alias("share")
        )
    )
    open_cells = {
        (str(r["cohort"]), r["period_n"])
        for r in data.filter(~pl.col("is_complete").fill_null(False)).iter_rows(named=True)
    }
    text = [
        [
            cell + "*" if cell and (c, p) in open_cells else cell
            for cell, p in zip(row, periods, strict=True)
        ]
        for row, c in zip(cells, cohorts, strict=True)
    ]
    if len(periods) > MAX_TEXT_PERIODS:
        lettering: dict[str, Any] = {"texttemplate": ""}
    else:
        size = 13 if len(periods) <= 12 else 11 if len(periods) <= 24 else 10
        lettering = {"textfont": {"size": size}}
    heat = charts.cohort_trace(cohorts, periods, z, text, lang, **lettering)
    sizes = dict(
        data.group_by("cohort").agg(pl.col("count_cohort").max()).iter_rows()  # one per cohort
    )
    title = t(title_key, lang)
    return theme.figure(
        title,
        data=[heat],
        xaxis=theme.axis(t(f"retention.axis.period_n_{by}", lang), type="category"),
        yaxis=theme.axis(
            t(f"retention.axis.cohort_{by}", lang),
            type="category",
            autorange="reversed",
            tickvals=cohorts,
            ticktext=[
                t("retention.fmt.cohort_n", lang).format(
                    cohort=period_text(c, by, lang), n=fmt_number(sizes[c])
                )
                for c in cohorts
            ],
        ),
        **_note(title, t("retention.note.incomplete_cells", lang) if open_cells else None),
    )


def lifecycle_bars(
    frame: pl.DataFrame, *, by: str = "edition", lang: str = DEFAULT_LANG
) -> go.Figure:
    """Creators per lifecycle state and period as stacked bars, dormant drawn below zero.

    `frame[period, lifecycle_state, count_participants, is_complete]` (as `lifecycle` gives).
    Periods not over yet are pale.
    """
    columns = ("period", "lifecycle_state", "count_participants", "is_complete")
    _require(frame, columns, "lifecycle_bars")
    title = t("retention.title.lifecycle", lang)
    data = frame.drop_nulls(["period", "lifecycle_state"])
    if data.is_empty() or not data["count_participants"].fill_null(0).gt(0).any():
        return charts.empty_figure("retention.title.lifecycle", "retention.empty.no_activity", lang)
    periods = data["period"].unique().sort().to_list()
    complete = dict(data.group_by("period").agg(pl.col("is_complete").all()).iter_rows())
    labels = [period_text(p, by, lang) for p in periods]
    traces = []
    for state in LIFECYCLE_STATES:
        part = data.filter(pl.col("lifecycle_state") == state)
        counts = dict(part.select("period", "count_participants").iter_rows())
        values = [counts.get(p) or 0 for p in periods]
        sign = -1 if state == "dormant" else 1
        traces.append(
            go.Bar(
                x=labels,
                y=[sign * v for v in values],
                customdata=values,
                name=t(f"retention.state.{state}", lang),
                meta={"lifecycle_state": state},
                marker={
                    "color": LIFECYCLE_COLOURS[state],
                    "opacity": [1.0 if complete[p] else INCOMPLETE_OPACITY for p in periods],
                },
                hovertemplate="%{x} · %{fullData.name}: %{customdata:,}<extra></extra>",
            )
        )
    return theme.figure(
        title,
        data=traces,
        barmode="relative",
        bargap=0.25,
        xaxis=theme.axis(t(f"retention.axis.period_{by}", lang), type="category"),
        yaxis=theme.axis(t("retention.axis.creators", lang), zeroline=True),
        **_note(
            title,
            None if all(complete.values()) else t("retention.note.incomplete_bars", lang),
        ),
    )


def _band(
    x: list, upper: list, lower: list, colour: str, group: str, name: str
) -> list[go.Scatter]:
    """A step-shaped confidence band: the upper line, then the lower one filled up to it."""
    return [
        go.Scatter(
            x=x,
            y=values,
            mode="lines",
            line={"width": 0, "shape": "hv"},
            fill="tonexty" if side == "lower" else None,
            fillcolor=_rgba(colour, 0.18) if side == "lower" else None,
            hoverinfo="skip",
            showlegend=False,
            legendgroup=group,
            name=name,
            meta={"group": group, "band": side},
        )
        for side, values in (("upper", upper), ("lower", lower))
    ]


def survival_curves(
    frame: pl.DataFrame, *, lang: str = DEFAULT_LANG, note: str | None = None
) -> go.Figure:
    """Kaplan–Meier curves of days from first to last work, one per group, with 95% bands.

    `frame[group, group_label, group_colour, count_people, time_days, survival, ci_lower,
    ci_upper]`, one row per group and KM time (`creator_survival` rows with the group columns
    added). Each curve starts at (0, 100%) and steps down at its event times. With more than
    MAX_BAND_GROUPS groups the bands are left out (and the subtitle says so). `note` (already in
    `lang`) is the subtitle, e.g. which small groups were merged or left out.
    """
    columns = (
        "group",
        "group_label",
        "group_colour",
        "count_people",
        "time_days",
        "survival",
        "ci_lower",
        "ci_upper",
    )
    _require(frame, columns, "survival_curves")
    data = frame.drop_nulls(["group", "time_days", "survival"])
    title = t("retention.title.survival", lang)
    if data.is_empty():
        return charts.empty_figure(
            "retention.title.survival",
            "retention.empty.no_creators",
            lang,
            layout=_note(title, note),
        )
    traces = []
    groups = data["group"].unique(maintain_order=True).to_list()
    with_bands = len(groups) <= MAX_BAND_GROUPS
    if not with_bands:
        bands_note = t("retention.note.no_bands", lang).format(n=MAX_BAND_GROUPS)
        note = f"{note}{'；' if lang == 'zh' else '; '}{bands_note}" if note else bands_note
    hover = "%{x:,.0f}: %{y:.1%}<extra>%{fullData.name}</extra>"
    for group in groups:
        part = data.filter(pl.col("group") == group).sort("time_days")
        first = part.row(0, named=True)
        colour = first["group_colour"]
        name = t("retention.fmt.group_n", lang).format(
            group=first["group_label"], n=fmt_number(first["count_people"])
        )
        # S = 1 until the first time; the frame's rows hold S just after each time.
        x = [0.0, *part["time_days"].to_list()]
        upper = [1.0, *part["ci_upper"].to_list()]
        lower = [1.0, *part["ci_lower"].to_list()]
        if with_bands:
            traces += _band(x, upper, lower, colour, str(group), t("retention.trace.ci", lang))
        traces.append(
            go.Scatter(
                x=x,
                y=[1.0, *part["survival"].to_list()],
                mode="lines",
                line={"color": colour, "width": 2.5, "shape": "hv"},
                name=name,
                legendgroup=str(group),
                meta={"group": group, "count_people": int(first["count_people"])},
                hovertemplate=hover,
            )
        )
    # A legend beside the plot: several groups' names would wrap over the subtitle above it.
    return theme.figure(
        title,
        data=traces,
        legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"},
        xaxis=theme.axis(t("retention.axis.days_since_first_work", lang), rangemode="tozero"),
        yaxis=theme.axis(
            t("retention.axis.share_still_creating", lang), tickformat=".0%", range=[0, 1.02]
        ),
        **_note(title, note),
    )


# -- audience retention ----------------------------------------------------------------------------
def audience_curves(
    frame: pl.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    program_title: str | None = None,
    empty_key: str = "empty.no_curve",
) -> go.Figure:
    """One program's audience-retention curves, one line per platform item in its platform's
    colour, each length band's median curve dashed, the three biggest drop-offs marked.

    `frame[platform_id, content_id, length_band, count_curves_in_band, position_pct,
    audience_share, band_median_share, drop_rank]` (`audience_curves` rows of one program);
    `program_title` (Chinese, as catalogued) is shown after the title.
    """
    columns = (
        "platform_id",
        "content_id",
        "length_band",
        "count_curves_in_band",
        "position_pct",
        "audience_share",
        "band_median_share",
        "drop_rank",
    )
    _require(frame, columns, "audience_curves")
    title = t("retention.title.audience", lang)
    if program_title:
        title = f"{title} · {program_title}"
    data = frame.drop_nulls(["platform_id", "content_id", "position_pct", "audience_share"])
    if data.is_empty():
        return charts.empty_figure("retention.title.audience", empty_key, lang, title=title)
    data = data.sort("platform_id", "content_id", "position_pct")
    traces = []
    hover = "%{x}%: %{y:.1%}<extra>%{fullData.name}</extra>"
    for band in data["length_band"].unique(maintain_order=True).to_list():
        part = data.filter(pl.col("length_band") == band)
        first_item = part["content_id"][0]
        median = part.filter(pl.col("content_id") == first_item)
        traces.append(
            go.Scatter(
                x=median["position_pct"].to_list(),
                y=median["band_median_share"].to_list(),
                mode="lines",
                name=t("retention.fmt.band_median", lang).format(
                    band=band_label(band, lang), n=part["count_curves_in_band"][0]
                ),
                meta={"length_band": band, "role": "band_median"},
                line={"color": theme.REFERENCE_COLOUR, "width": 2, "dash": "dash"},
                hovertemplate=hover,
            )
        )
    items = data.select("platform_id", "content_id").unique(maintain_order=True).rows()
    per_platform: dict[str, int] = {}
    for platform_id, _ in items:
        per_platform[platform_id] = per_platform.get(platform_id, 0) + 1
    drops_x: list[float] = []
    drops_y: list[float] = []
    for platform_id, content_id in items:
        part = data.filter(
            (pl.col("platform_id") == platform_id) & (pl.col("content_id") == content_id)
        )
        name = platform_label(platform_id, lang)
        if per_platform[platform_id] > 1:
            name = f"{name} · {content_id}"
        traces.append(
            go.Scatter(
                x=part["position_pct"].to_list(),
                y=part["audience_share"].to_list(),
                mode="lines",
                name=name,
                meta={"platform_id": platform_id, "content_id": content_id},
                line={"color": theme.platform_colour(platform_id), "width": 3},
                hovertemplate=hover,
            )
        )
        drops = part.filter(pl.col("drop_rank").is_not_null())
        drops_x += drops["position_pct"].to_list()
        drops_y += drops["audience_share"].to_list()
    if drops_x:
        traces.append(
            go.Scatter(
                x=drops_x,
                y=drops_y,
                mode="markers",
                name=t("retention.trace.drop", lang),
                meta={"role": "drops"},
                marker={"color": theme.PEAK_COLOUR, "size": 9, "symbol": "x"},
                hovertemplate=hover,
            )
        )
    return theme.figure(
        title,
        data=traces,
        xaxis=theme.axis(t("axis.position_pct", lang), range=[0, 100]),
        yaxis=theme.axis(t("axis.share_watching", lang), tickformat=".0%", rangemode="tozero"),
    )
