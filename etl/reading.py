"""Thin I/O: read a CSV/XLSX/XLS export into header + rows of text, decoding strictly.

Encodings: UTF-8 (with or without BOM), then GB18030 (a superset of GBK/GB2312), then
charset-normalizer's guess, which is flagged so the load log shows it was a guess. Bytes are
never decoded lossily: a file no decoder reads cleanly is an error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from etl.errors import IngestError

MAX_CELL_CHARS = 32_767  # Excel's own cell limit; longer cells are a damaged or hostile file
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass(frozen=True)
class RawTable:
    """A sheet as text: the header row, the data rows, and how the bytes were decoded."""

    path: Path
    headers: list[str]
    rows: list[list[str | None]]
    file_format: str
    encoding: str | None = None
    is_encoding_guessed: bool = False
    warnings: list[str] = field(default_factory=list)

    def line_number(self, index: int) -> int:
        """1-based row number in the file of data row `index` (the header is row 1)."""
        return index + 2


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, the key that makes re-loading a file a no-op."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def decode_strict(path: Path, data: bytes) -> tuple[str, str, bool]:
    """Decode bytes as utf-8-sig, then gb18030, then a detector's guess: (text, encoding, guessed)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding, False
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), best.encoding, True
        except (UnicodeDecodeError, LookupError):
            pass
    raise IngestError(path, "cannot decode the file as UTF-8, GB18030 or any detected encoding")


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as text: integral floats lose '.0', dates become ISO text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(int(value.total_seconds()))
    text = str(value)
    return text if text != "" else None


def excel_serial_to_datetime(serial: float) -> datetime:
    """An Excel date serial (days since 1899-12-30) as a datetime."""
    return _EXCEL_EPOCH + timedelta(days=serial)


def _read_csv(path: Path, data: bytes) -> RawTable:
    text, encoding, guessed = decode_strict(path, data)
    if "\x00" in text:
        raise IngestError(path, "file contains NUL bytes: not a text CSV")
    # newline='' lets the csv module handle \n, \r\n and \r line endings, even mixed.
    # Sniff only the delimiter: the sniffer's other guesses (e.g. doublequote=False when the
    # sample has no "" pair) break real exports whose later cells contain quotes.
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[str]] = []
    # strict: a quote that is never closed is an error, not a cell that swallows the rest.
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter, strict=True)
    try:
        rows.extend(reader)
    except csv.Error as exc:
        row = len(rows) + 1
        if "end of data" in str(exc) or "unexpected end" in str(exc):
            raise IngestError(
                path, "a quoted cell is never closed (unmatched quote)", row=row
            ) from exc
        raise IngestError(path, f"malformed CSV ({exc}), near a quote?", row=row) from exc
    warnings = [f"decoded as {encoding} by detection, please check"] if guessed else []
    return _table(path, rows, "csv", encoding, guessed, warnings)


def _read_excel(path: Path, kind: str) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for damaged files
        raise IngestError(
            path, f"cannot read the {kind} workbook (damaged or truncated?): {exc}"
        ) from exc
    try:
        if not workbook.sheet_names:
            raise IngestError(path, "workbook has no sheets")
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(
            path, f"cannot read the {kind} workbook (damaged or truncated?): {exc}"
        ) from exc
    finally:
        workbook.close()  # calamine keeps the file open until closed
    if kind == "xlsx":
        # calamine reads error cells (#DIV/0!, #N/A) as '', which would pass for an empty answer;
        # put the error text back so the row is rejected naming the cell.
        for (r, c), error in _xlsx_error_cells(path).items():
            if r < len(rows):
                rows[r].extend([None] * (c + 1 - len(rows[r])))
                rows[r][c] = error
    return _table(path, rows, kind, None, False, [])


_CELL_ERROR = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*>.*?</f>|<f[^>]*/>)?<v>([^<]*)</v>', re.S
)


def _first_sheet_member(archive: zipfile.ZipFile) -> str | None:
    """Path inside the xlsx of the first sheet in workbook order."""
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    first = re.search(rb'<sheet [^>]*r:id="([^"]+)"', book)
    if first is None:
        return None
    target = re.search(
        rb'<Relationship [^>]*Id="' + re.escape(first.group(1)) + rb'"[^>]*Target="([^"]+)"', rels
    )
    if target is None:
        target = re.search(
            rb'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + re.escape(first.group(1)) + rb'"',
            rels,
        )
    if target is None:
        return None
    name = target.group(1).decode()
    return name.lstrip("/") if name.startswith("/") else "xl/" + name


def _xlsx_error_cells(path: Path) -> dict[tuple[int, int], str]:
    """(row, column) -> error text ('#DIV/0!') of the first sheet's error cells, 0-based."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = _first_sheet_member(archive)
            data = archive.read(member) if member else b""
    except (zipfile.BadZipFile, KeyError):
        return {}
    if b't="e"' not in data:
        return {}
    found = {}
    for letters, number, value in _CELL_ERROR.findall(data):
        column = 0
        for char in letters.decode():
            column = column * 26 + ord(char) - 64
        found[(int(number) - 1, column - 1)] = value.decode() or "#ERROR"
    return found


def _table(
    path: Path,
    rows: list[list[object]],
    file_format: str,
    encoding: str | None,
    guessed: bool,
    warnings: list[str],
    *,
    allow_empty: bool = False,
) -> RawTable:
    cleaned = [[cell_text(v) for v in row] for row in rows]
    while cleaned and not any(c is not None and c.strip() for c in cleaned[-1]):
        cleaned.pop()
    if not cleaned:
        raise IngestError(path, "file is empty")
    headers = [(h or "").strip() for h in cleaned[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise IngestError(path, "header row is empty", row=1)
    for index, header in enumerate(headers):
        if not header:
            raise IngestError(path, f"column {index + 1} has no header", row=1)
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header in seen:
            raise IngestError(
                path,
                f"duplicate column header (columns {seen[header] + 1} and {index + 1})",
                row=1,
                column=header,
            )
        seen[header] = index
    width = len(headers)
    body: list[list[str | None]] = []
    for number, row in enumerate(cleaned[1:], start=2):
        extra = [c for c in row[width:] if c is not None and c.strip()]
        if extra:
            raise IngestError(
                path, f"row has {len(row)} cells but only {width} headers", row=number
            )
        padded = (row + [None] * width)[:width]
        for index, cell in enumerate(padded):
            if cell is not None and len(cell) > MAX_CELL_CHARS:
                raise IngestError(
                    path,
                    f"cell is {len(cell)} characters, over the {MAX_CELL_CHARS} limit",
                    row=number,
                    column=headers[index],
                )
        body.append(padded)
    if not body and not allow_empty:
        raise IngestError(path, "file has a header row but no data rows")
    return RawTable(path, headers, body, file_format, encoding, guessed, warnings)


def peek(path: Path) -> tuple[list[str], list[str]]:
    """(sheet names, header cells) without reading the whole file, for detecting the format."""
    head = path.read_bytes()[:65536] if path.is_file() else b""
    if head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC):
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except Exception:
            return [], []
        try:
            names = list(workbook.sheet_names)
            first = workbook.get_sheet_by_index(0).to_python(nrows=1) if names else []
        except Exception:
            return [], []
        finally:
            workbook.close()
        return names, [cell_text(c) or "" for c in (first[0] if first else [])]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            # The 64 KiB cut may split a character: decode what precedes it.
            if exc.start > len(head) - 4:
                text = head[: exc.start].decode(encoding)
                break
    else:
        return [], []
    first_line = next(csv.reader(io.StringIO(text, newline="")), [])
    return [], [cell.strip() for cell in first_line]


def read_sheets(path: Path | str) -> dict[str, RawTable]:
    """Every non-empty sheet of an .xlsx/.xls workbook, by sheet name (for multi-table files)."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if not path.is_file():
        raise IngestError(path, "no such file")
    head = path.read_bytes()[:8]
    if not (head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC)):
        raise IngestError(path, "not an .xlsx/.xls workbook")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise IngestError(path, f"cannot read the workbook (damaged or truncated?): {exc}") from exc
    sheets: dict[str, RawTable] = {}
    try:
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if not any(any(cell not in (None, "") for cell in row) for row in rows):
                continue
            sheets[name] = _table(path, rows, "xlsx", None, False, [], allow_empty=True)
    except IngestError as exc:
        raise IngestError(
            path, f"sheet {name!r}: {exc.reason}", row=exc.row, column=exc.column
        ) from exc
    except Exception as exc:
        raise IngestError(path, f"cannot read sheet {name!r}: {exc}") from exc
    finally:
        workbook.close()
    return sheets


def read_table(path: Path | str) -> RawTable:
    """Read the first sheet of an .xlsx/.xls workbook or a CSV file as text cells."""
    path = Path(path)
    if not path.exists():
        raise IngestError(path, "no such file")
    if path.is_dir():
        raise IngestError(path, "is a folder, not a file")
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(path, "file is empty")
    if data.startswith(XLSX_MAGIC):
        return _read_excel(path, "xlsx")
    if data.startswith(XLS_MAGIC):
        return _read_excel(path, "xls")
    if path.suffix.lower() in {".xlsx", ".xls"}:
        raise IngestError(
            path, f"not a valid {path.suffix.lower()} workbook (wrong or damaged content)"
        )
    return _read_csv(path, data)
