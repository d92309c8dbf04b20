"""The completion model's n-gram counts in the store (table `completion_ngrams`)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable

from acw_tui.core.completion import CompletionModel, note_ngrams
from acw_tui.store.database import Store

ANY_LOCALE = "*"  # notes learned before acw recorded their locale (the upgrade)
RELEARN_AT_MOST = 20_000  # newest finished notes learned when the model is rebuilt


LOAD_CHUNK = 5_000  # rows read between two calls of `pace`


def load_model(
    store: Store, locale: str, pace: Callable[[], None] = lambda: None
) -> CompletionModel:
    """The counts of `locale` (and of notes of unknown locale) as a model; `pace` is
    called every `LOAD_CHUNK` rows."""
    model = CompletionModel(locale)
    with store.errors():
        rows = store.conn.execute(
            "SELECT context, word, count FROM completion_ngrams WHERE locale IN (?, ?)",
            [locale, ANY_LOCALE],
        )
        while chunk := rows.fetchmany(LOAD_CHUNK):
            model.add_counts(((context, word), count) for context, word, count in chunk)
            pace()
    return model


def add_counts(store: Store, locale: str, counts: Iterable[tuple[tuple[str, str], int]]) -> None:
    """Add a note's counts; must run inside the finishing transaction."""
    store.conn.executemany(
        "INSERT INTO completion_ngrams (locale, context, word, count) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (locale, context, word) DO UPDATE SET count = count + excluded.count",
        [(locale, context, word, count) for (context, word), count in counts],
    )


def relearn(conn: sqlite3.Connection) -> int:
    """Forget every learned n-gram and learn the newest finished notes again, as stored
    now (after `acw db scrub` redacted more: what it took out must not live on in the
    suggestions). Run inside a transaction; returns the n-grams stored."""
    conn.execute("DELETE FROM completion_ngrams")
    counts: Counter[tuple[str, str]] = Counter()
    rows = conn.execute(
        "SELECT note FROM wrapups WHERE status = 'done' AND note != '' "
        f"ORDER BY finished_at DESC LIMIT {RELEARN_AT_MOST}"
    )
    for (note,) in rows:
        counts.update(note_ngrams(note))
    conn.executemany(
        "INSERT INTO completion_ngrams (locale, context, word, count) VALUES (?, ?, ?, ?)",
        [(ANY_LOCALE, context, word, count) for (context, word), count in counts.items()],
    )
    return len(counts)
