"""The listener: an adapter's events into the desk's call lifecycle, never losing one.

For every event, in the order the phone system sent it: check it (`event.checked`),
keep it only if it is this desk's agent (`rules.Routing`), drop repeats
(`rules.Deduplicator`), then `Desk.call_started` (answered) or `Desk.call_ended` (ended:
the wrap-up opens with the ACW clock at the event's end time). A store that is locked
makes the event wait and retry, with backoff, until it is stored; a dropped connection
reconnects with backoff and says so. The state (connected, last event, errors) is kept
in the store for the screen.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import tenacity

from acw_tui.core.model import ListenerStatus
from acw_tui.errors import N_, Phrase
from acw_tui.listen.event import BadEvent, CallEvent, Phase, checked, internal
from acw_tui.listen.rules import Deduplicator, Routing, Verdict, routed
from acw_tui.listen.source import Adapter, AuthFailed, ConnectionLost, ListenError

if TYPE_CHECKING:
    from acw_tui.service.desk import Desk

log = logging.getLogger("acw.listen")


def _has_facts(event: CallEvent) -> bool:
    return any(v is not None for v in (event.talk_seconds, event.hold_seconds, event.hung_up_by))


class Outcome(StrEnum):
    STARTED = "call started"
    OPENED = "wrap-up opened"
    OTHER_AGENT = "ignored: another agent's call"
    DUPLICATE = "ignored: already reported"
    STALE = "ignored: answered after it ended"
    REFUSED = "refused"


# The outcomes as a person reads them in the log (marked for the catalogs; the values
# stay English in the store's state).
OUTCOME_TEXTS = (
    N_("call started"),
    N_("wrap-up opened"),
    N_("ignored: another agent's call"),
    N_("ignored: already reported"),
    N_("ignored: answered after it ended"),
    N_("refused"),
)


def _line(outcome: Outcome, event: CallEvent) -> Phrase:
    """`wrap-up opened: ami ended call …`, the outcome read in the reader's language."""
    return Phrase(N_("{outcome}: {event}"), outcome=Phrase(outcome.value), event=event.describe())


def _stop_asked() -> bool:
    """Has this task been asked to stop? Python 3.11's `asyncio.wait_for` loses a
    cancellation that arrives as the call it waits for completes (fixed in 3.12), and
    the listener went on reconnecting after it was stopped; the request stays counted."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


@dataclass
class Backoff:
    """Reconnect delays: doubling from `first` up to `longest`, with jitter so a site's
    listeners do not all knock at once after the phone system restarts."""

    first: float = 0.5
    longest: float = 30.0
    failures: int = 0

    def next_delay(self) -> float:
        delay = min(self.longest, self.first * 2**self.failures)
        self.failures += 1
        return delay * random.uniform(0.8, 1.0)

    def reset(self) -> None:
        self.failures = 0


# A connection that lasted this long (or delivered an event) was healthy: the next drop
# starts the backoff again. A shorter one that only logged in does not, so a manager that
# accepts the login and drops (or garbles) the connection at once is not knocked at
# twice a second for ever.
HEALTHY_AFTER = timedelta(minutes=1)


class Listener:
    """A Sink for one adapter that writes through a Desk (or, with `desk=None`, only
    says what it would do: `acw listen --check`)."""

    def __init__(
        self,
        adapter: Adapter,
        routing: Routing,
        desk: Desk | None,
        *,
        source: str,
        say: Callable[[str], None] = log.info,
        backoff: Backoff | None = None,
        locked_wait: tenacity.wait.wait_base | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.adapter = adapter
        self.routing = routing
        self.desk = desk
        self.say = say
        self.backoff = backoff or Backoff()
        self.locked_wait = locked_wait or tenacity.wait_exponential(multiplier=0.1, max=5)
        self.now = now
        self.dedup = Deduplicator()
        self.status = ListenerStatus(source=source, connected=False)
        self.outcomes: list[tuple[CallEvent, Outcome]] = []  # newest last, bounded
        self.connected_once = asyncio.Event()
        self._connected_at: datetime | None = None  # of the current connection
        self._dirty = False  # errors counted since the state was last saved
        # One store connection, one writer at a time: an event's write and the heartbeat's
        # state save run on worker threads and must not interleave their transactions.
        self._desk_lock = asyncio.Lock()

    # -- the Sink an adapter reports to ---------------------------------------------------

    @property
    def stores(self) -> bool:
        """False for `acw listen --check`: events are only described."""
        return self.desk is not None

    async def connected(self, detail: str) -> None:
        self._connected_at = self.now()
        self.say(Phrase(N_("connected: {detail}"), detail=detail))
        self.connected_once.set()
        await self._note(replace(self.status, connected=True, detail=detail))

    def bad(self, message: str) -> None:
        self.say(Phrase(N_("bad input: {message}"), message=message))
        self._error(message)

    def shown(self, text: str) -> str:
        if self.desk is not None:
            return self.desk.redactor.redact(text).text
        from acw_tui.core.redaction import redactor_for
        from acw_tui.core.redaction.policy import DEFAULT_POLICY

        return redactor_for(DEFAULT_POLICY).redact(text).text

    async def event(self, event: CallEvent, origin: str | None = None) -> str | None:
        """Take one event (`origin`: where it came from, for a line about a problem with
        it, e.g. the webhook's door and peer)."""
        try:
            event = checked(event)
        except BadEvent as exc:
            return self._refused(Phrase.of_error(exc), origin)
        self.backoff.reset()  # a connection that delivers events is a healthy one
        try:
            outcome = await self._handle(event, origin)
        except Exception as exc:  # a defect must cost one event, never the listener
            self.dedup.forget(event)
            return self._refused(internal(f"{event.source} event {event.event_id}", exc), origin)
        self._remember(event, outcome)
        return self.status.last_error if outcome is Outcome.REFUSED else None

    def _refused(self, message: str, origin: str | None) -> str:
        if origin is not None:
            message = Phrase(N_("{origin}: {message}"), origin=origin, message=message)
        self.bad(message)
        return message

    # -- running --------------------------------------------------------------------------

    async def run(self, heartbeat: float = 5.0) -> None:
        """Listen until cancelled; reconnect on every drop. A refused login or a refused
        subscription ends it (ListenError): retrying would only lock the account."""
        beating = asyncio.create_task(self._heartbeat(heartbeat))
        try:
            await self._listen()
        finally:
            beating.cancel()

    async def _heartbeat(self, every: float) -> None:
        """Save the state when bad input was counted since, and every few beats anyway,
        so the screen can tell a listener that stopped from a quiet phone system."""
        beats = 0
        while True:
            await asyncio.sleep(every)
            beats += 1
            if self._dirty or beats % 6 == 0:
                await self._note(self.status)

    async def _listen(self) -> None:
        while True:
            if _stop_asked():
                raise asyncio.CancelledError  # (see _stop_asked)
            try:
                await self.adapter.run(self)
                raise ConnectionLost(N_("{source}: the connection ended"), source=self.adapter.name)
            except ConnectionLost as exc:
                await self._reconnect(exc)
            except AuthFailed as exc:
                self._error(Phrase.of_error(exc))
                await self._note(replace(self.status, connected=False, detail=Phrase.of_error(exc)))
                raise
            except ListenError as exc:
                self._error(Phrase.of_error(exc))
                await self._note(replace(self.status, connected=False, detail=Phrase.of_error(exc)))
                raise
            except Exception as exc:  # a defect: said and counted, then connect again
                said = internal(self.adapter.name, exc)
                await self._reconnect(ConnectionLost(said.template, **said.params))

    async def _reconnect(self, exc: ConnectionLost) -> None:
        connected_at, self._connected_at = self._connected_at, None
        if connected_at is not None and self.now() - connected_at >= HEALTHY_AFTER:
            self.backoff.reset()
        delay = self.backoff.next_delay()
        self.say(
            Phrase(
                N_("connection lost: {reason}; reconnecting in {seconds} s"),
                reason=Phrase.of_error(exc),
                seconds=f"{delay:.1f}",
            )
        )
        self._error(Phrase.of_error(exc))
        await self._note(replace(self.status, connected=False, detail=Phrase.of_error(exc)))
        await asyncio.sleep(delay)

    # -- what an event does ---------------------------------------------------------------

    async def _handle(self, event: CallEvent, origin: str | None = None) -> Outcome:
        if not self.routing.is_ours(event):
            self.say(_line(Outcome.OTHER_AGENT, event))
            return Outcome.OTHER_AGENT
        event = routed(event, self.routing)
        verdict = self.dedup.verdict(event)
        if verdict is Verdict.DUPLICATE:
            if self.desk is not None and event.phase is Phase.ENDED and _has_facts(event):
                try:
                    await self._store(event, facts_only=True)
                except ListenError as exc:
                    self._refused(Phrase.of_error(exc), origin)
            self.say(_line(Outcome.DUPLICATE, event))
            return Outcome.DUPLICATE
        if verdict is Verdict.STALE:
            self.say(_line(Outcome.STALE, event))
            return Outcome.STALE
        outcome = Outcome.OPENED if event.phase is Phase.ENDED else Outcome.STARTED
        if self.desk is None:
            self.say(
                Phrase(
                    N_("would record ({outcome}): {event}"),
                    outcome=Phrase(outcome.value),
                    event=event.describe(),
                )
            )
            return outcome
        try:
            outcome = await self._store(event)
        except ListenError as exc:
            self.dedup.forget(event)
            self._refused(Phrase.of_error(exc), origin)
            return Outcome.REFUSED
        self.say(_line(outcome, event))
        await self._note(
            replace(
                self.status,
                last_event_at=self.now(),
                last_event=_line(outcome, event),
                events=self.status.events + 1,
            )
        )
        return outcome

    async def _store(self, event: CallEvent, *, facts_only: bool = False) -> Outcome:
        from acw_tui.service.desk import AlreadyEnded, DeskError
        from acw_tui.service.errors import DeskBusy, StoreFileGone

        desk = self.desk  # (the closures below read it when they run: see the reopen)
        assert desk is not None

        def write() -> Outcome:
            try:
                if facts_only:
                    # A second report of an ended call: it may know what the first did not.
                    desk.add_call_facts(
                        event.call_id,
                        talk_seconds=event.talk_seconds,
                        hold_seconds=event.hold_seconds,
                        hung_up_by=event.hung_up_by,
                    )
                    return Outcome.DUPLICATE
                if event.phase is Phase.ANSWERED:
                    start(event)
                    return Outcome.STARTED
                if event.answered_at is not None and not start_known:
                    # The end says when the call was answered: the call's start, as
                    # `acw call-started --at` records it (a start already known is kept).
                    started(event)
                desk.call_ended(
                    event.call_id,
                    queue=event.queue,
                    customer_ref=event.customer,
                    talk_seconds=event.talk_seconds,
                    hold_seconds=event.hold_seconds,
                    at=event.ended_at,
                    direction=event.direction,
                    hung_up_by=event.hung_up_by,
                    source=event.source,
                )
                return Outcome.OPENED
            except AlreadyEnded:
                # Reported before this listener started, or by another door (the hook).
                return Outcome.DUPLICATE if event.phase is Phase.ENDED else Outcome.STALE

        start_known = self.dedup.answered(event.call_id)

        def start(event: CallEvent) -> None:
            desk.call_started(
                event.call_id,
                queue=event.queue,
                customer_ref=event.customer,
                at=event.answered_at,
                direction=event.direction,
                source=event.source,
            )

        def started(event: CallEvent) -> None:
            """The start an end event tells of; one the store cannot take is said, and
            the wrap-up opens all the same."""
            try:
                start(event)
            except AlreadyEnded:
                raise
            except DeskError as exc:
                # An answer the store cannot take (older than a week while the end is
                # not): the wrap-up opens all the same, without its start.
                self.say(
                    Phrase(
                        N_("{source} event {event}: start not kept ({reason})"),
                        source=event.source,
                        event=event.event_id,
                        reason=exc,
                    )
                )

        def retrying(state: tenacity.RetryCallState) -> None:
            delay = state.next_action.sleep if state.next_action else 0.0
            self.say(
                Phrase(
                    N_("store locked; call {call} retried in {seconds} s"),
                    call=event.call_id,
                    seconds=f"{delay:.1f}",
                )
            )

        reopened = False
        while True:
            try:
                async for attempt in tenacity.AsyncRetrying(
                    retry=tenacity.retry_if_exception_type(DeskBusy),
                    wait=self.locked_wait,
                    before_sleep=retrying,
                    reraise=True,
                ):
                    with attempt:
                        async with self._desk_lock:
                            return await asyncio.to_thread(write)
            except StoreFileGone as exc:
                if not reopened:
                    reopened = True
                    desk = await self._reopen()
                    continue
                why: DeskError = exc
            except DeskError as exc:
                why = exc
            raise ListenError(
                N_("{source} event {event}: {reason}"),
                source=event.source,
                event=event.event_id,
                reason=why,
            )

    async def _reopen(self) -> Desk:
        """The store's file was moved, replaced or deleted under the listener: the file
        at the store's path takes the events from now on, as after a restart (nobody
        types into a listener, so it is kept nowhere else). DeskError if it cannot be
        opened."""
        old = self.desk
        assert old is not None
        async with self._desk_lock:
            if self.desk is old:  # (not opened again meanwhile by another write)
                self.desk = await asyncio.to_thread(old.reopened)
                self.say(
                    Phrase(
                        N_(
                            "the store file {path} was moved, replaced or deleted; the file "
                            "now at that path takes the events"
                        ),
                        path=self.desk.store.path,
                    )
                )
        return self.desk

    # -- state for the screen -------------------------------------------------------------

    def _remember(self, event: CallEvent, outcome: Outcome) -> None:
        self.outcomes.append((event, outcome))
        del self.outcomes[:-1000]

    def _error(self, message: str) -> None:
        self.status = replace(
            self.status,
            errors=self.status.errors + 1,
            last_error=message,  # (the desk bounds its length as it stores it)
            last_error_at=self.now(),
        )
        self._dirty = True

    async def _note(self, status: ListenerStatus) -> None:
        """Keep the state in the store for the screen; a store that cannot take it now
        is not worth holding calls for (the next change writes it again)."""
        self.status = status
        self._dirty = False
        if self.desk is None:
            return
        from acw_tui.service.errors import DeskError, StoreFileGone

        try:
            try:
                async with self._desk_lock:
                    await asyncio.to_thread(self.desk.note_listener, status)
            except StoreFileGone:
                desk = await self._reopen()
                async with self._desk_lock:
                    await asyncio.to_thread(desk.note_listener, status)
        except DeskError as exc:
            log.warning("listener state not saved: %s", exc)
