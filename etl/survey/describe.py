"""What a survey file is before anything is loaded, and the questionnaires the warehouse stores.

`describe_survey_file` is what `creatorpulse inspect` shows of a survey: the tool and layout, the
encoding, the header rows, the respondents, every question with its inferred type and options,
and the stored questionnaire the file matches (with its score) or the draft a load would store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from etl.errors import IngestError
from etl.reading import read_table
from etl.survey.export import read_survey_export
from etl.survey.layouts.base import SurveyExport
from etl.survey.matching import AmbiguousMatch, choose_questionnaire
from survey.draft import draft_questionnaire, draft_summary
from survey.questionnaire import (
    DEFAULT_QUESTIONNAIRE,
    Questionnaire,
    definition_yaml,
    load_questionnaire,
    parse_questionnaire,
)


def stored_rows(home: Path | None) -> list[dict[str, Any]]:
    """Every questionnaire version stored in the published warehouse (none if there is none)."""
    from warehouse.query import Reader
    from warehouse.settings import load_settings
    from warehouse.store import current_snapshot

    settings = load_settings(home)
    if current_snapshot(settings.home) is None:
        return []
    rows = Reader(settings.home).query("questionnaire_versions").to_dicts()
    for row in rows:
        row["definition"] = json.loads(str(row["definition"]))
    return rows


def row_questionnaire(row: dict[str, Any]) -> Questionnaire:
    """A stored version as a Questionnaire (numbered as stored)."""
    definition = dict(row["definition"]) | {"version": row["questionnaire_version"]}
    return parse_questionnaire(definition, source=f"stored {row['questionnaire_id']}")


def row_yaml(row: dict[str, Any]) -> str:
    """A stored version as the YAML file a user edits and gives back with --questionnaire."""
    if row.get("definition_yaml"):
        return str(row["definition_yaml"])
    return definition_yaml(row["definition"])


def candidates(rows: list[dict[str, Any]]) -> list[Questionnaire]:
    """The questionnaires an export is matched against: the current stored versions and the
    community's own file (unless a version of it is stored)."""
    found = [row_questionnaire(r) for r in rows if r.get("is_current", True)]
    default = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    if not any(q.id == default.id for q in found):
        found.append(default)
    return found


def describe_export(
    export: SurveyExport, stored: list[Questionnaire], *, codes: SurveyExport | None = None
) -> dict[str, Any]:
    """The layout, respondents, inferred questions and questionnaire match of an export."""
    table = export.table
    draft = draft_questionnaire(export, codes=codes)
    match: dict[str, Any]
    try:
        chosen, scores = choose_questionnaire(export, stored)
    except AmbiguousMatch as exc:
        chosen, scores = None, []
        match = {"how": "ambiguous", "error": str(exc)}
    else:
        match = (
            {"how": "matched", "id": chosen.id, "version": chosen.version}
            if chosen is not None
            else {"how": "would draft", "id": draft.id, "version": 1}
        )
    if scores:
        match["score"] = scores[0].score if chosen is not None else None
        match["candidates"] = [
            {"id": s.questionnaire_id, "version": s.version, "score": s.score} for s in scores[:3]
        ]
    return {
        "file": table.path.name,
        "tool": export.tool,
        "layout": export.layout,
        "encoding": table.encoding,
        "is_encoding_guessed": table.is_encoding_guessed,
        "header_rows": export.header_rows,
        "respondents": export.respondents,
        "language": export.language,
        "questionnaire": match,
        "questions": [
            q | {"options": _option_labels(draft, q["id"])} for q in draft_summary(draft)
        ],
        "metadata": draft.definition.get("metadata", []),
        "ignored": draft.definition.get("ignored", []),
        "warnings": list(export.warnings),
    }


def _option_labels(q: Questionnaire, question_id: str) -> list[str]:
    question = q.question(question_id)
    return [o.label.zh or o.label.en for o in (*question.options, *question.rows)]


def describe_survey_file(
    path: Path | str, *, home: Path | None = None, codes: Path | str | None = None
) -> dict[str, Any]:
    """What `inspect` shows of a survey file (IngestError if it cannot be read)."""
    path = Path(path)
    if not path.exists():
        raise IngestError(path, "no such file")
    export = read_survey_export(path, read_table(path))
    code_export = read_survey_export(Path(codes)) if codes else None
    return describe_export(export, candidates(stored_rows(home)), codes=code_export)
