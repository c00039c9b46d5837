"""Retention: do creators keep creating after the gala, and do audiences keep watching?

Creator retention (DESIGN §5): a cohort table (by first edition or first month; bounded or
unbounded retention), lifecycle states per period, the edition-to-edition return rate, and
Kaplan–Meier survival of time from first to last work split by a profile dimension. Audience
retention: a program's curves per platform against the median curve of its length band, and a
table of every curve's average percentage viewed against its band.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, callback, html

from dashboard import auth, charts_retention, components, data, theme, urlstate
from dashboard.i18n import STRINGS, band_label, category_label, platform_label, register, t
from warehouse.analytics import retention
from warehouse.privacy import DEFAULT_K
from warehouse.store import WarehouseError

PAGE = "retention"
BASES = ("edition", "month")
MODES = ("bounded", "unbounded")
# Profile dimensions survival can be split by (columns of retention_page_creator_profile).
SEGMENTS = ("all", "role", "age_band_coarse", "gender", "city_tier")
# More curves than this (with their bands) stop being readable: the smallest groups are merged.
MAX_SURVIVAL_GROUPS = 6
# Values of the other dimensions in their natural order: a value keeps its colour under every
# filter (roles have theme colours of their own).
VALUE_ORDER = {
    "age_band_coarse": ("under_18", "18_24", "25_34", "35_44", "45_plus"),
    "gender": ("male", "female", "other", "undisclosed"),
    "city_tier": ("1", "new_1", "2", "3", "4+", "hk_mo_tw", "overseas"),
}

register(
    {
        "nav.retention": {"zh": "留存", "en": "Retention"},
        "page.retention": {"zh": "留存", "en": "Retention"},
        "intro.retention": {
            "zh": "创作者是否在春晚之后继续创作，观众是否把节目看完。",
            "en": "Do creators keep creating after the gala, and do audiences keep watching?",
        },
        "retention.section.creators": {"zh": "创作者留存", "en": "Creator retention"},
        "retention.section.audience": {"zh": "观众留存", "en": "Audience retention"},
        "retention.filter.by": {"zh": "队列口径", "en": "Cohort basis"},
        "retention.filter.mode": {"zh": "留存口径", "en": "Retention measure"},
        "retention.filter.segment": {"zh": "生存曲线分组", "en": "Split survival by"},
        "retention.filter.program": {"zh": "节目", "en": "Program"},
        "retention.by.edition": {"zh": "按届次", "en": "By edition"},
        "retention.by.month": {"zh": "按月份", "en": "By month"},
        "retention.mode.bounded": {
            "zh": "当期留存（第 N 期有作品）",
            "en": "Bounded (a work in period N)",
        },
        "retention.mode.unbounded": {
            "zh": "无界留存（第 N 期或之后有作品）",
            "en": "Unbounded (a work in period N or later)",
        },
        "retention.segment.all": {"zh": "不分组", "en": "No split"},
        "retention.program.curves": {
            "zh": "{title}（{year} · {n}条曲线）",
            "en": "{title} ({year} · {n} curves)",
        },
        "retention.program.no_curve": {
            "zh": "{title}（{year} · 无曲线）",
            "en": "{title} ({year} · no curve)",
        },
        "retention.title.returns": {
            "zh": "届与届之间的回归率",
            "en": "Edition-to-edition return rate",
        },
        "retention.title.programs": {
            "zh": "各节目平均观看比例（与同时长节目对比）",
            "en": "Average percentage viewed per program vs similar-length programs",
        },
        "retention.note.survival": {
            "zh": "生存曲线：从首个作品到最后一个作品的天数；最近90天内仍有作品的创作者视为仍在创作（删失）。阴影为95%置信区间。",
            "en": "Survival: days from a creator's first work to their last; creators with a "
            "work in the last 90 days count as still active (censored). Shaded: 95% interval.",
        },
        "retention.note.audience": {
            "zh": "同类节目 = 同一时长档的全部曲线；平均观看比例 = 留存曲线下的面积。",
            "en": "Similar programs = every curve in the same length band; average percentage "
            "viewed = the area under the retention curve.",
        },
        "retention.empty.no_programs": {
            "zh": "仓库中还没有节目，请先导入节目目录",
            "en": "No programs in the warehouse yet: load a program catalogue first",
        },
    }
)


def _register_columns(strings: dict[str, dict[str, str]]) -> None:
    """Table headers (`col.*` keys are shared by pages): the first page to define one wins."""
    register({k: v for k, v in strings.items() if k not in STRINGS})


_register_columns(
    {
        "col.cohort": {"zh": "队列", "en": "Cohort"},
        "col.period_n": {"zh": "第 N 期", "en": "Period N"},
        "col.period_label": {"zh": "所在期", "en": "Period"},
        "col.period": {"zh": "期", "en": "Period"},
        "col.is_complete": {"zh": "该期已结束", "en": "Period over"},
        "col.count_cohort": {"zh": "队列人数", "en": "Cohort size"},
        "col.count_retained": {"zh": "留存人数", "en": "Retained"},
        "col.share_retained": {"zh": "留存比例", "en": "Share retained"},
        "col.lifecycle_state": {"zh": "生命周期状态", "en": "Lifecycle state"},
        "col.count_participants": {"zh": "参与者", "en": "Participants"},
        "col.next_edition_year": {"zh": "下一届", "en": "Next edition"},
        "col.count_returned": {"zh": "回归人数", "en": "Returned"},
        "col.share_returned": {"zh": "回归比例", "en": "Share returned"},
        "col.survival_group": {"zh": "分组", "en": "Group"},
        "col.count_people": {"zh": "人数", "en": "People"},
        "col.time_days": {"zh": "距首个作品天数", "en": "Days since first work"},
        "col.count_at_risk": {"zh": "仍在观察人数", "en": "At risk"},
        "col.count_events": {"zh": "停止创作人数", "en": "Stopped"},
        "col.count_censored": {"zh": "删失人数（仍活跃）", "en": "Censored (still active)"},
        "col.survival": {"zh": "仍在创作比例", "en": "Share still creating"},
        "col.ci_lower": {"zh": "95%置信下限", "en": "95% CI lower"},
        "col.ci_upper": {"zh": "95%置信上限", "en": "95% CI upper"},
        "col.program_title_zh": {"zh": "节目", "en": "Program"},
        "col.platform_name": {"zh": "平台", "en": "Platform"},
        "col.content_id": {"zh": "平台内容ID", "en": "Content id"},
        "col.length_band_name": {"zh": "时长档", "en": "Length band"},
        "col.count_curves_in_band": {"zh": "同档曲线数", "en": "Curves in band"},
        "col.position_pct": {"zh": "观看进度（%）", "en": "Position (%)"},
        "col.audience_share": {"zh": "留存比例", "en": "Share still watching"},
        "col.band_median_share": {"zh": "同类中位数", "en": "Band median"},
        "col.share_vs_band": {"zh": "与同类之差", "en": "Difference vs band"},
        "col.avg_pct_viewed": {"zh": "平均观看比例", "en": "Avg % viewed"},
        "col.band_avg_pct_viewed": {
            "zh": "同类中位数平均观看比例",
            "en": "Band median avg % viewed",
        },
        "col.avg_pct_viewed_vs_band": {"zh": "与同类之差（百分点）", "en": "vs band (points)"},
        "col.avg_pct_viewed_index": {"zh": "相对同类（倍）", "en": "Relative to band (×)"},
    }
)


# -- URL state -------------------------------------------------------------------------------------
def basis(filters: Mapping[str, Any]) -> str:
    """The cohort/period basis the URL asks for (`by`), else edition."""
    return urlstate.one(filters, "by", BASES) or "edition"


def mode(filters: Mapping[str, Any]) -> str:
    """Bounded or unbounded retention (`mode`), else bounded."""
    return urlstate.one(filters, "mode", MODES) or "bounded"


def segment(filters: Mapping[str, Any]) -> str:
    """The dimension survival is split by (`segment`), else no split."""
    return urlstate.one(filters, "segment", SEGMENTS) or "all"


def programs() -> pl.DataFrame:
    """Every program with its edition, Chinese title and number of audience-retention curves."""
    return data.query("retention_page_programs")


def selected_program(filters: Mapping[str, Any], catalogue: pl.DataFrame) -> str | None:
    """The URL's program if it exists, else the latest edition's first program with a curve."""
    chosen = urlstate.one(filters, "program", catalogue["program_id"].to_list())
    if chosen is not None:
        return chosen
    with_curves = catalogue.filter(pl.col("count_curves") > 0)
    source = with_curves if not with_curves.is_empty() else catalogue
    return source["program_id"][0] if not source.is_empty() else None


def program_options(catalogue: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The program list's options (columns value, label) in the catalogue's order: the Chinese
    title, its edition and how many curves it has."""
    fields = {
        "title": pl.coalesce(pl.when(pl.col("title_zh") != "").then("title_zh"), "program_id"),
        "year": pl.col("edition_year"),
        "n": pl.col("count_curves"),
    }
    return catalogue.select(
        pl.col("program_id").alias("value"),
        pl.when(pl.col("count_curves") > 0)
        .then(components.formatted(t("retention.program.curves", lang), **fields))
        .otherwise(components.formatted(t("retention.program.no_curve", lang), **fields))
        .alias("label"),
    )


# -- creator retention datasets --------------------------------------------------------------------
@components.dataset(PAGE, "cohorts", "title.cohort_heatmap")
def cohorts(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Creator retention per cohort and period N for the URL's basis and measure."""
    frame = data.analytic(
        retention.creator_cohorts, by=basis(filters), bounded=mode(filters) == "bounded"
    ).rename({"share": "share_retained"})
    k = auth.viewer_k()
    if k is None:
        return frame
    # Researchers see no cohort of fewer than k people and no cell of 1..k-1 retained.
    small = (pl.col("count_retained") > 0) & (pl.col("count_retained") < k)
    return frame.filter(pl.col("count_cohort") >= k).with_columns(
        pl.when(small).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("count_retained", "share_retained")
    )


@components.dataset(PAGE, "lifecycle", "retention.title.lifecycle")
def lifecycle(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Creators per lifecycle state and period, the state as a label in the page's language."""
    lang = urlstate.lang_of(filters)
    frame = data.analytic(retention.lifecycle, by=basis(filters))
    k = auth.viewer_k()
    if k is not None:  # researchers: no count of 1..k-1 people
        small = (pl.col("count_participants") > 0) & (pl.col("count_participants") < k)
        frame = frame.with_columns(
            pl.when(small)
            .then(None)
            .otherwise(pl.col("count_participants"))
            .alias("count_participants")
        )
    labels = {s: t(f"retention.state.{s}", lang) for s in charts_retention.LIFECYCLE_STATES}
    return frame.with_columns(
        pl.col("lifecycle_state").replace_strict(labels, default=pl.col("lifecycle_state"))
    )


@components.dataset(PAGE, "returns", "retention.title.returns")
def returns(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Share of each edition's participants who take part in the next one."""
    return data.analytic(retention.edition_return_rate)


def group_colour(dimension: str, value: str) -> str:
    """A survival group's fixed colour: the role's, else by the value's place in its dimension."""
    if value in charts_retention.GROUP_COLOURS:
        return charts_retention.GROUP_COLOURS[value]
    if dimension == "role" and value in theme.ROLE_COLOURS:
        return theme.role_colour(value)
    values = VALUE_ORDER.get(dimension, ())
    return (
        theme.series_colour(values.index(value)) if value in values else theme.OTHER_PLATFORM_COLOUR
    )


def survival_groups(dimension: str, lang: str) -> tuple[pl.DataFrame, str | None]:
    """Creators (>= 1 work) with the survival group they fall in, and a note on merged groups.

    Groups of fewer than k people are never drawn on their own (k = DESIGN's small-cell
    threshold): they are merged into one "smaller groups" curve, or left out when even that has
    fewer than k. Beyond MAX_SURVIVAL_GROUPS the smallest groups are merged the same way.
    Columns: participant_id, group, group_label, group_colour.
    """
    creators = data.query("retention_creator_spans").select("participant_id")
    if dimension == "all":
        return creators.with_columns(
            group=pl.lit(charts_retention.ALL_GROUP),
            group_label=pl.lit(t("retention.group.all", lang)),
            group_colour=pl.lit(charts_retention.GROUP_COLOURS[charts_retention.ALL_GROUP]),
        ), None
    profile = data.query("retention_page_creator_profile").select("participant_id", dimension)
    members = creators.join(profile, on="participant_id", how="left").with_columns(
        pl.col(dimension).fill_null(charts_retention.UNKNOWN_GROUP).alias("value")
    )
    sizes = members.group_by("value").len().sort(["len", "value"], descending=[True, False])
    unknown = charts_retention.UNKNOWN_GROUP
    small = [v for v, n in sizes.iter_rows() if n < DEFAULT_K]
    # "Unknown" (not surveyed, or no answer) is no profile value, but hiding it would hide people.
    has_unknown = unknown in sizes["value"] and unknown not in small
    room = MAX_SURVIVAL_GROUPS - (1 if has_unknown else 0)
    known = [v for v, n in sizes.iter_rows() if v != unknown and n >= DEFAULT_K]
    kept, larger = known[:room], known[room:]
    kept += [unknown] if has_unknown else []
    merged_n = members.filter(pl.col("value").is_in(small + larger)).height

    def label(value: str) -> str:
        if value == unknown:
            return t("retention.group.unknown", lang)
        return category_label(dimension, value, lang)

    def names(values: list[str]) -> str:
        return ("、" if lang == "zh" else ", ").join(label(v) for v in values)

    notes = []
    if small:
        key = "small_merged" if merged_n >= DEFAULT_K else "small_dropped"
        notes.append(t(f"retention.note.{key}", lang).format(k=DEFAULT_K, groups=names(small)))
    if larger:
        notes.append(t("retention.note.many_merged", lang).format(groups=names(larger)))
    order = kept + ([charts_retention.OTHER_GROUP] if merged_n >= DEFAULT_K else [])
    groups = members.with_columns(
        group=pl.when(pl.col("value").is_in(kept))
        .then(pl.col("value"))
        .when(pl.lit(merged_n >= DEFAULT_K))
        .then(pl.lit(charts_retention.OTHER_GROUP))
    ).drop_nulls("group")
    labels = {v: label(v) for v in kept} | {
        charts_retention.OTHER_GROUP: t("retention.group.other", lang)
    }
    colours = {v: group_colour(dimension, v) for v in order}
    return groups.select(
        "participant_id",
        "group",
        pl.col("group").replace_strict(labels).alias("group_label"),
        pl.col("group").replace_strict(colours).alias("group_colour"),
        pl.col("group").replace_strict({v: i for i, v in enumerate(order)}).alias("group_order"),
    ).sort("group_order", "participant_id"), ("；" if lang == "zh" else "; ").join(notes) or None


def _survival(filters: Mapping[str, Any]) -> tuple[pl.DataFrame, str | None]:
    """Survival curves per group of the URL's segment, and the note on merged groups (computed
    once per request: the dataset and the figure both show it)."""
    lang, dimension = urlstate.lang_of(filters), segment(filters)
    return data.per_request(
        ("retention.survival", dimension, lang), lambda: _curves(dimension, lang)
    )


def _curves(dimension: str, lang: str) -> tuple[pl.DataFrame, str | None]:
    groups, note = survival_groups(dimension, lang)
    # The spans survival_groups read (one read per request, with the caches on or off).
    curves = retention.creator_survival_groups(
        data.reader(),
        groups.select("participant_id", "group"),
        spans=data.query("retention_creator_spans"),
    )
    firsts = groups.unique("group", keep="first", maintain_order=True).select(
        "group", pl.col("group_label").alias("survival_group"), "group_colour"
    )
    frame = curves.join(firsts, on="group", how="left", maintain_order="left")
    return frame.select(
        "group", "survival_group", "group_colour", "count_people", *curves.columns[2:]
    ), note


@components.dataset(PAGE, "survival", "retention.title.survival")
def survival(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Kaplan–Meier survival of days from first to last work, per group of the URL's segment."""
    frame, _ = _survival(filters)
    return frame.drop("group", "group_colour")


# -- audience retention datasets -------------------------------------------------------------------
def _labelled(
    frame: pl.DataFrame, column: str, label: Callable[[str, str], str], lang: str
) -> pl.Expr:
    """`column`'s values through a label helper (each distinct value labelled once)."""
    values = frame[column].drop_nulls().unique().to_list()
    return pl.col(column).replace_strict({v: label(v, lang) for v in values}, default=None)


@components.dataset(PAGE, "audience", "retention.title.audience")
def audience(filters: Mapping[str, Any]) -> pl.DataFrame:
    """The selected program's audience-retention curves, every 1%, with the band median."""
    lang = urlstate.lang_of(filters)
    catalogue = programs()
    program_id = selected_program(filters, catalogue)
    curves = data.analytic(retention.audience_curves, program_id=program_id or "")
    summary = data.analytic(retention.audience_retention, program_id=program_id or "")
    titles = dict(catalogue.select("program_id", "title_zh").iter_rows())
    frame = curves.join(
        summary.select("platform_id", "content_id", "count_curves_in_band"),
        on=["platform_id", "content_id"],
        how="left",
    )
    return frame.select(
        pl.col("program_id").replace_strict(titles, default=None).alias("program_title_zh"),
        _labelled(frame, "platform_id", platform_label, lang).alias("platform_name"),
        "platform_id",
        "content_id",
        _labelled(frame, "length_band", band_label, lang).alias("length_band_name"),
        "length_band",
        "count_curves_in_band",
        "position_pct",
        "audience_share",
        "band_median_share",
        "share_vs_band",
        "drop_rank",
    )


@components.dataset(PAGE, "programs", "retention.title.programs")
def program_table(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Every curve's average percentage viewed against its length band's median curve."""
    lang = urlstate.lang_of(filters)
    frame = data.analytic(retention.audience_retention, program_id=None)
    return frame.select(
        "program_title_zh",
        "edition_year",
        _labelled(frame, "platform_id", platform_label, lang).alias("platform_name"),
        _labelled(frame, "length_band", band_label, lang).alias("length_band_name"),
        "count_curves_in_band",
        "avg_pct_viewed",
        "band_avg_pct_viewed",
        "avg_pct_viewed_vs_band",
        pl.when(pl.col("band_avg_pct_viewed") > 0)
        .then(pl.col("avg_pct_viewed") / pl.col("band_avg_pct_viewed"))
        .alias("avg_pct_viewed_index"),
    ).sort("avg_pct_viewed_vs_band", descending=True, nulls_last=True)


# -- figures ---------------------------------------------------------------------------------------
def cohorts_figure(filters: Mapping[str, Any]) -> go.Figure:
    """The cohort table for the URL's basis and measure."""
    return charts_retention.cohort_table(
        cohorts(filters),
        by=basis(filters),
        bounded=mode(filters) == "bounded",
        lang=urlstate.lang_of(filters),
    )


def lifecycle_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Lifecycle states per period (the state column kept as keys for the chart's colours)."""
    frame = data.analytic(retention.lifecycle, by=basis(filters))
    return charts_retention.lifecycle_bars(frame, by=basis(filters), lang=urlstate.lang_of(filters))


def survival_figure(filters: Mapping[str, Any]) -> go.Figure:
    """Survival curves per group of the URL's segment, with the small-group note."""
    frame, note = _survival(filters)
    return charts_retention.survival_curves(
        frame.rename({"survival_group": "group_label"}),
        lang=urlstate.lang_of(filters),
        note=note,
    )


def audience_figure(filters: Mapping[str, Any]) -> go.Figure:
    """The selected program's curves under its title; says why when there are none."""
    lang = urlstate.lang_of(filters)
    catalogue = programs()
    program_id = selected_program(filters, catalogue)
    titles = dict(catalogue.select("program_id", "title_zh").iter_rows())
    frame = audience(filters)
    nothing_loaded = data.analytic(retention.audience_retention, program_id=None).is_empty()
    return charts_retention.audience_curves(
        frame,
        lang=lang,
        program_title=titles.get(program_id),
        empty_key="retention.empty.no_curves_loaded" if nothing_loaded else "empty.no_curve",
    )


_PERCENT = "params.value == null ? '' : (params.value * 100).toFixed(1) + '%'"
_POINTS = (
    "params.value == null ? '' : (params.value >= 0 ? '+' : '') "
    "+ (params.value * 100).toFixed(1) + ' pp'"
)
_RATIO = "params.value == null ? '' : '×' + params.value.toFixed(2)"
_FORMATS = {
    "avg_pct_viewed": _PERCENT,
    "band_avg_pct_viewed": _PERCENT,
    "avg_pct_viewed_vs_band": _POINTS,
    "avg_pct_viewed_index": _RATIO,
}


def grid(frame: pl.DataFrame, lang: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """AgGrid rows and columns, with this page's shares of viewing formatted as %, pp and ×."""
    rows, defs = components.grid_data(frame, lang)
    for spec in defs:
        if spec["field"] in _FORMATS:
            spec["valueFormatter"] = {"function": _FORMATS[spec["field"]]}
    return rows, defs


# -- layout and callbacks --------------------------------------------------------------------------
def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The page for the URL's basis, measure, survival split and program."""
    filters = {**query, "lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    try:
        catalogue = programs()
    except WarehouseError as exc:
        return components.message(PAGE, lang, str(exc))
    by, measure, split = basis(filters), mode(filters), segment(filters)
    program_id = selected_program(filters, catalogue)
    filters.update(by=by, mode=measure, segment=split, program=program_id)
    count_cohorts = data.analytic(retention.creator_cohorts, by=by)["cohort"].n_unique()
    segment_names = {
        s: t("retention.segment.all", lang) if s == "all" else t(f"dim.{s}", lang) for s in SEGMENTS
    }
    program_control = (
        components.dropdown(
            PAGE,
            "program",
            t("retention.filter.program", lang),
            components.searched_options(program_options(catalogue, lang), [program_id], None),
            program_id,
            clearable=False,
        )
        if program_id is not None
        else html.P(t("retention.empty.no_programs", lang), className="note")
    )
    return components.page(
        PAGE,
        lang,
        filters,
        controls=[
            components.radio(
                PAGE,
                "by",
                t("retention.filter.by", lang),
                [(b, t(f"retention.by.{b}", lang)) for b in BASES],
                by,
            ),
            components.radio(
                PAGE,
                "mode",
                t("retention.filter.mode", lang),
                [(m, t(f"retention.mode.{m}", lang)) for m in MODES],
                measure,
            ),
            components.dropdown(
                PAGE,
                "segment",
                t("retention.filter.segment", lang),
                list(segment_names.items()),
                split,
                clearable=False,
            ),
        ],
        body=[
            html.H2(t("retention.section.creators", lang), id=f"{PAGE}-creators"),
            html.Div(
                [
                    components.chart_card(
                        PAGE, "cohorts", wide=True, height=max(380, 120 + 22 * count_cohorts)
                    ),
                    components.chart_card(PAGE, "lifecycle"),
                    components.grid_card(
                        PAGE, "returns", t("retention.title.returns", lang), wide=False
                    ),
                    components.chart_card(PAGE, "survival", wide=True, height=460),
                    html.P(t("retention.note.survival", lang), className="note card wide"),
                ],
                className="cards",
            ),
            html.H2(t("retention.section.audience", lang), id=f"{PAGE}-audience-section"),
            html.Div([program_control], className="filter-bar"),
            html.Div(
                [
                    components.chart_card(PAGE, "audience", wide=True, height=440),
                    html.P(t("retention.note.audience", lang), className="note card wide"),
                    components.grid_card(PAGE, "programs", t("retention.title.programs", lang)),
                ],
                className="cards",
            ),
        ],
    )


dash.register_page(__name__, path="/retention", order=4, page_key=PAGE, layout=layout)


def render_creators(
    filters: dict[str, Any],
) -> tuple[go.Figure, go.Figure, list[Any], list[Any], go.Figure]:
    """The creator-retention half of the page from its filters."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    rows, defs = grid(returns(filters), lang)
    return (
        cohorts_figure(filters),
        lifecycle_figure(filters),
        rows,
        defs,
        survival_figure(filters),
    )


_PROGRAM = {"type": components.FILTER, "page": PAGE, "key": "program"}


@callback(
    Output(_PROGRAM, "options"),
    Input(_PROGRAM, "search_value"),
    State(_PROGRAM, "value"),
    State(components.filters_id(PAGE), "data"),
    prevent_initial_call=True,
)
def search_programs(search: str | None, selected: Any, filters: Any) -> Any:
    """The program list's options for the text typed in it (the selected one always kept): every
    edition's programs are thousands at 10M rows, too many to send with the page."""
    lang = urlstate.lang_of(filters if isinstance(filters, dict) else {})
    options = components.searched_options(
        program_options(programs(), lang),
        [selected] if isinstance(selected, str) else [],
        search if isinstance(search, str) else None,
    )
    return [{"label": label, "value": value} for value, label in options]


@callback(
    Output(f"{PAGE}-cohorts", "figure"),
    Output(f"{PAGE}-lifecycle", "figure"),
    Output(f"{PAGE}-returns", "rowData"),
    Output(f"{PAGE}-returns", "columnDefs"),
    Output(f"{PAGE}-survival", "figure"),
    Input(components.filters_id(PAGE), "data"),
)
def update_creators(filters: dict[str, Any] | None) -> Any:
    """The registered callback: `render_creators`, cached per snapshot, filters and viewer."""
    return data.output(render_creators, filters or {}, viewer=auth.viewer_key())


def render_audience(filters: dict[str, Any]) -> tuple[go.Figure, list[Any], list[Any]]:
    """The audience-retention half of the page from its filters."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    rows, defs = grid(program_table(filters), lang)
    return audience_figure(filters), rows, defs


@callback(
    Output(f"{PAGE}-audience", "figure"),
    Output(f"{PAGE}-programs", "rowData"),
    Output(f"{PAGE}-programs", "columnDefs"),
    Input(components.filters_id(PAGE), "data"),
)
def update_audience(filters: dict[str, Any] | None) -> Any:
    """The registered callback: `render_audience`, cached per snapshot, filters and viewer."""
    return data.output(render_audience, filters or {}, viewer=auth.viewer_key())
