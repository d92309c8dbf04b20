"""Picking wrap-up codes: type to filter, Enter picks the first match, several allowed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from acw_tui.core.templates import WrapupCode


def code_matches(code: WrapupCode, text: str, locale: str) -> bool:
    """Every typed word appears in the code, its label or its help text."""
    haystack = f"{code.code} {code.label} {code.label_in(locale)} {code.help}".casefold()
    return all(word in haystack for word in text.casefold().split())


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
        yield Label(self._title(), id="code-title", classes="section-title")
        yield Input(
            placeholder="Type to filter codes · Enter picks", id="code-filter", compact=True
        )
        yield SelectionList[str](id="code-list", compact=True)

    def on_mount(self) -> None:
        self._fill("")
        self._update_title()

    # -- showing -----------------------------------------------------------------------

    def label_of(self, code: str) -> str:
        found = next((c for c in self.codes if c.code == code), None)
        return found.label_in(self.locale) if found else code

    def _title(self) -> str:
        if self.selected:
            return "Codes: " + ", ".join(self.label_of(c) for c in self.selected)
        return "Codes (required)" if self.required else "Codes"

    def _update_title(self) -> None:
        title = self.query_one("#code-title", Label)
        title.update(self._title())
        title.set_class(self.required and not self.selected, "-missing")

    def visible(self, text: str) -> list[WrapupCode]:
        return [c for c in self.codes if code_matches(c, text, self.locale)]

    def _fill(self, text: str) -> None:
        options = self.query_one("#code-list", SelectionList)
        options.clear_options()
        options.add_options(
            [
                Selection(f"{c.label_in(self.locale)}  ({c.code})", c.code, c.code in self.selected)
                for c in self.visible(text)
            ]
        )
        if options.option_count:
            options.highlighted = 0

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
            self.notify(f"No code matches {event.value!r}", severity="warning")
            return
        options = self.query_one("#code-list", SelectionList)
        index = options.highlighted if options.highlighted is not None else 0
        code = matches[min(index, len(matches) - 1)].code
        event.input.value = ""
        self.toggle(code)

    def on_key(self, event: object) -> None:
        # Down from the filter walks the list of matches without leaving the filter.
        key = getattr(event, "key", "")
        filter_input = self.query_one("#code-filter", Input)
        if not filter_input.has_focus or key not in ("down", "up"):
            return
        options = self.query_one("#code-list", SelectionList)
        if options.option_count:
            current = options.highlighted or 0
            step = 1 if key == "down" else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))
        event.stop()  # type: ignore[attr-defined]

    @on(SelectionList.SelectedChanged, "#code-list")
    def _list_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        options = event.selection_list
        shown = {options.get_option_at_index(i).value for i in range(options.option_count)}
        now_selected = set(options.selected)
        codes = [c for c in self.selected if c not in shown or c in now_selected]
        codes += [c for c in options.selected if c not in codes]
        if codes != self.selected:
            self.selected = codes
            self._update_title()
            self.post_message(self.Changed(self, tuple(codes)))
