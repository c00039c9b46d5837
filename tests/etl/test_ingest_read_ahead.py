"""Several files in one ingest: the next file is read while the current one loads, same results."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import etl.ingest
from etl.ingest import ingest_files
from tests.builders import published_rows, write_csv
from warehouse.settings import Settings, load_settings

DOUYIN = ["日期", "作品ID", "作品名称", "播放量", "点赞", "评论", "分享"]
BILIBILI = ["统计日期", "BV号", "标题", "累计播放", "累计点赞"]
FACTS = (
    "select platform_id, content_id, date_on::varchar, views, likes, is_from_cumulative"
    " from fct_content_daily order by all"
)


def _files(tmp_path: Path) -> list[Path]:
    return [
        write_csv(
            tmp_path / "bilibili_2024.csv",
            BILIBILI,
            [["2024-12-30", "BV1a", "t", "100", "1"], ["2024-12-31", "BV1a", "t", "160", "2"]],
        ),
        write_csv(tmp_path / "douyin_bad.csv", ["日期", "播放量"], [["2025-01-01", "5"]]),
        write_csv(
            tmp_path / "bilibili_2025.csv",
            BILIBILI,
            [["2025-01-01", "BV1a", "t", "200", "2"], ["2025-01-02", "BV1a", "t", "230", "3"]],
        ),
        write_csv(
            tmp_path / "douyin_2025.csv",
            DOUYIN,
            [["2025/1/1", "7301", "《赛博拜年》", "1.2万", "10", "1", "0"]],
        ),
    ]


def test_one_call_loads_what_file_by_file_calls_load(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path)
    threads: list[str] = []
    real = etl.ingest.stage_series

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(etl.ingest, "stage_series", spy)
    together = ingest_files(settings, files)
    assert [r.status for r in together] == ["loaded", "failed", "loaded", "loaded"]
    assert [r.path for r in together] == files
    assert any(name.startswith("ingest-read") for name in threads)  # read ahead, off the loop

    alone = load_settings(tmp_path / "alone")
    one_by_one = [report for path in files for report in ingest_files(alone, [path])]
    assert [r.error for r in together] == [r.error for r in one_by_one]
    assert [(r.rows_read, r.rows_loaded, r.rows_rejected) for r in together] == [
        (r.rows_read, r.rows_loaded, r.rows_rejected) for r in one_by_one
    ]
    assert published_rows(settings.home, FACTS) == published_rows(alone.home, FACTS)
    # The 2025 B站 file continues the 2024 running total: 160 then +40, +30.
    assert [row[3] for row in published_rows(settings.home, FACTS) if row[0] == "bilibili"] == [
        100,
        60,
        40,
        30,
    ]


def test_a_file_repeated_in_one_call_is_unchanged_the_second_time(
    tmp_path: Path, settings: Settings
) -> None:
    path = _files(tmp_path)[3]
    first, second = ingest_files(settings, [path, path])
    assert (first.status, second.status) == ("loaded", "unchanged")
    assert second.load_id == first.load_id


def test_a_missing_file_in_the_middle_fails_alone(tmp_path: Path, settings: Settings) -> None:
    files = _files(tmp_path)
    reports = ingest_files(settings, [files[0], tmp_path / "nope.csv", files[3]])
    assert [r.status for r in reports] == ["loaded", "failed", "loaded"]
    assert reports[1].error is not None and "no such file" in reports[1].error
