"""The one normalised call event every phone-system adapter produces.

Pure: no sockets, no store. An adapter reads its system's frames, builds a `CallEvent`
(or raises `BadEvent` naming what is missing), and the runner does the rest the same
way for every system: map the agent, drop duplicates, open the wrap-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from acw_tui.core import inputs
from acw_tui.errors import N_, AcwError, Phrase


class BadEvent(AcwError):
    """A frame or event that cannot be used; the message says what and where."""


class Phase(StrEnum):
    ANSWERED = "answered"  # the agent is talking: the desk's `call_started`
    ENDED = "ended"  # the call is over: the desk's `call_ended` opens the wrap-up


class Direction(StrEnum):
    INBOUND = "inbound"  # a customer called the contact center
    OUTBOUND = "outbound"  # the agent called out


class HungUpBy(StrEnum):
    CALLER = "caller"  # the customer's side ended the call
    AGENT = "agent"
    TRANSFER = "transfer"  # the agent handed the call on


@dataclass(frozen=True)
class CallEvent:
    """A call answered or ended, as any phone system's adapter reports it to `acw listen`."""

    source: str  # "ami", "esl", "webhook", "twilio", "3cx"
    event_id: str  # the phone system's id of this event (for the log and the status line)
    call_id: str  # the phone system's id of the call, the same in every event about it
    phase: Phase
    # The phone system's names for the agent, most specific first (an interface and a
    # member name, an extension, a worker): the routing maps any of them to an agent id.
    agent_names: tuple[str, ...]
    queue: str | None = None
    direction: Direction | None = None
    customer: str | None = None  # the other party's number or reference, as sent
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    talk_seconds: float | None = None
    hold_seconds: float | None = None
    hung_up_by: HungUpBy | None = None

    @property
    def at(self) -> datetime | None:
        """When this event's phase happened."""
        return self.ended_at if self.phase is Phase.ENDED else self.answered_at

    def describe(self) -> str:
        """One line for the log and `--check`: what happened, without the customer (a
        Phrase: English as a string, each fact in the reader's language where written)."""
        opening = (
            N_("{source} answered call {call}")
            if self.phase is Phase.ANSWERED
            else N_("{source} ended call {call}")
        )
        facts = [Phrase(opening, source=self.source, call=self.call_id)]
        if self.agent_names:
            facts.append(Phrase(N_("agent {agent}"), agent=self.agent_names[0]))
        if self.queue:
            facts.append(Phrase(N_("queue {queue}"), queue=self.queue))
        if self.talk_seconds is not None:
            facts.append(Phrase(N_("talk {seconds:g}s"), seconds=self.talk_seconds))
        if self.hold_seconds is not None:
            facts.append(Phrase(N_("hold {seconds:g}s"), seconds=self.hold_seconds))
        if self.hung_up_by:
            facts.append(Phrase(HUNG_UP_BY[self.hung_up_by]))
        return Phrase.joined(", ", facts)


HUNG_UP_BY = {
    HungUpBy.CALLER: N_("hung up by caller"),
    HungUpBy.AGENT: N_("hung up by agent"),
    HungUpBy.TRANSFER: N_("hung up by transfer"),
}


def shown(value: str | None, limit: int = 60) -> str:
    """A value from the wire as a message quotes it: as is when short and printable,
    else its repr cut short, so a message stays one line whatever was sent."""
    if value is None or value == "":
        return "?"
    if value.isprintable() and len(value) <= limit:
        return value
    return repr(value[:limit])


def checked(event: CallEvent) -> CallEvent:
    """`event` with its fields checked the way every other door checks them (core.inputs);
    an unusable value becomes BadEvent naming the field and the event."""
    where = f"{event.source} event {shown(event.event_id)}"
    try:
        inputs.call_id(event.call_id, Phrase(N_("{where}: call id"), where=where))
        for name in event.agent_names:
            inputs.label(name, Phrase(N_("{where}: agent"), where=where))
        inputs.label(event.queue, Phrase(N_("{where}: queue"), where=where))
        inputs.label(event.customer, Phrase(N_("{where}: customer"), where=where))
        talk = _seconds(event.talk_seconds, Phrase(N_("{where}: talk seconds"), where=where))
        hold = _seconds(event.hold_seconds, Phrase(N_("{where}: hold seconds"), where=where))
        moments = (
            (event.answered_at, N_("{where}: answered time")),
            (event.ended_at, N_("{where}: end time")),
        )
        for moment, what in moments:
            if moment is not None:
                inputs.moment(moment, Phrase(what, where=where))
    except inputs.InputError as exc:
        raise BadEvent(exc.template, **exc.params) from None
    if event.phase is Phase.ANSWERED and event.answered_at is None:
        raise BadEvent(N_("{where}: an answered event needs its answer time"), where=where)
    if event.phase is Phase.ENDED and event.ended_at is None:
        raise BadEvent(N_("{where}: an end event needs its end time"), where=where)
    answered = event.answered_at
    if event.phase is Phase.ENDED and answered is not None and event.ended_at is not None:
        if answered > event.ended_at:
            answered = None  # an answer after the end says nothing about the call
        elif talk is None:
            # Without a talk time it is counted from the answer (a call over a day, which
            # no talk time may be, keeps none rather than refusing the call).
            span = (event.ended_at - answered).total_seconds()
            talk = span if span <= inputs.MAX_TALK_SECONDS else None
    return replace(event, answered_at=answered, talk_seconds=talk, hold_seconds=hold)


def internal(where: str, error: BaseException) -> Phrase:
    """One line for what went wrong handling one event that is not the event's fault
    (a defect in acw): the listener says it and goes on."""
    detail = f"{type(error).__name__}: {error}"
    return Phrase(
        N_("{where}: event not handled ({error}); please report it"),
        where=where,
        error=detail if len(detail) <= 200 else detail[:199] + "…",
    )


def _seconds(value: float | None, what: str) -> float | None:
    return None if value is None else inputs.seconds(value, what)


# What converting a value from the wire may raise besides BadEvent: a number too large
# for a float or an int (more than 4300 digits), a time outside year 1 … 9999, an OS
# refusing a timestamp. Every conversion goes through `wire_value`, which turns them
# into BadEvent, so no value a phone system sends can end the listener.
T = TypeVar("T")
_CONVERSION_ERRORS = (ValueError, OverflowError, OSError, ArithmeticError, TypeError)


def wire_value(convert: Callable[[], T], what: str, value: object) -> T:
    """`convert()`, with anything it raises on an unusable value turned into BadEvent
    naming `what` and (cut short) the value sent."""
    try:
        return convert()
    except BadEvent:
        raise
    except inputs.InputError as exc:
        raise BadEvent(exc.template, **exc.params) from None
    except _CONVERSION_ERRORS:
        raise BadEvent(
            N_("{what}: {value} is not usable"), what=what, value=_quoted(value)
        ) from None


def _quoted(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def from_epoch(value: str, what: str, *, scale: float = 1.0) -> datetime:
    """A Unix time as phone systems send it (seconds, or micro/milliseconds with `scale`)."""
    try:
        number = float(value) / scale
        return datetime.fromtimestamp(number, UTC)
    except _CONVERSION_ERRORS:
        raise BadEvent(
            N_("{what}: {value!r} is not a Unix time"), what=what, value=value[:40]
        ) from None


def before(moment: datetime, seconds: float | None, what: str) -> datetime:
    """`seconds` before `moment` (a call's answer from its end and talk time); BadEvent
    when that is outside the times a datetime can hold."""
    return wire_value(
        lambda: moment - timedelta(seconds=seconds or 0), what, f"{moment.isoformat()} - {seconds}"
    )


def whole_seconds(value: str | None, what: str) -> float | None:
    """A duration field sent as text ("42"); None when absent or empty."""
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except _CONVERSION_ERRORS:
        raise BadEvent(
            N_("{what}: {value!r} is not a number of seconds"), what=what, value=value[:40]
        ) from None
    return wire_value(lambda: inputs.seconds(number, what), what, value)
