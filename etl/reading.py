"""Thin I/O: read a CSV/XLSX/XLS export into header + rows of text, decoding strictly.

Encodings: UTF-16 when the file starts with its BOM (Excel "Unicode text"), UTF-8 (with or
without BOM), then GB18030 (a superset of GBK/GB2312), then
charset-normalizer's guess, which is flagged so the load log shows it was a guess. Bytes are
never decoded lossily: a file no decoder reads cleanly is an error.

CSV files take a fast path first (`_read_csv_fast`): Polars' native reader straight into an
all-text frame (GB18030 is stream-transcoded to UTF-8 first), after cheap byte-level checks
that the file is one the strict reader would read the same way (no NUL, no bare CR, quotes
that open and close fields as the `csv` module's strict excel dialect wants). Anything unusual
— a check that trips, a Polars error, a header or cell the strict rules reject — falls back to
the strict Python `csv` reader (`_read_csv_strict`), which reads the file or raises the precise
error naming file, row, column and reason. Both paths give the same headers, cells, row numbers
and encoding; tests/etl/test_reading_fast.py holds them to that.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, overload

import numpy as np
import polars as pl

from etl.errors import IngestError
from etl.workbook_guard import check_workbook
from warehouse.settings import load_limits

MAX_CELL_CHARS = 32_767  # Excel's own cell limit; longer cells are a damaged or hostile file
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_EXCEL_EPOCH = datetime(1899, 12, 30)
_TRANSCODE_CHUNK = 1 << 22  # GB18030 -> UTF-8 in 4 MiB pieces: never the whole text as a str
_SNIFF_BYTES = 16_384  # >= 4096 characters of any encoding, for the delimiter sniffer


class TextRows(Sequence[list[str | None]]):
    """A table's data rows as lists of text, built from its frame only when first used.

    `len()` is free; indexing, slicing and iteration build the Python lists once (the survey,
    roster and catalogue readers work row by row; the platform readers use the frame).
    """

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame
        self._rows: list[list[str | None]] | None = None

    def _materialised(self) -> list[list[str | None]]:
        if self._rows is None:
            self._rows = [list(row) for row in self._frame.iter_rows()]
        return self._rows

    def __len__(self) -> int:
        return self._frame.height

    @overload
    def __getitem__(self, index: int) -> list[str | None]: ...
    @overload
    def __getitem__(self, index: slice) -> list[list[str | None]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._materialised()[index]

    def __iter__(self) -> Iterator[list[str | None]]:
        return iter(self._materialised())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TextRows):
            other = other._materialised()
        return self._materialised() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TextRows({len(self)} rows)"


class RawTable:
    """A sheet as text: the header row, the data rows, and how the bytes were decoded.

    Built from Python rows (workbooks, the strict CSV reader) or from an all-text Polars frame
    (`c0..cN`, the fast CSV reader). `rows` works either way; `frame()` gives the frame,
    building it from the rows only when the table did not come as one.
    """

    def __init__(
        self,
        path: Path,
        headers: list[str],
        rows: list[list[str | None]] | None = None,
        file_format: str = "csv",
        encoding: str | None = None,
        is_encoding_guessed: bool = False,
        warnings: list[str] | None = None,
        *,
        frame: pl.DataFrame | None = None,
        header_row: int = 1,
    ) -> None:
        if (rows is None) == (frame is None):
            raise ValueError("a RawTable needs rows or a frame, not both")
        self.path = path
        self.headers = headers
        self.file_format = file_format
        self.encoding = encoding
        self.is_encoding_guessed = is_encoding_guessed
        self.warnings = warnings if warnings is not None else []
        self._rows: list[list[str | None]] | TextRows = (
            rows if rows is not None else TextRows(frame)  # type: ignore[arg-type]
        )
        self._frame = frame
        self.header_row = header_row  # 1-based file row of the header (after any banner rows)

    @property
    def rows(self) -> Sequence[list[str | None]]:
        """The data rows, each a list of len(headers) texts (None for a blank cell)."""
        return self._rows

    @property
    def height(self) -> int:
        """Number of data rows (without building Python rows)."""
        return len(self._rows)

    def frame(self) -> pl.DataFrame:
        """The data rows as String columns `c0..cN` (N = len(headers) - 1)."""
        if self._frame is None:
            schema = {f"c{i}": pl.String for i in range(len(self.headers))}
            self._frame = pl.DataFrame(self._rows, schema=schema, orient="row")
        return self._frame

    def release_rows(self) -> None:
        """Drop the data rows, keeping the headers and how the file was read (a big file parsed)."""
        self._frame = pl.DataFrame(schema={f"c{i}": pl.String for i in range(len(self.headers))})
        self._rows = TextRows(self._frame)

    def line_number(self, index: int) -> int:
        """1-based row number in the file of data row `index` (the header is `header_row`)."""
        return index + self.header_row + 1

    def __repr__(self) -> str:
        return (
            f"RawTable({self.path.name!r}, {len(self.headers)} columns, {self.height} rows, "
            f"{self.file_format}, {self.encoding})"
        )


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_input_path(path: Path, *, folder_ok: bool = False) -> None:
    """Refuse (IngestError, one line) anything but a regular file within the input byte cap,
    before it is opened: reading a FIFO or a device (/dev/zero) would block or never end. A
    symbolic link is judged by what it points at; `folder_ok` lets a folder through (a
    YouTube Studio export folder)."""
    try:
        info = os.stat(path)  # follows links
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except OSError as exc:
        raise IngestError(path, f"cannot open it: {exc.strerror}") from None
    link = f" (a link to {os.path.realpath(path)})" if os.path.islink(path) else ""
    if stat.S_ISDIR(info.st_mode):
        if folder_ok:
            return
        raise IngestError(path, f"is a folder, not a file{link}")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(info.st_mode)), "special")
        raise IngestError(path, f"not a regular file: {kind}{link}, refused before reading")
    cap = load_limits().max_input_bytes
    if info.st_size > cap:
        raise IngestError(path, _over_cap(info.st_size, cap))


def _over_cap(size: int | None, cap: int) -> str:
    """The one-line reason for an input over the byte cap."""
    what = f"{size:,} bytes" if size is not None else "more bytes than that (an endless stream?)"
    return f"over the {cap:,}-byte limit for one input file ({what}; CREATORPULSE_MAX_INPUT_BYTES)"


def read_capped(path: Path) -> bytes:
    """The file's bytes, refused (IngestError) once they pass `max_input_bytes`: a file that
    grows while read, or a stream without end, is cut there instead of filling memory."""
    cap = load_limits().max_input_bytes
    with open(path, "rb") as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise IngestError(path, _over_cap(None, cap))
    return data


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, the key that makes re-loading a file a no-op."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def decode_strict(path: Path, data: bytes) -> tuple[str, str, bool]:
    """Decode bytes as utf-8-sig, then gb18030, then a detector's guess: (text, encoding, guessed)."""
    if data[:2] in UTF16_BOMS:
        # Excel's "Unicode text" export: the BOM says UTF-16 for sure, so no other guess applies.
        try:
            return data.decode("utf-16"), "utf-16", False
        except UnicodeDecodeError as exc:
            raise IngestError(
                path, f"starts with a UTF-16 BOM but is not valid UTF-16: {exc}"
            ) from exc
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


def _read_csv(path: Path, data: bytes, raw_headers: bool = False) -> RawTable:
    """A CSV as text: the fast native read when it applies, else the strict reader."""
    table = _read_csv_fast(path, data, raw_headers)
    return table if table is not None else _read_csv_strict(path, data, raw_headers)


def _read_csv_strict(path: Path, data: bytes, raw_headers: bool = False) -> RawTable:
    """The reference reader: Python's csv module, strict excel dialect, every rule checked."""
    text, encoding, guessed = decode_strict(path, data)
    if "\x00" in text:
        raise IngestError(path, "file contains NUL bytes: not a text CSV")
    delimiter = _sniff_delimiter(text)
    # newline='' lets the csv module handle \n, \r\n and \r line endings, even mixed.
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
    return _table(path, rows, "csv", encoding, guessed, warnings, raw_headers=raw_headers)


def _sniff_delimiter(head: str) -> str:
    """The delimiter of a file from its first 4096 characters (comma, tab or semicolon)."""
    # Sniff only the delimiter: the sniffer's other guesses (e.g. doublequote=False when the
    # sample has no "" pair) break real exports whose later cells contain quotes.
    try:
        return csv.Sniffer().sniff(head[:4096], delimiters=",\t;").delimiter
    except csv.Error:
        # Too few lines to agree (a quoted cell holding a delimiter): the header line decides.
        first = head.split("\n", 1)[0]
        counts = {d: first.count(d) for d in ",\t;"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] > counts[","] else ","


def _utf8_head(data: bytes) -> str | None:
    """The first characters of `data` as UTF-8 (a character cut at the end is fine), or None."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        return decoder.decode(data[: _SNIFF_BYTES * 4], final=False)
    except UnicodeDecodeError:
        return None


def gb18030_to_utf8(data: bytes) -> bytes | None:
    """GB18030 bytes re-encoded as UTF-8, piece by piece; None if any byte is not GB18030."""
    decoder = codecs.getincrementaldecoder("gb18030")("strict")
    out = []
    try:
        for start in range(0, len(data), _TRANSCODE_CHUNK):
            piece = data[start : start + _TRANSCODE_CHUNK]
            out.append(decoder.decode(piece, final=start + _TRANSCODE_CHUNK >= len(data)))
            out[-1] = out[-1].encode("utf-8")  # type: ignore[assignment]
        if not data:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return b"".join(out)  # type: ignore[arg-type]


def _quotes_are_plain(buffer: np.ndarray, delimiter: str, start: int) -> bool:
    """Whether every double quote opens a field, closes one, or is a doubled quote inside one.

    That is all the strict excel dialect accepts besides a quote inside an unquoted cell (`ab"c`,
    which it keeps literally, and which Polars would read as an opening quote), so when it holds
    both parsers split the file into the same records and cells. Vectorised over the quote
    positions: quotes alternate open/close, a closing quote followed by another quote is an
    escaped quote, a closing quote must end its field, an opening one must start a field.
    """
    quotes = np.flatnonzero(buffer == 34)
    if quotes.size % 2:
        return False
    size = buffer.size
    ends = np.frombuffer(f"{delimiter}\r\n".encode(), dtype=np.uint8)
    after = np.where(quotes + 1 < size, buffer[np.minimum(quotes + 1, size - 1)], 10)
    before = np.where(quotes > 0, buffer[np.maximum(quotes - 1, 0)], 10)
    odd, even = quotes[1::2], quotes[0::2]
    odd_after = after[1::2]
    escaped = odd_after == 34  # "" inside a quoted field: the next (even) quote is its partner
    closes = np.isin(odd_after, ends)
    if not np.all(escaped | closes):
        return False
    # An even quote is an opening quote unless it is the partner of an escaped odd one.
    partner = np.zeros(even.size, dtype=bool)
    partner[1:] = escaped[:-1] & (even[1:] == odd[:-1] + 1)
    opens = np.isin(before[0::2], ends)
    if even.size and even[0] == start:  # the first byte after any BOM starts the first field
        opens[0] = True
    return bool(np.all(partner | opens))


def _read_csv_fast(path: Path, data: bytes, raw_headers: bool = False) -> RawTable | None:
    """Polars' native CSV read into an all-text frame, or None where the strict reader must go.

    None is never an answer about the file, only "not sure": the strict reader then reads it or
    raises the precise error. Checked before reading: no NUL byte, UTF-8 (or GB18030, transcoded
    to UTF-8), no bare CR line ending (Polars ends lines at LF only), plain quoting. After: the
    header (no blank, no duplicate, trailing blank headers only over blank cells), no cell over
    MAX_CELL_CHARS, at least one data row. A row with more cells than headers makes Polars fail,
    so it also goes to the strict reader, which allows extra cells only when they are blank.
    """
    encoding = "utf-8-sig"
    if data[:2] in UTF16_BOMS:
        try:  # UTF-16 has NUL bytes everywhere: transcode to UTF-8 first, strictly
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
        encoding = "utf-16"
    if b"\x00" in data:
        return None
    head = _utf8_head(data)
    payload = data
    if head is None:
        transcoded = gb18030_to_utf8(data)
        if transcoded is None or transcoded.startswith(UTF8_BOM):
            return None  # a GB18030 BOM stays in the strict reader's text: keep its reading
        encoding, payload = "gb18030", transcoded
        head = _utf8_head(payload)
        if head is None:
            return None
    head = head.removeprefix("\ufeff")
    delimiter = _sniff_delimiter(head)
    buffer = np.frombuffer(payload, dtype=np.uint8)
    if b"\r" in payload:
        returns = np.flatnonzero(buffer == 13)
        if returns[-1] + 1 >= buffer.size or not np.all(buffer[returns + 1] == 10):
            return None
    start = len(UTF8_BOM) if payload.startswith(UTF8_BOM) else 0
    quoted = b'"' in payload
    if quoted and not _quotes_are_plain(buffer, delimiter, start):
        return None
    del buffer
    try:
        frame = pl.read_csv(
            payload,
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            quote_char='"',
            encoding="utf8",
            empty_string_is_null=True,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError:  # any complaint: the strict reader says what it is
        return None
    del payload
    return _fast_table(path, frame, encoding, quoted=quoted, raw_headers=raw_headers)


def _fast_table(
    path: Path, frame: pl.DataFrame, encoding: str, *, quoted: bool, raw_headers: bool = False
) -> RawTable | None:
    """The RawTable of a frame read without a header (row 0 is the header), or None."""
    frame = frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)})
    if frame.height < 2:
        return None
    headers = [(h or "").strip() for h in frame.row(0)]
    if raw_headers:  # keep blank and repeated header cells; drop only wholly blank end columns
        headers = headers[: _written_width(frame)]
    else:
        while headers and not headers[-1]:
            headers.pop()
    if not headers or (not raw_headers and (not all(headers) or len(set(headers)) != len(headers))):
        return None
    body = frame.slice(1)
    extra = body.columns[len(headers) :]
    if extra:
        written = body.select(
            pl.any_horizontal(
                pl.col(c).str.strip_chars().ne("").fill_null(False) for c in extra
            ).any()
        ).item()
        if written:
            return None
        body = body.drop(extra)
    # Trailing rows with nothing but blanks are not data (the strict reader drops them too).
    end = body.height
    while end and all(c is None or not c.strip() for c in body.row(end - 1)):
        end -= 1
    if end == 0:
        return None
    body = body.slice(0, end)
    longest = body.select(pl.max_horizontal(pl.all().str.len_bytes().max())).item()
    if longest is not None and longest > MAX_CELL_CHARS:
        chars = body.select(pl.max_horizontal(pl.all().str.len_chars().max())).item()
        if chars > MAX_CELL_CHARS:
            return None
    # A quoted empty cell ("") is an empty string to Polars, a blank cell (None) to cell_text.
    # Only a quoted cell can be "" (Polars reads an unquoted empty cell as null).
    if quoted:
        body = body.with_columns(
            pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in body.columns
        )
    return RawTable(path, headers, None, "csv", encoding, False, [], frame=body)


def _written_width(frame: pl.DataFrame) -> int:
    """1 + the index of the last column with any non-blank cell (header included)."""
    # From the right: usually the last column is written and only it is looked at.
    for index in range(frame.width - 1, -1, -1):
        column = frame.get_column(frame.columns[index])
        if column.str.strip_chars().ne("").fill_null(False).any():
            return index + 1
    return 0


def _read_excel(path: Path, kind: str, raw_headers: bool = False) -> RawTable:
    from python_calamine import CalamineWorkbook

    check_workbook(path)  # size, ratio and used range bounded before calamine allocates them
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
    return _table(path, rows, kind, None, False, [], raw_headers=raw_headers)


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
    raw_headers: bool = False,
) -> RawTable:
    cleaned = [[cell_text(v) for v in row] for row in rows]
    while cleaned and not any(c is not None and c.strip() for c in cleaned[-1]):
        cleaned.pop()
    if not cleaned:
        raise IngestError(path, "file is empty")
    # Survey layouts read their own header rows (raw_headers): banners are a platform matter.
    banners = 0 if raw_headers else count_banner_rows(cleaned)
    for number, row in enumerate(cleaned[:banners], start=1):
        text = next(c for c in row if c is not None and c.strip()).strip()
        warnings = [*warnings, f"row {number} {text!r} is a banner, not a header: skipped"]
    cleaned = cleaned[banners:]
    headers = [(h or "").strip() for h in cleaned[0]]
    if raw_headers:  # blank (continuation) and repeated header cells are the tool's layout
        width = max(
            (i + 1 for row in cleaned for i, c in enumerate(row) if c is not None and c.strip()),
            default=0,
        )
        headers = (headers + [""] * width)[:width]
    while headers and not headers[-1] and not raw_headers:
        headers.pop()
    if not headers:
        raise IngestError(path, "header row is empty", row=banners + 1)
    for index, header in enumerate(headers if not raw_headers else ()):
        if not header:
            raise IngestError(path, f"column {index + 1} has no header", row=banners + 1)
    seen: dict[str, int] = {}
    for index, header in enumerate(headers if not raw_headers else ()):
        if header in seen:
            raise IngestError(
                path,
                f"duplicate column header (columns {seen[header] + 1} and {index + 1})",
                row=banners + 1,
                column=header,
            )
        seen[header] = index
    width = len(headers)
    body: list[list[str | None]] = []
    for number, row in enumerate(cleaned[1:], start=banners + 2):
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
    return RawTable(
        path, headers, body, file_format, encoding, guessed, warnings, header_row=banners + 1
    )


def count_banner_rows(rows: Sequence[Sequence[str | None]]) -> int:
    """How many leading rows are banners: one text (alone, or repeated across a merged range)
    over a row with at least three filled cells, like 小红书's `最多导出排序后前1000条笔记`."""
    count = 0
    while count + 1 < len(rows):
        texts = {c.strip() for c in rows[count] if c is not None and c.strip()}
        below = sum(1 for c in rows[count + 1] if c is not None and c.strip())
        if len(texts) != 1 or below < 3:
            break
        count += 1
    return count


def peek(path: Path) -> tuple[list[str], list[str]]:
    """(sheet names, header cells) without reading the whole file, for detecting the format."""
    head = b""
    if path.is_file():
        with open(path, "rb") as handle:
            head = handle.read(65536)
    if head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC):
        from python_calamine import CalamineWorkbook

        check_workbook(path)  # size, ratio and used range bounded before calamine allocates them
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except Exception:
            return [], []
        try:
            names = list(workbook.sheet_names)
            first = workbook.get_sheet_by_index(0).to_python(nrows=4) if names else []
        except Exception:
            return [], []
        finally:
            workbook.close()
        texts = [[cell_text(c) for c in row] for row in first]
        texts = texts[count_banner_rows(texts) :]
        return names, [c or "" for c in (texts[0] if texts else [])]
    encodings = ("utf-16",) if head[:2] in UTF16_BOMS else ("utf-8-sig", "gb18030")
    for encoding in encodings:
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
    # Excel's "Unicode text" (UTF-16) is tab-separated; other text keeps the comma peek.
    delimiter = _sniff_delimiter(text) if encoding == "utf-16" else ","
    first_line = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    return [], [cell.strip() for cell in first_line]


def read_sheets(path: Path | str) -> dict[str, RawTable]:
    """Every non-empty sheet of an .xlsx/.xls workbook, by sheet name (for multi-table files)."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    check_input_path(path)
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not (head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC)):
        raise IngestError(path, "not an .xlsx/.xls workbook")
    check_workbook(path)  # size, ratio and used range bounded before calamine allocates them
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


def read_table(path: Path | str, *, raw_headers: bool = False) -> RawTable:
    """Read the first sheet of an .xlsx/.xls workbook or a CSV file as text cells.

    raw_headers keeps blank and repeated header cells (survey exports whose header rows mean
    them: SurveyMonkey's continuation cells, KoboToolbox's repeated labels) instead of refusing.
    """
    path = Path(path)
    check_input_path(path)
    data = read_capped(path)
    if not data or data.isspace():  # (strip() would copy the whole file to find out)
        raise IngestError(path, "file is empty")
    if data.startswith(XLSX_MAGIC):
        return _read_excel(path, "xlsx", raw_headers)
    if data.startswith(XLS_MAGIC):
        return _read_excel(path, "xls", raw_headers)
    if path.suffix.lower() in {".xlsx", ".xls"}:
        raise IngestError(
            path, f"not a valid {path.suffix.lower()} workbook (wrong or damaged content)"
        )
    return _read_csv(path, data, raw_headers)
