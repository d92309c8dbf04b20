"""The sync state remembers the revision its rows were last raised above at the hub's word.

After `acw hub site reset-store` the hub tells the store taking the site over the
highest revision it holds of the site's records, and the store raises its own above it
once. Remembering which one it did keeps a sync that was cut short from doing it again.
"""

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE sync_state ADD COLUMN rebased_over INTEGER")
