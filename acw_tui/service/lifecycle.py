"""A wrap-up from the agent's first key to its end: drafts, extensions, time-outs,
finishing (with its note-quality verdict and redaction audit), discarding, and the
agent-state log that ACW moves."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from acw_tui.core.clock import AcwClock
from acw_tui.core.model import (
    AgentState,
    AgentStateName,
    Draft,
    Extension,
    QualityRecord,
    RedactionMark,
    Wrapup,
)
from acw_tui.core.redaction import Finding
from acw_tui.core.redaction.engine import NOTE
from acw_tui.core.shorthand import UsageTally
from acw_tui.service.desk_core import DeskCore
from acw_tui.service.errors import DeskError, WrapupClosed, service_call
from acw_tui.service.requests import DraftContent, DraftKept, FinishRequest
from acw_tui.store.shorthand_usage import record_usage

if TYPE_CHECKING:
    # Templates need Jinja2: loaded when the first wrap-up's form is built, not with the
    # desk (the phone hook and the screen's first paint never need them).
    from acw_tui.core.quality import QualityChecker
    from acw_tui.core.templates.form import NoteForm


class WrapupLifecycle(DeskCore):
    # -- while the agent writes ----------------------------------------------------------

    def _draft_findings(self, findings: tuple[Finding, ...]) -> list[RedactionMark]:
        return [RedactionMark(f.kind, f.action, f.location, f.start) for f in findings]

    @service_call
    def save_draft(
        self,
        wrapup: Wrapup,
        content: DraftContent,
        *,
        still_typing: bool = False,
        paused: bool = False,
        after_close: bool = False,
    ) -> DraftKept:
        """Keep what the agent has typed.

        A draft is redacted exactly as the finished note would be, so saving never
        changes text the final note keeps. `still_typing` says the text changed in the
        last moments: if a card number or security code may be being typed at its end,
        the save waits (WAITS) rather than store its first digits. `paused`: the same
        text waited once already, so the agent has stopped in the middle of the number
        (the customer reads the rest out later); it is stored with that number masked
        (MASKED), and the screen keeps it as typed. Form fields are masked so at once.

        A wrap-up another acw window finished or discarded is refused (WrapupClosed),
        unless `after_close`: this window still shows it and says so, and what the agent
        types on is kept here as any draft is, until leaving adds it to the note
        (`add_to_note`) or, should this window die first, the next window does
        (`keep_left_behind`).
        """
        redactor = self.redactor
        spans = None
        kept = DraftKept.STORED
        if still_typing or paused:
            # One pass gives what the note loses and whether a number is being typed.
            spans, typed = redactor.scan_draft(content.note)
            if typed and not paused:
                return DraftKept.WAITS
            if typed:
                spans = sorted(spans + typed, key=lambda span: span.start)
                kept = DraftKept.MASKED
        drafting = still_typing or paused
        clean = redactor.redact_record(
            content.note, content.fields, note_spans=spans, drafting=drafting
        )
        # A field has no end that more typing moves away from: a number in it that may
        # be the start of a card is masked at once while the agent types.
        if (
            drafting
            and content.fields
            and kept is DraftKept.STORED
            and clean.fields != redactor.redact_record("", content.fields).fields
        ):
            kept = DraftKept.MASKED
        with self.store.transaction():
            # Another acw window on this store may have finished it meanwhile: a draft
            # of a closed wrap-up would never be opened again (see add_to_note), unless
            # this window knows and adds it when the agent leaves (`after_close`).
            closed = None if after_close else self.wrapups.closed(wrapup.id)
            if closed is not None:
                raise WrapupClosed(closed)
            if self._only_shown(wrapup.id, clean.note, clean.fields, content):
                return kept
            self.wrapups.save_draft(
                wrapup.id,
                note=clean.note,
                now=self.clock.now(),
                fields=clean.fields,
                codes=content.codes,
                template_id=content.template_id,
                findings=self._draft_findings(clean.findings),
                screen=self.screens.number,
            )
            self._take_up(wrapup.id)
        return kept

    def _only_shown(
        self, wrapup_id: str, note: str, fields: dict[str, Any] | None, content: DraftContent
    ) -> bool:
        """Is this the draft a running window saved, shown here and not changed? Kept as
        this window's own, it would come back into the note after that window's agent
        deleted some of it and finished there."""
        screen = self.started_from.get(wrapup_id)
        if screen is None or not self.screens.alive(screen):
            return False
        if self.wrapups.draft_of(wrapup_id, self.screens.number) is not None:
            return False
        shown = self.wrapups.draft_of(wrapup_id, screen)
        return (
            shown is not None
            and shown.note == note
            and tuple(shown.codes) == tuple(content.codes)
            and shown.template_id == content.template_id
            and _filled(shown.fields) == _filled(fields)
        )

    def _take_up(self, wrapup_id: str, *, closing: bool = False) -> None:
        """The text on this screen started from a draft of an acw window that has quit
        or died: this window's draft (or note) now holds that text, so the old draft goes.
        Left, it would be added to the note again as left behind, with whatever the agent
        deleted from it here. A running window's draft stays: it is that window's text.
        `closing`: the wrap-up is finished, discarded or added to here; nothing to watch."""
        screen = self.started_from.get(wrapup_id)
        if screen is None:
            return
        if not self.screens.alive(screen):
            self.wrapups.drop_draft(wrapup_id, screen)
            closing = True
        if closing:
            del self.started_from[wrapup_id]

    def left_out(self, wrapup: Wrapup, typed: str) -> str:
        """What of `typed` (redacted, trimmed) the stored note of `wrapup` lacks: "" when
        it is blank or already in the note; what `add_to_note` would add."""
        return self._left_out(wrapup, self.redactor.redact(typed).text)

    @staticmethod
    def _left_out(wrapup: Wrapup, redacted: str) -> str:
        """The text, unless the note holds it whole: as the note, or as one of its
        paragraphs. A few words that happen to occur inside the note are added: "resolved"
        typed in one window is not "not resolved" in the other's."""
        text = redacted.strip()
        held = {wrapup.note.strip(), *(p.strip() for p in re.split(r"\n\s*\n", wrapup.note))}
        return "" if text in held else text

    @service_call
    def add_to_note(self, wrapup: Wrapup, typed: str) -> Wrapup | None:
        """Text typed for a wrap-up that another acw window finished or discarded
        meanwhile, kept: added after its stored note (redacted, audited, synced as a
        newer version). None when there is nothing to add: blank, or already in it."""
        with self.store.transaction():
            current = self.wrapups.get(wrapup.id)
            if current.is_open:
                raise DeskError("this wrap-up is still open: its text is kept as a draft")
            clean = self.redactor.redact(typed)
            text = self._left_out(current, clean.text)
            if not text:
                return None
            now = self.clock.now()
            done = self.wrapups.add_to_note(current, text, now, self.screens.number)
            self._take_up(current.id, closing=True)
            # The audit gives places in the stored note, where the text now ends it.
            shift = _moved_by(done, text, clean.text)
            moved = tuple(
                dataclasses.replace(f, start=f.start + shift, end=f.end + shift)
                for f in clean.findings
            )
            self._audit(done, moved, None, now)
        return done

    @service_call
    def has_wrapup(self, wrapup_id: str) -> bool:
        return self.wrapups.exists(wrapup_id)

    @service_call
    def take_back(self, wrapup_id: str, kept: DraftContent) -> Wrapup | None:
        """A draft a quit kept in files because the store refused it (service/unsaved.py):
        into this window's draft of an open wrap-up (its text in place of the older text
        it grew from, else after it; its codes, template and fields where the stored
        draft has none), or its text after the note of a closed one as `add_to_note`
        adds. None when the store holds all of it already."""
        with self.store.transaction():
            current = self.wrapups.get(wrapup_id)
            if not current.is_open:
                return self.add_to_note(current, kept.note)
            clean = self.redactor.redact_record(kept.note, kept.fields)
            text = clean.note.strip()
            own = self.wrapups.draft(wrapup_id, self.screens.number)
            have = (
                DraftContent(own.note.strip(), own.fields, tuple(own.codes), own.template_id)
                if own is not None
                else DraftContent("")
            )
            if have.note in text:
                note = text  # grown from the stored text
            elif text in have.note:
                note = have.note
            else:
                note = f"{have.note}\n\n{text}"
            merged = DraftContent(  # what the store has wins; the kept fills what it lacks
                note,
                have.fields if have.fields or not clean.fields else clean.fields,
                tuple(dict.fromkeys((*have.codes, *kept.codes))),
                have.template_id or kept.template_id,
            )
            if merged == have:
                return None  # the store holds all of it already
            self.wrapups.save_draft(
                wrapup_id,
                note=merged.note,
                now=self.clock.now(),
                fields=merged.fields,
                codes=merged.codes,
                template_id=merged.template_id,
                screen=self.screens.number,
            )
            if own is not None and own.screen != self.screens.number:
                self.started_from[wrapup_id] = own.screen
                self._take_up(wrapup_id)
        return current

    @service_call
    def keep_left_behind(self, on_screen: Iterable[str] = ()) -> list[Wrapup]:
        """Drafts of wrap-ups that are no longer open, left by this window (it left the
        wrap-up before another window finished it) or by a window that quit or died:
        their text is added to the stored note as `add_to_note` does, and the draft goes.
        A running window's draft is that window's to add; this window's drafts of the
        wrap-ups in `on_screen` wait until the agent leaves them. The wrap-ups added to."""
        if not self.wrapups.left_behind():
            return []  # as nearly always: no write, no wait for the store's lock
        held = set(on_screen)
        added: list[Wrapup] = []
        with self.store.transaction():
            for draft in self.wrapups.left_behind():
                mine = draft.screen == self.screens.number
                if (mine and draft.wrapup_id in held) or (
                    not mine and self.screens.alive(draft.screen)
                ):
                    continue
                done = self._add_left(draft)
                if done is not None:
                    added.append(done)
        return added

    def _add_left(self, draft: Draft) -> Wrapup | None:
        """A left draft's text after its closed wrap-up's note, as `add_to_note` adds
        it, with its audit marks; the draft goes. None when the note holds it already."""
        current = self.wrapups.get(draft.wrapup_id)
        text = self._left_out(current, draft.note)
        if not text:
            self.wrapups.drop_draft(draft.wrapup_id, draft.screen)
            return None
        now = self.clock.now()
        done = self.wrapups.add_to_note(current, text, now, draft.screen)
        # The draft's audit marks, moved to where its text now ends the note.
        shift = _moved_by(done, text, draft.note)
        moved = dataclasses.replace(
            draft,
            findings=tuple(
                dataclasses.replace(m, position=m.position + shift) if m.location == NOTE else m
                for m in draft.findings
            ),
        )
        self._audit(done, (), moved, now)
        return done

    def _add_left_by_quit_windows(self, closed: Wrapup) -> Wrapup:
        """Drafts of `closed` (just finished or discarded here) that windows which have
        quit or died left: added in the same transaction, so their text is in the note at
        once (a running window adds its own once it sees the wrap-up closed)."""
        for draft in self.wrapups.left_behind(closed.id):
            if draft.screen != self.screens.number and not self.screens.alive(draft.screen):
                closed = self._add_left(draft) or closed
        return closed

    @service_call
    def extension_refusal(self, wrapup: Wrapup) -> str | None:
        """Why ACW for this wrap-up cannot be extended now; None when it can."""
        policy = self.policy_for(wrapup)
        from acw_tui.i18n import _

        if not wrapup.acw_running:
            return _("ACW time for this wrap-up has already ended")
        if policy.timeout_seconds <= 0:
            return _("ACW has no time-out here, so there is nothing to extend")
        if not policy.can_extend(len(wrapup.extensions)):
            return _("no more extensions: the limit is {limit}").format(limit=policy.max_extensions)
        return None

    @service_call
    def discard_refusal(self, wrapup: Wrapup) -> str | None:
        """Why this wrap-up cannot be discarded; None when it can. One whose ACW time is
        on record (timed out) counts in the reports: discarding would take that time
        and the time-out out of every report."""
        from acw_tui.i18n import _

        if wrapup.is_open and not wrapup.acw_running:
            return _(
                "this wrap-up's ACW time has ended (timed out) and counts in the reports: "
                "it cannot be discarded; finish it instead"
            )
        return None

    @service_call
    def extend(self, wrapup: Wrapup, reason: str = "") -> Wrapup:
        """More ACW time; a reason is needed unless the mode is agent-requested."""
        from acw_tui.core.policy import REQUESTED_REASON

        current = self.wrapups.get(wrapup.id)
        policy = self.policy_for(current)
        reason = self.redactor.redact(reason.strip()).text
        if not reason and policy.extension_needs_reason:
            raise DeskError("an extension needs a reason")
        refusal = self.extension_refusal(current)
        if refusal:
            raise DeskError(refusal)
        now = self.clock.now()
        extension = Extension(now, reason or REQUESTED_REASON, policy.extend_seconds)
        return self.wrapups.extend(current, extension, now)

    def timeout_due(self, wrapup: Wrapup) -> bool:
        """Has this wrap-up's ACW time-out passed? (no store access: cheap to ask often)"""
        if wrapup.status not in ("open", "done") or not wrapup.acw_running:
            return False
        limit = self.policy_for(wrapup).timeout_after(len(wrapup.extensions))
        return limit is not None and self.acw_clock(wrapup).elapsed() >= limit

    @service_call
    def check_timeouts(self) -> list[Wrapup]:
        """End the agent's ACW time for every wrap-up whose time-out has passed, on
        screen or not: open notes stay open (timed out, with the automatic code when
        none was picked); notes finished early under no-early-exit just end their ACW
        time. Returns the wrap-ups whose ACW time ended."""
        ended = []
        moments = []
        with self.store.transaction():
            for wrapup in (
                *self.wrapups.pending(self.agent_id),
                *self.wrapups.held(self.agent_id),
            ):
                if not self.timeout_due(wrapup):
                    continue
                policy = self.policy_for(wrapup)
                limit = policy.timeout_after(len(wrapup.extensions))
                assert limit is not None
                now = self.clock.now()
                moment = self.acw_clock(wrapup).moment_at(limit)
                moments.append(moment)
                timed_out = wrapup.is_open
                auto_code = None
                if timed_out and policy.auto_code and not self._codes_picked(wrapup):
                    auto_code = policy.auto_code
                ended.append(
                    self.wrapups.end_acw(wrapup, moment, limit, timed_out, now, auto_code=auto_code)
                )
            if ended:
                # The ACW state ends when the ACW time did, not when this look ran (a
                # screen looks every second; a hook or a window opened later, much later).
                self._after_acw_ended(max(moments))
        return ended

    def _codes_picked(self, wrapup: Wrapup) -> bool:
        """Has the agent picked a code, stored or in the draft of any acw window?"""
        return bool(wrapup.codes) or self.wrapups.codes_in_drafts(wrapup.id)

    @service_call
    def finish(
        self,
        wrapup: Wrapup,
        request: FinishRequest,
        clock: AcwClock | None = None,
        *,
        zone: tzinfo | None = None,
    ) -> Wrapup:
        """Store the final note with everything that belongs to it, in one transaction
        and one durable commit: note, fields, codes, follow-up, shorthand counts,
        redaction audit (the draft's too) and the agent's state. Ends the ACW time unless
        it had timed out already."""
        now = self.clock.now()
        with self.store.transaction():
            current = self.wrapups.get(wrapup.id)
            if not current.is_open:
                raise WrapupClosed(current)
            policy = self.policy_for(current)
            # A code given twice is one code: reports count a wrap-up once per code.
            codes = tuple(dict.fromkeys(request.codes)) or (
                (current.auto_code,) if current.auto_code else ()
            )
            if policy.require_code and not codes:
                raise DeskError("a wrap-up code is required before finishing")
            clean = self.redactor.redact_record(request.note, request.fields)
            quality = request.quality
            if quality is None and not request.skipped:
                quality = self._judge(clean.note, clean.fields, codes, request.template_id)
            # What the agent wrote, as stored: never a redacted value (SPEC §10).
            written = (
                clean.note if request.notes is None else self.redactor.redact(request.notes).text
            )
            draft = self.wrapups.draft(current.id, self.screens.number)
            ended_at = acw_seconds = None
            if current.acw_running:
                clock = clock or self.acw_clock(current)
                elapsed = clock.elapsed()
                # With no early exit the ACW time runs on to the time-out
                # (check_timeouts ends it); the note is finished now all the same.
                if policy.finish_ends_acw(elapsed, len(current.extensions)):
                    acw_seconds = elapsed
                    ended_at = clock.moment_at(acw_seconds)
            done = self.wrapups.finish(
                current,
                note=clean.note,
                now=now,
                ended_at=ended_at,
                acw_seconds=acw_seconds,
                codes=codes,
                template_id=request.template_id,
                template_version=request.template_version,
                fields=clean.fields,
                guide_version=request.guide_version,
                compliant=request.compliant,  # an automatic code is not the agent's
                quality=quality,
                keys_pressed=request.keys_pressed,
                final_chars=max(0, len(written) - request.carried_chars),
                screen=self.screens.number,
            )
            self._take_up(current.id, closing=True)
            self._audit(done, clean.findings, draft, now)
            done = self._add_left_by_quit_windows(done)
            learned = self.completion.learn(self.store, written)
            from acw_tui.core.followups import plan_from_fields

            summary = request.summary or _summary(done)
            plan = plan_from_fields(done.fields, self.agent_id, summary, zone)
            if plan is not None:
                self._write_followups.add(done.id, self.agent_id, self.site_id, plan, now)
            if request.usage:
                record_usage(
                    self.store,
                    done.id,
                    self.agent_id,
                    self.site_id,
                    request.guide_version,
                    request.usage.rows(),
                    now,
                )
            self._after_acw_ended(now)
        self.completion.learned(learned)
        return done

    @service_call
    def finish_form(
        self,
        wrapup: Wrapup,
        form: NoteForm,
        *,
        usage: UsageTally | None = None,
        guide_version: int | None = None,
        clock: AcwClock | None = None,
        allow_empty: bool = False,
        zone: tzinfo | None = None,
        confirm_critical: bool = False,
    ) -> Wrapup:
        """Finish from the screen's note form: refused (DeskError) while a required code or
        field is missing, (EmptyNote) when nothing was written unless `allow_empty`, and
        (CriticalItemMissing) while a critical quality rule fails unless
        `confirm_critical` (or refused outright when the policy says so)."""
        from acw_tui.service.finishing import request_from_form

        current = self.wrapups.get(wrapup.id)
        policy = self.policy_for(current)
        if policy.may_skip:
            allow_empty = True  # optional ACW: skipping the note needs no confirmation
        elif allow_empty and policy.note_required:
            raise DeskError("a wrap-up note is mandatory here: write what the call was about")
        request = request_from_form(
            current,
            form,
            agent_id=self.agent_id,
            require_code=policy.require_code and not current.auto_code,
            now=self.clock.now(),
            zone=zone,
            usage=usage,
            guide_version=guide_version,
            allow_empty=allow_empty,
        )
        request = self._judged(current, form, request, confirm_critical=confirm_critical)
        return self.finish(current, request, clock, zone=zone)

    # -- note quality ----------------------------------------------------------------------

    def quality_checker(self) -> tuple[QualityChecker, str | None]:
        """The note-quality rules in force and, when some are broken, one line why;
        never raises (the screen works on without a broken rule)."""
        from acw_tui.service import quality

        return quality.checker(self.config)

    def _judge(
        self,
        note: str,
        fields: dict[str, Any] | None,
        codes: tuple[str, ...],
        template_id: str | None,
    ) -> QualityRecord | None:
        """The verdict on a note finished without a form (hook, script)."""
        from acw_tui.core.quality import NoteInput
        from acw_tui.service.quality import record_of

        checker, _ = self.quality_checker()
        if checker.rules.empty:
            return None
        note_input = NoteInput(note, fields or {}, codes, template_id, self.config.locale)
        return record_of(checker.check(note_input), checker.rules)

    def _judged(
        self, wrapup: Wrapup, form: NoteForm, request: FinishRequest, *, confirm_critical: bool
    ) -> FinishRequest:
        """The request with its quality verdict; CriticalItemMissing (or a refusal, per
        policy) while a critical rule fails and the agent has not confirmed."""
        from acw_tui.service.quality import critical_refusal, note_input, record_of

        written = form.notes.strip() or any(
            v not in (None, "", False) for v in (request.fields or {}).values()
        )
        if not written and self.policy_for(wrapup).may_skip:
            return dataclasses.replace(request, skipped=True)
        checker, _ = self.quality_checker()
        if checker.rules.empty:
            return request
        codes = request.codes or ((wrapup.auto_code,) if wrapup.auto_code else ())
        judged = note_input(form, self.redactor.redact(form.notes).text, request.fields or {})
        result = checker.check(dataclasses.replace(judged, codes=codes))
        if result.critical_failed:
            critical_refusal(result, self.policy_for(wrapup), confirmed=confirm_critical)
        return dataclasses.replace(request, quality=record_of(result, checker.rules))

    def _audit(
        self, done: Wrapup, findings: tuple[Finding, ...], draft: Draft | None, now: datetime
    ) -> None:
        final = self._draft_findings(findings)
        earlier = [m for m in (draft.findings if draft else ()) if m not in final]
        marks = final + earlier
        if not marks:
            return
        self.redaction_audit.record(
            wrapup_id=done.id,
            agent_id=done.agent_id,
            site_id=done.site_id,
            findings=[
                Finding(m.kind, m.action, m.position, m.position, "", m.location) for m in marks
            ],
            policy_version=self.redactor.policy.version,
            now=now,
        )

    @service_call
    def discard(self, wrapup: Wrapup, reason: str) -> Wrapup:
        """A wrap-up opened by mistake (F2 pressed for no call): it leaves the pending
        list and every report; the row stays, with the reason, as the record of it."""
        reason = self.redactor.redact(reason.strip()).text
        if not reason:
            raise DeskError("discarding a wrap-up needs a reason")
        now = self.clock.now()
        with self.store.transaction():
            current = self.wrapups.get(wrapup.id)
            if not current.is_open:
                raise WrapupClosed(current)
            refusal = self.discard_refusal(current)
            if refusal:
                raise DeskError(refusal)
            done = self.wrapups.discard(current, reason, now, self.screens.number)
            self._take_up(current.id, closing=True)
            done = self._add_left_by_quit_windows(done)
            self._after_acw_ended(now)
        return done

    # -- agent state -------------------------------------------------------------------

    def _after_acw_ended(self, at: datetime) -> None:
        """Ready again, from `at`, once no wrap-up is holding the agent in ACW."""
        if not self.wrapups.acw_running(self.agent_id):
            current = self.states.current(self.agent_id)
            if current is None or current.state == AgentStateName.ACW:
                self._set_state(AgentStateName.READY, at)

    def _set_state(self, state: AgentStateName, at: datetime | None = None) -> AgentState:
        now = self.clock.now()
        return self.states.change(self.agent_id, self.site_id, state, at or now, now)

    @service_call
    def set_state(self, state: AgentStateName) -> AgentState:
        return self._set_state(state)

    @service_call
    def log_in(self, at: datetime | None = None) -> AgentState:
        """On opening the screen: ACW if wrap-ups are still running, else ready.
        `at`: when the screen opened, if the write comes later."""
        with self.store.transaction():
            current = self.states.current(self.agent_id)
            if current is not None and current.state != AgentStateName.LOGGED_OUT:
                return current
            running = self.wrapups.acw_running(self.agent_id)
            return self._set_state(AgentStateName.ACW if running else AgentStateName.READY, at)

    @service_call
    def toggle_break(self) -> AgentState:
        """F9: on a break, or back from it. No break while a wrap-up's ACW is timing."""
        with self.store.transaction():
            current = self.states.current(self.agent_id)
            running = self.wrapups.acw_running(self.agent_id)
            if current is not None and current.state == AgentStateName.BREAK:
                return self._set_state(AgentStateName.ACW if running else AgentStateName.READY)
            if running:
                raise DeskError("finish or leave ACW first: a wrap-up is still timing")
            return self._set_state(AgentStateName.BREAK)

    @service_call
    def log_out(self) -> AgentState:
        """The screen is closing. With another acw window still open on this store the
        agent is still at work: the state stays as it is (ACW % counts logged-in time)."""
        # This window's number goes first: of two windows closing at the same moment,
        # the one that looks last sees no other and logs out (each looking while the
        # other still held its number left the agent logged in with no window open).
        self.screens.release()
        if self.screens.others_open():
            current = self.states.current(self.agent_id)
            if current is not None:
                return current
        return self._set_state(AgentStateName.LOGGED_OUT)


def _moved_by(done: Wrapup, added: str, source: str) -> int:
    """How far a place in `source` moved once its trimmed text `added` ended the note."""
    return len(done.note) - len(added) - (len(source) - len(source.lstrip()))


def _filled(fields: dict[str, Any] | None) -> dict[str, Any]:
    """The fields that hold something (a form adds its empty ones)."""
    return {k: v for k, v in (fields or {}).items() if v not in ("", None, [], {})}


def _summary(done: Wrapup) -> str:
    """One line for the follow-ups list: codes, customer, first line of the note."""
    first_line = next((line for line in done.note.splitlines() if line.strip()), "")
    parts = [", ".join(done.codes), done.call.customer_ref or "", first_line]
    return " · ".join(p for p in parts if p)[:200]
