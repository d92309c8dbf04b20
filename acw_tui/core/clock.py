"""Clocks and the ACW timer of one wrap-up.

A wrap-up's ACW time starts at the call's end (wall-clock UTC, as stored), but while the
program runs it is *measured* with a monotonic clock, so a system clock change during
ACW cannot stretch or shrink a duration. The wall clock is read once, when the timer is
anchored (on opening or after a restart), to know how much ACW time had already passed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


@dataclass
class ManualClock:
    """A clock the tests move by hand; `jump_wall` changes only the wall clock."""

    wall: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    mono: float = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds

    def jump_wall(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)


class AcwClock:
    """Elapsed ACW time of one wrap-up, immune to wall-clock jumps once anchored."""

    def __init__(self, started_at: datetime, clock: Clock) -> None:
        self.started_at = started_at
        self._clock = clock
        self._anchor_mono = clock.monotonic()
        # Time already spent before this process saw the wrap-up (call ended a moment
        # ago, or the program restarted). Never negative: a call "ending" in the future
        # because of skew starts the clock at zero.
        self._elapsed_at_anchor = max(0.0, (clock.now() - started_at).total_seconds())

    def elapsed(self) -> float:
        return self._elapsed_at_anchor + max(0.0, self._clock.monotonic() - self._anchor_mono)

    def moment_at(self, elapsed_seconds: float) -> datetime:
        """The wall-clock moment that corresponds to an elapsed ACW time."""
        return self.started_at + timedelta(seconds=elapsed_seconds)
