"""Calls as the phone system reports them."""

from __future__ import annotations

from datetime import datetime

from acw_tui.core.ids import new_id
from acw_tui.core.model import Call
from acw_tui.core.timeutil import utc_iso
from acw_tui.store.database import Store
from acw_tui.store.records import insert_record, update_record
from acw_tui.store.rows import call_from_row


class CallRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, call_id: str) -> Call | None:
        rows = self.store.rows("SELECT * FROM calls WHERE id = ?", [call_id])
        return call_from_row(rows[0]) if rows else None

    def by_external_id(self, site_id: str, external_id: str) -> Call | None:
        rows = self.store.rows(
            "SELECT * FROM calls WHERE site_id = ? AND external_id = ?", [site_id, external_id]
        )
        return call_from_row(rows[0]) if rows else None

    def record(
        self,
        *,
        external_id: str,
        agent_id: str,
        site_id: str,
        now: datetime,
        queue: str | None = None,
        customer_ref: str | None = None,
        started_at: datetime | None = None,
        ended_at: datetime | None = None,
        talk_seconds: float | None = None,
        hold_seconds: float | None = None,
        direction: str | None = None,
        hung_up_by: str | None = None,
        source: str | None = None,
    ) -> Call:
        """Create the call, or fill in what a later hook tells about a known one."""
        given = {
            "queue": queue,
            "customer_ref": customer_ref,
            "started_at": utc_iso(started_at) if started_at else None,
            "ended_at": utc_iso(ended_at) if ended_at else None,
            "talk_seconds": talk_seconds,
            "hold_seconds": hold_seconds,
            "direction": direction,
            "hung_up_by": hung_up_by,
            "source": source,
        }
        with self.store.transaction() as db:
            existing = self.by_external_id(site_id, external_id)
            if existing is None:
                row = insert_record(
                    db,
                    "calls",
                    {
                        "id": new_id(),
                        "external_id": external_id,
                        "agent_id": agent_id,
                        "site_id": site_id,
                        **given,
                    },
                    now,
                )
                return call_from_row(row)
            changes = {key: value for key, value in given.items() if value is not None}
            if not changes:
                return existing
            return call_from_row(update_record(db, "calls", existing.id, changes, now))
