"""Follow-ups (callbacks promised on a wrap-up), synced to the hub like wrap-ups."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from acw_tui.core.followups import Followup, FollowupPlan, Urgency
from acw_tui.core.ids import new_id
from acw_tui.core.timeutil import parse_iso, utc_iso
from acw_tui.store.database import Store, StoreError
from acw_tui.store.records import insert_record, update_record

_SELECT = """
SELECT f.*, c.customer_ref AS customer_ref, c.queue AS queue
FROM followups f
LEFT JOIN wrapups w ON w.id = f.wrapup_id
LEFT JOIN calls c ON c.id = w.call_id
"""


def followup_from_row(row: Mapping[str, Any]) -> Followup:
    return Followup(
        id=row["id"],
        wrapup_id=row["wrapup_id"],
        agent_id=row["agent_id"],
        site_id=row["site_id"],
        due_at=parse_iso(row["due_at"]),
        owner=row["owner"],
        note=row["note"] or "",
        done_at=parse_iso(row["done_at"]) if row["done_at"] else None,
        rev=row["rev"],
        customer_ref=row.get("customer_ref"),
        queue=row.get("queue"),
    )


class FollowupRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _query(self, where: str, params: list[Any], tail: str = "") -> list[Followup]:
        with self.store.errors():
            cursor = self.store.conn.execute(f"{_SELECT} {where} {tail}", params)
            names = [d[0] for d in cursor.description]
            return [followup_from_row(dict(zip(names, v, strict=True))) for v in cursor]

    def add(
        self, wrapup_id: str, agent_id: str, site_id: str, plan: FollowupPlan, now: datetime
    ) -> Followup:
        with self.store.transaction() as db:
            row = insert_record(
                db,
                "followups",
                {
                    "id": new_id(),
                    "wrapup_id": wrapup_id,
                    "agent_id": agent_id,
                    "site_id": site_id,
                    "due_at": utc_iso(plan.due_at),
                    "owner": plan.owner,
                    "note": plan.note,
                    "done_at": None,
                },
                now,
            )
        return self.get(row["id"])

    def get(self, followup_id: str) -> Followup:
        found = self._query("WHERE f.id = ?", [followup_id])
        if not found:
            raise StoreError(
                "{path}: no follow-up with id {id}", path=self.store.path, id=followup_id
            )
        return found[0]

    def for_wrapup(self, wrapup_id: str) -> list[Followup]:
        return self._query("WHERE f.wrapup_id = ?", [wrapup_id], "ORDER BY f.due_at")

    def open(self, site_id: str | None = None, limit: int = 500) -> list[Followup]:
        """Not yet done, soonest (most overdue) first."""
        where, params = "WHERE f.done_at IS NULL", []
        if site_id is not None:
            where += " AND f.site_id = ?"
            params.append(site_id)
        return self._query(where, params, f"ORDER BY f.due_at, f.id LIMIT {int(limit)}")

    def open_counts(
        self, now: datetime, due_soon: timedelta, site_id: str | None = None
    ) -> dict[Urgency, int]:
        """Every follow-up not yet done, counted by its urgency at `now` (as
        `Followup.urgency` puts it), however many `open` would list."""
        site = " AND site_id = :site" if site_id is not None else ""
        row = self.store.rows(
            "SELECT COUNT(*) AS open, COALESCE(SUM(due_at <= :now), 0) AS overdue, "
            "COALESCE(SUM(due_at > :now AND due_at <= :soon), 0) AS soon "
            f"FROM followups WHERE done_at IS NULL{site}",
            {"now": utc_iso(now), "soon": utc_iso(now + due_soon), "site": site_id},
        )[0]
        overdue, soon, open_ = (int(row[k]) for k in ("overdue", "soon", "open"))  # type: ignore[call-overload]
        return {
            Urgency.OVERDUE: overdue,
            Urgency.DUE_SOON: soon,
            Urgency.LATER: open_ - overdue - soon,
        }

    def recently_done(self, since: datetime, site_id: str | None = None) -> list[Followup]:
        where, params = "WHERE f.done_at >= ?", [utc_iso(since)]
        if site_id is not None:
            where += " AND f.site_id = ?"
            params.append(site_id)
        return self._query(where, params, "ORDER BY f.done_at DESC")

    def mark_done(self, followup_id: str, now: datetime) -> Followup:
        with self.store.transaction() as db:
            current = self.get(followup_id)
            if current.done_at is None:
                update_record(db, "followups", followup_id, {"done_at": utc_iso(now)}, now)
        return self.get(followup_id)

    def reopen(self, followup_id: str, now: datetime) -> Followup:
        with self.store.transaction() as db:
            current = self.get(followup_id)
            if current.done_at is not None:
                update_record(db, "followups", followup_id, {"done_at": None}, now)
        return self.get(followup_id)
