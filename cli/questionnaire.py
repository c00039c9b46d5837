"""`creatorpulse questionnaire ...`: draft a questionnaire from exports; list, show, export stored ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.common import AsJson, CliError, Home, console
from etl.survey.describe import row_yaml, stored_rows
from etl.survey.export import read_survey_export
from etl.survey.layouts import pair_wjx_codes
from survey.draft import draft_questionnaire, draft_summary
from survey.questionnaire import definition_yaml

questionnaire_app = typer.Typer(
    help="Questionnaires: draft one from survey exports; list, show and export stored versions.",
    no_args_is_help=True,
)
HomeOption = Home
JsonOption = AsJson


@questionnaire_app.command("draft")
def draft(
    files: Annotated[list[Path], typer.Argument(help="Survey exports of one survey.")],
    codes: Annotated[
        Path | None,
        typer.Option(
            help="The 问卷星 code export paired row for row with the (first) text export."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the drafted YAML here.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Draft a questionnaire from exports: ids, types, options with codes, demographic confidence."""
    exports = [read_survey_export(f) for f in files]  # IngestError: one line, exit 2
    paired = pair_wjx_codes(exports[0], read_survey_export(codes)) if codes else None
    drafts = []
    for i, export in enumerate(exports):
        q = draft_questionnaire(export, codes=paired if i == 0 else None)
        drafts.append(q)
        if as_json:
            continue
        console.print(
            f"[bold]{export.table.path.name}[/bold]: {export.layout}, {export.respondents} "
            f"respondents, {export.header_rows} header row(s) -> questionnaire {q.id}"
        )
        _print_summary(q.definition)
    if as_json:
        console.print_json(
            json.dumps([q.definition for q in drafts], ensure_ascii=False, default=str)
        )
    if out is not None:
        definition = drafts[0].definition
        if len(drafts) > 1:
            definition = _merged(drafts)
        out.write_text(_yaml(definition), encoding="utf-8")
        console.print(
            f"wrote {out}: edit ids, texts (fill the empty translations), types and options, "
            f"then load with `creatorpulse ingest FILE --questionnaire {out}`"
        )


def _merged(drafts: list[Any]) -> dict[str, Any]:
    """One questionnaire from several exports of one survey: the first's, plus questions the
    others hold that it lacks (appended in their order)."""
    base = dict(drafts[0].definition)
    questions = list(base["questions"])
    texts = {(q["text"]["zh"], q["text"]["en"]) for q in questions}
    ids = {q["id"] for q in questions}
    for other in drafts[1:]:
        for q in other.definition["questions"]:
            if (q["text"]["zh"], q["text"]["en"]) in texts:
                continue
            q = dict(q)
            while q["id"] in ids:
                q["id"] = q["id"] + "_b"
            ids.add(q["id"])
            questions.append(q)
    base["questions"] = questions
    return base


def _yaml(definition: dict[str, Any]) -> str:
    header = (
        "# Drafted by `creatorpulse questionnaire draft`. Refine freely: question ids, types,\n"
        "# texts (empty '' = no translation known yet), options (keep each option's code), then\n"
        "# give this file to `creatorpulse ingest FILE --questionnaire THIS.yaml`.\n"
    )
    return header + definition_yaml(definition)


def _print_summary(definition: dict[str, Any]) -> None:
    from survey.questionnaire import parse_questionnaire

    table = Table(show_lines=False)
    for column in ("id", "type", "text", "options", "demographic", "confidence", "columns"):
        table.add_column(column)
    for row in draft_summary(parse_questionnaire(definition)):
        table.add_row(
            row["id"],
            row["type"],
            row["text"][:40],
            str(row["options"] or row["rows"] or ""),
            row["semantic"] or "",
            f"{row['confidence']:.2f}" if row["confidence"] is not None else "",
            str(len(row["columns"])),
        )
    console.print(table)
    for item in definition.get("ignored", []):
        console.print(f"  ignored column {item['column']!r}: {item['reason']}")


@questionnaire_app.command("list")
def list_(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Stored questionnaire versions: origin (file, drafted, refined) and which is current."""
    rows = stored_rows(home)
    if as_json:
        console.print_json(
            json.dumps(
                [
                    {k: v for k, v in r.items() if k not in {"definition", "definition_yaml"}}
                    for r in rows
                ],
                ensure_ascii=False,
                default=str,
            )
        )
        return
    table = Table(title="Questionnaires")
    for column in ("id", "version", "title", "origin", "current", "questions", "stored at"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["questionnaire_id"],
            str(row["questionnaire_version"]),
            row["title_zh"] or row["title_en"] or "",
            row["origin"],
            "yes" if row["is_current"] else "",
            str(len(row["definition"].get("questions", []))),
            str(row["first_loaded_at"])[:19],
        )
    console.print(table)


def _version_row(questionnaire_id: str, version: int | None, home: Path | None) -> dict[str, Any]:
    rows = [r for r in stored_rows(home) if r["questionnaire_id"] == questionnaire_id]
    if not rows:
        raise CliError(f"no stored questionnaire {questionnaire_id!r}")
    if version is None:
        return next((r for r in rows if r["is_current"]), rows[-1])
    found = [r for r in rows if r["questionnaire_version"] == version]
    if not found:
        known = ", ".join(str(r["questionnaire_version"]) for r in rows)
        raise CliError(f"{questionnaire_id} has no version {version} (stored: {known})")
    return found[0]


VersionOption = Annotated[
    int | None, typer.Option("--version", help="Version (default: the current one).")
]


@questionnaire_app.command("show")
def show(
    questionnaire_id: Annotated[str, typer.Argument(help="Questionnaire id.")],
    version: VersionOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """One stored questionnaire version: its questions, types and demographic confidence."""
    row = _version_row(questionnaire_id, version, home)
    if as_json:
        console.print_json(json.dumps(row["definition"], ensure_ascii=False, default=str))
        return
    console.print(
        f"[bold]{row['questionnaire_id']}[/bold] v{row['questionnaire_version']} "
        f"({row['origin']}{', current' if row['is_current'] else ''})"
    )
    _print_summary(row["definition"] | {"version": row["questionnaire_version"]})


@questionnaire_app.command("export")
def export(
    questionnaire_id: Annotated[str, typer.Argument(help="Questionnaire id.")],
    out: Annotated[Path, typer.Option(help="Write the YAML here.")],
    version: VersionOption = None,
    home: HomeOption = None,
) -> None:
    """Write a stored questionnaire version as YAML, to refine and load again."""
    row = _version_row(questionnaire_id, version, home)
    out.write_text(row_yaml(row), encoding="utf-8")
    console.print(f"wrote {questionnaire_id} v{row['questionnaire_version']} to {out}")
