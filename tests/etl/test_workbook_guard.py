"""Hostile workbooks are refused with one line before any reader touches them: a far cell, a
huge declared or real range, an archive that inflates out of all proportion. Every file is
generated here and is small on disk."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.errors import IngestError
from etl.reading import peek, read_sheets, read_table
from etl.workbook_guard import (
    _greater_than,
    _letters_after,
    check_workbook,
    column_letters,
    column_number,
)

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"


def _workbook(path: Path, far_cell: str | None = None) -> Path:
    """A small 笔记 sheet, optionally with one value at `far_cell`."""
    book = Workbook()
    sheet = book.active
    sheet.append(["笔记标题", "首次发布时间", "观看量"])
    sheet.append(["春晚幕后花絮", "2026年03月24日17时33分05秒", 1234.0])
    if far_cell:
        sheet[far_cell] = "远处的单元格"
    book.save(path)
    return path


def _rewrite_sheet(path: Path, change: callable) -> Path:  # type: ignore[valid-type]
    """Rewrite the first sheet's XML with `change(xml) -> xml` (everything else kept)."""
    out = path.with_name("re-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
        for item in source.infolist():
            data = source.read(item)
            sink.writestr(item.filename, change(data) if item.filename == SHEET else data)
    return out


def _undimensioned(xml: bytes) -> bytes:
    return re.sub(rb"<dimension [^>]*/>", b"", xml)


def _dimension(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        found = re.search(rb'<dimension ref="([^"]+)"', archive.read(SHEET))
    return found.group(1).decode() if found else ""


def test_excel_column_letters_are_numbered_like_excel() -> None:
    assert [column_number(c) for c in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]
    assert all(column_number(column_letters(n)) == n for n in range(1, 16385))


@pytest.mark.parametrize("number", [0, 3, 9, 10, 99, 1999, 4000, 1048576])
def test_the_greater_than_pattern_matches_exactly_the_larger_numbers(number: int) -> None:
    pattern = re.compile(_greater_than(number) + rb"$")
    for candidate in {0, 1, number - 1, number, number + 1, number * 10, 10**7, 999}:
        if candidate >= 0:
            assert bool(pattern.match(str(candidate).encode())) == (candidate > number), candidate


@pytest.mark.parametrize("column", [0, 1, 25, 26, 27, 52, 702, 703, 9999, 16383])
def test_the_letters_after_pattern_finds_exactly_the_later_columns(column: int) -> None:
    pattern = re.compile(_letters_after(column))
    for other in {1, 2, 26, 27, 53, 702, 703, 704, 16384, column, column + 1, max(column - 1, 1)}:
        for letters in (column_letters(other), column_letters(other).lower()):
            found = bool(pattern.search(b' r="' + letters.encode() + b'7"'))
            assert found == (other > column), (column, letters)


def test_an_ordinary_workbook_passes_and_still_reads(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "笔记列表明细表.xlsx")
    check_workbook(path)
    assert read_table(path).headers == ["笔记标题", "首次发布时间", "观看量"]


def test_a_single_cell_at_xfd1048576_is_refused_before_the_reader_allocates_it(
    tmp_path: Path,
) -> None:
    path = _workbook(tmp_path / "far.xlsx", "XFD1048576")
    assert path.stat().st_size < 10_000 and _dimension(path) == "A1:XFD1048576"
    for read in (read_table, peek, read_sheets):
        with pytest.raises(IngestError, match=r"over the 20,000,000 cell limit") as caught:
            read(path)
        assert "\n" not in str(caught.value) and str(caught.value).startswith("far.xlsx: ")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml), id="no dimension"),
        pytest.param(
            lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C2"', xml),
            id="lying dimension",
        ),
        pytest.param(
            lambda xml: re.sub(
                rb'<c r="XFD4000"([^>]*)>',
                rb'<c\1 r="XFD4000">',
                re.sub(rb"<dimension [^>]*/>", b"", xml),
            ),
            id="reference after another attribute",
        ),
        pytest.param(
            lambda xml: _undimensioned(xml).replace(b'<row r="4000"', b'<row r="3"'),
            id="cell below its row's number",
        ),
        pytest.param(
            lambda xml: _undimensioned(xml).replace(b'r="XFD4000"', b'r="XFD0004000"'),
            id="leading zeros",
        ),
        pytest.param(
            lambda xml: _undimensioned(xml).replace(b'<c r="XFD4000"', b'<c\tr="XFD4000"'),
            id="tab before the reference",
        ),
        pytest.param(
            lambda xml: _undimensioned(xml).replace(b'r="XFD4000"', b'r="xfd4000"'),
            id="lower-case letters",
        ),
    ],
)
def test_a_far_cell_is_found_by_scanning_the_references_whatever_the_dimension_says(
    tmp_path: Path,
    change: callable,  # type: ignore[valid-type]
) -> None:
    path = _rewrite_sheet(_workbook(tmp_path / "far.xlsx", "XFD4000"), change)
    with pytest.raises(IngestError, match=r"uses a range of 4,000 rows x 16,384 columns"):
        read_table(path)


def test_a_huge_declared_dimension_is_refused_from_the_first_chunk(tmp_path: Path) -> None:
    path = _rewrite_sheet(
        _workbook(tmp_path / "declared.xlsx"),
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD4000"', xml),
    )
    with pytest.raises(IngestError, match=r"declares a range of 4,000 rows x 16,384 columns"):
        read_table(path)


def test_the_cell_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "笔记.xlsx")
    monkeypatch.setenv("CREATORPULSE_XLSX_MAX_CELLS", "5")
    with pytest.raises(IngestError, match=r"\(6 cells\), over the 5 cell limit"):
        read_table(path)


def _inflating(path: Path, megabytes: int) -> Path:
    """A valid workbook plus a member of `megabytes` MB of zeros (deflated to a few hundred KB)."""
    _workbook(path)
    zeros = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(zeros)
    return path


def test_an_archive_that_inflates_200_mb_from_under_1_mb_is_refused(tmp_path: Path) -> None:
    path = _inflating(tmp_path / "bomb.xlsx", 200)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(IngestError, match=r"xl/media/image1.bin inflates [\d,]+ times"):
        read_table(path)


def test_the_inflated_size_limit_is_a_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _inflating(tmp_path / "big.xlsx", 2)
    monkeypatch.setenv("CREATORPULSE_XLSX_MAX_RATIO", "100000")
    monkeypatch.setenv("CREATORPULSE_XLSX_MAX_UNCOMPRESSED_BYTES", str(1024 * 1024))
    with pytest.raises(IngestError, match=r"inflates to 2 MB, over the 1 MB limit"):
        read_table(path)


def test_a_member_whose_bytes_do_not_match_its_checksum_is_one_line(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "crc.xlsx")
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    # Flip the stored CRC in the central directory and the local header.
    crc = info.CRC.to_bytes(4, "little")
    bad = (info.CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
    path.write_bytes(bytes(raw).replace(crc, bad))
    with pytest.raises(IngestError, match=r"crc.xlsx: damaged \.xlsx workbook"):
        check_workbook(path)


def test_the_far_cell_workbook_cannot_abort_an_ingest_command(tmp_path: Path) -> None:
    far = _workbook(tmp_path / "xiaohongshu_far.xlsx", "XFD1048576")
    env = dict(os.environ, CREATORPULSE_ID_KEY="guard-test")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "ingest",
            str(far),
            "--json",
            "--home",
            str(tmp_path / "h"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    [report] = json.loads(result.stdout)
    assert report["status"] == "failed" and "cell limit" in report["error"]
    assert report["path"].endswith("xiaohongshu_far.xlsx")
