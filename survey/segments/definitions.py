"""Named rule segments in the warehouse: the shipped defaults and storing definitions.

Definitions live in `segment_definition` so the dashboard, the CLI and exports all read the same
one. `store_segments` writes only what changed (a definition stored again unchanged keeps its
row and its created_at), so storing the defaults twice publishes nothing new.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from survey.segments._warehouse import HomeOrSession, run_query, session_for, write
from survey.segments.errors import SegmentError
from survey.segments.rules import SegmentDefinition

DEFAULT_SEGMENTS = Path(str(resources.files("survey.segments.config") / "default_segments.yaml"))


def load_segment_file(
    path: Path | str | None = None, *, source: str = "default"
) -> list[SegmentDefinition]:
    """Definitions from a segments YAML file (the shipped defaults when no path is given)."""
    path = Path(path) if path else DEFAULT_SEGMENTS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SegmentError(f"{path}: cannot read segment definitions ({exc})") from exc
    entries = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SegmentError(f"{path}: expected a `segments:` list")
    definitions: list[SegmentDefinition] = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "name" not in entry:
            raise SegmentError(f"{path}: segment {i} needs a name")
        label = entry.get("label") or {}
        try:
            definitions.append(
                SegmentDefinition.create(
                    entry["name"],
                    entry.get("filters") or {},
                    label_zh=label.get("zh"),
                    label_en=label.get("en"),
                    source=source,
                )
            )
        except SegmentError as exc:
            raise SegmentError(f"{path}: segment {entry['name']!r}: {exc}") from exc
    names = [d.name for d in definitions]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SegmentError(f"{path}: segment {duplicated[0]!r} is defined twice")
    return definitions


def store_segments(
    home_or_session: HomeOrSession, definitions: Iterable[SegmentDefinition] | None = None
) -> list[str]:
    """Store definitions (the shipped defaults when None); return the names added or changed.

    Given a home, writes through `open_for_write` and publishes a new snapshot only if something
    changed; given a write session, writes into it (the caller's block publishes).
    """
    chosen = list(definitions) if definitions is not None else load_segment_file()
    with session_for(home_or_session) as session:
        stored = {
            row["segment_name"]: row for row in run_query(session, "segment_definitions").to_dicts()
        }
        changed = [d for d in chosen if not _same(d, stored.get(d.name))]
        if changed:
            stage = pl.DataFrame(
                {
                    "segment_name": [d.name for d in changed],
                    "label_zh": [d.label_zh for d in changed],
                    "label_en": [d.label_en for d in changed],
                    "filters": [d.filters_json for d in changed],
                    "source": [d.source for d in changed],
                },
                schema=dict.fromkeys(
                    ("segment_name", "label_zh", "label_en", "filters", "source"), pl.String
                ),
            )
            write(
                session,
                "segment_definition",
                {"stg_segment_definition": stage},
                saved_at=datetime.now(UTC).replace(tzinfo=None),
            )
    return [d.name for d in changed]


def _same(definition: SegmentDefinition, row: dict[str, Any] | None) -> bool:
    return row is not None and (
        row["label_zh"] == definition.label_zh
        and row["label_en"] == definition.label_en
        and row["source"] == definition.source
        and json.loads(row["filters"]) == definition.filters
    )
