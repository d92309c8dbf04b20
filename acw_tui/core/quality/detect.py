"""Finding an element in a note: a filled field, a phrase, or a bounded pattern.

Phrases are the way to write rules: each language's phrases of an element become one
alternation of literal text, matched on the case-folded, NFKC-normalised note, so its
cost is a single linear pass whatever the lead writes. In en, pl and es a phrase must
stand as whole words (`verif*` ends with any word letters: Polish endings vary); in
zh, written without spaces, it may stand anywhere. Patterns (Python regex syntax, for
reference numbers and the like) run with the `regex` module's time limit, so one that
backtracks without end gives up instead of freezing the agent's screen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from acw_tui.core.quality.model import Element, Evidence

# A pattern may take this long per note (plus this much per MB of note) before it is
# given up on: far above what a sane pattern needs, far below what an agent notices.
PATTERN_SECONDS = 0.02
PATTERN_SECONDS_PER_MB = 0.2
SPACELESS = ("zh",)  # languages whose phrases need no word boundaries


def fold(text: str) -> str:
    """The form phrases and notes are compared in."""
    return unicodedata.normalize("NFKC", text).casefold()


def phrase_regex(phrase: str) -> str:
    """One phrase as regex source: literal words, any run of spaces between them, a
    trailing `*` for any word ending."""
    stem = fold(phrase.strip())
    prefix = stem.endswith("*")
    words = stem.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    return body + r"\w*" if prefix else body


def phrases_matcher(phrases: tuple[str, ...], spaceless: bool) -> re.Pattern[str] | None:
    usable = [p for p in phrases if p.strip().rstrip("*").strip()]
    if not usable:
        return None
    # Longest first, so the phrase reported is the fullest one that matched.
    usable.sort(key=len, reverse=True)
    alternation = "|".join(f"(?:{phrase_regex(p)})" for p in usable)
    if spaceless:
        return re.compile(alternation)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


def filled(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict):
        return bool(value)
    return True


def field_matches(spec: str, fields: Mapping[str, Any]) -> bool:
    """`name`: the field is filled; `name=value`: it holds that value (any case;
    true/false for a yes/no field)."""
    name, equals, wanted = spec.partition("=")
    value = fields.get(name.strip())
    if not equals:
        return filled(value)
    if value is None:
        return False
    shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return fold(shown.strip()) == fold(wanted.strip())


def _lead_patterns(patterns: Sequence[str]) -> list[Any]:
    if not patterns:
        return []
    # Imported only for a lead's own patterns: `regex` costs about 10 ms, which the
    # first check of every screen's checklist would otherwise pay.
    import regex

    return [regex.compile(p, regex.IGNORECASE) for p in patterns]


@dataclass
class ElementDetector:
    """One element, compiled for every language it has phrases or patterns in."""

    element: Element
    _phrases: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    _patterns: dict[str, list[Any]] = field(default_factory=dict)

    def _compiled(self, language: str) -> tuple[re.Pattern[str] | None, list[Any]]:
        """The language's phrases and patterns, compiled the first time a note in that
        language is judged: a screen works in one language, and compiling all four
        cost its start-up tens of milliseconds."""
        if language not in self._phrases:
            self._patterns[language] = _lead_patterns(self.element.patterns.get(language, ()))
            phrases = self.element.phrases.get(language, ())
            self._phrases[language] = phrases_matcher(phrases, language in SPACELESS)
        return self._phrases[language], self._patterns[language]

    def find(
        self, folded: str, fields: Mapping[str, Any], language: str, problems: list[str]
    ) -> Evidence:
        for name in self.element.fields:
            if field_matches(name, fields):
                return Evidence(True, f"field {name}")
        matcher, patterns = self._compiled(language)
        if matcher is not None:
            found = matcher.search(folded)
            if found:
                return Evidence(True, f"phrase {found.group(0)!r}")
        limit = PATTERN_SECONDS + PATTERN_SECONDS_PER_MB * len(folded) / 1_000_000
        for index, pattern in enumerate(patterns, start=1):
            try:
                hit = pattern.search(folded, timeout=limit)
            except TimeoutError:
                problems.append(
                    f"element {self.element.id}: pattern #{index} ({language}) ran out of "
                    "time and was skipped"
                )
                continue
            if hit:
                return Evidence(True, f"pattern #{index} {hit.group(0)!r}")
        return Evidence(False, self._nothing_found(language))

    def _nothing_found(self, language: str) -> str:
        parts = []
        if self.element.fields:
            parts.append(f"no field of {', '.join(self.element.fields)} filled")
        if self.element.phrases.get(language) or self.element.patterns.get(language):
            parts.append(f"no phrase in {language}")
        elif not self.element.fields:
            parts.append(f"no phrase defined in {language}")
        return "; ".join(parts)
