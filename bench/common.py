"""What every benchmark shares: the result line, careful timers and the scale curves."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class Result:
    """One budget line: `NAME ratio=R budget=B ok|over`.

    `at_most` budgets pass when ratio <= budget (acw may be this much slower than the
    floor); `at_least` budgets pass when ratio >= budget (acw's rate over the floor's).
    Some budgets are an allowance or an absolute figure, not a ratio (memory: "+40 MiB",
    hook latency: "1 s"): their `unit` is printed after the numbers.
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


def timings(func: Callable[[], object], repeat: int) -> list[float]:
    """`repeat` wall-clock timings of `func`, in seconds."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


def best_of(func: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` timings of `func` in seconds (the run least disturbed)."""
    return min(timings(func, repeat))


def median_of(func: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` timings of `func` in seconds (robust to a noisy core)."""
    return statistics.median(timings(func, repeat))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by the nearest-rank method: a value that was measured."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def interleaved(
    acw: Callable[[], object], floor: Callable[[], object], rounds: int
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(wall, cpu) seconds of acw and of its floor, one after the other in each round, so
    drift in the machine's load hits both alike."""
    a, f = [], []
    for _ in range(rounds):
        a.append(_timed(acw))
        f.append(_timed(floor))
    return a, f


def _timed(func: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - wall, time.process_time() - cpu


# -- scale curves --------------------------------------------------------------------------


@dataclass
class Curve:
    """One measured curve: a figure of acw against input size (SPEC §11's scale curves)."""

    name: str  # e.g. "report by agent"
    unit: str  # e.g. "s", "µs per key", "records/s"
    size_label: str  # e.g. "wrap-ups"
    points: list[tuple[int, float]] = field(default_factory=list)
    higher_is_better: bool = False

    def growth(self) -> list[float]:
        """Cost per input unit relative to the smallest size (1.0 = linear; < 1 better)."""
        if len(self.points) < 2:
            return []
        (n0, v0), rest = self.points[0], self.points[1:]
        if self.higher_is_better:  # a rate: cost per item is 1 / rate
            return [v0 / v for _, v in rest]
        return [(v / n) / (v0 / n0) for n, v in rest]


CURVES: list[Curve] = []


def record_curve(curve: Curve) -> Curve:
    CURVES.append(curve)
    return curve
