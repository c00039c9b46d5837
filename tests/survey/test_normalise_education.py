"""Highest-education answers map to a seven-step scale."""

from __future__ import annotations

import polars as pl
import pytest

from survey.normalise import EDUCATION_LEVELS, normalise_education, normalise_education_series


@pytest.mark.parametrize(
    ("value", "level"),
    [
        pytest.param("初中及以下", "below_secondary", id="初中及以下"),
        pytest.param("小学", "below_secondary", id="小学"),
        pytest.param("高中", "secondary", id="高中"),
        pytest.param("高中/中专/技校", "secondary", id="levels that agree"),
        pytest.param("No formal education past high school", "secondary", id="Kaggle high school"),
        pytest.param(
            "Some college/university study without earning a bachelor’s degree",
            "some_college",
            id="Kaggle some college",
        ),
        pytest.param("大专", "associate", id="大专"),
        pytest.param("大学专科", "associate", id="大学专科"),
        pytest.param(
            "大专或大学非本科", "associate", id="问卷星 大专或大学非本科: a negated level"
        ),
        pytest.param("硕士及以上", "master", id="硕士及以上"),
        pytest.param("本科", "bachelor", id="本科"),
        pytest.param("大学本科", "bachelor", id="大学本科"),
        pytest.param("本科及以上", "bachelor", id="the lower bound of 及以上"),
        pytest.param("Bachelor’s degree", "bachelor", id="curly apostrophe"),
        pytest.param("Bachelor's degree", "bachelor", id="straight apostrophe"),
        pytest.param("硕士", "master", id="硕士"),
        pytest.param("研究生", "master", id="研究生 is a master"),
        pytest.param("硕士研究生", "master", id="硕士研究生"),
        pytest.param("Master’s degree", "master", id="Master’s degree"),
        pytest.param("MBA", "master", id="MBA"),
        pytest.param("博士", "doctorate", id="博士"),
        pytest.param("博士研究生", "doctorate", id="博士研究生 is a doctorate"),
        pytest.param("Doctoral degree", "doctorate", id="Doctoral degree"),
        pytest.param("Professional doctorate", "doctorate", id="Professional doctorate"),
    ],
)
def test_education_answers_map_to_levels(value: str, level: str) -> None:
    result = normalise_education(value)
    assert (result.status, result.level) == ("mapped", level)
    assert result.rank == EDUCATION_LEVELS.index(level) + 1


def test_levels_are_ordered_lowest_first() -> None:
    ranks = [normalise_education(v).rank for v in ("初中", "高中", "大专", "本科", "硕士", "博士")]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == 6


def test_studying_for_a_level_is_marked_in_progress() -> None:
    result = normalise_education("本科在读")
    assert (result.level, result.is_in_progress) == ("bachelor", True)
    assert normalise_education("本科").is_in_progress is False


def test_ambiguous_and_unknown_answers_are_unmapped_with_a_reason() -> None:
    professional = normalise_education("Professional degree")
    assert professional.status == "unmapped"
    assert professional.reason == "professional degree: its level differs by country"
    several = normalise_education("大专/本科")
    assert (several.status, several.reason) == (
        "unmapped",
        "several levels named: associate, bachelor",
    )
    assert normalise_education("家里蹲").reason == "no education level matched"
    assert normalise_education("其它").reason == "other, no level named"


def test_a_refusal_is_undisclosed_without_a_rank() -> None:
    result = normalise_education("I prefer not to answer")
    assert (result.status, result.level, result.rank) == ("mapped", "undisclosed", None)


def test_the_series_helper_returns_one_row_per_input_row() -> None:
    frame = normalise_education_series(pl.Series(["本科", None, "博士", "本科"]))
    assert frame["education_level"].to_list() == ["bachelor", None, "doctorate", "bachelor"]
    assert frame["education_rank"].to_list() == [5, None, 7, 5]
