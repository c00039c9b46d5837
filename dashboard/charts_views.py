"""Figures of the views & reach page: pure functions, a Polars frame in, a `go.Figure` out.

Like `dashboard.charts`: every function takes `lang`, colours platforms from `dashboard.theme`,
returns an empty-state figure saying why when there is nothing to draw, and never changes its
frame. A metric is one of `METRICS` (plays, interactions, impressions, watch time in hours); its
axis title carries its unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, theme
from dashboard.i18n import DEFAULT_LANG, STRINGS, fmt_number, platform_label, register, t

# Metric name -> the i18n key of its axis title (with its unit).
METRICS: dict[str, str] = {
    "plays": "axis.plays",
    "interactions": "views.axis.interactions",
    "impressions": "views.axis.impressions",
    "watch_time_h": "views.axis.watch_time_h",
}
# Marker pattern of an estimated part: hatched and lighter, so it reads as "not measured".
ESTIMATED_PATTERN = {"shape": "/", "fillmode": "overlay", "solidity": 0.35, "size": 6}
ESTIMATED_OPACITY = 0.55

register(
    {
        "views.axis.interactions": {"zh": "互动量（次）", "en": "Interactions"},
        "views.axis.impressions": {"zh": "曝光量（次）", "en": "Impressions"},
        "views.axis.watch_time_h": {"zh": "观看时长（小时）", "en": "Watch time (hours)"},
        "views.axis.engagement_rate": {
            "zh": "互动率（互动量 ÷ 播放量）",
            "en": "Engagement rate (interactions ÷ plays)",
        },
        "views.axis.reach": {"zh": "触达人数（人）", "en": "Reach (people)"},
        "views.metric.plays": {"zh": "播放量", "en": "Plays"},
        "views.metric.interactions": {"zh": "互动量", "en": "Interactions"},
        "views.metric.impressions": {"zh": "曝光量", "en": "Impressions"},
        "views.metric.watch_time_h": {"zh": "观看时长", "en": "Watch time"},
        "views.title.platform_daily": {
            "zh": "每日{metric}（按平台）",
            "en": "Daily {metric} by platform",
        },
        "views.title.program_daily": {
            "zh": "每日{metric}（按节目）",
            "en": "Daily {metric} by program",
        },
        "views.note.first_snapshot": {
            "zh": "（快照首日：截至当日的累计值，不是单日播放）",
            "en": " (first snapshot: total to date, not one day's plays)",
        },
        "views.note.interval": {
            "zh": "（快照间隔：多日的增量记在这一天）",
            "en": " (snapshot interval: several days' change dated on this day)",
        },
        "views.note.snapshot_legend": {
            "zh": "圆点 = 快照导出的值（首个快照为累计值，其后为两次快照之间的增量），不是每日曲线",
            "en": "Dots = values from snapshot exports (first: total to date; then the change "
            "between snapshots), not a daily curve",
        },
        "views.title.top_programs": {
            "zh": "{metric}最高的节目（按平台堆叠）",
            "en": "Top programs by {metric}, stacked by platform",
        },
        "views.title.engagement": {
            "zh": "各平台互动率",
            "en": "Engagement rate by platform",
        },
        "views.title.reach_platform": {
            "zh": "各平台触达人数",
            "en": "Reach by platform",
        },
        "views.title.reach_programs": {
            "zh": "触达人数最高的节目",
            "en": "Top programs by reach",
        },
        "views.trace.reported": {"zh": "平台报告", "en": "Reported"},
        "views.trace.estimated": {"zh": "估算", "en": "Estimated"},
        "views.trace.overall_rate": {"zh": "全部平台", "en": "All platforms"},
        "views.label.not_reported": {"zh": "未报告<br>互动", "en": "not<br>reported"},
        "views.empty.metric": {
            "zh": "所选平台在该时段没有报告这一指标",
            "en": "The selected platforms report no such figure for this period",
        },
        "views.empty.no_interactions": {
            "zh": "所选平台在该时段没有报告互动数据",
            "en": "The selected platforms report no interactions for this period",
        },
        "views.empty.no_reach": {
            "zh": "该时段没有可计算触达的播放数据",
            "en": "No plays to compute reach from in this period",
        },
        "views.empty.no_programs": {
            "zh": "该时段所选平台没有节目播放数据",
            "en": "No program plays on the selected platforms in this period",
        },
    }
)


def metric_label(metric: str, lang: str = DEFAULT_LANG) -> str:
    """播放量 / Plays for `plays`; KeyError for an unknown metric."""
    if metric not in METRICS:
        raise KeyError(f"unknown metric {metric!r}")
    return t(f"views.metric.{metric}", lang)


def _title(key: str, metric: str, lang: str) -> str:
    name = metric_label(metric, lang)
    return t(key, lang).format(metric=name if lang == "zh" else name.lower())


def _hover_number(metric: str) -> str:
    return "%{y:,.1f}" if metric == "watch_time_h" else "%{y:,}"


def metric_over_time(
    frame: pl.DataFrame,
    *,
    series: str = "platform",
    metric: str = "plays",
    lang: str = DEFAULT_LANG,
    empty_key: str = "views.empty.metric",
    marked: Sequence[tuple[date, str]] = (),
) -> go.Figure:
    """One line per platform (`series="platform"`) or program (`"program"`) of a daily metric.

    `frame[date_on, key, label, value]`: `key` identifies the series (a platform id or program
    id), `label` is what the legend shows for a program (platforms are labelled by the i18n
    helper); values are summed per day and series. Platforms keep their theme colour; programs
    take the series palette in order of their total, largest first. An optional `note` column
    (hover text of a day that is no daily value: a snapshot's total to date or a multi-day
    change) marks those days with dots, adds the note to their hover and a legend line below.
    `marked` (day, label) pairs are drawn as dotted lines (`charts.mark_day`).
    """
    columns = ("date_on", "key", "label", "value")
    charts._require(frame, columns, "metric_over_time")
    title_key = (
        "views.title.platform_daily" if series == "platform" else "views.title.program_daily"
    )
    title = _title(title_key, metric, lang)
    if "note" not in frame.columns:
        frame = frame.with_columns(note=pl.lit("", dtype=pl.String))
    data = (
        frame.drop_nulls(["date_on", "key", "value"])
        .group_by("key", "date_on")
        .agg(pl.col("label").first(), pl.col("value").sum(), pl.col("note").fill_null("").max())
        .sort("date_on")
    )
    if data.is_empty():
        return charts.empty_figure("views.metric.plays", empty_key, lang, title=title)
    if series == "platform":
        keys = charts._platform_order(data["key"].to_list())
    else:
        totals = (
            data.group_by("key")
            .agg(pl.col("value").sum())
            .sort(["value", "key"], descending=[True, False])
        )
        keys = totals["key"].to_list()
    hover = (
        "%{x|%Y-%m-%d}: " + _hover_number(metric) + "%{customdata}<extra>%{fullData.name}</extra>"
    )
    traces = []
    for index, key in enumerate(keys):
        part = data.filter(pl.col("key") == key)
        if series == "platform":
            name, colour = platform_label(key, lang), theme.platform_colour(key)
        else:
            name, colour = part["label"][0] or key, theme.series_colour(index)
        notes = part["note"].to_list()
        snapshot_days = any(notes)
        if all(notes):  # only snapshots: dots alone, as nothing is known between them
            mode = "markers"
        else:
            mode = "lines+markers" if part.height == 1 or snapshot_days else "lines"
        traces.append(
            go.Scatter(
                x=charts.dates(part["date_on"]),
                y=part["value"].to_list(),
                mode=mode,
                name=name,
                legendgroup=key,
                meta={"key": key},
                line={"color": colour, "width": 2},
                # A snapshot day is a dot (size 8), the days between a plain line: no invented curve.
                marker={"size": [8 if n else 0 for n in notes]} if snapshot_days else None,
                customdata=notes,
                hovertemplate=hover,
            )
        )
    marks = charts.marks(marked)
    annotations = marks.get("annotations", [])
    if data["note"].str.len_chars().max():
        legend = {
            "text": t("views.note.snapshot_legend", lang),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": -0.28,
            "showarrow": False,
            "xanchor": "left",
            "font": {"size": 11},
        }
        annotations = [legend, *annotations]
    return theme.figure(
        title,
        data=traces,
        xaxis=theme.axis(t("axis.date", lang), **charts.date_axis(lang)),
        yaxis=theme.axis(t(METRICS[metric], lang), rangemode="tozero"),
        **({"shapes": marks["shapes"]} if marked else {}),
        **({"annotations": annotations} if annotations else {}),
    )


def top_programs_stacked(
    frame: pl.DataFrame,
    *,
    metric: str = "plays",
    n: int = 10,
    lang: str = DEFAULT_LANG,
    empty_key: str = "views.empty.no_programs",
) -> go.Figure:
    """Horizontal bars of the n programs with the largest total metric, stacked by platform.

    `frame[title_zh, platform_id, value]` (several rows per program and platform are summed);
    the largest program is on top. Titles are shown as written (Chinese) in both languages.
    """
    charts._require(frame, ("title_zh", "platform_id", "value"), "top_programs_stacked")
    title = _title("views.title.top_programs", metric, lang)
    data = (
        frame.drop_nulls(["title_zh", "platform_id", "value"])
        .group_by("title_zh", "platform_id")
        .agg(pl.col("value").sum())
    )
    totals = (
        data.group_by("title_zh")
        .agg(pl.col("value").sum())
        .filter(pl.col("value") > 0)
        .sort(["value", "title_zh"], descending=[True, False])
        .head(n)
    )
    if totals.is_empty():
        return charts.empty_figure("views.metric.plays", empty_key, lang, title=title)
    order = totals["title_zh"].to_list()
    number = "%{x:,.1f}" if metric == "watch_time_h" else "%{x:,}"
    traces: list[go.Bar | go.Scatter] = []
    for pid in charts._platform_order(data["platform_id"].to_list()):
        part = data.filter(pl.col("platform_id") == pid)
        values = dict(zip(part["title_zh"].to_list(), part["value"].to_list(), strict=True))
        traces.append(
            go.Bar(
                x=[values.get(title_zh, 0) for title_zh in order],
                y=order,
                orientation="h",
                name=platform_label(pid, lang),
                meta={"platform_id": pid},
                marker_color=theme.platform_colour(pid),
                hovertemplate="%{y}: " + number + "<extra>%{fullData.name}</extra>",
            )
        )
    # The programs' totals at the end of each bar.
    traces.append(
        go.Scatter(
            x=totals["value"].to_list(),
            y=order,
            mode="text",
            text=[fmt_number(v) for v in totals["value"].to_list()],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            meta={"role": "total"},
        )
    )
    # Plotly lists stacked bars' legend bottom-up; keep the theme's platform order instead.
    return theme.figure(
        title,
        data=traces,
        barmode="stack",
        legend={**theme.base_layout(title)["legend"], "traceorder": "normal"},
        # Leave room right of the longest bar for its total.
        xaxis=theme.axis(
            t(METRICS[metric], lang), range=[0, max(totals["value"].to_list()) * 1.15]
        ),
        yaxis=theme.axis(t("axis.program", lang), autorange="reversed", type="category"),
    )


def engagement_by_platform(
    frame: pl.DataFrame,
    *,
    overall_rate: float | None = None,
    lang: str = DEFAULT_LANG,
    empty_key: str = "views.empty.no_interactions",
) -> go.Figure:
    """Engagement rate per platform as bars, with the all-platform rate as a dashed line.

    `frame[platform_id, engagement_rate]`, one row per platform; a platform whose rate is null
    (it reports no interactions) gets no bar but a "not reported" label, so it is seen to be
    missing rather than zero.
    """
    charts._require(frame, ("platform_id", "engagement_rate"), "engagement_by_platform")
    title = t("views.title.engagement", lang)
    data = frame.drop_nulls(["platform_id"])
    if data["engagement_rate"].drop_nulls().is_empty():
        return charts.empty_figure("views.title.engagement", empty_key, lang)
    order = charts._platform_order(data["platform_id"].to_list())
    rates = dict(zip(data["platform_id"].to_list(), data["engagement_rate"].to_list(), strict=True))
    labels = [platform_label(p, lang) for p in order]
    values = [rates[p] for p in order]
    bar = go.Bar(
        x=labels,
        y=values,
        name=t("views.axis.engagement_rate", lang),
        meta={"platform_ids": order},
        marker_color=[theme.platform_colour(p) for p in order],
        text=["" if v is None else f"{v:.1%}" for v in values],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>",
        showlegend=False,
    )
    # A bar of no height carries no text: say at its place that nothing was reported.
    annotations = [
        {
            "name": "not_reported",
            "x": label,
            "y": 0,
            "text": t("views.label.not_reported", lang),
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"color": theme.REFERENCE_COLOUR, "size": 12},
        }
        for label, value in zip(labels, values, strict=True)
        if value is None
    ]
    shapes = []
    if overall_rate is not None:
        line = {"color": theme.REFERENCE_COLOUR, "width": 1.5, "dash": "dash"}
        shapes.append(charts.hline(overall_rate, line, name="overall"))
        annotations.append(
            {
                "text": f"{t('views.trace.overall_rate', lang)} {overall_rate:.1%}",
                "showarrow": False,
                "x": 1,
                "xanchor": "right",
                "xref": "x domain",
                "y": overall_rate,
                "yanchor": "bottom",
                "yref": "y",
            }
        )
    return theme.figure(
        title,
        data=[bar],
        **({"annotations": annotations} if annotations else {}),
        **({"shapes": shapes} if shapes else {}),
        xaxis=theme.axis(t("dim.platform", lang), type="category"),
        yaxis=theme.axis(
            t("views.axis.engagement_rate", lang),
            tickformat=".0%",
            rangemode="tozero",
            range=[0, max(v for v in values if v is not None) * 1.25],
        ),
    )


def reach_bars(
    frame: pl.DataFrame,
    *,
    kind: str = "platform",
    n: int = 15,
    lang: str = DEFAULT_LANG,
    empty_key: str = "views.empty.no_reach",
) -> go.Figure:
    """Reach per platform (`kind="platform"`, vertical) or program (`"program"`, top n, horizontal),
    each bar split into its reported part (solid) and its estimated part (hatched, lighter).

    `frame[key, label, reach, reach_reported]`: `key` a platform id or program id, `label` the
    program title (platforms are labelled by the i18n helper); the estimated part is
    reach − reach_reported. Rows with null reach (no plays in the window) are left out.
    """
    charts._require(frame, ("key", "label", "reach", "reach_reported"), "reach_bars")
    title_key = "views.title.reach_platform" if kind == "platform" else "views.title.reach_programs"
    data = frame.drop_nulls(["key", "reach"]).filter(pl.col("reach") > 0)
    if data.is_empty():
        return charts.empty_figure(title_key, empty_key, lang)
    if kind == "platform":
        order = charts._platform_order(data["key"].to_list())
        data = data.join(
            pl.DataFrame({"key": order, "_order": list(range(len(order)))}), on="key"
        ).sort("_order")
        labels = [platform_label(k, lang) for k in data["key"].to_list()]
        colours: Sequence[str] = [theme.platform_colour(k) for k in data["key"].to_list()]
    else:
        data = data.sort(["reach", "label"], descending=[True, False]).head(n)
        labels = [lab or key for key, lab in zip(data["key"], data["label"], strict=True)]
        colours = [theme.NEUTRAL_COLOUR] * data.height
    reported = data["reach_reported"].fill_null(0).to_list()
    estimated = [max(r - p, 0) for r, p in zip(data["reach"].to_list(), reported, strict=True)]
    horizontal = kind != "platform"
    parts = (
        ("reported", reported, {"color": list(colours)}),
        (
            "estimated",
            estimated,
            {
                "color": list(colours),
                "opacity": ESTIMATED_OPACITY,
                # bgcolor is unused in overlay mode, but without it plotly's legend swatch
                # takes the colour array as one colour (a console warning).
                "pattern": {**ESTIMATED_PATTERN, "fgcolor": "#ffffff", "bgcolor": colours[0]},
            },
        ),
    )
    number = "%{x:,.0f}" if horizontal else "%{y:,.0f}"
    traces: list[go.Bar | go.Scatter] = []
    for part, values, marker in parts:
        name = t(f"views.trace.{part}", lang)
        traces.append(
            go.Bar(
                x=values if horizontal else labels,
                y=labels if horizontal else values,
                orientation="h" if horizontal else "v",
                name=name,
                meta={"part": part, "keys": data["key"].to_list()},
                marker=marker,
                hovertemplate=("%{y}" if horizontal else "%{x}")
                + f" · {name}: {number}<extra></extra>",
            )
        )
    totals = data["reach"].to_list()
    traces.append(
        go.Scatter(
            x=totals if horizontal else labels,
            y=labels if horizontal else totals,
            mode="text",
            text=[fmt_number(v) for v in totals],
            textposition="middle right" if horizontal else "top center",
            showlegend=False,
            hoverinfo="skip",
            meta={"role": "total"},
        )
    )
    value_axis = theme.axis(t("views.axis.reach", lang), range=[0, max(totals) * 1.18])
    if horizontal:
        axes = {
            "xaxis": value_axis,
            "yaxis": theme.axis(t("axis.program", lang), autorange="reversed", type="category"),
        }
    else:
        axes = {"xaxis": theme.axis(t("dim.platform", lang), type="category"), "yaxis": value_axis}
    title = t(title_key, lang)
    return theme.figure(
        title,
        data=traces,
        barmode="stack",
        legend={**theme.base_layout(title)["legend"], "traceorder": "normal"},
        **axes,
    )


register(
    {
        "views.title.audience_country": {
            "zh": "观众所在国家/地区（观看次数占比）",
            "en": "Audience by country (share of views)",
        },
        "views.title.audience_age": {
            "zh": "观众年龄（观看次数占比）",
            "en": "Audience by age (share of views)",
        },
        "views.title.audience_gender": {
            "zh": "观众性别（观看次数或粉丝占比）",
            "en": "Audience by gender (share of views or followers)",
        },
        "views.axis.views_share": {"zh": "观看次数占比", "en": "Share of views"},
        "views.axis.share": {"zh": "占比（观看次数或粉丝）", "en": "Share (of views or followers)"},
        "views.trace.followers_share": {
            "zh": "{platform}（粉丝占比）",
            "en": "{platform} (followers)",
        },
        "views.gender.female": {"zh": "女性", "en": "Female"},
        "views.gender.male": {"zh": "男性", "en": "Male"},
        "views.gender.other": {"zh": "其他", "en": "Other"},
        "views.gender.user_specified": {"zh": "用户指定", "en": "User-specified"},
        "views.empty.no_audience": {
            "zh": "所选平台在该时段没有导出观众分布（如 YouTube 的地理位置、观众年龄）",
            "en": "No audience breakdown exported for these platforms in this period "
            "(e.g. YouTube's Geography or Viewer age tab)",
        },
        "views.age_band": {"zh": "{band} 岁", "en": "{band} years"},
    }
)


def _country_name(code: str, lang: str) -> str | None:
    """The country's name in `lang` for an ISO-2 code, None when the code is not one."""
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return None
    if lang == "zh":
        zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
        return zh.gettext(country.name)
    return str(getattr(country, "common_name", None) or country.name)


def audience_value_label(dimension: str, key: str, text: str | None, lang: str) -> str:
    """How one breakdown value is shown: a country's name in `lang`, `18-24 岁`, else its text."""
    if dimension == "country":
        return _country_name(key.upper(), lang) or text or key
    if dimension == "age":
        return t("views.age_band", lang).format(band=key)
    if dimension == "gender" and f"views.gender.{key}" in STRINGS:
        return t(f"views.gender.{key}", lang)
    return text or key


def _age_order(key: str) -> int:
    digits = key.split("-")[0].rstrip("+")
    return int(digits) if digits.isdigit() else 999


def audience_bars(
    frame: pl.DataFrame, *, dimension: str, n: int = 12, lang: str = DEFAULT_LANG
) -> go.Figure:
    """Share of views per value of one audience dimension, one bar group per platform.

    `frame[platform_id, value_key, value_text, views_share]` (shares 0..1, one row per platform
    and value), optionally `followers_share`: a platform that reports shares of its followers
    instead (TikTok FollowerGender / FollowerTopTerritories) gets its own trace, named as such,
    never mixed into a share of views. Countries are the n with the largest share over all
    platforms, largest first; age bands in age order. Platforms report shares, so platforms of
    any size compare.
    """
    charts._require(
        frame, ("platform_id", "value_key", "value_text", "views_share"), "audience_bars"
    )
    title_key = f"views.title.audience_{dimension}"
    followers = pl.col("followers_share") if "followers_share" in frame.columns else pl.lit(None)
    data = frame.with_columns(
        is_followers=pl.col("views_share").is_null() & followers.is_not_null(),
        views_share=pl.coalesce(pl.col("views_share"), followers),
    ).drop_nulls(["platform_id", "value_key", "views_share"])
    if data.is_empty():
        return charts.empty_figure(title_key, "views.empty.no_audience", lang)
    totals = data.group_by("value_key").agg(
        pl.col("views_share").sum(), pl.col("value_text").first()
    )
    if dimension == "age":
        keys = sorted(totals["value_key"].to_list(), key=_age_order)
    else:
        keys = (
            totals.sort(["views_share", "value_key"], descending=[True, False])
            .head(n)["value_key"]
            .to_list()
        )
    texts = dict(zip(totals["value_key"], totals["value_text"], strict=True))
    labels = [audience_value_label(dimension, k, texts[k], lang) for k in keys]
    traces = []
    for platform_id in charts._platform_order(data["platform_id"].unique().to_list()):
        for is_followers in (False, True):
            rows = data.filter(
                pl.col("platform_id") == platform_id, pl.col("is_followers") == is_followers
            )
            if rows.is_empty():
                continue
            shares = dict(rows.select("value_key", "views_share").iter_rows())
            name = platform_label(platform_id, lang)
            if is_followers:
                name = t("views.trace.followers_share", lang).format(platform=name)
            traces.append(
                go.Bar(
                    x=labels,
                    y=[shares.get(k) for k in keys],
                    name=name,
                    meta={
                        "platform_id": platform_id,
                        "keys": keys,
                        "basis": "followers" if is_followers else "views",
                    },
                    marker_color=theme.platform_colour(platform_id),
                    marker_pattern_shape="/" if is_followers else "",
                    hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>",
                )
            )
    axis = "views.axis.share" if data["is_followers"].any() else "views.axis.views_share"
    return theme.figure(
        t(title_key, lang),
        data=traces,
        barmode="group",
        xaxis={"type": "category"},
        yaxis=theme.axis(t(axis, lang), tickformat=".0%", rangemode="tozero"),
    )
