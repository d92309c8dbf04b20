"""Which tables travel to the hub, and with which columns.

One place decides: `SYNCED_TABLES` of the site's store. The hub mirrors each of those
tables under the same name with the same column names, read from the site's own
migrations, so a table or column added on the site reaches the hub without any change
to the protocol, and reports can run the same SQL against either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

import sqlite_utils

from acw_tui.store import migrations
from acw_tui.store.records import SYNCED_TABLES


@dataclass(frozen=True)
class Column:
    """One column of a synced table, and how the hub declares it."""

    name: str
    kind: str  # "text", "integer" or "real": how the hub declares it
    required: bool = False  # NOT NULL in the site's schema
    defaulted: bool = False  # the site's schema gives it a default
    values: tuple[str, ...] | None = None  # the site schema's CHECK (name IN (...)), if any


@dataclass(frozen=True, eq=False)
class SyncedTable:
    """A table that travels to the hub, with its columns as the site's migrations define them."""

    name: str
    columns: tuple[Column, ...]

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @cached_property
    def not_null(self) -> tuple[str, ...]:
        """Columns the site's store never leaves empty (NOT NULL): reports rely on it."""
        return tuple(c.name for c in self.columns if c.required)

    @cached_property
    def always_sent(self) -> tuple[str, ...]:
        """NOT NULL columns without a default: in every row since the table was made."""
        return tuple(c.name for c in self.columns if c.required and not c.defaulted)

    @cached_property
    def kinds(self) -> dict[str, str]:
        """Column name → "text", "integer" or "real"."""
        return {c.name: c.kind for c in self.columns}


def _kind(declared: str) -> str:
    declared = declared.upper()
    if "INT" in declared:
        return "integer"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB", "NUM")):
        return "real"
    return "text"


_CHECK_IN = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)", re.IGNORECASE)


def _enumerations(schema: str) -> dict[str, tuple[str, ...]]:
    """Column → the values a `CHECK (column IN ('a', 'b'))` of the schema allows."""
    return {
        column: tuple(re.findall(r"'([^']*)'", values))
        for column, values in _CHECK_IN.findall(schema)
    }


@cache
def synced_tables() -> dict[str, SyncedTable]:
    """The synced tables as the newest site schema defines them (built once, in memory)."""
    db = sqlite_utils.Database(memory=True)
    for migration in migrations.MIGRATIONS:
        migration.up(db)
    found = {}
    for name in SYNCED_TABLES:
        enumerations = _enumerations(db.table(name).schema)
        columns = tuple(
            Column(
                c.name,
                _kind(c.type),
                bool(c.notnull),
                c.default_value is not None,
                enumerations.get(c.name),
            )
            for c in db.table(name).columns
        )
        names = {c.name for c in columns}
        missing = {"id", "rev", "site_id"} - names
        if missing:
            # The hub needs `id` to upsert, `rev` to order and `site_id` to know whose
            # record it is; a synced table without them cannot be mirrored safely.
            raise RuntimeError(
                f"synced table {name} has no {', '.join(sorted(missing))} column; "
                "every table in SYNCED_TABLES needs id, rev and site_id"
            )
        found[name] = SyncedTable(name, columns)
    db.close()
    return found
