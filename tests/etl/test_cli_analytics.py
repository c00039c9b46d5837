"""The analytics commands as a user runs them on the demo warehouse: planted values readable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from warehouse.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PLANTED = yaml.safe_load((ROOT / "etl" / "sample" / "planted.yaml").read_text(encoding="utf-8"))


def run_json(*args: str, home: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if k != "CREATORPULSE_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-m", "cli", *args, "--home", str(home), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo warehouse (`segment` writes a run)."""
    copy = tmp_path_factory.mktemp("cli-analytics") / "home"
    shutil.copytree(demo_settings.home, copy, ignore=shutil.ignore_patterns("samples"))
    return copy


def test_attention_json_shows_each_years_planted_half_life(home: Path) -> None:
    rows = run_json("attention", "--series", "微信指数/AI春晚", home=home)
    planted = PLANTED["attention"]["half_life_days"]
    by_year = {row["year"]: row for row in rows}
    for year, half_life in planted.items():
        assert by_year[int(year)]["status"] == "ok"
        assert by_year[int(year)]["half_life_days"] == pytest.approx(half_life, rel=0.2)


def test_reach_json_overall_plays_equal_the_planted_total(home: Path) -> None:
    [overall] = run_json("reach", "--by", "overall", home=home)
    assert overall["plays"] == PLANTED["total_plays"]["total"]
    assert overall["reach_basis"] in {"estimated", "reported"}


def test_retention_json_shows_the_planted_live_peak(home: Path) -> None:
    data = run_json("retention", home=home)
    planted = PLANTED["live"]["planted_peak_2024"]
    [edition] = [row for row in data["live"] if row["edition_year"] == 2024]
    assert edition["top_stream_peak_concurrent_viewers"] == planted["value"] == 180_000
    assert edition["top_platform_id"] == planted["platform"]
    assert edition["top_stream_peak_minute_at"].startswith(planted["minute"])


def test_segment_json_has_a_versioned_run_clusters_and_the_saved_segments(home: Path) -> None:
    data = run_json("segment", home=home)
    assert data["run"]["k"] >= 2 and 0 <= data["run"]["stability"] <= 1
    assert len(data["clusters"]) == data["run"]["k"]
    assert all(c["label_zh"] and c["label_en"] for c in data["clusters"])
    assert "shanghai-pm-25-34" in data["segments"]
    again = run_json("segment", "--k", "3", home=home)
    assert again["run"]["run_id"] != data["run"]["run_id"] and again["run"]["k"] == 3
