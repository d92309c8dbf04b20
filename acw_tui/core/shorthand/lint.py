"""`acw guide lint`: everything SPEC §3 asks a team lead to be told about a guide.

Problems found while loading (malformed or empty entries, duplicates, entries using a
delimiter or the sigil, or with no letter or digit) and card data anywhere in the file
are errors; quality findings (common words, abbreviations no shorter than their
expansion, two abbreviations for one expansion, one differing from another only by
case, entries agents often undo) are warnings. Every one names the file and line.
`guide_errors` is the one check every door runs (add, import, bump, publishing, the hub).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from acw_tui.core.printable import flat
from acw_tui.core.problems import CARD_DATA, card_data_lines
from acw_tui.core.shorthand.model import Guide, GuideProblem
from acw_tui.core.shorthand.rules import script_of
from acw_tui.errors import N_

# A Zipf frequency of 4 is about once per 100 000 words: words everybody types.
COMMON_WORD_ZIPF = 4.0
OFTEN_UNDONE_MIN = 3  # undone at least this many times ...
OFTEN_UNDONE_SHARE = 0.2  # ... and in at least this share of its uses

WordFrequency = Callable[[str, str], float]


@dataclass(frozen=True)
class UndoFigures:
    """How often agents used an entry and how often they undid it (the often-undone check)."""

    used: int
    undone: int


def wordfreq_zipf(word: str, locale: str) -> float:
    """Zipf frequency of `word` in the language of `locale` (0 when unknown)."""
    from wordfreq import zipf_frequency  # heavy: loads the language's word list

    try:
        return float(zipf_frequency(word, locale.split("-")[0].split("_")[0]))
    except (LookupError, ValueError, ImportError):
        # Chinese and Japanese word lists need an optional tokenizer; without it the
        # check cannot run for that language.
        return 0.0


def typing_cost(text: str) -> int:
    """Keystrokes to type `text`: an ideograph takes a pinyin syllable (about 3) in an IME."""
    return sum(3 if script_of(c) == "CJK" else 1 for c in text)


def lint_guide(
    guide: Guide,
    undo_figures: Mapping[str, UndoFigures] | None = None,
    frequency: WordFrequency = wordfreq_zipf,
) -> list[GuideProblem]:
    """Every problem of `guide`, in file order (loading problems included)."""
    source = guide.source or "<guide>"
    found = list(guide.problems)

    def warn(line: int, abbr: str, check: str, template: str, **params: object) -> None:
        found.append(GuideProblem.of(source, line, template, "warning", abbr, check, **params))

    by_expansion: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for entry in guide.entries:
        # Only plain words: word lists drop `/`, `&` and digits, so `w/` would look like "w".
        if not entry.matches_exactly and entry.abbr.isalpha():
            zipf = frequency(entry.abbr.casefold(), guide.locale)
            if zipf >= COMMON_WORD_ZIPF:
                warn(
                    entry.line,
                    entry.abbr,
                    "common-word",
                    N_(
                        "abbr {shown} is a common {language} word (Zipf {zipf}); "
                        "it will expand where agents mean the word"
                    ),
                    shown=repr(entry.abbr),
                    language=guide.locale,
                    zipf=f"{zipf:.1f}",
                )
        if typing_cost(entry.abbr) >= typing_cost(entry.expansion):
            warn(
                entry.line,
                entry.abbr,
                "not-shorter",
                N_("abbr {shown} is not shorter than its expansion {expansion}"),
                shown=repr(entry.abbr),
                expansion=repr(entry.expansion),
            )
        key = entry.expansion.strip().casefold()
        if key in by_expansion:
            warn(
                entry.line,
                entry.abbr,
                "same-expansion",
                N_("abbr {shown} expands to the same text as {others} (line {first})"),
                shown=repr(entry.abbr),
                others=", ".join(repr(a) for a in by_expansion[key]),
                first=first_line[key],
            )
        by_expansion.setdefault(key, []).append(entry.abbr)
        first_line.setdefault(key, entry.line)
        figures = (undo_figures or {}).get(entry.abbr)
        if figures and figures.undone >= OFTEN_UNDONE_MIN:
            share = figures.undone / max(figures.used, 1)
            if share >= OFTEN_UNDONE_SHARE:
                warn(
                    entry.line,
                    entry.abbr,
                    "often-undone",
                    N_(
                        "abbr {shown} was undone {undone} of {used} times ({share}); "
                        "agents may not mean it"
                    ),
                    shown=repr(entry.abbr),
                    undone=figures.undone,
                    used=figures.used,
                    share=f"{share:.0%}",
                )
    found += case_shadow_problems(guide)
    found += card_data_problems(guide)
    found.sort(key=lambda p: (p.line, p.severity != "error"))
    return found


def case_shadow_problems(guide: Guide) -> list[GuideProblem]:
    """Exact entries that take a spelling from an entry that differs only by case
    (warnings): with `cx` → customer, typing `CX` gives CUSTOMER (rule 4) until an
    entry `CX` is added; then it gives that entry, which may be meant, or not."""
    folded = {e.key: e for e in guide.entries if not e.matches_exactly}
    found = []
    for entry in guide.entries:
        other = folded.get(entry.abbr.casefold()) if entry.matches_exactly else None
        if other is not None and other.abbr != entry.abbr:
            found.append(
                GuideProblem.of(
                    guide.source or "<guide>",
                    entry.line,
                    N_(
                        "abbr {shown} differs from {other} (line {first}) only by case: "
                        "typing {typed} gives this entry, not the expansion of {other}"
                    ),
                    "warning",
                    entry.abbr,
                    "case-shadow",
                    shown=repr(entry.abbr),
                    other=repr(other.abbr),
                    first=other.line,
                    typed=entry.abbr,
                )
            )
    return found


def card_data_problems(guide: Guide) -> list[GuideProblem]:
    """Card data or a national id anywhere in the guide's file, one error per line: in
    any value (an abbreviation, expansion, note, category, changelog text, the name),
    escaped or not, or in a comment. A guide goes to every agent and every site; the
    message shows the line redacted, never the value."""
    from acw_tui.core.redaction import redactor_for
    from acw_tui.core.shorthand.loader import values_by_line
    from acw_tui.core.shorthand.writer import dump_guide

    text = guide.text or dump_guide(guide)  # (a guide built in memory has no file)
    found = dict(card_data_lines(text))
    values = values_by_line(text)
    # One pass of the redactor over every value, escapes read; the separator cannot be
    # part of a card or an id, so each value is redacted on its own.
    pieces = redactor_for().redact(_APART.join(v for _l, _k, v in values)).text.split(_APART)
    if len(pieces) == len(values):
        for (line, key, value), piece in zip(values, pieces, strict=True):
            if piece != value:
                found.setdefault(line, f"{key} = {flat(piece)}")
    return [
        GuideProblem.of(
            guide.source or "<guide>",
            line,
            CARD_DATA,
            "error",
            check="card-data",
            redacted=repr(shown),
        )
        for line, shown in sorted(found.items())
    ]


_APART = "\n;\n"


def no_word_list(_word: str, _locale: str) -> float:
    """For checks that need only errors: word frequencies give warnings alone."""
    return 0.0


def guide_errors(guide: Guide) -> list[GuideProblem]:
    """The errors of `guide` (what lint fails on): the one check add, remove, import,
    bump, export, publishing and the hub all run."""
    return [p for p in lint_guide(guide, frequency=no_word_list) if p.severity == "error"]


def has_errors(problems: list[GuideProblem]) -> bool:
    return any(p.severity == "error" for p in problems)
