"""Apply a load: register staged frames, run a load script from warehouse/loads/, one transaction."""

from __future__ import annotations

from typing import Any

import polars as pl

from warehouse import schema
from warehouse.store import WriteSession


def loaded_file(session: WriteSession, sha256: str) -> dict[str, Any] | None:
    """The load_log row of a file with this SHA-256 already loaded into this warehouse, if any."""
    cursor = session.con.cursor()
    try:
        rel = cursor.sql(schema.read_sql("queries/load_by_sha.sql"), params={"file_sha256": sha256})
        rows = rel.pl().to_dicts()
    finally:
        cursor.close()
    return rows[0] if rows else None


def apply_load(
    session: WriteSession, script: str, frames: dict[str, pl.DataFrame], **params: Any
) -> None:
    """Run warehouse/loads/SCRIPT.sql over the staged frames in one transaction, or not at all."""
    con = session.con
    con.execute("begin transaction")
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        schema.run_script(con, f"loads/{script}.sql", **params)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        for name in frames:
            con.unregister(name)
    session.mark_changed()
