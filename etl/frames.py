"""Column plumbing shared by the export readers: columns, one text frame, bad rows -> Rejects.

A RawTable becomes one all-text Polars frame once (`text_frame`: a column per field, or `c0..cN`
for every column, plus the file `row_number`); a CSV read by the fast reader already is that
frame, so no Python row is ever built. Cells are parsed as whole columns
(`etl.values.parse_column`), and `take_blank_rows`, `take_problems`, `take_rows` and
`take_duplicates` (or `take_duplicates_sorting`) split a frame into the rows that go on and the
`Reject`s of the rest through masks, so per-row work never runs in a Python loop: only rejected
rows become objects, and a split with nothing to reject copies nothing. The series readers name
the columns `<field>` raw text, `t_<field>` cleaned text, `p_<field>` problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from etl.errors import IngestError, Reject
from etl.reading import RawTable
from etl.values import clean_expr, name_key

ROW = "row_number"


def find_columns(
    table: RawTable, required: Mapping[str, str], optional: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Field -> column index, matching headers by name_key; IngestError if one is missing."""
    index_by_header = {name_key(h): i for i, h in enumerate(table.headers)}
    optional = optional or {}
    missing = [header for header in required.values() if name_key(header) not in index_by_header]
    if missing:
        expected = ", ".join(required.values())
        if optional:
            expected += f" (optional: {', '.join(optional.values())})"
        raise IngestError(
            table.path,
            f"missing column(s) {', '.join(missing)}; expected {expected}",
            row=1,
            column=missing[0],
        )
    return {
        field: index_by_header[name_key(header)]
        for field, header in {**required, **optional}.items()
        if name_key(header) in index_by_header
    }


def ignored_columns_warning(table: RawTable, columns: Mapping[str, int]) -> list[str]:
    """A warning naming the columns no field uses (empty list when every column is used)."""
    used = set(columns.values())
    extra = [h for i, h in enumerate(table.headers) if i not in used]
    return [f"ignored column(s) {', '.join(extra)}"] if extra else []


def text_frame(table: RawTable, columns: Mapping[str, int] | None = None) -> pl.DataFrame:
    """The raw cell texts as String columns, plus the file row number (the header is row 1).

    `columns` (field -> column index) names the columns taken; without it every column is
    taken as `c0..cN`.
    """
    frame = table.frame()  # the fast CSV reader's own frame, or one built from the rows
    if columns is not None:
        frame = frame.select(pl.col(f"c{index}").alias(field) for field, index in columns.items())
    first = table.header_row + 1  # banner rows above the header shift every row number
    return frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + first).alias(ROW))


def clean_columns(frame: pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    """Add `t_<field>`: each raw field's text cleaned (`clean_expr`), null when blank."""
    return frame.with_columns(clean_expr(pl.col(f)).alias(f"t_{f}") for f in fields)


def mark_missing(
    frame: pl.DataFrame, fields: Sequence[str], reason: str = "missing"
) -> pl.DataFrame:
    """Set `p_<field>` to `reason` where a required field's cleaned text `t_<field>` is blank."""
    return frame.with_columns(
        pl.when(pl.col(f"t_{f}").is_null())
        .then(pl.lit(reason))
        .otherwise(pl.col(f"p_{f}"))
        .alias(f"p_{f}")
        for f in fields
    )


def take_blank_rows(
    frame: pl.DataFrame, columns: Sequence[str], *, reason: str = "blank row"
) -> tuple[pl.DataFrame, list[Reject]]:
    """Reject rows whose `columns` are all null ("blank row").

    Pass columns that are null exactly where a cell is blank or a not-reported marker: cleaned
    text (`t_<field>`), or parsed values together with their problems. A blank line is still a
    data row to read_table; rejecting it keeps rows_read = loaded + rejected true without a
    special case.
    """
    blank = pl.all_horizontal(pl.col(c).is_null() for c in columns)
    return take_rows(frame, blank, header=None, raw=None, reason=pl.lit(reason))


def _rejects(
    frame: pl.DataFrame, header: str | None, raw: str | pl.Expr | None, reason: pl.Expr
) -> list[Reject]:
    value = pl.col(raw) if isinstance(raw, str) else raw
    columns = [
        pl.col(ROW),
        (pl.lit(None, pl.String) if value is None else value).alias("_value_text"),
        reason.alias("_reason"),
    ]
    return [Reject(row, header, text, why) for row, text, why in frame.select(columns).iter_rows()]


def take_problems(
    frame: pl.DataFrame, checks: Sequence[tuple[str, str, str]]
) -> tuple[pl.DataFrame, list[Reject]]:
    """Drop rows with any problem; checks are (problem column, raw column, header) in file order.

    Every bad cell of a row becomes its own Reject, so one pass over the rejects shows all
    that needs fixing in that row.
    """
    rejects: list[Reject] = []
    problems = list(dict.fromkeys(p for p, _, _ in checks))
    if (
        not problems
        or not frame.select(
            pl.any_horizontal(pl.col(p).is_not_null() for p in problems).any()
        ).item()
    ):
        return frame, rejects  # the usual case: nothing to reject, no copy of the frame
    for problem, raw, header in checks:
        bad = frame.filter(pl.col(problem).is_not_null())
        rejects.extend(_rejects(bad, header, raw, pl.col(problem)))
    clean = pl.all_horizontal([pl.col(p).is_null() for p, _, _ in checks])
    return frame.filter(clean), rejects


def take_rows(
    frame: pl.DataFrame,
    bad: pl.Expr,
    *,
    header: str | None,
    raw: str | pl.Expr | None,
    reason: pl.Expr,
) -> tuple[pl.DataFrame, list[Reject]]:
    """Drop the rows where `bad` holds, each rejected with `reason` (an expression per row).

    `raw` is the column (or an expression) whose text the Reject shows as the value.
    """
    # A null test would drop the row from both sides of the split; null means "not bad".
    mask = frame.select(bad.fill_null(False).alias("_bad")).get_column("_bad")
    if not mask.any():  # the usual case: no copy of the frame at all
        return frame, []
    hit = frame.filter(mask)
    return frame.filter(~mask), _rejects(hit, header, raw, reason)


def take_duplicates(
    frame: pl.DataFrame, keys: Sequence[str], *, header: str, raw: str | pl.Expr, what: str
) -> tuple[pl.DataFrame, list[Reject]]:
    """Keep the first row of each key; later rows are rejected as 'duplicate of row N (what)'.

    Run it after the other checks, so a row rejected for a bad cell never shadows a later good
    row with the same key.
    """
    first = pl.col(ROW).min().over(keys)
    kept, rejects = take_rows(
        frame.with_columns(first.alias("_first_row")),
        pl.col(ROW) != pl.col("_first_row"),
        header=header,
        raw=raw,
        reason=pl.format("duplicate of row {} ({})", pl.col("_first_row"), pl.lit(what)),
    )
    return kept.drop("_first_row"), rejects


def take_duplicates_sorting(
    frame: pl.DataFrame, keys: Sequence[str], *, header: str, raw: str | pl.Expr, what: str
) -> tuple[pl.DataFrame, list[Reject]]:
    """`take_duplicates`, returning the kept rows grouped by `keys` and sorted within them.

    The same rows are kept and rejected with the same reasons: sorted by key then row number,
    the first row of each run of equal keys is the key's first row, and every later row of the
    run repeats it. One sort, which the caller wants anyway (a content's days in date order for
    cumulative deltas and its latest title), instead of a hash window over every row plus a sort
    afterwards. Text keys sort by their dictionary code (order of first appearance), not by
    collation: grouping is all that is needed, and comparing codes is several times cheaper
    than comparing strings. Other keys (dates) and the row number sort by value.
    """
    order = [
        pl.col(k).cast(pl.Categorical).to_physical() if frame.schema[k] == pl.String else pl.col(k)
        for k in keys
    ]
    ordered = frame.sort([*order, pl.col(ROW)])
    same = pl.all_horizontal(pl.col(k).eq_missing(pl.col(k).shift(1)) for k in keys) & (
        pl.int_range(pl.len()) > 0
    )
    ordered = ordered.with_columns(same.alias("_repeat"))
    if not ordered.get_column("_repeat").any():
        return ordered.drop("_repeat"), []
    ordered = ordered.with_columns(
        pl.when(~pl.col("_repeat")).then(pl.col(ROW)).forward_fill().alias("_first_row")
    )
    kept, rejects = take_rows(
        ordered,
        pl.col("_repeat"),
        header=header,
        raw=raw,
        reason=pl.format("duplicate of row {} ({})", pl.col("_first_row"), pl.lit(what)),
    )
    return kept.drop("_repeat", "_first_row"), rejects


def sorted_rejects(rejects: list[Reject]) -> list[Reject]:
    """Rejects in file-row order (stable, so a row's cells keep their column order)."""
    return sorted(rejects, key=lambda r: r.row_number)
