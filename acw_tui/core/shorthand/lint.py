"""`acw guide lint`: everything SPEC §3 asks a team lead to be told about a guide.

Problems found while loading (malformed or empty entries, duplicates, entries using a
delimiter or the sigil) are errors; quality findings (common words, abbreviations no
shorter than their expansion, two abbreviations for one expansion, entries agents
often undo) are warnings. Every one names the file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from acw_tui.core.shorthand.model import Guide, GuideProblem
from acw_tui.core.shorthand.rules import script_of
from acw_tui.errors import N_, Phrase

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
    found += card_data_problems(guide)
    found.sort(key=lambda p: (p.line, p.severity != "error"))
    return found


def card_data_problems(guide: Guide) -> list[GuideProblem]:
    """Entries whose expansion or note holds card data or a national id (errors): a
    guide is shared with every agent, and published to every site."""
    from acw_tui.core.redaction import redactor_for

    redactor = redactor_for()
    found = []
    for entry in guide.entries:
        for part, text in ((N_("expansion"), entry.expansion), (N_("note"), entry.note)):
            redacted = redactor.redact(text) if text else None
            if redacted is not None and redacted.findings:
                found.append(
                    GuideProblem.of(
                        guide.source or "<guide>",
                        entry.line,
                        N_(
                            "abbr {shown}: its {part} holds card data or an id (it would read "
                            "{redacted}); a guide goes to every agent: take it out"
                        ),
                        "error",
                        entry.abbr,
                        "card-data",
                        shown=repr(entry.abbr),
                        part=Phrase(part),
                        redacted=repr(redacted.text),
                    )
                )
    return found


def has_errors(problems: list[GuideProblem]) -> bool:
    return any(p.severity == "error" for p in problems)
