"""Reading one entry of a data file a lead maintains (a wrap-up code, a quality rule, an
element) key by key, so that every mistake in it is found in one run.

A loader that stopped at an entry's first mistake made the lead fix and lint again
once per mistake; one that dropped the whole file at the first mistake hid every other
problem behind false ones ("unknown code" for every code the file does declare). Here
each key is read on its own: a mistake is kept with the key it is at, and the entry is
read on with a stand-in value, so later keys (and later checks) still see it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from acw_tui.errors import AcwError, Phrase

T = TypeVar("T")


class Mistake(AcwError):
    """A problem at a place in the file being read (a message template and parameters):
    at `line` when the reader knows it, else at the key `at_key` of the entry."""

    def __init__(
        self, template: str, line: int | None = None, /, *, at_key: str | None = None, **params: Any
    ) -> None:
        super().__init__(template, **params)
        self.line = line
        self.key = at_key


class EntryCheck:
    """Every mistake found in one entry, each with the key it is at."""

    def __init__(self) -> None:
        self.mistakes: list[Mistake] = []

    def read(self, key: str | None, read: Callable[[], T], stand_in: T) -> T:
        """`read()`, or `stand_in` when it finds a mistake (kept, located at `key`)."""
        try:
            return read()
        except Mistake as exc:
            exc.key = exc.key or key
            self.mistakes.append(exc)
            return stand_in

    def add(self, mistake: Mistake) -> None:
        self.mistakes.append(mistake)

    def known_keys(self, table: Mapping[str, Any], known: set[str], where: str | Phrase) -> None:
        """A mistake for each key of `table` that is not `known`."""
        self.mistakes += unknown_keys(table, known, where)

    @property
    def sound(self) -> bool:
        return not self.mistakes


def unknown_keys(table: Mapping[str, Any], known: set[str], where: str | Phrase) -> list[Mistake]:
    """One mistake for each key of `table` that is not `known`, at that key."""
    return [
        Mistake(
            "{where}: unknown key `{key}` (known: {known})",
            at_key=key,
            where=where,
            key=key,
            known=", ".join(sorted(known)),
        )
        for key in table
        if key not in known
    ]
