"""Age answers of any band scheme keep their interval and land in a canonical or broad band."""

from __future__ import annotations

import polars as pl
import pytest

from survey.normalise import (
    AGE_BANDS,
    BROAD_AGE_BANDS,
    broad_age_band,
    normalise_age,
    normalise_age_interval,
    normalise_age_interval_series,
)


@pytest.mark.parametrize(
    ("value", "band", "low", "high", "broad", "exact"),
    [
        # 问卷星's own scheme
        pytest.param("16岁以下", "under_18", 0, 15, "under_18", True, id="问卷星 16岁以下"),
        pytest.param("16~19岁", None, 16, 19, "under_18", False, id="问卷星 16~19 straddles 18"),
        pytest.param("20~29岁", None, 20, 29, "18_34", True, id="问卷星 20~29"),
        pytest.param(
            "30~39岁", None, 30, 39, "18_34", False, id="问卷星 30~39, a tie goes younger"
        ),
        pytest.param("40~49岁", None, 40, 49, "35_49", True, id="问卷星 40~49"),
        pytest.param("50~59岁", "50_plus", 50, 59, "50_plus", True, id="问卷星 50~59"),
        pytest.param("60岁以上", "50_plus", 60, None, "50_plus", True, id="问卷星 60岁以上"),
        # Kaggle
        pytest.param("18-21", "18_24", 18, 21, "18_34", True, id="Kaggle 18-21"),
        pytest.param("22-24", "18_24", 22, 24, "18_34", True, id="Kaggle 22-24"),
        pytest.param("70+", "50_plus", 70, None, "50_plus", True, id="Kaggle 70+"),
        # YouTube Studio (en dash) and Qualtrics/SurveyMonkey wording
        pytest.param("13–17 years", "under_18", 13, 17, "under_18", True, id="YouTube en dash"),
        pytest.param("18-24 years", "18_24", 18, 24, "18_34", True, id="YouTube 18-24 years"),
        pytest.param("45–54 years", None, 45, 54, "35_49", False, id="YouTube 45-54 straddles"),
        pytest.param("65+ years", "50_plus", 65, None, "50_plus", True, id="YouTube 65+ years"),
        pytest.param("Under 18", "under_18", 0, 17, "under_18", True, id="Under 18"),
        pytest.param("25 to 34", None, 25, 34, "18_34", True, id="25 to 34"),
        pytest.param("85 or older", "50_plus", 85, None, "50_plus", True, id="85 or older"),
        pytest.param("18 and under", None, 0, 18, "under_18", False, id="18 and under includes 18"),
        # single ages, Chinese numerals and birth years (reference year 2024)
        pytest.param("27", "25_29", 27, 27, "18_34", True, id="a plain age"),
        pytest.param("27岁", "25_29", 27, 27, "18_34", True, id="an age with 岁"),
        pytest.param("二十五岁", "25_29", 25, 25, "18_34", True, id="Chinese numerals"),
        pytest.param("1990", "30_34", 34, 34, "18_34", True, id="a birth year"),
        pytest.param("1990年", "30_34", 34, 34, "18_34", True, id="a birth year with 年"),
        pytest.param("90后", None, 25, 34, "18_34", True, id="a decade cohort 90后"),
        pytest.param("30岁以上", None, 30, None, "18_34", False, id="an open band counts 10 years"),
    ],
)
def test_every_clean_band_lands_in_a_band_with_its_interval(
    value: str, band: str | None, low: int, high: int | None, broad: str, exact: bool
) -> None:
    result = normalise_age_interval(value, reference_year=2024)
    assert result.status == "mapped"
    assert (result.band, result.low, result.high) == (band, low, high)
    assert (result.broad_band, result.is_broad_exact) == (broad, exact)


def test_a_straddling_band_lists_the_canonical_bands_it_overlaps() -> None:
    result = normalise_age_interval("40~49岁")
    assert result.canonical_bands == ("40_44", "45_49")
    assert result.kind == "range"
    assert normalise_age_interval("16~19岁").canonical_bands == ("under_18", "18_24")


def test_the_boundaries_of_the_broad_bands_are_inclusive() -> None:
    assert normalise_age_interval("17").broad_band == "under_18"
    assert normalise_age_interval("18").broad_band == "18_34"
    assert normalise_age_interval("34").broad_band == "18_34"
    assert normalise_age_interval("35").broad_band == "35_49"
    assert normalise_age_interval("49").broad_band == "35_49"
    assert normalise_age_interval("50").broad_band == "50_plus"


def test_the_canonical_band_boundaries_are_those_of_normalise_age() -> None:
    for value, band in [("17岁", "under_18"), ("18岁", "18_24"), ("24", "18_24"), ("25", "25_29")]:
        assert normalise_age_interval(value).band == band == normalise_age(value).band


def test_birth_years_use_the_reference_year() -> None:
    assert normalise_age_interval("1990", reference_year=2026).years == 36
    assert normalise_age_interval("1990", reference_year=2026).band == "35_39"
    cohort = normalise_age_interval("00后", reference_year=2026)
    assert (cohort.low, cohort.high, cohort.kind) == (17, 26, "generation")


def test_each_canonical_band_nests_in_one_broad_band() -> None:
    nests = {band: broad_age_band(band) for band in AGE_BANDS}
    assert set(nests.values()) == set(BROAD_AGE_BANDS)
    for band in AGE_BANDS:
        assert normalise_age_interval(band).is_broad_exact is True
    assert nests["45_49"] == "35_49"


def test_text_that_is_not_an_age_stays_unmapped_and_impossible_ages_are_invalid() -> None:
    refusal = normalise_age_interval("不愿透露")
    assert (refusal.status, refusal.reason, refusal.broad_band) == ("unmapped", "not an age", None)
    assert normalise_age_interval("Prefer not to say").status == "unmapped"
    assert normalise_age_interval("150").status == "invalid"
    assert normalise_age_interval("3-5岁").status == "invalid"
    assert normalise_age_interval(None).status == "blank"


def test_the_strict_reading_still_leaves_straddling_bands_unmapped() -> None:
    # normalise_age (used by the ingest) keeps its contract; the new forms only add mappings.
    assert normalise_age("40~49岁").status == "unmapped"
    assert normalise_age("65+ years").band == "50_plus"
    assert normalise_age("55 or older").band == "50_plus"
    assert normalise_age("13–17 years").band == "under_18"


def test_the_series_helper_returns_one_row_per_input_row() -> None:
    series = pl.Series(["16~19岁", "60岁以上", "不详", None, "16~19岁"])
    frame = normalise_age_interval_series(series, reference_year=2024)
    assert frame.height == 5
    assert frame["age_high"].to_list() == [19, None, None, None, 19]
    assert frame["age_broad_band"].to_list() == ["under_18", "50_plus", None, None, "under_18"]
    assert frame["age_canonical_bands"].to_list()[0] == ["under_18", "18_24"]
    assert frame["age_status"].to_list() == ["mapped", "mapped", "unmapped", "blank", "mapped"]
