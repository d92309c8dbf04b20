"""Shorthand usage per wrap-up: how often each guide entry was used, undone and missed.

Written once when a wrap-up is finished, synced like the wrap-up itself, and read back
by `acw guide lint` (entries agents often undo) and by the coaching reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from acw_tui.core.ids import new_id
from acw_tui.core.shorthand.usage import EntryUsage
from acw_tui.core.timeutil import utc_iso
from acw_tui.store.database import Store
from acw_tui.store.records import insert_record

TABLE = "shorthand_usage"


@dataclass(frozen=True)
class UsageTotals:
    """One guide entry's stored usage summed over wrap-ups: used, undone, missed, keys saved."""

    abbr: str
    used: int
    undone: int
    missed: int
    keystrokes_saved: int


def record_usage(
    store: Store,
    wrapup_id: str,
    agent_id: str,
    site_id: str,
    guide_version: int | None,
    rows: Iterable[EntryUsage],
    now: datetime,
) -> int:
    """Store one row per entry touched in a wrap-up; returns how many were stored."""
    count = 0
    with store.transaction() as db:
        for row in rows:
            if not (row.used or row.undone or row.missed):
                continue
            insert_record(
                db,
                TABLE,
                {
                    "id": new_id(),
                    "wrapup_id": wrapup_id,
                    "agent_id": agent_id,
                    "site_id": site_id,
                    "abbr": row.abbr,
                    "expansion": row.expansion,
                    "used": row.used,
                    "undone": row.undone,
                    "missed": row.missed,
                    "keystrokes_saved": row.keystrokes_saved,
                    "guide_version": guide_version,
                    "created_at": utc_iso(now),
                },
                now,
            )
            count += 1
    return count


def usage_by_entry(
    store: Store, guide_version: int | None = None, agent_id: str | None = None
) -> dict[str, UsageTotals]:
    """Totals per abbreviation over every stored wrap-up (optionally of one guide
    version, or one agent)."""
    conditions: list[str] = []
    params: list[object] = []
    if guide_version is not None:
        conditions.append("guide_version = ?")
        params.append(guide_version)
    if agent_id is not None:
        conditions.append("agent_id = ?")
        params.append(agent_id)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    with store.errors():
        cursor = store.conn.execute(
            "SELECT abbr, sum(used), sum(undone), sum(missed), sum(keystrokes_saved) "
            f"FROM {TABLE} {where} GROUP BY abbr",
            params,
        )
        return {
            abbr: UsageTotals(abbr, int(u), int(d), int(m), int(k))
            for abbr, u, d, m, k in cursor.fetchall()
        }
