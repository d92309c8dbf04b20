"""Open wrap-ups, oldest first, with how long each has been waiting (ticking)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from acw_tui.core.durations import format_duration
from acw_tui.core.model import Wrapup
from acw_tui.i18n import _

TICK_SECONDS = 1.0


def pending_label(wrapup: Wrapup, now: datetime) -> str:
    waited = (now - wrapup.started_at).total_seconds()
    state = _("timed out") if wrapup.timed_out else format_duration(max(0.0, waited))
    queue = wrapup.call.queue or "–"
    return f"{wrapup.call.external_id}  {queue}  {state}"


class PendingList(OptionList):
    """Selecting an entry opens that wrap-up (the app listens for OptionSelected)."""

    def __init__(self, *, ticking: bool = True, **kwargs: object) -> None:
        """`ticking=False`: the host calls `show_times()` from its own clock tick, so
        both draw in one frame."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._pending: list[Wrapup] = []
        self._now: Callable[[], datetime] | None = None
        self._current: str | None = None
        self._ticking = ticking

    def on_mount(self) -> None:
        if self._ticking:
            self.set_interval(TICK_SECONDS, self._redraw)

    def show_times(self) -> None:
        """Move the waiting times on to now."""
        self._redraw()

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
        labels = [
            ("▶ " if w.id == self._current else "  ") + pending_label(w, now) for w in self._pending
        ]
        ids = [w.id for w in self._pending]
        if ids == [option.id for option in self.options]:
            # The same wrap-ups, their waiting times moved on: new prompts in place, so
            # the list keeps its size and only its changed lines are drawn again.
            for index, (option, label) in enumerate(zip(self.options, labels, strict=True)):
                if str(option.prompt) != label:
                    self.replace_option_prompt_at_index(index, Text(label))
        else:
            highlighted = self.highlighted
            self.clear_options()
            self.add_options(
                Option(Text(label), id=id_) for id_, label in zip(ids, labels, strict=True)
            )
            if self._pending:
                self.highlighted = min(highlighted or 0, len(self._pending) - 1)
        title = _("Pending ({count})").format(count=len(self._pending))
        if self.border_title != title:
            self.border_title = title
