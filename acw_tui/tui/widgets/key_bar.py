"""The bottom lines of every screen: each key the screen answers to, clickable.

It shows what Textual's `Footer` shows (the screen's active bindings, one per action,
disabled ones dim, the command palette key last), drawn as text by one widget and
wrapped onto a second line when the screen is narrow, so no action hides off the edge.
`Footer` builds a widget per key and scrolls sideways; with the fourteen keys of the
ACW screen that alone was about a tenth of the start-up time to the first paint (SPEC
§11), which the agent waits through at every shift start and after every crash.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

from acw_tui.i18n import _

GAP = 2  # cells between two keys


class Key(NamedTuple):
    key: str  # what to simulate when clicked
    display: str  # how the key is written ("^s", "f10")
    description: str
    enabled: bool

    @property
    def width(self) -> int:
        return cell_len(self.display) + 1 + cell_len(self.description)


def pack(keys: list[Key], width: int) -> list[list[Key]]:
    """Keys into lines no wider than `width` (a key wider than that gets its own line)."""
    lines: list[list[Key]] = [[]]
    used = 0
    for key in keys:
        needed = key.width if not lines[-1] else GAP + key.width
        if lines[-1] and used + needed > width:
            lines.append([])
            used, needed = 0, key.width
        lines[-1].append(key)
        used += needed
    return lines


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        padding: 0 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: list[Key] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.keys = self.active_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not (self.is_attached and screen is self.screen):
            return
        keys = self.active_keys()
        if keys != self.keys:
            self.keys = keys
            self.refresh(layout=True)

    def active_keys(self) -> list[Key]:
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        keys: list[Key] = []
        last: list[Key] = []
        actions: set[str] = set()
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            # Descriptions are marked where the bindings are declared (N_), at import,
            # before the language is chosen: translated here, where they are shown.
            shown = Key(key, app.get_key_display(binding), _(binding.description), enabled)
            if key == palette:
                last.append(shown)
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                keys.append(shown)
        return keys + last

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(pack(self.keys, width))

    def render(self) -> Content:
        lines = []
        for line in pack(self.keys, self.content_size.width):
            parts: list[str | tuple[str, str]] = []
            for key in line:
                dim = "" if key.enabled else " dim"
                if parts:
                    parts.append(" " * GAP)
                parts.append((key.display, f"bold $footer-key-foreground{dim}"))
                parts.append(" ")
                parts.append((key.description, f"$footer-description-foreground{dim}"))
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        lines = pack(self.keys, self.content_size.width)
        if offset.y >= len(lines):
            return
        x = 0
        for key in lines[offset.y]:
            if x <= offset.x < x + key.width:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
            x += key.width + GAP
