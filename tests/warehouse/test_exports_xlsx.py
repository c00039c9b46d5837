""".xlsx exports (warehouse.exports): what openpyxl reads back is what the frame held.

Rows of columns Polars can render are written column-wise and spliced into the sheet openpyxl
writes; frames with other columns (Object, Decimal, times) go through openpyxl cell by cell.
Both must read back the same values, types, number formats, frozen header and filter.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import IllegalCharacterError

from warehouse.exports import FORMULA_PREFIXES, frame_to_xlsx_bytes, write_frame_sheets

FORMULA_LIKE = ["=1+1", "+86 138 0013 8000", "-", "@SUM(1)", "\t=1", "\r=1", "=", "#N/A"]
LONG = "长" * 40_000
DAY = datetime(2024, 2, 9)


def mixed_frame() -> pl.DataFrame:
    """One column per dtype the columnar path renders, with nulls, edge values and risky text."""
    n = 12
    text = [*FORMULA_LIKE, " padded ", "a & b < c > d", "中文 AI春晚", LONG]
    return pl.DataFrame(
        {
            "text": text,
            "int": [1, -2, None, 2024, 0, 5, 6, 7, 8, 9, 10, 12_345_678_901],
            "float": [1.5, 3.0, math.nan, math.inf, -0.25, 1e-7, 1e20, 1 / 3, None, 2.0, 0.1, 7.0],
            "day": [date(2024, 2, 9), date(1900, 1, 1), date(1900, 3, 1), None, *[None] * 7]
            + [date(2026, 12, 31)],
            "moment": [datetime(2026, 2, 16, 9, 0, 23), datetime(2026, 2, 16, 23, 59, 59, 999_000)]
            + [None] * (n - 3)
            + [datetime(1970, 1, 1)],
            "flag": [True, False, None, *[True] * (n - 3)],
            "code": pl.Series([0, 1, None, *[1] * (n - 3)], dtype=pl.Int8),
            "kind": pl.Series(["a", "b", None, *["c"] * (n - 3)], dtype=pl.Categorical),
            "empty": pl.Series([None] * n, dtype=pl.String),
            "nothing": [None] * n,
        }
    )


def expected(value: Any) -> Any:
    """What openpyxl reads back for a frame value."""
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, str):
        return value[:32_767]
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def read_sheets(data: bytes) -> list[Any]:
    """Every sheet of the workbook (openpyxl, normal mode), opened from bytes."""
    return load_workbook(io.BytesIO(data)).worksheets


def body(sheet: Any, width: int) -> list[list[Any]]:
    """The cells under the header, padded to `width` columns."""
    rows = [list(row) for row in sheet.iter_rows(min_row=2, max_col=width)]
    return [row + [None] * (width - len(row)) for row in rows]


def assert_reads_back(
    sheet: Any, frame: pl.DataFrame, formats: dict[str, str], headers: list[str] | None = None
) -> None:
    """Header, values, types, text cells and number formats of `sheet` against `frame`."""
    assert [c.value for c in sheet[1]][: frame.width] == (headers or frame.columns)
    cells = body(sheet, frame.width)
    assert len(cells) == frame.height
    for cell_row, values in zip(cells, frame.iter_rows(), strict=True):
        for cell, value, name in zip(cell_row, values, frame.columns, strict=True):
            read = cell.value if cell is not None else None
            want = expected(value)
            if isinstance(want, float):
                assert isinstance(read, (int, float)) and not isinstance(read, bool), name
                assert math.isclose(read, want, rel_tol=1e-15), (name, read, want)
            else:
                assert read == want and type(read) is type(want), (name, read, want)
            if isinstance(want, str):
                assert cell.data_type == "s", (name, want)  # text, never a formula
            elif want is not None and name in formats:
                assert cell.number_format == formats[name], (name, cell.number_format)


DEFAULT_FORMATS = {
    "int": "#,##0",
    "float": "#,##0.00",
    "day": "yyyy-mm-dd",
    "moment": "yyyy-mm-dd hh:mm",
    "code": "#,##0",
}


def test_every_dtype_reads_back_with_its_type_and_format() -> None:
    frame = mixed_frame()
    (sheet,) = read_sheets(frame_to_xlsx_bytes(frame, "T"))
    assert_reads_back(sheet, frame, DEFAULT_FORMATS)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:J{frame.height + 1}"
    assert all(8 <= d.width <= 60 for d in sheet.column_dimensions.values())


def test_formula_like_text_is_text_as_written() -> None:
    frame = pl.DataFrame({"text": FORMULA_LIKE, "n": list(range(len(FORMULA_LIKE)))})
    (sheet,) = read_sheets(frame_to_xlsx_bytes(frame, "T"))
    cells = [row[0] for row in body(sheet, 2)]
    assert [c.value for c in cells] == FORMULA_LIKE  # not escaped, "\r" kept
    assert all(c.data_type == "s" for c in cells)


def test_number_format_overrides_apply_per_column() -> None:
    frame = mixed_frame()
    overrides = {"int": "0", "code": "0", "flag": "0", "text": "0"}
    workbook = Workbook(write_only=True)
    write_frame_sheets(workbook, "T", frame, number_formats=overrides)
    buffer = io.BytesIO()
    workbook.save(buffer)
    (sheet,) = read_sheets(buffer.getvalue())
    assert_reads_back(sheet, frame, DEFAULT_FORMATS | {"int": "0", "code": "0", "flag": "0"})
    # A format for a text column is ignored: text stays General.
    assert all(row[0].number_format == "General" for row in body(sheet, 1) if row[0] is not None)


@pytest.mark.parametrize("rows", [0, 1])
def test_an_empty_and_a_one_row_frame_read_back(rows: int) -> None:
    frame = mixed_frame().head(rows)
    headers = [f"{c} 列" for c in frame.columns]
    (sheet,) = read_sheets(frame_to_xlsx_bytes(frame, "T", headers))
    assert_reads_back(sheet, frame, DEFAULT_FORMATS, headers)
    assert sheet.max_row == rows + 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:J{rows + 1}"


def test_rows_split_across_sheets_restart_under_each_header() -> None:
    frame = mixed_frame().with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    frame = pl.concat([frame, frame.with_columns(pl.col("i") + frame.height)])  # 24 rows
    workbook = Workbook(write_only=True)
    write_frame_sheets(workbook, "Data", frame, max_rows=11)
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheets = read_sheets(buffer.getvalue())
    assert [s.title for s in sheets] == ["Data", "Data (2)", "Data (3)"]
    for index, sheet in enumerate(sheets):
        part = frame.slice(index * 10, 10)
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:K{part.height + 1}"
        assert [row[0].row for row in body(sheet, 1)] == list(range(2, part.height + 2))
        assert_reads_back(sheet, part, DEFAULT_FORMATS | {"i": "#,##0"})


def test_columns_openpyxl_writes_cell_by_cell_read_back_the_same() -> None:
    # Object, Decimal and time columns take openpyxl's own cell path for the whole sheet.
    base = mixed_frame().drop("text", "nothing")  # openpyxl drops empty strings the same way
    people = pl.Series("people", [n if n % 3 else "<5" for n in range(base.height)], pl.Object)
    extra = base.with_columns(
        people,
        pl.Series("money", [Decimal("1.25")] * base.height),
        pl.Series("at", [time(9, 30)] * base.height),
    )
    (fast,) = read_sheets(frame_to_xlsx_bytes(base, "T"))
    (slow,) = read_sheets(frame_to_xlsx_bytes(extra, "T"))

    def cells(sheet: Any, width: int) -> list[list[Any]]:
        # openpyxl writes an infinity as an empty cell with its format: compare filled cells.
        return [
            [(c.value, c.number_format if c.value is not None else None) for c in row[:width]]
            for row in body(sheet, width)
        ]

    assert cells(fast, base.width) == cells(slow, base.width)
    assert cells(fast, base.width)[0][:3] == [(1, "#,##0"), (1.5, "#,##0.00"), (DAY, "yyyy-mm-dd")]
    assert [row[base.width].value for row in body(slow, extra.width)] == people.to_list()


def test_style_ids_agree_with_other_styled_sheets_in_the_workbook() -> None:
    workbook = Workbook(write_only=True)
    before = workbook.create_sheet("Before")
    bold = WriteOnlyCell(before, value="title")
    bold.font = Font(bold=True)
    share = WriteOnlyCell(before, value=0.25)
    share.number_format = "0.0%"
    before.append([bold, share])
    frame = mixed_frame()
    write_frame_sheets(workbook, "Data", frame)
    after = workbook.create_sheet("After")
    money = WriteOnlyCell(after, value=3)
    money.number_format = "#,##0.000"
    after.append([money])
    buffer = io.BytesIO()
    workbook.save(buffer)
    first, data, last = read_sheets(buffer.getvalue())
    assert first["A1"].font.bold and first["B1"].number_format == "0.0%"
    assert_reads_back(data, frame, DEFAULT_FORMATS)
    assert last["A1"].number_format == "#,##0.000" and last["A1"].value == 3


@pytest.mark.parametrize("bad", ["bell\x07", "nul\x00", "form feed\x0c"])
def test_text_xml_cannot_carry_is_refused_as_openpyxl_refuses_it(bad: str) -> None:
    frame = pl.DataFrame({"text": ["fine", bad], "n": [1, 2]})
    with pytest.raises(IllegalCharacterError):
        frame_to_xlsx_bytes(frame, "T")


def test_formula_prefixes_are_all_covered() -> None:
    assert {text[0] for text in FORMULA_LIKE} >= set(FORMULA_PREFIXES)


def test_a_normal_workbook_gets_its_cells_too() -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    frame = mixed_frame()
    (sheet,) = write_frame_sheets(workbook, "T", frame)
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    (read,) = read_sheets(buffer.getvalue())
    assert_reads_back(read, frame, DEFAULT_FORMATS)
