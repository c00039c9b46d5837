"""Normalise free-text country answers (English or Chinese) to ISO 3166-1 alpha-2 codes.

Sources: pycountry (ISO 3166-1 from Debian's iso-codes) gives every code, its English name,
official name and common name, and the zh_CN / zh_TW / zh_HK translations of those;
``survey/data/country_aliases.yaml`` adds the everyday spellings those lack (UK, 中国大陆, 韩国,
Kaggle's "Republic of Korea" and "Hong Kong (S.A.R.)") and short Chinese display names.

Decisions:

* Matching is exact on a key that ignores case, spaces, punctuation and a trailing "...":
  "Iran, Islamic Republic of..." is the ISO name of IR. No fuzzy matching: a wrong country is
  worse than an unrecognised one that someone reviews.
* Hong Kong, Macao and Taiwan keep their own codes (HK, MO, TW), so a filter on CN counts what
  the source counted as CN. ``display_group`` is "CN" for CN/HK/MO/TW (for a greater-China
  display, used only when a caller asks for it) and the code itself for every other country.
* Bare two-letter ISO codes are not matched ("NO" would be Norway); the few in the alias file
  (US, UK, CN, HK, MO, TW) are.
* "I do not wish to disclose my location", 保密 and the like are "unmapped" with
  ``is_undisclosed=True``; "Other" / 其他 is "unmapped" with reason "other, no country named";
  anything else unknown is "unmapped" with reason "unknown country". The raw text is always
  kept, so nothing is dropped. Country answers are never "invalid".
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache

import polars as pl
import pycountry

from survey.normalise._common import Status, normalise_series, raw_text, read_data_yaml
from survey.text import clean_text

GREATER_CHINA = frozenset({"CN", "HK", "MO", "TW"})
_ZH_LOCALES = ("zh_CN", "zh_TW", "zh_HK")
_NOT_KEY = re.compile(r"[\s\W_]+")
_UNDISCLOSED = {
    "idonotwishtodisclosemylocation",
    "prefernottosay",
    "prefernottoanswer",
    "idontwishtodisclose",
    "undisclosed",
    "保密",
    "不愿透露",
    "不方便透露",
    "不想透露",
}
_OTHER = {"other", "others", "othercountry", "其他", "其它", "其他国家", "其他国家地区"}


@dataclass(frozen=True, slots=True)
class CountryResult:
    """Outcome of normalising one country answer."""

    raw: str | None
    status: Status
    reason: str | None = None
    code: str | None = None
    name_en: str | None = None
    name_zh: str | None = None
    display_group: str | None = None
    is_recognised: bool = False
    is_undisclosed: bool = False


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    name_en: str
    name_zh: str


@dataclass(frozen=True, slots=True)
class _Tables:
    by_key: dict[str, str]
    by_code: dict[str, _Country]


def normalise_country(value: object) -> CountryResult:
    """Map a country answer (美国, Viet Nam, UK, 中国香港, ...) to its ISO alpha-2 code."""
    raw = raw_text(value)
    text = clean_text(value)
    if text is None:
        return CountryResult(raw, "blank")
    key = country_key(text)
    if key in _UNDISCLOSED:
        return CountryResult(raw, "unmapped", "undisclosed", is_undisclosed=True)
    if key in _OTHER:
        return CountryResult(raw, "unmapped", "other, no country named")
    tables = _tables()
    code = tables.by_key.get(key)
    if code is None:
        return CountryResult(raw, "unmapped", "unknown country")
    country = tables.by_code[code]
    return CountryResult(
        raw,
        "mapped",
        code=code,
        name_en=country.name_en,
        name_zh=country.name_zh,
        display_group=display_group(code),
        is_recognised=True,
    )


def display_group(code: str | None) -> str | None:
    """Return "CN" for CN, HK, MO and TW (a greater-China display) and the code otherwise."""
    if code is None:
        return None
    return "CN" if code in GREATER_CHINA else code


def country_names(code: str) -> tuple[str, str]:
    """Return the (English, Chinese) display names of an ISO alpha-2 code."""
    country = _tables().by_code[code.upper()]
    return country.name_en, country.name_zh


def normalise_country_series(series: pl.Series) -> pl.DataFrame:
    """Normalise a column of countries; returns country_raw, country_status, ..., country_code."""
    return normalise_series(
        series,
        normalise_country,
        CountryResult,
        "country_",
        {
            "raw": pl.String(),
            "status": pl.String(),
            "reason": pl.String(),
            "code": pl.String(),
            "name_en": pl.String(),
            "name_zh": pl.String(),
            "display_group": pl.String(),
            "is_recognised": pl.Boolean(),
            "is_undisclosed": pl.Boolean(),
        },
    )


def country_key(text: str) -> str:
    """Return the matching key of a country name: lower case, no spaces or punctuation."""
    key = text.casefold().replace("’", "'")
    key = re.sub(r"^the\s+", "", key)
    return _NOT_KEY.sub("", key)


@cache
def _tables() -> _Tables:
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        for locale in _ZH_LOCALES
    ]
    aliases: dict[str, dict] = read_data_yaml("country_aliases.yaml")
    by_code: dict[str, _Country] = {}
    # Curated aliases win over ISO names, ISO names over translations; within one tier a key
    # claimed by two countries is dropped rather than guessed.
    tiers: list[dict[str, set[str]]] = [{}, {}, {}]

    def claim(tier: int, name: str | None, code: str) -> None:
        if name:
            tiers[tier].setdefault(country_key(name), set()).add(code)

    for country in pycountry.countries:
        code = country.alpha_2
        names = [
            getattr(country, "common_name", None),
            country.name,
            getattr(country, "official_name", None),
        ]
        for name in names:
            claim(1, name, code)
            for translation in translations:
                if name and (translated := translation.gettext(name)) != name:
                    claim(2, translated, code)
        entry = aliases.get(code) or {}
        name_zh = entry.get("zh") or translations[0].gettext(country.name)
        by_code[code] = _Country(code, next(n for n in names if n), name_zh)
        for alias in entry.get("aliases", []):
            claim(0, str(alias), code)
        claim(0, entry.get("zh"), code)

    unknown = set(aliases) - set(by_code)
    if unknown:
        raise ValueError(f"country_aliases.yaml: unknown ISO codes {sorted(unknown)}")
    by_key: dict[str, str] = {}
    for tier in reversed(tiers):
        for key, codes in tier.items():
            if len(codes) == 1 and key:
                by_key[key] = next(iter(codes))
            else:
                by_key.pop(key, None)
    return _Tables(by_key=by_key, by_code=by_code)
