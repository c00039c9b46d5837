"""Behaviour of the gender normaliser."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest
import yaml

from survey.normalise import GENDER_CODES, normalise_gender, normalise_gender_series

QUESTIONNAIRE = Path(__file__).parents[2] / "survey" / "questionnaires" / "aigala-participant.yaml"


@pytest.mark.parametrize(
    ("value", "status", "code"),
    [
        pytest.param("男", "mapped", "male", id="男"),
        pytest.param("男性", "mapped", "male", id="男性"),
        pytest.param("男生", "mapped", "male", id="男生"),
        pytest.param("先生", "mapped", "male", id="先生"),
        pytest.param("M", "mapped", "male", id="M"),
        pytest.param("male", "mapped", "male", id="male"),
        pytest.param(" Male ", "mapped", "male", id="capitalised and padded Male"),
        pytest.param("女", "mapped", "female", id="女"),
        pytest.param("女性", "mapped", "female", id="女性"),
        pytest.param("女生", "mapped", "female", id="女生"),
        pytest.param("女士", "mapped", "female", id="女士"),
        pytest.param("F", "mapped", "female", id="F"),
        pytest.param("Ｆｅｍａｌｅ", "mapped", "female", id="full-width Female"),
        pytest.param("其他", "mapped", "other", id="其他"),
        pytest.param("非二元", "mapped", "other", id="非二元"),
        pytest.param("other", "mapped", "other", id="other"),
        pytest.param("保密", "mapped", "undisclosed", id="保密"),
        pytest.param("不愿透露", "mapped", "undisclosed", id="不愿透露"),
        pytest.param("Prefer not to say", "mapped", "undisclosed", id="prefer not to say"),
        pytest.param("武装直升机", "unmapped", None, id="anything else is unmapped"),
        pytest.param("男女", "unmapped", None, id="both is not a gender we can map"),
        pytest.param(None, "blank", None, id="None"),
        pytest.param("  ", "blank", None, id="whitespace"),
    ],
)
def test_gender_answers_map_to_codes(value: object, status: str, code: str | None) -> None:
    result = normalise_gender(value)
    assert (result.status, result.code) == (status, code)
    assert (result.reason is None) == (status != "unmapped")


def test_every_questionnaire_gender_label_and_key_maps_to_its_own_code() -> None:
    questionnaire = yaml.safe_load(QUESTIONNAIRE.read_text(encoding="utf-8"))
    gender = next(q for q in questionnaire["questions"] if q["id"] == "gender")
    assert tuple(option["key"] for option in gender["options"]) == GENDER_CODES
    for option in gender["options"]:
        for label in (option["zh"], option["en"], option["key"]):
            assert normalise_gender(label).code == option["key"], label


def test_unmapped_gender_keeps_the_raw_answer() -> None:
    result = normalise_gender("武装直升机")
    assert result.raw == "武装直升机"
    assert result.reason == "no gender matched"


def test_the_series_helper_matches_the_scalar_function_row_by_row() -> None:
    values = ["男", None, "女士", "保密", "男", "？？", None]
    frame = normalise_gender_series(pl.Series("gender", values))
    assert frame.columns == ["gender_raw", "gender_status", "gender_reason", "gender_code"]
    expected = [
        {f"gender_{k}": v for k, v in dataclasses.asdict(normalise_gender(value)).items()}
        for value in values
    ]
    assert frame.to_dicts() == expected


def test_the_series_helper_accepts_categorical_columns() -> None:
    series = pl.Series("gender", ["男", "女", None, "男"], dtype=pl.Categorical)
    frame = normalise_gender_series(series)
    assert frame["gender_code"].to_list() == ["male", "female", None, "male"]
