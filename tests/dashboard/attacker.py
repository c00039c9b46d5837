"""An attacker on small-cell suppression: from everything a page returns (cells, shares,
totals), solve for each hidden cell. Independent of `warehouse.privacy`: it writes every sum the
views imply as a linear equation and asks a linear program for the smallest and largest value
each hidden cell can take with all counts >= 0; a cell whose range holds one integer is
recovered."""

from __future__ import annotations

import math
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
        self, cells: Sequence[tuple[Hashable, float | None, float | None]], total: float | None
    ) -> None:
        """A 1-D view: (name, count or None, share or None); `total` the people it counts (if
        it adds up). A share over a denominator other than the shown cells' sum is a total."""
        names = [self.cell(name, count) for name, count, _ in cells]
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
        found = {}
        for name, i in index.items():
            bounds = []
            for sign in (1.0, -1.0):
                goal = np.zeros(len(hidden))
                goal[i] = sign
                result = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
                bounds.append(sign * result.fun if result.status == 0 else None)
            low, high = bounds
            if low is None or high is None:
                continue
            integers = math.floor(high + 1e-6) - math.ceil(low - 1e-6) + 1
            if integers <= 1:
                found[name] = round(low)
        return found
