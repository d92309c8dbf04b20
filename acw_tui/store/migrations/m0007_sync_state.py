"""Sync state: the hub's acknowledged mark, the last sync and the batch in flight."""

import sqlite_utils

SCHEMA = """
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    hub_url TEXT,
    acked_seq INTEGER NOT NULL DEFAULT 0,
    last_sync_at TEXT,
    last_result TEXT,
    inflight_key TEXT,
    inflight_after INTEGER,
    inflight_last INTEGER
)
"""


def up(db: sqlite_utils.Database) -> None:
    db.execute(SCHEMA)
    db.execute("INSERT INTO sync_state (id, acked_seq) VALUES (1, 0)")
