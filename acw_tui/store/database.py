"""Opening the store: pragmas, migrations, transactions, and errors a user can read."""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from acw_tui.core.ids import warm_up as warm_up_ids
from acw_tui.errors import AcwError, Phrase, os_reason
from acw_tui.sqlite_open import file_identity, open_sqlite
from acw_tui.store import migrations

if TYPE_CHECKING:
    import sqlite_utils

# A burst of phone-system hooks (every agent's call ending at the top of the hour) queues
# on the write lock; each waits its turn rather than failing, up to this long.
BUSY_TIMEOUT_MS = 30_000
# That wait is made in slices this long, so that it can be cut short when acw is leaving
# (SQLite's own busy wait cannot be interrupted).
LOCK_SLICE_MS = 250

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


class StoreDamaged(StoreError):
    """The file is not a database, or its pages are damaged."""


class StoreBusy(StoreError):
    """Another program held the store's write lock for longer than acw waits."""


class StoreGone(StoreError):
    """The file this store opened is no longer at its path (moved, replaced, deleted)."""


def is_damage(exc: sqlite3.Error) -> bool:
    lowered = str(exc).lower()
    return "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered


def store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """SQLite's error as one StoreError naming the file (StoreDamaged for damage)."""
    kind = StoreDamaged if is_damage(exc) else StoreBusy if is_busy(exc) else StoreError
    described = describe_sqlite_error(exc, path)
    return kind(described.template, **described.params)


def is_busy(exc: sqlite3.Error) -> bool:
    lowered = str(exc).lower()
    return "locked" in lowered or "busy" in lowered


def locked_phrase(path: Path, waited: float) -> Phrase:
    return Phrase(
        "{path}: database is locked by another program (waited {seconds} s)",
        path=path,
        seconds=math.ceil(waited),
    )


def describe_sqlite_error(exc: sqlite3.Error, path: Path) -> Phrase:
    """SQLite's error in a line naming the file (in English; in the reader's language
    where it is shown)."""
    text = str(exc)
    lowered = text.lower()
    if is_busy(exc):
        return locked_phrase(path, BUSY_TIMEOUT_MS / 1000)
    if is_damage(exc):
        return Phrase(
            "{path}: the database file is damaged ({reason}); "
            "run `acw db check`, restore a backup, or move the file aside",
            path=path,
            reason=text,
        )
    if "readonly" in lowered or "read-only" in lowered:
        return Phrase(
            "{path}: the database cannot be written (read-only file or folder)", path=path
        )
    if "unable to open" in lowered:
        return Phrase(
            "{path}: the database cannot be opened (missing folder or no permission)", path=path
        )
    if "full" in lowered:
        return Phrase("{path}: the disk is full; the last change was not saved", path=path)
    return Phrase("{where}: {reason}", where=path, reason=text)


class Store:
    """One open SQLite store. Writes go through `transaction()`.

    `conn` is the raw connection; `db` wraps the same connection in sqlite-utils, built
    on first use so that opening the screen does not pay for importing it (start-up
    reads use plain SQL).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._leaving_at: float | None = None  # time.monotonic() after which nobody waits
        self._identity = file_identity(path)

    def check_file(self) -> None:
        """StoreGone unless the file opened is still the one at the path. One moved
        away, replaced or deleted while acw runs still takes writes, where neither the
        next acw nor a hook finds them: they are refused instead, and what the agent
        typed is kept as text a store refuses is (on screen, then in files at quit)."""
        if self._identity is not None and file_identity(self.path) != self._identity:
            raise StoreGone(
                "{path}: the store file was moved, replaced or deleted while acw was "
                "running; nothing more is written to it: quit acw (your text is kept) "
                "and start it again",
                path=self.path,
            )

    def limit_waits(self, seconds: float | None) -> None:
        """From now on, waiting for another program's write lock ends within `seconds`,
        whoever is waiting (a save already waiting on the store thread too): acw is
        leaving, and text the store refuses then goes elsewhere. None: as usual."""
        self._leaving_at = None if seconds is None else time.monotonic() + seconds

    @cached_property
    def db(self) -> sqlite_utils.Database:
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    def rows(
        self, sql: str, params: list[object] | tuple[object, ...] | dict[str, object] = ()
    ) -> list[dict[str, object]]:
        """Run a query and return its rows as dicts (no sqlite-utils needed); `params`
        by position, or by name (`:name`) as a dict."""
        with self.errors():
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

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
        # Build the sqlite-utils wrapper and load the id generator before taking the
        # write lock: fifty hook processes starting at once must not hold the lock while
        # importing modules.
        db = self.db
        warm_up_ids()
        self.check_file()
        with self.errors():
            self._take_write_lock()
        try:
            yield db
        except BaseException as exc:
            if conn.in_transaction:
                conn.rollback()
            if isinstance(exc, sqlite3.Error):  # a read-only file, a full disk: name it
                raise store_error(exc, self.path) from exc
            raise
        else:
            with self.errors():
                try:
                    conn.commit()
                except sqlite3.Error:
                    if conn.in_transaction:
                        conn.rollback()
                    raise

    def _take_write_lock(self) -> None:
        """BEGIN IMMEDIATE, waiting for another writer up to the connection's busy
        time-out, or until the moment `limit_waits` set."""
        conn = self.conn
        patience = conn.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        started = time.monotonic()
        try:
            while True:
                now = time.monotonic()
                end = started + patience
                if self._leaving_at is not None:
                    end = min(end, self._leaving_at)
                slice_ms = max(0, min(LOCK_SLICE_MS, int((end - now) * 1000)))
                conn.execute(f"PRAGMA busy_timeout={slice_ms}")
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not is_busy(exc):
                        raise
                    if time.monotonic() >= end:
                        described = locked_phrase(self.path, time.monotonic() - started)
                        raise StoreBusy(described.template, **described.params) from exc
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(patience * 1000)}")

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn SQLite's errors into one readable StoreError naming the file."""
        try:
            yield
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap "anything new?" probe.
        StoreGone once the file is no longer at its path (see `check_file`): the screen,
        which asks this four times a second, says so even while nothing is written."""
        self.check_file()
        with self.errors():
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def keep_cache(self, kib: int) -> None:
        """Hold at most `kib` KiB of pages in this connection's cache (SQLite's default
        is 2 MB; pages not held are read again from the operating system's cache)."""
        with self.errors():
            self.conn.execute(f"PRAGMA cache_size=-{int(kib)}")

    def integrity_problems(self) -> list[str]:
        with self.errors():
            rows = self.conn.execute("PRAGMA integrity_check").fetchall()
            problems = [row[0] for row in rows if row[0] != "ok"]
            problems += [
                f"foreign key: {row[0]} row {row[1]} points to a missing {row[2]}"
                for row in self.conn.execute("PRAGMA foreign_key_check").fetchall()
            ]
        return problems

    def quick_problems(self) -> list[str]:
        """SQLite's quick check (page structure, no index contents): what is damaged."""
        try:
            rows = self.conn.execute("PRAGMA quick_check(5)").fetchall()
        except sqlite3.Error as exc:
            return [str(exc)]
        lines = [line for row in rows for line in str(row[0]).splitlines()]
        return [line for line in lines if line != "ok" and not line.startswith("***")]

    def close(self) -> None:
        self.conn.close()


def connect(path: Path) -> sqlite3.Connection:
    return open_sqlite(
        str(path),
        (f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}", *PRAGMAS),
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )


def open_store(path: Path, *, migrate: bool = True) -> Store:
    """Open (creating if needed) and upgrade the store at `path`.

    Raises StoreError with the path and the reason when the file is locked, damaged,
    unwritable or newer than this program.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            "{path}: cannot create the data folder ({reason})",
            path=path.parent,
            reason=os_reason(exc),
        ) from exc
    try:
        conn = connect(path)
    except sqlite3.Error as exc:
        raise store_error(exc, path) from exc
    store = Store(conn, path)
    try:
        with store.errors():
            # Reading the schema parses the file's first pages: a file that is not a
            # database, or whose schema is damaged, fails here rather than mid-shift.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            version = migrations.refuse_newer(conn, path, StoreError)
            if migrate and version < migrations.LATEST:
                migrations.migrate(store)
    except BaseException:
        conn.close()
        raise
    return store
