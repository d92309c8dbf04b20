"""Work that waits for a pause in typing, with nothing running while nothing changes.

The redaction scan, the field hints, the note preview and the idle collector all wait
until the agent has stopped typing for a moment. A keystroke only moves a deadline (an
assignment) and, when no look is scheduled, schedules one on the event loop. A look that
finds typing went on schedules the next for exactly the time left; only a look that
finds the deadline passed hands the work to the host, which runs it from its own message
loop. The looks are plain event-loop callbacks, not Textual timers: a timer would wake
the host for each of them (a tick, a callback and a new timer), and while the agent types
they come about every other key for each of the four.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.message_pump import MessagePump

EARLY_BY = 0.005  # a look this close to the deadline hands the work over now


class AfterPause:
    def __init__(self, host: MessagePump, pause: float, action: Callable[[], object]) -> None:
        self.host, self.pause, self.action = host, pause, action
        self.due: float | None = None
        self._look: asyncio.TimerHandle | None = None

    def poke(self) -> None:
        """Something changed: run the work once `pause` seconds pass without another."""
        self.due = time.monotonic() + self.pause
        if self._look is None:
            self._look = asyncio.get_running_loop().call_later(self.pause, self._wake)

    @property
    def waiting(self) -> bool:
        return self.due is not None

    def cancel(self) -> None:
        self.due = None

    def _wake(self) -> None:
        self._look = None
        if self.due is None:
            return
        left = self.due - time.monotonic()
        if left > EARLY_BY:
            self._look = asyncio.get_running_loop().call_later(left, self._wake)
            return
        self.due = None
        # Run by the host, between its messages, as a timer's work is; a host that has
        # closed meanwhile never runs it.
        self.host.call_next(self.action)
