"""TikTok Studio's FollowerGender and FollowerTopTerritories files: shares of the followers.

As the Studio writes them: UTF-8 BOM, every field quoted, LF between lines and none after the
last; `Gender, Distribution` / `Top territories, Distribution` with `61%`-style shares and no
date column (the shares are as of the export).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.ingest import detect_source, ingest_files
from etl.platforms.intl import describe_intl_file
from etl.platforms.tiktok import read_tiktok_export
from tests.builders import published_rows
from warehouse.settings import Settings


def studio_csv(path: Path, rows: list[list[str]]) -> Path:
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def test_follower_gender_and_territories_land_as_follower_shares_of_the_export_day(
    tmp_path: Path, settings: Settings
) -> None:
    gender = studio_csv(
        tmp_path / "FollowerGender_2026-03-01.csv",
        [["Gender", "Distribution"], ["Female", "61%"], ["Male", "37.5%"], ["Other", "1.5%"]],
    )
    territories = studio_csv(
        tmp_path / "FollowerTopTerritories_2026-03-01.csv",
        [
            ["Top territories", "Distribution"],
            ["CN", "48.2%"],
            ["TW", "20.1%"],
            ["US", "12.4%"],
            ["Others", "19.3%"],
        ],
    )
    assert detect_source(gender) == detect_source(territories) == "tiktok"
    assert describe_intl_file(gender)["layout"] == "tiktok_follower_gender"  # type: ignore[index]
    reports = ingest_files(settings, [gender, territories])
    assert [r.status for r in reports] == ["loaded", "loaded"], [r.error for r in reports]
    assert [(r.rows_read, r.rows_loaded, r.rows_rejected) for r in reports] == [
        (3, 3, 0),
        (4, 4, 0),
    ]
    rows = published_rows(
        settings.home,
        "select dimension, value_key, value_text, period_start_on, period_end_on,"
        " followers_share, views_share, views_basis from mart_channel_breakdown"
        " where platform_id = 'tiktok' order by 1, 6 desc",
    )
    day = date(2026, 3, 1)
    assert [r[:5] for r in rows] == [
        ("country", "CN", "CN", day, day),
        ("country", "TW", "TW", day, day),
        ("country", "others", "Others", day, day),
        ("country", "US", "US", day, day),
        ("gender", "female", "Female", day, day),
        ("gender", "male", "Male", day, day),
        ("gender", "other", "Other", day, day),
    ]
    shares = {(r[0], r[1]): r[5] for r in rows}
    assert shares[("gender", "female")] == pytest.approx(0.61)
    assert sum(v for (d, _), v in shares.items() if d == "gender") == pytest.approx(1.0)
    assert sum(v for (d, _), v in shares.items() if d == "country") == pytest.approx(1.0)
    # Shares of followers are no views: the views columns stay empty.
    assert {(r[6], r[7]) for r in rows} == {(None, None)}
    again = ingest_files(settings, [gender, territories])
    assert [r.status for r in again] == ["unchanged", "unchanged"]


def test_a_spanish_ui_gender_file_reads_mujer_and_hombre(tmp_path: Path) -> None:
    path = studio_csv(
        tmp_path / "FollowerGender_2026-03-01.csv",
        [["Género", "Distribución"], ["Mujer", "55%"], ["Hombre", "45%"]],
    )
    facts = read_tiktok_export(path).frames["channel_breakdown"]
    assert facts.select("dimension", "value_key", "followers_share").rows() == [
        ("gender", "female", 0.55),
        ("gender", "male", 0.45),
    ]


def test_a_share_that_is_not_a_percentage_is_rejected_naming_its_row(tmp_path: Path) -> None:
    path = studio_csv(
        tmp_path / "FollowerGender_2026-03-01.csv",
        [["Gender", "Distribution"], ["Female", "61%"], ["Male", "很多"]],
    )
    staged = read_tiktok_export(path)
    [reject] = staged.rejects
    assert (reject.row_number, reject.column_name) == (3, "Distribution")
    assert staged.rows_read == 2 == staged.frames["channel_breakdown"].height + 1
