"""Small-cell suppression: any aggregate of fewer than k people is hidden before it leaves.

Callers whose role requires it (sponsors, researchers) pass k; organizers pass None. Where a
view also shows sums (totals, margins, shares), `complementary_suppression` hides more cells so
that no hidden one follows from the rest. Across views (the same page with a filter changed),
shown counts are perturbed by their cell key (`cell_key`, `perturb`) so that no difference
between views is exact.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import polars as pl

DEFAULT_K = 5
# Complementary suppression tries this many candidate cells per step (see its loop).
LOOKAHEAD = 3


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


# -- complementary suppression ---------------------------------------------------------------------
# A view is a list of cells (people counts) and the sums that hold between them: a 1-D
# distribution's cells add up to its total, a cross-tab's rows and columns add up to its margins.
# Hiding the cells of fewer than k people (primary suppression) is not enough when the sums are
# shown: a row with one hidden cell gives it away by subtraction. Complementary suppression hides
# further cells until no hidden cell is determined by the shown cells and those sums (nor by
# their non-negativity: a hidden pair summing to 0 is two zeros).


@dataclass(frozen=True)
class Sum:
    """`sum(cells[i] for i in members) == cells[total]`: a sum a reader can rely on."""

    members: tuple[int, ...]
    total: int


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the null space of `matrix` (columns)."""
    if matrix.size == 0:
        return np.eye(matrix.shape[1])
    _u, s, vt = np.linalg.svd(matrix)
    rank = int((s > 1e-9 * max(1.0, s.max(initial=0.0))).sum())
    return vt[rank:].T


def determined_cells(values: Sequence[int], hidden: Iterable[int], sums: Sequence[Sum]) -> set[int]:
    """The hidden cells whose value follows from the shown cells, `sums` and counts being >= 0.

    The hidden values x = truth + d range over moves d = N z in the null space N of the sums
    restricted to the hidden cells, with d >= 0 wherever the truth is 0 (a cone). One linear
    program finds the zero cells no move can raise (fixed at 0); the moves that keep those at 0
    span a subspace, and a cell is determined when its row of that subspace's basis is zero.
    """
    hidden = sorted(set(hidden))
    if not hidden:
        return set()
    index = {cell: j for j, cell in enumerate(hidden)}
    rows = []
    for s in sums:
        row = np.zeros(len(hidden))
        for m in s.members:
            if m in index:
                row[index[m]] += 1.0
        if s.total in index:
            row[index[s.total]] -= 1.0
        if row.any():
            rows.append(row)
    basis = _null_space(np.array(rows) if rows else np.zeros((0, len(hidden))))
    if basis.shape[1] == 0:
        return set(hidden)
    zeros = [j for j, cell in enumerate(hidden) if values[cell] == 0]
    fixed = _fixed_zeros(basis, zeros)
    if fixed:
        basis = basis @ _null_space(basis[fixed])
    return {
        cell
        for j, cell in enumerate(hidden)
        if j in fixed or basis.shape[1] == 0 or np.abs(basis[j]).max() < 1e-9
    }


def _fixed_zeros(basis: np.ndarray, zeros: list[int]) -> list[int]:
    """The zero cells (rows of `basis`) that no move keeping every zero cell >= 0 raises.

    Maximise the sum of s_i <= min(1, d_i) over moves d = basis @ z with d >= 0 on the zero
    cells: moves add up within the cone, so one optimum raises every cell that can be raised.
    Solved by HiGHS through its own binding: a page's protection solves a hundred or more of
    these small programs, and scipy's linprog spent two thirds of each on checking its inputs
    and options (~1.4 ms against ~0.5 ms).
    """
    if not zeros:
        return []
    n, z = basis.shape[1], len(zeros)
    moves = basis[zeros]
    # Rows: s - d <= 0 (the first z), then -d <= 0; columns: the n move coordinates, then s.
    dense = np.vstack([np.hstack([-moves, np.eye(z)]), np.hstack([-moves, np.zeros((z, z))])])
    columns, rows = np.nonzero(dense.T)  # column-wise order, as HiGHS takes the matrix
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + z, 2 * z
    lp.col_cost_ = np.concatenate([np.zeros(n), -np.ones(z)])
    lp.col_lower_ = np.concatenate([np.full(n, -highspy.kHighsInf), np.zeros(z)])
    lp.col_upper_ = np.concatenate([np.full(n, highspy.kHighsInf), np.ones(z)])
    lp.row_lower_ = np.full(2 * z, -highspy.kHighsInf)
    lp.row_upper_ = np.zeros(2 * z)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(columns, np.arange(n + z + 1)).astype(np.int32)
    lp.a_matrix_.index_ = rows.astype(np.int32)
    lp.a_matrix_.value_ = dense.T[columns, rows]
    solver = _solver()
    solver.passModel(lp)
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return list(zeros)
    raised = np.asarray(solver.getSolution().col_value)[n:]
    return [j for j, lift in zip(zeros, raised, strict=True) if lift < 0.5]


_solvers = threading.local()
_quiet_lock = threading.Lock()
_first_made = False


def _solver() -> highspy.Highs:
    """This thread's HiGHS instance (each solve replaces the model it holds)."""
    solver = getattr(_solvers, "highs", None)
    if solver is None:
        global _first_made
        with _quiet_lock:
            # HiGHS prints a banner on the process's first instance only: fd 1 is pointed away
            # for that one (not for every server thread's, which would hide other output).
            with contextlib.nullcontext() if _first_made else _stdout_to_devnull():
                solver = highspy.Highs()
            _first_made = True
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("threads", 1)
        _solvers.highs = solver
    return solver


@contextlib.contextmanager
def _stdout_to_devnull() -> Iterator[None]:
    """File descriptor 1 pointed at /dev/null for the duration (a CLI's output, e.g. JSON,
    must not carry a solver's banner)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def complementary_suppression(
    values: Sequence[int],
    sums: Sequence[Sum],
    *,
    k: int = DEFAULT_K,
    candidates: Iterable[int] | None = None,
    hidden: Iterable[int] = (),
) -> set[int]:
    """The cells to hide so that none of fewer than k people can be derived from the rest.

    Primary: every candidate cell below k (and the `hidden` given, e.g. a margin another view
    hides). Complementary: while a hidden cell is determined (`determined_cells`), hide the
    shown candidate beside it that leaves the fewest cells determined (of the LOOKAHEAD beside
    the most exposed cells), the smallest non-zero count first (zeros add no doubt). Cells not in `candidates` (default: all) are never hidden
    here; if the determined cells cannot be covered they come back still determined
    (`determined_cells` tells): callers then hide the view's totals.
    """
    pool = set(range(len(values))) if candidates is None else set(candidates)
    shut = {i for i in pool if values[i] < k} | set(hidden)
    while True:
        exposed = determined_cells(values, shut, sums)
        if not exposed:
            return shut
        # Candidates: shown cells sharing a sum with an exposed one. Hide the one that leaves
        # the fewest cells exposed, then the one beside the most exposed cells (a rectangle
        # closes two rows and two columns at once), then the smallest non-zero count.
        touching: dict[int, int] = {}
        for s in sums:
            line = (*s.members, s.total)
            covered = sum(1 for c in exposed if c in line)
            for m in line:
                if covered and m in pool and m not in shut:
                    touching[m] = touching.get(m, 0) + covered
        if not touching:
            return shut
        # Looking ahead costs a linear program per candidate; only the LOOKAHEAD best by the
        # cheap order (beside the most exposed cells, then the smallest non-zero count) are
        # tried. Any choice is safe (the loop ends only when nothing is determined); the
        # look-ahead only keeps the hidden cells few.
        cheap = sorted(touching, key=lambda m: (-touching[m], values[m] == 0, values[m], m))
        tried = cheap[:LOOKAHEAD]
        left = {m: len(determined_cells(values, shut | {m}, sums)) for m in tried}
        shut.add(min(tried, key=lambda m: (left[m], -touching[m], values[m] == 0, values[m], m)))


def protect_distribution(counts: Sequence[int], *, k: int = DEFAULT_K, adds_up: bool) -> set[int]:
    """Hidden positions of a 1-D distribution shown with its total (the people it counts).

    `adds_up`: every person is in exactly one category (single choice with "unknown"), so the
    cells sum to the total; on a multi-select they don't, and only small cells are hidden.
    """
    if not adds_up:
        return {i for i, n in enumerate(counts) if n < k}
    values = [*counts, sum(counts)]
    total = len(counts)
    return complementary_suppression(
        values, [Sum(tuple(range(total)), total)], k=k, candidates=range(total)
    ) - {total}


def protect_crosstab(
    grid: Sequence[Sequence[int]],
    *,
    k: int = DEFAULT_K,
    row_margins: Sequence[int | None] | None = None,
    col_margins: Sequence[int | None] | None = None,
    rows_add_up: bool = True,
    cols_add_up: bool = True,
    total: int | None = None,
) -> set[tuple[int, int]]:
    """Hidden (row, col) cells of a cross-tab whose margins a reader may know from other views.

    `row_margins[r]` is row r's total as shown elsewhere (None: hidden there); `rows_add_up`
    says the cells of a row sum to it (the column question is single choice with "unknown");
    likewise for columns. Margins hidden elsewhere stay hidden and are protected too; with
    `total` (the people counted, shown elsewhere) margins that add up are summed to it.
    """
    n_rows = len(grid)
    n_cols = len(grid[0]) if n_rows else 0
    values = [int(v) for row in grid for v in row]
    cell = {(r, c): r * n_cols + c for r in range(n_rows) for c in range(n_cols)}
    sums: list[Sum] = []
    hidden_margins: set[int] = set()
    if rows_add_up and row_margins is not None:
        for r in range(n_rows):
            members = tuple(cell[r, c] for c in range(n_cols))
            values.append(sum(values[m] for m in members))
            sums.append(Sum(members, len(values) - 1))
            if row_margins[r] is None:
                hidden_margins.add(len(values) - 1)
    if cols_add_up and col_margins is not None:
        for c in range(n_cols):
            members = tuple(cell[r, c] for r in range(n_rows))
            values.append(sum(values[m] for m in members))
            sums.append(Sum(members, len(values) - 1))
            if col_margins[c] is None:
                hidden_margins.add(len(values) - 1)
    if total is not None:
        values.append(total)
        first_col = n_rows * n_cols + (n_rows if rows_add_up and row_margins is not None else 0)
        if rows_add_up and row_margins is not None and cols_add_up:
            # Row margins come from a single-choice distribution: they sum to everyone.
            sums.append(
                Sum(tuple(range(n_rows * n_cols, n_rows * n_cols + n_rows)), len(values) - 1)
            )
        if cols_add_up and col_margins is not None and rows_add_up:
            sums.append(Sum(tuple(range(first_col, first_col + n_cols)), len(values) - 1))
    shut = complementary_suppression(
        values, sums, k=k, candidates=range(n_rows * n_cols), hidden=hidden_margins
    )
    return {(r, c) for (r, c), i in cell.items() if i in shut}


# -- cell-key perturbation -------------------------------------------------------------------------
# Suppression protects one view; a researcher who asks the same page with one filter changed gets
# another view of overlapping people, and differences between views are equations that primary +
# complementary suppression per view cannot foresee (the filter space is open-ended). So, as
# flexible table builders do (ABS TableBuilder, the ONS 2021 census), every count shown to a
# viewer limited to k is perturbed by a small noise drawn from the cell's *key*: each person has
# a fixed secret record key, a cell's key is the sum of its people's keys (mod 2^32), and the
# noise is a function of (count, cell key). The same people always get the same noise in every
# view, so asking again averages nothing away, and no sum of shown cells equals a shown total
# exactly: subtraction leaves a hidden cell somewhere in a range several people wide. Counts under
# k stay hidden (primary and complementary suppression, on the true counts), and shown counts
# never fall under k.

KEY_MASK = 0xFFFFFFFF
# Noise -2..+2 with these probabilities (mean 0, variance 1.2); its largest size is public.
NOISE = (-2, -1, 0, 1, 2)
NOISE_CDF = (0.1, 0.3, 0.7, 0.9, 1.0)
NOISE_MAX = max(abs(n) for n in NOISE)


def _salt(secret: bytes) -> tuple[str, int]:
    digest = hashlib.blake2b(secret, digest_size=40, person=b"cp-cellkey").digest()
    return digest[:32].hex(), int.from_bytes(digest[32:], "little")


def cell_key(ids: pl.Expr, secret: bytes) -> pl.Expr:
    """The cell key of the people `ids` (an aggregation): the sum of their record keys mod 2^32.

    A person's record key is a keyed hash of their id (the secret is the home's cell key, never
    shown), so nobody who sees only counts can compute a cell's noise.
    """
    salt, seed = _salt(secret)
    record = pl.concat_str([pl.lit(salt), ids.unique().cast(pl.String)]).hash(seed) & KEY_MASK
    return (record.sum() & KEY_MASK).cast(pl.UInt64)


def _mix(value: int) -> int:
    """splitmix64's finaliser: a well-spread 64-bit function of `value`."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


def noise(count: int, key: int) -> int:
    """The noise of a cell of `count` people whose cell key is `key` (a fixed lookup)."""
    u = (_mix((int(key) << 24) ^ int(count)) >> 11) / float(1 << 53)
    return NOISE[bisect.bisect_right(NOISE_CDF, u)]


def perturb(count: int, key: int, *, k: int) -> int:
    """The count a viewer limited to k sees for a shown cell: count + noise, never under k."""
    return max(k, int(count) + noise(count, key))


def perturb_counts(counts: Sequence[int], keys: Sequence[int], *, k: int) -> list[int]:
    """`perturb` of each (count, key); cells under k are returned as they are (they are hidden)."""
    return [int(n) if n < k else perturb(n, key, k=k) for n, key in zip(counts, keys, strict=True)]


@dataclass(frozen=True)
class Protection:
    """What a viewer limited to groups of k sees: counts under k hidden (with the complementary
    cells that would give them away), every shown count perturbed by its cell key."""

    k: int
    secret: bytes

    def key(self, ids: pl.Expr) -> pl.Expr:
        """The aggregation giving the cell key of the people `ids`."""
        return cell_key(ids, self.secret)

    def count(self, count: int, key: int) -> int:
        """One shown count (a cell of at least k people)."""
        return perturb(count, key, k=self.k)

    def counts(self, counts: Sequence[int], keys: Sequence[int]) -> list[int]:
        """Shown counts of cells of at least k people; smaller ones returned unchanged."""
        return perturb_counts(counts, keys, k=self.k)
