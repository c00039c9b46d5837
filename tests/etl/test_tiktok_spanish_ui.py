"""TikTok Studio downloaded in the Spanish UI: headers from the alias data, Spanish month names.

Fixtures as the Studio writes them: UTF-8 BOM, every field quoted, LF between lines and none
after the last, year-less dates (`30 de diciembre`) crossing new year, `undefined` for no value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl.ingest import detect_source, ingest_files
from etl.platforms.intl import closest_intl_layout, describe_intl_file
from etl.platforms.tiktok import read_tiktok_export
from tests.builders import published_rows
from warehouse.settings import Settings

OVERVIEW_ES = [
    [
        "Fecha",
        "Visualizaciones de vídeos",
        "Visualizaciones del perfil",
        "Me gusta",
        "Comentarios",
        "Veces compartido",
    ],
    ["30 de diciembre", "120", "4", "10", "1", "0"],
    ["31 de diciembre", "80", "undefined", "7", "0", "1"],
    ["1 de enero", "300", "9", "25", "3", "2"],
]


def studio_csv(path: Path, rows: list[list[str]]) -> Path:
    """BOM, every field quoted, `\\n` between lines and no line end after the last."""
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def test_a_spanish_ui_overview_loads_like_the_english_one(
    tmp_path: Path, settings: Settings
) -> None:
    path = studio_csv(tmp_path / "Overview_2026-01-05.csv", OVERVIEW_ES)
    assert detect_source(path) == "tiktok"
    described = describe_intl_file(path)
    assert described is not None and described["layout"] == "tiktok_overview"
    assert "Visualizaciones de vídeos".casefold() in described["signature"]
    [report] = ingest_files(settings, [path])
    assert report.status == "loaded", report.error
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    assert not any("columns not read" in w for w in report.warnings)
    rows = published_rows(
        settings.home,
        "select period_start_on, views, profile_views, likes, comments, shares"
        " from fct_channel_breakdown where platform_id = 'tiktok' order by 1",
    )
    assert rows == [
        (date(2025, 12, 30), 120, 4, 10, 1, 0),
        (date(2025, 12, 31), 80, None, 7, 0, 1),  # `undefined`: not reported, not zero
        (date(2026, 1, 1), 300, 9, 25, 3, 2),
    ]
    [again] = ingest_files(settings, [path])
    assert again.status == "unchanged"


def test_spanish_viewers_and_follower_files_fill_the_same_channel_days(tmp_path: Path) -> None:
    viewers = studio_csv(
        tmp_path / "Viewers_2026-01-05.csv",
        [
            ["Fecha", "Espectadores totales", "Espectadores nuevos", "Espectadores recurrentes"],
            ["31 de diciembre", "undefined", "0", "0"],
            ["1 de enero", "250", "200", "50"],
        ],
    )
    followers = studio_csv(
        tmp_path / "FollowerHistory_2026-01-05.csv",
        [
            ["Fecha", "Seguidores", "Diferencia de seguidores con respecto al día anterior"],
            ["31 de diciembre", "1000", "-3"],
            ["1 de enero", "1012", "12"],
        ],
    )
    activity = studio_csv(
        tmp_path / "FollowerActivity_2026-01-05.csv",
        [["Fecha", "Hora", "Seguidores activos"], ["1 de enero", "20", "41"]],
    )
    seen = read_tiktok_export(viewers).frames["channel_breakdown"]
    assert seen.select("period_start_on", "unique_viewers", "returning_viewers").rows() == [
        (date(2025, 12, 31), None, 0),
        (date(2026, 1, 1), 250, 50),
    ]
    grown = read_tiktok_export(followers).frames["channel_breakdown"]
    assert grown.select("followers", "subscribers").rows() == [(1000, -3), (1012, 12)]
    active = read_tiktok_export(activity).frames["channel_breakdown"]
    assert active.select("dimension", "value_key", "active_followers").rows() == [
        ("hour", "20", 41)
    ]


def test_a_spanish_content_file_keys_videos_by_their_link(tmp_path: Path) -> None:
    path = studio_csv(
        tmp_path / "Content_2026-01-05.csv",
        [
            [
                "Hora",
                "Título del vídeo",
                "Enlace del vídeo",
                "Hora de publicación",
                "Total de Me gusta",
                "Total de comentarios",
                "Total de veces compartido",
                "Total de visualizaciones",
            ],
            [
                "2 de enero",
                "AI春晚 倒计时 #aigala",
                "https://www.tiktok.com/@aigala/video/7593820674163100946",
                "28 de diciembre",
                "529",
                "170",
                "122",
                "28590",
            ],
        ],
    )
    staged = read_tiktok_export(path)
    assert staged.details["layout"] == "tiktok_content"
    daily = staged.frames["content_daily"]
    assert daily.select("content_id", "date_on", "views", "likes").rows() == [
        ("7593820674163100946", date(2026, 1, 2), 28590, 529)
    ]
    content = staged.frames["content"]
    assert content["published_at"].dt.date().to_list() == [date(2025, 12, 28)]


def test_a_spanish_file_missing_a_signature_header_names_the_closest_layout() -> None:
    assert closest_intl_layout(["Fecha", "Visualizaciones de vídeos", "Me gusta"]) == (
        "tiktok_overview",
        ["visualizaciones del perfil"],
    )
