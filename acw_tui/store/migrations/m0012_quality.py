"""Wrap-ups remember an automatic code and the note's quality verdict.

`auto_code` is the code stored because the ACW time-out came with no code picked
(NULL otherwise), so reports can count it apart from codes agents chose.
`quality_score` (0–100, NULL when no quality rule applied), `quality_critical` (1 when
a critical rule failed) and `quality_failed` (JSON list of the rule ids that failed)
are the verdict of the note-quality rules when the note was finished.
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
ALTER TABLE wrapups ADD COLUMN auto_code TEXT;
ALTER TABLE wrapups ADD COLUMN quality_score REAL;
ALTER TABLE wrapups ADD COLUMN quality_critical INTEGER NOT NULL DEFAULT 0;
ALTER TABLE wrapups ADD COLUMN quality_failed TEXT NOT NULL DEFAULT '[]'
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
