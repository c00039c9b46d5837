"""Any platform's CSV/XLSX read through a mapping YAML (FORMATS §4).

The mapping is `{platform_id: kuaishou, mode: daily|cumulative, columns: {日期: date_on, 作品:
content_id, 播放: views, ...}}`. Decisions where FORMATS §4 is silent:
- `mode` defaults to daily; targets are the content_daily fields plus the content attributes
  (title, url, published_at, duration_s). Unknown keys, unknown targets, a target used twice and
  a mapping without a date_on or content_id column are IngestErrors naming the mapping file.
- `platform_id` may be a known name (`快手` is not known; `B站` becomes bilibili) or any new id of
  lowercase letters, digits and `_` (kuaishou).
- Every mapped column must be in the data file (a missing one is an IngestError naming the
  data file): a mapping is written for one export layout. Unmapped file columns are warned.
- Rows are parsed, rejected and (cumulative mode) differenced exactly as creator-centre exports.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from etl.errors import IngestError
from etl.platforms.creator import apply_mode, stage_metric_rows
from etl.platforms.frames import FieldColumn, field_column
from etl.platforms.registry import FIELD_KINDS
from etl.reading import decode_strict, read_table
from etl.schemas import Staged
from etl.values import name_key, normalise_platform

MODES = ("daily", "cumulative")
MAPPING_KEYS = ("platform_id", "mode", "columns")
_PLATFORM_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def load_mapping(mapping: Path) -> tuple[str, str, dict[str, str]]:
    """(platform id, mode, header -> target field) from a mapping YAML, validated."""
    if not mapping.is_file():
        raise IngestError(mapping, "no such mapping file")
    text, _, _ = decode_strict(mapping, mapping.read_bytes())
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IngestError(mapping, f"mapping is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise IngestError(mapping, "mapping must be a YAML mapping with platform_id and columns")
    unknown = [str(k) for k in data if k not in MAPPING_KEYS]
    if unknown:
        raise IngestError(
            mapping, f"unknown mapping key(s) {', '.join(unknown)}: use {', '.join(MAPPING_KEYS)}"
        )
    raw_platform = data.get("platform_id")
    if not isinstance(raw_platform, str) or not raw_platform.strip():
        raise IngestError(mapping, "platform_id is missing")
    platform_id = normalise_platform(raw_platform) or raw_platform.strip()
    if not _PLATFORM_ID.match(platform_id):
        raise IngestError(
            mapping,
            f"platform_id {raw_platform!r} is neither a known platform nor an id like kuaishou",
        )
    mode = data.get("mode", "daily")
    if mode not in MODES:
        raise IngestError(mapping, f"mode {mode!r} must be daily or cumulative")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise IngestError(mapping, "columns must map file headers to fields")
    targets: dict[str, str] = {}
    for header, target in columns.items():
        if not isinstance(target, str) or target not in FIELD_KINDS:
            raise IngestError(
                mapping,
                f"unknown target metric {target!r} for column {header!r}: "
                f"use one of {', '.join(FIELD_KINDS)}",
            )
        if target in targets.values():
            raise IngestError(mapping, f"target {target} is mapped from two columns")
        targets[str(header)] = target
    for field, what in (("date_on", "date"), ("content_id", "content id")):
        if field not in targets.values():
            raise IngestError(mapping, f"no {what} column: map one column to {field}")
    return platform_id, mode, targets


def read_generic_export(path: Path, mapping: Path) -> Staged:
    """Read a platform export whose columns a mapping YAML names (FORMATS §4)."""
    platform_id, mode, targets = load_mapping(Path(mapping))
    table = read_table(path)
    by_key = {name_key(h): (i, h) for i, h in enumerate(table.headers)}
    columns: list[FieldColumn] = []
    for header, field in targets.items():
        found = by_key.get(name_key(header))
        if found is None:
            raise IngestError(
                table.path,
                f"column {header!r} named in {Path(mapping).name} is not in the file",
                row=1,
                column=header,
            )
        columns.append(field_column(*found, field, cumulative=False))
    columns, warnings = apply_mode(columns, all_cumulative=mode == "cumulative")
    mapped = {c.index for c in columns} | {by_key[name_key(h)][0] for h in targets}
    extra = [h for i, h in enumerate(table.headers) if i not in mapped]
    if extra:
        warnings.append(f"columns not in {Path(mapping).name}, ignored: {', '.join(extra)}")
    return stage_metric_rows(
        table,
        platform_id,
        sorted(columns, key=lambda c: c.index),
        warnings=[*table.warnings, *warnings],
        details={"platform_id": platform_id, "detected_by": "mapping", "mapping": str(mapping)},
    )
