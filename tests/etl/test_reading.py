"""Reading exports: strict decoding, workbook formats, and clear errors for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import IngestError
from etl.reading import read_table
from tests.builders import write_csv, write_xlsx

HEADERS = ["序号", "您的性别", "您所在的城市"]
ROWS = [["1", "男", "上海"], ["2", "女", "北京市朝阳区"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_chinese_csv_decodes_the_same_in_every_accepted_encoding(
    tmp_path: Path, encoding: str
) -> None:
    table = read_table(write_csv(tmp_path / "a.csv", HEADERS, ROWS, encoding=encoding))
    assert table.headers == HEADERS
    assert table.rows == ROWS
    assert table.is_encoding_guessed is False
    assert table.encoding in {"utf-8-sig", "gb18030"}


def test_a_gb18030_file_is_recognised_as_gb18030_not_utf8(tmp_path: Path) -> None:
    table = read_table(write_csv(tmp_path / "a.csv", HEADERS, ROWS, encoding="gb18030"))
    assert table.encoding == "gb18030"


def test_an_encoding_found_only_by_detection_is_flagged_as_a_guess(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,name\r\n1,café naïve résumé\r\n".encode("latin-1"))
    table = read_table(path)
    assert table.is_encoding_guessed is True
    assert any("by detection" in w for w in table.warnings)


def test_mixed_line_endings_give_the_same_rows(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("序号,您的性别,您所在的城市\r\n1,男,上海\n2,女,北京市朝阳区\r".encode())
    assert read_table(path).rows == ROWS


def test_a_quoted_cell_keeps_its_newline_and_comma(tmp_path: Path) -> None:
    rows = [["1", "男", "上海,\n浦东"]]
    assert read_table(write_csv(tmp_path / "q.csv", HEADERS, rows)).rows == rows


def test_xlsx_numbers_become_text_without_trailing_zero(tmp_path: Path) -> None:
    table = read_table(write_xlsx(tmp_path / "a.xlsx", ["序号", "年龄"], [[1, 28], [2, 28.5]]))
    assert table.rows == [["1", "28"], ["2", "28.5"]]


def test_formula_looking_text_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_csv(path, ["序号", "建议"], [["1", "=希望多办线下活动"], ["2", "+1 同意"]])
    assert [row[1] for row in read_table(path).rows] == ["=希望多办线下活动", "+1 同意"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "file is empty"),
        ("blank.csv", b"\r\n\r\n  \n", "file is empty"),
        ("header_only.csv", "序号,您的性别\r\n".encode(), "header row but no data rows"),
        ("dup.csv", "序号,您的性别,您的性别\r\n1,男,女\r\n".encode(), "duplicate column header"),
        ("noheader.csv", "序号,,您的性别\r\n1,x,男\r\n".encode(), "column 2 has no header"),
        ("long_row.csv", "序号,您的性别\r\n1,男,多余,更多\r\n".encode(), "only 2 headers"),
        ("junk.csv", bytes(range(128, 256)) * 3, "cannot decode"),
        ("nul.csv", b"a,b\r\n1,\x00\x00\r\n", "NUL bytes"),
        ("fake.xlsx", "序号,性别\r\n".encode(), "not a valid .xlsx workbook"),
        ("truncated.xlsx", b"PK\x03\x04" + b"\x00" * 40, "damaged or truncated"),
    ],
)
def test_a_broken_file_gives_one_clear_error_naming_the_file(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as caught:
        read_table(path)
    message = str(caught.value)
    assert message.startswith(name)
    assert reason in message


def test_an_over_long_cell_is_reported_with_row_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "long.csv", HEADERS, [["1", "男", "上" * 40_000]])
    with pytest.raises(IngestError, match=r"long.csv, row 2, column '您所在的城市': cell is 40000"):
        read_table(path)


def test_a_truncated_real_workbook_is_an_error_not_a_crash(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", HEADERS, ROWS).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IngestError, match="cut.xlsx: cannot read the xlsx workbook"):
        read_table(cut)
