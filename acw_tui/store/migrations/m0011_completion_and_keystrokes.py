"""Completion n-grams per locale, and the keys pressed for each finished note.

`completion_ngrams` holds the word n-gram counts the notes editor suggests from
(acw_tui.core.completion); it is local to the site and not synced (the hub builds its
team model from the synced notes). The newest finished notes already in the store are
learned here, under the locale `*` (notes finished before acw recorded a locale), so
an upgraded store suggests from its history at once.

`wrapups.keys_pressed` and `wrapups.final_chars` are what the reports' "typed / final"
figure is made of; wrap-ups finished before this step have neither (NULL).
"""

import sqlite_utils

from acw_tui.core.completion import note_ngrams
from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE TABLE completion_ngrams (
    locale TEXT NOT NULL,
    context TEXT NOT NULL,
    word TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (locale, context, word)
) WITHOUT ROWID;
ALTER TABLE wrapups ADD COLUMN keys_pressed INTEGER;
ALTER TABLE wrapups ADD COLUMN final_chars INTEGER
"""
LEARN_AT_MOST = 20_000  # newest finished notes learned by the upgrade (keeps it quick)
ANY_LOCALE = "*"


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
    from collections import Counter

    counts: Counter[tuple[str, str]] = Counter()
    rows = db.execute(
        "SELECT note FROM wrapups WHERE status = 'done' AND note != '' "
        f"ORDER BY finished_at DESC LIMIT {LEARN_AT_MOST}"
    )
    for (note,) in rows:
        counts.update(note_ngrams(note))
    db.conn.executemany(
        "INSERT INTO completion_ngrams (locale, context, word, count) VALUES (?, ?, ?, ?)",
        [(ANY_LOCALE, context, word, count) for (context, word), count in counts.items()],
    )
