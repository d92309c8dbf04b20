"""Calls, wrap-ups, drafts and the agent state log."""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE TABLE calls (
    id TEXT PRIMARY KEY,
    external_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    queue TEXT,
    customer_ref TEXT,
    started_at TEXT,
    ended_at TEXT,
    talk_seconds REAL,
    rev INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX calls_site_external ON calls (site_id, external_id);

CREATE TABLE wrapups (
    id TEXT PRIMARY KEY,
    call_id TEXT NOT NULL REFERENCES calls (id),
    agent_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    acw_seconds REAL,
    timed_out INTEGER NOT NULL DEFAULT 0,
    extensions TEXT NOT NULL DEFAULT '[]',
    codes TEXT NOT NULL DEFAULT '[]',
    template_id TEXT,
    template_version INTEGER,
    fields TEXT NOT NULL DEFAULT '{}',
    note TEXT NOT NULL DEFAULT '',
    guide_version INTEGER,
    finished_at TEXT,
    compliant INTEGER,
    rev INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX wrapups_status_started ON wrapups (status, started_at);
CREATE INDEX wrapups_agent_started ON wrapups (agent_id, started_at);
CREATE INDEX wrapups_call ON wrapups (call_id);

CREATE TABLE drafts (
    wrapup_id TEXT PRIMARY KEY REFERENCES wrapups (id) ON DELETE CASCADE,
    note TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '{}',
    codes TEXT NOT NULL DEFAULT '[]',
    template_id TEXT,
    saved_at TEXT NOT NULL
);

CREATE TABLE agent_states (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    state TEXT NOT NULL
        CHECK (state IN ('ready', 'on_call', 'acw', 'break', 'logged_out')),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX agent_states_agent_started ON agent_states (agent_id, started_at);
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
