"""A text field's own keys act in the order they were pressed.

Textual hands a key to the focused widget, and the widget's own bindings (End, Home,
word left, undo …) run only once the key has gone up through every container to the
app. Keys read from the terminal together (a fast typist, a loaded machine, a macro)
all reach the field before that: after `End` and a word, the word went in where the
caret was and End moved the caret afterwards. A field that calls `run_own_binding`
from its `on_key` runs its own bindings as each key arrives, in the same queue as the
characters around it. Keys it does not bind (the screen's F-keys, ctrl+s) go up as
before; priority bindings are the app's, run before the field sees the key.

A priority key (ctrl+s finishing, ctrl+q quitting) is the app's: it runs as it is read,
while keys read just before it may still wait in the focused field's queue. What reads
the typed text for it waits for them first (`after_keys_in_hand`, `keys_in_hand`).

A one-line field (`OrderedInput`: the template form's text fields, the dialogs' inputs,
the code filter, the searches) takes a paste of several lines as one line, the lines
joined by a space (`one_line`): Textual's Input kept the first line and dropped the
rest without a word.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from functools import cache
from typing import cast

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, TextArea

from acw_tui.tui.compat import class_bindings


@cache
def _own_bindings(widget_class: type[Widget]) -> dict[str, list[Binding]]:
    return {
        key: [binding for binding in bindings if not binding.priority]
        for key, bindings in class_bindings(widget_class).key_to_bindings.items()
    }


# Keys that move the focus on, as the app binds them (with focus as their Tab behaviour).
_FOCUS_MOVES = {"tab": "focus_next", "shift+tab": "focus_previous"}


def _spent(event: events.Key) -> bool:
    event.stop()
    event.prevent_default()
    return True


async def run_own_binding(field: Widget, event: events.Key) -> bool:
    """Run the field's own binding for this key now; True when one took it (the key
    is then spent and goes no further). Called from the field's `on_key`.

    Tab and shift+Tab move the focus here too, so that the keys read with them reach
    the field they move to: a key that arrives once the focus has left (it was handed
    over before the move) goes back to the app, which gives it to the focused field.
    """
    app = field.app
    focused = app.focused
    if focused is not None and focused is not field:
        if field in focused.ancestors:
            return False  # a key of the field's own open part (a select's list): as it was
        app.post_message(events.Key(event.key, event.character))
        return _spent(event)
    for binding in _own_bindings(type(field)).get(event.key, ()):
        if await app.run_action(binding.action, field):
            return _spent(event)
    move = _FOCUS_MOVES.get(event.key)
    if move is not None and getattr(field, "tab_behavior", "focus") == "focus":
        getattr(field.screen, move)()
        return _spent(event)
    return False


def edits(field: Widget, event: events.Key) -> bool:
    """Would this key change the field's text (typed, or one of its own keys)?"""
    return (
        event.is_printable
        or event.key in ("enter", "tab")
        or bool(_own_bindings(type(field)).get(event.key))
    )


def after_keys_in_hand(app: App[object], then: Callable[[], object]) -> None:
    """`then`, once the focused field has handled every key it was handed before now,
    and its containers up to the screen every message those keys sent them (a text's
    change marks the draft to save): each queue runs what it holds first, in order. A
    key read with ctrl+s was still in the field's queue, not in its text, as ctrl+s ran."""
    focused = app.focused
    line = [] if focused is None else [focused, *focused.ancestors]
    line = [node for node in line if isinstance(node, Widget)]  # the screen is the last

    def step(index: int) -> None:
        while index < len(line) and not line[index].is_attached:
            index += 1
        if index == len(line):
            then()
        else:
            line[index].call_later(step, index + 1)

    step(0)


async def keys_in_hand(app: App[object], patience: float = 1.0) -> None:
    """Wait (at most `patience` seconds) until the focused field has handled every key
    it was handed before now; for an app-level action that reads what was typed."""
    handled = asyncio.Event()
    after_keys_in_hand(app, handled.set)
    with contextlib.suppress(TimeoutError):  # a field that does not answer: read what it has
        await asyncio.wait_for(handled.wait(), patience)


class OrderedKeys:
    """A focusable part whose own keys act in order with typing, and on which Tab moves
    on at once with the keys read with it following (`run_own_binding`): the text
    fields below, the code list, the template select."""

    async def on_key(self, event: events.Key) -> None:
        await run_own_binding(cast(Widget, self), event)


def one_line(text: str) -> str:
    """A paste for a one-line field: its lines joined by one space, blank lines and the
    spaces around each line break left out (a text without line breaks as it is)."""
    lines = text.splitlines()
    if len(lines) < 2:
        return lines[0] if lines else text
    return " ".join(stripped for line in lines if (stripped := line.strip()))


class OrderedInput(OrderedKeys, Input):
    """Input, its own keys (backspace, Home, End, word left …) in order with typing, and
    a paste of several lines taken whole, as one line."""

    def on_paste(self, event: events.Paste) -> None:
        # Runs before Input's own handler, which inserts the paste's first line.
        event.text = one_line(event.text)


class OrderedTextArea(OrderedKeys, TextArea):
    """TextArea, its own keys in order with typing (the template form's long fields)."""
