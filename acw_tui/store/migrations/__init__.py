"""Numbered schema migrations.

Each module `mNNNN_name.py` in this package holds one step: a docstring saying what it
changes and an `up(db)` function. Steps run in order, each in its own transaction,
and `PRAGMA user_version` records the last one applied, so an old database is upgraded
in place and an interrupted upgrade resumes where it stopped.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import TYPE_CHECKING

from acw_tui.core.inputs import is_number_text
from acw_tui.errors import N_

if TYPE_CHECKING:
    import sqlite_utils

    from acw_tui.store.database import Store


@dataclass(frozen=True)
class Migration:
    """One step; its module is imported only when the step is needed."""

    number: int
    name: str
    module: str

    def _load(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")

    @property
    def summary(self) -> str:
        doc = (self._load().__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""

    @property
    def up(self) -> Callable[[sqlite_utils.Database], None]:
        return self._load().up  # type: ignore[no-any-return]


def _discover() -> tuple[Migration, ...]:
    found = [
        Migration(int(info.name[1:5]), info.name[6:], info.name)
        for info in pkgutil.iter_modules(__path__)
        if info.name.startswith("m") and is_number_text(info.name[1:5])
    ]
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return tuple(found)


MIGRATIONS = _discover()
LATEST = MIGRATIONS[-1].number if MIGRATIONS else 0


def execute_statements(db: sqlite_utils.Database, script: str) -> None:
    """Run `;`-separated DDL one statement at a time, inside the migration's transaction
    (`executescript` would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def refuse_newer(conn: sqlite3.Connection, path: object, error: Callable[..., Exception]) -> int:
    """The store's schema version; `error` raised for a store a newer acw has written:
    its columns may mean something else, so every door (the screen, commands, reports)
    refuses it in this one line."""
    version = schema_version(conn)
    if version > LATEST:
        raise error(
            N_(
                "{path}: schema version {version} is newer than this acw "
                "understands ({latest}); upgrade acw"
            ),
            path=path,
            version=version,
            latest=LATEST,
        )
    return version


def pending(conn: sqlite3.Connection) -> list[Migration]:
    version = schema_version(conn)
    return [m for m in MIGRATIONS if m.number > version]


def migrate(store: Store) -> list[Migration]:
    """Apply every pending step; returns the steps applied by this call."""
    applied = []
    for migration in MIGRATIONS:
        with store.transaction() as db:
            # Re-read inside the write lock: another process may have just migrated.
            if schema_version(store.conn) >= migration.number:
                continue
            migration.up(db)
            db.table("schema_migrations").insert(
                {
                    "number": migration.number,
                    "name": migration.name,
                    "applied_at": datetime.now(UTC).isoformat(timespec="seconds"),
                },
                pk="number",
                replace=True,
            )
            store.conn.execute(f"PRAGMA user_version={migration.number}")
        applied.append(migration)
    return applied
