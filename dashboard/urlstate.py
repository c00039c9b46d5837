"""Filters and language live in the URL query string, so a link reproduces a view.

A page's layout receives the query string as keyword arguments (Dash pages); controls write
back to it through the shell's one URL callback, which pushes a history entry, so the browser's
back button restores the previous filters. Multi-valued filters are comma-separated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from dashboard.i18n import DEFAULT_LANG, LANGS, Lang

LANG_KEY = "lang"
# Carried from page to page by the navigation links (the rest are the page's own).
SHARED_KEYS = ("lang", "edition")


def decode(search: str | None) -> dict[str, str]:
    """`?a=1&b=x` -> {"a": "1", "b": "x"}; the last of a repeated key wins; blanks dropped."""
    if not search:
        return {}
    return {k: v for k, v in parse_qsl(search.lstrip("?"), keep_blank_values=False)}


def encode(params: Mapping[str, Any]) -> str:
    """{"a": "1", "b": ["x", "y"]} -> `?a=1&b=x,y`; None, "" and [] are left out; keys sorted."""
    pairs = []
    for key in sorted(params):
        value = params[key]
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        if value is None or value == "":
            continue
        pairs.append((key, str(value)))
    return "?" + urlencode(pairs) if pairs else ""


def lang_of(params: Mapping[str, Any] | None) -> Lang:
    """The language a query string asks for; the default for a missing or unknown one."""
    value = (params or {}).get(LANG_KEY)
    return value if value in LANGS else DEFAULT_LANG  # type: ignore[return-value]


def one(
    params: Mapping[str, Any] | None, key: str, allowed: Iterable[str] | None = None
) -> str | None:
    """A single-valued filter; None when absent or not one of `allowed`."""
    value = (params or {}).get(key)
    if isinstance(value, list):
        value = value[-1] if value else None
    if value in (None, ""):
        return None
    value = str(value)
    if allowed is not None and value not in set(allowed):
        return None
    return value


def many(
    params: Mapping[str, Any] | None, key: str, allowed: Iterable[str] | None = None
) -> list[str]:
    """A multi-valued filter (comma-separated); values not in `allowed` are dropped."""
    value = (params or {}).get(key)
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    allowed_set = set(allowed) if allowed is not None else None
    out = []
    for item in (str(i).strip() for i in items):
        if item and (allowed_set is None or item in allowed_set) and item not in out:
            out.append(item)
    return out


def integer(
    params: Mapping[str, Any] | None, key: str, allowed: Iterable[int] | None = None
) -> int | None:
    """An integer filter (an edition year); None when absent, not a number or not allowed."""
    value = one(params, key)
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    if number is not None and allowed is not None and number not in set(allowed):
        return None
    return number


def with_changes(search: str | None, changes: Mapping[str, Any]) -> str:
    """The query string `search` with `changes` applied (None or empty removes a key)."""
    params: dict[str, Any] = decode(search)
    params.update(changes)
    return encode(params)


def shared_params(search: str | None) -> str:
    """The part of `search` that navigation links carry to other pages."""
    params = decode(search)
    return encode({k: v for k, v in params.items() if k in SHARED_KEYS})
