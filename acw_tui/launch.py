"""The `acw` program: a bare `acw` opens the screen, anything else is the command line.

The screen is what an agent starts at the beginning of a shift and after every crash,
so it does not wait for the command-line machinery (click and the command table) to
load: the start-up budget of SPEC §11 is measured from here.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) > 1:
        from acw_tui.cli import main as command_line

        command_line()
    else:
        open_screen()


def open_screen(*, headless: bool = False) -> None:
    """Open the screen; a bad config or store is one line on stderr and exit status 1."""
    from acw_tui.tui.run import run_screen
    from acw_tui.user_errors import USER_ERRORS, one_line

    try:
        status = run_screen(headless=headless)
    except USER_ERRORS as exc:
        sys.exit(f"Error: {one_line(exc)}")
    if status:
        sys.exit(status)
