"""Each store gets a key of its own for the digest that tells apart call ids redaction
made alike.

A call id holding a card number or a national id is stored redacted; two such ids that
redact to the same text (two cards ending 1111) get a short digest of the raw id, keyed
with this key (see `core/call_ids.py` and docs/redaction.md). Random, made once here, kept
only in this store: it never travels to the hub.
"""

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE store_keys (id INTEGER PRIMARY KEY CHECK (id = 1), call_id_key TEXT NOT NULL)"
    )
    db.execute("INSERT INTO store_keys (id, call_id_key) VALUES (1, lower(hex(randomblob(32))))")
