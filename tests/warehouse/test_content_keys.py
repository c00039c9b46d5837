"""fct_content_daily keeps (platform_id, content_id, date_on) unique without a primary key.

Migration 0004 dropped the key's index (it cost more than the rest of the load); uniqueness now
holds by construction in loads/content.sql: overlapping re-exports replace days, a staged
duplicate fails the load. The migration must keep every row of a warehouse built before it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from etl.ingest import ingest_files, stage_series
from etl.staged_load import load_staged
from tests.builders import published_rows, write_csv
from warehouse import parts, schema
from warehouse.settings import Settings
from warehouse.store import current_snapshot, open_for_write

MODELS = schema.models  # the real list, before a test patches schema.models

DOUYIN = ["日期", "作品ID", "作品名称", "播放量", "点赞", "评论", "分享"]
BILIBILI = ["统计日期", "BV号", "标题", "累计播放", "累计点赞"]
KEY = "platform_id, content_id, date_on"


def douyin_rows(first_day: int, last_day: int, plays: int) -> list[list[str]]:
    """Two items, one row per item and day of February 2025, `plays` + the day as plays."""
    return [
        [f"2025-02-{day:02d}", item, "t", str(plays + day), "1", "0", "0"]
        for item in ("7301", "7302")
        for day in range(first_day, last_day + 1)
    ]


def bilibili_rows(first_day: int, last_day: int, title: str = "t") -> list[list[str]]:
    """A running total that grows by 10 plays a day."""
    return [
        [f"2025-02-{day:02d}", "BV1ab411c7de", title, str(10 * day), "1"]
        for day in range(first_day, last_day + 1)
    ]


def sql(settings: Settings, query: str) -> list[tuple]:
    return published_rows(settings.home, query)


def key_counts(settings: Settings) -> tuple[int, int]:
    [(rows, keys)] = sql(
        settings, f"select count(*), count(distinct ({KEY})) from fct_content_daily"
    )
    return rows, keys


def facts(settings: Settings) -> list[tuple]:
    return sql(
        settings,
        f"select {KEY}, views, likes, is_from_cumulative from fct_content_daily order by {KEY}",
    )


def ingest(settings: Settings, path: Path | list[Path], source: str) -> None:
    """Load files in order in one write session; every one must load."""
    reports = ingest_files(settings, path if isinstance(path, list) else [path], source=source)
    assert [r.status for r in reports] == ["loaded"] * len(reports), [r.error for r in reports]


def test_overlapping_re_exports_loaded_many_times_keep_one_row_per_key(
    tmp_path: Path, settings: Settings
) -> None:
    windows = [(1, 10, 100), (5, 15, 200), (3, 8, 300), (1, 20, 400), (12, 14, 500)]
    for round_ in range(2):
        douyin = [
            write_csv(
                tmp_path / f"douyin_{round_}_{index}.csv",
                DOUYIN,
                douyin_rows(first, last, plays + round_),
            )
            for index, (first, last, plays) in enumerate(windows)
        ]
        ingest(settings, douyin, "douyin")  # one session, one transaction per file, in order
        for index, (first, last) in enumerate([(1, 9), (4, 16), (2, 20)]):
            rows = bilibili_rows(first, last, title=f"t{round_}")
            path = tmp_path / f"bilibili_{round_}_{index}.csv"
            ingest(settings, write_csv(path, BILIBILI, rows), "bilibili")
        rows, keys = key_counts(settings)
        assert rows == keys == 2 * 20 + 20
    # The last export of each day wins: days 12..14 from the last window, the rest from 1..20.
    plays_by_day = {
        (content, str(day)): views
        for platform, content, day, views, *_ in facts(settings)
        if platform == "douyin"
    }
    assert plays_by_day[("7301", "2025-02-13")] == 500 + 1 + 13
    assert plays_by_day[("7302", "2025-02-20")] == 400 + 1 + 20
    # The running total is never counted twice however often it is re-exported.
    [(plays,)] = sql(
        settings, "select sum(views) from fct_content_daily where platform_id = 'bilibili'"
    )
    assert plays == 200


def test_loading_the_same_rows_again_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    rows = douyin_rows(1, 6, 100)
    ingest(settings, write_csv(tmp_path / "douyin_a.csv", DOUYIN, rows), "douyin")
    ingest(
        settings, write_csv(tmp_path / "bilibili_a.csv", BILIBILI, bilibili_rows(1, 6)), "bilibili"
    )
    before = facts(settings)
    # Same rows in another order (another file hash, so it is loaded, not skipped as seen).
    ingest(settings, write_csv(tmp_path / "douyin_b.csv", DOUYIN, rows[::-1]), "douyin")
    ingest(
        settings,
        write_csv(tmp_path / "bilibili_b.csv", BILIBILI, bilibili_rows(1, 6)[::-1]),
        "bilibili",
    )
    assert facts(settings) == before
    assert key_counts(settings) == (len(before), len(before))
    # The very same file again is recognised by its hash and skipped.
    [report] = ingest_files(settings, [tmp_path / "douyin_a.csv"], source="douyin")
    assert report.status != "loaded"
    assert facts(settings) == before


def test_staged_days_repeating_a_key_fail_the_load_and_change_nothing(
    tmp_path: Path, settings: Settings
) -> None:
    ingest(settings, write_csv(tmp_path / "douyin_a.csv", DOUYIN, douyin_rows(1, 3, 100)), "douyin")
    before = facts(settings)
    path = write_csv(tmp_path / "douyin_b.csv", DOUYIN, douyin_rows(2, 4, 900))
    staged = stage_series(path, "douyin", mapping=None)
    daily = staged.frames["content_daily"]
    # A reader bug that let a day through twice (the readers reject it as "duplicate of row N").
    staged.frames["content_daily"] = pl.concat([daily, daily.head(1)])
    with (
        pytest.raises(duckdb.Error, match="repeats the key"),
        open_for_write(settings.home) as session,
    ):
        load_staged(session, staged, path=path, sha256="0" * 64, source="douyin", file_format="csv")
    assert facts(settings) == before


def _columns(path: Path) -> list[tuple[Any, ...]]:
    con = parts.connect(path, read_only=True)
    try:
        return con.execute(
            "select column_name, data_type, is_nullable from information_schema.columns"
            " where table_name = 'fct_content_daily' order by ordinal_position"
        ).fetchall()
    finally:
        con.close()


def _primary_keys(path: Path) -> list[tuple[Any, ...]]:
    con = parts.connect(path, read_only=True)
    try:
        return con.execute(
            "select constraint_text from duckdb_constraints()"
            " where table_name = 'fct_content_daily' and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    finally:
        con.close()


def _models_before(every: list, version: int) -> list:
    """The models whose inputs exist once migrations up to `version` ran."""
    later = {
        table
        for number, _name, path in every
        if number > version
        for table in re.findall(r"create table if not exists (\w+)", path.read_text())
    }
    kept = []
    for model in MODELS():
        text = model[2].read_text().lower()
        if not any(re.search(rf"\b{name}\b", text) for name in later):
            kept.append(model)
        else:
            later.add(model[1])  # a model reading a missing table is missing too
    return kept


def test_migration_0004_keeps_every_row_of_a_warehouse_built_before_it(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = schema.migrations()
    assert [v for v, _, _ in every if v == 4], "migration 0004 ships"
    with monkeypatch.context() as patch:
        # 0006 adds dim_content columns today's load scripts write (it leaves fct_content_daily
        # alone), and 0008 the fct_topic_attention columns today's attention mart reads (it
        # touches no content), so the "before 0004" warehouse has them too.
        patch.setattr(
            schema, "migrations", lambda: [m for m in every if m[0] <= 3 or m[0] in (6, 8)]
        )
        # Models reading tables that later migrations create did not exist before them either.
        patch.setattr(
            schema, "models", lambda: _models_before([m for m in every if m[0] not in (6, 8)], 3)
        )
        ingest(
            settings, write_csv(tmp_path / "douyin_a.csv", DOUYIN, douyin_rows(1, 9, 100)), "douyin"
        )
        ingest(
            settings,
            write_csv(tmp_path / "bilibili_a.csv", BILIBILI, bilibili_rows(1, 9)),
            "bilibili",
        )
    old = current_snapshot(settings.home)
    assert old is not None
    assert _primary_keys(old), "built with the primary key of migration 0002"
    columns, before = _columns(old), facts(settings)
    [(program_rows,)] = sql(settings, "select count(*) from mart_program_daily")

    # The next write session migrates; a re-export then overlaps the migrated rows.
    ingest(
        settings, write_csv(tmp_path / "douyin_b.csv", DOUYIN, douyin_rows(9, 10, 100)), "douyin"
    )
    new = current_snapshot(settings.home)
    assert new is not None and new != old
    assert _primary_keys(new) == []
    assert _columns(new) == columns
    after = facts(settings)
    added = [row for row in after if row[1] in ("7301", "7302") and str(row[2]) == "2025-02-10"]
    assert sorted(set(after) - set(added)) == before
    assert len(added) == 2
    assert key_counts(settings) == (len(after), len(after))
    assert (4,) in sql(settings, "select version from schema_migrations")
    [(program_rows_after,)] = sql(settings, "select count(*) from mart_program_daily")
    assert program_rows_after == program_rows + 1  # one more douyin day (no programs)
