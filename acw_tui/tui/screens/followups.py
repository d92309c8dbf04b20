"""Follow-ups due: callbacks promised on finished wrap-ups, soonest first.

Overdue ones are shown in red, those due within `[templates] due_soon_minutes` in
amber; Enter (or d) marks the highlighted one done, again to undo.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Label

from acw_tui.core.followups import Followup, Urgency
from acw_tui.core.printable import flat
from acw_tui.core.templates.values import local_zone
from acw_tui.i18n import N_, _, ngettext
from acw_tui.tui.compat import size_columns_now
from acw_tui.tui.screens.base import DeskScreen
from acw_tui.tui.widgets.key_bar import KeyBar

REFRESH_SECONDS = 30.0
SHOWN_AT_MOST = 500  # rows listed; the counts above them are of every open follow-up
STYLES = {
    Urgency.OVERDUE: "bold red",
    Urgency.DUE_SOON: "yellow",
    Urgency.LATER: "",
    Urgency.DONE: "dim strike",
}
WORDS = {
    Urgency.OVERDUE: N_("overdue"),
    Urgency.DUE_SOON: N_("due soon"),
    Urgency.LATER: "",
    Urgency.DONE: N_("done"),
}


def due_text(due: datetime, now: datetime) -> str:
    """Local due time; the date only when it is not today."""
    local, local_now = due.astimezone(local_zone()), now.astimezone(local_zone())
    if local.date() == local_now.date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


class FollowupsScreen(DeskScreen):
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("d", "toggle_done", N_("Done / undo")),
        Binding("a", "toggle_all", N_("Show done")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_done = False
        self._rows: dict[str, Followup] = {}

    @property
    def due_soon(self) -> timedelta:
        return self.desk.followup_due_soon()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="followups-summary")
        yield DataTable(id="followups-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = _("Follow-ups")
        table = self.query_one(DataTable)
        table.add_column(_("Due"), key="due")
        table.add_column(_("State"), key="state")
        table.add_column(_("Owner"), key="owner")
        table.add_column(_("Queue"), key="queue")
        table.add_column(_("Customer"), key="customer")
        table.add_column(_("Note"), key="note")
        self.reload()
        table.focus()
        self.set_interval(REFRESH_SECONDS, self.reload)

    def reload(self) -> None:
        now = self.desk.clock.now()
        found = self.calls.read(
            lambda: (
                self.desk.open_followups(with_done_today=self.show_done, limit=SHOWN_AT_MOST),
                self.desk.followup_counts(now),
            ),
            what=_("Follow-ups could not be read"),
        )
        if found is None:
            return
        items, counts = found
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self._rows = {f.id: f for f in items}
        done = listed = 0
        due_soon = self.due_soon
        for item in items:
            urgency = item.urgency(now, due_soon)
            done += urgency == Urgency.DONE
            listed += urgency != Urgency.DONE
            style = STYLES[urgency]
            table.add_row(
                Text(due_text(item.due_at, now), style=style),
                Text(_(WORDS[urgency]), style=style),
                Text(item.owner),
                Text(item.queue or "–"),
                Text(item.customer_ref or "–"),
                Text(flat(" ".join(item.note[:80].split()))),  # one line, shown as text
                key=item.id,
            )
        size_columns_now(table)
        if items:
            table.move_cursor(row=min(keep, len(items) - 1))
        summary = _("{overdue} overdue · {soon} due soon · {later} later").format(
            overdue=counts[Urgency.OVERDUE],
            soon=counts[Urgency.DUE_SOON],
            later=counts[Urgency.LATER],
        )
        if self.show_done:
            summary += " · " + _("{count} done today").format(count=done)
        if listed < sum(counts.values()):
            summary += " · " + ngettext(
                "the {count} due first is listed", "the {count} due first are listed", listed
            ).format(count=listed)
        self.query_one("#followups-summary", Label).update(
            summary if items else _("No follow-ups waiting.")
        )

    def _current(self) -> Followup | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._rows.get(key or "")

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_toggle_done()

    def action_toggle_done(self) -> None:
        item = self._current()
        if item is None:
            return

        def toggled(changed: Followup) -> None:
            who = changed.customer_ref or changed.owner
            self.notify(
                _("Follow-up for {who} done.").format(who=who)
                if changed.is_done
                else _("Follow-up open again."),
                markup=False,
            )
            self.reload()

        self.calls.write(
            lambda: self.desk.toggle_followup(item), done=toggled, what=_("Follow-up not changed")
        )

    def action_toggle_all(self) -> None:
        self.show_done = not self.show_done
        self.reload()
