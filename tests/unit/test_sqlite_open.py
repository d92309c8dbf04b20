"""Every SQLite file acw opens (the store, a report's store, a SQLite hub) that turns out
unusable is one error naming it, and the connection opened to find out is closed: the
callers try again (the reports screen on each refresh, the hub on each thread), and a
connection left open per try would keep the file and its memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from acw_tui import sqlite_open
from acw_tui.errors import AcwError
from acw_tui.reports.source import sqlite_source
from acw_tui.store import open_store
from acw_tui.sync.hub_store import HubStore


class Tracked(sqlite3.Connection):
    opened: list[Tracked] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.closed = False
        Tracked.opened.append(self)

    def close(self) -> None:
        self.closed = True
        super().close()


def _not_a_database(path: Path) -> None:
    path.write_bytes(b"this is not a database, only some text " * 100)


def _no_wrapups(path: Path) -> None:
    sqlite3.connect(path).close()  # an empty database: nothing to report on


def _newer(path: Path) -> None:
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 9999")
    conn.close()


OPENERS: dict[str, Callable[[Path], object]] = {
    "store": open_store,
    "report": sqlite_source,
    "hub": lambda path: HubStore(f"sqlite:///{path}").init(),
}
CASES = [
    ("store", _not_a_database),
    ("store", _newer),
    ("report", _not_a_database),
    ("report", _no_wrapups),
    ("report", _newer),
    ("hub", _not_a_database),
]


@pytest.mark.parametrize(("opener", "make"), CASES, ids=[f"{o}-{m.__name__[1:]}" for o, m in CASES])
def test_an_unusable_file_is_one_error_and_leaves_no_connection_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opener: str, make
) -> None:
    path = tmp_path / "acw.db"
    make(path)
    real = sqlite3.connect
    monkeypatch.setattr(
        sqlite_open.sqlite3, "connect", lambda *a, **k: real(*a, **k, factory=Tracked)
    )
    Tracked.opened.clear()

    with pytest.raises(AcwError, match=r"acw\.db"):
        OPENERS[opener](path)

    assert Tracked.opened and all(conn.closed for conn in Tracked.opened)
