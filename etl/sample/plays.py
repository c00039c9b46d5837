"""Daily plays of every published item and the platform exports that carry them.

Plays follow an attention curve per content: the publish day (an evening) gets half of the next
day's peak, then plays decay exponentially with a per-platform, per-edition half-life, times a
weekly seasonality and log-normal noise (Poisson when small), for the publish day and 120 more.
The exports are written exactly per ``etl/platforms/FORMATS.md``: bilibili cumulative snapshots,
douyin daily in GB18030 with ``1.2万`` / ``35.2%`` / ``1分42秒``, 视频号 / 小红书 / 微博 daily with
their own headers, and a YouTube Studio advanced-mode folder. Every value planted is computed
from what was written (``1.2万`` counts as 12000).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from etl.sample import platform_vocab as pv
from etl.sample.catalogue import Content
from etl.sample.exports import write_csv

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

METRIC_RATES = {  # daily metric = views * rate (rate varies per content), noisy
    "bilibili": {
        "likes": 0.06,
        "coins": 0.02,
        "favorites": 0.03,
        "danmaku": 0.012,
        "comments": 0.006,
        "shares": 0.005,
    },
    "douyin": {
        "likes": 0.05,
        "comments": 0.004,
        "shares": 0.006,
        "favorites": 0.008,
        "new_followers": 0.002,
    },
    "wechat_channels": {
        "likes": 0.02,
        "recommends": 0.015,
        "comments": 0.003,
        "shares": 0.02,
        "favorites": 0.005,
        "new_followers": 0.002,
    },
    "xiaohongshu": {
        "likes": 0.05,
        "favorites": 0.03,
        "comments": 0.006,
        "shares": 0.004,
        "new_followers": 0.003,
        "impressions": 8.0,
    },
    "weibo": {"shares": 0.01, "comments": 0.008, "likes": 0.03, "unique_viewers": 0.8},
    "youtube": {},
}

# header -> canonical metric, in file order (the date / id / title columns come first)
CN_EXPORTS: dict[str, dict[str, Any]] = {
    "bilibili": {
        "encoding": "utf-8-sig",
        "date_column": "统计日期",
        "id_column": "BV号",
        "title_column": "标题",
        "columns": {
            "累计播放": "views",
            "累计点赞": "likes",
            "累计投币": "coins",
            "累计收藏": "favorites",
            "累计弹幕": "danmaku",
            "累计评论": "comments",
            "累计分享": "shares",
        },
        "mode": "cumulative",
        "date_form": "YYYY-MM-DD",
        "bad": ("2025-02-30", "#VALUE!"),
    },
    "douyin": {
        "encoding": "gb18030",
        "date_column": "日期",
        "id_column": "作品ID",
        "title_column": "作品名称",
        "columns": {
            "播放量": "views",
            "点赞": "likes",
            "评论": "comments",
            "分享": "shares",
            "收藏": "favorites",
            "完播率": "completion_rate",
            "平均播放时长": "avg_view_duration_s",
            "涨粉": "new_followers",
        },
        "mode": "daily",
        "date_form": "YYYY/M/D",
        "bad": ("2024/13/5", "统计中"),
    },
    "wechat_channels": {
        "encoding": "utf-8",
        "date_column": "日期",
        "id_column": "视频ID",
        "title_column": "视频标题",
        "columns": {
            "播放量": "views",
            "点赞": "likes",
            "推荐": "recommends",
            "评论": "comments",
            "转发": "shares",
            "收藏": "favorites",
            "新增粉丝": "new_followers",
        },
        "mode": "daily",
        "date_form": "YYYYMMDD",
        "bad": ("20240231", "加载失败"),
    },
    "xiaohongshu": {
        "encoding": "utf-8-sig",
        "date_column": "时间",
        "id_column": "笔记ID",
        "title_column": "笔记标题",
        "columns": {
            "观看量": "views",
            "点赞数": "likes",
            "收藏": "favorites",
            "评论数": "comments",
            "分享": "shares",
            "涨粉": "new_followers",
            "曝光": "impressions",
        },
        "mode": "daily",
        "date_form": "YYYY-MM-DD",
        "bad": ("昨天", "#REF!"),
    },
    "weibo": {
        "encoding": "utf-8",
        "date_column": "日期",
        "id_column": "微博ID",
        "title_column": "标题",
        "columns": {
            "发布时间": "published_at",
            "播放量": "views",
            "转发": "shares",
            "评论": "comments",
            "点赞": "likes",
            "观看人数": "unique_viewers",
        },
        "mode": "daily",
        "date_form": "YYYY/M/D",
        "bad": ("2025-1-32", "未知"),
    },
}
COUNT_METRICS = (
    "views",
    "likes",
    "coins",
    "favorites",
    "danmaku",
    "comments",
    "shares",
    "recommends",
    "new_followers",
    "impressions",
    "unique_viewers",
)
YT_TABLE = [
    "Content",
    "Video title",
    "Video publish time",
    "Duration",
    "Views",
    "Watch time (hours)",
    "Subscribers",
    "Impressions",
    "Impressions click-through rate (%)",
    "Unique viewers",
    "Average view duration",
    "Average percentage viewed (%)",
]
YT_CHART = ["Date", "Content", "Video title", "Video publish time", "Duration", "Views"]
YT_TOTALS = ["Date", "Views"]

Series = dict[str, list[int]]


# --- simulation ----------------------------------------------------------------------------


def poisson(lam: float, rng: random.Random) -> int:
    """Draw a Poisson count (Knuth; lam is small here)."""
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def noisy(mu: float, sigma: float, rng: random.Random) -> int:
    """Draw a count around mu: log-normal noise, Poisson below 30."""
    if mu <= 0:
        return 0
    x = mu * math.exp(rng.gauss(0, sigma) - sigma * sigma / 2)
    return poisson(x, rng) if x < 30 else round(x)


def curve_shape(half_life: float) -> list[float]:
    """Return the attention shape over the window: day 0 = 0.5, day k>=1 = 2^(-(k-1)/h)."""
    return [pv.PUBLISH_DAY_SHARE] + [2 ** (-(k - 1) / half_life) for k in range(1, pv.WINDOW_DAYS)]


def days_of(c: Content) -> list[date]:
    """Return the publish day and the 120 days after it."""
    return [c.publish_on + timedelta(days=k) for k in range(pv.WINDOW_DAYS)]


def simulate(contents: list[Content], rng: random.Random) -> dict[tuple[str, str], Series]:
    """Draw the true daily views and metrics of every content item."""
    out: dict[tuple[str, str], Series] = {}
    for edition in pv.EDITION_BROADCAST:
        for platform in pv.PLATFORMS:
            items = [c for c in contents if c.platform == platform and c.edition == edition]
            if not items:
                continue
            total = pv.EDITION_PLAYS[edition] * pv.PLATFORM_PLAY_SHARES[platform]
            weight = sum(c.popularity for c in items)
            shape = curve_shape(pv.HALF_LIFE_DAYS[platform][edition])
            norm = sum(shape)
            for c in items:
                base = total * c.popularity / weight / norm
                views = [
                    noisy(base * s * pv.WEEKLY_PLAYS[d.weekday()], pv.PLAY_NOISE_SIGMA, rng)
                    for s, d in zip(shape, days_of(c), strict=True)
                ]
                series: Series = {"views": views}
                for metric, rate in METRIC_RATES[platform].items():
                    r = rate * rng.lognormvariate(0, 0.3)
                    series[metric] = [noisy(v * r, 0.2, rng) if v else 0 for v in views]
                if "unique_viewers" in series:
                    series["unique_viewers"] = [
                        min(u, v) for u, v in zip(series["unique_viewers"], views, strict=True)
                    ]
                out[c.key] = series
    return out


# --- cell formats --------------------------------------------------------------------------


def fmt_date(d: date, form: str) -> str:
    """Write a date as YYYY-MM-DD, YYYY/M/D, YYYYMMDD or Mon D, YYYY (Feb 9, 2024)."""
    if form == "YYYY/M/D":
        return f"{d.year}/{d.month}/{d.day}"
    if form == "YYYYMMDD":
        return d.strftime("%Y%m%d")
    if form == "Mon D, YYYY":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return d.isoformat()


def fmt_wan(v: int, unit: str, odds: float, rng: random.Random) -> tuple[str, int]:
    """Write a count, sometimes as 1.2万 / 1.2w (>= 10000); return (text, value it means)."""
    if v >= 10_000 and rng.random() < odds:
        tenths = (v + 500) // 1000  # round half up to 0.1万
        return f"{tenths // 10}.{tenths % 10}{unit}", tenths * 1000
    return str(v), v


def fmt_hms(seconds: int) -> str:
    """Write seconds as 0:04:23."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def fmt_fen_miao(seconds: int) -> str:
    """Write seconds like 抖音: 1分42秒, or 42秒 under a minute."""
    return f"{seconds // 60}分{seconds % 60}秒" if seconds >= 60 else f"{seconds}秒"


# --- Chinese creator-centre exports --------------------------------------------------------


@dataclass
class CnRow:
    """One written row and the values it means (None: not a loadable value)."""

    cells: list[Any]
    content: Content | None
    day: date | None
    values: dict[str, float | int | None]
    reject: dict[str, Any] | None = None


def cumulate(series: Series) -> Series:
    """Turn daily counts into running totals."""
    out: Series = {}
    for metric, daily in series.items():
        total, acc = 0, []
        for v in daily:
            total += v
            acc.append(total)
        out[metric] = acc
    return out


def plant_correction(
    contents: list[Content], cumulative: dict[tuple[str, str], Series], rng: random.Random
) -> dict[str, Any]:
    """Make one bilibili 累计播放 go down on one day (a platform correction); record it."""
    pool = [c for c in contents if c.platform == "bilibili" and c.program and c.edition == 2025]
    pool.sort(key=lambda c: -cumulative[c.key]["views"][-1])
    c = pool[2]
    k = 9
    views = cumulative[c.key]["views"]
    before = views[k - 1]
    drop = round(before * rng.uniform(0.03, 0.06))
    removed = views[k] - views[k - 1] + drop  # fake plays removed on day k
    cumulative[c.key]["views"] = views[:k] + [v - removed for v in views[k:]]
    return {
        "content_id": c.content_id,
        "program": c.program.pid if c.program else None,
        "date": (c.publish_on + timedelta(days=k)).isoformat(),
        "before": before,
        "after": before - drop,
        "decrease": drop,
        "plays_removed_by_platform": removed,
        "column": "累计播放",
        "note": "the day keeps a negative delta, flagged in counter_issue; other deltas are untouched",
    }


def _cn_rows(
    platform: str,
    items: list[Content],
    series: dict[tuple[str, str], Series],
    rng: random.Random,
    apv: dict[tuple[str, str], float],
) -> list[CnRow]:
    """Render one export's rows, sorted by date then content."""
    spec = CN_EXPORTS[platform]
    rows: list[CnRow] = []
    for c in items:
        s = series[c.key]
        extra: dict[str, float] = {}
        if platform == "douyin":
            extra["cr"] = rng.uniform(0.12, 0.4) * (300 / max(c.duration_s, 150)) ** 0.3
            extra["share"] = apv.get(c.key, rng.uniform(25, 55)) / 100
        published = f"{c.publish_on.isoformat()} {rng.randint(20, 23)}:{rng.randrange(60):02d}"
        for k, day in enumerate(days_of(c)):
            cells: list[Any] = [fmt_date(day, spec["date_form"]), c.content_id, c.title]
            values: dict[str, float | int | None] = {}
            for _header, metric in spec["columns"].items():
                if metric == "published_at":
                    cells.append(published)
                    continue
                if metric == "completion_rate":
                    if s["views"][k] == 0:
                        cells.append("")
                        values[metric] = None
                    else:
                        cr = min(0.95, extra["cr"] * rng.lognormvariate(0, 0.08))
                        cells.append(f"{cr * 100:.1f}%")
                        values[metric] = round(cr * 100, 1) / 100
                    continue
                if metric == "avg_view_duration_s":
                    if s["views"][k] == 0:
                        cells.append("")
                        values[metric] = None
                    else:
                        sec = max(
                            3, round(c.duration_s * extra["share"] * rng.lognormvariate(0, 0.1))
                        )
                        sec = min(sec, c.duration_s)
                        cells.append(fmt_fen_miao(sec))
                        values[metric] = sec
                    continue
                v = s[metric][k]
                if platform == "douyin" and metric in ("views", "likes"):
                    text, v = fmt_wan(v, "万", 0.35, rng)
                elif platform == "xiaohongshu" and metric in ("views", "impressions"):
                    text, v = fmt_wan(v, "w", 0.3, rng)
                elif platform == "weibo" and v >= 1000 and rng.random() < 0.5:
                    text = f"{v:,}"
                else:
                    text = str(v)
                cells.append(text)
                values[metric] = v
            rows.append(CnRow(cells, c, day, values))
    order = {c.key: i for i, c in enumerate(items)}
    rows.sort(key=lambda r: (r.day, order[r.content.key]) if r.content and r.day else (date.max, 0))
    return rows


def _mess_rows(
    rows: list[CnRow],
    header: list[str],
    date_col: int,
    id_col: int,
    views_col: int,
    bad_date: str,
    bad_number: str,
    fmt_day: Callable[[date], str],
    rng: random.Random,
) -> None:
    """Insert three rows that must be rejected: bad date, non-number plays, missing id."""
    sample = [r for r in rows if r.content is not None]
    picks = rng.sample(sample, 3)
    bad = []
    a = list(picks[0].cells)
    a[date_col] = bad_date
    bad.append((a, picks[0].content, header[date_col], "bad_date", bad_date))
    b = list(picks[1].cells)
    last = picks[1].content
    assert last is not None
    b[date_col] = fmt_day(last.publish_on + timedelta(days=pv.WINDOW_DAYS))  # no clash
    b[views_col] = bad_number
    bad.append((b, last, header[views_col], "not_a_number", bad_number))
    c = list(picks[2].cells)
    c[id_col] = ""
    bad.append((c, None, header[id_col], "missing_content_id", ""))
    for cells, content, column, kind, value in bad:
        row = CnRow(cells, None, None, {}, {"column": column, "kind": kind, "value": value})
        row.reject["content_id"] = content.content_id if content else ""  # type: ignore[index]
        rows.insert(rng.randint(1, len(rows)), row)


def _metric_totals(rows: list[CnRow], cumulative: bool) -> dict[str, int]:
    """Sum the counts a perfect reader loads (cumulative: the last snapshot per content)."""
    totals: dict[str, int] = {}
    if cumulative:
        last: dict[str, dict[str, Any]] = {}
        for r in rows:
            if r.reject is None and r.content is not None:
                last[r.content.content_id] = r.values
        for values in last.values():
            for m, v in values.items():
                totals[m] = totals.get(m, 0) + int(v or 0)
        return {m: totals[m] for m in COUNT_METRICS if m in totals}
    for r in rows:
        if r.reject is None:
            for m, v in r.values.items():
                if m in COUNT_METRICS and v is not None:
                    totals[m] = totals.get(m, 0) + int(v)
    return {m: totals[m] for m in COUNT_METRICS if m in totals}


def write_cn_export(
    path: Path,
    platform: str,
    edition: int,
    contents: list[Content],
    series: dict[tuple[str, str], Series],
    rng: random.Random,
    apv: dict[tuple[str, str], float],
    correction: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[tuple[str, str], int]]:
    """Write one creator-centre export; return its planted facts and views per content."""
    spec = CN_EXPORTS[platform]
    header = [spec["date_column"], spec["id_column"], spec["title_column"], *spec["columns"]]
    items = [c for c in contents if c.platform == platform and c.edition == edition]
    rows = _cn_rows(platform, items, series, rng, apv)
    views_col = header.index(next(h for h, m in spec["columns"].items() if m == "views"))
    _mess_rows(
        rows,
        header,
        0,
        1,
        views_col,
        spec["bad"][0],
        spec["bad"][1],
        lambda d: fmt_date(d, spec["date_form"]),
        rng,
    )
    write_csv(path, [header, *(r.cells for r in rows)], spec["encoding"])

    cumulative = spec["mode"] == "cumulative"
    totals = _metric_totals(rows, cumulative)
    per_content: dict[tuple[str, str], int] = {}
    for r in rows:
        if r.reject is None and r.content is not None:
            v = int(r.values["views"] or 0)
            per_content[r.content.key] = v if cumulative else per_content.get(r.content.key, 0) + v
    rejects = [{"file_row": i, **r.reject} for i, r in enumerate(rows, 2) if r.reject is not None]
    unmatched = [c for c in items if c.program is None]
    out: dict[str, Any] = {
        "file": path.name,
        "encoding": spec["encoding"],
        "mode": spec["mode"],
        "header": header,
        "date_written_as": spec["date_form"],
        "rows_written": len(rows),
        "rows_valid": len(rows) - len(rejects),
        "rows_rejected": len(rejects),
        "rejects": rejects,
        "contents": len(items),
        "contents_matched": len(items) - len(unmatched),
        "first_date": min(r.day for r in rows if r.day).isoformat(),
        "last_date": max(r.day for r in rows if r.day).isoformat(),
        "total_plays": totals["views"],
        "totals": totals,
    }
    if cumulative:
        out["total_plays_is"] = "sum over contents of the last 累计播放 snapshot"
        if correction is not None:
            out["decreasing_counter"] = correction
            out["sum_of_daily_deltas_without_null"] = totals["views"] + correction["decrease"]
    if platform == "douyin":
        out["wan_cells"] = sum(
            "万" in str(cell) for r in rows for cell in r.cells[3:5] if r.reject is None
        )
        out["duration_written_as"] = "1分42秒, or 42秒 under a minute; blank when 0 plays"
        out["completion_rate_written_as"] = "35.2% (blank when 0 plays)"
    if platform == "xiaohongshu":
        out["w_cells"] = sum(
            str(cell).endswith("w") for r in rows for cell in r.cells if r.reject is None
        )
    if platform == "weibo":
        out["thousands_separator_cells"] = sum(
            "," in str(cell) for r in rows for cell in r.cells if r.reject is None
        )
    if unmatched:
        out["unmatched_content"] = {
            "content_id": unmatched[0].content_id,
            "title": unmatched[0].title,
            "plays": per_content[unmatched[0].key],
        }
    return out, per_content


# --- YouTube Studio folder -----------------------------------------------------------------


def write_youtube(
    folder: Path,
    edition: int,
    contents: list[Content],
    series: dict[tuple[str, str], Series],
    rng: random.Random,
    apv: dict[tuple[str, str], float],
) -> tuple[dict[str, Any], dict[tuple[str, str], int]]:
    """Write a Studio advanced-mode export folder (Table data, Chart data, Totals)."""
    folder.mkdir(parents=True, exist_ok=True)
    items = [c for c in contents if c.platform == "youtube" and c.edition == edition]
    date_form = "Mon D, YYYY" if edition == 2024 else "YYYY-MM-DD"
    seconds_duration = edition == 2024

    def duration(c: Content) -> str:
        return str(c.duration_s) if seconds_duration else fmt_hms(c.duration_s)

    rows: list[CnRow] = []
    for c in items:
        for day, v in zip(days_of(c), series[c.key]["views"], strict=True):
            cells = [
                fmt_date(day, date_form),
                c.content_id,
                c.title,
                fmt_date(c.publish_on, "Mon D, YYYY"),
                duration(c),
                str(v),
            ]
            rows.append(CnRow(cells, c, day, {"views": v}))
    order = {c.key: i for i, c in enumerate(items)}
    rows.sort(key=lambda r: (r.day, order[r.content.key]) if r.content and r.day else (date.max, 0))
    bad_date = "Feb 30, 2024" if edition == 2024 else "2025-02-30"
    _mess_rows(rows, YT_CHART, 0, 1, 5, bad_date, "#DIV/0!", lambda d: fmt_date(d, date_form), rng)
    write_csv(folder / "Chart data.csv", [YT_CHART, *(r.cells for r in rows)], "utf-8")

    per_day: dict[date, int] = {}
    per_content: dict[tuple[str, str], int] = {}
    for r in rows:
        if r.reject is None and r.content is not None and r.day is not None:
            v = int(r.values["views"] or 0)
            per_day[r.day] = per_day.get(r.day, 0) + v
            per_content[r.content.key] = per_content.get(r.content.key, 0) + v
    totals_rows = [[fmt_date(d, date_form), str(v)] for d, v in sorted(per_day.items())]
    write_csv(folder / "Totals.csv", [YT_TOTALS, *totals_rows], "utf-8")

    ranked = sorted(items, key=lambda c: (-per_content[c.key], c.content_id))
    small = ranked[-6:]
    negative = {small[0].key: -rng.randint(2, 6), small[3].key: -rng.randint(1, 3)}
    no_impr = {ranked[len(ranked) // 2].key, small[1].key}
    no_unique = {ranked[1].key, small[2].key, ranked[len(ranked) // 3].key}
    table: list[list[str]] = []
    blanks: list[dict[str, str]] = []
    tot = {"views": 0, "watch": 0.0, "subs": 0, "impr": 0, "clicks": 0.0, "watch_s": 0}
    for c in ranked:
        views = per_content[c.key]
        pct = apv.get(c.key) or rng.uniform(25, 55)
        avd = max(1, round(c.duration_s * pct / 100))
        watch = round(views * avd / 3600, 4)
        subs = negative.get(c.key, round(views * 0.004 * rng.lognormvariate(0, 0.3)))
        ctr = round(rng.uniform(2.0, 9.0), 2)
        impr = round(views / (ctr / 100) * rng.uniform(0.6, 0.9))
        unique = round(views * rng.uniform(0.7, 0.9))
        row = [
            c.content_id,
            c.title,
            fmt_date(c.publish_on, "Mon D, YYYY"),
            duration(c),
            str(views),
            f"{watch:.4f}",
            str(subs),
            str(impr),
            f"{ctr:.2f}",
            str(unique),
            fmt_hms(avd),
            f"{pct:.2f}",
        ]
        if c.key in no_impr:
            row[7] = row[8] = ""
            blanks += [{"content_id": c.content_id, "column": YT_TABLE[i]} for i in (7, 8)]
        else:
            tot["impr"] += impr
            tot["clicks"] += impr * ctr / 100
        if c.key in no_unique:
            row[9] = ""
            blanks.append({"content_id": c.content_id, "column": YT_TABLE[9]})
        tot["views"] += views
        tot["watch"] += watch
        tot["subs"] += subs
        tot["watch_s"] += views * avd
        table.append(row)
    total_row = [
        "Total",
        "",
        "",
        "",
        str(tot["views"]),
        f"{tot['watch']:.4f}",
        str(tot["subs"]),
        str(tot["impr"]),
        f"{tot['clicks'] / tot['impr'] * 100:.2f}",
        "",
        fmt_hms(round(tot["watch_s"] / tot["views"])),
        "",
    ]
    write_csv(folder / "Table data.csv", [YT_TABLE, total_row, *table], "utf-8")

    rejects = [
        {"file": "Chart data.csv", "file_row": i, **r.reject}
        for i, r in enumerate(rows, 2)
        if r.reject is not None
    ]
    unmatched = [c for c in items if c.program is None]
    out: dict[str, Any] = {
        "folder": folder.name,
        "files": ["Table data.csv", "Chart data.csv", "Totals.csv"],
        "encoding": "utf-8",
        "chart_date_written_as": date_form,
        "duration_written_as": "seconds (263)" if seconds_duration else "0:04:23",
        "rows_written": len(rows) + len(table) + 1 + len(totals_rows),
        "rows_valid": len(rows) + len(table) + 1 + len(totals_rows) - len(rejects),
        "rows_rejected": len(rejects),
        "rows_are": "data rows of all three files (Chart + Table incl. its Total row + Totals)",
        "chart_rows_written": len(rows),
        "chart_rows_valid": len(rows) - len(rejects),
        "table_rows_written": len(table) + 1,
        "totals_rows_written": len(totals_rows),
        "rejects": rejects,
        "contents": len(items),
        "contents_matched": len(items) - len(unmatched),
        "first_date": min(per_day).isoformat(),
        "last_date": max(per_day).isoformat(),
        "total_plays": tot["views"],
        "totals": {"views": tot["views"]},
        "table_total_row": dict(zip(YT_TABLE, total_row, strict=True)),
        "totals_csv_matches_chart_data": True,
        "negative_subscribers": [
            {"content_id": c.content_id, "subscribers": negative[c.key]}
            for c in ranked
            if c.key in negative
        ],
        "blank_cells": blanks,
    }
    if unmatched:
        out["unmatched_content"] = {
            "content_id": unmatched[0].content_id,
            "title": unmatched[0].title,
            "plays": per_content[unmatched[0].key],
        }
    return out, per_content
