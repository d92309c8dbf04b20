"""Opening the store: pragmas, migrations, transactions, and errors a user can read."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from acw_tui.errors import AcwError
from acw_tui.store import migrations

BUSY_TIMEOUT_MS = 15_000

# WAL lets the phone-system hook write while the screen reads; FULL makes every commit
# (a draft, a finished wrap-up) durable against power loss, not only a crash; secure
# deletion overwrites freed pages so a scrubbed note is gone from the file too.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
)


class StoreError(AcwError):
    """The store cannot be opened, read or written; the message names the file."""


def describe_sqlite_error(exc: sqlite3.Error, path: Path) -> str:
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"{path}: database is locked by another program (waited {BUSY_TIMEOUT_MS // 1000} s)"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"{path}: the database file is damaged ({text}); "
            "run `acw db check`, restore a backup, or move the file aside"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path}: the database cannot be written (read-only file or folder)"
    if "unable to open" in lowered:
        return f"{path}: the database cannot be opened (missing folder or no permission)"
    if "full" in lowered:
        return f"{path}: the disk is full; the last change was not saved"
    return f"{path}: {text}"


class Store:
    """One open SQLite store. Writes go through `transaction()`."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taken with BEGIN IMMEDIATE.

        Taking the write lock up front means a busy store makes us wait (busy_timeout)
        instead of failing half-way with "database is locked" when a read turns into a
        write. Nested calls join the outer transaction.
        """
        conn = self.conn
        if conn.in_transaction:
            yield self.db
            return
        with self.errors():
            conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        else:
            with self.errors():
                try:
                    conn.commit()
                except sqlite3.Error:
                    if conn.in_transaction:
                        conn.rollback()
                    raise

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn SQLite's errors into one readable StoreError naming the file."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(exc, self.path)) from exc

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap "anything new?" probe."""
        with self.errors():
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def integrity_problems(self) -> list[str]:
        with self.errors():
            rows = self.conn.execute("PRAGMA integrity_check").fetchall()
            problems = [row[0] for row in rows if row[0] != "ok"]
            problems += [
                f"foreign key: {row[0]} row {row[1]} points to a missing {row[2]}"
                for row in self.conn.execute("PRAGMA foreign_key_check").fetchall()
            ]
        return problems

    def close(self) -> None:
        self.conn.close()


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


def open_store(path: Path, *, migrate: bool = True) -> Store:
    """Open (creating if needed) and upgrade the store at `path`.

    Raises StoreError with the path and the reason when the file is locked, damaged,
    unwritable or newer than this program.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot create the data folder ({exc.strerror})") from exc
    try:
        conn = connect(path)
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, path)) from exc
    store = Store(sqlite_utils.Database(conn, execute_plugins=False), path)
    try:
        with store.errors():
            # Reading the schema parses the file's first pages: a file that is not a
            # database, or whose schema is damaged, fails here rather than mid-shift.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            version = migrations.schema_version(conn)
            if version > migrations.LATEST:
                raise StoreError(
                    f"{path}: schema version {version} is newer than this acw "
                    f"understands ({migrations.LATEST}); upgrade acw"
                )
            if migrate and version < migrations.LATEST:
                migrations.migrate(store)
    except BaseException:
        conn.close()
        raise
    return store
