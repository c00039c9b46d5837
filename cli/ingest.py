"""`creatorpulse ingest|demo|status|rejects|codebook`: getting data in and seeing what got in."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.common import (
    AsJson,
    Home,
    app,
    console,
    err,
    progress_bar,
)
from etl.report import LoadReport
from survey.questionnaire import codebook, load_questionnaire
from warehouse.query import Reader
from warehouse.settings import load_settings


def _ingest(settings: Any, paths: list[Path], **kwargs: Any) -> list[LoadReport]:
    from etl.ingest import ingest_files

    with progress_bar() as progress:
        task = progress.add_task("loading", total=len(paths))

        def advance(report: LoadReport) -> None:
            progress.update(task, advance=1, description=f"loaded {report.path.name}")

        return ingest_files(settings, paths, on_file=advance, **kwargs)


def _print_reports(reports: list[LoadReport], as_json: bool) -> None:
    if as_json:
        console.print_json(
            json.dumps([r.as_dict() for r in reports], ensure_ascii=False, default=str)
        )
        return
    table = Table(title="Loads")
    for col in ("file", "status", "read", "loaded", "rejected", "note"):
        table.add_column(col, justify="right" if col in {"read", "loaded", "rejected"} else "left")
    for r in reports:
        note = r.error or "; ".join(r.warnings[:3])
        table.add_row(
            r.path.name, r.status, str(r.rows_read), str(r.rows_loaded), str(r.rows_rejected), note
        )
    console.print(table)
    for r in reports:
        if r.status == "failed":
            err.print(f"[red]error:[/red] {r.error}")


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Export files (xlsx, xls, csv) or YouTube Studio folders.")
    ],
    source: Annotated[
        str,
        typer.Option(
            help="auto, survey, roster, catalogue, youtube, tiktok, bilibili, douyin, wechat_channels, "
            "xiaohongshu, weibo, generic, live, retention, activity or attention."
        ),
    ] = "auto",
    questionnaire: Annotated[
        Path | None, typer.Option(help="Questionnaire YAML (default: the gala's).")
    ] = None,
    edition: Annotated[
        int | None,
        typer.Option(help="Edition year of a survey (default: from file name or dates)."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Column mapping YAML for --source generic.")
    ] = None,
    source_name: Annotated[
        str | None, typer.Option(help="Source name of a wide topic-attention file (e.g. 百度指数).")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Day a snapshot export (running totals, no date column) was taken "
            "(default: a date in the file name, else the file's modification time).",
        ),
    ] = None,
    home: Home = None,
    as_json: AsJson = False,
) -> None:
    """Load exports; each file is one transaction, and loading a file twice changes nothing."""
    settings = load_settings(home)
    reports = _ingest(
        settings,
        paths,
        source=source,
        questionnaire=questionnaire,
        edition=edition,
        mapping=mapping,
        source_name=source_name,
        as_of=as_of.date() if as_of else None,
    )
    _print_reports(reports, as_json)
    if any(r.status == "failed" for r in reports):
        raise typer.Exit(1)


@app.command()
def demo(
    home: Home = None,
    seed: Annotated[int, typer.Option(help="Random seed of the sample generator.")] = 20240210,
    as_json: AsJson = False,
) -> None:
    """Generate the sample exports and ingest them into a fresh warehouse."""
    from etl.demo import build_demo, sample_dir

    settings = load_settings(home)
    with progress_bar() as progress:
        task = progress.add_task("generating and loading the sample exports", total=None)

        def advance(report: LoadReport) -> None:
            progress.update(task, description=f"loaded {report.path.name}")

        reports = build_demo(settings, seed=seed, on_file=advance)
        if not any(r.status == "failed" for r in reports):
            # The dashboard's segment pages need stored segments and a clustering run.
            from survey.segments import run_clustering, store_segments
            from warehouse.store import open_for_write

            progress.update(task, description="storing segments and clustering participants")
            with open_for_write(settings.home, keep=settings.keep_snapshots) as session:
                store_segments(session)
                run_clustering(session)
    samples = sample_dir(settings)
    _print_reports(reports, as_json)
    if not as_json:
        console.print(f"demo warehouse ready in {settings.home} (samples in {samples})")
    if any(r.status == "failed" for r in reports):
        raise typer.Exit(1)


def _status_data(reader: Reader) -> dict[str, Any]:
    counts = reader.table_counts()
    loads = reader.query("loads")
    return {
        "home": str(reader.home),
        "snapshot": reader.snapshot.name if reader.snapshot else None,
        "tables": counts.to_dicts(),
        "responses_by_edition": reader.query("responses_by_edition").to_dicts(),
        "questionnaires": reader.query("questionnaires").to_dicts(),
        "platforms": reader.query("platform_summary").to_dicts(),
        "live_peaks": reader.query("live_peaks").to_dicts(),
        "loads": [
            dict(row, warnings=json.loads(row["warnings"] or "[]")) for row in loads.to_dicts()
        ],
    }


@app.command()
def status(home: Home = None, as_json: AsJson = False) -> None:
    """Tables and row counts, loads (read = loaded + rejected) and questionnaire versions."""
    reader = Reader(load_settings(home).home)
    data = _status_data(reader)
    reader.close()
    if as_json:
        console.print_json(json.dumps(data, ensure_ascii=False, default=str))
        return
    console.print(f"warehouse [bold]{data['home']}[/bold], snapshot {data['snapshot']}")
    table = Table(title="Tables")
    table.add_column("table")
    table.add_column("type")
    table.add_column("rows", justify="right")
    for row in data["tables"]:
        table.add_row(row["table_name"], row["table_type"], f"{row['count_rows']:,}")
    console.print(table)
    loads = Table(title="Loads")
    for col in ("file", "source", "format", "edition", "read", "loaded", "rejected", "balanced"):
        loads.add_column(col)
    for row in data["loads"]:
        loads.add_row(
            row["file_name"],
            row["source"],
            row["file_format"],
            str(row["edition_year"] or ""),
            str(row["count_rows_read"]),
            str(row["count_rows_loaded"]),
            str(row["count_rows_rejected"]),
            "yes" if row["is_balanced"] else "NO",
        )
    console.print(loads)
    qs = Table(title="Questionnaires")
    for col in ("id", "version", "title", "responses"):
        qs.add_column(col)
    for row in data["questionnaires"]:
        qs.add_row(
            row["questionnaire_id"],
            str(row["questionnaire_version"]),
            row["title_zh"],
            str(row["count_responses"]),
        )
    console.print(qs)
    plats = Table(title="Platforms")
    for col in ("platform", "plays", "content", "unmatched", "counter issues"):
        plats.add_column(col)
    for row in data["platforms"]:
        plats.add_row(
            row["name_zh"],
            f"{row['count_views']:,}",
            str(row["count_content"]),
            str(row["count_unmatched_content"]),
            str(row["count_counter_issues"]),
        )
    console.print(plats)


@app.command()
def rejects(
    home: Home = None,
    load_id: Annotated[str | None, typer.Option(help="Only this load.")] = None,
    as_json: AsJson = False,
) -> None:
    """Rejected rows with file, row, column and reason."""
    reader = Reader(load_settings(home).home)
    frame = reader.query("rejects", load_id=load_id)
    reader.close()
    if as_json:
        console.print_json(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str))
        return
    table = Table(title=f"Rejected rows ({frame.height})")
    for col in ("file", "row", "column", "value", "reason"):
        table.add_column(col)
    for row in frame.iter_rows(named=True):
        table.add_row(
            row["file_name"],
            str(row["row_number"]),
            row["column_name"] or "",
            (row["value_text"] or "")[:40],
            row["reason"],
        )
    console.print(table)


@app.command(name="codebook")
def codebook_cmd(
    questionnaire: Annotated[
        Path | None, typer.Option(help="Questionnaire YAML (default: the gala's).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write CSV (UTF-8 with BOM) here instead of printing.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The codebook (ids, zh/en texts, option codes) generated from a questionnaire file."""
    book = codebook(load_questionnaire(questionnaire))
    if out is not None:
        out.write_bytes(book.write_csv().encode("utf-8-sig"))
        console.print(f"wrote {book.height} codebook rows to {out}")
    elif as_json:
        console.print_json(json.dumps(book.to_dicts(), ensure_ascii=False))
    else:
        table = Table(title="Codebook")
        for col in (
            "question_id",
            "question_type",
            "text_zh",
            "item_key",
            "option_code",
            "label_zh",
            "label_en",
        ):
            table.add_column(col)
        for row in book.iter_rows(named=True):
            table.add_row(
                *(
                    str(row[c]) if row[c] is not None else ""
                    for c in (
                        "question_id",
                        "question_type",
                        "text_zh",
                        "item_key",
                        "option_code",
                        "label_zh",
                        "label_en",
                    )
                )
            )
        console.print(table)
