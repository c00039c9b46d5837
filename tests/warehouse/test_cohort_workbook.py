"""Researcher cohort workbook: read back with openpyxl and checked against the warehouse."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import random
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import load_workbook

from survey.segments import value_label
from tests.builders import published_rows
from warehouse.cohort import (
    Cohort,
    CohortDefinition,
    CohortError,
    build_cohort,
    generalise,
    write_cohort_csv,
    write_cohort_xlsx,
)
from warehouse.query import Reader
from warehouse.settings import Settings

KEY = b"fixed test key"
QUASI = ("age_band", "gender", "location", "role")
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(1)", "\t=1", "\r=1"]


def cohort_id(participant_id: str, key: bytes = KEY) -> str:
    """The documented id: c_ + 16 hex digits of HMAC-SHA256(key, participant_id)."""
    return "c_" + hmac.new(key, participant_id.encode(), hashlib.sha256).hexdigest()[:16]


def sheet_rows(path: Path, title: str) -> list[dict[str, Any]]:
    """A sheet as dicts keyed by the header row."""
    book = load_workbook(path, read_only=True)
    try:
        rows = list(book[title].iter_rows(values_only=True))
    finally:
        book.close()
    width = len(rows[0])  # read-only mode leaves trailing empty cells out
    return [
        dict(zip(rows[0], (*row, *[None] * (width - len(row))), strict=True)) for row in rows[1:]
    ]


def all_cells(path: Path) -> list[Any]:
    """Every cell of every sheet, read back."""
    book = load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.fixture(scope="module")
def reader(demo_settings: Settings) -> Reader:
    """A reader of the demo warehouse."""
    return Reader(demo_settings.home)


@pytest.fixture(scope="module")
def cohort(reader: Reader) -> Cohort:
    """Everyone in the demo warehouse, with a fixed id key."""
    return build_cohort(
        reader, CohortDefinition(), id_key=KEY, value_label=value_label, quasi_identifiers=QUASI
    )


@pytest.fixture(scope="module")
def workbook(cohort: Cohort, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cohort written as .xlsx."""
    return write_cohort_xlsx(cohort, tmp_path_factory.mktemp("cohort") / "cohort.xlsx")


def test_the_workbook_has_readme_data_codebook_and_summary(workbook: Path) -> None:
    book = load_workbook(workbook)
    assert book.sheetnames == ["README", "Data", "Codebook", "Summary"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
        assert all(d.width and 8 <= d.width <= 60 for d in sheet.column_dimensions.values())
    years = [c for c in next(book["Data"].iter_cols(min_col=2, max_col=2, min_row=2))]
    assert all(c.number_format == "0" for c in years)  # 2024, not 2,024


def test_data_matches_an_independent_warehouse_query(
    workbook: Path, demo_settings: Settings
) -> None:
    data = {(row["cohort_id"], row["edition_year"]): row for row in sheet_rows(workbook, "Data")}
    answers = published_rows(
        demo_settings.home,
        """
        select r.participant_id, r.edition_year,
            max(a.answer_number) filter (where a.question_id = 'satisfaction'),
            max(a.answer_text) filter (where a.question_id = 'income'),
            max(a.option_code) filter (where a.question_id = 'income'),
            count(*) filter (where a.question_id = 'tools' and a.item_key = 'kling'),
            count(*) filter (where a.question_id = 'tools'),
            max(a.answer_number) filter (
                where a.question_id = 'aspects' and a.item_key = 'organisation'),
            max(a.answer_rank) filter (
                where a.question_id = 'support_ranking' and a.item_key = 'feedback')
        from mart_survey_response as r
        left join mart_survey_answer as a
            on a.response_id = r.response_id and a.answer_status in ('answered', 'other')
        group by all
        """,
    )
    compared = 0
    for pid, year, satisfaction, income, income_code, kling, tools, organisation, rank in answers:
        row = data.get((cohort_id(pid), year))
        if row is None:
            continue  # suppressed: counted in another test
        compared += 1
        assert row["satisfaction"] == satisfaction
        assert row["income"] == income and row["income_code"] == income_code
        assert row["tools.kling"] == (kling if tools else None)
        assert row["aspects.organisation"] == organisation
        assert row["support_ranking.feedback"] == rank
    assert compared == len(data) > 300


def test_suppressed_rows_are_counted_in_the_readme(workbook: Path, cohort: Cohort) -> None:
    readme = {row["item 项目"]: row["value 内容"] for row in sheet_rows(workbook, "README")}
    data = sheet_rows(workbook, "Data")
    matching = int(readme["rows matching 符合条件行数"])
    suppressed = int(readme["rows suppressed 删除行数"])
    assert matching == 770 and suppressed > 0
    assert len(data) == matching - suppressed == int(readme["rows in Data 导出行数"])
    assert readme["k (minimum cell size 最小格子)"] == "5"
    assert readme["warehouse snapshot 数据快照"].startswith("wh-")
    assert readme["software 软件版本"].startswith("creatorpulse ")
    assert "location" in readme["quasi-identifiers 准标识符"]


def test_every_quasi_identifier_combination_has_at_least_k_people(workbook: Path) -> None:
    data = sheet_rows(workbook, "Data")
    classes = Counter((row["edition_year"], *(row[q] for q in QUASI)) for row in data)
    assert min(classes.values()) >= 5


def test_a_larger_k_coarsens_more_and_still_holds(reader: Reader) -> None:
    strict = build_cohort(reader, k=25, quasi_identifiers=QUASI)
    sizes = strict.data.group_by("edition_year", *QUASI).len()
    assert sizes["len"].min() >= 25


def test_summary_cells_under_k_show_as_less_than_k(workbook: Path) -> None:
    people = [row["people 人数"] for row in sheet_rows(workbook, "Summary")]
    assert people and all(p == "<5" or (isinstance(p, int) and p >= 5) for p in people)


def test_a_cohort_smaller_than_k_exports_no_rows_and_shows_counts_as_under_k(
    reader: Reader, tmp_path: Path
) -> None:
    population = reader.query("segment_population")
    few = population.filter(pl.col("edition_year") == 2024)["response_id"].head(4).to_list()
    small = build_cohort(reader, members=few, k=5)
    assert small.count_rows == 0 and small.count_suppressed == 4
    path = write_cohort_xlsx(small, tmp_path / "small.xlsx")
    summary = sheet_rows(path, "Summary")
    matching = [r for r in summary if str(r["dimension 维度"]).startswith("matching")]
    assert matching and all(r["people 人数"] == "<5" for r in matching)
    assert any(r["column 列名"] == "satisfaction" for r in sheet_rows(path, "Codebook"))


def test_no_pii_column_and_no_contact_value_leaves(workbook: Path, demo_settings: Settings) -> None:
    header = [str(h).lower() for h in sheet_rows(workbook, "Data")[0]]
    for banned in ("name", "nickname", "contact", "phone", "wechat", "email", "ip", "suggestion"):
        assert not any(banned in h.split(".")[0].split("_") or h == banned for h in header), banned
    assert "participant_id" not in header and "response_id" not in header
    secrets = {
        value
        for row in published_rows(
            demo_settings.home,
            "select participant_id, name_text, phone, wechat, email from pii_participant_contact",
        )
        for value in row
        if value
    }
    secrets |= {
        value
        for (value,) in published_rows(
            demo_settings.home,
            "select distinct other_text from fct_survey_answer where other_text is not null "
            "union select distinct answer_text from fct_survey_answer "
            "where question_id in ('suggestions', 'city')",
        )
        if value and len(value) > 3  # 3-letter texts may also be option keys or city names
    }
    cells = {str(cell.value) for cell in all_cells(workbook) if cell.value is not None}
    assert secrets and not cells & secrets


def test_chinese_text_is_intact(workbook: Path) -> None:
    codebook = sheet_rows(workbook, "Codebook")
    labels = {row["label_zh 中文标签"] for row in codebook}
    assert "您使用过哪些AI创作工具：可灵" in labels
    assert {"年龄段", "所在地", "性别"} <= labels
    readme = [row["value 内容"] for row in sheet_rows(workbook, "README")]
    assert any("研究者群体数据" in str(v) for v in readme)


def test_every_data_column_is_in_the_codebook_with_option_codes(workbook: Path) -> None:
    data_columns = list(sheet_rows(workbook, "Data")[0])
    codebook = sheet_rows(workbook, "Codebook")
    assert {row["column 列名"] for row in codebook} == set(data_columns)
    income = {row["value 取值"]: row for row in codebook if row["column 列名"] == "income"}
    assert income["none"]["option_code 选项编码"] == 1
    assert income["none"]["value_zh 取值中文"] == "没有收入"
    assert not any(c.startswith(("suggestions", "nickname", "contact")) for c in data_columns)


def test_formula_looking_text_stays_text(cohort: Cohort, tmp_path: Path) -> None:
    n = cohort.data.height
    planted = cohort.data.with_columns(
        pl.Series("role", [FORMULAS[i % len(FORMULAS)] for i in range(n)]),
        pl.Series("location", ['=HYPERLINK("http://x")'] * n),
    )
    readme = cohort.readme.with_columns(pl.lit("@SUM(1)").alias("value"))
    path = write_cohort_xlsx(
        dataclasses.replace(cohort, data=planted, readme=readme), tmp_path / "f.xlsx"
    )
    texts = [c for c in all_cells(path) if isinstance(c.value, str)]
    risky = [c for c in texts if c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert len(risky) >= 2 * n
    assert all(c.data_type == "s" for c in risky)
    assert {c.value for c in risky} >= set(FORMULAS)  # written as they are, not escaped


def test_formula_looking_labels_of_a_segment_stay_text(reader: Reader, tmp_path: Path) -> None:
    definition = CohortDefinition("x", "=cmd|' /C calc'!A0", "+1", {"role": ["@SUM(1)"]})
    path = write_cohort_xlsx(build_cohort(reader, definition), tmp_path / "s.xlsx")
    cohort_cell = next(c for c in load_workbook(path)["README"]["B"] if "calc" in str(c.value))
    assert cohort_cell.data_type == "s"


def test_ids_differ_between_exports_unless_stable(reader: Reader, cohort: Cohort) -> None:
    first = build_cohort(reader)
    second = build_cohort(reader)
    assert not set(first.data["cohort_id"]) & set(second.data["cohort_id"])
    again = build_cohort(reader, id_key=KEY, quasi_identifiers=QUASI)
    assert again.data["cohort_id"].to_list() == cohort.data["cohort_id"].to_list()


def test_a_preview_has_the_summary_readme_and_shape_of_the_full_cohort(reader: Reader) -> None:
    now = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    full = build_cohort(reader, k=5, value_label=value_label, now=now)
    preview = build_cohort(reader, k=5, value_label=value_label, now=now, preview=True)
    # (the summary's people column is an Object column: compared as rows)
    assert preview.summary.to_dicts() == full.summary.to_dicts()
    assert preview.readme.to_dicts() == full.readme.to_dicts()
    assert (preview.count_matching, preview.count_suppressed, preview.levels) == (
        full.count_matching,
        full.count_suppressed,
        full.levels,
    )
    # Same columns (a measure's integer-or-decimal type is decided by its values: not read)
    assert preview.data.columns == full.data.columns
    kept = ["edition_year", *QUASI]
    outcomes = {"cohort_id", "returned_next", "works_after_gala", *kept}
    shared = sorted(outcomes - {"cohort_id"})
    assert preview.data.select(shared).sort(shared).equals(full.data.select(shared).sort(shared))
    answers = [c for c in full.data.columns if c not in outcomes]
    answered = [c for c in answers if full.data[c].null_count() < full.data.height]
    assert answered, "the demo cohort has answers to leave out"
    # No answer and no id is read or drawn for a preview.
    assert all(preview.data[c].null_count() == preview.data.height for c in answers)
    assert preview.data["cohort_id"].null_count() == preview.data.height


def test_one_person_keeps_one_id_across_editions(cohort: Cohort, demo_settings: Settings) -> None:
    returning = published_rows(
        demo_settings.home,
        "select participant_id from mart_survey_response group by 1 having count(*) > 1",
    )
    ids = set(cohort.data["cohort_id"])
    both = [pid for (pid,) in returning if cohort_id(pid) in ids]
    per_id = cohort.data.group_by("cohort_id").len()
    assert both and per_id["len"].max() == 2


def test_members_and_editions_restrict_the_cohort(reader: Reader) -> None:
    population = reader.query("segment_population")
    members = population.filter(pl.col("role") == "product_manager")["response_id"]
    only = build_cohort(reader, members=members.to_list(), editions=[2025], k=2)
    assert (
        only.count_matching
        == population.filter(
            (pl.col("role") == "product_manager") & (pl.col("edition_year") == 2025)
        ).height
    )
    assert set(only.data["edition_year"]) == {2025}
    with pytest.raises(CohortError, match="nobody"):
        build_cohort(reader, members=[])


def test_data_splits_across_sheets_past_max_rows(cohort: Cohort, tmp_path: Path) -> None:
    path = write_cohort_xlsx(cohort, tmp_path / "split.xlsx", max_rows=101)
    titles = [t for t in load_workbook(path).sheetnames if t.startswith("Data")]
    expected = -(-cohort.count_rows // 100)
    assert titles == ["Data"] + [f"Data ({i})" for i in range(2, expected + 1)]
    ids = []
    for title in titles:
        rows = sheet_rows(path, title)
        assert next(iter(rows[0])) == "cohort_id" and len(rows) <= 100
        ids += [r["cohort_id"] for r in rows]
    assert ids == cohort.data["cohort_id"].to_list()
    readme = {r["item 项目"]: r["value 内容"] for r in sheet_rows(path, "README")}
    assert readme["Data sheets 数据表"] == ", ".join(titles)


def test_csv_alternative_is_utf8_with_bom_and_defuses_formulas(
    cohort: Cohort, tmp_path: Path
) -> None:
    planted = cohort.data.with_columns(pl.lit("=1+1").alias("role"))
    written = write_cohort_csv(dataclasses.replace(cohort, data=planted), tmp_path / "c.csv")
    assert [p.name for p in written] == [
        "c.csv",
        "c.readme.csv",
        "c.codebook.csv",
        "c.summary.csv",
    ]
    for path in written:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    text = written[0].read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("cohort_id,edition_year,")
    assert "'=1+1" in text and ",=1+1" not in text
    assert "可灵" in written[2].read_text(encoding="utf-8-sig")


def test_generalisation_coarsens_step_by_step_then_suppresses() -> None:
    frame = pl.DataFrame(
        {
            "edition_year": [2024] * 7,
            "age_band": ["25_29", "30_34", "25_29", "30_34", "30_34", "30_34", "50_plus"],
            "age_band_coarse": ["25_34"] * 6 + ["45_plus"],
        }
    )
    out, levels, steps = generalise(frame, ["age_band"], k=3)
    # 5-year bands leave 25-29 (2) and 50+ (1) under k; coarse bands rescue the 25-29s; the wide
    # band would rescue nobody more, so it is not applied.
    assert levels == {"age_band": 1} and len(steps) == 1
    assert out["age_band"].to_list() == ["25_34"] * 6 + ["45_plus"]
    assert out.filter(pl.col("class_size") < 3).height == 1  # the one 50+ person


def _reference_generalise(
    frame: pl.DataFrame, quasi: tuple[str, ...], k: int
) -> tuple[dict[str, int], list[int]]:
    """The greedy search written the plain way: every candidate scored over every row."""
    from warehouse.cohort import QUASI_IDENTIFIERS

    keys = ["edition_year", *quasi]

    def at(levels: dict[str, int]) -> pl.DataFrame:
        return frame.with_columns(QUASI_IDENTIFIERS[q][v].expr.alias(q) for q, v in levels.items())

    def small(levels: dict[str, int]) -> int:
        sized = at(levels).with_columns(pl.len().over(keys).alias("n"))
        return sized.filter(pl.col("n") < k).height

    def distinct(q: str, levels: dict[str, int]) -> int:
        return frame.select(QUASI_IDENTIFIERS[q][levels[q]].expr.n_unique()).item()

    levels = dict.fromkeys(quasi, 0)
    history = [(dict(levels), small(levels))]
    while history[-1][1] > 0:
        options = [q for q in quasi if levels[q] + 1 < len(QUASI_IDENTIFIERS[q])]
        if not options:
            break
        scored = [(small(levels | {q: levels[q] + 1}), -distinct(q, levels), q) for q in options]
        best, _, chosen = min(scored)
        levels[chosen] += 1
        history.append((dict(levels), best))
    best_at = min(range(len(history)), key=lambda i: (history[i][1], i))
    return history[best_at][0], [small for _levels, small in history[1 : best_at + 1]]


def test_generalisation_on_grouped_rows_matches_the_row_by_row_search() -> None:
    """The search scores candidates on distinct combinations with their counts; it must choose
    the levels and sizes a row-by-row search would, nulls included (seeded random people)."""
    rng = random.Random(7)
    cities = [
        ("上海", "上海", "tier1", False),
        ("成都", "四川", "new_tier1", False),
        ("扬州", "江苏", "tier3", False),
        ("伦敦", None, "overseas", True),
        (None, None, None, None),
    ]
    rows = []
    for _ in range(3000):
        city, province, tier, overseas = rng.choice(cities)
        age = rng.choice(["under_18", "18_24", "25_29", "30_34", "35_39", "40_44", "50_plus", None])
        rows.append(
            {
                "edition_year": rng.choice([2024, 2025, 2026]),
                "age_band": age,
                "age_band_coarse": {
                    "25_29": "25_34",
                    "30_34": "25_34",
                    "35_39": "35_44",
                    "40_44": "35_44",
                    "50_plus": "45_plus",
                }.get(age or "", age),
                "gender": rng.choice(["female", "male", "other", "undisclosed", None]),
                "city_zh": city,
                "province_zh": province,
                "city_tier": tier,
                "is_overseas": overseas,
                "role": rng.choice(
                    ["product_manager", "engineer", "student", "founder", "other", None]
                ),
            }
        )
    frame = pl.DataFrame(rows)
    for k in (2, 5, 11, 40):
        out, levels, steps = generalise(frame, QUASI, k=k)
        want_levels, want_small = _reference_generalise(frame, QUASI, k)
        assert levels == want_levels, k
        # each step says how many rows were still in classes under k
        assert [int(step.rsplit("(", 1)[1].split()[0]) for step in steps] == want_small, k
        sizes = out.with_columns(pl.len().over(["edition_year", *QUASI]).alias("n"))
        assert sizes["class_size"].to_list() == sizes["n"].to_list()
        assert out.height == frame.height
