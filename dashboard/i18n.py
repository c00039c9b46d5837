"""UI strings of the dashboard in Chinese (default) and English, and labels for data values.

`t(key, lang)` looks a key up in one dict; a missing key or language is a KeyError, never a
silently shown key. Labels of data values are read from their sources of truth rather than
retyped: role / age / gender option
labels from the participant questionnaire.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from survey.questionnaire import load_questionnaire
from warehouse.platforms import platform_profiles

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"

UNKNOWN = {"zh": "未知", "en": "Unknown"}

STRINGS: dict[str, dict[str, str]] = {
    # -- chart titles ---------------------------------------------------------------------------
    "title.plays_over_time": {"zh": "每日播放量（按平台）", "en": "Daily plays by platform"},
    "title.top_programs": {"zh": "播放量最高的节目", "en": "Top programs by plays"},
    "title.live_concurrency": {"zh": "直播在线人数", "en": "Live concurrent viewers"},
    "title.retention_curve": {"zh": "观众留存曲线", "en": "Audience retention"},
    "title.attention_years": {
        "zh": "春节后的关注度（各年对齐）",
        "en": "Attention after Spring Festival, years overlaid",
    },
    "title.fitted_decay": {"zh": "关注度衰减拟合", "en": "Fitted attention decline"},
    "title.cohort_heatmap": {"zh": "创作者留存（按队列）", "en": "Creator retention by cohort"},
    "title.distribution": {"zh": "参与者分布", "en": "Participants"},
    "title.crosstab": {"zh": "交叉分析", "en": "Cross-tabulation"},
    # -- axis titles (with units) ---------------------------------------------------------------
    "axis.date": {"zh": "日期", "en": "Date"},
    "axis.time": {"zh": "时间", "en": "Time"},
    "axis.plays": {"zh": "播放量（次）", "en": "Plays"},
    "axis.program": {"zh": "节目", "en": "Program"},
    "axis.concurrent_viewers": {"zh": "在线人数（人）", "en": "Concurrent viewers"},
    "axis.position_pct": {"zh": "观看进度（%）", "en": "Position (% of duration)"},
    "axis.share_watching": {"zh": "留存比例", "en": "Share still watching"},
    "axis.days_from_spring_festival": {
        "zh": "距春节天数（天）",
        "en": "Days from Spring Festival",
    },
    "axis.share_of_peak": {"zh": "关注度（峰值 = 1）", "en": "Attention (peak = 1)"},
    "axis.search_index": {"zh": "搜索指数", "en": "Search index"},
    "axis.cohort": {"zh": "队列（首次参与）", "en": "Cohort (first taking part)"},
    "axis.period_n": {"zh": "此后第 N 期", "en": "Periods after the cohort's own (N)"},
    "axis.people": {"zh": "人数（人）", "en": "People"},
    # -- trace and marker names ------------------------------------------------------------------
    "trace.all_platforms": {"zh": "全部平台合计", "en": "All platforms"},
    "trace.peak": {"zh": "峰值", "en": "Peak"},
    "trace.this_program": {"zh": "本节目", "en": "This program"},
    "trace.band_median": {"zh": "同类节目中位数", "en": "Median of similar programs"},
    "trace.observed": {"zh": "实际值", "en": "Observed"},
    "trace.fitted": {"zh": "拟合曲线", "en": "Fitted curve"},
    "trace.retained_share": {"zh": "留存比例", "en": "Share retained"},
    "marker.end_of_march": {"zh": "3月底", "en": "End of March"},
    "marker.spring_festival": {"zh": "春节", "en": "Spring Festival"},
    # -- formatted pieces (their {name} fields are filled with str.format) -------------------------------
    "fmt.peak": {"zh": "峰值 {value}", "en": "Peak {value}"},
    "fmt.year": {"zh": "{year}年", "en": "{year}"},
    "fmt.half_life": {"zh": "半衰期 {days} 天", "en": "Half-life {days} days"},
    # -- length bands of similar programs --------------------------------------------------------
    "band.under_3_min": {"zh": "3分钟以内", "en": "under 3 min"},
    "band.3_to_6_min": {"zh": "3–6分钟", "en": "3–6 min"},
    "band.over_6_min": {"zh": "6分钟以上", "en": "over 6 min"},
    "band.unknown": {"zh": "时长未知", "en": "length unknown"},
    # -- dimensions (axis titles of distributions and cross-tabs) --------------------------------
    "dim.platform": {"zh": "平台", "en": "Platform"},
    "dim.role": {"zh": "职业/角色", "en": "Role"},
    "dim.age_band": {"zh": "年龄段", "en": "Age band"},
    "dim.age_band_coarse": {"zh": "年龄段", "en": "Age band"},
    "dim.gender": {"zh": "性别", "en": "Gender"},
    "dim.edition": {"zh": "届次", "en": "Edition"},
    "dim.city": {"zh": "城市", "en": "City"},
    "dim.province": {"zh": "省份", "en": "Province"},
    "dim.city_tier": {"zh": "城市等级", "en": "City tier"},
    "dim.experience_band": {"zh": "AI创作经验", "en": "AI-creation experience"},
    "dim.hours_per_week": {"zh": "每周创作时间", "en": "Hours per week"},
    "dim.income": {"zh": "收入", "en": "Income"},
    "dim.will_return": {"zh": "是否还会参加", "en": "Will take part again"},
    "dim.tools": {"zh": "AI工具", "en": "AI tools"},
    "dim.motivations": {"zh": "参与动机", "en": "Motivations"},
    # -- shared by pages: filters, table columns, value labels ------------------------------------
    "filter.edition": {"zh": "届次", "en": "Edition"},
    "basis.estimated": {"zh": "估算", "en": "estimated"},
    "basis.reported": {"zh": "平台报告", "en": "reported"},
    "col.edition_year": {"zh": "届次", "en": "Edition"},
    "col.plays": {"zh": "播放量", "en": "Plays"},
    "col.reach": {"zh": "触达人数", "en": "Reach"},
    "col.reach_basis": {"zh": "触达口径", "en": "Reach basis"},
    "col.platform_id": {"zh": "平台", "en": "Platform"},
    "col.date_on": {"zh": "日期", "en": "Date"},
    "col.days_from_spring_festival": {"zh": "距春节天数", "en": "Days from Spring Festival"},
    # -- the texts dcc.Dropdown draws itself (Dash draws them in English) ---------------------------
    "dropdown.select_all": {"zh": "全选", "en": "Select all"},
    "dropdown.deselect_all": {"zh": "全不选", "en": "Deselect all"},
    "dropdown.selected_count": {"zh": "已选 {num_selected} 项", "en": "{num_selected} selected"},
    "dropdown.search": {"zh": "搜索", "en": "Search"},
    "dropdown.clear_search": {"zh": "清除搜索", "en": "Clear search"},
    "dropdown.clear_selection": {"zh": "清除选择", "en": "Clear selection"},
    "dropdown.no_options_found": {"zh": "没有匹配的选项", "en": "No options found"},
    # -- empty states: why there is nothing to draw ----------------------------------------------
    "empty.filters": {"zh": "该筛选条件下没有数据", "en": "No data for these filters"},
    "empty.no_live": {
        "zh": "该时段没有直播在线人数记录",
        "en": "No live concurrent-viewer records for this period",
    },
    "empty.no_curve": {
        "zh": "平台没有提供该节目的观众留存曲线",
        "en": "The platform reported no audience-retention curve for this program",
    },
    "empty.no_attention": {
        "zh": "该关键词在所选年份没有关注度数据",
        "en": "No attention data for this series in the selected years",
    },
    "empty.fit_failed": {
        "zh": "无法拟合：春节前后没有明显峰值或峰值后数据太少",
        "en": "No fit: no clear festival peak, or too few days after it",
    },
    "empty.no_cohorts": {
        "zh": "还没有可计算留存的创作者队列",
        "en": "No creator cohorts to compute retention for yet",
    },
    "empty.no_participants": {
        "zh": "该筛选条件下没有参与者",
        "en": "No participants for these filters",
    },
    "empty.all_cities_hidden": {
        "zh": "每个城市都少于 {k} 位参与者，均不显示",
        "en": "Every city has fewer than {k} of these participants and is not shown",
    },
    "empty.all_hidden": {
        "zh": "每个格子都少于 {k} 人，均以“<{k}”隐藏",
        "en": "Every cell holds fewer than {k} people and is hidden (“<{k}”)",
    },
}

# Segment dimensions whose values are questionnaire option keys -> the question that labels them.
_QUESTION_OF = {
    "role": "role",
    "age_band": "age",
    "gender": "gender",
    "hours_per_week": "hours_per_week",
    "income": "income",
    "will_return": "will_return",
    "tools": "tools",
    "motivations": "motivations",
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}; use one of {LANGS}")


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    """The UI string `key` in `lang`; KeyError for an unknown key or language."""
    _check_lang(lang)
    try:
        return STRINGS[key][lang]
    except KeyError:
        raise KeyError(f"no UI string {key!r} in {lang!r}") from None


def register(strings: dict[str, dict[str, str]]) -> None:
    """Add a page's own UI strings; a key already defined or a missing language is an error."""
    for key, texts in strings.items():
        if key in STRINGS and STRINGS[key] != texts:
            raise KeyError(f"UI string {key!r} is already defined differently")
        if set(texts) != set(LANGS):
            raise KeyError(f"UI string {key!r} needs exactly the languages {LANGS}")
        STRINGS[key] = texts


def fmt_number(value: float) -> str:
    """A count with thousands separators (180,000), the same in both languages."""
    return f"{value:,.0f}"


# The platforms the warehouse knows by name (warehouse/platforms.yaml, also dim_platform's
# rows); generic platform ids loaded through a mapping file are shown as their id.
PLATFORM_NAMES: dict[str, dict[str, str]] = {
    platform_id: {"zh": profile.name_zh, "en": profile.name_en}
    for platform_id, profile in platform_profiles().items()
}


def _platform_names() -> dict[str, dict[str, str]]:
    return PLATFORM_NAMES


def platform_label(platform_id: str, lang: str = DEFAULT_LANG) -> str:
    """哔哩哔哩 / Bilibili for `bilibili`; a generic platform id (not in platforms.yaml) as is."""
    _check_lang(lang)
    names = _platform_names().get(platform_id)
    # The warehouse accepts generic platform ids it has no names for: the id is their name.
    return names[lang] if names else platform_id


@cache
def _option_labels(question_id: str) -> dict[str, dict[str, str]]:
    question = load_questionnaire().question(question_id)
    return {opt.key: {"zh": opt.label.zh, "en": opt.label.en} for opt in question.options}


def option_label(question_id: str, key: str | None, lang: str = DEFAULT_LANG) -> str:
    """The questionnaire's label of option `key` of `question_id`; KeyError if there is none."""
    _check_lang(lang)
    if key is None:
        return UNKNOWN[lang]
    labels = _option_labels(question_id)
    if key not in labels:
        raise KeyError(f"question {question_id!r} has no option {key!r}")
    return labels[key][lang]


def role_label(role: str | None, lang: str = DEFAULT_LANG) -> str:
    """产品经理 / Product manager for `product_manager` (questionnaire option labels)."""
    return option_label("role", role, lang)


def age_band_label(band: str | None, lang: str = DEFAULT_LANG) -> str:
    """25-29岁 / 25-29 for `25_29` (questionnaire option labels)."""
    return option_label("age", band, lang)


def band_label(length_band: str, lang: str = DEFAULT_LANG) -> str:
    """3–6分钟 / 3–6 min for a length band of similar programs."""
    return t(f"band.{length_band}", lang)


def category_label(dimension: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """The label of one value of a segment dimension (or `platform`) in `lang`."""
    _check_lang(lang)
    if value is None:
        return UNKNOWN[lang]
    if dimension == "platform":
        return platform_label(str(value), lang)
    if dimension in _QUESTION_OF:
        return option_label(_QUESTION_OF[dimension], str(value), lang)
    # Other dimensions (coarse age bands, city tiers, cities ...) are labelled by the segments
    # package; imported here because it pulls in scikit-learn, which pages that never show such
    # a dimension should not pay for.
    from survey.segments.dimensions import value_label

    zh, en = value_label(dimension, value)
    return zh if lang == "zh" else en
