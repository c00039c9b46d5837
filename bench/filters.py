"""New filter values for every click: searches drawn with a seed from what a page offers.

A page's filter controls (`{"type": "filter", "page": P, "key": K}` dropdowns and switches) list
as options the values that really occur in the warehouse (editions, age bands, roles, cities,
platforms, sponsors, programs, segments...); the views page's window is a preset dropdown plus a
date range picker bounded by the edition's first and last day. `controls` reads them from the
components a page open returned (`bench.dashclient.PageOpener.open`), and `draw_searches` /
`draw_search` turn them into URL query strings (how the dashboard carries filters), so that a
benchmark opens the page with filters a person could have picked and the server's caches, had
they been on, would not have seen before.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

FILTER = "filter"
# Keys that change how a page reads, not what it reads (the language), and values that mean
# "no filter" or "a custom window" (set by the date range instead).
SKIPPED_KEYS = frozenset({"lang"})
WINDOW_CHOICE_SUFFIX = "-window-choice"
CUSTOM_WINDOW = "custom"
MAX_PICKED = 3  # a multi-valued filter gets 1..3 values


@dataclass(frozen=True)
class Control:
    """One filter a user can set: its URL key and the values it offers."""

    key: str
    values: tuple[str, ...]
    multi: bool = False


@dataclass(frozen=True)
class DateRange:
    """A date range picker writing `start`/`end` to the URL, bounded by its allowed days."""

    first: date
    last: date


def _values(props: dict[str, Any]) -> tuple[str, ...]:
    options = props.get("options") or []
    values = [o.get("value") if isinstance(o, dict) else o for o in options]
    return tuple(str(v) for v in values if v not in (None, "", CUSTOM_WINDOW))


def controls(components: dict[str, dict[str, Any]]) -> tuple[list[Control], DateRange | None]:
    """The page's filter controls with their options, and its date range picker (if any)."""
    found: dict[str, Control] = {}
    dates = None
    for props in components.values():
        cid = props.get("id")
        if isinstance(cid, dict) and cid.get("type") == FILTER:
            key = str(cid.get("key"))
            values = _values(props)
            if key not in SKIPPED_KEYS and values:
                found[key] = Control(key, values, bool(props.get("multi")))
        elif isinstance(cid, str) and cid.endswith(WINDOW_CHOICE_SUFFIX):
            values = _values(props)
            if values:
                found["window"] = Control("window", values)
        elif props.get("min_date_allowed") and props.get("max_date_allowed"):
            first = date.fromisoformat(str(props["min_date_allowed"])[:10])
            last = date.fromisoformat(str(props["max_date_allowed"])[:10])
            if first < last:
                dates = DateRange(first, last)
    return [found[k] for k in sorted(found)], dates


def _encode(params: dict[str, str]) -> str:
    return "?" + urlencode(sorted(params.items())) if params else ""


def draw_search(
    found: list[Control], dates: DateRange | None, rng: random.Random, share: float = 0.5
) -> str:
    """One combination: each filter set with probability `share` to a random value (1–3 values
    for a multi-valued one); a custom date window instead of a preset now and then."""
    params: dict[str, str] = {}
    for control in found:
        if rng.random() >= share:
            continue
        if control.multi:
            picked = rng.sample(
                control.values, rng.randint(1, min(MAX_PICKED, len(control.values)))
            )
            params[control.key] = ",".join(picked)
        else:
            params[control.key] = rng.choice(control.values)
    if dates is not None and rng.random() < share / 2:
        params.pop("window", None)
        span = (dates.last - dates.first).days
        start = dates.first + timedelta(days=rng.randrange(span))
        end = start + timedelta(days=rng.randint(1, max(1, (dates.last - start).days)))
        params["start"], params["end"] = start.isoformat(), min(end, dates.last).isoformat()
    return _encode(params)


def usual_share(found: list[Control]) -> float:
    """The chance each filter is set: about two or three filters per combination, as a person
    narrows a page (the segment builder offers thirty)."""
    return min(0.5, 2.5 / len(found)) if found else 0.5


def draw_searches(
    found: list[Control], dates: DateRange | None, rng: random.Random, count: int
) -> list[str]:
    """`count` distinct combinations (fewer only when the page offers fewer), never the
    page's default (no filter), in the order drawn."""
    out: list[str] = []
    seen = {""}
    share = usual_share(found)
    for _ in range(count * 50):
        if len(out) >= count:
            break
        search = draw_search(found, dates, rng, share)
        if search not in seen:
            seen.add(search)
            out.append(search)
    return out
