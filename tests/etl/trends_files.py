"""Google Trends / 百度指数 / 微信指数 / 巨量算数 files written as the tools write them.

Google Trends layout, byte for byte as the site downloads it: line 1 the category in the UI
language (one cell), an empty line, the header (`Day,term: (Region)`), one line per period;
UTF-8 (the zh UIs add a BOM in some browsers), CRLF or LF. Values 0..100 or `<1`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np

SPRING_FESTIVAL_2025 = date(2025, 1, 29)

# UI language -> (category line, day word, week word, month word, region word for worldwide)
UI: dict[str, tuple[str, str, str, str, str]] = {
    "en": ("Category: All categories", "Day", "Week", "Month", "Worldwide"),
    "zh-CN": ("类别：所有类别", "天", "周", "月份", "全球"),
    "zh-TW": ("類別：所有類別", "天", "週", "月", "全球"),
    "es": ("Categoría: Todas las categorías", "Día", "Semana", "Mes", "Todo el mundo"),
    "de": ("Kategorie: Alle Kategorien", "Tag", "Woche", "Monat", "Weltweit"),
    "ja": ("カテゴリ: すべてのカテゴリ", "日", "週", "月", "すべての国"),
}
GEO_WORDS = {
    "en": "Country",
    "zh-CN": "国家/地区",
    "zh-TW": "國家/地區",
    "es": "País",
    "de": "Land",
}


def trends_bytes(
    category: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    bom: bool = False,
    newline: str = "\n",
) -> bytes:
    """A Google Trends download: category line, blank line, header, rows (no quoting: Google
    writes none for these cells)."""
    lines = [category, "", ",".join(header), *(",".join(r) for r in rows)]
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def write_trends(
    path: Path,
    category: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    bom: bool = False,
    newline: str = "\n",
) -> Path:
    """Write `trends_bytes` to `path`."""
    path.write_bytes(trends_bytes(category, header, rows, bom=bom, newline=newline))
    return path


def festival_curve(d: float, half_life: float) -> float:
    """Relative interest at day d from Spring Festival: a baseline and a spike decaying after it."""
    if d >= 0:
        spike = 4.0 * 2 ** (-d / half_life)
    elif d >= -7:
        spike = 4.0 * 2 ** (d / 1.5)
    else:
        spike = 0.0
    return 1.0 + spike


def google_value(x: float) -> str:
    """A value as Google writes it: a whole number 1..100, or `<1` above zero and below one."""
    if 0 < x < 0.5:
        return "<1"
    return str(round(x))


def daily_values(
    first: date, last: date, half_life: float, *, seed: int = 1, noise: float = 0.05
) -> dict[date, float]:
    """Noisy daily interest (not yet scaled to 0..100)."""
    rng = np.random.default_rng(seed)
    days = (last - first).days + 1
    out = {}
    for i in range(days):
        day = first + timedelta(days=i)
        d = (day - SPRING_FESTIVAL_2025).days
        out[day] = festival_curve(d, half_life) * math.exp(rng.normal(0.0, noise))
    return out


def scaled(values: dict[date, float]) -> dict[date, str]:
    """Scaled so the largest is 100, as Google does for one download."""
    top = max(values.values())
    return {day: google_value(100 * v / top) for day, v in values.items()}


def weekly_from_daily(values: dict[date, float]) -> dict[date, float]:
    """Sunday-start weeks (as Google Trends dates them) averaging the days they hold."""
    weeks: dict[date, list[float]] = {}
    for day, v in values.items():
        start = day - timedelta(days=(day.weekday() + 1) % 7)
        weeks.setdefault(start, []).append(v)
    return {start: float(np.mean(vs)) for start, vs in weeks.items() if len(vs) == 7}


def monthly_from_daily(values: dict[date, float]) -> dict[date, float]:
    """Calendar months averaging the days they hold."""
    months: dict[date, list[float]] = {}
    for day, v in values.items():
        months.setdefault(day.replace(day=1), []).append(v)
    return {start: float(np.mean(vs)) for start, vs in months.items()}
