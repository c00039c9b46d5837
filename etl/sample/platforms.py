"""The platform side of the sample exports (issue 3), written after the surveys and roster.

``generate_platform_side`` writes, from the same population as the surveys:

* ``catalogue_aigala.xlsx`` - programs, creators, sponsors and publications of both editions;
* ``<platform>_aigala_<year>.csv`` - bilibili (cumulative), douyin (GB18030), 视频号, 小红书 and
  微博 creator-centre exports, daily from each publish day to +120 days;
* ``youtube_aigala_<year>/`` - YouTube Studio advanced-mode folders;
* ``笔记列表明细表_<date>.xlsx`` - two 小红书 snapshot exports in the layout 小红书 really writes;
* ``live_aigala_<year>.csv``, ``retention_aigala.csv``, ``activity_aigala.csv``,
  ``attention_ai_topics.csv`` and a Google Trends ``multiTimeline.csv`` (zh-CN UI, daily).

It draws from its own seeded ``random.Random`` streams (one per part), so the survey files stay
byte-identical, and returns the files in ingest order with the planted facts.
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path
from typing import Any

from etl.sample import platform_vocab as pv
from etl.sample.catalogue import build_catalogue, catalogue_planted, unmatched_contents
from etl.sample.exports import SampleFile, write_csv, write_workbook
from etl.sample.model import Person
from etl.sample.plays import (
    CN_EXPORTS,
    cumulate,
    plant_correction,
    simulate,
    write_cn_export,
    write_youtube,
)
from etl.sample.signals import (
    ACTIVITY_HEADER,
    ATTENTION_HEADER,
    LIVE_HEADER,
    RETENTION_HEADER,
    build_activity,
    build_attention,
    build_live,
    build_retention,
)
from etl.sample.trends_export import write_trends_export
from etl.sample.xhs_snapshots import EDITION as XHS_SNAPSHOT_EDITION
from etl.sample.xhs_snapshots import write_xhs_snapshots

CATALOGUE_FILE = "catalogue_aigala.xlsx"
CATALOGUE_STAMP = datetime(2025, 3, 1, 9, 0, 0)
RETENTION_FILE = "retention_aigala.csv"
ACTIVITY_FILE = "activity_aigala.csv"
ATTENTION_FILE = "attention_ai_topics.csv"
LATEST = 2025
ENCODINGS = {
    "live": "utf-8-sig",
    "retention": "utf-8",
    "activity": "utf-8-sig",
    "attention": "utf-8",
}
ZH = {
    "bilibili": "B站",
    "douyin": "抖音",
    "wechat_channels": "视频号",
    "xiaohongshu": "小红书",
    "weibo": "微博",
    "youtube": "YouTube",
}


def export_name(platform: str, edition: int) -> str:
    """Return the file (or folder) name of one platform export."""
    suffix = "" if platform == "youtube" else ".csv"
    return f"{platform}_aigala_{edition}{suffix}"


def generate_platform_side(
    out_dir: Path, people: list[Person], seed: int
) -> tuple[list[SampleFile], dict[str, Any], dict[str, Any]]:
    """Write every platform-side file; return (files in ingest order, planted, truth)."""
    used: set[str] = set()
    cat = build_catalogue(people, random.Random(f"{seed}/catalogue"), used)
    extra = unmatched_contents(random.Random(f"{seed}/unmatched"), used)
    contents = cat.contents + extra
    write_workbook(out_dir / CATALOGUE_FILE, cat.sheets, CATALOGUE_STAMP, creator="AI春晚组委会")
    files = [
        SampleFile(
            out_dir / CATALOGUE_FILE,
            "catalogue",
            LATEST,
            "program catalogue of both editions (届次/节目/主创/赞助商/赞助/发布)",
        )
    ]

    series = simulate(contents, random.Random(f"{seed}/plays"))
    retention_rows, retention, apv = build_retention(contents, random.Random(f"{seed}/retention"))
    write_rng = random.Random(f"{seed}/exports")
    bili = {c.key: cumulate(series[c.key]) for c in contents if c.platform == "bilibili"}
    correction = plant_correction(contents, bili, write_rng)

    platforms: dict[str, Any] = {}
    per_content: dict[tuple[str, str], int] = {}
    for platform in pv.PLATFORMS:
        editions: dict[int, Any] = {}
        for edition in pv.EDITION_BROADCAST:
            path = out_dir / export_name(platform, edition)
            if platform == "youtube":
                info, views = write_youtube(path, edition, contents, series, write_rng, apv)
                desc = f"YouTube Studio advanced-mode export folder, {edition} edition"
            else:
                src = bili if platform == "bilibili" else series
                fix = correction if platform == "bilibili" and edition == 2025 else None
                info, views = write_cn_export(
                    path, platform, edition, contents, src, write_rng, apv, fix
                )
                enc = CN_EXPORTS[platform]["encoding"]
                mode = CN_EXPORTS[platform]["mode"]
                desc = f"{ZH[platform]} creator-centre export ({mode}, {enc}), {edition} edition"
            per_content.update(views)
            editions[edition] = info
            files.append(SampleFile(path, platform, edition, desc))
        platforms[platform] = _platform_summary(platform, editions)

    snapshot_paths, snapshots = write_xhs_snapshots(
        out_dir, cat.programs, random.Random(f"{seed}/xhs_snapshots")
    )
    files += [
        SampleFile(path, "xiaohongshu", 2025, "小红书 笔记列表明细表 snapshot (no date column)")
        for path in snapshot_paths
    ]

    live: dict[str, Any] = {"header": LIVE_HEADER, "encoding": ENCODINGS["live"], "editions": {}}
    for edition in pv.EDITION_BROADCAST:
        rows, info = build_live(edition, random.Random(f"{seed}/live/{edition}"))
        path = out_dir / f"live_aigala_{edition}.csv"
        write_csv(path, [LIVE_HEADER, *rows], ENCODINGS["live"])
        live["editions"][edition] = {"file": path.name, **info}
        files.append(SampleFile(path, "live", edition, f"gala live-stream minutes, {edition}"))
    p_platform, p_minute, p_value = pv.LIVE_PEAK_2024
    live["planted_peak_2024"] = {"platform": p_platform, "minute": p_minute, "value": p_value}

    write_csv(out_dir / RETENTION_FILE, [RETENTION_HEADER, *retention_rows], ENCODINGS["retention"])
    files.append(
        SampleFile(out_dir / RETENTION_FILE, "retention", LATEST, "audience retention curves")
    )
    activity_rows, activity = build_activity(people, random.Random(f"{seed}/activity"), used)
    write_csv(out_dir / ACTIVITY_FILE, [ACTIVITY_HEADER, *activity_rows], ENCODINGS["activity"])
    files.append(
        SampleFile(out_dir / ACTIVITY_FILE, "activity", LATEST, "works published by creators")
    )
    attention_rows, attention = build_attention(random.Random(f"{seed}/attention"))
    write_csv(out_dir / ATTENTION_FILE, [ATTENTION_HEADER, *attention_rows], ENCODINGS["attention"])
    files.append(
        SampleFile(out_dir / ATTENTION_FILE, "attention", LATEST, "daily topic attention index")
    )
    trends_path, trends = write_trends_export(out_dir, random.Random(f"{seed}/google_trends"))
    files.append(
        SampleFile(
            trends_path, "attention", LATEST, "Google Trends multiTimeline.csv (zh-CN, daily)"
        )
    )

    planted = {
        "catalogue": catalogue_planted(cat, CATALOGUE_FILE),
        "platforms": platforms,
        "total_plays": _total_plays(platforms, contents, per_content, correction, snapshots),
        "xhs_snapshots": snapshots,
        "live": live,
        "retention": {
            "file": RETENTION_FILE,
            "encoding": ENCODINGS["retention"],
            "header": RETENTION_HEADER,
            "rows_written": len(retention_rows),
            "curves": len(retention),
            "definition": "avg_pct_viewed = trapezoid area under the curve resampled to every "
            "1% (0..100) by linear interpolation of the written points, in percent; seconds "
            "progress is divided by 时长. YouTube Table data 'Average percentage viewed (%)' "
            "of these videos is this value rounded to 2 decimals",
            "by_platform": {
                p: sum(r["platform"] == p for r in retention) for p in ("bilibili", "youtube")
            },
            "by_progress": {
                k: sum(r["progress"] == k for r in retention) for k in ("seconds", "percent")
            },
            "items": retention,
        },
        "activity": {"file": ACTIVITY_FILE, "encoding": ENCODINGS["activity"], **activity},
        "attention": {"file": ATTENTION_FILE, "encoding": ENCODINGS["attention"], **attention},
        "google_trends": trends,
    }
    truth = {
        "programs": [
            {
                "program_id": p.pid,
                "edition": p.edition,
                "title": p.title,
                "genre": pv.GENRES[p.genre],
                "duration_s": p.duration_s,
                "creators": [person.contact_key for person, _ in p.creators],
                "sponsors": p.sponsors,
                "contents": [[c.platform, c.content_id] for c in p.contents],
            }
            for p in cat.programs
        ],
        "content_plays": [
            {
                "platform": c.platform,
                "content_id": c.content_id,
                "program_id": c.program.pid if c.program else None,
                "edition": c.edition,
                "publish_on": c.publish_on.isoformat(),
                "plays": per_content[c.key],
            }
            for c in contents
        ],
    }
    return files, planted, truth


def _platform_summary(platform: str, editions: dict[int, Any]) -> dict[str, Any]:
    """Sum one platform's exports and name its planted specials."""
    out: dict[str, Any] = {
        "half_life_days": dict(pv.HALF_LIFE_DAYS[platform]),
        "rows_written": sum(e["rows_written"] for e in editions.values()),
        "rows_valid": sum(e["rows_valid"] for e in editions.values()),
        "rows_rejected": sum(e["rows_rejected"] for e in editions.values()),
        "total_plays": sum(e["total_plays"] for e in editions.values()),
        "decreasing_counter": next(
            (
                dict(e["decreasing_counter"], edition=y)
                for y, e in editions.items()
                if "decreasing_counter" in e
            ),
            None,
        ),
        "unmatched_content": next(
            {"edition": y, **e["unmatched_content"]}
            for y, e in editions.items()
            if "unmatched_content" in e
        ),
        "editions": editions,
    }
    return out


def _total_plays(
    platforms: dict[str, Any],
    contents: list[Any],
    per_content: dict[tuple[str, str], int],
    correction: dict[str, Any],
    snapshots: dict[str, Any],
) -> dict[str, Any]:
    """Sum the plays written over every platform and edition (小红书's snapshots included)."""
    extra = snapshots["total_plays"]  # the latest snapshot's totals, every note matched
    total = sum(p["total_plays"] for p in platforms.values()) + extra
    by_edition = {
        e: sum(p["editions"][e]["total_plays"] for p in platforms.values())
        + (extra if e == XHS_SNAPSHOT_EDITION else 0)
        for e in pv.EDITION_BROADCAST
    }
    unmatched = sum(p["unmatched_content"]["plays"] for p in platforms.values())
    return {
        "total": total,
        "by_platform": {
            k: p["total_plays"] + (extra if k == "xiaohongshu" else 0) for k, p in platforms.items()
        },
        "by_edition": by_edition,
        "matched_to_programs": total - unmatched,
        "unmatched_contents": unmatched,
        "loaded_daily_sum": total,
        "definition": "valid rows only; bilibili counts the last 累计播放 snapshot per content "
        "(the planted decrease stays a negative daily delta, flagged in counter_issue, so the "
        "loaded daily sum equals the total); "
        "douyin 1.2万 counts as 12000, 小红书 3.4w as 34000; 小红书's two 笔记列表明细表 "
        "snapshots add their latest totals (first snapshot + the week's change)",
        "model": {
            "expected_by_edition": dict(pv.EDITION_PLAYS),
            "platform_shares": dict(pv.PLATFORM_PLAY_SHARES),
            "curve": f"day 0 (publish day) = {pv.PUBLISH_DAY_SHARE} of day 1; day k >= 1: "
            "2^(-(k-1)/half_life); times weekly[weekday] and exp(N(0, 0.1)); Poisson under 30",
            "weekly_mon_to_sun": list(pv.WEEKLY_PLAYS),
            "window_days": pv.WINDOW_DAYS,
        },
        "contents": len(contents),
    }
