"""Attention decline after Spring Festival: planted half-lives are found, odd years get a status."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml

from warehouse.analytics import attention
from warehouse.analytics.attention import (
    STATUS_FIT_FAILED,
    STATUS_NO_PEAK,
    STATUS_OK,
    STATUS_TOO_FEW,
    decline_by_year,
    fit_decline,
)
from warehouse.query import Reader
from warehouse.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FESTIVALS = {2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17)}
PLANTED_HALF_LIFE = {2024: 8.0, 2025: 12.0, 2026: 15.0}
WEEKLY = (1.04, 1.05, 1.04, 1.03, 1.0, 0.92, 0.92)  # Mon..Sun, on the baseline only
LEVEL = 1000.0
AMPLITUDE = 2.0  # spike at the festival = AMPLITUDE * LEVEL on top of the baseline
PLANTED_OUTLIERS = {20: 2.5, 45: 3.0}  # day from Spring Festival: multiple of that day's value


def clean_value(d: int, half_life: float) -> float:
    """Noise-free, weekday-free value at day d from Spring Festival: baseline + spike."""
    if d >= 0:
        spike = AMPLITUDE * LEVEL * 2 ** (-d / half_life)
    elif d >= -7:
        spike = AMPLITUDE * LEVEL * 2 ** (d / 1.5)  # a short rise before the festival
    else:
        spike = 0.0
    return LEVEL + spike


def synthetic_year(
    year: int,
    half_life: float,
    *,
    seed: int,
    series: str = "synthetic/AI",
    missing: int = 8,
    outliers: dict[int, float] | None = None,
    noise: float = 0.04,
) -> pl.DataFrame:
    """Jan 1 - Jun 30 of one year: baseline with a weekly rhythm + a festival spike decaying with
    `half_life`, multiplicative log-normal noise, `missing` random days after the peak left out,
    and `outliers` {day: multiple of the day's value}."""
    rng = np.random.default_rng(seed)
    festival = FESTIVALS[year]
    rows = []
    day = date(year, 1, 1)
    while day <= date(year, 6, 30):
        d = (day - festival).days
        weekly = (WEEKLY[day.weekday()] - 1.0) * LEVEL
        value = (clean_value(d, half_life) + weekly) * math.exp(rng.normal(0.0, noise))
        value *= (outliers or {}).get(d, 1.0)
        rows.append(
            {
                "series": series,
                "year": year,
                "date_on": day,
                "days_from_spring_festival": d,
                "value": value,
            }
        )
        day += timedelta(days=1)
    frame = pl.DataFrame(rows)
    dropped = rng.choice(np.arange(2, 90), size=missing, replace=False).tolist()
    return frame.filter(~pl.col("days_from_spring_festival").is_in(dropped))


@pytest.fixture(scope="module")
def planted() -> pl.DataFrame:
    """Three years of one series with half-lives 8, 12, 15 days, gaps and two outlier spikes."""
    frames = [
        synthetic_year(year, h, seed=i, outliers=PLANTED_OUTLIERS)
        for i, (year, h) in enumerate(PLANTED_HALF_LIFE.items(), start=1)
    ]
    return fit_decline(pl.concat(frames))


def by_year(result: pl.DataFrame) -> dict[int, dict[str, Any]]:
    return {row["year"]: row for row in result.iter_rows(named=True)}


# --- synthetic series -------------------------------------------------------------------------


def test_planted_half_lives_are_recovered_within_20_percent_and_inside_the_interval(
    planted: pl.DataFrame,
) -> None:
    rows = by_year(planted)
    assert sorted(rows) == [2024, 2025, 2026]
    for year, h in PLANTED_HALF_LIFE.items():
        row = rows[year]
        assert row["status"] == STATUS_OK
        assert row["half_life_days"] == pytest.approx(h, rel=0.2), year
        assert row["half_life_low"] <= h <= row["half_life_high"], year
        assert row["half_life_low"] < row["half_life_days"] < row["half_life_high"]


def test_the_half_life_interval_covers_the_planted_value_in_most_of_20_independent_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A 95% interval misses now and then; over 20 noise draws it should miss at most 3 times.
    monkeypatch.setattr(attention, "N_BOOTSTRAP", 100)  # coverage, not precision: keep it quick
    frames = [
        synthetic_year(2025, 12.0, seed=100 + i, series=f"draw/{i:02d}", outliers={20: 2.5})
        for i in range(20)
    ]
    result = fit_decline(pl.concat(frames))
    assert result["status"].to_list() == [STATUS_OK] * 20
    covered = result.filter((pl.col("half_life_low") <= 12.0) & (pl.col("half_life_high") >= 12.0))
    assert covered.height >= 17
    assert ((result["half_life_days"] / 12.0 - 1).abs() <= 0.2).all()


def test_the_peak_is_found_at_the_festival_and_values_are_shares_of_it(
    planted: pl.DataFrame,
) -> None:
    for year, row in by_year(planted).items():
        assert 0 <= row["peak_day"] <= 1, year
        assert row["peak_on"] == FESTIVALS[year] + timedelta(days=row["peak_day"])
        assert row["peak_value"] == pytest.approx(LEVEL * (1 + AMPLITUDE), rel=0.1)
        assert row["baseline_share"] == pytest.approx(1 / (1 + AMPLITUDE), rel=0.15)
        assert row["n_days"] == 91 - row["peak_day"] - 8  # peak day to +90, minus 8 missing


def test_share_of_peak_left_at_30_and_60_days_matches_the_planted_curve(
    planted: pl.DataFrame,
) -> None:
    for year, row in by_year(planted).items():
        h, d0 = PLANTED_HALF_LIFE[year], row["peak_day"]
        for n in (30, 60):
            truth = clean_value(d0 + n, h) / clean_value(d0, h)
            assert row[f"share_left_{n}d_fit"] == pytest.approx(truth, abs=0.03), (year, n)
            # The observed week is divided by the 3-day median at the peak, a little under the
            # peak itself on a sharp spike, so it reads slightly high.
            assert row[f"share_left_{n}d_observed"] == pytest.approx(truth, abs=0.05), (year, n)


def test_march_over_festival_week_matches_the_planted_ratio(planted: pl.DataFrame) -> None:
    for year, row in by_year(planted).items():
        h, festival = PLANTED_HALF_LIFE[year], FESTIVALS[year]
        march_days = [(date(year, 3, 1) + timedelta(days=i) - festival).days for i in range(31)]
        # A plain mean: the planted outlier on day +45 counts when it falls in March.
        march = [clean_value(d, h) * PLANTED_OUTLIERS.get(d, 1.0) for d in march_days]
        week = [clean_value(d, h) for d in range(7)]
        truth = float(np.mean(march) / np.mean(week))
        assert row["march_to_festival_week"] == pytest.approx(truth, rel=0.08), year
        assert 0 < row["march_to_festival_week"] < 1


def test_a_year_without_data_gets_a_status_row_instead_of_an_error() -> None:
    frame = synthetic_year(2025, 12.0, seed=1)
    result = fit_decline(frame, years=[2024, 2025])
    rows = by_year(result)
    assert rows[2024]["status"] == STATUS_NO_PEAK
    assert rows[2024]["n_days"] == 0
    assert rows[2024]["half_life_days"] is None
    assert rows[2025]["status"] == STATUS_OK
    assert result.columns[:3] == ["series", "year", "status"]


def test_an_empty_frame_gives_an_empty_result_with_every_column() -> None:
    empty = pl.DataFrame(
        schema={
            "series": pl.String,
            "year": pl.Int32,
            "days_from_spring_festival": pl.Int32,
            "value": pl.Float64,
        }
    )
    result = fit_decline(empty)
    assert result.is_empty()
    assert "half_life_days" in result.columns
    assert fit_decline(empty, series=["x"], years=[2025])["status"].to_list() == [STATUS_NO_PEAK]


def test_a_series_with_many_missing_days_still_recovers_its_half_life() -> None:
    frame = synthetic_year(2025, 12.0, seed=7, missing=40)
    row = by_year(fit_decline(frame))[2025]
    assert row["status"] == STATUS_OK
    assert row["n_days"] == 91 - row["peak_day"] - 40
    assert row["half_life_days"] == pytest.approx(12.0, rel=0.2)
    assert row["half_life_low"] <= 12.0 <= row["half_life_high"]


def test_null_and_nan_values_count_as_missing_days() -> None:
    frame = synthetic_year(2025, 12.0, seed=3, missing=0).with_columns(
        value=pl.when(pl.col("days_from_spring_festival") == 10)
        .then(None)
        .when(pl.col("days_from_spring_festival") == 11)
        .then(float("nan"))
        .otherwise(pl.col("value"))
    )
    row = by_year(fit_decline(frame))[2025]
    assert row["status"] == STATUS_OK
    assert row["n_days"] == 91 - row["peak_day"] - 2


def test_an_outlier_above_the_peak_outside_the_window_neither_peaks_nor_bends_the_fit() -> None:
    # Day +40 is five times the festival peak; day -25 (before the window) four times.
    frame = synthetic_year(2025, 12.0, seed=11, outliers={40: 15.0, -25: 12.0})
    assert frame["value"].to_numpy().max() > 4 * LEVEL * (1 + AMPLITUDE)
    row = by_year(fit_decline(frame))[2025]
    assert row["status"] == STATUS_OK
    assert 0 <= row["peak_day"] <= 1
    assert row["half_life_days"] == pytest.approx(12.0, rel=0.2)
    assert row["half_life_low"] <= 12.0 <= row["half_life_high"]


def test_a_one_day_outlier_inside_the_window_is_not_taken_as_the_peak() -> None:
    frame = synthetic_year(2025, 12.0, seed=5, outliers={9: 4.0})
    row = by_year(fit_decline(frame))[2025]
    assert row["status"] == STATUS_OK
    assert 0 <= row["peak_day"] <= 1
    assert row["peak_value"] < 1.1 * LEVEL * (1 + AMPLITUDE)


def test_fewer_than_five_points_after_the_peak_is_too_few_points() -> None:
    frame = synthetic_year(2025, 12.0, seed=2, missing=0).filter(
        pl.col("days_from_spring_festival") <= 4
    )
    row = by_year(fit_decline(frame))[2025]
    assert row["status"] == STATUS_TOO_FEW
    assert row["peak_day"] is not None
    assert row["half_life_days"] is None
    assert row["half_life_low"] is None


def test_a_series_still_rising_at_the_window_edge_has_no_peak_in_window() -> None:
    days = list(range(-30, 91))
    frame = pl.DataFrame(
        {
            "series": "rising",
            "year": 2025,
            "days_from_spring_festival": days,
            "value": [100.0 + 10.0 * (d + 30) for d in days],
        }
    )
    row = by_year(fit_decline(frame))[2025]
    assert row["status"] == STATUS_NO_PEAK
    assert row["peak_day"] is None


def test_a_series_that_stays_at_its_peak_level_has_no_decline_to_fit() -> None:
    # Half the level before the festival, then the peak level for 90 days with a weekly bump.
    days = list(range(-20, 91))
    values = [50.0 if d < 0 else 100.0 + (3.0 if d % 7 == 0 else 0.0) for d in days]
    frame = pl.DataFrame(
        {"series": "flat", "year": 2025, "days_from_spring_festival": days, "value": values}
    )
    row = by_year(fit_decline(frame))[2025]
    assert row["status"] == STATUS_FIT_FAILED
    assert row["peak_day"] == 0
    assert row["half_life_days"] is None


def test_without_date_on_the_march_ratio_and_peak_date_stay_empty() -> None:
    frame = synthetic_year(2025, 12.0, seed=4).drop("date_on")
    row = by_year(fit_decline(frame))[2025]
    assert row["status"] == STATUS_OK
    assert row["peak_on"] is None
    assert row["march_to_festival_week"] is None


def test_a_frame_missing_a_required_column_is_refused() -> None:
    with pytest.raises(ValueError, match="days_from_spring_festival"):
        fit_decline(pl.DataFrame({"series": ["a"], "year": [2025], "value": [1.0]}))


def test_series_and_years_come_out_side_by_side_in_order() -> None:
    frames = [
        synthetic_year(2025, 12.0, seed=8, series="b/B"),
        synthetic_year(2024, 8.0, seed=9, series="a/A"),
    ]
    result = fit_decline(pl.concat(frames))
    assert result.select("series", "year").rows() == [
        ("a/A", 2024),
        ("a/A", 2025),
        ("b/B", 2024),
        ("b/B", 2025),
    ]
    assert result["status"].to_list() == [STATUS_OK, STATUS_NO_PEAK, STATUS_NO_PEAK, STATUS_OK]


# --- end to end on the demo warehouse ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_home(demo_settings: Settings) -> Path:
    """The shared demo warehouse (tests/conftest.py), built once per session."""
    return demo_settings.home


@pytest.fixture(scope="module")
def planted_attention() -> dict[str, Any]:
    planted = yaml.safe_load((ROOT / "etl/sample/planted.yaml").read_text(encoding="utf-8"))
    return planted["attention"]


def test_the_mart_aligns_attention_and_program_plays_on_days_from_spring_festival(
    demo_home: Path, planted_attention: dict[str, Any]
) -> None:
    reader = Reader(demo_home)
    grid = reader.query("attention_series_years", series=None)
    names = set(grid["series"])
    for s in planted_attention["series"]:
        assert f"{s['source']}/{s['keyword']}" in names
    assert {"plays:all", "plays:bilibili", "plays:youtube"} <= names
    daily = reader.query("attention_window", series=None, first_day=0, last_day=0)
    for year, festival in planted_attention["festivals"].items():
        at_festival = daily.filter(pl.col("year") == int(year))
        assert set(at_festival["date_on"]) == {date.fromisoformat(festival)}
    plays = daily.filter(pl.col("series").str.starts_with("plays:"), pl.col("year") == 2025)
    per_platform = plays.filter(pl.col("series") != "plays:all")["value"].sum()
    assert plays.filter(pl.col("series") == "plays:all")["value"].item() == per_platform
    reader.close()


def test_demo_gala_plays_decline_in_the_edition_years_and_other_years_get_a_status(
    demo_home: Path,
) -> None:
    reader = Reader(demo_home)
    rows = by_year(decline_by_year(reader, series="plays:all"))
    reader.close()
    assert sorted(rows) == [2023, 2024, 2025, 2026]
    assert rows[2023]["status"] == rows[2026]["status"] == STATUS_NO_PEAK
    for year in (2024, 2025):
        assert rows[year]["status"] == STATUS_OK
        assert 0 < rows[year]["half_life_days"] < 30


def _assert_planted_half_lives(home: Path, planted: dict[str, Any], series: str) -> None:
    reader = Reader(home)
    rows = by_year(decline_by_year(reader, series=series))
    reader.close()
    assert sorted(rows) == sorted(int(y) for y in planted["half_life_days"])
    for year, h in planted["half_life_days"].items():
        row = rows[int(year)]
        assert row["status"] == STATUS_OK
        assert row["half_life_days"] == pytest.approx(h, rel=0.2), (series, year, row)


def test_demo_wechat_ai_gala_index_recovers_the_planted_half_life_of_every_year(
    demo_home: Path, planted_attention: dict[str, Any]
) -> None:
    # The spike is 30-150x this series' baseline, so the baseline's March drop is negligible.
    _assert_planted_half_lives(demo_home, planted_attention, "微信指数/AI春晚")
