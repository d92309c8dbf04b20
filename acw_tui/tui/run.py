"""Opening the screen from the command line: load config and store, then run the app."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_off() -> Iterator[None]:
    """The garbage collector is off for start-up: nearly all that start-up makes lives
    as long as the program, so it would walk it again and again for nothing. The app
    turns it back on once its first screen is on the terminal (`IdleCollector`); this
    turns it on in any case when the app ends."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_screen(*, headless: bool = False, language: str | None = None, plain: bool = False) -> int:
    """Run the screen; the exit status (non-zero after an error the app stopped for).

    `language`: `acw --lang` (else the config's locale, else LANG); `plain`: `acw --plain`.
    """
    with collector_off():
        from acw_tui.i18n import choose_language, use_language
        from acw_tui.service.desk import Desk
        from acw_tui.settings.config import load_config
        from acw_tui.settings.display import display_settings
        from acw_tui.settings.paths import database_file

        # Config and store are opened before the app starts, so a malformed config or a
        # damaged database is reported as one line and the screen never half-opens.
        config = load_config()
        display_settings(config)  # a theme that does not exist: one line, before the screen
        use_language(choose_language(language, config.locale if config.locale_given else None))
        from acw_tui.tui.app import AcwApp

        # claim_screen: this window's drafts are its own, apart from another window's.
        desk = Desk.open(config, database_file()).claim_screen()
        # Modules, classes and config: never garbage, left out of every collection.
        gc.freeze()
        try:
            app = AcwApp(desk, plain=plain)
            app.run(headless=headless)
        finally:
            desk.close()
    if app.leaving_line:
        print(app.leaving_line.replace("\n", " "), file=sys.stderr)
    return app.return_code or 0
