"""A load's parse frees the file's text as it goes, and parses exactly as a parse that keeps it.

With `release_rows` (every load) the table's text is held as categoricals once taken, made
text again a question or a batch of raw rows at a time, and the exact-duplicate check keeps
only the suspect rows' cells (grouped by a hash first). Nothing of that may change what a parse
yields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import etl.survey.load as survey_load
from etl.frames import ROW
from etl.ingest import ingest_files
from etl.survey.parse import _duplicate_suspects, _take_exact_duplicates, json_escapes
from tests.builders import WJX_META, WJX_QUESTIONS, published_rows, wjx_row, write_xlsx
from tests.etl.survey_layouts.survey_files import (
    google_forms_csv,
    kaggle_csv,
    qualtrics_csv,
    tencent_csv,
    wjx_text_xlsx,
)
from warehouse.settings import load_settings

LAYOUTS = {
    "kaggle": (kaggle_csv, "kaggle_2021.csv"),
    "wjx": (wjx_text_xlsx, "问卷_2026.xlsx"),
    "tencent": (tencent_csv, "腾讯问卷_2026.csv"),
    "qualtrics": (qualtrics_csv, "qualtrics_2025.csv"),
    "google_forms": (google_forms_csv, "google_forms_2025.csv"),
}


def wjx_with_rejects(path: Path) -> Path:
    """A 问卷星 export with a bad cell, an exact duplicate and a repeat submission."""
    first = wjx_row(1, sat="6", time="2024/2/12 10:00:00")
    rows = [
        first,
        [2, *first[1:]],  # exact duplicate of row 2
        wjx_row(3, age="150"),  # out of range
        wjx_row(4, tools="可灵┋剪映"),  # unknown option
        wjx_row(5, sat="9", time="2024/2/20 10:00:00", contact=first[-2]),  # supersedes row 2
        wjx_row(6),
    ]
    return write_xlsx(path, WJX_META + WJX_QUESTIONS, rows)


LAYOUTS["wjx_rejects"] = (wjx_with_rejects, "wjx_2024.xlsx")
RAW = "select row_number, payload::varchar from raw_survey_row order by row_number"


def _snapshot(parsed: Any) -> dict[str, Any]:
    """What a parse yields, read without taking it (the load takes answers and raw rows)."""
    return {
        "responses": parsed.responses.rows(),
        "answers": parsed.answers.rows(),
        "raw_rows": parsed.raw_rows.frame().rows(),
        "rejects": [(r.row_number, r.column_name, r.value_text, r.reason) for r in parsed.rejects],
        "rows_read": parsed.rows_read,
    }


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_parse_that_frees_the_text_yields_what_one_that_keeps_it_does(
    layout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write, name = LAYOUTS[layout]
    path = write(tmp_path / name)
    parse = survey_load.parse_survey
    seen: dict[bool, dict[str, Any]] = {}
    stored: dict[bool, list[tuple]] = {}
    for release in (False, True):

        def recording(*args: Any, _release: bool = release, **kwargs: Any) -> Any:
            kwargs["release_rows"] = _release
            parsed = parse(*args, **kwargs)
            seen[_release] = _snapshot(parsed)
            return parsed

        monkeypatch.setattr(survey_load, "parse_survey", recording)
        settings = load_settings(tmp_path / f"home_{release}")
        [report] = ingest_files(settings, [path])
        assert report.status == "loaded", report.error
        stored[release] = published_rows(settings.home, RAW)
    assert seen[True] == seen[False]
    assert seen[True]["answers"] and seen[True]["raw_rows"]
    if layout == "wjx_rejects":
        reasons = [reason for *_, reason in seen[True]["rejects"]]
        assert len(reasons) == 4 and "exact duplicate of row 2" in reasons, reasons
    assert stored[True] == stored[False]
    assert len(stored[True]) == len(seen[True]["raw_rows"])  # every kept row's raw JSON stored


def _rows(cells: list[list[str | None]], ips: list[str | None]) -> pl.DataFrame:
    """Rows of two answer cells, an address (`_m_ip`) and no region, numbered from 2."""
    return pl.DataFrame(
        {
            ROW: list(range(2, 2 + len(cells))),
            "_m_ip": ips,
            "_region": [None] * len(cells),
            "c1": [c[0] for c in cells],
            "c2": [c[1] for c in cells],
        },
        schema_overrides={"_region": pl.String},
    )


def test_only_rows_sharing_their_address_and_every_cell_are_suspects() -> None:
    frame = _rows(
        [
            ["上海", "抖音"],  # row 2
            ["上海", "抖音"],  # row 3: same cells, same address as row 2
            ["上海", "抖音"],  # row 4: same cells, another address
            ["上海", None],  # row 5: a blank cell where row 6 has an empty text
            ["上海", ""],  # row 6
            ["北京", "B站"],  # row 7: same cells as row 8, no address
            ["北京", "B站"],  # row 8
        ],
        ["1.2.3.4", "1.2.3.4", "5.6.7.8", "1.2.3.4", "1.2.3.4", None, "NULL"],
    )
    suspects = _duplicate_suspects(frame, ["c1", "c2"])
    assert suspects.get_column(ROW).sort().to_list() == [2, 3]
    assert suspects.columns == [ROW, "_origin", "c1", "c2"]


def test_suspects_keep_their_cells_as_text_when_the_frame_holds_categoricals() -> None:
    frame = _rows([["上海", "抖音"], ["上海", "抖音"], ["上海", "B站"]], ["1.2.3.4"] * 3)
    compact = frame.with_columns(pl.col("c1", "c2").cast(pl.Categorical))
    suspects = _duplicate_suspects(compact, ["c1", "c2"])
    assert suspects.schema["c1"] == pl.String
    assert suspects.sort(ROW).rows() == [
        (2, "1.2.3.4", "上海", "抖音"),
        (3, "1.2.3.4", "上海", "抖音"),
    ]


def test_a_suspect_whose_twin_was_rejected_earlier_is_kept() -> None:
    frame = _rows([["上海", "抖音"], ["上海", "抖音"], ["上海", "抖音"]], ["1.2.3.4"] * 3)
    suspects = _duplicate_suspects(frame, ["c1", "c2"])
    # Row 2 was rejected for a bad cell before the duplicate check; rows 3 and 4 remain.
    kept = frame.filter(pl.col(ROW) != 2).with_columns(
        pl.lit(None, dtype=pl.Datetime("us")).alias("_submitted_at")
    )
    left, rejects = _take_exact_duplicates(kept, suspects)
    assert left.get_column(ROW).to_list() == [3]
    assert [(r.row_number, r.reason) for r in rejects] == [(4, "exact duplicate of row 3")]


@pytest.mark.parametrize("dtype", [pl.String, pl.Categorical], ids=["text", "categorical"])
def test_the_cells_json_must_escape_are_found_exactly_among_many(dtype: Any) -> None:
    values = [f"节目{i}" for i in range(5_000)] + ['说"好"', "两行\n文字", "反斜杠\\", None]
    frame = pl.DataFrame({"c0": values * 3, "c1": [f"{i}" for i in range(len(values) * 3)]})
    escapes = json_escapes(frame.with_columns(pl.col("c0", "c1").cast(dtype)), ["c0", "c1"])
    assert sorted(escapes["c0"].to_list()) == sorted(['说"好"', "两行\n文字", "反斜杠\\"])
    assert escapes["c1"].is_empty()
