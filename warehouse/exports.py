"""Frames to files people open in Excel: CSV as UTF-8 with a BOM, .xlsx with no formula injection.

Excel reads a UTF-8 CSV without a BOM as mojibake, and runs any cell that starts with = + - @
(or a tab / carriage return before one) as a formula (CWE-1236). Both writers here guard
against that; every download and export goes through them.

The .xlsx writer builds the workbook with openpyxl (write-only), but writes the rows of a sheet
column-wise: Polars renders every cell's XML in vectorised string expressions and the rows are
spliced into the sheet openpyxl wrote (properties, frozen pane, widths, header, filter).
openpyxl's per-cell path (a cell object, type inference and a few lxml elements per value) costs
about 2× xlsxwriter at 100k x 40, over the 1.3× DESIGN.md allows; the columnar rows are what
openpyxl itself would write for the same values (same styles, inline strings, serial dates).
Frames with columns that cannot be rendered column-wise (Object, Decimal, times, durations,
nested types, time-zone-aware datetimes) still go through openpyxl cell by cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header included
MAX_COLUMN_WIDTH = 60
MAX_CELL_CHARS = 32_767  # Excel's limit; openpyxl truncates longer text to it
# Cells rendered per batch of rows: bounds the memory of the rendered XML (about 40 bytes a cell).
BATCH_CELLS = 200_000
# Characters XML 1.0 cannot carry (openpyxl refuses them too, with IllegalCharacterError).
_ILLEGAL_XML = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"
_EXCEL_EPOCH = date(1899, 12, 30)
# openpyxl's default formats for dates and datetimes written without one.
_DEFAULT_DATE_FORMAT = "yyyy-mm-dd"
_DEFAULT_DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"


def is_formula_like(value: str) -> bool:
    """True for text Excel would treat as a formula (or DDE) if written as it is."""
    return value.startswith(FORMULA_PREFIXES)


def csv_safe(value: Any) -> Any:
    """A CSV value that Excel shows as text: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def frame_to_csv_bytes(frame: pl.DataFrame, headers: Sequence[str] | None = None) -> bytes:
    """The frame as CSV in UTF-8 with a BOM (Excel opens Chinese correctly); formulas defused.

    Flat frames are written column-wise by Polars (a 100k-row cohort in well under a second);
    the values read exactly as Python's `csv` module writes them row by row, which is kept for
    frames with nested columns.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(headers) if headers is not None else frame.columns)
    # A one-column row of an empty value is `""` to the csv module: such frames, and nested
    # columns, take the row-by-row path.
    if frame.width == 1 or any(d.is_nested() or d == pl.Object for d in frame.dtypes):
        for row in frame.iter_rows():
            writer.writerow(["" if v is None else csv_safe(_plain(v)) for v in row])
        return buffer.getvalue().encode("utf-8-sig")
    # Empty text is written as an empty field, like None and NaN (Polars would quote it).
    texts = [_csv_text(series).replace("", None) for series in frame.get_columns()]
    body = pl.DataFrame(texts).write_csv(
        include_header=False, line_terminator="\r\n", null_value="", quote_style="necessary"
    )
    return (buffer.getvalue() + body).encode("utf-8-sig")


_FORMULA_PATTERN = "^[" + "".join("\\" + p if p in "-+" else p for p in FORMULA_PREFIXES) + "]"


def _csv_text(series: pl.Series) -> pl.Series:
    """The column as the text `csv.writer` writes for its values: `str()` of each value, None
    and NaN empty, formula-like text behind an apostrophe."""
    dtype = series.dtype
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        text = series.cast(pl.String)
        flagged = text.str.contains(_FORMULA_PATTERN).fill_null(False)
        return pl.select(
            pl.when(flagged).then("'" + text).otherwise(text).alias(series.name)
        ).to_series()
    if dtype.is_integer() or dtype == pl.Date:
        return series.cast(pl.String)  # the same digits and ISO dates str() gives
    if dtype.is_float():
        # Polars prints the shortest round-trip digits as Python does; they differ only where
        # Python switches to exponent notation (|v| < 1e-4 or >= 1e16), and NaN/inf: those few
        # values take Python's str().
        plain = series.is_not_nan() & ((series == 0) | series.abs().is_between(1e-4, 1e16, "left"))
        text = series.cast(pl.String)
        odd = (~plain).fill_null(False).arg_true()
        if odd.len():
            text = text.scatter(odd, [str(_plain(v)) for v in series.gather(odd).to_list()])
        return text
    # Floats, booleans, datetimes, durations, decimals: Python's own str() of each value.
    return pl.Series(
        series.name,
        [None if v is None else str(_plain(v)) for v in series.to_list()],
        dtype=pl.String,
    )


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
    written as text, so "=1+1" stays the text "=1+1". The sheets are complete (closed) when this
    returns: save the workbook, don't append to them.
    """
    names = list(headers) if headers is not None else frame.columns
    formats = column_formats(frame, number_formats)
    widths = column_widths(frame, names)
    # The columnar rows go into the file of a write-only sheet (a normal workbook keeps cells).
    columnar = workbook.write_only and all(_columnar(dtype) for dtype in frame.dtypes)
    if columnar:
        _check_text(frame)
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
        if columnar:
            _write_rows_columnar(sheet, chunk, formats)
        else:
            for row in chunk.iter_rows():
                sheet.append([_cell(sheet, v, f) for v, f in zip(row, formats, strict=True)])
        sheets.append(sheet)
    return sheets


# ---------------------------------------------------------------------------------------------
# Column-wise rows


def _columnar(dtype: pl.DataType) -> bool:
    """True for dtypes whose cells Polars can render as XML exactly as openpyxl would."""
    if isinstance(dtype, pl.Datetime):
        return dtype.time_zone is None  # openpyxl refuses time zones: keep its error
    return (
        dtype.is_integer()
        or dtype.is_float()
        or isinstance(dtype, (pl.String, pl.Categorical, pl.Enum, pl.Boolean, pl.Date, pl.Null))
    )


def _check_text(frame: pl.DataFrame) -> None:
    """Raise openpyxl's IllegalCharacterError for text XML cannot carry (control characters)."""
    text = [
        c
        for c, dtype in frame.schema.items()
        if isinstance(dtype, (pl.String, pl.Categorical, pl.Enum))
    ]
    if not text:
        return
    bad = frame.select(
        pl.col(c)
        .cast(pl.String)
        .filter(pl.col(c).cast(pl.String).str.contains(_ILLEGAL_XML))
        .first()
        for c in text
    ).row(0)
    for value in bad:
        if value is not None:
            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")


def _write_rows_columnar(
    sheet: Worksheet, frame: pl.DataFrame, formats: Sequence[str | None]
) -> None:
    """Close `sheet` (openpyxl writes its XML with the header row), then splice `frame`'s rows in.

    openpyxl's write-only sheet streams to a temporary file that `Workbook.save` zips as it is
    once the sheet is closed; the rows go in before its `</sheetData>`. Styles (number formats)
    are registered through openpyxl cells, so the style ids are the ones it writes in styles.xml.
    """
    styles = [
        _style_id(sheet, fmt, dtype) for fmt, dtype in zip(formats, frame.dtypes, strict=True)
    ]
    sheet.close()
    path = Path(getattr(getattr(sheet, "_writer", None), "out", "") or "")
    skeleton = path.read_bytes() if path.is_file() else b""
    head, end, tail = skeleton.rpartition(b"</sheetData>")
    if not end or b"encoding=" in head[:100]:
        # The layout this relies on (openpyxl 3.1: a temporary UTF-8/ASCII file per sheet).
        raise RuntimeError("openpyxl's write-only sheet file is not where or what it was")
    rows_per_batch = max(1, BATCH_CELLS // max(frame.width, 1))
    with path.open("wb") as out:
        out.write(head)
        for start in range(0, frame.height, rows_per_batch):
            batch = frame.slice(start, rows_per_batch)
            _write_text(out, batch.select(_rows_xml(batch, styles, first_row=start + 2)))
        out.write(end + tail)


def _write_text(out: IO[bytes], rendered: pl.DataFrame) -> None:
    """Write a one-column frame of rendered XML as UTF-8, value after value, nothing between.

    Polars' CSV writer with no quoting and no line terminator writes each value as it is,
    straight from Rust to the file (no Python string of the whole batch).
    """
    rendered.write_csv(out, include_header=False, quote_style="never", line_terminator="")


def _style_id(sheet: Worksheet, number_format: str | None, dtype: pl.DataType) -> int | None:
    """openpyxl's style id of a cell with this number format (None: unstyled), as it would be."""
    if isinstance(dtype, pl.Date):
        number_format = number_format or _DEFAULT_DATE_FORMAT
    elif isinstance(dtype, pl.Datetime):
        number_format = number_format or _DEFAULT_DATETIME_FORMAT
    elif not (dtype.is_numeric() or isinstance(dtype, pl.Boolean)):
        return None  # text is never given a number format (as `_cell` does)
    if not number_format:
        return None
    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    return cell.style_id


def _rows_xml(frame: pl.DataFrame, styles: Sequence[int | None], first_row: int) -> pl.Expr:
    """One `<row>` element per frame row, cells as openpyxl writes them; empty values left out."""
    number = pl.int_range(first_row, first_row + pl.len()).cast(pl.String)
    parts: list[pl.Expr] = [pl.lit('<row r="'), number, pl.lit('">')]
    for index, ((name, dtype), style) in enumerate(zip(frame.schema.items(), styles, strict=True)):
        letter = get_column_letter(index + 1)
        column = pl.col(name)
        s = f' s="{style}"' if style is not None else ""
        if isinstance(dtype, pl.Null):
            continue
        if isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
            # Always an inline string, so text that looks like a formula stays text.
            text = column.cast(pl.String).str.slice(0, MAX_CELL_CHARS)
            text = pl.when(text != "").then(text)
            open_t = (
                pl.when(text.str.contains(r"^\s|\s$"))
                .then(pl.lit('<t xml:space="preserve">'))
                .otherwise(pl.lit("<t>"))
            )
            cell = [
                pl.lit(f'<c r="{letter}'),
                number,
                pl.lit(f'"{s} t="inlineStr"><is>'),
                open_t,
                _escape(text),
                pl.lit("</t></is></c>"),
            ]
        else:
            kind, value = (
                ("b", column.cast(pl.UInt8).cast(pl.String))
                if isinstance(dtype, pl.Boolean)
                else ("n", _number_text(column, dtype))
            )
            cell = [
                pl.lit(f'<c r="{letter}'),
                number,
                pl.lit(f'"{s} t="{kind}"><v>'),
                value,
                pl.lit("</v></c>"),
            ]
        # A null anywhere in the cell's parts makes the whole cell null: left out of the row.
        parts.append(pl.concat_str(cell))
    parts.append(pl.lit("</row>"))
    return pl.concat_str(parts, ignore_nulls=True).alias("xml")


def _escape(text: pl.Expr) -> pl.Expr:
    """XML-escape text as lxml does in openpyxl (& < > and a carriage return as &#13;)."""
    return (
        text.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .str.replace_all("\r", "&#13;", literal=True)
    )


def _number_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A number, date or datetime as the text of `<v>`; null for NaN and infinities."""
    if dtype.is_integer():
        return column.cast(pl.String)
    if dtype.is_float():
        finite = pl.when(column.is_finite()).then(column.cast(pl.Float64))
        return _float_text(finite)
    # Excel serial days since 1899-12-30, with the fictitious 1900-02-29 skipped (openpyxl's
    # to_excel: days in (0, 60] are one less).
    days = (column.dt.date() - _EXCEL_EPOCH).dt.total_days()
    days = pl.when((days > 0) & (days <= 60)).then(days - 1).otherwise(days)
    if isinstance(dtype, pl.Date):
        return days.cast(pl.String)
    seconds = (
        column.dt.hour().cast(pl.Int64) * 3600
        + column.dt.minute().cast(pl.Int64) * 60
        + column.dt.second().cast(pl.Int64)
        + column.dt.microsecond() / 1_000_000
    )
    return _float_text(days + seconds / 86_400)


def _float_text(value: pl.Expr) -> pl.Expr:
    """Shortest round-trip text; whole numbers without ".0" (openpyxl writes 3.0 as "3")."""
    return value.cast(pl.String).str.strip_suffix(".0")


# ---------------------------------------------------------------------------------------------


def column_formats(
    frame: pl.DataFrame, number_formats: Mapping[str, str] | None = None
) -> list[str | None]:
    """The Excel number format of each column: `number_formats` first, else one by type."""
    overrides = number_formats or {}
    return [
        overrides.get(column, _number_format(dtype))
        for column, dtype in zip(frame.columns, frame.dtypes, strict=True)
    ]


def column_widths(frame: pl.DataFrame, names: Iterable[str]) -> list[float]:
    """Column widths from the header and the first 200 values (CJK counted double), 8 to 60."""
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
