"""Figures of the segments page: pure functions, a Polars frame in, a `go.Figure` out.

Rule segments (lift of each category within segment A and B, outcome shares of A, B and
everyone) and learned segments (share of each category within each cluster). Like
`dashboard.charts`, every function takes `lang`, never changes its frame, returns an empty-state
figure saying why when there is nothing to draw, and raises ValueError for a missing column.
Cells resting on fewer than k people read "<k" and have no height or colour.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from dashboard import theme
from dashboard.charts import empty_figure, hline
from dashboard.i18n import DEFAULT_LANG, register, t
from warehouse.privacy import DEFAULT_K

# Segments keep one colour everywhere on the page: A blue, B vermillion, everyone grey.
SEGMENT_COLOURS = {
    "a": theme.series_colour(0),
    "b": theme.series_colour(1),
    "all": theme.REFERENCE_COLOUR,
}
# Outcome shares drawn side by side (all 0..1, so they share one percent axis), in this order.
OUTCOME_SHARES = ("will_return_share", "return_rate", "publishing_share", "engagement_rate")
REFERENCE_NAME = "reference"
# Category labels longer than this many characters are wrapped onto several lines.
WRAP_WIDTH = 14

register(
    {
        "segments.title.lift": {"zh": "分群画像：提升度", "en": "Segment profile: lift"},
        "segments.title.outcomes": {"zh": "分群结果对比", "en": "Segment outcomes compared"},
        "segments.title.cluster_profile": {"zh": "群体画像", "en": "Cluster profiles"},
        "segments.axis.lift": {"zh": "提升度（倍）", "en": "Lift (×)"},
        "segments.axis.share_pct": {"zh": "比例（%）", "en": "Share (%)"},
        "segments.axis.outcome": {"zh": "结果指标", "en": "Outcome"},
        "segments.axis.cluster": {"zh": "群体", "en": "Cluster"},
        "segments.axis.share_in_cluster": {"zh": "群体内占比", "en": "Share within cluster"},
        "segments.marker.same_as_all": {"zh": "1 = 与全体相同", "en": "1 = same as everyone"},
        "segments.fmt.cluster": {"zh": "群体 {id}", "en": "Cluster {id}"},
        "segments.hover.lift": {
            "zh": "分群内 {inside} · 全体 {overall}",
            "en": "{inside} in segment · {overall} overall",
        },
        "segments.measure.size": {"zh": "规模（人次）", "en": "Size (responses)"},
        "segments.measure.count_participants": {"zh": "不同参与者", "en": "Distinct people"},
        "segments.measure.share": {"zh": "占全部比例", "en": "Share of all"},
        "segments.measure.satisfaction_mean": {"zh": "满意度（0–10）", "en": "Satisfaction (0–10)"},
        "segments.measure.will_return_share": {"zh": "表示还会参加", "en": "Say they'll return"},
        "segments.measure.return_rate": {"zh": "下一届实际回归", "en": "Returned next edition"},
        "segments.measure.works_after_gala_mean": {
            "zh": "赛后人均作品数",
            "en": "Works after gala (mean)",
        },
        "segments.measure.publishing_share": {"zh": "赛后仍在发布作品", "en": "Still publishing"},
        "segments.measure.count_programs": {"zh": "参与节目数", "en": "Programs made"},
        "segments.measure.plays": {"zh": "节目播放量", "en": "Program plays"},
        "segments.measure.engagement_rate": {"zh": "节目互动率", "en": "Engagement rate"},
        "segments.empty.no_match": {
            "zh": "没有参与者符合该分群条件",
            "en": "No participants match this segment",
        },
        "segments.empty.no_outcomes": {
            "zh": "该分群没有可比较的结果数据",
            "en": "No outcome data to compare for this segment",
        },
        "segments.empty.no_run": {
            "zh": "还没有聚类结果：运行 creatorpulse segment 生成",
            "en": "No clustering run yet: run `creatorpulse segment` to create one",
        },
    }
)


def _require(frame: pl.DataFrame, columns: Sequence[str], chart: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{chart} needs column(s) {missing}; got {frame.columns}")


def wrap_label(text: str, width: int = WRAP_WIDTH) -> str:
    """A long category label broken into lines at spaces ("<br>"), so that axis labels stay
    horizontal; Chinese labels have no spaces and are short."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def segment_colour(segment: str) -> str:
    """The fixed colour of segment "a", "b" or "all" (everyone)."""
    return SEGMENT_COLOURS.get(segment, theme.NEUTRAL_COLOUR)


def lift_bars(
    frame: pl.DataFrame,
    dimension: str,
    *,
    lang: str = DEFAULT_LANG,
    k: int = DEFAULT_K,
    empty_key: str = "segments.empty.no_match",
    dimension_label: str | None = None,
) -> go.Figure:
    """Lift of each value of one dimension within each segment, one bar group per value.

    `frame[segment, segment_name, value, label_zh, label_en, lift, share_in_segment,
    share_overall, is_suppressed]`: one row per (segment, value); values keep the frame's order
    of first appearance. A dashed line marks lift 1 (as common as in everyone); suppressed
    cells are bars of height 0 that read "<k". `dimension_label` names a dimension without a UI string (another
    survey's question).
    """
    columns = (
        "segment",
        "segment_name",
        "value",
        "label_zh",
        "label_en",
        "lift",
        "share_in_segment",
        "share_overall",
        "is_suppressed",
    )
    _require(frame, columns, "lift_bars")
    named = dimension_label or t(f"dim.{dimension}", lang)
    title = f"{t('segments.title.lift', lang)} · {named}"
    if frame.is_empty():
        return empty_figure("segments.title.lift", empty_key, lang)
    traces = []
    order = frame.select("value", f"label_{lang}").unique("value", maintain_order=True)
    label_of = dict(zip(order["value"].to_list(), order[f"label_{lang}"].to_list(), strict=True))
    labels = [wrap_label(label_of[v]) for v in order["value"].to_list()]
    for (segment,), part in frame.group_by("segment", maintain_order=True):
        rows = {r["value"]: r for r in part.iter_rows(named=True)}
        lifts, texts, hovers = [], [], []
        for value in order["value"].to_list():
            row = rows.get(value)
            suppressed = row is not None and bool(row["is_suppressed"])
            # A suppressed cell is a bar of no height, so that its "<k" label still shows.
            lifts.append(0 if suppressed or row is None else row["lift"])
            if suppressed:
                texts.append(f"<{k}")
            else:
                texts.append("" if row is None or row["lift"] is None else f"{row['lift']:.2f}")
            hovers.append(
                t("segments.hover.lift", lang).format(
                    inside=f"<{k}"
                    if row is None or row["is_suppressed"]
                    else _pct(row["share_in_segment"]),
                    overall=_pct(None if row is None else row["share_overall"]),
                )
            )
        traces.append(
            go.Bar(
                x=labels,
                y=lifts,
                name=str(part["segment_name"][0]),
                meta={"segment": segment, "values": order["value"].to_list()},
                marker_color=segment_colour(str(segment)),
                text=texts,
                textposition="outside",
                cliponaxis=False,
                customdata=hovers,
                hovertemplate="%{x} · %{text}<br>%{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    line = {"color": theme.REFERENCE_COLOUR, "width": 1, "dash": "dash"}
    same_as_all = {
        "text": t("segments.marker.same_as_all", lang),
        "font": {"color": theme.REFERENCE_COLOUR},
        "showarrow": False,
        "x": 1,
        "xanchor": "right",
        "xref": "x domain",
        "y": 1,
        "yanchor": "bottom",
        "yref": "y",
    }
    return theme.figure(
        title,
        data=traces,
        shapes=[hline(1, line, name=REFERENCE_NAME)],
        annotations=[same_as_all],
        xaxis=theme.axis(named, type="category", tickangle=0),
        yaxis=theme.axis(t("segments.axis.lift", lang), rangemode="tozero"),
        barmode="group",
        bargap=0.25,
    )


def outcome_bars(
    frame: pl.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    k: int = DEFAULT_K,
    empty_key: str = "segments.empty.no_outcomes",
) -> go.Figure:
    """Outcome shares (will return, returned, still publishing, engagement) of each segment.

    `frame[segment, segment_name, measure, value, is_suppressed]`, value 0..1; measures are
    drawn in OUTCOME_SHARES order and segments in the frame's order ("all" = everyone, grey).
    A measure resting on fewer than k people reads "<k"; one with no data reads "–".
    """
    _require(frame, ("segment", "segment_name", "measure", "value", "is_suppressed"), "outcomes")
    data = frame.filter(pl.col("measure").is_in(OUTCOME_SHARES))
    if data.filter(pl.col("value").is_not_null()).is_empty():
        return empty_figure("segments.title.outcomes", empty_key, lang)
    traces = []
    measures = [m for m in OUTCOME_SHARES if m in set(data["measure"].to_list())]
    labels = [wrap_label(t(f"segments.measure.{m}", lang)) for m in measures]
    for (segment,), part in data.group_by("segment", maintain_order=True):
        rows = {r["measure"]: r for r in part.iter_rows(named=True)}
        values, texts = [], []
        for measure in measures:
            row = rows.get(measure)
            value = None if row is None else row["value"]
            values.append(value)
            if row is not None and row["is_suppressed"]:
                texts.append(f"<{k}")
            else:
                texts.append(_pct(value) if value is not None else "–")
        traces.append(
            go.Bar(
                x=labels,
                y=values,
                name=str(part["segment_name"][0]),
                meta={"segment": segment, "measures": measures},
                marker_color=segment_colour(str(segment)),
                text=texts,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
            )
        )
    return theme.figure(
        t("segments.title.outcomes", lang),
        data=traces,
        xaxis=theme.axis(t("segments.axis.outcome", lang), type="category", tickangle=0),
        yaxis=theme.axis(t("segments.axis.share_pct", lang), tickformat=".0%", rangemode="tozero"),
        barmode="group",
        bargap=0.25,
    )


def cluster_profile(
    frame: pl.DataFrame,
    dimension: str,
    *,
    lang: str = DEFAULT_LANG,
    k: int = DEFAULT_K,
    empty_key: str = "segments.empty.no_run",
    dimension_label: str | None = None,
) -> go.Figure:
    """Share of each value of one dimension within each cluster (rows) as a heatmap.

    `frame[cluster_id, description_zh, description_en, value, label_zh, label_en,
    share_in_group, is_suppressed]`: one row per (cluster, value); clusters sorted by id,
    values in the frame's order of first appearance. The hover shows a cluster's description.
    `dimension_label` names a dimension without a UI string (another survey's question).
    """
    columns = (
        "cluster_id",
        "description_zh",
        "description_en",
        "value",
        "label_zh",
        "label_en",
        "share_in_group",
        "is_suppressed",
    )
    _require(frame, columns, "cluster_profile")
    if frame.is_empty():
        return empty_figure("segments.title.cluster_profile", empty_key, lang)
    values = frame.select("value", f"label_{lang}").unique("value", maintain_order=True)
    clusters = (
        frame.select("cluster_id", f"description_{lang}")
        .unique("cluster_id", maintain_order=True)
        .sort("cluster_id")
    )
    cells = {(r["cluster_id"], r["value"]): r for r in frame.iter_rows(named=True)}
    z, text, hover = [], [], []
    for cluster_id, description in clusters.iter_rows():
        z_row, text_row, hover_row = [], [], []
        for value in values["value"].to_list():
            row = cells.get((cluster_id, value))
            hidden = row is None or bool(row["is_suppressed"])
            share = None if hidden else row["share_in_group"]
            z_row.append(share)
            if row is not None and row["is_suppressed"]:
                text_row.append(f"<{k}")
            else:
                text_row.append("" if share is None else f"{share:.0%}")
            hover_row.append(description)
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    named = dimension_label or t(f"dim.{dimension}", lang)
    title = f"{t('segments.title.cluster_profile', lang)} · {named}"
    heat = go.Heatmap(
        z=z,
        x=[wrap_label(v) for v in values[f"label_{lang}"].to_list()],
        y=[t("segments.fmt.cluster", lang).format(id=c) for c in clusters["cluster_id"].to_list()],
        text=text,
        texttemplate="%{text}",
        customdata=hover,
        colorscale=theme.SEQUENTIAL_SCALE,
        zmin=0,  # the top follows the data: most shares are small, 0..1 would hide them
        name=t("segments.axis.share_in_cluster", lang),
        meta={"cluster_ids": clusters["cluster_id"].to_list()},
        colorbar={
            "title": {"text": t("segments.axis.share_in_cluster", lang)},
            "tickformat": ".0%",
        },
        hovertemplate="%{y} · %{x}: %{text}<br>%{customdata}<extra></extra>",
    )
    return theme.figure(
        title,
        data=[heat],
        xaxis=theme.axis(named, type="category"),
        yaxis=theme.axis(t("segments.axis.cluster", lang), type="category", autorange="reversed"),
    )
