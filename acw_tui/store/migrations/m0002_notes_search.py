"""Full-text search over wrap-up notes, kept current by triggers."""

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    # Porter stemming finds "refunded" for "refund"; unicode61 folds case and accents
    # for Polish and Spanish notes.
    db.table("wrapups").enable_fts(
        ["note"], create_triggers=True, tokenize="porter unicode61 remove_diacritics 2"
    )
    db.table("wrapups").populate_fts(["note"])
