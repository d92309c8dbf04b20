"""The same report from the local store and from a hub's store (SQLite and PostgreSQL).

The hub keeps current-state tables with the site's names and columns. The first tests
fill a hub database by copying the site's rows with plain SQL (every grouping, fast);
the last one syncs two sites to a real hub process with `acw sync`'s own client and
compares the reports.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.store import Store
from tests.report_seed import seed

TABLES = ("calls", "wrapups", "agent_states", "shorthand_usage")
RANGE = ["--from", "2026-03-01", "--to", "2026-03-02", "--now", "2026-03-03T00:30:00Z"]
GROUPINGS = [None, "agent", "team", "queue", "code", "template", "day", "hour"]


def report_json(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["report", *RANGE, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def seeded(fresh_store: Store) -> Store:
    seed(fresh_store)
    return fresh_store


def copy_to_sqlite_hub(site: Store, hub: Path) -> None:
    conn = sqlite3.connect(hub)
    conn.execute("ATTACH DATABASE ? AS site", (str(site.path),))
    for table in TABLES:
        conn.execute(f"CREATE TABLE {table} AS SELECT * FROM site.{table}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("by", GROUPINGS)
def test_same_figures_from_a_sqlite_hub(seeded: Store, tmp_path: Path, by: str | None) -> None:
    hub = tmp_path / "hub.db"
    copy_to_sqlite_hub(seeded, hub)
    extra = ["--by", by] if by else []
    assert report_json(*extra, "--hub-db", f"sqlite:///{hub}") == report_json(*extra)


def test_the_hub_db_url_is_read_as_acw_hub_reads_it(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`acw hub serve --db` read `~` and %-escapes in a sqlite:/// URL, while `acw report
    --hub-db` took the rest of the URL as the path: the same URL named another file."""
    hub = tmp_path / "a hub.db"
    copy_to_sqlite_hub(seeded, hub)
    monkeypatch.setenv("HOME", str(tmp_path))
    for url in ("sqlite:///~/a hub.db", f"sqlite:///{quote(str(hub))}"):
        assert report_json("--hub-db", url) == report_json()


def test_site_filter_on_the_hub(seeded: Store, tmp_path: Path) -> None:
    hub = tmp_path / "hub.db"
    copy_to_sqlite_hub(seeded, hub)
    data = report_json("--hub-db", f"sqlite:///{hub}", "--site", "site-2", "--by", "agent")
    assert [(r["group"], r["calls"]) for r in data["rows"]] == [("dee", 1)]


# -- PostgreSQL ---------------------------------------------------------------------------

PG_TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION", "TEXT": "TEXT"}


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = os.environ.get("ACW_TEST_PG_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("ACW_TEST_PG_URL must be set in CI")
        pytest.skip("ACW_TEST_PG_URL not set")
    import psycopg

    schema = f"acw_report_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def copy_to_pg_hub(site: Store, url: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        for table in TABLES:
            columns = site.conn.execute(f"PRAGMA table_info({table})").fetchall()
            ddl = ", ".join(f"{c[1]} {PG_TYPES[c[2].upper()]}" for c in columns)
            conn.execute(f"CREATE TABLE {table} ({ddl})")
            names = ", ".join(c[1] for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            rows = site.conn.execute(f"SELECT {names} FROM {table}").fetchall()
            with conn.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


@pytest.mark.postgres
@pytest.mark.parametrize("by", GROUPINGS)
def test_same_figures_from_a_postgres_hub(seeded: Store, pg_url: str, by: str | None) -> None:
    copy_to_pg_hub(seeded, pg_url)
    extra = ["--by", by] if by else []
    assert report_json(*extra, "--hub-db", pg_url) == report_json(*extra)


@pytest.mark.postgres
def test_postgres_html_and_site_filter(seeded: Store, pg_url: str) -> None:
    copy_to_pg_hub(seeded, pg_url)
    data = report_json("--hub-db", pg_url, "--site", "site-1", "--by", "agent")
    assert [r["group"] for r in data["rows"]] == ["ana", "bo", "cy"]
    result = CliRunner().invoke(cli, ["report", *RANGE, "--hub-db", pg_url, "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.output.count("<svg") == 3


def test_unreachable_postgres_gives_one_line(seeded: Store) -> None:
    result = CliRunner().invoke(
        cli, ["report", "--hub-db", "postgresql://lead:secret@127.0.0.1:1/hub"]
    )
    assert result.exit_code == 1
    assert "postgresql://lead:***@127.0.0.1:1/hub: cannot connect" in result.output
    assert "secret" not in result.output


# -- after a real sync ------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def real_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    from tests.sync.conftest import HubProcess, pg_base_url

    if request.param == "postgres":
        pg_base_url()  # skips without ACW_TEST_PG_URL (fails under CI)
    hub = HubProcess(str(request.param), tmp_path).start()
    yield hub
    hub.close()


def test_same_figures_from_the_hub_after_a_sync(
    seeded: Store, real_hub: object, tmp_path: Path
) -> None:
    from acw_tui.store.records import SYNCED_TABLES, queue_rows
    from tests.sync.conftest import make_site

    for name in ("site-1", "site-2"):
        site = make_site(real_hub, tmp_path / name, name)  # type: ignore[arg-type]
        seed(site.store)
        with site.store.transaction() as db:
            # A site holds and sends its own records only.
            for table in ("shorthand_usage", "wrapups", "agent_states", "calls"):
                db.execute(f"DELETE FROM {table} WHERE site_id <> ?", [name])
            for table in SYNCED_TABLES:
                queue_rows(db, table)
        site.sync()
        site.store.close()
    hub_db = real_hub.db_url  # type: ignore[attr-defined]
    for by in (None, "agent", "team", "day"):
        extra = ["--by", by] if by else []
        assert report_json(*extra, "--hub-db", hub_db) == report_json(*extra)
