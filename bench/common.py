"""What every benchmark shares: the result line and a careful timer."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    """One budget line: `NAME ratio=R budget=B ok|over`.

    `at_most` budgets pass when ratio <= budget (acw may be this much slower than the
    floor); `at_least` budgets pass when ratio >= budget (acw's rate over the floor's).
    Some budgets are an allowance over the floor, not a ratio (memory: "+60 MiB"): their
    `unit` is printed after the numbers.
    """

    name: str
    ratio: float
    budget: float
    at_least: bool = False
    unit: str = ""
    detail: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.ratio >= self.budget if self.at_least else self.ratio <= self.budget

    def line(self) -> str:
        sign = ">=" if self.at_least else "<="
        return (
            f"{self.name} ratio={self.ratio:.3f}{self.unit} budget={sign}{self.budget:g}{self.unit} "
            f"{'ok' if self.ok else 'over'}"
        )


def best_of(func: Callable[[], object], repeat: int) -> float:
    """Median of `repeat` timings of `func` in seconds (median: robust to a noisy core)."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)
