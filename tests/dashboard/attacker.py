"""An attacker on small-cell suppression: from everything a page returns (cells, shares,
totals), solve for each hidden cell. Independent of `warehouse.privacy`: it writes every sum the
views imply as a linear equation and finds the cells that take one value over every solution
with all counts >= 0 (the polytope of row and column totals has integer corners, so a cell that
is not constant has at least two integer values)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog


@dataclass
class Attack:
    """Known and unknown cells (named by any hashable) and the sums between them."""

    known: dict[Hashable, float] = field(default_factory=dict)
    hidden: set[Hashable] = field(default_factory=set)
    sums: list[tuple[tuple[Hashable, ...], Hashable | float]] = field(default_factory=list)

    def cell(self, name: Hashable, value: float | None) -> Hashable:
        """A cell as shown: a number, or None when hidden."""
        if value is None:
            if name not in self.known:
                self.hidden.add(name)
        else:
            self.known[name] = float(value)
            self.hidden.discard(name)
        return name

    def add_sum(self, members: Sequence[Hashable], total: Hashable | float) -> None:
        """`sum(members) == total` (a cell name or a number)."""
        self.sums.append((tuple(members), total))

    def view(
        self,
        cells: Sequence[tuple[Hashable, float | None, float | None]],
        total: float | None,
        *,
        adds_up: bool = True,
    ) -> None:
        """A 1-D view: (name, count or None, share or None); `total` the people it counts.
        `adds_up`: every person is in one cell (single choice), so the cells sum to the total,
        and a share over a denominator other than the shown cells' sum is that total."""
        names = [self.cell(name, count) for name, count, _ in cells]
        if not adds_up:
            return  # a multi-select: its shares are of people, no sum over its cells
        shown = sum(c for _, c, _ in cells if c is not None)
        for _, count, share in cells:
            if count and share:
                denominator = count / share
                if abs(denominator - shown) > 0.5:
                    self.add_sum(names, round(denominator))
                break
        if total is not None:
            self.add_sum(names, total)

    def recovered(self) -> dict[Hashable, int]:
        """The hidden cells the equations pin to one integer, with that value."""
        hidden = sorted(self.hidden, key=repr)
        if not hidden:
            return {}
        index = {name: i for i, name in enumerate(hidden)}
        rows, rhs = [], []
        for members, total in self.sums:
            row = np.zeros(len(hidden))
            value = 0.0
            for m in members:
                if m in index:
                    row[index[m]] += 1
                else:
                    value -= self.known[m]
            if isinstance(total, (int, float)):
                value += float(total)
            elif total in index:
                row[index[total]] -= 1
            else:
                value += self.known[total]
            if row.any():
                rows.append(row)
                rhs.append(value)
        if not rows:
            return {}
        a_eq, b_eq = np.array(rows), np.array(rhs)
        n = len(hidden)
        # A feasible point x0 of {x >= 0, A x = b}; a move d keeps it feasible when A d = 0 and
        # d_i >= 0 where x0_i = 0 (a small step: the other cells have room). Those moves form a
        # cone, so one program finds every zero cell some move raises: maximise sum(s) with
        # s_i <= d_i, s_i <= 1; the zero cells left at s_i = 0 are fixed at 0. A cell is
        # recovered when no move of the cone's span (A d = 0, d = 0 on the fixed) changes it.
        start = linprog(np.zeros(n), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert start.status == 0, "the views contradict each other"
        x0 = start.x
        zeros = [i for i in range(n) if x0[i] < 1e-9]
        fixed: list[int] = []
        if zeros:
            z = len(zeros)
            cost = np.concatenate([np.zeros(n), -np.ones(z)])
            a_ub = np.hstack([-np.eye(n)[zeros], np.eye(z)])  # s - d <= 0
            a_full = np.hstack([a_eq, np.zeros((len(rows), z))])
            bounds = [(None, None)] * n + [(0, 1)] * z
            result = linprog(
                cost,
                A_ub=a_ub,
                b_ub=np.zeros(z),
                A_eq=a_full,
                b_eq=np.zeros(len(rows)),
                bounds=bounds,
                method="highs",
            )
            assert result.status == 0
            fixed = [i for i, raised in zip(zeros, result.x[n:], strict=True) if raised < 0.5]
        hull = np.vstack([a_eq, np.eye(n)[fixed]]) if fixed else a_eq
        _u, sv, vt = np.linalg.svd(hull)
        free = vt[int((sv > 1e-9 * max(1.0, sv.max(initial=0.0))).sum()) :]  # null space rows
        found = {}
        for name, i in index.items():
            if np.abs(free[:, i]).max(initial=0.0) < 1e-9:
                found[name] = round(x0[i])
        return found
