"""Picking wrap-up codes: type to filter, Enter picks the first match, several allowed.

The list is a plain `OptionList` whose rows show their own check mark: the picker keeps
the picked codes itself, and every message the list sends carries the option it is
about. (A `SelectionList` turns each highlight into a message that looks its option up
by index later, when the agent typing on may already have filtered that index away.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from acw_tui.core.templates import WrapupCode
from acw_tui.i18n import N_, _
from acw_tui.tui.widgets.keys_in_order import OrderedInput, OrderedKeys


def code_matches(code: WrapupCode, text: str, locale: str) -> bool:
    """Every typed word appears in the code, its label, its help text or its category
    (typing a category's name lists its codes: the hierarchy, by keyboard)."""
    category = f"{code.category.label} {code.category.label_in(locale)}" if code.category else ""
    haystack = f"{code.code} {code.label} {code.label_in(locale)} {code.help} {category}"
    haystack = haystack.casefold()
    return all(word in haystack for word in text.casefold().split())


PICKED = "[x] "
NOT_PICKED = "[ ] "


class CodeList(OrderedKeys, OptionList):
    """The codes shown for the filter; Space or Enter toggles the highlighted one."""

    BINDINGS = [Binding("space", "select", N_("Toggle code"), show=False)]


class CodePicker(Vertical):
    """Codes of the template library; `selected` keeps the order they were picked in."""

    DEFAULT_CSS = """
    CodePicker {
        height: auto;
    }
    #code-list {
        height: auto;
        max-height: 6;
    }
    #code-title.-missing {
        color: $warning;
    }
    #code-filter {
        background: $boost;
    }
    """

    @dataclass
    class Changed(Message):
        """The agent picked or dropped a code: every code now picked, in order."""

        picker: CodePicker
        codes: tuple[str, ...]

    def __init__(
        self,
        codes: Iterable[WrapupCode],
        *,
        locale: str = "en",
        required: bool = False,
        selected: Iterable[str] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.codes = tuple(codes)
        self.locale = locale
        self.required = required
        self.selected: list[str] = [c for c in selected if any(k.code == c for k in self.codes)]

    def compose(self) -> ComposeResult:
        yield Label(self._title(), id="code-title", classes="section-title", markup=False)
        yield OrderedInput(
            placeholder=_("Type to filter codes · Enter picks"), id="code-filter", compact=True
        )
        yield CodeList(id="code-list", compact=True, markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self._update_title()

    # -- showing -----------------------------------------------------------------------

    def label_of(self, code: str) -> str:
        found = next((c for c in self.codes if c.code == code), None)
        return found.label_in(self.locale) if found else code

    def _title(self) -> str:
        if self.selected:
            labels = ", ".join(self.label_of(c) for c in self.selected)
            return _("Codes: {codes}").format(codes=labels)
        return _("Codes (required)") if self.required else _("Codes")

    def _update_title(self) -> None:
        title = self.query_one("#code-title", Label)
        title.update(self._title())
        title.set_class(self.required and not self.selected, "-missing")

    def visible(self, text: str) -> list[WrapupCode]:
        return [c for c in self.codes if code_matches(c, text, self.locale)]

    def _row(self, code: WrapupCode) -> Option:
        mark = PICKED if code.code in self.selected else NOT_PICKED
        return Option(Text(f"{mark}{code.label_in(self.locale)}  ({code.code})"), id=code.code)

    def _fill(self, text: str) -> None:
        """Show the codes matching `text`, keeping the highlight on the same code if shown."""
        options = self.query_one("#code-list", CodeList)
        current = options.highlighted_option
        keep = current.id if current is not None else None
        shown = self.visible(text)
        options.clear_options()
        options.add_options([self._row(c) for c in shown])
        ids = [c.code for c in shown]
        if ids:
            # An index of the list just filled, so whatever the highlight message
            # carries exists.
            options.highlighted = ids.index(keep) if keep in ids else 0

    # -- changing ------------------------------------------------------------------------

    def set_selected(self, codes: Iterable[str], *, announce: bool = True) -> None:
        known = {c.code for c in self.codes}
        self.selected = [c for c in dict.fromkeys(codes) if c in known]
        self._fill(self.query_one("#code-filter", Input).value)
        self._update_title()
        if announce:
            self.post_message(self.Changed(self, tuple(self.selected)))

    def toggle(self, code: str) -> None:
        codes = list(self.selected)
        if code in codes:
            codes.remove(code)
        else:
            codes.append(code)
        self.set_selected(codes)

    @on(Input.Changed, "#code-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#code-filter")
    def _pick_first(self, event: Input.Submitted) -> None:
        event.stop()
        matches = self.visible(event.value)
        if not matches:
            self.notify(
                _("No code matches {text!r}").format(text=event.value),
                severity="warning",
                markup=False,
            )
            return
        highlighted = self.query_one("#code-list", CodeList).highlighted_option
        wanted = {c.code for c in matches}
        code = (
            highlighted.id
            if highlighted is not None and highlighted.id in wanted
            else matches[0].code
        )
        event.input.value = ""
        self.toggle(code)

    def on_key(self, event: events.Key) -> None:
        # Down from the filter walks the list of matches without leaving the filter.
        filter_input = self.query_one("#code-filter", Input)
        if not filter_input.has_focus or event.key not in ("down", "up"):
            return
        options = self.query_one("#code-list", CodeList)
        if options.option_count:
            current = options.highlighted or 0
            step = 1 if event.key == "down" else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))
        event.stop()

    @on(OptionList.OptionSelected, "#code-list")
    def _list_toggled(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.toggle(event.option.id)
