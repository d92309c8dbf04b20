"""Opening the screen from the command line: load config and store, then run the app."""

from __future__ import annotations

from acw_tui.config import load_config
from acw_tui.desk import Desk
from acw_tui.paths import database_file
from acw_tui.store import open_store


def run_screen(*, headless: bool = False) -> None:
    # Config and store are opened before Textual starts, so a malformed config or a
    # damaged database is reported as one line and the screen never half-opens.
    config = load_config()
    store = open_store(database_file())
    from acw_tui.tui.app import AcwApp

    try:
        AcwApp(Desk(store, config)).run(headless=headless)
    finally:
        store.close()
