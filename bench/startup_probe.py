"""One start of either app, headless, exiting right after its first paint.

`python -m bench.startup_probe acw` starts acw the way `acw` does (config, store, the ACW
screen of the pending wrap-up); `floor` starts a minimal Textual app (Header, TextArea,
Footer). Each is a new process, so interpreter start-up counts for both.
`acw-tour` goes on from the ACW screen to the history screen before exiting (for the
memory benchmark).

At the first paint each notes the process's CPU seconds so far (interpreter start-up
included) and the monotonic clock, and prints them as `paint CPU MONOTONIC`: tearing the
app down afterwards is not part of starting it. On exit each prints its peak resident
memory in KiB as the last line.
"""

from __future__ import annotations

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

paints: list[str] = []


def first_paint() -> None:
    paints.append(f"paint {time.process_time():.6f} {time.monotonic():.6f}")


def peak_kib() -> int:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux carries the
    parent's resident size across fork and exec into it, so a big parent inflates it."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report() -> None:
    print(*paints, peak_kib(), sep="\n")


@dataclass(frozen=True)
class ProbeRun:
    """What one probe process printed, read back by the benchmarks."""

    cpu_at_paint: float | None  # CPU seconds at the first paint (None: never painted)
    painted_at: float | None  # monotonic clock at the first paint
    peak_kib: int


def run_probe(kind: str, env: dict[str, str]) -> ProbeRun:
    """Start one probe of `kind` as a new process and read what it printed."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.startup_probe", kind],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    paint = next((line.split() for line in out if line.startswith("paint ")), None)
    return ProbeRun(
        cpu_at_paint=float(paint[1]) if paint else None,
        painted_at=float(paint[2]) if paint else None,
        peak_kib=int(out[-1]),
    )


def floor() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, TextArea

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield TextArea()
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            first_paint()
            self.exit()

    Floor().run(headless=True, size=(120, 40))


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


def after_mount(screen_class: Any, then: Callable[[Any], None]) -> None:
    """Run `then(screen)` one refresh after the screen's own on_mount."""
    mount = screen_class.on_mount

    def mounted(screen: Any) -> None:
        mount(screen)
        screen.call_after_refresh(then, screen)

    screen_class.on_mount = mounted


def paint_then_exit(screen: Any) -> None:
    first_paint()
    screen.app.exit()


def acw() -> None:
    from acw_tui.launch import open_screen  # what a bare `acw` runs

    when_imported("acw_tui.tui.screens.acw", lambda m: after_mount(m.AcwScreen, paint_then_exit))
    open_screen(headless=True)


def acw_tour() -> None:
    from acw_tui.launch import open_screen

    when_imported(
        "acw_tui.tui.screens.acw",
        lambda m: after_mount(m.AcwScreen, lambda screen: screen.app.action_history()),
    )
    when_imported(
        "acw_tui.tui.screens.history",
        lambda m: after_mount(m.HistoryScreen, lambda screen: screen.app.exit()),
    )
    open_screen(headless=True)


if __name__ == "__main__":
    atexit.register(report)
    {"acw": acw, "acw-tour": acw_tour, "floor": floor}[sys.argv[1]]()
