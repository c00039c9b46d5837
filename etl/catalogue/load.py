"""Load the catalogue workbook in one transaction."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from etl.catalogue.read import read_catalogue
from etl.report import LoadReport, new_load_id, utc_now
from etl.schemas import rejects_frame
from etl.staged_load import calendar_frame, program_titles
from warehouse.loading import apply_load, known_keys
from warehouse.store import WriteSession


def catalogue_titles(session: WriteSession, programs: pl.DataFrame) -> pl.DataFrame:
    """title_key of every program once this workbook is loaded (its programs replace stored ones)."""
    from etl.platforms.snapshot import title_key

    staged = pl.DataFrame(
        {
            "program_id": programs["program_id"],
            "title_key": [title_key(t) for t in programs["title_zh"].to_list()],
        },
        schema={"program_id": pl.String, "title_key": pl.String},
    ).drop_nulls()
    stored = program_titles(session).filter(~pl.col("program_id").is_in(staged["program_id"]))
    return pl.concat([stored, staged])


def load_catalogue_file(
    session: WriteSession, path: Path, sha256: str, *, id_key: bytes
) -> LoadReport:
    """Read, cross-check and load a catalogue workbook; rejects name the sheet, row and column."""
    keys = known_keys(session)
    cat = read_catalogue(
        path,
        id_key=id_key,
        known_participants=keys["participant"],
        known_programs=keys["program"],
        known_sponsors=keys["sponsor"],
        known_editions={int(y) for y in keys["edition"]},
    )
    started = utc_now()
    load_id = new_load_id(started)
    rejects = rejects_frame(cat.rejects)
    broadcasts = cat.frames["stg_edition"]["broadcast_on"].drop_nulls().to_list()
    frames = cat.frames | {
        "stg_reject": rejects,
        "stg_calendar": calendar_frame(session, path, broadcasts),
        "stg_program_title": catalogue_titles(session, cat.frames["stg_program"]),
    }
    loaded = cat.rows_read - cat.rows_rejected
    apply_load(
        session,
        ["catalogue", "calendar"],
        frames,
        load_id=load_id,
        file_sha256=sha256,
        file_name=path.name,
        source="catalogue",
        file_format="catalogue/xlsx",
        count_rows_read=cat.rows_read,
        count_rows_loaded=loaded,
        count_rows_rejected=cat.rows_rejected,
        warnings=json.dumps(cat.warnings, ensure_ascii=False),
        started_at=started,
        loaded_at=utc_now(),
    )
    counts = {name.removeprefix("stg_"): frame.height for name, frame in cat.frames.items()}
    return LoadReport(
        path=path,
        source="catalogue",
        status="loaded",
        load_id=load_id,
        rows_read=cat.rows_read,
        rows_loaded=loaded,
        rows_rejected=cat.rows_rejected,
        warnings=cat.warnings,
        details={"counts": counts},
    )
