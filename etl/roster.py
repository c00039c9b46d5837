"""Participant roster (姓名, 联系方式, 社区, 参与届次, 分工): who co-created which edition."""

from __future__ import annotations

import json
import re
from datetime import datetime

import polars as pl

from etl.errors import IngestError, Reject
from etl.reading import RawTable
from etl.report import LoadReport, new_load_id, utc_now
from etl.schemas import rejects_frame
from survey.identity import normalise_contact, participant_id
from survey.text import clean_text
from warehouse.loading import apply_load
from warehouse.store import WriteSession

ROSTER_COLUMNS = {
    "name": ("姓名", "称呼", "昵称", "name"),
    "contact": ("联系方式", "手机", "微信", "contact"),
    "community": ("社区", "所属社区", "community"),
    "editions": ("参与届次", "届次", "editions"),
    "team_role": ("分工", "角色", "role"),
}
FIRST_EDITION = 2024


def roster_columns(table: RawTable) -> dict[str, int] | None:
    """Column index per roster field, or None if this is not a roster."""
    found: dict[str, int] = {}
    for field_name, names in ROSTER_COLUMNS.items():
        for index, header in enumerate(table.headers):
            if (clean_text(header) or "").lower() in {n.lower() for n in names}:
                found[field_name] = index
                break
    return found if {"contact", "editions"} <= found.keys() else None


def parse_roster(table: RawTable, columns: dict[str, int], id_key: bytes, today: datetime):
    """Rows -> (people, editions, contacts, rejects); each row loaded or rejected with a reason."""
    people, editions, contacts, rejects = [], [], [], []
    last_year = today.year + 1
    for i, row in enumerate(table.rows):
        line = table.line_number(i)

        def cell(name: str, row: list[str | None] = row) -> str | None:
            return clean_text(row[columns[name]]) if name in columns else None

        contact = normalise_contact(cell("contact"))
        if contact is None:
            rejects.append(
                Reject(
                    line,
                    table.headers[columns["contact"]],
                    None,
                    "no contact: cannot identify the person",
                )
            )
            continue
        raw_years = cell("editions") or ""
        parts = [p for p in re.split(r"[;；,，、/\s]+", raw_years) if p]
        years = [int(p) for p in parts if p.isdigit()]
        if (
            not parts
            or len(years) != len(parts)
            or any(not FIRST_EDITION <= y <= last_year for y in years)
        ):
            rejects.append(
                Reject(
                    line,
                    table.headers[columns["editions"]],
                    raw_years,
                    f"editions must be years {FIRST_EDITION}-{last_year}, got {raw_years!r}",
                )
            )
            continue
        pid = participant_id(id_key, contact)
        people.append({"participant_id": pid, "is_anonymous": False})
        contacts.append(
            {
                "participant_id": pid,
                "name_text": cell("name"),
                "phone": contact.value if contact.kind == "phone" else None,
                "wechat": contact.value if contact.kind == "wechat" else None,
                "email": contact.value if contact.kind == "email" else None,
                "row_number": line,
            }
        )
        for year in years:
            editions.append(
                {
                    "participant_id": pid,
                    "edition_year": year,
                    "community": cell("community"),
                    "team_role": cell("team_role"),
                    "row_number": line,
                }
            )
    return people, editions, contacts, rejects


def load_roster_table(
    session: WriteSession, table: RawTable, sha256: str, *, id_key: bytes
) -> LoadReport:
    """Load a roster file in one transaction."""
    columns = roster_columns(table)
    if columns is None:
        raise IngestError(table.path, "not a roster: needs 联系方式 and 参与届次 columns", row=1)
    started = utc_now()
    people, editions, contacts, rejects = parse_roster(table, columns, id_key, started)
    load_id = new_load_id(started)
    frames = {
        "stg_participant": pl.DataFrame(
            people, schema={"participant_id": pl.String, "is_anonymous": pl.Boolean}
        ),
        "stg_participant_edition": pl.DataFrame(
            editions,
            schema={
                "participant_id": pl.String,
                "edition_year": pl.Int64,
                "community": pl.String,
                "team_role": pl.String,
                "row_number": pl.Int64,
            },
        ),
        "stg_pii_contact": pl.DataFrame(
            contacts,
            schema={
                "participant_id": pl.String,
                "name_text": pl.String,
                "phone": pl.String,
                "wechat": pl.String,
                "email": pl.String,
                "row_number": pl.Int64,
            },
        ).with_columns(precedence=pl.col("row_number")),  # a later row of the roster wins
        "stg_reject": rejects_frame(rejects),
    }
    loaded = len(table.rows) - len(rejects)
    apply_load(
        session,
        ["roster", "pii_contact"],
        frames,
        load_id=load_id,
        file_sha256=sha256,
        file_name=table.path.name,
        source="roster",
        file_format=f"roster/{table.file_format}",
        encoding=table.encoding,
        is_encoding_guessed=table.is_encoding_guessed,
        count_rows_read=len(table.rows),
        count_rows_loaded=loaded,
        count_rows_rejected=len(rejects),
        warnings=json.dumps(table.warnings, ensure_ascii=False),
        started_at=started,
        loaded_at=utc_now(),
    )
    return LoadReport(
        path=table.path,
        source="roster",
        status="loaded",
        load_id=load_id,
        rows_read=len(table.rows),
        rows_loaded=loaded,
        rows_rejected=len(rejects),
        warnings=table.warnings,
    )
