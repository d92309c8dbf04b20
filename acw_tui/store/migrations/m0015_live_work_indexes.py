"""Indexes for the agent's live work: open wrap-ups, and wrap-ups whose ACW has not ended.

What is pending, whether ACW is running and which finished notes still hold the agent
are asked at start, after every change to the store (a hook's call, the screen's own
draft saves while the agent types) and inside every finish. The agent index walked the
agent's whole history for them: 5-14 ms each on a million-wrap-up store. Partial
indexes hold just the few rows that are live, so the answer costs what there is.
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE INDEX wrapups_open_by_agent ON wrapups (agent_id, started_at) WHERE status = 'open';
CREATE INDEX wrapups_unended_by_agent ON wrapups (agent_id, status, started_at)
    WHERE ended_at IS NULL
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
