"""Learned segments: k-means clusters of participants' survey profiles, pure and deterministic.

`fit_clusters(profiles, config, k=None)` takes a Polars frame with one row per participant (the
warehouse uses each participant's latest response) and needs no warehouse. The model is one
explicit scikit-learn Pipeline:

    ColumnTransformer
      categorical  SimpleImputer(constant "(missing)") -> OneHotEncoder(sparse_output=False)
      numeric      SimpleImputer(median) -> StandardScaler
      multi-hot    SimpleImputer(constant 0)   (list columns expanded to COLUMN__ITEM 0/1 first)
    KMeans(n_clusters=k, n_init, random_state)

Why k-means: the features are mostly 0/1 indicators on a common scale, the clusters are meant to
be read as "typical people", KMeans is deterministic given random_state, and silhouette (the k
criterion) is defined on the same Euclidean geometry. k is the one with the best mean silhouette
in the configured range unless fixed. The range is clipped to what the data allows (k <= n - 1
and k <= the number of distinct profiles); a fixed k outside that, or fewer than 3 participants,
raises a SegmentError saying so.

Scale: with more than `fit_sample` participants, k-means (every candidate k, the chosen model
and the bootstrap refits) learns from a random sample of that many, drawn with random_state,
and then every participant is assigned to the nearest centre; the silhouette, O(n^2), is taken
on a random sample of `silhouette_sample` of the fitted participants. Below those sizes
everything is computed on everyone. Independent fits run side by side on the machine's cores,
each one single-threaded and seeded, so results do not depend on the core count.

Cluster ids are 1..k by size (largest first), so two fits with the same seed give identical
assignments. Stability = mean adjusted Rand index, over the fitted participants, between the
clusters found and those of k-means refitted on each bootstrap resample of them (resample i
drawn with seed random_state + i; same features, same preparation). Each cluster gets a
bilingual description from its most distinguishing categories (highest lift, DESIGN section 5).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import polars as pl
import yaml
from threadpoolctl import threadpool_limits

from survey.segments.dimensions import DIMENSIONS, dimension, value_label, with_derived
from survey.segments.errors import SegmentError
from survey.segments.rules import lift_table

if TYPE_CHECKING:  # scikit-learn (~4 s to import) is imported where a fit needs it, so every
    # command and page that never clusters starts without it
    from sklearn.cluster import KMeans
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

DEFAULT_CONFIG = Path(str(resources.files("survey.segments.config") / "clustering.yaml"))
ALGORITHM = "kmeans"
MISSING = "(missing)"
MIN_PARTICIPANTS = 3
MIXED = ("混合画像", "Mixed profile")
# Descriptions name the dimension of values that do not speak for themselves ("None" income).
_CONTEXT = {
    "experience_band": ("经验", "experience"),
    "hours_per_week": ("每周", "weekly"),
    "income": ("收入", "income"),
    "motivations": ("动机", "motivation"),
}


@dataclass(frozen=True)
class ClusteringConfig:
    """Parameters of the clustering (survey/segments/config/clustering.yaml)."""

    version: int = 2
    id_column: str = "participant_id"
    categorical: tuple[str, ...] = ("age_band", "role", "city_tier", "hours_per_week", "income")
    numeric: tuple[str, ...] = ("experience_months",)
    multi: tuple[str, ...] = ("tools", "motivations")
    k_min: int = 2
    k_max: int = 8
    k_fixed: int | None = None
    random_state: int = 20240210
    n_init: int = 10
    n_bootstrap: int = 20
    fit_sample: int = 5_000
    silhouette_sample: int = 3_000
    describe_dimensions: tuple[str, ...] = ("city", "role", "age_band_coarse", "tools")
    describe_fill_dimensions: tuple[str, ...] = ("experience_band", "hours_per_week", "income")
    describe_max_items: int = 4
    describe_max_multi: int = 2
    describe_min_share: float = 0.35
    describe_min_lift: float = 1.25

    @property
    def features(self) -> tuple[str, ...]:
        """Every feature column, in model order."""
        return self.categorical + self.numeric + self.multi

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "<config>") -> ClusteringConfig:
        """Read and check the YAML structure; a bad value names the field."""

        def get(path: str, default: Any) -> Any:
            node: Any = data
            for part in path.split("."):
                if not isinstance(node, Mapping) or part not in node:
                    return default
                node = node[part]
            return default if node is None and default is not None else node

        def names(path: str, default: tuple[str, ...]) -> tuple[str, ...]:
            value = get(path, list(default))
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SegmentError(f"{source}: {path} must be a list of column names")
            return tuple(value)

        def integer(path: str, default: int | None, *, minimum: int) -> Any:
            value = get(path, default)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise SegmentError(f"{source}: {path} must be an integer >= {minimum}")
            return value

        def number(path: str, default: float) -> float:
            value = get(path, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise SegmentError(f"{source}: {path} must be a number >= 0")
            return float(value)

        algorithm = get("algorithm", ALGORITHM)
        if algorithm != ALGORITHM:
            raise SegmentError(f"{source}: algorithm {algorithm!r} is not supported (use kmeans)")
        base = cls()
        config = cls(
            version=integer("version", base.version, minimum=1),
            id_column=str(get("id_column", base.id_column)),
            categorical=names("features.categorical", base.categorical),
            numeric=names("features.numeric", base.numeric),
            multi=names("features.multi", base.multi),
            k_min=integer("k.min", base.k_min, minimum=2),
            k_max=integer("k.max", base.k_max, minimum=2),
            k_fixed=integer("k.fixed", None, minimum=2),
            random_state=integer("random_state", base.random_state, minimum=0),
            n_init=integer("n_init", base.n_init, minimum=1),
            n_bootstrap=integer("n_bootstrap", base.n_bootstrap, minimum=0),
            fit_sample=integer("fit_sample", base.fit_sample, minimum=MIN_PARTICIPANTS),
            silhouette_sample=integer(
                "silhouette_sample", base.silhouette_sample, minimum=MIN_PARTICIPANTS
            ),
            describe_dimensions=names("describe.dimensions", base.describe_dimensions),
            describe_fill_dimensions=names(
                "describe.fill_dimensions", base.describe_fill_dimensions
            ),
            describe_max_items=integer("describe.max_items", base.describe_max_items, minimum=1),
            describe_max_multi=integer("describe.max_multi", base.describe_max_multi, minimum=1),
            describe_min_share=number("describe.min_share", base.describe_min_share),
            describe_min_lift=number("describe.min_lift", base.describe_min_lift),
        )
        if config.k_min > config.k_max:
            raise SegmentError(f"{source}: k.min {config.k_min} > k.max {config.k_max}")
        if not config.features:
            raise SegmentError(f"{source}: features lists no columns")
        for name in config.describe_dimensions + config.describe_fill_dimensions:
            dimension(name)
        return config

    def as_params(self) -> dict[str, Any]:
        """The configuration as stored in segment_run.params (same shape as the YAML)."""
        return {
            "version": self.version,
            "algorithm": ALGORITHM,
            "id_column": self.id_column,
            "features": {
                "categorical": list(self.categorical),
                "numeric": list(self.numeric),
                "multi": list(self.multi),
            },
            "k": {"min": self.k_min, "max": self.k_max, "fixed": self.k_fixed},
            "random_state": self.random_state,
            "n_init": self.n_init,
            "n_bootstrap": self.n_bootstrap,
            "fit_sample": self.fit_sample,
            "silhouette_sample": self.silhouette_sample,
            "describe": {
                "dimensions": list(self.describe_dimensions),
                "fill_dimensions": list(self.describe_fill_dimensions),
                "max_items": self.describe_max_items,
                "max_multi": self.describe_max_multi,
                "min_share": self.describe_min_share,
                "min_lift": self.describe_min_lift,
            },
        }


def load_clustering_config(path: Path | str | None = None) -> ClusteringConfig:
    """The clustering configuration (the shipped clustering.yaml when no path is given)."""
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SegmentError(f"{path}: cannot read the clustering config ({exc})") from exc
    if not isinstance(data, Mapping):
        raise SegmentError(f"{path}: expected a mapping")
    return ClusteringConfig.from_mapping(data, source=str(path))


@dataclass(frozen=True)
class ClusterFit:
    """The outcome of `fit_clusters`."""

    k: int
    is_k_fixed: bool
    k_range: tuple[int, int] | None  # the silhouette search range actually used
    silhouette: float
    silhouette_by_k: dict[int, float]
    stability: float | None
    bootstrap_ari: tuple[float, ...]
    assignments: pl.DataFrame  # id column, cluster_id (1 = largest)
    clusters: pl.DataFrame  # cluster_id, count_participants, share, label_zh, label_en, features
    feature_names: tuple[str, ...]
    pipeline: Pipeline = field(repr=False, compare=False)


def fit_clusters(
    profiles: pl.DataFrame,
    config: ClusteringConfig | None = None,
    *,
    k: int | None = None,
    describe_with: Mapping[str, Any] | None = None,
) -> ClusterFit:
    """Cluster one row per participant; k from the argument, else config k.fixed, else silhouette.

    Every k-means fit runs single-threaded (BLAS/OpenMP limited to 1), which keeps results
    bit-for-bit reproducible; independent fits (the candidate k values, the bootstrap
    resamples) run side by side on the machine's cores, each with its own seed, so the result
    does not depend on how many there are. `describe_with` is passed to `describe_clusters`
    (another survey's dimensions and labels).
    """
    with threadpool_limits(limits=1):
        return _fit_clusters(profiles, config or load_clustering_config(), k, describe_with or {})


def _fit_clusters(
    profiles: pl.DataFrame,
    config: ClusteringConfig,
    k: int | None,
    describe_with: Mapping[str, Any],
) -> ClusterFit:
    from sklearn.metrics import adjusted_rand_score, pairwise_distances
    from sklearn.pipeline import Pipeline

    missing = [c for c in (config.id_column, *config.features) if c not in profiles.columns]
    if missing:
        raise SegmentError(f"profiles lack the clustering column(s): {', '.join(missing)}")
    if profiles[config.id_column].is_duplicated().any():
        raise SegmentError(f"profiles must have one row per {config.id_column}")
    n = profiles.height
    if n < MIN_PARTICIPANTS:
        raise SegmentError(
            f"clustering needs at least {MIN_PARTICIPANTS} participants with a profile; got {n}"
        )
    features, columns = _feature_frame(profiles, config)
    prepare = _prepare(columns)
    matrix = np.ascontiguousarray(prepare.fit_transform(features), dtype=np.float64)
    groups = _profile_groups(matrix)
    distinct = int(groups.max()) + 1
    k_limit = min(n - 1, distinct)

    # Above fit_sample participants, k-means learns from a random sample and everyone is then
    # assigned to the nearest centre (k-means at 100k rows x 20 bootstrap refits would take
    # minutes; the centres of a few thousand people are as good a summary).
    rng = np.random.default_rng(config.random_state)
    fit_rows = (
        np.arange(n)
        if n <= config.fit_sample
        else np.sort(rng.choice(n, size=config.fit_sample, replace=False))
    )
    sample = matrix[fit_rows]

    fixed = k if k is not None else config.k_fixed
    k_range: tuple[int, int] | None = None
    # The silhouette is O(n^2) in time and memory: on more than silhouette_sample people it is
    # taken on a random sample of them (always the same one), from one distance matrix.
    silhouette_rows = (
        np.arange(len(sample))
        if len(sample) <= config.silhouette_sample
        else np.sort(rng.choice(len(sample), size=config.silhouette_sample, replace=False))
    )
    if fixed is not None:
        if isinstance(fixed, bool) or not isinstance(fixed, int) or not 2 <= fixed <= k_limit:
            raise SegmentError(
                f"k={fixed} cannot be fitted to {n} participants with {distinct} distinct "
                f"profiles: k must be between 2 and {k_limit}"
                if k_limit >= 2
                else f"k={fixed} cannot be fitted: the {n} participants have {distinct} distinct "
                "profile(s), clustering needs at least 2 and k between 2 and n - 1"
            )
        candidates = [fixed]
    else:
        low, high = config.k_min, min(config.k_max, k_limit)
        if low > high:
            raise SegmentError(
                f"no k in {config.k_min}..{config.k_max} fits {n} participants with {distinct} "
                f"distinct profiles (k must be at most {k_limit})"
            )
        k_range = (low, high)
        candidates = list(range(low, high + 1))
    distances = pairwise_distances(sample[silhouette_rows])

    def candidate(c: int) -> tuple[KMeans, float]:
        model = _kmeans(config, c).fit(sample)
        return model, _silhouette(distances, model.labels_[silhouette_rows])

    fits = dict(zip(candidates, _side_by_side(candidate, candidates), strict=True))
    silhouette_by_k = {c: score for c, (_, score) in fits.items()} if fixed is None else {}
    chosen = fixed if fixed is not None else max(fits, key=lambda c: (fits[c][1], -c))
    model, silhouette = fits[chosen]
    silhouette_by_k[chosen] = silhouette
    raw_labels = model.labels_ if len(fit_rows) == n else model.predict(matrix)
    labels = _relabel(raw_labels)

    # Stability: k-means refitted on bootstrap resamples of the fitted rows (resample i drawn
    # with seed random_state + i), compared on those rows with the clusters found.
    sample_labels = labels[fit_rows]
    sample_groups = groups[fit_rows]

    def bootstrap(i: int) -> float | None:
        rows = np.random.default_rng(config.random_state + i).integers(0, len(sample), len(sample))
        if np.unique(sample_groups[rows]).size < chosen:
            return None  # too few distinct profiles in this resample to fit k clusters
        boot = _kmeans(config, chosen).fit(sample[rows])
        return float(adjusted_rand_score(sample_labels, boot.predict(sample)))

    scores = [s for s in _side_by_side(bootstrap, range(config.n_bootstrap)) if s is not None]
    stability = float(np.mean(scores)) if scores else None

    assignments = pl.DataFrame(
        {
            config.id_column: profiles[config.id_column],
            "cluster_id": pl.Series(labels, dtype=pl.Int32),
        }
    )
    clusters = describe_clusters(profiles, assignments["cluster_id"], config, **describe_with)
    pipeline = Pipeline([("prepare", prepare), ("cluster", model)])
    return ClusterFit(
        k=chosen,
        is_k_fixed=fixed is not None,
        k_range=k_range,
        silhouette=silhouette,
        silhouette_by_k=silhouette_by_k,
        stability=stability,
        bootstrap_ari=tuple(scores),
        assignments=assignments,
        clusters=clusters,
        feature_names=tuple(prepare.get_feature_names_out()),
        pipeline=pipeline,
    )


T = TypeVar("T")
R = TypeVar("R")


def _side_by_side(task: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """task(item) for every item, in order, on as many threads as there are cores.

    Each task limits OpenMP to one thread for itself (the limit is per thread), so every
    k-means fit is the same single-threaded computation whichever thread runs it.
    """

    def one(item: T) -> R:
        with threadpool_limits(limits=1, user_api="openmp"):
            return task(item)

    items = list(items)
    workers = min(len(items), os.cpu_count() or 1)
    if workers <= 1:
        return [one(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, items))


def _silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette from a precomputed distance matrix (-1, the worst, for one cluster)."""
    if np.unique(labels).size < 2:
        return -1.0  # a sample that saw a single cluster: that k explains nothing here
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(distances, labels, metric="precomputed"))


def _profile_groups(matrix: np.ndarray) -> np.ndarray:
    """Per row, the index of its distinct profile (identical feature rows share one)."""
    frame = pl.DataFrame(matrix + 0.0)  # + 0.0: -0.0 and 0.0 are one value, as np.unique has it
    groups = (
        frame.with_row_index("__row")
        .group_by(pl.exclude("__row"))
        .agg("__row")
        .with_row_index("__group")
        .select("__group", "__row")
        .explode("__row")
        .sort("__row")
    )
    return groups.get_column("__group").to_numpy()


@dataclass(frozen=True)
class _Columns:
    categorical: list[str]
    numeric: list[str]
    multi_hot: list[str]


def _feature_frame(
    profiles: pl.DataFrame, config: ClusteringConfig
) -> tuple[pl.DataFrame, _Columns]:
    """Scalar feature columns: categoricals as text, numbers as floats, lists as COLUMN__ITEM."""
    exprs = [pl.col(c).cast(pl.String) for c in config.categorical]
    exprs += [pl.col(c).cast(pl.Float64) for c in config.numeric]
    multi_hot: list[str] = []
    for column in config.multi:
        values = profiles[column]
        if not isinstance(values.dtype, pl.List):
            raise SegmentError(f"multi-select feature {column!r} must be a list column")
        items = sorted(str(v) for v in values.explode().drop_nulls().unique().to_list())
        for item in items:
            name = f"{column}__{item}"
            multi_hot.append(name)
            exprs.append(pl.col(column).list.contains(pl.lit(item)).cast(pl.Float64).alias(name))
    columns = _Columns(list(config.categorical), list(config.numeric), multi_hot)
    return profiles.select(exprs), columns


def _prepare(columns: _Columns) -> ColumnTransformer:
    """impute -> one-hot / scale (a numpy matrix): the features k-means measures distances on."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    transformers: list[tuple[str, Any, list[str]]] = []
    if columns.categorical:
        categorical = Pipeline(
            [
                (
                    "impute",
                    SimpleImputer(strategy="constant", fill_value=MISSING, missing_values=None),
                ),
                ("onehot", OneHotEncoder(sparse_output=False, handle_unknown="ignore")),
            ]
        )
        transformers.append(("categorical", categorical, columns.categorical))
    if columns.numeric:
        numeric = Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("scale", StandardScaler()),
            ]
        )
        transformers.append(("numeric", numeric, columns.numeric))
    if columns.multi_hot:
        multi = SimpleImputer(strategy="constant", fill_value=0.0, keep_empty_features=True)
        transformers.append(("multi", multi, columns.multi_hot))
    return ColumnTransformer(transformers, remainder="drop")


def _kmeans(config: ClusteringConfig, k: int) -> KMeans:
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=config.n_init, random_state=config.random_state)


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 1..k by size, largest first (ties: the one met first)."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = {values[i]: rank + 1 for rank, i in enumerate(order)}
    return np.array([mapping[v] for v in labels], dtype=np.int32)


_CLUSTER_SCHEMA: dict[str, pl.DataType] = {
    "cluster_id": pl.Int32(),
    "count_participants": pl.Int64(),
    "share": pl.Float64(),
    "label_zh": pl.String(),
    "label_en": pl.String(),
    "features": pl.List(
        pl.Struct(
            {
                "dimension": pl.String(),
                "value": pl.String(),
                "label_zh": pl.String(),
                "label_en": pl.String(),
                "share": pl.Float64(),
                "share_overall": pl.Float64(),
                "lift": pl.Float64(),
            }
        )
    ),
}


def describe_clusters(
    profiles: pl.DataFrame,
    cluster_ids: pl.Series,
    config: ClusteringConfig | None = None,
    *,
    dimensions: Mapping[str, Any] | None = None,
    label: Callable[..., tuple[str, str]] | None = None,
    context: Callable[[str], tuple[str, str] | None] | None = None,
) -> pl.DataFrame:
    """Size, share and a bilingual description of each cluster from its highest-lift categories.

    Per describe dimension (those present in `profiles`), the categories covering at least
    min_share of the cluster and at least min_lift times as common as overall: the best one of a
    single-choice dimension, up to max_multi of a multi-select one (joined with "/"). Up to
    max_items dimensions are kept: `dimensions` first (highest lift first), then
    `fill_dimensions` when fewer qualify; they are shown in the configured order, joined with
    " · ", e.g. "上海 · 产品经理 · 25–34 · 可灵/即梦". A cluster with no category
    reaching min_lift is described by its categories with lift above 1 (still min_share), and
    one with none of those either is "混合画像 / Mixed profile". `features` lists the chosen
    categories with share, share_overall and lift. Repeated descriptions get the cluster id.

    `dimensions` (name -> an object with `column` and `kind`), `label` (like `value_label`) and
    `context` (name -> the (zh, en) words that name its values, or None) describe another
    survey's clusters in its own terms; by default the gala's dimensions.
    """
    config = config or load_clustering_config()
    lookup = DIMENSIONS if dimensions is None else dimensions
    label = value_label if label is None else label
    context = _CONTEXT.get if context is None else context
    frame = with_derived(profiles).with_columns(pl.Series("__cluster", cluster_ids))
    total = frame.height
    # cluster -> (tier, is_fill, -lift, position, items); tier 0 = reaches min_lift, 1 = lift > 1
    chosen: dict[int, list[tuple[int, bool, float, int, list[dict[str, Any]]]]] = {}
    dimensions = config.describe_dimensions + config.describe_fill_dimensions
    for position, name in enumerate(dimensions):
        is_fill = position >= len(config.describe_dimensions)
        dim = lookup.get(name)
        if dim is None or dim.column not in frame.columns:
            continue
        value_expr = (
            pl.col(dim.column).cast(pl.List(pl.String))
            if isinstance(frame.schema[dim.column], pl.List)
            else pl.col(dim.column).cast(pl.String)
        )
        table = (
            lift_table(frame.select("__cluster", value_expr.alias("v")), "__cluster", "v")
            .filter(
                pl.col("value").is_not_null()
                & (pl.col("share_in_group") >= config.describe_min_share)
                & (pl.col("lift") > 1.0)
            )
            .sort("lift", "share_in_group", "value", descending=[True, True, False])
        )
        limit = config.describe_max_multi if dim.kind == "multi" else 1
        for (cluster,), rows in table.group_by("group", maintain_order=True):
            strong = rows.filter(pl.col("lift") >= config.describe_min_lift)
            tier, picked = (0, strong) if not strong.is_empty() else (1, rows)
            items = [
                {
                    "dimension": name,
                    "value": row["value"],
                    "label_zh": label(name, row["value"], short=True)[0],
                    "label_en": label(name, row["value"], short=True)[1],
                    "share": row["share_in_group"],
                    "share_overall": row["share_overall"],
                    "lift": row["lift"],
                }
                for row in picked.head(limit).to_dicts()
            ]
            chosen.setdefault(int(cluster), []).append(
                (tier, is_fill, -items[0]["lift"], position, items)
            )

    sizes = frame.group_by("__cluster").len().sort("__cluster")
    records = []
    for cluster, size in sizes.iter_rows():
        candidates = sorted(chosen.get(int(cluster), []))
        best_tier = candidates[0][0] if candidates else 0
        picks = [c for c in candidates if c[0] == best_tier][: config.describe_max_items]
        picks.sort(key=lambda c: c[3])
        if picks:
            zh = " · ".join(_phrase(c[4], "zh", context) for c in picks)
            en = " · ".join(_phrase(c[4], "en", context) for c in picks)
        else:
            zh, en = MIXED
        records.append(
            {
                "cluster_id": int(cluster),
                "count_participants": int(size),
                "share": size / total,
                "label_zh": zh,
                "label_en": en,
                "features": [item for c in picks for item in c[4]],
            }
        )
    seen: dict[str, int] = {}
    for record in records:
        seen[record["label_zh"]] = seen.get(record["label_zh"], 0) + 1
    for record in records:
        if seen[record["label_zh"]] > 1:
            record["label_zh"] += f"（{record['cluster_id']}）"
            record["label_en"] += f" ({record['cluster_id']})"
    return pl.DataFrame(records, schema=_CLUSTER_SCHEMA)


def _phrase(
    items: list[dict[str, Any]],
    lang: str,
    context_of: Callable[[str], tuple[str, str] | None] = _CONTEXT.get,
) -> str:
    """One dimension's part of a description: "可灵/即梦", "收入：没有收入", "income: None"."""
    text = "/".join(item[f"label_{lang}"] for item in items)
    context = context_of(items[0]["dimension"])
    if context is None:
        return text
    return f"{context[0]}：{text}" if lang == "zh" else f"{context[1]}: {text}"
