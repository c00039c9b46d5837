"""Every platform layout: the warehouse's totals equal the sum of the file's rows, and a second
ingest of the same file changes nothing (issue 14, "Done when").

One fixture per layout, written the way the platform writes it (小红书's banner row and float
cells, 抖音's datetime cells and `-`, TikTok's BOM and quoted fields with year-less dates,
YouTube's unquoted CSVs with the `Total` row, Google Trends' category line and `<1`). Each case
states, from the rows it wrote, the sum each warehouse measure must come to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from etl.ingest import ingest_files
from etl.inspect import inspect_file
from etl.sample.creator_layouts import write_douyin_works, write_xhs_note_list, xhs_time_text
from tests.builders import published_rows, write_csv
from warehouse.settings import Settings

CONTENT_VIEWS = "select sum(views) from fct_content_daily where platform_id = $1"
CONTENT_LIKES = "select sum(likes) from fct_content_daily where platform_id = $1"
SNAPSHOT_VIEWS = "select sum(views) from fct_content_snapshot where platform_id = $1"
SNAPSHOT_WORKS = (
    "select count(distinct content_id) from fct_content_snapshot where platform_id = $1"
)
DAILY_WORKS = "select count(distinct content_id) from fct_content_daily where platform_id = $1"


@dataclass(frozen=True)
class Case:
    """A platform file, its platform and what its rows sum to, per warehouse measure (SQL)."""

    platform_id: str  # bound as $1 of each measure (Google Trends: the term)
    paths: list[Path]
    expected: dict[str, float | None]  # SQL -> the file's sum
    rows_read: int


def _quoted_csv(path: Path, rows: list[list[str]]) -> Path:
    """TikTok Studio: UTF-8 BOM, every field quoted, LF between lines, none after the last."""
    text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def _plain(path: Path, lines: list[str]) -> Path:
    """YouTube Studio / Google Trends: as written, LF line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


def xiaohongshu(tmp: Path) -> Case:
    notes = [
        ["《赛博拜年》✨", datetime(2026, 2, 17, 20, 1, 5), "视频", 5200.0, 1260.0, 44.0],
        ["AI春晚 幕后", datetime(2026, 2, 18, 9, 30, 0), "图文", 900.0, 126.0, 3.0],
        ["", datetime(2026, 2, 19, 12, 0, 0), "图文", 80.0, 12.0, 0.0],  # empty titles occur
    ]
    rows = [
        [t, xhs_time_text(p), k, imp, views, 0.031, likes, 1.0, 2.0, 0.0, 0.0, 16.0, 0.0]
        for t, p, k, imp, views, likes in notes
    ]
    path = write_xhs_note_list(tmp / "笔记列表明细表_20260301.xlsx", rows)
    return Case(
        "xiaohongshu",
        [path],
        {
            CONTENT_VIEWS: sum(n[4] for n in notes),
            CONTENT_LIKES: sum(n[5] for n in notes),
            "select sum(impressions) from fct_content_daily where platform_id = $1": sum(
                n[3] for n in notes
            ),
            SNAPSHOT_WORKS: 3,
        },
        3,
    )


def douyin(tmp: Path) -> Case:
    works = [
        ["《赛博拜年》", datetime(2026, 2, 16, 20, 1), "1min-视频", "审核通过", 12000, 0.35]
        + [0.61, 0.08, 0.22, 17.5, 300, 20, 12, 40, "-", 5],
        ["AI 相声", datetime(2026, 2, 17, 8, 0), "图文", "审核中", "-", "-", "-", "-", "-", "-"]
        + [1, 0, 0, 0, 0, "-"],
        ["数字人小品", datetime(2026, 2, 18, 21, 30), "1min-视频", "审核通过", 3400, 0.28]
        + [0.5, 0.07, 0.3, 12.0, 90, 4, 6, 11, 3, 2],
    ]
    path = write_douyin_works(tmp / "作品数据_20260301.xlsx", works)
    return Case(
        "douyin",
        [path],
        {CONTENT_VIEWS: 12000 + 3400, CONTENT_LIKES: 300 + 1 + 90, SNAPSHOT_WORKS: 3},
        3,
    )


def _snapshot_csv(platform_id: str, headers: list[str], rows: list[list[str]], views: float):
    def build(tmp: Path) -> Case:
        path = write_csv(tmp / "数据导出_20260301.csv", headers, rows, encoding="utf-8-sig")
        return Case(
            platform_id,
            [path],
            {CONTENT_VIEWS: views, SNAPSHOT_VIEWS: views, SNAPSHOT_WORKS: len(rows)},
            len(rows),
        )

    return build


bilibili = _snapshot_csv(
    "bilibili",
    ["稿件标题", "发布时间", "播放", "弹幕", "评论", "点赞", "投币", "收藏", "分享"],
    [
        ["《赛博拜年》", "2026-02-16 20:00:00", "1.2万", "35", "12", "300", "80", "40", "9"],
        ["AI春晚 花絮", "2026-02-17 10:00:00", "8,406", "3", "1", "88", "7", "5", "0"],
    ],
    12000 + 8406,
)
wechat_channels = _snapshot_csv(
    "wechat_channels",
    ["动态描述", "发布时间", "播放", "推荐", "喜欢", "评论", "分享", "完播率", "平均播放时长"],
    [
        [
            "《赛博拜年》#AI春晚",
            "2026/02/16 20:00",
            "5000",
            "30",
            "88",
            "6",
            "14",
            "35.2%",
            "1分42秒",
        ],
        ["幕后 #AI春晚", "2026/02/18 08:15", "730", "2", "9", "0", "1", "41%", "58秒"],
    ],
    5730,
)
weibo = _snapshot_csv(
    "weibo",
    ["博文内容", "发布时间", "阅读数", "转发", "评论", "赞", "互动量"],
    [
        ["《赛博拜年》上线啦", "2026-02-16 20:00", "2.3万", "15", "20", "120", "155"],
        ["AI春晚 彩排", "2026-02-14 18:30", "960", "1", "2", "9", "12"],
    ],
    23000 + 960,
)


def bilibili_daily(tmp: Path) -> Case:
    rows = [
        ["2026-02-16", "BV1xx411c7mD", "《赛博拜年》", "1,200", "30", "5"],
        ["2026-02-17", "BV1xx411c7mD", "《赛博拜年》", "800", "12", "2"],
        ["2026-02-17", "BV1yy411c7mE", "花絮", "95", "1", "0"],
    ]
    path = write_csv(
        tmp / "bilibili_稿件数据.csv", ["日期", "BV号", "标题", "播放量", "点赞", "投币"], rows
    )
    return Case("bilibili", [path], {CONTENT_VIEWS: 2095, CONTENT_LIKES: 43, DAILY_WORKS: 2}, 3)


def tiktok_overview(tmp: Path) -> Case:
    rows = [
        ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
        ["December 30", "120", "4", "10", "1", "0"],
        ["December 31", "80", "undefined", "7", "0", "1"],
        ["January 1", "300", "9", "25", "3", "2"],
    ]
    path = _quoted_csv(tmp / "Overview_2026-01-05.csv", rows)
    channel = "from fct_channel_breakdown where platform_id = $1 and dimension = 'channel'"
    return Case(
        "tiktok",
        [path],
        {
            f"select sum(views) {channel}": 500,
            f"select sum(likes) {channel}": 42,
            f"select sum(profile_views) {channel}": 13,
            f"select count(*) {channel}": 3,
            CONTENT_VIEWS: None,  # the channel's views never go into the videos' facts
        },
        3,
    )


def tiktok_content(tmp: Path) -> Case:
    head = ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments"]
    head += ["Total shares", "Total views"]
    link = "https://www.tiktok.com/@aigala/video/"
    rows = [
        head,
        ["January 2", "AI春晚 倒计时", link + "7593820674163100946", "December 28", "529", "170"]
        + ["122", "28590"],
        ["January 2", "幕后花絮", link + "7593820674163100001", "January 1", "5", "1", "0", "300"],
    ]
    path = _quoted_csv(tmp / "Content_2026-01-05.csv", rows)
    return Case("tiktok", [path], {CONTENT_VIEWS: 28890, CONTENT_LIKES: 534, DAILY_WORKS: 2}, 2)


def youtube_folder(tmp: Path) -> Case:
    folder = tmp / "Content 2025-01-28_2025-01-30 AI春晚频道"
    head = "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers"
    _plain(
        folder / "Table data.csv",
        [
            head + ",Impressions,Impressions click-through rate (%)",
            "Total,,,,610,20.5,4,9000,4.1",
            'dQw4w9WgXcQ,《赛博拜年》,"Jan 28, 2025",263,500,18.0,6,8000,4.4',
            'kJQP7kiw5Fk,"相声, 第二届","Jan 28, 2025",0:04:23,110,2.5,-2,1000,2.0',
        ],
    )
    chart = [
        ("2025-01-28", "dQw4w9WgXcQ", 300),
        ("2025-01-29", "dQw4w9WgXcQ", 150),
        ("2025-01-30", "dQw4w9WgXcQ", 50),
        ("2025-01-29", "kJQP7kiw5Fk", 80),
        ("2025-01-30", "kJQP7kiw5Fk", 30),
    ]
    _plain(
        folder / "Chart data.csv",
        ["Date,Content,Video title,Video publish time,Duration,Views"]
        + [f'{d},{c},t,"Jan 28, 2025",263,{v}' for d, c, v in chart],
    )
    _plain(
        folder / "Totals.csv", ["Date,Views", "2025-01-28,300", "2025-01-29,230", "2025-01-30,80"]
    )
    period = "from fct_content_period where platform_id = $1"
    return Case(
        "youtube",
        [folder],
        {
            CONTENT_VIEWS: 610,  # the Chart data days
            f"select sum(views) {period}": 610,  # the Table data videos, Total row not a video
            f"select sum(new_followers) {period}": 4,
            f"select count(*) {period}": 2,
        },
        3 + 5 + 3,
    )


def youtube_table_only(tmp: Path) -> Case:
    path = _plain(
        tmp / "Content 2025-01-01_2025-02-10 AI春晚频道" / "Table data.csv",
        [
            "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers",
            "Total,,,,2150,41.2,5",
            'dQw4w9WgXcQ,《赛博拜年》,"Sep 27, 2024",263,1200,20.5,7',
            'kJQP7kiw5Fk,"相声, 第二届","Jan 28, 2025",0:04:23,800,15.0,-3',
            '9bZkp7q19f0,幕后花絮,"Feb 2, 2025",95,150,5.7,1',
        ],
    )
    return Case(
        "youtube",
        [path],
        {CONTENT_VIEWS: 2150, SNAPSHOT_VIEWS: 2150, SNAPSHOT_WORKS: 3, DAILY_WORKS: 3},
        4,
    )


def youtube_geography(tmp: Path) -> Case:
    folder = tmp / "Geography 2025-01-01_2025-01-03 AI春晚频道"
    _plain(
        folder / "Table data.csv",
        [
            "Geography,Views,Watch time (hours),Average view duration",
            "Total,1000,52.1234,0:03:07",
            "US,500,26.0000,0:03:07",
            "Taiwan,300,15.5000,0:03:06",
            "DE,200,10.6234,0:03:11",
        ],
    )
    country = "from fct_channel_breakdown where platform_id = $1 and dimension = 'country'"
    return Case(
        "youtube",
        [folder],
        {
            f"select sum(views) {country}": 1000,
            f"select count(*) {country}": 3,
            "select sum(views) from fct_channel_breakdown where platform_id = $1"
            " and dimension = 'channel'": 1000,
        },
        4,
    )


def google_trends(tmp: Path) -> Case:
    days = [("2025-01-27", "31"), ("2025-01-28", "100"), ("2025-01-29", "<1"), ("2025-01-30", "64")]
    path = _plain(
        tmp / "multiTimeline.csv",
        ["类别：所有类别", "", "天,AI春晚: (中国)", *(f"{d},{v}" for d, v in days)],
    )
    series = "from fct_topic_attention where source = 'Google Trends' and keyword = $1"
    return Case(
        "AI春晚",
        [path],
        {
            f"select sum(value) {series}": 31 + 100 + 0.5 + 64,
            f"select count(*) {series}": 4,
            f"select count(*) {series} and is_below_one": 1,
        },
        4,
    )


CASES: dict[str, Callable[[Path], Case]] = {
    "xiaohongshu_note_list": xiaohongshu,
    "douyin_works": douyin,
    "bilibili_snapshot": bilibili,
    "bilibili_daily": bilibili_daily,
    "wechat_channels_snapshot": wechat_channels,
    "weibo_snapshot": weibo,
    "tiktok_overview": tiktok_overview,
    "tiktok_content": tiktok_content,
    "youtube_folder": youtube_folder,
    "youtube_table_only": youtube_table_only,
    "youtube_geography_tab": youtube_geography,
    "google_trends": google_trends,
}


def measured(settings: Settings, case: Case) -> dict[str, float]:
    """Each measure of the case as the published warehouse answers it."""
    return {
        sql: published_rows(settings.home, sql, [case.platform_id])[0][0] for sql in case.expected
    }


@pytest.mark.parametrize("layout", sorted(CASES))
def test_the_warehouse_totals_equal_the_sum_of_the_files_rows_and_a_reload_changes_nothing(
    tmp_path: Path, settings: Settings, layout: str
) -> None:
    case = CASES[layout](tmp_path)
    reports = ingest_files(settings, case.paths)
    assert [r.status for r in reports] == ["loaded"], [r.error for r in reports]
    [report] = reports
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (case.rows_read,) * 2 + (
        0,
    )
    assert measured(settings, case) == pytest.approx(case.expected)
    before = published_rows(settings.home, "select count(*) from load_log")
    again = ingest_files(settings, case.paths)
    assert [r.status for r in again] == ["unchanged"]
    assert published_rows(settings.home, "select count(*) from load_log") == before
    assert measured(settings, case) == pytest.approx(case.expected)


@pytest.mark.parametrize(
    ("layout", "name"),
    [
        ("bilibili_snapshot", "稿件数据 (snapshot)"),
        ("wechat_channels_snapshot", "动态数据 (snapshot)"),
        ("weibo_snapshot", "博文数据 (snapshot)"),
        ("youtube_table_only", "youtube_studio_table_data"),
    ],
)
def test_inspect_names_each_inferred_layout_by_its_signature(
    tmp_path: Path, layout: str, name: str
) -> None:
    case = CASES[layout](tmp_path)
    result = inspect_file(case.paths[0])
    assert (result["family"], result["platform"], result["layout"]) == (
        "platform",
        case.platform_id,
        name,
    )
    assert "questions" not in result
