"""Sync quarantine: outbox entries the hub refuses, set aside so the rest flows, and a log.

An entry lands here when the site's own check or the hub refuses it (another site's
record, text the hub cannot hold, a record too large): it leaves the outbox, so every
later record still reaches the hub. `acw sync quarantine list|retry|drop` act on it,
and every action — setting aside included — is a row of the log.
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE TABLE sync_quarantine (
    seq INTEGER PRIMARY KEY,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    rev INTEGER NOT NULL,
    payload TEXT NOT NULL,
    reason TEXT NOT NULL,
    set_aside_at TEXT NOT NULL,
    UNIQUE (table_name, row_id, rev)
);
CREATE TABLE sync_quarantine_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    seq INTEGER,
    table_name TEXT,
    row_id TEXT,
    rev INTEGER,
    detail TEXT NOT NULL
)
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
