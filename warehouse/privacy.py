"""Small-cell suppression: any aggregate of fewer than k people is hidden before it leaves.

Callers whose role requires it (sponsors, researchers) pass k; organizers pass None.
"""

from __future__ import annotations

import polars as pl

DEFAULT_K = 5


def suppress_small_cells(
    frame: pl.DataFrame,
    count_column: str,
    *,
    k: int | None = DEFAULT_K,
    value_columns: list[str] | None = None,
) -> pl.DataFrame:
    """Mark rows whose `count_column` is below k and null out their counts and derived values.

    Adds `is_suppressed` (bool) and `count_label` ("<5" for suppressed rows, else the count as
    text). With k=None nothing is suppressed (the organizer's view), but the columns are added
    so every caller gets the same shape.
    """
    values = [c for c in (value_columns or []) if c in frame.columns]
    if k is None:
        return frame.with_columns(
            is_suppressed=pl.lit(False), count_label=pl.col(count_column).cast(pl.String)
        )
    small = pl.col(count_column) < k
    return frame.with_columns(
        [pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in values]
        + [
            pl.when(small).then(None).otherwise(pl.col(count_column)).alias(count_column),
            small.alias("is_suppressed"),
            pl.when(small)
            .then(pl.lit(f"<{k}"))
            .otherwise(pl.col(count_column).cast(pl.String))
            .alias("count_label"),
        ]
    )
