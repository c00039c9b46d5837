"""An attacker on small-cell suppression: from everything a page returns (cells, shares,
totals), solve for each hidden cell. Independent of `warehouse.privacy`: it writes every sum the
views imply as a linear equation over unknown counts >= 0 and finds the hidden cells that take
one integer value over every solution. Shown figures are exact, or (`noise`) within a known
distance of the truth, as a perturbed table's are: the attacker knows the noise's largest size."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


@dataclass
class Attack:
    """Known and unknown cells (named by any hashable) and the sums between them."""

    noise: float = 0.0  # how far a shown figure may be from the truth (0: exact figures)
    floor: float = 0.0  # with noise: the least a shown cell holds (k)
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
        """The hidden cells the equations pin to one integer, with that value.

        Every cell in a sum is an unknown count >= 0; a shown cell lies within `noise` of its
        figure (and, when noisy, at or above `floor`: shown cells hold at least k people). A
        hidden cell is recovered when the smallest and the largest value it takes over all
        solutions round to the same integer (linear programs, confirmed as integer programs
        where the range is narrow).
        """
        names = sorted(
            {m for members, _ in self.sums for m in members}
            | {t for _, t in self.sums if not isinstance(t, (int, float))},
            key=repr,
        )
        targets = [n for n in names if n in self.hidden]
        if not targets:
            return {}
        index = {name: i for i, name in enumerate(names)}
        rows, rhs = [], []
        for members, total in self.sums:
            row = np.zeros(len(names))
            for m in members:
                row[index[m]] += 1
            value = 0.0
            if isinstance(total, (int, float)):
                value = float(total)
            else:
                row[index[total]] -= 1
            rows.append(row)
            rhs.append(value)
        bounds = []
        for name in names:
            if name in self.known:
                v = self.known[name]
                bounds.append(
                    (max(self.floor, v - self.noise) if self.noise else v, v + self.noise)
                )
            else:
                bounds.append((0.0, None))
        a_eq, b_eq = np.array(rows), np.array(rhs)
        start = linprog(np.zeros(len(names)), A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert start.status == 0, "the views contradict each other"
        # Screening: a few solutions pushed in different directions show most hidden cells
        # spanning several people already; only the others need their own two programs.
        seen_low = start.x.copy()
        seen_high = start.x.copy()
        rng = np.random.default_rng(0)
        columns = [index[name] for name in targets]
        for direction in range(6):
            cost = np.zeros(len(names))
            signs = (
                (1.0, -1.0)[direction % 2]
                if direction < 2
                else rng.choice([-1.0, 1.0], size=len(columns))
            )
            cost[columns] = signs
            result = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if result.status == 0:
                seen_low = np.minimum(seen_low, result.x)
                seen_high = np.maximum(seen_high, result.x)
        found = {}
        for name in targets:
            if seen_high[index[name]] - seen_low[index[name]] > 3:
                continue  # not pinned: two solutions more than three people apart
            low, high = self._range(index[name], a_eq, b_eq, bounds)
            if high is not None and high - low <= 3:
                low, high = self._range(index[name], a_eq, b_eq, bounds, integer=True)
            if high is not None and round(low) == round(high):
                found[name] = round(low)
        return found

    @staticmethod
    def _range(
        i: int, a_eq: np.ndarray, b_eq: np.ndarray, bounds: list, *, integer: bool = False
    ) -> tuple[float, float | None]:
        """The smallest and largest value of unknown i (None: unbounded)."""
        n = a_eq.shape[1]
        ends = []
        for sign in (1.0, -1.0):
            cost = np.zeros(n)
            cost[i] = sign
            if integer:
                lower = np.array([b[0] for b in bounds], dtype=float)
                upper = np.array([np.inf if b[1] is None else b[1] for b in bounds], dtype=float)
                result = milp(
                    cost,
                    constraints=LinearConstraint(a_eq, b_eq, b_eq),
                    integrality=np.ones(n),
                    bounds=Bounds(lower, upper),
                )
            else:
                result = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if result.status != 0:
                return 0.0, None  # unbounded above: nothing pins it
            ends.append(sign * result.fun)
        low, high = ends
        return (np.ceil(low - 1e-6), np.floor(high + 1e-6)) if integer else (low, high)
