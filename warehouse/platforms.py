"""The platform list as data: names, aliases, colours and reach rules from platforms.yaml.

`platform_profiles()` is the one reader of warehouse/platforms.yaml. etl (platform names in
exports), the reach estimate, the dashboard's colours and labels, and dim_platform all take
their platform facts from it, so adding a platform is a data change. It lives in the
warehouse package because every other package may import the warehouse, not the other way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

PLATFORMS_FILE = Path(__file__).parent / "platforms.yaml"


@dataclass(frozen=True)
class PlatformProfile:
    """One platform's names, other spellings, chart colour and reach assumption."""

    platform_id: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    colour: str | None
    views_per_viewer: float | None


@cache
def platform_profiles() -> dict[str, PlatformProfile]:
    """Every platform of platforms.yaml by id, in file order; ValueError on a malformed entry."""
    entries = yaml.safe_load(PLATFORMS_FILE.read_text(encoding="utf-8"))
    if not isinstance(entries, dict):
        raise ValueError(f"{PLATFORMS_FILE.name}: expected a mapping at the top level")
    profiles = {}
    for platform_id, entry in entries.items():
        if not isinstance(entry, dict) or not entry.get("zh") or not entry.get("en"):
            raise ValueError(f"{PLATFORMS_FILE.name}: {platform_id} needs zh and en names")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str | int) for a in aliases):
            raise ValueError(f"{PLATFORMS_FILE.name}: {platform_id}.aliases must be a list")
        ratio = entry.get("views_per_viewer")
        if ratio is not None and (not isinstance(ratio, int | float) or ratio < 1):
            raise ValueError(f"{PLATFORMS_FILE.name}: {platform_id}.views_per_viewer must be >= 1")
        profiles[str(platform_id)] = PlatformProfile(
            platform_id=str(platform_id),
            name_zh=str(entry["zh"]),
            name_en=str(entry["en"]),
            aliases=tuple(str(a) for a in aliases),
            colour=entry.get("colour"),
            views_per_viewer=float(ratio) if ratio is not None else None,
        )
    return profiles


def sync_dim_platform(con: duckdb.DuckDBPyConnection) -> bool:
    """Add or rename dim_platform rows to match platforms.yaml; True when anything changed."""
    rows = [(p.platform_id, p.name_zh, p.name_en) for p in platform_profiles().values()]
    stored = {
        r[0]: r
        for r in con.execute("select platform_id, name_zh, name_en from dim_platform").fetchall()
    }
    changed = [row for row in rows if stored.get(row[0]) != row]
    for platform_id, name_zh, name_en in changed:
        if platform_id in stored:
            con.execute(
                "update dim_platform set name_zh = ?, name_en = ? where platform_id = ?",
                [name_zh, name_en, platform_id],
            )
        else:
            con.execute(
                "insert into dim_platform values (?, ?, ?)", [platform_id, name_zh, name_en]
            )
    return bool(changed)
