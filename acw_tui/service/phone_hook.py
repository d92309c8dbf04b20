"""The phone-system side of the desk: a call started or ended (`acw call-ended`, `acw
listen`), facts added to a call, a wrap-up opened by hand, and the listener's state."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from acw_tui.core import call_ids, inputs
from acw_tui.core.model import (
    AgentStateName,
    Call,
    Draft,
    ListenerStatus,
    Wrapup,
)
from acw_tui.errors import Phrase
from acw_tui.service.desk_core import DeskCore
from acw_tui.service.errors import AlreadyEnded, DeskError, service_call

# What the listener's state keeps of one text (a line quoting the phone system's event,
# an error): enough for the screen's line, bounded whatever the phone system sends.
LISTENER_TEXT_LIMIT = 300


class PhoneHook(DeskCore):
    # -- the phone-system hook --------------------------------------------------------

    def _clean(self, text: str | None) -> str | None:
        """A hook field as it may be stored: card numbers and ids redacted, like a note."""
        if text is None:
            return None
        return self.redactor.redact(text).text

    def _call_id(self, external_id: str) -> str:
        """The call id as stored: checked as every door checks it, then redacted; when
        redaction changed it, with the short keyed digest of the raw id that keeps two
        cards ending alike two calls (`core/call_ids.py`)."""
        raw = inputs.call_id(external_id)
        return call_ids.as_stored(raw, self._clean(raw) or "", self._call_id_key)

    @functools.cached_property
    def _call_id_key(self) -> bytes:
        from acw_tui.store.store_keys import call_id_key

        return call_id_key(self.store)

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
        given: dict[str, Any] = {
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
        """Keep what the listener last said; its lines quote the phone system's events
        (a card number typed as a call id), so they are redacted like everything else."""
        from dataclasses import replace

        from acw_tui.store.listener_state import ListenerStateRepository

        def redacted(text: str) -> str:
            return self.redactor.redact(text).text[:LISTENER_TEXT_LIMIT]

        def clean(text: str | None) -> str | None:
            # A phrase stays one (the screen shows it in its reader's language); each
            # text in it is redacted, the template too when it is outside input.
            if isinstance(text, Phrase):
                return text.with_text(redacted)
            return redacted(text) if text else text

        status = replace(
            status,
            detail=clean(status.detail),
            last_event=clean(status.last_event),
            last_error=clean(status.last_error),
        )
        ListenerStateRepository(self.store).save(status, self.clock.now())

    @service_call
    def open_by_hand(self) -> Wrapup:
        """F2: a call just ended and no phone hook told us; make up a local call id."""
        now = self.clock.now()
        return self.call_ended(f"manual-{now.strftime('%Y%m%d-%H%M%S-%f')}", at=now)

    @service_call
    def for_call(self, external_id: str) -> tuple[Wrapup, Draft | None]:
        """The wrap-up of a call by the phone system's id (`acw show`), with its draft:
        the raw id or the id as stored and shown. A call stored before ids got their
        digest is found by its redacted text."""
        raw = inputs.call_id(external_id)
        external_id = self._call_id(raw)
        call = self.calls.by_external_id(self.site_id, external_id)
        if call is None and external_id != raw:
            call = self.calls.by_external_id(self.site_id, self._clean(raw) or "")
        wrapup = self.wrapups.for_call(call.id) if call else None
        if wrapup is None:
            raise DeskError(
                "unknown call id {call} at site {site}", call=repr(external_id), site=self.site_id
            )
        return wrapup, self.wrapups.draft(wrapup.id)
