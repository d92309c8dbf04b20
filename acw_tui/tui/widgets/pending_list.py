"""Open wrap-ups, oldest first, with how long each has been waiting."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from acw_tui.core.model import Wrapup
from acw_tui.service.desk import format_duration


def pending_label(wrapup: Wrapup, now: datetime) -> str:
    waited = (now - wrapup.started_at).total_seconds()
    state = "timed out" if wrapup.timed_out else format_duration(max(0.0, waited))
    queue = wrapup.call.queue or "–"
    return f"{wrapup.call.external_id}  {queue}  {state}"


class PendingList(OptionList):
    """Selecting an entry opens that wrap-up (the app listens for OptionSelected)."""

    def show(self, pending: list[Wrapup], now: datetime, current_id: str | None = None) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(
            Option(
                ("▶ " if w.id == current_id else "  ") + pending_label(w, now),
                id=w.id,
            )
            for w in pending
        )
        if pending:
            self.highlighted = min(highlighted or 0, len(pending) - 1)
        self.border_title = f"Pending ({len(pending)})"
