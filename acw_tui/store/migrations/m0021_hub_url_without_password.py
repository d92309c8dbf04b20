"""The hub URL kept with the sync state loses a password written into it.

acw took `https://user:password@hub…` as a hub URL and stored it as given; it now
refuses one (the hub knows a site by its token). A store that kept one keeps the URL
with the password shown as ***, as any message prints it.
"""

import sqlite_utils

from acw_tui.core.inputs import url_without_secrets


def up(db: sqlite_utils.Database) -> None:
    row = db.execute("SELECT hub_url FROM sync_state WHERE id = 1").fetchone()
    if row is not None and row[0]:
        cleaned = url_without_secrets(row[0])
        if cleaned != row[0]:
            db.execute("UPDATE sync_state SET hub_url = ? WHERE id = 1", [cleaned])
