"""Segments of any survey: dimensions, population, filters and clustering features taken from
the stored questionnaire (dim_question, its options and the drafted semantics), not the gala's.

A survey's **dimensions** are its charted questions (`survey_dimensions`): demographics first
(questions whose type or drafted semantic is age, gender, role, education, city, country or
province), then every single-choice, multi-select, ranking, rating and number question in
questionnaire order. Free text, contacts and PII are never dimensions. A dimension is named by
its question id; its values are option keys (age, gender and role: the normalised values the load
put on the response; city: the normalised Chinese city name; country: the ISO 3166 code; ranking:
the option ranked first); a rating or number question is a `number` dimension.

The **population** (`survey_population`) has one row per current response, with one column per
dimension (a list of option keys for a multi-select).

**Clustering features** default to the demographic and choice questions (single-choice and
ranking questions one-hot, multi-selects multi-hot), overridable per questionnaire in
clustering.yaml (`surveys: {ID: {features: [question ids]}}`). A feature that cannot be used is
never dropped silently: `choose_features` returns it with the reason, and the run records it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml

from survey.normalise.country import country_names, normalise_country
from survey.segments._warehouse import Source, run_query
from survey.segments.clustering import DEFAULT_CONFIG, ClusteringConfig
from survey.segments.dimensions import _PARENTHESES, gala_id
from survey.segments.dimensions import value_label as gala_value_label
from survey.segments.errors import SegmentError
from warehouse.privacy import DEFAULT_K, suppress_small_cells

Kind = Literal["single", "multi", "number"]
UNKNOWN = ("未知", "Unknown")
# Question types or drafted semantics that say who the respondent is (shown and used first).
DEMOGRAPHIC = ("age", "gender", "role", "education", "city", "country", "province")
# Demographics the load normalises onto the response: dimension values come from there.
NORMALISED = {"age": "age_band", "gender": "gender", "role": "role"}
CHOICE_TYPES = frozenset({"single", "multi", "ranking"})
NUMBER_TYPES = frozenset({"rating", "number"})
BASE_COLUMNS = ("response_id", "participant_id", "edition_year", "submitted_at")
# A one-hot feature with more answers than this would swamp k-means' distances.
MAX_FEATURE_CATEGORIES = 30
# Descriptions name a non-demographic question by at most this many characters of its text.
CONTEXT_CHARS = {"zh": 12, "en": 24}


@dataclass(frozen=True)
class SurveyDimension:
    """One question of a survey as a segment dimension."""

    name: str  # the question id
    column: str  # its column in the survey population
    kind: Kind
    question_type: str  # the question's type, or its demographic semantic
    text_zh: str
    text_en: str
    is_demographic: bool
    options: tuple[tuple[str, str, str], ...] = ()  # (key, zh, en) in code order

    def text(self, lang: str) -> str:
        """The question's text in `lang`, else in the other language, else its id."""
        first, second = (
            (self.text_en, self.text_zh) if lang == "en" else (self.text_zh, self.text_en)
        )
        return first or second or self.name

    def label(self, value: object) -> tuple[str, str]:
        """The (zh, en) label of one value: the option's, the country's or the value itself."""
        if value is None:
            return UNKNOWN
        text = str(value)
        for key, zh, en in self.options:
            if key == text:
                return (zh or en or key, en or zh or key)
        if self.question_type in NORMALISED:
            return gala_value_label(NORMALISED[self.question_type], text)
        if self.question_type == "country":
            try:
                en, zh = country_names(text)
            except KeyError:
                return (text, text)
            return (zh, en)
        return (text, text)


@dataclass(frozen=True)
class SurveyDimensions:
    """Every dimension of one questionnaire, demographics first."""

    questionnaire_id: str
    dimensions: tuple[SurveyDimension, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Dimension names (question ids) in display order."""
        return tuple(d.name for d in self.dimensions)

    def dimension(self, name: str) -> SurveyDimension:
        """The dimension called `name`, or a SegmentError listing this survey's."""
        for dim in self.dimensions:
            if dim.name == name:
                return dim
        raise SegmentError(
            f"{name!r} is not a question of survey {self.questionnaire_id!r}; "
            f"use one of {', '.join(self.names)}"
        )

    @property
    def by_name(self) -> dict[str, SurveyDimension]:
        """Dimensions by name."""
        return {d.name: d for d in self.dimensions}

    def value_label(self, name: str, value: object, *, short: bool = False) -> tuple[str, str]:
        """The (zh, en) label of a value of dimension `name` (`short` is accepted for symmetry
        with the gala's labels; option labels are already short)."""
        del short
        return self.dimension(name).label(value)

    def default_features(self) -> tuple[str, ...]:
        """Demographic and choice questions: the default clustering features."""
        return tuple(
            d.name
            for d in self.dimensions
            if d.is_demographic or (d.question_type in CHOICE_TYPES and d.kind != "number")
        )

    def describe_dimensions(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(dimensions, fill dimensions) that describe clusters: demographics, then choices."""
        categorical = [d for d in self.dimensions if d.kind != "number"]
        first = tuple(d.name for d in categorical if d.is_demographic)
        fill = tuple(d.name for d in categorical if not d.is_demographic)
        return first, fill

    def context(self, name: str) -> tuple[str, str] | None:
        """How a description names a non-demographic question's values ("您用过哪些工具：…")."""
        dim = self.by_name.get(name)
        if dim is None or dim.is_demographic:
            return None
        return (
            _short(dim.text("zh"), CONTEXT_CHARS["zh"]),
            _short(dim.text("en"), CONTEXT_CHARS["en"]),
        )

    # -- filters ---------------------------------------------------------------------------------
    def parse_filters(self, raw: Mapping[str, Any] | None) -> dict[str, Any]:
        """Check filters ({question id or "edition": [values]}) and return them canonical.

        Values of a question with options must be option keys; a multi-select matches a person
        who chose ANY of the values. Number questions take {min, max}. Unknown questions and
        values raise a SegmentError naming them.
        """
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            raise SegmentError(f"segment filters must be a mapping of key to values, not {raw!r}")
        out: dict[str, Any] = {}
        for key in ("edition", *self.names):
            if key not in raw:
                continue
            value = raw[key]
            if key == "edition":
                values = value if isinstance(value, list | tuple) else [value]
                years = []
                for item in values:
                    if isinstance(item, bool) or not str(item).strip().isdigit():
                        raise SegmentError(f"segment filter 'edition': {item!r} is not a year")
                    if int(str(item).strip()) not in years:
                        years.append(int(str(item).strip()))
                if years:
                    out[key] = years
                continue
            dim = self.dimension(key)
            if dim.kind == "number":
                out[key] = _parse_range(key, value)
                continue
            values = list(value) if isinstance(value, list | tuple) else [value]
            known = [o[0] for o in dim.options]
            parsed: list[str] = []
            for item in values:
                text = str(item).strip()
                if known and dim.question_type not in NORMALISED and text not in known:
                    raise SegmentError(
                        f"segment filter {key!r}: unknown value {item!r}; use one of "
                        f"{', '.join(known)}"
                    )
                if text not in parsed:
                    parsed.append(text)
            if parsed:
                out[key] = parsed
        unknown = sorted(set(raw) - {"edition", *self.names})
        if unknown:
            raise SegmentError(
                f"{unknown[0]!r} is not a question of survey {self.questionnaire_id!r}; "
                f"use one of edition, {', '.join(self.names)}"
            )
        return out

    def filter_expr(self, filters: Mapping[str, Any]) -> pl.Expr:
        """The Polars predicate of canonical filters over the survey population."""
        predicate = pl.lit(True)
        for key, value in filters.items():
            if key == "edition":
                predicate &= pl.col("edition_year").is_in(value).fill_null(False)
                continue
            dim = self.dimension(key)
            column = pl.col(dim.column)
            if dim.kind == "number":
                if "min" in value:
                    predicate &= column >= value["min"]
                if "max" in value:
                    predicate &= column <= value["max"]
                predicate &= column.is_not_null()
            elif dim.kind == "multi":
                predicate &= pl.any_horizontal([column.list.contains(pl.lit(v)) for v in value])
            else:
                predicate &= column.is_in(value).fill_null(False)
        return predicate


def _short(text: str, limit: int) -> str:
    text = _PARENTHESES.sub("", text).strip() or text.strip()  # "（排序）", "(ranked)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_range(key: str, value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping) or not value or set(value) - {"min", "max"}:
        raise SegmentError(f"segment filter {key!r} must be {{min: N, max: N}}, not {value!r}")
    bounds: dict[str, float] = {}
    for side in ("min", "max"):
        bound = value.get(side)
        if bound is None:
            continue
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise SegmentError(f"segment filter {key}.{side} must be a number, not {bound!r}")
        bounds[side] = bound
    return bounds


# -- dimensions and population ---------------------------------------------------------------------
def survey_dimensions(
    questionnaire_id: str, questions: pl.DataFrame, options: pl.DataFrame
) -> SurveyDimensions:
    """The dimensions of a questionnaire from its questions (warehouse/queries/
    survey_questions.sql: question_id, position, question_type, text_zh, text_en, is_pii,
    semantic) and options (survey_options.sql: question_id, item_key, label_zh, label_en)."""
    labels: dict[str, list[tuple[str, str, str]]] = {}
    for r in options.to_dicts():
        labels.setdefault(r["question_id"], []).append(
            (r["item_key"], r["label_zh"] or "", r["label_en"] or "")
        )
    found = []
    for r in questions.sort("position").to_dicts():
        qtype, semantic = r["question_type"], r["semantic"]
        kind_of = semantic if qtype == "single" and semantic in DEMOGRAPHIC else qtype
        is_demographic = kind_of in DEMOGRAPHIC
        if r["is_pii"] or not (
            is_demographic or kind_of in CHOICE_TYPES or kind_of in NUMBER_TYPES
        ):
            continue
        qid = r["question_id"]
        kind: Kind = (
            "multi" if kind_of == "multi" else "number" if kind_of in NUMBER_TYPES else "single"
        )
        found.append(
            SurveyDimension(
                name=qid,
                column=f"q_{qid}" if qid in BASE_COLUMNS else qid,
                kind=kind,
                question_type=kind_of,
                text_zh=r["text_zh"] or "",
                text_en=r["text_en"] or "",
                is_demographic=is_demographic,
                options=tuple(labels.get(qid, ())),
            )
        )
    found.sort(key=lambda d: not d.is_demographic)  # stable: questionnaire order within each
    return SurveyDimensions(questionnaire_id, tuple(found))


def survey_population(
    respondents: pl.DataFrame, answers: pl.DataFrame, dims: SurveyDimensions
) -> pl.DataFrame:
    """One row per current response: the base columns and one column per dimension.

    `respondents` (segment_survey_respondents.sql) carries the normalised age band, gender,
    role, city and country of each response; `answers` (survey_answers.sql, every wave) the
    answer facts (question_id, item_key, answer_text, answer_number, answer_rank).
    """
    pop = respondents.select(*BASE_COLUMNS)
    for dim in dims.dimensions:
        values = _dimension_values(respondents, answers, dim)
        pop = pop.join(values, on="response_id", how="left")
        if dim.kind == "multi":
            pop = pop.with_columns(pl.col(dim.column).fill_null(pl.lit([], pl.List(pl.String))))
    return pop.sort("edition_year", "participant_id", "response_id")


def _dimension_values(
    respondents: pl.DataFrame, answers: pl.DataFrame, dim: SurveyDimension
) -> pl.DataFrame:
    """`response_id, <column>` of one dimension (a list of keys for a multi-select)."""
    column = dim.column
    if dim.question_type in NORMALISED:
        return respondents.select(
            "response_id", pl.col(NORMALISED[dim.question_type]).alias(column)
        )
    if dim.question_type == "city":
        return respondents.select("response_id", pl.col("city_zh").alias(column))
    mine = answers.filter(pl.col("question_id") == dim.name)
    if dim.kind == "multi":
        return (
            mine.filter(pl.col("item_key") != "")
            .group_by("response_id")
            .agg(pl.col("item_key").unique().sort().alias(column))
        )
    if dim.kind == "number":
        return mine.group_by("response_id").agg(pl.col("answer_number").max().alias(column))
    if dim.question_type == "ranking":
        first = mine.filter(pl.col("answer_rank") == 1)
        return first.group_by("response_id").agg(pl.col("item_key").first().alias(column))
    if dim.question_type == "country":
        codes = [normalise_country(v).code for v in mine["answer_text"].to_list()]
        found = mine.select("response_id").with_columns(pl.Series(column, codes, dtype=pl.String))
        if found.is_empty():  # the load put the country on the response
            found = respondents.select("response_id", pl.col("country_code").alias(column))
        return found.drop_nulls(column).unique("response_id", keep="last", maintain_order=True)
    key = pl.when(pl.col("item_key") != "").then("item_key").otherwise("answer_text")
    return (
        mine.select("response_id", key.alias(column))
        .drop_nulls(column)
        .unique("response_id", keep="last", maintain_order=True)
    )


def load_survey_dimensions(source: Source, questionnaire_id: str) -> SurveyDimensions:
    """The stored questionnaire's dimensions (its latest version)."""
    return survey_dimensions(
        questionnaire_id,
        run_query(source, "survey_questions", questionnaire_id=questionnaire_id),
        run_query(source, "survey_options", questionnaire_id=questionnaire_id),
    )


def load_survey_population(source: Source, dims: SurveyDimensions) -> pl.DataFrame:
    """The survey population of every wave of a questionnaire."""
    params = {"questionnaire_id": dims.questionnaire_id}
    return survey_population(
        run_query(source, "segment_survey_respondents", **params),
        run_query(source, "survey_answers", **params, edition_year=None),
        dims,
    )


# -- which survey ----------------------------------------------------------------------------------
def survey_candidates(source: Source) -> pl.DataFrame:
    """Surveys with responses: questionnaire_id, title_zh, title_en, count_participants."""
    waves = run_query(source, "survey_waves")
    return (
        waves.group_by("questionnaire_id", "title_zh", "title_en")
        .agg(pl.col("count_participants").sum())
        .sort(["count_participants", "questionnaire_id"], descending=[True, False])
    )


def resolve_survey(source: Source, requested: str | None) -> str:
    """The survey to segment: the one asked for, else the gala's if it has responses, else the
    only survey; otherwise a SegmentError naming the candidates."""
    candidates = survey_candidates(source)["questionnaire_id"].to_list()
    if requested is not None:
        if requested not in candidates:
            names = ", ".join(candidates) or "none (nothing is loaded)"
            raise SegmentError(f"no survey {requested!r} with responses; surveys: {names}")
        return requested
    if gala_id() in candidates:
        return gala_id()
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise SegmentError("the warehouse has no survey responses to segment")
    raise SegmentError(
        f"the warehouse holds {len(candidates)} surveys and none is the gala's; name one with "
        f"--survey: {', '.join(candidates)}"
    )


# -- clustering features ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FeatureChoice:
    """The features a clustering run uses, and those it cannot use with the reason."""

    config: ClusteringConfig  # features narrowed to the usable ones
    unused: tuple[tuple[str, str], ...]  # (feature, reason)

    def unused_records(self) -> list[dict[str, str]]:
        """The unusable features as JSON records (segment_run.params.features_unused)."""
        return [{"feature": f, "reason": r} for f, r in self.unused]


def usable_features(profiles: pl.DataFrame, config: ClusteringConfig) -> FeatureChoice:
    """Narrow the config's features to those the profiles can give; say why for the others.

    A feature is unusable when its column is missing (not a question of this survey) or nobody
    answered it (all null, or every multi-select list empty).
    """
    unused: list[tuple[str, str]] = []

    def keep(names: Sequence[str], *, multi: bool = False) -> tuple[str, ...]:
        kept = []
        for name in names:
            reason = _unusable(profiles, name, multi=multi)
            if reason is None:
                kept.append(name)
            else:
                unused.append((name, reason))
        return tuple(kept)

    narrowed = dataclasses.replace(
        config,
        categorical=keep(config.categorical),
        numeric=keep(config.numeric),
        multi=keep(config.multi, multi=True),
    )
    return FeatureChoice(narrowed, tuple(unused))


def _unusable(profiles: pl.DataFrame, name: str, *, multi: bool) -> str | None:
    if name not in profiles.columns:
        return "not a question of this survey"
    column = profiles[name]
    if isinstance(column.dtype, pl.List):
        if column.list.len().fill_null(0).sum() == 0:
            return "nobody answered it"
        return None
    if multi:
        return "not a multi-select question"
    if column.null_count() == column.len():
        return "nobody answered it"
    return None


def survey_feature_overrides(path: Path | str | None = None) -> dict[str, list[str]]:
    """questionnaire id -> the clustering features configured for it (clustering.yaml's
    `surveys: {ID: {features: [question ids]}}`); surveys not listed use the defaults."""
    return dict(_overrides(str(path or DEFAULT_CONFIG)))


@cache
def _overrides(path: str) -> tuple[tuple[str, list[str]], ...]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SegmentError(f"{path}: cannot read the clustering config ({exc})") from exc
    surveys = data.get("surveys") or {}
    if not isinstance(surveys, Mapping):
        raise SegmentError(f"{path}: surveys must map questionnaire ids to their features")
    out = []
    for qid, entry in surveys.items():
        features = (entry or {}).get("features") if isinstance(entry, Mapping) else None
        if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
            raise SegmentError(f"{path}: surveys.{qid}.features must be a list of question ids")
        out.append((str(qid), list(features)))
    return tuple(out)


def survey_features(
    profiles: pl.DataFrame,
    dims: SurveyDimensions,
    base: ClusteringConfig,
    features: Sequence[str] | None = None,
) -> FeatureChoice:
    """The clustering config of a survey: `features` (default: its demographic and choice
    questions) sorted by kind, each checked; too many categories or free text are reported."""
    names = list(features) if features is not None else list(dims.default_features())
    categorical: list[str] = []
    numeric: list[str] = []
    multi: list[str] = []
    unused: list[tuple[str, str]] = []
    for name in names:
        dim = dims.by_name.get(name)
        if dim is None:
            unused.append(
                (name, "not a charted question of this survey (text, contact or unknown)")
            )
        elif dim.kind == "multi":
            multi.append(dim.column)
        elif dim.kind == "number":
            numeric.append(dim.column)
        else:
            distinct = profiles[dim.column].drop_nulls().n_unique() if dim.column in profiles else 0
            if distinct > MAX_FEATURE_CATEGORIES:
                unused.append(
                    (name, f"{distinct} distinct answers: too many for a clustering feature")
                )
            else:
                categorical.append(dim.column)
    first, fill = dims.describe_dimensions()
    config = dataclasses.replace(
        base,
        categorical=tuple(categorical),
        numeric=tuple(numeric),
        multi=tuple(multi),
        describe_dimensions=first,
        describe_fill_dimensions=fill,
    )
    choice = usable_features(profiles, config)
    return FeatureChoice(choice.config, (*unused, *choice.unused))


# -- rule segments ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveySegmentProfile:
    """A rule segment of another survey: its summary and the lift of every category."""

    summary: dict[str, Any]  # is_empty, size, count_participants, population, share, ...
    lift: pl.DataFrame  # dimension, value, label_zh, label_en, count, share_in_segment, ...


def survey_profile(
    pop: pl.DataFrame,
    dims: SurveyDimensions,
    filters: Mapping[str, Any],
    *,
    k: int | None = DEFAULT_K,
) -> SurveySegmentProfile:
    """Size, share and per-category lift of the responses matching `filters` (all waves).

    size = responses matching; count_participants = distinct people; share = size / all
    responses; lift = share within the segment / share overall, per category of every
    single-choice and multi-select dimension (a person counts once under each option chosen).
    Aggregates of fewer than k people are suppressed (k=None: nothing hidden).
    """
    filters = dims.parse_filters(filters)
    pop = pop.with_columns(in_segment=dims.filter_expr(filters))
    segment = pop.filter(pl.col("in_segment"))
    size, total = segment.height, pop.height
    summary_frame = suppress_small_cells(
        pl.DataFrame(
            [
                {
                    "is_empty": size == 0,
                    "size": size,
                    "count_participants": segment["participant_id"].n_unique(),
                    "population": total,
                    "share": size / total if total else None,
                }
            ],
            schema={
                "is_empty": pl.Boolean,
                "size": pl.Int64,
                "count_participants": pl.Int64,
                "population": pl.Int64,
                "share": pl.Float64,
            },
        ),
        "size",
        k=k,
        value_columns=["count_participants", "share"],
    )
    parts = []
    for dim in dims.dimensions:
        if dim.kind == "number" or size == 0:
            continue
        frame = pop.select("in_segment", pl.col(dim.column).alias("value"))
        if isinstance(frame.schema["value"], pl.List):
            frame = frame.with_columns(pl.col("value").list.unique()).explode("value")
        table = (
            frame.group_by("value")
            .agg(
                pl.col("in_segment").sum().cast(pl.Int64).alias("count"),
                pl.len().cast(pl.Int64).alias("count_overall"),
            )
            .sort("count_overall", "value", descending=[True, False], nulls_last=True)
        )
        labels = [dim.label(v) for v in table["value"].to_list()]
        parts.append(
            table.select(
                pl.lit(dim.name).alias("dimension"),
                pl.col("value").cast(pl.String),
                pl.Series("label_zh", [zh for zh, _ in labels], dtype=pl.String),
                pl.Series("label_en", [en for _, en in labels], dtype=pl.String),
                "count",
                pl.lit(size, dtype=pl.Int64).alias("size"),
                "count_overall",
                pl.lit(total, dtype=pl.Int64).alias("population"),
            )
            .with_columns(
                share_in_segment=pl.col("count") / pl.col("size"),
                share_overall=pl.col("count_overall") / pl.col("population"),
            )
            .with_columns(lift=pl.col("share_in_segment") / pl.col("share_overall"))
        )
    lift = pl.concat(parts) if parts else pl.DataFrame(schema=_LIFT_SCHEMA)
    if k is not None:
        lift = lift.with_columns(
            [
                pl.when(pl.col("count_overall") < k).then(None).otherwise(pl.col(c)).alias(c)
                for c in ("share_overall", "count_overall")
            ]
        )
    lift = suppress_small_cells(lift, "count", k=k, value_columns=["share_in_segment", "lift"])
    return SurveySegmentProfile(summary_frame.row(0, named=True), lift)


_LIFT_SCHEMA: dict[str, pl.DataType] = {
    "dimension": pl.String(),
    "value": pl.String(),
    "label_zh": pl.String(),
    "label_en": pl.String(),
    "count": pl.Int64(),
    "size": pl.Int64(),
    "count_overall": pl.Int64(),
    "population": pl.Int64(),
    "share_in_segment": pl.Float64(),
    "share_overall": pl.Float64(),
    "lift": pl.Float64(),
}
