"""Redaction audit: what was redacted from each wrap-up, where, under which policy.

Never the value, part of it or a hash of it: type, action and position in the stored
(redacted) text are enough to show the control works, and useless to a thief.
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE TABLE redaction_audit (
    id TEXT PRIMARY KEY,
    wrapup_id TEXT NOT NULL REFERENCES wrapups (id),
    agent_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    type TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('masked', 'removed', 'replaced')),
    location TEXT NOT NULL DEFAULT 'note',
    position INTEGER NOT NULL,
    origin TEXT NOT NULL DEFAULT 'finish' CHECK (origin IN ('finish', 'scrub')),
    policy_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX redaction_audit_wrapup ON redaction_audit (wrapup_id);
CREATE INDEX redaction_audit_created ON redaction_audit (created_at)
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
