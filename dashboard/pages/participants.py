"""Participants: who the survey respondents of an edition are (age, gender, role, experience,
hours per week, tools, motivations, income), where they live (a map of Chinese cities, overseas grouped), and
role x city / age x role cross-tabulations. Every filter on the page applies to every chart.

People are counted once per category (distinct participant); on multi-select questions (tools,
motivations) a person counts once under each option chosen. Cross-tab cells of fewer than
`CROSSTAB_K` people read "<5" (they pair quasi-identifiers, and issue 6 shows this page to
researchers); the distributions and the map show exact counts to organizers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import auth, charts, charts_participants, components, data, survey_page, urlstate
from dashboard.i18n import UNKNOWN, category_label, fmt_number, option_label, register, t
from survey.questionnaire import load_questionnaire
from survey.segments.dimensions import EXPERIENCE_BANDS, with_derived
from warehouse.privacy import (
    DEFAULT_K,
    Protection,
    protect_crosstab,
    protect_distribution,
    suppress_small_cells,
)
from warehouse.store import WarehouseError

PAGE = "participants"
CROSSTAB_K = DEFAULT_K
TOP_CITIES = 10  # columns of the role x city cross-tab; the rest are "other cities"
MAP_HEIGHT_PX = 560

# Category keys that are not values of a dimension (city groups, missing answers).
OVERSEAS = "overseas"
OTHER_CITIES = "other_cities"
UNKNOWN_KEY = "unknown"

# Distribution charts: dataset name -> dimension (its values, labels and axis title).
DISTRIBUTIONS: dict[str, str] = {
    "age": "age_band",
    "gender": "gender",
    "role": "role",
    "experience": "experience_band",
    "hours": "hours_per_week",
    "tools": "tools",
    "motivations": "motivations",
    "income": "income",
}
MULTI_SELECT = frozenset({"tools", "motivations"})
# Filters: URL key -> population column (city and community are handled apart).
FILTER_KEYS = ("age", "role", "city", "gender", "community")

register(
    {
        "nav.participants": {"zh": "参与者", "en": "Participants"},
        "page.participants": {"zh": "参与者画像", "en": "Participants"},
        "intro.participants": {
            "zh": "问卷受访者的年龄、性别、职业、经验、工具、动机、收入与所在城市。"
            "页面上的筛选条件作用于所有图表。",
            "en": "Age, gender, role, experience, tools, motivations, income and city of the "
            "survey respondents. Every filter applies to every chart on the page.",
        },
        "participants.filter.age": {"zh": "年龄段", "en": "Age band"},
        "participants.filter.role": {"zh": "职业/角色", "en": "Role"},
        "participants.filter.city": {"zh": "城市", "en": "City"},
        "participants.filter.gender": {"zh": "性别", "en": "Gender"},
        "participants.filter.community": {"zh": "所在社区", "en": "Community"},
        "participants.filter.all": {"zh": "全部", "en": "All"},
        "participants.city.overseas": {"zh": "海外", "en": "Overseas"},
        "participants.city.overseas_all": {"zh": "海外（全部）", "en": "Overseas (all)"},
        "participants.city.other": {"zh": "其他城市", "en": "Other cities"},
        "participants.summary": {
            "zh": "符合筛选条件的参与者：{count} 人（{edition}共 {total} 人）",
            "en": "{count} participants match the filters ({total} in {edition})",
        },
        "participants.crosstab_note": {
            "zh": "交叉表中少于{k}人的格子显示为“<{k}”，以免识别到个人。",
            "en": "Cross-tab cells of fewer than {k} people show “<{k}” so that no one can be "
            "singled out.",
        },
        "participants.title.age": {"zh": "年龄分布", "en": "Age"},
        "participants.title.gender": {"zh": "性别分布", "en": "Gender"},
        "participants.title.role": {"zh": "职业/角色分布", "en": "Role"},
        "participants.title.experience": {
            "zh": "AI创作经验",
            "en": "Experience in AI creation",
        },
        "participants.title.hours": {
            "zh": "每周投入AI创作的时间",
            "en": "Hours per week spent on AI creation",
        },
        "participants.title.tools": {
            "zh": "使用过的AI工具（多选）",
            "en": "AI tools used (multiple choice)",
        },
        "participants.title.motivations": {
            "zh": "参与动机（多选）",
            "en": "Why they took part (multiple choice)",
        },
        "participants.title.income": {
            "zh": "过去一年AI创作收入",
            "en": "Income from AI creation, past year",
        },
        "participants.title.role_city": {"zh": "职业 × 城市（人数）", "en": "Role × city (people)"},
        "participants.title.age_role": {"zh": "职业 × 年龄段（人数）", "en": "Role × age (people)"},
        "participants.empty.no_responses": {
            "zh": "仓库中还没有问卷数据，请先导入问卷导出文件",
            "en": "No survey responses in the warehouse yet: load a survey export first",
        },
        "col.category_key": {"zh": "代码", "en": "Code"},
        "col.category_label": {"zh": "类别", "en": "Category"},
        "col.share_of_filtered": {"zh": "占筛选后参与者比例", "en": "Share of filtered people"},
        "col.city_key": {"zh": "城市代码", "en": "City code"},
        "col.city_name_zh": {"zh": "城市（中文）", "en": "City (Chinese)"},
        "col.city_name_en": {"zh": "城市（英文）", "en": "City (English)"},
        "col.province_name_zh": {"zh": "省份（中文）", "en": "Province (Chinese)"},
        "col.province_name_en": {"zh": "省份（英文）", "en": "Province (English)"},
        "col.latitude_deg": {"zh": "纬度（度）", "en": "Latitude (°)"},
        "col.longitude_deg": {"zh": "经度（度）", "en": "Longitude (°)"},
        "col.is_overseas": {"zh": "海外", "en": "Overseas"},
        "col.row_key": {"zh": "行代码", "en": "Row code"},
        "col.row_label": {"zh": "行", "en": "Row"},
        "col.col_key": {"zh": "列代码", "en": "Column code"},
        "col.col_label": {"zh": "列", "en": "Column"},
        "col.cell_text": {"zh": "显示值", "en": "Shown as"},
    }
)


# -- data ------------------------------------------------------------------------------------------
def population() -> pl.DataFrame:
    """Every current response to the gala's survey with the page's dimensions (experience band
    derived); other surveys have their own view (`dashboard.survey_page`)."""

    def read() -> pl.DataFrame:
        frame = data.query("participants_population")
        return with_derived(frame.filter(pl.col("questionnaire_id") == survey_page.GALA_ID))

    # Every chart of a render reads it: once per request (data.per_request), not per chart.
    return data.per_request(("participants.population",), read)


@dataclass(frozen=True)
class Selection:
    """The page's filters, validated against what the questionnaire and the data know."""

    edition: int | None
    ages: list[str]
    roles: list[str]
    cities: list[str]
    genders: list[str]
    communities: list[str]


@cache
def _option_keys(question_id: str) -> tuple[str, ...]:
    # Cached: load_questionnaire parses the YAML file on every call.
    return tuple(o.key for o in load_questionnaire().question(question_id).options)


def _value_order(dimension: str) -> tuple[str, ...]:
    """The stable order of a dimension's values (questionnaire order)."""
    if dimension == "experience_band":
        return tuple(key for key, _, _ in EXPERIENCE_BANDS)
    question = {"age_band": "age"}.get(dimension, dimension)
    return _option_keys(question)


def city_options(pop: pl.DataFrame) -> list[tuple[str, str, str]]:
    """(city_id, zh, en) of every domestic city seen, most participants first."""
    cities = (
        pop.filter(~pl.col("is_overseas").fill_null(False) & pl.col("city_id").is_not_null())
        .group_by("city_id")
        .agg(
            pl.col("participant_id").n_unique().alias("n"),
            pl.col("city_zh").first(),
            pl.col("city_en").first(),
        )
        .sort(["n", "city_id"], descending=[True, False])
    )
    return [(r["city_id"], r["city_zh"], r["city_en"] or r["city_zh"]) for r in cities.to_dicts()]


def selection(filters: Mapping[str, Any], pop: pl.DataFrame) -> Selection:
    """The filters of the URL; unknown values are dropped, the edition defaults to the latest."""
    years = sorted(pop["edition_year"].unique().drop_nulls().to_list())
    year = urlstate.integer(filters, "edition", years)
    # The cities city_options offers (domestic, seen), as a set: no counting needed here.
    domestic = pop.filter(~pl.col("is_overseas").fill_null(False))["city_id"]
    cities = [*domestic.drop_nulls().unique().to_list(), OVERSEAS]
    return Selection(
        edition=year if year is not None else (years[-1] if years else None),
        ages=urlstate.many(filters, "age", _option_keys("age")),
        roles=urlstate.many(filters, "role", _option_keys("role")),
        cities=urlstate.many(filters, "city", cities),
        genders=urlstate.many(filters, "gender", _option_keys("gender")),
        communities=urlstate.many(filters, "community", _option_keys("communities")),
    )


def apply_selection(pop: pl.DataFrame, sel: Selection) -> pl.DataFrame:
    """The responses that pass every filter of `sel`."""
    conditions = [pl.col("edition_year") == sel.edition]
    if sel.ages:
        conditions.append(pl.col("age_band").is_in(sel.ages))
    if sel.roles:
        conditions.append(pl.col("role").is_in(sel.roles))
    if sel.genders:
        conditions.append(pl.col("gender").is_in(sel.genders))
    if sel.cities:
        in_city = pl.col("city_id").is_in([c for c in sel.cities if c != OVERSEAS])
        if OVERSEAS in sel.cities:
            in_city = in_city | pl.col("is_overseas").fill_null(False)
        conditions.append(in_city.fill_null(False))
    if sel.communities:
        chosen = pl.col("communities").list.eval(pl.element().is_in(sel.communities)).list.any()
        conditions.append(chosen.fill_null(False))
    return pop.filter(pl.all_horizontal(conditions))


def _filters_key(filters: Mapping[str, Any]) -> str:
    return json.dumps(filters, sort_keys=True, default=str, ensure_ascii=False)


def _selected(filters: Mapping[str, Any]) -> Selection:
    """`selection` of the page's population, once per request and filters."""
    key = ("participants.selection", _filters_key(filters))
    return data.per_request(key, lambda: selection(filters, population()))


def people(filters: Mapping[str, Any]) -> pl.DataFrame:
    """The responses the page's filters select (one per participant of the edition)."""
    key = ("participants.people", _filters_key(filters))
    return data.per_request(key, lambda: apply_selection(population(), _selected(filters)))


# -- datasets (what each chart draws and what its download serves) ----------------------------
def _label(dimension: str, key: str | None, lang: str) -> str:
    if key is None or key == UNKNOWN_KEY:
        return UNKNOWN[lang]
    return category_label(dimension, key, lang)


def distribution(filters: Mapping[str, Any], *, dimension: str) -> pl.DataFrame:
    """People per value of `dimension` among the filtered participants (`_distribution`), once
    per request: the cross-tabs read the role and age distributions again as their margins."""
    key = ("participants.distribution", dimension, _filters_key(filters), auth.viewer_key())
    return data.per_request(key, lambda: _distribution(filters, dimension=dimension))


def _distribution(filters: Mapping[str, Any], *, dimension: str) -> pl.DataFrame:
    """People per value of `dimension` among the filtered participants.

    Ordinal dimensions (age, experience, income) keep the questionnaire's order, the others
    are sorted by count; on a multi-select question a person counts under each option chosen
    and people who chose none are left out. `share_of_filtered` = count / filtered people;
    for a viewer limited to groups of k (`auth.viewer_k`), cells are hidden by
    `warehouse.privacy.protect_distribution` and single-choice shares are over shown cells.
    """
    lang = urlstate.lang_of(filters)
    frame = people(filters)
    guard = auth.viewer_protection()
    column = dimension
    if dimension in MULTI_SELECT:
        exploded = frame.explode(column).filter(pl.col(column).is_not_null())
    else:
        exploded = frame
    agg = [pl.col("participant_id").n_unique().alias("n")]
    if guard is not None:
        agg.append(guard.key(pl.col("participant_id")).alias("cell_key"))
    counts = exploded.group_by(column).agg(agg)
    keys = counts[column].to_list()
    numbers = counts["n"].to_list()
    hidden: set[int] = set()
    shown = numbers
    total = frame["participant_id"].n_unique()
    if guard is not None:
        # Every category is listed, the empty ones hidden like any small one: a category left
        # out of one filter's view but present in a cross-tab would say "nobody".
        cell_keys = counts["cell_key"].to_list()
        every = [*_value_order(dimension), *([] if dimension in MULTI_SELECT else [None])]
        chosen = _chosen(filters, dimension)
        if chosen:  # filtered on this dimension: the values left out are known to be empty
            every = [key for key in every if key in chosen]
        missing = [key for key in every if key not in set(keys)]
        keys, numbers = [*keys, *missing], [*numbers, *[0] * len(missing)]
        cell_keys += [0] * len(missing)
        # The shown cells, shares and the match count must not give a hidden cell away, in this
        # view or against the same view with a filter changed: hidden cells are chosen on the
        # true counts, shown ones perturbed by their cell key.
        single = dimension not in MULTI_SELECT
        linked = _linked_view(filters, dimension) if single else None
        if linked is None:
            hidden = protect_distribution(numbers, k=guard.k, adds_up=single)
        else:  # one row of a two-way table: the cells that table hides
            hidden = {
                i
                for i, key in enumerate(keys)
                if numbers[i] < guard.k or (UNKNOWN_KEY if key is None else key) in linked
            }
        shown = guard.counts(numbers, cell_keys)
        if single:  # shares over the published cells only
            total = sum(n for i, n in enumerate(shown) if i not in hidden)
        else:
            total = _shown_total(frame, guard)
    order = _order(dimension, keys, [None if i in hidden else n for i, n in enumerate(shown)])
    frame = pl.DataFrame(
        {
            "category_key": [keys[i] for i in order],
            "category_label": [_label(dimension, keys[i], lang) for i in order],
            "count_participants": [None if i in hidden else shown[i] for i in order],
            "share_of_filtered": [
                None if i in hidden or not total else shown[i] / total for i in order
            ],
        },
        schema={
            "category_key": pl.String,
            "category_label": pl.String,
            "count_participants": pl.Int64,
            "share_of_filtered": pl.Float64,
        },
    )
    if guard is None:
        return frame
    # For a viewer who may see only groups of k or more (researchers), small groups and the
    # complementary cells that would give them away are blanked and flagged, in charts and
    # downloads alike.
    return frame.with_columns(
        pl.Series("is_suppressed", [i in hidden for i in order], dtype=pl.Boolean)
    )


def _chosen(filters: Mapping[str, Any], dimension: str) -> list[str]:
    """The values the page's filters keep for `dimension` (empty: not filtered on it)."""
    sel = _selected(filters)
    return {"age_band": sel.ages, "role": sel.roles, "gender": sel.genders}.get(dimension, [])


def _order(dimension: str, keys: Sequence[str | None], counts: Sequence[int | None]) -> list[int]:
    """Positions in display order: ordinal dimensions in the questionnaire's order, the others
    by the count shown (hidden cells last, then by key), so the order tells no more than the
    figures do."""
    if dimension in charts.ORDINAL_DIMENSIONS:
        order = {key: i for i, key in enumerate(_value_order(dimension))}
        rank = [order.get(k, len(order)) if k is not None else len(order) + 1 for k in keys]
        return sorted(range(len(keys)), key=lambda i: rank[i])
    return sorted(
        range(len(keys)),
        key=lambda i: (counts[i] is None, -(counts[i] or 0), keys[i] is None, keys[i] or ""),
    )


def _shown_total(frame: pl.DataFrame, guard: Protection) -> int:
    """The number of people in `frame` as a viewer limited to k sees it (perturbed)."""
    n = frame["participant_id"].n_unique()
    if n == 0:
        return 0
    key = frame.select(guard.key(pl.col("participant_id"))).item()
    return guard.count(n, key) if n >= guard.k else n


for _name, _dimension in DISTRIBUTIONS.items():
    components.dataset(PAGE, _name, f"participants.title.{_name}")(
        partial(distribution, dimension=_dimension)
    )


def _city_names(frame: pl.DataFrame, lang: str) -> dict[str | None, str]:
    rows = frame.select("city_id", "city_zh", "city_en").unique("city_id").to_dicts()
    return {r["city_id"]: (r["city_en"] if lang == "en" else None) or r["city_zh"] for r in rows}


@components.dataset(PAGE, "map", "participants.title.map")
def city_counts(filters: Mapping[str, Any]) -> pl.DataFrame:
    """People per city of the filtered participants; overseas cities grouped into one row (once
    per request: the map and the role x city margins read it)."""
    key = ("participants.city_counts", _filters_key(filters), auth.viewer_key())
    return data.per_request(key, lambda: _city_counts(filters))


def _city_counts(filters: Mapping[str, Any]) -> pl.DataFrame:
    frame = people(filters)
    overseas = frame["is_overseas"].fill_null(False)
    grouped = frame.with_columns(
        city_key=pl.when(overseas).then(pl.lit(OVERSEAS)).otherwise(pl.col("city_id")),
        city_name_zh=pl.when(overseas)
        .then(pl.lit(t("participants.city.overseas", "zh")))
        .otherwise(pl.col("city_zh").fill_null(UNKNOWN["zh"])),
        city_name_en=pl.when(overseas)
        .then(pl.lit(t("participants.city.overseas", "en")))
        .otherwise(pl.col("city_en").fill_null(pl.col("city_zh")).fill_null(UNKNOWN["en"])),
        province_name_zh=pl.when(overseas).then(None).otherwise(pl.col("province_zh")),
        province_name_en=pl.when(overseas).then(None).otherwise(pl.col("province_en")),
        latitude_deg=pl.when(overseas).then(None).otherwise(pl.col("city_lat")),
        longitude_deg=pl.when(overseas).then(None).otherwise(pl.col("city_lon")),
        is_overseas=overseas,
    )
    keys = [
        "city_key",
        "city_name_zh",
        "city_name_en",
        "province_name_zh",
        "province_name_en",
        "latitude_deg",
        "longitude_deg",
        "is_overseas",
    ]
    guard = auth.viewer_protection()
    agg = [pl.col("participant_id").n_unique().cast(pl.Int64).alias("count_participants")]
    if guard is not None:
        agg.append(guard.key(pl.col("participant_id")).alias("cell_key"))
    counts = grouped.group_by(keys).agg(agg)
    if guard is not None:
        # A viewer limited to groups of k or more sees no city with fewer people (not even
        # where it is: a bubble's place names the city), and the others perturbed.
        counts = counts.filter(pl.col("count_participants") >= guard.k)
        shown = guard.counts(counts["count_participants"].to_list(), counts["cell_key"].to_list())
        counts = counts.with_columns(pl.Series("count_participants", shown, dtype=pl.Int64)).drop(
            "cell_key"
        )
    return counts.sort(
        ["count_participants", "city_key"], descending=[True, False], nulls_last=True
    )


def _crosstab(
    frame: pl.DataFrame,
    rows: Sequence[tuple[str, str]],
    cols: Sequence[tuple[str, str]],
    row_column: str,
    col_column: str,
    margins: Mapping[str, Mapping[str, int | None]] | None = None,
    hidden: set[tuple[str, str]] | None = None,
) -> pl.DataFrame:
    """People per (row key, col key) over the full grid of `rows` x `cols`, small cells marked.

    `margins` ({"rows": {key: shown total or None}, "cols": ...}) are the row and column totals
    a researcher can read off the page's other views; cells are then also hidden so that none
    of fewer than k follows from them (`warehouse.privacy.protect_crosstab`).

    `rows` / `cols` are (key, label) in display order; zero cells are kept (and, being < k,
    read "<k" like any small cell, so an empty cell can't be told from a cell of one person).
    """
    guard = auth.viewer_protection()
    agg = [pl.col("participant_id").n_unique().alias("n")]
    if guard is not None:
        agg.append(guard.key(pl.col("participant_id")).alias("cell_key"))
    counts = frame.group_by(row_column, col_column).agg(agg)
    found = {(r[row_column], r[col_column]): r["n"] for r in counts.to_dicts()}
    if guard is not None:
        keyed = {(r[row_column], r[col_column]): r["cell_key"] for r in counts.to_dicts()}
        shown = {cell: guard.count(n, keyed[cell]) for cell, n in found.items() if n >= guard.k}
    grid = [
        {
            "row_key": rk,
            "row_label": rl,
            "col_key": ck,
            "col_label": cl,
            "count_participants": found.get((rk, ck), 0),
            "shown": shown.get((rk, ck)) if guard is not None else found.get((rk, ck), 0),
        }
        for rk, rl in rows
        for ck, cl in cols
    ]
    table = pl.DataFrame(
        grid,
        schema={
            "row_key": pl.String,
            "row_label": pl.String,
            "col_key": pl.String,
            "col_label": pl.String,
            "count_participants": pl.Int64,
            "shown": pl.Int64,
        },
    )
    marked = suppress_small_cells(table, "count_participants", k=CROSSTAB_K)
    k = guard.k if guard is not None else None
    if k is not None and rows and cols:
        if hidden is None:  # else the hidden cells of the table this grid is (`_linked_hidden`)
            hidden = _protected_cells(
                found,
                [rk for rk, _ in rows],
                [ck for ck, _ in cols],
                margins,
                frame["participant_id"].n_unique(),
            )
        flat = [
            (rk, ck) in hidden or found.get((rk, ck), 0) < k for rk, _ in rows for ck, _ in cols
        ]
        shut = pl.Series(flat, dtype=pl.Boolean)
        marked = marked.with_columns(
            pl.when(shut)
            .then(None)
            .otherwise(pl.col("count_participants"))
            .alias("count_participants"),
            pl.when(shut)
            .then(pl.lit(f"<{k}"))
            .otherwise(pl.col("count_label"))
            .alias("count_label"),
        )
    # Shown cells carry the viewer's figure (perturbed for a viewer limited to k).
    return marked.with_columns(
        pl.when(pl.col("count_participants").is_null())
        .then(None)
        .otherwise(pl.col("shown"))
        .alias("count_participants"),
        pl.when(pl.col("count_participants").is_null())
        .then(pl.col("count_label"))
        .otherwise(pl.col("shown").cast(pl.String))
        .alias("cell_text"),
    ).drop("count_label", "is_suppressed", "shown")


def _protected_cells(
    found: Mapping[tuple[str, str], int],
    row_keys: Sequence[str],
    col_keys: Sequence[str],
    margins: Mapping[str, Mapping[str, int | None]] | None,
    total: int,
) -> set[tuple[str, str]]:
    """The (row key, col key) cells a viewer limited to k must not see in a cross-tab of
    `found` people per cell (`total` people in all): under k, or complementary so that none of
    fewer than k follows from the shown cells and `margins` (`warehouse.privacy.protect_crosstab`).

    The answer depends on the key sets only, not on their display order (the keys are sorted
    first): the same table reached from two views must hide the same cells (`_linked_hidden`).
    """
    k = auth.viewer_k()
    assert k is not None
    row_keys, col_keys = sorted(set(row_keys)), sorted(set(col_keys))
    # Rows and columns nobody is in (listed so that no absence says "nobody") are zeros, hidden
    # as small; they only add unknowns to the sums, so the complementary cells are chosen on the
    # grid of the others (a far smaller problem).
    live_rows = [r for r in row_keys if any(found.get((r, c), 0) for c in col_keys)]
    live_cols = [c for c in col_keys if any(found.get((r, c), 0) for r in row_keys)]
    if not live_rows or not live_cols:
        return set()
    shown = margins or {}
    inner = protect_crosstab(
        [[found.get((r, c), 0) for c in live_cols] for r in live_rows],
        k=k,
        row_margins=[shown.get("rows", {}).get(r) for r in live_rows],
        col_margins=[shown.get("cols", {}).get(c) for c in live_cols],
        total=total,  # the match count
    )
    return {(live_rows[r], live_cols[c]) for r, c in inner}


# -- one filter: the same people in two views ---------------------------------------------------
# A researcher who filters on one value of age, role or gender sees one row of a two-way table
# (e.g. role = founder: founders by gender); filtering on a value of the other dimension shows
# one of its columns (gender = male: men by role), and the unfiltered page shows both margins.
# Hiding cells per view would let one view show a cell another hides as a complement (and the
# hidden cells beside it follow, up to the noise). So single-value views read the hidden cells of
# the whole two-way table, protected once with its margins: the same cells in every view.
LINKED_FILTERS = {"age_band": "age", "role": "role", "gender": "gender"}  # dimension -> URL key
LINK_ORDER = ("role", "gender", "age_band", "experience_band", "hours_per_week", "income")


def _one_filter(filters: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """(dimension, value, the filters without it) when the filters keep one value of exactly
    one of age, role and gender; else None (views of several filters are protected apiece)."""
    sel = _selected(filters)
    picked = [
        (dimension, values)
        for dimension, values in (
            ("age_band", sel.ages),
            ("role", sel.roles),
            ("gender", sel.genders),
        )
        if values
    ]
    if len(picked) != 1 or len(picked[0][1]) != 1:
        return None
    dimension, values = picked[0]
    base = {key: value for key, value in filters.items() if key != LINKED_FILTERS[dimension]}
    return dimension, values[0], base


def _linked_hidden(filters: Mapping[str, Any], first: str, second: str) -> set[tuple[str, str]]:
    """The hidden (`first` key, `second` key) cells of the two-way table over the people
    `filters` select (filtered on neither), every value listed; once per request."""
    key = ("participants.linked", first, second, _filters_key(filters), auth.viewer_key())

    def protect() -> set[tuple[str, str]]:
        frame = _with_unknown(_with_unknown(people(filters), first), second)
        rows = [*_value_order(first), *frame[first].unique().to_list(), UNKNOWN_KEY]
        cols = [*_value_order(second), *frame[second].unique().to_list(), UNKNOWN_KEY]
        margins = {"rows": _shown_margin(filters, first), "cols": _shown_margin(filters, second)}
        counts = frame.group_by(first, second).agg(pl.col("participant_id").n_unique().alias("n"))
        found = {(r[first], r[second]): r["n"] for r in counts.to_dicts()}
        return _protected_cells(found, rows, cols, margins, frame["participant_id"].n_unique())

    return data.per_request(key, protect)


def _linked_view(filters: Mapping[str, Any], dimension: str) -> set[str] | None:
    """The keys of `dimension` hidden in the view filtered on one value (`_one_filter`), as the
    two-way table of that filter's dimension and `dimension` hides them; None when the view is
    not one row or column of such a table."""
    one = _one_filter(filters)
    if one is None or one[0] == dimension or dimension not in LINK_ORDER:
        return None
    filtered, value, base = one
    first, second = sorted((filtered, dimension), key=LINK_ORDER.index)
    cells = _linked_hidden(base, first, second)
    if first == filtered:
        return {c for r, c in cells if r == value}
    return {r for r, c in cells if c == value}


def _role_rows(frame: pl.DataFrame, filters: Mapping[str, Any], *, every: bool) -> list[str]:
    """A cross-tab's role rows: most people first, then (`every`) the roles nobody chose that
    the filters do not already rule out."""
    found = _keys_by_count(frame, "role")
    if not every:
        return found
    chosen = _chosen(filters, "role")
    rest = [r for r in [*_option_keys("role"), UNKNOWN_KEY] if r not in found]
    return found + [r for r in rest if not chosen or r in chosen]


def _keys_by_count(frame: pl.DataFrame, column: str) -> list[str]:
    counts = frame.group_by(column).agg(pl.col("participant_id").n_unique().alias("n"))
    return counts.sort(["n", column], descending=[True, False])[column].to_list()


def _with_unknown(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.with_columns(pl.col(column).fill_null(UNKNOWN_KEY))


@components.dataset(PAGE, "role_city", "participants.title.role_city")
def role_by_city(filters: Mapping[str, Any]) -> pl.DataFrame:
    """People per role (rows, most first) and city (the top cities, then other cities, overseas
    and unknown); cells of fewer than CROSSTAB_K people are marked."""
    lang = urlstate.lang_of(filters)
    frame = _with_unknown(people(filters), "role")
    overseas = frame["is_overseas"].fill_null(False)
    domestic = frame.filter(~overseas & pl.col("city_id").is_not_null())
    top = _keys_by_count(domestic, "city_id")[:TOP_CITIES]
    frame = frame.with_columns(
        city_group=pl.when(overseas)
        .then(pl.lit(OVERSEAS))
        .when(pl.col("city_id").is_null())
        .then(pl.lit(UNKNOWN_KEY))
        .when(pl.col("city_id").is_in(top))
        .then(pl.col("city_id"))
        .otherwise(pl.lit(OTHER_CITIES))
    )
    names = _city_names(frame, lang)
    group_labels = {
        OTHER_CITIES: t("participants.city.other", lang),
        OVERSEAS: t("participants.city.overseas", lang),
        UNKNOWN_KEY: UNKNOWN[lang],
    }
    present = set(frame["city_group"].to_list())
    every = auth.viewer_k() is not None  # every row and column, so no absence says "nobody"
    cols = [(c, names[c]) for c in top] + [
        (g, group_labels[g]) for g in (OTHER_CITIES, OVERSEAS, UNKNOWN_KEY) if g in present or every
    ]
    rows = [(r, _label("role", r, lang)) for r in _role_rows(frame, filters, every=every)]
    shown = {r["city_key"]: r["count_participants"] for r in city_counts(filters).to_dicts()}
    margins = {"rows": _shown_margin(filters, "role"), "cols": shown}
    return _crosstab(frame, rows, cols, "role", "city_group", margins)


def _shown_margin(filters: Mapping[str, Any], dimension: str) -> dict[str, int | None]:
    """A distribution as the viewer sees it: key ("unknown" for no answer) -> count or None."""
    frame = distribution(filters, dimension=dimension)
    return {
        (key if key is not None else UNKNOWN_KEY): n
        for key, n in zip(frame["category_key"], frame["count_participants"], strict=True)
    }


@components.dataset(PAGE, "age_role", "participants.title.age_role")
def age_by_role(filters: Mapping[str, Any]) -> pl.DataFrame:
    """People per role (rows, most first, as in role x city) and age band (columns, youngest
    first: short labels read across the top in both languages); small cells marked."""
    lang = urlstate.lang_of(filters)
    frame = _with_unknown(_with_unknown(people(filters), "role"), "age_band")
    present = set(frame["age_band"].to_list())
    every = auth.viewer_k() is not None  # every row and column, so no absence says "nobody"
    chosen = _chosen(filters, "age_band")
    ages = [
        a
        for a in [*_value_order("age_band"), UNKNOWN_KEY]
        if a in present or (every and (not chosen or a in chosen))
    ]
    rows = [(r, _label("role", r, lang)) for r in _role_rows(frame, filters, every=every)]
    cols = [(a, _label("age_band", a, lang)) for a in ages]
    margins = {"rows": _shown_margin(filters, "role"), "cols": _shown_margin(filters, "age_band")}
    linked = None
    if every and not chosen and not _chosen(filters, "role"):
        # The page's whole role x age table: the cells the one-filter views hide.
        linked = _linked_hidden(filters, "role", "age_band")
    return _crosstab(frame, rows, cols, "role", "age_band", margins, linked)


# -- figures ---------------------------------------------------------------------------------------
def distribution_figure(filters: Mapping[str, Any], name: str) -> go.Figure:
    """The bar chart of one distribution (`DISTRIBUTIONS[name]`)."""
    lang = urlstate.lang_of(filters)
    dimension = DISTRIBUTIONS[name]
    frame = distribution(filters, dimension=dimension)
    frame = frame.select(
        pl.col("category_key").alias("category"),
        pl.col("count_participants").alias("count"),
        *(["is_suppressed"] if "is_suppressed" in frame.columns else []),
    )
    title = t(f"participants.title.{name}", lang)
    return charts.distribution_bar(frame, dimension, lang=lang, title=title)


def crosstab_figure(
    frame: pl.DataFrame, title_key: str, row_dim: str, col_dim: str, lang: str
) -> go.Figure:
    """A cross-tab dataset as a heatmap: suppressed cells (null count) read "<k"."""
    heat = frame.select(
        pl.col("row_label").alias("row"),
        pl.col("col_label").alias("col"),
        pl.col("count_participants").alias("count"),
        pl.col("count_participants").is_null().alias("is_suppressed"),
    )
    return charts.crosstab_heatmap(
        heat,
        lang=lang,
        k=CROSSTAB_K,
        title=t(title_key, lang),
        row_title=t(f"dim.{row_dim}", lang),
        col_title=t(f"dim.{col_dim}", lang),
        top_margin=130,
    )


def map_figure(filters: Mapping[str, Any]) -> go.Figure:
    """The map of participants by city."""
    lang = urlstate.lang_of(filters)
    counts = city_counts(filters)
    k = auth.viewer_k()
    if counts.is_empty() and k is not None and not people(filters).is_empty():
        # Cities under k are left out for this viewer: there are people, in no city shown.
        return charts_participants.city_map(
            counts, lang=lang, empty_key="empty.all_cities_hidden", empty_values={"k": k}
        )
    return charts_participants.city_map(counts, lang=lang)


def summary(filters: Mapping[str, Any]) -> str:
    """How many participants the filters select, out of the edition's."""
    lang = urlstate.lang_of(filters)
    pop = population()
    sel = _selected(filters)
    chosen = people(filters)
    edition = pop.filter(pl.col("edition_year") == sel.edition)
    guard = auth.viewer_protection()
    if guard is None:
        count = fmt_number(chosen["participant_id"].n_unique())
        total = edition["participant_id"].n_unique()
    else:
        total = _shown_total(edition, guard)
        one = _one_filter(filters)
        if one is not None:
            # One value of age, role or gender: its cell of the unfiltered distribution, hidden
            # there too when it is a complementary cell.
            filtered, value, base = one
            shown = _shown_margin(base, filtered).get(value)
        elif chosen["participant_id"].n_unique() < guard.k:
            shown = None
        else:
            shown = _shown_total(chosen, guard)
        count = f"<{guard.k}" if shown is None else fmt_number(shown)
    return t("participants.summary", lang).format(
        count=count,
        total=fmt_number(total),
        edition=_edition_names(lang).get(sel.edition, t("fmt.year", lang).format(year=sel.edition)),
    )


# -- layout ----------------------------------------------------------------------------------------
def _edition_names(lang: str) -> dict[int, str]:
    """Edition display names (届次) from the warehouse's edition list."""
    try:
        frame = data.query("overview_editions")
    except WarehouseError:
        return {}
    column = f"name_{lang}"
    if column not in frame.columns:
        return {}
    return {r["edition_year"]: r[column] for r in frame.to_dicts() if r[column]}


def _options(dimension: str, question_id: str, lang: str) -> list[tuple[str, str]]:
    if dimension == "communities":
        return [(k, option_label("communities", k, lang)) for k in _option_keys(question_id)]
    return [(k, category_label(dimension, k, lang)) for k in _option_keys(question_id)]


def map_card() -> html.Div:
    """The map's card: like `components.chart_card`, but its graph loads the base map from the
    app's own assets (plotly's default topojson CDN is unreachable offline)."""
    return html.Div(
        [
            dcc.Loading(
                dcc.Graph(
                    id=f"{PAGE}-map",
                    config={
                        "displaylogo": False,
                        "responsive": True,
                        "topojsonURL": dash.get_asset_url("topojson/"),
                    },
                    style={"height": f"{MAP_HEIGHT_PX}px"},
                ),
                delay_show=250,
            ),
            components.download_buttons(PAGE, "map"),
        ],
        className="card wide",
    )


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The page for the URL's filters (edition default: the latest with survey responses)."""
    filters: dict[str, Any] = {**query, "lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    try:
        waves = survey_page.waves()
        survey = survey_page.chosen_survey(filters, waves)
        if survey is not None and survey != survey_page.GALA_ID:
            return _survey_layout(filters, waves, survey)
        pop = population()
    except WarehouseError as exc:
        return components.message(PAGE, lang, str(exc))
    if pop.is_empty():
        return components.message(PAGE, lang, t("participants.empty.no_responses", lang))
    sel = selection(filters, pop)
    # The store carries the validated filters only: callbacks never see a dropped URL value.
    filters.update(
        edition=str(sel.edition),
        age=sel.ages,
        role=sel.roles,
        city=sel.cities,
        gender=sel.genders,
        community=sel.communities,
    )
    names = _edition_names(lang)
    years = sorted(pop["edition_year"].unique().drop_nulls().to_list(), reverse=True)
    city_column = 1 if lang == "zh" else 2
    cities = [(c[0], c[city_column]) for c in city_options(pop)]
    cities.append((OVERSEAS, t("participants.city.overseas_all", lang)))
    everyone = t("participants.filter.all", lang)
    multi = partial(components.dropdown, PAGE, multi=True, placeholder=everyone)
    controls = [
        components.dropdown(
            PAGE,
            "edition",
            t("filter.edition", lang),
            [(str(y), names.get(y, t("fmt.year", lang).format(year=y))) for y in years],
            str(sel.edition),
            clearable=False,
        ),
        multi(
            "age", t("participants.filter.age", lang), _options("age_band", "age", lang), sel.ages
        ),
        multi(
            "role", t("participants.filter.role", lang), _options("role", "role", lang), sel.roles
        ),
        multi("city", t("participants.filter.city", lang), cities, sel.cities),
        multi(
            "gender",
            t("participants.filter.gender", lang),
            _options("gender", "gender", lang),
            sel.genders,
        ),
        multi(
            "community",
            t("participants.filter.community", lang),
            _options("communities", "communities", lang),
            sel.communities,
        ),
    ]
    if len(survey_page.surveys(waves, lang)) > 1:
        # Other surveys are in the warehouse: the gala's page gains their selector, nothing else.
        filters["survey"] = survey_page.GALA_ID
        controls.insert(0, survey_page.survey_dropdown(waves, survey_page.GALA_ID, lang))
    return components.page(
        PAGE,
        lang,
        filters,
        controls=controls,
        body=[
            html.P(id=f"{PAGE}-summary", className="intro"),
            map_card(),
            html.Div(
                [components.chart_card(PAGE, name) for name in DISTRIBUTIONS], className="cards"
            ),
            html.P(
                t("participants.crosstab_note", lang).format(k=CROSSTAB_K),
                className="note",
                id=f"{PAGE}-crosstab-note",
            ),
            components.chart_card(PAGE, "role_city", wide=True, height=520),
            components.chart_card(PAGE, "age_role", wide=True, height=460),
        ],
    )


def _survey_layout(filters: dict[str, Any], waves: pl.DataFrame, survey: str) -> html.Div:
    """The page for a survey other than the gala's, driven by its questionnaire."""
    lang = filters["lang"]
    sel = survey_page.selection(filters, waves, survey)
    filters.update(
        survey=survey,
        edition=str(sel.year),
        xrow=sel.row.question_id if sel.row else None,
        xcol=sel.col.question_id if sel.col else None,
    )
    page = components.page(
        PAGE,
        lang,
        filters,
        controls=survey_page.controls(filters, sel, waves, lang),
        body=[
            html.Div(survey_page.body(filters, sel, lang), id=f"{PAGE}-survey"),
            # The gala's callback outputs exist (empty, hidden) so that the renderer has a place
            # for them; the callback itself does nothing for another survey.
            html.Div(
                [html.Div(id=f"{PAGE}-{name}") for name in OUTPUT_NAMES],
                style={"display": "none"},
                id=f"{PAGE}-gala-outputs",
            ),
        ],
    )
    page.children[1].children = t("survey.intro", lang)  # the gala's intro names its questions
    return page


dash.register_page(
    __name__, path="/participants", order=1, title="creatorpulse", page_key=PAGE, layout=layout
)

OUTPUT_NAMES = ("map", *DISTRIBUTIONS, "role_city", "age_role")


def render(filters: dict[str, Any]) -> tuple[Any, ...]:
    """Every chart on the page from its filters."""
    filters = filters or {}
    lang = urlstate.lang_of(filters)
    figures = [map_figure(filters)]
    figures += [distribution_figure(filters, name) for name in DISTRIBUTIONS]
    figures.append(
        crosstab_figure(role_by_city(filters), "participants.title.role_city", "role", "city", lang)
    )
    figures.append(
        crosstab_figure(
            age_by_role(filters), "participants.title.age_role", "role", "age_band", lang
        )
    )
    return (summary(filters), *figures)


@callback(
    Output(f"{PAGE}-summary", "children"),
    *[Output(f"{PAGE}-{name}", "figure") for name in OUTPUT_NAMES],
    Input(components.filters_id(PAGE), "data"),
)
def update(filters: dict[str, Any] | None) -> Any:
    """The registered callback: `render`, cached per snapshot, filters and viewer."""
    if (filters or {}).get("survey", survey_page.GALA_ID) != survey_page.GALA_ID:
        raise PreventUpdate  # another survey's page is drawn with its layout
    return data.output(render, filters or {}, viewer=auth.viewer_key())
