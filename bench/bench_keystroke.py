"""One keystroke in the notes editor with a 10 000-entry guide vs a bare TextArea (≤ 1.5×).

Both widgets are mounted in a running Textual app and receive the very same key events
through the same path (`_on_key`, which is where a real key press lands), typing a
realistic shorthand note; expansions happen in the notes editor as they would for an
agent. Many alternating passes, fastest of each, in CPU time (the process's own work),
because the machine may be busy with other programs.

Live redaction is on, as SPEC §11 asks: the editor carries the same `RedactionMarks` as
on the ACW screen, told of every keystroke through `NotesEditor(keystroke_hook=...)`;
its scan runs after a pause in typing, on the app's timer, as it does for an agent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from acw_tui.core.shorthand import Entry, Guide, load_guide
from acw_tui.tui.widgets.notes_editor import NotesEditor
from acw_tui.tui.widgets.redaction_marks import RedactionMarks
from bench.common import Result

# A different callable(editor) to run after every keystroke instead of live redaction.
KEYSTROKE_HOOK: Callable[[NotesEditor], None] | None = None

NOTE = (
    "Cx cld abt pwd rst, id&v ok. snt reset link via eml. cx cnfd lgn ok w/ new pwd.\n"
    "cb tmrw am re dchg on last inv; fin to rvw, rfd pndg. nfa tdy.\n"
)
KEY_NAMES = {" ": "space", "\n": "enter", ".": "full_stop", ",": "comma", ";": "semicolon"}


def big_guide(size: int = 10_000) -> Guide:
    """The shipped English guide plus generated entries up to `size`."""
    shipped = Path(__file__).resolve().parent.parent / "shorthand" / "en.toml"
    entries = list(load_guide(shipped).entries)
    index = 0
    while len(entries) < size:
        entries.append(Entry(f"zq{index}", f"generated expansion {index}", "generated"))
        index += 1
    return Guide.of(entries, name="bench")


def key_events(text: str) -> list[events.Key]:
    return [events.Key(KEY_NAMES.get(c, c), c) for c in text]


class Host(App[None]):
    def __init__(self, widget: TextArea) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


async def _type(widget: TextArea, keys: list[events.Key]) -> float:
    widget.load_text("")
    start = time.process_time()
    for key in keys:
        await widget._on_key(key)
    return (time.process_time() - start) / len(keys)


async def _measure(
    rounds: int, repeats: int, hook: Callable[[NotesEditor], None] | None
) -> tuple[float, float]:
    keys = key_events(NOTE * repeats)
    bare = TextArea(soft_wrap=True, tab_behavior="focus")
    marks: list[RedactionMarks] = []
    if hook is None:
        hook = lambda _editor: marks[0].note_changed()  # noqa: E731
    editor = NotesEditor(guide=big_guide(), keystroke_hook=hook)
    floor = measured = float("inf")
    async with Host(bare).run_test() as bare_pilot, Host(editor).run_test() as editor_pilot:
        marks.append(RedactionMarks(editor))
        await _type(bare, keys)  # warm up both
        await _type(editor, keys)
        for _ in range(rounds):
            floor = min(floor, await _type(bare, keys))
            await bare_pilot.pause()  # let its queued messages go, outside the timing
            measured = min(measured, await _type(editor, keys))
            await editor_pilot.pause()
    return floor, measured


def measure(
    quick: bool = False, hook: Callable[[NotesEditor], None] | None = None
) -> tuple[float, float]:
    rounds, repeats = (5, 2) if quick else (15, 4)
    return asyncio.run(_measure(rounds, repeats, hook if hook is not None else KEYSTROKE_HOOK))


def run(quick: bool) -> list[Result]:
    floor, measured = measure(quick)
    return [
        Result(
            "keystroke",
            measured / floor,
            1.5,
            detail=[
                f"bare TextArea:                  {floor * 1e6:7.1f} µs per key",
                f"NotesEditor, 10 000 entries:    {measured * 1e6:7.1f} µs per key"
                + (" (live redaction on)" if KEYSTROKE_HOOK is None else " (custom hook)"),
            ],
        )
    ]
