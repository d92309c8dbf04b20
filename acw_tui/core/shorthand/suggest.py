"""`acw guide suggest`: phrases the team types often that no guide entry covers, each
with an abbreviation that passes lint and the keys it would save a week.

Phrases are runs of one to four words inside a sentence of the finished notes (what
completion learns too: redaction markers and long numbers break them). A phrase is
covered when an entry's expansion holds it, or it holds (or shares two words in a row
with) an expansion of several words. Proposals are
taken greedily by keys saved, a phrase overlapping one already taken is left out, and
an abbreviation is never a word the notes themselves use (it would fire where the
agent means the word), a common word of the language, an existing abbreviation, or no
shorter to type than its phrase.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from acw_tui.core.completion.words import PUNCTUATION, is_cjk, word_runs
from acw_tui.core.shorthand.lint import (
    COMMON_WORD_ZIPF,
    WordFrequency,
    lint_guide,
    typing_cost,
    wordfreq_zipf,
)
from acw_tui.core.shorthand.model import Entry, Guide

MAX_WORDS = 4
MIN_CHARS = 7  # a shorter phrase is not worth an entry to learn
FUNCTION_WORD_ZIPF = 6.0  # "the", "to", "by", "will": about once per 1 000 words or more


@dataclass(frozen=True)
class Proposal:
    """A guide entry to propose: a phrase the team often types, an abbreviation for it, and
    the keys it would save a week."""

    abbr: str
    expansion: str
    uses: int  # times the phrase was typed in the notes read
    keys_saved_per_week: float


def _sentences(notes: Iterable[str]) -> Iterator[list[str]]:
    for note in notes:
        for run in word_runs(note):
            sentence: list[str] = []
            for word in run:
                if word in PUNCTUATION:
                    if sentence:
                        yield sentence
                    sentence = []
                else:
                    sentence.append(word)
            if sentence:
                yield sentence


def _phrase(words: list[str]) -> str:
    text = words[0]
    for word in words[1:]:
        text += word if is_cjk(word[0]) or is_cjk(text[-1]) else " " + word
    return text


def _counts(notes: Iterable[str]) -> tuple[Counter[str], dict[str, Counter[str]], set[str]]:
    """(uses per folded phrase, written forms per folded phrase, folded words used)."""
    uses: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    vocabulary: set[str] = set()
    for words in _sentences(notes):
        vocabulary.update(w.casefold() for w in words)
        longest = 6 if is_cjk(words[0][0]) else MAX_WORDS
        for start in range(len(words)):
            for size in range(1, longest + 1):
                if start + size > len(words):
                    break
                phrase = _phrase(words[start : start + size])
                if len(phrase) < (2 if is_cjk(phrase[0]) else MIN_CHARS):
                    continue
                key = phrase.casefold()
                uses[key] += 1
                forms.setdefault(key, Counter())[phrase] += 1
    return uses, forms, vocabulary


def _pairs(phrase: str) -> set[tuple[str, ...]]:
    """The phrase's words (one word: itself) and each two words in a row."""
    words = phrase.split()
    if len(words) == 1:
        return {(words[0],)}
    return set(itertools.pairwise(words))


def _overlaps(phrase: str, others: list[str]) -> bool:
    """Does `phrase` sit inside one of `others`, or hold or share two words in a row with
    one of several words? (A phrase holding a one-word entry, "sent" in "sent
    replacement router", is still a phrase of its own.)"""
    padded = f" {phrase} "
    pairs = _pairs(phrase)
    for other in others:
        if padded in f" {other} ":
            return True
        if is_cjk(phrase[0]) and len(other) > 1 and (other in phrase or phrase in other):
            return True
        if len(other.split()) > 1 and (f" {other} " in padded or pairs & _pairs(other)):
            return True
    return False


def _framed_by_common_words(phrase: str, locale: str, frequency: WordFrequency) -> bool:
    """ "on the", "a note to": a phrase that starts or ends with a function word is a
    piece of a sentence, not something a team names."""
    words = phrase.split()
    if is_cjk(phrase[0]):
        return False
    return any(frequency(w, locale) >= FUNCTION_WORD_ZIPF for w in {words[0], words[-1]})


def _entry_form(phrase: str, written: Counter[str]) -> str:
    """How the expansion is written: as agents write it, but with the first letter in
    lower case when only sentence starts gave it a capital (the case rule puts it back)."""
    form = written.most_common(1)[0][0]
    lowered = form[:1].lower() + form[1:]
    return lowered if lowered.casefold() == phrase and lowered[1:] == form[1:] else form


def abbreviation_candidates(phrase: str) -> list[str]:
    """Abbreviations to try for a phrase, best first (initials, then longer forms)."""
    words = [w for w in phrase.casefold().split() if w[:1].isalpha()]
    if not words or any(is_cjk(c) for c in phrase):
        return []  # Chinese abbreviations are pinyin: not derived here
    found: list[str] = []
    if len(words) > 1:
        initials = "".join(w[0] for w in words)
        found += [initials, words[0][:2] + "".join(w[0] for w in words[1:])]
        found += [initials + words[-1][1:2], initials + words[-1][1:3]]
    word = words[0] if len(words) == 1 else ""
    if word:
        consonants = word[0] + "".join(c for c in word[1:] if c not in "aeiouyąęóáéíú")
        found += [consonants[:3], consonants[:4], word[:3], word[:4], consonants[:5]]
    return [abbr for abbr in dict.fromkeys(found) if len(abbr) >= 2 and abbr.isalpha()]


def propose_entries(
    notes: Iterable[str],
    guide: Guide,
    days: float,
    *,
    limit: int = 20,
    min_uses: int = 3,
    frequency: WordFrequency = wordfreq_zipf,
) -> list[Proposal]:
    """Up to `limit` new entries for phrases used at least `min_uses` times in `notes`,
    which span `days` days; best (most keys saved a week) first."""
    uses, forms, vocabulary = _counts(notes)
    expansions = [e.expansion.strip().casefold() for e in guide.entries]
    per_week = 7 / max(days, 1)
    ranked = sorted(
        (phrase for phrase, n in uses.items() if n >= min_uses),
        key=lambda p: (-uses[p] * typing_cost(p), p),
    )
    taken: list[str] = []
    proposals: list[Proposal] = []
    new_entries: list[Entry] = []
    for phrase in ranked:
        if len(proposals) >= limit:
            break
        if _overlaps(phrase, expansions) or _overlaps(phrase, taken):
            continue
        if _framed_by_common_words(phrase, guide.locale, frequency):
            continue
        expansion = _entry_form(phrase, forms[phrase])
        for abbr in abbreviation_candidates(expansion):
            if (
                abbr in vocabulary
                or guide.lookup(abbr) is not None
                or any(e.abbr == abbr for e in new_entries)
                or typing_cost(abbr) >= typing_cost(expansion)
                or frequency(abbr, guide.locale) >= COMMON_WORD_ZIPF
            ):
                continue
            entry = Entry(abbr, expansion, "suggested")
            trial = Guide.of([*guide.entries, entry], locale=guide.locale)
            if any(p.abbr == abbr for p in lint_guide(trial, frequency=frequency)):
                continue
            saving = typing_cost(expansion) - typing_cost(abbr)
            proposals.append(
                Proposal(abbr, expansion, uses[phrase], uses[phrase] * saving * per_week)
            )
            new_entries.append(entry)
            taken.append(phrase)
            break
    proposals.sort(key=lambda p: (-p.keys_saved_per_week, p.abbr))
    return proposals
