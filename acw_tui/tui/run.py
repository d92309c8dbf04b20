"""Opening the screen from the command line: load config and store, then run the app."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Nearly all that start-up makes (modules, classes, the config) lives as long as the
    program, so the garbage collector would walk it again and again for nothing: it
    waits until start-up is done, then leaves those objects out for good (freeze)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def run_screen(*, headless: bool = False) -> int:
    """Run the screen; the exit status (non-zero after an error the app stopped for)."""
    with collector_paused():
        from acw_tui.service.desk import Desk
        from acw_tui.settings.config import load_config
        from acw_tui.settings.paths import database_file
        from acw_tui.tui.app import AcwApp

        # Config and store are opened before the app starts, so a malformed config or a
        # damaged database is reported as one line and the screen never half-opens.
        config = load_config()
        desk = Desk.open(config, database_file())
    try:
        app = AcwApp(desk)
        app.run(headless=headless)
    finally:
        desk.close()
    return app.return_code or 0
