"""A text field's own keys act in the order they were pressed.

Textual hands a key to the focused widget, and the widget's own bindings (End, Home,
word left, undo …) run only once the key has gone up through every container to the
app. Keys read from the terminal together (a fast typist, a loaded machine, a macro)
all reach the field before that: after `End` and a word, the word went in where the
caret was and End moved the caret afterwards. A field that calls `run_own_binding`
from its `on_key` runs its own bindings as each key arrives, in the same queue as the
characters around it. Keys it does not bind (the screen's F-keys, ctrl+s) go up as
before; priority bindings are the app's, run before the field sees the key.
"""

from __future__ import annotations

from functools import cache

from textual import events
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


async def run_own_binding(field: Widget, event: events.Key) -> bool:
    """Run the field's own binding for this key now; True when one took it (the key
    is then spent and goes no further). Called from the field's `on_key`."""
    for binding in _own_bindings(type(field)).get(event.key, ()):
        if await field.app.run_action(binding.action, field):
            event.stop()
            event.prevent_default()
            return True
    return False


class OrderedInput(Input):
    """Input, its own keys (backspace, Home, End, word left …) in order with typing."""

    async def on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)


class OrderedTextArea(TextArea):
    """TextArea, its own keys in order with typing (the template form's long fields)."""

    async def on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)
