"""Shared pieces of the `creatorpulse` command: the app, options, consoles, printing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from warehouse.query import Reader
from warehouse.settings import load_settings
from warehouse.store import WarehouseError, current_snapshot

app = typer.Typer(
    help="creatorpulse: survey and analytics for creator communities (AI春晚).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True, soft_wrap=True)

Home = Annotated[
    Path | None,
    typer.Option(
        "--home", help="Warehouse folder (default: $CREATORPULSE_HOME or ~/.creatorpulse)."
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


class CliError(Exception):
    """An error to print as one line with a non-zero exit."""


def progress_bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def open_reader(home: Path | None) -> Reader:
    """A reader of the published warehouse, or one clear error if there is none."""
    settings = load_settings(home)
    if current_snapshot(settings.home) is None:
        raise WarehouseError(
            f"no warehouse at {settings.home}: run `creatorpulse demo` or `creatorpulse ingest` first"
        )
    return Reader(settings.home)


def print_json(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


def print_frame(title: str, frame: Any, columns: list[str]) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in frame.select(columns).iter_rows():
        table.add_row(
            *("" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v) for v in row)
        )
    console.print(table)
