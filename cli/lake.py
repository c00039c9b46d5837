"""`creatorpulse lake ...` and `creatorpulse build`: the Parquet lake for Spark (registered by cli/main.py).

export writes the warehouse's source tables as a lake; build runs the SQL models over it on Spark
or DuckDB; import publishes the built models as a normal snapshot the dashboard serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import CliError, Home, app, console
from warehouse import lake
from warehouse.settings import load_settings

lake_app = typer.Typer(
    help="Parquet lake: export source tables, import models built on Spark.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@lake_app.command("export")
def export_command(
    to: Annotated[Path, typer.Option("--to", help="Lake folder to write (created if missing).")],
    home: Home = None,
) -> None:
    """Write the published snapshot's source tables as Parquet with a manifest."""
    settings = load_settings(home)
    report = lake.export_lake(settings.home, to)
    total = sum(report.rows.values())
    console.print(
        f"exported {len(report.rows)} tables ({total} rows) of {report.snapshot}"
        f" (schema version {report.schema_version}) to {report.lake}",
        highlight=False,
    )


@lake_app.command("import")
def import_command(
    lake_dir: Annotated[Path, typer.Argument(help="Lake folder with built models.")],
    home: Home = None,
) -> None:
    """Publish the lake's built models (e.g. by Spark) as a new snapshot of the warehouse."""
    settings = load_settings(home)
    names = lake.import_lake(settings.home, lake_dir, keep=settings.keep_snapshots)
    console.print(
        f"published {len(names)} models from {lake.current_build(lake_dir)}", highlight=False
    )


@app.command("build")
def build_command(
    lake_dir: Annotated[Path, typer.Option("--lake", help="Lake folder (from `lake export`).")],
    engine: Annotated[str, typer.Option("--engine", help="spark or duckdb.")] = "spark",
    master: Annotated[
        str, typer.Option("--master", help="Spark master: local[2], spark://host:7077, k8s://...")
    ] = "local[2]",
) -> None:
    """Run the warehouse's SQL models over a Parquet lake and write them back as a new build."""
    if engine not in lake.ENGINES:
        raise CliError(f"--engine must be one of {', '.join(lake.ENGINES)}, not {engine!r}")
    lake.read_manifest(lake_dir)  # a bad lake fails before any engine starts
    if engine == "duckdb":
        build = lake.build_duckdb(lake_dir)
    else:
        from warehouse import lake_spark

        spark = lake_spark.start_spark(master)
        try:
            build = lake_spark.build_spark(lake_dir, spark)
        finally:
            spark.stop()
    console.print(
        f"built {len(lake.model_names())} models with {engine} into {build}", soft_wrap=True
    )
