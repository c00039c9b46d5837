"""What a load, the access database and the key files leave on disk is private to the server's
user: directories 0700, files 0600, whatever the umask."""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.ingest import ingest_files
from survey.identity import load_id_key
from tests.builders import write_csv
from warehouse import accounts
from warehouse.settings import Settings
from warehouse.store import snapshot_dir


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _open_umask() -> Iterator[None]:
    """The usual 022 umask, under which files come out world-readable unless made private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _load(settings: Settings, tmp_path: Path, name: str, views: int = 100) -> None:
    path = write_csv(
        tmp_path / name,
        ["统计日期", "BV号", "标题", "累计播放", "累计点赞"],
        [["2024-02-10", "BV1ab411c7de", "《赛博拜年》", views, 5]],
    )
    [report] = ingest_files(settings, [path], source="bilibili")
    assert report.status == "loaded", report.error


def test_the_home_snapshots_and_access_database_are_private(
    tmp_path: Path, settings: Settings
) -> None:
    _load(settings, tmp_path, "bilibili_a.csv")
    accounts.add_user(settings.home, "alice", "organizer", "长城-correct-horse")
    assert mode(settings.home) == 0o700
    assert mode(snapshot_dir(settings.home)) == 0o700
    snapshots = list(snapshot_dir(settings.home).glob("wh-*.duckdb"))
    assert snapshots and all(mode(p) == 0o600 for p in snapshots)
    assert mode(accounts.db_path(settings.home)) == 0o600


def test_a_world_readable_snapshot_of_an_older_release_is_made_private_by_the_next_load(
    tmp_path: Path, settings: Settings
) -> None:
    _load(settings, tmp_path, "bilibili_a.csv")
    [old] = snapshot_dir(settings.home).glob("wh-*.duckdb")
    os.chmod(old, 0o644)
    os.chmod(settings.home, 0o755)
    _load(settings, tmp_path, "bilibili_b.csv", views=120)
    assert mode(old) == 0o600 and mode(settings.home) == 0o700


def test_a_generated_participant_id_key_is_private(tmp_path: Path, settings: Settings) -> None:
    keyed = dataclasses.replace(settings, id_key=None, id_key_file=tmp_path / "cfg" / "id.key")
    load_id_key(keyed)
    assert mode(tmp_path / "cfg" / "id.key") == 0o600 and mode(tmp_path / "cfg") == 0o700
