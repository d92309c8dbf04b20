"""What the screen, the hook and scripts hand the desk, and what it hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from acw_tui.core.model import (
    AgentStateName,
    QualityRecord,
    Wrapup,
)
from acw_tui.core.shorthand import UsageTally


@dataclass(frozen=True)
class FinishRequest:
    """What finishing a wrap-up hands the desk: the note, codes, template and fields, and
    what goes with them (shorthand counts, quality verdict, follow-up summary)."""

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
    # None), the keys pressed to write it, and how much of it came without them
    # (pasted, or a draft from an earlier run).
    notes: str | None = None
    keys_pressed: int | None = None
    carried_chars: int = 0

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


class DraftKept(Enum):
    """What a draft save did."""

    STORED = "stored"  # the store holds the text (redacted as the finished note would be)
    WAITS = "waits"  # nothing stored: a card number may be being typed at the end
    # Stored with the number at its end masked: the agent stopped in the middle of it
    # (the customer reads the rest out later). The screen keeps the text as typed.
    MASKED = "masked"


@dataclass(frozen=True)
class ReadyFacts:
    """What the ready screen shows between calls."""

    agent_id: str
    site_id: str
    state: AgentStateName
    last_acw_seconds: float | None
    pending: list[Wrapup] = field(default_factory=list)
