"""The ACW screen: timer, call details, notes, pending list; ctrl+s finishes.

Everything the agent types is saved as a draft within half a second of the last change
(SPEC §2: at most 1 s of typing at risk), so a crash or a kill loses nothing that matters.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Label, TextArea

from acw_tui.core.clock import AcwClock
from acw_tui.core.model import Wrapup
from acw_tui.errors import AcwError
from acw_tui.service.desk import Desk, FinishRequest
from acw_tui.tui.shorthand import agent_guide, guide_warning, store_usage, usage_for
from acw_tui.tui.widgets.acw_timer import AcwTimer
from acw_tui.tui.widgets.call_details import CallDetails
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.notes_editor import NotesEditor
from acw_tui.tui.widgets.pending_list import PendingList
from acw_tui.tui.widgets.redaction_marks import RedactionMarks, RedactionStatus

if TYPE_CHECKING:
    from acw_tui.core.templates.form import NoteForm

DRAFT_INTERVAL = 0.5  # seconds between draft saves while the note is changing
TICK_INTERVAL = 0.25  # timer refresh
PREVIEW_DELAY = 0.2  # the note preview follows typing after this pause


class AcwScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "finish", "Finish", priority=True),
        Binding("f10", "focus_codes", "Codes"),
        Binding("f8", "extend", "Extend"),
        Binding("escape", "leave", "Later"),
        Binding("ctrl+g", "toggle_guide", "Guide"),
    ]

    def __init__(self, wrapup: Wrapup, pending: list[Wrapup] | None = None) -> None:
        """`pending`: the open wrap-ups if the caller has just read them (start-up has)."""
        super().__init__()
        self.wrapup = wrapup
        self._dirty = False
        self._clock: AcwClock | None = None
        self._pending_given = pending
        self._pending: list[Wrapup] = []
        # Codes, template form and preview come after the first paint (they need Jinja2).
        self.note_form: NoteForm | None = None
        self._preview_timer: Timer | None = None
        # Kept as an attribute so the last draft can still be read while unmounting.
        self.notes = NotesEditor(
            id="notes",
            guide_source=lambda: agent_guide(self.desk.config),
            usage=usage_for(wrapup.id),
        )
        self.hint_line = Label("", id="notes-hint")
        self.status_line = Label("", id="acw-status")

    @property
    def desk(self) -> Desk:
        return self.app.desk  # type: ignore[attr-defined, no-any-return]

    def compose(self) -> ComposeResult:
        policy = self.desk.policy_for(self.wrapup)
        self._clock = self.desk.acw_clock(self.wrapup)
        yield Header()
        # Kept shallow on purpose: every container is paid for on the way to the first
        # paint. The two slots hold the space of what is built right after it.
        with Horizontal(id="acw-body"):
            with Vertical(id="acw-side"):
                yield AcwTimer(
                    policy,
                    len(self.wrapup.extensions),
                    elapsed=self.elapsed(),
                    timed_out=self.wrapup.timed_out,
                    id="acw-timer",
                )
                yield CallDetails(self.wrapup, id="call-details")
                yield PendingList(id="acw-pending")
            yield Vertical(id="wrapup-slot")
            with Vertical(id="acw-note-col"):
                yield Label("Notes", classes="section-title")
                yield self.notes
                yield self.hint_line
                yield RedactionStatus(id="redaction-status")
                yield Vertical(id="preview-slot")
                yield self.status_line
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"ACW · call {self.wrapup.call.external_id}"
        status = self.query_one(RedactionStatus)
        self.redaction_marks = RedactionMarks(self.notes, status, self.desk.redactor)
        draft = self.desk.wrapups.draft(self.wrapup.id)
        notes = self.notes
        if draft is not None:
            notes.load_text(draft.note)
            notes.move_cursor(notes.document.end)
        notes.focus()
        self.set_interval(TICK_INTERVAL, self.tick)
        self.set_interval(1.0, self.refresh_waiting_times)
        self.set_interval(DRAFT_INTERVAL, self.save_draft)
        self.tick()
        given, self._pending_given = self._pending_given, None
        self.show_pending(self.desk.pending() if given is None else given)
        # Codes, form and preview (Jinja2, the templates folder) come one frame after
        # the first paint, so the timer and the notes editor show without waiting.
        self.call_after_refresh(self.call_after_refresh, self.build_wrapup_form)

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
        timer.elapsed = self.elapsed()
        timer.timed_out = self.wrapup.timed_out

    def elapsed(self) -> float:
        """ACW seconds so far (running) or as stored (ended)."""
        if self.wrapup.acw_running and self._clock is not None:
            return self._clock.elapsed()
        return self.wrapup.acw_seconds or 0.0

    @on(TextArea.Changed, "#notes")
    def note_changed(self) -> None:
        self._dirty = True
        self.redaction_marks.note_changed()
        self.preview_soon()

    def save_draft(self) -> None:
        if not self._dirty:
            return
        form = self.note_form
        draft = self.desk.wrapups.draft(self.wrapup.id) if form is None else None
        try:
            self.desk.save_draft(
                self.wrapup,
                self.notes.text,
                fields=form.raw if form else (draft.fields if draft else None),
                codes=tuple(form.codes) if form else (draft.codes if draft else ()),
                template_id=form.template_id if form else (draft.template_id if draft else None),
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
        self._pending = pending
        self.query_one(PendingList).show(pending, self.desk.clock.now(), self.wrapup.id)

    def refresh_waiting_times(self) -> None:
        """Waiting times in the pending list move on; no store read is needed for that."""
        self.show_pending(self._pending)

    # -- codes, template form and preview (docs/templates.md) --------------------------

    def load_note_form(self) -> NoteForm:
        if self.note_form is None:
            from acw_tui.tui.widgets.wrapup_panel import library_for, note_form_for

            library, problem = library_for(self.desk.config)
            if problem:
                self.notify(problem, title="Templates", severity="warning")
            self.note_form = note_form_for(self.desk, self.wrapup, library)
        return self.note_form

    async def build_wrapup_form(self) -> None:
        # Not when the screen closed (or the app is quitting) before its first paint.
        if not self.is_attached or getattr(self.app, "_exit", False):
            return
        if self.query("#wrapup-panel"):
            return
        from acw_tui.tui.widgets.note_preview import NotePreview
        from acw_tui.tui.widgets.wrapup_panel import WrapupPanel

        form = self.load_note_form()
        policy = self.desk.policy_for(self.wrapup)
        panel = WrapupPanel(
            form, require_code=policy.require_code, now=self.desk.clock.now, id="wrapup-panel"
        )
        try:
            await self.query_one("#wrapup-slot").mount(panel)
            await self.query_one("#preview-slot").mount(NotePreview(id="note-preview"))
        except NoMatches:
            return  # the wrap-up was finished or left while the form was being built
        if self.is_attached:
            self.refresh_preview()

    def action_focus_codes(self) -> None:
        for field in self.query("#code-filter"):
            field.focus()

    def on_wrapup_panel_changed(self) -> None:
        self._dirty = True
        self.preview_soon()

    def preview_soon(self) -> None:
        """Render once typing pauses, not on every keystroke."""
        if self._preview_timer is None:
            self._preview_timer = self.set_timer(PREVIEW_DELAY, self.refresh_preview)

    def refresh_preview(self) -> None:
        self._preview_timer = None
        if self.note_form is None:
            return  # the form is not built yet; it renders the preview when it is
        from acw_tui.service.finishing import call_context
        from acw_tui.tui.widgets.note_preview import NotePreview

        previews = self.query(NotePreview)
        if not previews:
            return
        self.note_form.notes = self.notes.text
        rendered = self.note_form.render(
            call=call_context(self.wrapup), agent=self.desk.agent_id, now=self.desk.clock.now()
        )
        # Show the note as it will be stored: with card numbers and ids redacted.
        redacted = self.desk.redactor.redact(rendered.text).text
        previews.first().show(dataclasses.replace(rendered, text=redacted))

    # -- actions -----------------------------------------------------------------------

    def finish_request(self) -> FinishRequest:
        """The rendered note with codes and fields; DeskError names what is missing."""
        from acw_tui.service.finishing import request_from_form

        request = request_from_form(self.desk, self.wrapup, self.load_note_form(), self.notes.text)
        return dataclasses.replace(request, guide_version=self.notes.guide.version)

    def action_finish(self) -> None:
        from acw_tui.service.finishing import finish_with_followups

        try:
            self.save_draft()
            request = self.finish_request()
            done = finish_with_followups(self.desk, self.wrapup, request, self._clock)
        except AcwError as exc:
            for panel in self.query("#wrapup-panel"):
                panel.show_refusal()  # type: ignore[attr-defined]
            self.status_line.update(str(exc))
            self.notify(str(exc), title="Not finished", severity="error")
            return
        self._dirty = False
        try:
            store_usage(self.desk, done, self.notes.guide, self.notes.reset_usage())
        except AcwError as exc:
            self.notify(f"Shorthand usage not stored: {exc}", severity="warning")
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

        from acw_tui.tui.screens.dialogs import ExtendDialog

        self.app.push_screen(ExtendDialog(policy.extend_seconds), extended)

    # -- shorthand ---------------------------------------------------------------------

    @on(NotesEditor.HintChanged, "#notes")
    def show_hint(self, event: NotesEditor.HintChanged) -> None:
        self.hint_line.update(event.hint)

    @on(NotesEditor.GuideLoaded, "#notes")
    def guide_loaded(self, event: NotesEditor.GuideLoaded) -> None:
        self.hint_line.update(guide_warning(event.guide))
        for panel in self.query("#guide-panel"):
            panel.set_guide(event.guide)  # type: ignore[attr-defined]

    def action_toggle_guide(self) -> None:
        """Show or hide the guide panel (built on first use: most notes never need it)."""
        from acw_tui.tui.widgets.guide_panel import GuidePanel

        found = self.query(GuidePanel)
        if not found:
            panel = GuidePanel(self.notes.guide, id="guide-panel")
            self.query_one("#acw-body").mount(panel)
            self.call_after_refresh(panel.focus_search)
            return
        panel = found.first()
        panel.display = not panel.display
        if panel.display:
            panel.focus_search()
        else:
            self.notes.focus()

    def action_expand_note(self) -> None:
        self.notes.action_expand_note()

    def on_guide_panel_entry_chosen(self, event: Message) -> None:
        self.notes.insert_entry(event.entry)  # type: ignore[attr-defined]

    def on_guide_panel_closed(self) -> None:
        self.query_one("#guide-panel").display = False
        self.notes.focus()

    def action_leave(self) -> None:
        """Back to the ready screen; the wrap-up stays pending and its clock runs on."""
        self.save_draft()
        self.app.back_to_ready()  # type: ignore[attr-defined]
