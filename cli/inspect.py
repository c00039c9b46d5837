"""`creatorpulse inspect`: what a file is before anything is loaded (etl.inspect)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.common import AsJson, Home, app, console, err, print_json
from etl.errors import IngestError

# Summary fields shown first, in this order; any other scalar field a describer adds follows.
SUMMARY_FIELDS = (
    "family",
    "tool",
    "platform",
    "layout",
    "detected_by",
    "file_format",
    "encoding",
    "header_rows",
    "rows",
    "respondents",
    "rows_loadable",
    "rows_rejected",
    "works",
    "language",
)

HIDDEN_FIELDS = frozenset({"questions", "warnings", "metadata", "detected_as"})


def inspect_paths(paths: list[Path], home: Path | None = None) -> list[dict[str, Any]]:
    """Each file's inspection, or {"file", "error"} for a file that is unreadable or unknown."""
    from etl.inspect import describers_for, inspect_file

    describers = describers_for(home)
    results = []
    for path in paths:
        try:
            results.append(inspect_file(path, describers))
        except IngestError as exc:
            results.append({"file": path.name, "error": str(exc)})
    return results


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _print_one(result: dict[str, Any]) -> None:
    summary = Table(title=result["file"], show_header=False)
    summary.add_column("field", style="bold")
    summary.add_column("value")
    rest = [k for k in result if k not in SUMMARY_FIELDS and k != "file"]
    for key in (*SUMMARY_FIELDS, *rest):
        value = result.get(key)
        if value in (None, [], False) or key in HIDDEN_FIELDS:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = f"{len(value)} entries"
        summary.add_row(key, _text(value))
    console.print(summary)
    questions = result.get("questions") or []
    if questions:
        table = Table(title=f"Questions ({len(questions)})")
        for col in ("id", "type", "text", "options"):
            table.add_column(col)
        for q in questions:
            options = q.get("options") or []
            shown = ", ".join(str(o) for o in options[:8])
            if len(options) > 8 or (q.get("count_options") or 0) > len(options):
                shown += ", …"
            table.add_row(
                str(q.get("id") or q.get("key") or ""),
                str(q.get("type") or ""),
                _text(q.get("text")),
                shown,
            )
        console.print(table)
    for warning in result.get("warnings") or []:
        err.print(f"warning: {warning}", highlight=False, markup=False)


@app.command(name="inspect")
def inspect_cmd(
    paths: Annotated[
        list[Path], typer.Argument(help="Export files (xlsx, xls, csv) or YouTube Studio folders.")
    ],
    home: Home = None,
    as_json: AsJson = False,
) -> None:
    """What each file is before loading: family, layout, encoding, rows, questions (surveys)."""
    results = inspect_paths(paths, home)
    if as_json:
        print_json(results)
    else:
        for result in results:
            if "error" not in result:
                _print_one(result)
    for result in results:
        if "error" in result:
            err.print(f"error: {result['error']}", highlight=False, markup=False)
    if any("error" in r for r in results):
        raise typer.Exit(1)
