"""A hub on PostgreSQL shares the server: few connections, dropped ones replaced, and
the server's refusals (read-only, no rights, a table of another program's) said in one
line naming the store."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.sync import HubError
from acw_tui.sync.hub_store import HubStore

from .conftest import HubProcess, _pg_admin, _pg_url_for, make_site, pg_base_url


def _connections(base: str, dbname: str) -> int:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [dbname]
        ).fetchone()
    return int(row[0]) if row else 0


def _terminate(base: str, dbname: str) -> None:
    _pg_admin(
        base,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{dbname}' AND pid <> pg_backend_pid()",
    )


@pytest.fixture
def pg_hub(tmp_path: Path) -> Iterator[HubProcess]:
    """A hub on PostgreSQL of this test's own, with 4 connections closed after 0.2 s idle."""
    hub = HubProcess(
        "postgres",
        tmp_path,
        pool_args=("--pool-size", "4", "--pool-idle", "0.2", "--pool-wait", "3"),
    )
    hub.start()
    yield hub
    hub.close()


def _marks(hub: HubProcess, token: str, count: int) -> list[int]:
    def one(_n: int) -> int:
        return httpx.get(
            f"{hub.url}/v1/sync/mark", headers={"Authorization": f"Bearer {token}"}, timeout=30
        ).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(one, range(count)))


def test_many_requests_hold_at_most_the_pools_connections_and_release_them(
    pg_hub: HubProcess, tmp_path: Path
) -> None:
    """A hub kept a connection per thread of uvicorn's 40, for good: three hubs under
    load used up the server's connections, locking out psql and `acw report` too."""
    site = make_site(pg_hub, tmp_path / "site")
    pg_hub.store.db.close()  # only the hub's own connections are counted
    seen = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen[0] = max(seen[0], _connections(pg_hub.base, pg_hub.dbname))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        statuses = _marks(pg_hub, site.token, 150)
    finally:
        done.set()
        watcher.join()
    assert statuses == [200] * 150
    assert 1 <= seen[0] <= 4
    deadline = time.monotonic() + 10
    while _connections(pg_hub.base, pg_hub.dbname) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _connections(pg_hub.base, pg_hub.dbname) == 0
    site.store.close()


def test_a_dropped_connection_is_replaced_and_a_lost_store_is_one_line_503(
    pg_hub: HubProcess, tmp_path: Path
) -> None:
    """A connection the server dropped (a restart, pg_terminate_backend) gave a bare 500
    and a traceback in the hub's log. It is replaced before a request gets it; a store
    that cannot be reached at all is a 503 (which sites retry) with one line."""
    site = make_site(pg_hub, tmp_path / "site")
    pg_hub.store.db.close()
    assert set(_marks(pg_hub, site.token, 20)) == {200}
    _terminate(pg_hub.base, pg_hub.dbname)
    assert set(_marks(pg_hub, site.token, 20)) == {200}

    _pg_admin(pg_hub.base, f"ALTER DATABASE {pg_hub.dbname} ALLOW_CONNECTIONS false")
    try:
        _terminate(pg_hub.base, pg_hub.dbname)
        answer = httpx.get(
            f"{pg_hub.url}/v1/sync/mark",
            headers={"Authorization": f"Bearer {site.token}"},
            timeout=30,
        )
    finally:
        _pg_admin(pg_hub.base, f"ALTER DATABASE {pg_hub.dbname} ALLOW_CONNECTIONS true")
    assert answer.status_code == 503
    detail = answer.json()["detail"]
    assert detail.startswith("hub store unavailable: ") and "\n" not in detail
    assert pg_hub.dbname in detail
    # Back once the store is reachable again (the pool retries with backoff).
    deadline = time.monotonic() + 20
    while _marks(pg_hub, site.token, 1) != [200] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _marks(pg_hub, site.token, 5) == [200] * 5
    log = pg_hub.log.read_text(errors="replace")
    assert "Traceback" not in log and "Exception in ASGI application" not in log
    site.store.close()


@pytest.fixture
def empty_db() -> Iterator[tuple[str, str]]:
    """(base URL, name) of an empty database of this test's own."""
    base = pg_base_url()
    name = f"acw_pg_{uuid.uuid4().hex[:10]}"
    _pg_admin(base, f"CREATE DATABASE {name}")
    yield base, name
    _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_read_only_store_is_named_in_one_line_and_still_served(
    empty_db: tuple[str, str], acw_home: Path, tmp_path: Path
) -> None:
    """`default_transaction_read_only` (a replica, a database set read-only) was an
    "internal error … please report it" for `acw hub init`, `site add` and `serve`.
    Serving runs no DDL on a complete store, so it serves what it can: reads."""
    base, name = empty_db
    url = _pg_url_for(base, name)
    assert _run("hub", "init", "--db", url)[0] == 0
    token = HubStore(url).add("site", "warsaw-1")
    _pg_admin(base, f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    _terminate(base, name)
    code, output = _run("hub", "site", "add", "warsaw-2", "--db", url)
    assert code == 1
    [line] = output.strip().splitlines()
    assert f"{name}: the store is read-only (cannot execute INSERT" in line, line
    assert "internal error" not in line

    hub = HubProcess("postgres", tmp_path, same_store_as=_Store(url), faults=False).start()
    try:
        mark = httpx.get(
            f"{hub.url}/v1/sync/mark", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert mark.status_code == 200 and mark.json()["mark"] == 0
    finally:
        hub.close()


class _Store:
    """What `HubProcess(same_store_as=…)` reads of another hub: its store's URL."""

    def __init__(self, url: str) -> None:
        self.db_url = url


def test_a_role_without_create_rights_serves_a_complete_store(
    empty_db: tuple[str, str], acw_home: Path, tmp_path: Path
) -> None:
    """`acw hub serve` ran `init`'s DDL every time, so a least-privilege role (rows
    only) could not serve, and said "internal error (InsufficientPrivilege …)". Init
    under such a role names the store and the cause in one line."""
    base, name = empty_db
    role = f"acw_rw_{uuid.uuid4().hex[:8]}"
    _pg_admin(base, f"CREATE ROLE {role} LOGIN")
    admin = _pg_url_for(base, name)
    limited = admin.replace("postgres@", f"{role}@", 1)
    try:
        code, output = _run("hub", "init", "--db", limited)
        assert code == 1
        [line] = output.strip().splitlines()
        assert f"{name}: permission denied to the hub's database role (" in line, line
        assert "internal error" not in line

        assert _run("hub", "init", "--db", admin)[0] == 0
        token = HubStore(admin).add("site", "warsaw-1")
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
            )
        hub = HubProcess("postgres", tmp_path, same_store_as=_Store(limited), faults=False)
        hub.start()
        try:
            site = make_site(hub, tmp_path / "site", name="warsaw-2")
            site.add_calls(3)
            assert site.sync().sent == 3
            site.store.close()
            mark = httpx.get(
                f"{hub.url}/v1/sync/mark", headers={"Authorization": f"Bearer {token}"}
            )
            assert mark.status_code == 200
        finally:
            hub.close()
    finally:
        _terminate(base, name)
        _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _pg_admin(base, f"DROP ROLE IF EXISTS {role}")


def _tables(url: str) -> set[tuple[str, str, str]]:
    """(table, column, type) of every column in the store at `url`."""
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url[len("sqlite:///") :])
        rows = conn.execute(
            "SELECT m.name, c.name, c.type FROM sqlite_master m, pragma_table_info(m.name) c "
            "WHERE m.type = 'table'"
        ).fetchall()
        conn.close()
        return set(rows)
    import psycopg

    with psycopg.connect(url) as pg:
        return set(
            pg.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public'"
            ).fetchall()
        )


FOREIGN_TABLES = {
    "another program's calls": (
        "CREATE TABLE calls (id text PRIMARY KEY, site_id text, rev text, note text)",
        "calls",
        "column rev is text, not integer",
    ),
    "an id without a unique constraint": (
        "CREATE TABLE calls (id text, site_id text, rev bigint)",
        "calls",
        "no primary key or unique constraint on column id alone",
    ),
    "an integer id": (
        "CREATE TABLE calls (id bigint PRIMARY KEY, site_id text, rev bigint)",
        "calls",
        "column id is integer, not text",
    ),
    "a text revision": (
        "CREATE TABLE wrapups (id text PRIMARY KEY, site_id text, rev text)",
        "wrapups",
        "column rev is text, not integer",
    ),
    "a column acw never fills": (
        "CREATE TABLE calls (id text PRIMARY KEY, site_id text, rev bigint, note text NOT NULL)",
        "calls",
        "column note is NOT NULL without a default, and acw never fills it",
    ),
}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize("case", list(FOREIGN_TABLES))
def test_init_refuses_a_table_it_did_not_make_and_changes_nothing(
    backend: str, case: str, tmp_path: Path, acw_home: Path
) -> None:
    """`acw hub init` (and `serve`) took over any table of a synced name: it added its
    columns to another program's `calls`, and its keys and types then refused every
    batch (no unique id), blamed the site's records (an integer id) or kept a stale
    revision ('10' > '9' is false as text)."""
    create, table, problem = FOREIGN_TABLES[case]
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'hub.db'}"
        import sqlite3

        with sqlite3.connect(tmp_path / "hub.db") as conn:
            conn.execute(create)
        conn.close()
    else:
        base = pg_base_url()
        name = f"acw_pg_{uuid.uuid4().hex[:10]}"
        _pg_admin(base, f"CREATE DATABASE {name}")
        url = _pg_url_for(base, name)
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(create)
    try:
        before = _tables(url)
        with pytest.raises(HubError) as refused:
            HubStore(url).init()
        assert f"table {table} is not one acw made ({problem}); nothing was changed" in str(
            refused.value
        )
        assert _tables(url) == before  # nothing altered, nothing made
        code, output = _run("hub", "init", "--db", url)
        assert code == 1 and len(output.strip().splitlines()) == 1 and problem in output
        assert _tables(url) == before
    finally:
        if backend == "postgres":
            _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
