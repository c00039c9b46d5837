"""An age band spanning two canonical bands keeps its own interval and a broad band when loaded."""

from __future__ import annotations

from pathlib import Path

from etl.ingest import ingest_files
from tests.builders import published_rows
from tests.etl.survey_layouts.survey_files import write_text
from warehouse.settings import Settings


def kaggle_ages(path: Path) -> Path:
    """A Kaggle-like survey (ids row + question-text row) with its own age scheme, some in 中文."""
    ages = ["18-21", "20-29", "30岁以上", "25-29", "70+", "40~49岁"]
    rows = [
        ["Time from Start to Finish (seconds)", "Q1", "Q2"],
        ["Duration (in seconds)", "您的年龄段是？", "您的性别 - Selected Choice"],
        *[[str(300 + n), age, "女" if n % 2 else "男"] for n, age in enumerate(ages)],
    ]
    return write_text(path, rows, newline="\n")


def test_an_age_band_spanning_canonical_bands_keeps_its_interval_and_a_broad_band(
    tmp_path: Path, settings: Settings
) -> None:
    [report] = ingest_files(settings, [kaggle_ages(tmp_path / "kaggle_2021.csv")])
    assert report.status == "loaded", report.error
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (6, 6, 0)
    assert not any("age answer(s)" in w for w in report.warnings), report.warnings
    rows = {
        raw: rest
        for raw, *rest in published_rows(
            settings.home,
            "select age_raw, age_band, age_low, age_high, age_band_broad, is_age_mapped "
            "from fct_survey_response",
        )
    }
    # straddling bands: no canonical band, their own interval, a broad band, and mapped
    assert rows["20-29"] == [None, 20, 29, "18_34", True]
    assert rows["30岁以上"][0] is None and rows["30岁以上"][1:3] == [30, None]
    assert rows["30岁以上"][3] in {"18_34", "35_49"} and rows["30岁以上"][4] is True
    assert rows["40~49岁"] == [None, 40, 49, "35_49", True]
    assert rows["18-21"][1:] == [18, 21, "18_34", True]
    # a band inside one canonical band keeps that band, and its interval too
    assert rows["25-29"] == ["25_29", 25, 29, "18_34", True]
    assert rows["70+"][0] == "50_plus" and rows["70+"][1:4] == [70, None, "50_plus"]
