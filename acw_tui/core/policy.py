"""ACW policy (SPEC §2): target, time-out, extensions, code requirement."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

AMBER_SHARE = 0.8  # the timer turns amber at 80 % of the target


class TimerLevel(Enum):
    OK = "ok"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class AcwPolicy:
    target_seconds: int = 120
    timeout_seconds: int = 0  # 0: ACW never times out
    extend_seconds: int = 60
    max_extensions: int = 2
    require_code: bool = False

    def level(self, elapsed: float) -> TimerLevel:
        if self.target_seconds <= 0:
            return TimerLevel.OK
        if elapsed >= self.target_seconds:
            return TimerLevel.RED
        if elapsed >= AMBER_SHARE * self.target_seconds:
            return TimerLevel.AMBER
        return TimerLevel.OK

    def timeout_after(self, extensions: int) -> float | None:
        """Seconds of ACW after which the agent's ACW time ends, or None for never."""
        if self.timeout_seconds <= 0:
            return None
        return float(self.timeout_seconds + extensions * self.extend_seconds)

    def can_extend(self, extensions: int) -> bool:
        return self.timeout_seconds > 0 and extensions < self.max_extensions


@dataclass(frozen=True)
class SitePolicy:
    """The site's policy with its per-queue overrides."""

    default: AcwPolicy = AcwPolicy()
    queues: tuple[tuple[str, AcwPolicy], ...] = ()

    def for_queue(self, queue: str | None) -> AcwPolicy:
        for name, policy in self.queues:
            if name == queue:
                return policy
        return self.default

    def with_queue(self, queue: str, **overrides: object) -> SitePolicy:
        policy = replace(self.default, **overrides)  # type: ignore[arg-type]
        return replace(self, queues=(*self.queues, (queue, policy)))
