"""The shortcuts in column parsing and de-duplication give exactly what the general path gives."""

from __future__ import annotations

import polars as pl
import pytest

from etl.frames import ROW, take_duplicates, take_duplicates_sorting
from etl.values import parse_column, parse_texts


def joined(frame: pl.DataFrame, column: str, kind: str) -> pl.DataFrame:
    """The general path: every distinct text parsed, joined back in row order."""
    lookup = parse_texts(frame.get_column(column), kind).rename(
        {"raw": column, "value": "v", "problem": "p"}
    )
    return frame.join(lookup, on=column, how="left", nulls_equal=True, maintain_order="left")


COLUMNS = {
    "plain counts": ("count", ["12", "0", None, "7", "12"]),
    "plain counts with a negative": ("count", ["12", "-3", None, "-3"]),
    "signed counts with a negative": ("signed_count", ["12", "-3", None]),
    "counts with units and markers": ("count", ["1.2万", "1,234", "-", "5", None, "x"]),
    "a plus sign and leading zeros": ("count", ["+12", "007", "12"]),
    "clean ids": ("id", ["BV1a", "BV1b", None, "BV1a"]),
    "ids needing cleaning": ("id", [" BV1a ", "7.3e+18", "-", "ｂｖ1"]),
    "clean titles": ("text", ["《赛博拜年》", "AI春晚", None]),
    "titles needing cleaning": ("text", ["AI  春晚", "N/A", "《赛博拜年》 "]),
    "dates": ("date", ["2025-01-01", "2025/1/2", "20250103", "x", None]),
}


@pytest.mark.parametrize(("kind", "texts"), COLUMNS.values(), ids=COLUMNS.keys())
def test_parse_column_equals_the_distinct_text_join(kind: str, texts: list[str | None]) -> None:
    frame = pl.DataFrame({"raw": texts, "keep": list(range(len(texts)))})
    out = parse_column(frame, "raw", kind, into="v", problem="p")
    expected = joined(frame, "raw", kind)
    # A value with a problem is no value, in both paths.
    expected = expected.with_columns(pl.when(pl.col("p").is_null()).then(pl.col("v")).alias("v"))
    assert out.columns == ["raw", "keep", "v", "p"]
    assert out.select("keep", "v", "p").rows() == expected.select("keep", "v", "p").rows()
    assert out.schema["v"] == expected.schema["v"]


def test_a_negative_plain_count_is_a_problem_and_no_value() -> None:
    frame = pl.DataFrame({"raw": ["5", "-2"]})
    out = parse_column(frame, "raw", "count", into="v", problem="p")
    assert out.rows() == [("5", 5, None), ("-2", None, "negative count")]


def _frame(keys: list[tuple[str | None, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "content_id": [k for k, _ in keys],
            "day": [d for _, d in keys],
            "views": list(range(len(keys))),
            ROW: list(range(2, len(keys) + 2)),
        }
    )


@pytest.mark.parametrize(
    "keys",
    [
        [("b", 1), ("a", 1), ("b", 2)],
        [("b", 1), ("a", 1), ("b", 1), ("a", 2), ("b", 1), ("a", 1)],
        [(None, 1), ("a", 1), (None, 1)],
        [("z", 3), ("z", 1), ("z", 2), ("z", 1)],
    ],
)
def test_sorting_de_duplication_keeps_and_rejects_the_same_rows(
    keys: list[tuple[str | None, int]],
) -> None:
    frame = _frame(keys)
    args = {"header": "id, day", "raw": pl.col("content_id"), "what": "same id and day"}
    kept, rejects = take_duplicates(frame, ["content_id", "day"], **args)
    sorted_kept, sorted_rejects = take_duplicates_sorting(frame, ["content_id", "day"], **args)
    assert sorted_kept.sort(ROW).rows() == kept.sort(ROW).rows()
    assert sorted(sorted_rejects, key=lambda r: r.row_number) == sorted(
        rejects, key=lambda r: r.row_number
    )
    assert len(kept) + len(rejects) == len(frame)
    # Grouped by key, each key's rows in day then row order.
    runs = sorted_kept.get_column("content_id").to_list()
    assert all(runs.index(k) == i or runs[i - 1] == k for i, k in enumerate(runs))
    for key in set(runs):
        days = sorted_kept.filter(pl.col("content_id").eq_missing(key)).get_column("day")
        assert days.is_sorted()
