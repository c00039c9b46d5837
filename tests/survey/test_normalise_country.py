"""Country answers in English and Chinese map to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import re

import polars as pl
import pycountry
import pytest

from survey.normalise import (
    GREATER_CHINA,
    display_group,
    normalise_country,
    normalise_country_series,
)
from survey.normalise.country import country_names


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("United States of America", "US", id="Kaggle United States of America"),
        pytest.param("Viet Nam", "VN", id="ISO Viet Nam"),
        pytest.param("Vietnam", "VN", id="common Vietnam"),
        pytest.param("Iran, Islamic Republic of...", "IR", id="Kaggle Iran with dots"),
        pytest.param("South Korea", "KR", id="South Korea"),
        pytest.param("Republic of Korea", "KR", id="Kaggle Republic of Korea"),
        pytest.param("UK", "GB", id="UK"),
        pytest.param(
            "United Kingdom of Great Britain and Northern Ireland", "GB", id="Kaggle UK long form"
        ),
        pytest.param("Hong Kong (S.A.R.)", "HK", id="Kaggle Hong Kong"),
        pytest.param("People 's Republic of China", "CN", id="Kaggle 2018 China"),
        pytest.param("Russia", "RU", id="Russia"),
        pytest.param("Türkiye", "TR", id="Türkiye"),
        pytest.param("Turkey", "TR", id="Turkey"),
        pytest.param("Czech Republic", "CZ", id="Czech Republic"),
        pytest.param("the Netherlands", "NL", id="a leading the"),
        pytest.param("  nigeria ", "NG", id="case and spaces ignored"),
        pytest.param("美国", "US", id="美国"),
        pytest.param("英国", "GB", id="英国"),
        pytest.param("日本", "JP", id="日本"),
        pytest.param("中国", "CN", id="中国"),
        pytest.param("中国大陆", "CN", id="中国大陆"),
        pytest.param("中国（大陆）", "CN", id="中国 with full-width parentheses"),
        pytest.param("韩国", "KR", id="韩国"),
        pytest.param("大韩民国", "KR", id="the ISO Chinese name"),
        pytest.param("德國", "DE", id="traditional characters"),
        pytest.param("俄罗斯", "RU", id="俄罗斯"),
        pytest.param("越南", "VN", id="越南"),
        pytest.param("印度尼西亚", "ID", id="印度尼西亚"),
        pytest.param("印尼", "ID", id="印尼"),
        pytest.param("巴西", "BR", id="巴西 from the iso-codes translation"),
        pytest.param("埃塞俄比亚", "ET", id="埃塞俄比亚 from the iso-codes translation"),
    ],
)
def test_country_names_map_to_iso_codes(value: str, code: str) -> None:
    result = normalise_country(value)
    assert (result.status, result.code, result.is_recognised) == ("mapped", code, True)
    assert result.reason is None


@pytest.mark.parametrize(
    ("value", "code", "name_zh"),
    [
        pytest.param("中国香港", "HK", "中国香港", id="中国香港"),
        pytest.param("香港", "HK", "中国香港", id="香港"),
        pytest.param("Hong Kong", "HK", "中国香港", id="Hong Kong"),
        pytest.param("澳门", "MO", "中国澳门", id="澳门"),
        pytest.param("Macau", "MO", "中国澳门", id="Macau"),
        pytest.param("台湾", "TW", "中国台湾", id="台湾"),
        pytest.param("Taiwan", "TW", "中国台湾", id="Taiwan"),
    ],
)
def test_hong_kong_macao_and_taiwan_keep_their_own_codes(
    value: str, code: str, name_zh: str
) -> None:
    result = normalise_country(value)
    assert (result.code, result.name_zh) == (code, name_zh)
    assert result.display_group == "CN"


def test_a_filter_on_cn_counts_only_what_the_source_counted_as_cn() -> None:
    answers = ["中国", "中国大陆", "香港", "台湾", "澳门", "美国"]
    codes = [normalise_country(a).code for a in answers]
    assert codes.count("CN") == 2
    groups = [normalise_country(a).display_group for a in answers]
    assert groups.count("CN") == 5


def test_the_display_group_is_the_code_outside_greater_china() -> None:
    assert {"CN", "HK", "MO", "TW"} == GREATER_CHINA
    assert display_group("JP") == "JP"
    assert display_group("TW") == "CN"
    assert display_group(None) is None


def test_results_carry_english_and_chinese_display_names() -> None:
    result = normalise_country("Republic of Korea")
    assert (result.name_en, result.name_zh) == ("South Korea", "韩国")
    assert country_names("IR") == ("Iran", "伊朗")
    assert normalise_country("美国").name_en == "United States"


def test_undisclosed_other_and_unknown_are_unmapped_with_the_text_kept() -> None:
    hidden = normalise_country("I do not wish to disclose my location")
    assert (hidden.status, hidden.code, hidden.is_undisclosed) == ("unmapped", None, True)
    assert hidden.raw == "I do not wish to disclose my location"
    other = normalise_country("Other")
    assert (other.status, other.reason, other.is_recognised) == (
        "unmapped",
        "other, no country named",
        False,
    )
    unknown = normalise_country("火星殖民地")
    assert (unknown.status, unknown.reason, unknown.raw) == (
        "unmapped",
        "unknown country",
        "火星殖民地",
    )
    assert normalise_country("保密").is_undisclosed


def test_bare_two_letter_answers_are_not_read_as_iso_codes() -> None:
    assert normalise_country("NO").status == "unmapped"  # "no", not Norway
    assert normalise_country("IN").status == "unmapped"
    assert normalise_country("US").code == "US"  # listed in country_aliases.yaml


def test_nothing_given_is_blank() -> None:
    assert normalise_country(None).status == "blank"
    assert normalise_country("  ").status == "blank"


def test_the_series_helper_returns_one_row_per_input_row() -> None:
    series = pl.Series(["美国", None, "美国", "Viet Nam", "未知之地"])
    frame = normalise_country_series(series)
    assert frame.height == 5
    assert frame["country_code"].to_list() == ["US", None, "US", "VN", None]
    assert frame["country_status"].to_list() == [
        "mapped",
        "blank",
        "mapped",
        "mapped",
        "unmapped",
    ]
    assert frame["country_is_recognised"].to_list() == [True, False, True, True, False]


def test_every_iso_country_has_a_chinese_name_that_maps_back_to_it() -> None:
    for country in pycountry.countries:
        name_en, name_zh = country_names(country.alpha_2)
        assert re.search(r"[\u4e00-\u9fff]", name_zh), (country.alpha_2, name_zh)
        assert normalise_country(name_zh).code == country.alpha_2, (country.alpha_2, name_zh)
        assert normalise_country(name_en).code == country.alpha_2, (country.alpha_2, name_en)
