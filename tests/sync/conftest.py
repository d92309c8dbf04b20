"""A real hub on loopback for the sync tests, on SQLite and on PostgreSQL.

The hub the tests share, and `own_faulty_hub`, run `faulty_hub.py` (the hub's app with
faults a test can arm); `own_hub` runs `acw hub serve` itself. Site processes are
`acw sync` (`run_acw`) or `faulty_site.py` (`run_faulty_site`).

PostgreSQL tests need `ACW_TEST_PG_URL` (a database the tests may create databases
from); without it they skip, except under CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import httpx
import pytest

from acw_tui.core.ids import new_id
from acw_tui.store import Store, open_store
from acw_tui.store.records import SYNCED_TABLES, insert_record, update_record
from acw_tui.sync.client import HubClient, Syncer
from acw_tui.sync.hub_store import HubStore

BACKENDS = ("sqlite", "postgres")
ROOT = Path(__file__).resolve().parents[2]  # where `tests.sync.…` can be imported from
FIXED_NOW = None


def pg_base_url() -> str:
    url = os.environ.get("ACW_TEST_PG_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("ACW_TEST_PG_URL is not set: CI must run the hub tests on PostgreSQL")
        pytest.skip("PostgreSQL tests need ACW_TEST_PG_URL")
    return url


def _pg_admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def _pg_url_for(base: str, name: str) -> str:
    parsed = urlparse(base)
    return urlunparse(parsed._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _importable(env: dict[str, str]) -> dict[str, str]:
    """`env` with this checkout on PYTHONPATH, so `python -m tests.sync.…` runs anywhere."""
    path = env.get("PYTHONPATH", "")
    return {**env, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)}


class HubProcess:
    """A hub in a subprocess: `faulty_hub.py` (faults can be armed) or `acw hub serve`."""

    def __init__(
        self,
        backend: str,
        tmp: Path,
        *,
        max_body: int | None = None,
        same_store_as: HubProcess | None = None,
        faults: bool = True,
        pool_args: tuple[str, ...] = (),
    ) -> None:
        self.backend = backend
        self.pool_args = pool_args  # `faulty_hub.py`'s --pool-size, --pool-idle, --pool-wait
        self.faults = faults
        self.tmp = tmp
        self.max_body = max_body
        self.owns_store = same_store_as is None
        if same_store_as is not None:
            self.db_url = same_store_as.db_url
        elif backend == "sqlite":
            self.path = tmp / f"hub-{uuid.uuid4().hex[:8]}.db"
            self.db_url = f"sqlite:///{self.path}"
        else:
            self.base = pg_base_url()
            self.dbname = f"acw_hub_{uuid.uuid4().hex[:12]}"
            _pg_admin(self.base, f"CREATE DATABASE {self.dbname}")
            self.db_url = _pg_url_for(self.base, self.dbname)
        self.store = HubStore(self.db_url)
        if self.owns_store:
            self.store.init()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tmp / f"hub-{self.port}.log"

    def start(self) -> HubProcess:
        env = _importable(dict(os.environ))
        command = ["tests.sync.faulty_hub"] if self.faults else ["acw_tui", "hub", "serve"]
        args = [sys.executable, "-m", *command, "--db", self.db_url, "--port", str(self.port)]
        if self.max_body:
            args += ["--max-body", str(self.max_body)]
        args += self.pool_args
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(args, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("hub did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def wait_dead(self, timeout: float = 10) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def arm(self, site: str, fault: str, **spec: Any) -> None:
        """Arm a fault of `faulty_hub.py` for one site (`count=0` disarms it)."""
        assert self.faults, "this hub is `acw hub serve`, which takes no faults"
        from .faulty_hub import ARM_PATH

        response = httpx.post(
            f"{self.url}{ARM_PATH}", json={"site": site, "fault": fault, **spec}, timeout=5
        )
        response.raise_for_status()

    def backup(self) -> Any:
        """A copy of the hub's store as it is now (the hub must be stopped)."""
        self.store.db.close()
        if self.backend == "sqlite":
            copy = self.path.with_suffix(".backup")
            copy.write_bytes(self.path.read_bytes())
            return copy
        name = f"{self.dbname}_bak"
        _pg_admin(self.base, f"CREATE DATABASE {name} TEMPLATE {self.dbname}")
        return name

    def restore(self, backup: Any) -> None:
        self.store.db.close()
        if self.backend == "sqlite":
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            self.path.write_bytes(backup.read_bytes())
            return
        _pg_admin(self.base, f"DROP DATABASE {self.dbname} WITH (FORCE)")
        _pg_admin(self.base, f"CREATE DATABASE {self.dbname} TEMPLATE {backup}")

    def close(self) -> None:
        self.kill()
        self.store.db.close()
        if self.backend == "postgres" and self.owns_store:
            _pg_admin(self.base, f"DROP DATABASE IF EXISTS {self.dbname} WITH (FORCE)")
            _pg_admin(self.base, f"DROP DATABASE IF EXISTS {self.dbname}_bak WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        pg_base_url()
    return str(request.param)


@pytest.fixture(scope="session")
def _shared_hubs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, HubProcess]]:
    hubs: dict[str, HubProcess] = {}
    yield hubs
    for hub in hubs.values():
        hub.close()


@pytest.fixture
def hub(
    backend: str, _shared_hubs: dict[str, HubProcess], tmp_path_factory: pytest.TempPathFactory
) -> HubProcess:
    """A hub process shared by the tests of one backend (each test uses its own site)."""
    existing = _shared_hubs.get(backend)
    if existing is None or not existing.alive():
        if existing is not None:
            existing.close()
        existing = HubProcess(backend, tmp_path_factory.mktemp("hub")).start()
        _shared_hubs[backend] = existing
    return existing


@pytest.fixture
def no_releases(hub: HubProcess) -> None:
    """No guide or templates published yet (the tests of one worker run in turn)."""
    with hub.store.db.transaction() as tx:
        tx.execute("DELETE FROM hub_content")


@pytest.fixture
def own_hub(backend: str, tmp_path: Path) -> Iterator[HubProcess]:
    """`acw hub serve` of this test's own, for tests that kill or restore it."""
    hub = HubProcess(backend, tmp_path, faults=False).start()
    yield hub
    hub.close()


@pytest.fixture
def own_faulty_hub(backend: str, tmp_path: Path) -> Iterator[HubProcess]:
    """A hub of this test's own whose armed faults may kill it."""
    hub = HubProcess(backend, tmp_path).start()
    yield hub
    hub.close()


@dataclass
class Site:
    """A site's store registered on a hub, with helpers to write and sync."""

    name: str
    store: Store
    token: str
    hub: HubProcess
    home: Path

    def client(self, **kwargs: Any) -> HubClient:
        kwargs.setdefault("retry_for", 15.0)
        kwargs.setdefault("timeout", 10.0)
        return HubClient(self.hub.url, self.token, **kwargs)

    def sync(self, **kwargs: Any) -> Any:
        batch_records = kwargs.pop("batch_records", 200)
        client = self.client(**kwargs)
        try:
            return Syncer(self.store, client, batch_records=batch_records).run()
        finally:
            client.close()

    def add_calls(self, count: int, *, now: Any = None) -> list[str]:
        from datetime import UTC, datetime

        now = now or datetime.now(UTC)
        ids = []
        with self.store.transaction() as db:
            for n in range(count):
                row_id = new_id()
                insert_record(
                    db,
                    "calls",
                    {
                        "id": row_id,
                        "external_id": f"C-{uuid.uuid4().hex[:10]}-{n}",
                        "agent_id": "ana",
                        "site_id": self.name,
                        "queue": "billing",
                        "started_at": "2026-05-04T10:00:00.000Z",
                        "ended_at": "2026-05-04T10:04:00.000Z",
                        "talk_seconds": 240.0,
                    },
                    now,
                )
                ids.append(row_id)
        return ids

    def edit(self, row_id: str, *, now: Any = None, table: str = "calls") -> None:
        from datetime import UTC, datetime

        with self.store.transaction() as db:
            update_record(
                db, table, row_id, {"queue": f"q-{uuid.uuid4().hex[:6]}"}, now or datetime.now(UTC)
            )

    def current(self) -> dict[str, dict[str, int]]:
        return {
            table: {
                r[0]: int(r[1])
                for r in self.store.conn.execute(f"SELECT id, rev FROM {table}").fetchall()
            }
            for table in SYNCED_TABLES
        }

    def all_revisions(self) -> dict[str, set[tuple[str, int]]]:
        """Every (id, rev) this site ever wrote: revs run 1..current for each row."""
        return {
            table: {(row_id, rev) for row_id, last in rows.items() for rev in range(1, last + 1)}
            for table, rows in self.current().items()
        }

    def outbox(self) -> int:
        return int(self.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def assert_hub_equal(self) -> None:
        hub_current = self.hub.store.current(self.name)
        assert hub_current == self.current()
        assert self.hub.store.revisions(self.name) == self.all_revisions()


def make_site(hub: HubProcess, home: Path, name: str | None = None) -> Site:
    name = name or f"site-{uuid.uuid4().hex[:8]}"
    token = hub.store.add("site", name)
    home.mkdir(parents=True, exist_ok=True)
    store = open_store(home / "acw.db")
    (home / "config.toml").write_text(
        f'agent_id = "ana"\nsite_id = "{name}"\n\n[sync]\nhub_url = "{hub.url}"\n'
        f'token = "{token}"\nretry_seconds = 30\n',
        encoding="utf-8",
    )
    return Site(name, store, token, hub, home)


@pytest.fixture
def site(hub: HubProcess, acw_home: Path) -> Iterator[Site]:
    made = make_site(hub, acw_home)
    yield made
    made.store.close()


@pytest.fixture
def own_site(own_hub: HubProcess, acw_home: Path) -> Iterator[Site]:
    made = make_site(own_hub, acw_home)
    yield made
    made.store.close()


@pytest.fixture
def own_faulty_site(own_faulty_hub: HubProcess, acw_home: Path) -> Iterator[Site]:
    made = make_site(own_faulty_hub, acw_home)
    yield made
    made.store.close()


def run_acw(
    home: Path, *args: str, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.Popen[str]:
    """`acw ARGS` in a subprocess on this site's home."""
    return _run_module("acw_tui", home, *args, env=env, **kwargs)


def run_faulty_site(
    home: Path, *args: str, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.Popen[str]:
    """`faulty_site.py ARGS` (`acw sync` that dies when told) on this site's home."""
    return _run_module("tests.sync.faulty_site", home, *args, env=env, **kwargs)


def _run_module(
    module: str, home: Path, *args: str, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.Popen[str]:
    full_env = _importable({**os.environ, "ACW_HOME": str(home), **(env or {})})
    full_env.pop("ACW_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )
