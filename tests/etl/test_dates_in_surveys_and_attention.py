"""Survey submission times and attention days: a plain number in a CSV is a reject (serials are
read only from workbook cells), and a date decades away from the file's others is a reject
instead of a calendar that grows by decades."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from etl.attention.read import read_attention_export
from etl.ingest import ingest_files
from tests.builders import WJX_META, WJX_QUESTIONS, published_rows, wjx_row, write_csv, write_xlsx
from tests.etl.trends_files import write_trends
from warehouse.settings import Settings

SURVEY_NUMBER = "a plain number, not a date-time (day serials are read only from .xls/.xlsx)"
FAR = "more than 3650 days from the file's other dates"


def _rejects(settings: Settings) -> list[tuple]:
    return published_rows(
        settings.home,
        "select file_name, row_number, column_name, value_text, reason from load_reject "
        "order by row_number",
    )


def test_a_number_in_a_survey_csvs_submission_time_is_a_reject_naming_row_and_column(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [wjx_row(1), wjx_row(2, time="45000"), wjx_row(3, time="45340.59")]
    path = write_csv(tmp_path / "问卷星_2024.csv", [*WJX_META, *WJX_QUESTIONS], rows)
    [report] = ingest_files(settings, [path])
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_rejected) == (
        "loaded",
        3,
        1,
        2,
    ), report
    assert _rejects(settings) == [
        ("问卷星_2024.csv", 3, "提交答卷时间", "45000", SURVEY_NUMBER),
        ("问卷星_2024.csv", 4, "提交答卷时间", "45340.59", SURVEY_NUMBER),
    ]


def test_a_workbook_serial_in_the_submission_time_is_still_its_day(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_xlsx(
        tmp_path / "serials.xlsx",  # no year in the name: the edition comes from the serials
        [*WJX_META, *WJX_QUESTIONS],
        [wjx_row(1, time=45340.59), wjx_row(2, time=45341)],
    )
    [report] = ingest_files(settings, [path])
    assert (report.status, report.rows_loaded, report.details["edition_year"]) == (
        "loaded",
        2,
        2024,
    ), report
    assert published_rows(
        settings.home, "select submitted_at from fct_survey_response order by 1"
    ) == [(datetime(2024, 2, 18, 14, 9, 36),), (datetime(2024, 2, 19),)]


def test_a_submission_time_decades_away_is_rejected_not_loaded(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [
        wjx_row(1, time="2024/2/18 14:22:55"),
        wjx_row(2, time="2099/2/18 9:00:00"),
        wjx_row(3, time="2024/2/19 10:00:00"),
    ]
    path = write_csv(tmp_path / "春晚_2024.csv", [*WJX_META, *WJX_QUESTIONS], rows)
    [report] = ingest_files(settings, [path])
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 2, 1), report
    [(_, row, column, value, reason)] = _rejects(settings)
    assert (row, column, value) == (3, "提交答卷时间", "2099/2/18 9:00:00")
    assert reason.startswith(f"{FAR} (around 2024-02-")
    assert published_rows(
        settings.home, "select max(submitted_at)::varchar < '2030' from fct_survey_response"
    ) == [(True,)]


def test_an_attention_csv_rejects_a_number_and_a_far_day_in_its_date_column(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [
        ["2025-01-28", "AI春晚", "1200", "百度指数"],
        ["45000", "AI春晚", "1300", "百度指数"],
        ["2025-01-29", "AI春晚", "1400", "百度指数"],
        ["2099-01-30", "AI春晚", "1500", "百度指数"],
        ["2025-01-30", "AI春晚", "1600", "百度指数"],
    ]
    path = write_csv(tmp_path / "attention_春晚.csv", ["日期", "关键词", "指数", "来源"], rows)
    [report] = ingest_files(settings, [path])
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 3, 2), report
    [number, far] = _rejects(settings)
    assert number[1:4] == (3, "日期", "45000") and "a plain number, not a date" in number[4]
    assert far[1:4] == (5, "日期", "2099-01-30") and FAR in far[4] and "2025-01-29" in far[4]


def test_a_baidu_table_and_a_google_trends_file_reject_a_far_day(tmp_path: Path) -> None:
    baidu = write_csv(
        tmp_path / "百度指数.csv",
        ["日期", "关键词", "整体"],
        [["2025-01-20", "AI春晚", "1,200"], ["2095-01-27", "AI春晚", "9,800"]]
        + [["2025-02-03", "AI春晚", "5,600"], ["45000", "AI春晚", "5,000"]],
    )
    staged = read_attention_export(baidu)
    assert [(r.row_number, r.column_name) for r in staged.rejects] == [(3, "日期"), (5, "日期")]
    assert FAR in staged.rejects[0].reason and "plain number" in staged.rejects[1].reason
    trends = write_trends(
        tmp_path / "multiTimeline.csv",
        "类别：所有类别",
        ["天", "AI: (全球)"],
        [["2025-01-28", "40"], ["2025-01-29", "100"], ["2085-01-30", "71"]],
    )
    staged = read_attention_export(trends)
    assert [(r.row_number, r.value_text) for r in staged.rejects] == [(6, "2085-01-30")]
    assert FAR in staged.rejects[0].reason
