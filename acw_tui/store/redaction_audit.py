"""The redaction audit: one syncable row per thing redacted from a stored wrap-up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from acw_tui.core.ids import new_id
from acw_tui.core.redaction.audit import AuditEntry
from acw_tui.core.redaction.engine import Finding
from acw_tui.core.timeutil import parse_iso, utc_iso
from acw_tui.store.database import Store
from acw_tui.store.records import insert_record


class RedactionAuditRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(
        self,
        *,
        wrapup_id: str,
        agent_id: str,
        site_id: str,
        findings: Iterable[Finding],
        policy_version: int,
        now: datetime,
        origin: str = "finish",
    ) -> int:
        """Write one row per finding (joins the caller's transaction); returns the count."""
        count = 0
        with self.store.transaction() as db:
            for finding in findings:
                insert_record(
                    db,
                    "redaction_audit",
                    {
                        "id": new_id(),
                        "wrapup_id": wrapup_id,
                        "agent_id": agent_id,
                        "site_id": site_id,
                        "type": finding.kind,
                        "action": finding.action,
                        "location": finding.location,
                        "position": finding.start,
                        "origin": origin,
                        "policy_version": policy_version,
                        "created_at": utc_iso(now),
                    },
                    now,
                )
                count += 1
        return count

    def for_wrapup(self, wrapup_id: str) -> list[AuditEntry]:
        rows = self.store.rows(
            "SELECT * FROM redaction_audit WHERE wrapup_id = ? "
            "ORDER BY created_at, location, position",
            [wrapup_id],
        )
        return [_entry(row) for row in rows]


def _entry(row: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        wrapup_id=row["wrapup_id"],
        agent_id=row["agent_id"],
        site_id=row["site_id"],
        type=row["type"],
        action=row["action"],
        location=row["location"],
        position=row["position"],
        origin=row["origin"],
        policy_version=row["policy_version"],
        created_at=parse_iso(row["created_at"]),
    )
