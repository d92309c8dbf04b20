"""The searchable guide panel: fuzzy search over abbreviations and expansions.

Type to filter, up/down to pick, Enter to insert the entry's expansion into the notes,
Escape to close. The panel posts `EntryChosen` and `Closed`; the screen decides where
the text goes.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from acw_tui.core.shorthand import Entry, Guide
from acw_tui.core.shorthand.compare import search_guide
from acw_tui.i18n import N_, _, ngettext
from acw_tui.tui.widgets.keys_in_order import OrderedInput

SHOWN = 200  # rows in the list at most; the search itself covers the whole guide


class GuidePanel(Vertical):
    DEFAULT_CSS = """
    GuidePanel {
        width: 1fr;
        max-width: 44;
        border: round $primary 50%;
        padding: 0 1;
    }
    GuidePanel #guide-list { height: 1fr; }
    GuidePanel #guide-title { text-style: bold; }
    GuidePanel #guide-warning { color: $warning; }
    """
    BINDINGS = [Binding("escape", "close", N_("Close guide"), show=True)]

    @dataclass
    class EntryChosen(Message):
        """The agent chose an entry (Enter): its expansion goes into the notes."""

        entry: Entry

    class Closed(Message):
        """The agent closed the panel (Escape)."""

    def __init__(self, guide: Guide, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self.guide = guide
        self._shown: list[Entry] = []

    def compose(self) -> ComposeResult:
        # Names, entries and problems come from the guide file: shown as written.
        yield Label(f"{self.guide.name} · v{self.guide.version}", id="guide-title", markup=False)
        if self.guide.problems:
            yield Label(
                ngettext(
                    "{count} problem(s): {first}",
                    "{count} problem(s): {first}",
                    len(self.guide.problems),
                ).format(count=len(self.guide.problems), first=self.guide.problems[0]),
                id="guide-warning",
                markup=False,
            )
        yield OrderedInput(placeholder=_("Search abbreviations and expansions"), id="guide-search")
        yield OptionList(id="guide-list", markup=False)

    def on_mount(self) -> None:
        self.show_matches("")

    # The screen calls these from timers and after a refresh: by then the panel may not
    # be composed yet, or already gone with its screen (ctrl+g then F2). Then they wait
    # for the mount (which shows the guide) or do nothing.

    def set_guide(self, guide: Guide) -> None:
        self.guide = guide
        for search in self.query("#guide-search").results(Input):
            self.show_matches(search.value)

    def focus_search(self) -> None:
        if self.is_attached:
            for search in self.query("#guide-search").results(Input):
                search.focus()

    def show_matches(self, query: str) -> None:
        self._shown = search_guide(self.guide, query, SHOWN)
        found = self.query("#guide-list").results(OptionList)
        options = next(iter(found), None)
        if options is None:
            return
        options.clear_options()
        options.add_options(
            Option(Text.assemble((f"{e.abbr:<8}", "bold"), " ", e.expansion)) for e in self._shown
        )
        if self._shown:
            options.highlighted = 0

    @on(Input.Changed, "#guide-search")
    def _search(self, event: Input.Changed) -> None:
        self.show_matches(event.value)

    @on(Input.Submitted, "#guide-search")
    def _submit(self) -> None:
        options = self.query_one("#guide-list", OptionList)
        if options.highlighted is not None and self._shown:
            self.post_message(self.EntryChosen(self._shown[options.highlighted]))

    @on(OptionList.OptionSelected, "#guide-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.EntryChosen(self._shown[event.option_index]))

    def key_down(self) -> None:
        self.query_one("#guide-list", OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one("#guide-list", OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.post_message(self.Closed())
