"""The program catalogue: programs, creators by contact, sponsors and content per platform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.ingest import ingest_files
from tests.builders import published_rows, write_csv, write_workbook
from warehouse.settings import Settings
from warehouse.store import current_snapshot


def sql(settings: Settings, query: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of a query on the published snapshot."""
    return published_rows(settings.home, query, params)


def roster(tmp_path: Path, settings: Settings) -> None:
    rows = [
        ["王小明", "13800000001", "WaytoAGI", "2024;2025", "导演"],
        ["李华", "+86 138-0000-0002", "LiblibAI", "2024", "AI视频"],
    ]
    ingest_files(
        settings,
        [
            write_csv(
                tmp_path / "roster.csv", ["姓名", "联系方式", "社区", "参与届次", "分工"], rows
            )
        ],
    )


SHEETS = {
    "届次": [
        ["年份", "播出日期", "名称"],
        [2024, "2024-02-09", "2024 AI春晚"],
        [2025, "2025-01-28", "2025 AI春晚"],
    ],
    "节目": [
        ["节目编号", "节目名称", "类型", "时长", "届次"],
        ["P2024-01", "《赛博拜年》", "相声", "4:23", 2024],
        ["P2024-02", "《算力不够》", "小品", "300", 2024],
        ["P2024-03", "《未知类型》", "杂技", "3:00", 2024],
        ["P2025-01", "《AI舞狮》", "舞蹈", "2:30", 2025],
    ],
    "主创": [
        ["节目编号", "联系方式", "分工"],
        ["P2024-01", "138 0000 0001", "导演"],
        ["P2024-01", "13800000002", "AI视频"],
        ["P2024-02", "13999999999", "编剧"],
        ["P2099-01", "13800000001", "导演"],
    ],
    "赞助商": [
        ["赞助商编号", "名称", "英文名"],
        ["S01", "星河科技", "Galaxy Tech"],
        ["S02", "云图", "CloudMap"],
    ],
    "赞助": [
        ["赞助商编号", "节目编号"],
        ["S01", "P2024-01"],
        ["S02", "P2025-01"],
        ["S09", "P2024-02"],
    ],
    "发布": [
        ["节目编号", "平台", "内容ID", "链接"],
        ["P2024-01", "B站", "BV1ab411c7de", "https://www.bilibili.com/video/BV1ab411c7de"],
        ["P2024-01", "抖音", "7301234567890123456", ""],
        ["P2025-01", "油管", "dQw4w9WgXcQ", ""],
        ["P2024-02", "快手", "ks123", ""],
    ],
}


def test_a_catalogue_loads_programs_creators_sponsors_and_content(
    tmp_path: Path, settings: Settings
) -> None:
    roster(tmp_path, settings)
    [report] = ingest_files(settings, [write_workbook(tmp_path / "catalogue_aigala.xlsx", SHEETS)])
    assert report.status == "loaded", report.error
    assert report.rows_read == 2 + 4 + 4 + 2 + 3 + 4
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert sql(
        settings, "select program_id, title_zh, genre, duration_s from dim_program order by 1"
    ) == [
        ("P2024-01", "《赛博拜年》", "crosstalk", 263.0),
        ("P2024-02", "《算力不够》", "sketch", 300.0),
        ("P2025-01", "《AI舞狮》", "dance", 150.0),
    ]
    assert sql(
        settings, "select count(*) from bridge_program_participant where program_id = 'P2024-01'"
    ) == [(2,)]
    assert sql(
        settings, "select sponsor_id, program_id from bridge_sponsor_program order by 1"
    ) == [("S01", "P2024-01"), ("S02", "P2025-01")]
    assert sql(
        settings, "select platform_id, content_id, program_id from dim_content order by 1"
    ) == [
        ("bilibili", "BV1ab411c7de", "P2024-01"),
        ("douyin", "7301234567890123456", "P2024-01"),
        ("youtube", "dQw4w9WgXcQ", "P2025-01"),
    ]
    assert (
        sql(settings, "select broadcast_on from dim_edition where edition_year = 2025")[0][
            0
        ].isoformat()
        == "2025-01-28"
    )


def test_unknown_references_are_rejected_with_sheet_row_column_and_reason(
    tmp_path: Path, settings: Settings
) -> None:
    roster(tmp_path, settings)
    ingest_files(settings, [write_workbook(tmp_path / "catalogue_aigala.xlsx", SHEETS)])
    rejects = sql(
        settings,
        "select file_name, row_number, column_name, reason from load_reject "
        "where file_name like 'catalogue%' order by 1, 2",
    )
    assert rejects == [
        (
            "catalogue_aigala.xlsx[主创]",
            4,
            "联系方式",
            "contact matches no participant (load the roster first)",
        ),
        ("catalogue_aigala.xlsx[主创]", 5, "节目编号", "unknown program 'P2099-01'"),
        ("catalogue_aigala.xlsx[发布]", 5, "平台", "unknown platform '快手'"),
        ("catalogue_aigala.xlsx[节目]", 4, "类型", "unknown genre '杂技'"),
        ("catalogue_aigala.xlsx[赞助]", 4, "赞助商编号", "unknown sponsor 'S09'"),
    ]


def test_the_calendar_covers_the_broadcast_years_with_spring_festival_offsets(
    tmp_path: Path, settings: Settings
) -> None:
    roster(tmp_path, settings)
    ingest_files(settings, [write_workbook(tmp_path / "catalogue_aigala.xlsx", SHEETS)])
    rows = sql(
        settings,
        "select date_on::varchar, days_from_spring_festival, is_official_holiday, holiday_name_zh "
        "from dim_calendar where date_on in ('2024-02-09', '2024-02-10', '2025-01-28', '2025-03-31') "
        "order by 1",
    )
    assert rows == [
        ("2024-02-09", -1, False, None),
        ("2024-02-10", 0, True, "春节"),
        ("2025-01-28", -1, True, "农历除夕"),
        ("2025-03-31", 61, False, None),
    ]
    assert sql(
        settings, "select min(date_on)::varchar, max(date_on)::varchar from dim_calendar"
    ) == [("2024-01-01", "2025-12-31")]


def test_a_catalogue_without_the_programs_sheet_is_refused(
    tmp_path: Path, settings: Settings
) -> None:
    roster(tmp_path, settings)
    before = current_snapshot(settings.home)
    [report] = ingest_files(
        settings,
        [write_workbook(tmp_path / "catalogue_x.xlsx", {"发布": SHEETS["发布"]})],
        source="catalogue",
    )
    assert report.status == "failed" and "no sheet '节目'" in report.error
    assert current_snapshot(settings.home) == before


def test_a_sheet_missing_a_required_column_names_the_sheet_and_column(
    tmp_path: Path, settings: Settings
) -> None:
    roster(tmp_path, settings)
    no_genre = [
        ["节目编号", "节目名称", "时长", "届次"],
        ["P2024-01", "《赛博拜年》", "4:23", 2024],
    ]
    [report] = ingest_files(
        settings,
        [write_workbook(tmp_path / "catalogue_y.xlsx", SHEETS | {"节目": no_genre})],
        source="catalogue",
    )
    assert report.status == "failed"
    assert "sheet '节目': missing column(s) 类型" in report.error
