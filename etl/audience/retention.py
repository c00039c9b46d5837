"""Audience retention curves (FORMATS.md section 6): `retention_*.csv` -> fct_audience_retention.

Columns `平台, 内容ID, 进度, 留存率`, optionally `时长`. Each content's points are resampled to
every integer percent 0..100 by linear interpolation. Decisions where the spec is silent:
- 进度 is read per cell: with `%` it is a percent of the content (`5%`, `12.5%`); anything else
  is a position in seconds (`30`, `0:30`, `30秒`), turned into a percent with the content's
  duration. A percent above 100 or a second past the duration is rejected, not clipped.
- The duration is the file's `时长` for that content (it may be written on one row only); if
  the file gives none, the `durations` argument ({(platform_id, content_id): seconds}, e.g. from
  dim_content) is used. Different 时长 values for one content reject all its rows; a position in
  seconds with no duration from either source rejects that row naming 进度.
- 留存率 is a share (`87%` or `0.87`); above 100% is allowed (rewatching), a bare `87` is
  ambiguous and rejected, negative is rejected.
- A 内容ID that Excel stored as a number and shows as `7.3e+18` has lost digits: rejected.
- Two rows at the same position of one content: the later is rejected ("duplicate of row N").
- A content left with fewer than 2 usable points rejects its remaining rows (no curve can be
  drawn); its other rows were already rejected for their own reasons.
- Outside its first and last points a curve is extrapolated flat (the first point's share
  before it, the last point's after it): a curve sampled only from 10% starts at 10%'s value.
  A warning counts the contents this touched.
- details: `avg_pct_viewed` (per content: the area under the 1% curve by the trapezoid rule,
  as a share of the full length, 0..1 — above 1 only with rewatching; a straight line from
  100% to 0% gives 0.5) and `rows_loaded` (input rows that went into a curve).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import polars as pl

from etl.errors import Reject
from etl.frames import (
    ROW,
    clean_columns,
    find_columns,
    ignored_columns_warning,
    mark_missing,
    sorted_rejects,
    take_blank_rows,
    take_duplicates,
    take_problems,
    take_rows,
    text_frame,
)
from etl.reading import RawTable, read_table
from etl.schemas import RETENTION, Staged, conform
from etl.values import parse_column

REQUIRED = {"platform": "平台", "content": "内容ID", "position": "进度", "share": "留存率"}
OPTIONAL = {"duration": "时长"}
CONTENT = ["platform_id", "content_id"]
GRID = np.arange(101, dtype=np.float64)  # every integer percent 0..100


def read_retention_export(
    path: Path | str, *, durations: Mapping[tuple[str, str], float] | None = None
) -> Staged:
    """Read a retention export into 1%-step curves; `durations` backs up a missing 时长."""
    return stage_retention(read_table(path), durations=durations)


def stage_retention(
    table: RawTable, *, durations: Mapping[tuple[str, str], float] | None = None
) -> Staged:
    """Parse and check retention points, then resample each content's curve to 0..100%."""
    columns = find_columns(table, REQUIRED, OPTIONAL)
    headers = {field: table.headers[index] for field, index in columns.items()}
    frame = text_frame(table, columns)
    if "duration" not in columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("duration"))
    frame = clean_columns(frame, [*REQUIRED, *OPTIONAL])
    frame, rejects = take_blank_rows(frame, [f"t_{f}" for f in columns])
    frame, bad_cells = take_problems(parse_points(frame), _checks(headers))
    frame, no_duration = _positions_as_percent(frame, headers, durations or {})
    frame, duplicates = take_duplicates(
        frame,
        [*CONTENT, "position_pct"],
        header=headers["position"],
        raw="position",
        what="same content and 进度",
    )
    frame, too_few = take_rows(
        frame,
        pl.len().over(CONTENT) < 2,
        header=headers["content"],
        raw="content",
        reason=pl.lit("fewer than 2 usable points for this content: no curve can be drawn"),
    )
    curves, average, extrapolated = resample_curves(frame)
    warnings = table.warnings + ignored_columns_warning(table, columns)
    if extrapolated:
        warnings.append(
            f"{extrapolated} content curve(s) do not span 0%..100%: extended flat beyond "
            "their first/last point"
        )
    return Staged(
        kind="retention",
        rows_read=len(table.rows),
        frames={"retention": conform(curves, RETENTION)},
        rejects=sorted_rejects(rejects + bad_cells + no_duration + duplicates + too_few),
        warnings=warnings,
        details={"avg_pct_viewed": average, "rows_loaded": frame.height},
    )


def parse_points(frame: pl.DataFrame) -> pl.DataFrame:
    """Parse the cleaned `t_<field>` cells of point rows into values and `p_<field>` problems."""
    frame = parse_column(frame, "t_platform", "platform", into="platform_id", problem="p_platform")
    frame = parse_column(frame, "t_content", "id", into="content_id", problem="p_content")
    frame = parse_column(frame, "t_share", "open_ratio", into="audience_share", problem="p_share")
    frame = parse_column(frame, "t_duration", "duration", into="duration_s", problem="p_duration")
    # 进度 is a percent when written with %, else a position in seconds: parse both ways and
    # keep the reading its form asks for.
    frame = parse_column(frame, "t_position", "open_ratio", into="percent", problem="p_percent")
    frame = parse_column(frame, "t_position", "duration", into="seconds", problem="p_seconds")
    is_percent = pl.col("t_position").str.ends_with("%")
    frame = frame.with_columns(
        pl.when(is_percent).then(pl.col("percent") * 100).alias("percent"),
        pl.when(~is_percent).then(pl.col("seconds")).alias("seconds"),
        pl.when(is_percent & (pl.col("percent") > 1))
        .then(pl.lit("beyond 100%"))
        .when(is_percent)
        .then(pl.col("p_percent"))
        .otherwise(pl.col("p_seconds"))
        .alias("p_position"),
        pl.when(pl.col("duration_s") <= 0)
        .then(pl.lit("a duration must be positive"))
        .otherwise(pl.col("p_duration"))
        .alias("p_duration"),
    )
    return mark_missing(frame, list(REQUIRED))


def _checks(headers: Mapping[str, str]) -> list[tuple[str, str, str]]:
    return [(f"p_{field}", field, header) for field, header in headers.items()]


def _positions_as_percent(
    frame: pl.DataFrame, headers: Mapping[str, str], durations: Mapping[tuple[str, str], float]
) -> tuple[pl.DataFrame, list[Reject]]:
    """Give every row `position_pct`, settling each content's duration first."""
    per_content = frame.group_by(CONTENT).agg(
        pl.col("duration_s").drop_nulls().unique().sort().alias("file_durations")
    )
    known = pl.DataFrame(
        [(p, c, float(s)) for (p, c), s in durations.items()],
        schema={**{k: pl.String for k in CONTENT}, "known_duration_s": pl.Float64},
        orient="row",
    )
    frame = (
        frame.join(per_content, on=CONTENT, how="left")
        .join(known, on=CONTENT, how="left")
        .with_columns(
            # The file's own 时长 wins over the catalogue's.
            pl.coalesce(
                pl.when(pl.col("file_durations").list.len() == 1).then(
                    pl.col("file_durations").list.first()
                ),
                pl.col("known_duration_s"),
            ).alias("content_duration_s")
        )
    )
    frame, conflicting = take_rows(
        frame,
        pl.col("file_durations").list.len() > 1,
        header=headers.get("duration", "时长"),
        raw="duration",
        reason=pl.format(
            "conflicting 时长 values for this content: {} s",
            pl.col("file_durations")
            .list.eval(pl.element().round(3).cast(pl.String))
            .list.join(", "),
        ),
    )
    in_seconds = pl.col("seconds").is_not_null()
    frame, no_duration = take_rows(
        frame,
        in_seconds & pl.col("content_duration_s").is_null(),
        header=headers["position"],
        raw="position",
        reason=pl.lit(
            "进度 is in seconds but the content has no 时长 (in the file or the catalogue)"
        ),
    )
    frame, beyond = take_rows(
        frame,
        in_seconds & (pl.col("seconds") > pl.col("content_duration_s")),
        header=headers["position"],
        raw="position",
        reason=pl.format("beyond the content's 时长 of {} s", pl.col("content_duration_s")),
    )
    frame = frame.with_columns(
        pl.coalesce(
            pl.col("percent"), pl.col("seconds") / pl.col("content_duration_s") * 100
        ).alias("position_pct")
    )
    return frame, conflicting + no_duration + beyond


def resample_curves(points: pl.DataFrame) -> tuple[pl.DataFrame, list[dict[str, object]], int]:
    """(one row per content and integer percent, average percentage viewed, contents extended).

    `points` holds platform_id, content_id, position_pct (0..100) and audience_share, at least
    two distinct positions per content.
    """
    platforms: list[str] = []
    contents: list[str] = []
    shares: list[np.ndarray] = []
    average: list[dict[str, object]] = []
    extended = 0
    ordered = points.sort([*CONTENT, "position_pct", ROW])
    for (platform, content), group in ordered.group_by(CONTENT, maintain_order=True):
        x = group["position_pct"].to_numpy()
        # np.interp repeats the end values outside [x[0], x[-1]]: the documented flat ends.
        y = np.interp(GRID, x, group["audience_share"].to_numpy())
        extended += bool(x[0] > 0 or x[-1] < 100)
        platforms.append(str(platform))
        contents.append(str(content))
        shares.append(y)
        average.append(
            {
                "platform_id": platform,
                "content_id": content,
                "avg_pct_viewed": float(np.trapezoid(y, GRID) / 100),
            }
        )
    curves = pl.DataFrame(
        {
            "platform_id": [p for p in platforms for _ in range(GRID.size)],
            "content_id": [c for c in contents for _ in range(GRID.size)],
            "position_pct": np.tile(GRID.astype(np.int64), len(shares)),
            "audience_share": np.concatenate(shares) if shares else np.array([], np.float64),
        },
        schema={
            "platform_id": pl.String,
            "content_id": pl.String,
            "position_pct": pl.Int64,
            "audience_share": pl.Float64,
        },
    )
    return curves, average, extended
