"""One start of either app, headless, in a new process: what a person sees, when.

`python -m bench.startup_probe KIND` with KIND:
- `acw`: starts acw the way a bare `acw` does (config, store, the ACW screen of the
  pending wrap-up); once the wrap-up's form and guide are loaded and the notes editor
  has the focus, a key is sent the way the terminal driver sends one, and the moment
  the screen has refreshed with it echoed in the notes is printed as `typed CPU MONO`.
- `floor`: the same for a minimal Textual app with a focused `TextArea`.
- `replica`: the same for the ACW screen rebuilt from Textual's own widgets, with no
  acw code (`bench/screen_replica.py`): the toolkit's part of acw's figure.
- `acw-tour`: as `acw`, then types a note with a card number, waits for the live
  redaction marks, and visits every screen by its key (F3 pending, F4 history,
  F6 reports, F7 sync, F12 follow-ups, escape back); for the memory benchmark.
- `acw-watch`: acw on its ready screen; each time an ACW screen opens (a hook's call
  ended) it writes `shown CALL-ID MONO` to the file named by its second argument and
  goes back to ready (the screen's "Later" action, untimed).

The probe only watches (a timer polling what is on screen) and sends keys; it never
calls into acw's screens. On exit each prints its peak resident memory in KiB.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.abc
import importlib.util
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

KEY = "x"
# The terminal every kind starts in, 120×40. Headless, Textual's driver takes its size
# from these variables and Rich's console, which gives the app its size before the
# driver reports, reads the same ones: both apps start at one size, as in a terminal
# (unset, Rich says 80×25 and the driver 80×24, and the screen is laid out twice).
TERMINAL = {"COLUMNS": "120", "LINES": "40"}
POLL = 0.002  # how often the probe looks at the screen (the same for acw and floor)
TOUR_KEYS = ("f3", "f4", "f6", "f7", "f12")
TOUR_NOTE = "cx paid w/ card 4111 1111 1111 1111 cvv 123, rfd ok.\n"

lines: list[str] = []


def note(text: str) -> None:
    lines.append(text)


def peak_kib() -> int:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux carries the
    parent's resident size across fork and exec into it, so a big parent inflates it."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report() -> None:
    print(*lines, peak_kib(), sep="\n", flush=True)


@dataclass(frozen=True)
class ProbeRun:
    """What one probe process printed, read back by the benchmarks."""

    cpu_at_typed: float | None  # CPU seconds when the typed key was on screen
    typed_at: float | None  # monotonic clock then
    peak_kib: int
    lines: tuple[str, ...]


def run_probe(kind: str, env: dict[str, str]) -> ProbeRun:
    """Start one probe of `kind` as a new process and read what it printed."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.startup_probe", kind],
        env={**env, **TERMINAL},
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout.splitlines()
    typed = next((line.split() for line in out if line.startswith("typed ")), None)
    return ProbeRun(
        cpu_at_typed=float(typed[1]) if typed else None,
        typed_at=float(typed[2]) if typed else None,
        peak_kib=int(out[-1]),
        lines=tuple(out[:-1]),
    )


def send_key(app: Any, key: str, char: str | None) -> None:
    """A key as the terminal driver delivers it: an events.Key posted to the app."""
    from textual import events

    app.post_message(events.Key(key, char))


class Watch:
    """Polls `ready()`; then sends KEY and waits until `echoed()`; then, one refresh
    later (the echo painted), notes the time and calls `then`."""

    def __init__(
        self,
        app: Any,
        ready: Callable[[], bool],
        echoed: Callable[[], bool],
        then: Callable[[], None],
    ) -> None:
        self.app, self.ready, self.echoed, self.then = app, ready, echoed, then
        self.sent = False
        self.timer = app.set_interval(POLL, self.check)

    def check(self) -> None:
        if not self.sent:
            if self.ready():
                self.sent = True
                send_key(self.app, KEY, KEY)
            return
        if self.echoed():
            self.timer.stop()
            self.app.call_after_refresh(self.painted)

    def painted(self) -> None:
        note(f"typed {time.process_time():.6f} {time.monotonic():.6f}")
        self.then()


def floor() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea(soft_wrap=True, tab_behavior="focus")

        def on_mount(self) -> None:
            area = self.query_one(TextArea)
            area.focus()
            Watch(self, lambda: self.focused is area, lambda: KEY in area.text, self.exit)

    Floor().run(headless=True)


def replica() -> None:
    from bench.screen_replica import StartReplica

    def watch(app: Any, screen: Any) -> None:
        Watch(app, lambda: app.focused is screen.notes, lambda: KEY in screen.notes.text, app.exit)

    StartReplica(watch).run(headless=True)


class AfterImport(importlib.abc.MetaPathFinder):
    """Calls `then(module)` once `name` is imported by acw itself.

    The probe must not import acw's screens ahead of it: acw controls what happens
    around its own imports (the garbage collector waits), and an import made here
    first would be timed outside that.
    """

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, name: str, path: Any, target: Any = None) -> ModuleSpec | None:
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.loader is not None
        exec_module = spec.loader.exec_module

        def exec_then_patch(module: ModuleType) -> None:
            exec_module(module)
            self.then(module)

        spec.loader.exec_module = exec_then_patch  # type: ignore[method-assign]
        return spec


def when_imported(name: str, then: Callable[[ModuleType], None]) -> None:
    sys.meta_path.insert(0, AfterImport(name, then))


def on_mount_of(class_name: str, module: str, then: Callable[[Any], None]) -> None:
    """Run `then(instance)` right after each mount of the class (the probe's watch)."""

    def patch(found: ModuleType) -> None:
        cls = getattr(found, class_name)
        mount = cls.on_mount

        def mounted(widget: Any) -> None:
            mount(widget)
            then(widget)

        cls.on_mount = mounted

    when_imported(module, patch)


def typing_ready(screen: Any) -> bool:
    app = screen.app
    return (
        app.screen is screen
        and bool(screen.query("#wrapup-panel #template-form"))
        and bool(screen.query("#note-preview"))
        and bool(screen.notes.guide.entries)
        and app.focused is screen.notes
    )


def acw(then: Callable[[Any], None] | None = None) -> None:
    from acw_tui.launch import open_screen  # what a bare `acw` runs

    def watch(screen: Any) -> None:
        Watch(
            screen.app,
            lambda: typing_ready(screen),
            lambda: KEY in screen.notes.text,
            (lambda: then(screen)) if then else screen.app.exit,
        )

    on_mount_of("AcwScreen", "acw_tui.tui.screens.acw", watch)
    open_screen(headless=True)


def acw_tour() -> None:
    def tour(screen: Any) -> None:
        screen.app.run_worker(visit_every_screen(screen), exclusive=True)

    acw(tour)


async def visit_every_screen(screen: Any) -> None:
    app = screen.app
    for char in TOUR_NOTE:
        key = {" ": "space", "\n": "enter", ",": "comma", ".": "full_stop", "/": "slash"}
        send_key(app, key.get(char, char), char)
        await asyncio.sleep(0.01)
    deadline = time.monotonic() + 30
    while not screen.redaction_marks.spans and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    note(f"marks {len(screen.redaction_marks.spans)}")
    for key in TOUR_KEYS:
        send_key(app, key, None)
        await settle(app)
        note(f"screen {type(app.screen).__name__}")
    send_key(app, "escape", None)
    await settle(app)
    app.exit()


async def settle(app: Any) -> None:
    """Until the screen's workers and its reads and writes on acw's own threads (the
    sync screen's count of the outbox, a search) are done, and nothing has run for a
    moment."""
    await asyncio.sleep(0.3)
    deadline = time.monotonic() + 120
    from textual.worker import get_current_worker

    me = get_current_worker()
    while any(w is not me and not w.is_finished for w in app.workers):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    await asyncio.wait_for(app.calls.settled(), max(deadline - time.monotonic(), 1))
    await asyncio.sleep(0.3)


def say(text: str) -> None:
    """A line to the parent at once, in the file named after the kind (Textual captures
    print() while an app runs)."""
    with open(sys.argv[2], "a", encoding="utf-8") as out:
        out.write(text + "\n")


def acw_watch() -> None:
    from acw_tui.launch import open_screen

    def shown(screen: Any) -> None:
        # Painted: noted one refresh after the screen mounted, then back to ready.
        def painted() -> None:
            say(f"shown {screen.wrapup.call.external_id} {time.monotonic():.6f}")
            screen.action_leave()  # "Later": back to ready (not timed)

        screen.call_after_refresh(painted)

    def ready(screen: Any) -> None:
        screen.call_after_refresh(say, "ready")

    on_mount_of("AcwScreen", "acw_tui.tui.screens.acw", shown)
    on_mount_of("ReadyScreen", "acw_tui.tui.screens.ready", ready)
    open_screen(headless=True)


if __name__ == "__main__":
    atexit.register(report)
    kinds = {
        "acw": acw,
        "acw-tour": acw_tour,
        "acw-watch": acw_watch,
        "floor": floor,
        "replica": replica,
    }
    kinds[sys.argv[1]]()
