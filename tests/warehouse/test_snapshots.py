"""Snapshots: readers never see a half-done load, a killed load publishes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.ingest import ingest_files
from tests.builders import WJX_META, WJX_QUESTIONS, wjx_row, write_csv, write_xlsx
from warehouse import parts, schema
from warehouse.query import RESIDENT_SNAPSHOTS, Reader, _resident, clear_resident
from warehouse.settings import Settings
from warehouse.store import WarehouseError, current_snapshot, open_for_write, snapshot_dir

ROOT = Path(__file__).resolve().parents[2]


def _count(path: Path, table: str) -> int:
    with parts.connect(path, read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def test_migrations_run_once_and_are_recorded() -> None:
    con = duckdb.connect()
    # Every numbered file runs once, in order (numbers are reserved per branch, so gaps occur).
    assert schema.migrate(con) == [version for version, _name, _path in schema.migrations()]
    assert schema.migrate(con) == []
    recorded = con.execute("select version, name from schema_migrations order by 1").fetchall()
    assert recorded[:5] == [
        (1, "initial"),
        (2, "platforms"),
        (3, "segments"),
        (4, "content_daily_no_pk"),
        (5, "survey_answer_no_pk"),
    ]
    assert (7, "channel_breakdown") in recorded
    assert (9, "questionnaire_versions") in recorded
    assert (10, "follower_shares") in recorded


def test_a_reader_with_no_warehouse_gets_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no warehouse at .*creatorpulse demo"):
        Reader(tmp_path).query("loads")


def test_a_reader_picks_up_a_newly_published_snapshot_without_reopening_by_hand(
    tmp_path: Path, settings: Settings
) -> None:
    ingest_files(
        settings, [write_xlsx(tmp_path / "a_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1)])]
    )
    reader = Reader(settings.home)
    assert reader.query("loads").height == 1
    first = reader.snapshot
    ingest_files(
        settings, [write_xlsx(tmp_path / "b_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(2)])]
    )
    assert reader.query("loads").height == 2
    assert reader.snapshot != first
    reader.close()


def test_respondent_tables_stay_resident_per_snapshot_as_the_table_reads(
    tmp_path: Path, settings: Settings
) -> None:
    """participants_population is read once per published snapshot and reader process; each
    caller gets its own copy, a new snapshot is read anew, and at most two snapshots' frames are
    kept."""
    clear_resident()
    ingest_files(
        settings, [write_xlsx(tmp_path / "a_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1)])]
    )
    reader = Reader(settings.home)
    first = reader.query("participants_population")
    first_snapshot = reader.snapshot
    assert first.height == 1 and (str(first_snapshot), "participants_population") in _resident
    first.drop_in_place("participant_id")  # a caller's change does not reach the next one
    again = reader.query("participants_population")
    assert "participant_id" in again.columns
    with parts.connect(first_snapshot, read_only=True) as con:
        table = con.sql(schema.read_sql("queries/participants_population.sql")).pl()
    assert again.equals(table)
    for n in (2, 3):
        ingest_files(
            settings,
            [write_xlsx(tmp_path / f"{n}_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(n)])],
        )
        assert reader.query("participants_population").height == n  # the new snapshot's rows
    kept = {snapshot for snapshot, _name in _resident}
    assert len(kept) == RESIDENT_SNAPSHOTS and str(first_snapshot) not in kept
    reader.close()


def test_an_exception_inside_a_write_publishes_nothing_and_leaves_no_temp_file(
    tmp_path: Path, settings: Settings
) -> None:
    ingest_files(
        settings, [write_xlsx(tmp_path / "a_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1)])]
    )
    before = current_snapshot(settings.home)
    with pytest.raises(RuntimeError), open_for_write(settings.home) as session:
        session.con.execute("delete from fct_survey_answer")
        session.mark_changed()
        raise RuntimeError("crash in the middle")
    assert current_snapshot(settings.home) == before
    assert _count(before, "fct_survey_answer") > 0
    assert not list(snapshot_dir(settings.home).glob("*.tmp*"))


def test_old_snapshots_are_pruned_to_the_configured_number(
    tmp_path: Path, settings: Settings
) -> None:
    for i in range(7):
        path = write_xlsx(tmp_path / f"f{i}_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(i + 1)])
        ingest_files(settings, [path])
    snaps = sorted(snapshot_dir(settings.home).glob("wh-*.duckdb"))
    assert len(snaps) == settings.keep_snapshots
    assert current_snapshot(settings.home) == snaps[-1]


def test_a_load_killed_midway_leaves_the_published_snapshot_intact(
    tmp_path: Path, settings: Settings
) -> None:
    ingest_files(
        settings, [write_xlsx(tmp_path / "small_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1)])]
    )
    published = current_snapshot(settings.home)
    content = published.read_bytes()
    big = write_csv(
        tmp_path / "big_2024.csv",
        WJX_META + WJX_QUESTIONS,
        [wjx_row(i, contact=f"139{i:08d}") for i in range(2, 40_002)],
    )
    env = dict(os.environ, CREATORPULSE_ID_KEY="test-secret")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "ingest", str(big), "--home", str(settings.home)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(snapshot_dir(settings.home).glob("*.tmp")) and time.monotonic() < deadline:
        assert proc.poll() is None, "the load finished before it could be killed"
        time.sleep(0.02)
    time.sleep(0.5)  # well inside parsing/loading of 40,000 rows
    assert proc.poll() is None, "the load finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert current_snapshot(settings.home) == published
    assert published.read_bytes() == content
    assert _count(published, "fct_survey_response") == 1
    # The next load works and clears the dead load's temporary copy.
    ingest_files(
        settings, [write_xlsx(tmp_path / "next_2024.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(2)])]
    )
    assert _count(current_snapshot(settings.home), "fct_survey_response") == 2
    assert not list(snapshot_dir(settings.home).glob("*.tmp*"))


def test_the_snapshot_still_served_keeps_its_tables_when_newer_ones_are_read(
    tmp_path: Path, settings: Settings
) -> None:
    """Resident tables are let go by last use: a server still answering from its snapshot keeps
    its tables while two newer snapshots are read, and the one nobody uses any more goes."""
    clear_resident()

    def publish(n: int) -> None:
        rows = [wjx_row(n)]
        ingest_files(
            settings, [write_xlsx(tmp_path / f"{n}_2024.xlsx", WJX_META + WJX_QUESTIONS, rows)]
        )

    publish(1)
    follower = Reader(settings.home)
    follower.query("participants_population")
    served = follower.snapshot
    pinned = Reader(settings.home, snapshot=served)
    publish(2)
    assert follower.query("participants_population").height == 2
    between = follower.snapshot
    assert pinned.query("participants_population").height == 1  # still served, used again
    publish(3)
    assert follower.query("participants_population").height == 3
    kept = {snapshot for snapshot, _name in _resident}
    assert kept == {str(served), str(follower.snapshot)} and str(between) not in kept
    pinned.close()
    follower.close()
