"""Which hub URLs a site sends its token and notes to."""

from __future__ import annotations

from pathlib import Path

import pytest

from acw_tui.settings.config import load_config
from acw_tui.settings.sync import hub_url
from acw_tui.sync import SyncError


def _config(home: Path, sync_table: str = ""):  # type: ignore[no-untyped-def]
    path = home / "config.toml"
    path.write_text(f'agent_id = "ana"\nsite_id = "site-1"\n[sync]\n{sync_table}\n')
    return load_config(path)


@pytest.mark.parametrize(
    "url",
    [
        "https://hub.example.com",
        "https://10.0.0.5:8787",
        "http://127.0.0.1:8787",
        "http://127.8.9.10:8787",
        "http://localhost:8787",
        "http://[::1]:8787",
    ],
)
def test_tls_or_this_machine_is_accepted(acw_home: Path, url: str) -> None:
    assert hub_url(_config(acw_home), url) == url


@pytest.mark.parametrize(
    "url", ["http://hub.example.com", "http://10.0.0.5:8787", "http://[fe80::1]:8787"]
)
def test_plain_http_across_a_network_is_refused_naming_the_way_out(
    acw_home: Path, url: str
) -> None:
    with pytest.raises(SyncError) as refused:
        hub_url(_config(acw_home), url)
    message = str(refused.value)
    assert message.startswith("--hub: ") and "\n" not in message
    assert "https://" in message and "allow_plain_http" in message
    # The operator who says so (a closed network) may.
    assert hub_url(_config(acw_home, "allow_plain_http = true"), url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://admin:hunter2@127.0.0.1:1",
        "https://admin:hunter2@hub.example.com",
        "https://:hunter2@hub.example.com",
        "https://admin@hub.example.com",
        "http://admin:hunter2@hub.example.com",  # plain http too: the password first
        "https://admin:hunter2@hub.example.com/ bad",  # and a URL refused for another reason
    ],
)
def test_a_user_or_password_in_the_hub_url_is_refused_without_printing_it(
    acw_home: Path, url: str
) -> None:
    """The hub is reached with the site's token: a password in its URL was printed in
    every sync error and stored in clear in sync_state.hub_url."""
    with pytest.raises(SyncError) as caught:
        hub_url(_config(acw_home), url)
    assert "hunter2" not in str(caught.value)


def test_a_password_in_the_hub_url_is_one_line_that_never_shows_it(config, acw_home: Path) -> None:
    from click.testing import CliRunner

    from acw_tui.cli import cli

    result = CliRunner().invoke(
        cli, ["sync", "--hub", "http://admin:hunter2@127.0.0.1:1", "--token", "T"]
    )
    assert result.exit_code != 0
    lines = result.output.strip("\n").split("\n")
    assert len(lines) == 1 and "hunter2" not in result.output, result.output
    assert "password" in lines[0]


def test_a_password_stored_with_the_sync_state_before_is_removed(acw_home: Path) -> None:
    import sqlite3

    import sqlite_utils

    from acw_tui.store import open_store
    from acw_tui.store.migrations import MIGRATIONS

    path = acw_home / "acw.db"
    open_store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE sync_state SET hub_url = 'https://user:hunter2@hub.example.com'")
    # The step itself, on a store as it stood: steps after it need not run twice.
    [step] = [m for m in MIGRATIONS if "password" in m.name]
    step.up(sqlite_utils.Database(db))
    db.commit()
    assert db.execute("SELECT hub_url FROM sync_state").fetchone() == (
        "https://user:***@hub.example.com",
    )
    db.close()
