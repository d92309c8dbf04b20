"""One start of either app, headless, exiting right after its first paint.

`python -m bench.startup_probe acw` starts acw the way `acw` does (config, store, the ACW
screen of the pending wrap-up); `floor` starts a minimal Textual app (Header, TextArea,
Footer). The parent times the whole process, interpreter start included, for both.
`acw-tour` goes on from the ACW screen to the history screen before exiting (for the
memory benchmark). Each prints its peak resident memory in KiB on exit.
"""

from __future__ import annotations

import atexit
import resource
import sys


def floor() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, TextArea

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield TextArea()
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.exit)

    Floor().run(headless=True, size=(120, 40))


def acw() -> None:
    import acw_tui.cli  # noqa: F401 - the `acw` command loads it before opening the screen
    from acw_tui.tui.run import run_screen
    from acw_tui.tui.screens.acw import AcwScreen

    mount = AcwScreen.on_mount

    def mounted_then_exit(screen: AcwScreen) -> None:
        mount(screen)
        screen.call_after_refresh(screen.app.exit)

    AcwScreen.on_mount = mounted_then_exit  # type: ignore[method-assign]
    run_screen(headless=True)


def acw_tour() -> None:
    import acw_tui.cli  # noqa: F401
    from acw_tui.tui.run import run_screen
    from acw_tui.tui.screens.acw import AcwScreen
    from acw_tui.tui.screens.history import HistoryScreen

    acw_mount, history_mount = AcwScreen.on_mount, HistoryScreen.on_mount

    def then_history(screen: AcwScreen) -> None:
        acw_mount(screen)
        screen.call_after_refresh(screen.app.action_history)

    def then_exit(screen: HistoryScreen) -> None:
        history_mount(screen)
        screen.call_after_refresh(screen.app.exit)

    AcwScreen.on_mount = then_history  # type: ignore[method-assign]
    HistoryScreen.on_mount = then_exit  # type: ignore[method-assign]
    run_screen(headless=True)


if __name__ == "__main__":
    atexit.register(lambda: print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    {"acw": acw, "acw-tour": acw_tour, "floor": floor}[sys.argv[1]]()
