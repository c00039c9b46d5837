"""Live-stream minutes, audience retention, creator activity and topic attention.

Each builder returns the rows to write and the planted facts, computed from the written cells.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from etl.sample import platform_vocab as pv
from etl.sample.catalogue import Content, content_id
from etl.sample.model import Person, format_contact, make_contact, quota
from etl.sample.plays import noisy

LIVE_HEADER = ["平台", "直播ID", "时间", "在线人数", "评论数", "礼物数"]
RETENTION_HEADER = ["平台", "内容ID", "进度", "留存率", "时长"]
ACTIVITY_HEADER = ["联系方式", "平台", "发布日期", "作品ID", "标题"]
ATTENTION_HEADER = ["日期", "关键词", "指数", "来源"]


# --- live ----------------------------------------------------------------------------------


def _live_shape(highlights: list[tuple[int, float]]) -> list[float]:
    """Return the concurrency shape per minute: a rise, highlight bumps, a drop after 00:00."""
    out = []
    for m in range(pv.LIVE_MINUTES):
        v = 0.22 + 0.78 / (1 + math.exp(-(m - 35) / 12))
        v *= 1 - 0.5 * max(0, m - 240) / 10
        v += sum(w * math.exp(-(((m - h) / 6) ** 2)) for h, w in highlights)
        out.append(v)
    return out


def build_live(edition: int, rng: random.Random) -> tuple[list[list[Any]], dict[str, Any]]:
    """Render one edition's per-minute gala streams and what they plant."""
    start = datetime.combine(pv.EDITION_BROADCAST[edition], datetime.min.time()) + timedelta(
        hours=20
    )
    stamp = [(start + timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M") for m in range(251)]
    planted_platform, planted_minute, planted_value = pv.LIVE_PEAK_2024
    rows: list[list[Any]] = []
    streams: list[dict[str, Any]] = []
    for platform in pv.LIVE_PLATFORMS[edition]:
        forced = edition == 2024 and platform == planted_platform
        peak_at = stamp.index(planted_minute) if forced else rng.randint(120, 230)
        highlights = [(rng.randint(60, 235), rng.uniform(0.04, 0.1)) for _ in range(5)]
        highlights.append((peak_at, 0.22))
        shape = _live_shape(highlights)
        top = max(shape)
        level = planted_value if forced else pv.LIVE_LEVELS[edition][platform]
        online = [round(level * s / top * rng.lognormvariate(0, 0.012)) for s in shape]
        if forced:
            online = [min(v, planted_value - rng.randint(150, 2500)) for v in online]
            online[peak_at] = planted_value
        if platform == "bilibili":
            live_id = str(rng.randint(21_000_000, 32_999_999))
        elif platform == "douyin":
            live_id = ("73" if edition == 2024 else "74") + f"{rng.randrange(10**17):017d}"
        else:
            live_id = "live_" + "".join(rng.choice("0123456789abcdef") for _ in range(16))
        comments, gifts = [], []
        for m, v in enumerate(online):
            burst = 1 + 2 * sum(w for h, w in highlights if abs(m - h) <= 2)
            comments.append(noisy(v * 0.01 * burst, 0.15, rng))
            gifts.append(noisy(v * 0.0012 * burst, 0.25, rng))
        no_gifts = platform == "wechat_channels"
        for m in range(pv.LIVE_MINUTES):
            rows.append(
                [
                    pv.LIVE_ZH[platform],
                    live_id,
                    stamp[m],
                    online[m],
                    comments[m],
                    "" if no_gifts else gifts[m],
                ]
            )
        peak = max(online)
        streams.append(
            {
                "platform": platform,
                "platform_written": pv.LIVE_ZH[platform],
                "live_id": live_id,
                "rows": pv.LIVE_MINUTES,
                "first_minute": stamp[0],
                "last_minute": stamp[-1],
                "peak": peak,
                "peak_minute": stamp[online.index(peak)],
                "comments": sum(comments),
                "gifts": None if no_gifts else sum(gifts),
            }
        )
    best = max(streams, key=lambda s: s["peak"])
    return rows, {
        "rows_written": len(rows),
        "streams": streams,
        "overall_peak": {
            "platform": best["platform"],
            "minute": best["peak_minute"],
            "value": best["peak"],
        },
    }


# --- retention -----------------------------------------------------------------------------


def _retention_at(x: float, p: dict[str, float]) -> float:
    """Return the noise-free retention at progress x in [0, 1]."""
    r = 1 - p["a"] * (1 - math.exp(-x / p["tau"])) - p["b"] * x
    r += p["bump"] * math.exp(-(((x - p["bump_at"]) / 0.03) ** 2))
    r -= p["end"] * max(0.0, (x - 0.97) / 0.03)
    return r


def resample_pct(points: list[tuple[float, float]]) -> list[float]:
    """Linearly interpolate (progress %, rate) points at every 1% (0..100)."""
    out, j = [], 0
    for k in range(101):
        while j + 1 < len(points) - 1 and points[j + 1][0] < k:
            j += 1
        (x0, y0), (x1, y1) = points[j], points[j + 1]
        t = 0.0 if x1 == x0 else (k - x0) / (x1 - x0)
        out.append(y0 + (y1 - y0) * min(max(t, 0.0), 1.0))
    return out


def avg_pct_viewed(resampled: list[float]) -> tuple[float, float]:
    """Return (trapezoid area under the 1% curve, mean of the 101 points), in percent."""
    area = sum((a + b) / 2 for a, b in itertools.pairwise(resampled))
    return round(area, 3), round(sum(resampled) / len(resampled) * 100, 3)


def build_retention(
    contents: list[Content], rng: random.Random
) -> tuple[list[list[Any]], list[dict[str, Any]], dict[tuple[str, str], float]]:
    """Render ~30 retention curves (bilibili and youtube); return rows, records and APV."""
    chosen: list[Content] = []
    for platform, k in (("bilibili", 18), ("youtube", 12)):
        pool = [c for c in contents if c.platform == platform and c.program is not None]
        chosen += rng.sample(pool, k)
    rows: list[list[Any]] = []
    records = []
    apv: dict[tuple[str, str], float] = {}
    for c in chosen:
        seconds = rng.random() < (0.65 if c.platform == "bilibili" else 0.3)
        as_pct = rng.random() < (0.7 if seconds else 0.4)
        params = {
            "a": rng.uniform(0.25, 0.55),
            "tau": rng.uniform(0.015, 0.05),
            "b": rng.uniform(0.15, 0.4),
            "bump": rng.uniform(0.03, 0.08) if rng.random() < 0.4 else 0.0,
            "bump_at": rng.uniform(0.85, 0.94),
            "end": rng.uniform(0.05, 0.15),
        }
        dur = c.duration_s
        if seconds:
            step = 5 if dur <= 400 else 10
            marks = [*range(0, dur, step), dur]
            xs = [s / dur for s in marks]
        else:
            marks = list(range(101))
            xs = [k / 100 for k in marks]
        first = len(rows) + 2
        points = []
        for i, (mark, x) in enumerate(zip(marks, xs, strict=True)):
            r = 1.0 if i == 0 else _retention_at(x, params) + rng.gauss(0, 0.004)
            r3 = round(min(1.0, max(0.01, r)), 3)
            rate = f"{r3 * 100:.1f}%" if as_pct else f"{r3:.3f}"
            progress = str(mark) if seconds else f"{mark}%"
            rows.append([c.platform, c.content_id, progress, rate, dur if seconds else ""])
            points.append((x * 100, r3))
        area, mean = avg_pct_viewed(resample_pct(points))
        apv[c.key] = area
        records.append(
            {
                "platform": c.platform,
                "content_id": c.content_id,
                "program": c.program.pid if c.program else None,
                "progress": "seconds" if seconds else "percent",
                "duration_s": dur,
                "rate_written_as": "87.3%" if as_pct else "0.873",
                "points": len(marks),
                "file_rows": [first, len(rows) + 1],
                "end_bump": params["bump"] > 0,
                "avg_pct_viewed": area,
                "avg_pct_viewed_mean_of_101": mean,
            }
        )
    return rows, records, apv


# --- creator activity ----------------------------------------------------------------------

GALAS = (*pv.EDITION_BROADCAST.values(), pv.NEXT_EDITION_BROADCAST[2025])


def _near_gala(d: date) -> bool:
    """Return whether a day is within 30 days of a gala broadcast."""
    return any(abs((d - g).days) <= 30 for g in GALAS)


def _clamp(d: date, lo: date, hi: date) -> date:
    """Clamp a day into [lo, hi]."""
    return min(max(d, lo), hi)


def _work_days(kind: str, gala: date, rng: random.Random) -> list[date]:
    """Draw the publish days of one creator's works."""
    lo, hi = pv.ACTIVITY_START, pv.ACTIVITY_END
    if kind == "one":
        return [_clamp(gala + timedelta(days=round(rng.gauss(-10, 25))), lo, gala + timedelta(60))]
    if kind == "two_three":
        n = rng.choice((2, 3))
        days: set[date] = set()
        while len(days) < n:
            days.add(_clamp(gala + timedelta(days=rng.randint(-120, 60)), lo, hi))
        return sorted(days)
    while True:
        start = _clamp(gala - timedelta(days=rng.randint(30, 200)), lo, hi)
        stop = hi if rng.random() < 0.65 else _clamp(gala + timedelta(rng.randint(90, 700)), lo, hi)
        mean_gap = rng.uniform(14, 60)
        top = 2.5 / mean_gap
        t, days = 0.0, set()
        span = (stop - start).days
        while True:
            t += rng.expovariate(top)
            if t > span:
                break
            d = start + timedelta(days=int(t))
            if rng.random() < (1.0 if _near_gala(d) else 0.4):
                days.add(d)
        if len(days) >= 4:
            return sorted(days)


def build_activity(
    people: list[Person], rng: random.Random, used: set[str]
) -> tuple[list[list[Any]], dict[str, Any]]:
    """Render the works of every participant and what they plant."""
    kinds_count = quota(pv.ACTIVITY_KINDS, len(people))
    kinds = [k for k, n in kinds_count.items() for _ in range(n)]
    rng.shuffle(kinds)
    works: list[tuple[date, Person, list[Any]]] = []
    first_edition: dict[str, int] = {}
    for person, kind in zip(people, kinds, strict=True):
        if kind == "none":
            continue
        first = min(person.editions())
        first_edition[person.pid] = first
        for d in _work_days(kind, pv.EDITION_BROADCAST[first], rng):
            platform = rng.choices(
                list(pv.ACTIVITY_PLATFORMS), weights=list(pv.ACTIVITY_PLATFORMS.values())
            )[0]
            form = rng.choice(pv.ACTIVITY_TITLE_FORMS)
            title = form.format(
                w=rng.choice(pv.ACTIVITY_WORDS),
                t=rng.choice(pv.ACTIVITY_TOOLS),
                k=rng.choice(pv.ACTIVITY_WORK_KINDS),
            )
            day = f"{d.year}/{d.month}/{d.day}" if rng.random() < 0.1 else d.isoformat()
            cid = content_id(platform, 2024 if d.year <= 2024 else 2025, rng, used)
            contact = format_contact(person.contact_kind, person.contact_value, rng)
            works.append((d, person, [contact, platform, day, cid, title]))
    works.sort(key=lambda w: (w[0], w[1].pid))
    rows = [w[2] for w in works]
    known = {p.contact_key for p in people}
    bad_rows = []
    for _ in range(2):
        kind, value = make_contact(rng)
        while f"{kind}:{value}" in known:
            kind, value = make_contact(rng)
        d = pv.EDITION_BROADCAST[2025] + timedelta(days=rng.randint(-40, 40))
        platform = rng.choice(list(pv.ACTIVITY_PLATFORMS))
        bad = [
            format_contact(kind, value, rng),
            platform,
            d.isoformat(),
            content_id(platform, 2025, rng, used),
            "AI短片《" + rng.choice(pv.ACTIVITY_WORDS) + "》",
        ]
        rows.insert(rng.randint(1, len(rows)), bad)
        bad_rows.append(bad)

    per_person: dict[str, list[date]] = {}
    for d, person, _ in works:
        per_person.setdefault(person.pid, []).append(d)
    n_creators = len(per_person)
    counts = {pid: len(days) for pid, days in per_person.items()}
    by_count = {
        "1": sum(n == 1 for n in counts.values()),
        "2": sum(n == 2 for n in counts.values()),
        "3": sum(n == 3 for n in counts.values()),
        "4+": sum(n >= 4 for n in counts.values()),
    }
    cohorts: dict[int, dict[str, Any]] = {}
    for edition, nxt in pv.NEXT_EDITION_BROADCAST.items():
        members = [pid for pid in per_person if first_edition[pid] == edition]
        active = [pid for pid in members if max(per_person[pid]) > nxt]
        cohorts[edition] = {
            "creators": len(members),
            "next_edition_broadcast": nxt.isoformat(),
            "active_after": len(active),
            "share_active_after": round(len(active) / len(members), 4),
        }
    active_all = sum(c["active_after"] for c in cohorts.values())
    monthly: dict[str, int] = {}
    for d, _, _ in works:
        key = f"{d.year}-{d.month:02d}"
        monthly[key] = monthly.get(key, 0) + 1
    near = sum(_near_gala(d) for d, _, _ in works)
    return rows, {
        "header": ACTIVITY_HEADER,
        "rows_written": len(rows),
        "rows_valid": len(works),
        "rows_rejected": len(bad_rows),
        "rejects": [
            {
                "file_row": next(i for i, r in enumerate(rows, 2) if r is bad),
                "column": "联系方式",
                "kind": "unknown_contact",
                "value": bad[0],
            }
            for bad in bad_rows
        ],
        "period": [pv.ACTIVITY_START.isoformat(), pv.ACTIVITY_END.isoformat()],
        "participants": len(people),
        "participants_without_works": len(people) - n_creators,
        "creators_with_works": n_creators,
        "works": len(works),
        "creators_by_works": by_count,
        "share_one_and_done": round(by_count["1"] / n_creators, 4),
        "share_two_or_three": round((by_count["2"] + by_count["3"]) / n_creators, 4),
        "share_four_plus": round(by_count["4+"] / n_creators, 4),
        "share_active_after_next_edition": round(active_all / n_creators, 4),
        "cohorts": cohorts,
        "works_within_30_days_of_a_gala": near,
        "monthly_works": dict(sorted(monthly.items())),
        "model_quota": kinds_count,
        "definitions": {
            "shares": "over creators with at least one valid work",
            "cohort": "the creator's first edition (min of roster 参与届次)",
            "active_after_next_edition": "has a work dated after the next edition's "
            "broadcast (2024 -> 2025-01-28, 2025 -> 2026-02-16)",
            "date_written_as": "2024-02-09, about 10% as 2024/2/9",
        },
    }


# --- topic attention -----------------------------------------------------------------------


def _baseline(day: date, levels: dict[int, int], ratio: float) -> float:
    """Return the baseline: L_y through February, the plateau L_y*ratio from April."""
    anchors: list[tuple[date, float]] = []
    for y, level in sorted(levels.items()):
        anchors += [
            (date(y, 1, 1), level),
            (date(y, 3, 1), level),
            (date(y, 4, 1), level * ratio),
            (date(y, 12, 1), level * ratio),
        ]
    for (d0, v0), (d1, v1) in itertools.pairwise(anchors):
        if d0 <= day <= d1:
            return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
    return anchors[-1][1]


def _spike(day: date, amplitude: dict[int, float]) -> float:
    """Return the festival spikes at a day: a short rise, the peak, exponential decay."""
    total = 0.0
    for year, fest in pv.SPRING_FESTIVALS.items():
        dt = (day - fest).days
        if dt >= 0:
            total += amplitude[year] * 2 ** (-dt / pv.ATTENTION_HALF_LIFE[year])
        elif dt >= -pv.ATTENTION_RAMP_DAYS:
            total += amplitude[year] * 2 ** (dt / pv.ATTENTION_RAMP_HALF)
    return total


def attention_model(key: tuple[str, str], day: date) -> float:
    """Return the noise-free index of a series (baseline + spikes, no weekly effect)."""
    levels, ratio, amp = pv.ATTENTION_SERIES[key]
    amplitude = {y: amp[y] * levels[y] for y in levels}
    return _baseline(day, levels, ratio) + _spike(day, amplitude)


def build_attention(rng: random.Random) -> tuple[list[list[Any]], dict[str, Any]]:
    """Render the daily topic-attention series and what they plant."""
    n_days = (pv.ATTENTION_END - pv.ATTENTION_START).days + 1
    days = [pv.ATTENTION_START + timedelta(days=i) for i in range(n_days)]
    gaps = {
        (kw, src, first + timedelta(days=i))
        for kw, src, first, n in pv.ATTENTION_GAPS
        for i in range(n)
    }
    outliers = {(kw, src, d): (f, note) for kw, src, d, f, note in pv.ATTENTION_OUTLIERS}
    values: dict[tuple[str, str], dict[date, int]] = {}
    outlier_records = []
    for key in pv.ATTENTION_SERIES:
        series = {}
        for d in days:
            levels, ratio, amp = pv.ATTENTION_SERIES[key]
            base = _baseline(d, levels, ratio) * pv.WEEKLY_ATTENTION[d.weekday()]
            model = base + _spike(d, {y: amp[y] * levels[y] for y in levels})
            v = model * math.exp(rng.gauss(0, pv.ATTENTION_NOISE_SIGMA))
            if (*key, d) in outliers:
                factor, note = outliers[(*key, d)]
                outlier_records.append(
                    {
                        "keyword": key[0],
                        "source": key[1],
                        "date": d.isoformat(),
                        "value": round(v * factor),
                        "model_value": round(model),
                        "factor": factor,
                        "note": note,
                    }
                )
                v *= factor
            if (*key, d) not in gaps:
                series[d] = round(v)
        values[key] = series
    rows = [
        [d.isoformat(), kw, values[(kw, src)][d], src]
        for d in days
        for kw, src in pv.ATTENTION_SERIES
        if d in values[(kw, src)]
    ]
    series_out = []
    for key, series in values.items():
        levels, ratio, amp = pv.ATTENTION_SERIES[key]
        per_year = {}
        for year, fest in pv.SPRING_FESTIVALS.items():
            window = [d for d in series if -pv.ATTENTION_RAMP_DAYS <= (d - fest).days <= 30]
            peak_day = max(window, key=lambda d: series[d])
            before = [
                series[d] for d in series if -30 <= (d - fest).days <= -pv.ATTENTION_RAMP_DAYS - 1
            ]
            at_peak = attention_model(key, fest)
            per_year[year] = {
                "festival": fest.isoformat(),
                "observed_peak_date": peak_day.isoformat(),
                "observed_peak_value": series[peak_day],
                "median_of_prior_3_weeks": round(median(before), 1),
                "model_peak": round(at_peak, 1),
                "model_share_of_peak_left": {
                    f"+{n}d": round(attention_model(key, fest + timedelta(days=n)) / at_peak, 4)
                    for n in (30, 60)
                },
            }
        series_out.append(
            {
                "keyword": key[0],
                "source": key[1],
                "rows": len(series),
                "level_jan_feb": levels,
                "plateau_ratio_after_march": ratio,
                "spike_amplitude_times_level": amp,
                "per_festival": per_year,
            }
        )
    return rows, {
        "header": ATTENTION_HEADER,
        "period": [pv.ATTENTION_START.isoformat(), pv.ATTENTION_END.isoformat()],
        "rows_written": len(rows),
        "festivals": {y: d.isoformat() for y, d in pv.SPRING_FESTIVALS.items()},
        "half_life_days": dict(pv.ATTENTION_HALF_LIFE),
        "spike_share_of_peak_left": {
            y: {f"+{n}d": round(2 ** (-n / h), 4) for n in (30, 60)}
            for y, h in pv.ATTENTION_HALF_LIFE.items()
        },
        "model": {
            "index": "(baseline * weekly[weekday] + spikes) * exp(N(0, sigma)), rounded; "
            f"sigma = {pv.ATTENTION_NOISE_SIGMA}; the holiday spike has no weekday rhythm",
            "baseline": "L_y from Jan 1 to Mar 1, linear down to the plateau L_y * ratio by "
            "Apr 1, flat to Dec 1, linear up to L_(y+1) by Jan 1",
            "spike": "A_y * 2^(-(t - F_y) / h_y) from the festival F_y on; "
            f"A_y * 2^(-(F_y - t) / {pv.ATTENTION_RAMP_HALF}) in the "
            f"{pv.ATTENTION_RAMP_DAYS} days before; A_y = amplitude * L_y",
            "weekly_mon_to_sun": list(pv.WEEKLY_ATTENTION),
            "share_of_peak_left": "spike_share_of_peak_left = 2^(-n/h) (spike alone); "
            "model_share_of_peak_left per series = model(F+n) / model(F), baseline included",
        },
        "series": series_out,
        "gaps": [
            {"keyword": kw, "source": src, "date": d.isoformat()}
            for kw, src, d in sorted(gaps, key=lambda g: (g[2], g[0], g[1]))
        ],
        "outliers": outlier_records,
    }
