"""Behaviour of the city normaliser and sanity of the city tables it reads."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import polars as pl
import pytest
import yaml

from survey.normalise import CITY_TIERS, normalise_city, normalise_city_series

DATA = Path(__file__).parents[2] / "survey" / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("value", "city_id", "city_zh"),
    [
        pytest.param("上海", "310000", "上海", id="city name"),
        pytest.param("上海市", "310000", "上海", id="city name with 市"),
        pytest.param("上海市浦东新区", "310000", "上海", id="city plus district"),
        pytest.param("浦东新区", "310000", "上海", id="district alone"),
        pytest.param("浦东", "310000", "上海", id="district short name"),
        pytest.param("Shanghai", "310000", "上海", id="English name"),
        pytest.param("shanghai", "310000", "上海", id="lower-case English name"),
        pytest.param("SH", "310000", "上海", id="abbreviation"),
        pytest.param("ＳＨ", "310000", "上海", id="full-width abbreviation"),
        pytest.param("沪", "310000", "上海", id="one-character alias"),
        pytest.param("魔都", "310000", "上海", id="nickname"),
        pytest.param("上海-上海", "310000", "上海", id="问卷星 province-city form"),
        pytest.param("183.192.16.69(上海-上海)", "310000", "上海", id="问卷星 IP column"),
        pytest.param("183.192.16.69（上海-上海）", "310000", "上海", id="IP column, full width"),
        pytest.param("中国上海", "310000", "上海", id="leading 中国"),
        pytest.param("上海 浦东", "310000", "上海", id="city and district with a space"),
        pytest.param("山西-晋城", "140500", "晋城", id="province-city form"),
        pytest.param("吉林-吉林", "220200", "吉林", id="city named like its province"),
        pytest.param("吉林省长春市", "220100", "长春", id="full province and city"),
        pytest.param("广东深圳", "440300", "深圳", id="province glued to city"),
        pytest.param("深圳南山", "440300", "深圳", id="city glued to district"),
        pytest.param("鹏城", "440300", "深圳", id="深圳 nickname"),
        pytest.param("杭州市西湖区", "330100", "杭州", id="city with 市 and district"),
        pytest.param("西湖区", "330100", "杭州", id="ambiguous district goes to the bigger city"),
        pytest.param("朝阳区", "110000", "北京", id="朝阳区 is Beijing's, not 长春's"),
        pytest.param("朝阳", "211300", "朝阳", id="a city name beats a district name"),
        pytest.param("黑龙江南山区", "230400", "鹤岗", id="a named province narrows districts"),
        pytest.param("昆山", "320500", "苏州", id="county-level city to its prefecture"),
        pytest.param("义乌市", "330700", "金华", id="county-level city with 市"),
        pytest.param("兴安县", "450300", "桂林", id="whole-answer county beats a contained city"),
        pytest.param("Suzhou", "320500", "苏州", id="shared pinyin goes to the bigger city"),
        pytest.param("Xi'an", "610100", "西安", id="pinyin with apostrophe"),
        pytest.param("xian", "610100", "西安", id="pinyin without apostrophe"),
        pytest.param("延边朝鲜族自治州", "222400", "延边", id="autonomous prefecture"),
        pytest.param("仙桃", "429004", "仙桃", id="province-administered county-level city"),
        pytest.param("莱芜", "370100", "济南", id="莱芜 merged into 济南 in 2019"),
        pytest.param("江苏省-苏州市-昆山市", "320500", "苏州", id="three-level region answer"),
        pytest.param("Shenzhen, China", "440300", "深圳", id="English with country"),
        pytest.param("香港", "810000", "香港", id="Hong Kong"),
        pytest.param("Hong Kong", "810000", "香港", id="Hong Kong in English"),
        pytest.param("HK", "810000", "香港", id="HK"),
        pytest.param("澳门", "820000", "澳门", id="Macau"),
        pytest.param("台北", "710000", "台湾", id="Taipei is Taiwan's unit"),
    ],
)
def test_chinese_city_answers_map_to_their_city(value: str, city_id: str, city_zh: str) -> None:
    result = normalise_city(value)
    assert (result.status, result.city_id, result.city_zh) == ("mapped", city_id, city_zh)
    assert result.is_overseas is False
    assert result.country_code == "CN"
    assert result.tier in CITY_TIERS
    assert result.lat is not None and result.lon is not None


@pytest.mark.parametrize(
    ("value", "city_en", "country"),
    [
        pytest.param("东京", "Tokyo", "JP", id="东京"),
        pytest.param("Tokyo", "Tokyo", "JP", id="Tokyo"),
        pytest.param("日本东京", "Tokyo", "JP", id="country glued to city"),
        pytest.param("Tokyo, Japan", "Tokyo", "JP", id="city, country"),
        pytest.param("旧金山", "San Francisco", "US", id="旧金山, not 上海金山区"),
        pytest.param("San Francisco", "San Francisco", "US", id="San Francisco"),
        pytest.param("美国-纽约", "New York", "US", id="country-city form"),
        pytest.param("NYC", "New York", "US", id="NYC"),
        pytest.param("伦敦", "London", "GB", id="London"),
        pytest.param("新加坡", "Singapore", "SG", id="Singapore"),
        pytest.param("首尔", "Seoul", "KR", id="Seoul"),
        pytest.param("大阪", "Osaka", "JP", id="Osaka"),
        pytest.param("悉尼", "Sydney", "AU", id="Sydney"),
        pytest.param("温哥华", "Vancouver", "CA", id="Vancouver"),
    ],
)
def test_overseas_cities_map_with_country_and_coordinates(
    value: str, city_en: str, country: str
) -> None:
    result = normalise_city(value)
    assert (result.status, result.city_en, result.country_code) == ("mapped", city_en, country)
    assert (result.is_overseas, result.tier) == (True, "overseas")
    assert result.lat is not None and result.lon is not None


@pytest.mark.parametrize(
    ("value", "province_zh", "province_en"),
    [
        pytest.param("广东", "广东", "Guangdong", id="province"),
        pytest.param("四川省", "四川", "Sichuan", id="province with 省"),
        pytest.param("内蒙古自治区", "内蒙古", "Inner Mongolia", id="autonomous region"),
        pytest.param("陕西", "陕西", "Shaanxi", id="Shaanxi spelling"),
        pytest.param("吉林", "吉林", "Jilin", id="a bare 吉林 is the province"),
    ],
)
def test_a_bare_province_is_unmapped_with_province_fields(
    value: str, province_zh: str, province_en: str
) -> None:
    result = normalise_city(value)
    assert (result.status, result.reason) == ("unmapped", "province only")
    assert (result.province_zh, result.province_en) == (province_zh, province_en)
    assert result.city_id is None


@pytest.mark.parametrize(
    ("value", "reason", "is_overseas"),
    [
        pytest.param("火星", "unknown place", None, id="garbage"),
        pytest.param("不告诉你", "unknown place", None, id="a refusal"),
        pytest.param("东方明珠", "unknown place", None, id="东方 is not found inside words"),
        pytest.param("1.2.3.4(未知)", "IP region unknown", None, id="unknown IP region"),
        pytest.param("美国", "country only", True, id="a country alone"),
        pytest.param("美国加州", "country only", True, id="a country with an unknown place"),
        pytest.param("海外", "overseas, no city", True, id="abroad without a city"),
    ],
)
def test_unknown_places_are_unmapped_with_a_reason(
    value: str, reason: str, is_overseas: bool | None
) -> None:
    result = normalise_city(value)
    assert (result.status, result.reason, result.city_id) == ("unmapped", reason, None)
    assert result.is_overseas is is_overseas
    assert result.raw == value


@pytest.mark.parametrize("value", [None, "", "  ", float("nan")])
def test_nothing_given_is_blank(value: object) -> None:
    assert normalise_city(value).status == "blank"


def test_a_mapped_city_carries_all_its_fields() -> None:
    result = normalise_city("深圳")
    assert dataclasses.asdict(result) == {
        "raw": "深圳",
        "status": "mapped",
        "reason": None,
        "city_id": "440300",
        "city_zh": "深圳",
        "city_en": "Shenzhen",
        "province_zh": "广东",
        "province_en": "Guangdong",
        "country_code": "CN",
        "is_overseas": False,
        "tier": "1",
        "lat": result.lat,
        "lon": result.lon,
    }
    assert 22 < result.lat < 23 and 113 < result.lon < 115


def test_the_series_helper_matches_the_scalar_function_row_by_row() -> None:
    values = ["上海", None, "183.192.16.69(上海-上海)", "火星", "广东", "东京", "上海", None]
    frame = normalise_city_series(pl.Series("city", values))
    assert frame.columns[:4] == ["city_raw", "city_status", "city_reason", "city_id"]
    assert "city_province_zh" in frame.columns
    renamed = {"city_id": "city_id", "city_zh": "city_zh", "city_en": "city_en"}
    expected = [
        {
            renamed.get(k, f"city_{k}"): v
            for k, v in dataclasses.asdict(normalise_city(value)).items()
        }
        for value in values
    ]
    assert frame.to_dicts() == expected


def test_the_series_helper_scales_to_100k_rows() -> None:
    series = pl.Series("city", ["上海市浦东新区", "SH", None, "广东-深圳", "火星"] * 20_000)
    frame = normalise_city_series(series)
    assert frame.height == 100_000
    assert frame["city_id"].head(5).to_list() == ["310000", "310000", None, "440300", None]


# --- the tables -------------------------------------------------------------------------------

CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.4, 135.1)


def test_every_chinese_city_has_coordinates_inside_china_and_a_tier() -> None:
    for row in read_csv("cities_cn.csv"):
        assert CHINA_LAT[0] < float(row["lat"]) < CHINA_LAT[1], row
        assert CHINA_LON[0] < float(row["lon"]) < CHINA_LON[1], row
        assert row["tier"] in CITY_TIERS and row["tier"] != "overseas", row
        assert row["city_en"] and row["province_en"], row


def test_the_city_table_has_one_row_per_prefecture_level_unit() -> None:
    rows = read_csv("cities_cn.csv")
    ids = [row["city_id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert all(len(i) == 6 and i.isdigit() for i in ids)
    prefecture_level = [r for r in rows if r["level"] in {"prefecture", "municipality"}]
    assert 330 <= len(prefecture_level) <= 370
    assert 330 <= len(rows) <= 370
    assert {r["city_zh"] for r in rows if r["level"] == "municipality"} == {
        "北京",
        "上海",
        "天津",
        "重庆",
    }


def test_tiers_in_the_city_table_follow_the_tier_list() -> None:
    tiers = yaml.safe_load((DATA / "city_tiers.yaml").read_text(encoding="utf-8"))["tiers"]
    by_name = {row["city_zh"]: row["tier"] for row in read_csv("cities_cn.csv")}
    for tier, names in tiers.items():
        for name in names:
            assert by_name[name] == str(tier), name
    assert [len(tiers[t]) for t in ("1", "new_1", "2", "3")] == [4, 15, 30, 70]
    assert by_name["贵港"] == "4+"


def test_every_district_points_at_a_known_city() -> None:
    city_ids = {row["city_id"] for row in read_csv("cities_cn.csv")}
    districts = read_csv("districts_cn.csv")
    assert len(districts) > 2800
    assert {row["city_id"] for row in districts} <= city_ids


def test_every_alias_points_at_a_known_city() -> None:
    aliases = yaml.safe_load((DATA / "city_aliases.yaml").read_text(encoding="utf-8"))
    for city_zh, names in aliases.items():
        for name in names:
            assert normalise_city(str(name)).city_zh == city_zh, name


def test_the_overseas_table_has_enough_cities_with_valid_coordinates() -> None:
    rows = read_csv("cities_overseas.csv")
    assert len(rows) >= 30
    for row in rows:
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row
        assert len(row["country_code"]) == 2 and row["country_code"] != "CN", row
        assert normalise_city(row["city_zh"]).city_id == row["city_id"], row
        assert normalise_city(row["city_en"]).city_id == row["city_id"], row


def test_every_city_is_found_by_its_official_name_and_its_ip_region_form() -> None:
    for row in read_csv("cities_cn.csv"):
        assert normalise_city(row["city_full_zh"]).city_id == row["city_id"], row
        ip_form = f"10.0.0.1({row['province_zh']}-{row['city_zh']})"
        assert normalise_city(ip_form).city_id == row["city_id"], ip_form


def test_every_district_name_resolves_to_some_city_without_crashing() -> None:
    for row in read_csv("districts_cn.csv"):
        assert normalise_city(row["name"]).status == "mapped", row
