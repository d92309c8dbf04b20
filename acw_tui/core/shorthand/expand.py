"""Expanding a whole text as if it were typed, and spotting phrases typed in full.

Used for pasted notes ("expand whole note"), for `acw expand`, and to count missed
abbreviations (the agent typed "customer" where the guide has `cx`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from acw_tui.core.shorthand.fillins import FillIns
from acw_tui.core.shorthand.model import Entry, Guide
from acw_tui.core.shorthand.rules import (
    Expansion,
    decide_expansion,
    is_token_char,
    script_of,
)


@dataclass
class ExpandedText:
    """A text with the guide applied as if typed, and every expansion made in it."""

    text: str
    expansions: list[Expansion] = field(default_factory=list)

    def used(self) -> Counter[str]:
        return Counter(e.entry.abbr for e in self.expansions)


def expand_text(text: str, guide: Guide, fill_ins: FillIns | None = None) -> ExpandedText:
    """Expand `text` at every delimiter, exactly as the editor would while typing it.

    Works on a window of the output's tail, so a long line costs time in proportion
    to its length, not its square.
    """
    result = ExpandedText("")
    if not guide.entries:
        result.text = text
        return result
    out: list[str] = []
    tail = ""  # the end of the current line of output, at most `window` characters
    window = guide.context_chars + 1
    delimiters = guide.delimiter_set
    start = 0
    for index, char in enumerate(text):
        if char not in delimiters:
            continue
        if index > start:
            piece = text[start:index]
            out.append(piece)
            tail = (tail + piece)[-window:]
        expansion = decide_expansion(tail, char, guide, fill_ins)
        if expansion is not None:
            cut = len(tail) - expansion.start
            _drop_tail(out, cut)
            out.append(expansion.replacement)
            tail = (tail[: expansion.start] + expansion.replacement)[-window:]
            result.expansions.append(expansion)
        out.append(char)
        tail = "" if char == "\n" else (tail + char)[-window:]
        start = index + 1
    out.append(text[start:])
    result.text = "".join(out)
    return result


def _drop_tail(out: list[str], count: int) -> None:
    """Remove the last `count` characters from a list of pieces."""
    while count > 0:
        last = out.pop()
        if len(last) > count:
            out.append(last[:-count])
            return
        count -= len(last)


@dataclass(frozen=True)
class PhraseIndex:
    """Entries by the last word of their expansion, to spot phrases typed in full."""

    guide: Guide

    @cached_property
    def by_last_word(self) -> dict[str, list[Entry]]:
        index: dict[str, list[Entry]] = {}
        for entry in self.guide.entries:
            expansion = entry.expansion.strip()
            # Only entries that really save typing are worth coaching on.
            if len(expansion) <= len(entry.abbr) or not expansion:
                continue
            word = _last_word(expansion)
            if word:
                index.setdefault(word.casefold(), []).append(entry)
        return index

    @cached_property
    def longest_phrase(self) -> int:
        return max((len(e.expansion) for e in self.guide.entries), default=0)

    def warm(self) -> None:
        """Build the index now (on a loading thread) rather than at its first use."""
        _ = self.by_last_word, self.longest_phrase

    def missed_at(self, before: str) -> Entry | None:
        """The entry whose full expansion ends right at the end of `before`, if any."""
        word = _last_word(before[-64:])
        if not word:
            return None
        candidates = self.by_last_word.get(word.casefold())
        if not candidates:
            return None
        folded = before.casefold()
        for entry in candidates:
            phrase = entry.expansion.strip().casefold()
            if folded.endswith(phrase) and _starts_word(before, len(before) - len(phrase)):
                return entry
        return None

    def find_missed(self, text: str) -> Counter[str]:
        """Entries whose expansion appears typed in full in `text` (abbr → count)."""
        missed: Counter[str] = Counter()
        for index, char in enumerate(text):
            if is_token_char(char) and (
                index + 1 == len(text) or not is_token_char(text[index + 1])
            ):
                entry = self.missed_at(text[max(0, index + 1 - 200) : index + 1])
                if entry is not None:
                    missed[entry.abbr] += 1
        return missed


def _last_word(text: str) -> str:
    end = len(text)
    start = end
    while start > 0 and is_token_char(text[start - 1]):
        start -= 1
    return text[start:end]


def _starts_word(text: str, start: int) -> bool:
    if start < 0:
        return False
    if start == 0:
        return True
    before, first = text[start - 1], text[start]
    if not is_token_char(before):
        return True
    script = script_of(before)
    return bool(script) and script != script_of(first)
