"""What a creator-centre export is, said plainly: for `creatorpulse inspect` and for detection.

`describe_platform_file` reads a file the way the load would (nothing is written) and names the
platform, the layout, where the header is, how many rows and works it holds, the as-of day of a
snapshot and where that came from, and the span of dates it covers. `closest_platform_layout`
is what detection says about a file that looks like a platform export but fits no layout, so
such a file gets one message naming the nearest layout instead of a survey reader's error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from etl.platforms.registry import METRIC_FIELDS, alias_table, creator_platforms
from etl.values import name_key

# Headers that are metric aliases of one platform before a file counts as that platform's export.
MIN_METRIC_HEADERS = 3


def closest_platform_layout(headers: Sequence[str]) -> str | None:
    """'looks like a <platform> export (closest layout X, lacks Y)', or None for other files."""
    keys = {name_key(h) for h in headers if h}
    best: tuple[int, str, str, list[str]] | None = None
    for platform_id in creator_platforms():
        table = alias_table(platform_id)
        metrics = sum(
            1 for k in keys if k in table.columns and table.columns[k][0] in METRIC_FIELDS
        )
        if metrics < MIN_METRIC_HEADERS:
            continue
        for name, need in table.layouts or (("(any)", ()),):
            lacking = [h for h in need if h not in keys]
            score = metrics * 10 - len(lacking)
            if best is None or score > best[0]:
                best = (score, platform_id, name, lacking)
    if best is None:
        return None
    _, platform_id, name, lacking = best
    what = f"lacks {', '.join(lacking)}" if lacking else "its platform is ambiguous"
    return (
        f"looks like a {platform_id} creator-centre export (closest layout {name}, {what}): "
        "not read as a survey; give --source with the platform"
    )


def describe_platform_file(
    path: Path | str, *, platform: str | None = None, as_of: date | None = None
) -> dict[str, Any]:
    """Platform, layout, header row, rows, works, as-of (and its source) and date span of a file."""
    from etl.platforms.creator import read_platform_export

    staged = read_platform_export(Path(path), platform=platform, as_of=as_of)
    details = staged.details
    daily = staged.frames["content_daily"]
    snapshot = staged.frames["content_snapshot"]
    if details.get("mode") == "snapshot":
        span = [details["as_of"], details["as_of"]]
    elif daily.height:
        span = [daily["date_on"].min().isoformat(), daily["date_on"].max().isoformat()]
    else:
        span = None
    return {
        "platform": details.get("platform_id"),
        "layout": details.get("layout") or f"{details.get('mode')} export",
        "mode": details.get("mode"),
        "detected_by": details.get("detected_by"),
        "header_row": details.get("header_row", 1),
        "rows": staged.rows_read,
        "rows_rejected": staged.rows_rejected,
        "works": staged.frames["content"].height if snapshot.height or daily.height else 0,
        "as_of": details.get("as_of"),
        "as_of_source": details.get("as_of_source"),
        "date_span": span,
        "published_span": details.get("published_span"),
        "columns": details.get("columns"),
        "warnings": list(staged.warnings),
    }
