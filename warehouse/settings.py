"""Settings, read from the environment in one place (see .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path.home() / ".creatorpulse"


@dataclass(frozen=True)
class Limits:
    """Hardening limits (sign-in throttling, request sizes, render cache, workbook checks); every
    field comes from a CREATORPULSE_* variable or its default (see .env.example)."""

    # Sign-in throttling, counted per user name and per client address over a window.
    signin_free_attempts: int = 5  # failures per user name before back-off starts
    signin_addr_free_attempts: int = 20  # failures per client address before back-off starts
    signin_backoff_s: float = 1.0  # first back-off; doubles with each further failure
    signin_lockout_s: float = 900.0  # the window failures are counted over; longest lockout
    # Request limits.
    max_body_bytes: int = 1024 * 1024  # any request body (callbacks, sign-in form)
    max_query_chars: int = 4096  # a URL's query string
    max_value_chars: int = 2048  # one string in a callback's inputs (a filter value, the URL)
    # The render cache shared by workers, per snapshot (HOME/cache/<snapshot>/).
    cache_max_bytes: int = 64 * 1024 * 1024
    cache_max_entries: int = 2000
    # Workbooks (.xlsx) are checked before any reader opens them.
    xlsx_max_cells: int = 20_000_000  # rows x columns of a sheet's used range
    xlsx_max_uncompressed_bytes: int = 512 * 1024 * 1024  # all members together
    xlsx_max_ratio: float = 200.0  # uncompressed / compressed, per member of 1 MiB or more
    # A platform export's date this far from the middle of its other dates is a typo (rejected).
    max_date_spread_days: int = 3650
    # PDF reports (headless Chromium, ~250 MB each): renders at once per warehouse home, requests
    # that may wait for one, and how long they wait; beyond that 503 with Retry-After.
    pdf_concurrency: int = 2
    pdf_queue: int = 8
    pdf_queue_wait_s: float = 60.0
    # Any one input file (survey, platform, catalogue, attention): larger ones are refused.
    max_input_bytes: int = 2 * 1024**3


@dataclass(frozen=True)
class Settings:
    """Runtime settings; every field comes from a CREATORPULSE_* variable or its default."""

    home: Path
    id_key: str | None
    id_key_file: Path
    keep_snapshots: int
    host: str
    port: int
    limits: Limits = Limits()


# Limits field -> environment variable.
LIMIT_ENV = {
    "signin_free_attempts": "CREATORPULSE_SIGNIN_FREE_ATTEMPTS",
    "signin_addr_free_attempts": "CREATORPULSE_SIGNIN_ADDR_FREE_ATTEMPTS",
    "signin_backoff_s": "CREATORPULSE_SIGNIN_BACKOFF_S",
    "signin_lockout_s": "CREATORPULSE_SIGNIN_LOCKOUT_S",
    "max_body_bytes": "CREATORPULSE_MAX_BODY_BYTES",
    "max_query_chars": "CREATORPULSE_MAX_QUERY_CHARS",
    "max_value_chars": "CREATORPULSE_MAX_VALUE_CHARS",
    "cache_max_bytes": "CREATORPULSE_CACHE_MAX_BYTES",
    "cache_max_entries": "CREATORPULSE_CACHE_MAX_ENTRIES",
    "xlsx_max_cells": "CREATORPULSE_XLSX_MAX_CELLS",
    "xlsx_max_uncompressed_bytes": "CREATORPULSE_XLSX_MAX_UNCOMPRESSED_BYTES",
    "xlsx_max_ratio": "CREATORPULSE_XLSX_MAX_RATIO",
    "max_date_spread_days": "CREATORPULSE_MAX_DATE_SPREAD_DAYS",
    "pdf_concurrency": "CREATORPULSE_PDF_CONCURRENCY",
    "pdf_queue": "CREATORPULSE_PDF_QUEUE",
    "pdf_queue_wait_s": "CREATORPULSE_PDF_QUEUE_WAIT_S",
    "max_input_bytes": "CREATORPULSE_MAX_INPUT_BYTES",
}


def load_limits() -> Limits:
    """The hardening limits from the environment (defaults where unset)."""
    defaults = Limits()
    values = {}
    for name, variable in LIMIT_ENV.items():
        raw = os.environ.get(variable)
        if raw:
            values[name] = type(getattr(defaults, name))(float(raw))
    return Limits(**values)


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
        limits=load_limits(),
    )
