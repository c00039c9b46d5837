"""Load one survey export: read, find (or draft) its questionnaire, map, parse, one transaction.

With no questionnaire given, the export is matched (scored) against the questionnaires stored in
the warehouse and the community's own file; when none answers it, one is drafted from the export
and stored with the file's hash. A questionnaire given with `--questionnaire` becomes the next
version of a stored one of the same id where its definition differs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa
import yaml

from etl.errors import IngestError
from etl.reading import RawTable
from etl.report import LoadReport, new_load_id, utc_now
from etl.schemas import rejects_frame
from etl.survey.export import read_survey_file
from etl.survey.layouts.base import SurveyExport
from etl.survey.mapping import ColumnMap, map_columns
from etl.survey.matching import MatchScore, choose_questionnaire, map_export
from etl.survey.pairing import with_tool_codes
from etl.survey.parse import (
    ANSWER_SCHEMA,
    RAW_ROW_SCHEMA,
    ParsedSurvey,
    parse_survey,
    parse_timestamp,
)
from survey.draft import draft_questionnaire
from survey.questionnaire import (
    DEFAULT_QUESTIONNAIRE,
    Questionnaire,
    codebook,
    definition_yaml,
    load_questionnaire,
    parse_questionnaire,
)
from warehouse.loading import apply_load, arrow_stream, query_session
from warehouse.store import WriteSession

# Layouts the hand-written questionnaires' own header matching was made for (one header row).
LEGACY_TOOLS = frozenset({"wjx_text", "wjx_code", "tencent", "generic"})

# Answers per Arrow batch of the one streamed insert: a 26k × 370 export has 3M+ long answers.
ANSWER_CHUNK_ROWS = 250_000
# DuckDB's settings during a survey load (constants of ours, never user input):
# - memory_limit: without one DuckDB holds every inserted row until the commit (a 26k × 370
#   export's 3M answers added ~500 MB of RSS); with one it spills them to disk.
# - preserve_insertion_order off: the answers' insert is appended by both threads, each in whole
#   row groups. Kept in order, one thread appended them (2.7 s for 2.5M answers) in half-full row
#   groups that the commit's checkpoint then rewrote (1.5 s more); now 1.7 s and no rewrite. No
#   query reads answers in storage order; each thread's row groups still follow the stream's
#   question-by-question order.
LOAD_SETTINGS = {"memory_limit": "128MB", "preserve_insertion_order": False}

_YEAR_IN_NAME = re.compile(r"(?<!\d)(20[2-9]\d)(?!\d)")


def _is_plain_number(text: str | None) -> bool:
    """True for `45000` or `45000.5` (what an Excel day serial looks like as text)."""
    return text is not None and re.fullmatch(r"\s*[0-9]+(?:\.[0-9]+)?\s*", text) is not None


def infer_edition(path: Path, table: RawTable, submitted_index: int | None) -> int:
    """Edition year: a 20xx year in the file name, else the most common year of submission."""
    found = _YEAR_IN_NAME.search(path.name)
    if found:
        return int(found.group(1))
    head = table.frame().head(500).rows() if submitted_index is not None else []
    # A CSV's plain number is no time (the row is rejected): it must not pick the edition.
    serials = table.file_format != "csv"
    years = [
        ts.year
        for row in head
        if submitted_index is not None
        and (serials or not _is_plain_number(row[submitted_index]))
        and (ts := parse_timestamp(row[submitted_index])) is not None
    ]
    if not years:
        raise IngestError(path, "cannot tell the edition: give --edition YEAR")
    return max(set(years), key=years.count)


def questionnaire_frames(q: Questionnaire) -> dict[str, pl.DataFrame]:
    """dim_question and dim_question_option rows for this questionnaire version."""
    book = codebook(q)
    questions = book.unique("question_id", keep="first", maintain_order=True).select(
        pl.lit(q.id).alias("questionnaire_id"),
        pl.lit(q.version).alias("questionnaire_version"),
        "question_id",
        "position",
        "question_type",
        "text_zh",
        "text_en",
        "is_required",
        "is_pii",
    )
    options = book.filter(pl.col("item_kind") != "value").select(
        pl.lit(q.id).alias("questionnaire_id"),
        pl.lit(q.version).alias("questionnaire_version"),
        "question_id",
        "item_kind",
        "item_key",
        "option_code",
        "label_zh",
        "label_en",
        "is_other",
    )
    return {"stg_question": questions, "stg_question_option": options}


def stored_questionnaires(session: WriteSession) -> list[dict[str, object]]:
    """Every questionnaire version stored in the warehouse (definition as a mapping)."""
    rows = query_session(session, "questionnaire_versions").to_dicts()
    for row in rows:
        row["definition"] = json.loads(str(row["definition"]))
    return rows


def stored_questionnaire(row: dict[str, object]) -> Questionnaire:
    """A stored questionnaire version as a Questionnaire."""
    definition = dict(row["definition"])  # type: ignore[call-overload]
    definition["version"] = row["questionnaire_version"]
    return parse_questionnaire(definition, source=f"stored {row['questionnaire_id']}")


def is_drafted(q: Questionnaire) -> bool:
    """Whether a questionnaire was drafted from an export (or refined from such a draft)."""
    return "drafted" in q.definition


def column_map(export: SurveyExport, q: Questionnaire) -> ColumnMap:
    """The export's columns mapped to the questionnaire's questions.

    A hand-written questionnaire keeps its own header matching on the one-header-row layouts it
    was written for; anything else is mapped from the layout (short ids, whole texts, items).
    """
    if _legacy(export, q):
        return map_columns(export.table, q)
    return map_export(export, q)


def _codes_unknown(export: SurveyExport, q: Questionnaire) -> bool:
    """A code export (or numeric choices) met by a draft whose option codes are its own order."""
    drafted = q.definition.get("drafted") or {}
    has_codes = any(c.cell == "code" for c in export.columns if c.role == "question")
    return has_codes and drafted.get("codes") == "order"


def _legacy(export: SurveyExport, q: Questionnaire) -> bool:
    return not is_drafted(q) and export.data_start == 0 and export.tool in LEGACY_TOOLS


def with_version(q: Questionnaire, version: int) -> Questionnaire:
    """The same questionnaire renumbered as `version` (its definition and hash follow)."""
    definition = dict(q.definition) | {"version": version}
    found = parse_questionnaire(definition, source=str(q.source or q.id))
    return Questionnaire(
        found.id, found.version, found.title, found.questions, found.sha256, definition, q.source
    )


def resolve_given(q: Questionnaire, stored: list[dict[str, object]]) -> tuple[Questionnaire, str]:
    """A questionnaire given by the user as stored: its version (a changed one the next), origin."""
    same = [row for row in stored if row["questionnaire_id"] == q.id]
    if not same:
        return q, "file"
    for row in same:  # already stored, perhaps under a later number than the file says
        version = int(row["questionnaire_version"])  # type: ignore[call-overload]
        renumbered = q if version == q.version else with_version(q, version)
        if renumbered.sha256 == row["definition_sha256"]:
            return renumbered, str(row["origin"])
    taken = {int(row["questionnaire_version"]) for row in same}  # type: ignore[call-overload]
    if q.version in taken:  # an edited definition under a stored number: the next version
        q = with_version(q, max(taken) + 1)
    return q, "refined"


def find_questionnaire(
    session: WriteSession,
    export: SurveyExport,
    sha256: str,
    given: Questionnaire | None,
    *,
    layout_error: IngestError | None = None,
) -> tuple[Questionnaire, dict[str, object]]:
    """The questionnaire to load an export with, and how it was found (for the report).

    A file no layout reader recognised (`layout_error`) is never drafted from: it loads only
    where a questionnaire's own headers match it, else the layout readers' error is the answer.
    """
    stored = stored_questionnaires(session)
    if given is not None:
        q, origin = resolve_given(given, stored)
        return q, {"how": "given", "origin": origin}
    current = [stored_questionnaire(row) for row in stored if row["is_current"]]
    if not any(q.id == load_questionnaire().id for q in current):
        current.append(load_questionnaire(DEFAULT_QUESTIONNAIRE))
    chosen, scores = choose_questionnaire(export, current)
    listed = [_score_dict(s) for s in scores[:3]]
    if chosen is not None:
        origin = next(
            (
                str(r["origin"])
                for r in stored
                if r["questionnaire_id"] == chosen.id
                and r["questionnaire_version"] == chosen.version
            ),
            "file",
        )
        return chosen, {"how": "matched", "origin": origin, "score": scores[0].score} | {
            "candidates": listed
        }
    if layout_error is not None:
        raise layout_error
    drafted = draft_questionnaire(export, source_sha256=sha256)
    taken = [
        int(r["questionnaire_version"])  # type: ignore[call-overload]
        for r in stored
        if r["questionnaire_id"] == drafted.id
    ]
    if taken:
        drafted = with_version(drafted, max(taken) + 1)
    return drafted, {"how": "drafted", "origin": "drafted", "candidates": listed}


def _score_dict(score: MatchScore) -> dict[str, object]:
    return {
        "questionnaire_id": score.questionnaire_id,
        "version": score.version,
        "score": score.score,
        "header_agreement": round(score.header_agreement, 3),
        "option_agreement": round(score.option_agreement, 3),
    }


def load_survey_file(
    session: WriteSession,
    path: Path,
    sha256: str,
    questionnaire: Questionnaire | None,
    *,
    id_key: bytes,
    edition: int | None = None,
    codes_from: Path | None = None,
) -> LoadReport:
    """Read a survey file, find or draft its questionnaire, and load it in one transaction.

    `codes_from` is the 问卷星 code export of the same survey: its option numbers become the
    drafted questionnaire's codes (the file itself is not loaded).
    """
    export, header_error, layout_error = read_survey_file(path)
    if codes_from is not None:
        export = with_tool_codes(export, codes_from)
    q, found = find_questionnaire(session, export, sha256, questionnaire, layout_error=layout_error)
    if header_error is not None and _legacy(export, q):
        raise header_error  # a hand-written questionnaire matches headers one by one
    if _codes_unknown(export, q):
        raise IngestError(
            path,
            f"holds option numbers, and questionnaire {q.id} v{q.version} was drafted without "
            "the tool's codes: draft it from the text export with its code export "
            "(`creatorpulse questionnaire draft TEXT --codes CODES --out q.yaml`) and load with "
            "--questionnaire q.yaml",
        )
    report = load_survey_table(
        session,
        export.table,
        sha256,
        q,
        id_key=id_key,
        edition=edition,
        export=export,
        found=found,
        release_rows=True,
    )
    if codes_from is not None:
        report.warnings.append(f"option codes from the 问卷星 code export {codes_from.name}")
        report.details["codes_from"] = codes_from.name
    return report


def load_survey_table(
    session: WriteSession,
    table: RawTable,
    sha256: str,
    q: Questionnaire,
    *,
    id_key: bytes,
    edition: int | None = None,
    export: SurveyExport | None = None,
    found: dict[str, object] | None = None,
    release_rows: bool = False,
) -> LoadReport:
    """Parse and load a survey table in one transaction; returns what happened.

    With `release_rows` the parse takes the table's rows (the caller is done with them) and
    holds them compactly: a wide export's text is not held twice, nor at 16 bytes a cell.
    """
    started = utc_now()
    found = found or {"how": "given", "origin": "file"}
    warnings: list[str] = []
    if export is None:
        cmap = map_columns(table, q)
        start, end = 0, None
    else:
        cmap = column_map(export, q)
        start, end = export.data_start, export.data_end
    try:
        edition_year = edition or infer_edition(table.path, table, cmap.meta_index("submitted_at"))
    except IngestError:
        if found["how"] != "drafted":
            raise
        # A drafted survey with no dates and no year in its name: the file's own year, said so.
        edition_year = datetime.fromtimestamp(table.path.stat().st_mtime, UTC).year
        warnings.append(
            f"no submission dates and no year in the file name: edition {edition_year} is the "
            "file's modification year (give --edition YEAR to set it)"
        )
    survey_key = f"{q.id}:{edition_year}"
    parsed = parse_survey(
        table,
        cmap,
        q,
        survey_key=survey_key,
        edition_year=edition_year,
        id_key=id_key,
        start=start,
        end=end,
        release_rows=release_rows,
    )
    if found["how"] == "drafted":
        warnings.insert(
            0,
            f"no stored questionnaire matches this file: drafted {q.id} v{q.version} "
            f"({len(q.questions)} questions) and stored it; see `creatorpulse questionnaire "
            f"show {q.id}`, refine it and load again with --questionnaire",
        )
    parsed.warnings[:0] = warnings
    rejected_rows = {r.row_number for r in parsed.rejects}
    loaded = parsed.responses.height
    if loaded + len(rejected_rows) != parsed.rows_read:  # the invariant every load must keep
        raise IngestError(
            table.path,
            f"internal error: {parsed.rows_read} read but {loaded} loaded "
            f"+ {len(rejected_rows)} rejected",
        )
    load_id = new_load_id(started)
    rejects = rejects_frame(parsed.rejects)
    frames = {
        "stg_survey_response": parsed.responses,
        # The latest submission's contact wins.
        "stg_pii_contact": parsed.contacts.with_columns(
            precedence=pl.col("submitted_at").dt.epoch("s")
        ),
        "stg_reject": rejects,
        **questionnaire_frames(q),
    }
    with duckdb_settings(session, LOAD_SETTINGS):
        apply_load(
            session,
            ["survey", "survey_answer", *answer_checks(parsed), "survey_raw_row", "pii_contact"],
            frames,
            # One insert each, streamed from Arrow batches, not one per chunk: the rows land in
            # whole row groups (chunked inserts left partial ones the commit's checkpoint
            # rewrote), and only a batch at a time is converted for DuckDB.
            chunked={
                "survey_raw_row": ("stg_raw_row", [raw_row_stream(parsed)]),
                "survey_answer": ("stg_survey_answer", [answer_stream(parsed)]),
            },
            load_id=load_id,
            file_sha256=sha256,
            file_name=table.path.name,
            source="survey",
            file_format=f"{cmap.flavour}/{table.file_format}",
            encoding=table.encoding,
            is_encoding_guessed=table.is_encoding_guessed,
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            title_zh=q.title.zh,
            title_en=q.title.en,
            definition_sha256=q.sha256,
            definition=json.dumps(q.definition, ensure_ascii=False, default=str),
            definition_yaml=_yaml_text(q),
            questionnaire_origin=found["origin"],
            questionnaire_source_sha256=sha256 if found["how"] == "drafted" else None,
            survey_key=survey_key,
            edition_year=edition_year,
            count_rows_read=parsed.rows_read,
            count_rows_loaded=loaded,
            count_rows_rejected=len(rejected_rows),
            warnings=json.dumps(parsed.warnings, ensure_ascii=False),
            started_at=started,
            loaded_at=utc_now(),
        )
    return LoadReport(
        path=table.path,
        source="survey",
        status="loaded",
        load_id=load_id,
        rows_read=parsed.rows_read,
        rows_loaded=loaded,
        rows_rejected=len(rejected_rows),
        warnings=parsed.warnings,
        details={
            "flavour": cmap.flavour,
            "edition_year": edition_year,
            "survey_key": survey_key,
            "encoding": table.encoding,
            "unmapped": parsed.unmapped,
            "questionnaire": {"id": q.id, "version": q.version} | found,
            "layout": export.layout if export is not None else cmap.flavour,
        },
    )


@contextmanager
def duckdb_settings(session: WriteSession, values: dict[str, object]) -> Iterator[None]:
    """DuckDB's settings set to `values` for the block, the previous ones restored after."""
    con = session.con
    previous = {
        name: con.execute("select current_setting(?)", [name]).fetchone()[0]  # type: ignore[index]
        for name in values
    }
    try:
        for name, value in values.items():
            con.execute(f"set {name} = ?", [value])  # names are constants of ours
        yield
    finally:
        for name, value in previous.items():
            con.execute(f"set {name} = ?", [value])


def take_answer_chunks(
    parsed: ParsedSurvey, rows: int = ANSWER_CHUNK_ROWS
) -> Iterator[pl.DataFrame]:
    """The parse's answers in frames of at most `rows`, taken from it: each freed once loaded."""
    return parsed.answer_parts.take(rows)


def answer_checks(parsed: ParsedSurvey) -> list[str]:
    """The SQL checks of the inserted answers, unless the parse vouches for them (they read back
    every answer the load inserted: ~1.5 s of CPU for 3M answers, the parse's check ~0.01-0.4 s)."""
    return [] if parsed.answer_parts.vouched() else ["survey_answer_checks"]


def answer_stream(parsed: ParsedSurvey, rows: int | None = None) -> pa.RecordBatchReader:
    """The parse's answers as one Arrow stream of batches of at most `rows`, taken from it.

    DuckDB reads the stream once, batch by batch: one question's answers are converted at a
    time and freed once read, and the insert is one statement.
    """
    return arrow_stream(ANSWER_SCHEMA, take_answer_chunks(parsed, rows or ANSWER_CHUNK_ROWS))


def raw_row_stream(parsed: ParsedSurvey) -> pa.RecordBatchReader:
    """The raw rows (one JSON text each) as one Arrow stream, made and converted a batch at a
    time and taken from the parse (freed once read)."""
    return arrow_stream(RAW_ROW_SCHEMA, parsed.raw_rows.take())


def _yaml_text(q: Questionnaire) -> str:
    """The questionnaire as YAML: the user's own file where it came from one, else a dump."""
    if q.source is not None and Path(q.source).is_file():
        text = Path(q.source).read_text(encoding="utf-8")
        if yaml.safe_load(text) == q.definition:
            return text
    return definition_yaml(q.definition)
