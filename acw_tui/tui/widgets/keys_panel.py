"""The keys panel (F1) in the agent's language.

Textual's `HelpPanel` lists the focused part's keys with the descriptions as declared,
and those are English: Textual's own ("Cursor left", "Undo") and acw's, which are marked
with `N_` at import, before the language is chosen. `KeysPanel` is that panel with a
table that translates each description, tooltip and group heading where it is drawn
(the catalog has Textual's texts from `tui/textual_texts.py`). Key names stay as the
keyboard prints them ("^s", "f10", "home").
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import HelpPanel, KeyPanel, Markdown

from acw_tui.i18n import _
from acw_tui.tui.compat import BindingsTable


class TranslatedBindingsTable(BindingsTable):
    """The screen's active keys, one row per action, grouped by the part that binds them."""

    def render_bindings_table(self) -> Table:
        key_style = self.get_component_rich_style("bindings-table--key")
        description_style = self.get_component_rich_style("bindings-table--description")
        header_style = self.get_component_rich_style("bindings-table--header")
        divider_transparent = self.get_component_styles("bindings-table--divider").color.a == 0
        table = Table(
            padding=(0, 0),
            show_header=False,
            box=box.SIMPLE if divider_transparent else box.HORIZONTALS,
            border_style=self.get_component_rich_style("bindings-table--divider"),
        )
        table.add_column("", justify="right")
        key_display = self.app.get_key_display
        active = self.screen.active_bindings.values()
        for node, group in groupby(active, key=lambda binding: binding.node):
            by_action: defaultdict[str, list[Binding]] = defaultdict(list)
            for _node, binding, _enabled, _tooltip in group:
                # A key with nothing to say would be a row of a bare key name.
                if not binding.system and (binding.description or binding.tooltip):
                    by_action[binding.action].append(binding)
            if not by_action:
                continue
            if node.BINDING_GROUP_TITLE:
                table.add_row("", Text(_(node.BINDING_GROUP_TITLE), style=header_style, end=""))
            for bindings in by_action.values():
                keys = " ".join(dict.fromkeys(key_display(binding) for binding in bindings))
                table.add_row(Text(keys, style=key_style), describe(bindings[0], description_style))
            table.add_section()
        return table


def describe(binding: Binding, style: object) -> Text:
    """The binding's description and (dim) tooltip, translated; descriptions may hold
    markup, as in Textual's own panel."""
    text = Text.from_markup(_(binding.description), end="", style=style)  # type: ignore[arg-type]
    if binding.tooltip:
        if binding.description:
            text.append(" ")
        text.append(_(binding.tooltip), "dim")
    return text


class TranslatedKeyPanel(KeyPanel):
    def compose(self) -> ComposeResult:
        yield TranslatedBindingsTable(shrink=True, expand=False)


class KeysPanel(HelpPanel):
    """Textual's help panel (CSS type `HelpPanel`), with the translated keys table."""

    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield TranslatedKeyPanel(id="keys-help")
