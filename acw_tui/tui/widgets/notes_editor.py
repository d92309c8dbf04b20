"""The notes editor: a plain TextArea that expands the team's shorthand as the agent types.

The rules live in `acw_tui.core.shorthand`; this widget only feeds them the text left
of the cursor when a delimiter is typed, and does the edits so that:

- the expansion is one undo step (ctrl+z gives back exactly what was typed);
- backspace right after an expansion restores what was typed, and that token does not
  fire again there;
- a paste is never expanded ("Expand note", F5, does a whole note on purpose);
- a hint (`cx → customer`) is set while a known token is being typed;
- uses, undos and phrases typed in full are counted per entry for the wrap-up, and
  a phrase typed in full brings a coaching hint (`cx would have saved 6 keys`);
- ghost text from the completion model (`ghost_text.GhostText`) is accepted with →
  or Tab, a word with ctrl+→;
- every key pressed in the notes is counted (the "typed" of "typed / final").

The keystroke path is one short scan of the current line and one dictionary hit.
`keystroke_hook` (optional) runs after every key: live redaction plugs in there.

Function keys belong to the screens (F6 reports, F7 sync, …): the editor keeps none
of TextArea's own (F6 selects the line, F7 selects all, and the next key would have
replaced the whole note). Its handlers use Textual's public event order: a widget's
`on_<event>` runs before the `_on_<event>` of the class it extends, which runs unless
the event's default is prevented. Textual internals go through `acw_tui.tui.compat`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, Selection

from acw_tui.core.shorthand import (
    DoneExpansion,
    Entry,
    FillIns,
    Guide,
    GuideProblem,
    PhraseIndex,
    UndoBook,
    UsageTally,
    apply_case,
    decide_expansion,
    entry_being_typed,
    expand_text,
)
from acw_tui.core.shorthand.fillins import fill
from acw_tui.i18n import N_, _, ngettext
from acw_tui.tui.compat import record_as_typed, record_edit_as_typed, restart_cursor_blink
from acw_tui.tui.widgets.ghost_text import GhostText
from acw_tui.tui.widgets.keys_in_order import edits, run_own_binding

if TYPE_CHECKING:
    from acw_tui.core.completion import CompletionModel

# Keys that must not forget the last expansion: they are the ways to take it back.
_UNDO_KEYS = frozenset({"backspace", "ctrl+z", "super+z"})
AIDS_AFTER = 1.0  # seconds after the guide before coaching figures and completion load
# The aids are read in the agent's pauses: a step waits until no key came for QUIET
# seconds, or for PACE_AT_MOST seconds of unbroken typing (the build still ends).
QUIET = 0.25
PACE_AT_MOST = 3.0


class _EditorGone(Exception):
    """The notes editor left the screen while its aids were loading."""


# Keys the screens answer to, whatever has the focus.
SCREEN_KEYS = frozenset(f"f{n}" for n in range(1, 25))


def bindings_without(keys: frozenset[str], classes: Iterable[type]) -> list[Binding]:
    """The bindings `classes` declare, merged as Textual merges a widget's base classes
    (base first, a later class's key replacing an earlier one's), minus `keys`."""
    by_key: dict[str, list[Binding]] = {}
    for cls in classes:
        declared: dict[str, list[Binding]] = {}
        for binding in Binding.make_bindings(vars(cls).get("BINDINGS", [])):
            declared.setdefault(binding.key, []).append(binding)
        by_key.update(declared)
    return [binding for key, found in by_key.items() if key not in keys for binding in found]


class NotesEditor(TextArea, inherit_bindings=False):
    # TextArea's bindings without the screen keys: F6 and F7 (select line, select
    # all) reach the screen from the notes, and no screen key can select the note.
    BINDINGS = [
        *bindings_without(SCREEN_KEYS, reversed(TextArea.__mro__)),
        Binding("f5", "expand_note", N_("Expand note")),
    ]

    hint: var[str] = var("", init=False)
    """What a delimiter would expand right now (`cx → customer`), a coaching tip, or ""
    for nothing. The screen shows it by watching it: a watcher runs as the value is set,
    so the hint is drawn in the key's own frame (a message reached the screen after that
    frame, and the one-row hint line cost a frame of its own, as much again as the key)."""

    @dataclass
    class GuideLoaded(Message):
        """The guide from `guide_source` is in place (it loads after the first paint)."""

        editor: NotesEditor
        guide: Guide

        @property
        def control(self) -> NotesEditor:
            return self.editor

    def __init__(
        self,
        text: str = "",
        *,
        guide: Guide | None = None,
        guide_source: Callable[[], Guide] | None = None,
        usage: UsageTally | None = None,
        keystroke_hook: Callable[[NotesEditor], None] | None = None,
        completion_source: Callable[[Guide, Callable[[], None]], CompletionModel] | None = None,
        fill_ins: Callable[[], FillIns] | None = None,
        undo_source: Callable[[], dict[str, tuple[int, int]]] | None = None,
        coaching: bool = True,
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        super().__init__(text, language=None, **kwargs)  # type: ignore[arg-type]
        self.usage = usage if usage is not None else UsageTally()
        self.keystroke_hook = keystroke_hook
        self._book = UndoBook()
        self.guide = guide or Guide()
        self._guide_source = guide_source
        self._completion_source = completion_source
        self._fill_ins = fill_ins
        self._undo_source = undo_source
        # Entries this agent keeps undoing: abbr → (undone, used); the hint says so.
        self.often_undone: dict[str, tuple[int, int]] = {}
        self.ghost = GhostText()
        self.coaching = coaching
        self._coaching_hint = ""
        self._last_key = time.monotonic()
        # A finish or discard is being stored: it has read the text, so keys that would
        # change it are not taken (no draft would keep them). Not read_only: that
        # restyles the editor, a frame of its own before the ready screen.
        self.held = False
        # True once the coaching figures and the completion model have been read (or
        # given up on): from then on what the editor shows depends only on its text.
        self.aids_loaded = False
        # Set when the editor leaves the screen: the loading thread's waits end at once,
        # so quitting right after a wrap-up opened does not wait out AIDS_AFTER (the
        # process's exit waits for that thread).
        self._gone = threading.Event()

    def on_mount(self) -> None:
        if any(
            source is not None
            for source in (self._guide_source, self._completion_source, self._undo_source)
        ):
            # Reading and parsing the guide file waits until the screen is painted; it
            # then runs on a thread. Until it is in, the notes take text unexpanded.
            self.call_after_refresh(
                self.call_after_refresh,
                self.run_worker,
                self._load_guide,
                thread=True,
                exclusive=True,
                group="guide",
            )
        else:
            self.aids_loaded = True  # nothing to load

    def on_unmount(self) -> None:
        self._gone.set()

    def _load_guide(self) -> None:
        guide = self.guide
        if self._guide_source is not None:
            try:
                guide = self._guide_source()
            except Exception as exc:  # a guide must never take the notes down
                problem = GuideProblem.of(
                    _("shorthand guide"), 0, N_("not loaded: {problem}"), problem=exc
                )
                guide = Guide(problems=(problem,))
            # The index of phrases typed in full is built here too: built at the agent's
            # first delimiter, it held that key for 50 ms with a 10 000-entry guide.
            phrases = PhraseIndex(guide)
            phrases.warm()
            with suppress(RuntimeError):  # the app closed while the guide was loading
                self.app.call_from_thread(self._guide_ready, guide, phrases)
        # Coaching figures and the completion model wait a moment: reading them holds the
        # interpreter for tens of milliseconds, which the agent's first keys should not
        # wait for; no one needs a suggestion in the first second of a wrap-up.
        if self._gone.wait(AIDS_AFTER):
            return
        if self._undo_source is not None and self.coaching:
            try:
                self._wait_for_pause()
                often_undone = self._undo_source()
            except Exception:  # coaching is a help, never a reason to fail
                often_undone = {}
            with suppress(RuntimeError):
                self.app.call_from_thread(setattr, self, "often_undone", often_undone)
        model = None
        if self._completion_source is not None:
            try:
                model = self._completion_source(guide, self._wait_for_pause)
            except Exception:  # no suggestions is the worst a broken store may cause
                model = None
        with suppress(RuntimeError):
            self.app.call_from_thread(self._aids_ready, model)

    def _wait_for_pause(self) -> None:
        """On the loading thread: return once the agent has not pressed a key for
        `QUIET` seconds (or after `PACE_AT_MOST`), so a step of loading never takes the
        interpreter from a key; raise when the editor has left the screen."""
        waited = 0.0
        while True:
            if self._gone.is_set():
                raise _EditorGone
            quiet = time.monotonic() - self._last_key
            if quiet >= QUIET or waited >= PACE_AT_MOST:
                return
            self._gone.wait(QUIET - quiet)
            waited += QUIET - quiet

    def _aids_ready(self, model: CompletionModel | None) -> None:
        if model is not None:
            self.use_completion(model)
        self.aids_loaded = True

    def use_completion(self, model: CompletionModel | None) -> None:
        """Suggest from `model` from now on (None: no suggestions)."""
        self.ghost.model = model
        self.update_suggestion()

    def _guide_ready(self, guide: Guide, phrases: PhraseIndex) -> None:
        self.guide = guide
        self._phrases = phrases
        self.post_message(self.GuideLoaded(self, guide))

    # -- the guide and the counts ------------------------------------------------------

    @property
    def guide(self) -> Guide:
        return self._guide

    @guide.setter
    def guide(self, guide: Guide) -> None:
        self._guide = guide
        self._phrases = PhraseIndex(guide)
        self._book.clear()

    def reset_usage(self) -> UsageTally:
        """Start counting afresh (a new wrap-up); returns the counts so far."""
        done, self.usage = self.usage, UsageTally()
        return done

    def load_text(self, text: str) -> None:
        super().load_text(text)
        self._book.clear()
        self.refresh()  # TextArea repaints only if its size or the cursor moved

    # -- typing ------------------------------------------------------------------------

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        # Every keystroke moves the caret. Nothing above the editor reads this message
        # (the caret's cell is worked out each frame), so it stops here rather than
        # being handed through each container up to the app on every key.
        event.stop()

    async def on_key(self, event: events.Key) -> None:
        """Runs before TextArea's own key handler, which inserts a typed character.

        A delimiter is typed here (with its expansion) and TextArea's handler is
        skipped; the editor's own keys (End, word left, undo …) run here too, in order
        with the typing; any other key goes on. Hint and hook run once the key is done.
        """
        if self.held and edits(self, event):
            event.stop()  # a finish has read the text: a key now would be in no note
            event.prevent_default()
            return
        if self.read_only or not self.has_focus:
            # Read-only, or handed over before a Tab moved the focus on: not typed here.
            await run_own_binding(self, event)
            return
        self._last_key = time.monotonic()
        if event.key not in _UNDO_KEYS:
            self._book.forget()
        self.usage.keys_pressed += 1
        if event.key in ("tab", "ctrl+right") and self.ghost.accept(self, event.key == "tab"):
            event.stop()
            event.prevent_default()
            self.call_next(self._after_keystroke)
            return
        char = "\n" if event.key == "enter" else event.character if event.is_printable else None
        if event.key == "tab" and self._expands("\t"):
            char = "\t"  # a delimiter after a token (SPEC §3); else Tab moves focus on
        elif await run_own_binding(self, event):
            self.call_next(self._after_keystroke)
            return
        if (
            char is not None
            and char in self._guide.delimiter_set
            and self.selection.is_empty
            and self._guide.entries
        ):
            event.stop()
            event.prevent_default()  # TextArea would insert the delimiter a second time
            restart_cursor_blink(self)
            self._type_delimiter(char)
        self.call_next(self._after_keystroke)

    def _line_before_cursor(self) -> tuple[int, int, str]:
        """(row, column of the window's start, the window of text left of the cursor)."""
        row, column = self.cursor_location
        start = max(0, column - self._guide.context_chars)
        return row, start, self.document[row][start:column]

    def _expands(self, char: str) -> bool:
        """Typing `char` here would expand the token before the cursor."""
        if not (self.selection.is_empty and self._guide.entries):
            return False
        row, offset, before = self._line_before_cursor()
        found = decide_expansion(before, char, self._guide, self._current_fill_ins())
        return found is not None and not self._book.is_suppressed(
            (row, offset + found.start), found.typed
        )

    def _type_delimiter(self, char: str) -> None:
        row, offset, before = self._line_before_cursor()
        found = decide_expansion(before, char, self._guide, self._current_fill_ins())
        if found is not None and self._book.is_suppressed((row, offset + found.start), found.typed):
            found = None
        if found is None:
            start, end = self.selection
            self.replace(char, start, end, maintain_selection_offset=False)
            self._count_missed(row, offset + len(before))
            return
        self._coaching_hint = ""
        start, end = (row, offset + found.start), (row, offset + found.end)
        after_delimiter = (row + 1, 0) if char == "\n" else (row, end[1] + 1)
        # The delimiter goes in the undo history as a key typed after the token (two
        # ctrl+z take back the expansion, then the typing with its delimiter; ctrl+y
        # puts each back with the cursor after it) ...
        record_as_typed(self, char, end, after_delimiter)
        # ... and one edit puts in the expansion and the delimiter (a keystroke stays
        # one edit of the document, as cheap as in a bare TextArea) ...
        edit = Edit(found.replacement + char, start, end, maintain_selection_offset=True)
        self.history.checkpoint()  # the expansion is an undo step of its own
        self.edit(edit)
        self.history.checkpoint()
        # ... recorded as if the delimiter had been typed first: ctrl+z gives back the
        # token and its delimiter, with the cursor after them, and ctrl+y redoes it.
        edit.to_location = after_delimiter
        record_edit_as_typed(edit, Selection.cursor(after_delimiter), found.typed + char)
        cursor = self.cursor_location
        caret = None
        if found.cursor is not None and "\n" not in found.replacement:
            # `{cursor}` in the expansion: typing goes on there, not after the delimiter.
            caret = (row, start[1] + found.cursor)
            self.selection = Selection.cursor(caret)
        self._book.expanded(
            DoneExpansion(
                found.entry,
                start,
                cursor,
                found.typed + char,
                found.replacement + char,
                found.typed,
                caret,
            )
        )
        self.usage.used(found.entry, found.typed, found.replacement)

    def _count_missed(self, row: int, column: int) -> None:
        self._coaching_hint = ""
        if self._phrases.by_last_word and not self.ghost.was_accepted((row, column)):
            start = max(0, column - self._phrases.longest_phrase - 1)
            entry = self._phrases.missed_at(self.document[row][start:column])
            if entry is not None:
                self.usage.missed(entry)
                if self.coaching:
                    self._coaching_hint = coaching_hint(entry)

    def _after_keystroke(self) -> None:
        if self._guide.entries:
            _row, _start, before = self._line_before_cursor()
            typing = entry_being_typed(before, self._guide)
            hint = ""
            if typing is not None:
                token, entry = typing
                hint = f"{token} → {apply_case(token, entry)}"
                if entry.abbr in self.often_undone:
                    undone, used = self.often_undone[entry.abbr]
                    hint += "  " + _(
                        "(you undid it {undone} of {used} times: type the word if you mean it)"
                    ).format(undone=undone, used=used)
            elif self._coaching_hint:
                hint = self._coaching_hint
            self.hint = hint
        if self.keystroke_hook is not None:
            self.keystroke_hook(self)

    # -- ghost text ----------------------------------------------------------------------

    def update_suggestion(self) -> None:
        """TextArea's hook after every edit: the ghost text at the new cursor."""
        self.suggestion = self.ghost.refresh(self)

    def watch_selection(self) -> None:
        # A cursor move (not an edit: `update_suggestion` follows those) leaves the
        # suggestion behind.
        if self.suggestion:
            self.suggestion = self.ghost.refresh(self)

    def action_cursor_right(self, select: bool = False) -> None:
        if select or not self.ghost.accept(self, whole=True):
            super().action_cursor_right(select)

    # -- taking an expansion back ------------------------------------------------------

    def _expansion_to_take_back(self) -> DoneExpansion | None:
        if not self.selection.is_empty:
            self._book.forget()
            return None
        done = self._book.take_back(self.cursor_location)
        if done is None or self.get_text_range(done.start, done.end) != done.inserted:
            return None
        return done

    def action_delete_left(self) -> None:
        done = self._expansion_to_take_back()
        if done is None:
            super().action_delete_left()
            return
        self.history.checkpoint()
        result = self.replace(done.typed, done.start, done.end, maintain_selection_offset=False)
        self.history.checkpoint()
        self.selection = Selection.cursor(result.end_location)
        self._counted_undo(done)

    def action_undo(self) -> None:
        done = self._expansion_to_take_back()
        super().action_undo()
        if done is not None:
            self._counted_undo(done)

    def _counted_undo(self, done: DoneExpansion) -> None:
        # `typed` and `inserted` both end with the one delimiter character.
        self.usage.undone(done.entry, done.token, done.inserted[:-1])

    def on_mouse_down(self) -> None:
        # TextArea's own handler moves the cursor right after this one.
        self._book.forget()  # a click is a cursor move: backspace is ordinary again

    # -- paste and the whole note ------------------------------------------------------

    def on_paste(self, event: events.Paste) -> None:
        if self.held:
            event.stop()
            event.prevent_default()
            return
        # TextArea's own handler inserts the text, once, right after this one.
        self._book.forget()  # a paste is never expanded (SPEC §3 rule 6)
        if not self.read_only:
            self.usage.carried(event.text)  # not typed: no saving to claim for it

    def action_expand_note(self) -> int:
        """Expand the whole note by the same rules (for pasted text); one undo step."""
        result = expand_text(self.text, self._guide, self._current_fill_ins())
        if not result.expansions:
            self.notify(_("Nothing to expand in this note."))
            return 0
        self._book.forget()
        self.history.checkpoint()
        self.replace(result.text, (0, 0), self.document.end, maintain_selection_offset=False)
        self.history.checkpoint()
        for found in result.expansions:
            self.usage.used(found.entry, found.typed, found.replacement)
        count = len(result.expansions)
        self.notify(
            ngettext(
                "Expanded {count} abbreviation.", "Expanded {count} abbreviations.", count
            ).format(count=count)
        )
        return len(result.expansions)

    def insert_entry(self, entry: Entry) -> None:
        """Insert an entry's expansion at the cursor (chosen from the guide panel), its
        fill-ins filled and the cursor left at its `{cursor}` mark."""
        self._book.forget()
        filled = fill(entry.expansion, self._current_fill_ins())
        self.history.checkpoint()
        start = self.selection.start
        self.insert(filled.text)
        self.history.checkpoint()
        if filled.cursor is not None and "\n" not in filled.text:
            self.selection = Selection.cursor((start[0], start[1] + filled.cursor))
        self.focus()

    def _current_fill_ins(self) -> FillIns | None:
        return self._fill_ins() if self._fill_ins is not None else None


def coaching_hint(entry: Entry) -> str:
    """What the hint line says when an entry's phrase was typed in full."""
    saved = len(entry.expansion) - len(entry.abbr)
    return ngettext(
        "tip: {abbr} → {expansion} would have saved {saved} key",
        "tip: {abbr} → {expansion} would have saved {saved} keys",
        saved,
    ).format(abbr=entry.abbr, expansion=entry.expansion, saved=saved)
