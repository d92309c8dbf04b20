"""Follow-ups promised on a wrap-up (callbacks): due time, owner, done."""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE TABLE followups (
    id TEXT PRIMARY KEY,
    wrapup_id TEXT NOT NULL REFERENCES wrapups (id),
    agent_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    due_at TEXT NOT NULL,
    owner TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    done_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX followups_open_due ON followups (done_at, due_at);
CREATE INDEX followups_wrapup ON followups (wrapup_id)
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
