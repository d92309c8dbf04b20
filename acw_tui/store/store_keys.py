"""Keys a store keeps for itself (never synced): the call-id digest's key."""

from __future__ import annotations

import secrets

from acw_tui.store.database import Store


def call_id_key(store: Store) -> bytes:
    """The store's key for call-id digests (`core/call_ids.py`), made on first use when
    the migration that makes it did not (a row deleted by hand)."""
    rows = store.rows("SELECT call_id_key FROM store_keys WHERE id = 1")
    if not rows:
        with store.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO store_keys (id, call_id_key) VALUES (1, ?)",
                [secrets.token_hex(32)],
            )
        rows = store.rows("SELECT call_id_key FROM store_keys WHERE id = 1")
    return bytes.fromhex(str(rows[0]["call_id_key"]))
