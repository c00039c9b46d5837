"""The fast CSV read (Polars) gives exactly what the strict csv-module read gives, or defers to it.

Every case is read three ways: the strict reader (`_read_csv_strict`, the reference), the fast
reader (`_read_csv_fast`, None when it defers) and `read_table` (what callers get). Same headers,
cells, row numbers, encoding and warnings; the same error text when the file is broken; and the
fast reader must actually be used for the files real exports look like.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import polars as pl
import pytest

from etl import reading
from etl.errors import IngestError
from etl.frames import ROW, text_frame
from etl.reading import RawTable, read_table

HEADER = "日期,作品ID,标题,播放量\r\n"


def _strict(path: Path) -> RawTable | str:
    try:
        return reading._read_csv_strict(path, path.read_bytes())
    except IngestError as exc:
        return str(exc)


def _same(a: RawTable, b: RawTable) -> None:
    assert a.headers == b.headers
    assert list(a.rows) == list(b.rows)
    assert (a.encoding, a.is_encoding_guessed, a.warnings) == (
        b.encoding,
        b.is_encoding_guessed,
        b.warnings,
    )
    assert a.height == b.height == len(b.rows)
    assert text_frame(a).equals(text_frame(b))


def check(path: Path, *, fast: bool) -> RawTable | str:
    """Read `path` every way; `fast`: whether the fast reader must take the file."""
    expected = _strict(path)
    quick = reading._read_csv_fast(path, path.read_bytes())
    assert (quick is not None) is fast, "fast path taken" if quick else "fast path deferred"
    if isinstance(expected, str):
        assert quick is None  # a broken file is never read by the fast path
        with pytest.raises(IngestError) as caught:
            read_table(path)
        assert str(caught.value) == expected
        return expected
    if quick is not None:
        _same(quick, expected)
    _same(read_table(path), expected)
    return expected


def write(
    tmp_path: Path, content: str | bytes, name: str = "a.csv", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


# Inputs the fast reader must take, and read exactly as the strict reader does.
FAST = {
    "crlf": HEADER + "2025-01-01,BV1,春晚,1.2万\r\n2025-01-02,BV1,春晚,35\r\n",
    "lf no final newline": "a,b\n1,2\n3,4",
    "mixed lf and crlf": "a,b\r\n1,2\n3,4\r\n5,6\n",
    "quoted comma newline and quote": 'a,b,c\r\n1,"x, ""y""\r\nz",3\r\n4,"",6\r\n',
    "quoted cell spanning blank lines": 'a,b\n1,"p\n\nq"\n2,r\n',
    "quote at start of file": '"a",b\n"1",2\n',
    "blank lines inside": "a,b\n1,2\n\n3,4\n\r\n5,6\n",
    "trailing blank lines and blank rows": "a,b\n1,2\n\n,\n  ,\n\n",
    "short rows": "a,b,c\n1\n2,3\n4,5,6\n",
    "whitespace-only line": "a,b\n1,2\n   \n3,4\n",
    "spaces kept in cells": "a,b\n  1 , x  \n",
    "trailing blank header over blank cells": "a,b,\n1,2,\n3,4, \n",
    "semicolons": "a;b;c\n1;2,5;3\n",
    "tabs": "a\tb\n1\t2\n3\t4\n",
    "headers padded with spaces": " a , b \n1,2\n",
    "formula-like text": "a,b\n1,=SUM(A1)\n2,+1 同意\n",
    "cell at the length limit": "a\n" + "字" * reading.MAX_CELL_CHARS + "\n",
    "BOM then quoted header": '\ufeff"日期",播放\n2025-01-01,1\n',
}


@pytest.mark.parametrize("content", FAST.values(), ids=FAST.keys())
def test_the_fast_reader_reads_what_the_strict_reader_reads(tmp_path: Path, content: str) -> None:
    check(write(tmp_path, content), fast=True)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_every_accepted_encoding_takes_the_fast_path(tmp_path: Path, encoding: str) -> None:
    text = HEADER + "2025/1/1,7329683709551300241,AI春晚《星际春节》,1.2万\r\n" * 3
    table = check(write(tmp_path, text, encoding=encoding), fast=True)
    assert isinstance(table, RawTable)
    assert table.encoding == ("gb18030" if encoding in {"gb18030", "gbk"} else "utf-8-sig")
    assert table.rows[0][2] == "AI春晚《星际春节》"


def test_gb18030_is_transcoded_in_pieces_without_splitting_a_character(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "_TRANSCODE_CHUNK", 7)  # odd: cuts two-byte characters
    rows = [[f"2025-01-{d:02}", f"v{d}", "抖音标题《赛博拜年》𠀀", str(d)] for d in range(1, 29)]
    text = HEADER + "".join(",".join(r) + "\r\n" for r in rows)
    table = check(write(tmp_path, text, encoding="gb18030"), fast=True)
    assert isinstance(table, RawTable)
    assert table.rows == rows


# Inputs the fast reader leaves to the strict reader: it reads them (or names the error) as before.
DEFERRED = {
    "bare CR line endings": "a,b\r1,2\r3,4\r",
    "CR at the very end": "a,b\n1,2\r",
    "a quote inside an unquoted cell": 'a,b\n1,ab"c\n2,d\n',
    "blank extra cells": "a,b\n1,2,,\n3,4\n",
    "unclosed quote": 'a,b\n1,"never closed\n2,3\n',
    "text after a closing quote": 'a,b\n1,"ab"c\n',
    "extra non-blank cell": "a,b\n1,2,3\n",
    "duplicate header": "a,a\n1,2\n",
    "blank header": "a,,b\n1,2,3\n",
    "blank header over a written cell": "a,b,\n1,2,x\n",
    "header only": "a,b\n",
    "blank file": "\n\n  \n",
    "blank first line": "\na,b\n1,2\n",
    "over-long cell": "a\n" + "x" * (reading.MAX_CELL_CHARS + 1) + "\n",
    "NUL byte": "a,b\n1,\x00\n",
}


@pytest.mark.parametrize("content", DEFERRED.values(), ids=DEFERRED.keys())
def test_unusual_or_broken_files_go_to_the_strict_reader(tmp_path: Path, content: str) -> None:
    check(write(tmp_path, content), fast=False)


def test_an_error_found_by_the_strict_reader_names_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b\n1,2\n3,4,5\n")
    assert check(path, fast=False) == "a.csv, row 3: row has 3 cells but only 2 headers"
    long = write(tmp_path, "a,b\n1,2\n3," + "x" * 40_000 + "\n", name="long.csv")
    assert "long.csv, row 3, column 'b': cell is 40000 characters" in str(check(long, fast=False))


def test_a_latin1_file_is_read_by_the_detector_and_flagged(tmp_path: Path) -> None:
    table = check(write(tmp_path, "id,name\r\n1,café résumé\r\n", encoding="latin-1"), fast=False)
    assert isinstance(table, RawTable)
    assert table.is_encoding_guessed


def test_bytes_that_are_not_utf8_after_a_utf8_head_go_to_the_strict_reader(
    tmp_path: Path,
) -> None:
    head = ("a,b\r\n" + "1,ascii only\r\n" * 10_000).encode()
    path = write(tmp_path, head + "2,中文\r\n".encode("gb18030"))
    table = check(path, fast=False)
    assert isinstance(table, RawTable)
    assert table.encoding == "gb18030"
    assert table.rows[-1] == ["2", "中文"]


def test_a_large_file_with_quotes_and_newlines_reads_the_same_in_parallel_chunks(
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    pieces = ["春晚", "a,b", 'say "hi"', "line\nbreak", "", " ", "1.2万", "x" * 40, "\r\n"]
    rows = [
        [str(i), *(rng.choice(pieces) + rng.choice(pieces) for _ in range(4))]
        for i in range(60_000)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["n", "a", "b", "c", "d"])
    writer.writerows(rows)
    table = check(write(tmp_path, buffer.getvalue()), fast=True)
    assert isinstance(table, RawTable)
    assert table.height == 60_000


def test_sample_exports_all_take_the_fast_path(tmp_path: Path) -> None:
    from etl.sample import generate_sample_exports

    generate_sample_exports(tmp_path / "samples")
    paths = sorted((tmp_path / "samples").rglob("*.csv"))
    assert len(paths) > 10
    for path in paths:
        # Google Trends' download opens with a category line and a blank line before its header
        # (a ragged file): the fast path defers it to the strict reader, which reads it.
        check(path, fast=path.name != "multiTimeline.csv")


def test_a_fast_table_builds_python_rows_only_when_asked(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "a,b\n1,\n,2\n"))
    assert table.height == len(table.rows) == 2
    assert table.rows._rows is None  # type: ignore[attr-defined]  # len() built nothing
    assert table.rows == [["1", None], [None, "2"]]
    assert table.rows[1:] == [[None, "2"]]
    assert table.line_number(1) == 3
    frame = text_frame(table, {"x": 1})
    assert frame.columns == ["x", ROW]
    assert frame.get_column(ROW).to_list() == [2, 3]
    assert frame.get_column("x").dtype == pl.String
