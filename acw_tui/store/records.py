"""Writing syncable records: every change bumps `rev` and queues a snapshot in the outbox.

Each record is written by one site only, so sync is an outbox, not a merge (SPEC §8).
Doing both in the caller's transaction means a change and its outbox entry are stored
together or not at all.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from acw_tui.core.timeutil import utc_iso

if TYPE_CHECKING:
    import sqlite_utils

SYNCED_TABLES = (
    "calls",
    "wrapups",
    "agent_states",
    "shorthand_usage",
    "redaction_audit",
    "followups",
)


def insert_record(
    db: sqlite_utils.Database, table: str, row: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Insert a new syncable row at rev 1; must run inside a transaction."""
    row = {**_storable(row), "rev": 1, "updated_at": utc_iso(now)}
    # Plain SQL rather than sqlite-utils' insert: this is on the path of every finish and
    # hook, and introspecting the table each time cost more than the insert.
    columns = ", ".join(f"[{column}]" for column in row)
    marks = ", ".join("?" * len(row))
    db.conn.execute(f"INSERT INTO [{table}] ({columns}) VALUES ({marks})", list(row.values()))
    _queue(db, table, row)
    return row


def update_record(
    db: sqlite_utils.Database, table: str, row_id: str, changes: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Apply `changes` to one row, bump its rev and queue the new snapshot."""
    changes = _storable(changes)
    assignments = ", ".join(f"[{column}] = ?" for column in changes)
    cursor = db.conn.execute(
        f"UPDATE [{table}] SET {assignments}, rev = rev + 1, updated_at = ? WHERE id = ? RETURNING *",
        [*changes.values(), utc_iso(now), row_id],
    )
    values = cursor.fetchone()
    if values is None:
        raise KeyError(f"{table}: no row with id {row_id}")
    row = dict(zip([d[0] for d in cursor.description], values, strict=True))
    cursor.fetchall()  # finish the statement so the change is complete
    _queue(db, table, row)
    return row


def _storable(values: dict[str, Any]) -> dict[str, Any]:
    """NUL characters removed from text: they mean nothing in a note, and the hub's
    PostgreSQL store cannot hold them, so a record carrying one would never sync."""
    if not any(isinstance(v, str) and "\x00" in v for v in values.values()):
        return values
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in values.items()}


def _queue(db: sqlite_utils.Database, table: str, row: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT INTO outbox (table_name, row_id, rev, payload, queued_at) VALUES (?, ?, ?, ?, ?)",
        [table, row["id"], row["rev"], json.dumps(row, ensure_ascii=False), row["updated_at"]],
    )


def queue_rows(db: sqlite_utils.Database, table: str, where: str = "1", params: tuple = ()) -> int:
    """Queue the current snapshot of many rows at once (bulk loads, first migration)."""
    columns = [c.name for c in db.table(table).columns]
    snapshot = "json_object(" + ", ".join(f"'{c}', [{c}]" for c in columns) + ")"
    cursor = db.execute(
        "INSERT INTO outbox (table_name, row_id, rev, payload, queued_at) "
        f"SELECT ?, id, rev, {snapshot}, updated_at FROM [{table}] WHERE {where} ORDER BY rowid",
        [table, *params],
    )
    return cursor.rowcount
