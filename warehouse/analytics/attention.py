"""Attention decline after Spring Festival: per series and year, how fast the festival spike fades.

Every daily series of `mart_attention_daily` (topic attention `<source>/<keyword>`, the gala's
plays `plays:<platform>` / `plays:all`) is aligned on d = days from Spring Festival (正月初一) of
its year. Per series x year:

* **Peak**: the day in [-14, +14] with the highest 3-day centred median (the lower median of
  the values observed on d-1, d, d+1, at least two of them; the peak day itself must be observed).
  With three values the median ignores the most extreme one, with two the lower one is taken, so a
  one-day outlier can never become the peak. `peak_value` is that median (raw units) and every
  value is divided by it ("share of peak"). A maximum on the window's edge that keeps rising just
  outside it is not a festival peak: status 'no peak in window'.
* **Fit**: y(d) = b + A * 2^(-(d - d0) / h) on the observed days d0 <= d <= +90 (d0 = peak day,
  fixed; missing days are simply absent), with `scipy.optimize.curve_fit` (trf, bounded:
  0 <= b <= 2, 0 <= A <= 5, 0.25 <= h <= 365 days; p0 from the data: b = median of the last 14
  points, A = 1 - b, h = first half-way crossing). Outliers: `loss="soft_l1"` with `f_scale` =
  the robust noise scale (1.4826 * MAD of day-to-day differences / sqrt 2), so a point far off the
  curve counts roughly linearly, not squared, and no point is dropped by a hard cut.
  b is one constant: a baseline that itself moves inside the fit range (a level that drops
  through March) is read as part of the decay and lengthens h, the more so the smaller the
  spike is against the baseline.
* **Interval for h**: a wild residual bootstrap (each day's residual stays on its day and gets
  a random sign, so the larger noise near the peak keeps its place), 200 refits started from the
  fit, seed fixed; the 2.5 and 97.5 percentiles. Not the covariance: under a robust loss it
  mis-states the spread. (Signs shared within 7-day blocks were tried: in simulation with a weekly
  rhythm they covered the true h only ~78% of the time; per-day signs ~96%.)
* **Share of peak left** n = 30, 60 days after the peak day: `_fit` = y(d0 + n) / y(d0) of the
  fitted curve; `_observed` = mean of the values on d0 + n - 3 .. d0 + n + 3 (at least 4 observed)
  / `peak_value`.
* **March ratio**: mean of the values in March (calendar month of `date_on`, at least 16 days
  observed) / mean of the festival week, days 0..6 (at least 4 observed).

A series x year that cannot be measured gets a row with a `status` instead of an exception:
'no peak in window' (no data in the window, or none that peaks there), 'too few points' (fewer
than 5 observed days after the peak up to +90), 'fit failed' (the optimiser failed, or h ends on
a bound / A ~ 0, i.e. no decline to measure), 'not fitted: monthly data'; 'ok' otherwise.

**Granularity** (the frame's optional `granularity` column; absent = 'day'):

* 'day': as above.
* 'week' (Google Trends / 百度指数 weekly points, dated by the week's first day, each the
  week's level): every point is placed at the week's **centre**, d = days from Spring Festival
  of its first day + 3, and fitted like days (h still in days). The peak is the highest point
  in [-14, +14] (no 3-point median: a week already averages seven days). The peak week itself
  is left out of the fit: it blends the rise before the peak with the decay after it, and kept
  in it pulls h up (by ~40% for a 12-day half-life in simulation); the curve is fitted on the
  weeks after it with d0 (the peak week's centre) as origin, so A is the extrapolated peak. The
  shares at
  +30/+60 days use the one point within 3 days of d0 + n; the March ratio uses the weeks centred
  in March (at least 3) over the week centred in days 0..6. The bootstrap interval is computed
  from the weekly points only, with each residual leverage-corrected (HC3): with ~12 points the
  plain residuals understate the noise. It comes out wider than the daily interval of the same
  curve (and h shorter than about a week cannot be told apart from a step).
* 'month': shown, never fitted (status 'not fitted: monthly data'): a spike that fades in two
  or three weeks falls inside one or two monthly points, which cannot measure a half-life.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from warehouse.query import Reader

PEAK_WINDOW = (-14, 14)  # days from Spring Festival searched for the peak
FIT_LAST_DAY = 90  # the fit uses days up to +90 from Spring Festival
FESTIVAL_WEEK = (0, 6)
SHARE_DAYS = (30, 60)  # days after the peak
MIN_POINTS_AFTER_PEAK = 5
MIN_FESTIVAL_WEEK_DAYS = 4
MIN_MARCH_DAYS = 16
MIN_WEEK_MEAN_DAYS = 4
N_BOOTSTRAP = 200
SEED = 20240210
BOUNDS = ((0.0, 0.0, 0.25), (2.0, 5.0, 365.0))  # (b, A, h): lower, upper
# The days from Spring Festival a fit reads: a week earlier than the peak window needs, so a
# weekly series' point before the window is there for the edge check.
FIT_INPUT_DAYS = (PEAK_WINDOW[0] - 8, FIT_LAST_DAY)

STATUS_OK = "ok"
STATUS_TOO_FEW = "too few points"
STATUS_NO_PEAK = "no peak in window"
STATUS_FIT_FAILED = "fit failed"
STATUS_MONTHLY = "not fitted: monthly data"

WEEK_CENTRE_DAYS = 3  # a weekly point is placed at its week's centre: first day + 3
MIN_MARCH_WEEKS = 3

REQUIRED_COLUMNS = ("series", "year", "days_from_spring_festival", "value")
RESULT_SCHEMA: dict[str, Any] = {
    "series": pl.String,
    "year": pl.Int64,
    "status": pl.String,
    "n_days": pl.Int64,
    "peak_day": pl.Int64,
    "peak_on": pl.Date,
    "peak_value": pl.Float64,
    "baseline_share": pl.Float64,
    "amplitude_share": pl.Float64,
    "half_life_days": pl.Float64,
    "half_life_low": pl.Float64,
    "half_life_high": pl.Float64,
    "share_left_30d_fit": pl.Float64,
    "share_left_60d_fit": pl.Float64,
    "share_left_30d_observed": pl.Float64,
    "share_left_60d_observed": pl.Float64,
    "march_to_festival_week": pl.Float64,
    "granularity": pl.String,
}


def decline_by_year(reader: Reader, *, series: str | None = None) -> pl.DataFrame:
    """The decline of every series (or one) in every Spring Festival year of the warehouse.

    One row per series x year (see `fit_decline` for the columns); a year without data for a
    series is a status row. An unknown `series` gives an empty frame.
    """
    grid = reader.query("attention_series_years", series=series)
    daily = reader.query(
        "attention_window",
        series=series,
        first_day=FIT_INPUT_DAYS[0],
        last_day=FIT_INPUT_DAYS[1],
    )
    return fit_decline(
        daily,
        series=grid["series"].unique(maintain_order=True).to_list(),
        years=grid["year"].unique().sort().to_list(),
    )


def stored_declines(reader: Reader, *, series: str | None = None) -> pl.DataFrame:
    """`decline_by_year` as computed at publish (mart_attention_fit): same rows, no refit.

    The fit depends on the series alone (years, window and normalisation only select from it),
    so every choice the attention page offers is precomputed.
    """
    return reader.query("attention_fits", series=series).cast(RESULT_SCHEMA)  # type: ignore[arg-type]


def fit_decline(
    frame: pl.DataFrame,
    *,
    series: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Fit the post-festival decline per series x year of a daily frame.

    `frame` has `series`, `year` (Spring Festival year), `days_from_spring_festival`, `value`
    and optionally `date_on` (needed for `peak_on` and the March ratio). Null / NaN values are
    missing days. Rows are the `series` x `years` grid (default: those in the frame), sorted.

    Columns: series; year; status; n_days (observed days in the fit, peak day to +90);
    peak_day (days from Spring Festival); peak_on (date); peak_value (3-day median at the peak,
    the series' unit); baseline_share b and amplitude_share A (fitted, shares of peak_value);
    half_life_days h with half_life_low / half_life_high (95% bootstrap interval, days);
    share_left_30d_fit / share_left_60d_fit (fitted curve), share_left_30d_observed /
    share_left_60d_observed (observed 7-day mean), all as shares of the peak, n days after the
    peak day; march_to_festival_week (March mean / mean of days 0..6, a ratio).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"fit_decline needs column(s) {missing}; got {frame.columns}")
    has_dates = "date_on" in frame.columns
    columns = [*REQUIRED_COLUMNS, *(["date_on"] if has_dates else [])]
    if "granularity" in frame.columns:
        columns.append("granularity")
    data = (
        frame.select(columns)
        .with_columns(
            pl.col("year").cast(pl.Int64),
            pl.col("days_from_spring_festival").cast(pl.Int64),
            pl.col("value").cast(pl.Float64).fill_nan(None),
        )
        .drop_nulls(["series", "year", "days_from_spring_festival", "value"])
        .sort("series", "year", "days_from_spring_festival")
    )
    names = list(series) if series is not None else data["series"].unique().sort().to_list()
    all_years = (
        sorted({int(y) for y in years})
        if years is not None
        else data["year"].unique().sort().to_list()
    )
    groups = data.partition_by(["series", "year"], as_dict=True)
    rows = []
    for name in sorted(names):
        for year in all_years:
            part = groups.get((name, year))
            rows.append({"series": name, "year": year, **_decline(part, has_dates)})
            rows[-1].setdefault("granularity", _granularity(part))
    return pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")


def _granularity(part: pl.DataFrame | None) -> str:
    """'day' | 'week' | 'month' of one series' rows ('day' when the frame does not say)."""
    if part is None or part.is_empty() or "granularity" not in part.columns:
        return "day"
    return str(part["granularity"].drop_nulls().first() or "day")


def _decline(part: pl.DataFrame | None, has_dates: bool) -> dict[str, Any]:
    """Measure one series in one year."""
    out: dict[str, Any] = {"status": STATUS_NO_PEAK, "n_days": 0}
    if part is None or part.is_empty():
        return out
    granularity = _granularity(part)
    if granularity == "month":
        out["status"] = STATUS_MONTHLY
        out["n_days"] = part.height
        return out
    weekly = granularity == "week"
    if weekly:
        # Each weekly point stands for its week: place it at the week's centre.
        part = part.with_columns(
            pl.col("days_from_spring_festival") + WEEK_CENTRE_DAYS,
            *([pl.col("date_on") + pl.duration(days=WEEK_CENTRE_DAYS)] if has_dates else []),
        )
    # Duplicated days (not expected from the mart) are averaged rather than double-counted.
    aggs = [pl.col("value").mean()]
    if has_dates:
        aggs.append(pl.col("date_on").first())
    daily = part.group_by("days_from_spring_festival").agg(aggs).sort("days_from_spring_festival")
    days = daily["days_from_spring_festival"].to_numpy().astype(np.int64)
    values = daily["value"].to_numpy().astype(np.float64)
    dates: list[date] | None = daily["date_on"].to_list() if has_dates else None
    by_day = dict(zip(days.tolist(), values.tolist(), strict=True))

    out["march_to_festival_week"] = _march_ratio(days, values, dates, weekly=weekly)
    peak = _find_peak_weekly(by_day) if weekly else _find_peak(by_day)
    if peak is None:
        return out
    d0, peak_value = peak
    out["peak_day"] = d0
    out["peak_value"] = peak_value
    if dates is not None:
        out["peak_on"] = dates[int(np.searchsorted(days, d0))]
    for n in SHARE_DAYS:
        out[f"share_left_{n}d_observed"] = _week_mean(
            by_day, d0 + n, peak_value, min_points=1 if weekly else MIN_WEEK_MEAN_DAYS
        )

    # The peak week blends the days before the peak (the rise) with those after it, so it is
    # not a point of the decay: weekly fits start with the week after it (d0 stays the origin).
    in_fit = ((days > d0) if weekly else (days >= d0)) & (days <= FIT_LAST_DAY)
    x = (days[in_fit] - d0).astype(np.float64)
    y = values[in_fit] / peak_value
    out["n_days"] = int(in_fit.sum())
    if int((x > 0).sum()) < MIN_POINTS_AFTER_PEAK:
        out["status"] = STATUS_TOO_FEW
        return out

    scale = _noise_scale(y)
    params = _fit(x, y, _initial_guess(x, y), scale)
    if params is None or not _measures_a_decline(params):
        out["status"] = STATUS_FIT_FAILED
        return out
    b, amplitude, h = params
    out["baseline_share"] = b
    out["amplitude_share"] = amplitude
    out["half_life_days"] = h
    at_peak = b + amplitude
    for n in SHARE_DAYS:
        out[f"share_left_{n}d_fit"] = float(_curve(np.array([float(n)]), *params)[0] / at_peak)
    out["half_life_low"], out["half_life_high"] = _bootstrap_interval(
        x, y, params, scale, leverage_corrected=weekly
    )
    out["status"] = STATUS_OK
    return out


def _find_peak(by_day: dict[int, float]) -> tuple[int, float] | None:
    """(peak day, 3-day lower median there), or None when the window holds no festival peak."""
    first, last = PEAK_WINDOW

    def smooth(d: int) -> float | None:
        if d not in by_day:
            return None
        near = sorted(by_day[k] for k in (d - 1, d, d + 1) if k in by_day)
        return near[(len(near) - 1) // 2] if len(near) >= 2 else None

    candidates = [(v, d) for d in range(first, last + 1) if (v := smooth(d)) is not None]
    if not candidates:
        return None
    value, day = max(candidates, key=lambda c: (c[0], -c[1]))
    if value <= 0:
        return None
    # A maximum on the edge that keeps rising outside the window is a slope, not a peak.
    for edge, outside in ((first, first - 1), (last, last + 1)):
        beyond = smooth(outside)
        if day == edge and beyond is not None and beyond >= value:
            return None
    return day, value


def _find_peak_weekly(by_day: dict[int, float]) -> tuple[int, float] | None:
    """(peak week centre, its value) for weekly points: the highest point in the window, or
    None when there is none or it sits on the window's edge below a higher point outside."""
    first, last = PEAK_WINDOW
    days = sorted(by_day)
    inside = [d for d in days if first <= d <= last]
    if not inside:
        return None
    day = max(inside, key=lambda d: (by_day[d], -d))
    value = by_day[day]
    if value <= 0:
        return None
    position = days.index(day)
    for neighbour in (position - 1, position + 1):
        if 0 <= neighbour < len(days):
            other = days[neighbour]
            if not first <= other <= last and by_day[other] >= value:
                return None
    return day, value


def _week_mean(
    by_day: dict[int, float],
    centre: int,
    peak_value: float,
    *,
    min_points: int = MIN_WEEK_MEAN_DAYS,
) -> float | None:
    """Mean of the values observed on centre-3..centre+3 as a share of the peak."""
    near = [by_day[d] for d in range(centre - 3, centre + 4) if d in by_day]
    if len(near) < min_points:
        return None
    return float(np.mean(near)) / peak_value


def _march_ratio(
    days: np.ndarray, values: np.ndarray, dates: list[date] | None, *, weekly: bool = False
) -> float | None:
    """Mean of March over the mean of the festival week (days 0..6); weekly points count by
    their week's centre (at least 3 weeks in March, the one week centred in days 0..6)."""
    if dates is None:
        return None
    week = values[(days >= FESTIVAL_WEEK[0]) & (days <= FESTIVAL_WEEK[1])]
    march = values[np.array([d.month == 3 for d in dates], dtype=bool)]
    min_week, min_march = (
        (1, MIN_MARCH_WEEKS) if weekly else (MIN_FESTIVAL_WEEK_DAYS, MIN_MARCH_DAYS)
    )
    if len(week) < min_week or len(march) < min_march:
        return None
    week_mean = float(week.mean())
    return float(march.mean()) / week_mean if week_mean > 0 else None


def _curve(x: np.ndarray, b: float, amplitude: float, h: float) -> np.ndarray:
    return b + amplitude * np.exp2(-x / h)


def _jacobian(x: np.ndarray, b: float, amplitude: float, h: float) -> np.ndarray:
    decay = np.exp2(-x / h)
    return np.column_stack([np.ones_like(x), decay, amplitude * decay * math.log(2) * x / (h * h)])


def _noise_scale(y: np.ndarray) -> float:
    """Robust day-to-day noise of the normalised values (soft_l1's f_scale)."""
    if len(y) < 3:
        return 0.05
    diffs = np.diff(y)
    mad = float(np.median(np.abs(diffs - np.median(diffs))))
    return max(1.4826 * mad / math.sqrt(2), 1e-3)


def _initial_guess(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """p0 from the data, inside the bounds."""
    (b_lo, a_lo, h_lo), (b_hi, a_hi, h_hi) = BOUNDS
    b = float(np.clip(np.median(y[-14:]), b_lo + 1e-3, b_hi - 1e-3))
    amplitude = float(np.clip(max(y[0], 1.0) - b, a_lo + 0.05, a_hi - 1e-3))
    below = x[y <= b + amplitude / 2]
    h = float(np.clip(below[0] if len(below) else 30.0, 1.0, 60.0))
    return b, amplitude, float(np.clip(h, h_lo + 1e-3, h_hi - 1e-3))


def _fit(
    x: np.ndarray, y: np.ndarray, p0: Sequence[float], scale: float
) -> tuple[float, float, float] | None:
    """Robust bounded fit of b + A 2^(-x/h); None when the optimiser fails."""
    # Imported here so a publish with no attention data to fit never loads scipy.
    from scipy.optimize import OptimizeWarning, curve_fit

    try:
        with warnings.catch_warnings():
            # curve_fit warns when it cannot estimate the covariance; the interval comes from
            # the bootstrap, so the covariance is never used.
            warnings.simplefilter("ignore", OptimizeWarning)
            popt, _ = curve_fit(
                _curve,
                x,
                y,
                p0=list(p0),
                bounds=BOUNDS,
                jac=_jacobian,
                method="trf",
                loss="soft_l1",
                f_scale=scale,
                max_nfev=2000,
            )
    except (RuntimeError, ValueError):
        return None
    b, amplitude, h = (float(v) for v in popt)
    if not all(math.isfinite(v) for v in (b, amplitude, h)):
        return None
    return b, amplitude, h


def _measures_a_decline(params: tuple[float, float, float]) -> bool:
    """False when the fit ends with no spike (A ~ 0) or h pinned to a bound."""
    _b, amplitude, h = params
    h_lo, h_hi = BOUNDS[0][2], BOUNDS[1][2]
    return amplitude >= 1e-3 and h_lo * 1.01 < h < h_hi * 0.99


def _leverages(x: np.ndarray, params: tuple[float, float, float]) -> np.ndarray:
    """Diagonal of the hat matrix J (J'J)^-1 J' of the fitted curve (0 where J'J is singular)."""
    jac = _jacobian(x, *params)
    try:
        inverse = np.linalg.inv(jac.T @ jac)
    except np.linalg.LinAlgError:
        return np.zeros(len(x))
    return np.clip(np.einsum("ij,jk,ik->i", jac, inverse, jac), 0.0, 0.99)


def _bootstrap_interval(
    x: np.ndarray,
    y: np.ndarray,
    params: tuple[float, float, float],
    scale: float,
    *,
    leverage_corrected: bool = False,
) -> tuple[float | None, float | None]:
    """95% percentile interval of h from a wild (Rademacher) residual bootstrap.

    `leverage_corrected` (weekly data): each residual is divided by 1 - its leverage (HC3) first.
    A fit of ~12 points pulls the curve towards its high-leverage points (the weeks just after
    the peak, which decide h), so their raw residuals understate the noise and the plain
    bootstrap interval covered the true h only ~73% of the time in simulation (12-day half-life,
    Google-rounded weekly means of noisy days); corrected, 92-97% for half-lives of 8-20 days.
    With ~90 daily points the leverages are small and daily fits keep the plain residuals.
    """
    rng = np.random.default_rng(SEED)
    fitted = _curve(x, *params)
    residuals = y - fitted
    if leverage_corrected:
        residuals = residuals / (1.0 - _leverages(x, params))
    signs = rng.choice(np.array([-1.0, 1.0]), size=(N_BOOTSTRAP, len(x)))
    half_lives = []
    for draw in signs:
        # A refit that ends on a bound keeps that value: dropping it would narrow the interval.
        refit = _fit(x, fitted + residuals * draw, params, scale)
        if refit is not None:
            half_lives.append(refit[2])
    if len(half_lives) < N_BOOTSTRAP // 2:
        return None, None
    low, high = np.percentile(half_lives, [2.5, 97.5])
    return float(low), float(high)
