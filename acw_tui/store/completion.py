"""The completion model's n-gram counts in the store (table `completion_ngrams`)."""

from __future__ import annotations

from collections.abc import Iterable

from acw_tui.core.completion import CompletionModel
from acw_tui.store.database import Store

ANY_LOCALE = "*"  # notes learned before acw recorded their locale (the upgrade)


def load_model(store: Store, locale: str) -> CompletionModel:
    """The counts of `locale` (and of notes of unknown locale) as a model."""
    with store.errors():
        rows = store.conn.execute(
            "SELECT context, word, count FROM completion_ngrams WHERE locale IN (?, ?)",
            [locale, ANY_LOCALE],
        ).fetchall()
    return CompletionModel.from_counts(locale, rows)


def add_counts(store: Store, locale: str, counts: Iterable[tuple[tuple[str, str], int]]) -> None:
    """Add a note's counts; must run inside the finishing transaction."""
    store.conn.executemany(
        "INSERT INTO completion_ngrams (locale, context, word, count) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (locale, context, word) DO UPDATE SET count = count + excluded.count",
        [(locale, context, word, count) for (context, word), count in counts],
    )
