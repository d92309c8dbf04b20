"""Open wrap-ups, oldest first, with how long each has been waiting (ticking)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from acw_tui.core.durations import format_duration
from acw_tui.core.model import Wrapup

TICK_SECONDS = 1.0


def pending_label(wrapup: Wrapup, now: datetime) -> str:
    waited = (now - wrapup.started_at).total_seconds()
    state = "timed out" if wrapup.timed_out else format_duration(max(0.0, waited))
    queue = wrapup.call.queue or "–"
    return f"{wrapup.call.external_id}  {queue}  {state}"


class PendingList(OptionList):
    """Selecting an entry opens that wrap-up (the app listens for OptionSelected)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._pending: list[Wrapup] = []
        self._now: Callable[[], datetime] | None = None
        self._current: str | None = None

    def on_mount(self) -> None:
        self.set_interval(TICK_SECONDS, self._redraw)

    def show(
        self, pending: list[Wrapup], now: Callable[[], datetime], current_id: str | None = None
    ) -> None:
        """Show these wrap-ups; their waiting times then move on by themselves."""
        self._pending, self._now, self._current = list(pending), now, current_id
        self._redraw()

    def _redraw(self) -> None:
        if self._now is None:
            return
        now = self._now()
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(
            Option(
                Text(("▶ " if w.id == self._current else "  ") + pending_label(w, now)),
                id=w.id,
            )
            for w in self._pending
        )
        if self._pending:
            self.highlighted = min(highlighted or 0, len(self._pending) - 1)
        self.border_title = f"Pending ({len(self._pending)})"
