"""Rule segments: named filters over the segment population, their profile, lift and crosstabs.

The population is one row per current survey response (a participant in an edition, the grain of
`mart_survey_response`), read by the named query `segment_population` with the outcome measures
beside the profile. A segment is a set of filters (all must hold; within one filter any listed
value matches):

| key | values | matches |
|---|---|---|
| `edition` | years | `edition_year` |
| `age_band`, `age_band_coarse`, `gender`, `role`, `city_tier`, `hours_per_week`, `income` | option keys | that column |
| `city` | any spelling the city normaliser maps (上海, Shanghai, 沪) | `city_zh` |
| `province` | 浙江, 浙江省, Zhejiang | `province_zh` |
| `experience_months` | `{min: 12, max: 36}` (inclusive, either optional) | the number answered |
| `tools`, `motivations` | option keys | has ANY of them |

Definitions (DESIGN section 5): **lift** = share of a segment within a group / its share overall.
The profile's lift table reads it per category ("within the segment, 80% use Kling, against 62%
overall: lift 1.29"), against the whole population and against each edition's population; the
by-edition table reads it per edition (the segment's share of edition E / its share overall).
Any aggregate of fewer than k people is suppressed with `warehouse.privacy.suppress_small_cells`
(k=None: the organizer's view, nothing hidden).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

import polars as pl

from survey.normalise import normalise_city
from survey.normalise._common import read_data_csv
from survey.segments._warehouse import Source, run_query
from survey.segments.dimensions import (
    PROFILE_DIMENSIONS,
    dimension,
    gala_id,
    known_values,
    label_columns,
    with_derived,
)
from survey.segments.errors import SegmentError
from warehouse.privacy import DEFAULT_K, suppress_small_cells

# Filter key -> how its values are checked and matched.
FILTER_KINDS: dict[str, str] = {
    "edition": "edition",
    "age_band": "coded",
    "age_band_coarse": "coded",
    "gender": "coded",
    "role": "coded",
    "city": "city",
    "province": "province",
    "city_tier": "coded",
    "experience_months": "range",
    "hours_per_week": "coded",
    "income": "coded",
    "tools": "any",
    "motivations": "any",
}
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# ---------------------------------------------------------------------------------------------
# Filters


def parse_filters(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check filters and return them in canonical form (fixed key order, lists, canonical names).

    Unknown keys, unknown option keys, cities the normaliser cannot map and bad ranges raise a
    SegmentError naming the key and the value. No filters = the whole population.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise SegmentError(f"segment filters must be a mapping of key to values, not {raw!r}")
    unknown = sorted(set(raw) - FILTER_KINDS.keys())
    if unknown:
        raise SegmentError(
            f"unknown segment filter {unknown[0]!r}; use one of {', '.join(FILTER_KINDS)}"
        )
    canonical: dict[str, Any] = {}
    for key, kind in FILTER_KINDS.items():
        if key not in raw:
            continue
        value = raw[key]
        if kind == "range":
            canonical[key] = _parse_range(key, value)
            continue
        values = list(value) if isinstance(value, list | tuple) else [value]
        if not values:
            raise SegmentError(f"segment filter {key!r} lists no values")
        parsed: list[Any] = []
        for item in values:
            one = _parse_value(key, kind, item)
            if one not in parsed:
                parsed.append(one)
        canonical[key] = parsed
    return canonical


def _parse_range(key: str, value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping) or not value or set(value) - {"min", "max"}:
        raise SegmentError(f"segment filter {key!r} must be {{min: N, max: N}}, not {value!r}")
    bounds: dict[str, float] = {}
    for side in ("min", "max"):
        if side in value and value[side] is not None:
            bound = value[side]
            if isinstance(bound, bool) or not isinstance(bound, int | float):
                raise SegmentError(f"segment filter {key}.{side} must be a number, not {bound!r}")
            bounds[side] = bound
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        raise SegmentError(f"segment filter {key!r}: min {bounds['min']} > max {bounds['max']}")
    return bounds


def _parse_value(key: str, kind: str, item: Any) -> Any:
    if kind == "edition":
        if isinstance(item, bool) or not str(item).strip().isdigit():
            raise SegmentError(f"segment filter 'edition': {item!r} is not a year")
        return int(str(item).strip())
    text = str(item).strip()
    if kind in {"coded", "any"}:
        vocabulary = known_values(key) or ()
        if text not in vocabulary:
            raise SegmentError(
                f"segment filter {key!r}: unknown value {item!r}; use one of {', '.join(vocabulary)}"
            )
        return text
    if kind == "city":
        result = normalise_city(text)
        if result.status != "mapped" or not result.city_zh:
            raise SegmentError(f"segment filter 'city': {item!r} is not a city we can map")
        return result.city_zh
    province = _provinces().get(_key(text))
    if province is None:
        raise SegmentError(f"segment filter 'province': {item!r} is not a province")
    return province


def _key(text: str) -> str:
    return text.casefold().replace(" ", "")


@cache
def _provinces() -> dict[str, str]:
    index: dict[str, str] = {}
    for row in read_data_csv("provinces_cn.csv"):
        for name in (row["province_zh"], row["province_full_zh"], row["province_en"]):
            index[_key(name)] = row["province_zh"]
    return index


def filter_expr(filters: Mapping[str, Any]) -> pl.Expr:
    """The Polars predicate of canonical filters over the population (all filters must hold)."""
    predicate = pl.lit(True)
    for key, value in filters.items():
        kind = FILTER_KINDS[key]
        column = pl.col(dimension(key).column)
        if kind == "range":
            if "min" in value:
                predicate &= column >= value["min"]
            if "max" in value:
                predicate &= column <= value["max"]
            predicate &= column.is_not_null()
        elif kind == "any":
            predicate &= pl.any_horizontal([column.list.contains(pl.lit(v)) for v in value])
        else:
            predicate &= column.is_in(value).fill_null(False)
    return predicate


# ---------------------------------------------------------------------------------------------
# Definitions


@dataclass(frozen=True)
class SegmentDefinition:
    """A named rule segment: slug name, zh/en labels and canonical filters."""

    name: str
    label_zh: str
    label_en: str
    filters: dict[str, Any]
    source: str = "user"

    @classmethod
    def create(
        cls,
        name: str,
        filters: Mapping[str, Any] | None,
        *,
        label_zh: str | None = None,
        label_en: str | None = None,
        source: str = "user",
    ) -> SegmentDefinition:
        """Check the name and filters; labels default to the name."""
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise SegmentError(
                f"segment name {name!r} must be lower-case letters, digits and single hyphens"
            )
        return cls(name, label_zh or name, label_en or name, parse_filters(filters), source)

    @property
    def filters_json(self) -> str:
        """The filters as the JSON stored in `segment_definition.filters`."""
        return json.dumps(self.filters, ensure_ascii=False)


def segment_definitions(source: Source) -> pl.DataFrame:
    """Every stored segment definition (segment_name, labels, filters JSON, source, times)."""
    return run_query(source, "segment_definitions")


def get_definition(source: Source, name: str) -> SegmentDefinition:
    """The stored definition called `name`, or a SegmentError listing the stored names."""
    stored = segment_definitions(source)
    rows = stored.filter(pl.col("segment_name") == name).to_dicts()
    if not rows:
        names = ", ".join(stored["segment_name"].to_list()) or "none (store the defaults first)"
        raise SegmentError(f"unknown segment {name!r}; stored segments: {names}")
    row = rows[0]
    return SegmentDefinition(
        row["segment_name"],
        row["label_zh"],
        row["label_en"],
        parse_filters(json.loads(row["filters"])),
        row["source"],
    )


def resolve_segment(
    source: Source | None, segment: str | Mapping[str, Any] | SegmentDefinition
) -> SegmentDefinition | None:
    """A definition for a stored name, a SegmentDefinition as is, or None for bare filters."""
    if isinstance(segment, SegmentDefinition):
        return segment
    if isinstance(segment, str):
        if source is None:
            raise SegmentError(f"segment {segment!r} is a name: it needs a warehouse reader")
        return get_definition(source, segment)
    return None


# ---------------------------------------------------------------------------------------------
# Population and lift


def population(source: Source) -> pl.DataFrame:
    """The segment population: one row per current response, with derived dimensions.

    When the gala's questionnaire has responses, only those: another survey's respondents have
    none of the gala's questions (they have their own page, `survey.segments.surveys`)."""
    return with_derived(only_gala(run_query(source, "segment_population")))


def only_gala(pop: pl.DataFrame) -> pl.DataFrame:
    """The gala's responses of a population frame, when it has any (else the frame as is)."""
    if "questionnaire_id" not in pop.columns:
        return pop
    is_gala = pl.col("questionnaire_id") == gala_id()
    return pop.filter(is_gala) if pop.select(is_gala.any()).item() else pop


def programs(source: Source) -> pl.DataFrame:
    """Programs x creators with the programs' platform totals (views, engagements)."""
    return run_query(source, "segment_programs")


def lift_table(frame: pl.DataFrame, group: str, value: str) -> pl.DataFrame:
    """Counts, shares and lift of every value within every group, one row per (group, value).

    `frame` has one row per person; `group` and `value` are columns, each a scalar or a list
    (multi-select: a person counts once under each listed item; an empty list counts nowhere).
    share_in_group = count / group_total; share_overall = value_total / total (total = people);
    lift = share_in_group / share_overall. Every (group, value) pair seen is listed, zeros too.
    """
    g, v = "__group", "__value"
    base = frame.select(pl.col(group).alias(g), pl.col(value).alias(v))
    for name in (g, v):
        if isinstance(base.schema[name], pl.List):
            base = base.with_columns(pl.col(name).list.unique(maintain_order=True))
    total = base.height

    def long(*names: str) -> pl.DataFrame:
        out = base.select(names)
        for name in names:
            if isinstance(out.schema[name], pl.List):
                out = out.explode(name)
        return out

    group_totals = long(g).group_by(g).agg(pl.len().cast(pl.Int64).alias("group_total"))
    value_totals = long(v).group_by(v).agg(pl.len().cast(pl.Int64).alias("value_total"))
    counts = long(g, v).group_by(g, v).agg(pl.len().cast(pl.Int64).alias("count"))
    grid = group_totals.join(value_totals, how="cross").join(
        counts, on=[g, v], how="left", nulls_equal=True
    )
    return (
        grid.select(
            pl.col(g).alias("group"),
            pl.col(v).alias("value"),
            pl.col("count").fill_null(0),
            "group_total",
            "value_total",
            pl.lit(total, dtype=pl.Int64).alias("total"),
        )
        .with_columns(
            share_in_group=pl.col("count") / pl.col("group_total"),
            share_overall=pl.col("value_total") / pl.col("total"),
        )
        .with_columns(lift=pl.col("share_in_group") / pl.col("share_overall"))
    )


def _as_text(frame: pl.DataFrame, column: str) -> pl.Expr:
    dtype = frame.schema[column]
    if isinstance(dtype, pl.List):
        return pl.col(column).cast(pl.List(pl.String))
    return pl.col(column).cast(pl.String)


# ---------------------------------------------------------------------------------------------
# Outcomes


OUTCOME_COLUMNS: dict[str, pl.DataType] = {
    "satisfaction_mean": pl.Float64(),
    "count_satisfaction": pl.Int64(),
    "will_return_share": pl.Float64(),
    "count_will_return": pl.Int64(),
    "return_rate": pl.Float64(),
    "count_return_eligible": pl.Int64(),
    "works_after_gala_mean": pl.Float64(),
    "publishing_share": pl.Float64(),
    "count_activity_known": pl.Int64(),
    "count_programs": pl.Int64(),
    "count_program_creators": pl.Int64(),
    "plays": pl.Int64(),
    "engagements": pl.Int64(),
    "engagement_rate": pl.Float64(),
}
# measure columns -> the count of people they rest on (suppressed together below k)
_OUTCOME_BASES = {
    "count_satisfaction": ("satisfaction_mean", "count_satisfaction"),
    "count_will_return": ("will_return_share", "count_will_return"),
    "count_return_eligible": ("return_rate", "count_return_eligible"),
    "count_activity_known": ("works_after_gala_mean", "publishing_share", "count_activity_known"),
    "count_program_creators": (
        "count_programs",
        "count_program_creators",
        "plays",
        "engagements",
        "engagement_rate",
    ),
}

# The counts of outcome_measures: 0 for nobody (hidden under k like the measures they carry).
OUTCOME_COUNTS = (*_OUTCOME_BASES, "count_programs")


def outcome_measures(
    responses: pl.DataFrame, program_frame: pl.DataFrame | None, *, k: int | None = DEFAULT_K
) -> dict[str, Any]:
    """Outcome measures of a set of responses (population rows), each null where no data exists.

    satisfaction mean (0-10); will_return share answering "yes"; return rate = share of the
    responses of edition E whose participant took part in E+1 (roster, only editions whose E+1
    is in the roster); works published after the response's gala (mean per response and share
    with at least one); and the programs the people made in that edition: plays (views) and
    engagement rate = (likes+comments+shares+favorites+coins+danmaku) / views. A measure resting
    on fewer than k people is null, with its count.
    """
    group = "__outcome_group"
    one = responses.with_columns(pl.lit(0).alias(group))
    grouped = outcome_frame(one, program_frame, by=group, k=k)
    if not grouped.is_empty():
        return grouped.drop(group).row(0, named=True)
    # nobody: every count 0 (hidden like any count under k), every measure null
    out: dict[str, Any] = dict.fromkeys(OUTCOME_COLUMNS)
    out.update(dict.fromkeys(OUTCOME_COUNTS, 0))
    if k is not None:
        for base, columns in _OUTCOME_BASES.items():
            if out[base] < k:
                out.update(dict.fromkeys(columns))
    return out


def outcome_frame(
    responses: pl.DataFrame,
    program_frame: pl.DataFrame | None,
    *,
    by: str,
    k: int | None = DEFAULT_K,
) -> pl.DataFrame:
    """`outcome_measures` of each group of responses (`by`: a column of `responses`), one row
    per group present: [by, *OUTCOME_COLUMNS], computed in one pass instead of once per group."""
    measures = responses.group_by(by).agg(
        pl.col("satisfaction").count().cast(pl.Int64).alias("count_satisfaction"),
        pl.col("satisfaction").mean().alias("satisfaction_mean"),
        pl.col("will_return").count().cast(pl.Int64).alias("count_will_return"),
        (pl.col("will_return") == "yes").mean().alias("will_return_share"),
        pl.col("returned_next").count().cast(pl.Int64).alias("count_return_eligible"),
        pl.col("returned_next").cast(pl.Float64).mean().alias("return_rate"),
        pl.col("works_after_gala").count().cast(pl.Int64).alias("count_activity_known"),
        pl.col("works_after_gala").mean().alias("works_after_gala_mean"),
        (pl.col("works_after_gala") > 0).mean().alias("publishing_share"),
    )
    if program_frame is not None:
        people = responses.select(by, "participant_id", "edition_year").unique()
        made = program_frame.join(people, on=["participant_id", "edition_year"], how="inner")
        creators = made.group_by(by).agg(
            pl.struct("participant_id", "edition_year")
            .n_unique()
            .cast(pl.Int64)
            .alias("count_program_creators")
        )
        per_program = (
            made.unique([by, "program_id"])
            .group_by(by)
            .agg(
                pl.len().cast(pl.Int64).alias("count_programs"),
                pl.col("views").count().alias("_with_views"),
                pl.col("views").sum().cast(pl.Int64).alias("plays"),
                pl.col("engagements").sum().cast(pl.Int64).alias("engagements"),
            )
            .with_columns(
                # no play figure at all: plays and engagements unknown, not zero
                [
                    pl.when(pl.col("_with_views") > 0).then(pl.col(c)).alias(c)
                    for c in ("plays", "engagements")
                ]
            )
            .drop("_with_views")
        )
        measures = measures.join(creators, on=by, how="left").join(per_program, on=by, how="left")
    else:
        measures = measures.with_columns(
            pl.lit(None, dtype=pl.Int64).alias(c)
            for c in ("count_program_creators", "count_programs", "plays", "engagements")
        )
    measures = measures.with_columns(
        pl.col("count_program_creators", "count_programs").fill_null(0),
        pl.when(pl.col("plays") > 0)
        .then(pl.col("engagements") / pl.col("plays"))
        .alias("engagement_rate"),
    )
    if k is not None:
        measures = measures.with_columns(
            pl.when(pl.col(base) < k).then(None).otherwise(pl.col(column)).alias(column)
            for base, columns in _OUTCOME_BASES.items()
            for column in columns
        )
    return measures.select(by, *[pl.col(c).cast(d) for c, d in OUTCOME_COLUMNS.items()])


# ---------------------------------------------------------------------------------------------
# Segment profile


@dataclass(frozen=True)
class SegmentProfile:
    """A segment's profile: one summary row, the segment per edition, and its lift table."""

    summary: pl.DataFrame
    by_edition: pl.DataFrame
    lift: pl.DataFrame
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when nobody matches the filters."""
        return bool(self.summary["is_empty"][0])

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "summary": self.summary.to_dicts()[0],
            "by_edition": self.by_edition.to_dicts(),
            "lift": self.lift.to_dicts(),
            "filters": self.filters,
        }


_SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "segment": pl.String(),
    "label_zh": pl.String(),
    "label_en": pl.String(),
    "filters": pl.String(),
    "is_empty": pl.Boolean(),
    "size": pl.Int64(),
    "count_participants": pl.Int64(),
    "population": pl.Int64(),
    "share": pl.Float64(),
    **OUTCOME_COLUMNS,
}


def segment_profile(
    reader: Source,
    segment: str | Mapping[str, Any] | SegmentDefinition,
    *,
    k: int | None = DEFAULT_K,
) -> SegmentProfile:
    """Profile of a stored segment (by name) or of bare filters, from the warehouse.

    size = responses matching (a participant counts once per edition), count_participants =
    distinct people; share = size / population; by_edition and lift as in the module doc;
    outcome measures as in `outcome_measures`. Nobody matching gives zeros/nulls and
    is_empty = true, never an error. Aggregates of fewer than k people are suppressed.
    """
    definition = resolve_segment(reader, segment)
    if definition is not None:
        filters = definition.filters
    else:
        filters = parse_filters(cast(Mapping[str, Any], segment))
    return profile_from_frames(
        population(reader), programs(reader), filters, definition=definition, k=k
    )


def profile_from_frames(
    pop: pl.DataFrame,
    program_frame: pl.DataFrame | None,
    filters: Mapping[str, Any],
    *,
    definition: SegmentDefinition | None = None,
    k: int | None = DEFAULT_K,
    lift_by_edition: bool = True,
) -> SegmentProfile:
    """`segment_profile` over frames already read (the population and the program totals).

    `lift_by_edition` False: the lift against all editions only (a caller that shows no other
    skips three quarters of the lift's work)."""
    filters = parse_filters(filters)
    pop = with_derived(pop).with_columns(in_segment=filter_expr(filters))
    seg = pop.filter(pl.col("in_segment"))
    size, total = seg.height, pop.height
    share = size / total if total else None
    summary: dict[str, Any] = {
        "segment": definition.name if definition else None,
        "label_zh": definition.label_zh if definition else None,
        "label_en": definition.label_en if definition else None,
        "filters": json.dumps(filters, ensure_ascii=False),
        "is_empty": size == 0,
        "size": size,
        "count_participants": seg["participant_id"].n_unique(),
        "population": total,
        "share": share,
    }
    summary |= outcome_measures(seg, program_frame, k=k)
    summary_frame = pl.DataFrame([summary], schema=_SUMMARY_SCHEMA)
    derived = ["count_participants", "share", *OUTCOME_COLUMNS]
    summary_frame = suppress_small_cells(summary_frame, "size", k=k, value_columns=derived)

    by_edition = (
        pop.group_by("edition_year")
        .agg(
            pl.len().cast(pl.Int64).alias("population"),
            pl.col("in_segment").sum().cast(pl.Int64).alias("size"),
        )
        .sort("edition_year")
        .with_columns(share=pl.col("size") / pl.col("population"))
        .with_columns(lift=pl.col("share") / share if share else pl.lit(None, dtype=pl.Float64))
    )
    by_edition = suppress_small_cells(by_edition, "size", k=k, value_columns=["share", "lift"])
    lift = _profile_lift(pop, k=k, by_edition=lift_by_edition)
    return SegmentProfile(summary_frame, by_edition, lift, filters)


_LIFT_SCHEMA: dict[str, pl.DataType] = {
    "edition_year": pl.Int32(),
    "dimension": pl.String(),
    "value": pl.String(),
    "label_zh": pl.String(),
    "label_en": pl.String(),
    "count": pl.Int64(),
    "size": pl.Int64(),
    "share_in_segment": pl.Float64(),
    "count_overall": pl.Int64(),
    "population": pl.Int64(),
    "share_overall": pl.Float64(),
    "lift": pl.Float64(),
}


def _profile_lift(pop: pl.DataFrame, *, k: int | None, by_edition: bool = True) -> pl.DataFrame:
    """Lift of each category within the segment, against all editions (edition_year null) and
    (`by_edition`) against each edition's population."""
    scopes: list[tuple[int | None, pl.DataFrame]] = [(None, pop)]
    if by_edition:
        scopes += [
            (year, pop.filter(pl.col("edition_year") == year))
            for year in sorted(pop["edition_year"].unique().to_list())
        ]
    # Every (scope, dimension) count is planned first and computed in one collect_all, so the
    # aggregations run side by side (each is a pass over the scope's 100k rows at full scale).
    planned: list[tuple[int | None, str, int, int]] = []
    plans: list[pl.LazyFrame] = []
    for year, scope in scopes:
        size = int(scope["in_segment"].fill_null(False).sum())
        if size == 0:
            continue  # no one of the segment in this scope: no lift to read
        for name in PROFILE_DIMENSIONS:
            column = dimension(name).column
            if column not in scope.columns:
                continue
            frame = scope.lazy().select("in_segment", _as_text(scope, column).alias("value"))
            if isinstance(scope.schema[column], pl.List):
                # a person counts once under each item chosen, as in lift_table
                frame = frame.with_columns(pl.col("value").list.unique(maintain_order=True))
                frame = frame.explode("value")
            # lift_table(frame, "in_segment", "value") restricted to the segment's group, in one
            # aggregation: every value seen in the scope, with its count inside the segment.
            plans.append(
                frame.group_by("value").agg(
                    pl.col("in_segment").fill_null(False).sum().cast(pl.Int64).alias("count"),
                    pl.len().cast(pl.Int64).alias("count_overall"),
                )
            )
            planned.append((year, name, size, scope.height))
    parts = [
        # Sizes as real columns: Polars divides by a scalar as a multiplication by its
        # reciprocal, which can be one ulp off the quotient.
        label_columns(table, name, "value", "label").with_columns(
            pl.lit(part, dtype=pl.Int32).alias("part"),
            pl.lit(year, dtype=pl.Int32).alias("edition_year"),
            pl.lit(name).alias("dimension"),
            pl.lit(size, dtype=pl.Int64).alias("size"),
            pl.lit(population, dtype=pl.Int64).alias("population"),
        )
        for part, ((year, name, size, population), table) in enumerate(
            zip(planned, pl.collect_all(plans), strict=True)
        )
        if not table.is_empty()
    ]
    lift = (
        pl.concat(parts)
        .with_columns(
            share_in_segment=pl.col("count") / pl.col("size"),
            share_overall=pl.col("count_overall") / pl.col("population"),
        )
        .with_columns(lift=pl.col("share_in_segment") / pl.col("share_overall"))
        # Scope by scope and dimension by dimension, as planned; the highest lift first in each.
        .sort(
            "part", "lift", "count", "value", descending=[False, True, True, False], nulls_last=True
        )
        .select(list(_LIFT_SCHEMA))
        if parts
        else pl.DataFrame(schema=_LIFT_SCHEMA)
    )
    if k is not None:
        small_overall = pl.col("count_overall") < k
        lift = lift.with_columns(
            [
                pl.when(small_overall).then(None).otherwise(pl.col(c)).alias(c)
                for c in ("share_overall", "count_overall")
            ]
        )
    return suppress_small_cells(lift, "count", k=k, value_columns=["share_in_segment", "lift"])


# ---------------------------------------------------------------------------------------------
# Crosstab


def crosstab(
    reader: Source,
    rows: str,
    cols: str,
    *,
    edition: int | list[int] | None = None,
    k: int | None = DEFAULT_K,
) -> pl.DataFrame:
    """Counts, shares and lift of `rows` x `cols` (any two dimensions), small cells marked."""
    return crosstab_from_frame(population(reader), rows, cols, edition=edition, k=k)


def crosstab_from_frame(
    pop: pl.DataFrame,
    rows: str,
    cols: str,
    *,
    edition: int | list[int] | None = None,
    k: int | None = DEFAULT_K,
) -> pl.DataFrame:
    """`crosstab` over a population frame already read.

    One row per (row value, column value) seen, zeros included: count, row_total, col_total,
    total (people), share_of_row = count / row_total, share_of_col = count / col_total,
    share_of_total = count / total, lift = share_of_row / (col_total / total). Cells of fewer
    than k people get is_suppressed, count_label "<k" and null count, shares and lift.
    A multi-select dimension (tools, motivations) counts a person under each item chosen.
    """
    pop = with_derived(pop)
    for name in (rows, cols):
        if dimension(name).kind == "number":
            raise SegmentError(
                f"{name!r} is a number, not a dimension to cross-tabulate; use experience_band"
            )
    if edition is not None:
        years = [edition] if isinstance(edition, int) else list(edition)
        pop = pop.filter(pl.col("edition_year").is_in(years))
    frame = pop.select(
        _as_text(pop, dimension(rows).column).alias("row_value"),
        _as_text(pop, dimension(cols).column).alias("col_value"),
    )
    table = lift_table(frame, "row_value", "col_value").rename(
        {
            "group": "row_value",
            "value": "col_value",
            "group_total": "row_total",
            "value_total": "col_total",
            "share_in_group": "share_of_row",
        }
    )
    table = table.with_columns(
        share_of_col=pl.col("count") / pl.col("col_total"),
        share_of_total=pl.col("count") / pl.col("total"),
    ).sort(
        ["row_total", "row_value", "col_total", "col_value"],
        descending=[True, False, True, False],
        nulls_last=True,
    )
    table = label_columns(table, rows, "row_value", "row")
    table = label_columns(table, cols, "col_value", "col")
    table = table.select(
        pl.lit(rows).alias("row_dimension"),
        "row_value",
        "row_zh",
        "row_en",
        pl.lit(cols).alias("col_dimension"),
        "col_value",
        "col_zh",
        "col_en",
        "count",
        "row_total",
        "col_total",
        "total",
        "share_of_row",
        "share_of_col",
        "share_of_total",
        "lift",
    )
    return suppress_small_cells(
        table,
        "count",
        k=k,
        value_columns=["share_of_row", "share_of_col", "share_of_total", "lift"],
    )
