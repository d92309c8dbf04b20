"""The agent's desk: the wrap-up lifecycle of SPEC §2 over the store.

Both the phone-system hook (`acw call-ended`) and the screen go through a Desk, so the
rules — when ACW starts, when it times out, what finishing stores, how the agent state
log moves — live in one place. It never imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from acw_tui.core.clock import AcwClock, Clock, SystemClock
from acw_tui.core.model import AgentState, AgentStateName, Call, Extension, Wrapup
from acw_tui.core.policy import AcwPolicy
from acw_tui.core.redaction import policy_from_config, redactor_for
from acw_tui.errors import AcwError
from acw_tui.settings.config import Config
from acw_tui.store import Store
from acw_tui.store.agent_states import AgentStateRepository
from acw_tui.store.calls import CallRepository
from acw_tui.store.redaction_audit import RedactionAuditRepository
from acw_tui.store.wrapups import WrapupRepository


class DeskError(AcwError):
    """A lifecycle rule refused the action; the message says which and why."""


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

    @property
    def compliant(self) -> bool:
        """Compliance (SPEC §9): finished with a code and every required field."""
        return bool(self.codes) and self.required_complete


class Desk:
    def __init__(self, store: Store, config: Config, clock: Clock | None = None) -> None:
        self.store = store
        self.config = config
        self.clock = clock or SystemClock()
        self.calls = CallRepository(store)
        self.wrapups = WrapupRepository(store)
        self.states = AgentStateRepository(store)
        # Everything the agent types is redacted here, before any write (SPEC §10).
        self.redactor = redactor_for(policy_from_config(config))
        self.redaction_audit = RedactionAuditRepository(store)

    @property
    def agent_id(self) -> str:
        return self.config.agent_id

    def policy_for(self, wrapup: Wrapup) -> AcwPolicy:
        return self.config.policy.for_queue(wrapup.call.queue)

    def acw_clock(self, wrapup: Wrapup) -> AcwClock:
        return AcwClock(wrapup.started_at, self.clock)

    # -- the phone-system hook --------------------------------------------------------

    def call_started(
        self,
        external_id: str,
        *,
        queue: str | None = None,
        customer_ref: str | None = None,
        at: datetime | None = None,
    ) -> Call:
        now = self.clock.now()
        at = at or now
        existing = self.calls.by_external_id(self.config.site_id, external_id)
        if existing is not None and existing.ended_at is not None:
            raise DeskError(f"call {external_id}: already ended; a call id is used once")
        with self.store.transaction():
            call = self.calls.record(
                external_id=external_id,
                agent_id=self.agent_id,
                site_id=self.config.site_id,
                now=now,
                queue=queue,
                customer_ref=customer_ref,
                started_at=at,
            )
            self.states.change(self.agent_id, self.config.site_id, AgentStateName.ON_CALL, at, now)
        return call

    def call_ended(
        self,
        external_id: str,
        *,
        queue: str | None = None,
        customer_ref: str | None = None,
        talk_seconds: float | None = None,
        at: datetime | None = None,
    ) -> Wrapup:
        """The call is over: record it and open its wrap-up with the ACW clock at `at`."""
        now = self.clock.now()
        ended_at = at or now
        with self.store.transaction():
            existing = self.calls.by_external_id(self.config.site_id, external_id)
            if existing is not None and self.wrapups.for_call(existing.id) is not None:
                raise DeskError(f"call {external_id}: already ended; its wrap-up exists")
            if existing is not None and existing.started_at is not None:
                if ended_at < existing.started_at:
                    raise DeskError(
                        f"call {external_id}: end time {ended_at.isoformat()} is before "
                        f"its start {existing.started_at.isoformat()}"
                    )
                if talk_seconds is None:
                    talk_seconds = (ended_at - existing.started_at).total_seconds()
            call = self.calls.record(
                external_id=external_id,
                agent_id=self.agent_id,
                site_id=self.config.site_id,
                now=now,
                queue=queue,
                customer_ref=customer_ref,
                ended_at=ended_at,
                talk_seconds=talk_seconds,
            )
            wrapup = self.wrapups.open(call, ended_at, now)
            self.states.change(
                self.agent_id, self.config.site_id, AgentStateName.ACW, ended_at, now
            )
        return wrapup

    def open_by_hand(self) -> Wrapup:
        """F2: a call just ended and no phone hook told us; make up a local call id."""
        now = self.clock.now()
        return self.call_ended(f"manual-{now.strftime('%Y%m%d-%H%M%S-%f')}", at=now)

    # -- while the agent writes --------------------------------------------------------

    def pending(self) -> list[Wrapup]:
        return self.wrapups.pending(self.agent_id)

    def acw_running(self) -> bool:
        """Is the agent still in ACW for some wrap-up?"""
        return self.wrapups.acw_running(self.agent_id)

    def save_draft(
        self,
        wrapup: Wrapup,
        note: str,
        *,
        fields: dict[str, Any] | None = None,
        codes: tuple[str, ...] = (),
        template_id: str | None = None,
    ) -> None:
        clean = self.redactor.redact_record(note, fields, drafting=True)
        self.wrapups.save_draft(
            wrapup.id,
            note=clean.note,
            now=self.clock.now(),
            fields=clean.fields,
            codes=codes,
            template_id=template_id,
        )

    def extend(self, wrapup: Wrapup, reason: str) -> Wrapup:
        policy = self.policy_for(wrapup)
        reason = self.redactor.redact(reason.strip()).text
        if not reason:
            raise DeskError("an extension needs a reason")
        if not wrapup.acw_running:
            raise DeskError("ACW time for this wrap-up has already ended")
        if not policy.can_extend(len(wrapup.extensions)):
            if policy.timeout_seconds <= 0:
                raise DeskError("ACW has no time-out here, so there is nothing to extend")
            raise DeskError(f"no more extensions: the limit is {policy.max_extensions}")
        extension = Extension(self.clock.now(), reason, policy.extend_seconds)
        return self.wrapups.extend(wrapup, extension, self.clock.now())

    def check_timeout(self, wrapup: Wrapup, clock: AcwClock) -> Wrapup:
        """End the agent's ACW time if the time-out has passed; the note stays open."""
        if not wrapup.acw_running:
            return wrapup
        limit = self.policy_for(wrapup).timeout_after(len(wrapup.extensions))
        if limit is None or clock.elapsed() < limit:
            return wrapup
        now = self.clock.now()
        ended = self.wrapups.end_acw(wrapup, clock.moment_at(limit), limit, True, now)
        self._after_acw_ended(now)
        return ended

    def finish(
        self, wrapup: Wrapup, request: FinishRequest, clock: AcwClock | None = None
    ) -> Wrapup:
        """Store the final note; ends the ACW time too unless it had timed out already."""
        current = self.wrapups.get(wrapup.id)
        if not current.is_open:
            raise DeskError("this wrap-up is already finished")
        if self.policy_for(current).require_code and not request.codes:
            raise DeskError("a wrap-up code is required before finishing")
        clean = self.redactor.redact_record(request.note, request.fields)
        now = self.clock.now()
        ended_at = acw_seconds = None
        if current.acw_running:
            clock = clock or self.acw_clock(current)
            acw_seconds = clock.elapsed()
            ended_at = clock.moment_at(acw_seconds)
        with self.store.transaction():
            done = self.wrapups.finish(
                current,
                note=clean.note,
                now=now,
                ended_at=ended_at,
                acw_seconds=acw_seconds,
                codes=request.codes,
                template_id=request.template_id,
                template_version=request.template_version,
                fields=clean.fields,
                guide_version=request.guide_version,
                compliant=request.compliant,
            )
            self.redaction_audit.record(
                wrapup_id=done.id,
                agent_id=done.agent_id,
                site_id=done.site_id,
                findings=clean.findings,
                policy_version=self.redactor.policy.version,
                now=now,
            )
            self._after_acw_ended(now)
        return done

    # -- agent state -------------------------------------------------------------------

    def _after_acw_ended(self, now: datetime) -> None:
        """Ready again once no wrap-up is holding the agent in ACW."""
        if not self.acw_running():
            current = self.states.current(self.agent_id)
            if current is None or current.state == AgentStateName.ACW:
                self.set_state(AgentStateName.READY)

    def set_state(self, state: AgentStateName) -> AgentState:
        now = self.clock.now()
        return self.states.change(self.agent_id, self.config.site_id, state, now, now)

    def log_in(self) -> AgentState:
        """On opening the screen: ACW if wrap-ups are still running, else ready."""
        current = self.states.current(self.agent_id)
        if current is not None and current.state not in (AgentStateName.LOGGED_OUT,):
            return current
        running = self.acw_running()
        return self.set_state(AgentStateName.ACW if running else AgentStateName.READY)

    def log_in_after_break(self) -> AgentState:
        running = self.acw_running()
        return self.set_state(AgentStateName.ACW if running else AgentStateName.READY)

    def log_out(self) -> AgentState:
        return self.set_state(AgentStateName.LOGGED_OUT)

    def current_state(self) -> AgentState | None:
        return self.states.current(self.agent_id)

    def last_acw_seconds(self) -> float | None:
        last = self.wrapups.last_finished(self.agent_id)
        return last.acw_seconds if last else None


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return str(timedelta(seconds=int(seconds))).removeprefix("0:")
