"""ACW policy (SPEC §2, §14): target, mode, time-out, extensions, code requirement.

The modes are the ones the big contact-center platforms name (Genesys Cloud):

| mode | the agent may skip the note | ACW time ends | extends |
|---|---|---|---|
| optional | yes | on finishing (or the time-out, if one is set) | with a reason |
| mandatory | no | on finishing; no time-out | — |
| mandatory-timeboxed | no | on finishing, or at the time-out | with a reason |
| timeboxed-no-early-exit | no | at the time-out, even when the note is finished | with a reason |
| agent-requested | yes | after a short grace, unless the agent asks for more | on demand, no reason |

When the time-out ends ACW time with no code picked, `auto_code` (if set) is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum, StrEnum

AMBER_SHARE = 0.8  # the timer turns amber at 80 % of the target
# What an extension asked for in agent-requested mode stores when no reason is given.
REQUESTED_REASON = "requested by the agent"


class AcwMode(StrEnum):
    OPTIONAL = "optional"
    MANDATORY = "mandatory"
    MANDATORY_TIMEBOXED = "mandatory-timeboxed"
    TIMEBOXED_NO_EARLY_EXIT = "timeboxed-no-early-exit"
    AGENT_REQUESTED = "agent-requested"


# Modes whose ACW time is boxed: a time-out must be configured.
TIMEBOXED_MODES = (
    AcwMode.MANDATORY_TIMEBOXED,
    AcwMode.TIMEBOXED_NO_EARLY_EXIT,
    AcwMode.AGENT_REQUESTED,
)


class CriticalItems(StrEnum):
    """What finishing does while a critical note-quality rule fails."""

    CONFIRM = "confirm"  # ask the agent, who may finish anyway
    REFUSE = "refuse"  # no finishing until the note says it
    ALLOW = "allow"  # finish; the failure is stored and reported


class TimerLevel(Enum):
    OK = "ok"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class AcwPolicy:
    """The ACW policy of the site or one queue: the timer's target, the mode, time-out and
    extensions, and what finishing asks for (a code, the critical quality rules)."""

    target_seconds: int = 120
    timeout_seconds: int = 0  # 0: ACW never times out
    extend_seconds: int = 60
    max_extensions: int = 2
    require_code: bool = False
    # "" keeps the behaviour of the plain settings: mandatory, time-boxed when a
    # time-out is set.
    mode: str = ""
    auto_code: str = ""  # stored when the time-out ends ACW time with no code picked
    critical_items: str = CriticalItems.CONFIRM.value  # confirm, refuse or allow

    @property
    def acw_mode(self) -> AcwMode:
        if not self.mode:
            return AcwMode.MANDATORY_TIMEBOXED if self.timeout_seconds > 0 else AcwMode.MANDATORY
        return AcwMode(self.mode)

    def problem(self) -> str | None:
        """Why this policy cannot work as written (for the config's error), or None."""
        if self.mode and self.mode not in {m.value for m in AcwMode}:
            known = ", ".join(m.value for m in AcwMode)
            return f"mode: unknown mode {self.mode!r} (known: {known})"
        mode = self.acw_mode
        if mode in TIMEBOXED_MODES and self.timeout_seconds <= 0:
            return f"mode {mode.value} needs timeout_seconds above 0"
        if mode is AcwMode.MANDATORY and self.timeout_seconds > 0:
            return (
                "mode mandatory has no time-out; use mandatory-timeboxed or set timeout_seconds = 0"
            )
        if self.critical_items not in {c.value for c in CriticalItems}:
            known = ", ".join(c.value for c in CriticalItems)
            return f"critical_items: must be one of {known}, got {self.critical_items!r}"
        if self.auto_code and self.timeout_seconds <= 0:
            return "auto_code is stored on a time-out, but timeout_seconds is 0"
        return None

    @property
    def may_skip(self) -> bool:
        """May the agent finish with nothing written, without being asked?"""
        return self.acw_mode in (AcwMode.OPTIONAL, AcwMode.AGENT_REQUESTED)

    @property
    def note_required(self) -> bool:
        """Is an empty note refused (not merely confirmed)? Only a mode named in the
        config refuses; without one an empty note is confirmed, as it always was."""
        return bool(self.mode) and not self.may_skip

    @property
    def extension_needs_reason(self) -> bool:
        return self.acw_mode is not AcwMode.AGENT_REQUESTED

    def finish_ends_acw(self, elapsed: float, extensions: int) -> bool:
        """Does finishing the note at `elapsed` end the agent's ACW time?

        With no early exit the agent stays in ACW until the time-out, note finished or not.
        """
        if self.acw_mode is not AcwMode.TIMEBOXED_NO_EARLY_EXIT:
            return True
        limit = self.timeout_after(extensions)
        return limit is None or elapsed >= limit

    def level(self, elapsed: float) -> TimerLevel:
        if self.target_seconds <= 0:
            return TimerLevel.OK
        if elapsed >= self.target_seconds:
            return TimerLevel.RED
        if elapsed >= AMBER_SHARE * self.target_seconds:
            return TimerLevel.AMBER
        return TimerLevel.OK

    def timeout_after(self, extensions: int) -> float | None:
        """Seconds of ACW after which the agent's ACW time ends, or None for never."""
        if self.timeout_seconds <= 0:
            return None
        return float(self.timeout_seconds + extensions * self.extend_seconds)

    def can_extend(self, extensions: int) -> bool:
        return self.timeout_seconds > 0 and extensions < self.max_extensions


@dataclass(frozen=True)
class SitePolicy:
    """The site's policy with its per-queue overrides."""

    default: AcwPolicy = AcwPolicy()
    queues: tuple[tuple[str, AcwPolicy], ...] = ()

    def for_queue(self, queue: str | None) -> AcwPolicy:
        for name, policy in self.queues:
            if name == queue:
                return policy
        return self.default

    def with_queue(self, queue: str, **overrides: object) -> SitePolicy:
        policy = replace(self.default, **overrides)  # type: ignore[arg-type]
        return replace(self, queues=(*self.queues, (queue, policy)))
