"""Settings, read from the environment in one place (see .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path.home() / ".creatorpulse"


@dataclass(frozen=True)
class Settings:
    """Runtime settings; every field comes from a CREATORPULSE_* variable or its default."""

    home: Path
    id_key: str | None
    id_key_file: Path
    keep_snapshots: int
    host: str
    port: int


def load_settings(home: Path | str | None = None) -> Settings:
    """Read settings from the environment; an explicit `home` wins over CREATORPULSE_HOME."""
    env = os.environ
    chosen = Path(home) if home else Path(env.get("CREATORPULSE_HOME") or DEFAULT_HOME)
    return Settings(
        home=chosen.expanduser().resolve(),
        id_key=env.get("CREATORPULSE_ID_KEY") or None,
        id_key_file=Path(
            env.get("CREATORPULSE_ID_KEY_FILE")
            or Path.home() / ".config" / "creatorpulse" / "participant-id.key"
        ).expanduser(),
        keep_snapshots=int(env.get("CREATORPULSE_KEEP_SNAPSHOTS", "5")),
        host=env.get("CREATORPULSE_HOST", "127.0.0.1"),
        port=int(env.get("CREATORPULSE_PORT", "8050")),
    )
