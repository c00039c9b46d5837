"""One bad file never stops the others: each file of a command loads or fails on its own, and
an unexpected database error is that file's one-line failure, rolled back for it alone."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from etl.ingest import ingest_files
from tests.builders import published_rows, write_csv, write_workbook
from tests.etl.test_catalogue import SHEETS
from tests.etl.test_cli import run
from warehouse.settings import Settings

BILIBILI = ["统计日期", "BV号", "标题", "累计播放", "累计点赞"]


def _catalogue_then_files(tmp_path: Path, settings: Settings) -> tuple[Path, Path]:
    """The catalogue loaded; then a good B站 export and a catalogue whose first program lost its
    title (its load hits a duplicate key in the warehouse)."""
    [first] = ingest_files(settings, [write_workbook(tmp_path / "catalogue_a.xlsx", SHEETS)])
    assert first.status == "loaded", first.error
    good = write_csv(
        tmp_path / "bilibili_春晚.csv",
        BILIBILI,
        [
            ["2024-02-10", "BV1ab411c7de", "《赛博拜年》", 100, 5],
            ["2024-02-11", "BV1ab411c7de", "《赛博拜年》", 160, 9],
        ],
    )
    blank = copy.deepcopy(SHEETS)
    blank["节目"][1][1] = ""
    return good, write_workbook(tmp_path / "catalogue_无标题.xlsx", blank)


def _views(settings: Settings) -> list[tuple]:
    return published_rows(
        settings.home, "select date_on::varchar, views from fct_content_daily order by 1"
    )


def test_a_failing_catalogue_beside_a_good_platform_file_still_publishes_the_good_one(
    tmp_path: Path, settings: Settings
) -> None:
    good, bad = _catalogue_then_files(tmp_path, settings)
    titles_before = published_rows(
        settings.home, "select program_id, title_zh from dim_program order by 1"
    )
    reports = ingest_files(settings, [good, bad])
    assert [r.status for r in reports] == ["loaded", "failed"]
    assert reports[1].error.startswith("catalogue_无标题.xlsx: unexpected ConstraintException: ")
    assert "\n" not in reports[1].error
    assert _views(settings) == [("2024-02-10", 100), ("2024-02-11", 60)]
    # The failed file left nothing behind: the catalogue is as the first load made it.
    assert (
        published_rows(settings.home, "select program_id, title_zh from dim_program order by 1")
        == titles_before
    )
    assert not published_rows(
        settings.home, "select * from load_log where file_name = ?", ["catalogue_无标题.xlsx"]
    )


def test_the_command_reports_the_failed_file_in_its_json_and_publishes_the_rest(
    tmp_path: Path, settings: Settings
) -> None:
    good, bad = _catalogue_then_files(tmp_path, settings)
    result = run("ingest", str(bad), str(good), "--json", home=settings.home)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    by_name = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    assert by_name["catalogue_无标题.xlsx"]["status"] == "failed"
    assert "Duplicate key" in by_name["catalogue_无标题.xlsx"]["error"]
    assert by_name["bilibili_春晚.csv"]["status"] == "loaded"
    assert _views(settings) == [("2024-02-10", 100), ("2024-02-11", 60)]
