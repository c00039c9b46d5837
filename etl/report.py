"""What one file load did, for the CLI and the tests."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def utc_now() -> datetime:
    """Naive UTC now, as the warehouse stores timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_load_id(started: datetime) -> str:
    """A sortable, unique load id."""
    return "L" + started.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:8]


@dataclass
class LoadReport:
    """Outcome of loading one file: loaded, unchanged (already loaded) or failed."""

    path: Path
    source: str
    status: str
    load_id: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["path"] = str(self.path)
        return data
