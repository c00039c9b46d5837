"""Researcher cohort workbook: de-identified survey data with a codebook, built from the marts.

A cohort is a set of current survey responses (one row per participant x edition). Who is in it
is decided by the caller: segment rules (stored names, `--where` filters) are survey semantics
(`survey/segments/rules.py`: city spellings, province names, "has any of these tools"), and the
warehouse imports nothing from survey. So the CLI resolves a segment NAME or filters into the
matching `response_id`s with `survey.segments` and passes them here as `members`, together with
a `CohortDefinition` that says in words what was asked for (shown on the README sheet), and
optionally survey's `value_label` to label quasi-identifier values in the codebook. Everything
else happens here, reading the warehouse only through named queries (`Reader.query`):

- **Data**: one row per response; pseudonymous `cohort_id` = HMAC-SHA256(key, participant_id),
  with a random per-export key (ids differ between exports) or a caller's stable key. No names,
  contacts, nicknames, free text, 'other' texts, IPs or submission times. Quasi-identifiers
  (age band, gender, location, role) are generalised step by step over the whole cohort
  (global recoding, greedy: each step coarsens the one dimension that leaves the fewest rows in
  classes under k) until every (edition, quasi-identifiers) class has at least k people, or every
  dimension is at its coarsest (trailing steps that rescued nobody are undone); rows still in
  smaller classes are dropped and counted.
  Closed answers follow as columns: single choice as option key plus code, multi-select as 0/1
  per option, numbers and ratings as numbers, matrix rows as numbers, rankings as ranks. The
  age/gender/role/city questions appear only through the generalised quasi-identifiers.
- **Codebook**: one row per Data column and value, with the questionnaire's zh/en texts and
  option codes.
- **Summary**: counts per edition and generalised dimension; cells under k shown as "<k".
- **README**: definition, filters, time, software version, snapshot, rules applied, row counts.

Workbooks are written with `warehouse.exports.write_frame_sheets` (write-only openpyxl with the
rows rendered column-wise: bounded memory, strings always text, sheets split at Excel's row
limit); CSV as UTF-8 with a BOM.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook

from warehouse.exports import EXCEL_MAX_ROWS, frame_to_csv_bytes, write_frame_sheets
from warehouse.privacy import DEFAULT_K, suppress_small_cells
from warehouse.query import Reader
from warehouse.store import WarehouseError

ValueLabel = Callable[[str, object], tuple[str, str]]


class CohortError(WarehouseError):
    """A cohort that cannot be exported (nobody matches, bad arguments), as one clear message."""


class EmptyCohortError(CohortError):
    """Nobody matches the cohort's segment and editions (a valid question with no one in it)."""


@dataclass(frozen=True)
class CohortDefinition:
    """What the cohort is, in words for the README: segment name and labels, filters as given."""

    name: str | None = None
    label_zh: str | None = None
    label_en: str | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Quasi-identifiers and their generalisation levels (finest first)


@dataclass(frozen=True)
class Level:
    """One generalisation level of a quasi-identifier: its value and the dimension labelling it."""

    name: str
    dimension: str  # survey dimension name, for `value_label`
    expr: pl.Expr


_AGE_WIDE = {"under_18": "under_25", "18_24": "under_25", "35_44": "35_plus", "45_plus": "35_plus"}
_GENDER_GROUPS = {"other": "other_or_undisclosed", "undisclosed": "other_or_undisclosed"}
_ROLE_GROUPS = {
    "product_manager": "tech_product",
    "engineer": "tech_product",
    "designer": "design_media",
    "film_advertising": "design_media",
    "artist_creator": "design_media",
    "marketing_operations": "business",
    "founder": "business",
    "student": "education",
    "teacher_researcher": "education",
    "other": "other",
}
# Labels of values this module makes up (the questionnaire and survey label the rest).
EXTRA_LABELS: dict[str, tuple[str, str]] = {
    "other_or_undisclosed": ("其他/不愿透露", "Other or undisclosed"),
    "tech_product": ("产品/技术", "Product and engineering"),
    "design_media": ("设计/影视/艺术", "Design, film and art"),
    "business": ("市场/创业", "Marketing and founders"),
    "education": ("学生/教育科研", "Students and educators"),
    "海外": ("海外", "Overseas"),
    "under_25": ("25岁以下", "Under 25"),
    "35_plus": ("35岁及以上", "35 and over"),
    "mainland": ("中国大陆", "Mainland China"),
}

QUASI_IDENTIFIERS: dict[str, tuple[Level, ...]] = {
    "age_band": (
        Level("5-year band", "age_band", pl.col("age_band")),
        Level("coarse band", "age_band_coarse", pl.col("age_band_coarse")),
        Level("wide band", "age_band_coarse", pl.col("age_band_coarse").replace(_AGE_WIDE)),
    ),
    "gender": (
        Level("gender", "gender", pl.col("gender")),
        Level(
            "other and undisclosed merged",
            "gender",
            pl.col("gender").replace(_GENDER_GROUPS),
        ),
    ),
    "location": (
        Level("city", "city", pl.col("city_zh")),
        Level(
            "province (overseas merged)",
            "province",
            pl.when(pl.col("is_overseas")).then(pl.lit("海外")).otherwise(pl.col("province_zh")),
        ),
        Level("city tier", "city_tier", pl.col("city_tier")),
        Level(
            "mainland China or not",
            "city_tier",
            pl.when(pl.col("city_tier").is_in(["hk_mo_tw", "overseas"]))
            .then(pl.col("city_tier"))
            .when(pl.col("city_tier").is_not_null())
            .then(pl.lit("mainland")),
        ),
    ),
    "role": (
        Level("role", "role", pl.col("role")),
        Level("role group", "role", pl.col("role").replace(_ROLE_GROUPS)),
    ),
}
DEFAULT_QUASI_IDENTIFIERS = ("age_band", "gender", "location", "role")

_ANSWER_TYPES = ("single", "multi", "number", "rating", "matrix", "ranking")
# Questions exported only as generalised quasi-identifiers, never as answered.
_QUASI_QUESTIONS = {"age", "gender", "role", "city"}
_CODE_FORMAT = "0"  # years, codes and 0/1 flags: no thousands separator


# ---------------------------------------------------------------------------------------------
# The cohort


@dataclass(frozen=True)
class Cohort:
    """A built cohort: the four sheets as frames, plus the figures the CLI prints."""

    data: pl.DataFrame
    codebook: pl.DataFrame
    summary: pl.DataFrame
    readme: pl.DataFrame
    count_matching: int
    count_suppressed: int
    levels: dict[str, str]
    k: int

    @property
    def count_rows(self) -> int:
        """Rows in Data (after suppression)."""
        return self.data.height


def pseudonymous_ids(participant_ids: pl.Series, key: bytes) -> pl.Series:
    """`c_` + 16 hex digits of HMAC-SHA256(key, participant_id): same person, same id per key."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)  # keyed once, copied per id (3x faster)

    def pseudonym(pid: str) -> str:
        mac = keyed.copy()
        mac.update(pid.encode("utf-8"))
        return "c_" + mac.hexdigest()[:16]

    mapping = {pid: pseudonym(pid) for pid in participant_ids.unique().drop_nulls().to_list()}
    return participant_ids.replace_strict(mapping, return_dtype=pl.String).alias("cohort_id")


def generalise(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    k: int,
    group_by: Sequence[str] = ("edition_year",),
    max_suppressed_share: float = 0.0,
) -> tuple[pl.DataFrame, dict[str, int], list[str]]:
    """Coarsen quasi-identifiers step by step until every class has >= k rows (or all coarsest).

    Returns the frame with one column per quasi-identifier at its chosen level plus `class_size`,
    the chosen level index per quasi-identifier, and the steps taken (for the README). Rows are
    not dropped here: the caller drops `class_size < k`.
    """
    unknown = [q for q in quasi_identifiers if q not in QUASI_IDENTIFIERS]
    if unknown:
        raise CohortError(
            f"unknown quasi-identifier {unknown[0]!r}; use {', '.join(QUASI_IDENTIFIERS)}"
        )
    levels = dict.fromkeys(quasi_identifiers, 0)
    keys = [*group_by, *quasi_identifiers]
    allowed = max_suppressed_share * frame.height
    # The search runs on the distinct combinations of the columns the levels read, each with
    # its count of rows: the same classes and counts as the rows themselves, in a fraction of
    # the rows (a cohort of 100k respondents had 18 full passes; this frame is what they scan).
    sources = sorted(
        {*group_by}
        | {
            name
            for q in quasi_identifiers
            for level in QUASI_IDENTIFIERS[q]
            for name in level.expr.meta.root_names()
        }
    )
    combos = frame.group_by(sources).agg(pl.len().alias("_rows"))

    def small_rows(chosen: Mapping[str, int]) -> int:
        sized = _at_levels(combos, chosen).with_columns(
            pl.col("_rows").sum().over(keys).alias("class_size")
        )
        return int(sized.filter(pl.col("class_size") < k)["_rows"].sum())

    steps: list[str] = []
    small = small_rows(levels)
    # (levels, rows in small classes) after each step; the first state with the fewest wins.
    history = [(dict(levels), small)]
    while small > allowed:
        options = [q for q in quasi_identifiers if levels[q] + 1 < len(QUASI_IDENTIFIERS[q])]
        if not options:
            break
        # Greedy: the step that leaves the fewest rows in small classes (ties: the finest column).
        # A step that rescues nobody can still help with a later one, so keep going; steps that
        # rescued nobody by the end are undone below.
        scored = [
            (small_rows(levels | {q: levels[q] + 1}), -_distinct(combos, q, levels), q)
            for q in options
        ]
        small, _, chosen = min(scored)
        levels[chosen] += 1
        history.append((dict(levels), small))
        steps.append(
            f"{chosen} → {QUASI_IDENTIFIERS[chosen][levels[chosen]].name} "
            f"({small} rows still in classes under {k})"
        )
    best = min(range(len(history)), key=lambda i: (history[i][1], i))
    levels, steps = history[best][0], steps[:best]
    out = _at_levels(frame, levels).with_columns(pl.len().over(keys).alias("class_size"))
    return out, levels, steps


def _at_levels(frame: pl.DataFrame, levels: Mapping[str, int]) -> pl.DataFrame:
    return frame.with_columns(
        QUASI_IDENTIFIERS[q][level].expr.alias(q) for q, level in levels.items()
    )


def _distinct(frame: pl.DataFrame, q: str, levels: Mapping[str, int]) -> int:
    return frame.select(QUASI_IDENTIFIERS[q][levels[q]].expr.n_unique()).item()


def build_cohort(
    reader: Reader,
    definition: CohortDefinition | None = None,
    *,
    members: Collection[str] | None = None,
    editions: Sequence[int] | None = None,
    k: int = DEFAULT_K,
    id_key: bytes | None = None,
    quasi_identifiers: Sequence[str] = DEFAULT_QUASI_IDENTIFIERS,
    max_suppressed_share: float = 0.0,
    value_label: ValueLabel | None = None,
    now: datetime | None = None,
    preview: bool = False,
) -> Cohort:
    """Build the cohort of `members` (response ids; None = every current response).

    `id_key` None draws a random key, so ids differ between exports; pass a fixed secret for ids
    that stay stable across exports. `value_label(dimension, value) -> (zh, en)` labels
    quasi-identifier values in the codebook (the questionnaire's options label the rest).
    `preview`: the same Summary, README and counts, but Data's answer columns are left empty
    and no ids are drawn (the research-data page shows only those; reading and pivoting every
    answer was most of its time). Never write a preview out.
    """
    if k < 1:
        raise CohortError(f"k must be at least 1, not {k}")
    if not 0.0 <= max_suppressed_share < 1.0:
        raise CohortError(f"max_suppressed_share must be in [0, 1), not {max_suppressed_share}")
    population = reader.query("segment_population")
    snapshot = reader.snapshot.name if reader.snapshot else None
    population_by_edition = population.group_by("edition_year").agg(
        pl.len().alias("count_population")
    )
    cohort = population
    if members is not None:
        wanted = pl.DataFrame({"response_id": list(members)}, schema={"response_id": pl.String})
        cohort = cohort.join(wanted, on="response_id", how="semi")
    if editions:
        cohort = cohort.filter(pl.col("edition_year").is_in(list(editions)))
    if cohort.is_empty():
        raise EmptyCohortError("nobody in the warehouse matches this cohort definition")

    generalised, levels, steps = generalise(
        cohort, quasi_identifiers, k=k, max_suppressed_share=max_suppressed_share
    )
    kept = generalised.filter(pl.col("class_size") >= k)
    count_suppressed = generalised.height - kept.height

    key = id_key if id_key is not None else secrets.token_bytes(32)
    questions = _codebook_source(reader, cohort)
    if preview:
        answers = _empty_answer_columns(kept["response_id"], questions)
        ids = pl.lit(None, dtype=pl.String).alias("cohort_id")
    else:
        answers = _answer_columns(reader, kept["response_id"], questions)
        ids = pseudonymous_ids(kept["participant_id"], key)
    data = (
        kept.with_columns(ids)
        .select(
            "response_id",
            "cohort_id",
            "edition_year",
            *quasi_identifiers,
            pl.col("returned_next").cast(pl.Int8),
            pl.col("works_after_gala").cast(pl.Int64),
        )
        .join(answers, on="response_id", how="left")
        .sort("edition_year", "cohort_id")
        .drop("response_id")
    )
    chosen = {q: QUASI_IDENTIFIERS[q][levels[q]].name for q in quasi_identifiers}
    labeller = _labeller(questions, value_label)
    codebook = _codebook(data, questions, quasi_identifiers, levels, labeller)
    summary = _summary(cohort, data, population_by_edition, quasi_identifiers, levels, k, labeller)
    readme = _readme(
        definition or CohortDefinition(),
        editions=editions,
        k=k,
        stable=id_key is not None,
        snapshot=snapshot,
        levels=chosen,
        steps=steps,
        count_matching=cohort.height,
        count_suppressed=count_suppressed,
        data=data,
        max_suppressed_share=max_suppressed_share,
        now=now,
    )
    return Cohort(
        data=data,
        codebook=codebook,
        summary=summary,
        readme=readme,
        count_matching=cohort.height,
        count_suppressed=count_suppressed,
        levels=chosen,
        k=k,
    )


# ---------------------------------------------------------------------------------------------
# Answers


def _codebook_source(reader: Reader, cohort: pl.DataFrame) -> pl.DataFrame:
    """Questions and options of the newest version of each questionnaire the cohort (rows of
    the segment population) answered."""
    versions = cohort.group_by("questionnaire_id").agg(pl.col("questionnaire_version").max())
    source = reader.query("cohort_codebook").join(
        versions, on=["questionnaire_id", "questionnaire_version"], how="semi"
    )
    # One definition per question id: the first questionnaire (alphabetically) that has it.
    first = source.select("questionnaire_id", "question_id").unique().sort("questionnaire_id")
    first = first.unique("question_id", keep="first", maintain_order=True)
    return source.join(first, on=["questionnaire_id", "question_id"], how="semi").sort(
        "questionnaire_id", "position", "option_code", "item_key", nulls_last=True
    )


def _answer_specs(questions: pl.DataFrame) -> list[tuple[str, str, str, str]]:
    """(column, question_id, item_key, kind) of every answer column, in questionnaire order."""
    specs: list[tuple[str, str, str, str]] = []
    exported = questions.filter(
        pl.col("question_type").is_in(_ANSWER_TYPES)
        & ~pl.col("is_pii")
        & ~pl.col("question_id").is_in(list(_QUASI_QUESTIONS))
    )
    for (qid, qtype), group in exported.group_by(
        "question_id", "question_type", maintain_order=True
    ):
        items = [i for i in group["item_key"].to_list() if i is not None]
        if qtype == "single":
            specs += [(qid, qid, "", "key"), (f"{qid}_code", qid, "", "code")]
        elif qtype in {"number", "rating"}:
            specs.append((qid, qid, "", "number"))
        elif qtype == "multi":
            specs += [(f"{qid}.{item}", qid, item, "flag") for item in items]
        elif qtype == "matrix":
            specs += [(f"{qid}.{item}", qid, item, "number") for item in items]
        elif qtype == "ranking":
            specs += [(f"{qid}.{item}", qid, item, "rank") for item in items]
    return specs


def _answer_columns(
    reader: Reader, response_ids: pl.Series, questions: pl.DataFrame
) -> pl.DataFrame:
    """One row per response, one column per answer spec (see the module docstring)."""
    specs = _answer_specs(questions)
    base = response_ids.to_frame("response_id")
    answers = reader.query("cohort_answers").join(base, on="response_id", how="semi")
    long = answers.with_columns(
        column=pl.when(pl.col("item_key") == "")
        .then(pl.col("question_id"))
        .otherwise(pl.col("question_id") + "." + pl.col("item_key")),
        value=pl.coalesce(
            pl.col("answer_rank").cast(pl.Float64),
            pl.when(pl.col("question_type") == "multi").then(pl.lit(1.0)),
            pl.col("answer_number"),
        ),
    )
    numbers = _pivot(long.filter(pl.col("value").is_not_null()), "column", "value")
    singles = long.filter(pl.col("question_type") == "single")
    keys = _pivot(singles, "question_id", "option_key")
    codes = _pivot(
        singles.with_columns(pl.col("question_id") + "_code"), "question_id", "option_code"
    )
    answered = _pivot(
        long.select("response_id", "question_id", pl.lit(True).alias("answered")),
        "question_id",
        "answered",
    )
    wide = base
    for part in (numbers, keys, codes):
        wide = wide.join(part, on="response_id", how="left")
    wide = wide.join(
        answered.rename(lambda c: c if c == "response_id" else f"__answered.{c}"),
        on="response_id",
        how="left",
    )
    columns = []
    for column, qid, _item, kind in specs:
        value = pl.col(column) if column in wide.columns else pl.lit(None)
        if kind == "key":
            columns.append(value.cast(pl.String).alias(column))
        elif kind == "flag":
            flag = f"__answered.{qid}"
            was_answered = pl.col(flag).is_not_null() if flag in wide.columns else pl.lit(False)
            columns.append(
                pl.when(was_answered).then(value.fill_null(0)).cast(pl.Int8).alias(column)
            )
        elif kind in {"code", "rank"}:
            columns.append(value.cast(pl.Int64).alias(column))
        else:
            columns.append(value.cast(pl.Float64).alias(column))
    out = wide.select("response_id", *columns)
    # Whole-number measures (ratings, counts) as integers, so Excel shows 7 and not 7.00.
    integral = [
        c
        for c in out.columns
        if out.schema[c] == pl.Float64
        and out.select((pl.col(c).drop_nulls() == pl.col(c).drop_nulls().round()).all()).item()
    ]
    return out.with_columns(pl.col(integral).cast(pl.Int64))


def _empty_answer_columns(response_ids: pl.Series, questions: pl.DataFrame) -> pl.DataFrame:
    """`_answer_columns`' columns, every cell empty (a preview's Data: its shape, not its answers)."""
    kinds = {"key": pl.String, "flag": pl.Int8, "code": pl.Int64, "rank": pl.Int64}
    return response_ids.to_frame("response_id").with_columns(
        pl.lit(None, dtype=kinds.get(kind, pl.Float64)).alias(column)
        for column, _qid, _item, kind in _answer_specs(questions)
    )


def _pivot(frame: pl.DataFrame, on: str, values: str) -> pl.DataFrame:
    if frame.is_empty():
        return pl.DataFrame(schema={"response_id": pl.String})
    return frame.pivot(on=on, index="response_id", values=values, aggregate_function="first")


# ---------------------------------------------------------------------------------------------
# Codebook, summary, README


def _labeller(questions: pl.DataFrame, value_label: ValueLabel | None) -> ValueLabel:
    """Labels of quasi-identifier values: made-up groups, the caller's labels, the options."""
    options = {
        (row["question_id"], row["item_key"]): (row["label_zh"], row["label_en"])
        for row in questions.filter(pl.col("item_key").is_not_null()).iter_rows(named=True)
    }
    question_of = {"age_band": "age", "gender": "gender", "role": "role"}

    def label(dimension: str, value: object) -> tuple[str, str]:
        if value is None:
            return ("未知", "Unknown")
        text = str(value)
        if text in EXTRA_LABELS:
            return EXTRA_LABELS[text]
        if value_label is not None:
            return value_label(dimension, value)
        return options.get((question_of.get(dimension, ""), text), (text, text))

    return label


_CODEBOOK_SCHEMA: dict[str, pl.DataType] = {
    "column": pl.String(),
    "label_zh": pl.String(),
    "label_en": pl.String(),
    "type": pl.String(),
    "question_id": pl.String(),
    "value": pl.String(),
    "option_code": pl.Int64(),
    "value_zh": pl.String(),
    "value_en": pl.String(),
    "note": pl.String(),
}
CODEBOOK_HEADERS = (
    "column 列名",
    "label_zh 中文标签",
    "label_en English label",
    "type 类型",
    "question_id 题目",
    "value 取值",
    "option_code 选项编码",
    "value_zh 取值中文",
    "value_en value (English)",
    "note 说明",
)


def _codebook(
    data: pl.DataFrame,
    questions: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    levels: Mapping[str, int],
    label: ValueLabel,
) -> pl.DataFrame:
    rows: list[dict[str, Any]] = []

    def add(column: str, zh: str, en: str, kind: str, **extra: Any) -> None:
        rows.append(
            dict.fromkeys(_CODEBOOK_SCHEMA)
            | {"column": column, "label_zh": zh, "label_en": en, "type": kind, **extra}
        )

    add(
        "cohort_id",
        "化名编号",
        "Pseudonymous id",
        "text",
        note="HMAC-SHA256 of the participant id; the same person has the same id in every "
        "edition of this file. Not a contact, not reversible.",
    )
    add("edition_year", "届（年份）", "Edition (year)", "integer")
    qi_labels = {
        "age_band": ("年龄段", "Age band"),
        "gender": ("性别", "Gender"),
        "location": ("所在地", "Location"),
        "role": ("职业/角色", "Occupation or role"),
    }
    for q in quasi_identifiers:
        level = QUASI_IDENTIFIERS[q][levels[q]]
        zh, en = qi_labels[q]
        note = f"quasi-identifier, generalised to: {level.name}"
        values = data[q].unique().sort(nulls_last=True).to_list()
        for value in values:
            value_zh, value_en = label(level.dimension, value)
            add(q, zh, en, "text", value=value, value_zh=value_zh, value_en=value_en, note=note)
    add(
        "returned_next",
        "是否参加下一届",
        "Took part in the next edition",
        "0/1",
        note="from the co-creator roster; empty when the roster has no next edition",
    )
    add(
        "works_after_gala",
        "春晚后发布作品数",
        "Works published after the gala",
        "integer",
        note="empty when no creator activity is loaded",
    )
    by_question = {
        qid: group for (qid,), group in questions.group_by("question_id", maintain_order=True)
    }
    for column, qid, item, kind in _answer_specs(questions):
        group = by_question[qid]
        first = group.row(0, named=True)
        stem_zh, stem_en, qtype = first["text_zh"], first["text_en"], first["question_type"]
        option = group.filter(pl.col("item_key") == item).to_dicts() if item else []
        opt = option[0] if option else {}
        if kind == "key":
            for o in group.filter(pl.col("item_key").is_not_null()).iter_rows(named=True):
                add(
                    column,
                    stem_zh,
                    stem_en,
                    "text (option key)",
                    question_id=qid,
                    value=o["item_key"],
                    option_code=o["option_code"],
                    value_zh=o["label_zh"],
                    value_en=o["label_en"],
                    note="'other' texts are not exported" if o["is_other"] else None,
                )
        elif kind == "code":
            add(
                column,
                stem_zh,
                stem_en,
                "integer (option code)",
                question_id=qid,
                note=f"option code of {qid}; labels listed under {qid}",
            )
        elif kind == "flag":
            add(
                column,
                f"{stem_zh}：{opt.get('label_zh')}",
                f"{stem_en}: {opt.get('label_en')}",
                "0/1",
                question_id=qid,
                value=item,
                option_code=opt.get("option_code"),
                value_zh=opt.get("label_zh"),
                value_en=opt.get("label_en"),
                note="1 = chosen, 0 = not chosen, empty = question not answered",
            )
        elif kind == "rank":
            add(
                column,
                f"{stem_zh}：{opt.get('label_zh')}",
                f"{stem_en}: {opt.get('label_en')}",
                "integer (rank, 1 = first)",
                question_id=qid,
                value=item,
                option_code=opt.get("option_code"),
                value_zh=opt.get("label_zh"),
                value_en=opt.get("label_en"),
                note="empty = not ranked",
            )
        else:
            zh = f"{stem_zh}：{opt['label_zh']}" if opt else stem_zh
            en = f"{stem_en}: {opt['label_en']}" if opt else stem_en
            dtype = data.schema[column]
            add(
                column,
                zh,
                en,
                "integer" if dtype.is_integer() else "number",
                question_id=qid,
                value=item or None,
                note=f"{qtype}; empty = not answered",
            )
    return pl.DataFrame(rows, schema=_CODEBOOK_SCHEMA)


SUMMARY_HEADERS = (
    "section 类别",
    "edition 届",
    "dimension 维度",
    "value 取值",
    "value_zh 中文",
    "value_en English",
    "people 人数",
)


def _summary(
    cohort: pl.DataFrame,
    data: pl.DataFrame,
    population_by_edition: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    levels: Mapping[str, int],
    k: int,
    label: ValueLabel,
) -> pl.DataFrame:
    """Counts per edition (and all editions) and generalised dimension; cells under k as "<k"."""
    rows: list[dict[str, Any]] = []
    editions = sorted(cohort["edition_year"].unique().to_list())
    scopes: list[tuple[str, pl.Expr]] = [("all", pl.lit(True))]
    scopes += [(str(year), pl.col("edition_year") == year) for year in editions]
    pop = dict(population_by_edition.iter_rows())
    for name, scope in scopes:
        years = editions if name == "all" else [int(name)]
        counts = {
            "respondents in the warehouse 库中答卷": sum(pop.get(y, 0) for y in years),
            "matching the cohort definition 符合群体定义": cohort.filter(scope).height,
            "exported to Data 导出": data.filter(scope).height,
            "suppressed (class under k) 因小于k删除": cohort.filter(scope).height
            - data.filter(scope).height,
        }
        for what, count in counts.items():
            rows.append({"section": "cohort", "edition": name, "dimension": what, "count": count})
        for q in quasi_identifiers:
            dim = QUASI_IDENTIFIERS[q][levels[q]].dimension
            table = data.filter(scope).group_by(q).agg(pl.len().alias("count")).sort(q)
            for value, count in table.iter_rows():
                zh, en = label(dim, value)
                rows.append(
                    {
                        "section": "dimension",
                        "edition": name,
                        "dimension": q,
                        "value": value,
                        "value_zh": zh,
                        "value_en": en,
                        "count": count,
                    }
                )
    frame = pl.DataFrame(
        rows,
        schema={
            "section": pl.String,
            "edition": pl.String,
            "dimension": pl.String,
            "value": pl.String,
            "value_zh": pl.String,
            "value_en": pl.String,
            "count": pl.Int64,
        },
    )
    marked = suppress_small_cells(frame, "count", k=k)
    # One column of numbers, with "<k" text where a count is suppressed (Object keeps both).
    people = [
        label_ if suppressed else count
        for count, label_, suppressed in marked.select(
            "count", "count_label", "is_suppressed"
        ).iter_rows()
    ]
    return marked.select(pl.exclude("count", "count_label", "is_suppressed")).with_columns(
        pl.Series("people", people, dtype=pl.Object)
    )


README_HEADERS = ("item 项目", "value 内容")


def software_version() -> str:
    """The installed creatorpulse version, or 'unknown' when run from an uninstalled tree."""
    try:
        return "creatorpulse " + metadata.version("creatorpulse")
    except metadata.PackageNotFoundError:
        return "creatorpulse (unknown version)"


def _readme(
    definition: CohortDefinition,
    *,
    editions: Sequence[int] | None,
    k: int,
    stable: bool,
    snapshot: str | None,
    levels: Mapping[str, str],
    steps: Sequence[str],
    count_matching: int,
    count_suppressed: int,
    data: pl.DataFrame,
    max_suppressed_share: float,
    now: datetime | None,
) -> pl.DataFrame:
    generated = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    name = definition.name or "(no saved segment: filters below)"
    labels = " / ".join(x for x in (definition.label_zh, definition.label_en) if x)
    items = [
        ("workbook 文件", "Researcher cohort workbook 研究者群体数据（去标识化）"),
        ("cohort 群体", f"{name}" + (f" — {labels}" if labels else "")),
        (
            "filters 筛选条件",
            json.dumps(dict(definition.filters), ensure_ascii=False)
            if definition.filters
            else "none: every current survey response 全部答卷",
        ),
        ("editions 届", ", ".join(map(str, editions)) if editions else "all 全部"),
        ("generated at 生成时间", generated),
        ("software 软件版本", software_version()),
        ("warehouse snapshot 数据快照", snapshot or "unknown"),
        ("unit 分析单位", "one row per participant × edition (the current survey response)"),
        (
            "ids 编号",
            "cohort_id = HMAC-SHA256 of the participant id with a fixed export key: stable "
            "across exports made with the same key"
            if stable
            else "cohort_id = HMAC-SHA256 of the participant id with a random key drawn for this "
            "export: ids differ in every export and cannot be linked to other files",
        ),
        ("k (minimum cell size 最小格子)", str(k)),
        (
            "quasi-identifiers 准标识符",
            "; ".join(f"{q}: {level}" for q, level in levels.items()),
        ),
        ("generalisation steps 泛化步骤", "; ".join(steps) or "none needed 无需泛化"),
        (
            "suppression rule 删除规则",
            f"rows whose (edition, {', '.join(levels)}) combination has fewer than {k} people "
            "after generalisation are removed"
            + (
                f"; generalisation stops once at most {max_suppressed_share:.0%} of rows "
                "would be removed"
                if max_suppressed_share
                else ""
            ),
        ),
        ("rows matching 符合条件行数", str(count_matching)),
        ("rows suppressed 删除行数", str(count_suppressed)),
        ("rows in Data 导出行数", str(data.height)),
        ("columns in Data 列数", str(data.width)),
        (
            "not exported 未导出",
            "names, nicknames, phone, WeChat, email, IP addresses, free-text answers and "
            "'other' texts, exact age, city as typed, submission times, internal ids",
        ),
        ("Summary 汇总", f'counts of people; cells under {k} are shown as "<{k}"'),
        (
            "caution 注意",
            "do not try to re-identify anyone; k-anonymity holds per edition: combining a "
            "person's rows across editions or with outside data can narrow a class",
        ),
    ]
    return pl.DataFrame(items, schema={"item": pl.String, "value": pl.String}, orient="row")


# ---------------------------------------------------------------------------------------------
# Writers


def data_number_formats(data: pl.DataFrame) -> dict[str, str]:
    """Number formats of the Data sheet: years, codes and 0/1 flags without thousands separators."""
    whole = ("edition_year", "returned_next")
    return {
        c: _CODE_FORMAT
        for c in data.columns
        if c in whole or c.endswith("_code") or data.schema[c] == pl.Int8
    }


def write_cohort_xlsx(cohort: Cohort, path: Path | str, *, max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write README, Data (split into more sheets past `max_rows`), Codebook and Summary."""
    path = Path(path)
    sheets = max(1, math.ceil(cohort.data.height / (max_rows - 1)))
    readme = cohort.readme.vstack(
        pl.DataFrame(
            [("Data sheets 数据表", ", ".join(_data_titles(sheets)))],
            schema=cohort.readme.schema,
            orient="row",
        )
    )
    workbook = Workbook(write_only=True)
    write_frame_sheets(workbook, "README", readme, README_HEADERS)
    write_frame_sheets(
        workbook,
        "Data",
        cohort.data,
        max_rows=max_rows,
        number_formats=data_number_formats(cohort.data),
    )
    write_frame_sheets(workbook, "Codebook", cohort.codebook, CODEBOOK_HEADERS)
    write_frame_sheets(workbook, "Summary", cohort.summary, SUMMARY_HEADERS)
    _replace_atomically(path, workbook.save)
    return path


def _data_titles(count: int) -> list[str]:
    return ["Data" if i == 0 else f"Data ({i + 1})" for i in range(count)]


def write_cohort_csv(cohort: Cohort, path: Path | str) -> list[Path]:
    """Data as CSV (UTF-8 with BOM) at `path`, with README/Codebook/Summary CSVs beside it."""
    path = Path(path)
    written = []
    parts = [
        (path, cohort.data, None),
        (path.with_name(f"{path.stem}.readme.csv"), cohort.readme, README_HEADERS),
        (path.with_name(f"{path.stem}.codebook.csv"), cohort.codebook, CODEBOOK_HEADERS),
        (path.with_name(f"{path.stem}.summary.csv"), cohort.summary, SUMMARY_HEADERS),
    ]
    for target, frame, headers in parts:
        content = frame_to_csv_bytes(frame, headers)
        _replace_atomically(target, lambda name, data=content: Path(name).write_bytes(data))
        written.append(target)
    return written


def _replace_atomically(path: Path, write: Callable[[str], Any]) -> None:
    """Write to a temporary file beside `path`, then rename: no half-written export is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
