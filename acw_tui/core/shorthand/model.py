"""What a shorthand guide is: entries, the problems found while reading it, its history.

A `Guide` answers "which entry does this token mean?" with one dictionary hit on the
case-folded token (SPEC §3 rule 1), so its cost does not grow with the guide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from acw_tui.core.problems import Say
from acw_tui.errors import AcwError, fill

# Space, Tab, Enter and . , ; : ! ? ) ] } " '  (SPEC §3 rule 1).
DEFAULT_DELIMITERS = " \t\n.,;:!?)]}\"'"
DEFAULT_SIGIL = ";"
# Characters that may be part of a token besides letters, digits and combining marks.
TOKEN_PUNCTUATION = frozenset("/&#+-")


class ShorthandError(AcwError):
    """A guide cannot be read or written; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One guide entry: an abbreviation and its expansion, with its category, note and case rule."""

    abbr: str
    expansion: str
    category: str = ""
    note: str = ""
    exact: bool = False  # `case = "exact"` in the file
    line: int = 0  # where the entry starts in its file (0: not from a file)

    @property
    def matches_exactly(self) -> bool:
        """Rule 4: an abbreviation with capitals, or marked exact, keeps its case."""
        return self.exact or any(c.isupper() for c in self.abbr)

    @property
    def key(self) -> str:
        return self.abbr if self.matches_exactly else self.abbr.casefold()


@dataclass(frozen=True)
class GuideProblem:
    """One thing wrong with a guide; `error` problems make lint fail."""

    source: str
    line: int
    message: str
    severity: str = "error"  # "error" | "warning"
    abbr: str = ""
    check: str = ""  # short name of the check that found it (duplicate, common-word, ...)
    template: str = ""  # the message's catalog id; "" when it is shown as written
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(
        cls,
        source: str,
        line: int,
        template: str,
        severity: str = "error",
        abbr: str = "",
        check: str = "",
        **params: Any,
    ) -> GuideProblem:
        """A problem whose message is `template` filled with `params`."""
        message = fill(template, params)
        return cls(source, line, message, severity, abbr, check, template, tuple(params.items()))

    def shown(self, say: Say = fill) -> str:
        """FILE:LINE: severity: message, with `say` giving each text in the reader's language."""
        where = f"{self.source}:{self.line}" if self.line else self.source
        text = say(self.template, dict(self.params)) if self.template else say(self.message, {})
        return f"{where}: {say(self.severity, {})}: {text}"

    def __str__(self) -> str:
        return self.shown()


@dataclass(frozen=True)
class ChangelogEntry:
    """One `[[changelog]]` item of a guide: what changed in which version, and when."""

    version: int
    date: str
    text: str


@dataclass(frozen=True)
class Guide:
    """A loaded guide. Build it with `Guide.of(...)` or `load_guide`.

    `entries` are the usable ones, in file order; entries the loader had to drop are
    described in `problems` (a guide with problems still loads, the same way each time).
    """

    name: str = "Shorthand guide"
    version: int = 1
    locale: str = "en"
    delimiters: str = DEFAULT_DELIMITERS
    sigil: str = DEFAULT_SIGIL
    entries: tuple[Entry, ...] = ()
    problems: tuple[GuideProblem, ...] = ()
    changelog: tuple[ChangelogEntry, ...] = ()
    source: str = ""
    text: str = field(default="", repr=False, compare=False)  # the file it was read from
    _exact: Mapping[str, Entry] = field(default_factory=dict, repr=False, compare=False)
    _folded: Mapping[str, Entry] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, entries: Iterable[Entry], **settings: object) -> Guide:
        """A guide over `entries`; the first entry wins when two share a key."""
        exact: dict[str, Entry] = {}
        folded: dict[str, Entry] = {}
        kept: list[Entry] = []
        for entry in entries:
            table = exact if entry.matches_exactly else folded
            if entry.key in table:
                continue
            table[entry.key] = entry
            kept.append(entry)
        return cls(entries=tuple(kept), _exact=exact, _folded=folded, **settings)  # type: ignore[arg-type]

    def lookup(self, token: str) -> Entry | None:
        """The entry a typed token stands for (two dictionary hits at most)."""
        entry = self._exact.get(token)
        if entry is not None:
            return entry
        return self._folded.get(token.casefold())

    def get(self, abbr: str) -> Entry | None:
        """The entry with exactly this abbreviation as written in the guide."""
        for table in (self._exact, self._folded):
            entry = table.get(abbr) or table.get(abbr.casefold())
            if entry is not None and entry.abbr == abbr:
                return entry
        return None

    @cached_property
    def longest_abbr(self) -> int:
        return max((len(e.abbr) for e in self.entries), default=0)

    @cached_property
    def context_chars(self) -> int:
        """How many characters before the cursor a decision ever needs to see."""
        return self.longest_abbr + len(self.sigil) + 2

    @cached_property
    def delimiter_set(self) -> frozenset[str]:
        return frozenset(self.delimiters)

    @property
    def warnings(self) -> tuple[GuideProblem, ...]:
        return self.problems

    def categories(self) -> list[str]:
        """Categories in order of first appearance."""
        seen: dict[str, None] = {}
        for entry in self.entries:
            seen.setdefault(entry.category or "other", None)
        return list(seen)
