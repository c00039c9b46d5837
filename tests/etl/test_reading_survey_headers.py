"""Excel "Unicode text" (UTF-16 with BOM) reads; survey header rows keep blank/repeated cells."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from etl.errors import IngestError
from etl.reading import decode_strict, peek, read_table
from tests.builders import write_xlsx

ROWS = [["序号", "您的性别", "您的建议"], ["1", "女", "节目很好，\t继续"], ["2", "男", ""]]


def unicode_text(rows: list[list[str]]) -> str:
    """Excel's "Unicode text": tab-separated, CRLF, a cell with a tab is quoted."""
    lines = []
    for row in rows:
        lines.append("\t".join(f'"{c}"' if "\t" in c else c for c in row))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom_tab_separated_reads_like_utf8(
    tmp_path: Path, bom: bytes, codec: str
) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(bom + unicode_text(ROWS).encode(codec))
    table = read_table(path)
    assert table.headers == ["序号", "您的性别", "您的建议"]
    assert [list(r) for r in table.rows] == [["1", "女", "节目很好，\t继续"], ["2", "男", None]]
    assert table.encoding == "utf-16"
    assert peek(path) == ([], ["序号", "您的性别", "您的建议"])


def test_a_utf16_bom_before_broken_utf16_is_an_error_not_a_guess(tmp_path: Path) -> None:
    data = (
        codecs.BOM_UTF16_LE + "序号\t性别\r\n".encode("utf-16-le") + b"\x00\xd8"
    )  # lone surrogate
    with pytest.raises(IngestError, match="UTF-16"):
        decode_strict(tmp_path / "x.txt", data)
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError, match="UTF-16"):
        read_table(path)


def test_raw_headers_keep_blank_continuation_and_repeated_cells(tmp_path: Path) -> None:
    text = (
        "Respondent ID,您使用哪些平台？,,,备注,备注\r\n,抖音,小红书,B站,,\r\n1,抖音,,B站,无,好\r\n"
    )
    path = tmp_path / "sm.csv"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    table = read_table(path, raw_headers=True)
    assert table.headers == ["Respondent ID", "您使用哪些平台？", "", "", "备注", "备注"]
    assert table.height == 2
    with pytest.raises(IngestError, match="has no header|duplicate"):
        read_table(path)  # the ordinary reader still refuses such headers


def test_raw_headers_keep_a_blank_last_header_over_a_written_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "sm.xlsx", ["Respondent ID", "您使用哪些平台？", None], [])
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.active.append([None, "抖音", "小红书"])
    book.active.append(["1", "抖音", None])
    book.save(path)
    table = read_table(path, raw_headers=True)
    assert table.headers == ["Respondent ID", "您使用哪些平台？", ""]
    assert table.rows[0] == [None, "抖音", "小红书"]
