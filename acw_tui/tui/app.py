"""The acw application: screens over one Desk, and a watch on the store for new calls.

The phone-system hook runs as a separate process and writes to the same SQLite file.
Four times a second the app asks SQLite whether another connection has committed
(`PRAGMA data_version`, no table read); only then does it reload the pending list, so a
new wrap-up shows within half a second of the hook's commit at almost no cost.

Every call into the desk goes through `self.calls` (see `desk_calls`); what the agent
typed waits in `self.drafts` until a save succeeds; anything unexpected is written to a
crash report while the notes are saved, and the screen goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import SystemCommand
from textual.binding import Binding
from textual.geometry import Offset
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList

from acw_tui.core.model import AgentStateName, Wrapup
from acw_tui.core.printable import without_controls
from acw_tui.errors import AcwError
from acw_tui.i18n import N_, _, said
from acw_tui.service.desk import Desk, DraftContent, DraftKept, WrapupClosed
from acw_tui.service.drafts import DraftKeeper
from acw_tui.tui.caret import caret_cell, typing_in
from acw_tui.tui.compat import (
    LastResort,
    TranslatedPalette,
    guard_dispatch,
    keep_pastes_whole,
    repeats_the_size,
    show_terminal_cursor,
)
from acw_tui.tui.desk_calls import DeskCalls
from acw_tui.tui.idle_collector import IdleCollector
from acw_tui.tui.messages import (
    AgentStateChanged,
    DraftSaved,
    DraftWaiting,
    HubContentReceived,
    LeaveWrapup,
    PendingChanged,
    WrapupChanged,
    WrapupFinished,
)
from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.ready import ReadyScreen
from acw_tui.tui.textual_texts import NO_MATCHES, SEARCH_COMMANDS, SEARCH_THEMES
from acw_tui.tui.widgets.keys_in_order import keys_in_hand
from acw_tui.tui.widgets.pending_list import PendingList

if TYPE_CHECKING:
    from acw_tui.listen.background import BackgroundListener

# The wait for the next look is most of a hook's latency (the hook's own process is
# about 0.15 s); a look that finds nothing new costs well under a millisecond.
POLL_INTERVAL = 0.25
DRAFT_INTERVAL = 0.5  # at most this much typing is only in memory (SPEC §2: ≤ 1 s)
TIMEOUT_INTERVAL = 1.0
LOG_IN_AFTER = 1.0  # seconds after start (see on_mount)
# Quitting (or a crash, or bringing kept text back at start) waits at most this long for
# a store another program holds, instead of keeping the agent at a frozen screen; the
# text then stays in (or goes to) unsaved-drafts/.
LEAVING_WAIT = 3.0
SLOW_SAVE = 1.0  # a draft save waiting longer is said on screen
# The same message again within this many seconds is not shown again.
REPEAT_AFTER = 10.0
# More unexpected errors than this within a minute: going on is not safe.
MAX_UNEXPECTED_PER_MINUTE = 5

APP_COMMANDS = [
    (N_("Call ended (F2)"), N_("Open a wrap-up for a call that just ended"), "new_wrapup"),
    (N_("Pending wrap-ups (F3)"), N_("Open wrap-ups, oldest first"), "pending"),
    (N_("History (F4)"), N_("Finished wrap-ups with full-text search"), "history"),
    (N_("Reports (F6)"), N_("ACW figures, charts and outliers for leads"), "reports"),
    (N_("Sync status (F7)"), N_("Unsynced records, last sync, sync now"), "sync_status"),
    (N_("Break / back (F9)"), N_("Toggle the break state"), "toggle_break"),
    (N_("Follow-ups (F12)"), N_("Callbacks due, overdue first; mark done"), "followups"),
    (
        N_("Keys (F1)"),
        N_("Show or hide the keys of the focused part of the screen"),
        "toggle_keys",
    ),
]
ACW_COMMANDS = [
    (N_("Finish wrap-up (ctrl+s)"), N_("Store the note and timing"), "finish"),
    (N_("Pick wrap-up codes (F10)"), N_("Type to filter, Enter picks"), "focus_codes"),
    (N_("Extend ACW (F8)"), N_("More ACW time, with a reason"), "extend"),
    (N_("Shorthand guide (ctrl+g)"), N_("Search the guide and insert an entry"), "toggle_guide"),
    (
        N_("Expand note (F5)"),
        N_("Expand all shorthand in the note (after a paste)"),
        "expand_note",
    ),
    (
        N_("Discard wrap-up"),
        N_("Opened by mistake: drop it from pending and reports"),
        "discard",
    ),
    (N_("Later (escape)"), N_("Back to ready; the wrap-up stays pending"), "leave"),
]
# Textual's own palette entries that acw replaces with its own (quit saves drafts and
# logs out; keys toggles and closes with escape) or that cannot work in a terminal
# session without a writable working folder (screenshot).
REPLACED_SYSTEM_COMMANDS = {"Quit", "Keys", "Screenshot"}
# Textual's own palette entries that stay, for the catalog (translated where listed).
TEXTUAL_COMMANDS = (
    (N_("Theme"), N_("Change the current theme")),
    (N_("Maximize"), N_("Maximize the focused widget")),
    (N_("Minimize"), N_("Minimize the widget and restore to normal size")),
    (N_("Bell"), N_("Ring the bell")),
)


class AcwApp(LastResort):
    TITLE = "acw"
    terminal_cursor = True  # `[display] terminal_cursor`, read when mounted
    _cursor_shown = False  # Textual's driver starts with the cursor hidden
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("f1", "toggle_keys", N_("Keys"), show=False),
        Binding("f2", "new_wrapup", N_("Call ended")),
        Binding("f3", "pending", N_("Pending")),
        Binding("f4", "history", N_("History")),
        Binding("f6", "reports", N_("Reports")),
        Binding("f7", "sync_status", N_("Sync")),
        Binding("f9", "toggle_break", N_("Break")),
        Binding("f12", "followups", N_("Follow-ups")),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
        Binding("escape", "hide_keys", N_("Close the keys"), show=False, priority=True),
    ]

    def __init__(
        self, desk: Desk, *, crash_folder: Path | None = None, plain: bool = False
    ) -> None:
        """`plain`: no box drawing (`acw --plain`; also `[display] plain`)."""
        super().__init__()
        self.plain = plain
        guard_dispatch()
        keep_pastes_whole()
        self.desk = desk.with_own_reader()
        self.calls = DeskCalls(self)
        self.drafts = DraftKeeper()
        self.crash_folder = crash_folder
        self.unexpected: list[BaseException] = []
        self._logged_in = False
        self._quit_anyway = False  # a quit refused once because the text was kept nowhere
        self._opened_at: datetime | None = None
        self._unexpected_at: list[float] = []
        self.crash_reports: list[Path] = []
        self.leaving_line = ""  # why the app stopped, when it stopped for a problem
        self._data_version = -1
        self._pending: list[Wrapup] = []
        # Wrap-ups with a save on the store thread now: when it was asked for.
        self._saving: dict[str, float] = {}
        # Drafts of closed wrap-ups may wait to be added to their notes (keep_left_behind):
        # looked for at log-in and whenever a wrap-up leaves the pending list, and again
        # at the next draft tick until the store has taken them.
        self._left_behind_due = False
        self._timeouts_checking = False
        self._shown: dict[str, float] = {}
        self.listener: BackgroundListener | None = None
        self.collector = IdleCollector(self)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent | events.Paste):
            self.collector.input_seen()
        if isinstance(event, events.Paste):
            # Before any field sees it: escape sequences in a paste (copied from a
            # terminal or a web page) show as nothing here but would act on whichever
            # terminal later shows the text; left out, the rest kept as pasted.
            event.text = without_controls(event.text)
        await super().on_event(event)

    def on_resize(self, event: events.Resize) -> None:
        if repeats_the_size(self, event):
            event.prevent_default()  # Textual's handler would lay every screen out again

    # -- the real terminal cursor ----------------------------------------------------------

    @property  # type: ignore[override]
    def cursor_position(self) -> Offset:
        """Where Textual puts the terminal cursor after each frame: the caret of the
        focused field as laid out now (see `caret.py`), else where it was last set."""
        try:
            focused = self.focused
        except Exception:  # no screen yet, or the app is closing
            focused = None
        caret = caret_cell(focused)
        # Textual reads this once per frame, just before it writes the frame: the place
        # to show the cursor where text is typed and hide it elsewhere.
        shown = self.terminal_cursor and typing_in(focused)
        if shown != self._cursor_shown:
            self._cursor_shown = shown
            show_terminal_cursor(self, shown)
        return self.cursor_placed if caret is None else caret

    @cursor_position.setter
    def cursor_position(self, offset: Offset) -> None:
        # Textual's widgets set it as their caret moves (and App.__init__, first).
        self.cursor_placed = offset

    # -- the error path ------------------------------------------------------------------

    def show_problem(self, error: AcwError, what: str = "") -> None:
        """A DeskError (or any acw error) as one message; the same one not over and over."""
        text = f"{what}: {said(error)}" if what else said(error)
        now = time.monotonic()
        if now - self._shown.get(text, -REPEAT_AFTER) < REPEAT_AFTER:
            return
        self._shown[text] = now
        self.notify(text, title=_("Not done"), severity="error", markup=False)

    def unexpected_error(self, error: BaseException, what: str = "") -> None:
        """A bug, not the agent's doing: save the notes, write a report, go on if safe."""
        self.unexpected.append(error)
        self.desk.limit_waits(LEAVING_WAIT)
        refused = self._save_drafts_now()
        report = self._write_crash_report(error, what)
        if report is not None:
            self.crash_reports.append(report)
        where = " " + _("Report: {path}").format(path=report) if report else ""
        if self._too_many_recently():
            stopped = (
                _("acw stopped after repeated unexpected errors.")
                + " "
                + self._keep_refused(refused)[0]
                if refused
                else _("acw stopped after repeated unexpected errors. Your notes are saved.")
            )
            self.leave(70, stopped + where)
            return
        self.desk.limit_waits(None)  # going on: a busy store is waited for again
        self.notify(
            (
                _(
                    "Something went wrong inside acw; your notes are not saved yet (the store "
                    "refuses them) and are saved as soon as it takes them."
                )
                if refused
                else _("Something went wrong inside acw; your notes are saved.")
            )
            + where,
            title=_("Unexpected error"),
            severity="error",
            markup=False,
            timeout=15,
        )

    def _too_many_recently(self) -> bool:
        now = time.monotonic()
        self._unexpected_at = [t for t in self._unexpected_at if now - t < 60] + [now]
        return len(self._unexpected_at) > MAX_UNEXPECTED_PER_MINUTE

    def _write_crash_report(self, error: BaseException, what: str) -> Path | None:
        from acw_tui.service.crash import write_crash_report
        from acw_tui.settings.paths import data_dir

        folder = self.crash_folder or data_dir() / "crash-reports"
        return write_crash_report(folder, error, self.desk.redactor, what)

    # -- start and the watch on the store -------------------------------------------------

    def on_mount(self) -> None:
        from acw_tui.tui.themes import apply_display

        apply_display(self)
        self.collector.start()
        # Back from ctrl+z the driver has hidden the cursor again: the next frame decides.
        self.app_resume_signal.subscribe(self, lambda _app: setattr(self, "_cursor_shown", False))
        self._bring_back_unsaved()
        pending = self.calls.read(self.desk.pending, what=_("reading pending wrap-ups")) or []
        self._pending = pending
        self._data_version = self.calls.read(self.desk.data_version) or -1
        order = self.calls.read(lambda: self.desk.resume_order(pending)) or pending
        # With a wrap-up waiting, the first thing painted is its ACW screen; the ready
        # screen is built only when the agent first goes back to it (start-up budget).
        self.push_screen(AcwScreen(order[0], pending) if order else ReadyScreen())
        # Logging in is a durable commit, and the first write imports sqlite-utils: it
        # waits until the agent can type (the form and guide load meanwhile), stamped
        # with the time the screen opened.
        self._opened_at = self.desk.clock.now()
        self.set_timer(LOG_IN_AFTER, self.log_in)
        self.set_interval(POLL_INTERVAL, self.poll_store)
        self.set_interval(DRAFT_INTERVAL, self.save_drafts)
        self.set_interval(TIMEOUT_INTERVAL, self.check_timeouts)
        self.call_after_refresh(self.start_listener)
        # The terminal closed (SIGHUP) or the system asks acw to stop (SIGTERM): the
        # drafts are saved and the agent logged out as ctrl+q does, with nobody to ask.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.call_later, self.stop_asked, signum)

    async def stop_asked(self, _signum: int) -> None:
        """Leave as ctrl+q does; text the store refuses goes to files (if even that
        fails, it is lost: there is no screen left to keep it on)."""
        self._quit_anyway = True
        await self.action_quit()

    def start_listener(self) -> None:
        """`[listen] source` in the config: the phone system is listened to from here too,
        on a thread with its own store connection (see listen/background.py)."""
        from acw_tui.settings.listen import listen_settings

        try:
            if not listen_settings(self.desk.config).source:
                return
            from acw_tui.listen.background import BackgroundListener
            from acw_tui.listen.setup import plan
            from acw_tui.service.desk import Desk

            chosen = plan(self.desk.config)
            desk = Desk.open(self.desk.config, self.desk.store.path)
        except AcwError as exc:
            self.show_problem(exc, _("phone system"))
            return
        self.listener = BackgroundListener(chosen, desk).start()

    def log_in(self) -> None:
        if self._logged_in:
            return
        self._logged_in = True
        opened = self._opened_at
        self.calls.write(
            lambda: self.desk.log_in(opened), done=lambda _: self._state_changed(), what=_("log-in")
        )
        self._left_behind_due = True

    def tell_screens(self, news: Callable[[], Message]) -> None:
        """Tell the screen on top and every ACW screen under it: one covered by the
        history or a dialog must hear of its wrap-up's time-out, draft and pending list.
        (A ready screen underneath reads everything again as it comes back on top, so
        it is spared a reload on each draft saved while the agent types.)"""
        for screen in self.screen_stack:
            if screen is self.screen or isinstance(screen, AcwScreen):
                screen.post_message(news())

    def _state_changed(self) -> None:
        self.tell_screens(AgentStateChanged)

    def poll_store(self) -> None:
        version = self.calls.read(self.desk.data_version, what=_("watching the store"))
        if version is None or version == self._data_version:
            return
        self._data_version = version
        self.refresh_pending()

    def refresh_pending(self) -> None:
        pending = self.calls.read(self.desk.pending, what=_("reading pending wrap-ups"))
        if pending is None:
            return
        known = {w.id for w in self._pending}
        new = [w for w in pending if w.id not in known]
        self._pending = pending
        if known - {w.id for w in pending}:  # closed, here or in another window
            self._left_behind_due = True
        self.tell_screens(lambda: PendingChanged(pending))
        if new:
            if isinstance(self.screen, ReadyScreen):
                self.show_wrapup(new[0])
            elif not any(w.id == getattr(self.screen, "wrapup_id", None) for w in new):
                calls = ", ".join(w.call.external_id for w in new)
                self.notify(
                    _("New wrap-up pending: call {calls}").format(calls=calls),
                    title=_("Call ended"),
                    markup=False,
                )

    # -- drafts: what was typed waits in memory until the store has it --------------------

    def collect_draft(self, *, leaving: bool = False) -> None:
        """The ACW screens' current content into the keeper, if it changed; `leaving`:
        the agent is leaving them (see AcwScreen.hand_over_draft)."""
        for screen in self.screen_stack:
            if isinstance(screen, AcwScreen):
                screen.hand_over_draft(self.drafts, leaving=leaving)

    def save_drafts(self, *, still_typing: bool = True) -> None:
        self.collect_draft()
        for wrapup_id, content, version in self.drafts.take():
            if wrapup_id in self._saving:
                self._tell_if_waiting(wrapup_id)
                continue
            if still_typing and self.drafts.stored_masked_now(wrapup_id, version):
                continue  # nothing typed since; leaving stores it as typed
            self._save_one(wrapup_id, content, version, still_typing)
        if self._left_behind_due:
            self.keep_left_behind()

    def _tell_if_waiting(self, wrapup_id: str) -> None:
        """A save waiting for the store (another program holds it): the screen must not
        go on saying the draft is saved while newer text waits."""
        if time.monotonic() - self._saving[wrapup_id] > SLOW_SAVE:
            self.tell_screens(lambda: DraftWaiting(wrapup_id))

    def _save_one(self, wrapup_id: str, content: DraftContent, version: int, typing: bool) -> None:
        holder = self._screen_holding(wrapup_id)
        # Closed elsewhere and still on a screen here: the text that screen keeps is
        # stored as its draft all the same, so that no kill loses it; leaving adds it
        # to the note (_closed_elsewhere).
        shown_closed = holder.wrapup if holder is not None and not holder.wrapup.is_open else None
        wrapup = shown_closed or next((w for w in self._pending if w.id == wrapup_id), None)
        if wrapup is None:
            wrapup = self.calls.read(lambda: self.desk.wrapup(wrapup_id))
            if wrapup is None:
                return  # unreadable just now (the problem is shown): kept, tried again
            if not wrapup.is_open:
                self._closed_elsewhere(wrapup, content)
                return
        self._saving[wrapup_id] = time.monotonic()
        # A number being typed at the end makes the save wait one tick; the same text
        # on the next tick means the agent stopped mid-number, and it is stored masked.
        first = typing and self.drafts.fresh(wrapup_id, version)
        paused = typing and not first

        def saved(kept: DraftKept) -> None:
            self._saving.pop(wrapup_id, None)
            if kept is DraftKept.WAITS:
                return
            if kept is DraftKept.MASKED:
                self.drafts.stored_masked(wrapup_id, version)
            else:
                self.drafts.saved(wrapup_id, version)
            self.tell_screens(lambda: DraftSaved(wrapup_id))

        def refused(error: AcwError) -> None:
            self._saving.pop(wrapup_id, None)
            if isinstance(error, WrapupClosed):
                self._closed_elsewhere(error.wrapup, content)
                return
            self.tell_screens(lambda: DraftSaved(wrapup_id, said(error)))
            self.show_problem(error, _("Draft not saved (kept on screen, retrying)"))

        self.calls.write(
            lambda: self.desk.save_draft(
                wrapup,
                content,
                still_typing=first,
                paused=paused,
                after_close=shown_closed is not None,
            ),
            done=saved,
            failed=refused,
        )

    def _closed_elsewhere(self, closed: Wrapup, content: DraftContent) -> None:
        """Text typed for a wrap-up that another acw window finished or discarded: this
        window's draft of it while a screen still holds the wrap-up (its text may grow;
        see _save_one), then added to the stored note once the agent leaves it."""
        if self._screen_holding(closed.id) is not None:
            return
        self._saving[closed.id] = time.monotonic()

        def added(done: Wrapup | None) -> None:
            self._saving.pop(closed.id, None)
            self.drafts.forget(closed.id)
            if done is not None:
                self._tell_added(done, typed_here=True)

        def refused(error: AcwError) -> None:
            self._saving.pop(closed.id, None)
            self.show_problem(error, _("Draft not saved (kept on screen, retrying)"))

        self.calls.write(
            lambda: self.desk.add_to_note(closed, content.note), done=added, failed=refused
        )

    def keep_left_behind(self) -> None:
        """Drafts of wrap-ups another acw window has finished or discarded, which no
        screen here holds any more (left before the finish, or saved by a window that
        has since quit or died): their text is added to the stored note."""
        held = {s.wrapup_id for s in self.screen_stack if isinstance(s, AcwScreen)}
        held |= set(self._saving) | {wrapup_id for wrapup_id, _c, _v in self.drafts.take()}
        self._left_behind_due = False

        def added(done: list[Wrapup]) -> None:
            for wrapup in done:
                self._tell_added(wrapup, typed_here=False)

        def refused(error: AcwError) -> None:
            self._left_behind_due = True  # the store is busy or read-only: the next tick
            self.show_problem(error, _("adding left drafts"))

        self.calls.write(lambda: self.desk.keep_left_behind(held), done=added, failed=refused)

    # (discarded?, typed on this screen?) -> what is said once the text is in the note.
    _ADDED = {
        (True, True): N_(
            "Call {call} was discarded in another acw window; "
            "what you typed here was added to its note."
        ),
        (False, True): N_(
            "Call {call} was finished in another acw window; "
            "what you typed here was added to its note."
        ),
        # Left in a window that has since left the wrap-up, quit or died: which window
        # closed it is not known here (it may be this one).
        (True, False): N_(
            "Text left in a draft of call {call} was added to its note (the wrap-up was discarded)."
        ),
        (False, False): N_("Text left in a draft of call {call} was added to its note."),
    }

    def _tell_added(self, done: Wrapup, *, typed_here: bool) -> None:
        """Text for a wrap-up another window closed is in its note now: say so."""
        said_how = _(self._ADDED[done.status == "discarded", typed_here])
        self.notify(
            said_how.format(call=done.call.external_id),
            title=_("Added to the note"),
            markup=False,
        )

    def _screen_holding(self, wrapup_id: str) -> AcwScreen | None:
        """The ACW screen of that wrap-up, if one is on the stack."""
        return next(
            (s for s in self.screen_stack if isinstance(s, AcwScreen) and s.wrapup_id == wrapup_id),
            None,
        )

    def _save_drafts_now(self) -> list[str]:
        """Save every unsaved draft and wait (quitting, a crash); problems, one per line."""
        try:
            self.collect_draft()
        except Exception as exc:  # a broken screen must not stop the rest being saved
            problems = [_("reading the screen: {problem}").format(problem=exc)]
        else:
            problems = []
        for wrapup_id, content, version in self.drafts.take():
            try:
                wrapup = self.desk.wrapup(wrapup_id)
                self.calls.run_now(lambda w=wrapup, c=content: self._keep_now(w, c))
                self.drafts.saved(wrapup_id, version)
            except Exception as exc:
                problems.append(said(exc))
        return problems

    def _keep_now(self, wrapup: Wrapup, content: DraftContent) -> None:
        """A draft, or the note's addition when the wrap-up was closed elsewhere."""
        if wrapup.is_open:
            try:
                self.desk.save_draft(wrapup, content)
                return
            except WrapupClosed as closed:
                wrapup = closed.wrapup
        self.desk.add_to_note(wrapup, content.note)

    # -- time-outs, on screen or not --------------------------------------------------------

    def check_timeouts(self) -> None:
        if self._timeouts_checking or not any(self.desk.timeout_due(w) for w in self._pending):
            return
        self._timeouts_checking = True

        def ended(wrapups: list[Wrapup]) -> None:
            self._timeouts_checking = False
            for wrapup in wrapups:
                self.tell_screens(lambda w=wrapup: WrapupChanged(w))
            if wrapups:
                self.notify(
                    _(
                        "ACW time is over for call {calls}; you are available. "
                        "The note stays open as a draft."
                    ).format(calls=", ".join(w.call.external_id for w in wrapups)),
                    title=_("ACW timed out"),
                    severity="warning",
                    markup=False,
                )
                self.refresh_pending()

        def failed(error: AcwError) -> None:
            self._timeouts_checking = False
            self.show_problem(error, _("ACW time-out not recorded (retrying)"))

        self.calls.write(self.desk.check_timeouts, done=ended, failed=failed)

    # -- moving between screens ------------------------------------------------------------

    def back_to_ready(self) -> None:
        self.collect_draft(leaving=True)
        while not isinstance(self.screen, ReadyScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if not isinstance(self.screen, ReadyScreen):
            self.push_screen(ReadyScreen())
        self.save_drafts(still_typing=False)

    def when_built(self, then: Callable[[], None]) -> bool:
        """True when the ACW screen on top is still being built: `then` runs once it is.
        A screen taken down while it mounts leaves its widgets' own mount handlers
        (Textual's header among them) looking for nodes that are gone."""
        top = self.screen
        if isinstance(top, AcwScreen) and not top.built:
            top.after_built.append(then)
            return True
        return False

    def show_wrapup(self, wrapup: Wrapup) -> None:
        if self.when_built(lambda: self.show_wrapup(wrapup)):
            return
        if isinstance(self.screen, AcwScreen) and self.screen.wrapup_id == wrapup.id:
            return
        self.back_to_ready()
        self.push_screen(AcwScreen(wrapup, self._pending))

    @on(LeaveWrapup)
    def leave_wrapup(self) -> None:
        if self.when_built(self.leave_wrapup):
            return
        self.back_to_ready()
        self.refresh_pending()

    @on(WrapupFinished)
    def wrapup_finished(self, event: WrapupFinished) -> None:
        done = event.wrapup
        self.drafts.forget(done.id)
        # Drafts of it that quit windows left are in the note already (the finish added
        # them in its own transaction); a running window adds its own.
        # The ready screen reads its facts (state, pending) as it comes back to the top,
        # which is now, after the finish was stored, unless the agent left the wrap-up
        # while it was being stored: then it read them too early.
        early = isinstance(self.screen, ReadyScreen)
        self.back_to_ready()
        text = (
            _("Call {call} discarded.")
            if done.status == "discarded"
            else _("Call {call} wrapped up.")
        )
        self.notify(text.format(call=done.call.external_id), title=_("Finished"), markup=False)
        if early:
            self.tell_screens(AgentStateChanged)
        pending = self.calls.read(self.desk.pending) or []
        self._pending = pending
        if pending:
            self.show_wrapup(pending[0])

    @on(OptionList.OptionSelected)
    def pending_selected(self, event: OptionList.OptionSelected) -> None:
        if not isinstance(event.option_list, PendingList) or event.option.id is None:
            return
        for wrapup in self._pending:
            if wrapup.id == event.option.id:
                self.show_wrapup(wrapup)
                return

    @on(HubContentReceived)
    def hub_content(self, event: HubContentReceived) -> None:
        label = {"shorthand": _("guide"), "completion": _("team completion model")}
        names = _(" and ").join(label.get(k, k) for k in event.kinds)
        self.notify(
            _("New {names} from the hub: in use from the next wrap-up.").format(names=names),
            markup=False,
        )

    # -- actions ---------------------------------------------------------------------------

    def action_new_wrapup(self) -> None:
        """F2: the call just ended and no phone hook told us."""

        def opened(wrapup: Wrapup) -> None:
            self._pending = [*self._pending, wrapup]
            self.show_wrapup(wrapup)

        self.calls.write(self.desk.open_by_hand, done=opened, what=_("Call ended (F2)"))

    # Screens used later in a shift are imported when first opened, not at start-up.

    def open_once(self, screen_type: type[Screen[None]]) -> None:
        """Open a screen unless it is the one showing already."""
        if not isinstance(self.screen, screen_type):
            self.collect_draft()
            self.push_screen(screen_type())

    def action_pending(self) -> None:
        from acw_tui.tui.screens.pending import PendingScreen

        self.open_once(PendingScreen)

    def action_history(self) -> None:
        from acw_tui.tui.screens.history import HistoryScreen

        self.open_once(HistoryScreen)

    def action_reports(self) -> None:
        from acw_tui.tui.screens.reports import open_reports

        self.collect_draft()
        open_reports(self)

    def action_followups(self) -> None:
        from acw_tui.tui.screens.followups import FollowupsScreen

        self.open_once(FollowupsScreen)

    def action_sync_status(self) -> None:
        from acw_tui.tui.screens.sync_status import SyncStatusScreen

        self.open_once(SyncStatusScreen)

    def action_toggle_break(self) -> None:
        def changed(state: object) -> None:
            on_break = getattr(state, "state", None) == AgentStateName.BREAK
            self.notify(
                _("On a break. F9 again to come back.") if on_break else _("Back from break.")
            )
            self._state_changed()

        self.calls.write(self.desk.toggle_break, done=changed, what=_("Break (F9)"))

    def action_show_help_panel(self) -> None:
        """F1: the keys panel, in the agent's language."""
        from acw_tui.tui.widgets.keys_panel import KeysPanel

        if not self.screen.query("HelpPanel"):
            self.screen.mount(KeysPanel())

    def action_command_palette(self) -> None:
        """ctrl+p: Textual's palette with its prompt and "no matches" line translated."""
        if self.use_command_palette and not TranslatedPalette.is_open(self):
            self.push_screen(
                TranslatedPalette(
                    id="--command-palette",
                    placeholder=_(SEARCH_COMMANDS),
                    no_matches=_(NO_MATCHES),
                )
            )

    def search_themes(self) -> None:
        """The palette's "Theme" entry: the theme picker, translated the same way."""
        from textual.theme import ThemeProvider

        self.push_screen(
            TranslatedPalette(
                providers=[ThemeProvider], placeholder=_(SEARCH_THEMES), no_matches=_(NO_MATCHES)
            )
        )

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_hide_keys(self) -> None:
        self.action_hide_help_panel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_keys":
            # Escape closes the keys panel; otherwise it belongs to the screen (Later).
            return bool(self.screen.query("HelpPanel"))
        return True

    async def action_quit(self) -> None:
        # ctrl+q is a priority key: keys typed just before it may still wait in the
        # focused field's queue, and belong in the draft saved now.
        await keys_in_hand(self)
        self.desk.limit_waits(LEAVING_WAIT)  # for the saves, the log-out and writes queued
        refused = self._save_drafts_now()
        if refused:
            said_why, kept = self._keep_refused(refused)
            if not kept and not self._quit_anyway:
                # The text is only on screen now: quitting would lose it. Said once; the
                # next ctrl+q tries once more and goes (the agent may copy it first).
                self._quit_anyway = True
                self.desk.limit_waits(None)
                self.notify(
                    said_why + " " + _("Not quit: press ctrl+q again to quit without it."),
                    title=_("Not saved anywhere"),
                    severity="error",
                    timeout=60,
                    markup=False,
                )
                return
            self.leave(1, said_why)
            return
        try:
            # Text typed here for wrap-ups another window closed waits as this window's
            # drafts of them; holding none now, it goes into their notes.
            self.calls.run_now(self.desk.keep_left_behind)
        except AcwError as exc:  # kept as drafts: the next start adds them
            self.show_problem(exc, _("adding left drafts"))
        try:
            if not self._logged_in:  # quitting within a second of starting
                self._logged_in = True
                opened = self._opened_at
                self.calls.run_now(lambda: self.desk.log_in(opened))
            self.calls.run_now(self.desk.log_out)
        except AcwError as exc:
            self.show_problem(exc, _("log-out"))
        self.exit()

    def leave(self, return_code: int, said_why: str) -> None:
        """Stop with one line on stderr (`run_screen` prints it once the terminal is back;
        Textual's own exit message is wrapped at the terminal's width)."""
        self.leaving_line = said_why
        self.exit(return_code=return_code)

    def _keep_refused(self, problems: list[str]) -> tuple[str, bool]:
        """Leaving with drafts the store refused: their text goes to files. What to say,
        and whether the text is kept there."""
        refused = _("Drafts could not be saved to the store ({problems}).").format(
            problems="; ".join(problems)
        )
        from acw_tui.service import unsaved
        from acw_tui.settings.paths import data_dir

        folder = data_dir() / unsaved.FOLDER
        redact = self.desk.redactor.redact_record

        def redacted(content: DraftContent) -> DraftContent:
            clean = redact(content.note, content.fields)
            return dataclasses.replace(content, note=clean.note, fields=clean.fields)

        try:
            unsaved.keep(folder, ((w, redacted(c)) for w, c, _v in self.drafts.take()))
        except OSError as exc:
            return refused + " " + _(
                "Nor could the text be kept in {folder} ({problem}): it is only on screen."
            ).format(folder=folder, problem=said(exc)), False
        return refused + " " + _("The text is kept in {folder}.").format(folder=folder), True

    def _bring_back_unsaved(self) -> None:
        """Text an earlier quit kept in files: back in the store before the first screen
        is built, so the wrap-up opens with it. Only a folder's look when there is none."""
        from acw_tui.service import unsaved
        from acw_tui.settings.paths import data_dir

        folder = data_dir() / unsaved.FOLDER
        if not folder.is_dir():
            return
        # Nothing is drawn yet: a store another program holds is not waited out (the
        # files stay for the next start).
        self.desk.limit_waits(LEAVING_WAIT)
        try:
            back, problems = self.calls.run_now(lambda: unsaved.bring_back(self.desk, folder))
        except AcwError as exc:
            self.show_problem(exc, _("bringing back unsaved text"))
            return
        finally:
            self.desk.limit_waits(None)
        if back:
            calls = ", ".join(w.call.external_id for w in back)
            self.notify(
                _("Text kept when acw last quit is back in call {calls}.").format(calls=calls),
                title=_("Unsaved text brought back"),
                markup=False,
            )
        for problem in problems:
            self.show_problem(problem, _("bringing back unsaved text"))

    def on_unmount(self) -> None:
        self.collector.stop()
        if self.listener is not None:
            self.listener.stop()
        self.calls.close()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title not in REPLACED_SYSTEM_COMMANDS:
                yield command._replace(title=_(command.title), help=_(command.help))
        # (title, help, action name): app actions everywhere, ACW actions on its screen.
        commands = list(APP_COMMANDS)
        if isinstance(screen, AcwScreen):
            commands += [(title, help, f"screen.{name}") for title, help, name in ACW_COMMANDS]
        commands.append((N_("Quit (ctrl+q)"), N_("Save drafts, log out and quit"), "quit"))
        for title, help, name in commands:
            target = screen if name.startswith("screen.") else self
            action = getattr(target, f"action_{name.removeprefix('screen.')}")
            yield SystemCommand(_(title), _(help), action)
