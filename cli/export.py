"""`creatorpulse export ...`: de-identified exports for researchers (registered by cli/main.py).

The split: a segment NAME or `--where` filters are survey semantics (city spellings, "has any of
these tools"), so they are resolved here with `survey.segments` into the matching response ids;
`warehouse.cohort` builds and writes the workbook from those ids and the marts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cli.common import Home, err, open_reader
from survey.identity import load_id_key
from survey.segments import SegmentError
from survey.segments.cohorts import resolve_cohort
from survey.segments.dimensions import value_label
from survey.segments.rules import FILTER_KINDS
from warehouse.cohort import (
    CohortError,
    build_cohort,
    write_cohort_csv,
    write_cohort_xlsx,
)
from warehouse.privacy import DEFAULT_K
from warehouse.query import Reader
from warehouse.settings import load_settings
from warehouse.store import WarehouseError, bring_up_to_date, current_snapshot
from warehouse.survey_wide import check_output, survey_wide, write_survey_wide

export_app = typer.Typer(
    help="Exports: the researchers' de-identified cohort; the organizers' wide survey answers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()

# Derives the stable-id key from the participant-id secret, so it is never the secret itself.
_STABLE_ID_CONTEXT = b"creatorpulse cohort export: stable ids v1"


def parse_where(clauses: list[str]) -> dict[str, Any]:
    """`--where` clauses as raw segment filters: KEY=V1,V2 · KEY=MIN..MAX · or a JSON object."""
    raw: dict[str, Any] = {}
    for clause in clauses:
        text = clause.strip()
        if text.startswith("{"):
            try:
                given = json.loads(text)
            except json.JSONDecodeError as exc:
                raise SegmentError(f"--where {clause!r} is not valid JSON ({exc.msg})") from exc
            if not isinstance(given, dict):
                raise SegmentError(f"--where {clause!r} must be a JSON object")
            raw.update(given)
            continue
        key, sep, value = text.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise SegmentError(
                f"--where {clause!r}: use KEY=VALUE[,VALUE...] (keys: {', '.join(FILTER_KINDS)})"
            )
        if FILTER_KINDS.get(key) == "range":
            low, dots, high = value.partition("..")
            if not dots:
                raise SegmentError(f"--where {clause!r}: a range is MIN..MAX (either may be empty)")
            bounds: dict[str, float] = {}
            for side, number in (("min", low), ("max", high)):
                if number.strip():
                    try:
                        bounds[side] = float(number)
                    except ValueError as exc:
                        raise SegmentError(f"--where {clause!r}: {number!r} is no number") from exc
            raw[key] = bounds
        else:
            values = [v.strip() for v in value.split(",") if v.strip()]
            raw[key] = [*raw.get(key, []), *values] if isinstance(raw.get(key), list) else values
    return raw


@export_app.command()
def cohort(
    out: Annotated[
        Path, typer.Option("--out", help="Workbook to write (.xlsx), or CSV with --csv.")
    ],
    segment: Annotated[
        str | None, typer.Option(help="A saved segment's name (see `creatorpulse segment`).")
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            help="Filter KEY=V1,V2 or KEY=MIN..MAX or a JSON object; repeat to combine (all "
            "must hold, also with --segment). Keys as in segment definitions."
        ),
    ] = None,
    edition: Annotated[
        list[int] | None, typer.Option(help="Only this edition (year); repeatable.")
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Minimum people per cell / class.")] = DEFAULT_K,
    stable_ids: Annotated[
        bool,
        typer.Option(
            "--stable-ids", help="Keep ids stable across exports (keyed by the warehouse secret)."
        ),
    ] = False,
    as_csv: Annotated[
        bool,
        typer.Option(
            "--csv",
            help="Write CSV (UTF-8 with BOM): Data at --out, README/Codebook/Summary beside.",
        ),
    ] = False,
    home: Home = None,
) -> None:
    """Researcher cohort workbook: de-identified Data, Codebook, Summary and README, k-anonymous."""
    suffix = out.suffix.lower()
    if as_csv and suffix != ".csv":
        raise CohortError(f"--csv writes CSV: name the output FILE.csv, not {out.name}")
    if not as_csv and suffix != ".xlsx":
        raise CohortError(f"--out must be an .xlsx workbook (or use --csv), not {out.name}")
    settings = load_settings(home)
    if current_snapshot(settings.home) is None:
        raise WarehouseError(
            f"no warehouse at {settings.home}: run `creatorpulse demo` or `creatorpulse ingest` first"
        )
    # A warehouse last published by an older release may lack a model or column the cohort reads
    # (as `serve` does, it is brought up to date once, as a new snapshot).
    behind = bring_up_to_date(settings.home)
    if behind:
        err.print(f"brought the warehouse up to this release ({', '.join(behind)})")
    reader = Reader(settings.home)
    try:
        definition, members = resolve_cohort(reader, segment, parse_where(where or []))
        id_key = None
        if stable_ids:
            id_key = hmac.new(load_id_key(settings), _STABLE_ID_CONTEXT, hashlib.sha256).digest()
        built = build_cohort(
            reader,
            definition,
            members=members,
            editions=edition,
            k=k,
            id_key=id_key,
            value_label=value_label,
        )
    finally:
        reader.close()
    if as_csv:
        written = write_cohort_csv(built, out)
        where_to = f"{out} (+ {', '.join(p.name for p in written[1:])})"
    else:
        write_cohort_xlsx(built, out)
        where_to = str(out)
    console.print(
        f"wrote {built.count_rows} rows × {built.data.width} columns of cohort "
        f"{(definition.name or 'filters') if members is not None else 'everyone'} to {where_to} "
        f"(k={built.k}, {built.count_suppressed} of {built.count_matching} rows suppressed)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@export_app.command("survey-wide")
def survey_wide_command(
    out: Annotated[Path, typer.Option("--out", help="File to write: FILE.csv or FILE.parquet.")],
    questionnaire: Annotated[
        str | None, typer.Option(help="Only this questionnaire's responses (its id).")
    ] = None,
    home: Home = None,
) -> None:
    """Survey answers wide (organizers only: free-text answers included, NOT de-identified;
    researchers get `export cohort`): one row per current response, one column per question."""
    check_output(out)
    reader = open_reader(home)
    try:
        frame = survey_wide(reader, questionnaire)
    finally:
        reader.close()
    write_survey_wide(frame, out)
    console.print(
        f"wrote {frame.height} responses × {frame.width} columns to {out}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
