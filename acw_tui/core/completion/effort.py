"""How many keys a note costs an agent who uses the guide and accepts completions.

The one counting rule behind `acw guide effort` and the effort benchmark: a simulated
agent types the note left to right. At each point they take whichever of these puts
most of the note on screen per key pressed:

- the ghost text (→ or Tab: one key) when all of it is what they mean to type, or its
  first pieces by ctrl+→ (one key each) when only those are;
- a guide abbreviation and the delimiter that follows it in the note, when the
  expansion (with the guide's case rule) is exactly the note's text there;
- the next character (worth more when a suggestion they can take appears after one or
  two more characters: the agent looks that far ahead).

Every key counts: letters, delimiters, accept keys, and the backspace that takes back
an expansion the agent did not want (typing a word that happens to be an abbreviation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from acw_tui.core.completion.model import SUGGEST_WINDOW, CompletionModel
from acw_tui.core.shorthand import Entry, Guide, decide_expansion
from acw_tui.core.shorthand.rules import OPENERS, is_token_char, script_of


@dataclass(frozen=True)
class Effort:
    """Keys pressed for notes of `chars` characters, and how they were spent."""

    keys: int = 0
    chars: int = 0
    accepts: int = 0  # → / Tab / ctrl+→ presses
    expansions: int = 0
    undos: int = 0

    @property
    def ratio(self) -> float:
        """Keys pressed ÷ characters of the final note (1.0: typed in full)."""
        return self.keys / self.chars if self.chars else 0.0

    def __add__(self, other: Effort) -> Effort:
        return Effort(
            self.keys + other.keys,
            self.chars + other.chars,
            self.accepts + other.accepts,
            self.expansions + other.expansions,
            self.undos + other.undos,
        )


def total_effort(efforts: Iterable[Effort]) -> Effort:
    return sum(efforts, Effort())


class _ExpansionIndex:
    """Guide entries by the first word of their expansion, longest expansion first."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        self.by_first_word: dict[str, list[Entry]] = {}
        for entry in guide.entries:
            expansion = entry.expansion
            if "{" in expansion or len(expansion) <= len(entry.abbr):
                continue  # fill-ins are not text a sample note holds; no saving otherwise
            first = _word_at(expansion, 0).casefold()
            if first:
                self.by_first_word.setdefault(first, []).append(entry)
        for entries in self.by_first_word.values():
            entries.sort(key=lambda e: len(e.expansion) - len(e.abbr), reverse=True)

    def best_at(self, note: str, pos: int, window: str) -> tuple[str, int] | None:
        """(what to type, characters of the note it produces) for the best abbreviation."""
        word = _word_at(note, pos).casefold()
        candidates = self.by_first_word.get(word)
        if not candidates:
            return None
        delimiters = self.guide.delimiter_set
        for entry in candidates:
            end = pos + len(entry.expansion)
            if end >= len(note) or note[end] not in delimiters:
                continue
            wanted = note[pos:end]
            if wanted.casefold() != entry.expansion.casefold():
                continue
            for typed in _case_variants(entry.abbr):
                found = decide_expansion(window + typed, note[end], self.guide)
                if found is not None and found.replacement == wanted and found.entry == entry:
                    return typed + note[end], len(wanted) + 1
        return None


def _case_variants(abbr: str) -> tuple[str, ...]:
    return (abbr, abbr[:1].upper() + abbr[1:], abbr.upper())


def _word_at(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and is_token_char(text[end]):
        end += 1
    return text[pos:end]


def _token_may_start(text: str, pos: int) -> bool:
    """SPEC §3 rule 2: a token starts the line or follows a space, opener or other script."""
    if pos == 0:
        return True
    before = text[pos - 1]
    if before.isspace() or before in OPENERS or not is_token_char(before):
        return True
    return bool(script_of(before)) and script_of(before) != script_of(text[pos])


LOOK_AHEAD = 2  # characters the agent types before a suggestion they expect appears


def _acceptable(model: CompletionModel, window: str, note: str, pos: int) -> tuple[int, int]:
    """(characters, keys) the suggestion at `pos` puts down; (0, 0) when none fits."""
    pieces = model.suggest(window).pieces
    taken = matched = 0
    for piece in pieces:
        if not note.startswith(piece, pos + taken):
            break
        taken += len(piece)
        matched += 1
    if not matched:
        return 0, 0
    return taken, 1 if matched == len(pieces) else matched


def typing_effort(note: str, guide: Guide, model: CompletionModel | None = None) -> Effort:
    """Keys the simulated agent presses to write `note` (see the module's docstring)."""
    index = _ExpansionIndex(guide)
    keys = accepts = expansions = undos = 0
    pos = line_start = 0
    while pos < len(note):
        window = note[max(line_start, pos - SUGGEST_WINDOW) : pos]
        # Each option: (characters it puts down, keys it costs, what it is worth per key).
        best_gain, best_keys, kind, worth = 1, 1, "char", 1.0
        if model is not None:
            taken, cost = _acceptable(model, window, note, pos)
            if taken and taken / cost > worth:
                best_gain, best_keys, kind, worth = taken, cost, "accept", taken / cost
            # Typing on for a character or two may bring a suggestion worth more.
            for ahead in range(1, LOOK_AHEAD + 1):
                end = pos + ahead
                if end >= len(note) or note[end - 1] == "\n":
                    break
                later = note[max(line_start, end - SUGGEST_WINDOW) : end]
                taken, cost = _acceptable(model, later, note, end)
                if taken and (ahead + taken) / (ahead + cost) > worth:
                    best_gain, best_keys, kind = 1, 1, "char"
                    worth = (ahead + taken) / (ahead + cost)
        if guide.entries and _token_may_start(note, pos):
            found = index.best_at(note, pos, window)
            if found is not None:
                typed, gain = found
                if gain / len(typed) > worth:
                    best_gain, best_keys, kind = gain, len(typed), "abbr"
        keys += best_keys
        if kind == "accept":
            accepts += best_keys
        elif kind == "abbr":
            expansions += 1
        else:
            char = note[pos]
            if char in guide.delimiter_set and decide_expansion(window, char, guide):
                keys += 1  # backspace right after: the expansion is taken back
                undos += 1
        pos += best_gain
        newline = note.rfind("\n", line_start, pos)
        if newline >= 0:
            line_start = newline + 1
    return Effort(keys, len(note), accepts, expansions, undos)


def notes_in(text: str) -> list[str]:
    """The notes of a sample file: blank-line separated, each stripped."""
    notes: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            notes.append("\n".join(current).strip())
            current = []
    if current:
        notes.append("\n".join(current).strip())
    return notes
