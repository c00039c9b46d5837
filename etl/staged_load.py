"""Load a reader's Staged bundle (platform metrics, live, retention, activity, attention).

One transaction per file: the kind's load script, the calendar refreshed to cover every loaded
date, the rejects and the load_log row. A year the holidays package does not cover fails the file.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import polars as pl

from etl.calendar import CalendarError, build_calendar
from etl.errors import IngestError
from etl.report import LoadReport, new_load_id, utc_now
from etl.schemas import Staged, rejects_frame
from warehouse.loading import apply_load, query_session
from warehouse.store import WriteSession

SCRIPTS = {
    "content": "content",
    "live": "live",
    "retention": "retention",
    "activity": "activity",
    "attention": "attention",
}
DATE_COLUMNS = (
    "date_on",
    "published_on",
    "minute_at",
    "published_at",
    "period_start_on",
    "period_end_on",
    "as_of_on",
)


def staged_dates(frames: dict[str, pl.DataFrame]) -> list[date]:
    """Every first/last date in the staged frames (datetimes count by their date)."""
    found: list[date] = []
    for frame in frames.values():
        for column in DATE_COLUMNS:
            if column in frame.columns and frame.height:
                values = frame[column].drop_nulls()
                for value in (values.min(), values.max()) if values.len() else ():
                    found.append(value.date() if isinstance(value, datetime) else value)
    return found


def calendar_frame(session: WriteSession, path: Path, extra: list[date]) -> pl.DataFrame:
    """dim_calendar covering what the warehouse holds plus the new dates."""
    span = query_session(session, "date_range").row(0)
    dates = [d for d in (*span, *extra) if d is not None]
    if not dates:
        dates = [utc_now().date()]
    # build_calendar covers whole years, so the years decide the frame: built once per span in
    # a write session, where every file of a many-file load asks again.
    key = ("calendar", min(dates).year, max(dates).year)
    if key not in session.memo:
        try:
            session.memo[key] = build_calendar(min(dates), max(dates))
        except CalendarError as exc:
            raise IngestError(path, f"calendar: {exc}") from exc
    return session.memo[key]


def program_titles(session: WriteSession) -> pl.DataFrame:
    """Every catalogue program's title_key, for works an export gives no id (title matching)."""
    from etl.platforms.snapshot import title_key

    programs = query_session(session, "program_titles")
    return pl.DataFrame(
        {
            "program_id": programs["program_id"],
            "title_key": [title_key(t) for t in programs["title_zh"].to_list()],
        },
        schema={"program_id": pl.String, "title_key": pl.String},
    ).drop_nulls()


def load_staged(
    session: WriteSession,
    staged: Staged,
    *,
    path: Path,
    sha256: str,
    source: str,
    file_format: str,
    encoding: str | None = None,
    is_encoding_guessed: bool = False,
) -> LoadReport:
    """Load one reader's output in one transaction and report read = loaded + rejected."""
    started = utc_now()
    load_id = new_load_id(started)
    frames = {f"stg_{name}": frame for name, frame in staged.frames.items()}
    frames["stg_calendar"] = calendar_frame(session, path, staged_dates(staged.frames))
    frames["stg_reject"] = rejects_frame(staged.rejects)
    if staged.kind == "content":
        frames["stg_program_title"] = program_titles(session)
    loaded = staged.rows_read - staged.rows_rejected
    warnings = list(staged.warnings)
    scripts = [SCRIPTS[staged.kind]]
    snapshots = staged.frames.get("content_snapshot")
    if staged.kind == "content" and snapshots is not None and snapshots.height:
        # Re-derives the snapshot works' days: run only for snapshot files, so a daily export
        # never scans fct_content_daily for days it cannot have.
        scripts.append("content_snapshot")
    if "channel_breakdown" in staged.frames:  # channel-level facts ride along (migration 0007)
        scripts.append("channel_breakdown")
    apply_load(
        session,
        [*scripts, "calendar"],
        frames,
        load_id=load_id,
        file_sha256=sha256,
        file_name=path.name,
        source=source,
        file_format=file_format,
        encoding=encoding,
        is_encoding_guessed=is_encoding_guessed,
        count_rows_read=staged.rows_read,
        count_rows_loaded=loaded,
        count_rows_rejected=staged.rows_rejected,
        warnings=json.dumps(warnings, ensure_ascii=False),
        started_at=started,
        loaded_at=utc_now(),
    )
    details = dict(staged.details)
    if staged.kind == "content":
        unmatched = query_session(session, "unmatched_content", load_id=load_id)
        if unmatched.height:
            warnings.append(
                f"{unmatched.height} content item(s) match no program: loaded and reported as unmatched"
            )
            details["unmatched_content"] = unmatched.to_dicts()
            titled = [t for t in unmatched["title"].to_list() if t is not None]
            if "as_of" in details and titled:
                # A snapshot's works match by title: name the titles the catalogue lacks.
                shown = ", ".join(titled[:10]) + (" ..." if len(titled) > 10 else "")
                warnings.append(f"titles matching no catalogue program: {shown}")
                details["unmatched_titles"] = titled
    return LoadReport(
        path=path,
        source=source,
        status="loaded",
        load_id=load_id,
        rows_read=staged.rows_read,
        rows_loaded=loaded,
        rows_rejected=staged.rows_rejected,
        warnings=warnings,
        details=details,
    )
