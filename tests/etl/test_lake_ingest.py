"""Platform exports parsed as Spark tasks into a lake's staged tables, then built on both engines."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from etl.ingest import ingest_files
from etl.lake_ingest import ingest_to_lake
from etl.report import LoadReport
from etl.sample.creator_layouts import write_xhs_note_list
from tests.builders import write_csv
from tests.warehouse.test_lake import model_rows, same_value, sort_key
from warehouse import lake, lake_spark, lake_staged
from warehouse.settings import Settings, load_settings
from warehouse.store import current_snapshot

DOUYIN = ["日期", "作品ID", "作品名称", "播放量", "点赞", "评论", "分享"]
BILIBILI = ["统计日期", "BV号", "标题", "累计播放", "累计点赞", "累计投币", "累计收藏", "累计弹幕"]
BILIBILI += ["累计评论", "累计分享"]


def demo_xhs_rows(demo_settings: Settings) -> list[list[Any]]:
    """The demo's last 笔记列表明细表 rows (banner and header skipped), as 小红书 wrote them."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Workbook contains no default style")
        book = openpyxl.load_workbook(
            demo_settings.home / "samples" / "笔记列表明细表_20250224.xlsx", read_only=True
        )
    try:
        return [list(row) for row in book.active.iter_rows(min_row=3, values_only=True)]
    finally:
        book.close()


def bili(day: str, *totals: object) -> list[object]:
    """One B站 cumulative row of the demo work 春运抢票AI: its running totals as of `day`."""
    return [day, "BV1NjJnC3gSe", "【2025 AI春晚】春运抢票AI", *totals]


def write_exports(folder: Path, demo_settings: Settings) -> dict[str, Path]:
    """Five exports: a later 小红书 snapshot, two consecutive cumulative bilibili exports (one bad
    row in the second), a daily 抖音 export of a new work, and a file no reader can open."""
    folder.mkdir()
    notes = demo_xhs_rows(demo_settings)
    for row in notes:
        row[4] = float(row[4]) + 250.0  # 观看量 grew since the last snapshot
        row[6] = float(row[6]) + 7.0
    notes.append(["《赛博拜年》新年特辑", "2025年03月01日20时00分00秒", "视频", 900.0, 300.0, 0.05])
    notes[-1] += [12.0, 1.0, 2.0, 0.0, 0.0, 15.0, 0.0]
    bilibili = [  # restates the demo's last day, then goes on
        bili("2025-06-02", 15363, 795, 300, 694, 167, 68, 118),
        bili("2025-06-03", 15500, 801, 301, 700, 170, 69, 119),
    ]
    bilibili_later = [  # the next export: its first day is a running total, not a day's plays
        bili("2025-06-04", 15620, 805, 301, 700, 170, 69, 119),
        bili("2025-06-05", "很多", 810, 301, 701, 171, 69, 120),
        bili("2025-06-06", 15700, 811, 302, 702, 171, 69, 121),
    ]
    douyin = [
        ["2025-06-03", "7301999000111", "《算力不够》幕后花絮", "1.2万", "310", "12", "5"],
        ["2025-06-04", "7301999000111", "《算力不够》幕后花絮", "5000", "120", "4", "1"],
    ]
    broken = folder / "douyin_作品数据_损坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    return {
        "xhs": write_xhs_note_list(folder / "笔记列表明细表_20250303.xlsx", notes),
        "bilibili": write_csv(folder / "bilibili_补导出_2025.csv", BILIBILI, bilibili),
        "bilibili_later": write_csv(folder / "bilibili_续导出_2025.csv", BILIBILI, bilibili_later),
        "douyin": write_csv(folder / "douyin_新作品.csv", DOUYIN, douyin, encoding="utf-8-sig"),
        "broken": broken,
    }


@pytest.fixture(scope="module")
def exports(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The five exports, written once for the module."""
    return write_exports(tmp_path_factory.mktemp("exports") / "exports", demo_settings)


@pytest.fixture(scope="module")
def ingested(
    demo_settings: Settings,
    exports: dict[str, Path],
    spark: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[LoadReport]]:
    """The demo lake with the five exports ingested on Spark (one task per file)."""
    path = tmp_path_factory.mktemp("ingest-lake") / "lake"
    lake.export_lake(demo_settings.home, path)
    reports = ingest_to_lake(path, [str(p) for p in exports.values()], spark)
    return path, reports


@pytest.fixture(scope="module")
def lake_builds(ingested: tuple[Path, list[LoadReport]], spark: Any) -> dict[str, Path]:
    """The ingested lake built by DuckDB, then by Spark."""
    path, _reports = ingested
    return {"duckdb": lake.build_duckdb(path), "spark": lake_spark.build_spark(path, spark)}


def by_name(reports: list[LoadReport]) -> dict[str, LoadReport]:
    return {r.path.name: r for r in reports}


def test_each_file_reports_read_equals_loaded_plus_rejected_and_a_bad_file_stops_no_other(
    ingested: tuple[Path, list[LoadReport]], exports: dict[str, Path]
) -> None:
    _path, reports = ingested
    found = by_name(reports)
    assert [r.path.name for r in reports] == [p.name for p in exports.values()]
    broken = found[exports["broken"].name]
    assert broken.status == "failed" and broken.error
    assert broken.error.startswith(exports["broken"].name)
    for key in ("xhs", "bilibili", "bilibili_later", "douyin"):
        report = found[exports[key].name]
        assert report.status == "loaded", report
        assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert found[exports["bilibili_later"].name].rows_read == 3
    assert found[exports["bilibili_later"].name].rows_rejected == 1
    assert found[exports["douyin"].name].rows_loaded == 2
    assert found[exports["xhs"].name].rows_loaded == len(demo_xhs_rows_count(exports))


def demo_xhs_rows_count(exports: dict[str, Path]) -> list[Any]:
    """The snapshot's data rows (every row past the banner and the header)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Workbook contains no default style")
        book = openpyxl.load_workbook(exports["xhs"], read_only=True)
    try:
        return list(book.active.iter_rows(min_row=3, values_only=True))
    finally:
        book.close()


def test_a_bad_row_lands_in_the_lakes_reject_table_with_file_row_column_and_reason(
    ingested: tuple[Path, list[LoadReport]], exports: dict[str, Path]
) -> None:
    path, _reports = ingested
    manifest = json.loads((path / lake.MANIFEST).read_text(encoding="utf-8"))
    files = lake_staged.staged_views(path, manifest)["staged_load_reject"]
    con = duckdb.connect()
    try:
        rows = con.execute(
            "select input_file, row_number, column_name, value_text, reason"
            " from read_parquet(?) where reason is not null",
            [files],
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    input_file, row_number, column, value, reason = rows[0]
    assert input_file == exports["bilibili_later"].name
    assert row_number == 3  # the header is line 1
    assert column == "累计播放" and value == "很多" and reason


def test_ingesting_the_same_files_again_changes_nothing(
    ingested: tuple[Path, list[LoadReport]], exports: dict[str, Path], spark: Any
) -> None:
    path, _reports = ingested
    before = (path / lake.MANIFEST).read_bytes()
    files_before = sorted(p for p in (path / lake_staged.STAGED).rglob("*") if p.is_file())
    copy = exports["douyin"].with_name("douyin_同一文件_改名.csv")
    shutil.copyfile(exports["douyin"], copy)
    again = ingest_to_lake(path, [str(exports["xhs"]), str(copy)], spark)
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert (path / lake.MANIFEST).read_bytes() == before
    assert sorted(p for p in (path / lake_staged.STAGED).rglob("*") if p.is_file()) == files_before


def test_duckdb_build_of_the_ingested_lake_equals_a_warehouse_that_loaded_the_same_files(
    demo_settings: Settings,
    exports: dict[str, Path],
    lake_builds: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples"))
    monkeypatch.setenv("CREATORPULSE_ID_KEY", "demo-session-secret")
    settings = load_settings(home)
    loaded = ("xhs", "bilibili", "bilibili_later", "douyin")
    reports = ingest_files(settings, [exports[k] for k in loaded])
    assert [r.status for r in reports] == ["loaded"] * 4
    snapshot = current_snapshot(home)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{snapshot}' as wh (read_only)")
        for name in lake.model_names():
            files = f"read_parquet('{lake_builds['duckdb'] / name}/*.parquet')"
            columns = [row[0] for row in con.execute(f"describe select * from {files}").fetchall()]
            # load ids name the load, which differs between the warehouse and the lake
            listed = ", ".join(f'"{c}"' for c in columns if c != "load_id")
            for left, right in ((f"wh.{name}", files), (files, f"wh.{name}")):
                extra = con.execute(
                    f"select count(*) from (select {listed} from {left}"
                    f" except all select {listed} from {right})"
                ).fetchall()
                assert extra == [(0,)], (name, left)
        # The staged rows are really there: the new 抖音 work, by its own title.
        found = con.execute(
            f"select sum(views) from read_parquet('{lake_builds['duckdb']}"
            "/fct_content_reach_daily/*.parquet') where content_id = '7301999000111'"
        ).fetchall()
        # The next export's first day adds only what it adds to the day before's total.
        plays = con.execute(
            f"select date_on::varchar, views from read_parquet('{lake_builds['duckdb']}"
            "/fct_content_reach_daily/*.parquet') where content_id = 'BV1NjJnC3gSe'"
            " and date_on >= '2025-06-03' order by 1"
        ).fetchall()
    finally:
        con.close()
    assert found == [(17000,)]
    assert plays == [("2025-06-03", 137), ("2025-06-04", 120), ("2025-06-06", 80)]


def test_spark_build_of_the_ingested_lake_equals_duckdbs_row_for_row(
    lake_builds: dict[str, Path],
) -> None:
    for name in lake.model_names():
        duck_columns, duck_rows = model_rows(lake_builds["duckdb"], name)
        spark_columns, spark_rows = model_rows(lake_builds["spark"], name)
        assert spark_columns == duck_columns, name
        assert len(spark_rows) == len(duck_rows), name
        for duck_row, spark_row in zip(
            sorted(duck_rows, key=sort_key), sorted(spark_rows, key=sort_key), strict=True
        ):
            for column, left, right in zip(duck_columns, duck_row, spark_row, strict=True):
                assert same_value(left, right), (name, column, left, right)


def test_a_lake_whose_staged_table_is_gone_names_it_and_how_to_fix_it(
    ingested: tuple[Path, list[LoadReport]], tmp_path: Path
) -> None:
    path, _reports = ingested
    damaged = tmp_path / "lake"
    shutil.copytree(path, damaged, ignore=shutil.ignore_patterns("builds", "MARTS"))
    shutil.rmtree(damaged / lake_staged.STAGED / "content_daily")
    with pytest.raises(lake.LakeError, match=r"missing table\(s\) staged/content_daily.*lake"):
        lake.read_manifest(damaged)


def test_lake_ingest_into_a_folder_that_is_no_lake_says_how_to_make_one(tmp_path: Path) -> None:
    # The CLI prints a LakeError as its one line (test_lake.py runs that path in a subprocess);
    # the lake is checked before Spark is touched.
    with pytest.raises(lake.LakeError, match=r"has no manifest.json.*creatorpulse lake export"):
        ingest_to_lake(tmp_path, ["x.csv"], spark=None)  # type: ignore[arg-type]


def test_spark_with_java_home_pointing_nowhere_is_one_clear_line_before_any_jvm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = tmp_path / "无此Java"
    monkeypatch.setenv("JAVA_HOME", str(nowhere))
    with pytest.raises(lake.LakeError) as caught:
        lake_spark.start_spark("local[2]")
    message = str(caught.value)
    assert "\n" not in message
    assert f"JAVA_HOME={nowhere}" in message and "Java 17" in message


def test_a_survey_export_is_refused_by_lake_ingest_naming_the_file_and_where_it_loads(
    tmp_path: Path,
) -> None:
    from etl.lake_ingest import stage_file
    from tests.builders import WJX_META, WJX_QUESTIONS, wjx_row

    survey = write_csv(tmp_path / "问卷_2026.csv", WJX_META + WJX_QUESTIONS, [wjx_row(1)])
    parsed = stage_file(str(survey), 1, lake_dir=str(tmp_path / "lake"))
    assert parsed.status == "failed" and parsed.error is not None
    assert parsed.error.startswith("问卷_2026.csv: is not a platform export")
    assert "creatorpulse ingest" in parsed.error
    assert not (tmp_path / "lake").exists()  # nothing staged
