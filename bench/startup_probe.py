"""One start of either app, headless, exiting right after its first paint.

`python -m bench.startup_probe acw` starts acw the way `acw` does (config, store, the ACW
screen of the pending wrap-up); `floor` starts a minimal Textual app (Header, TextArea,
Footer). The parent times the whole process, interpreter start included, for both.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    {"acw": acw, "floor": floor}[sys.argv[1]]()
