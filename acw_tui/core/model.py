"""The records acw keeps, as the rest of the program sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class AgentStateName(StrEnum):
    READY = "ready"
    ON_CALL = "on_call"
    ACW = "acw"
    BREAK = "break"
    LOGGED_OUT = "logged_out"


@dataclass(frozen=True)
class Call:
    """One call an agent handled, as the hook or a listening phone system reported it."""

    id: str
    external_id: str
    agent_id: str
    site_id: str
    queue: str | None
    customer_ref: str | None
    started_at: datetime | None
    ended_at: datetime | None
    talk_seconds: float | None
    # What a listening phone system reported (`acw listen`); the hook leaves them empty.
    hold_seconds: float | None = None
    direction: str | None = None  # "inbound" or "outbound"
    hung_up_by: str | None = None  # "caller", "agent" or "transfer"
    source: str | None = None  # "ami", "esl", "webhook", "twilio", "3cx"


@dataclass(frozen=True)
class Extension:
    """More ACW time given to a wrap-up: when, why, and how many seconds."""

    at: datetime
    reason: str
    seconds: int


@dataclass(frozen=True)
class Wrapup:
    """The after-call work of one call: its ACW time, codes, template fields, note and quality."""

    id: str
    call: Call
    agent_id: str
    site_id: str
    status: str  # "open", "done" or "discarded" (opened by mistake; counts nowhere)
    started_at: datetime
    ended_at: datetime | None  # when the agent's ACW time ended (finish or time-out)
    acw_seconds: float | None
    timed_out: bool
    extensions: tuple[Extension, ...] = ()
    codes: tuple[str, ...] = ()
    template_id: str | None = None
    template_version: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    guide_version: int | None = None
    finished_at: datetime | None = None  # when the note was finished (status done)
    rev: int = 1
    auto_code: str | None = None  # stored by the time-out because no code was picked
    quality_score: float | None = None  # 0–100; None when no quality rule applied
    quality_critical: bool = False  # a critical quality rule failed
    quality_failed: tuple[str, ...] = ()  # ids of the quality rules that failed

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def acw_running(self) -> bool:
        """True while the agent is still in ACW for this wrap-up."""
        return self.ended_at is None


@dataclass(frozen=True)
class QualityRecord:
    """The note-quality verdict stored with a finished wrap-up."""

    score: float | None  # 0–100; None when no rule applied
    critical_failed: bool
    failed: tuple[str, ...]  # rule ids


@dataclass(frozen=True)
class Draft:
    """What the agent has typed so far; saved while typing, restored after a crash."""

    wrapup_id: str
    note: str
    fields: dict[str, Any]
    codes: tuple[str, ...]
    template_id: str | None
    saved_at: datetime
    # What redaction took out of the draft while the agent typed (kind, action,
    # location, position: never the value), for the audit of the finished wrap-up.
    findings: tuple[RedactionMark, ...] = ()
    # The acw screen that saved it (store/screens.py): each window keeps its own.
    screen: int = 0


@dataclass(frozen=True)
class RedactionMark:
    """One thing redaction took from a draft: kind, action, location, position; never the value."""

    kind: str
    action: str
    location: str
    position: int


@dataclass(frozen=True)
class AgentState:
    """A stretch of the agent's day in one state: ready, on a call, in ACW, on break, logged out."""

    id: str
    agent_id: str
    state: AgentStateName
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class ListenerStatus:
    """What `acw listen` last said about its phone system, for the screen."""

    source: str  # the SOURCE it listens to (ami://user@host:port), never a secret
    connected: bool
    detail: str | None = None  # "AMI 10.0.0.5:5038 as acw", or why it is not connected
    last_event_at: datetime | None = None
    last_event: str | None = None  # one line: "ami ended call 1700.12, agent PJSIP/1001, …"
    events: int = 0
    errors: int = 0
    last_error: str | None = None
    last_error_at: datetime | None = None
    updated_at: datetime | None = None
