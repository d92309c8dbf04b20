"""The ACW screen: timer, call details, notes, pending list; ctrl+s finishes.

Everything the agent types is saved as a draft within half a second of the last change
(SPEC §2: at most 1 s of typing at risk), so a crash or a kill loses nothing that matters.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Label, TextArea

from acw_tui.core.clock import AcwClock
from acw_tui.core.model import Wrapup
from acw_tui.desk import Desk, FinishRequest
from acw_tui.errors import AcwError
from acw_tui.finishing import call_context, finish_with_followups, request_from_form
from acw_tui.tui.screens.dialogs import ExtendDialog
from acw_tui.tui.widgets.acw_timer import AcwTimer
from acw_tui.tui.widgets.call_details import CallDetails
from acw_tui.tui.widgets.note_preview import NotePreview
from acw_tui.tui.widgets.pending_list import PendingList
from acw_tui.tui.widgets.wrapup_panel import WrapupPanel, library_for, note_form_for

DRAFT_INTERVAL = 0.5  # seconds between draft saves while the note is changing
TICK_INTERVAL = 0.25  # timer refresh
PREVIEW_DELAY = 0.2  # the note preview follows typing after this pause


class AcwScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "finish", "Finish", priority=True),
        Binding("f8", "extend", "Extend"),
        Binding("escape", "leave", "Later"),
    ]

    def __init__(self, wrapup: Wrapup) -> None:
        super().__init__()
        self.wrapup = wrapup
        self._dirty = False
        self._clock: AcwClock | None = None
        self._templates_problem: str | None = None
        self._preview_timer: Timer | None = None
        # Kept as an attribute so the last draft can still be read while unmounting.
        self.notes = TextArea(id="notes", soft_wrap=True, tab_behavior="focus")
        self.status_line = Label("", id="acw-status")

    @property
    def desk(self) -> Desk:
        return self.app.desk  # type: ignore[attr-defined, no-any-return]

    def compose(self) -> ComposeResult:
        policy = self.desk.policy_for(self.wrapup)
        yield Header()
        with Horizontal(id="acw-body"):
            with Vertical(id="acw-side"):
                yield AcwTimer(policy, len(self.wrapup.extensions), id="acw-timer")
                yield CallDetails(self.wrapup, id="call-details")
                yield PendingList(id="acw-pending")
            with Vertical(id="acw-main"):
                with Horizontal(id="acw-work"):
                    yield self.wrapup_panel()
                    with Vertical(id="acw-note-col"):
                        yield Label("Notes", classes="section-title")
                        yield self.notes
                        yield NotePreview(id="note-preview")
                yield self.status_line
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"ACW · call {self.wrapup.call.external_id}"
        draft = self.desk.wrapups.draft(self.wrapup.id)
        notes = self.notes
        if draft is not None:
            notes.load_text(draft.note)
            notes.move_cursor(notes.document.end)
        notes.focus()
        self._clock = self.desk.acw_clock(self.wrapup)
        self.set_interval(TICK_INTERVAL, self.tick)
        self.set_interval(DRAFT_INTERVAL, self.save_draft)
        self.tick()
        self.show_pending(self.desk.pending())
        self.refresh_preview()
        if self._templates_problem:
            self.notify(self._templates_problem, title="Templates", severity="warning")

    # -- timer and drafts --------------------------------------------------------------

    def tick(self) -> None:
        timer = self.query_one(AcwTimer)
        if self.wrapup.acw_running and self._clock is not None:
            self.wrapup = self.desk.check_timeout(self.wrapup, self._clock)
            if not self.wrapup.acw_running:
                self.notify(
                    "ACW time is over for this call; you are available. "
                    "The note stays open as a draft — finish it when you can.",
                    title="ACW timed out",
                    severity="warning",
                )
        if self.wrapup.acw_running and self._clock is not None:
            timer.elapsed = self._clock.elapsed()
        else:
            timer.elapsed = self.wrapup.acw_seconds or 0.0
        timer.timed_out = self.wrapup.timed_out

    @on(TextArea.Changed, "#notes")
    def note_changed(self) -> None:
        self._dirty = True
        self.preview_soon()

    # -- codes, template form and preview ----------------------------------------------

    def wrapup_panel(self) -> WrapupPanel:
        library, self._templates_problem = library_for(self.desk.config)
        self.note_form = note_form_for(self.desk, self.wrapup, library)
        return WrapupPanel(
            self.note_form,
            require_code=self.desk.policy_for(self.wrapup).require_code,
            now=self.desk.clock.now,
            id="wrapup-panel",
        )

    @on(WrapupPanel.Changed)
    def form_changed(self) -> None:
        self._dirty = True
        self.preview_soon()

    def preview_soon(self) -> None:
        """Render once typing pauses, not on every keystroke."""
        if self._preview_timer is None:
            self._preview_timer = self.set_timer(PREVIEW_DELAY, self.refresh_preview)

    def refresh_preview(self) -> None:
        self._preview_timer = None
        form = self.note_form
        form.notes = self.notes.text
        rendered = form.render(
            call=call_context(self.wrapup), agent=self.desk.agent_id, now=self.desk.clock.now()
        )
        self.query_one(NotePreview).show(rendered)

    def save_draft(self) -> None:
        if not self._dirty:
            return
        form = self.note_form
        try:
            self.desk.save_draft(
                self.wrapup,
                self.notes.text,
                fields=form.raw,
                codes=tuple(form.codes),
                template_id=form.template_id,
            )
        except AcwError as exc:
            # Keep the text on screen and try again on the next interval.
            self.status_line.update(f"Draft NOT saved: {exc}")
            return
        self._dirty = False
        self.status_line.update("Draft saved")

    def on_unmount(self) -> None:
        self.save_draft()

    def show_pending(self, pending: list[Wrapup]) -> None:
        self.query_one(PendingList).show(pending, self.desk.clock.now(), self.wrapup.id)

    # -- actions -----------------------------------------------------------------------

    def finish_request(self) -> FinishRequest:
        """The rendered note with codes and fields; DeskError names what is missing."""
        return request_from_form(self.desk, self.wrapup, self.note_form, self.notes.text)

    def action_finish(self) -> None:
        try:
            self.save_draft()
            request = self.finish_request()
            done = finish_with_followups(self.desk, self.wrapup, request, self._clock)
        except AcwError as exc:
            self.query_one(WrapupPanel).show_refusal()
            self.status_line.update(str(exc))
            self.notify(str(exc), title="Not finished", severity="error")
            return
        self._dirty = False
        self.app.wrapup_finished(done)  # type: ignore[attr-defined]

    def action_extend(self) -> None:
        policy = self.desk.policy_for(self.wrapup)
        if not policy.can_extend(len(self.wrapup.extensions)) or not self.wrapup.acw_running:
            reason = (
                "ACW has no time-out here"
                if policy.timeout_seconds <= 0
                else "ACW time already ended"
                if not self.wrapup.acw_running
                else f"the limit of {policy.max_extensions} extensions is reached"
            )
            self.notify(f"Cannot extend: {reason}.", severity="warning")
            return

        def extended(reason: str | None) -> None:
            if not reason:
                return
            try:
                self.wrapup = self.desk.extend(self.wrapup, reason)
            except AcwError as exc:
                self.notify(str(exc), severity="error")
                return
            self.query_one(AcwTimer).extensions = len(self.wrapup.extensions)
            self.tick()
            self.notify(f"ACW extended: {reason}")

        self.app.push_screen(ExtendDialog(policy.extend_seconds), extended)

    def action_leave(self) -> None:
        """Back to the ready screen; the wrap-up stays pending and its clock runs on."""
        self.save_draft()
        self.app.pop_screen()
