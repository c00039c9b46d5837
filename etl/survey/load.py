"""Load one survey export: read, map, parse, then one warehouse transaction."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from etl.errors import IngestError
from etl.reading import RawTable
from etl.report import LoadReport, new_load_id, utc_now
from etl.schemas import rejects_frame
from etl.survey.mapping import map_columns
from etl.survey.parse import parse_survey, parse_timestamp
from survey.questionnaire import Questionnaire, codebook
from warehouse.loading import apply_load
from warehouse.store import WriteSession

_YEAR_IN_NAME = re.compile(r"(?<!\d)(20[2-9]\d)(?!\d)")


def infer_edition(path: Path, table: RawTable, submitted_index: int | None) -> int:
    """Edition year: a 20xx year in the file name, else the most common year of submission."""
    found = _YEAR_IN_NAME.search(path.name)
    if found:
        return int(found.group(1))
    head = table.frame().head(500).rows() if submitted_index is not None else []
    years = [
        ts.year
        for row in head
        if submitted_index is not None and (ts := parse_timestamp(row[submitted_index])) is not None
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


def load_survey_table(
    session: WriteSession,
    table: RawTable,
    sha256: str,
    q: Questionnaire,
    *,
    id_key: bytes,
    edition: int | None = None,
) -> LoadReport:
    """Parse and load a survey table in one transaction; returns what happened."""
    started = utc_now()
    cmap = map_columns(table, q)
    edition_year = edition or infer_edition(table.path, table, cmap.meta_index("submitted_at"))
    survey_key = f"{q.id}:{edition_year}"
    parsed = parse_survey(
        table, cmap, q, survey_key=survey_key, edition_year=edition_year, id_key=id_key
    )
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
        "stg_survey_answer": parsed.answers,
        # The latest submission's contact wins.
        "stg_pii_contact": parsed.contacts.with_columns(
            precedence=pl.col("submitted_at").dt.epoch("s")
        ),
        "stg_raw_row": parsed.raw_rows,
        "stg_reject": rejects,
        **questionnaire_frames(q),
    }
    apply_load(
        session,
        ["survey", "pii_contact"],
        frames,
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
        },
    )
