"""Each acw window keeps its own draft of a wrap-up.

`drafts` gains `screen`, the number of the acw screen that saved it (store/screens.py),
and its key becomes (wrap-up, screen): two windows typing into one wrap-up no longer
overwrite each other's text. Drafts stored before are screen 0, which no running screen
holds, so the first window to open their wrap-up takes them up. SQLite cannot change a
table's key in place; drafts are few (one per wrap-up being written), so the table is
copied.
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE TABLE drafts_per_screen (
    wrapup_id TEXT NOT NULL REFERENCES wrapups (id) ON DELETE CASCADE,
    screen INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '{}',
    codes TEXT NOT NULL DEFAULT '[]',
    template_id TEXT,
    saved_at TEXT NOT NULL,
    findings TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (wrapup_id, screen)
);
INSERT INTO drafts_per_screen
    (wrapup_id, screen, note, fields, codes, template_id, saved_at, findings)
    SELECT wrapup_id, 0, note, fields, codes, template_id, saved_at, findings FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_per_screen RENAME TO drafts
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
