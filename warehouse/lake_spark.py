"""The warehouse's SQL models on Apache Spark over a Parquet lake (the `spark` extra).

The models are the same `.sql` files DuckDB runs, transpiled by SQLGlot from DuckDB's dialect to
Spark's. Two DuckDB constructs have no Spark spelling and are translated here, not forked:
the `not materialized` CTE hint (a planner hint with no effect on results: dropped) and DuckDB's
dynamic PIVOT (columns from the data): its values are read first, as DuckDB itself does, and
it becomes a Spark PIVOT with that IN list.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import sqlglot
from sqlglot import exp, transforms
from sqlglot.dialects.spark import Spark

from warehouse import lake, lake_staged, schema

if TYPE_CHECKING:  # pyspark is optional: imported only when Spark runs
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"


class Spark4(Spark):
    """Spark 4 SQL: it has QUALIFY and exact `percentile_cont(...) within group (...)`.

    SQLGlot's Spark output rewrites both for older Sparks: QUALIFY into a subquery whose helper
    column `_w` leaks through `select *`, and percentile_cont into the approximate
    PERCENTILE_APPROX. Spark 4 runs them as written, with DuckDB's results.
    """

    class Generator(Spark.Generator):
        """Spark's generator without the two rewrites."""

        TRANSFORMS: ClassVar[dict[type[exp.Expression], Any]] = {
            **{k: v for k, v in Spark.Generator.TRANSFORMS.items() if k is not exp.WithinGroup},
            exp.Select: transforms.preprocess(
                [
                    transforms.eliminate_distinct_on,
                    transforms.unnest_to_explode,
                    transforms.any_to_exists,
                ]
            ),
        }


SPARK = Spark4()


def java_missing() -> str | None:
    """Why Spark cannot start a JVM here (None when a `java` is found)."""
    home = os.environ.get("JAVA_HOME")
    if home:
        if (Path(home) / "bin" / "java").exists():
            return None
        return f"JAVA_HOME={home} has no bin/java: point JAVA_HOME at a Java 17+ install"
    if shutil.which("java"):
        return None
    return (
        "Spark needs Java 17 or newer and none was found: install it"
        " (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    )


DRIVER_MEMORY_ENV = "CREATORPULSE_SPARK_DRIVER_MEMORY"
DEFAULT_DRIVER_MEMORY = "4g"


def start_spark(master: str = DEFAULT_MASTER, conf: dict[str, str] | None = None) -> SparkSession:
    """A Spark session for model builds: UTC session time zone, no UI, few shuffle partitions."""
    problem = java_missing()
    if problem:
        raise lake.LakeError(problem)
    # Python tasks (`lake ingest`) run the project's readers: local workers must use this
    # interpreter, not whatever python3 is on PATH. A cluster sets PYSPARK_PYTHON itself.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise lake.LakeError(
            "pyspark is not installed: pip install 'creatorpulse[spark]' (needs Java 17+)"
        ) from exc
    builder = (
        SparkSession.builder.master(master)
        .appName("creatorpulse-build")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    )
    if master.startswith("local") and "spark.driver.memory" not in (conf or {}):
        # In local mode the driver is the whole engine; Spark's default 1 GB heap cannot hold
        # the broadcast side of a 10M-row build's joins ("Not enough memory to build and
        # broadcast the table"). A cluster's driver memory comes from its own configuration.
        builder = builder.config(
            "spark.driver.memory", os.environ.get(DRIVER_MEMORY_ENV, DEFAULT_DRIVER_MEMORY)
        )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _literal(value: Any) -> exp.Expression:
    return exp.null() if value is None else exp.Literal.string(str(value))


def _static_pivot(pivot: exp.Pivot, values_of: Callable[[str], list[Any]]) -> exp.Expression:
    """DuckDB's `pivot (src) on c using agg group by k` as a Spark PIVOT over the same source."""
    source = pivot.this
    on = pivot.expressions
    if len(on) != 1:
        raise ValueError("only a pivot on one column is translated")
    on_sql = on[0].sql(SPARK)
    source_sql = source.sql(SPARK)
    values = values_of(f"select distinct {on_sql} from {source_sql} as src order by 1")
    if not values:
        raise ValueError(f"pivot on {on_sql} has no values to make columns of")
    group = [g.sql(SPARK) for g in pivot.args["group"].expressions]
    aggs = pivot.args["using"]
    agg_inputs = sorted(
        {c.sql(SPARK) for agg in aggs for c in agg.find_all(exp.Column)} - {on_sql, *group}
    )
    kept = ", ".join([*group, on_sql, *agg_inputs])
    listed = ", ".join(_literal(v).sql(SPARK) for v in values)
    using = ", ".join(agg.sql(SPARK) for agg in aggs)
    text = (
        f"select * from (select {kept} from {source_sql} as src)"
        f" pivot ({using} for {on_sql} in ({listed}))"
    )
    return sqlglot.parse_one(text, read=SPARK)


def to_spark_sql(sql: str, values_of: Callable[[str], list[Any]]) -> str:
    """One DuckDB model as Spark SQL; `values_of(query)` runs a Spark query for a pivot's values."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for cte in tree.find_all(exp.CTE):
        if cte.args.get("materialized") is not None:
            cte.set("materialized", None)  # a planner hint; results are the same without it
    for pivot in list(tree.find_all(exp.Pivot)):
        if pivot.this is not None and not pivot.args.get("fields"):
            pivot.replace(_static_pivot(pivot, values_of))
    return tree.sql(SPARK)


def build_spark(lake_dir: Path, spark: SparkSession) -> Path:
    """Build every model over the lake on Spark, each written as Parquet in a new build folder.

    The MARTS pointer moves to the new build only when every model was written, so a failed
    build leaves the previous models where readers find them.
    """
    manifest = lake.read_manifest(lake_dir)
    build = lake.new_build_dir(lake_dir, "spark")
    for table, spec in sorted(manifest["tables"].items()):
        columns = [name for name, _type in spec["columns"]]
        frame = spark.read.parquet(*lake.source_files(lake_dir, table, manifest))
        view = lake_staged.source_view_name(table, manifest)
        frame.select(*columns).createOrReplaceTempView(view)

    def values_of(query: str) -> list[Any]:
        return [row[0] for row in spark.sql(query).collect()]

    # Files ingested into the lake (`lake ingest`): staged rows merged into their source tables.
    for view, files in lake_staged.staged_views(lake_dir, manifest).items():
        spark.read.parquet(*files).createOrReplaceTempView(view)
    for table in lake_staged.merged_tables(manifest):
        merged = to_spark_sql(lake_staged.merge_sql(table), values_of)
        spark.sql(merged).createOrReplaceTempView(table)

    built: list[str] = []
    for _layer, name, path in schema.models():
        query = to_spark_sql(path.read_text(encoding="utf-8"), values_of)
        target = build / name
        spark.sql(query).write.mode("errorifexists").parquet(str(target))
        spark.read.parquet(str(target)).createOrReplaceTempView(name)
        built.append(name)
    lake.finish_build(lake_dir, build, "spark", built)
    return build
