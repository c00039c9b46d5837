"""A YouTube Studio `Table data.csv` downloaded on its own: per-video totals as one snapshot.

Fixture as Studio writes the file: unquoted cells except a publish time holding a comma
(`"Sep 27, 2024"`), the `Total` row first, LF line ends, no BOM.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl.ingest import detect_source, ingest_files
from etl.platforms.intl import describe_intl_file
from tests.builders import published_rows
from warehouse.settings import Settings

HEAD = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,"
    "Impressions,Impressions click-through rate (%)"
)


def table_data(folder: Path, views: tuple[int, int, int], *, total: int | None = None) -> Path:
    """A lone Table data.csv: the Total row, then three videos (one lost subscribers)."""
    folder.mkdir(parents=True, exist_ok=True)
    a, b, c = views
    lines = [
        HEAD,
        f"Total,,,,{a + b + c if total is None else total},41.2,5,12000,4.1",
        f'dQw4w9WgXcQ,《赛博拜年》AI春晚,"Sep 27, 2024",263,{a},20.5,7,8000,4.6',
        f'kJQP7kiw5Fk,"数字人相声, 第二届","Jan 28, 2025",0:04:23,{b},15.0,-3,3000,3.2',
        f'9bZkp7q19f0,幕后花絮,"Feb 2, 2025",95,{c},5.7,1,1000,2.9',
    ]
    path = folder / "Table data.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


def test_a_lone_table_data_file_loads_each_videos_totals_as_a_snapshot(
    tmp_path: Path, settings: Settings
) -> None:
    path = table_data(tmp_path / "first", (1200, 800, 150))
    assert detect_source(path) == "youtube"
    described = describe_intl_file(path)
    assert described is not None and described["layout"] == "youtube_studio_table_data"
    [report] = ingest_files(settings, [path], as_of=date(2025, 2, 10))
    assert report.status == "loaded", report.error
    # The Total row is read and used as the check; it is no video.
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 4, 0)
    assert not any("Total views" in w for w in report.warnings)
    assert any("as of 2025-02-10" in w for w in report.warnings)
    snapshots = published_rows(
        settings.home,
        "select content_id, as_of_on, views, new_followers, impressions, impressions_ctr,"
        " as_of_source from fct_content_snapshot order by 1",
    )
    assert snapshots == [
        ("9bZkp7q19f0", date(2025, 2, 10), 150, 1, 1000, 0.029, "flag"),
        ("dQw4w9WgXcQ", date(2025, 2, 10), 1200, 7, 8000, 0.046, "flag"),
        ("kJQP7kiw5Fk", date(2025, 2, 10), 800, -3, 3000, 0.032, "flag"),
    ]
    content = published_rows(
        settings.home,
        "select content_id, title, published_at::date, duration_s from dim_content"
        " where platform_id = 'youtube' order by 1",
    )
    assert content == [
        ("9bZkp7q19f0", "幕后花絮", date(2025, 2, 2), 95.0),
        ("dQw4w9WgXcQ", "《赛博拜年》AI春晚", date(2024, 9, 27), 263.0),
        ("kJQP7kiw5Fk", "数字人相声, 第二届", date(2025, 1, 28), 263.0),
    ]
    [(total,)] = published_rows(
        settings.home, "select sum(views) from fct_content_daily where platform_id = 'youtube'"
    )
    assert total == 2150


def test_a_later_table_data_becomes_the_change_since_the_first_and_a_reload_changes_nothing(
    tmp_path: Path, settings: Settings
) -> None:
    first = table_data(tmp_path / "Content 2025-01-01_2025-02-10 aigala", (1200, 800, 150))
    later = table_data(tmp_path / "Content 2025-01-01_2025-02-17 aigala", (1500, 860, 150))
    # Loaded newest first: the older snapshot is a recompute, not a second count.
    reports = ingest_files(settings, [later, first])
    assert [r.status for r in reports] == ["loaded", "loaded"], [r.error for r in reports]
    assert reports[0].details["as_of_source"] == "folder name"
    rows = published_rows(
        settings.home,
        "select content_id, date_on, views from fct_content_daily where platform_id = 'youtube'"
        " order by 1, 2",
    )
    assert rows == [
        ("9bZkp7q19f0", date(2025, 2, 10), 150),
        ("9bZkp7q19f0", date(2025, 2, 17), 0),
        ("dQw4w9WgXcQ", date(2025, 2, 10), 1200),
        ("dQw4w9WgXcQ", date(2025, 2, 17), 300),
        ("kJQP7kiw5Fk", date(2025, 2, 10), 800),
        ("kJQP7kiw5Fk", date(2025, 2, 17), 60),
    ]
    assert sum(v for *_, v in rows) == 1500 + 860 + 150
    again = ingest_files(settings, [first, later])
    assert [r.status for r in again] == ["unchanged", "unchanged"]


def test_a_total_row_that_is_not_the_sum_of_the_videos_is_reported(
    tmp_path: Path, settings: Settings
) -> None:
    path = table_data(tmp_path / "x", (10, 20, 30), total=99)
    [report] = ingest_files(settings, [path], as_of=date(2025, 3, 1))
    assert report.status == "loaded", report.error
    assert any("Total views 99 but the videos' views sum to 60" in w for w in report.warnings)
