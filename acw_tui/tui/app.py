"""The acw application: screens over one Desk, and a watch on the store for new calls.

The phone-system hook runs as a separate process and writes to the same SQLite file.
Twice a second the app asks SQLite whether another connection has committed
(`PRAGMA data_version`, no table read); only then does it reload the pending list, so a
new wrap-up shows within a second at almost no cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList

from acw_tui.core.model import AgentStateName, Wrapup
from acw_tui.errors import AcwError
from acw_tui.service.desk import Desk
from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.ready import ReadyScreen
from acw_tui.tui.widgets.pending_list import PendingList

POLL_INTERVAL = 0.5

APP_COMMANDS = [
    ("Call ended (F2)", "Open a wrap-up for a call that just ended", "new_wrapup"),
    ("Pending wrap-ups (F3)", "Open wrap-ups, oldest first", "pending"),
    ("History (F4)", "Finished wrap-ups with full-text search", "history"),
    ("Reports (F6)", "ACW figures, charts and outliers for leads", "reports"),
    ("Follow-ups (F12)", "Callbacks due, overdue first; mark done", "followups"),
    ("Sync status (F7)", "Unsynced records, last sync, sync now", "sync_status"),
    ("Break / back (F9)", "Toggle the break state", "toggle_break"),
]
ACW_COMMANDS = [
    ("Finish wrap-up (ctrl+s)", "Store the note and timing", "finish"),
    ("Pick wrap-up codes (F10)", "Type to filter, Enter picks", "focus_codes"),
    ("Extend ACW (F8)", "More ACW time, with a reason", "extend"),
    ("Shorthand guide (ctrl+g)", "Search the guide and insert an entry", "toggle_guide"),
    ("Expand note (F5)", "Expand all shorthand in the note (after a paste)", "expand_note"),
    ("Later (escape)", "Back to ready; the wrap-up stays pending", "leave"),
]


class AcwApp(App[None]):
    TITLE = "acw"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("f2", "new_wrapup", "Call ended"),
        Binding("f3", "pending", "Pending"),
        Binding("f4", "history", "History"),
        Binding("f6", "reports", "Reports"),
        Binding("f7", "sync_status", "Sync"),
        Binding("f9", "toggle_break", "Break"),
        Binding("f12", "followups", "Follow-ups"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self._data_version = -1
        self._known: set[str] = set()

    def on_mount(self) -> None:
        pending = self.desk.pending()
        self._known = {w.id for w in pending}
        self._data_version = self.desk.store.data_version()
        # With a wrap-up waiting, the first thing painted is its ACW screen; the ready
        # screen is built only when the agent first goes back to it (start-up budget).
        self.push_screen(AcwScreen(pending[0], pending) if pending else ReadyScreen())
        # Logging in writes (a durable commit); it waits until the first paint is out.
        self.call_after_refresh(self.log_in)
        self.set_interval(POLL_INTERVAL, self.poll_store)

    def log_in(self) -> None:
        try:
            self.desk.log_in()
        except AcwError as exc:
            self.notify(str(exc), severity="error")
            return
        if isinstance(self.screen, ReadyScreen):
            self.screen.refresh_facts()

    # -- watching the store ------------------------------------------------------------

    def poll_store(self) -> None:
        try:
            version = self.desk.store.data_version()
        except AcwError as exc:
            self.notify(str(exc), severity="error")
            return
        if version == self._data_version:
            return
        self._data_version = version
        self.refresh_pending()

    def refresh_pending(self) -> None:
        pending = self.desk.pending()
        new = [w for w in pending if w.id not in self._known]
        self._known = {w.id for w in pending}
        screen = self.screen
        if isinstance(screen, ReadyScreen):
            screen.refresh_facts(pending)
        elif hasattr(screen, "show_pending"):
            screen.show_pending(pending)
        if new:
            if isinstance(self.screen, ReadyScreen):
                self.show_wrapup(new[0])
            else:
                calls = ", ".join(w.call.external_id for w in new)
                self.notify(f"New wrap-up pending: call {calls}", title="Call ended")

    # -- moving between screens --------------------------------------------------------

    def back_to_ready(self) -> None:
        while not isinstance(self.screen, ReadyScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if not isinstance(self.screen, ReadyScreen):
            self.push_screen(ReadyScreen())

    def show_wrapup(self, wrapup: Wrapup) -> None:
        if isinstance(self.screen, AcwScreen):
            if self.screen.wrapup.id == wrapup.id:
                return
            self.screen.save_draft()
        self.back_to_ready()
        self.push_screen(AcwScreen(wrapup))

    def wrapup_finished(self, done: Wrapup) -> None:
        self.back_to_ready()
        pending = self.desk.pending()
        self._known = {w.id for w in pending}
        self.notify(f"Call {done.call.external_id} wrapped up.", title="Finished")
        if pending:
            self.show_wrapup(pending[0])
        else:
            screen = self.screen
            if isinstance(screen, ReadyScreen):
                screen.refresh_facts(pending)

    @on(OptionList.OptionSelected)
    def pending_selected(self, event: OptionList.OptionSelected) -> None:
        if not isinstance(event.option_list, PendingList) or event.option.id is None:
            return
        for wrapup in self.desk.pending():
            if wrapup.id == event.option.id:
                self.show_wrapup(wrapup)
                return

    # -- actions -----------------------------------------------------------------------

    def action_new_wrapup(self) -> None:
        """F2: the call just ended and no phone hook told us."""
        try:
            wrapup = self.desk.open_by_hand()
        except AcwError as exc:
            self.notify(str(exc), severity="error")
            return
        self._known.add(wrapup.id)
        self.show_wrapup(wrapup)

    # Screens used later in a shift are imported when first opened, not at start-up.

    def open_once(self, screen_type: type[Screen[None]]) -> None:
        """Open a screen unless it is the one showing already."""
        if not isinstance(self.screen, screen_type):
            self.push_screen(screen_type())

    def action_pending(self) -> None:
        from acw_tui.tui.screens.pending import PendingScreen

        self.open_once(PendingScreen)

    def action_history(self) -> None:
        from acw_tui.tui.screens.history import HistoryScreen

        self.open_once(HistoryScreen)

    def action_reports(self) -> None:
        from acw_tui.tui.screens.reports import open_reports

        open_reports(self)

    def action_followups(self) -> None:
        from acw_tui.tui.screens.followups import FollowupsScreen

        self.open_once(FollowupsScreen)

    def action_sync_status(self) -> None:
        from acw_tui.tui.screens.sync_status import SyncStatusScreen

        self.open_once(SyncStatusScreen)

    def action_toggle_break(self) -> None:
        current = self.desk.current_state()
        if current is not None and current.state == AgentStateName.BREAK:
            self.desk.log_in_after_break()
            self.notify("Back from break.")
        else:
            if self.desk.acw_running():
                self.notify(
                    "Finish or leave ACW first: a wrap-up is still timing.", severity="warning"
                )
                return
            self.desk.set_state(AgentStateName.BREAK)
            self.notify("On a break. F9 again to come back.")
        if isinstance(self.screen, ReadyScreen):
            self.screen.refresh_facts()

    async def action_quit(self) -> None:
        if isinstance(self.screen, AcwScreen):
            self.screen.save_draft()
        try:
            self.desk.log_out()
        except AcwError as exc:
            self.notify(str(exc), severity="error")
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # (title, help, action name): app actions everywhere, ACW actions on its screen.
        commands = list(APP_COMMANDS)
        if isinstance(screen, AcwScreen):
            commands += [(title, help, f"screen.{name}") for title, help, name in ACW_COMMANDS]
        commands.append(("Quit (ctrl+q)", "Save drafts, log out and quit", "quit"))
        for title, help, name in commands:
            target = screen if name.startswith("screen.") else self
            action = getattr(target, f"action_{name.removeprefix('screen.')}")
            yield SystemCommand(title, help, action)
