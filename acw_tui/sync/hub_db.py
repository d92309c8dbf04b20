"""The hub's database connection: SQLite file or PostgreSQL, one small interface.

Both backends run the same SQL, written with `?` placeholders (turned into `%s` for
psycopg), so the hub's rules are tested once and hold on both. The web app keeps no
other state, so several hub processes can share one PostgreSQL database behind a load
balancer: each serves its requests from a small pool of connections (`PoolLimits`),
closed again when idle, so a few busy hubs cannot use up the server's connections.
Commands and tests use one connection per thread instead, which a mistyped URL or
password fails at once, with the server's reason.

Every error of a store, on either backend, leaves here as a `StoreFailed` with one line
naming the store and the cause; the web app answers it with 503, the commands print it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from acw_tui.core.inputs import url_without_secrets
from acw_tui.errors import N_, os_reason
from acw_tui.sqlite_open import file_identity, open_sqlite
from acw_tui.sync import HubError

BUSY_TIMEOUT_MS = 30_000
WAL_CHECKPOINT_PAGES = 16_000  # of 4 KiB


@dataclass(frozen=True)
class PoolLimits:
    """The PostgreSQL connections one hub process may hold.

    uvicorn serves requests from 40 threads; a connection each, held for good, let three
    hubs use up a server's `max_connections` (and lock out psql and `acw report`). A
    request finds a connection among `size` or waits `wait_seconds` for one, then is
    answered 503 (sites retry); a connection idle for `idle_seconds` is closed (one at a
    time, each `idle_seconds`), down to none.
    """

    size: int = 6
    idle_seconds: float = 60.0
    wait_seconds: float = 5.0


class StoreFailed(HubError):
    """The store failed a statement or lost its connection: the message is one line
    naming the store and the cause (read-only, permission denied, connection lost)."""


class ValueRefused(StoreFailed):
    """The store would not hold a value it was given (a PostgreSQL data or integrity
    error): the fault of what was written, not of the store; `reason` says which."""

    def __init__(self, template: str = "", /, **params: str) -> None:
        super().__init__(template, **params)
        self.reason = params.get("reason", "")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _failure(store: str, exc: Exception) -> HubError:
    """A database error of either backend as one line naming the store and the cause."""
    reason = _first_line(exc)
    if isinstance(exc, sqlite3.Error):
        return StoreFailed(N_("{store}: the store failed ({reason})"), store=store, reason=reason)
    import psycopg
    from psycopg import errors as pg

    if isinstance(exc, psycopg.DataError | psycopg.IntegrityError):
        return ValueRefused(
            N_("{store}: a value the store cannot hold ({reason})"), store=store, reason=reason
        )
    if isinstance(exc, pg.ReadOnlySqlTransaction):
        return StoreFailed(
            N_("{store}: the store is read-only ({reason})"), store=store, reason=reason
        )
    if isinstance(exc, pg.InsufficientPrivilege):
        return StoreFailed(
            N_("{store}: permission denied to the hub's database role ({reason})"),
            store=store,
            reason=reason,
        )
    from psycopg_pool import PoolTimeout

    if isinstance(exc, PoolTimeout):
        return StoreFailed(
            N_(
                "{store}: no free connection to the store ({reason}): all in use, or it does not answer"
            ),
            store=store,
            reason=reason,
        )
    return StoreFailed(N_("{store}: the store failed ({reason})"), store=store, reason=reason)


def sqlite_file(url: str) -> Path | None:
    """The file a `sqlite:` hub store URL names, as every command reads it: the rest of
    `sqlite:///relative/hub.db` (`sqlite:////abs/hub.db` for an absolute one), with its
    %-escapes read and `~` expanded; None when it names none."""
    parsed = urlparse(url)
    raw = unquote(
        url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.netloc + parsed.path
    )
    return Path(raw).expanduser() if raw else None


class Tx:
    """One open transaction: run statements with `?` placeholders."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self._cursor = cursor
        self._postgres = postgres

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self._cursor.execute(self._sql(sql), tuple(params))
        return self._cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run `sql` for each row; the rows it changed in all, or -1 if the driver
        cannot tell (both SQLite and psycopg sum them)."""
        if not rows:
            return 0
        self._cursor.executemany(self._sql(sql), rows)
        return int(self._cursor.rowcount)

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.execute(sql, params).fetchall()]


class HubDatabase:
    """A hub store named by URL: `sqlite:///path/hub.db` or `postgresql://…`."""

    def __init__(self, url: str, *, pool: PoolLimits | None = None) -> None:
        """`pool`: serve PostgreSQL requests from a pool of connections this size (the
        web app); without it, one connection per thread (commands, checks, tests)."""
        self.url = url
        self.limits = pool
        self._pool: Any = None
        self._pool_lock = threading.Lock()
        parsed = urlparse(url)
        if parsed.scheme in ("postgresql", "postgres"):
            self.postgres = True
            self.path: Path | None = None
        elif parsed.scheme == "sqlite":
            self.postgres = False
            self.path = sqlite_file(url)
            if self.path is None:
                raise HubError("{url}: no file named (use sqlite:///path/hub.db)", url=url)
        else:
            raise HubError(
                "{url}: unknown hub store (use sqlite:///path/hub.db or postgresql://…)",
                url=url_without_secrets(url),
            )
        self._local = threading.local()
        # SQLite takes one writer at a time, so this process writes through one
        # connection, whichever thread serves the request. Its page cache stays warm:
        # a connection finds its cache stale whenever another has written, and with a
        # connection per thread every batch re-read the pages it updates. Waiting on
        # this lock, not in SQLite's busy handler (which sleeps 1, 2, 5, 10 ms …
        # between tries), hands the writer on the moment it is free.
        self._writer = threading.Lock()
        self._write_conn: sqlite3.Connection | None = None
        self._write_file: tuple[int, int] | None = None  # the file it opened
        # Only `acw hub init` creates a store: a mistyped --db elsewhere is named,
        # leaving no empty file behind.
        self.may_create = False

    @property
    def dialect(self) -> str:
        return "postgresql" if self.postgres else "sqlite"

    def describe(self) -> str:
        """The URL without a password, for messages."""
        return url_without_secrets(self.url)

    def _connect(self) -> Any:
        if self.postgres:
            import psycopg

            try:
                return psycopg.connect(self.url, connect_timeout=10)
            except psycopg.Error as exc:
                raise HubError(
                    "{store}: cannot connect ({reason})", store=self.describe(), reason=str(exc)
                ) from exc
        assert self.path is not None
        if not self.may_create and not self.path.exists():
            raise HubError(
                "{store}: no hub store there; run `acw hub init --db URL`",
                store=self.describe(),
            )
        try:
            if self.may_create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = open_sqlite(
                f"{self.path.absolute().as_uri()}?mode={'rwc' if self.may_create else 'rw'}",
                (
                    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
                    "PRAGMA journal_mode=WAL",
                    # An acknowledged batch must survive a power cut, not only a crash.
                    "PRAGMA synchronous=FULL",
                    # Every batch is its own commit: checkpointing each 4 MiB of WAL (the
                    # default) cost about a sixth of applying a batch. Each 64 MiB keeps
                    # the WAL bounded.
                    f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}",
                ),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
                uri=True,
            )
        except (sqlite3.Error, OSError) as exc:
            raise HubError(
                "{store}: cannot open ({reason})",
                store=self.describe(),
                reason=os_reason(exc) if isinstance(exc, OSError) else str(exc),
            ) from exc
        return conn

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self.postgres and conn.closed:
            conn = None
        if conn is not None and not self.postgres and self._replaced(self._local.file):
            conn.close()
            conn = None
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            self._local.file = None if self.postgres else file_identity(self._file)
        return conn

    @property
    def _file(self) -> Path:
        assert self.path is not None
        return self.path

    def _replaced(self, opened: tuple[int, int] | None) -> bool:
        """Is the SQLite file at the store's path no longer the one a connection opened
        (moved, replaced by a restored copy, deleted)? SQLite would go on writing into
        the old one, acknowledging batches no later read or restart sees: the hub opens
        the path again instead, as a restart would."""
        return file_identity(self._file) != opened

    @contextmanager
    def _failures_named(self) -> Iterator[None]:
        """Database errors as one line naming the store (`_failure`), never a traceback."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _failure(self.describe(), exc) from exc
        except Exception as exc:
            if self.postgres:
                import psycopg

                if isinstance(exc, psycopg.Error):
                    raise _failure(self.describe(), exc) from exc
            raise

    def _pooled(self) -> Any:
        with self._pool_lock:
            if self._pool is None:
                from psycopg_pool import ConnectionPool

                assert self.limits is not None
                self._pool = ConnectionPool(
                    self.url,
                    kwargs={"connect_timeout": 10},
                    min_size=0,
                    max_size=self.limits.size,
                    max_idle=self.limits.idle_seconds,
                    timeout=self.limits.wait_seconds,
                    check=self._check_pooled,
                    name="acw-hub",
                    open=True,
                )
            return self._pool

    def _check_pooled(self, conn: Any) -> None:
        """Refuse a connection the server dropped (a restart, pg_terminate_backend)
        before a request gets it; the pool then gives another."""
        from psycopg_pool import ConnectionPool

        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            # Those idle beside it most likely went with it: checked all at once, not
            # handed out one by one, each after a back-off of a second or more.
            pool = self._pool
            if pool is not None:
                pool.check()
            raise

    @contextmanager
    def _postgres_connection(self) -> Iterator[Any]:
        if self.limits is not None:
            with self._pooled().connection() as conn:
                yield conn
            return
        import psycopg

        conn = self._connection()
        try:
            yield conn
        except psycopg.OperationalError:
            # A dropped connection is replaced on the next use.
            self._local.conn = None
            raise

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction; rolled back if the block raises."""
        if self.postgres:
            with (
                self._failures_named(),
                self._postgres_connection() as conn,
                conn.transaction(),
                conn.cursor() as cursor,
            ):
                yield Tx(cursor, postgres=True)
            return
        with self._failures_named(), self._writer:
            if self._write_conn is not None and self._replaced(self._write_file):
                self._write_conn.close()
                self._write_conn = None
            if self._write_conn is None:
                self._write_conn = self._connect()
                self._write_file = file_identity(self._file)
            conn = self._write_conn
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(cursor, postgres=False)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                cursor.close()

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """A read-only look: on SQLite no write lock is taken."""
        if self.postgres:
            with self.transaction() as tx:
                yield tx
            return
        with self._failures_named():
            cursor = self._connection().cursor()
            cursor.execute("BEGIN")
            try:
                yield Tx(cursor, postgres=False)
            finally:
                cursor.execute("COMMIT")
                cursor.close()

    def close(self) -> None:
        """Close this thread's connection, the writing one and the pool."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        with self._writer:
            if self._write_conn is not None:
                self._write_conn.close()
                self._write_conn = None
