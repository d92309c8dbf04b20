"""The ACW screen: timer, call details, notes, pending list; ctrl+s finishes.

What the agent types is handed to the app's draft keeper and saved within half a second
of the last change (SPEC §2: at most 1 s of typing at risk); if the store refuses, the
text stays in memory and the next save tries again. Finishing runs on the store thread
and stores everything in one commit; until it is back, ctrl+s does nothing more.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Header, Label, TextArea

from acw_tui.core.clock import AcwClock
from acw_tui.core.model import Draft, Wrapup
from acw_tui.errors import AcwError
from acw_tui.i18n import N_, _, said
from acw_tui.service.desk import DraftContent
from acw_tui.service.drafts import DraftKeeper
from acw_tui.tui.after_pause import AfterPause
from acw_tui.tui.messages import (
    DraftSaved,
    DraftWaiting,
    LeaveWrapup,
    PendingChanged,
    WrapupChanged,
    WrapupFinished,
)
from acw_tui.tui.screens.base import DeskScreen
from acw_tui.tui.widgets.acw_timer import AcwTimer
from acw_tui.tui.widgets.call_details import CallDetails
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.keys_in_order import after_keys_in_hand
from acw_tui.tui.widgets.notes_editor import NotesEditor
from acw_tui.tui.widgets.pending_list import PendingList
from acw_tui.tui.widgets.redaction_marks import RedactionMarks, RedactionStatus
from acw_tui.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from acw_tui.core.templates.form import NoteForm
    from acw_tui.service.quality import CriticalItemMissing
    from acw_tui.tui.widgets.guide_panel import GuidePanel
    from acw_tui.tui.widgets.wrapup_panel import WrapupPanel

TICK_LATE = 0.02  # the clock ticks this long after each whole second of ACW time
PREVIEW_DELAY = 0.2  # the note preview follows typing after this pause
# Below this many rows the preview and the checklist would get fewer than four (a
# border and two lines): they give their rows to the notes instead (-short).
SHORT_ROWS = 23
# A finish or discard the store has not taken after this long says so on the status line.
SLOW_STORE = 0.3


class AcwScreen(DeskScreen):
    BINDINGS = [
        Binding("ctrl+s", "finish", N_("Finish"), priority=True),
        Binding("f10", "focus_codes", N_("Codes")),
        Binding("f8", "extend", N_("Extend")),
        Binding("escape", "leave", N_("Later")),
        Binding("ctrl+g", "toggle_guide", N_("Guide")),
    ]

    def __init__(self, wrapup: Wrapup, pending: list[Wrapup] | None = None) -> None:
        """`pending`: the open wrap-ups as the app last read them."""
        super().__init__()
        self.wrapup = wrapup
        self._pending = list(pending or [])
        self._dirty = False
        self._finishing = False
        self._slow_store: Timer | None = None  # says "Finishing…" when the store is slow
        self._clock: AcwClock | None = None
        self._draft: Draft | DraftContent | None = None
        # Why finishing was refused stays in the status line until the agent changes
        # something; a draft saved meanwhile does not hide it.
        self._refusal = ""
        self._draft_state = ""
        # Set once another acw window finished or discarded this wrap-up: what is typed
        # here goes into its note when the agent leaves it (AcwApp._closed_elsewhere).
        self._closed_note = ""
        self.note_form: NoteForm | None = None
        self._tick_timer: Timer | None = None
        self._preview = AfterPause(self, PREVIEW_DELAY, self.refresh_preview)
        self.hint_line = StatusLine(id="notes-hint")
        self.status_line = StatusLine(id="acw-status")
        # Screen changes asked for while this one is still being built (AcwApp.when_built).
        self.built = False
        self.after_built: list[Callable[[], None]] = []

    @property
    def wrapup_id(self) -> str:
        return self.wrapup.id

    def compose(self) -> ComposeResult:
        from acw_tui.tui.widgets.note_preview import NotePreview
        from acw_tui.tui.widgets.quality_checklist import QualityChecklist

        policy = self.desk.policy_for(self.wrapup)
        self._clock = self.desk.acw_clock(self.wrapup)
        # What the keeper holds is newer than the store (a save may have failed).
        self._draft = self.acw_app.drafts.get(self.wrapup.id) or self.calls.read(
            lambda: self.desk.draft(self.wrapup.id), what=_("reading the draft")
        )
        completion, coaching = self.desk.typing_aids()
        self.notes = NotesEditor(
            id="notes",
            guide_source=self.desk.agent_guide,
            usage=self.acw_app.drafts.usage(self.wrapup.id),
            completion_source=self.desk.completion_model if completion else None,
            coaching=coaching,
            fill_ins=lambda: self.desk.fill_ins(self.wrapup),
            undo_source=self.desk.often_undone,
        )
        yield Header()
        # Kept shallow on purpose: every container is paid for on the way to the first
        # paint, and the agent cannot type before it.
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
                yield PendingList(id="acw-pending", ticking=False)
            with Vertical(id="wrapup-slot"):
                yield self.wrapup_panel(policy.require_code)
            with Vertical(id="acw-note-col"):
                yield Label(_("Notes"), classes="section-title")
                yield self.notes
                yield self.hint_line
                yield RedactionStatus(id="redaction-status")
                with Vertical(id="preview-slot"):
                    yield NotePreview(id="note-preview")
                    checker, problem = self.desk.quality_checker()
                    shown = said(problem) if problem is not None else None
                    yield QualityChecklist(checker, shown, id="checklist")
                yield self.status_line
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = _("ACW · call {call}").format(call=self.wrapup.call.external_id)
        self.set_class(self.app.size.height < SHORT_ROWS, "-short")
        status = self.query_one(RedactionStatus)
        self.redaction_marks = RedactionMarks(self.notes, status, self.desk.redactor)
        self.watch(self.notes, "hint", self.hint_line.show, init=False)
        if self._draft is not None and self._draft.note:
            if self.notes.usage.fresh:  # a draft from an earlier run: its keys are unknown
                self.notes.usage.carried(self._draft.note)
            self.notes.load_text(self._draft.note)
            self.notes.move_cursor(self.notes.document.end)
        self.notes.focus()
        self.tick()
        self.query_one(PendingList).show(self._pending, self.desk.clock.now, self.wrapup.id)
        self.call_after_refresh(self.refresh_preview)
        self.call_after_refresh(self._built)

    def _built(self) -> None:
        self.built = True
        for then in self.after_built:
            then()
        self.after_built.clear()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT_ROWS, "-short")

    # -- timer and drafts --------------------------------------------------------------

    def tick(self) -> None:
        """Show the time now, and come back when the next whole second begins: the
        timer shows whole seconds, so waking more often would only cost the agent's
        typing (and two clocks, the timer's and the pending list's, draw in one frame)."""
        timer = self.query_one(AcwTimer)
        elapsed = self.elapsed()
        timer.elapsed = elapsed
        timer.timed_out = self.wrapup.timed_out
        self.query_one(PendingList).show_times()
        if self.wrapup.acw_running and self.desk.timeout_due(self.wrapup):
            self.acw_app.check_timeouts()
        if self._tick_timer is not None:
            self._tick_timer.stop()
        self._tick_timer = self.set_timer(1.0 - elapsed % 1.0 + TICK_LATE, self.tick)

    def elapsed(self) -> float:
        """ACW seconds so far (running) or as stored (ended)."""
        if self.wrapup.acw_running and self._clock is not None:
            return self._clock.elapsed()
        return self.wrapup.acw_seconds or 0.0

    @on(WrapupChanged)
    def wrapup_changed(self, event: WrapupChanged) -> None:
        if event.wrapup.id != self.wrapup.id:
            return
        self.wrapup = event.wrapup
        self.query_one(AcwTimer).extensions = len(self.wrapup.extensions)
        self.tick()
        auto = self.wrapup.auto_code
        if auto and self.note_form is not None and not self.note_form.codes:
            # The time-out stored its automatic code: ticked here too, so the agent sees
            # it and this screen's drafts keep it.
            from acw_tui.tui.widgets.code_picker import CodePicker

            for picker in self.query(CodePicker):
                picker.set_selected([auto])

    def _show_status(self) -> None:
        self.status_line.show(self._refusal or self._closed_note or self._draft_state)

    @on(TextArea.Changed, "#notes")
    def note_changed(self, event: TextArea.Changed) -> None:
        event.stop()  # read here only; the app has no use for each keystroke's change
        self._refusal = ""
        self._dirty = True
        self.redaction_marks.note_changed()
        self.preview_soon()

    def draft_content(self) -> DraftContent:
        """What is on screen now, as a draft."""
        form, draft = self.note_form, self._draft
        if form is not None:
            return DraftContent(
                self.notes.text, dict(form.raw), tuple(form.codes), form.template_id
            )
        return DraftContent(
            self.notes.text,
            dict(draft.fields) if draft and draft.fields is not None else None,
            tuple(draft.codes) if draft else (),
            draft.template_id if draft else None,
        )

    def hand_over_draft(self, keeper: DraftKeeper, *, leaving: bool = False) -> None:
        """Give what changed since the last hand-over to the keeper, which saves it.
        `leaving`: the agent is leaving this screen (or acw). Text kept for a wrap-up
        another window closed then goes to the keeper whole, saved as a draft or not:
        the keeper adds it to the stored note (the draft it was saved as goes then)."""
        if leaving and self._closed_note:
            self._dirty = True
        # (Also while unmounting: the editor still holds the text then.)
        if self._dirty and not self._finishing and hasattr(self, "notes"):
            keeper.put(self.wrapup.id, self.draft_content())
            self._dirty = False

    @on(DraftSaved)
    def draft_saved(self, event: DraftSaved) -> None:
        if event.wrapup_id == self.wrapup.id:
            self._draft_state = (
                _("Draft NOT saved: {problem}").format(problem=event.problem)
                if event.problem
                else _("Draft saved")
            )
            self._show_status()

    @on(DraftWaiting)
    def draft_waiting(self, event: DraftWaiting) -> None:
        if event.wrapup_id == self.wrapup.id:
            self._draft_state = _(
                "Draft not saved yet: waiting for the store (another program holds it)"
            )
            self._show_status()

    def on_unmount(self) -> None:
        self.hand_over_draft(self.acw_app.drafts, leaving=True)

    @on(PendingChanged)
    def show_pending(self, event: PendingChanged) -> None:
        self._pending = event.pending
        self.query_one(PendingList).show(event.pending, self.desk.clock.now, self.wrapup.id)
        if self._finishing or self._closed_note:
            return
        if all(w.id != self.wrapup.id for w in event.pending):
            stored = self.calls.read(lambda: self.desk.wrapup(self.wrapup.id))
            if stored is not None and not stored.is_open:
                self._closed_elsewhere(stored)

    def _closed_elsewhere(self, stored: Wrapup) -> None:
        """Another acw window on this store finished or discarded this wrap-up."""
        self.wrapup = stored
        call = stored.call.external_id
        discarded = stored.status == "discarded"
        if not self.desk.left_out(stored, self.notes.text):
            self._finishing = True  # nothing here that its note lacks: nothing to keep
            closed = (
                _("Call {call} was discarded in another acw window.")
                if discarded
                else _("Call {call} was finished in another acw window.")
            )
            self.notify(closed.format(call=call), title=_("Finished"), markup=False)
            self.acw_app.post_message(LeaveWrapup())
            return
        self._closed_note = (
            _(
                "Call {call} was discarded in another acw window: what you type here is "
                "added to its note when you leave it (esc or ctrl+s)."
            )
            if discarded
            else _(
                "Call {call} was finished in another acw window: what you type here is added "
                "to its note when you leave it (esc or ctrl+s)."
            )
        ).format(call=call)
        self._dirty = True  # all of it, saved as a draft before or not
        self.hand_over_draft(self.acw_app.drafts)
        self._show_status()
        self.notify(
            self._closed_note, title=_("Finished elsewhere"), severity="warning", markup=False
        )
        self.tick()

    # -- codes, template form and preview (docs/templates.md) --------------------------

    def load_note_form(self) -> NoteForm:
        if self.note_form is None:
            library, problem = self.desk.template_library()
            if problem:
                self.notify(said(problem), title=_("Templates"), severity="warning", markup=False)
            form = self.calls.read(lambda: self.desk.note_form(self.wrapup, library))
            if form is None:
                from acw_tui.core.templates.form import NoteForm

                form = NoteForm(library, self.desk.config.locale)
            if isinstance(self._draft, DraftContent):
                form.restore(
                    self._draft.codes, self._draft.template_id, self._draft.fields or {}, ""
                )
            self.note_form = form
        return self.note_form

    def wrapup_panel(self, require_code: bool) -> WrapupPanel:
        """Codes and the template form. Built with the screen: the agent needs them
        before the note is done, and a second layout pass after the first paint would
        cost more than building them at once."""
        from acw_tui.tui.widgets.wrapup_panel import WrapupPanel

        return WrapupPanel(
            self.load_note_form(),
            require_code=require_code,
            now=self.desk.clock.now,
            id="wrapup-panel",
        )

    def action_focus_codes(self) -> None:
        for field in self.query("#code-filter"):
            field.focus()

    def on_wrapup_panel_changed(self) -> None:
        self._refusal = ""
        self._dirty = True
        self.preview_soon()

    def preview_soon(self) -> None:
        """Render once typing pauses, not on every keystroke."""
        self._preview.poke()

    def refresh_preview(self) -> None:
        self._preview.cancel()
        if self.note_form is None or not self.is_mounted:
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
        from acw_tui.service.quality import note_input
        from acw_tui.tui.widgets.quality_checklist import QualityChecklist

        form, text = self.note_form, self.notes.text
        for checklist in self.query(QualityChecklist):
            checklist.note_changed(lambda: note_input(form, text))

    # -- finishing ---------------------------------------------------------------------

    def action_finish(self, allow_empty: bool = False, confirm_critical: bool = False) -> None:
        if self._finishing:
            return  # ctrl+s again while the first is being stored
        self._finishing = True
        # ctrl+s is a priority key, run as it is read: keys read just before it may
        # still wait in the editor's queue and belong in the note; keys after it are
        # not typed (the notes are held in the same queue, between the two).
        self.notes.call_later(self._hold_while_storing, _("Finishing…"))
        after_keys_in_hand(self.app, lambda: self._finish(allow_empty, confirm_critical))

    def _finish(self, allow_empty: bool, confirm_critical: bool) -> None:
        if not self.is_attached:
            return
        if self._closed_note:
            self._hold_while_storing(None)
            self.action_leave()  # leaving adds the text to the note stored elsewhere
            return
        from acw_tui.service.finishing import EmptyNote
        from acw_tui.service.quality import CriticalItemMissing

        form = self.load_note_form()
        form.notes = self.notes.text
        usage = self.acw_app.drafts.usage(self.wrapup.id)
        guide_version = self.notes.guide.version
        wrapup, clock = self.wrapup, self._clock

        def finished(done: Wrapup) -> None:
            # `_finishing` stays set: the screen is leaving, and its wrap-up being gone
            # from the pending list is this finish, not another window's.
            self._dirty = False
            self.acw_app.post_message(WrapupFinished(done))

        def refused(error: AcwError) -> None:
            self._hold_while_storing(None)
            if isinstance(error, EmptyNote):
                self.confirm_empty()
                return
            if isinstance(error, CriticalItemMissing):
                self.confirm_critical(error, allow_empty)
                return
            from acw_tui.tui.widgets.wrapup_panel import WrapupPanel

            for panel in self.query(WrapupPanel):
                panel.show_refusal()
            self._refusal = said(error)
            self._show_status()
            self.notify(self._refusal, title=_("Not finished"), severity="error", markup=False)

        self.calls.write(
            lambda: self.desk.finish_form(
                wrapup,
                form,
                usage=usage,
                guide_version=guide_version,
                clock=clock,
                allow_empty=allow_empty,
                confirm_critical=confirm_critical,
            ),
            done=finished,
            failed=refused,
        )

    def _hold_while_storing(self, doing: str | None) -> None:
        """While a finish or discard is being stored (`doing` says which; None when the
        store refused it): the notes take no typing, which that write has already read
        and no draft would keep. A store that takes longer than a moment (another program
        holds it) has the status line say so instead of "Draft saved"; a quick one
        changes nothing on screen (a frame drawn for it would delay the ready screen)."""
        self._finishing = doing is not None
        self.notes.held = doing is not None
        if self._slow_store is not None:
            self._slow_store.stop()
            self._slow_store = None
        if doing is not None:
            self._slow_store = self.set_timer(SLOW_STORE, lambda: self.status_line.show(doing))
        else:
            self._show_status()

    def confirm_critical(self, error: CriticalItemMissing, allow_empty: bool) -> None:
        from acw_tui.tui.screens.quality_dialog import CriticalItemsDialog

        def answered(finish_anyway: bool | None) -> None:
            if finish_anyway:
                self.action_finish(allow_empty=allow_empty, confirm_critical=True)
            else:
                self.notes.focus()

        self.app.push_screen(CriticalItemsDialog(error.missing), answered)

    def confirm_empty(self) -> None:
        from acw_tui.tui.screens.dialogs import EmptyNoteDialog

        def answered(choice: str | None) -> None:
            if choice == "finish":
                self.action_finish(allow_empty=True)
            elif choice == "discard":
                self.discard("opened by mistake (empty note)")
            else:
                self.notes.focus()

        self.app.push_screen(EmptyNoteDialog(self.wrapup.call.external_id), answered)

    def action_discard(self) -> None:
        from acw_tui.tui.screens.dialogs import ReasonDialog

        refusal = self.calls.read(lambda: self.desk.discard_refusal(self.wrapup))
        if refusal:  # said before the agent types a reason for nothing
            self.notify(
                _("Cannot discard: {reason}.").format(reason=refusal),
                severity="warning",
                markup=False,
            )
            return

        def answered(reason: str | None) -> None:
            if reason:
                self.discard(reason)

        self.app.push_screen(
            ReasonDialog(_("Discard this wrap-up (no real call) — why?"), _("e.g. F2 by mistake")),
            answered,
        )

    def discard(self, reason: str) -> None:
        if self._finishing:
            return
        if self._closed_note:
            self.action_leave()
            return
        self._hold_while_storing(_("Discarding…"))

        def discarded(done: Wrapup) -> None:
            self.acw_app.post_message(WrapupFinished(done))  # leaving: see finished()

        def refused(error: AcwError) -> None:
            self._hold_while_storing(None)
            self.acw_app.show_problem(error, _("Not discarded"))

        wrapup = self.wrapup
        self.calls.write(lambda: self.desk.discard(wrapup, reason), done=discarded, failed=refused)

    # -- extending ---------------------------------------------------------------------

    def action_extend(self) -> None:
        refusal = self.calls.read(lambda: self.desk.extension_refusal(self.wrapup))
        if refusal:
            self.notify(
                _("Cannot extend: {reason}.").format(reason=refusal),
                severity="warning",
                markup=False,
            )
            return
        policy = self.desk.policy_for(self.wrapup)

        def extended(wrapup: Wrapup) -> None:
            self.post_message(WrapupChanged(wrapup))
            self.notify(
                _("ACW extended: {reason}").format(reason=wrapup.extensions[-1].reason),
                markup=False,
            )

        def answered(reason: str | None) -> None:
            if reason:
                wrapup = self.wrapup
                self.calls.write(
                    lambda: self.desk.extend(wrapup, reason),
                    done=extended,
                    what=_("Not extended"),
                )

        if not policy.extension_needs_reason:
            answered(" ")  # agent-requested ACW: extended on demand, no reason asked
            return
        from acw_tui.tui.screens.dialogs import ExtendDialog

        self.app.push_screen(ExtendDialog(policy.extend_seconds), answered)

    # -- shorthand ---------------------------------------------------------------------

    @on(NotesEditor.GuideLoaded, "#notes")
    def guide_loaded(self, event: NotesEditor.GuideLoaded) -> None:
        from acw_tui.service.content import guide_warning

        warning = guide_warning(event.guide)
        self.hint_line.show(said(warning) if warning is not None else "")
        from acw_tui.tui.widgets.guide_panel import GuidePanel

        for panel in self.query(GuidePanel):
            panel.set_guide(event.guide)

    async def action_toggle_guide(self) -> None:
        """Show or hide the guide panel (built on first use: most notes never need it)."""
        from acw_tui.tui.widgets.guide_panel import GuidePanel

        found = self.query(GuidePanel)
        if not found:
            panel = GuidePanel(self.notes.guide, id="guide-panel")
            await self.query_one("#acw-body").mount(panel)
            # The agent may have left the screen (F2) while the panel was being built.
            if panel.is_attached and panel.query("#guide-search"):
                panel.focus_search()
            return
        panel = found.first()
        panel.display = not panel.display
        if panel.display:
            panel.focus_search()
        else:
            self.notes.focus()

    def action_expand_note(self) -> None:
        self.notes.action_expand_note()

    def on_guide_panel_entry_chosen(self, event: GuidePanel.EntryChosen) -> None:
        self.notes.insert_entry(event.entry)

    def on_guide_panel_closed(self) -> None:
        for panel in self.query("#guide-panel"):
            panel.display = False
        self.notes.focus()

    def action_leave(self) -> None:
        """Back to the ready screen; the wrap-up stays pending and its clock runs on."""
        self.acw_app.post_message(LeaveWrapup())
