"""Work that waits for a pause in typing, with no timer running while nothing changes.

The redaction scan, the field hints and the note preview all wait until the agent has
stopped typing for a moment. A repeating timer that looks every 0.1 s costs the app a
wake-up ten times a second all shift long; here a keystroke only moves a deadline
(an assignment) and starts a one-shot timer when none is waiting, and that timer, when
it fires early because typing went on, sleeps again for exactly the time left.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer

EARLY_BY = 0.005  # a wake-up this close to the deadline runs the work now


class AfterPause:
    def __init__(
        self, host: MessagePump, pause: float, action: Callable[[], object], name: str
    ) -> None:
        self.host, self.pause, self.action, self.name = host, pause, action, name
        self.due: float | None = None
        self._timer: Timer | None = None

    def poke(self) -> None:
        """Something changed: run the work once `pause` seconds pass without another."""
        self.due = time.monotonic() + self.pause
        if self._timer is None:
            self._timer = self.host.set_timer(self.pause, self._wake, name=self.name)

    @property
    def waiting(self) -> bool:
        return self.due is not None

    def cancel(self) -> None:
        self.due = None

    def _wake(self) -> None:
        self._timer = None
        if self.due is None:
            return
        left = self.due - time.monotonic()
        if left > EARLY_BY:
            self._timer = self.host.set_timer(left, self._wake, name=self.name)
            return
        self.due = None
        self.action()
