"""`creatorpulse lake ...` and `creatorpulse build`: the Parquet lake for Spark (registered by cli/main.py).

export writes the warehouse's source tables as a lake; ingest parses platform exports into its
staged tables as Spark tasks; build runs the SQL models over it on Spark
or DuckDB; import publishes the built models as a normal snapshot the dashboard serves.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.common import AsJson, CliError, Home, app, console
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


@lake_app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[str],
        typer.Argument(help="Platform export files, folders or globs ('exports/**/*.csv')."),
    ],
    lake_dir: Annotated[Path, typer.Option("--lake", help="Lake folder (from `lake export`).")],
    source: Annotated[
        str,
        typer.Option(
            help="auto, youtube, tiktok, bilibili, douyin, wechat_channels, xiaohongshu, weibo or generic."
        ),
    ] = "auto",
    mapping: Annotated[
        Path | None, typer.Option(help="Column mapping YAML for --source generic.")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Day a snapshot export was taken (default: from the file name, else its time).",
        ),
    ] = None,
    master: Annotated[
        str, typer.Option("--master", help="Spark master: local[2], spark://host:7077, k8s://...")
    ] = "local[2]",
    as_json: AsJson = False,
) -> None:
    """Parse platform exports as Spark tasks (one file per task) into the lake's staged tables."""
    from cli.ingest import _print_reports
    from etl.lake_ingest import ingest_to_lake
    from warehouse import lake_spark

    lake.read_manifest(lake_dir)  # a bad lake fails before Spark starts
    spark = lake_spark.start_spark(master)
    try:
        reports = ingest_to_lake(
            lake_dir,
            paths,
            spark,
            source=source,
            mapping=mapping,
            as_of=as_of.date() if as_of else None,
        )
    finally:
        spark.stop()
    _print_reports(reports, as_json)
    if any(r.status == "failed" for r in reports):
        raise typer.Exit(1)


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
