"""Frames to files people open in Excel: CSV as UTF-8 with a BOM, .xlsx with no formula injection.

Excel reads a UTF-8 CSV without a BOM as mojibake, and runs any cell that starts with = + - @
(or a tab / carriage return before one) as a formula (CWE-1236). Both writers here guard
against that; every download and export goes through them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header included
MAX_COLUMN_WIDTH = 60


def is_formula_like(value: str) -> bool:
    """True for text Excel would treat as a formula (or DDE) if written as it is."""
    return value.startswith(FORMULA_PREFIXES)


def csv_safe(value: Any) -> Any:
    """A CSV value that Excel shows as text: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def frame_to_csv_bytes(frame: pl.DataFrame, headers: Sequence[str] | None = None) -> bytes:
    """The frame as CSV in UTF-8 with a BOM (Excel opens Chinese correctly); formulas defused."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(headers) if headers is not None else frame.columns)
    for row in frame.iter_rows():
        writer.writerow(["" if v is None else csv_safe(_plain(v)) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return value


def _number_format(dtype: pl.DataType) -> str | None:
    if dtype.is_integer():
        return "#,##0"
    if dtype.is_float():
        return "#,##0.00"
    if dtype == pl.Date:
        return "yyyy-mm-dd"
    if dtype == pl.Datetime:
        return "yyyy-mm-dd hh:mm"
    return None


def _cell(sheet: Worksheet, value: Any, number_format: str | None) -> WriteOnlyCell:
    if isinstance(value, float) and value != value:
        value = None
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # data_type "s" keeps a formula-looking string a string: openpyxl never writes it as <f>.
        cell.data_type = "s"
    elif number_format and isinstance(value, (int, float, date, datetime)):
        cell.number_format = number_format
    return cell


def write_frame_sheets(
    workbook: Workbook,
    title: str,
    frame: pl.DataFrame,
    headers: Sequence[str] | None = None,
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    number_formats: Mapping[str, str] | None = None,
) -> list[Worksheet]:
    """Append `frame` to a write-only workbook as one or more sheets (split at Excel's row limit).

    Header row frozen, auto-filter on, widths from the data, number formats by type (or from
    `number_formats`, frame column -> Excel format, e.g. "0" for years); every string cell is
    written as text, so "=1+1" stays the text "=1+1".
    """
    names = list(headers) if headers is not None else frame.columns
    overrides = number_formats or {}
    formats = [
        overrides.get(column, _number_format(dtype))
        for column, dtype in zip(frame.columns, frame.dtypes, strict=True)
    ]
    widths = _widths(frame, names)
    per_sheet = max_rows - 1
    sheets: list[Worksheet] = []
    chunks = [frame.slice(i, per_sheet) for i in range(0, max(frame.height, 1), per_sheet)]
    for index, chunk in enumerate(chunks):
        sheet_title = title if index == 0 else f"{title} ({index + 1})"
        sheet = workbook.create_sheet(sheet_title[:31])
        sheet.freeze_panes = "A2"
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width
        last = get_column_letter(max(len(names), 1))
        sheet.auto_filter.ref = f"A1:{last}{chunk.height + 1}"
        sheet.append([_cell(sheet, str(name), None) for name in names])
        for row in chunk.iter_rows():
            sheet.append([_cell(sheet, v, f) for v, f in zip(row, formats, strict=True)])
        sheets.append(sheet)
    return sheets


def _widths(frame: pl.DataFrame, names: Iterable[str]) -> list[float]:
    sample = frame.head(200)
    widths = []
    for name, column in zip(names, sample.columns, strict=True):
        texts = [str(name), *(str(v) for v in sample[column].to_list() if v is not None)]
        # CJK characters take about two Latin widths in Excel's default font.
        longest = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) for text in texts)
        widths.append(float(min(max(longest + 2, 8), MAX_COLUMN_WIDTH)))
    return widths


def frame_to_xlsx_bytes(
    frame: pl.DataFrame, sheet_title: str, headers: Sequence[str] | None = None
) -> bytes:
    """The frame as a one-table .xlsx (write-only mode, so memory stays bounded)."""
    workbook = Workbook(write_only=True)
    write_frame_sheets(workbook, sheet_title, frame, headers)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
