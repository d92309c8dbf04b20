"""The agent's desk: the wrap-up lifecycle of SPEC §2 over the store.

The phone-system hook (`acw call-ended`), the command line and the screen all go through
a Desk, so the rules — when ACW starts, when it times out, what may be extended, when a
break may start, what finishing stores, how the agent state log moves — live in one
place. It returns core dataclasses and raises one error type, `DeskError`, whatever
went wrong underneath (a rule, the store, the disk). It never imports Textual.

Reads go to `reader` when one is given: the screen passes a second connection, so that
reading the pending list never waits behind a write that is waiting for a busy store.
"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from acw_tui.core import inputs
from acw_tui.core.clock import AcwClock, Clock, SystemClock
from acw_tui.core.model import (
    AgentState,
    AgentStateName,
    Call,
    Draft,
    Extension,
    ListenerStatus,
    QualityRecord,
    RedactionMark,
    Wrapup,
)
from acw_tui.core.policy import AcwPolicy
from acw_tui.core.redaction import NOTE, Finding, redactor_for
from acw_tui.core.shorthand import FillIns, UsageTally
from acw_tui.errors import AcwError
from acw_tui.settings.config import Config
from acw_tui.settings.redaction import policy_from_config
from acw_tui.store import Store
from acw_tui.store.agent_states import AgentStateRepository
from acw_tui.store.calls import CallRepository
from acw_tui.store.redaction_audit import RedactionAuditRepository
from acw_tui.store.shorthand_usage import record_usage
from acw_tui.store.wrapups import WrapupRepository

if TYPE_CHECKING:
    # Templates need Jinja2: loaded when the first wrap-up's form is built, not with the
    # desk (the phone hook and the screen's first paint never need them).
    from acw_tui.core.completion import CompletionModel
    from acw_tui.core.followups import Followup
    from acw_tui.core.quality import QualityChecker
    from acw_tui.core.shorthand import Guide
    from acw_tui.core.templates import TemplateLibrary
    from acw_tui.core.templates.form import NoteForm
    from acw_tui.reports.options import ReportSettings
    from acw_tui.reports.source import ReportSource
    from acw_tui.service.completion import CompletionKeeper
    from acw_tui.service.syncing import SyncFacts, SyncOutcome
    from acw_tui.store.followups import FollowupRepository

P = ParamSpec("P")
R = TypeVar("R")


class DeskError(AcwError):
    """The desk refused or could not do what was asked; the message says what and why."""


class AlreadyEnded(DeskError):
    """The call has already ended (its wrap-up exists): a repeated or late report."""


SCREEN_CACHE_KIB = 1024  # page cache of each of the screen's store connections


def service_call(method: Callable[P, R]) -> Callable[P, R]:
    """Whatever fails underneath reaches the caller as one DeskError with its message."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except DeskError:
            raise
        except (AcwError, sqlite3.Error, OSError) as exc:
            from acw_tui.user_errors import one_line

            raise DeskError(one_line(exc)) from exc

    return wrapper


@dataclass(frozen=True)
class FinishRequest:
    note: str
    codes: tuple[str, ...] = ()
    template_id: str | None = None
    template_version: int | None = None
    fields: dict[str, Any] | None = None
    guide_version: int | None = None
    # False when the template form still lacks a required field (finishing is then
    # refused by the screen, but a hook or a script may still store it as incomplete).
    required_complete: bool = True
    # Shorthand counts of this wrap-up, stored with it.
    usage: UsageTally | None = None
    # One line for the follow-ups list (codes, customer, first line of the note).
    summary: str = ""
    # The note-quality verdict (None: judged when finishing, from the stored note).
    quality: QualityRecord | None = None
    # Optional ACW, nothing written: a skipped note is not judged for quality.
    skipped: bool = False
    # What the agent wrote in the notes editor (learned for completion; `note` when
    # None) and the keys pressed to write it.
    notes: str | None = None
    keys_pressed: int | None = None

    @property
    def compliant(self) -> bool:
        """Compliance (SPEC §9): finished with a code and every required field."""
        return bool(self.codes) and self.required_complete


@dataclass(frozen=True)
class DraftContent:
    """What the agent has on screen for one wrap-up, as it would be saved."""

    note: str
    fields: dict[str, Any] | None = None
    codes: tuple[str, ...] = ()
    template_id: str | None = None


@dataclass(frozen=True)
class ReadyFacts:
    """What the ready screen shows between calls."""

    agent_id: str
    site_id: str
    state: AgentStateName
    last_acw_seconds: float | None
    pending: list[Wrapup] = field(default_factory=list)


class Desk:
    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Clock | None = None,
        *,
        reader: Store | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock or SystemClock()
        self.calls = CallRepository(store)
        self.wrapups = WrapupRepository(store)
        self.states = AgentStateRepository(store)
        self.redaction_audit = RedactionAuditRepository(store)
        self._use_reader(reader or store)
        # Everything anyone types is redacted here, before any write (SPEC §10).
        self.redactor = redactor_for(policy_from_config(config))

    # The completion model is read well after the screen opens (and by finishing): its
    # code loads on first use, not on the way to the agent's first key.
    @functools.cached_property
    def completion(self) -> CompletionKeeper:
        from acw_tui.service.completion import CompletionKeeper

        return CompletionKeeper(self.store.path, self.config.locale)

    # Follow-ups read due times as the templates do (Jinja2): loaded on first use.
    @functools.cached_property
    def _write_followups(self) -> FollowupRepository:
        from acw_tui.store.followups import FollowupRepository

        return FollowupRepository(self.store)

    @functools.cached_property
    def _read_followups(self) -> FollowupRepository:
        from acw_tui.store.followups import FollowupRepository

        return FollowupRepository(self.reader)

    @classmethod
    def open(cls, config: Config, path: Path) -> Desk:
        """A desk over the store at `path` (created or upgraded as needed)."""
        from acw_tui.store import open_store

        return cls(open_store(path), config)

    def _use_reader(self, reader: Store) -> None:
        self.reader = reader
        self._read_wrapups = WrapupRepository(reader)
        self._read_states = AgentStateRepository(reader)
        self.__dict__.pop("_read_followups", None)

    def with_own_reader(self) -> Desk:
        """Give reads a connection of their own (the screen's writes run on another
        thread and may wait for a busy store; its reads must not wait with them).

        The screen's two connections each keep a smaller page cache than SQLite's
        default: they read a page list or one wrap-up at a time, and on a million-row
        store the default let them hold 2.4 MiB more for no speed the agent can see."""
        if self.reader is self.store:
            from acw_tui.store import open_store

            self._use_reader(open_store(self.store.path, migrate=False))
            for store in (self.store, self.reader):
                store.keep_cache(SCREEN_CACHE_KIB)
        return self

    @property
    def agent_id(self) -> str:
        return self.config.agent_id

    @property
    def site_id(self) -> str:
        return self.config.site_id

    def policy_for(self, wrapup: Wrapup) -> AcwPolicy:
        return self.config.policy.for_queue(wrapup.call.queue)

    def acw_clock(self, wrapup: Wrapup) -> AcwClock:
        return AcwClock(wrapup.started_at, self.clock)

    def close(self) -> None:
        if self.reader is not self.store:
            self.reader.close()
        self.store.close()

    # -- the phone-system hook --------------------------------------------------------

    def _clean(self, text: str | None) -> str | None:
        """A hook field as it may be stored: card numbers and ids redacted, like a note."""
        if text is None:
            return None
        return self.redactor.redact(text).text

    def _call_id(self, external_id: str) -> str:
        """The call id as stored: checked as every door checks it, then redacted."""
        return self._clean(inputs.call_id(external_id)) or ""

    def _label(self, value: str | None, what: str) -> str | None:
        return self._clean(inputs.label(value, what))

    @service_call
    def call_started(
        self,
        external_id: str,
        *,
        queue: str | None = None,
        customer_ref: str | None = None,
        at: datetime | None = None,
        direction: str | None = None,
        source: str | None = None,
    ) -> Call:
        now = self.clock.now()
        external_id = self._call_id(external_id)
        at = now if at is None else inputs.event_time(at, now, "start time")
        with self.store.transaction():
            existing = self.calls.by_external_id(self.site_id, external_id)
            if existing is not None and existing.ended_at is not None:
                raise AlreadyEnded(
                    "call {call}: already ended; a call id is used once", call=external_id
                )
            call = self.calls.record(
                external_id=external_id,
                agent_id=self.agent_id,
                site_id=self.site_id,
                now=now,
                queue=self._label(queue, "queue"),
                customer_ref=self._label(customer_ref, "customer"),
                started_at=at,
                direction=direction,
                source=source,
            )
            self.states.change(self.agent_id, self.site_id, AgentStateName.ON_CALL, at, now)
        return call

    @service_call
    def call_ended(
        self,
        external_id: str,
        *,
        queue: str | None = None,
        customer_ref: str | None = None,
        talk_seconds: float | None = None,
        at: datetime | None = None,
        hold_seconds: float | None = None,
        direction: str | None = None,
        hung_up_by: str | None = None,
        source: str | None = None,
    ) -> Wrapup:
        """The call is over: record it and open its wrap-up with the ACW clock at `at`.
        `hold_seconds`, `direction`, `hung_up_by` and `source` come from a listening
        phone system (`acw listen`)."""
        now = self.clock.now()
        external_id = self._call_id(external_id)
        ended_at = now if at is None else inputs.event_time(at, now, "end time")
        if talk_seconds is not None:
            talk_seconds = inputs.seconds(talk_seconds, "talk seconds")
        if hold_seconds is not None:
            hold_seconds = inputs.seconds(hold_seconds, "hold seconds")
        with self.store.transaction():
            existing = self.calls.by_external_id(self.site_id, external_id)
            if existing is not None and self.wrapups.for_call(existing.id) is not None:
                raise AlreadyEnded(
                    "call {call}: already ended; its wrap-up exists", call=external_id
                )
            if existing is not None and existing.started_at is not None:
                if ended_at < existing.started_at:
                    raise DeskError(
                        "call {call}: end time {end} is before its start {start}",
                        call=external_id,
                        end=ended_at.isoformat(),
                        start=existing.started_at.isoformat(),
                    )
                if talk_seconds is None:
                    talk_seconds = (ended_at - existing.started_at).total_seconds()
            call = self.calls.record(
                external_id=external_id,
                agent_id=self.agent_id,
                site_id=self.site_id,
                now=now,
                queue=self._label(queue, "queue"),
                customer_ref=self._label(customer_ref, "customer"),
                ended_at=ended_at,
                talk_seconds=talk_seconds,
                hold_seconds=hold_seconds,
                direction=direction,
                hung_up_by=hung_up_by,
                source=source,
            )
            wrapup = self.wrapups.open(call, ended_at, now)
            self.states.change(self.agent_id, self.site_id, AgentStateName.ACW, ended_at, now)
        return wrapup

    @service_call
    def add_call_facts(
        self,
        external_id: str,
        *,
        talk_seconds: float | None = None,
        hold_seconds: float | None = None,
        hung_up_by: str | None = None,
    ) -> Call | None:
        """What a second report of a call adds (FreeSWITCH's hang-up after mod_callcenter's
        end): only the facts the call does not have yet; None for an unknown call."""
        now = self.clock.now()
        external_id = self._call_id(external_id)
        given = {
            "talk_seconds": None if talk_seconds is None else inputs.seconds(talk_seconds),
            "hold_seconds": (
                None if hold_seconds is None else inputs.seconds(hold_seconds, "hold seconds")
            ),
            "hung_up_by": self._label(hung_up_by, "hung up by"),
        }
        with self.store.transaction():
            call = self.calls.by_external_id(self.site_id, external_id)
            if call is None:
                return None
            missing = {k: v for k, v in given.items() if v is not None and getattr(call, k) is None}
            if not missing:
                return call
            return self.calls.record(
                external_id=external_id,
                agent_id=call.agent_id,
                site_id=self.site_id,
                now=now,
                **missing,
            )

    # -- the phone-system listener's state (`acw listen` writes, the screen reads) -------

    @service_call
    def listener_status(self) -> ListenerStatus | None:
        """What the newest listener last said, or None when none has run on this store."""
        from acw_tui.store.listener_state import ListenerStateRepository

        return ListenerStateRepository(self.reader).newest()

    @service_call
    def note_listener(self, status: ListenerStatus) -> None:
        from acw_tui.store.listener_state import ListenerStateRepository

        ListenerStateRepository(self.store).save(status, self.clock.now())

    @service_call
    def open_by_hand(self) -> Wrapup:
        """F2: a call just ended and no phone hook told us; make up a local call id."""
        now = self.clock.now()
        return self.call_ended(f"manual-{now.strftime('%Y%m%d-%H%M%S-%f')}", at=now)

    @service_call
    def for_call(self, external_id: str) -> tuple[Wrapup, Draft | None]:
        """The wrap-up of a call by the phone system's id (`acw show`), with its draft."""
        external_id = self._call_id(external_id)
        call = self.calls.by_external_id(self.site_id, external_id)
        wrapup = self.wrapups.for_call(call.id) if call else None
        if wrapup is None:
            raise DeskError(
                "unknown call id {call} at site {site}", call=repr(external_id), site=self.site_id
            )
        return wrapup, self.wrapups.draft(wrapup.id)

    # -- reading, for the screen ---------------------------------------------------------

    @service_call
    def pending(self) -> list[Wrapup]:
        """Open wrap-ups, oldest first."""
        return self._read_wrapups.pending(self.agent_id)

    @service_call
    def resume_order(self, pending: list[Wrapup]) -> list[Wrapup]:
        """Which wrap-up to show first after a start: the one with the newest draft."""
        return self._read_wrapups.newest_draft_first(pending)

    @service_call
    def draft(self, wrapup_id: str) -> Draft | None:
        return self._read_wrapups.draft(wrapup_id)

    @service_call
    def wrapup(self, wrapup_id: str) -> Wrapup:
        return self._read_wrapups.get(wrapup_id)

    @service_call
    def ready_facts(self) -> ReadyFacts:
        state = self._read_states.current(self.agent_id)
        last = self._read_wrapups.last_finished(self.agent_id)
        return ReadyFacts(
            agent_id=self.agent_id,
            site_id=self.site_id,
            state=state.state if state else AgentStateName.LOGGED_OUT,
            last_acw_seconds=last.acw_seconds if last else None,
            pending=self._read_wrapups.pending(self.agent_id),
        )

    @service_call
    def history(self, search: str = "", limit: int = 200) -> list[Wrapup]:
        """Finished wrap-ups, newest first, or those whose note matches `search`."""
        if search.strip():
            return self._read_wrapups.search(search, limit)
        return self._read_wrapups.recent(limit)

    @service_call
    def data_version(self) -> int:
        """Changes whenever another connection commits (the hook, or our own writes)."""
        return self.reader.data_version()

    @service_call
    def current_state(self) -> AgentState | None:
        return self._read_states.current(self.agent_id)

    @service_call
    def acw_running(self) -> bool:
        """Is the agent still in ACW for some wrap-up?"""
        return self._read_wrapups.acw_running(self.agent_id)

    @service_call
    def last_acw_seconds(self) -> float | None:
        last = self._read_wrapups.last_finished(self.agent_id)
        return last.acw_seconds if last else None

    # -- the guide and templates in force -------------------------------------------------

    def agent_guide(self) -> Guide:
        """Never raises: problems ride along on the guide (see `content.guide_warning`)."""
        from acw_tui.service import content

        return content.agent_guide(self.config)

    def fill_ins(self, wrapup: Wrapup) -> FillIns:
        """What `{today}`, `{customer}`, `{agent}` … of the guide stand for in a wrap-up."""
        return FillIns(self.clock, wrapup.call.customer_ref or "", self.agent_id)

    def often_undone(self) -> dict[str, tuple[int, int]]:
        """The entries this agent keeps undoing (abbr → (undone, used)), by the rule lint
        tells the lead about. Read on a connection of its own (asked from a worker
        thread); never raises: no coaching is the worst a broken store may cause."""
        from acw_tui.core.shorthand.lint import OFTEN_UNDONE_MIN, OFTEN_UNDONE_SHARE
        from acw_tui.store import open_store
        from acw_tui.store.shorthand_usage import usage_by_entry

        try:
            store = open_store(self.store.path, migrate=False)
            try:
                totals = usage_by_entry(store, agent_id=self.agent_id)
            finally:
                store.close()
        except (AcwError, sqlite3.Error, OSError):
            return {}
        return {
            abbr: (t.undone, t.used)
            for abbr, t in totals.items()
            if t.undone >= OFTEN_UNDONE_MIN and t.undone >= OFTEN_UNDONE_SHARE * max(t.used, 1)
        }

    def typing_aids(self) -> tuple[bool, bool]:
        """(completion on, coaching on) from `[shorthand]`; both on when it is unreadable
        (the guide's loading reports a broken section)."""
        from acw_tui.settings.shorthand import settings

        try:
            found = settings(self.config)
        except AcwError:
            return True, True
        return found.completion, found.coaching

    @service_call
    def completion_model(
        self, guide: Guide | None = None, pace: Callable[[], None] | None = None
    ) -> CompletionModel:
        """The site's completion model for its locale (loaded once; `guide` adds its
        expansions, and the templates in force their words). Slow the first time: ask
        from a worker thread, with `pace` waiting between steps for the agent to pause."""
        library, _problem = self.template_library()  # the form reports a problem
        if pace is None:
            return self.completion.model(guide, library)
        return self.completion.model(guide, library, pace)

    def template_library(self) -> tuple[TemplateLibrary, str | None]:
        """The templates in force and, when some or all are unusable, one line why."""
        from acw_tui.service import content

        return content.template_library(self.config)

    @service_call
    def note_form(self, wrapup: Wrapup, library: TemplateLibrary) -> NoteForm:
        """The note form of a wrap-up, restored from its draft."""
        from acw_tui.service import content

        return content.note_form(self.config, library, self._read_wrapups.draft(wrapup.id))

    # -- follow-ups ----------------------------------------------------------------------

    @service_call
    def open_followups(self, *, with_done_today: bool = False) -> list[Followup]:
        items = self._read_followups.open(self.site_id)
        if with_done_today:
            since = self.clock.now() - timedelta(days=1)
            items += self._read_followups.recently_done(since, self.site_id)
        return items

    @service_call
    def toggle_followup(self, item: Followup) -> Followup:
        """Done, or open again if it was done."""
        now = self.clock.now()
        if item.is_done:
            return self._write_followups.reopen(item.id, now)
        return self._write_followups.mark_done(item.id, now)

    def followup_due_soon(self) -> timedelta:
        """Follow-ups due within this are highlighted (`[templates] due_soon_minutes`)."""
        from acw_tui.settings.templates import templates_config

        try:
            return timedelta(minutes=templates_config(self.config).due_soon_minutes)
        except AcwError:
            return timedelta(hours=1)

    # -- sync ----------------------------------------------------------------------------

    @service_call
    def sync_facts(self) -> SyncFacts:
        from acw_tui.service.syncing import sync_facts

        return sync_facts(self.reader, self.config)

    @service_call
    def sync_now(self, progress: Callable[[int, int], None]) -> SyncOutcome:
        """Send the outbox and take newer guide and templates (minutes: run it off the
        screen's thread); it opens its own connection to the store."""
        from acw_tui.service.syncing import sync_now

        outcome = sync_now(self.store, self.config, progress)
        if "completion" in outcome.applied:
            self.completion.forget()  # the next wrap-up loads the new team model
        return outcome

    # -- reports -------------------------------------------------------------------------

    @service_call
    def report_settings(self) -> ReportSettings:
        from acw_tui.reports.options import ReportSettings
        from acw_tui.settings.config import section

        return section(self.config, "report", ReportSettings)

    def report_source(self) -> ReportSource:
        """A new connection for one report (reports run on worker threads)."""
        from acw_tui.reports.source import sqlite_source

        return sqlite_source(self.store.path)

    # -- while the agent writes ----------------------------------------------------------

    def _draft_findings(self, findings: tuple[Finding, ...]) -> list[RedactionMark]:
        return [RedactionMark(f.kind, f.action, f.location, f.start) for f in findings]

    @service_call
    def save_draft(
        self, wrapup: Wrapup, content: DraftContent, *, still_typing: bool = False
    ) -> bool:
        """Keep what the agent has typed; False when the save waits for the next one.

        A draft is redacted exactly as the finished note would be, so saving never
        changes text the final note keeps. `still_typing` says the text changed in the
        last moments: if a card number or security code may be being typed at its end,
        the save waits (at most one more draft interval) rather than store its first
        digits.
        """
        redactor = self.redactor
        clean = redactor.redact_record(content.note, content.fields)
        if still_typing:
            # The note's own findings were just counted: one more scan, not two.
            in_note = sum(f.location == NOTE for f in clean.findings)
            if len(redactor.scan(content.note, drafting=True)) > in_note:
                return False
        self.wrapups.save_draft(
            wrapup.id,
            note=clean.note,
            now=self.clock.now(),
            fields=clean.fields,
            codes=content.codes,
            template_id=content.template_id,
            findings=self._draft_findings(clean.findings),
        )
        return True

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
            return _("no more extensions: the limit is {limit}").format(
                limit=policy.max_extensions
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
                timed_out = wrapup.is_open
                auto_code = None
                if timed_out and policy.auto_code and not self._codes_picked(wrapup):
                    auto_code = policy.auto_code
                ended.append(
                    self.wrapups.end_acw(wrapup, moment, limit, timed_out, now, auto_code=auto_code)
                )
            if ended:
                self._after_acw_ended(self.clock.now())
        return ended

    def _codes_picked(self, wrapup: Wrapup) -> bool:
        """Has the agent picked a code, stored or in the draft?"""
        if wrapup.codes:
            return True
        draft = self.wrapups.draft(wrapup.id)
        return bool(draft and draft.codes)

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
                raise DeskError("this wrap-up is already finished")
            policy = self.policy_for(current)
            codes = request.codes or ((current.auto_code,) if current.auto_code else ())
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
            draft = self.wrapups.draft(current.id)
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
                final_chars=len(written),
            )
            self._audit(done, clean.findings, draft, now)
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
                raise DeskError("this wrap-up is already finished")
            done = self.wrapups.discard(current, reason, now)
            self._after_acw_ended(now)
        return done

    # -- agent state -------------------------------------------------------------------

    def _after_acw_ended(self, now: datetime) -> None:
        """Ready again once no wrap-up is holding the agent in ACW."""
        if not self.wrapups.acw_running(self.agent_id):
            current = self.states.current(self.agent_id)
            if current is None or current.state == AgentStateName.ACW:
                self._set_state(AgentStateName.READY)

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
        return self._set_state(AgentStateName.LOGGED_OUT)


def _summary(done: Wrapup) -> str:
    """One line for the follow-ups list: codes, customer, first line of the note."""
    first_line = next((line for line in done.note.splitlines() if line.strip()), "")
    parts = [", ".join(done.codes), done.call.customer_ref or "", first_line]
    return " · ".join(p for p in parts if p)[:200]
