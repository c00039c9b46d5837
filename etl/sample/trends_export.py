"""A Google Trends `multiTimeline.csv` for the demo, written as the zh-CN UI downloads it.

One term, `AI春晚`, region 中国, daily from 1 January to 30 April 2025 (a range under 270 days,
so Google gives days): the category line `类别：所有类别`, a blank line, the header
`天,AI春晚: (中国)`, one `YYYY-MM-DD,value` line per day; UTF-8 with a BOM, LF line ends, no
quoting (FORMATS §8.1). Values are scaled to the download's maximum (100) and rounded; a day
above zero but under one half is written `<1`, as Google writes it. The curve is a low search
baseline, a rise in the days before the gala's 除夕 broadcast, the peak on the broadcast day and
an exponential decay after it with a planted half-life, so the Attention page has a real-shaped
daily Google Trends series around Spring Festival to fit.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from etl.sample import platform_vocab as pv

FILE = "multiTimeline.csv"
CATEGORY = "类别：所有类别"
PERIOD_WORD = "天"
TERM = "AI春晚"
REGION = "中国"
FIRST = date(2025, 1, 1)
LAST = date(2025, 4, 30)
PEAK = pv.EDITION_BROADCAST[2025]  # 除夕: the night of the gala
HALF_LIFE_DAYS = 6.0
BASELINE = 0.7  # share of the peak x 100: low enough that some days round below one
RAMP_HALF_DAYS = 1.5
NOISE_SIGMA = 0.25  # a term this rare is noisy in Google's sample
SPIKE_NOISE_SIGMA = 0.05


def trends_value_text(x: float) -> str:
    """A value as Google writes it: `<1` above zero and under one half, else a whole number."""
    if 0 < x < 0.5:
        return "<1"
    return str(round(x))


def _interest(day: date, rng: random.Random) -> float:
    """Unscaled interest: the noisy baseline plus the gala's spike."""
    dt = (day - PEAK).days
    spike = 100 * 2 ** (-dt / HALF_LIFE_DAYS) if dt >= 0 else 100 * 2 ** (dt / RAMP_HALF_DAYS)
    base = BASELINE * math.exp(rng.gauss(0, NOISE_SIGMA))
    return base + spike * math.exp(rng.gauss(0, SPIKE_NOISE_SIGMA))


def write_trends_export(out_dir: Path, rng: random.Random) -> tuple[Path, dict[str, Any]]:
    """Write `multiTimeline.csv`; return (path, planted facts)."""
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    raw = {d: _interest(d, rng) for d in days}
    top = max(raw.values())
    texts = {d: trends_value_text(100 * v / top) for d, v in raw.items()}
    header = f"{PERIOD_WORD},{TERM}: ({REGION})"
    lines = [CATEGORY, "", header, *(f"{d.isoformat()},{texts[d]}" for d in days)]
    path = out_dir / FILE
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))
    below_one = [d.isoformat() for d in days if texts[d] == "<1"]
    peak_day = max(days, key=lambda d: raw[d])
    planted = {
        "file": FILE,
        "encoding": "utf-8-sig",
        "layout": "Google Trends multiTimeline.csv, zh-CN UI (category line, blank line, "
        "天,term: (region)), daily",
        "category": CATEGORY,
        "header": [PERIOD_WORD, f"{TERM}: ({REGION})"],
        "source": "Google Trends",
        "keyword": TERM,
        "region": REGION,
        "granularity": "day",
        "series": f"Google Trends/{TERM} ({REGION})",
        "period": [FIRST.isoformat(), LAST.isoformat()],
        "rows_written": len(days),
        "peak_on": peak_day.isoformat(),
        "spring_festival": pv.SPRING_FESTIVALS[2025].isoformat(),
        "half_life_days": HALF_LIFE_DAYS,
        "below_one": {"count": len(below_one), "dates": below_one, "stored_as": 0.5},
        "sum_of_written_values": sum(int(t) for t in texts.values() if t != "<1")
        + 0.5 * len(below_one),
        "model": "100 * 2^(-(d - peak) / h) from the peak (除夕 broadcast) on, "
        f"100 * 2^(-(peak - d) / {RAMP_HALF_DAYS}) before it, times exp(N(0, "
        f"{SPIKE_NOISE_SIGMA})); plus a baseline {BASELINE} * exp(N(0, {NOISE_SIGMA})); "
        "scaled so the largest day is 100, rounded, under 0.5 written <1",
    }
    return path, planted
