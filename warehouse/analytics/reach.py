"""Reach reports: how far programs travelled, per program, sponsor, platform or overall.

Every report covers a date window (`start_on`..`end_on`, inclusive; None = unbounded) and is
computed by the named queries `reach`, `reach_sponsor_vs_median` and `reach_platform_ratios`
over the marts `mart_reach_*` (SQL in warehouse/queries and warehouse/models). Python only
resolves the estimate's ratios (measured, else the constants in `reach_defaults.yaml`).

Columns of `reach()` (after the key columns of the grain, see `KEYS`):

- `count_content`: content items (platform x content) with at least one day in the window.
- `first_on`, `last_on`: first and last day with data in the window.
- `plays` (plays): platform-reported plays, summed over items and days.
- `impressions` (times shown): reported impressions; null when no item reports any.
  `count_content_with_impressions` says how many items do.
- `reach` (people): unique viewers where reported, otherwise estimated (see below), summed
  over days and items. `reach_reported` is the part of `reach` taken from reported unique
  viewers; `reach - reach_reported` is estimated. `reach_basis` is 'reported' when every
  contributing item's reach is reported, 'estimated' as soon as any part is estimated (never
  'mixed': a sum with any estimate in it is an estimate); `count_content_reach_estimated` counts
  the items with an estimated part. Null (with `reach_basis` null) when no item is in the window.
- `is_reach_upper_bound`: true when `reach` adds up more than one reported or estimated count
  (several days of daily unique viewers, several items, platforms or periods). The same person
  is counted once per day, item and platform, so such a sum is an upper bound on the number of
  distinct people, never a de-duplicated audience. False only for one count: one item's unique
  viewers over one reported period (or one day).
- `frequency` (impressions per person) = impressions / reach, both over the item-days that
  report impressions (so a partial impressions total is not divided by everyone's reach).
  `frequency_basis` is 'estimated' when that reach or those impressions hold an estimate.
- `count_interactions`: likes + comments + shares + favorites + coins + danmaku, as reported.
- `engagement_rate` (share of plays) = count_interactions / plays, over the item-days that
  report at least one interaction, so a platform that reports none (YouTube Studio exports)
  does not dilute the rate; null when nothing reports interactions.
- `watch_time_h` (hours): reported watch time, else plays x reported average view duration,
  over the item-days that report either (a lower bound when some don't);
  `count_content_with_watch_time` says how many items contribute.
- `is_period_prorated`: true when the window cuts a total a platform reports only over a period
  (YouTube Studio's unique viewers, impressions, watch time); the window then gets the period
  total x its share of the item's plays in that period, and such reach counts as estimated.

The reach estimate, for content days without reported unique viewers:
reach = plays / v, where v is the platform's typical plays per unique viewer: the ratio of plays
to unique viewers over the platform's content that reports both (all time, daily rows and period
totals, matched or not), used when at least `min_reporting_content` items report them, else the
platform's constant in `reach_defaults.yaml` (or its fallback for an unlisted platform); v >= 1.
A ratio measured from daily unique viewers estimates the same thing a daily figure reports (a
sum of per-day audiences), so estimated and reported parts stay comparable within a platform.

How it is read: an item's sums over a window are the same whichever way its days are grouped, so
over a long window the query reads the days summed by calendar block (`mart_reach_content_blocks`:
a month; a week within a month; a reported period, taken whole only when the window holds the
whole period; for a window unbounded at both ends, each item's every day in one 'all' block)
wherever the window holds a block whole, and day rows only for the partial
week-of-a-month at each end and for periods it cuts. Estimated reach is plays / ratio per
platform, so a block stores its estimated days' plays and the ratio divides at query time. An
item's reach is still clamped at zero as a whole. `blocks=False` reads every day (the reference
the blocks are tested against); the two agree up to the last digit of a rounded reach.

Content that matches no program (`program_id` null) counts only in the platform and overall
reports; a `sponsor_id` limits every grain to that sponsor's programs, so it drops out there too.
An item of a program with several sponsors counts in full for each of them.

Reach is an aggregate of anonymous platform viewers, not of surveyed people, so the small-cell
suppression of `warehouse.privacy` does not apply; callers still pass the sponsor id that the
signed-in role allows (a sponsor sees only its own).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

import duckdb
import polars as pl
import yaml

from warehouse import schema
from warehouse.platforms import platform_profiles
from warehouse.query import Reader

By = Literal["program", "sponsor", "platform", "overall"]

DEFAULTS_FILE = "reach_defaults.yaml"
# A window at least this many days long (or unbounded) reads the content days summed by calendar
# block (mart_reach_content_blocks) where it holds a block whole; a shorter one reads its days
# alone (measured at 10M content days: one scan of a short window's row groups in the
# date-sorted days costs less than a second scan of the blocks; all time: 0.4-0.5 s -> 0.2 s).
BLOCKS_MIN_DAYS = 31
# The dashboard's preset windows of an edition: first and last day in days from that year's
# Spring Festival (正月初一); None = the edition's span of program days. The gala is broadcast on
# New Year's Eve (day -1), so the "after" windows start there. Reach over each edition's preset
# windows (and over all time) is computed at publish and stored (`warehouse.reach_windows`).
PRESET_WINDOWS: dict[str, tuple[int, int] | None] = {
    "all": None,
    "festival": (-7, 14),
    "d30": (-1, 30),
    "d90": (-1, 90),
}
# What decides a stored window's figures besides the data: this module, its queries, the
# estimate's constants and the platform list (a change of any recomputes, and until then the
# readers compute live).
STORED_CODE = (
    "analytics/reach.py",
    "analytics/reach_defaults.yaml",
    "platforms.yaml",
    "queries/reach.sql",
    "queries/reach_platform_ratios.sql",
    "queries/views_editions.sql",
    "queries/reach_window.sql",
    "loads/reach_window.sql",
)

# Key columns of each grain, in output order.
KEYS: dict[str, list[str]] = {
    "program": ["program_id", "edition_year", "title_zh"],
    "sponsor": ["sponsor_id", "sponsor_name_zh", "sponsor_name_en"],
    "platform": ["platform_id", "platform_name_zh", "platform_name_en"],
    "overall": [],
}

METRICS = [
    "count_content",
    "first_on",
    "last_on",
    "plays",
    "impressions",
    "count_content_with_impressions",
    "reach",
    "reach_reported",
    "reach_basis",
    "count_content_reach_estimated",
    "is_reach_upper_bound",
    "frequency",
    "frequency_basis",
    "count_interactions",
    "engagement_rate",
    "watch_time_h",
    "count_content_with_watch_time",
    "is_period_prorated",
]


@dataclass(frozen=True)
class ReachDefaults:
    """The estimate's fallbacks: plays per unique viewer per platform, and when to trust data."""

    views_per_viewer: Mapping[str, float] = field(default_factory=dict)
    fallback_views_per_viewer: float = 1.3
    min_reporting_content: int = 3

    def __post_init__(self) -> None:
        ratios = [*self.views_per_viewer.values(), self.fallback_views_per_viewer]
        if any(not isinstance(r, int | float) or r < 1 for r in ratios):
            raise ValueError("views_per_viewer ratios must be numbers >= 1")
        if self.min_reporting_content < 1:
            raise ValueError("min_reporting_content must be at least 1")


def load_reach_defaults(path: Path | str | None = None) -> ReachDefaults:
    """Read the estimate's defaults from a YAML file (default: the shipped reach_defaults.yaml)."""
    if path is None:
        text = (resources.files("warehouse.analytics") / DEFAULTS_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    listed = {str(k): float(v) for k, v in (data.get("views_per_viewer") or {}).items()}
    if path is None:
        # The shipped defaults take each platform's ratio from the platform list
        # (warehouse/platforms.yaml); a ratio reach_defaults.yaml lists still wins.
        profiles = platform_profiles().values()
        listed = {
            p.platform_id: p.views_per_viewer for p in profiles if p.views_per_viewer
        } | listed
    return ReachDefaults(
        views_per_viewer=listed,
        fallback_views_per_viewer=float(data.get("fallback_views_per_viewer", 1.3)),
        min_reporting_content=int(data.get("min_reporting_content", 3)),
    )


def platform_ratios(reader: Reader, *, defaults: ReachDefaults | None = None) -> pl.DataFrame:
    """Plays per unique viewer used for each platform's estimate, and where it comes from.

    Columns: platform_id, name_zh, name_en, count_content_reporting_viewers,
    views_reporting_viewers, unique_viewers_reported, views_per_viewer_observed (null when
    nothing reports unique viewers), views_per_viewer (the ratio used, >= 1) and
    views_per_viewer_source ('observed' or 'default').
    """
    defaults = defaults or load_reach_defaults()
    observed = reader.query("reach_platform_ratios")
    used, sources = [], []
    for row in observed.iter_rows(named=True):
        ratio = row["views_per_viewer_observed"]
        enough = row["count_content_reporting_viewers"] >= defaults.min_reporting_content
        if ratio is not None and enough:
            used.append(max(float(ratio), 1.0))
            sources.append("observed")
        else:
            used.append(
                defaults.views_per_viewer.get(
                    row["platform_id"], defaults.fallback_views_per_viewer
                )
            )
            sources.append("default")
    return observed.with_columns(
        views_per_viewer=pl.Series(used, dtype=pl.Float64),
        views_per_viewer_source=pl.Series(sources, dtype=pl.String),
    )


def reach(
    reader: Reader,
    *,
    by: By,
    start_on: date | str | None = None,
    end_on: date | str | None = None,
    sponsor_id: str | None = None,
    defaults: ReachDefaults | None = None,
    blocks: bool | None = None,
) -> pl.DataFrame:
    """Plays, impressions, reach, frequency, engagement and watch time per `by` over a window.

    One row per program / sponsor / platform (every one, zeros where nothing falls in the
    window) or one overall row; columns `KEYS[by]` then `METRICS`, documented in the module.
    `sponsor_id` limits the report to that sponsor's programs. `blocks` says whether to read
    whole calendar blocks where the window holds them (None: as `BLOCKS_MIN_DAYS` says); both
    ways give the same figures, up to the last digit of a rounded reach (floating-point sums).
    """
    return reach_by(
        reader,
        (by,),
        start_on=start_on,
        end_on=end_on,
        sponsor_id=sponsor_id,
        defaults=defaults,
        blocks=blocks,
    )[by]


def reach_by(
    reader: Reader,
    grains: Sequence[By],
    *,
    start_on: date | str | None = None,
    end_on: date | str | None = None,
    sponsor_id: str | None = None,
    defaults: ReachDefaults | None = None,
    blocks: bool | None = None,
    stored: bool = True,
) -> dict[By, pl.DataFrame]:
    """`reach` at several grains over one window, from one pass over the days: {grain: frame}.

    A window computed at publish (an edition's preset window or all time; all time for each
    sponsor; with the shipped defaults: `warehouse.reach_windows`) is read as stored, unless
    `stored` is False; the figures are the same.
    """
    unknown = [by for by in grains if by not in get_args(By)]
    if unknown or not grains:
        shown = ", ".join(map(repr, unknown)) if unknown else "nothing"
        raise ValueError(f"by must be one of {', '.join(get_args(By))}, not {shown}")
    start, end = _window(start_on, end_on)
    if stored and defaults is None and blocks is None:
        found = stored_reach(reader, grains, start, end, sponsor_id=sponsor_id)
        if found is not None:
            return found
    defaults = defaults or load_reach_defaults()
    ratios = platform_ratios(reader, defaults=defaults)
    frame = reader.query(
        "reach",
        by=sorted(set(grains)),
        start_on=start,
        end_on=end,
        sponsor_id=sponsor_id,
        ratio_platform_ids=ratios["platform_id"].to_list(),
        ratio_views_per_viewer=ratios["views_per_viewer"].to_list(),
        fallback_views_per_viewer=defaults.fallback_views_per_viewer,
        use_blocks=_use_blocks(start, end) if blocks is None else blocks,
    )
    return {by: frame.filter(pl.col("grain") == by).select(KEYS[by] + METRICS) for by in grains}


def preset_window(edition: Mapping[str, object], preset: str) -> tuple[date | None, date | None]:
    """The first and last day of an edition's preset window (`PRESET_WINDOWS`), from its
    `views_editions` row (span of program days, Spring Festival)."""
    offsets = PRESET_WINDOWS[preset]
    festival = edition.get("spring_festival_on")
    if offsets is None or not isinstance(festival, date):
        first, last = edition.get("first_on"), edition.get("last_on")
        return (
            first if isinstance(first, date) else None,
            last if isinstance(last, date) else None,
        )
    return festival + timedelta(days=offsets[0]), festival + timedelta(days=offsets[1])


@functools.cache
def stored_code_sha256() -> str:
    """Hash of `STORED_CODE` (once per process: code does not change under a running server)."""
    digest = hashlib.sha256()
    for relative in STORED_CODE:
        digest.update(relative.encode("utf-8") + b"\0")
        digest.update((schema.ROOT / relative).read_bytes())
    return digest.hexdigest()


def stored_reach(
    reader: Reader,
    grains: Sequence[By],
    start: date | None,
    end: date | None,
    *,
    sponsor_id: str | None = None,
) -> dict[By, pl.DataFrame] | None:
    """The window's grains (for a sponsor's programs, or all) as computed at publish by this
    code, or None (not a stored window, a grain not stored, other code, or a warehouse
    published before they were stored)."""
    try:
        frame = reader.query(
            "reach_window",
            start_on=start,
            end_on=end,
            sponsor_id=sponsor_id,
            code_sha256=stored_code_sha256(),
        )
    except (duckdb.CatalogException, duckdb.BinderException):
        return None  # no stored windows, or stored in another layout (other code)
    found: dict[By, pl.DataFrame] = {}
    for by in grains:
        rows = frame.filter(pl.col("grain") == by)
        if rows.is_empty():
            return None
        found[by] = rows.sort("row_index").select(KEYS[by] + METRICS)
    return found


def _use_blocks(start: date | None, end: date | None) -> bool:
    return start is None or end is None or (end - start).days >= BLOCKS_MIN_DAYS


def sponsor_vs_median(
    reader: Reader,
    sponsor_id: str,
    *,
    start_on: date | str | None = None,
    end_on: date | str | None = None,
) -> pl.DataFrame:
    """Each of a sponsor's programs against the median program of its edition, over a window.

    One row per sponsored program: sponsor_id, sponsor_name_zh, sponsor_name_en, program_id,
    edition_year, title_zh, plays, median_plays, plays_vs_median (plays / median_plays),
    engagement_rate, median_engagement_rate, engagement_rate_vs_median (ratio), rank_plays
    (1 = most plays in the edition) and count_programs_in_edition. Medians are over the
    edition's programs the catalogue links to any content (plays 0 when none in the window);
    the engagement median over those with a rate. Empty for an unknown sponsor.
    """
    if not sponsor_id:
        raise ValueError("sponsor_id is required")
    start, end = _window(start_on, end_on)
    return reader.query(
        "reach_sponsor_vs_median", sponsor_id=sponsor_id, start_on=start, end_on=end
    )


def _window(
    start_on: date | str | None, end_on: date | str | None
) -> tuple[date | None, date | None]:
    start, end = _as_date(start_on, "start_on"), _as_date(end_on, "end_on")
    if start is not None and end is not None and start > end:
        raise ValueError(f"start_on {start} is after end_on {end}")
    return start, end


def _as_date(value: date | str | None, name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date or YYYY-MM-DD, not {value!r}") from None
