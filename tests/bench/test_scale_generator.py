"""The scale generator (bench/scale.py): the real ETL loads what it writes, deterministically, lazily."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import scale
from bench.scale import ChunkedCsvWriter, build_plan, generate_instance, iter_platform_days
from etl.ingest import ingest_files
from etl.reading import read_table
from warehouse.settings import Settings
from warehouse.store import connect_read_only

PLATFORM_ROWS = 20_000
RESPONDENTS = 2_000


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A small instance, generated once for the module."""
    out = tmp_path_factory.mktemp("scale") / "instance"
    manifest = generate_instance(
        out, platform_rows=PLATFORM_ROWS, respondents=RESPONDENTS, seed=7, survey_xlsx=True
    )
    return out, manifest


def _digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under a folder, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_real_etl_loads_every_file_and_every_play(
    instance: tuple[Path, dict[str, Any]], settings: Settings
) -> None:
    out, manifest = instance
    assert manifest["platform_rows"] == PLATFORM_ROWS
    assert {f["source"] for f in manifest["files"]} >= {
        "survey",
        "catalogue",
        "bilibili",
        "douyin",
        "wechat_channels",
        "xiaohongshu",
        "weibo",
        "youtube",
        "live",
        "activity",
    }
    reports = []
    for i, f in enumerate(f for f in manifest["files"] if f["ingest"]):
        edition = f["edition"] if f["source"] == "survey" else None
        reports += ingest_files(
            settings, [out / f["path"]], source=f["source"], edition=edition, fresh=i == 0
        )
    for report in reports:
        assert report.status == "loaded", (report.path, report.error)
        assert report.rows_read == report.rows_loaded + report.rows_rejected, report.path
        assert report.rows_rejected == 0, (report.path, report.rows_rejected)
    expected = {f["path"]: f for f in manifest["files"]}
    for report in reports:
        f = expected[report.path.relative_to(out).as_posix()]
        if f["source"] == "youtube":
            extra = sum(f["other_rows"].values())
            assert report.rows_read == f["rows"] + extra
        elif f["source"] != "catalogue":
            assert report.rows_read == f["rows"], report.path

    con = connect_read_only(settings.home)
    try:
        plays, rows = con.sql("select sum(views), count(*) from fct_content_daily").fetchall()[0]
        by_platform = dict(
            con.sql("select platform_id, sum(views) from fct_content_daily group by 1").fetchall()
        )
        unattached = con.sql(
            "select count(*) from dim_content where program_id is null"
        ).fetchall()[0]
        attached_plays = con.sql(
            "select sum(d.views) from fct_content_daily as d inner join dim_content as c"
            " using (platform_id, content_id) where c.program_id is not null"
        ).fetchall()[0]
    finally:
        con.close()
    assert rows == PLATFORM_ROWS
    assert plays == manifest["expected_total_plays"]
    assert by_platform == {p: v for p, v in manifest["expected_plays_by_platform"].items() if v}
    assert unattached == (0,)
    assert attached_plays == (plays,)


def test_the_survey_xlsx_holds_the_same_rows_as_the_csv(
    instance: tuple[Path, dict[str, Any]],
) -> None:
    out, _ = instance
    as_csv = read_table(out / f"{scale.SURVEY_FILE}.csv")
    as_xlsx = read_table(out / f"{scale.SURVEY_FILE}.xlsx")
    assert as_xlsx.headers == as_csv.headers
    assert len(as_xlsx.rows) == len(as_csv.rows) == RESPONDENTS
    assert as_xlsx.rows[:50] == as_csv.rows[:50]


def test_one_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    kwargs: dict[str, Any] = {
        "platform_rows": 3_000,
        "respondents": 300,
        "seed": 11,
        "survey_xlsx": True,
    }
    generate_instance(tmp_path / "a", **kwargs)
    generate_instance(tmp_path / "b", **kwargs)
    generate_instance(tmp_path / "c", **(kwargs | {"seed": 12}))
    a, b, c = (_digests(tmp_path / x) for x in "abc")
    assert a == b
    assert len(a) > 20
    assert a["manifest.json"] != c["manifest.json"]


def test_rows_are_written_in_chunks_as_they_are_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks: dict[str, list[int]] = {}
    real = ChunkedCsvWriter.write_chunk

    def spy(self: ChunkedCsvWriter, rows: Any) -> None:
        chunks.setdefault(self.path.relative_to(tmp_path).as_posix(), []).append(len(rows))
        real(self, rows)

    monkeypatch.setattr(ChunkedCsvWriter, "write_chunk", spy)
    chunk = 250
    manifest = generate_instance(
        tmp_path, platform_rows=6_000, respondents=700, seed=3, chunk_rows=chunk
    )
    csv_files = [f for f in manifest["files"] if f["source"] != "catalogue"]
    assert sum(f["rows"] for f in csv_files if f["source"] in scale.pv.PLATFORMS) == 6_000
    assert any(f["source"] == "youtube" for f in csv_files)
    for f in csv_files:
        name = f["path"] + ("/Chart data.csv" if f["source"] == "youtube" else "")
        assert len(chunks[name]) == math.ceil(f["rows"] / chunk), name
        assert sum(chunks[name]) == f["rows"]
        assert max(chunks[name]) <= chunk


def test_platform_rows_are_a_lazy_day_by_day_stream() -> None:
    plan = build_plan(1_000_000, seed=5, n_contacts=0)
    assert plan.rows == 1_000_000
    items = plan.items["bilibili"]
    days = iter_platform_days(plan, "bilibili", seed=5)
    assert isinstance(days, Iterator)
    for _ in range(3):
        block = next(days)
        alive = [it for it in items if 0 <= (block.day - it.content.publish_on).days < it.rows]
        # a day holds exactly the items alive that day, never the platform's whole series
        assert [row[1] for row in block.rows] == [it.content.content_id for it in alive]
    assert sum(it.rows for it in items) > 100 * len(block.rows)
