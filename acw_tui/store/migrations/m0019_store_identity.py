"""Each store gets an identity of its own, which it sends to the hub with every sync.

The hub binds a site's sequence numbers to the store they come from, so a second store
using the same site token (a config copied to another PC) is refused instead of moving
the mark past records the first one never sent. Random, made once here: a store copied
whole keeps it, a new one gets another.
"""

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE sync_state ADD COLUMN store_id TEXT")
    db.execute("UPDATE sync_state SET store_id = lower(hex(randomblob(16)))")
