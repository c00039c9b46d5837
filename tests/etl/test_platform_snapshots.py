"""Snapshot exports (no date column): as-of day, work keys, deltas across snapshots, matching."""

from __future__ import annotations

import os
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from etl.errors import IngestError
from etl.ingest import detect_source, ingest_files
from etl.platforms import describe_platform_file, read_platform_export
from etl.platforms.snapshot import as_of_from_file_name, resolve_as_of, title_key, work_key
from etl.sample.creator_layouts import (
    XHS_BANNER,
    XHS_HEADER,
    write_douyin_works,
    write_xhs_note_list,
    xhs_time_text,
)
from tests.builders import published_rows, write_csv, write_workbook
from warehouse.settings import Settings

T1 = datetime(2026, 3, 20, 17, 33, 5)
T2 = datetime(2026, 3, 21, 9, 0, 38)
T3 = datetime(2026, 3, 22, 3, 16, 35)


def note(
    title: str,
    published: datetime,
    views: float,
    *,
    kind: str = "视频",
    likes: float = 3.0,
    impressions: float = 400.0,
) -> list[Any]:
    """One 笔记列表明细表 row as 小红书 writes it: floats, a fraction rate, Chinese time text."""
    return [
        title,
        xhs_time_text(published),
        kind,
        impressions,
        views,
        0.022,
        likes,
        1.0,
        2.0,
        0.0,
        0.0,
        16.0,
        0.0,
    ]


CATALOGUE = {
    "届次": [["年份", "播出日期", "名称"], [2026, "2026-02-16", "2026 AI春晚"]],
    "节目": [
        ["节目编号", "节目名称", "类型", "时长", "届次"],
        ["P2026-01", "《赛博拜年》", "相声", "4:23", 2026],
        ["P2026-02", "《算力不够》", "小品", "300", 2026],
    ],
    "主创": [["节目编号", "联系方式", "分工"]],
    "赞助商": [["赞助商编号", "名称", "英文名"]],
    "赞助": [["赞助商编号", "节目编号"]],
    "发布": [["节目编号", "平台", "内容ID", "链接"]],
}


def sql(settings: Settings, query: str, params: list[Any] | None = None) -> list[tuple]:
    return published_rows(settings.home, query, params)


def daily(settings: Settings) -> list[tuple]:
    return sql(
        settings,
        "select c.title, d.date_on::varchar, d.views, d.likes, r.is_first_snapshot, "
        "r.is_interval from fct_content_daily as d join dim_content as c "
        "using (platform_id, content_id) join fct_content_reach_daily as r "
        "using (platform_id, content_id, date_on) order by 1, 2",
    )


def snapshot(tmp_path: Path, day: str, rows: list[list[Any]]) -> Path:
    return write_xhs_note_list(tmp_path / f"笔记列表明细表_{day}.xlsx", rows)


# --- the fixture mirrors the real file --------------------------------------------------------


def test_the_note_list_fixture_has_the_real_files_layout(tmp_path: Path) -> None:
    path = write_xhs_note_list(tmp_path / "笔记列表明细表.xlsx", [note("", T1, 126.0)])
    # POI's stylesheet has no named styles: openpyxl warns about the real file just the same.
    with pytest.warns(UserWarning, match="no default style"):
        book = openpyxl.load_workbook(path)
    sheet = book["Sheet1"]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:M1"]
    assert sheet["A1"].value == XHS_BANNER
    assert tuple(c.value for c in sheet[2]) == XHS_HEADER
    assert sheet["B3"].value == "2026年03月20日17时33分05秒"
    assert sheet["E3"].data_type == "n" and isinstance(sheet["E3"].value, float)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # POI repeats the banner in every merged cell and writes an empty title as an empty string.
    assert xml.count(f"<t>{XHS_BANNER}</t>") == 13
    assert '<c r="A3" s="2" t="inlineStr"><is><t></t></is></c>' in xml
    assert "<v>126.0</v>" in xml


# --- reading ------------------------------------------------------------------------------------


def test_a_note_list_reads_past_its_banner_with_views_impressions_and_format(
    tmp_path: Path,
) -> None:
    path = snapshot(
        tmp_path,
        "20260324",
        [note("AI写代码，左手打右手", T1, 141.0), note("图文笔记", T2, 124.0, kind="图文")],
    )
    staged = read_platform_export(path)
    assert staged.details["platform_id"] == "xiaohongshu"
    assert staged.details["layout"] == "笔记列表明细表"
    assert staged.details["header_row"] == 2
    assert (staged.details["as_of"], staged.details["as_of_source"]) == ("2026-03-24", "file name")
    assert staged.rows_read == 2 and staged.rows_rejected == 0
    snap = staged.frames["content_snapshot"].sort("views")
    assert snap["views"].to_list() == [124, 141]
    assert snap["impressions"].to_list() == [400, 400]
    assert snap["impressions_ctr"].to_list() == [0.022, 0.022]
    content = staged.frames["content"].sort("published_at")
    assert content["content_format"].to_list() == ["视频", "图文"]
    assert content["published_at"].to_list() == [T1, T2]
    assert all(c.startswith("xhs:") for c in content["content_id"].to_list())
    assert any("banner" in w for w in staged.warnings)


def test_a_work_with_an_empty_title_is_kept_and_keyed_by_publish_time(tmp_path: Path) -> None:
    path = snapshot(tmp_path, "20260324", [note("", T1, 908.0), note("", T2, 1947.0)])
    staged = read_platform_export(path)
    content = staged.frames["content"]
    assert content.height == 2 and staged.rows_rejected == 0
    assert set(content["key_source"].to_list()) == {"published_format"}
    assert content["content_id"].n_unique() == 2
    assert any("no title" in w for w in staged.warnings)


def test_a_row_with_no_title_and_no_publish_time_is_rejected_naming_its_row(
    tmp_path: Path,
) -> None:
    rows = [note("有标题", T1, 10.0), ["", "", "视频", 1.0, 2.0, 0.1, 0, 0, 0, 0, 0, 0, 0]]
    staged = read_platform_export(snapshot(tmp_path, "20260324", rows))
    assert staged.rows_read == 2 and staged.rows_rejected == 1
    assert staged.rejects[0].row_number == 4  # banner row 1, header row 2, data from row 3
    assert "cannot be identified" in staged.rejects[0].reason


def test_work_keys_are_stable_and_titles_normalise_for_matching() -> None:
    assert (
        title_key(" 最强 Claude  来了，也最贵😮｜今日AI 5条。 ")
        == "最强 claude 来了,也最贵|今日ai 5条"
    )
    assert title_key("😮") is None
    one = work_key("xhs:", "xiaohongshu", "《赛博拜年》", T1, "视频")
    assert one == work_key("xhs:", "xiaohongshu", "《赛博拜年》 ", T1, "图文")
    assert one[0] != work_key("xhs:", "xiaohongshu", "《赛博拜年》", T2, "视频")[0]
    assert one[1] == "title_published"
    assert work_key("xhs:", "xiaohongshu", None, T1, "视频")[1] == "published_format"


def test_the_as_of_day_comes_from_the_flag_then_the_file_name_then_the_file_time(
    tmp_path: Path,
) -> None:
    named = tmp_path / "笔记列表明细表_20260324.xlsx"
    named.write_bytes(b"")
    plain = tmp_path / "笔记列表明细表.xlsx"
    plain.write_bytes(b"")
    stamp = datetime(2026, 3, 19, 12, 0).timestamp()
    os.utime(plain, (stamp, stamp))
    assert resolve_as_of(named, date(2026, 3, 30)) == (date(2026, 3, 30), "flag")
    assert resolve_as_of(named, None) == (date(2026, 3, 24), "file name")
    assert resolve_as_of(plain, None) == (date(2026, 3, 19), "file time")
    assert as_of_from_file_name("2026-03-24 导出.xlsx") == date(2026, 3, 24)
    assert as_of_from_file_name("20260324-作品数据.xlsx") == date(2026, 3, 24)
    assert as_of_from_file_name("作品_7301234567890123456.xlsx") is None


# --- detection ----------------------------------------------------------------------------------


def test_a_renamed_note_list_is_detected_by_its_headers_not_sent_to_the_survey_reader(
    tmp_path: Path,
) -> None:
    path = write_xhs_note_list(tmp_path / "export (3).xlsx", [note("标题", T1, 10.0)])
    assert detect_source(path) == "xiaohongshu"


def douyin_rows() -> list[list[Any]]:
    return [
        [
            "《赛博拜年》",
            datetime(2026, 2, 16, 20, 1, 0),
            "1min-视频",
            "审核通过",
            12000,
            0.352,
            0.61,
            0.081,
            0.22,
            17.5,
            300,
            20,
            12,
            40,
            "-",
            5,
        ],
        ["AI 相声", datetime(2026, 2, 17, 8, 0, 0), "图文", "审核中", "-", "-", "-", "-", "-"]
        + ["-", 1, 0, 0, 0, 0, "-"],
    ]


def test_a_douyin_works_export_is_detected_and_read_as_a_snapshot(tmp_path: Path) -> None:
    path = write_douyin_works(tmp_path / "作品数据.xlsx", douyin_rows())
    assert detect_source(path) == "douyin"
    described = describe_platform_file(path, as_of=date(2026, 3, 1))
    assert described["platform"] == "douyin"
    assert described["layout"] == "作品数据"
    assert (described["rows"], described["works"]) == (2, 2)
    assert (described["as_of"], described["as_of_source"]) == ("2026-03-01", "flag")
    staged = read_platform_export(path, as_of=date(2026, 3, 1))
    content = staged.frames["content"].sort("title")
    assert content["review_status"].to_list() == ["审核中", "审核通过"]
    assert content["content_format"].to_list() == ["图文", "1min-视频"]
    assert content["published_at"].to_list()[1] == datetime(2026, 2, 16, 20, 1, 0)
    snap = staged.frames["content_snapshot"].sort("likes")
    assert snap["views"].to_list() == [None, 12000]
    assert snap["completion_rate"].to_list() == [None, 0.352]


def test_a_file_with_platform_metrics_but_no_known_layout_is_not_a_survey(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "数据.csv", ["名字", "播放量", "点赞量", "评论量"], [["x", "1", "2", "3"]]
    )
    with pytest.raises(IngestError, match="creator-centre export"):
        detect_source(path)


# --- into the warehouse -------------------------------------------------------------------------


def load(settings: Settings, path: Path, **options: Any) -> Any:
    (report,) = ingest_files(settings, [path], **options)
    assert report.status in {"loaded", "unchanged"}, report.error
    return report


def three_snapshots(tmp_path: Path) -> dict[str, Path]:
    """Day 1, 2 and 4 of two works; the second work appears on day 2."""
    return {
        "d1": snapshot(tmp_path, "20260320", [note("甲", T1, 100.0, likes=1.0)]),
        "d2": snapshot(
            tmp_path, "20260321", [note("甲", T1, 150.0, likes=2.0), note("乙", T2, 10.0)]
        ),
        "d4": snapshot(
            tmp_path, "20260323", [note("甲", T1, 400.0, likes=5.0), note("乙", T2, 30.0)]
        ),
    }


EXPECTED = [
    ("乙", "2026-03-21", 10, 3, True, False),
    ("乙", "2026-03-23", 20, 0, False, True),
    ("甲", "2026-03-20", 100, 1, True, False),
    ("甲", "2026-03-21", 50, 1, False, False),
    ("甲", "2026-03-23", 250, 3, False, True),
]


def test_consecutive_snapshots_become_interval_deltas_summing_to_the_latest_total(
    tmp_path: Path, settings: Settings
) -> None:
    files = three_snapshots(tmp_path)
    for key in ("d1", "d2", "d4"):
        report = load(settings, files[key])
    assert report.details["as_of_source"] == "file name"
    assert daily(settings) == EXPECTED
    totals = sql(
        settings,
        "select c.title, sum(d.views) from fct_content_daily d join dim_content c "
        "using (platform_id, content_id) group by 1 order by 1",
    )
    assert totals == [("乙", 30), ("甲", 400)]


def test_snapshots_loaded_out_of_order_give_the_in_order_deltas(
    tmp_path: Path, settings: Settings
) -> None:
    files = three_snapshots(tmp_path)
    for key in ("d4", "d1", "d2"):
        load(settings, files[key])
    assert daily(settings) == EXPECTED
    assert sql(settings, "select count(*) from fct_content_snapshot") == [(5,)]


def test_the_same_snapshot_loaded_twice_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    files = three_snapshots(tmp_path)
    load(settings, files["d1"])
    load(settings, files["d2"])
    before = daily(settings)
    again = load(settings, files["d2"])
    assert again.status == "unchanged"
    copy = tmp_path / "copy" / files["d2"].name
    copy.parent.mkdir()
    copy.write_bytes(files["d2"].read_bytes() + b"")
    write_xhs_note_list(copy, [note("甲", T1, 150.0, likes=2.0), note("乙", T2, 10.0)])
    load(settings, copy, as_of=date(2026, 3, 21))
    assert daily(settings) == before


def test_a_counter_that_goes_down_between_snapshots_is_flagged(
    tmp_path: Path, settings: Settings
) -> None:
    load(settings, snapshot(tmp_path, "20260320", [note("甲", T1, 100.0)]))
    report = load(settings, snapshot(tmp_path, "20260321", [note("甲", T1, 90.0)]))
    assert sql(settings, "select metric, previous_value, value from counter_issue") == [
        ("views", 100, 90)
    ]
    assert daily(settings)[-1][2] == -10
    assert report.status == "loaded"


def test_the_as_of_flag_wins_over_the_file_name(tmp_path: Path, settings: Settings) -> None:
    report = load(
        settings,
        snapshot(tmp_path, "20260320", [note("甲", T1, 100.0)]),
        as_of=date(2026, 3, 25),
    )
    assert (report.details["as_of"], report.details["as_of_source"]) == ("2026-03-25", "flag")
    assert sql(settings, "select as_of_on::varchar, as_of_source from fct_content_snapshot") == [
        ("2026-03-25", "flag")
    ]


def test_untitled_works_match_catalogue_programs_by_title_and_the_rest_are_reported(
    tmp_path: Path, settings: Settings
) -> None:
    catalogue = write_workbook(tmp_path / "catalogue_test.xlsx", CATALOGUE)
    load(settings, catalogue)
    report = load(
        settings,
        snapshot(
            tmp_path,
            "20260320",
            [note(" 《赛博拜年》😀。", T1, 100.0), note("不在节目单里的笔记", T2, 5.0)],
        ),
    )
    program_id = "P2026-01"
    matched = sql(
        settings,
        "select title, program_id from dim_content where platform_id = 'xiaohongshu' order by 1",
    )
    assert dict(matched)["不在节目单里的笔记"] is None
    assert [p for t, p in matched if t != "不在节目单里的笔记"] == [program_id]
    assert report.details["unmatched_titles"] == ["不在节目单里的笔记"]
    assert any("不在节目单里的笔记" in w for w in report.warnings)


def test_the_program_mart_says_which_days_are_first_snapshots_or_intervals(
    tmp_path: Path, settings: Settings
) -> None:
    files = three_snapshots(tmp_path)
    for key in ("d1", "d2", "d4"):
        load(settings, files[key])
    rows = sql(
        settings,
        "select date_on::varchar, views, is_first_snapshot, is_interval from mart_program_daily "
        "where platform_id = 'xiaohongshu' order by 1",
    )
    assert rows == [
        ("2026-03-20", 100, True, False),
        ("2026-03-21", 60, True, False),
        ("2026-03-23", 270, False, True),
    ]


def test_a_catalogue_loaded_after_the_snapshot_matches_its_works_by_title(
    tmp_path: Path, settings: Settings
) -> None:
    load(settings, snapshot(tmp_path, "20260320", [note("《算力不够》!", T1, 100.0)]))
    assert sql(settings, "select program_id from dim_content") == [(None,)]
    load(settings, write_workbook(tmp_path / "catalogue_test.xlsx", CATALOGUE))
    assert sql(settings, "select program_id from dim_content where title is not null") == [
        ("P2026-02",)
    ]


def test_a_work_with_a_link_matches_the_catalogue_publication_with_that_link(
    tmp_path: Path, settings: Settings
) -> None:
    url = "https://www.bilibili.com/video/BV1xx411c7mD"
    sheets = CATALOGUE | {
        "发布": [["节目编号", "平台", "内容ID", "链接"], ["P2026-02", "B站", "BV1xx411c7mD", url]]
    }
    load(settings, write_workbook(tmp_path / "catalogue_test.xlsx", sheets))
    export = write_csv(
        tmp_path / "bilibili_稿件_20260320.csv",
        ["稿件标题", "发布时间", "链接", "播放", "点赞", "投币"],
        [["《赛博拜年》花絮", "2026-02-16 20:00:00", url, "1.2万", "30", "5"]],
    )
    report = load(settings, export)
    assert report.details["layout"] == "稿件数据 (snapshot)"
    rows = sql(settings, "select program_id, key_source from dim_content where title is not null")
    assert rows == [("P2026-02", "title_published")]


SNAPSHOT_LAYOUTS = {
    "bilibili": (
        ["稿件标题", "发布时间", "播放", "弹幕", "评论", "点赞", "投币", "收藏", "分享"],
        ["《赛博拜年》", "2026-02-16 20:00:00", "1.2万", "35", "12", "300", "80", "40", "9"],
        "稿件数据 (snapshot)",
    ),
    "wechat_channels": (
        ["动态描述", "发布时间", "播放", "推荐", "喜欢", "评论", "分享", "完播率", "平均播放时长"],
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
        "动态数据 (snapshot)",
    ),
    "weibo": (
        ["博文内容", "发布时间", "阅读数", "转发", "评论", "赞", "互动量"],
        ["《赛博拜年》上线啦", "2026-02-16 20:00", "2.3万", "15", "20", "120", "155"],
        "博文数据 (snapshot)",
    ),
}


@pytest.mark.parametrize("platform_id", sorted(SNAPSHOT_LAYOUTS))
def test_other_creator_centre_work_lists_are_detected_and_read_as_snapshots(
    tmp_path: Path, platform_id: str
) -> None:
    headers, row, layout = SNAPSHOT_LAYOUTS[platform_id]
    path = write_csv(tmp_path / "数据导出_20260301.csv", headers, [row])
    assert detect_source(path) == platform_id
    described = describe_platform_file(path)
    assert (described["platform"], described["layout"]) == (platform_id, layout)
    assert (described["rows"], described["works"], described["as_of"]) == (1, 1, "2026-03-01")
    staged = read_platform_export(path)
    assert staged.rows_rejected == 0
    assert staged.frames["content_snapshot"]["views"].item() > 0


def test_the_ingest_command_takes_the_as_of_day_and_reports_its_source(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    path = write_xhs_note_list(tmp_path / "笔记列表明细表.xlsx", [note("甲", T1, 100.0)])
    result = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", str(path), "--as-of", "2026-03-25"]
        + ["--home", str(tmp_path / "home"), "--json"],
        cwd=Path(__file__).resolve().parents[2],
        env=dict(os.environ, CREATORPULSE_ID_KEY="cli-test"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert report["source"] == "xiaohongshu" and report["status"] == "loaded"
    assert (report["details"]["as_of"], report["details"]["as_of_source"]) == ("2026-03-25", "flag")
    assert report["details"]["detected_by"] == "file name"
    assert any("as of 2026-03-25 (from the flag)" in w for w in report["warnings"])


def test_chinese_date_time_text_reads_as_a_moment_and_its_day() -> None:
    from etl.values import parse_date, parse_datetime

    assert parse_datetime("2026年03月24日17时33分05秒") == datetime(2026, 3, 24, 17, 33, 5)
    assert parse_datetime("2026年03月24日 17时33分") == datetime(2026, 3, 24, 17, 33, 0)
    assert parse_date("2026年03月24日00时00分00秒") == date(2026, 3, 24)
    with pytest.raises(ValueError, match="not a date-time"):
        parse_datetime("2026年13月24日17时33分05秒")
