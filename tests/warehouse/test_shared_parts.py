"""The large platform tables stored once as Parquet parts, shared between snapshots.

A load of one platform's export writes new parts for that platform only and rebuilds the
platform-wise models for it only; every other platform's files stay the ones the previous
snapshot names. What readers see is exactly what an ordinary table would hold.
"""

from __future__ import annotations

import dataclasses
import itertools
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.ingest import ingest_files
from tests.builders import published_rows, write_csv
from warehouse import parts, store
from warehouse.query import Reader
from warehouse.settings import Settings
from warehouse.store import current_snapshot, open_for_write

DOUYIN = ["日期", "作品ID", "作品名称", "播放量", "点赞", "评论", "分享"]
WEIBO = ["微博ID", "微博内容", "日期", "阅读量", "转发", "评论"]
FACTS = "select platform_id, content_id, date_on, views from fct_content_daily order by all"


def douyin_rows(plays: int) -> list[list[str]]:
    """Two 抖音 items over five days of February 2025."""
    return [
        [f"2025-02-{day:02d}", item, "春晚短片《回家》", str(plays + day), "1", "0", "0"]
        for item in ("7301", "7302")
        for day in range(1, 6)
    ]


def weibo_rows() -> list[list[str]]:
    return [
        ["5012345678901234", "#AI春晚# 今晚八点", f"2025-02-{day:02d}", str(100 + day), "0", "1"]
        for day in range(1, 6)
    ]


def load(settings: Settings, path: Path, source: str) -> None:
    [report] = ingest_files(settings, [path], source=source)
    assert report.status == "loaded", report.error


def manifest(snapshot: Path) -> dict[tuple[str, str], str]:
    con = parts.connect(snapshot, read_only=True)
    try:
        rows = con.execute("select table_name, platform_id, path from parts.manifest").fetchall()
    finally:
        con.close()
    return {(table, platform): path for table, platform, path in rows}


def part_files(home: Path) -> set[str]:
    """The part files on disk, as the manifest names them (relative to the home)."""
    return {file.relative_to(home).as_posix() for file in home.glob("parts/**/*.parquet")}


@pytest.fixture
def shared(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A warehouse of 抖音 and 微博 days whose platform tables are shared parts (any size)."""
    monkeypatch.setattr(parts, "SHARE_MIN_ROWS", 0)
    load(settings, write_csv(tmp_path / "douyin_a.csv", DOUYIN, douyin_rows(10)), "douyin")
    load(settings, write_csv(tmp_path / "weibo_a.csv", WEIBO, weibo_rows()), "weibo")
    return settings


def test_large_tables_are_views_over_parts_one_file_per_platform(shared: Settings) -> None:
    snapshot = current_snapshot(shared.home)
    assert snapshot is not None
    files = manifest(snapshot)
    for table in parts.PARTITIONED:
        assert {platform for name, platform in files if name == table} == {"douyin", "weibo"}
    assert set(files.values()) == part_files(shared.home)  # named relative to the home
    kinds = published_rows(
        shared.home,
        "select table_name, table_type from information_schema.tables"
        " where table_schema = 'main' and table_name in"
        " ('fct_content_daily', 'fct_content_reach_daily', 'mart_program_daily')",
    )
    assert sorted(kinds) == [
        ("fct_content_daily", "VIEW"),
        ("fct_content_reach_daily", "VIEW"),
        ("mart_program_daily", "VIEW"),
    ]
    assert published_rows(shared.home, "select count(*) from fct_content_daily") == [(15,)]
    # Files with a sort key are written in its order (a date window then skips row groups).
    for table, key in parts.SORT_KEYS.items():
        for (name, platform), path in files.items():
            if name == table:
                frame = pl.read_parquet(shared.home / path)
                columns = [column.strip() for column in key.split(",")]
                assert frame.height > 0 and frame.select(columns).equals(
                    frame.sort(columns, maintain_order=True).select(columns)
                ), (table, platform)


def test_a_re_export_rewrites_only_its_platforms_parts_and_keeps_the_others(
    shared: Settings, tmp_path: Path
) -> None:
    before_snapshot = current_snapshot(shared.home)
    assert before_snapshot is not None
    before = manifest(before_snapshot)
    load(shared, write_csv(tmp_path / "douyin_b.csv", DOUYIN, douyin_rows(500)), "douyin")
    after_snapshot = current_snapshot(shared.home)
    assert after_snapshot is not None and after_snapshot != before_snapshot
    after = manifest(after_snapshot)
    for table in parts.PARTITIONED:
        assert after[(table, "weibo")] == before[(table, "weibo")], table
        assert after[(table, "douyin")] != before[(table, "douyin")], table
    rows = published_rows(shared.home, FACTS)
    assert [r[3] for r in rows if r[0] == "douyin"] == [500 + d for d in range(1, 6)] * 2
    assert [r[3] for r in rows if r[0] == "weibo"] == [100 + d for d in range(1, 6)]
    # The previous snapshot still answers with what it held (its files were not touched).
    con = parts.connect(before_snapshot, read_only=True)
    try:
        old = con.execute("select sum(views) from fct_content_daily where platform_id = 'douyin'")
        assert old.fetchone() == (2 * sum(10 + d for d in range(1, 6)),)
    finally:
        con.close()


def test_models_rebuilt_for_one_platform_equal_a_full_rebuild(
    shared: Settings, tmp_path: Path
) -> None:
    load(shared, write_csv(tmp_path / "douyin_b.csv", DOUYIN, douyin_rows(700)), "douyin")
    query = (
        "select platform_id, program_id, date_on, views, count_interactions"
        " from mart_program_daily order by all"
    )
    reach = "select * from fct_content_reach_daily order by all"
    blocks = "select * from mart_reach_content_blocks order by all"
    partial = [published_rows(shared.home, sql) for sql in (query, reach, blocks)]
    with open_for_write(shared.home) as session:
        session.mark_changed()  # "changed, but not known where": every model is rebuilt
    assert [published_rows(shared.home, sql) for sql in (query, reach, blocks)] == partial
    assert sum(row[3] for row in partial[0] if row[0] == "douyin") == 2 * sum(
        700 + d for d in range(1, 6)
    )


def test_a_failed_session_leaves_the_published_parts_and_its_files_are_pruned_later(
    shared: Settings, tmp_path: Path
) -> None:
    snapshot = current_snapshot(shared.home)
    assert snapshot is not None
    published = manifest(snapshot)
    rows = published_rows(shared.home, FACTS)
    with (
        pytest.raises(RuntimeError, match="crash"),
        open_for_write(shared.home, shared_tables=True) as session,
    ):
        parts.open_platforms(session.con, "fct_content_daily", {"douyin"})
        session.con.execute("update fct_content_daily set views = views + 1")
        parts.close_platforms(session.con, shared.home, "fct_content_daily", {"douyin"})
        raise RuntimeError("crash after writing new parts")
    assert current_snapshot(shared.home) == snapshot
    assert published_rows(shared.home, FACTS) == rows
    assert all((shared.home / path).is_file() for path in published.values())
    assert part_files(shared.home) > set(published.values())  # the failed session's are still there
    load(shared, write_csv(tmp_path / "weibo_b.csv", WEIBO, weibo_rows()[:3]), "weibo")
    kept = set()
    for kept_snapshot in (shared.home / "snapshots").glob("wh-*.duckdb"):
        kept |= set(manifest(kept_snapshot).values())
    assert part_files(shared.home) == kept


def test_a_session_that_writes_the_shared_table_directly_publishes_what_it_wrote(
    shared: Settings,
) -> None:
    with open_for_write(shared.home) as session:
        session.con.execute("delete from fct_content_daily where platform_id = 'weibo'")
        session.mark_changed()
    rows = published_rows(shared.home, FACTS)
    assert {row[0] for row in rows} == {"douyin"}
    assert published_rows(
        shared.home, "select count(*) from mart_program_daily where platform_id = 'weibo'"
    ) == [(0,)]


def test_a_session_that_leaves_the_shared_table_alone_writes_no_new_parts(
    shared: Settings,
) -> None:
    snapshot = current_snapshot(shared.home)
    assert snapshot is not None
    before = manifest(snapshot)
    with open_for_write(shared.home) as session:
        session.con.execute("create table if not exists 备注 (note varchar)")
        session.mark_changed("备注")
    after_snapshot = current_snapshot(shared.home)
    assert after_snapshot != snapshot and after_snapshot is not None
    assert manifest(after_snapshot) == before


def test_a_session_opened_with_a_relative_home_keeps_the_parts_the_snapshot_names(
    shared: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Python API takes the home as given: opened as a relative path, a session that
    publishes must still find (and keep) the parts every kept snapshot names. Comparing the
    relative paths it walked with the manifest's absolute ones once deleted every part."""
    rows = published_rows(shared.home, FACTS)
    monkeypatch.chdir(shared.home.parent)
    relative = Path(shared.home.name)
    with open_for_write(relative) as session:
        session.con.execute("create table if not exists 备注 (note varchar)")
        session.mark_changed("备注")
    snapshot = current_snapshot(shared.home)
    assert snapshot is not None
    named = set(manifest(snapshot).values())
    assert named and named <= part_files(shared.home)
    assert published_rows(shared.home, FACTS) == rows


def move_home(settings: Settings, tmp_path: Path) -> Settings:
    """The warehouse as a restore from a backup leaves it: the whole home under another path."""
    moved = tmp_path / "恢复" / "home"
    moved.parent.mkdir()
    shutil.move(settings.home, moved)
    return dataclasses.replace(settings, home=moved)


def test_a_moved_home_reads_its_parts_and_its_next_publish_keeps_them(
    shared: Settings, tmp_path: Path
) -> None:
    """Parts are named relative to the home: a home moved or restored elsewhere reads the same
    rows, and a load there prunes nothing a kept snapshot names (absolute names once made the
    moved home's first publish delete its own facts)."""
    rows = published_rows(shared.home, FACTS)
    moved = move_home(shared, tmp_path)
    assert published_rows(moved.home, FACTS) == rows
    con = store.connect_read_only(moved.home)  # checked for relinking, then handed on as it is
    try:
        assert con.sql(FACTS).fetchall() == rows
    finally:
        con.close()
    reader = Reader(moved.home)
    try:
        assert reader.query("tables").height > 0
        assert published_rows(moved.home, "select count(*) from mart_program_daily")[0][0] > 0
    finally:
        reader.close()
    load(moved, write_csv(tmp_path / "douyin_b.csv", DOUYIN, douyin_rows(500)), "douyin")
    after = published_rows(moved.home, FACTS)
    assert [r for r in after if r[0] == "weibo"] == [r for r in rows if r[0] == "weibo"]
    assert [r[3] for r in after if r[0] == "douyin"] == [500 + d for d in range(1, 6)] * 2
    for snapshot in (moved.home / "snapshots").glob("wh-*.duckdb"):
        assert set(manifest(snapshot).values()) <= part_files(moved.home), snapshot.name


def test_a_manifest_of_absolute_paths_is_relinked_when_the_moved_home_is_brought_up_to_date(
    shared: Settings, tmp_path: Path
) -> None:
    """Releases before relative part names wrote absolute ones: such a home, moved, is relinked
    by its next write session (`creatorpulse serve` opens one), and keeps every part."""
    rows = published_rows(shared.home, FACTS)
    snapshot = current_snapshot(shared.home)
    assert snapshot is not None
    con = parts.connect(snapshot)
    try:  # the snapshot as an older release published it: absolute names in manifest and views
        names = con.execute("select distinct table_name from parts.manifest").fetchall()
        con.execute(f"update parts.manifest set path = '{shared.home.resolve()}/' || path")
        for (name,) in names:
            con.execute(f"drop view main.{name}")
            parts._create_view(con, name)
    finally:
        con.close()
    moved = move_home(shared, tmp_path)
    assert store.out_of_date(moved.home) == ["parts named by absolute path"]
    with pytest.raises(duckdb.IOException):  # the old names point where the home was
        published_rows(moved.home, FACTS)
    reader = Reader(moved.home)
    with pytest.raises(parts.PartsError, match="relink"):  # a reader says what to do instead
        reader.query("tables")
    reader.close()
    assert store.bring_up_to_date(moved.home) == ["parts named by absolute path"]
    assert store.out_of_date(moved.home) == []
    assert published_rows(moved.home, FACTS) == rows
    relinked = current_snapshot(moved.home)
    assert relinked is not None
    named = set(manifest(relinked).values())
    assert all(not Path(path).is_absolute() for path in named)
    assert named <= part_files(moved.home)


def test_small_tables_stay_ordinary_tables_of_the_snapshot(
    settings: Settings, tmp_path: Path
) -> None:
    load(settings, write_csv(tmp_path / "douyin_a.csv", DOUYIN, douyin_rows(10)), "douyin")
    assert published_rows(
        settings.home,
        "select table_type from information_schema.tables where table_name = 'fct_content_daily'",
    ) == [("BASE TABLE",)]
    assert not parts.parts_dir(settings.home).exists()


def test_a_platform_new_to_a_shared_table_keeps_every_row_of_a_large_load(
    shared: Settings,
) -> None:
    # More than one DuckDB row group (122,880 rows) for a platform with no parts yet: DuckDB
    # 2.0.0 dropped all of them from the partitioned write when the table had been opened with
    # an empty insert in the same transaction.
    rows = 130_000
    with open_for_write(shared.home, shared_tables=True) as session:
        con = session.con
        con.execute("begin transaction")
        assert parts.open_platforms(con, "fct_content_daily", {"bilibili"})
        staged = pl.DataFrame(
            {
                "platform_id": ["bilibili"] * rows,
                "content_id": [f"BV1春晚{i % 100}" for i in range(rows)],
                "date_on": [date(2025, 1, 1) + timedelta(days=i // 100) for i in range(rows)],
                "views": list(range(rows)),
            }
        )
        con.register("stg_big", staged)  # staged as a load stages its frames
        con.execute(
            "insert into fct_content_daily (platform_id, content_id, date_on, views,"
            " is_from_cumulative, load_id)"
            " select platform_id, content_id, date_on, views, false, 1 from stg_big"
        )
        parts.close_platforms(con, session.home, "fct_content_daily", {"bilibili"})
        con.execute("commit")
        session.mark_changed("fct_content_daily")
    counts = published_rows(
        shared.home, "select platform_id, count(*) from fct_content_daily group by 1 order by 1"
    )
    assert counts == [("bilibili", rows), ("douyin", 10), ("weibo", 5)]
    snapshot = current_snapshot(shared.home)
    assert snapshot is not None
    assert ("fct_content_daily", "bilibili") in manifest(snapshot)


def test_each_part_is_written_in_its_sort_order_so_row_groups_cover_few_dates(
    tmp_path: Path,
) -> None:
    """A date window reads only the row groups of its dates: each file's rows are in SORT_KEYS
    order from its first row group to its last (a partitioned write interleaves its threads'
    sorted runs, and then every row group spans every date)."""
    con = duckdb.connect()
    try:
        con.execute("set threads = 2")
        con.execute(
            "create table main.fct_content_reach_daily as select "
            "case i % 3 when 0 then '抖音' when 1 then 'weibo' else 'bilibili' end as platform_id, "
            "cast(hash(i) % 5000 as varchar) as content_id, "
            "date '2024-01-01' + cast(hash(i * 7) % 900 as integer) as date_on, "
            "i as views from range(1200000) as r(i)"
        )
        written = parts._write(
            con,
            tmp_path,
            "fct_content_reach_daily",
            "select * from main.fct_content_reach_daily",
            None,
        )
        assert sorted(written) == ["bilibili", "weibo", "抖音"]
        for platform, file in written.items():
            path = parts._quote(str(tmp_path / file))
            stored = con.execute(
                f"select platform_id, date_on from read_parquet({path})"
            ).fetchall()
            assert len(stored) == 400_000 and {p for p, _ in stored} == {platform}
            dates = [d for _, d in stored]
            assert dates == sorted(dates), platform
            groups = con.execute(
                f"select row_group_id, stats_min_value, stats_max_value from parquet_metadata({path})"
                " where path_in_schema = 'date_on' order by row_group_id"
            ).fetchall()
            assert len(groups) >= 3
            for (_, _, high), (_, low, _) in itertools.pairwise(groups):
                assert high <= low, (platform, groups)
        # Rows of no platform are refused rather than dropped.
        con.execute(
            "insert into main.fct_content_reach_daily values (null, 'x', date '2025-01-01', 1)"
        )
        with pytest.raises(ValueError, match="platform_id"):
            parts._write(
                con,
                tmp_path,
                "fct_content_reach_daily",
                "select * from main.fct_content_reach_daily",
                None,
            )
    finally:
        con.close()


def test_a_home_whose_path_holds_a_comma_refuses_parts_with_a_clear_error_and_stays_as_it_was(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's file_search_path (how views find their parts) is a comma-separated list."""
    monkeypatch.setattr(parts, "SHARE_MIN_ROWS", 0)
    home = dataclasses.replace(settings, home=tmp_path / "备份,2025" / "home")
    export = write_csv(tmp_path / "douyin_a.csv", DOUYIN, douyin_rows(10))
    with pytest.raises(parts.PartsError, match="comma"):
        ingest_files(home, [export], source="douyin")
    assert current_snapshot(home.home) is None
    assert part_files(home.home) == set()
