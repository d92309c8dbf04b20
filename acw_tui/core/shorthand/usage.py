"""Bookkeeping of one note: the last expansion (for undo) and per-entry usage counts.

Kept apart from the widget so the undo rule (SPEC §3 rule 5) and the counts stored at
the wrap-up can be tested without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from acw_tui.core.shorthand.model import Entry

Location = tuple[int, int]  # (row, column) in the document


@dataclass
class EntryUsage:
    """One guide entry's counts in one wrap-up: used, undone, missed, keystrokes saved."""

    abbr: str
    expansion: str
    used: int = 0
    undone: int = 0
    missed: int = 0
    keystrokes_saved: int = 0


@dataclass
class UsageTally:
    """Per-entry counts for one wrap-up: used, undone, missed, keystrokes saved; every
    key the agent pressed in the notes (the "typed" of "typed / final"); and the
    characters that reached the notes without those keys (left out of "final")."""

    entries: dict[str, EntryUsage] = field(default_factory=dict)
    keys_pressed: int = 0
    # Pasted text, and a draft's text from an earlier run of acw whose keys were
    # counted by no one: not written by the keys counted here.
    carried_chars: int = 0

    @property
    def fresh(self) -> bool:
        """Nothing counted yet in this run of acw."""
        return not (self.entries or self.keys_pressed or self.carried_chars)

    def carried(self, text: str) -> None:
        self.carried_chars += len(text)

    def _row(self, entry: Entry) -> EntryUsage:
        row = self.entries.get(entry.abbr)
        if row is None:
            row = self.entries[entry.abbr] = EntryUsage(entry.abbr, entry.expansion)
        return row

    def used(self, entry: Entry, typed: str, replacement: str) -> None:
        row = self._row(entry)
        row.used += 1
        row.keystrokes_saved += max(0, len(replacement) - len(typed))

    def undone(self, entry: Entry, typed: str, replacement: str) -> None:
        row = self._row(entry)
        row.undone += 1
        row.keystrokes_saved -= max(0, len(replacement) - len(typed))

    def missed(self, entry: Entry) -> None:
        self._row(entry).missed += 1

    def rows(self) -> list[EntryUsage]:
        return [self.entries[k] for k in sorted(self.entries)]

    def __bool__(self) -> bool:
        return bool(self.entries)


@dataclass(frozen=True)
class DoneExpansion:
    """An expansion just made in the document, so it can be taken back exactly."""

    entry: Entry
    start: Location  # where the typed token (or its sigil) began
    end: Location  # the cursor right after the inserted text and delimiter
    typed: str  # token as typed, plus the delimiter
    inserted: str  # replacement, plus the delimiter
    token: str  # the token without sigil or delimiter, for suppression
    caret: Location | None = None  # where the cursor was left, when not at `end` ({cursor})


@dataclass
class UndoBook:
    """Rule 5: backspace right after an expansion restores what was typed, once.

    `last` is set by an expansion and cleared by any other key or cursor move; a
    restored token is remembered so typing a delimiter after it again does not fire.
    """

    last: DoneExpansion | None = None
    suppressed: set[tuple[Location, str]] = field(default_factory=set)

    def expanded(self, done: DoneExpansion) -> None:
        self.last = done

    def forget(self) -> None:
        self.last = None

    def take_back(self, cursor: Location) -> DoneExpansion | None:
        """The expansion to undo if the cursor is still right after it; marks it suppressed."""
        done = self.last
        self.last = None
        if done is None or cursor != (done.caret or done.end):
            return None
        self.suppressed.add((done.start, done.token))
        return done

    def is_suppressed(self, start: Location, token: str) -> bool:
        return (start, token) in self.suppressed

    def clear(self) -> None:
        self.last = None
        self.suppressed.clear()
