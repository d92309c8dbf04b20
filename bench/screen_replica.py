"""The ACW and ready screens rebuilt from Textual's own widgets, with no acw code.

A reference for `startup_to_typing`, the keystroke lines and `finish`, printed beside
their budget lines: what Textual alone takes to start, type into, show and leave a
screen of the ACW screen's size, so that a reader can tell the toolkit's part of a
figure from acw's. The budget lines
still compare acw with the floors SPEC §11 names; nothing here changes them.

The tree mirrors what the ACW screen shows with a pending wrap-up and no template yet
(`tests/unit/test_bench_probes.py` holds both screens to the real ones' widgets, kind
by kind):
the header; the timer, call details and pending list across the top; the code picker
and template form; the notes, their hint and redaction lines, the preview beside the
quality checklist, the status line; the key bar. Geometry and styles follow
`acw_tui/tui/app.tcss`. The ready screen likewise mirrors `ReadyScreen`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Digits, Header, Input, Label, OptionList, Select, Static, TextArea

CSS = """
#acw-body { height: 1fr; }
#acw-side { dock: top; layout: horizontal; height: 6; padding: 0 1; }
#acw-timer { width: auto; height: auto; border: round $error; padding: 0 1; }
#acw-digits { width: auto; }
#acw-plain-time { display: none; }
#acw-target { color: $text-muted; }
#call-details { width: auto; height: auto; margin: 0 2; }
#acw-pending { width: 1fr; height: 1fr; border: round $primary 50%; }
.section-title { text-style: bold; color: $text-muted; }
#wrapup-slot { width: 1fr; padding-left: 1; }
#code-picker { height: auto; }
#code-list { height: 6; }
#template-form { height: 1fr; }
#acw-note-col { width: 2fr; min-width: 59%; padding: 0 0 0 1; }
#notes { height: 1fr; min-height: 6; }
#notes-hint, #acw-status { color: $text-muted; height: 1; }
#redaction-status { display: none; }
#preview-slot { height: 1fr; layout: horizontal; }
#note-preview { width: 1fr; border: round $primary 30%; }
#preview-error { display: none; }
#checklist { width: 26; border: round $primary 30%; padding: 0 1; }
#key-bar { dock: bottom; height: 2; }
#ready-body { padding: 1 2; }
#ready-listener { display: none; }  /* shown once `acw listen` has run */
#ready-pending { height: 1fr; border: round $primary 50%; }
"""

CODES = [f"{code} · {code.replace('-', ' ')}" for code in (
    "billing-question", "double-charge", "refund", "card-lost", "address-change",
    "cancel-service", "complaint", "technical", "callback", "general-inquiry",
)]  # fmt: skip
PENDING = ["C-1001 · billing · 0:42", "C-1002 · support · 3:10"]
KEYS = "F1 help  ctrl+s finish  esc later  ctrl+g guide  ctrl+e extend  ctrl+p commands"


class KeyLine(Widget):
    """The key bar: a plain widget that renders its keys, as acw's does."""

    def render(self) -> str:
        return KEYS


class AcwReplica(Screen[None]):
    """The ACW screen's widget tree, in Textual's own widgets."""

    BINDINGS = [Binding("ctrl+s", "finish")]

    def __init__(self, store: sqlite3.Connection | None = None) -> None:
        super().__init__()
        self.store = store
        self.notes = TextArea(id="notes", soft_wrap=True, tab_behavior="focus")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="acw-body"):
            with Vertical(id="acw-side"):
                with Vertical(id="acw-timer"):
                    yield Digits("0:42", id="acw-digits")
                    yield Label("0:42", id="acw-plain-time")
                    yield Label("target 1:30", id="acw-target")
                yield Static("Call C-1000\nqueue billing\ncustomer 8812", id="call-details")
                yield OptionList(*PENDING, id="acw-pending")
            with Vertical(id="wrapup-slot"), Vertical(id="wrapup-panel"):
                with Vertical(id="code-picker"):
                    yield Label("Codes", classes="section-title")
                    yield Input(placeholder="Type to filter codes", compact=True)
                    yield OptionList(*CODES, id="code-list", compact=True, markup=False)
                with Vertical(id="template-form"):
                    yield Label("Template", classes="section-title")
                    yield Select([("General inquiry", 1), ("Callback", 2)], compact=True)
                    yield Vertical(id="form-fields")
            with Vertical(id="acw-note-col"):
                yield Label("Notes", classes="section-title")
                yield self.notes
                yield Static("shorthand guide: 10 000 entries", id="notes-hint")
                yield Static("no card number in the notes", id="redaction-status")
                with Vertical(id="preview-slot"):
                    with Vertical(id="note-preview"):
                        yield Label("", id="preview-error")
                        yield TextArea("", read_only=True, show_cursor=False, compact=True)
                    yield Static("Checklist\n[ ] reason\n[ ] outcome\n[ ] code", id="checklist")
                yield Static("Draft saved", id="acw-status")
        yield KeyLine(id="key-bar")

    def on_mount(self) -> None:
        self.title = "ACW · call C-1000"
        self.notes.focus()

    async def action_finish(self) -> None:
        """One insert + commit on a thread (acw's store writes on its own), then back."""
        if self.store is not None:
            await asyncio.to_thread(_insert, self.store, self.notes.text)
        self.app.pop_screen()


def _insert(store: sqlite3.Connection, note: str) -> None:
    store.execute("BEGIN")
    store.execute("INSERT INTO notes (note) VALUES (?)", (note,))
    store.execute("COMMIT")


class ReadyReplica(Screen[None]):
    """The ready screen's widget tree; says Ready each time it comes back on top."""

    says_ready = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="ready-body"):
            yield Label("", id="ready-state")
            yield Static("", id="ready-facts")
            yield Static("", id="ready-listener")
            yield Static("F2 call ended   F3 pending   F4 history   F9 break", id="ready-hint")
            yield OptionList(*PENDING, id="ready-pending")
        yield KeyLine(id="key-bar")

    def on_screen_resume(self) -> None:
        self.says_ready = True
        self.query_one("#ready-state", Label).update("Ready")
        self.query_one("#ready-facts", Static).update(
            f"Agent a-01   Site s-01\nLast ACW {time.strftime('%M:%S')}\nPending wrap-ups 2"
        )


class StartReplica(App[None]):
    """A start: the ACW screen replica, its notes focused; `watch(app, screen)` runs
    once the screen is mounted (the start-up probe's watch)."""

    CSS = CSS

    def __init__(self, watch: Callable[[App[None], AcwReplica], None]) -> None:
        super().__init__()
        self.watch_screen = watch

    async def on_mount(self) -> None:
        screen = AcwReplica()
        await self.push_screen(screen)
        self.watch_screen(self, screen)


class FinishReplica(App[None]):
    """Rounds of: the ACW screen replica opens, a note is typed, ctrl+s; each round's
    wall seconds from the key to the first refresh after the ready screen says Ready."""

    CSS = CSS

    def __init__(self, rounds: int, store: sqlite3.Connection, note: str) -> None:
        super().__init__()
        self.rounds, self.store, self.note = rounds, store, note
        self.walls: list[float] = []
        self.ready = ReadyReplica()

    async def on_mount(self) -> None:
        await self.push_screen(self.ready)
        self.run_worker(self._rounds())

    async def _rounds(self) -> None:
        # The finish probe's own watch: the first frame painted once it says Ready.
        # (Imported here: the start-up replica must not pay for the probe's imports.)
        from bench.screen_probe import first_paint_when

        for _ in range(self.rounds + 1):  # the first round warms up, untimed
            screen = AcwReplica(self.store)
            await self.push_screen(screen)
            await asyncio.sleep(0.2)
            screen.notes.insert(self.note)
            await asyncio.sleep(0.2)
            self.ready.says_ready = False
            started = time.perf_counter()
            self.post_message(events.Key("ctrl+s", None))
            _, painted = await first_paint_when(self, ReadyReplica, lambda: self.ready.says_ready)
            self.walls.append(painted - started)
            await asyncio.sleep(0.2)
        self.walls.pop(0)
        self.exit()


def finish_walls(rounds: int, path: str, note: str) -> list[float]:
    """Run FinishReplica over a fresh SQLite file with acw's pragmas."""
    from acw_tui.store.database import PRAGMAS

    store = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in PRAGMAS:
        store.execute(pragma)
    store.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, note TEXT)")
    app = FinishReplica(rounds, store, note)
    app.run(headless=True, size=(120, 40))
    store.close()
    return app.walls


def census(screen: Any) -> dict[str, int]:
    """A screen's widgets counted by the Textual class each is built on."""
    kinds = (TextArea, OptionList, Input, Select, Digits, Label, Header, Static)
    counted: dict[str, int] = {}
    for widget in screen.walk_children(Widget):
        kind = next((k.__name__ for k in kinds if isinstance(widget, k)), "Widget")
        counted[kind] = counted.get(kind, 0) + 1
    return counted
