"""A pair of 小红书 笔记列表明细表 snapshots for the demo, in the layout 小红书 really exports.

Four 2025 programs the catalogue does not publish on 小红书 get a note each (so no play is
counted twice against the daily 小红书 export), titled as 小红书 titles them (the program's
title, sometimes with an emoji or a trailing `！`, which title matching strips). Two exports,
a week apart, carry each note's running totals: the load turns them into a first total and a
week's change, matched to the programs by title (FORMATS §3.1).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from etl.sample import platform_vocab as pv
from etl.sample.catalogue import Program
from etl.sample.creator_layouts import write_xhs_note_list, xhs_time_text

EDITION = 2025
NOTES = 4
AS_OF_DAYS = (20, 27)  # days after the broadcast the two exports were taken
DECORATIONS = ("", "✨", "！", " 🎉")


def snapshot_file_name(as_of: date) -> str:
    """`笔记列表明细表_20250217.xlsx`: the export's name with the day it was taken."""
    return f"笔记列表明细表_{as_of:%Y%m%d}.xlsx"


def write_xhs_snapshots(
    out_dir: Path, programs: list[Program], rng: random.Random
) -> tuple[list[Path], dict[str, Any]]:
    """Write the two snapshot exports; return (paths in date order, planted facts)."""
    chosen = [
        p
        for p in programs
        if p.edition == EDITION and not any(c.platform == "xiaohongshu" for c in p.contents)
    ][:NOTES]
    broadcast = pv.EDITION_BROADCAST[EDITION]
    notes = []
    for index, prog in enumerate(chosen):
        published = datetime.combine(
            broadcast + timedelta(days=rng.randint(1, 5)), time(rng.randint(8, 22), 0, 0)
        ) + timedelta(minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        views = rng.randint(800, 6000)
        notes.append(
            {
                "program_id": prog.pid,
                "title": prog.title + DECORATIONS[index % len(DECORATIONS)],
                "published": published,
                "kind": "视频" if index % 3 else "图文",
                "views": [views, views + rng.randint(50, 900)],
            }
        )
    paths, totals = [], []
    for which, offset in enumerate(AS_OF_DAYS):
        as_of = broadcast + timedelta(days=offset)
        rows = []
        for index, note in enumerate(notes):
            views = note["views"][which]
            rows.append(
                [
                    note["title"],
                    xhs_time_text(note["published"]),
                    note["kind"],
                    float(views * (5 + index)),  # running totals never go down
                    float(views),
                    round(rng.uniform(0.02, 0.12), 3),
                    float(views // 40),
                    float(views // 300),
                    float(views // 90),
                    float(views // 500),
                    float(views // 400),
                    float(rng.randint(5, 40)),
                    0.0,
                ]
            )
        paths.append(write_xhs_note_list(out_dir / snapshot_file_name(as_of), rows))
        totals.append(sum(n["views"][which] for n in notes))
    planted = {
        "files": [p.name for p in paths],
        "as_of": [(broadcast + timedelta(days=d)).isoformat() for d in AS_OF_DAYS],
        "layout": "笔记列表明细表 (merged banner row, no id, no date column)",
        "notes": [
            {
                "program_id": n["program_id"],
                "title": n["title"],
                "views": n["views"],
            }
            for n in notes
        ],
        "total_plays": totals[-1],
        "first_snapshot_plays": totals[0],
    }
    return paths, planted
