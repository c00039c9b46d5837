"""Is this file an attention series? Content signatures for `etl.ingest.detect_source`."""

from __future__ import annotations

from pathlib import Path

from etl.attention.indices import DATE, KEYWORD_HEADERS, MEASURES, SUMMARY_HEADERS
from etl.attention.series import SeriesRow, parse_dates
from etl.attention.trends import is_google_trends
from survey.text import clean_text

STRONG_MEASURES = {"整体", "整体指数", "综合指数", "微信指数"}


def index_table_signature(headers: list[str]) -> str | None:
    """The attention layout a header row shows (百度指数 / 微信指数 / 巨量算数 / our long), or None.

    `日期` with `整体` / `整体指数` / `综合指数` / `微信指数`, or with `关键词` and any measure
    column (`PC`, `移动`, `搜索指数` ...), or
    `日期, 关键词, 指数`; `关键词` followed only by dates; a 百度指数 summary (`整体日均值`).
    """
    cleaned = [clean_text(h) or "" for h in headers]
    names = set(cleaned)
    # `PC` / `移动` / `搜索指数` alone could be a platform's own breakdown: they count only
    # beside a 关键词 column; the tools' main measures count on their own.
    if DATE in names and (names & STRONG_MEASURES or ("关键词" in names and names & set(MEASURES))):
        return "index_measures"
    if {DATE, "关键词", "指数"} <= names:
        return "long"
    if names & set(SUMMARY_HEADERS) and "关键词" in names:
        return "baidu_summary"
    if len(cleaned) >= 3 and cleaned[0].casefold() in KEYWORD_HEADERS:
        probe = [SeriesRow(1, h, h) for h in cleaned[1:]]
        parse_dates(probe)
        if all(row.date_on is not None for row in probe):
            return "index_dates_wide"
    return None


def attention_signature(path: Path, headers: list[str]) -> str | None:
    """'google_trends' or an index-table layout when the file is an attention series, else None."""
    if is_google_trends(path):
        return "google_trends"
    return index_table_signature(headers)
