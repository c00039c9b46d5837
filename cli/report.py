"""`creatorpulse report ...`: read-side reports for organizers (registered by cli/main.py).

`report sponsor ID --out FILE` writes one sponsor's reach report; the output format follows the
file's extension: .xlsx (workbook), .html (print-ready page) or .pdf (that page printed by the
system Chromium). The report itself is built by `warehouse.sponsor_report`.
"""

from __future__ import annotations

import getpass
import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.common import Home
from survey.segments.dimensions import value_label
from warehouse import accounts
from warehouse.privacy import DEFAULT_K
from warehouse.query import Reader
from warehouse.settings import load_settings
from warehouse.sponsor_report import (
    SponsorReportError,
    UnknownSponsorError,
    build_sponsor_report,
    report_html,
    report_pdf_bytes,
    report_xlsx_bytes,
)
from warehouse.store import WarehouseError, current_snapshot

report_app = typer.Typer(
    help="Reports: a sponsor's reach report as .xlsx, .html or .pdf.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()

FORMATS = (".xlsx", ".html", ".pdf")


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SponsorReportError(f"{option} must be a date YYYY-MM-DD, not {value!r}") from None


@report_app.command()
def sponsor(
    sponsor_id: Annotated[str, typer.Argument(help="The sponsor's id (e.g. S01).")],
    out: Annotated[Path, typer.Option("--out", help="File to write: .xlsx, .html or .pdf.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: zh or en.")] = "zh",
    start_on: Annotated[
        str | None, typer.Option("--from", help="First day counted (YYYY-MM-DD).")
    ] = None,
    end_on: Annotated[
        str | None, typer.Option("--to", help="Last day counted (YYYY-MM-DD).")
    ] = None,
    k: Annotated[
        int,
        typer.Option(
            "--k", help=f"Minimum people per profile cell (at least {DEFAULT_K}).", min=DEFAULT_K
        ),
    ] = DEFAULT_K,
    home: Home = None,
) -> None:
    """One sponsor's reach report: programs, platforms, trend, live context and profile."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise SponsorReportError(
            f"--out must end in {', '.join(FORMATS)} (the format follows it), not {out.name!r}"
        )
    if lang not in ("zh", "en"):
        raise SponsorReportError(f"--lang must be zh or en, not {lang!r}")
    start, end = _date(start_on, "--from"), _date(end_on, "--to")
    settings = load_settings(home)
    if current_snapshot(settings.home) is None:
        raise WarehouseError(
            f"no warehouse at {settings.home}: run `creatorpulse demo` or `creatorpulse ingest` first"
        )
    reader = Reader(settings.home)
    try:
        try:
            report = build_sponsor_report(
                reader,
                sponsor_id,
                k=k,
                lang="zh" if lang == "zh" else "en",
                start_on=start,
                end_on=end,
                value_label=value_label,
            )
        except UnknownSponsorError as exc:
            # An organizer runs this: name the ids that exist (the dashboard never shows these).
            known = reader.query("sponsors")["sponsor_id"].to_list()
            listed = ", ".join(known) if known else "none loaded yet"
            raise SponsorReportError(f"{exc} (known sponsors: {listed})") from None
    finally:
        reader.close()
    if suffix == ".xlsx":
        data = report_xlsx_bytes(report)
    elif suffix == ".html":
        data = report_html(report).encode("utf-8")
    else:
        data = report_pdf_bytes(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)  # never leave a half-written report under the real name
    accounts.record(
        settings.home,
        "report_sponsor",
        username=f"cli:{_os_user()}",
        target=report.sponsor_id,
        filters={
            "format": suffix.lstrip("."),
            "lang": report.lang,
            "k": report.k,
            "start_on": start.isoformat() if start else None,
            "end_on": end.isoformat() if end else None,
        },
        count_rows=report.programs.height,
        detail=report.snapshot,
    )
    console.print(
        f"wrote the {suffix.lstrip('.')} reach report of sponsor {report.sponsor_id} "
        f"({report.sponsor_name}, {report.programs.height} programs, "
        f"snapshot {report.snapshot}) to {out}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
