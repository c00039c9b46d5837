"""The participants page for any questionnaire other than the gala's: its demographic questions
first, then every choice, rating and ranking question in questionnaire order, a cross-tab of any
two of them, and a map by city (or a world map when the survey asks for countries).

Everything is driven by the questionnaire as the warehouse holds it (dim_question, its options
and the answer facts, read through `warehouse/queries/survey_*.sql`). People are counted once per
answer (distinct participant); on a multi-select question a person counts under each option
chosen and shares are of respondents. For a viewer limited to groups of k (`auth.viewer_k`,
researchers and sponsors) every view is protected by `warehouse.privacy`: small cells and the
complementary cells that would give them away are hidden, single-choice shares and rating means
are over the shown answers, and a cross-tab is protected together with the distributions shown
beside it (its margins).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import dcc, html

from dashboard import auth, charts, charts_participants, charts_survey, components, data, urlstate
from dashboard.i18n import UNKNOWN, category_label, fmt_number, register, t
from survey.normalise.country import country_names, normalise_country
from warehouse.privacy import DEFAULT_K, Protection, protect_crosstab, protect_distribution

PAGE = "participants"
GALA_ID = "aigala-participant"
UNKNOWN_KEY = "unknown"
MAP_HEIGHT_PX = 520
# Question types (or drafted semantics) that describe who the respondent is, shown first.
DEMOGRAPHIC = ("age", "gender", "role", "education", "city", "country", "province")
# Demographics the load normalises into the response (their values come from there).
NORMALISED = {"age": "age_band", "gender": "gender", "role": "role"}
CHARTED_TYPES = frozenset(
    {"single", "multi", "rating", "ranking", "age", "gender", "role", "city", "country"}
    | {"education"}
)

register(
    {
        "survey.filter.survey": {"zh": "问卷", "en": "Survey"},
        "survey.filter.wave": {"zh": "轮次", "en": "Wave"},
        "survey.filter.row": {"zh": "交叉表：行", "en": "Cross-tab: rows"},
        "survey.filter.col": {"zh": "交叉表：列", "en": "Cross-tab: columns"},
        "survey.summary": {
            "zh": "{survey}（{wave}）：{count} 位受访者",
            "en": "{survey} ({wave}): {count} respondents",
        },
        "survey.intro": {
            "zh": "先是受访者的基本情况，然后按问卷顺序列出每道选择、评分和排序题。"
            "多选题的比例是占受访者的比例；排序题显示排在第一位的选项。",
            "en": "Who the respondents are first, then every choice, rating and ranking "
            "question in questionnaire order. Multi-select shares are of respondents; "
            "ranking questions show the option ranked first.",
        },
        "survey.note": {
            "zh": "少于{k}人的格子显示为“<{k}”；为使其无法被推算，另有格子一并隐藏，"
            "比例与平均分只按显示的格子计算。",
            "en": "Cells of fewer than {k} people show “<{k}”; further cells are hidden so that "
            "none can be worked out, and shares and means are over the cells shown.",
        },
        "survey.first_choice": {"zh": "（排第一位）", "en": " (ranked first)"},
        "survey.multi": {"zh": "（多选）", "en": " (multiple choice)"},
        "survey.title.crosstab": {"zh": "交叉表：{row} × {col}", "en": "Cross-tab: {row} × {col}"},
        "survey.title.questions": {"zh": "各题回答", "en": "Answers per question"},
        "survey.title.map": {"zh": "受访者分布", "en": "Where respondents are"},
        "col.question_id": {"zh": "题目代码", "en": "Question code"},
        "col.question_text": {"zh": "题目", "en": "Question"},
        "col.share": {"zh": "比例", "en": "Share"},
        "col.is_suppressed": {"zh": "已隐藏", "en": "Hidden"},
        "col.country_code": {"zh": "国家/地区代码", "en": "Country code"},
    }
)


@dataclass(frozen=True)
class Question:
    """One charted question of a questionnaire."""

    question_id: str
    position: int
    kind: str  # single | multi | rating | ranking | city | country | age | gender | role
    text_zh: str
    text_en: str
    is_demographic: bool

    def text(self, lang: str) -> str:
        """The question's text in `lang`, else in the other language, else its id."""
        first, second = (
            (self.text_en, self.text_zh) if lang == "en" else (self.text_zh, self.text_en)
        )
        return first or second or self.question_id

    @property
    def adds_up(self) -> bool:
        """Every respondent is in exactly one category (with "no answer"): cells sum to all."""
        return self.kind != "multi"


# -- surveys and waves -----------------------------------------------------------------------------
def waves() -> pl.DataFrame:
    """Every survey wave in the warehouse: questionnaire, titles, year, respondents."""
    return data.query("survey_waves")


def surveys(frame: pl.DataFrame, lang: str) -> list[tuple[str, str]]:
    """(questionnaire id, title) of every survey with responses, most respondents first."""
    totals = (
        frame.group_by("questionnaire_id", "title_zh", "title_en")
        .agg(pl.col("count_participants").sum())
        .sort(["count_participants", "questionnaire_id"], descending=[True, False])
    )
    column = "title_en" if lang == "en" else "title_zh"
    return [(r["questionnaire_id"], r[column]) for r in totals.to_dicts()]


def chosen_survey(filters: Mapping[str, Any], frame: pl.DataFrame) -> str | None:
    """The URL's survey if known, else the gala's if it has responses, else the largest."""
    ids = [s for s, _ in surveys(frame, "zh")]
    chosen = urlstate.one(filters, "survey", ids)
    if chosen is not None:
        return chosen
    return GALA_ID if GALA_ID in ids else (ids[0] if ids else None)


def wave_years(frame: pl.DataFrame, survey: str) -> list[int]:
    """The survey's waves (edition / submission years), latest first."""
    years = frame.filter(pl.col("questionnaire_id") == survey)["edition_year"].to_list()
    return sorted({int(y) for y in years}, reverse=True)


def wave_name(year: int | None, lang: str) -> str:
    """A wave's name from the data: its year (a foreign survey's wave is no gala edition)."""
    return t("fmt.year", lang).format(year=year) if year is not None else "—"


# -- questions and answers -------------------------------------------------------------------------
def questions(survey: str) -> list[Question]:
    """The survey's charted questions: demographics first, then questionnaire order."""
    frame = data.query("survey_questions", questionnaire_id=survey)
    found = []
    for r in frame.to_dicts():
        qtype, semantic = r["question_type"], r["semantic"]
        kind = semantic if qtype == "single" and semantic in DEMOGRAPHIC else qtype
        if r["is_pii"] or kind not in CHARTED_TYPES:
            continue
        kind_shown = "single" if kind in ("education", "province") else kind
        found.append(
            Question(
                question_id=r["question_id"],
                position=int(r["position"]),
                kind=kind_shown,
                text_zh=r["text_zh"] or "",
                text_en=r["text_en"] or "",
                is_demographic=kind in DEMOGRAPHIC,
            )
        )
    return sorted(found, key=lambda q: (not q.is_demographic, q.position))


def option_labels(survey: str) -> dict[str, list[tuple[str, str, str]]]:
    """question id -> [(item key, zh, en)] in code order."""
    frame = data.query("survey_options", questionnaire_id=survey)
    found: dict[str, list[tuple[str, str, str]]] = {}
    for r in frame.to_dicts():
        zh = r["label_zh"] or r["label_en"] or r["item_key"]
        en = r["label_en"] or r["label_zh"] or r["item_key"]
        found.setdefault(r["question_id"], []).append((r["item_key"], zh, en))
    return found


@dataclass(frozen=True)
class Wave:
    """The data of one survey wave the page draws from."""

    survey: str
    year: int
    respondents: pl.DataFrame  # one row per current response
    answers: pl.DataFrame  # response x question x item


def load_wave(survey: str, year: int) -> Wave:
    """The respondents and answers of one wave."""
    params = {"questionnaire_id": survey, "edition_year": year}
    return Wave(
        survey,
        year,
        data.query("survey_respondents", **params),
        data.query("survey_answers", **params),
    )


def values(wave: Wave, question: Question) -> pl.DataFrame:
    """`participant_id, value` pairs of one question (several per person on a multi-select)."""
    if question.kind in NORMALISED:
        column = NORMALISED[question.kind]
        frame = wave.respondents.select("participant_id", pl.col(column).alias("value"))
    elif question.kind == "city":
        frame = wave.respondents.select("participant_id", pl.col("city_id").alias("value"))
    else:
        answers = wave.answers.filter(pl.col("question_id") == question.question_id)
        if question.kind == "multi":
            frame = answers.select("participant_id", pl.col("item_key").alias("value"))
        elif question.kind == "ranking":
            frame = answers.filter(pl.col("answer_rank") == 1).select(
                "participant_id", pl.col("item_key").alias("value")
            )
        elif question.kind == "rating":
            frame = answers.select(
                "participant_id",
                pl.col("answer_number").round(0).cast(pl.Int64).cast(pl.String).alias("value"),
            )
        elif question.kind == "country":
            codes = [normalise_country(v).code for v in answers["answer_text"].to_list()]
            frame = answers.select("participant_id").with_columns(
                pl.Series("value", codes, dtype=pl.String)
            )
            if frame.is_empty():  # the load put the country on the response
                frame = wave.respondents.select(
                    "participant_id", pl.col("country_code").alias("value")
                )
        else:
            key = pl.when(pl.col("item_key") != "").then("item_key").otherwise("answer_text")
            frame = answers.select("participant_id", key.alias("value"))
    frame = frame.filter(pl.col("value").is_not_null() & (pl.col("value") != "")).unique()
    if question.adds_up:
        # One value per person (the last if a load gave more), and "no answer" for the rest.
        frame = frame.unique("participant_id", keep="last", maintain_order=True)
        answered = set(frame["participant_id"].to_list())
        missing = [p for p in wave.respondents["participant_id"].to_list() if p not in answered]
        frame = pl.concat(
            [
                frame,
                pl.DataFrame(
                    {"participant_id": missing, "value": [UNKNOWN_KEY] * len(missing)},
                    schema={"participant_id": pl.String, "value": pl.String},
                ),
            ]
        )
    return frame


def _value_order(question: Question, keys: Sequence[str], options: Sequence[tuple]) -> list[str]:
    """Options in code order, ratings numerically, others by key; "no answer" last."""
    known = [o[0] for o in options if o[0] in keys]
    rest = [k for k in keys if k not in known and k != UNKNOWN_KEY]
    if question.kind == "rating":
        rest.sort(key=lambda k: float(k))
    else:
        rest.sort()
    return known + rest + ([UNKNOWN_KEY] if UNKNOWN_KEY in keys else [])


def _labeller(wave: Wave, question: Question, lang: str) -> Callable[[str], str]:
    options = {
        key: (zh, en) for key, zh, en in option_labels(wave.survey).get(question.question_id, [])
    }
    cities = {
        r["city_id"]: (r["city_zh"], r["city_en"] or r["city_zh"])
        for r in wave.respondents.select("city_id", "city_zh", "city_en").unique().to_dicts()
        if r["city_id"]
    }

    def label(key: str) -> str:
        if key == UNKNOWN_KEY:
            return UNKNOWN[lang]
        if question.kind in NORMALISED:
            return category_label(NORMALISED[question.kind], key, lang)
        if question.kind == "city" and key in cities:
            return cities[key][1] if lang == "en" else cities[key][0]
        if question.kind == "country":
            try:
                en, zh = country_names(key)
            except KeyError:
                return key
            return en if lang == "en" else zh
        if key in options:
            return options[key][1] if lang == "en" else options[key][0]
        return key

    return label


def distribution(wave: Wave, question: Question, lang: str) -> pl.DataFrame:
    """People per answer of one question, protected for the viewer (`warehouse.privacy`)."""
    pairs = values(wave, question)
    guard = auth.viewer_protection()
    agg = [pl.col("participant_id").n_unique().alias("n")]
    if guard is not None:
        agg.append(guard.key(pl.col("participant_id")).alias("cell_key"))
    counted = pairs.group_by("value").agg(agg)
    found = dict(zip(counted["value"].to_list(), counted["n"].to_list(), strict=True))
    options = option_labels(wave.survey).get(question.question_id, [])
    keys = _value_order(question, list(found), options)
    numbers = [found[key] for key in keys]
    hidden: set[int] = set()
    if guard is not None:
        # Hidden on the true counts; shown counts perturbed by their cell key, so that neither
        # this view nor its differences with the other questions' give a hidden cell away.
        hidden = protect_distribution(numbers, k=guard.k, adds_up=question.adds_up)
        cell_keys = dict(zip(counted["value"], counted["cell_key"], strict=True))
        numbers = guard.counts(numbers, [cell_keys[key] for key in keys])
    shown = [n for i, n in enumerate(numbers) if i not in hidden]
    base = respondents_shown(wave, guard) if question.kind == "multi" else sum(shown)
    label = _labeller(wave, question, lang)
    return pl.DataFrame(
        {
            "question_id": [question.question_id] * len(keys),
            "question_text": [question.text(lang)] * len(keys),
            "category_key": keys,
            "category_label": [label(key) for key in keys],
            "count_participants": [None if i in hidden else n for i, n in enumerate(numbers)],
            "share": [None if i in hidden or not base else n / base for i, n in enumerate(numbers)],
            "is_suppressed": [i in hidden for i in range(len(keys))],
        },
        schema={
            "question_id": pl.String,
            "question_text": pl.String,
            "category_key": pl.String,
            "category_label": pl.String,
            "count_participants": pl.Int64,
            "share": pl.Float64,
            "is_suppressed": pl.Boolean,
        },
    )


def respondents_shown(wave: Wave, guard: Protection | None) -> int:
    """The wave's respondents as the viewer sees the number (perturbed for a viewer limited
    to k)."""
    ids = wave.respondents["participant_id"]
    n = ids.n_unique()
    if guard is None or n < guard.k:
        return n
    return guard.count(n, wave.respondents.select(guard.key(pl.col("participant_id"))).item())


def rating_mean(frame: pl.DataFrame) -> float | None:
    """The mean rating over the shown answers (hidden cells, and "no answer", left out)."""
    rows = [
        (float(r["category_key"]), r["count_participants"])
        for r in frame.to_dicts()
        if r["count_participants"] and r["category_key"] != UNKNOWN_KEY
    ]
    people = sum(n for _, n in rows)
    return sum(v * n for v, n in rows) / people if people else None


def crosstab(wave: Wave, row: Question, col: Question, lang: str) -> pl.DataFrame:
    """People per (row answer, column answer), protected together with both distributions."""
    row_view = distribution(wave, row, lang)
    col_view = distribution(wave, col, lang)
    pairs = values(wave, row).join(values(wave, col), on="participant_id", suffix="_col")
    guard = auth.viewer_protection()
    agg = [pl.col("participant_id").n_unique().alias("n")]
    if guard is not None:
        agg.append(guard.key(pl.col("participant_id")).alias("cell_key"))
    counted = pairs.group_by("value", "value_col").agg(agg)
    found = {(r["value"], r["value_col"]): r["n"] for r in counted.to_dicts()}
    shown = dict(found)
    if guard is not None:  # the viewer's figures: perturbed by their cell keys
        shown = {
            (r["value"], r["value_col"]): guard.count(r["n"], r["cell_key"])
            for r in counted.to_dicts()
            if r["n"] >= guard.k
        }
    rows = row_view["category_key"].to_list()
    cols = col_view["category_key"].to_list()
    grid = [[found.get((r, c), 0) for c in cols] for r in rows]
    k = guard.k if guard is not None else None
    # Organizers see small cells too; the cross-tab pairs answers, so "<k" is shown to all.
    limit = k if k is not None else DEFAULT_K
    hidden = (
        protect_crosstab(
            grid,
            k=limit,
            row_margins=row_view["count_participants"].to_list(),
            col_margins=col_view["count_participants"].to_list(),
            rows_add_up=col.adds_up,
            cols_add_up=row.adds_up,
            total=wave.respondents["participant_id"].n_unique(),
        )
        if k is not None
        else {(i, j) for i in range(len(rows)) for j in range(len(cols)) if grid[i][j] < limit}
    )
    row_labels = row_view["category_label"].to_list()
    col_labels = col_view["category_label"].to_list()
    cells = [
        (
            rows[i],
            row_labels[i],
            cols[j],
            col_labels[j],
            shown.get((rows[i], cols[j]), 0),
            (i, j) in hidden,
        )
        for i in range(len(rows))
        for j in range(len(cols))
    ]
    return pl.DataFrame(
        {
            "row_key": [c[0] for c in cells],
            "row_label": [c[1] for c in cells],
            "col_key": [c[2] for c in cells],
            "col_label": [c[3] for c in cells],
            "count_participants": [None if c[5] else c[4] for c in cells],
            "cell_text": [f"<{limit}" if c[5] else str(c[4]) for c in cells],
        },
        schema={
            "row_key": pl.String,
            "row_label": pl.String,
            "col_key": pl.String,
            "col_label": pl.String,
            "count_participants": pl.Int64,
            "cell_text": pl.String,
        },
    )


def city_frame(wave: Wave, question: Question, lang: str) -> pl.DataFrame:
    """The city question's protected distribution in `charts_participants.city_map`'s shape."""
    view = distribution(wave, question, lang).filter(~pl.col("is_suppressed"))
    places = wave.respondents.select(
        pl.col("city_id").alias("category_key"),
        pl.col("city_zh").alias("city_name_zh"),
        pl.col("city_en").fill_null(pl.col("city_zh")).alias("city_name_en"),
        pl.col("city_lat").alias("latitude_deg"),
        pl.col("city_lon").alias("longitude_deg"),
        pl.col("is_overseas").fill_null(False),
    ).unique("category_key")
    return (
        view.join(places, on="category_key", how="left")
        .with_columns(
            pl.col("city_name_zh").fill_null(UNKNOWN["zh"]),
            pl.col("city_name_en").fill_null(UNKNOWN["en"]),
        )
        .select(
            "category_key",
            "city_name_zh",
            "city_name_en",
            "latitude_deg",
            "longitude_deg",
            "is_overseas",
            "count_participants",
        )
    )


# -- selection -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Selection:
    """The generic page's filters, validated against the warehouse."""

    survey: str
    year: int | None
    questions: list[Question]
    row: Question | None
    col: Question | None


def selection(filters: Mapping[str, Any], frame: pl.DataFrame, survey: str) -> Selection:
    """The URL's wave and cross-tab questions; defaults: the latest wave, the first two."""
    years = wave_years(frame, survey)
    year = urlstate.integer(filters, "edition", years)
    asked = questions(survey)
    single = [q for q in asked if q.kind not in ("rating",)]
    ids = [q.question_id for q in asked]
    by_id = {q.question_id: q for q in asked}
    row_id = urlstate.one(filters, "xrow", ids) or (single[0].question_id if single else None)
    col_id = urlstate.one(filters, "xcol", ids) or next(
        (q.question_id for q in single if q.question_id != row_id), row_id
    )
    return Selection(
        survey=survey,
        year=year if year is not None else (years[0] if years else None),
        questions=asked,
        row=by_id.get(row_id) if row_id else None,
        col=by_id.get(col_id) if col_id else None,
    )


def _context(filters: Mapping[str, Any]) -> tuple[Selection, Wave]:
    frame = waves()
    survey = chosen_survey(filters, frame) or ""
    sel = selection(filters, frame, survey)
    return sel, load_wave(survey, sel.year or 0)


# -- datasets (what the page draws and its downloads serve) ----------------------------------------
@components.dataset(PAGE, "survey_questions", "survey.title.questions")
def all_distributions(filters: Mapping[str, Any]) -> pl.DataFrame:
    """Every charted question's protected distribution, one after the other."""
    lang = urlstate.lang_of(filters)
    sel, wave = _context(filters)
    frames = [distribution(wave, q, lang) for q in sel.questions]
    return pl.concat(frames) if frames else distribution_schema()


def distribution_schema() -> pl.DataFrame:
    """An empty frame of `distribution`'s shape."""
    return pl.DataFrame(
        schema={
            "question_id": pl.String,
            "question_text": pl.String,
            "category_key": pl.String,
            "category_label": pl.String,
            "count_participants": pl.Int64,
            "share": pl.Float64,
            "is_suppressed": pl.Boolean,
        }
    )


@components.dataset(PAGE, "survey_crosstab", "survey.title.questions")
def selected_crosstab(filters: Mapping[str, Any]) -> pl.DataFrame:
    """The cross-tab of the two questions the page's dropdowns pick."""
    lang = urlstate.lang_of(filters)
    sel, wave = _context(filters)
    if sel.row is None or sel.col is None:
        return pl.DataFrame()
    return crosstab(wave, sel.row, sel.col, lang)


def summary(filters: Mapping[str, Any]) -> str:
    """How many respondents the wave has, named from the data."""
    lang = urlstate.lang_of(filters)
    frame = waves()
    sel, wave = _context(filters)
    titles = dict(surveys(frame, lang))
    count = wave.respondents["participant_id"].n_unique()
    guard = auth.viewer_protection()
    return t("survey.summary", lang).format(
        survey=titles.get(sel.survey, sel.survey),
        wave=wave_name(sel.year, lang),
        count=f"<{guard.k}"
        if guard is not None and count < guard.k
        else fmt_number(respondents_shown(wave, guard)),
    )


# -- figures and layout ----------------------------------------------------------------------------
def question_figure(wave: Wave, question: Question, lang: str) -> go.Figure:
    """The bar chart of one question (a rating with its mean)."""
    frame = distribution(wave, question, lang)
    title = question.text(lang)
    if question.kind == "multi":
        title += t("survey.multi", lang)
    if question.kind == "ranking":
        title += t("survey.first_choice", lang)
    mean = rating_mean(frame) if question.kind == "rating" else None
    return charts_survey.question_bar(
        frame,
        title,
        lang=lang,
        multi=question.kind == "multi",
        mean=mean,
        mean_over_shown=bool(frame["is_suppressed"].any()),
    )


def crosstab_figure(frame: pl.DataFrame, row: Question, col: Question, lang: str) -> go.Figure:
    """A cross-tab as a heatmap: hidden cells read "<k"."""
    heat = frame.select(
        pl.col("row_label").alias("row"),
        pl.col("col_label").alias("col"),
        pl.col("count_participants").alias("count"),
        pl.col("count_participants").is_null().alias("is_suppressed"),
    )
    return charts.crosstab_heatmap(
        heat,
        lang=lang,
        k=auth.viewer_k() or DEFAULT_K,
        title=t("survey.title.crosstab", lang).format(row=row.text(lang), col=col.text(lang)),
        top_margin=110,
    )


def _graph(name: str, figure: go.Figure, *, height: int = 380, topojson: bool = False) -> Any:
    config: dict[str, Any] = {"displaylogo": False, "responsive": True}
    if topojson:
        config["topojsonURL"] = dash.get_asset_url("topojson/")
    return dcc.Graph(
        id=f"{PAGE}-{name}", figure=figure, config=config, style={"height": f"{height}px"}
    )


def _card(children: list[Any], *, wide: bool = False, dataset: str | None = None) -> html.Div:
    if dataset is not None:
        children = [*children, components.download_buttons(PAGE, dataset)]
    return html.Div(children, className="card wide" if wide else "card")


def controls(filters: Mapping[str, Any], sel: Selection, frame: pl.DataFrame, lang: str) -> list:
    """The survey and wave selectors and the cross-tab's two dropdowns."""
    picks = [(q.question_id, q.text(lang)) for q in sel.questions]
    return [
        survey_dropdown(frame, sel.survey, lang),
        components.dropdown(
            PAGE,
            "edition",
            t("survey.filter.wave", lang),
            [(str(y), wave_name(y, lang)) for y in wave_years(frame, sel.survey)],
            str(sel.year),
            clearable=False,
        ),
        components.dropdown(
            PAGE,
            "xrow",
            t("survey.filter.row", lang),
            picks,
            sel.row.question_id if sel.row else None,
            clearable=False,
        ),
        components.dropdown(
            PAGE,
            "xcol",
            t("survey.filter.col", lang),
            picks,
            sel.col.question_id if sel.col else None,
            clearable=False,
        ),
    ]


def survey_dropdown(frame: pl.DataFrame, survey: str, lang: str) -> html.Div:
    """The survey selector (titles from the warehouse)."""
    return components.dropdown(
        PAGE,
        "survey",
        t("survey.filter.survey", lang),
        surveys(frame, lang),
        survey,
        clearable=False,
    )


def body(filters: Mapping[str, Any], sel: Selection, lang: str) -> list[Any]:
    """The page's content, rendered with the layout (filters change the URL, which re-renders)."""
    wave = load_wave(sel.survey, sel.year or 0)
    parts: list[Any] = [
        html.P(summary(filters), id=f"{PAGE}-summary", className="intro"),
    ]
    country = next((q for q in sel.questions if q.kind == "country"), None)
    city = next((q for q in sel.questions if q.kind == "city"), None)
    if country is not None:
        view = distribution(wave, country, lang).rename({"category_key": "country_code"})
        parts.append(
            _card(
                [
                    _graph(
                        "world",
                        charts_survey.world_map(view, lang=lang),
                        height=MAP_HEIGHT_PX,
                        topojson=True,
                    )
                ],
                wide=True,
            )
        )
    elif city is not None:
        fig = charts_participants.city_map(city_frame(wave, city, lang), lang=lang)
        parts.append(
            _card([_graph("citymap", fig, height=MAP_HEIGHT_PX, topojson=True)], wide=True)
        )
    cards = [
        _card([_graph(f"q-{q.question_id}", question_figure(wave, q, lang))]) for q in sel.questions
    ]
    parts.append(html.Div(cards, className="cards", id=f"{PAGE}-questions"))
    parts.append(components.download_buttons(PAGE, "survey_questions"))
    parts.append(
        html.P(t("survey.note", lang).format(k=auth.viewer_k() or DEFAULT_K), className="note")
    )
    if sel.row is not None and sel.col is not None:
        frame = crosstab(wave, sel.row, sel.col, lang)
        parts.append(
            _card(
                [_graph("crosstab", crosstab_figure(frame, sel.row, sel.col, lang), height=520)],
                wide=True,
                dataset="survey_crosstab",
            )
        )
    return parts
