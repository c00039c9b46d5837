"""A small zh/en glossary of common survey questions and options, for drafted questionnaires.

A drafted questionnaire carries the export's own language and, where this glossary knows the
text, the other one. Anything it does not know is left empty for the user: never machine-made.
"""

from __future__ import annotations

import re

from survey.text import clean_text

# Whole texts (questions or options) in both languages. Keys are compared without spaces or
# trailing punctuation, case-insensitively.
_PAIRS: tuple[tuple[str, str], ...] = (
    # questions
    ("性别", "Gender"),
    ("您的性别", "Your gender"),
    ("请问您的性别", "Your gender"),
    ("年龄", "Age"),
    ("您的年龄", "Your age"),
    ("请问您的年龄", "Your age"),
    ("您的年龄段", "Your age group"),
    ("职业", "Occupation"),
    ("您的职业", "Your occupation"),
    ("您目前的职业", "Your current occupation"),
    ("城市", "City"),
    ("您所在的城市", "City you live in"),
    ("所在城市", "City"),
    ("国家", "Country"),
    ("您所在的国家", "Country you live in"),
    ("省份", "Province"),
    ("学历", "Education"),
    ("最高学历", "Highest education"),
    ("您的最高学历", "Your highest education"),
    ("请问您的最高学历是", "Your highest education"),
    ("姓名", "Name"),
    ("您的姓名", "Your name"),
    ("手机号", "Mobile number"),
    ("手机号码", "Mobile number"),
    ("联系方式", "Contact"),
    ("您的联系方式", "Your contact"),
    ("微信号", "WeChat ID"),
    ("邮箱", "Email"),
    ("电子邮箱", "Email"),
    # options
    ("男", "Male"),
    ("女", "Female"),
    ("男性", "Male"),
    ("女性", "Female"),
    ("其他", "Other"),
    ("其它", "Other"),
    ("不愿透露", "Prefer not to say"),
    ("保密", "Prefer not to say"),
    ("是", "Yes"),
    ("否", "No"),
    ("不知道", "Don't know"),
    ("学生", "Student"),
    ("非常满意", "Very satisfied"),
    ("满意", "Satisfied"),
    ("一般", "Neutral"),
    ("不满意", "Dissatisfied"),
    ("非常不满意", "Very dissatisfied"),
    ("非常同意", "Strongly agree"),
    ("同意", "Agree"),
    ("不同意", "Disagree"),
    ("非常不同意", "Strongly disagree"),
    ("初中及以下", "Junior high school or below"),
    ("高中/中专/职高", "Senior high / vocational school"),
    ("大专", "Junior college"),
    ("本科", "Bachelor's degree"),
    ("硕士", "Master's degree"),
    ("博士", "Doctorate"),
    ("硕士及以上", "Master's degree or above"),
    ("研究生及以上", "Postgraduate or above"),
)


def _key(text: str) -> str:
    cleaned = (clean_text(text) or "").lower()
    return re.sub(r"[\s?？:：。.!！]+", "", cleaned)


_ZH_TO_EN = {_key(zh): en for zh, en in _PAIRS}
_EN_TO_ZH: dict[str, str] = {}
for _zh, _en in _PAIRS:
    _EN_TO_ZH.setdefault(_key(_en), _zh)


def translate(text: str, *, to: str) -> str:
    """The glossary's text of `text` in language `to` ('zh' or 'en'), or '' when unknown."""
    table = _ZH_TO_EN if to == "en" else _EN_TO_ZH
    return table.get(_key(text), "")


def is_chinese(text: str) -> bool:
    """Whether a text is written in Chinese (holds a CJK ideograph)."""
    return re.search(r"[\u4e00-\u9fff]", text) is not None
