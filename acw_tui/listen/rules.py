"""Which events concern this desk, and the one deduplication rule.

Pure: the runner applies these to every adapter's events the same way.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from enum import StrEnum

from acw_tui.listen.event import CallEvent, Phase


@dataclass(frozen=True)
class Routing:
    """The phone system's names mapped to acw's: `agents` maps an agent, interface or
    extension (as the system sends it) to an `agent_id`; `queues` renames queues."""

    agent_id: str
    agents: dict[str, str] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)

    def agent_of(self, name: str | None) -> str | None:
        """The acw agent a phone-system name belongs to. Names compare without case, as
        systems differ (`PJSIP/1001` vs `pjsip/1001`); an unmapped name is taken as the
        agent id itself."""
        if name is None:
            return None
        lowered = {key.casefold(): value for key, value in self.agents.items()}
        return lowered.get(name.casefold(), name)

    def is_ours(self, event: CallEvent) -> bool:
        mine = self.agent_id.casefold()
        return any((self.agent_of(name) or "").casefold() == mine for name in event.agent_names)

    def queue_of(self, name: str | None) -> str | None:
        if name is None:
            return None
        return self.queues.get(name, name)


class Verdict(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"  # the same call and phase again (a retry, or a second event)
    STALE = "stale"  # an answer reported after the call's end


class Deduplicator:
    """One call, one wrap-up: an event counts the first time its (call id, phase) is
    seen; an answer after the call's end is stale. The same call reported twice, or by
    two events of one system (`AgentComplete` and `Hangup`, `bridge-agent-end` and
    `CHANNEL_HANGUP_COMPLETE`), opens one wrap-up.

    Remembers the last `capacity` calls; older ones are caught by the store, which
    refuses a second wrap-up for a call (the runner treats that as a duplicate too)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[str, set[Phase]] = OrderedDict()

    def verdict(self, event: CallEvent) -> Verdict:
        phases = self._seen.get(event.call_id)
        if phases is None:
            phases = self._seen[event.call_id] = set()
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(event.call_id)
        if event.phase in phases:
            return Verdict.DUPLICATE
        if event.phase is Phase.ANSWERED and Phase.ENDED in phases:
            return Verdict.STALE
        phases.add(event.phase)
        return Verdict.NEW

    def answered(self, call_id: str) -> bool:
        """Whether an answer of this call was seen (and stored): its start is known."""
        return Phase.ANSWERED in self._seen.get(call_id, ())

    def forget(self, event: CallEvent) -> None:
        """`event` was not stored after all (the store refused it): a resend may count."""
        phases = self._seen.get(event.call_id)
        if phases is not None:
            phases.discard(event.phase)


def routed(event: CallEvent, routing: Routing) -> CallEvent:
    """The event with acw's queue name."""
    return replace(event, queue=routing.queue_of(event.queue))
