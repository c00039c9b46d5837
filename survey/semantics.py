"""Recognise what a survey column is about (age, gender, city, contact, ...) from its header and values.

Pure functions for the questionnaire drafter. Each semantic is scored from two witnesses:

* the **header**, matched on words and phrases in Chinese and English, never on a bare substring
  of an unrelated header: ``手机号`` / ``您的手机`` / ``Phone number`` name a phone column but
  ``手机部数`` ("how many phones") and ``手机价格`` do not; ``名字`` after 您的/你的/真实 is a name
  but ``作品名称`` is not; 国家 is a country but 国家级 is not. A phrase match is "strong" (0.7);
  a generic one (联系方式, 地区, position) is "weak" (0.45). Headers are cleaned first: question
  numbers (``3、``, ``Q3.``), tool tags (``(单选题 *必答)``, ``【多选题】``) and politeness
  (您的, 请填写, What is your) are dropped;
* the **values**: the share of distinct non-blank answers that this package's normaliser of that
  semantic recognises (``normalise_age_interval``, ``normalise_country``, ...; phone and e-mail
  via ``survey.identity.normalise_contact``). A share of 80% or more counts in full, 50-80% half,
  less not at all, and a column with a single distinct value half as much; "other" options,
  refusals and skip markers are left out. Each semantic has a reliability (``_VALUE_WEIGHT``):
  a column of phone numbers is surely a phone column (0.9), a column of plain numbers only
  weakly an age (0.35, since ratings and counts look the same), of two-character Chinese words
  only weakly names.

The two combine as independent evidence, ``1 - (1 - header) * (1 - values)``. Where the header
names a semantic whose values can be checked but fewer than 20% of the answers fit (a "年龄"
column full of "非常满意"), the header is doubted: the confidence is capped at 0.7 × header.

Semantics: age, gender, city, province, country, role (occupation), education, phone, email,
wechat, contact (a mix of phone/e-mail/WeChat, e.g. under 联系方式) and name; the last five are
the contact semantics. ``Recognition.kind`` is the drafter's vocabulary: "contact" for phone,
email, wechat and contact, the semantic itself otherwise; ``contact_kind`` says which contact
("any" for a mix).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from survey.identity import normalise_contact
from survey.normalise import (
    CityResult,
    normalise_age_interval,
    normalise_city,
    normalise_country,
    normalise_education,
    normalise_gender,
    normalise_occupation,
)
from survey.text import clean_text

SEMANTICS = (
    "age",
    "gender",
    "city",
    "province",
    "country",
    "role",
    "education",
    "phone",
    "email",
    "wechat",
    "contact",
    "name",
)
CONTACT_SEMANTICS = frozenset({"phone", "email", "wechat", "contact", "name"})
STRONG, WEAK = 0.7, 0.45
MIN_CONFIDENCE = 0.5
VALUE_SAMPLE = 100  # distinct values looked at per column
# After this many values, a semantic that fits fewer than _EARLY_SHARE of them is given up on:
# it cannot plausibly reach the 50% that counts, and a 370-column export must draft in seconds.
_EARLY_LOOK = 20
_EARLY_SHARE = 0.25


class Recognition(NamedTuple):
    """A semantic for a column, a confidence in [0, 1] and the evidence, in words."""

    semantic: str
    confidence: float
    evidence: str

    @property
    def kind(self) -> str:
        """The drafter's kind: "contact" for phone/email/wechat/contact, else the semantic."""
        return "contact" if self.semantic in {"phone", "email", "wechat"} else self.semantic

    @property
    def contact_kind(self) -> str | None:
        """phone, email, wechat, name or "any" (mixed contacts) for a contact column, else None."""
        if self.semantic == "contact":
            return "any"
        return self.semantic if self.semantic in CONTACT_SEMANTICS else None


@dataclass(frozen=True, slots=True)
class _Rule:
    semantic: str
    pattern: re.Pattern[str]
    strength: float
    bare: bool = False  # match only when it is the whole cleaned header


def _rules() -> tuple[_Rule, ...]:
    def rule(semantic: str, pattern: str, strength: float = STRONG, bare: bool = False) -> _Rule:
        return _Rule(semantic, re.compile(pattern), strength, bare)

    return (
        # age
        rule("age", r"年龄|年纪|岁数|出生年份|出生年月|出生日期|哪一?年出生|几几年生"),
        rule("age", r"\bage\b|\bages\b|how old|year of birth|birth ?year|date of birth|\bdob\b"),
        # gender
        rule("gender", r"性别|男性还是女性|男还是女"),
        rule("gender", r"\bgender\b|\bsex\b|male or female"),
        # city; 省市 names both city and province
        rule("city", r"城市|所在地|居住地|常住地|现居|哪个市|所在市|省市"),
        rule("city", r"\bcity\b|\btown\b|city of residence"),
        rule("city", r"地区|地址|\bregion\b|\blocation\b|\bwhere do you live\b", WEAK),
        # province
        rule("province", r"省份|哪个省|所在省|省/市|省市"),
        rule("province", r"\bprovince\b|state/province|province/state"),
        rule("province", r"地区|\bregion\b", WEAK),
        # country; 国家级 / 国家队 / 国家政策 are not countries
        rule("country", r"国家(?!级|队|政策|标准|机关|单位|电网|大剧院|广电|荣誉|奖)|国籍|国别"),
        rule("country", r"\bcountry\b|\bcountries\b|\bnationality\b|\bcountry of residence\b"),
        rule("country", r"地区|\bregion\b|\blocation\b|\bwhere do you live\b", WEAK),
        # role / occupation; 行业 (industry) and 身份证 (ID card) are not
        rule(
            "role",
            r"职业(?!规划|发展|生涯|技能|教育|培训)|职位|岗位|职务|职称|(?<!证件)身份(?!证)"
            r"|从事.{0,6}工作|工作是|做什么工作",
        ),
        rule("role", r"\boccupation\b|\bjob title\b|\bprofession\b|\bcurrent role\b|\brole\b"),
        rule("role", r"\bjob\b|\bposition\b|\btitle\b.*\b(?:job|work)\b", WEAK),
        # education
        rule("education", r"学历|教育程度|教育水平|教育背景|文化程度|最高学位|学位"),
        rule(
            "education",
            # "to what degree", "to some degree" measure agreement, not schooling
            r"\beducation\b|(?<!what )(?<!some )(?<!which )(?<!large )(?<!great )(?<!certain )"
            r"\bdegree\b(?! to which)|\bschooling\b|highest level of",
        ),
        # phone: 手机 / 电话 need 号 or 号码 after them, or must be the whole header
        rule("phone", r"手机号|电话号|联系电话|手机/电话|电话/手机|手机或电话|手机/微信|电话/微信"),
        rule("phone", r"手机|电话|移动电话", bare=True),
        rule("phone", r"\b(?:phone|mobile|cell|telephone|contact) ?(?:phone )?(?:number|no\b|#)"),
        rule("phone", r"phone|mobile|telephone|cellphone|mobile phone|cell phone", bare=True),
        rule("phone", r"\bphone\b|\bmobile\b|\btelephone\b", WEAK),
        rule("phone", r"联系方式|联系信息|\bcontact\b", WEAK),
        # email
        rule("email", r"邮箱|电子邮件|邮件地址|e-?mail地址"),
        rule("email", r"\be-?mail address\b|\byour e-?mail\b|^recipient ?e-?mail$"),
        rule("email", r"e-?mail", bare=True),
        rule("email", r"\be-?mail\b", WEAK),
        rule("email", r"联系方式|联系信息|\bcontact\b", WEAK),
        # wechat: 微信 must be the whole header or followed by 号 / id / 账号 / 名
        rule("wechat", r"微信号|微信id|微信账号|微信名|wechat ?id|手机/微信|电话/微信|微信/手机"),
        rule("wechat", r"微信|wechat|weixin|vx|wx", bare=True),
        rule("wechat", r"联系方式|联系信息|\bcontact\b", WEAK),
        # a contact of any kind (phone, e-mail or WeChat): the values say which
        rule("contact", r"联系方式|联系信息|\bcontact\b", WEAK),
        # name; 名称 (of a work, a program) is not a person's name
        rule("name", r"姓名|联系人|怎么称呼|如何称呼|(?:^|您的|你的|真实|中文|英文)名字"),
        rule("name", r"名字|称呼|昵称", bare=True),
        rule("name", r"\bfull name\b|\bfirst name\b|\blast name\b|\bsurname\b|\byour name\b"),
        rule("name", r"^recipient ?(?:first|last) ?name$"),  # Qualtrics metadata
        rule("name", r"name", bare=True),
    )


_RULES = _rules()
_NUMBERING = re.compile(r"^\s*(?:q\s*\d+(?:[._]\d+)*\s*[.、:)\]]?|\d+(?:[._]\d+)*\s*[.、:)\]])\s*")
_TAGS = re.compile(
    r"[(\[【][^()\[\]【】]*(?:题|必答|选|multiple|single|required)[^()\[\]【】]*[)\]】]"
)
_FILLER_START = re.compile(
    r"^(?:请问|请您|请|填写|输入|留下|提供|您的|你的|您|你|的|what is your|what's your|your|"
    r"please (?:enter|give|provide)|enter)+"
)
_FILLER_END = re.compile(r"(?:是什么|是多少|是|为|多少|号码是)$")
_TRAILING = re.compile(r"[\s?？:：*＊。.!！]+$")

# Values that say nothing about what a column is: tool markers for skipped and empty answers,
# "other" options and refusals, which every demographic question may carry.
_NEUTRAL = frozenset(
    {
        "(空)",
        "(跳过)",
        "-",
        "null",
        "-3",
        "-2",
        "n/a",
        "na",
        "无",
        "其他",
        "其它",
        "other",
        "others",
        "保密",
        "不愿透露",
        "不想透露",
        "prefer not to say",
        "i prefer not to answer",
        "prefer not to answer",
        "i do not wish to disclose my location",
    }
)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_FLOAT_PHONE = re.compile(r"^(\d{7,15})\.0$")
_WECHAT_VALUE = re.compile(r"^(?=.*[\d_-])[a-zA-Z][-_a-zA-Z0-9]{5,19}$")
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_LATIN_NAME = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}$")
# The most common Chinese surnames (top 100 by population, 2020 census order, plus a few
# two-character ones); a value that starts with none of them is not taken for a name.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾"
    "龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
)
_DOUBLE_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "慕容", "令狐", "皇甫", "尉迟", "长孙")

# How far a column whose values fit a semantic is that semantic, without any header.
_VALUE_WEIGHT = {
    "age": 0.85,  # bands and ages with units; plain numbers get _PLAIN_AGE_WEIGHT
    "gender": 0.85,
    "city": 0.75,
    "province": 0.75,
    "country": 0.8,
    "role": 0.6,
    "education": 0.85,
    "phone": 0.9,
    "email": 0.95,
    "wechat": 0.3,
    "contact": 0.85,
    "name": 0.4,
}
_PLAIN_AGE_WEIGHT = 0.35
# Semantics whose values a normaliser checks well enough to doubt a header they contradict.
_CHECKED = frozenset({"age", "gender", "country", "education", "phone", "email", "contact"})


def clean_header(header: str | None) -> str:
    """Return a header lower-cased without question number, tool tags and trailing punctuation."""
    text = clean_text(header) or ""
    text = _TAGS.sub("", text.casefold())
    text = _NUMBERING.sub("", text)
    text = text.replace(" - selected choice", "")
    return _TRAILING.sub("", text).strip()


def header_core(header: str | None) -> str:
    """Return the cleaned header without politeness (您的, 请填写, what is your): "您的手机？" → 手机."""
    text = clean_header(header)
    previous = None
    while previous != text:
        previous = text
        text = _FILLER_START.sub("", text).strip()
        text = _FILLER_END.sub("", text).strip()
        text = _TRAILING.sub("", text)
    return text


def header_scores(header: str | None) -> dict[str, tuple[float, str]]:
    """Return, per semantic the header names, its strength and the phrase that matched."""
    text = clean_header(header)
    core = header_core(header)
    found: dict[str, tuple[float, str]] = {}
    for rule in _RULES:
        match = rule.pattern.fullmatch(core) if rule.bare else rule.pattern.search(text)
        if match and rule.strength > found.get(rule.semantic, (0.0, ""))[0]:
            found[rule.semantic] = (rule.strength, match[0])
    return found


def value_share(semantic: str, values: Iterable[object]) -> tuple[float, int, int]:
    """Return (share, fitting, looked at) of the distinct non-blank values that fit a semantic."""
    sample = _distinct(values)
    return _share(_FITS[semantic], sample)


def score_semantics(header: str | None, values: Sequence[object] = ()) -> list[Recognition]:
    """Score every semantic for a column; returns those above zero, most likely first."""
    headers = header_scores(header)
    sample = _distinct(values)
    numeric = bool(sample) and all(_NUMBER.match(v) for v in sample)
    long_text = bool(sample) and sum(len(v) for v in sample) / len(sample) > 40
    results = []
    for semantic in SEMANTICS:
        strength, phrase = headers.get(semantic, (0.0, ""))
        parts = []
        if strength:
            kind = "phrase" if strength >= STRONG else "generic word"
            parts.append(f"header names {semantic} ({kind} {phrase!r})")
        value_score = 0.0
        share = 0.0
        if sample and not _skip_values(semantic, numeric, long_text):
            fits = _FITS[semantic]
            if semantic == "contact" and not strength:
                fits = _fits_contact_without_header
            share, hits, looked = _share(fits, sample)
            weight = _VALUE_WEIGHT[semantic]
            if semantic == "age" and _mostly_plain_numbers(sample):
                weight = _PLAIN_AGE_WEIGHT
            if semantic == "gender" and not _has_male_or_female(sample):
                share = 0.0
            factor = 1.0 if share >= 0.8 else 0.5 if share >= 0.5 else 0.0
            if len(sample) == 1:
                factor *= 0.5  # one answer repeated (or one respondent) proves little
            value_score = weight * share * factor
            if hits:
                parts.append(f"{hits} of {looked} distinct values ({share:.0%}) fit {semantic}")
        confidence = 1 - (1 - strength) * (1 - value_score)
        if strength and semantic in _CHECKED and sample and share < 0.2:
            confidence = min(confidence, 0.7 * strength)
            parts.append(f"but only {share:.0%} of the values fit")
        if confidence > 0:
            results.append(Recognition(semantic, round(confidence, 3), "; ".join(parts)))
    results.sort(key=lambda r: (-r.confidence, SEMANTICS.index(r.semantic)))
    return results


def recognise(
    header: str | None, values: Sequence[object] = (), *, min_confidence: float = MIN_CONFIDENCE
) -> Recognition | None:
    """Return the most likely semantic of a column, or None when none reaches min_confidence."""
    scores = score_semantics(header, values)
    if scores and scores[0].confidence >= min_confidence:
        return scores[0]
    return None


def _distinct(values: Iterable[object]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        text = clean_text(value)
        if text is None or text.casefold() in _NEUTRAL:
            continue
        seen.setdefault(text, None)
        if len(seen) >= VALUE_SAMPLE:
            break
    return list(seen)


def _share(fits: Callable[[str], bool], sample: Sequence[str]) -> tuple[float, int, int]:
    hits = 0
    for index, value in enumerate(sample, start=1):
        hits += fits(value)
        if index == _EARLY_LOOK and hits < _EARLY_SHARE * index:
            return hits / index, hits, index
    return (hits / len(sample) if sample else 0.0), hits, len(sample)


def _skip_values(semantic: str, numeric: bool, long_text: bool) -> bool:
    """Skip value checks that cannot succeed: numbers are no city, long answers no gender."""
    if numeric:
        return semantic not in {"age", "phone", "wechat", "contact"}
    if long_text:
        return semantic not in {"email", "role", "education", "country"}
    return False


def _mostly_plain_numbers(sample: Sequence[str]) -> bool:
    return sum(bool(_NUMBER.match(v)) for v in sample) * 2 >= len(sample)


def _has_male_or_female(sample: Sequence[str]) -> bool:
    return any(normalise_gender(v).code in {"male", "female"} for v in sample[:50])


@lru_cache(maxsize=65_536)
def _contact_kind(value: str) -> str | None:
    if match := _FLOAT_PHONE.match(value):  # a phone number read from a spreadsheet as a float
        value = match[1]
    contact = normalise_contact(value)
    return contact.kind if contact else None


def _fits_contact_without_header(value: str) -> bool:
    # Without a contact header, an id-like token (R_2YPOQ602ER1jkf1, a Qualtrics ResponseId) is
    # not taken for a WeChat id: only phones, e-mails and explicitly labelled WeChat ids count.
    return _contact_kind(value) in {"phone", "email"} or value.lower().startswith(("微信", "wx"))


def _fits_wechat(value: str) -> bool:
    lowered = value.lower()
    if lowered.startswith(("微信", "wx", "wechat", "vx")):
        return True
    return bool(_WECHAT_VALUE.match(value)) and _contact_kind(value) == "wechat"


def _fits_name(value: str) -> bool:
    if _HAN_NAME.match(value):
        if not (value[0] in _SURNAMES or value.startswith(_DOUBLE_SURNAMES)):
            return False
        # A place, a role or a gender is not a name even when it starts like one.
        return (
            _city(value).status != "mapped"
            and normalise_occupation(value).status != "mapped"
            and normalise_gender(value).code is None
        )
    return bool(_LATIN_NAME.match(value)) and normalise_country(value).status != "mapped"


@lru_cache(maxsize=65_536)
def _city(value: str) -> CityResult:
    """normalise_city, remembered: the city and province checks ask about the same values."""
    return normalise_city(value)


def _fits_province(value: str) -> bool:
    result = _city(value)
    # 上海, 北京, 香港 are province-level units as well as cities.
    is_province_level = result.status == "mapped" and result.city_zh == result.province_zh
    return result.reason == "province only" or is_province_level


def _fits_country(value: str) -> bool:
    result = normalise_country(value)
    # Kaggle's "I do not wish to disclose my location" and "Other" belong in a country column.
    return (
        result.status == "mapped"
        or result.is_undisclosed
        or result.reason == "other, no country named"
    )


@lru_cache(maxsize=65_536)
def _fits_role(value: str) -> bool:
    result = normalise_occupation(value)
    return result.status == "mapped" or result.occupation is not None


_FITS: dict[str, Callable[[str], bool]] = {
    "age": lambda v: normalise_age_interval(v).status == "mapped",
    "gender": lambda v: normalise_gender(v).status == "mapped",
    "city": lambda v: _city(v).status == "mapped",
    "province": _fits_province,
    "country": _fits_country,
    "role": _fits_role,
    "education": lambda v: normalise_education(v).status == "mapped",
    "phone": lambda v: _contact_kind(v) == "phone",
    "email": lambda v: _contact_kind(v) == "email",
    "wechat": _fits_wechat,
    "contact": lambda v: _contact_kind(v) in {"phone", "email"} or _fits_wechat(v),
    "name": _fits_name,
}
