"""One row of the redaction audit, as the rest of acw sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    """One thing redacted from a stored wrap-up: its type, the action and where, never the value."""

    id: str
    wrapup_id: str
    agent_id: str
    site_id: str
    type: str
    action: str  # masked, removed or replaced
    location: str  # "note" or the template field's name
    position: int  # offset in the stored (redacted) text
    origin: str  # "finish" or "scrub"
    policy_version: int
    created_at: datetime
