"""The local SQLite store: connection, migrations and repositories returning core types."""

from acw_tui.store.database import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
