"""The sync outbox: one row per change of a syncable record, with its snapshot."""

import sqlite_utils

from acw_tui.store.records import queue_rows

SCHEMA = """
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    rev INTEGER NOT NULL,
    payload TEXT NOT NULL,
    queued_at TEXT NOT NULL
)
"""


def up(db: sqlite_utils.Database) -> None:
    db.execute(SCHEMA)
    # Rows written before the outbox existed are queued once, at their current rev.
    for table in ("calls", "wrapups", "agent_states"):
        queue_rows(db, table)
