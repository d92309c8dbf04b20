"""The completion model: word n-grams with counts, and the suggestion at the cursor.

Counts are kept per context key (the 0, 1 or 2 case-folded words before a word). For
the keystroke path everything a suggestion needs is precomputed: the best next words
of each context (a short list, best first) and, for the word being typed, the most
frequent word for each prefix. A suggestion is then a handful of dictionary hits and a
scan of at most `TOP` candidates, whatever the size of the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from acw_tui.core.completion.words import (
    JOIN,
    LINE_START,
    gap_between,
    note_ngrams,
    tail_tokens,
)

# (context key, word) → count, as stored.
NgramCounts = Mapping[tuple[str, str], int]

TOP = 12  # candidates kept per context
MIN_COUNT = 2  # a word seen once is not suggested
MAX_WORDS = 10  # the longest phrase offered at once (punctuation counts)
SUGGEST_WINDOW = 80  # characters left of the cursor a suggestion looks at
START_SHARE = 0.3  # a next word (nothing typed of it yet) must be more likely than this …
FOLLOW_SHARE = 0.5  # … and each further word of a phrase more likely than this
SENTENCE_END = frozenset(".!?。！？")


@dataclass(frozen=True)
class Suggestion:
    """Ghost text at the cursor, in pieces: ctrl+→ takes the first, → or Tab all."""

    pieces: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def __bool__(self) -> bool:
        return bool(self.pieces)


NO_SUGGESTION = Suggestion()


@dataclass
class CompletionModel:
    """Word n-gram counts of one locale's notes (contexts of up to two words)."""

    locale: str = "en"
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    _top: dict[str, list[tuple[str, int]]] = field(default_factory=dict, repr=False)
    _totals: dict[str, int] = field(default_factory=dict, repr=False)
    _by_prefix: dict[str, tuple[str, int]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_counts(cls, locale: str, counts: Iterable[tuple[str, str, int]]) -> CompletionModel:
        model = cls(locale)
        model.add_counts(((context, word), count) for context, word, count in counts)
        return model

    def learn(self, text: str) -> Counter[tuple[str, str]]:
        """Learn a finished (redacted) note; returns the counts added (to store them)."""
        added = note_ngrams(text)
        self.add_counts(added.items())
        return added

    def add_counts(self, counts: Iterable[tuple[tuple[str, str], int]]) -> None:
        touched: set[str] = set()
        words: set[str] = set()  # words whose count alone (no context) went up
        for (context, word), count in counts:
            if count <= 0:
                continue
            self.counts.setdefault(context, Counter())[word] += count
            touched.add(context)
            if not context:
                words.add(word)
        for context in touched:
            found = self.counts[context]
            self._top[context] = found.most_common(TOP)
            self._totals[context] = sum(found.values())
        if words:
            self._index_prefixes(words)

    def _index_prefixes(self, words: Iterable[str]) -> None:
        """Make each of `words` the word of its prefixes where it is now the most frequent.

        Counts only grow, so a word whose count did not change cannot overtake another:
        only the words just counted are looked at (a finished note's few dozen, not the
        whole vocabulary).
        """
        unigrams = self.counts[""]
        best = self._by_prefix
        for word in words:
            count = unigrams[word]
            if count < MIN_COUNT or len(word) < 3:
                continue
            folded = word.casefold()
            for end in range(1, len(folded)):
                prefix = folded[:end]
                held = best.get(prefix)
                if held is None or held[0] == word or count > held[1]:
                    best[prefix] = (word, count)

    @property
    def size(self) -> int:
        """How many distinct (context, word) pairs the model holds."""
        return sum(len(found) for found in self.counts.values())

    # -- at the cursor -----------------------------------------------------------------

    def suggest(self, before: str) -> Suggestion:
        """What most likely follows `before` (the line left of the cursor)."""
        if not self._top:
            return NO_SUGGESTION
        context, partial, at_start = tail_tokens(before)
        if at_start:
            context = [LINE_START, *context]
        first = self._first_word(context, partial)
        if first is None and partial and self._is_word(partial):
            # The word is typed in full (or was just accepted): what comes after it.
            context, partial = [*context, partial][-2:], ""
            first = self._first_word(context, partial)
        if first is None:
            return NO_SUGGESTION
        word, rest = first
        pieces = [rest if partial else gap_between(before, word) + word]
        context = [*context, word][-2:]
        written = before + pieces[0]
        while len(pieces) < MAX_WORDS and word not in SENTENCE_END:
            following = self._likely_next(context, FOLLOW_SHARE)
            if following is None:
                break
            word = following
            pieces.append(gap_between(written, word) + word)
            written += pieces[-1]
            context = [*context, word][-2:]
        if not pieces[0]:
            return NO_SUGGESTION
        return Suggestion(tuple(pieces))

    def _first_word(self, context: list[str], partial: str) -> tuple[str, str] | None:
        """The word being typed (or the next one) and what is left of it to type."""
        if not partial:
            word = self._likely_next(context, START_SHARE)
            return None if word is None else (word, word)
        folded = partial.casefold()
        for size in (2, 1):
            if len(context) < size:
                continue
            for word, count in self._top.get(_key(context[-size:]), ()):
                if count < MIN_COUNT:
                    break
                if len(word) > len(partial) and word.casefold().startswith(folded):
                    return word, _rest(partial, word)
        held = self._by_prefix.get(folded)
        if held is None:
            return None
        return held[0], _rest(partial, held[0])

    def _is_word(self, typed: str) -> bool:
        """Has `typed` been seen as a whole word often enough to suggest after it?"""
        return self._totals.get(typed.casefold(), 0) >= MIN_COUNT

    def _likely_next(self, context: list[str], share: float) -> str | None:
        for size in (2, 1):
            if len(context) < size:
                continue
            key = _key(context[-size:])
            top = self._top.get(key)
            if not top or self._totals[key] < MIN_COUNT:
                continue  # too rare a context to say anything: ask the shorter one
            word, count = top[0]
            if count >= MIN_COUNT and count > share * self._totals[key]:
                return word
            return None  # the longer context knows this place: no guessing from less
        return None


def _key(words: list[str]) -> str:
    return JOIN.join(w.casefold() for w in words)


def _rest(partial: str, word: str) -> str:
    """What is left to type of `word` after `partial`, in the case the agent is typing."""
    rest = word[len(partial) :]
    if partial.isupper() and len(partial) > 1:
        return rest.upper()
    return rest
