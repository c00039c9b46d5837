"""Per-platform header alias tables, read from the YAML files in aliases/.

A changed creator-centre export is a data change: add the new header to the platform's YAML.
Platform names (aliases/platforms.yaml) are etl.values' `normalise_platform`. Headers and
aliases are compared as `name_key`s (NFKC, trim, case-folding); detection
hints match when a header *contains* the hint word (`弹幕数` matches `弹幕`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from etl.errors import IngestError
from etl.values import name_key, normalise_platform

ALIAS_DIR = Path(__file__).parent / "aliases"

# What each target field holds, which decides how its cells are parsed.
FIELD_KINDS: dict[str, str] = {
    "content_id": "id",
    "date_on": "date",
    "title": "text",
    "url": "text",
    "published_at": "datetime",
    "duration_s": "duration",
    "content_format": "text",
    "review_status": "text",
    "views": "count",
    "likes": "count",
    "comments": "count",
    "shares": "count",
    "favorites": "count",
    "coins": "count",
    "danmaku": "count",
    "new_followers": "signed_count",  # net followers gained: negative when more left than came
    "impressions": "count",
    "unique_viewers": "count",
    "watch_time_s": "duration",
    "avg_view_duration_s": "duration",
    "completion_rate": "ratio",
    "impressions_ctr": "ratio",
}
CONTENT_FIELDS = (
    "content_id",
    "title",
    "url",
    "published_at",
    "duration_s",
    "content_format",
    "review_status",
)
KEY_FIELDS = ("content_id", "date_on")
METRIC_FIELDS = tuple(f for f in FIELD_KINDS if f not in CONTENT_FIELDS and f != "date_on")
COUNTER_KINDS = ("count", "signed_count")


@dataclass(frozen=True)
class AliasTable:
    """One platform's export headers: which field each means, and how to recognise the export."""

    platform_id: str
    columns: dict[str, tuple[str, bool]]  # header key -> (field, is the column cumulative)
    ignored: frozenset[str]  # header keys known to carry nothing the warehouse keeps
    header_rules: tuple[tuple[str, ...], ...]  # any rule: all its words found in the headers
    file_prefixes: tuple[str, ...]
    source: Path
    key_prefix: str = ""  # start of a content_id made from title + publish time (`xhs:`)
    layouts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, header keys all present)

    def layout_of(self, headers: Sequence[str]) -> str | None:
        """The name of the first known layout whose signature headers are all present."""
        keys = {name_key(h) for h in headers}
        return next((name for name, need in self.layouts if set(need) <= keys), None)

    def aliases_for(self, field: str) -> list[str]:
        """The header spellings of a field (daily first), for error messages."""
        daily = [k for k, (f, cumulative) in self.columns.items() if f == field and not cumulative]
        summed = [k for k, (f, cumulative) in self.columns.items() if f == field and cumulative]
        return daily + summed


def _load_yaml(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, dict):
        raise ValueError(f"{path.name}: expected a mapping at the top level")
    return loaded


def _word_list(path: Path, where: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ValueError(f"{path.name}: {where} must be a list of header texts")
    return [str(v) for v in value]


@cache
def creator_platforms() -> tuple[str, ...]:
    """Platforms with a creator-centre alias table (one YAML with `columns:` each)."""
    found = []
    for path in sorted(ALIAS_DIR.glob("*.yaml")):
        if "columns" in _load_yaml(path):
            found.append(path.stem)
    return tuple(found)


@cache
def alias_table(platform_id: str) -> AliasTable:
    """The validated alias table of a creator-centre platform."""
    path = ALIAS_DIR / f"{platform_id}.yaml"
    data = _load_yaml(path)
    if data.get("platform") != platform_id:
        raise ValueError(f"{path.name}: platform must be {platform_id!r}")
    columns: dict[str, tuple[str, bool]] = {}
    for section, cumulative in (("columns", False), ("cumulative", True)):
        for field, aliases in (data.get(section) or {}).items():
            if field not in FIELD_KINDS:
                raise ValueError(f"{path.name}: unknown field {field!r} in {section}")
            if cumulative and field != "date_on" and FIELD_KINDS[field] not in COUNTER_KINDS:
                raise ValueError(f"{path.name}: {field} is not a counter, it cannot be cumulative")
            for alias in _word_list(path, f"{section}.{field}", aliases):
                key = name_key(alias)
                if key in columns and columns[key] != (field, cumulative):
                    raise ValueError(f"{path.name}: header {alias!r} is listed twice")
                columns[key] = (field, cumulative)
    detect = data.get("detect") or {}
    rules = tuple(
        tuple(name_key(w) for w in _word_list(path, "detect.headers", rule))
        for rule in detect.get("headers", [])
    )
    return AliasTable(
        platform_id=platform_id,
        columns=columns,
        ignored=frozenset(
            name_key(h) for h in _word_list(path, "ignored", data.get("ignored", []))
        ),
        header_rules=rules,
        file_prefixes=tuple(
            name_key(p) for p in _word_list(path, "file_prefixes", detect.get("file_prefixes", []))
        ),
        source=path,
        key_prefix=str(data.get("key_prefix") or f"{platform_id}:"),
        layouts=tuple(
            (
                str(layout["name"]),
                tuple(name_key(h) for h in _word_list(path, "layouts.headers", layout["headers"])),
            )
            for layout in data.get("layouts") or []
        ),
    )


@dataclass(frozen=True)
class YoutubeAliases:
    """YouTube Studio export: the file names and each file's header -> field table."""

    files: dict[str, tuple[str, ...]]  # table | chart | totals -> accepted file names
    total_row: frozenset[str]
    columns: dict[str, dict[str, str]]  # file kind -> header key -> field
    ignored: frozenset[str]


@cache
def youtube_aliases() -> YoutubeAliases:
    """The YouTube Studio export's file names and headers (aliases/youtube.yaml)."""
    path = ALIAS_DIR / "youtube.yaml"
    data = _load_yaml(path)
    kinds = ("table", "chart", "totals")
    columns: dict[str, dict[str, str]] = {}
    for kind in kinds:
        columns[kind] = {}
        for field, aliases in (data.get(kind) or {}).items():
            for alias in _word_list(path, f"{kind}.{field}", aliases):
                columns[kind][name_key(alias)] = field
    return YoutubeAliases(
        files={k: tuple(_word_list(path, f"files.{k}", data["files"][k])) for k in kinds},
        total_row=frozenset(name_key(t) for t in _word_list(path, "total_row", data["total_row"])),
        columns=columns,
        ignored=frozenset(
            name_key(h) for h in _word_list(path, "ignored", data.get("ignored", []))
        ),
    )


def _platforms_by_file_name(path: Path) -> list[str]:
    """Platforms whose file-name prefix the name starts with (longest prefix wins)."""
    stem = name_key(path.stem)
    best: tuple[int, list[str]] = (0, [])
    for platform_id in creator_platforms():
        for prefix in alias_table(platform_id).file_prefixes:
            rest = stem[len(prefix) :]
            # bilibili_2025.csv and B站数据.csv match; weiboX.csv does not name weibo.
            if stem.startswith(prefix) and not (rest[:1].isascii() and rest[:1].isalpha()):
                if len(prefix) > best[0]:
                    best = (len(prefix), [platform_id])
                elif len(prefix) == best[0] and platform_id not in best[1]:
                    best[1].append(platform_id)
    return best[1]


def _platforms_by_headers(headers: Sequence[str]) -> list[str]:
    # A named layout's full signature beats the one-word hints (小红书's 弹幕 column is no B站 hint).
    by_layout = [p for p in creator_platforms() if alias_table(p).layout_of(headers)]
    if len(by_layout) == 1:
        return by_layout
    keys = [name_key(h) for h in headers]
    return [
        platform_id
        for platform_id in creator_platforms()
        if any(
            all(any(word in key for key in keys) for word in rule)
            for rule in alias_table(platform_id).header_rules
        )
    ]


def detect_platform(path: Path, headers: Sequence[str], explicit: str | None) -> tuple[str, str]:
    """(platform id, how it was told): explicit > file name > headers; IngestError otherwise."""
    choices = ", ".join(creator_platforms())
    if explicit is not None:
        platform_id = normalise_platform(explicit)
        if platform_id == "youtube":
            raise IngestError(
                path, "YouTube exports are folders: read them with the YouTube reader"
            )
        if platform_id not in creator_platforms():
            raise IngestError(path, f"unknown platform {explicit!r}: use one of {choices}")
        return platform_id, "explicit"
    for found, how, verb in (
        (_platforms_by_file_name(path), "file name", "fits"),
        (_platforms_by_headers(headers), "headers", "fit"),
    ):
        if len(found) == 1:
            return found[0], how
        if len(found) > 1:
            raise IngestError(
                path,
                f"the {how} {verb} several platforms ({', '.join(found)}): "
                "cannot tell the platform: give --source",
            )
    raise IngestError(path, f"cannot tell the platform: give --source ({choices})")
