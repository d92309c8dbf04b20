"""The completion model the notes editor suggests from, kept by the desk.

Loaded once per desk (on a connection of its own: the editor asks from a worker
thread), from the store's n-gram counts of the site's locale plus the guide's
expansions, the templates' own words and the hub's team model; every finished note is added to the store and to the loaded model in the
same step, so the next wrap-up already suggests from it.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from acw_tui.core.completion import CompletionModel, note_ngrams
from acw_tui.core.completion.model import MIN_COUNT
from acw_tui.core.completion.words import count_ngrams
from acw_tui.core.file_bytes import read_file_text
from acw_tui.core.shorthand import Guide
from acw_tui.store import Store

if TYPE_CHECKING:
    from acw_tui.core.templates import TemplateLibrary


# A step of building the model between two calls of `pace`: a few milliseconds.
CHUNK = 250


def _no_pace() -> None:
    """Build straight through (a command line has no one typing)."""


def guide_counts(guide: Guide, pace: Callable[[], None] = _no_pace) -> Counter[tuple[str, str]]:
    """The guide's expansions as if each had been written `MIN_COUNT` times: what the
    lead wrote down is worth suggesting from the first day. `pace` is called every
    `CHUNK` entries (a 10 000-entry guide costs tens of milliseconds of CPU)."""
    counts: Counter[tuple[str, str]] = Counter()
    for number, entry in enumerate(guide.entries, 1):
        if "{" not in entry.expansion and len(entry.expansion) > len(entry.abbr):
            count_ngrams(entry.expansion, counts, MIN_COUNT)
        if number % CHUNK == 0:
            pace()
    return counts


def team_counts() -> list[tuple[str, str, int]]:
    """The team model the hub sent down with the guide (none when it sent none, or
    when the file cannot be read: suggestions then come from this site alone)."""
    from acw_tui.core.completion.team import TEAM_MODEL_FILE, TeamModelError, parse_team_model
    from acw_tui.settings import paths

    path = paths.hub_copy("completion") / TEAM_MODEL_FILE
    try:
        return parse_team_model(read_file_text(path, "utf-8"), str(path))
    except (OSError, UnicodeDecodeError, TeamModelError):
        return []


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def template_counts(library: TemplateLibrary, locale: str) -> Counter[tuple[str, str]]:
    """The templates' own words in `locale` (their text around the fields, field labels
    and choices), as if each had been written `MIN_COUNT` times."""
    counts: Counter[tuple[str, str]] = Counter()
    for template in library.templates:
        if template.locale != locale:
            continue
        texts = [_JINJA.sub("\n", template.body)]
        for spec in template.fields:
            texts += [spec.localized(locale).label, *spec.choices]
        for text in texts:
            count_ngrams(text, counts, MIN_COUNT)
    return counts


class CompletionKeeper:
    def __init__(self, path: Path, locale: str) -> None:
        self.path = path
        self.locale = locale
        self._model: CompletionModel | None = None
        self._lock = threading.Lock()

    def model(
        self,
        guide: Guide | None = None,
        library: TemplateLibrary | None = None,
        pace: Callable[[], None] = _no_pace,
    ) -> CompletionModel:
        """The model, built on first use. `pace` is called between steps of the build
        (the screen's waits for a pause in the agent's typing, so the build never
        competes with a key for the interpreter); it may raise to give the build up."""
        with self._lock:
            if self._model is None:
                from acw_tui.store import open_store
                from acw_tui.store.completion import load_model

                store = open_store(self.path, migrate=False)
                try:
                    model = load_model(store, self.locale, pace)
                finally:
                    store.close()
                pace()
                if guide is not None:
                    model.add_counts(guide_counts(guide, pace).items())
                    pace()
                if library is not None:
                    model.add_counts(template_counts(library, self.locale).items())
                model.add_counts(((c, w), n) for c, w, n in team_counts())
                self._model = model
            return self._model

    def forget(self) -> None:
        """Load afresh when next asked (a new team model came from the hub)."""
        with self._lock:
            self._model = None

    def learn(self, store: Store, note: str) -> Counter[tuple[str, str]]:
        """Store a finished note's counts (inside the caller's transaction)."""
        from acw_tui.store.completion import add_counts

        counts = note_ngrams(note)
        add_counts(store, self.locale, counts.items())
        return counts

    def learned(self, counts: Counter[tuple[str, str]]) -> None:
        """The note's counts are committed: the loaded model takes them too."""
        with self._lock:
            if self._model is not None:
                self._model.add_counts(counts.items())
