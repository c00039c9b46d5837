"""The column-wise survey parser agrees with the scalar functions it stands in for, cell by cell.

parse_survey parses whole columns: clean text, timestamps, contacts and the raw-row JSON are
Polars expressions with a per-distinct-text fallback to the scalar code. Each table below holds
the forms where the two engines could part ways (full-width text, Python-only whitespace, odd
clock values, JSON escapes), and the vectorised result must equal the scalar one for every one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from etl.ingest import ingest_files
from etl.survey.parse import (
    PY_SPACES,
    normalised_contacts,
    parse_timestamp,
    payload_expr,
    with_clean,
    with_timestamps,
)
from survey.identity import normalise_contact
from survey.text import clean_text
from tests.builders import WJX_META, WJX_QUESTIONS, published_rows, wjx_row, write_xlsx
from warehouse.settings import Settings

TEXTS = [
    None,
    "",
    " ",
    "上海",
    " 上海 ",
    "上海  浦东",
    "上海\t浦东",
    "\u3000上海\u3000",
    "Ｓｈａｎｇｈａｉ",
    "２８岁",
    "a\u00a0b",
    "x\x1cy",
    "x\x85y",
    "line\nbreak",
    "ﬁne",
    "(空)",
    "NULL",
    "e\u0301",
]
TIMESTAMPS = [
    None,
    "2026/2/18 9:00:23",
    "2026-02-18 09:00:23",
    "2026/2/30 9:00:00",
    "2026/2/18 24:00:00",
    "2026/2/18 9:60:00",
    "2026/2/18 9:00:60",
    "2026/0/18 9:00:00",
    "0999/1/1 1:1:1",
    "2026/2/18",
    "2026/02/18 09:00",
    "2026-02-18T09:00:23",
    "2026/2/18 9:0:5",
    "2024/2/29 1:1:1",
    "2025/2/29 1:1:1",
    "45340.59",
    "45340",
    "2026/2-18 9:00:00",
    "NULL",
    "abc",
]
CONTACTS = [
    "13812345678",
    "+86 138-1234-5678",
    "0086 13812345678",
    "8613812345678",
    "86138123456789",
    "+44 20 7946 0958",
    "+1234567",
    "+12345678901234567",
    "(138)12345678",
    "138.1234.5678",
    "wx:abc_def1",
    "WX: Abc_Def12",
    "wx:WeChat:abcdef",
    "WeChat:wx:abcdef",
    "wx:",
    "微信:abcdefg",
    "手机:13812345678",
    "邮箱:A@B.com",
    "a@b.com",
    "A.B+c@x-y.co.uk",
    "a@b",
    "é@b.com",
    "abcdef",
    "abcde",
    "a" * 21,
    "1abcdef",
    "张三",
    "-",
    "无",
    "(空)",
    None,
]


def test_python_whitespace_is_spelled_out_completely() -> None:
    every = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert every == PY_SPACES


def test_clean_text_of_a_column_is_clean_text_of_each_cell() -> None:
    frame = with_clean(pl.DataFrame({"raw": TEXTS}, schema={"raw": pl.String}), "raw", "clean")
    assert frame["clean"].to_list() == [clean_text(t) for t in TEXTS]


def test_timestamps_of_a_column_are_parse_timestamp_of_each_cell() -> None:
    frame = pl.DataFrame({"t": TIMESTAMPS}, schema={"t": pl.String})
    parsed = with_timestamps(frame, "t", "at")["at"].to_list()
    assert parsed == [parse_timestamp(t) for t in TIMESTAMPS]
    assert parsed[1] is not None and parsed[3] is None  # a real one, and 2月30日


def test_contacts_of_a_column_are_normalise_contact_of_each_cell() -> None:
    cleaned = [clean_text(c) for c in CONTACTS]
    frame = normalised_contacts(pl.DataFrame({"text": cleaned}, schema={"text": pl.String}))
    expected = [normalise_contact(c) for c in cleaned]
    assert frame["kind"].to_list() == [c.kind if c else None for c in expected]
    assert frame["value"].to_list() == [c.value if c else None for c in expected]


def test_the_raw_row_json_is_what_json_dumps_writes() -> None:
    headers = ["序号", "备注", "联系方式", "备注", 'a"b']
    rows: list[list[Any]] = [
        ["1", 'say "hi"', "13800000000", "back\\slash", None],
        ["2", "tab\there", None, "ctl\x01x", "line\nbreak"],
        ["3", None, "x", "é 上海", "\u2028"],
    ]
    frame = pl.DataFrame(rows, schema={f"c{i}": pl.String for i in range(5)}, orient="row")
    payloads = frame.select(payload_expr(frame, headers, {"联系方式"})).to_series().to_list()
    expected = [
        json.dumps(
            {h: ("<pii>" if h == "联系方式" else v) for h, v in zip(headers, row, strict=True)},
            ensure_ascii=False,
        )
        for row in rows
    ]
    assert payloads == expected


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_rows_sharing_answers_each_get_them_and_an_item_chosen_twice_counts_once(
    tmp_path: Path, settings: Settings, form: str
) -> None:
    rows = [
        wjx_row(1, tools="可灵┋可灵┋即梦", contact="13800000001"),
        wjx_row(2, tools="可灵┋可灵┋即梦", contact="13800000002"),
        wjx_row(3, tools="可灵┋剪映", contact="13800000003"),
    ]
    path = write_xlsx(tmp_path / "wjx_2024.xlsx", WJX_META + WJX_QUESTIONS, rows)
    if form == "csv":
        import csv

        csv_path = tmp_path / "wjx_2024.csv"
        with open(csv_path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([WJX_META + WJX_QUESTIONS, *rows])
        path = csv_path
    [report] = ingest_files(settings, [path])
    assert (report.rows_loaded, report.rows_rejected) == (2, 1)
    tools = published_rows(
        settings.home,
        "select r.source_response_no, list(item_key order by item_key) from fct_survey_answer a "
        "join fct_survey_response r using (response_id) where question_id = 'tools' "
        "group by 1 order by 1",
    )
    assert tools == [("1", ["jimeng", "kling"]), ("2", ["jimeng", "kling"])]
    [(row, column, reason)] = published_rows(
        settings.home, "select row_number, column_name, reason from load_reject"
    )
    assert row == 4 and "工具" in column and "unknown option '剪映'" in reason
