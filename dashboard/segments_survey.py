"""The segments page for any questionnaire other than the gala's: a rule builder over that
survey's own questions and options, the segments' size, share and lift, and the learned clusters
of its latest clustering run described in its own terms.

Everything comes from the stored questionnaire (`survey.segments.surveys`: dimensions from
dim_question and its options, one population row per current response). URL state, as on the
gala's page: segment A's conditions are `a_<question id>` keys, segment B's `b_<question id>`
(B exists when it has a condition), `a_edition` / `b_edition` the waves; `dim` and `cl_dim` pick
the question of the lift chart and of the cluster profile. The page is drawn with its layout
(a filter change changes the URL, which re-renders). Aggregates of fewer than K people read "<5".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import plotly.graph_objects as go
import polars as pl
from dash import dcc, html

from dashboard import charts_segments, components, data, survey_page, urlstate
from dashboard.i18n import fmt_number, register, t
from survey.segments import SegmentError, cluster_members, cluster_profiles, lift_table
from survey.segments.runs import segment_runs
from survey.segments.surveys import (
    SurveyDimension,
    SurveyDimensions,
    SurveySegmentProfile,
    load_survey_dimensions,
    load_survey_population,
    survey_dimensions,
    survey_profile,
)
from warehouse.privacy import DEFAULT_K, suppress_small_cells
from warehouse.query import Reader

PAGE = "segments"
SIDES = ("a", "b")
K = DEFAULT_K
MAX_CATEGORIES = 15  # values shown per dimension in charts (the most common ones)
GRID_HEIGHT_PX = 420
# Outputs of the gala page's callbacks (dashboard/pages/segments.py).
GALA_OUTPUTS = (
    "kpis",
    "lift",
    "outcomes",
    "compare",
    "profile",
    "run",
    "clusters",
    "cluster_profile",
)

register(
    {
        "segments.survey.intro": {
            "zh": "按这份问卷自己的题目和选项圈定分群，查看规模、占比和提升度（分群内占比 ÷ "
            "全体占比），可与分群 B 并排比较；下方是这份问卷最近一次聚类得到的群体。",
            "en": "Define a segment by this survey's own questions and options to see its size, "
            "share and lift (share within the segment ÷ share overall), and compare it with "
            "segment B; the clusters of this survey's latest clustering run are below.",
        },
        "segments.survey.summary": {
            "zh": "{survey}：{count} 份回答（{waves}）",
            "en": "{survey}: {count} responses ({waves})",
        },
        "segments.survey.wave": {"zh": "轮次", "en": "Wave"},
        "segments.survey.features": {
            "zh": "聚类依据：{features}",
            "en": "Clustered on: {features}",
        },
        "segments.survey.unused": {
            "zh": "未能使用：{items}",
            "en": "Could not be used: {items}",
        },
        "segments.survey.no_run": {
            "zh": "这份问卷还没有聚类结果：运行 creatorpulse segment --survey {survey} 生成",
            "en": "No clustering run of this survey yet: run "
            "`creatorpulse segment --survey {survey}` to create one",
        },
        "segments.survey.question": {"zh": "题目", "en": "Question"},
        "segments.survey.b_hint": {
            "zh": "设置任一条件，即可与分群 A 并排比较。",
            "en": "Set any condition to compare it with segment A.",
        },
        "segments.survey.cl_question": {"zh": "群体画像题目", "en": "Cluster profile question"},
    }
)


# -- data ------------------------------------------------------------------------------------------
def dimensions_of(survey: str) -> SurveyDimensions:
    """The survey's dimensions from its stored questionnaire (queries cached per snapshot)."""
    return survey_dimensions(
        survey,
        data.query("survey_questions", questionnaire_id=survey),
        data.query("survey_options", questionnaire_id=survey),
    )


def _population(reader: Reader, *, questionnaire_id: str) -> pl.DataFrame:
    return load_survey_population(reader, load_survey_dimensions(reader, questionnaire_id))


def population_of(survey: str) -> pl.DataFrame:
    """One row per current response of the survey, a column per dimension (cached)."""
    return data.analytic(_population, questionnaire_id=survey)


def profile_of(survey: str, filters: Mapping[str, Any]) -> SurveySegmentProfile:
    """A segment's profile ({} = everyone), small cells suppressed below K."""
    return survey_profile(population_of(survey), dimensions_of(survey), filters, k=K)


Profiles = Sequence[tuple[str, SurveySegmentProfile]]  # (side, profile) of A and B


def latest_survey_run(survey: str) -> dict[str, Any] | None:
    """The newest clustering run of the survey, or None."""
    try:
        runs = data.analytic(segment_runs, questionnaire_id=survey)
    except SegmentError:
        return None
    return runs.row(0, named=True) if runs.height else None


# -- URL state -------------------------------------------------------------------------------------
def filterable(dims: SurveyDimensions) -> list[SurveyDimension]:
    """Dimensions the builder offers (single-choice and multi-select questions)."""
    return [d for d in dims.dimensions if d.kind != "number"]


def side_filters(
    params: Mapping[str, Any], side: str, dims: SurveyDimensions, years: Sequence[int]
) -> dict[str, Any]:
    """Segment `side`'s canonical filters from the URL; unknown values are dropped."""
    raw: dict[str, Any] = {}
    chosen_years = [int(v) for v in urlstate.many(params, f"{side}_edition") if v.isdigit()]
    chosen_years = [y for y in chosen_years if y in years]
    if chosen_years:
        raw["edition"] = chosen_years
    for dim in filterable(dims):
        kept = []
        for value in urlstate.many(params, f"{side}_{dim.name}"):
            try:
                dims.parse_filters({dim.name: [value]})
            except SegmentError:
                continue
            if value not in kept:
                kept.append(value)
        if kept:
            raw[dim.name] = kept
    return dims.parse_filters(raw)


def describe(filters: Mapping[str, Any], dims: SurveyDimensions, lang: str) -> str:
    """Conditions in words ("您的性别：女 · 2024年"); none = everyone."""
    parts = []
    for key, values in filters.items():
        if key == "edition":
            parts.append("/".join(t("fmt.year", lang).format(year=y) for y in values))
            continue
        dim = dims.dimension(key)
        labels = "/".join(dim.label(v)[1 if lang == "en" else 0] for v in values)
        context = dims.context(key)
        if context is None:
            parts.append(labels)
        else:
            named = context[1] if lang == "en" else context[0]
            parts.append(f"{named}: {labels}" if lang == "en" else f"{named}：{labels}")
    return " · ".join(parts) if parts else t("segments.everyone", lang)


def _choice(params: Mapping[str, Any], key: str, names: Sequence[str]) -> str | None:
    return urlstate.one(params, key, list(names)) or (names[0] if names else None)


# -- pieces ----------------------------------------------------------------------------------------
def lift_figure(
    dims: SurveyDimensions,
    profiles: Profiles,
    everyone: SurveySegmentProfile,
    name: str,
    lang: str,
) -> go.Figure:
    """Lift of each value of question `name` within A (and B)."""
    mine = everyone.lift.filter(pl.col("dimension") == name)
    order = mine.sort("count", "value", descending=[True, False], nulls_last=True)
    values = order["value"].head(MAX_CATEGORIES).to_list()
    parts = []
    for side, profile in profiles:
        if profile.summary["is_empty"]:
            continue
        part = profile.lift.filter(
            (pl.col("dimension") == name) & pl.col("value").is_in(values, nulls_equal=True)
        )
        parts.append(
            part.select(
                pl.lit(side).alias("segment"),
                pl.lit(t(f"segments.segment_{side}", lang)).alias("segment_name"),
                "value",
                "label_zh",
                "label_en",
                "lift",
                "share_in_segment",
                "share_overall",
                "is_suppressed",
            )
        )
    frame = (
        pl.concat(parts)
        if parts
        else pl.DataFrame(
            schema={
                "segment": pl.String,
                "segment_name": pl.String,
                "value": pl.String,
                "label_zh": pl.String,
                "label_en": pl.String,
                "lift": pl.Float64,
                "share_in_segment": pl.Float64,
                "share_overall": pl.Float64,
                "is_suppressed": pl.Boolean,
            }
        )
    )
    rank = {v: i for i, v in enumerate(values)}
    frame = frame.with_columns(
        pl.col("value").replace_strict(rank, default=len(rank), return_dtype=pl.Int64).alias("_r")
    ).sort("segment", "_r")
    return charts_segments.lift_bars(
        frame.drop("_r"), name, lang=lang, k=K, dimension_label=dims.dimension(name).text(lang)
    )


def profile_table(
    dims: SurveyDimensions, profiles: Profiles, everyone: SurveySegmentProfile, lang: str
) -> pl.DataFrame:
    """Share and lift of every category of every question in A (and B), beside everyone's."""
    frame = everyone.lift.select(
        "dimension",
        "value",
        pl.col(f"label_{lang}").alias("category"),
        pl.col("share_overall").alias("share_everyone"),
    )
    for side, profile in profiles:
        lift = profile.lift.select(
            "dimension",
            "value",
            pl.col("share_in_segment").alias(f"share_{side}"),
            pl.col("lift").alias(f"lift_{side}"),
            pl.col("is_suppressed").alias(f"is_suppressed_{side}"),
        )
        frame = frame.join(lift, on=["dimension", "value"], how="left", nulls_equal=True)
    texts = {d.name: d.text(lang) for d in dims.dimensions}
    return frame.select(
        pl.col("dimension")
        .replace_strict(texts, default=pl.col("dimension"))
        .alias("question_text"),
        "category",
        *[c for side, _ in profiles for c in (f"share_{side}", f"lift_{side}")],
        "share_everyone",
        *[pl.col(f"is_suppressed_{side}").fill_null(True) for side, _ in profiles],
    )


def clusters_table(survey: str, lang: str) -> pl.DataFrame:
    """Clusters of the survey's latest run: id, description, size, share."""
    run = latest_survey_run(survey)
    if run is None:
        return pl.DataFrame(
            schema={
                "cluster_id": pl.Int32,
                "cluster_description": pl.String,
                "count_label": pl.String,
                "cluster_share": pl.Float64,
            }
        )
    clusters = data.analytic(cluster_profiles, run_id=run["run_id"], k=K)
    return clusters.select(
        pl.col("cluster_id").cast(pl.Int32),
        pl.col(f"label_{lang}").alias("cluster_description"),
        "count_label",
        pl.col("share").alias("cluster_share"),
    )


def cluster_profile_figure(survey: str, name: str, lang: str) -> go.Figure:
    """Share of each answer to question `name` within each cluster of the latest run."""
    dims = dimensions_of(survey)
    dim = dims.dimension(name)
    run = latest_survey_run(survey)
    schema = {
        "cluster_id": pl.Int32,
        "description_zh": pl.String,
        "description_en": pl.String,
        "value": pl.String,
        "label_zh": pl.String,
        "label_en": pl.String,
        "share_in_group": pl.Float64,
        "is_suppressed": pl.Boolean,
    }
    frame = pl.DataFrame(schema=schema)
    if run is not None:
        members = data.analytic(cluster_members, run_id=run["run_id"])
        pop = population_of(survey)
        value = (
            pl.col(dim.column).cast(pl.List(pl.String))
            if isinstance(pop.schema[dim.column], pl.List)
            else pl.col(dim.column).cast(pl.String)
        )
        people = pop.join(
            members.select("participant_id", "edition_year", "cluster_id"),
            on=["participant_id", "edition_year"],
            how="inner",
        ).select(pl.col("cluster_id").cast(pl.Int32), value.alias("value"))
        table = lift_table(people, "cluster_id", "value").rename({"group": "cluster_id"})
        top = (
            table.group_by("value")
            .agg(pl.col("value_total").first())
            .sort("value_total", "value", descending=[True, False], nulls_last=True)
            .head(MAX_CATEGORIES)["value"]
            .to_list()
        )
        table = suppress_small_cells(
            table.filter(pl.col("value").is_in(top, nulls_equal=True)),
            "count",
            k=K,
            value_columns=["share_in_group", "lift"],
        )
        labels = [dim.label(v) for v in table["value"].to_list()]
        descriptions = data.analytic(cluster_profiles, run_id=run["run_id"], k=K).select(
            pl.col("cluster_id").cast(pl.Int32),
            pl.col("label_zh").alias("description_zh"),
            pl.col("label_en").alias("description_en"),
        )
        rank = {v: i for i, v in enumerate(top)}
        frame = (
            table.with_columns(
                pl.Series("label_zh", [zh for zh, _ in labels], dtype=pl.String),
                pl.Series("label_en", [en for _, en in labels], dtype=pl.String),
                pl.col("value")
                .replace_strict(rank, default=len(rank), return_dtype=pl.Int64)
                .alias("_r"),
            )
            .join(descriptions, on="cluster_id", how="left")
            .sort("cluster_id", "_r")
            .select(list(schema))
        )
    return charts_segments.cluster_profile(
        frame,
        name,
        lang=lang,
        k=K,
        empty_key="segments.empty.no_run",
        dimension_label=dim.text(lang),
    )


def run_text(survey: str, lang: str) -> list[Any]:
    """The latest run in one line, what it clustered on and what it could not use."""
    run = latest_survey_run(survey)
    if run is None:
        return [html.P(t("segments.survey.no_run", lang).format(survey=survey), className="note")]
    params = json.loads(run["params"])
    dims = dimensions_of(survey)
    columns = {d.column: d for d in dims.dimensions}

    def named(feature: str) -> str:
        dim = columns.get(feature)
        return dim.text(lang) if dim is not None else feature

    used = [
        named(f) for kind in ("categorical", "numeric", "multi") for f in params["features"][kind]
    ]
    stability = run["stability"]
    lines = [
        t("segments.run", lang).format(
            run=run["run_id"],
            at=f"{run['created_at']:%Y-%m-%d %H:%M}",
            k=run["k"],
            n=fmt_number(run["count_participants"]),
            silhouette=f"{run['silhouette']:.3f}",
            stability="–" if stability is None else f"{stability:.2f}",
        ),
        t("segments.survey.features", lang).format(
            features="、".join(used) if lang == "zh" else ", ".join(used)
        ),
    ]
    unused = params.get("features_unused") or []
    if unused:
        items = [f"{named(u['feature'])} ({u['reason']})" for u in unused]
        lines.append(t("segments.survey.unused", lang).format(items="; ".join(items)))
    return [html.P(line, className="note") for line in lines]


def _grid(name: str, frame: pl.DataFrame, lang: str, *, height: int | None = None) -> dag.AgGrid:
    """An AG Grid of `frame`; a column with an `is_suppressed_<side>` flag reads "<K" there."""
    rows, defs = components.grid_data(frame, lang)
    for spec in defs:
        spec.update(wrapHeaderText=True, autoHeaderHeight=True)
        field = spec["field"]
        if field.startswith("is_suppressed_"):
            spec["hide"] = True
        side = field.rsplit("_", 1)[-1]
        if field.startswith(("share_", "lift_")) and f"is_suppressed_{side}" in frame.columns:
            shown = spec.get("valueFormatter", {}).get("function", "params.value")
            flag = f"is_suppressed_{side}"
            spec["valueFormatter"] = {"function": f"params.data.{flag} ? '<{K}' : ({shown})"}
        if spec["field"] in ("cluster_description", "category", "question_text"):
            spec.update(flex=3, minWidth=200, wrapText=True, autoHeight=True)
    options: dict[str, Any] = {"animateRows": False, "domLayout": "autoHeight"}
    style = None
    if height is not None:
        options["domLayout"] = "normal"
        style = {"height": f"{height}px"}
    return dag.AgGrid(
        id=f"{PAGE}-{name}",
        rowData=rows,
        columnDefs=defs,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions=options,
        columnSize="responsiveSizeToFit",
        className="ag-theme-alpine",
        style=style,
    )


def _graph(name: str, figure: go.Figure, height: int = 420) -> dcc.Graph:
    return dcc.Graph(
        id=f"{PAGE}-{name}",
        figure=figure,
        config={"displaylogo": False, "responsive": True},
        style={"height": f"{height}px"},
    )


def _panel(
    side: str,
    filters: Mapping[str, Any],
    dims: SurveyDimensions,
    years: Sequence[int],
    lang: str,
    is_set: bool,
) -> html.Div:
    """The builder of one segment: the wave and one multi-select per question."""
    anyone = t("segments.any", lang)
    pop = population_of(dims.questionnaire_id)
    controls = [
        components.dropdown(
            PAGE,
            f"{side}_edition",
            t("segments.survey.wave", lang),
            [(str(y), survey_page.wave_name(y, lang)) for y in sorted(years, reverse=True)],
            [str(y) for y in filters.get("edition", [])],
            multi=True,
            placeholder=anyone,
        )
    ]
    for dim in filterable(dims):
        if dim.options:
            keys = [key for key, _, _ in dim.options]
        else:
            column = pop[dim.column]
            seen = column.explode() if isinstance(column.dtype, pl.List) else column
            counted = seen.drop_nulls().value_counts(sort=True)
            keys = [str(v) for v in counted[counted.columns[0]].to_list()]
        keys += [v for v in filters.get(dim.name, []) if v not in keys]
        controls.append(
            components.dropdown(
                PAGE,
                f"{side}_{dim.name}",
                dim.text(lang),
                [(key, dim.label(key)[1 if lang == "en" else 0]) for key in keys],
                list(filters.get(dim.name, [])),
                multi=True,
                placeholder=anyone,
            )
        )
    name = t(f"segments.segment_{side}", lang)
    heading = f"{name} · {describe(filters, dims, lang)}" if is_set else name
    flat = {"border": "0", "padding": "0", "marginBottom": "8px"}
    return html.Div(
        [
            html.H3(
                heading,
                id=f"{PAGE}-{side}-heading",
                style={"color": charts_segments.segment_colour(side)},
            ),
            None if is_set else html.P(t("segments.survey.b_hint", lang), className="note"),
            html.Div(controls, className="filter-bar", style=flat),
        ],
        className="card",
        id=f"{PAGE}-panel-{side}",
    )


def _kpis(profiles: Profiles, everyone: SurveySegmentProfile, lang: str) -> list[Any]:
    blocks = []
    for side, profile in profiles:
        summary = profile.summary
        size = summary["size"]
        share = summary["share"]
        distinct = summary["count_participants"]
        cards = [
            components.kpi(
                PAGE,
                f"{side}-size",
                t("segments.measure.size", lang),
                f"<{K}" if summary["is_suppressed"] else fmt_number(size),
                t("segments.kpi.distinct", lang).format(n=fmt_number(distinct))
                if distinct is not None
                else None,
            ),
            components.kpi(
                PAGE,
                f"{side}-share",
                t("segments.measure.share", lang),
                f"<{K}" if share is None else f"{share:.1%}",
                t("segments.kpi.of_all", lang).format(n=fmt_number(everyone.summary["population"])),
            ),
        ]
        blocks.append(html.Div(cards, className="kpis", id=f"{PAGE}-kpis-{side}"))
    return blocks


def layout(params: Mapping[str, Any], waves: pl.DataFrame, survey: str) -> html.Div:
    """The segments page of another survey, drawn from the URL's state."""
    lang = urlstate.lang_of(params)
    dims = dimensions_of(survey)
    pop = population_of(survey)
    years = sorted(int(y) for y in pop["edition_year"].drop_nulls().unique().to_list())
    a = side_filters(params, "a", dims, years)
    b = side_filters(params, "b", dims, years)
    sides: list[tuple[str, dict[str, Any]]] = [("a", a)] + ([("b", b)] if b else [])
    everyone = profile_of(survey, {})
    profiles = [(side, profile_of(survey, filters)) for side, filters in sides]
    names = [d.name for d in filterable(dims)]
    used_by_a = set(a)
    lift_names = [n for n in names if n not in used_by_a] or names
    dim = _choice(params, "dim", lift_names)
    cl_dim = _choice(params, "cl_dim", names)
    state: dict[str, Any] = {"lang": lang, "survey": survey}
    for side, filters in sides:
        for key, values in filters.items():
            state[f"{side}_{key}"] = ",".join(str(v) for v in values)
    if dim is not None and urlstate.one(params, "dim") is not None:
        state["dim"] = dim
    if cl_dim is not None and urlstate.one(params, "cl_dim") is not None:
        state["cl_dim"] = cl_dim

    def question_picker(key: str, text_key: str, choices: Sequence[str], value: str | None) -> Any:
        return components.dropdown(
            PAGE,
            key,
            t(text_key, lang),
            [(n, dims.dimension(n).text(lang)) for n in choices],
            value,
            clearable=False,
        )

    titles = dict(survey_page.surveys(waves, lang))
    summary = t("segments.survey.summary", lang).format(
        survey=titles.get(survey, survey),
        count=fmt_number(pop.height),
        waves="、".join(survey_page.wave_name(y, lang) for y in years)
        if lang == "zh"
        else ", ".join(survey_page.wave_name(y, lang) for y in years),
    )
    body: list[Any] = [
        html.P(summary, id=f"{PAGE}-summary", className="intro"),
        html.H2(t("segments.section.rules", lang)),
        html.Div(
            [
                _panel("a", a, dims, years, lang, True),
                _panel("b", b, dims, years, lang, bool(b)),
            ],
            className="split",
        ),
        html.Div(
            _kpis(profiles, everyone, lang), id=f"{PAGE}-kpis", className="split" if b else None
        ),
    ]
    if dim is not None:
        body += [
            html.Div(
                [question_picker("dim", "segments.survey.question", lift_names, dim)],
                className="filter-bar",
            ),
            html.Div(
                [
                    html.Div(
                        [_graph("lift", lift_figure(dims, profiles, everyone, dim, lang))],
                        className="card wide",
                    ),
                    html.Div(
                        [
                            html.H3(t("segments.title.profile_table", lang)),
                            _grid(
                                "profile",
                                profile_table(dims, profiles, everyone, lang),
                                lang,
                                height=GRID_HEIGHT_PX,
                            ),
                        ],
                        className="card wide",
                    ),
                ],
                className="cards",
            ),
        ]
    body += [
        html.H2(t("segments.section.clusters", lang)),
        html.Div(run_text(survey, lang), id=f"{PAGE}-run"),
    ]
    if cl_dim is not None:
        body.append(
            html.Div(
                [question_picker("cl_dim", "segments.survey.cl_question", names, cl_dim)],
                className="filter-bar",
            )
        )
    body.append(
        html.Div(
            [
                html.Div(
                    [
                        html.H3(t("segments.title.clusters", lang)),
                        _grid("clusters", clusters_table(survey, lang), lang),
                    ],
                    className="card wide",
                ),
                html.Div(
                    [_graph("cluster_profile", cluster_profile_figure(survey, cl_dim, lang))],
                    className="card wide",
                )
                if cl_dim is not None
                else None,
            ],
            className="cards",
        )
    )
    # The gala's callback outputs this page does not draw exist (empty, hidden) so that the
    # renderer has a place for them; the gala's callbacks do nothing for another survey.
    drawn = {"kpis", "profile", "run", "clusters"}
    drawn |= {"lift"} if dim is not None else set()
    drawn |= {"cluster_profile"} if cl_dim is not None else set()
    body.append(
        html.Div(
            [html.Div(id=f"{PAGE}-{name}") for name in GALA_OUTPUTS if name not in drawn],
            style={"display": "none"},
            id=f"{PAGE}-gala-outputs",
        )
    )
    controls = [survey_dropdown(waves, survey, lang)]
    page = components.page(PAGE, lang, state, controls=controls, body=body)
    page.children[1].children = t("segments.survey.intro", lang)  # the gala's intro names its own
    return page


def survey_dropdown(waves: pl.DataFrame, survey: str, lang: str) -> html.Div:
    """The survey selector of the segments page (titles from the warehouse)."""
    return components.dropdown(
        PAGE,
        "survey",
        t("survey.filter.survey", lang),
        survey_page.surveys(waves, lang),
        survey,
        clearable=False,
    )
