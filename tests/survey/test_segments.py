"""Segmentation: rule segments on the demo warehouse, lift by hand, crosstab small cells, the
clustering pipeline on a planted synthetic population, and versioned runs in the warehouse."""

from __future__ import annotations

import dataclasses
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml
from polars.testing import assert_frame_equal
from sklearn.metrics import adjusted_rand_score

from survey.normalise import coarse_age_band
from survey.segments import (
    SegmentDefinition,
    SegmentError,
    cluster_assignments,
    cluster_members,
    cluster_profiles,
    clustering,
    crosstab,
    fit_clusters,
    latest_run,
    lift_table,
    load_clustering_config,
    load_segment_file,
    population,
    profile_from_frames,
    run_clustering,
    segment_definitions,
    segment_profile,
    segment_runs,
    store_segments,
)
from survey.segments.clustering import _feature_frame
from survey.segments.rules import outcome_frame, outcome_measures
from warehouse import parts
from warehouse.query import Reader, clear_resident
from warehouse.settings import Settings
from warehouse.store import current_snapshot

ROOT = Path(__file__).resolve().parents[2]
PLANTED = yaml.safe_load((ROOT / "etl" / "sample" / "planted.yaml").read_text(encoding="utf-8"))
EDITIONS = sorted(PLANTED["editions"])


# ---------------------------------------------------------------------------------------------
# Demo warehouse, built once for the module


@pytest.fixture(scope="module")
def demo_home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private copy of the shared demo warehouse (these tests write runs), defaults stored."""
    home = tmp_path_factory.mktemp("segments") / "home"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples"))
    assert store_segments(home) == [d.name for d in load_segment_file()]
    yield home


@pytest.fixture(scope="module")
def reader(demo_home: Path) -> Iterator[Reader]:
    """A reader of the demo warehouse."""
    r = Reader(demo_home)
    yield r
    r.close()


def sql(home: Path, statement: str) -> list[tuple[Any, ...]]:
    """Run SQL on the published snapshot directly (the independent check)."""
    with parts.connect(current_snapshot(home), read_only=True) as con:
        return con.execute(statement).fetchall()


# ---------------------------------------------------------------------------------------------
# Rule segments on the demo warehouse


@pytest.mark.parametrize("year", EDITIONS)
def test_product_managers_share_and_top_city_match_the_planted_targets(
    reader: Reader, year: int
) -> None:
    targets = PLANTED["editions"][year]["targets"]
    profile = segment_profile(reader, {"role": "product_manager"})
    pm = profile.by_edition.filter(pl.col("edition_year") == year).row(0, named=True)
    assert pm["share"] == pytest.approx(
        targets["role"]["product_manager"], abs=targets["tolerance"]
    )
    assert pm["share"] >= 0.40
    within = segment_profile(reader, {"role": "product_manager", "edition": year})
    assert within.summary["size"][0] == pm["size"]
    cities = {c: s for c, s in targets["city"].items() if c not in {"tail", "overseas"}}
    planted_top = max(cities, key=cities.__getitem__)
    table = crosstab(reader, "city", "edition", edition=year, k=None)
    by_city = (
        table.group_by("row_value")
        .agg(pl.col("row_total").first())
        .sort("row_total", descending=True)
    )
    assert by_city["row_value"][0] == planted_top
    assert table.filter(pl.col("row_value") == planted_top)["row_en"][0] == "Shanghai"


def test_named_segment_size_equals_a_direct_count(demo_home: Path, reader: Reader) -> None:
    profile = segment_profile(reader, "shanghai-pm-25-34")
    summary = profile.summary.row(0, named=True)
    [(count, people, total)] = sql(
        demo_home,
        "select count(*) filter (where city_zh = '上海' and role = 'product_manager'"
        " and age_band in ('25_29', '30_34')),"
        " count(distinct participant_id) filter (where city_zh = '上海'"
        " and role = 'product_manager' and age_band in ('25_29', '30_34')),"
        " count(*) from mart_survey_response",
    )
    assert count >= 5
    assert summary["segment"] == "shanghai-pm-25-34"
    assert summary["label_en"].startswith("Shanghai")
    assert (summary["size"], summary["count_participants"], summary["population"]) == (
        count,
        people,
        total,
    )
    assert summary["share"] == pytest.approx(count / total)
    assert summary["is_empty"] is False
    assert profile.by_edition["size"].sum() == count
    # the filters' own categories are the whole segment, so their lift is 1 / overall share
    role = profile.lift.filter(
        pl.col("edition_year").is_null()
        & (pl.col("dimension") == "role")
        & (pl.col("value") == "product_manager")
    ).row(0, named=True)
    assert role["share_in_segment"] == 1.0
    assert role["lift"] == pytest.approx(1 / role["share_overall"])
    # outcome measures exist in the demo data
    assert 0 <= summary["satisfaction_mean"] <= 10
    assert 0 <= summary["will_return_share"] <= 1
    assert summary["plays"] > 0
    assert 0 < summary["engagement_rate"] < 1


def test_definitions_are_stored_once_and_shared(demo_home: Path, reader: Reader) -> None:
    before = current_snapshot(demo_home)
    assert store_segments(demo_home) == []  # unchanged: nothing written, nothing published
    assert current_snapshot(demo_home) == before
    stored = segment_definitions(reader)
    assert set(stored["segment_name"]) >= {"shanghai-pm-25-34"}
    with pytest.raises(SegmentError, match="unknown segment 'nope'"):
        segment_profile(reader, "nope")


def test_bad_filters_are_clear_errors(reader: Reader) -> None:
    with pytest.raises(SegmentError, match="unknown segment filter 'colour'"):
        segment_profile(reader, {"colour": "red"})
    with pytest.raises(SegmentError, match="unknown value 'astronaut'"):
        segment_profile(reader, {"role": "astronaut"})
    with pytest.raises(SegmentError, match="not a city"):
        segment_profile(reader, {"city": "火星"})
    with pytest.raises(SegmentError, match="min 24 > max 12"):
        segment_profile(reader, {"experience_months": {"min": 24, "max": 12}})


def test_city_filters_accept_any_spelling_the_normaliser_maps(reader: Reader) -> None:
    sizes = {
        spelling: segment_profile(reader, {"city": spelling}, k=None).summary["size"][0]
        for spelling in ("上海", "Shanghai", "上海市")
    }
    assert len(set(sizes.values())) == 1 and sizes["上海"] > 0


def test_empty_segment_is_zeros_and_nulls_with_a_flag(reader: Reader) -> None:
    for k in (None, 5):
        profile = segment_profile(reader, {"edition": 1999, "tools": ["sora"]}, k=k)
        summary = profile.summary.row(0, named=True)
        assert profile.is_empty and summary["is_empty"] is True
        assert summary["population"] > 0
        assert summary["satisfaction_mean"] is None and summary["plays"] is None
        if k is None:
            assert (summary["size"], summary["share"]) == (0, 0.0)
            assert profile.by_edition["size"].to_list() == [0] * len(EDITIONS)
        else:
            assert summary["size"] is None and summary["count_label"] == "<5"
        assert profile.lift.is_empty()
        assert profile.as_dict()["summary"]["is_empty"] is True


def test_crosstab_marks_small_cells(reader: Reader) -> None:
    raw = crosstab(reader, "role", "city", k=None)
    shown = crosstab(reader, "role", "city", k=5)
    assert raw.height == shown.height
    assert not raw["is_suppressed"].any()
    both = raw.join(shown, on=["row_value", "col_value"], nulls_equal=True, suffix="_k")
    small = both.filter(pl.col("count") < 5)
    large = both.filter(pl.col("count") >= 5)
    assert small.height > 0 and large.height > 0
    assert small["is_suppressed_k"].all()
    assert small["count_label_k"].unique().to_list() == ["<5"]
    for column in ("count_k", "share_of_row_k", "lift_k"):
        assert small[column].is_null().all()
    assert not large["is_suppressed_k"].any()
    assert (large["count_k"] == large["count"]).all()
    # lift = share of the city within the role / the city's share overall
    expected = (raw["count"] / raw["row_total"]) / (raw["col_total"] / raw["total"])
    assert np.allclose(raw["lift"].to_numpy(), expected.to_numpy())
    # single-choice rows: the cells of a row add up to the row
    sums = raw.group_by("row_value").agg(pl.col("count").sum(), pl.col("row_total").first())
    assert (sums["count"] == sums["row_total"]).all()


def test_crosstab_of_a_multi_select_dimension_counts_people_per_item(reader: Reader) -> None:
    table = crosstab(reader, "tools", "role", edition=EDITIONS[-1], k=None)
    year = EDITIONS[-1]
    kling = table.filter(pl.col("row_value") == "kling")
    share = kling["row_total"][0] / kling["total"][0]
    target = PLANTED["editions"][year]["targets"]
    assert share == pytest.approx(target["tools"]["kling"], abs=target["tolerance"])
    with pytest.raises(SegmentError, match="experience_band"):
        crosstab(reader, "experience_months", "role")


# ---------------------------------------------------------------------------------------------
# Lift by hand on tiny frames


def test_lift_table_by_hand() -> None:
    frame = pl.DataFrame({"group": ["A", "A", "A", "B"], "value": ["x", "x", "y", "y"]})
    table = lift_table(frame, "group", "value")
    got = {(r["group"], r["value"]): r for r in table.to_dicts()}
    assert got["A", "x"]["count"] == 2 and got["A", "x"]["group_total"] == 3
    assert got["A", "x"]["share_in_group"] == pytest.approx(2 / 3)
    assert got["A", "x"]["share_overall"] == pytest.approx(2 / 4)
    assert got["A", "x"]["lift"] == pytest.approx((2 / 3) / (2 / 4))
    assert got["A", "y"]["lift"] == pytest.approx((1 / 3) / (2 / 4))
    assert got["B", "y"]["lift"] == pytest.approx(1 / (2 / 4))
    assert got["B", "x"]["count"] == 0 and got["B", "x"]["lift"] == 0.0  # zeros are listed

    # multi-select: a person counts once under each item; shares are of people, not mentions
    tools = pl.DataFrame(
        {"group": ["g1", "g1", "g2", "g2"], "tools": [["k", "j"], ["k", "k"], [], ["j"]]}
    )
    got = {(r["group"], r["value"]): r for r in lift_table(tools, "group", "tools").to_dicts()}
    assert got["g1", "k"]["count"] == 2 and got["g1", "k"]["lift"] == pytest.approx(1.0 / 0.5)
    assert got["g1", "j"]["lift"] == pytest.approx(0.5 / 0.5)
    assert got["g2", "j"]["lift"] == pytest.approx(0.5 / 0.5)
    assert got["g2", "k"]["lift"] == 0.0


def tiny_population(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A population frame shaped like the segment_population query, with defaults."""
    base: dict[str, Any] = {
        "response_id": None,
        "participant_id": None,
        "edition_year": 2024,
        "age_band": "25_29",
        "age_band_coarse": "25_34",
        "gender": "male",
        "role": "designer",
        "city_zh": "北京",
        "province_zh": "北京",
        "city_tier": "1",
        "experience_months": 6.0,
        "hours_per_week": "5_10",
        "income": "none",
        "tools": [],
        "motivations": [],
        "satisfaction": None,
        "will_return": None,
        "returned_next": None,
        "works_after_gala": None,
    }
    return pl.DataFrame(
        [
            base | {"response_id": f"r{i}", "participant_id": f"p{i}"} | row
            for i, row in enumerate(rows)
        ],
        schema_overrides={"tools": pl.List(pl.String), "motivations": pl.List(pl.String)},
    )


def test_segment_lift_against_each_edition_by_hand() -> None:
    # 2024: 4 people, 2 product managers; 2025: 6 people, 1 product manager -> overall 3 / 10
    rows = [{"edition_year": 2024, "role": "product_manager"}] * 2 + [{"edition_year": 2024}] * 2
    rows += [{"edition_year": 2025, "role": "product_manager", "satisfaction": 9.0}]
    rows += [{"edition_year": 2025, "satisfaction": 5.0}] * 5
    profile = profile_from_frames(tiny_population(rows), None, {"role": "product_manager"}, k=None)
    summary = profile.summary.row(0, named=True)
    assert (summary["size"], summary["population"], summary["share"]) == (3, 10, 0.3)
    lifts = dict(zip(profile.by_edition["edition_year"], profile.by_edition["lift"], strict=True))
    assert lifts[2024] == pytest.approx((2 / 4) / 0.3)
    assert lifts[2025] == pytest.approx((1 / 6) / 0.3)
    # the segment's role share is 1 against 3/10 overall and 1 against 1/6 within 2025
    lift = profile.lift.filter(
        (pl.col("dimension") == "role") & (pl.col("value") == "product_manager")
    )
    by_scope = dict(zip(lift["edition_year"], lift["lift"], strict=True))
    assert by_scope[None] == pytest.approx(1 / 0.3)
    assert by_scope[2025] == pytest.approx(6.0)
    assert summary["satisfaction_mean"] == 9.0 and summary["count_satisfaction"] == 1
    # with k = 5, the 3-person segment and its 1-person satisfaction are suppressed
    hidden = profile_from_frames(tiny_population(rows), None, {"role": "product_manager"})
    row = hidden.summary.row(0, named=True)
    assert row["is_suppressed"] and row["size"] is None and row["satisfaction_mean"] is None
    # the lift against all editions alone (the dashboard's) is those rows of the full table
    overall = profile_from_frames(
        tiny_population(rows), None, {"role": "product_manager"}, k=None, lift_by_edition=False
    )
    assert overall.lift["edition_year"].is_null().all()
    assert_frame_equal(overall.lift, profile.lift.filter(pl.col("edition_year").is_null()))


# ---------------------------------------------------------------------------------------------
# Learned segments on a planted synthetic population

PERSONAS: list[dict[str, Any]] = [
    {"role": "product_manager", "city": ("上海", "1"), "age": "25_29", "tools": ["kling", "jimeng"],
     "hours": "5_10", "motivations": ["career", "exposure"], "income": "lt_1k", "months": 12},
    {"role": "student", "city": ("成都", "new_1"), "age": "18_24", "tools": ["stable_diffusion", "comfyui"],
     "hours": "10_20", "motivations": ["learn", "fun"], "income": "none", "months": 4},
    {"role": "film_advertising", "city": ("北京", "1"), "age": "35_39", "tools": ["runway", "sora", "midjourney"],
     "hours": "gt_20", "motivations": ["exposure", "feedback"], "income": "10k_50k", "months": 30},
    {"role": "engineer", "city": ("杭州", "new_1"), "age": "30_34", "tools": ["comfyui", "suno", "hailuo"],
     "hours": "lt_5", "motivations": ["friends", "learn"], "income": "1k_10k", "months": 20},
]  # fmt: skip
ROLES = ["product_manager", "designer", "engineer", "film_advertising", "student", "founder"]
CITIES = [("上海", "1"), ("北京", "1"), ("杭州", "new_1"), ("成都", "new_1"), ("福州", "2")]
AGES = ["18_24", "25_29", "30_34", "35_39", "40_44"]
TOOLS = ["midjourney", "stable_diffusion", "comfyui", "kling", "jimeng", "vidu", "runway", "sora",
         "suno", "tongyi", "hailuo"]  # fmt: skip
MOTIVATIONS = ["learn", "exposure", "friends", "feedback", "career", "fun"]
HOURS = ["lt_5", "5_10", "10_20", "gt_20"]
INCOMES = ["none", "lt_1k", "1k_10k", "10k_50k", "gt_50k"]


def synthetic_population(
    n: int = 400, *, seed: int = 20240210, fidelity: float = 0.8
) -> tuple[pl.DataFrame, np.ndarray]:
    """n people from 4 personas (round robin): each answer is the persona's with probability
    `fidelity`, else random; tools/motivations keep most of the persona's and add a few.
    Returns the profile frame and the planted persona of each row."""
    rng = np.random.default_rng(seed)

    def pick(own: Any, pool: list[Any]) -> Any:
        return own if rng.random() < fidelity else pool[rng.integers(len(pool))]

    rows, planted = [], []
    for i in range(n):
        persona = PERSONAS[i % 4]
        city_zh, tier = pick(persona["city"], CITIES)
        age = pick(persona["age"], AGES)
        rows.append(
            {
                "participant_id": f"p{i:04d}",
                "age_band": age,
                "age_band_coarse": coarse_age_band(age),
                "role": pick(persona["role"], ROLES),
                "city_zh": city_zh,
                "city_tier": tier,
                "experience_months": float(max(0, round(rng.normal(persona["months"], 4)))),
                "tools": [t for t in persona["tools"] if rng.random() < 0.85]
                + [t for t in TOOLS if t not in persona["tools"] and rng.random() < 0.08],
                "hours_per_week": pick(persona["hours"], HOURS),
                "motivations": [m for m in persona["motivations"] if rng.random() < 0.8]
                + [
                    m for m in MOTIVATIONS if m not in persona["motivations"] and rng.random() < 0.1
                ],
                "income": pick(persona["income"], INCOMES),
            }
        )
        planted.append(i % 4)
    return pl.DataFrame(rows), np.array(planted)


@pytest.fixture(scope="module")
def synthetic() -> tuple[pl.DataFrame, np.ndarray, Any]:
    """The planted population and its clustering with the shipped config (k by silhouette)."""
    profiles, planted = synthetic_population()
    return profiles, planted, fit_clusters(profiles, load_clustering_config())


def test_clustering_recovers_the_planted_personas(
    synthetic: tuple[pl.DataFrame, np.ndarray, Any],
) -> None:
    profiles, planted, fit = synthetic
    assert fit.k == 4 and not fit.is_k_fixed
    assert fit.silhouette == max(fit.silhouette_by_k.values())
    ari = adjusted_rand_score(planted, fit.assignments["cluster_id"].to_numpy())
    assert ari >= 0.7
    assert fit.stability is not None and fit.stability >= 0.7
    assert fit.assignments["participant_id"].to_list() == profiles["participant_id"].to_list()
    assert fit.clusters["count_participants"].sum() == profiles.height
    assert fit.clusters["count_participants"].to_list() == sorted(
        fit.clusters["count_participants"].to_list(), reverse=True
    )
    # the cluster holding most of the Shanghai product-manager persona is described as such
    members = fit.assignments.with_columns(persona=pl.Series(planted))
    cluster = members.filter(pl.col("persona") == 0)["cluster_id"].mode().sort().item(0)
    described = fit.clusters.filter(pl.col("cluster_id") == cluster).row(0, named=True)
    assert described["label_zh"].startswith("上海 · 产品经理 · 25–34 · ")
    assert described["label_en"].startswith("Shanghai · Product manager · 25–34 · ")
    assert "可灵" in described["label_zh"] and "Kling" in described["label_en"]
    assert all(item["lift"] >= 1.25 for item in described["features"])


def test_clustering_is_deterministic(synthetic: tuple[pl.DataFrame, np.ndarray, Any]) -> None:
    profiles, _, fit = synthetic
    again = fit_clusters(profiles, load_clustering_config())
    assert again.assignments.equals(fit.assignments)
    assert again.silhouette_by_k == fit.silhouette_by_k
    assert again.stability == fit.stability
    assert again.clusters.equals(fit.clusters)


def test_a_large_population_is_fitted_on_a_sample_and_everyone_is_assigned() -> None:
    profiles, planted = synthetic_population(400, seed=11)
    sampled = dataclasses.replace(
        load_clustering_config(), fit_sample=160, silhouette_sample=90, n_bootstrap=4
    )
    fit = fit_clusters(profiles, sampled)
    assert fit.k == 4 and set(fit.silhouette_by_k) == set(range(2, 9))
    assert fit.assignments["participant_id"].to_list() == profiles["participant_id"].to_list()
    assert adjusted_rand_score(planted, fit.assignments["cluster_id"].to_numpy()) >= 0.7
    assert fit.stability is not None and len(fit.bootstrap_ari) == 4
    # everyone, fitted or not, is in the cluster of the nearest centre
    features, _ = _feature_frame(profiles, sampled)
    nearest = fit.pipeline.predict(features)
    assert adjusted_rand_score(nearest, fit.assignments["cluster_id"].to_numpy()) == 1.0
    again = fit_clusters(profiles, sampled)
    assert again.assignments.equals(fit.assignments)
    assert again.silhouette_by_k == fit.silhouette_by_k and again.stability == fit.stability


def test_the_fit_does_not_depend_on_how_many_cores_run_it(
    synthetic: tuple[pl.DataFrame, np.ndarray, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    profiles, _, _ = synthetic
    config = dataclasses.replace(load_clustering_config(), n_bootstrap=6)
    fits = []
    for cores in (1, 4):
        monkeypatch.setattr(clustering.os, "cpu_count", lambda cores=cores: cores)
        fits.append(fit_clusters(profiles, config))
    serial, parallel = fits
    assert serial.assignments.equals(parallel.assignments)
    assert serial.silhouette_by_k == parallel.silhouette_by_k
    assert serial.bootstrap_ari == parallel.bootstrap_ari and len(serial.bootstrap_ari) == 6


def test_too_few_people_or_too_large_k_are_clear_errors() -> None:
    profiles, _ = synthetic_population(12, seed=3)
    quick = dataclasses.replace(load_clustering_config(), n_bootstrap=2)
    with pytest.raises(SegmentError, match="at least 3 participants"):
        fit_clusters(profiles.head(1), quick)
    with pytest.raises(SegmentError, match=r"k=20 cannot be fitted to 12 participants"):
        fit_clusters(profiles, quick, k=20)
    with pytest.raises(SegmentError, match="k=1 cannot be fitted"):
        fit_clusters(profiles, quick, k=1)
    same = pl.concat([profiles.head(1)] * 5).with_columns(
        participant_id=pl.Series([f"q{i}" for i in range(5)])
    )
    with pytest.raises(SegmentError, match="1 distinct profile"):
        fit_clusters(same, quick, k=2)
    # documented fallback: the silhouette range is clipped to k <= n - 1
    fit = fit_clusters(profiles.head(4), quick)
    assert 2 <= fit.k <= 3 and set(fit.silhouette_by_k) <= {2, 3}
    with pytest.raises(SegmentError, match="lack the clustering column"):
        fit_clusters(profiles.drop("tools"), quick)


# ---------------------------------------------------------------------------------------------
# Runs in the warehouse


def test_a_stored_run_is_the_latest_with_one_assignment_per_participant(
    demo_home: Path, reader: Reader
) -> None:
    quick = dataclasses.replace(load_clustering_config(), n_bootstrap=3)
    first = run_clustering(demo_home, k=3, config=quick)
    second = run_clustering(demo_home, config=dataclasses.replace(quick, k_max=4))
    latest = latest_run(reader)
    assert latest is not None and latest["run_id"] == second.run_id != first.run_id
    assert latest["params"]["k"] == {"min": 2, "max": 4, "fixed": None}
    assert first.is_k_fixed and first.k == 3 and not second.is_k_fixed
    assert segment_runs(reader).height == 2

    [(participants,)] = sql(
        demo_home, "select count(distinct participant_id) from mart_survey_response"
    )
    assignments = cluster_assignments(reader)
    assert assignments.height == participants == second.count_participants
    assert assignments["participant_id"].n_unique() == participants
    assert set(assignments["cluster_id"]) == set(range(1, second.k + 1))
    members = cluster_members(reader)  # the same people, for joins: no order, no response ids
    assert members.columns == ["participant_id", "edition_year", "cluster_id"]
    assert_frame_equal(
        members.sort("participant_id", "edition_year"),
        assignments.select(members.columns).sort("participant_id", "edition_year"),
    )

    profiles = cluster_profiles(reader)
    assert profiles["run_id"].unique().to_list() == [second.run_id]
    assert profiles.height == second.k
    assert profiles["count_participants"].sum() == participants
    assert (profiles["label_en"].str.len_chars() > 0).all()
    assert profiles["satisfaction_mean"].is_between(0, 10).all()

    older = cluster_profiles(reader, first.run_id)
    assert older.height == 3 and cluster_assignments(reader, first.run_id).height == participants
    with pytest.raises(SegmentError, match="unknown clustering run"):
        cluster_profiles(reader, "seg-nope")


def test_the_population_is_read_once_per_published_snapshot(
    demo_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples"))
    names: list[str] = []
    run = Reader._run

    def counted(con: Any, sql: str, params: dict[str, Any]) -> pl.DataFrame:
        names.extend(n for n in ("segment_population",) if f"from mart_{n}" in sql)
        return run(con, sql, params)

    monkeypatch.setattr(Reader, "_run", staticmethod(counted))
    clear_resident()
    reader = Reader(home)
    first = population(reader)
    first.drop_in_place("role")  # a caller changing its frame does not change the next one's
    second = population(reader)
    assert names.count("segment_population") == 1 and "role" in second.columns
    assert second.height == first.height > 0
    store_segments(home, [SegmentDefinition.create("students", {"role": ["student"]})])
    assert segment_profile(reader, "students").summary["size"][0] > 0
    assert names.count("segment_population") == 2  # a new snapshot is read again, once
    reader.close()


def test_a_failed_run_publishes_nothing(demo_home: Path) -> None:
    before = current_snapshot(demo_home)
    with pytest.raises(SegmentError, match="k=100000 cannot be fitted"):
        run_clustering(demo_home, k=100_000)
    assert current_snapshot(demo_home) == before


def _outcomes_one_by_one(
    responses: pl.DataFrame, program_frame: pl.DataFrame, k: int | None
) -> dict[str, Any]:
    """The outcome measures of one set of responses, value by value in Python (the reference)."""

    def known(column: str) -> list[Any]:
        return [v for v in responses[column].to_list() if v is not None]

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    satisfaction, will, returned = (
        known("satisfaction"),
        known("will_return"),
        known("returned_next"),
    )
    works = known("works_after_gala")
    people = set(zip(responses["participant_id"], responses["edition_year"], strict=True))
    made = [
        r for r in program_frame.to_dicts() if (r["participant_id"], r["edition_year"]) in people
    ]
    per_program = {r["program_id"]: r for r in made}
    views = [r["views"] for r in per_program.values() if r["views"] is not None]
    plays = sum(views) if views else None
    engagements = sum(r["engagements"] or 0 for r in per_program.values()) if views else None
    out = {
        "satisfaction_mean": mean(satisfaction),
        "count_satisfaction": len(satisfaction),
        "will_return_share": mean([float(v == "yes") for v in will]),
        "count_will_return": len(will),
        "return_rate": mean([float(v) for v in returned]),
        "count_return_eligible": len(returned),
        "works_after_gala_mean": mean(works),
        "publishing_share": mean([float(w > 0) for w in works]),
        "count_activity_known": len(works),
        "count_programs": len(per_program),
        "count_program_creators": len({(r["participant_id"], r["edition_year"]) for r in made}),
        "plays": plays,
        "engagements": engagements,
        "engagement_rate": engagements / plays if plays else None,
    }
    bases = {
        "count_satisfaction": ["satisfaction_mean"],
        "count_will_return": ["will_return_share"],
        "count_return_eligible": ["return_rate"],
        "count_activity_known": ["works_after_gala_mean", "publishing_share"],
        "count_program_creators": ["count_programs", "plays", "engagements", "engagement_rate"],
    }
    if k is not None:
        for base, measures in bases.items():
            if out[base] < k:
                out.update(dict.fromkeys([base, *measures]))
    return out


def _same_outcomes(got: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Equal keys; counts and nulls equal; means equal up to the last bits of a float sum."""
    return got.keys() == expected.keys() and all(
        got[key] == value
        if value is None or isinstance(value, int)
        else got[key] is not None and math.isclose(got[key], value, rel_tol=1e-12)
        for key, value in expected.items()
    )


@pytest.mark.parametrize("k", [None, 5, 40])
def test_outcomes_of_every_group_at_once_match_each_group_by_itself(k: int | None) -> None:
    """`outcome_frame` (all clusters in one pass) gives each group what `outcome_measures` and
    a value-by-value reference give it alone, nulls, empty groups and small groups included."""
    rng = np.random.default_rng(7)
    n = 600

    def with_nulls(values: np.ndarray, share: float) -> list[Any]:
        return [None if rng.random() < share else v.item() for v in values]

    responses = pl.DataFrame(
        {
            "participant_id": [f"p{i % 450}" for i in range(n)],
            "edition_year": [2024 + i % 3 for i in range(n)],
            "cluster_id": rng.integers(1, 9, n).tolist(),
            "satisfaction": with_nulls(rng.integers(0, 11, n).astype(float), 0.2),
            "will_return": with_nulls(rng.choice(np.array(["yes", "no", "maybe"]), n), 0.3),
            "returned_next": with_nulls(rng.random(n) < 0.4, 0.5),
            "works_after_gala": with_nulls(rng.integers(0, 4, n), 0.6),
        },
        schema_overrides={"cluster_id": pl.Int64, "works_after_gala": pl.Int64},
    )
    # one tiny cluster (under every k but None) and one with no program creator at all
    responses = responses.with_columns(
        pl.when(pl.int_range(pl.len()) < 3)
        .then(20)
        .otherwise(pl.col("cluster_id"))
        .alias("cluster_id")
    )
    creators = responses.filter(pl.col("cluster_id") != 8).select("participant_id", "edition_year")
    picked = creators.sample(150, seed=3)
    programs = picked.with_columns(
        program_id=pl.Series([f"P{i % 60}" for i in range(150)]),
        views=pl.Series(with_nulls(rng.integers(0, 10_000, 150), 0.1), dtype=pl.Int64),
        engagements=pl.Series(with_nulls(rng.integers(0, 900, 150), 0.1), dtype=pl.Int64),
    )
    # a program's totals are the program's: the same on every creator's row
    programs = programs.with_columns(
        pl.col("views", "engagements").first().over("program_id")
    ).select("program_id", "edition_year", "participant_id", "views", "engagements")

    grouped = outcome_frame(responses, programs, by="cluster_id", k=k)
    assert sorted(grouped["cluster_id"]) == sorted(responses["cluster_id"].unique())
    for row in grouped.to_dicts():
        group = responses.filter(pl.col("cluster_id") == row.pop("cluster_id"))
        expected = _outcomes_one_by_one(group, programs, k)
        assert _same_outcomes(row, expected), (row, expected)
        assert _same_outcomes(outcome_measures(group, programs, k=k), expected)
    nobody = outcome_measures(responses.clear(), programs, k=k)
    assert nobody == _outcomes_one_by_one(responses.clear(), programs, k)
