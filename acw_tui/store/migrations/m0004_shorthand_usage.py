"""Shorthand usage per wrap-up and guide entry: expansions used, undone and missed."""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE TABLE shorthand_usage (
    id TEXT PRIMARY KEY,
    wrapup_id TEXT NOT NULL REFERENCES wrapups (id),
    agent_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    abbr TEXT NOT NULL,
    expansion TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    undone INTEGER NOT NULL DEFAULT 0,
    missed INTEGER NOT NULL DEFAULT 0,
    keystrokes_saved INTEGER NOT NULL DEFAULT 0,
    guide_version INTEGER,
    created_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX shorthand_usage_wrapup ON shorthand_usage (wrapup_id);
CREATE INDEX shorthand_usage_abbr ON shorthand_usage (abbr)
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
