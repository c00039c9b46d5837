"""Shared fixtures: a temporary warehouse home and a fixed participant-id key."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.settings import Settings, load_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty warehouse home; ids are keyed with a test secret, never the user's key file."""
    monkeypatch.setenv("CREATORPULSE_ID_KEY", "test-secret")
    monkeypatch.delenv("CREATORPULSE_HOME", raising=False)
    return tmp_path / "home"


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings pointing at the temporary home."""
    return load_settings(home)
