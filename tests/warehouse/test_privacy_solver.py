"""The linear program behind complementary suppression, solved by HiGHS directly, against the
same program through scipy's linprog (the reference it replaced)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from scipy.optimize import linprog

from warehouse.privacy import _fixed_zeros, _null_space


def _reference(basis: np.ndarray, zeros: list[int]) -> list[int]:
    n, z = basis.shape[1], len(zeros)
    moves = basis[zeros]
    a_ub = np.vstack([np.hstack([-moves, np.eye(z)]), np.hstack([-moves, np.zeros((z, z))])])
    result = linprog(
        np.concatenate([np.zeros(n), -np.ones(z)]),
        A_ub=a_ub,
        b_ub=np.zeros(2 * z),
        bounds=[(None, None)] * n + [(0.0, 1.0)] * z,
        method="highs",
    )
    assert result.status == 0
    return [j for j, raised in zip(zeros, result.x[n:], strict=True) if raised < 0.5]


def test_fixed_zeros_match_scipys_linprog_on_random_cones() -> None:
    """Hidden cells tied by random sums (rows of 0/1 members and a total), zero cells chosen at
    random: the cells no move can raise are the same both ways, some fixed and some not."""
    rng = np.random.default_rng(20261207)
    fixed_seen = raised_seen = 0
    for _ in range(300):
        cells = int(rng.integers(3, 14))
        sums = (rng.random((int(rng.integers(1, cells)), cells)) < 0.4).astype(float)
        sums[:, int(rng.integers(cells))] = -1.0  # each sum's total is one of the cells
        basis = _null_space(sums)
        if basis.shape[1] == 0:
            continue
        zeros = sorted(rng.choice(cells, size=int(rng.integers(1, cells)), replace=False).tolist())
        got = _fixed_zeros(basis, zeros)
        assert got == _reference(basis, zeros)
        fixed_seen += bool(got)
        raised_seen += len(got) < len(zeros)
    assert fixed_seen > 20 and raised_seen > 20


def test_the_solver_prints_nothing_on_stdout() -> None:
    """HiGHS prints a banner when a process makes its first instance; a CLI's output (JSON,
    CSV on stdout) must not carry it."""
    code = (
        "import numpy as np; from warehouse.privacy import _fixed_zeros;"
        "print(_fixed_zeros(np.array([[1.0], [-1.0]]), [0, 1]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "[0, 1]\n"
