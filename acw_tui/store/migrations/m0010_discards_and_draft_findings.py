"""A wrap-up opened by mistake can be discarded; drafts remember what was redacted.

`status` gains 'discarded' (a wrap-up that was not a real call: it leaves the pending
list, counts in no report, and the row with its reason stays as the record of it).
Widening a CHECK leaves every stored row valid, so SQLite's documented way for
constraint changes is used (the table definition is edited in place and the schema
version bumped) instead of copying a million wrap-ups into a new table.

`drafts.findings` keeps what redaction took out of a draft while the agent typed, so
the audit of a finished wrap-up lists it even when the final note no longer holds it.
"""

import sqlite_utils

OLD_CHECK = "CHECK (status IN ('open', 'done'))"
NEW_CHECK = "CHECK (status IN ('open', 'done', 'discarded'))"


def up(db: sqlite_utils.Database) -> None:
    conn = db.conn
    conn.execute("ALTER TABLE drafts ADD COLUMN findings TEXT NOT NULL DEFAULT '[]'")
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'wrapups'"
    ).fetchone()
    if OLD_CHECK not in sql:
        return
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'wrapups'",
            [sql.replace(OLD_CHECK, NEW_CHECK)],
        )
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
