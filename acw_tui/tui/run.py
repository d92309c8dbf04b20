"""Opening the screen from the command line: load config and store, then run the app."""

from __future__ import annotations

import gc


def run_screen(*, headless: bool = False) -> None:
    # Nearly all that start-up makes (modules, classes, the config) lives as long as the
    # program, so the garbage collector would walk it again and again for nothing: it
    # waits until the app is built, then leaves those objects out for good (freeze).
    gc.disable()
    try:
        from acw_tui.config import load_config
        from acw_tui.desk import Desk
        from acw_tui.paths import database_file
        from acw_tui.store import open_store

        # Config and store are opened before Textual starts, so a malformed config or a
        # damaged database is reported as one line and the screen never half-opens.
        config = load_config()
        store = open_store(database_file())
        try:
            from acw_tui.tui.app import AcwApp

            app = AcwApp(Desk(store, config))
        except BaseException:
            store.close()
            raise
    finally:
        gc.freeze()
        gc.enable()
    try:
        app.run(headless=headless)
    finally:
        store.close()
