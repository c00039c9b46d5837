"""Checks an .xlsx before any reader opens it: declared and real sheet size, inflated size and
compression ratio, each bounded by a setting (warehouse.settings.Limits).

Why: the workbook reader allocates a sheet's whole used range (rows x columns) up front, so a
1.7 KB file whose one cell sits at XFD1048576 asks for hundreds of GB and aborts the process,
and a small archive can inflate to gigabytes. Here the archive is only streamed (1 MiB at a
time, never held whole), and a file over a limit is refused with one line (IngestError).

- every member's declared uncompressed size is summed (`xlsx_max_uncompressed_bytes`), and a
  member of 1 MiB or more may not inflate more than `xlsx_max_ratio` times;
- each worksheet's `<dimension ref=...>` and then every cell and row reference in it give the
  used range, which may not hold more than `xlsx_max_cells` cells (a dimension can lie, so the
  references are scanned even when it is present);
- every member is inflated to its end once, so sizes that lie fail the CRC check here rather
  than in the reader.
"""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from collections import OrderedDict
from pathlib import Path

from etl.errors import IngestError
from warehouse.settings import Limits, load_limits

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1024 * 1024
RATIO_FLOOR = 1024 * 1024  # members smaller than this may compress as well as they like
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]{1,4})(\d{1,9})(?::([A-Z]{1,4})(\d{1,9}))?"'
)
_SHEET_REL = re.compile(rb"<Relationship\b[^>]*>")

_checked: OrderedDict[tuple[str, int, int], None] = OrderedDict()  # files that passed
_lock = threading.Lock()


def column_number(letters: str) -> int:
    """The 1-based column of Excel letters ("A" -> 1, "XFD" -> 16384)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def check_workbook(path: Path | str, limits: Limits | None = None) -> None:
    """Refuse (IngestError, one line) an .xlsx whose size, ratio or used range is over the
    limits; anything that is not a zip archive (.xls, CSV) passes untouched."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != ZIP_MAGIC:
                return
        info = path.stat()
    except OSError:
        return  # the reader reports a missing or unreadable file in its own words
    marker = (str(path.resolve()), info.st_size, info.st_mtime_ns)
    with _lock:
        if marker in _checked:
            return
    _check_archive(path, limits or load_limits())
    with _lock:
        _checked[marker] = None
        while len(_checked) > 64:
            _checked.popitem(last=False)


def _check_archive(path: Path, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return  # not a readable archive at all: the reader says so in its own words
    with archive:
        members = archive.infolist()
        _check_sizes(path, members, limits)
        sheets = _sheet_members(archive)
        for member in members:
            if member.is_dir():
                continue
            try:
                _scan_member(path, archive, member, member.filename in sheets, limits)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
                raise IngestError(
                    path, f"damaged .xlsx workbook ({member.filename}: {exc})"
                ) from exc
            except NotImplementedError as exc:  # an unsupported compression method
                raise IngestError(path, f"unsupported .xlsx workbook: {exc}") from exc


def _check_sizes(path: Path, members: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = sum(m.file_size for m in members)
    if total > limits.xlsx_max_uncompressed_bytes:
        raise IngestError(
            path,
            f"workbook inflates to {total / 2**20:,.0f} MB, over the "
            f"{limits.xlsx_max_uncompressed_bytes / 2**20:,.0f} MB limit "
            "(CREATORPULSE_XLSX_MAX_UNCOMPRESSED_BYTES)",
        )
    for member in members:
        if member.file_size < RATIO_FLOOR:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.xlsx_max_ratio:
            raise IngestError(
                path,
                f"{member.filename} inflates {ratio:,.0f} times ({member.compress_size:,} to "
                f"{member.file_size:,} bytes), over the {limits.xlsx_max_ratio:,.0f}x limit "
                "(CREATORPULSE_XLSX_MAX_RATIO)",
            )


def _sheet_members(archive: zipfile.ZipFile) -> set[str]:
    """Names of the worksheet members: the workbook's worksheet relationships, plus anything
    under xl/worksheets/."""
    names = {n for n in archive.namelist() if re.match(r"(?i)^/?xl/worksheets/[^/]+\.xml$", n)}
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 4 * CHUNK]
    except KeyError:
        return names
    for tag in _SHEET_REL.findall(rels):
        if b"/worksheet" not in tag:
            continue
        target = re.search(rb'Target="([^"]+)"', tag)
        if target:
            name = target.group(1).decode("utf-8", "replace")
            names.add(name.lstrip("/") if name.startswith("/") else "xl/" + name)
    return names


def _scan_member(
    path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, is_sheet: bool, limits: Limits
) -> None:
    """Inflate one member to its end (its CRC is checked); for a sheet, bound its used range."""
    max_row = max_col = 0
    tail = b""
    first = True
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            if not is_sheet:
                continue
            text = tail + chunk
            if first:
                first = False
                declared = _DIMENSION.search(text)
                if declared:
                    rows, cols = _extent(declared.groups())
                    _check_cells(path, member.filename, rows, cols, limits, declared=True)
            rows, cols = _chunk_extent(text, max_row, max_col)
            max_row, max_col = max(max_row, rows), max(max_col, cols)
            _check_cells(path, member.filename, max_row, max_col, limits, declared=False)
            # The last tag may be cut by the chunk's end: scan it again with the next chunk.
            start = text.rfind(b"<")
            tail = text[start:] if start >= 0 else b""
            if len(tail) > CHUNK:
                raise IngestError(path, f"{member.filename} holds a tag over 1 MiB long")


# References as writers put them (` r="B12"` on a cell, ` r="12"` on a row): literal-prefixed
# patterns, several times faster than a general one on a sheet of millions of cells.
_COLUMNS = re.compile(rb' r="([A-Za-z]{1,4})[0-9]')
_ROWS = re.compile(rb' r="([0-9]{1,12})"')
_CELL_ROWS = re.compile(rb' r="[A-Za-z]{1,4}([0-9]{1,12})"')
# Any whitespace before the attribute, as XML allows: the slow path, for odd or hostile files.
_ODD_SPACES = (b'\tr="', b'\nr="', b'\rr="')
_ANY_COLUMNS = re.compile(rb'\sr="([A-Za-z]{1,4})[0-9]')
_ANY_ROWS = re.compile(rb'\sr="[A-Za-z]{0,4}([0-9]{1,12})"')


def _chunk_extent(text: bytes, rows_so_far: int, cols_so_far: int) -> tuple[int, int]:
    """(last row, last column) referenced in a chunk of sheet XML, at least those so far.

    Rows: the row elements' numbers (one per row, not per cell). Columns and cells' rows: one
    scan each for a reference beyond what is known, and only a chunk that has one (the first,
    or a hostile file) collects every reference's letters or digits.
    """
    if any(odd in text for odd in _ODD_SPACES):  # three substring searches: fast
        letters = set(_ANY_COLUMNS.findall(text))
        numbers = set(_ANY_ROWS.findall(text))
    else:
        numbers = set(_ROWS.findall(text))
        last = max([rows_so_far, *map(int, numbers)])
        if re.search(rb' r="[A-Za-z]{1,4}0*' + _greater_than(last) + rb'"', text):
            numbers |= set(_CELL_ROWS.findall(text))
        beyond = _letters_after(cols_so_far)
        letters = set(_COLUMNS.findall(text)) if re.search(beyond, text) else set()
    cols = max((column_number(c.decode()) for c in letters), default=0)
    return max([rows_so_far, *map(int, numbers)]), max(cols, cols_so_far)


def column_letters(number: int) -> str:
    """Excel letters of a 1-based column (1 -> "A", 16384 -> "XFD")."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _letters_after(column: int) -> bytes:
    """A regex for a cell reference whose column is after `column` (0: any column)."""
    if column <= 0:
        return rb' r="[A-Za-z]'
    letters = column_letters(column)
    branches = [f"[A-Za-z]{{{len(letters) + 1},4}}[0-9]"]  # more letters
    for index, char in enumerate(letters):
        if char == "Z":
            continue
        prefix = "".join(f"[{c}{c.lower()}]" for c in letters[:index])
        low = chr(ord(char) + 1)
        rest = len(letters) - index - 1
        branches.append(f"{prefix}[{low}-Z{low.lower()}-z][A-Za-z]{{{rest}}}[0-9]")
    return (' r="(?:' + "|".join(branches) + ")").encode()


def _greater_than(number: int) -> bytes:
    """A regex for the decimal numbers greater than `number` (leading zeros matched before)."""
    digits = str(number)
    branches = [rf"[1-9][0-9]{{{len(digits)},}}"]  # more digits
    for index, digit in enumerate(digits):
        if digit == "9":
            continue
        low = str(int(digit) + 1)
        rest = len(digits) - index - 1
        branches.append(f"{digits[:index]}[{low}-9][0-9]{{{rest}}}")
    return ("(?:" + "|".join(branches) + ")").encode()


def _extent(groups: tuple[bytes | None, ...]) -> tuple[int, int]:
    """(rows, columns) of a dimension's bounding box, counted from A1."""
    first_col, first_row, last_col, last_row = groups
    col = last_col or first_col
    row = last_row or first_row
    return int(row or b"0"), column_number((col or b"A").decode())


def _check_cells(
    path: Path, sheet: str, rows: int, cols: int, limits: Limits, *, declared: bool
) -> None:
    cells = rows * cols
    if cells > limits.xlsx_max_cells:
        how = "declares" if declared else "uses"
        raise IngestError(
            path,
            f"{sheet} {how} a range of {rows:,} rows x {cols:,} columns ({cells:,} cells), over "
            f"the {limits.xlsx_max_cells:,} cell limit (CREATORPULSE_XLSX_MAX_CELLS)",
        )
