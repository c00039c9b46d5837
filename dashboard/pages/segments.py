"""Segments: build a rule segment (age × role × city and more) and see its size, share, lift and
outcomes; start from a saved segment; compare two segments side by side; and read the learned
clusters of the latest clustering run with their descriptions and profiles.

URL state (so a comparison is a shareable link): segment A's conditions are `a_<field>` keys,
segment B's `b_<field>` (B exists when it has a condition or a saved segment), each a
comma-separated list of values (FIELDS); experience is `a_exp_min` / `a_exp_max` in months.
`saved_a` / `saved_b` name the saved segment a side started from; the conditions themselves are
always in the URL, so changing or clearing one changes the segment. `dim` and `cl_dim` choose the
dimension of the lift chart and of the cluster profile.

Segment logic is `survey.segments` (rules: `parse_filters`, `profile_from_frames`; runs:
`cluster_profiles`), read through `dashboard.data`. Aggregates of fewer than K people read "<5".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import (
    auth,
    charts_segments,
    components,
    data,
    segments_survey,
    survey_page,
    urlstate,
)
from dashboard.app import LOCATION
from dashboard.charts import ORDINAL_DIMENSIONS
from dashboard.i18n import STRINGS, category_label, fmt_number, register, t
from survey.segments import (
    PROFILE_DIMENSIONS,
    SegmentDefinition,
    SegmentError,
    cluster_members,
    cluster_profiles,
    lift_table,
    load_segment_file,
    parse_filters,
    profile_from_frames,
    segment_definitions,
    segment_runs,
)
from survey.segments.dimensions import dimension as segment_dimension
from survey.segments.dimensions import known_values
from survey.segments.rules import population, programs
from warehouse.privacy import DEFAULT_K, suppress_small_cells
from warehouse.query import Reader
from warehouse.store import WarehouseError

PAGE = "segments"
SIDES = ("a", "b")
# Smallest group shown as a number. Issue 6 decides it per role (organizers may see every cell).
K = DEFAULT_K
# Nominal dimensions with many values (cities) show their most common ones in charts.
MAX_CATEGORIES = 15
# Height (px) of the outcomes chart: as tall as the comparison table beside it.
OUTCOMES_HEIGHT = 500
# Height (px) of the category-by-category profile table (about 90 categories: it scrolls).
PROFILE_TABLE_HEIGHT = 520
# Offered experience bounds (months); a saved segment's own bound is added to the list.
EXPERIENCE_STEPS = (3, 6, 12, 24, 36)
MAX_MONTHS = 1200


@dataclass(frozen=True)
class Field:
    """One builder condition: its URL suffix, the rule filter key and where the control sits."""

    suffix: str
    key: str
    more: bool = False  # under "more conditions"


FIELDS: tuple[Field, ...] = (
    Field("edition", "edition"),
    Field("age", "age_band_coarse"),
    Field("gender", "gender"),
    Field("role", "role"),
    Field("city", "city"),
    Field("tier", "city_tier"),
    Field("province", "province", more=True),
    Field("age_band", "age_band", more=True),
    Field("hours", "hours_per_week", more=True),
    Field("income", "income", more=True),
    Field("tools", "tools", more=True),
    Field("motivations", "motivations", more=True),
)
RANGE_SUFFIXES = {"min": "exp_min", "max": "exp_max"}  # the experience_months range filter
# Conditions whose values need their dimension named in a description ("收入：没有收入").
_NAMED_IN_DESCRIPTION = ("hours_per_week", "income", "tools", "motivations")
# Comparison rows: measure -> the count it rests on (null after suppression = fewer than K).
MEASURES: dict[str, str] = {
    "size": "size",
    "count_participants": "size",
    "share": "size",
    "satisfaction_mean": "count_satisfaction",
    "will_return_share": "count_will_return",
    "return_rate": "count_return_eligible",
    "works_after_gala_mean": "count_activity_known",
    "publishing_share": "count_activity_known",
    "count_programs": "count_program_creators",
    "plays": "count_program_creators",
    "engagement_rate": "count_program_creators",
}
_SHARE_MEASURES = {"share", "will_return_share", "return_rate", "publishing_share"}

register(
    {
        "nav.segments": {"zh": "分群", "en": "Segments"},
        "page.segments": {"zh": "分群分析", "en": "Segments"},
        "intro.segments": {
            "zh": "按年龄、职业、城市等条件圈定分群，查看规模、占比、提升度（分群内占比 ÷ "
            "全体占比）和结果；可从已保存分群开始，也可与分群 B 并排比较。下方是聚类得到的群体。",
            "en": "Define a segment by age, role, city and more to see its size, share, lift "
            "(share within the segment ÷ share overall) and outcomes; start from a saved segment "
            "or compare with segment B side by side. Learned clusters are below.",
        },
        "segments.segment_a": {"zh": "分群 A", "en": "Segment A"},
        "segments.segment_b": {"zh": "分群 B", "en": "Segment B"},
        "segments.everyone": {"zh": "全部参与者", "en": "Everyone"},
        "segments.saved": {"zh": "从已保存分群开始", "en": "Start from a saved segment"},
        "segments.saved_placeholder": {"zh": "选择已保存分群…", "en": "Choose a saved segment…"},
        "segments.saved_defaults": {
            "zh": "仓库中还没有保存的分群，这里列出的是内置默认分群",
            "en": "No segments are saved in the warehouse yet: these are the built-in defaults",
        },
        "segments.more": {"zh": "更多条件", "en": "More conditions"},
        "segments.any": {"zh": "不限", "en": "Any"},
        "segments.b_hint": {
            "zh": "设置任一条件或选择已保存分群，即可与分群 A 并排比较。",
            "en": "Set any condition or choose a saved segment to compare it with segment A.",
        },
        "segments.modified_from": {"zh": "基于「{name}」修改", "en": "changed from “{name}”"},
        "segments.filter.edition": {"zh": "届次", "en": "Edition"},
        "segments.filter.age": {"zh": "年龄段", "en": "Age band"},
        "segments.filter.gender": {"zh": "性别", "en": "Gender"},
        "segments.filter.role": {"zh": "职业/角色", "en": "Role"},
        "segments.filter.city": {"zh": "城市", "en": "City"},
        "segments.filter.tier": {"zh": "城市等级", "en": "City tier"},
        "segments.filter.province": {"zh": "省份", "en": "Province"},
        "segments.filter.age_band": {"zh": "年龄（5岁一档）", "en": "Age (5-year bands)"},
        "segments.filter.hours": {"zh": "每周创作时间", "en": "Hours per week"},
        "segments.filter.income": {"zh": "AI创作收入", "en": "Income from AI work"},
        "segments.filter.tools": {"zh": "AI工具（用任一即可）", "en": "AI tools (any of)"},
        "segments.filter.motivations": {
            "zh": "参与动机（任一即可）",
            "en": "Motivations (any of)",
        },
        "segments.filter.exp_min": {"zh": "AI创作经验至少", "en": "AI experience at least"},
        "segments.filter.exp_max": {"zh": "AI创作经验至多", "en": "AI experience at most"},
        "segments.filter.dim": {"zh": "画像维度", "en": "Profile dimension"},
        "segments.filter.cl_dim": {"zh": "群体画像维度", "en": "Cluster profile dimension"},
        "segments.fmt.months": {"zh": "{n} 个月", "en": "{n} months"},
        "segments.fmt.exp_range": {"zh": "经验 {range}", "en": "experience {range}"},
        "segments.fmt.at_least": {"zh": "≥{n}个月", "en": "≥ {n} months"},
        "segments.fmt.at_most": {"zh": "≤{n}个月", "en": "≤ {n} months"},
        "segments.fmt.between": {"zh": "{lo}–{hi}个月", "en": "{lo}–{hi} months"},
        "segments.kpi.distinct": {"zh": "不同参与者 {n} 人", "en": "{n} distinct people"},
        "segments.kpi.of_all": {"zh": "全部 {n} 人次", "en": "of {n} responses"},
        "segments.kpi.everyone": {"zh": "全体 {value}", "en": "everyone {value}"},
        "segments.title.compare": {"zh": "分群对比", "en": "Segments side by side"},
        "segments.title.profile_table": {
            "zh": "分群画像明细（各维度占比与提升度）",
            "en": "Segment profile in detail (share and lift per category)",
        },
        "segments.title.clusters": {
            "zh": "聚类得到的群体（最近一次运行）",
            "en": "Learned clusters (latest run)",
        },
        "segments.section.rules": {"zh": "分群构建", "en": "Segment builder"},
        "segments.section.clusters": {"zh": "聚类群体", "en": "Learned clusters"},
        "segments.run": {
            "zh": "最近一次聚类 {run}（{at}）：{k} 个群体，{n} 位参与者，轮廓系数 {silhouette}，"
            "稳定性（ARI）{stability}。",
            "en": "Latest clustering run {run} ({at}): {k} clusters of {n} participants, "
            "silhouette {silhouette}, stability (ARI) {stability}.",
        },
        "segments.empty.no_survey": {
            "zh": "仓库中还没有问卷回答，无法构建分群",
            "en": "No survey responses in the warehouse yet: nothing to segment",
        },
    }
)


def _register_columns(strings: dict[str, dict[str, str]]) -> None:
    """Table headers (`col.*` keys are shared by pages): the first page to define one wins."""
    register({k: v for k, v in strings.items() if k not in STRINGS})


_register_columns(
    {
        "col.measure": {"zh": "指标", "en": "Measure"},
        "col.segment_a": {"zh": "分群 A", "en": "Segment A"},
        "col.segment_b": {"zh": "分群 B", "en": "Segment B"},
        "col.everyone": {"zh": "全部参与者", "en": "Everyone"},
        "col.segment": {"zh": "分群", "en": "Segment"},
        "col.segment_name": {"zh": "分群", "en": "Segment"},
        "col.dimension": {"zh": "维度", "en": "Dimension"},
        "col.dimension_label": {"zh": "维度", "en": "Dimension"},
        "col.value": {"zh": "取值", "en": "Value"},
        "col.category": {"zh": "类别", "en": "Category"},
        "col.label_zh": {"zh": "类别（中文）", "en": "Category (Chinese)"},
        "col.label_en": {"zh": "类别（英文）", "en": "Category (English)"},
        "col.count": {"zh": "人数", "en": "People"},
        "col.count_label": {"zh": "人数", "en": "People"},
        "col.share_in_segment": {"zh": "分群内占比", "en": "Share in segment"},
        "col.share_overall": {"zh": "全体占比", "en": "Share overall"},
        "col.lift": {"zh": "提升度", "en": "Lift"},
        "col.is_suppressed": {"zh": "少于5人已隐藏", "en": "Hidden (fewer than 5)"},
        "col.share_a": {"zh": "A 内占比", "en": "Share in A"},
        "col.lift_a": {"zh": "A 提升度", "en": "Lift in A"},
        "col.share_b": {"zh": "B 内占比", "en": "Share in B"},
        "col.lift_b": {"zh": "B 提升度", "en": "Lift in B"},
        "col.share_everyone": {"zh": "全体占比", "en": "Share overall"},
        "col.measure_label": {"zh": "指标", "en": "Measure"},
        "col.cluster_id": {"zh": "群体", "en": "Cluster"},
        "col.cluster_description": {"zh": "群体描述", "en": "Description"},
        "col.cluster_share": {"zh": "占全部比例", "en": "Share of all"},
        "col.description_zh": {"zh": "群体描述（中文）", "en": "Description (Chinese)"},
        "col.description_en": {"zh": "群体描述（英文）", "en": "Description (English)"},
        "col.share_in_group": {"zh": "群体内占比", "en": "Share within cluster"},
        "col.count_participants": {"zh": "参与者", "en": "Participants"},
        "col.satisfaction_mean": {"zh": "满意度均值", "en": "Mean satisfaction"},
        "col.will_return_share": {"zh": "表示还会参加", "en": "Say they will return"},
        "col.return_rate": {"zh": "下一届实际回归", "en": "Returned next edition"},
        "col.works_after_gala_mean": {"zh": "赛后人均作品", "en": "Works after gala (mean)"},
        "col.publishing_share": {"zh": "赛后仍在发布", "en": "Still publishing"},
        "col.count_programs": {"zh": "节目数", "en": "Programs"},
        "col.plays": {"zh": "播放量", "en": "Plays"},
        "col.engagement_rate": {"zh": "互动率", "en": "Engagement rate"},
    }
)


# -- data ------------------------------------------------------------------------------------------
def population_frame() -> pl.DataFrame:
    """The segment population (one row per current response), cached per snapshot."""
    return data.analytic(population)


def program_frame() -> pl.DataFrame:
    """Programs × creators with their platform totals (for the programs outcomes)."""
    return data.analytic(programs)


def _profile_packed(_reader: Reader, *, filters: str, k: int | None) -> pl.DataFrame:
    """A segment's profile as one row of list-of-struct columns (summary, lift), so that
    `data.analytic` caches the whole profile under one key.

    The reader is not needed: the population and programs come from their own cached reads.
    """
    # The page reads the lift against all editions only (`profile_of`).
    profile = profile_from_frames(
        population_frame(), program_frame(), json.loads(filters), k=k, lift_by_edition=False
    )
    return pl.DataFrame(
        {"summary": [profile.summary.to_struct()], "lift": [profile.lift.to_struct()]}
    )


@dataclass(frozen=True)
class Profile:
    """A segment's summary row and its lift against everyone (all editions)."""

    summary: dict[str, Any]
    lift: pl.DataFrame


def profile_of(filters: Mapping[str, Any]) -> Profile:
    """The profile of canonical filters ({} = everyone), small cells suppressed below K."""
    key = json.dumps(filters, ensure_ascii=False, sort_keys=True)
    packed = data.analytic(_profile_packed, filters=key, k=K)
    summary = packed["summary"][0].struct.unnest().row(0, named=True)
    lift = packed["lift"][0].struct.unnest()
    return Profile(summary, lift)


def saved_segments() -> tuple[dict[str, SegmentDefinition], bool]:
    """Saved segments by name, and whether they are the built-in defaults (none stored yet)."""
    try:
        stored = data.analytic(segment_definitions)
    except SegmentError:
        stored = pl.DataFrame()
    saved: dict[str, SegmentDefinition] = {}
    for row in stored.iter_rows(named=True):
        try:
            filters = parse_filters(json.loads(row["filters"]))
        except (SegmentError, ValueError):
            continue  # a definition this version cannot read is not offered
        saved[row["segment_name"]] = SegmentDefinition(
            row["segment_name"], row["label_zh"], row["label_en"], filters, row["source"]
        )
    if stored.is_empty():
        return _default_segments(), True
    return saved, False


@cache
def _default_segments() -> dict[str, SegmentDefinition]:
    """The shipped default segments (a versioned config file: read once per process)."""
    return {d.name: d for d in load_segment_file()}


def latest_run() -> dict[str, Any] | None:
    """The gala's newest clustering run, or None when there is none (or no segment tables
    yet); runs of other surveys belong to their own page."""
    try:
        runs = data.analytic(segment_runs, questionnaire_id=survey_page.GALA_ID)
    except SegmentError:
        return None
    return runs.row(0, named=True) if runs.height else None


# -- URL state -------------------------------------------------------------------------------------
def _years() -> list[int]:
    return sorted(population_frame()["edition_year"].drop_nulls().unique().to_list())


def _canonical(key: str, value: str, years: Sequence[int]) -> Any:
    """One URL value as the rules module spells it, or None when it is not a valid value."""
    if key == "edition":
        return int(value) if value.isdigit() and int(value) in years else None
    try:
        return parse_filters({key: [value]})[key][0]
    except SegmentError:
        return None


def _months(params: Mapping[str, Any], key: str) -> float | None:
    value = urlstate.one(params, key)
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    if number is None or not 0 <= number <= MAX_MONTHS:
        return None
    return int(number) if number.is_integer() else number


def side_filters(params: Mapping[str, Any], side: str) -> dict[str, Any]:
    """Segment `side`'s canonical filters from the URL; unknown values are dropped."""
    years = _years()
    raw: dict[str, Any] = {}
    for field in FIELDS:
        kept: list[Any] = []
        for value in urlstate.many(params, f"{side}_{field.suffix}"):
            one = _canonical(field.key, value, years)
            if one is not None and one not in kept:
                kept.append(one)
        if kept:
            raw[field.key] = kept
    low = _months(params, f"{side}_{RANGE_SUFFIXES['min']}")
    high = _months(params, f"{side}_{RANGE_SUFFIXES['max']}")
    bounds: dict[str, float] = {}
    if low is not None:
        bounds["min"] = low
    if high is not None and (low is None or high >= low):
        bounds["max"] = high
    if bounds:
        raw["experience_months"] = bounds
    return parse_filters(raw)


def filter_params(filters: Mapping[str, Any], side: str) -> dict[str, str]:
    """The URL keys of segment `side` for canonical filters (the inverse of `side_filters`)."""
    out: dict[str, str] = {}
    for field in FIELDS:
        if field.key in filters:
            out[f"{side}_{field.suffix}"] = ",".join(str(v) for v in filters[field.key])
    for bound, suffix in RANGE_SUFFIXES.items():
        value = (filters.get("experience_months") or {}).get(bound)
        if value is not None:
            out[f"{side}_{suffix}"] = f"{value:g}"
    return out


@dataclass(frozen=True)
class Segment:
    """One side of the page: its filters and the saved segment it started from."""

    side: str
    filters: dict[str, Any]
    saved: SegmentDefinition | None = None

    def name(self, lang: str) -> str:
        """分群 A / Segment B."""
        return t(f"segments.segment_{self.side}", lang)

    def description(self, lang: str) -> str:
        """The saved segment's label, else its conditions in words ("上海 · 产品经理")."""
        saved_label = None
        if self.saved is not None:
            saved_label = self.saved.label_zh if lang == "zh" else self.saved.label_en
            if self.saved.filters == self.filters:
                return saved_label
        text = describe_filters(self.filters, lang)
        if saved_label is not None:
            modified = t("segments.modified_from", lang).format(name=saved_label)
            return f"{text}（{modified}）" if lang == "zh" else f"{text} ({modified})"
        return text


def _value_text(key: str, value: Any, lang: str) -> str:
    if key == "edition":
        return t("fmt.year", lang).format(year=value)
    return category_label(key, value, lang)


def _range_text(bounds: Mapping[str, float], lang: str) -> str:
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and high is not None:
        months = t("segments.fmt.between", lang).format(lo=f"{low:g}", hi=f"{high:g}")
    elif low is not None:
        months = t("segments.fmt.at_least", lang).format(n=f"{low:g}")
    else:
        months = t("segments.fmt.at_most", lang).format(n=f"{high:g}")
    return t("segments.fmt.exp_range", lang).format(range=months)


def describe_filters(filters: Mapping[str, Any], lang: str) -> str:
    """Canonical filters in words, e.g. "上海 · 产品经理 · 25–34"; none = everyone."""
    parts = []
    for key, values in filters.items():
        if key == "experience_months":
            parts.append(_range_text(values, lang))
            continue
        text = "/".join(_value_text(key, v, lang) for v in values)
        if key in _NAMED_IN_DESCRIPTION:
            text = (
                f"{t(f'dim.{key}', lang)}：{text}"
                if lang == "zh"
                else f"{key_label(key, lang)}: {text}"
            )
        parts.append(text)
    return " · ".join(parts) if parts else t("segments.everyone", lang)


def key_label(key: str, lang: str) -> str:
    """A filter key's dimension name in `lang` (lower-case inside English sentences)."""
    text = t(f"dim.{key}", lang)
    return text.lower() if lang == "en" and not text.startswith("AI") else text


def segments_of(params: Mapping[str, Any]) -> tuple[Segment, Segment | None]:
    """Segment A (everyone when it has no condition) and segment B (None when not set)."""
    saved, _ = saved_segments()
    out: list[Segment | None] = []
    for side in SIDES:
        filters = side_filters(params, side)
        name = urlstate.one(params, f"saved_{side}", saved)
        definition = saved.get(name) if name else None
        if side == "b" and not filters and definition is None:
            out.append(None)
            continue
        out.append(Segment(side, filters, definition))
    a, b = out
    assert a is not None
    return a, b


def lift_dimensions(a: Segment) -> list[str]:
    """Dimensions the lift chart can show: those segment A has no condition on (the lift of a
    dimension A selects on says nothing new: everyone in A has the chosen values)."""
    used = {"experience_band" if k == "experience_months" else k for k in a.filters}
    if "age_band" in used:
        used.add("age_band_coarse")
    return [d for d in PROFILE_DIMENSIONS if d not in used] or list(PROFILE_DIMENSIONS)


def lift_dimension(params: Mapping[str, Any], a: Segment) -> str:
    """The lift chart's dimension (`dim`) when A has no condition on it, else role, else the
    first one A has no condition on."""
    allowed = lift_dimensions(a)
    chosen = urlstate.one(params, "dim", allowed)
    if chosen is not None:
        return chosen
    return "role" if "role" in allowed else allowed[0]


def cluster_dimension(params: Mapping[str, Any]) -> str:
    """The cluster profile's dimension (`cl_dim`), else role."""
    return urlstate.one(params, "cl_dim", PROFILE_DIMENSIONS) or "role"


def page_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The URL's valid state in canonical form (what the page's store holds)."""
    a, b = segments_of(params)
    out: dict[str, Any] = {"lang": urlstate.lang_of(params)}
    for segment in (a, b):
        if segment is None:
            continue
        out |= filter_params(segment.filters, segment.side)
        if segment.saved is not None:
            out[f"saved_{segment.side}"] = segment.saved.name
    if urlstate.one(params, "dim", PROFILE_DIMENSIONS) is not None:
        out["dim"] = lift_dimension(params, a)
    cl_dim = urlstate.one(params, "cl_dim", PROFILE_DIMENSIONS)
    if cl_dim is not None:
        out["cl_dim"] = cl_dim
    edition = urlstate.one(params, "edition")
    if edition is not None and edition.isdigit():
        out["edition"] = edition  # carried along for the other pages' links
    return out


def saved_search(params: Mapping[str, Any], side: str, name: str | None) -> str:
    """The query string after choosing saved segment `name` (None: clear) for `side`."""
    state = page_params(params)
    kept = {k: v for k, v in state.items() if not k.startswith(f"{side}_") and k != f"saved_{side}"}
    saved, _ = saved_segments()
    if name in saved:
        kept[f"saved_{side}"] = name
        kept |= filter_params(saved[name].filters, side)
    if kept.get("lang") == "zh":
        kept.pop("lang")  # the default language stays out of the URL, as the shell does
    return urlstate.encode(kept)


# -- datasets --------------------------------------------------------------------------------------
def value_ranks(name: str) -> pl.DataFrame:
    """Display order and labels of a dimension's values (value, _rank, label_zh, label_en):
    ordinal dimensions in their own order, the others by how common they are overall (at most
    MAX_CATEGORIES); unknown last."""
    everyone = profile_of({}).lift.filter(pl.col("dimension") == name)
    values = everyone["value"].to_list()
    if name in ORDINAL_DIMENSIONS:
        position = {v: i for i, v in enumerate(known_values(name) or ())}
        ordered = sorted(values, key=lambda v: (v is None, position.get(v, len(position)), str(v)))
    else:
        ranked = everyone.sort("count_overall", "value", descending=[True, False], nulls_last=True)
        named = [v for v in ranked["value"].to_list() if v is not None][:MAX_CATEGORIES]
        ordered = named + ([None] if None in values else [])
    ranks = pl.DataFrame(
        {"value": ordered, "_rank": list(range(len(ordered)))},
        schema={"value": pl.String, "_rank": pl.Int64},
    )
    labels = everyone.select("value", "label_zh", "label_en")
    return ranks.join(labels, on="value", how="left", nulls_equal=True)


_LIFT_COLUMNS = (
    "dimension",
    "value",
    "label_zh",
    "label_en",
    "count",
    "count_label",
    "share_in_segment",
    "share_overall",
    "lift",
    "is_suppressed",
)


@components.dataset(PAGE, "lift", "segments.title.lift")
def lift_frame(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Lift of each value of the chosen dimension within A (and B): one row per segment × value."""
    lang = urlstate.lang_of(filters)
    a, b = segments_of(filters)
    name = lift_dimension(filters, a)
    ranks = value_ranks(name).select("value", "_rank")
    parts = [
        pl.DataFrame(
            schema={"segment": pl.String, "segment_name": pl.String}
            | {c: profile_of({}).lift.schema[c] for c in _LIFT_COLUMNS}
        )
    ]
    for segment in (a, b):
        if segment is None:
            continue
        profile = profile_of(segment.filters)
        if profile.summary["is_empty"]:
            continue
        part = profile.lift.filter(pl.col("dimension") == name)
        parts.append(
            part.select(
                pl.lit(segment.side).alias("segment"),
                pl.lit(segment.name(lang)).alias("segment_name"),
                *_LIFT_COLUMNS,
            )
        )
    frame = pl.concat(parts)
    return (
        frame.join(ranks, on="value", how="inner", nulls_equal=True)
        .sort("segment", "_rank")
        .drop("_rank")
    )


def _measure_text(summary: Mapping[str, Any], measure: str) -> str:
    """A measure as the page shows it: "<5" below K, "–" without data, shares as percent."""
    value, base = summary.get(measure), summary.get(MEASURES[measure])
    if summary.get("is_suppressed"):
        return f"<{K}"
    if value is None:
        # The count a measure rests on is nulled with it below K; with a count, there is no data.
        return f"<{K}" if base is None else "–"
    if measure in _SHARE_MEASURES or measure == "engagement_rate":
        return f"{value:.1%}" if measure != "engagement_rate" else f"{value:.2%}"
    if measure in ("satisfaction_mean", "works_after_gala_mean"):
        return f"{value:.2f}"
    return fmt_number(value)


def _measure_suppressed(summary: Mapping[str, Any], measure: str) -> bool:
    if summary.get("is_suppressed"):
        return True
    return summary.get(measure) is None and summary.get(MEASURES[measure]) is None


def _compared(filters: Mapping[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, name, summary) of A, B (when set) and everyone."""
    lang = urlstate.lang_of(filters)
    a, b = segments_of(filters)
    out = [(s.side, s.name(lang), profile_of(s.filters).summary) for s in (a, b) if s is not None]
    return [*out, ("all", t("segments.everyone", lang), profile_of({}).summary)]


@components.dataset(PAGE, "compare", "segments.title.compare")
def compare_table(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Every measure (rows) of A, B and everyone (columns), as the page shows them."""
    lang = urlstate.lang_of(filters)
    compared = _compared(filters)
    columns = {"a": "segment_a", "b": "segment_b", "all": "everyone"}
    table: dict[str, list[str]] = {"measure": [t(f"segments.measure.{m}", lang) for m in MEASURES]}
    for key, _, summary in compared:
        table[columns[key]] = [_measure_text(summary, m) for m in MEASURES]
    return pl.DataFrame(table, schema=dict.fromkeys(table, pl.String))


@components.dataset(PAGE, "outcomes", "segments.title.outcomes")
def outcomes_frame(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Outcome shares of A, B and everyone: one row per segment × measure."""
    lang = urlstate.lang_of(filters)
    rows = []
    for key, name, summary in _compared(filters):
        for measure in charts_segments.OUTCOME_SHARES:
            rows.append(
                {
                    "segment": key,
                    "segment_name": name,
                    "measure": measure,
                    "measure_label": t(f"segments.measure.{measure}", lang),
                    "value": summary.get(measure),
                    "is_suppressed": _measure_suppressed(summary, measure),
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "segment": pl.String,
            "segment_name": pl.String,
            "measure": pl.String,
            "measure_label": pl.String,
            "value": pl.Float64,
            "is_suppressed": pl.Boolean,
        },
    )


@components.dataset(PAGE, "profile", "segments.title.profile_table")
def profile_table(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Share and lift of every category of every profile dimension in A (and B), with the
    share overall: what sets a segment apart, sortable by lift."""
    lang = urlstate.lang_of(filters)
    a, b = segments_of(filters)
    base = profile_of({}).lift.select(
        "dimension", "value", f"label_{lang}", pl.col("share_overall").alias("share_everyone")
    )
    frame = base
    for segment in (a, b):
        if segment is None:
            continue
        side = segment.side
        lift = profile_of(segment.filters).lift.select(
            "dimension",
            "value",
            pl.col("share_in_segment").alias(f"share_{side}"),
            pl.col("lift").alias(f"lift_{side}"),
            pl.col("is_suppressed").alias(f"is_suppressed_{side}"),
        )
        frame = frame.join(lift, on=["dimension", "value"], how="left", nulls_equal=True)
    position = {name: i for i, name in enumerate(PROFILE_DIMENSIONS)}
    frame = frame.with_columns(
        pl.col("dimension")
        .replace_strict(position, return_dtype=pl.Int64, default=len(position))
        .alias("_order")
    ).sort("_order", maintain_order=True)
    labels = {name: t(f"dim.{name}", lang) for name in PROFILE_DIMENSIONS}
    sides = [s.side for s in (a, b) if s is not None]
    return frame.select(
        pl.col("dimension")
        .replace_strict(labels, default=pl.col("dimension"))
        .alias("dimension_label"),
        pl.col(f"label_{lang}").alias("category"),
        *[c for s in sides for c in (f"share_{s}", f"lift_{s}")],
        "share_everyone",
        *[pl.col(f"is_suppressed_{s}").fill_null(True) for s in sides],
    )


@components.dataset(PAGE, "clusters", "segments.title.clusters")
def clusters_table(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Clusters of the latest run: size, share, description and outcomes (empty: no run)."""
    lang = urlstate.lang_of(filters)
    schema = {
        "cluster_id": pl.Int32,
        "cluster_description": pl.String,
        "count_participants": pl.Int64,
        "cluster_share": pl.Float64,
        "satisfaction_mean": pl.Float64,
        "will_return_share": pl.Float64,
        "return_rate": pl.Float64,
        "publishing_share": pl.Float64,
        "count_programs": pl.Int64,
        "is_suppressed": pl.Boolean,
    }
    run = latest_run()
    if run is None:
        return pl.DataFrame(schema=schema)
    clusters = data.analytic(cluster_profiles, run_id=run["run_id"], k=K)
    return clusters.select(
        pl.col("cluster_id").cast(pl.Int32),
        pl.col(f"label_{lang}").alias("cluster_description"),
        pl.col("count_participants").cast(pl.Int64),
        pl.col("share").alias("cluster_share"),
        *[pl.col(c).cast(schema[c]) for c in list(schema)[4:]],
    )


@components.dataset(PAGE, "cluster_profile", "segments.title.cluster_profile")
def cluster_profile_frame(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Share of each value of the chosen dimension within each cluster of the latest run."""
    schema = {
        "cluster_id": pl.Int32,
        "description_zh": pl.String,
        "description_en": pl.String,
        "value": pl.String,
        "label_zh": pl.String,
        "label_en": pl.String,
        "count": pl.Int64,
        "count_label": pl.String,
        "share_in_group": pl.Float64,
        "lift": pl.Float64,
        "is_suppressed": pl.Boolean,
    }
    run = latest_run()
    if run is None:
        return pl.DataFrame(schema=schema)
    name = cluster_dimension(filters)
    column = segment_dimension(name).column
    members = data.analytic(cluster_members, run_id=run["run_id"])
    pop = population_frame()
    as_text = (
        pl.col(column).cast(pl.List(pl.String))
        if isinstance(pop.schema[column], pl.List)
        else pl.col(column).cast(pl.String)
    )
    people = pop.join(
        members.select("participant_id", "edition_year", "cluster_id"),
        on=["participant_id", "edition_year"],
        how="inner",
    ).select(pl.col("cluster_id").cast(pl.Int32), as_text.alias("value"))
    table = lift_table(people, "cluster_id", "value").rename({"group": "cluster_id"})
    table = suppress_small_cells(table, "count", k=K, value_columns=["share_in_group", "lift"])
    descriptions = data.analytic(cluster_profiles, run_id=run["run_id"], k=K).select(
        pl.col("cluster_id").cast(pl.Int32),
        pl.col("label_zh").alias("description_zh"),
        pl.col("label_en").alias("description_en"),
    )
    ranks = value_ranks(name)
    return (
        table.join(descriptions, on="cluster_id", how="left")
        .join(ranks, on="value", how="inner", nulls_equal=True)
        .sort("cluster_id", "_rank")
        .select(list(schema))
    )


# -- figures and page pieces -----------------------------------------------------------------------
def lift_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Lift per value of the chosen dimension, A and B side by side."""
    lang = urlstate.lang_of(filters)
    a, _ = segments_of(filters)
    return charts_segments.lift_bars(
        lift_frame(filters), lift_dimension(filters, a), lang=lang, k=K
    )


def outcomes_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Outcome shares of A, B and everyone."""
    return charts_segments.outcome_bars(
        outcomes_frame(filters), lang=urlstate.lang_of(filters), k=K
    )


def cluster_profile_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Share of each category of the chosen dimension within each cluster."""
    return charts_segments.cluster_profile(
        cluster_profile_frame(filters),
        cluster_dimension(filters),
        lang=urlstate.lang_of(filters),
        k=K,
    )


def kpi_blocks(filters: Mapping[str, Any]) -> list[html.Div]:
    """Size, share and will-return / returned share of A (and B), beside everyone's."""
    lang = urlstate.lang_of(filters)
    a, b = segments_of(filters)
    everyone = profile_of({}).summary
    blocks = []
    for segment in (a, b):
        if segment is None:
            continue
        summary = profile_of(segment.filters).summary
        side = segment.side
        distinct = summary.get("count_participants")
        cards = [
            components.kpi(
                PAGE,
                f"{side}-size",
                t("segments.measure.size", lang),
                _measure_text(summary, "size"),
                t("segments.kpi.distinct", lang).format(n=fmt_number(distinct))
                if distinct is not None
                else None,
            ),
            components.kpi(
                PAGE,
                f"{side}-share",
                t("segments.measure.share", lang),
                _measure_text(summary, "share"),
                t("segments.kpi.of_all", lang).format(n=fmt_number(summary["population"])),
            ),
        ]
        for measure in ("will_return_share", "return_rate"):
            cards.append(
                components.kpi(
                    PAGE,
                    f"{side}-{measure}",
                    t(f"segments.measure.{measure}", lang),
                    _measure_text(summary, measure),
                    t("segments.kpi.everyone", lang).format(value=_measure_text(everyone, measure)),
                )
            )
        blocks.append(
            html.Div(
                [
                    html.H3(
                        f"{segment.name(lang)} · {segment.description(lang)}",
                        id=f"{PAGE}-kpis-{side}-title",
                        style={"color": charts_segments.segment_colour(side)},
                    ),
                    html.Div(cards, className="kpis"),
                ],
                id=f"{PAGE}-kpis-{side}",
            )
        )
    return blocks


def run_text(lang: str) -> str:
    """One line about the latest clustering run, or why there are no clusters."""
    run = latest_run()
    if run is None:
        return t("segments.empty.no_run", lang)
    stability = run["stability"]
    return t("segments.run", lang).format(
        run=run["run_id"],
        at=f"{run['created_at']:%Y-%m-%d %H:%M}",
        k=run["k"],
        n=fmt_number(run["count_participants"]),
        silhouette=f"{run['silhouette']:.3f}",
        stability="–" if stability is None else f"{stability:.2f}",
    )


WIDE_COLUMNS = ("cluster_description", "category", "measure")
NARROW_COLUMNS = ("cluster_id",)


def grid_with_suppression(
    frame: pl.DataFrame, lang: str, flags: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`components.grid_data`, with each column of `flags` reading "<K" where its flag column is
    true (the flag columns are hidden but downloaded)."""
    rows, defs = components.grid_data(frame, lang)
    hidden = set(flags.values())
    for spec in defs:
        spec.update(wrapHeaderText=True, autoHeaderHeight=True)
        if spec["field"] in WIDE_COLUMNS:
            spec.update(
                flex=3,
                minWidth=200,
                wrapText=True,
                autoHeight=True,
                cellStyle={"lineHeight": "20px", "paddingTop": "10px", "paddingBottom": "10px"},
            )
        if spec["field"] in NARROW_COLUMNS:
            spec.update(minWidth=90)
        if spec["field"] in hidden:
            spec["hide"] = True
        flag = flags.get(spec["field"])
        if flag is not None:
            shown = spec.get("valueFormatter", {}).get("function", "params.value")
            spec["valueFormatter"] = {"function": f"params.data.{flag} ? '<{K}' : ({shown})"}
    return rows, defs


# -- layout ----------------------------------------------------------------------------------------


def dropdown_labels(lang: str) -> dict[str, str]:
    """The texts dcc.Dropdown draws itself ("Select all", "2 selected"...) in `lang`."""
    return {key: t(f"dropdown.{key}", lang) for key in components.DROPDOWN_LABELS}


def _localised(control: html.Div, lang: str) -> html.Div:
    """A `components.dropdown` whose own texts are in `lang` (Dash draws them in English)."""
    control.children[1].labels = dropdown_labels(lang)  # [Label, Dropdown]
    return control


def _options(field: Field, lang: str, selected: Sequence[Any]) -> list[tuple[str, str]]:
    """(value, label) choices of one condition; a selected value is always offered."""
    if field.key == "edition":
        values: list[Any] = list(reversed(_years()))
    elif field.key in ("city", "province"):
        column = segment_dimension(field.key).column
        counted = (
            population_frame()
            .group_by(column)
            .len()
            .drop_nulls(column)
            .sort(["len", column], descending=[True, False])
        )
        values = counted[column].to_list()
    else:
        values = list(known_values(field.key) or ())
    values += [v for v in selected if v not in values]
    return [(str(v), _value_text(field.key, v, lang)) for v in values]


def _experience_control(side: str, bound: str, lang: str, current: float | None) -> html.Div:
    steps: list[float] = list(EXPERIENCE_STEPS)
    if current is not None and current not in steps:
        steps = sorted([*steps, current])
    suffix = RANGE_SUFFIXES[bound]
    control = components.dropdown(
        PAGE,
        f"{side}_{suffix}",
        t(f"segments.filter.{suffix}", lang),
        [(f"{n:g}", t("segments.fmt.months", lang).format(n=f"{n:g}")) for n in steps],
        None if current is None else f"{current:g}",
        placeholder=t("segments.any", lang),
    )
    return _localised(control, lang)


def _panel(
    segment: Segment,
    lang: str,
    saved: Mapping[str, SegmentDefinition],
    is_default: bool,
    is_set: bool,
) -> html.Div:
    """The builder of one segment: saved-segment picker, main conditions, more conditions."""
    side = segment.side
    controls: dict[bool, list[Any]] = {False: [], True: []}
    for field in FIELDS:
        selected = list(segment.filters.get(field.key, []))
        control = components.dropdown(
            PAGE,
            f"{side}_{field.suffix}",
            t(f"segments.filter.{field.suffix}", lang),
            _options(field, lang, selected),
            [str(v) for v in selected],
            multi=True,
            placeholder=t("segments.any", lang),
        )
        controls[field.more].append(_localised(control, lang))
    bounds = segment.filters.get("experience_months") or {}
    controls[True] += [
        _experience_control(side, bound, lang, bounds.get(bound)) for bound in RANGE_SUFFIXES
    ]
    picker = html.Div(
        [
            html.Label(t("segments.saved", lang), htmlFor=f"{PAGE}-saved-{side}"),
            dcc.Dropdown(
                id=f"{PAGE}-saved-{side}",
                options=[
                    {"label": d.label_zh if lang == "zh" else d.label_en, "value": name}
                    for name, d in saved.items()
                ],
                value=segment.saved.name if segment.saved is not None else None,
                placeholder=t("segments.saved_placeholder", lang),
                clearable=True,
                searchable=True,
                labels=dropdown_labels(lang),
            ),
            html.Div(t("segments.saved_defaults", lang), className="note") if is_default else None,
        ],
        className="filter",
        id=f"{PAGE}-filter-saved_{side}",
    )
    more_set = (
        any(f.key in segment.filters for f in FIELDS if f.more)
        or "experience_months" in segment.filters
    )
    heading = (
        f"{segment.name(lang)} · {segment.description(lang)}" if is_set else segment.name(lang)
    )
    flat = {"border": "0", "padding": "0", "marginBottom": "8px"}
    return html.Div(
        [
            html.H3(
                heading,
                id=f"{PAGE}-{side}-heading",
                style={"color": charts_segments.segment_colour(side)},
            ),
            None if is_set else html.P(t("segments.b_hint", lang), className="note"),
            html.Div([picker, *controls[False]], className="filter-bar", style=flat),
            html.Details(
                [
                    html.Summary(t("segments.more", lang)),
                    html.Div(controls[True], className="filter-bar", style=flat),
                ],
                open=more_set,
                id=f"{PAGE}-{side}-more",
            ),
        ],
        className="card",
        id=f"{PAGE}-panel-{side}",
    )


def _scrolling(card: html.Div, height: int) -> html.Div:
    """A `components.grid_card` of fixed height that scrolls (long tables stay short; AG Grid's
    pagination bar would be English in the Chinese page)."""
    grid = card.children[1].children  # grid_card: [title, Loading(AgGrid), downloads]
    grid.dashGridOptions = {**grid.dashGridOptions, "domLayout": "normal"}
    grid.style = {"height": f"{height}px"}
    return card


def _dimension_bar(key: str, value: str, lang: str, choices: Sequence[str]) -> html.Div:
    control = components.dropdown(
        PAGE,
        key,
        t(f"segments.filter.{key}", lang),
        [(d, t(f"dim.{d}", lang)) for d in choices],
        value,
        clearable=False,
    )
    return html.Div([_localised(control, lang)], className="filter-bar")


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The page for the URL's segments, dimensions and language (another survey's page when
    the URL's survey, or the only one loaded, is not the gala's)."""
    params = {**query, "lang": urlstate.lang_of({"lang": lang})}
    lang = params["lang"]
    try:
        waves = survey_page.waves()
        survey = survey_page.chosen_survey(params, waves)
        if survey is not None and survey != survey_page.GALA_ID:
            return segments_survey.layout(params, waves, survey)
        pop = population_frame()
        if pop.is_empty():
            return components.message(PAGE, lang, t("segments.empty.no_survey", lang))
        state = page_params(params)
        a, b = segments_of(state)
        saved, is_default = saved_segments()
    except (WarehouseError, SegmentError) as exc:
        return components.message(PAGE, lang, str(exc))
    controls = []
    if len(survey_page.surveys(waves, lang)) > 1:
        # Other surveys are in the warehouse: the gala's page gains their selector, nothing else.
        state["survey"] = survey_page.GALA_ID
        controls.append(segments_survey.survey_dropdown(waves, survey_page.GALA_ID, lang))
    panels = [
        _panel(a, lang, saved, is_default, True),
        _panel(b or Segment("b", {}), lang, saved, is_default, b is not None),
    ]
    return components.page(
        PAGE,
        lang,
        state,
        controls=controls,
        body=[
            html.H2(t("segments.section.rules", lang)),
            html.Div(panels, className="split"),
            html.Div(id=f"{PAGE}-kpis", className="split" if b is not None else None),
            _dimension_bar("dim", lift_dimension(state, a), lang, lift_dimensions(a)),
            html.Div(
                [
                    components.chart_card(PAGE, "lift", wide=True, height=420),
                    components.chart_card(PAGE, "outcomes", height=OUTCOMES_HEIGHT),
                    components.grid_card(
                        PAGE, "compare", t("segments.title.compare", lang), wide=False
                    ),
                    _scrolling(
                        components.grid_card(
                            PAGE, "profile", t("segments.title.profile_table", lang)
                        ),
                        PROFILE_TABLE_HEIGHT,
                    ),
                ],
                className="cards",
            ),
            html.H2(t("segments.section.clusters", lang)),
            html.P(id=f"{PAGE}-run", className="note"),
            _dimension_bar("cl_dim", cluster_dimension(state), lang, PROFILE_DIMENSIONS),
            html.Div(
                [
                    components.grid_card(PAGE, "clusters", t("segments.title.clusters", lang)),
                    components.chart_card(PAGE, "cluster_profile", wide=True, height=420),
                ],
                className="cards",
            ),
        ],
    )


dash.register_page(__name__, path="/segments", order=2, page_key=PAGE, layout=layout)


# -- callbacks -------------------------------------------------------------------------------------
def render(filters: dict[str, Any]) -> tuple[Any, ...]:
    """The rule segments' part of the page from its filters."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    compare_rows, compare_defs = grid_with_suppression(compare_table(filters), lang, {})
    sides = [s.side for s in segments_of(filters) if s is not None]
    profile_rows, profile_defs = grid_with_suppression(
        profile_table(filters),
        lang,
        {c: f"is_suppressed_{s}" for s in sides for c in (f"share_{s}", f"lift_{s}")},
    )
    return (
        kpi_blocks(filters),
        lift_figure(filters),
        outcomes_figure(filters),
        compare_rows,
        compare_defs,
        profile_rows,
        profile_defs,
    )


@callback(
    Output(f"{PAGE}-kpis", "children"),
    Output(f"{PAGE}-lift", "figure"),
    Output(f"{PAGE}-outcomes", "figure"),
    Output(f"{PAGE}-compare", "rowData"),
    Output(f"{PAGE}-compare", "columnDefs"),
    Output(f"{PAGE}-profile", "rowData"),
    Output(f"{PAGE}-profile", "columnDefs"),
    Input(components.filters_id(PAGE), "data"),
)
def update(filters: dict[str, Any] | None) -> Any:
    """The registered callback: `render`, cached per snapshot, filters and viewer."""
    if not _is_gala(filters):
        raise PreventUpdate  # another survey's page is drawn with its layout
    return data.output(render, filters or {}, viewer=auth.viewer_key())


def _is_gala(filters: Mapping[str, Any] | None) -> bool:
    return (filters or {}).get("survey", survey_page.GALA_ID) == survey_page.GALA_ID


def render_clusters(filters: dict[str, Any]) -> tuple[Any, ...]:
    """The learned clusters' part of the page (a callback of its own: it runs in parallel)."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    rows, defs = grid_with_suppression(
        clusters_table(filters),
        lang,
        {"count_participants": "is_suppressed", "cluster_share": "is_suppressed"},
    )
    return run_text(lang), rows, defs, cluster_profile_figure(filters)


@callback(
    Output(f"{PAGE}-run", "children"),
    Output(f"{PAGE}-clusters", "rowData"),
    Output(f"{PAGE}-clusters", "columnDefs"),
    Output(f"{PAGE}-cluster_profile", "figure"),
    Input(components.filters_id(PAGE), "data"),
)
def update_clusters(filters: dict[str, Any] | None) -> Any:
    """The registered callback: `render_clusters`, cached per snapshot, filters and viewer."""
    if not _is_gala(filters):
        raise PreventUpdate
    return data.output(render_clusters, filters or {}, viewer=auth.viewer_key())


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(f"{PAGE}-saved-a", "value"),
    Input(f"{PAGE}-saved-b", "value"),
    State(components.filters_id(PAGE), "data"),
    prevent_initial_call=True,
)
def start_from_saved(saved_a: str | None, saved_b: str | None, filters: dict[str, Any]) -> str:
    """Choosing a saved segment writes its conditions into the URL as that side's `a_`/`b_` keys
    (so they can be changed one by one); clearing the choice clears that side."""
    filters = filters or {}
    side = "a" if ctx.triggered_id == f"{PAGE}-saved-a" else "b"
    name = saved_a if side == "a" else saved_b
    if (filters or {}).get(f"saved_{side}") == name:
        return no_update
    return saved_search(filters or {}, side, name)
