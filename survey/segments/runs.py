"""Versioned clustering runs in the warehouse: fit, store, and read back the latest.

`run_clustering` reads each participant's latest current response, fits the clusters
(`survey.segments.clustering.fit_clusters`) and writes `segment_run`, `segment_assignment` and
`segment_cluster` in one transaction under a new run_id. Given a home it writes through
`open_for_write` and publishes a new snapshot, like a load; given a write session it writes into
that session and the caller's block publishes. Runs are never changed afterwards: readers use the
latest one unless they name another.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl

from survey.segments._warehouse import HomeOrSession, Source, run_query, session_for, write
from survey.segments.clustering import (
    ALGORITHM,
    ClusterFit,
    ClusteringConfig,
    fit_clusters,
    load_clustering_config,
)
from survey.segments.errors import SegmentError
from survey.segments.rules import (
    OUTCOME_COLUMNS,
    OUTCOME_COUNTS,
    outcome_frame,
    population,
    programs,
)
from survey.segments.surveys import (
    gala_id,
    load_survey_dimensions,
    load_survey_population,
    resolve_survey,
    survey_candidates,
    survey_feature_overrides,
    survey_features,
    usable_features,
)
from warehouse.privacy import DEFAULT_K, suppress_small_cells


@dataclass(frozen=True)
class RunResult:
    """A stored clustering run."""

    run_id: str
    created_at: datetime
    k: int
    is_k_fixed: bool
    silhouette: float
    silhouette_by_k: dict[int, float]
    stability: float | None
    count_bootstrap: int
    count_participants: int
    params: dict[str, Any]
    assignments: pl.DataFrame  # participant_id, cluster_id, response_id, edition_year
    clusters: pl.DataFrame  # cluster_id, count_participants, share, label_zh, label_en, features

    def as_dict(self, *, with_assignments: bool = False) -> dict[str, Any]:
        """Plain data for JSON (assignments only when asked: they are one row per person)."""
        out: dict[str, Any] = {
            "run_id": self.run_id,
            "created_at": self.created_at.isoformat(),
            "algorithm": ALGORITHM,
            "k": self.k,
            "is_k_fixed": self.is_k_fixed,
            "silhouette": self.silhouette,
            "silhouette_by_k": {str(k): v for k, v in self.silhouette_by_k.items()},
            "stability": self.stability,
            "count_bootstrap": self.count_bootstrap,
            "count_participants": self.count_participants,
            "params": self.params,
            "clusters": self.clusters.to_dicts(),
        }
        if with_assignments:
            out["assignments"] = self.assignments.to_dicts()
        return out


def latest_profiles(pop: pl.DataFrame) -> pl.DataFrame:
    """One row per participant: the latest current response (latest edition, then submission)."""
    return pop.sort(["edition_year", "submitted_at", "response_id"], nulls_last=False).unique(
        "participant_id", keep="last", maintain_order=True
    )


def run_clustering(
    home_or_session: HomeOrSession,
    *,
    k: int | None = None,
    config: ClusteringConfig | None = None,
    questionnaire_id: str | None = None,
    features: list[str] | None = None,
) -> RunResult:
    """Fit the learned segments on a survey's participants and store them as a new run.

    k: a fixed number of clusters (else the config's k.fixed, else the best silhouette in the
    config's range). questionnaire_id: the survey (default: the gala's if it has responses,
    else the only survey; several others are refused, naming them). Another survey clusters on
    `features` (question ids), else clustering.yaml's `surveys.ID.features`, else its
    demographic and choice questions. Features that cannot be used are left out and recorded
    with the reason (params.features_unused); none usable, or too few participants, raise a
    SegmentError. params.questionnaire_id says which survey a run clustered.
    """
    config = config or load_clustering_config()
    with session_for(home_or_session) as session:
        survey = survey_to_cluster(session, questionnaire_id)
        describe_with: dict[str, Any] = {}
        if survey == gala_id():
            profiles = latest_profiles(population(session))
            if profiles.is_empty():
                raise SegmentError("the warehouse has no survey responses to cluster")
            choice = usable_features(profiles, config)
        else:
            dims = load_survey_dimensions(session, survey)
            profiles = latest_profiles(load_survey_population(session, dims))
            if profiles.is_empty():
                raise SegmentError(f"survey {survey!r} has no responses to cluster")
            if features is None:
                features = survey_feature_overrides().get(survey)
            choice = survey_features(profiles, dims, config, features)
            describe_with = {
                "dimensions": dims.by_name,
                "label": dims.value_label,
                "context": dims.context,
            }
        if not choice.config.features:
            reasons = "; ".join(f"{f}: {r}" for f, r in choice.unused) or "none configured"
            raise SegmentError(f"no clustering feature can be used ({reasons})")
        fit = fit_clusters(profiles, choice.config, k=k, describe_with=describe_with)
        created_at = datetime.now(UTC).replace(tzinfo=None)
        run_id = "seg-" + created_at.strftime("%Y%m%dT%H%M%S%fZ")
        params = choice.config.as_params() | {
            "questionnaire_id": survey,
            "features_unused": choice.unused_records(),
            "k_requested": k,
            "k_range_searched": list(fit.k_range) if fit.k_range else None,
            "feature_names": list(fit.feature_names),
        }
        assignments = profiles.select("participant_id", "response_id", "edition_year").join(
            fit.assignments, on="participant_id", how="inner", validate="1:1"
        )
        clusters = fit.clusters.with_columns(
            pl.Series(
                "features",
                [json.dumps(f, ensure_ascii=False) for f in fit.clusters["features"].to_list()],
                dtype=pl.String,
            )
        )
        write(
            session,
            "segment_run",
            {
                "stg_segment_assignment": assignments.select(
                    "participant_id", "cluster_id", "response_id", "edition_year"
                ),
                "stg_segment_cluster": clusters,
            },
            run_id=run_id,
            created_at=created_at,
            algorithm=ALGORITHM,
            config_version=config.version,
            params=json.dumps(params, ensure_ascii=False),
            k=fit.k,
            is_k_fixed=fit.is_k_fixed,
            silhouette=fit.silhouette,
            silhouette_by_k=json.dumps({str(c): s for c, s in fit.silhouette_by_k.items()}),
            stability=fit.stability,
            count_bootstrap=len(fit.bootstrap_ari),
            count_participants=profiles.height,
        )
    return _result(run_id, created_at, fit, params, assignments, profiles.height)


def _result(
    run_id: str,
    created_at: datetime,
    fit: ClusterFit,
    params: dict[str, Any],
    assignments: pl.DataFrame,
    count: int,
) -> RunResult:
    return RunResult(
        run_id=run_id,
        created_at=created_at,
        k=fit.k,
        is_k_fixed=fit.is_k_fixed,
        silhouette=fit.silhouette,
        silhouette_by_k=fit.silhouette_by_k,
        stability=fit.stability,
        count_bootstrap=len(fit.bootstrap_ari),
        count_participants=count,
        params=params,
        assignments=assignments.select(
            "participant_id", "cluster_id", "response_id", "edition_year"
        ),
        clusters=fit.clusters,
    )


def survey_to_cluster(source: Source, requested: str | None) -> str:
    """The survey a run clusters: as `resolve_survey`, but the gala's when nothing is loaded
    (its population then says there is nothing to cluster) or when it is asked for."""
    if requested == gala_id():
        return requested
    if requested is None and survey_candidates(source).is_empty():
        return gala_id()
    return resolve_survey(source, requested)


def run_survey(params: str | Mapping[str, Any] | None) -> str:
    """The questionnaire a run clustered, from its params (runs before surveys: the gala's)."""
    parsed = json.loads(params) if isinstance(params, str) else (params or {})
    return str(parsed.get("questionnaire_id") or gala_id())


def segment_runs(source: Source, questionnaire_id: str | None = None) -> pl.DataFrame:
    """Every clustering run, newest first (only those of one survey when it is given)."""
    runs = run_query(source, "segment_runs")
    if questionnaire_id is None:
        return runs
    keep = [run_survey(p) == questionnaire_id for p in runs["params"].to_list()]
    return runs.filter(pl.Series(keep, dtype=pl.Boolean))


def latest_run(source: Source, questionnaire_id: str | None = None) -> dict[str, Any] | None:
    """The newest clustering run (params and silhouette_by_k parsed), or None if there is none;
    of one survey when questionnaire_id is given."""
    runs = segment_runs(source, questionnaire_id)
    if runs.is_empty():
        return None
    return _parsed(runs.row(0, named=True))


def _parsed(row: dict[str, Any]) -> dict[str, Any]:
    return row | {
        "params": json.loads(row["params"]),
        "silhouette_by_k": json.loads(row["silhouette_by_k"] or "{}"),
    }


def _run_id(source: Source, run_id: str | None) -> str:
    runs = segment_runs(source)
    if runs.is_empty():
        raise SegmentError("no clustering run yet: run `creatorpulse segment` first")
    if run_id is None:
        return str(runs["run_id"][0])
    if run_id not in runs["run_id"].to_list():
        raise SegmentError(f"unknown clustering run {run_id!r}")
    return run_id


def cluster_assignments(source: Source, run_id: str | None = None) -> pl.DataFrame:
    """participant_id, cluster_id, response_id, edition_year of a run (default: the latest)."""
    return run_query(source, "segment_assignments", run_id=_run_id(source, run_id))


def cluster_members(source: Source, run_id: str | None = None) -> pl.DataFrame:
    """participant_id, edition_year, cluster_id of a run (default: the latest), unordered: what
    a join to the population needs (`cluster_assignments` is the ordered listing)."""
    return run_query(source, "segment_members", run_id=_run_id(source, run_id))


def cluster_profiles(
    source: Source, run_id: str | None = None, *, k: int | None = DEFAULT_K
) -> pl.DataFrame:
    """Clusters of a run (default: the latest) with descriptions and outcome measures.

    One row per cluster: run_id, cluster_id, count_participants, share, label_zh, label_en,
    features (JSON: the describing categories with share and lift) and the outcome measures of
    `survey.segments.rules.outcome_measures` over the members' responses used for clustering.
    Clusters of fewer than k people are suppressed.
    """
    chosen = _run_id(source, run_id)
    clusters = run_query(source, "segment_clusters", run_id=chosen)
    runs = segment_runs(source)
    params = runs.filter(pl.col("run_id") == chosen)["params"][0]
    if run_survey(params) != gala_id():
        # The outcome measures are the gala's (satisfaction, return, works): none for others.
        outcomes = pl.DataFrame(
            {"cluster_id": clusters["cluster_id"]},
            schema={"cluster_id": clusters.schema["cluster_id"]},
        ).with_columns([pl.lit(None, dtype=d).alias(c) for c, d in OUTCOME_COLUMNS.items()])
        table = clusters.join(outcomes, on="cluster_id", how="left").select(
            pl.lit(chosen).alias("run_id"), pl.all()
        )
        return suppress_small_cells(
            table, "count_participants", k=k, value_columns=["share", "features", *OUTCOME_COLUMNS]
        )
    members = run_query(source, "segment_members", run_id=chosen)
    pop = population(source)
    program_frame = programs(source)
    responses = pop.join(
        members,
        on=["participant_id", "edition_year"],
        how="inner",
    )
    outcomes = outcome_frame(responses, program_frame, by="cluster_id", k=k).cast(
        {"cluster_id": clusters.schema["cluster_id"]}
    )
    table = clusters.join(outcomes, on="cluster_id", how="left").select(
        pl.lit(chosen).alias("run_id"), pl.all()
    )
    if k is None:  # a cluster none of whose responses is current any more: counts of nobody
        table = table.with_columns(pl.col(*OUTCOME_COUNTS).fill_null(0))
    return suppress_small_cells(
        table,
        "count_participants",
        k=k,
        value_columns=["share", "features", *OUTCOME_COLUMNS],
    )
