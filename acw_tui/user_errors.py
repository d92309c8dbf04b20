"""What the command line and the screen launcher tell the user when something they can
fix goes wrong: one line, naming the file where there is one, never a traceback."""

from __future__ import annotations

import sqlite3

from acw_tui.errors import AcwError, os_reason

# Besides our own: SQLite refusing a file acw did not check first, and the operating
# system refusing a path (permissions, a full disk, a folder where a file should be).
USER_ERRORS = (AcwError, sqlite3.Error, OSError)


def one_line(exc: BaseException) -> str:
    """The message for one of USER_ERRORS."""
    from acw_tui.i18n import said

    if isinstance(exc, sqlite3.Error) and not isinstance(exc, AcwError):
        # Raised outside the store's own error handling: it is the store's file.
        from acw_tui.settings.paths import database_file
        from acw_tui.store.database import describe_sqlite_error

        return said(describe_sqlite_error(exc, database_file()))
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return where + said(os_reason(exc))
    return said(exc)  # in the chosen language when the error kept its template
