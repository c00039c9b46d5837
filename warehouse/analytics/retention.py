"""Creator retention, audience retention and live-stream summaries, read from the marts.

Counting happens in SQL (`mart_creator_*`, `mart_audience_retention`, `mart_live_*`, read
through the named queries `retention_*` and `live_*`); Python adds only the Kaplan–Meier
estimator and the choice of columns. Every function returns a new Polars frame.

Periods of creator retention (`by`):
- ``"edition"``: one gala season per year. Season Y runs from the day after the previous gala
  up to and including gala Y's broadcast day (dim_edition.broadcast_on, else 除夕 of that year),
  so works made for a gala count towards it; the season after the last gala is open. The cohort
  is the participant's first edition (roster 参与届次 or a program credit).
- ``"month"``: calendar months; the cohort is the month of the participant's first work.

Period N of a cohort is the N-th period after its own (N = 0 is the cohort's period). A period
is "complete" when it had ended by the data's end (the latest work of anyone).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import polars as pl

from warehouse.query import Reader

Basis = Literal["edition", "month"]
Interval = Literal["log-log", "plain"]
BASES = ("edition", "month")
LIFECYCLE_STATES = ("new", "returning", "resurrecting", "dormant")

KM_SCHEMA = {
    "time": pl.Float64,
    "count_at_risk": pl.Int64,
    "count_events": pl.Int64,
    "count_censored": pl.Int64,
    "survival": pl.Float64,
    "std_err": pl.Float64,
    "ci_lower": pl.Float64,
    "ci_upper": pl.Float64,
}


def _check_basis(by: str) -> None:
    if by not in BASES:
        raise ValueError(f"by must be one of {', '.join(BASES)}, not {by!r}")


def creator_cohorts(
    reader: Reader, *, by: Basis = "edition", bounded: bool = True, creators_only: bool = False
) -> pl.DataFrame:
    """Creator retention by cohort as a long frame, one row per cohort and period N.

    Retained in period N: published >= 1 work in period N (``bounded=True``) or in period N or
    any later one (``bounded=False``). Columns: ``cohort`` (edition year "2024" or month
    "2024-01"), ``period_n`` (0 = the cohort's own period), ``period_label`` (the calendar
    period N falls in), ``is_complete`` (that period had ended by the data's end),
    ``count_cohort`` (people in the cohort: every participant of the first edition, or with
    ``creators_only`` only those with >= 1 work; month cohorts are creators by definition),
    ``count_retained`` (people), ``share`` (count_retained / count_cohort, 0..1, null for an
    empty cohort). Every period from the cohort's own to the data's end has a row.
    """
    _check_basis(by)
    raw = reader.query("retention_creator_cohorts", by=by)
    cohort = pl.col("count_cohort_creators" if creators_only else "count_cohort")
    retained = pl.col("count_retained_bounded" if bounded else "count_retained_unbounded")
    return raw.select(
        "cohort",
        pl.col("period_n").cast(pl.Int64),
        "period_label",
        "is_complete",
        cohort.cast(pl.Int64).alias("count_cohort"),
        retained.cast(pl.Int64).alias("count_retained"),
    ).with_columns(
        share=pl.when(pl.col("count_cohort") > 0).then(
            pl.col("count_retained") / pl.col("count_cohort")
        )
    )


def lifecycle(reader: Reader, *, by: Basis = "edition") -> pl.DataFrame:
    """Participants per lifecycle state and period, "active" meaning published >= 1 work.

    - new: active in this period for the first time.
    - returning: active in this period and in the previous one.
    - resurrecting: active in this period, not in the previous one, but in an earlier one.
    - dormant: active in the previous period but not in this one (a positive count; charts
      usually draw it below zero).

    Columns: ``period`` (label: "2025" or "2025-03"), ``lifecycle_state`` (new, returning,
    resurrecting, dormant, in that order within a period), ``count_participants`` (people),
    ``is_complete``. Every period from the first with activity to the data's end has all four
    states, zeros included.
    """
    _check_basis(by)
    return reader.query("retention_creator_lifecycle", by=by).select(
        pl.col("period_label").alias("period"),
        "lifecycle_state",
        pl.col("count_participants").cast(pl.Int64),
        "is_complete",
    )


def edition_return_rate(reader: Reader) -> pl.DataFrame:
    """Share of each edition's participants who take part in the next edition.

    Taking part = listed in the roster for the edition or credited on one of its programs.
    Columns: ``edition_year``, ``next_edition_year`` (the next edition with participants),
    ``count_participants``, ``count_returned`` (people of this edition also in the next),
    ``share_returned`` (0..1); for the latest edition next_edition_year, count_returned and
    share_returned are null.
    """
    return reader.query("retention_edition_return").with_columns(
        pl.col("edition_year", "next_edition_year").cast(pl.Int64),
        pl.col("count_participants", "count_returned").cast(pl.Int64),
    )


def kaplan_meier(
    durations: Iterable[float],
    observed: Iterable[bool],
    *,
    confidence: float = 0.95,
    interval: Interval = "log-log",
) -> pl.DataFrame:
    """Kaplan–Meier survival estimate with Greenwood's variance (pure; no I/O).

    ``durations`` are times to the event or to censoring (>= 0, any unit); ``observed`` is True
    where the event happened and False where the case was censored. At a tied time events come
    before censorings (the censored are still at risk then). One row per distinct time:
    ``time``, ``count_at_risk`` (cases with duration >= time), ``count_events``,
    ``count_censored``, ``survival`` (S just after ``time``; S = 1 before the first row),
    ``std_err`` (Greenwood: S·sqrt(Σ d/(n(n−d))); null once S reaches 0), ``ci_lower`` and
    ``ci_upper`` (the ``confidence`` interval: ``"log-log"`` transforms log(−log S), staying
    within 0..1 as most software does; ``"plain"`` is S ± z·std_err clipped to 0..1). No cases
    give an empty frame.
    """
    times = _array(durations, np.float64)
    events = _array(observed, np.bool_)
    if times.shape != events.shape:
        raise ValueError(f"{times.size} durations but {events.size} observed flags")
    if not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ValueError("durations must be finite and >= 0")
    if interval not in ("log-log", "plain"):
        raise ValueError(f"interval must be 'log-log' or 'plain', not {interval!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    if times.size == 0:
        return pl.DataFrame(schema=KM_SCHEMA)

    unique, position = np.unique(times, return_inverse=True)
    count_events = np.bincount(position, weights=events, minlength=unique.size).astype(np.int64)
    count_all = np.bincount(position, minlength=unique.size).astype(np.int64)
    count_censored = count_all - count_events
    at_risk = times.size - np.concatenate(([0], np.cumsum(count_all)[:-1]))

    survival = np.cumprod(1.0 - count_events / at_risk)
    with np.errstate(all="ignore"):
        # Greenwood's sum; a time where everyone at risk has the event makes it infinite, and
        # S is 0 from there on: the variance is undefined, reported as null.
        terms = count_events / (at_risk * (at_risk - count_events))
        greenwood = np.cumsum(terms)
        std_err = survival * np.sqrt(greenwood)
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        if interval == "plain":
            lower = np.clip(survival - z * std_err, 0.0, 1.0)
            upper = np.clip(survival + z * std_err, 0.0, 1.0)
        else:
            log_s = np.log(survival)
            spread = z * np.sqrt(greenwood) / np.abs(log_s)
            lower = survival ** np.exp(spread)
            upper = survival ** np.exp(-spread)
    certain = survival >= 1.0  # no event yet: nothing to be uncertain about
    lower = np.where(certain, 1.0, lower)
    upper = np.where(certain, 1.0, upper)
    extinct = survival <= 0.0
    std_err = np.where(certain, 0.0, std_err)
    lower = np.where(extinct, 0.0, lower)
    upper = np.where(extinct, 0.0, upper)
    return pl.DataFrame(
        {
            "time": unique,
            "count_at_risk": at_risk,
            "count_events": count_events,
            "count_censored": count_censored,
            "survival": survival,
            "std_err": np.where(extinct, np.nan, std_err),
            "ci_lower": lower,
            "ci_upper": upper,
        },
        schema=KM_SCHEMA,
    ).with_columns(pl.col("std_err").fill_nan(None))


def _array(values: Iterable[Any], dtype: type) -> np.ndarray:
    """A numpy array of a Series (without a Python object per value) or of any iterable."""
    if isinstance(values, pl.Series):
        return values.cast(pl.Float64 if dtype is np.float64 else pl.Boolean).to_numpy()
    return np.asarray(list(values), dtype=dtype)


def creator_survival(
    reader: Reader,
    *,
    participant_ids: Iterable[str] | None = None,
    active_window_days: int = 90,
    confidence: float = 0.95,
    interval: Interval = "log-log",
) -> pl.DataFrame:
    """Kaplan–Meier survival of "creating": days from a creator's first work to their last.

    The population is every participant with >= 1 work, or those of them in
    ``participant_ids`` (a segment; ids without works are not in it, and an empty segment gives
    an empty frame). A creator whose last work is within ``active_window_days`` of the data's
    end (the latest work of anyone) is still active: censored at their current span. Columns as
    :func:`kaplan_meier`, with ``time_days`` for ``time``; 1 − survival at 0 days is the share
    who stopped after one day's works ("one and done").
    """
    spans = _survival_spans(reader, active_window_days)
    if participant_ids is not None:
        spans = spans.filter(pl.col("participant_id").is_in(list(participant_ids)))
    return kaplan_meier(
        spans["days"], spans["stopped"], confidence=confidence, interval=interval
    ).rename({"time": "time_days"})


def creator_survival_groups(
    reader: Reader,
    groups: pl.DataFrame,
    *,
    active_window_days: int = 90,
    confidence: float = 0.95,
    interval: Interval = "log-log",
    spans: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """:func:`creator_survival` of several segments from one read of the creators' spans.

    ``groups[participant_id, group]`` says who is in which group (a person may be in several).
    One block of rows per group with >= 1 creator, in the order groups first appear in
    ``groups``: ``group`` and ``count_people`` (the group's creators), then the columns of
    :func:`creator_survival`. Groups without a creator are left out. ``spans``: the
    ``retention_creator_spans`` rows when the caller has read them already.
    """
    days = _survival_spans(reader, active_window_days, spans)
    members = groups.select("participant_id", "group").join(
        days, on="participant_id", how="inner", maintain_order="left"
    )
    parts = []
    for (group,), part in members.group_by("group", maintain_order=True):
        curve = kaplan_meier(
            part["days"], part["stopped"], confidence=confidence, interval=interval
        ).rename({"time": "time_days"})
        parts.append(
            curve.select(
                pl.lit(group, dtype=groups.schema["group"]).alias("group"),
                pl.lit(part.height, dtype=pl.Int64).alias("count_people"),
                *curve.columns,
            )
        )
    if parts:
        return pl.concat(parts)
    empty = kaplan_meier([], []).rename({"time": "time_days"})
    return empty.select(
        pl.lit(None, dtype=groups.schema["group"]).alias("group"),
        pl.lit(None, dtype=pl.Int64).alias("count_people"),
        *empty.columns,
    )


def _survival_spans(
    reader: Reader, active_window_days: int, spans: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Every creator's span in days and whether they stopped (participant_id, days, stopped)."""
    if active_window_days < 0:
        raise ValueError("active_window_days must be >= 0")
    if spans is None:
        spans = reader.query("retention_creator_spans")
    if spans.is_empty():
        return pl.DataFrame(
            schema={"participant_id": pl.String, "days": pl.Int64, "stopped": pl.Boolean}
        )
    cutoff = spans["data_end_on"][0] - timedelta(days=active_window_days)
    return spans.select(
        "participant_id",
        (pl.col("last_work_on") - pl.col("first_work_on")).dt.total_days().alias("days"),
        (pl.col("last_work_on") < cutoff).alias("stopped"),
    )


def audience_retention(reader: Reader, *, program_id: str | None = None) -> pl.DataFrame:
    """One row per audience-retention curve (platform item), optionally of one program.

    Columns: ``platform_id``, ``content_id``, ``program_id`` (null = unmatched content),
    ``program_title_zh``, ``edition_year``, ``duration_s`` (seconds), ``length_band``
    (``under_3_min`` < 180 s, ``3_to_6_min`` 180–360 s inclusive, ``over_6_min`` > 360 s,
    ``unknown``), ``count_curves_in_band``, ``avg_pct_viewed`` (average percentage viewed: the
    trapezoid area under the 1% curve, as a share 0..1, above 1 only with rewatching),
    ``band_avg_pct_viewed`` (the same for the band's median curve: the position-by-position
    median of every curve in the band), ``avg_pct_viewed_vs_band`` (difference, share points),
    and the three biggest drop-offs ``drop_K_position_pct`` (percent of length where the share
    fell most in one 1% step, the step into 1% ignored) and ``drop_K_decline_share`` (the fall,
    share points), K = 1..3, null when the curve has fewer positive steps.
    """
    return reader.query("retention_audience_summary", program_id=program_id)


def audience_curves(reader: Reader, *, program_id: str | None = None) -> pl.DataFrame:
    """The audience-retention curves themselves, one row per curve and 1% position.

    Columns: ``platform_id``, ``content_id``, ``program_id``, ``length_band``,
    ``position_pct`` (0..100, percent of length), ``audience_share`` (share of the starting
    audience still watching), ``band_median_share`` (the length band's median curve there),
    ``share_vs_band`` (difference), ``step_decline_share`` (fall since the previous 1%; null at
    0) and ``drop_rank`` (1..3 for the three biggest drop-offs, else null).
    """
    return reader.query("retention_audience_curves", program_id=program_id)


def live_summary(reader: Reader, *, by: Literal["stream", "edition"] = "edition") -> pl.DataFrame:
    """Live-stream totals per stream or per edition.

    Per stream: ``edition_year`` (the edition whose broadcast day is nearest the stream's first
    minute), ``platform_id``, ``stream_id``, ``first_minute_at``, ``last_minute_at``,
    ``count_minutes``, ``peak_concurrent_viewers`` (PCU, viewers), ``peak_minute_at`` (earliest
    minute at the peak), ``avg_concurrent_viewers`` (mean over recorded minutes, viewers),
    ``watch_minutes`` (viewer-minutes: Σ concurrent viewers × 1 min), ``count_comments``,
    ``count_gifts`` (null = not reported). Per edition: the streams summed minute by minute
    (``peak_concurrent_viewers``, ``peak_minute_at``, ``avg_concurrent_viewers`` =
    watch_minutes / ``count_minutes_on_air``), totals of watch minutes, comments and gifts,
    ``count_streams``, ``count_platforms``, and the single stream with the highest peak
    (``top_platform_id``, ``top_stream_id``, ``top_stream_peak_concurrent_viewers``,
    ``top_stream_peak_minute_at``).
    """
    if by not in ("stream", "edition"):
        raise ValueError(f"by must be 'stream' or 'edition', not {by!r}")
    return reader.query("live_streams" if by == "stream" else "live_editions")
