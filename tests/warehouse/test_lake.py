"""The Parquet lake: export, one set of models on two engines (Spark parity), import, bad lakes."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.etl.test_cli import ROOT, one_line_error
from warehouse import lake, lake_spark, parts, schema
from warehouse.query import Reader
from warehouse.settings import Settings
from warehouse.store import current_snapshot

ENTRY = "from cli.main import main\nmain()\n"


@pytest.fixture(scope="module")
def lake_dir(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse exported as a lake."""
    path = tmp_path_factory.mktemp("lake") / "lake"
    lake.export_lake(demo_settings.home, path)
    return path


@pytest.fixture(scope="module")
def builds(lake_dir: Path, spark: Any) -> dict[str, Path]:
    """Every model built over the demo lake by DuckDB, then by Spark (MARTS ends on Spark's)."""
    duck = lake.build_duckdb(lake_dir)
    built = lake_spark.build_spark(lake_dir, spark)
    return {"duckdb": duck, "spark": built}


def fresh_lake(demo_settings: Settings, tmp_path: Path) -> Path:
    """A lake of its own, for a test that damages it."""
    path = tmp_path / "lake"
    lake.export_lake(demo_settings.home, path)
    return path


def model_rows(build: Path, model: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A built model's columns (sorted by name) and rows in that column order."""
    con = duckdb.connect()
    try:
        table = con.sql(f"select * from read_parquet('{build / model}/*.parquet')").to_arrow_table()
    finally:
        con.close()
    columns = sorted(table.column_names)
    data = table.select(columns).to_pylist()
    return columns, [tuple(row[c] for c in columns) for row in data]


def comparable(value: Any) -> Any:
    """A value as compared across engines: integral decimals as ints, other decimals as floats."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A stable order that float noise in the last digits cannot change."""
    key: list[Any] = []
    for value in map(comparable, row):
        if value is None:
            key.append((0, ""))
        elif isinstance(value, float):
            key.append((1, f"{value:.6g}"))
        elif isinstance(value, (date, datetime)):
            key.append((2, value.isoformat()))
        else:
            key.append((3, repr(value)))
    return tuple(key)


def same_value(left: Any, right: Any) -> bool:
    """Exact for integers, text, dates and booleans; 1e-9 relative for floats."""
    left, right = comparable(left), comparable(right)
    if isinstance(left, float) or isinstance(right, float):
        if left is None or right is None:
            return left is right
        if math.isnan(left) and math.isnan(right):
            return True
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-12)
    return (type(left) is type(right) and left == right) or (left is None and right is None)


def test_exporting_the_same_snapshot_twice_gives_identical_files(
    demo_settings: Settings, tmp_path: Path
) -> None:
    first = lake.export_lake(demo_settings.home, tmp_path / "a")
    lake.export_lake(demo_settings.home, tmp_path / "b")
    lake.export_lake(demo_settings.home, tmp_path / "b")  # again over the lake it wrote
    files_a = [p.relative_to(tmp_path / "a") for p in lake.iter_lake_files(tmp_path / "a")]
    files_b = [p.relative_to(tmp_path / "b") for p in lake.iter_lake_files(tmp_path / "b")]
    assert files_a == files_b
    for relative in [*files_a, Path(lake.MANIFEST)]:
        a = (tmp_path / "a" / relative).read_bytes()
        b = (tmp_path / "b" / relative).read_bytes()
        assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest(), relative
    assert first.rows["fct_content_daily"] > 0


def test_manifest_names_snapshot_schema_version_tables_rows_and_hashes(
    demo_settings: Settings, lake_dir: Path
) -> None:
    manifest = json.loads((lake_dir / lake.MANIFEST).read_text(encoding="utf-8"))
    snapshot = current_snapshot(demo_settings.home)
    assert snapshot is not None
    assert manifest["snapshot"] == snapshot.name
    assert manifest["schema_version"] == lake.highest_migration()
    con = parts.connect(snapshot, read_only=True)
    try:
        for table, spec in manifest["tables"].items():
            count = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            assert spec["rows"] == count, table
            assert sum(f["rows"] for f in spec["files"]) == spec["rows"], table
            for f in spec["files"]:
                data = (lake_dir / lake.SOURCES / table / f["path"]).read_bytes()
                assert hashlib.sha256(data).hexdigest() == f["sha256"]
    finally:
        con.close()
    # Everything the models read is there; what no model reads (PII, users, logs) is not.
    for table in ("dim_calendar", "fct_content_daily", "fct_survey_answer", "dim_question"):
        assert table in manifest["tables"]
    for table in ("pii_participant_contact", "load_log", "schema_models"):
        assert table not in manifest["tables"]


def test_facts_are_partitioned_by_platform_and_month_and_surveys_by_edition(
    lake_dir: Path,
) -> None:
    manifest = json.loads((lake_dir / lake.MANIFEST).read_text(encoding="utf-8"))
    daily = manifest["tables"]["fct_content_daily"]
    assert daily["partition_by"] == ["platform", "month"]
    assert any(f["path"].startswith("platform=douyin/month=") for f in daily["files"])
    editions = {f["path"].split("/")[0] for f in manifest["tables"]["fct_survey_response"]["files"]}
    assert editions == {"edition=2024", "edition=2025"}


def test_duckdb_build_over_the_lake_equals_the_warehouse_models(
    demo_settings: Settings, builds: dict[str, Path]
) -> None:
    snapshot = current_snapshot(demo_settings.home)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{snapshot}' as wh (read_only)")
        for name in lake.model_names():
            files = f"read_parquet('{builds['duckdb'] / name}/*.parquet')"
            for left, right in ((f"wh.{name}", files), (files, f"wh.{name}")):
                extra = con.execute(
                    f"select count(*) from (select * from {left} except all select * from {right})"
                ).fetchall()
                assert extra == [(0,)], (name, left)
    finally:
        con.close()


def test_every_model_built_by_spark_equals_duckdbs_build_row_for_row(
    builds: dict[str, Path],
) -> None:
    models = lake.model_names()
    assert len(models) == len(list(schema.models()))
    for name in models:
        duck_columns, duck_rows = model_rows(builds["duckdb"], name)
        spark_columns, spark_rows = model_rows(builds["spark"], name)
        assert spark_columns == duck_columns, name
        assert len(spark_rows) == len(duck_rows), name
        for duck_row, spark_row in zip(
            sorted(duck_rows, key=sort_key), sorted(spark_rows, key=sort_key), strict=True
        ):
            for column, left, right in zip(duck_columns, duck_row, spark_row, strict=True):
                assert same_value(left, right), (name, column, left, right)


def test_a_dynamic_pivot_runs_on_spark_with_duckdbs_columns_and_cells(spark: Any) -> None:
    # No model pivots now (the wide survey table is an on-demand export), but a model that does
    # still builds on Spark: its columns are read first and become a static PIVOT.
    rows = [("r1", "城市", "上海"), ("r1", "q1.其他", "1:自填"), ("r2", "城市", "北京")]
    spark.createDataFrame(
        rows, "response_id string, column_key string, cell string"
    ).createOrReplaceTempView("wide_cells")
    sql = "select * from (pivot wide_cells on column_key using first(cell) group by response_id)"
    con = duckdb.connect()
    try:
        con.execute(
            "create table wide_cells (response_id varchar, column_key varchar, cell varchar)"
        )
        con.executemany("insert into wide_cells values (?, ?, ?)", rows)
        duck = con.execute(sql + " order by response_id")
        duck_columns = [d[0] for d in duck.description]
        duck_rows = duck.fetchall()
    finally:
        con.close()
    translated = lake_spark.to_spark_sql(
        sql, lambda query: [row[0] for row in spark.sql(query).collect()]
    )
    result = spark.sql(translated + " order by response_id")
    assert result.columns == duck_columns == ["response_id", "q1.其他", "城市"]
    assert (
        [tuple(row) for row in result.collect()]
        == duck_rows
        == [
            ("r1", "1:自填", "上海"),
            ("r2", None, "北京"),
        ]
    )


def test_import_publishes_spark_built_marts_that_a_reader_serves(
    demo_settings: Settings, builds: dict[str, Path], lake_dir: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples"))
    before = current_snapshot(home)
    assert lake.current_build(lake_dir) == builds["spark"]
    published = lake.import_lake(home, lake_dir)
    assert published == lake.model_names()
    assert current_snapshot(home) != before
    _columns, spark_rows = model_rows(builds["spark"], "mart_live_stream")
    reader = Reader(home)
    try:
        served = reader.query("live_streams")
        kinds = reader.query("tables")
    finally:
        reader.close()
    assert served.height == len(spark_rows) > 0
    assert sorted(served["stream_id"].to_list()) == sorted(
        row[_columns.index("stream_id")] for row in spark_rows
    )
    # The marts are now tables of the built rows, not views over the sources.
    table_types = dict(zip(kinds["table_name"], kinds["table_type"], strict=False))
    assert table_types.get("mart_live_stream") == "base table"


def test_failed_spark_build_leaves_the_previous_marts(
    lake_dir: Path, builds: dict[str, Path], spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pointer = (lake_dir / lake.POINTER).read_text(encoding="utf-8")
    monkeypatch.setattr(lake_spark, "to_spark_sql", lambda sql, values_of: "select * from 无此表")
    with pytest.raises(Exception, match="无此表"):
        lake_spark.build_spark(lake_dir, spark)
    assert (lake_dir / lake.POINTER).read_text(encoding="utf-8") == pointer
    assert lake.current_build(lake_dir) == builds["spark"]


def test_lake_missing_a_table_names_it_and_how_to_fix_it(
    demo_settings: Settings, tmp_path: Path
) -> None:
    path = fresh_lake(demo_settings, tmp_path)
    shutil.rmtree(path / lake.SOURCES / "dim_calendar")
    with pytest.raises(lake.LakeError, match=r"missing table\(s\) dim_calendar.*lake export"):
        lake.read_manifest(path)
    manifest = json.loads((path / lake.MANIFEST).read_text(encoding="utf-8"))
    del manifest["tables"]["dim_calendar"]
    (path / lake.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(lake.LakeError, match=r"missing table\(s\) dim_calendar"):
        lake.read_manifest(path)


def test_manifest_from_another_schema_version_is_refused_with_the_fix(
    demo_settings: Settings, tmp_path: Path
) -> None:
    path = fresh_lake(demo_settings, tmp_path)
    manifest = json.loads((path / lake.MANIFEST).read_text(encoding="utf-8"))
    manifest["schema_version"] = 1
    (path / lake.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    expected = lake.highest_migration()
    with pytest.raises(lake.LakeError, match=rf"schema version 1.*expects {expected}.*export"):
        lake.build_duckdb(path)
    assert not (path / lake.BUILDS).exists()


def test_spark_build_without_java_is_one_clear_line(lake_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "CREATORPULSE_DEBUG")}
    env["PATH"] = str(tmp_path)  # no java on it
    result = subprocess.run(
        [sys.executable, "-c", ENTRY, "build", "--engine", "spark", "--lake", str(lake_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    line = one_line_error(result)
    assert "Java 17" in line and "JAVA_HOME" in line


def test_build_on_a_folder_without_a_lake_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", ENTRY, "build", "--engine", "duckdb", "--lake", str(tmp_path)],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "creatorpulse lake export" in one_line_error(result)
