"""Segmentation: rule segments (named filters, profile, lift, crosstabs) and learned segments
(k-means clusters of survey profiles, versioned runs in the warehouse).

Rule segments::

    reader = Reader(home)
    store_segments(home)                                 # shipped defaults -> segment_definition
    segment_profile(reader, "shanghai-pm-25-34")         # stored name, or filters:
    segment_profile(reader, {"city": ["上海"], "tools": ["kling"]}, k=5)
    crosstab(reader, "role", "city", edition=2025)

Learned segments::

    run_clustering(home, k=None)                         # -> RunResult, published snapshot
    latest_run(reader); cluster_profiles(reader)         # latest run unless run_id= is given
    fit_clusters(profiles_frame, load_clustering_config())   # pure: Polars in, no warehouse

Any other survey (`survey.segments.surveys`): dimensions and features from its stored
questionnaire, never the gala's::

    dims = load_survey_dimensions(reader, "world-creators")    # demographics first, then choices
    survey_profile(load_survey_population(reader, dims), dims, {"q_gender": ["female"]})
    run_clustering(home, questionnaire_id="world-creators")    # params record the features used
    latest_run(reader, "world-creators")                        # and those it could not use

Config: survey/segments/config/default_segments.yaml and clustering.yaml (`surveys:` chooses
another survey's clustering features).
"""

from survey.segments.clustering import (
    ClusterFit,
    ClusteringConfig,
    describe_clusters,
    fit_clusters,
    load_clustering_config,
)
from survey.segments.definitions import load_segment_file, store_segments
from survey.segments.dimensions import DIMENSIONS, PROFILE_DIMENSIONS, value_label
from survey.segments.errors import SegmentError
from survey.segments.rules import (
    FILTER_KINDS,
    SegmentDefinition,
    SegmentProfile,
    crosstab,
    crosstab_from_frame,
    filter_expr,
    get_definition,
    lift_table,
    outcome_measures,
    parse_filters,
    population,
    profile_from_frames,
    segment_definitions,
    segment_profile,
)
from survey.segments.runs import (
    RunResult,
    cluster_assignments,
    cluster_members,
    cluster_profiles,
    latest_profiles,
    latest_run,
    run_clustering,
    segment_runs,
)

__all__ = [
    "DIMENSIONS",
    "FILTER_KINDS",
    "PROFILE_DIMENSIONS",
    "ClusterFit",
    "ClusteringConfig",
    "RunResult",
    "SegmentDefinition",
    "SegmentError",
    "SegmentProfile",
    "cluster_assignments",
    "cluster_members",
    "cluster_profiles",
    "crosstab",
    "crosstab_from_frame",
    "describe_clusters",
    "filter_expr",
    "fit_clusters",
    "get_definition",
    "latest_profiles",
    "latest_run",
    "lift_table",
    "load_clustering_config",
    "load_segment_file",
    "outcome_measures",
    "parse_filters",
    "population",
    "profile_from_frames",
    "run_clustering",
    "segment_definitions",
    "segment_profile",
    "segment_runs",
    "store_segments",
    "value_label",
]
