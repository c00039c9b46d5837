"""Values of channel-level breakdowns as keys: ISO-2 countries, age bands, gender, subscription.

Platforms write a breakdown's values as display text in the UI language (`United States`,
`美国`, `13–17 years`, `Not subscribed`). `value_key` turns one into the key the warehouse
groups by, and the original text is kept beside it (`value_text`), so a value no rule
recognises is still loaded, keyed by its case-folded text. Pure functions over distinct texts.
"""

from __future__ import annotations

import gettext
import re
from functools import cache

import polars as pl
import pycountry

from etl.values import name_key

_AGE_RANGE = re.compile(r"^(?P<low>[0-9]{1,2}) ?[-–—~至到] ?(?P<high>[0-9]{1,2})")
_AGE_OPEN = re.compile(r"^(?P<low>[0-9]{1,2}) ?(?:\+|岁以上|岁及以上|or over|and over)")
_GENDERS = {
    "female": "female",
    "male": "male",
    "user-specified": "user_specified",
    "user specified": "user_specified",
    "女性": "female",
    "女": "female",
    "男性": "male",
    "男": "male",
    "用户指定": "user_specified",
    "other": "other",  # TikTok FollowerGender
    "mujer": "female",  # TikTok, Spanish UI
    "hombre": "male",
    "otro": "other",
}
_SUBSCRIPTION = {
    "subscribed": "subscribed",
    "not subscribed": "not_subscribed",
    "已订阅": "subscribed",
    "未订阅": "not_subscribed",
}
# Country names pycountry does not carry in these spellings, as platforms write them.
_COUNTRY_EXTRA = {
    "taiwan": "TW",
    "台湾": "TW",
    "中国台湾": "TW",
    "中国香港": "HK",
    "香港": "HK",
    "中国澳门": "MO",
    "澳门": "MO",
    "south korea": "KR",
    "韩国": "KR",
    "north korea": "KP",
    "russia": "RU",
    "俄罗斯": "RU",
    "vietnam": "VN",
    "越南": "VN",
    "turkey": "TR",
    "土耳其": "TR",
    "iran": "IR",
    "伊朗": "IR",
    "united kingdom": "GB",
    "英国": "GB",
    "united states": "US",
    "美国": "US",
    "czech republic": "CZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "syria": "SY",
    "laos": "LA",
    "moldova": "MD",
    "palestine": "PS",
}


@cache
def country_codes() -> dict[str, str]:
    """Every country spelling pycountry knows (ISO codes, English and zh-CN names) -> ISO-2."""
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    names: dict[str, str] = {}
    for country in pycountry.countries:
        spellings = [
            country.alpha_2,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
            zh.gettext(country.name),
        ]
        for spelling in spellings:
            if spelling:
                names.setdefault(name_key(spelling), country.alpha_2)
    for spelling, code in _COUNTRY_EXTRA.items():
        names[name_key(spelling)] = code
    return names


def country_key(text: str) -> str | None:
    """ISO-2 code of a country name or code (`United States`, `美国`, `US`, `USA`); None if unknown."""
    return country_codes().get(name_key(text))


def age_key(text: str) -> str | None:
    """`18-24` for `18–24 years` / `18-24 岁`, `65+` for `65+ years`; None if not an age band."""
    key = name_key(text)
    if (found := _AGE_RANGE.match(key)) is not None:
        return f"{int(found['low'])}-{int(found['high'])}"
    if (found := _AGE_OPEN.match(key)) is not None:
        return f"{int(found['low'])}+"
    return None


def value_key(dimension: str, text: str) -> str:
    """The key of one breakdown value: normalised where a rule knows it, else its folded text."""
    folded = name_key(text)
    match dimension:
        case "country":
            return country_key(text) or folded
        case "age":
            return age_key(text) or folded
        case "gender":
            return _GENDERS.get(folded, folded)
        case "subscription_status":
            return _SUBSCRIPTION.get(folded, folded)
    return folded


def value_keys(dimension: str, texts: pl.Series) -> pl.Series:
    """`value_key` of each text (each distinct text looked up once)."""
    distinct = texts.drop_nulls().unique().to_list()
    lookup = {text: value_key(dimension, text) for text in distinct}
    return texts.replace_strict(lookup, default=None, return_dtype=pl.String)
