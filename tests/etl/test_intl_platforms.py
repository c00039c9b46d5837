"""YouTube Studio tabs and Chinese UI, Excel re-saved dates, TikTok Studio files, TikTok as a platform.

Every fixture is written here, mirroring the layout of the real downloads byte for byte: YouTube's
unquoted CSVs with a `Total` row first and a `Showing top 500 results` footer on Cities, en dash
age bands; TikTok's BOM, every field quoted, year-less dates and `undefined`.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from etl.errors import IngestError
from etl.ingest import detect_source, ingest_files
from etl.platforms.intl import closest_intl_layout, describe_intl_file
from etl.platforms.tiktok import read_tiktok_export
from etl.platforms.youtube import read_youtube_export
from etl.values import normalise_platform
from tests.builders import published_rows
from warehouse.settings import Settings

PERIOD = "2025-01-01_2025-01-03"


def _write(path: Path, text: str, *, bom: bool = False, newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _quoted(rows: list[list[str]]) -> str:
    """TikTok's CSV: every field quoted, LF line ends."""
    return "".join(",".join(f'"{cell}"' for cell in row) + "\n" for row in rows)


def _rows(settings: Settings, query: str, params: list[Any] | None = None) -> list[tuple]:
    return published_rows(settings.home, query, params)


# -- YouTube Studio tabs --------------------------------------------------------------------------
def geography_folder(root: Path) -> Path:
    folder = root / f"Geography {PERIOD} AI春晚频道"
    _write(
        folder / "Table data.csv",
        "Geography,Views,Watch time (hours),Average view duration\n"
        "Total,1000,52.1234,0:03:07\n"
        "US,500,26.0000,0:03:07\n"
        "Taiwan,300,15.5000,0:03:06\n"
        "DE,200,10.6234,0:03:11\n",
    )
    _write(
        folder / "Chart data.csv",
        "Date,Geography,Views\n"
        + "".join(
            f"2025-01-0{day},{country},{views}\n"
            for day, (country, views) in [
                (1, ("US", 200)),
                (2, ("US", 300)),
                (1, ("Taiwan", 300)),
                (3, ("DE", 200)),
            ]
        ),
    )
    _write(folder / "Totals.csv", "Date,Views\n2025-01-01,500\n2025-01-02,300\n2025-01-03,200\n")
    return folder


def age_folder(root: Path, first: str = "Viewer age") -> Path:
    folder = root / f"Viewer age {PERIOD} AI春晚频道"
    _write(
        folder / "Table data.csv",
        f"{first},Views (%),Average view duration,Average percentage viewed (%),Watch time (hours) (%)\n"
        "Total,100,0:02:10,38.5,100\n"
        "13–17 years,4.2,0:01:05,20.1,2.1\n"
        "18–24 years,35.8,0:02:01,35.2,33.4\n"
        "25–34 years,40.0,0:02:30,41.0,44.9\n"
        "35–44 years,12.0,0:02:12,39.9,12.2\n"
        "45–54 years,5.0,0:02:00,37.0,4.6\n"
        "55–64 years,2.1,0:01:50,33.0,1.9\n"
        "65+ years,0.9,0:01:40,30.0,0.9\n",
    )
    return folder


def test_a_geography_tab_loads_one_row_per_country_with_iso_codes_and_the_total(
    tmp_path: Path, settings: Settings
) -> None:
    folder = geography_folder(tmp_path)
    assert detect_source(folder) == "youtube"
    [report] = ingest_files(settings, [folder])
    assert report.status == "loaded", report.error
    # 4 Table data rows + 4 Chart data rows + 3 Totals rows, all used (Total/Chart/Totals as checks)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (11, 11, 0)
    rows = _rows(
        settings,
        "select dimension, value_key, value_text, views, watch_time_s, period_start_on,"
        " period_end_on from fct_channel_breakdown order by dimension, value_key",
    )
    assert [r[:4] for r in rows] == [
        ("channel", "all", "Total", 1000),
        ("country", "DE", "DE", 200),
        ("country", "TW", "Taiwan", 300),
        ("country", "US", "US", 500),
    ]
    assert rows[3][4] == pytest.approx(26 * 3600)
    assert {(r[5], r[6]) for r in rows} == {(date(2025, 1, 1), date(2025, 1, 3))}
    countries = [r for r in rows if r[0] == "country"]
    assert sum(r[3] for r in countries) == rows[0][3]  # the Total equals the sum of the rows


def test_re_loading_a_tab_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    folder = geography_folder(tmp_path)
    ingest_files(settings, [folder])
    [again] = ingest_files(settings, [folder])
    assert again.status == "unchanged"
    assert _rows(settings, "select count(*) from fct_channel_breakdown") == [(4,)]


def test_the_cities_footer_is_rejected_as_not_data_and_the_cut_list_is_reported(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / f"Cities {PERIOD} AI春晚频道"
    _write(
        folder / "Table data.csv",
        "Cities,City name,Geography,Views,Watch time (hours),Average view duration\n"
        "Total,,,1000,50.0,0:03:00\n"
        "0x35b27040b1c3ea6d:0x3df6b6d3d0b2d8b2,上海,CN,400,20.0,0:03:00\n"
        "0x47e66e1f06e2b70f:0x40b82c3688c9460,Paris,FR,250,12.5,0:03:00\n"
        "Showing top 500 results,,,,,\n",
    )
    [report] = ingest_files(settings, [folder])
    assert report.status == "loaded", report.error
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 3, 1)
    assert any("top 500" in w and "650 of the Total 1000" in w for w in report.warnings)
    [reject] = _rows(settings, "select row_number, reason from load_reject")
    assert reject[0] == 5 and "footer line, not data" in reject[1]
    cities = _rows(
        settings,
        "select value_key, value_text from fct_channel_breakdown where dimension = 'city' order by 2",
    )
    assert cities == [
        ("0x47e66e1f06e2b70f:0x40b82c3688c9460", "Paris"),
        ("0x35b27040b1c3ea6d:0x3df6b6d3d0b2d8b2", "上海"),
    ]


def test_age_bands_with_en_dashes_become_keys_and_shares_become_views_of_the_channel_total(
    tmp_path: Path, settings: Settings
) -> None:
    reports = ingest_files(settings, [geography_folder(tmp_path), age_folder(tmp_path)])
    assert [r.status for r in reports] == ["loaded", "loaded"], [r.error for r in reports]
    ages = _rows(
        settings,
        "select value_key, views_share, views_basis, is_views_estimated from mart_channel_breakdown"
        " where dimension = 'age' order by value_key",
    )
    assert [a[0] for a in ages] == ["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    assert ages[1][1] == pytest.approx(0.358)
    assert ages[1][2] == pytest.approx(358.0)  # 35.8% of the channel's 1000 views
    assert all(a[3] for a in ages)


def test_a_chinese_ui_tab_is_read_by_its_first_column(tmp_path: Path) -> None:
    folder = age_folder(tmp_path, first="观众年龄")
    staged = read_youtube_export(folder)
    facts = staged.frames["channel_breakdown"]
    assert set(facts["dimension"]) == {"age", "channel"}
    assert describe_intl_file(folder) == {
        "platform": "youtube",
        "layout": "youtube_studio_age",
        "reader": "youtube",
        "signature": "folder with Table data.csv; first column '观众年龄'",
        "files": ["Table data.csv"],
    }


def test_a_single_tab_file_takes_its_period_from_its_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path / f"Subscription status {PERIOD}.csv",
        "Subscription status,Views,Watch time (hours)\n"
        "Total,900,30.0\nNot subscribed,700,20.0\nSubscribed,200,10.0\n",
    )
    assert detect_source(path) == "youtube"
    facts = read_youtube_export(path).frames["channel_breakdown"]
    assert sorted(facts["value_key"]) == ["all", "not_subscribed", "subscribed"]
    assert set(facts["period_end_on"]) == {date(2025, 1, 3)}


def test_a_single_tab_file_without_a_period_is_one_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "traffic.csv", "Traffic source,Views\nTotal,10\nYouTube search,10\n")
    with pytest.raises(IngestError, match="cannot tell the period"):
        read_youtube_export(path)


# -- YouTube Content: Excel re-saved dates, Chinese UI --------------------------------------------
def content_folder(root: Path, days: list[date], fmt: str, *, chinese: bool = False) -> Path:
    folder = root / "Content"
    if chinese:
        table_head = "内容,视频标题,视频发布时间,时长,观看次数,观看时长（小时）,订阅人数,展示次数,展示点击率 (%)"
        chart_head, totals_head, total = (
            "日期,内容,视频标题,视频发布时间,时长,观看次数",
            "日期,观看次数",
            "总计",
        )
        published = "2024年9月27日"
    else:
        table_head = "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions,Impressions click-through rate (%)"
        chart_head, totals_head, total = (
            "Date,Content,Video title,Video publish time,Duration,Views",
            "Date,Views",
            "Total",
        )
        published = "Sep 27, 2024"
    views = len(days) * 10
    _write(
        folder / "Table data.csv",
        f"{table_head}\n{total},,,,{views},1.5,3,900,4.5\n"
        f'dQw4w9WgXcQ,《赛博拜年》,"{published}",263,{views},1.5,3,900,4.5\n',
    )
    _write(
        folder / "Chart data.csv",
        chart_head
        + "\n"
        + "".join(
            f'{d.strftime(fmt)},dQw4w9WgXcQ,《赛博拜年》,"{published}",263,10\n' for d in days
        ),
    )
    _write(
        folder / "Totals.csv", totals_head + "\n" + "".join(f"{d.strftime(fmt)},10\n" for d in days)
    )
    return folder


def test_a_content_export_re_saved_by_excel_with_day_first_dates_loads_every_day(
    tmp_path: Path, settings: Settings
) -> None:
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]
    folder = content_folder(tmp_path, days, "%d-%m-%Y")
    [report] = ingest_files(settings, [folder])
    assert report.status == "loaded", report.error
    assert report.rows_rejected == 0
    assert report.rows_read == report.rows_loaded == 2 + 365 + 365
    assert any("DD-MM-YYYY" in w and "inferred" in w for w in report.warnings)
    [(count, first, last, total)] = _rows(
        settings, "select count(*), min(date_on), max(date_on), sum(views) from fct_content_daily"
    )
    assert (count, first, last, total) == (365, date(2025, 1, 1), date(2025, 12, 31), 3650)


def test_a_content_export_whose_dates_cannot_tell_day_from_month_fails_naming_the_column(
    tmp_path: Path,
) -> None:
    days = [date(2025, 1, d) for d in (2, 3, 4)]  # 02-01, 03-01, 04-01: every number <= 12
    folder = content_folder(tmp_path, days, "%d-%m-%Y")
    with pytest.raises(IngestError, match="DD-MM-YYYY or MM-DD-YYYY") as raised:
        read_youtube_export(folder)
    assert "Date" in str(raised.value)
    staged = read_youtube_export(folder, date_order="dmy")
    assert sorted(staged.frames["content_daily"]["date_on"]) == days


def test_studio_in_the_chinese_ui_loads_like_the_english_one(tmp_path: Path) -> None:
    days = [date(2025, 2, 1), date(2025, 2, 2)]
    staged = read_youtube_export(content_folder(tmp_path, days, "%Y-%m-%d", chinese=True))
    assert staged.rejects == []
    assert staged.frames["content_daily"]["views"].to_list() == [10, 10]
    [content] = staged.frames["content"].to_dicts()
    assert content["title"] == "《赛博拜年》"
    assert content["published_at"].date() == date(2024, 9, 27)
    [period] = staged.frames["content_period"].to_dicts()
    assert period["watch_time_s"] == pytest.approx(5400.0)
    assert period["impressions_ctr"] == pytest.approx(0.045)


# -- TikTok Studio --------------------------------------------------------------------------------
OVERVIEW = [
    ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
    ["December 30", "120", "4", "10", "1", "0"],
    ["December 31", "80", "undefined", "7", "0", "1"],
    ["January 1", "300", "9", "25", "3", "2"],
]


def test_a_tiktok_overview_across_new_year_loads_as_channel_days(
    tmp_path: Path, settings: Settings
) -> None:
    path = _write(tmp_path / "Overview_2026-01-05.csv", _quoted(OVERVIEW), bom=True)
    assert detect_source(path) == "tiktok"
    [report] = ingest_files(settings, [path])
    assert report.status == "loaded", report.error
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    assert any("from the file name" in w for w in report.warnings)
    rows = _rows(
        settings,
        "select period_start_on, views, profile_views, likes from fct_channel_breakdown"
        " where platform_id = 'tiktok' order by 1",
    )
    assert rows == [
        (date(2025, 12, 30), 120, 4, 10),
        (date(2025, 12, 31), 80, None, 7),  # `undefined` is not reported, not zero
        (date(2026, 1, 1), 300, 9, 25),
    ]


def test_tiktok_viewers_and_follower_history_fill_the_same_channel_days(
    tmp_path: Path, settings: Settings
) -> None:
    overview = _write(tmp_path / "Overview_2026-01-05.csv", _quoted(OVERVIEW), bom=True)
    viewers = _write(
        tmp_path / "Viewers_2026-01-05.csv",
        _quoted(
            [
                ["Date", "Total Viewers", "New Viewers", "Returning Viewers"],
                ["December 31", "70", "50", "20"],
                ["January 1", "250", "200", "50"],
            ]
        ),
        bom=True,
    )
    followers = _write(
        tmp_path / "FollowerHistory_2026-01-05.csv",
        _quoted(
            [
                ["Date", "Followers", "Difference in followers from previous day"],
                ["December 31", "1000", "-3"],
                ["January 1", "1012", "12"],
            ]
        ),
        bom=True,
    )
    reports = ingest_files(settings, [overview, viewers, followers])
    assert [r.status for r in reports] == ["loaded"] * 3, [r.error for r in reports]
    rows = _rows(
        settings,
        "select period_start_on, views, unique_viewers, returning_viewers, followers, subscribers"
        " from fct_channel_breakdown where dimension = 'channel' order by 1",
    )
    assert rows == [
        (date(2025, 12, 30), 120, None, None, None, None),
        (date(2025, 12, 31), 80, 70, 20, 1000, -3),
        (date(2026, 1, 1), 300, 250, 50, 1012, 12),
    ]


def test_spanish_ui_follower_activity_reads_month_names_and_hours(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "FollowerActivity_2026-03-10.csv",
        _quoted(
            [
                ["Date", "Hour", "Active followers"],
                ["28 de febrero", "0", "12"],
                ["28 de febrero", "1", "8"],
                ["8 de marzo", "0", "15"],
                ["8 de marzo", "24", "3"],
            ]
        ),
        bom=True,
    )
    staged = read_tiktok_export(path)
    facts = staged.frames["channel_breakdown"]
    assert facts.select("period_start_on", "value_key", "active_followers").rows() == [
        (date(2026, 2, 28), "0", 12),
        (date(2026, 2, 28), "1", 8),
        (date(2026, 3, 8), "0", 15),
    ]
    [reject] = staged.rejects
    assert reject.row_number == 5 and "0..23" in reject.reason
    assert staged.rows_read == 4 == facts.height + staged.rows_rejected


def test_tiktok_content_keys_videos_by_the_number_in_their_link(
    tmp_path: Path, settings: Settings
) -> None:
    path = _write(
        tmp_path / "Content_2026-01-05.csv",
        _quoted(
            [
                [
                    "Time",
                    "Video title",
                    "Video link",
                    "Post time",
                    "Total likes",
                    "Total comments",
                    "Total shares",
                    "Total views",
                ],
                [
                    "January 2",
                    "AI春晚 倒计时 #aigala",
                    "https://www.tiktok.com/@aigala/video/7593820674163100946",
                    "December 28",
                    "529",
                    "170",
                    "122",
                    "28590",
                ],
                [
                    "January 2",
                    "幕后花絮",
                    "https://www.tiktok.com/@aigala/video/7593820674163100001",
                    "January 1",
                    "5",
                    "1",
                    "0",
                    "300",
                ],
            ]
        ),
        bom=True,
    )
    [report] = ingest_files(settings, [path])
    assert report.status == "loaded", report.error
    rows = _rows(
        settings,
        "select c.content_id, c.title, c.published_at::date, d.date_on, d.views from dim_content c"
        " join fct_content_daily d using (platform_id, content_id) where platform_id = 'tiktok'"
        " order by 1",
    )
    assert rows == [
        ("7593820674163100001", "幕后花絮", date(2026, 1, 1), date(2026, 1, 2), 300),
        (
            "7593820674163100946",
            "AI春晚 倒计时 #aigala",
            date(2025, 12, 28),
            date(2026, 1, 2),
            28590,
        ),
    ]


def test_the_tiktok_xlsx_variant_with_numbers_stored_as_text_loads(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in OVERVIEW:
        sheet.append(row)  # every cell a string, numbers included, as TikTok writes them
    path = tmp_path / "Overview_2026-01-05.xlsx"
    workbook.save(path)
    assert detect_source(path) == "tiktok"
    staged = read_tiktok_export(path)
    assert staged.frames["channel_breakdown"]["views"].to_list() == [120, 80, 300]
    assert describe_intl_file(path)["layout"] == "tiktok_overview"  # type: ignore[index]


def test_a_tiktok_file_is_never_sent_to_the_survey_reader(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "Viewers.csv",
        _quoted(
            [
                ["Date", "Total Viewers", "New Viewers", "Returning Viewers"],
                ["June 1", "1", "1", "0"],
            ]
        ),
        bom=True,
    )
    assert detect_source(path) == "tiktok"
    assert describe_intl_file(tmp_path / "nothing.csv") is None


def test_a_file_missing_part_of_a_tiktok_signature_names_the_layout_and_what_it_lacks() -> None:
    assert closest_intl_layout(["Date", "Video Views", "Likes"]) == (
        "tiktok_overview",
        ["profile views"],
    )
    assert closest_intl_layout(["序号", "提交答卷时间"]) is None


# -- TikTok as a platform -------------------------------------------------------------------------
def test_tiktok_is_in_every_platform_lookup() -> None:
    from dashboard import i18n, theme
    from warehouse.analytics.reach import load_reach_defaults

    assert normalise_platform("TikTok") == "tiktok"
    assert normalise_platform("抖音国际版") == "tiktok"
    assert normalise_platform("抖音") == "douyin"
    assert theme.platform_colour("tiktok") != theme.OTHER_PLATFORM_COLOUR
    assert i18n.platform_label("tiktok", "zh") == "抖音国际版/TikTok"
    assert i18n.platform_label("tiktok", "en") == "TikTok"
    assert load_reach_defaults().views_per_viewer["tiktok"] >= 1


def test_the_warehouse_lists_tiktok_with_its_names(tmp_path: Path, settings: Settings) -> None:
    ingest_files(settings, [geography_folder(tmp_path)])
    assert _rows(
        settings, "select name_zh, name_en from dim_platform where platform_id = 'tiktok'"
    ) == [("抖音国际版/TikTok", "TikTok")]
