"""Front door of the ETL: load files into the warehouse, each file its own transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from etl.errors import IngestError
from etl.reading import file_sha256, read_table
from etl.report import LoadReport
from etl.roster import load_roster_table, roster_columns
from etl.survey.load import load_survey_table
from survey.identity import load_id_key
from survey.questionnaire import Questionnaire, load_questionnaire
from warehouse.loading import loaded_file
from warehouse.settings import Settings
from warehouse.store import WriteSession, open_for_write

SOURCES = ("auto", "survey", "roster")


def ingest_one(
    session: WriteSession,
    path: Path,
    *,
    source: str,
    questionnaire: Questionnaire,
    id_key: bytes,
    edition: int | None,
) -> LoadReport:
    """Load one file; an IngestError leaves the warehouse exactly as it was."""
    sha = file_sha256(path) if path.is_file() else ""
    if sha:
        previous = loaded_file(session, sha)
        if previous is not None:
            return LoadReport(
                path=path,
                source=source,
                status="unchanged",
                load_id=previous["load_id"],
                rows_read=previous["count_rows_read"],
                rows_loaded=previous["count_rows_loaded"],
                rows_rejected=previous["count_rows_rejected"],
                warnings=[f"identical to {previous['file_name']}, already loaded: nothing changed"],
            )
    table = read_table(path)
    kind = source
    if kind == "auto":
        kind = "roster" if roster_columns(table) is not None else "survey"
    if kind == "roster":
        return load_roster_table(session, table, sha, id_key=id_key)
    return load_survey_table(session, table, sha, questionnaire, id_key=id_key, edition=edition)


def ingest_files(
    settings: Settings,
    paths: Iterable[Path | str],
    *,
    source: str = "auto",
    questionnaire: Path | str | None = None,
    edition: int | None = None,
    fresh: bool = False,
    on_file: Callable[[LoadReport], None] | None = None,
) -> list[LoadReport]:
    """Load files into a new snapshot, published once at the end if anything changed."""
    if source not in SOURCES:
        raise IngestError(
            Path(str(source)), f"unknown source {source!r}; use one of {', '.join(SOURCES)}"
        )
    q = load_questionnaire(questionnaire)  # QuestionnaireError names the file and the question
    id_key = load_id_key(settings)
    reports: list[LoadReport] = []
    with open_for_write(settings.home, keep=settings.keep_snapshots, fresh=fresh) as session:
        for raw_path in paths:
            path = Path(raw_path)
            try:
                report = ingest_one(
                    session, path, source=source, questionnaire=q, id_key=id_key, edition=edition
                )
            except IngestError as exc:
                report = LoadReport(path=path, source=source, status="failed", error=str(exc))
            reports.append(report)
            if on_file:
                on_file(report)
    return reports
