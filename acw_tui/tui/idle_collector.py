"""Full garbage collections wait for a pause in typing.

A full collection walks every object the program holds. With the ACW screen, a
10 000-entry guide and the completion model loaded that is 30–40 ms, and Python starts
one whenever enough objects have outlived the younger collections: in the middle of
whatever key allocated the last of them, so that key appeared a frame late. Here the
automatic full collection is put out of reach (its threshold) while the app runs, and
the app runs one itself:

- once input has stopped for `QUIET` seconds, if as many younger collections have
  passed as would have started one (`DUE`, Python's own default);
- on a slow timer while nobody types at all (a screen left open between calls);
- at once if input never stops long enough, after `OVERDUE` younger collections, so
  memory stays bounded for the fastest typist.

The younger generations (cheap, a fraction of a millisecond) are left to Python. The
thresholds are put back when the app ends, for whatever runs after it in the process.

acw starts with the collector off (`run.py`): what start-up builds, the first screen
included, would only be walked for nothing. It is turned on once that screen is on the
terminal.
"""

from __future__ import annotations

import gc
import time

from textual.app import App

from acw_tui.tui.after_pause import AfterPause

QUIET = 0.3  # seconds without input that count as a pause
DUE = 10  # younger collections before a full one is due (CPython's default threshold)
OVERDUE = 200  # ... after which it runs even while the agent types
IDLE_CHECK = 5.0  # seconds between looks while no input arrives at all
OUT_OF_REACH = 1 << 30


class IdleCollector:
    """Runs the full collections of `app` when its user pauses; see the module doc."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self._last_input = time.monotonic()
        self._pause = AfterPause(app, QUIET, self._paused)
        self._saved: tuple[int, ...] | None = None

    def start(self) -> None:
        self._saved = gc.get_threshold()
        young, middle, _full = self._saved
        gc.set_threshold(young, middle, OUT_OF_REACH)
        # Two refreshes on, the first screen is on the terminal. An app started another
        # way has it on already; enabling it again changes nothing.
        self.app.call_after_refresh(self.app.call_after_refresh, gc.enable)
        self.app.set_interval(IDLE_CHECK, self._idle_check, name="idle-collector-idle")

    def stop(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def input_seen(self) -> None:
        """A key, a paste or the mouse: on the keystroke path, so kept to a few steps."""
        self._last_input = time.monotonic()
        self._pause.poke()
        if gc.get_count()[2] >= OVERDUE:
            gc.collect()

    def _paused(self) -> None:
        if gc.get_count()[2] >= DUE:
            gc.collect()

    def _idle_check(self) -> None:
        if time.monotonic() - self._last_input >= QUIET:
            self._paused()
