"""Behaviour of the age normaliser: ages, birth years, generation labels and age bands."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest
import yaml

from survey.normalise import (
    AGE_BANDS,
    AgeResult,
    coarse_age_band,
    normalise_age,
    normalise_age_series,
)

QUESTIONNAIRE = Path(__file__).parents[2] / "survey" / "questionnaires" / "aigala-participant.yaml"


@pytest.mark.parametrize(
    ("value", "status", "band", "years"),
    [
        pytest.param(28, "mapped", "25_29", 28, id="an int is an age in years"),
        pytest.param(28.0, "mapped", "25_29", 28, id="a float from a spreadsheet is an age"),
        pytest.param(28.7, "mapped", "25_29", 28, id="fractions are floored to completed years"),
        pytest.param("28", "mapped", "25_29", 28, id="a numeric string is an age"),
        pytest.param("28岁", "mapped", "25_29", 28, id="岁 suffix"),
        pytest.param("28周岁", "mapped", "25_29", 28, id="周岁 suffix"),
        pytest.param(" 28 岁 ", "mapped", "25_29", 28, id="spaces are ignored"),
        pytest.param("２８", "mapped", "25_29", 28, id="full-width digits"),
        pytest.param("二十八岁", "mapped", "25_29", 28, id="Chinese numerals"),
        pytest.param("十八", "mapped", "18_24", 18, id="Chinese numeral without unit"),
        pytest.param("今年28岁左右", "mapped", "25_29", 28, id="fillers around the age"),
        pytest.param("1996", "mapped", "25_29", 28, id="a four-digit birth year"),
        pytest.param("1996年", "mapped", "25_29", 28, id="birth year with 年"),
        pytest.param("1996年生", "mapped", "25_29", 28, id="birth year with 年生"),
        pytest.param("1996-05-12", "mapped", "25_29", 28, id="a birth date"),
        pytest.param("一九九六年", "mapped", "25_29", 28, id="birth year in Chinese numerals"),
        pytest.param("96年", "mapped", "25_29", 28, id="a two-digit birth year"),
        pytest.param("05年", "mapped", "18_24", 19, id="a two-digit year in this century"),
        pytest.param("96后", "mapped", "25_29", 28, id="a generation label is a birth year"),
        pytest.param("九五后", "mapped", "25_29", 29, id="generation label in Chinese numerals"),
        pytest.param("90后", "unmapped", None, None, id="a decade cohort spanning two bands"),
        pytest.param("25-29岁", "mapped", "25_29", None, id="the questionnaire band label"),
        pytest.param("25~29岁", "mapped", "25_29", None, id="tilde range"),
        pytest.param("25～29", "mapped", "25_29", None, id="full-width tilde range"),
        pytest.param("25至29岁", "mapped", "25_29", None, id="至 range"),
        pytest.param("25-29", "mapped", "25_29", None, id="range without unit"),
        pytest.param("二十五到二十九岁", "mapped", "25_29", None, id="range in Chinese numerals"),
        pytest.param("26-28岁", "mapped", "25_29", None, id="a range inside one band"),
        pytest.param("25-34岁", "unmapped", None, None, id="a range spanning two bands"),
        pytest.param("18岁以下", "mapped", "under_18", None, id="under 18"),
        pytest.param("16岁以下", "mapped", "under_18", None, id="under 16 is under 18"),
        pytest.param("未满18岁", "mapped", "under_18", None, id="未满18"),
        pytest.param("Under 18", "mapped", "under_18", None, id="English under 18"),
        pytest.param("50岁以上", "mapped", "50_plus", None, id="50 and over"),
        pytest.param("50岁及以上", "mapped", "50_plus", None, id="50岁及以上 label"),
        pytest.param("60岁以上", "mapped", "50_plus", None, id="60 and over is 50 plus"),
        pytest.param("50+", "mapped", "50_plus", None, id="50 plus sign"),
        pytest.param("40岁以上", "unmapped", None, None, id="an open band over several bands"),
        pytest.param("45_49", "mapped", "45_49", None, id="a band key"),
        pytest.param(150, "invalid", None, None, id="age 150 is impossible"),
        pytest.param("3", "invalid", None, None, id="age 3 is impossible"),
        pytest.param("-5", "invalid", None, None, id="a negative age"),
        pytest.param("2020", "invalid", None, None, id="a birth year giving age 4"),
        pytest.param("2030年", "invalid", None, None, id="a birth year in the future"),
        pytest.param("3-5岁", "invalid", None, None, id="a band entirely below 10"),
        pytest.param("保密", "unmapped", None, None, id="a refusal is not an age"),
        pytest.param("中年", "unmapped", None, None, id="words are not an age"),
        pytest.param("1990-1995", "unmapped", None, None, id="a range of years is not a date"),
        pytest.param(None, "blank", None, None, id="None"),
        pytest.param("", "blank", None, None, id="empty string"),
        pytest.param("　 ", "blank", None, None, id="ideographic space only"),
        pytest.param(float("nan"), "blank", None, None, id="NaN from a spreadsheet"),
    ],
)
def test_age_answers_map_to_the_expected_band(
    value: object, status: str, band: str | None, years: int | None
) -> None:
    result = normalise_age(value)
    assert (result.status, result.band, result.years) == (status, band, years)
    assert (result.reason is None) == (status in {"mapped", "blank"})


def test_a_birth_year_maps_to_the_band_of_the_reference_year() -> None:
    assert normalise_age("1996", reference_year=2024).band == "25_29"
    later = normalise_age("1996", reference_year=2030)
    assert (later.band, later.years) == ("30_34", 34)
    assert normalise_age("96后", reference_year=2030).band == "30_34"


def test_an_age_is_not_affected_by_the_reference_year() -> None:
    assert normalise_age("28", reference_year=2030).years == 28


def test_a_band_spanning_canonical_bands_says_so() -> None:
    assert normalise_age("25-34岁").reason == "band 25-34 spans several canonical bands"
    assert normalise_age("40岁以上").reason == "band 40+ spans several canonical bands"


def test_an_impossible_age_says_why() -> None:
    assert normalise_age(150).reason == "age 150 out of range 10-100"
    assert normalise_age("2020").reason == "birth year 2020 gives age 4, out of range 10-100"


def test_the_boundaries_10_and_100_are_valid_ages() -> None:
    assert [normalise_age(v).status for v in (9, 10, 100, 101)] == [
        "invalid",
        "mapped",
        "mapped",
        "invalid",
    ]


def test_raw_is_the_input_verbatim_as_text() -> None:
    assert normalise_age(" ２８岁 ").raw == " ２８岁 "
    assert normalise_age(28.0).raw == "28.0"
    assert normalise_age(None).raw is None


def test_results_are_immutable() -> None:
    result = normalise_age("28")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.band = "30_34"  # type: ignore[misc]


def test_age_bands_are_the_questionnaire_option_keys() -> None:
    questionnaire = yaml.safe_load(QUESTIONNAIRE.read_text(encoding="utf-8"))
    age = next(q for q in questionnaire["questions"] if q["id"] == "age")
    assert tuple(str(option["key"]) for option in age["options"]) == AGE_BANDS


def test_every_questionnaire_age_label_maps_to_its_own_band() -> None:
    questionnaire = yaml.safe_load(QUESTIONNAIRE.read_text(encoding="utf-8"))
    age = next(q for q in questionnaire["questions"] if q["id"] == "age")
    for option in age["options"]:
        assert normalise_age(option["zh"]).band == option["key"]
        assert normalise_age(option["en"]).band == option["key"]


@pytest.mark.parametrize(
    ("band", "coarse"),
    [
        ("under_18", "under_18"),
        ("18_24", "18_24"),
        ("25_29", "25_34"),
        ("30_34", "25_34"),
        ("35_39", "35_44"),
        ("40_44", "35_44"),
        ("45_49", "45_plus"),
        ("50_plus", "45_plus"),
        (None, None),
    ],
)
def test_coarse_age_band_merges_neighbouring_bands(band: str | None, coarse: str | None) -> None:
    assert coarse_age_band(band) == coarse


def test_coarse_age_band_rejects_an_unknown_band() -> None:
    with pytest.raises(ValueError, match="unknown age band"):
        coarse_age_band("25-29")


def test_the_series_helper_matches_the_scalar_function_row_by_row() -> None:
    values = ["28", None, "1996年", "25-34岁", "28", "150", "保密", None, "２８"]
    series = pl.Series("age", values)
    frame = normalise_age_series(series)
    assert frame.columns == ["age_raw", "age_status", "age_reason", "age_band", "age_years"]
    assert frame.height == len(values)
    expected = [
        {f"age_{k}": v for k, v in dataclasses.asdict(normalise_age(value)).items()}
        for value in values
    ]
    assert frame.to_dicts() == expected
    assert frame["age_raw"].to_list() == values  # row order and nulls kept


def test_the_series_helper_handles_numeric_columns_and_nan() -> None:
    series = pl.Series("age", [28.0, float("nan"), None, 28.0, 1996.0])
    frame = normalise_age_series(series)
    assert frame["age_status"].to_list() == ["mapped", "blank", "blank", "mapped", "mapped"]
    assert frame["age_years"].to_list() == [28, None, None, 28, 28]


def test_the_series_helper_passes_the_reference_year_and_leaves_the_input_alone() -> None:
    series = pl.Series("age", ["1996", "1996"])
    before = series.clone()
    frame = normalise_age_series(series, reference_year=2030)
    assert frame["age_band"].to_list() == ["30_34", "30_34"]
    assert series.equals(before)


def test_the_series_helper_accepts_an_empty_column() -> None:
    frame = normalise_age_series(pl.Series("age", [], dtype=pl.String))
    assert frame.shape == (0, 5)
    assert isinstance(normalise_age("28"), AgeResult)
