"""CSV downloads: Polars writes them column-wise, and the bytes are exactly what Python's `csv`
module writes row by row (the format Excel users got before), formulas defused."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import polars as pl
import pytest

from warehouse.exports import csv_safe, frame_to_csv_bytes


def _row_by_row(frame: pl.DataFrame, headers: list[str] | None = None) -> bytes:
    """The reference: `csv.writer`, one row at a time."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers if headers is not None else frame.columns)
    for row in frame.iter_rows():
        cells = []
        for v in row:
            if v is None or (isinstance(v, float) and v != v):
                cells.append("")
            else:
                cells.append(csv_safe(v))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


MESSY = pl.DataFrame(
    {
        "节目": [
            "AI春晚·开场",
            '带"引号"的, 标题',
            '=HYPERLINK("x")',
            "-负数样",
            None,
            "",
            "多行\n标题",
        ],
        "城市": pl.Series(
            ["上海", "北京", "+86", "@handle", "\t制表", None, "深圳"], dtype=pl.Categorical
        ),
        "播放量": [1, 2_000_000_000_000, -3, 0, None, 7, 8],
        "完播率": [0.1, 1e-05, 1e16, float("nan"), None, 2.5, -0.0],
        "日期": [date(2024, 2, 10), date(2025, 1, 28), None, date(2026, 2, 16), None, None, None],
        "时间": [
            datetime(2024, 2, 9, 20, 0),
            datetime(2024, 2, 9, 20, 0, 0, 1234),
            None,
            None,
            None,
            None,
            None,
        ],
        "已回复": [True, False, None, True, False, None, True],
        "时长": [timedelta(seconds=90), None, None, None, None, None, None],
    }
)


@pytest.mark.parametrize("headers", [None, ["节目", "城市", "播放", "率", "日", "时", "复", "长"]])
def test_the_csv_is_byte_for_byte_what_the_csv_module_writes(headers: list[str] | None) -> None:
    assert frame_to_csv_bytes(MESSY, headers) == _row_by_row(MESSY, headers)


def test_formula_like_text_is_written_as_text_and_chinese_survives_excel() -> None:
    raw = frame_to_csv_bytes(MESSY)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    titles = [row[0] for row in rows[1:]]
    cities = [row[1] for row in rows[1:]]
    assert titles[2] == '\'=HYPERLINK("x")' and titles[3] == "'-负数样"
    assert cities[2:5] == ["'+86", "'@handle", "'\t制表"]
    assert titles[6] == "多行\n标题" and titles[1] == '带"引号"的, 标题'


def test_an_empty_frame_is_its_header_row() -> None:
    empty = MESSY.head(0)
    assert frame_to_csv_bytes(empty) == _row_by_row(empty)


def test_a_frame_with_a_list_column_is_still_written() -> None:
    nested = pl.DataFrame({"角色": [["导演", "编剧"], None], "n": [1, 2]})
    assert frame_to_csv_bytes(nested) == _row_by_row(nested)


def test_a_one_column_frame_keeps_the_csv_modules_quoted_empty_rows() -> None:
    single = pl.DataFrame({"城市": ["上海", "", None, "=1+1"]})
    assert frame_to_csv_bytes(single) == _row_by_row(single)
