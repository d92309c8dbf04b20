"""Where a report reads from: the local SQLite store or the hub's store (SQLite or PostgreSQL).

The hub keeps current-state tables with the same names and columns as a site (calls,
wrapups, agent_states, shorthand_usage; timestamps as ISO-8601 UTC text, JSON as text),
so one set of queries serves both. The few spots where the two SQL dialects differ are
the small functions of `Dialect`; queries are written with `:name` parameters.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acw_tui.core.inputs import url_without_secrets
from acw_tui.errors import AcwError
from acw_tui.i18n import _
from acw_tui.sqlite_open import open_sqlite


class ReportError(AcwError):
    """A report cannot be made; the message names the source or the option at fault."""


@dataclass(frozen=True)
class Dialect:
    name: str  # "sqlite" or "postgres"

    def seconds_between(self, start: str, end: str) -> str:
        """Seconds from `start` to `end`, both ISO-8601 text expressions."""
        if self.name == "sqlite":
            return f"((julianday({end}) - julianday({start})) * 86400.0)"
        return f"EXTRACT(EPOCH FROM (CAST({end} AS timestamptz) - CAST({start} AS timestamptz)))"

    def whole_table(self, table: str, alias: str) -> str:
        """`table alias`, read from start to end. Given an index that matches a GROUP BY,
        SQLite walks it to skip sorting, then fetches every row out of order, which over
        a large table costs more than the sort it saved."""
        return f"{table} {alias} NOT INDEXED" if self.name == "sqlite" else f"{table} {alias}"

    def unindexed(self, column: str) -> str:
        """`column` in a form no index serves (SQLite's unary plus, a no-op on its
        value): for a bound that nearly every row meets, where walking an index would
        fetch each row out of order. PostgreSQL's planner weighs that by itself."""
        return f"+{column}" if self.name == "sqlite" else column

    def json_length(self, column: str) -> str:
        if self.name == "sqlite":
            return f"json_array_length({column})"
        return f"jsonb_array_length(CAST({column} AS jsonb))"

    def json_items(self, column: str, alias: str) -> str:
        """A LEFT JOIN yielding one row per item of a JSON list (`alias.value`)."""
        if self.name == "sqlite":
            return f"LEFT JOIN json_each({column}) AS {alias} ON 1 = 1"
        return (
            f"LEFT JOIN LATERAL jsonb_array_elements_text(CAST({column} AS jsonb)) "
            f"AS {alias}(value) ON true"
        )

    def floor(self, expression: str) -> str:
        if self.name == "sqlite":  # truncation is floor for the non-negative values we bucket
            return f"CAST({expression} AS INTEGER)"
        return f"CAST(floor({expression}) AS INTEGER)"

    def next_boundary(self, expression: str, unit: str) -> str:
        """The start of the next UTC day or hour after `expression`, as stored text."""
        if self.name == "sqlite":
            if unit == "day":
                return f"strftime('%Y-%m-%dT00:00:00.000Z', {expression}, '+1 day')"
            return f"strftime('%Y-%m-%dT%H:00:00.000Z', {expression}, '+1 hour')"
        return (
            f"to_char(date_trunc('{unit}', CAST({expression} AS timestamptz) AT TIME ZONE 'UTC') "
            f"+ interval '1 {unit}', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        )


_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


class ReportSource:
    """A read-only DB-API connection and its dialect."""

    def __init__(
        self,
        conn: Any,
        dialect: Dialect,
        label: str,
        reopen: Callable[[], ReportSource] | None = None,
    ) -> None:
        self.conn = conn
        self.dialect = dialect
        self.label = label
        # Another connection to the same store, so independent queries can run at once.
        self.reopen = reopen

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        params = dict(params or {})
        if self.dialect.name == "postgres":
            sql = _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
        try:
            cursor = self.conn.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.close()
        except Exception as exc:  # sqlite3.Error or psycopg.Error: both become one line
            if self.dialect.name == "postgres":
                self.conn.rollback()
            raise ReportError(
                "{where}: {reason}", where=self.label, reason=_first_line(exc)
            ) from exc
        return rows

    def close(self) -> None:
        self.conn.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


REPORT_CACHE_KIB = 1024


def sqlite_source(path: Path) -> ReportSource:
    if not path.exists():
        raise ReportError(_("{path}: no such database file").format(path=path))
    try:
        conn = open_sqlite(
            # Read-only: a report never writes, even by accident. as_uri() escapes ? and #.
            f"{path.resolve().as_uri()}?mode=ro",
            (
                "PRAGMA busy_timeout=15000",
                # A report runs its passes on three connections at once, each reading rows
                # about once: half SQLite's default page cache (2 MB) each keeps the report
                # as fast on a million wrap-ups (a quarter made it 20 % slower) and the
                # screen 1 MB smaller.
                f"PRAGMA cache_size=-{REPORT_CACHE_KIB}",
                "SELECT 1 FROM wrapups LIMIT 1",  # a store, readable
            ),
            uri=True,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise ReportError(
            _("{path}: cannot read a store here ({error})").format(path=path, error=exc)
        ) from exc
    from acw_tui.store.migrations import refuse_newer

    try:
        refuse_newer(conn, path, ReportError)
    except BaseException:
        conn.close()  # (the screen opens a source again on every refresh)
        raise
    return ReportSource(conn, Dialect("sqlite"), str(path), lambda: sqlite_source(path))


def postgres_source(url: str) -> ReportSource:
    import psycopg

    shown = url_without_secrets(url)
    try:
        conn = psycopg.connect(url, connect_timeout=10)
        conn.read_only = True
    except psycopg.Error as exc:
        raise ReportError(
            _("{url}: cannot connect ({error})").format(url=shown, error=_first_line(exc))
        ) from exc
    return ReportSource(conn, Dialect("postgres"), shown, lambda: postgres_source(url))


def open_source(hub_db: str | None, local_path: Path) -> ReportSource:
    """The hub's store named by `hub_db` (`sqlite:///path` or `postgresql://…`), else the local one."""
    if hub_db is None:
        return sqlite_source(local_path)
    if hub_db.startswith("sqlite:///"):
        from acw_tui.sync.hub_db import sqlite_file  # read as `acw hub` reads it

        path = sqlite_file(hub_db)
        if path is not None:
            return sqlite_source(path)
    if hub_db.startswith(("postgresql://", "postgres://")):
        return postgres_source(hub_db)
    raise ReportError(
        _("--hub-db {value}: expected sqlite:///path/hub.db or postgresql://user@host/db").format(
            value=repr(url_without_secrets(hub_db))
        )
    )


@contextmanager
def opened(hub_db: str | None, local_path: Path) -> Iterator[ReportSource]:
    source = open_source(hub_db, local_path)
    try:
        yield source
    finally:
        source.close()
