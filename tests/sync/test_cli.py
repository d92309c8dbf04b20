"""`acw hub …`, `acw sync` and publishing from the command line."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.sync.hub_store import HubStore

from .conftest import Site


def _run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_hub_site_add_prints_the_token_alone_on_its_last_line(
    tmp_path: Path, acw_home: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    assert _run("hub", "init", "--db", url).exit_code == 0
    added = _run("hub", "site", "add", "warsaw-1", "--db", url)
    assert added.exit_code == 0
    token = added.output.splitlines()[-1]
    assert token.startswith("acw_") and " " not in token
    store = HubStore(url)
    who = store.identify(token)
    assert who is not None and (who.role, who.name) == ("site", "warsaw-1")
    again = _run("hub", "site", "add", "warsaw-1", "--db", url)
    assert again.exit_code == 1
    assert "already exists" in again.output and "Traceback" not in again.output

    rotated = _run("hub", "token", "rotate", "warsaw-1", "--db", url)
    new_token = rotated.output.splitlines()[-1]
    assert store.identify(token) is None
    assert store.identify(new_token) is not None
    lead = _run("hub", "lead", "add", "lena", "--db", url).output.splitlines()[-1]
    lead_who = store.identify(lead)
    assert lead_who is not None and lead_who.role == "lead"
    # The hub stores hashes only.
    raw = Path(tmp_path / "hub.db").read_bytes()
    assert new_token.encode() not in raw and lead.encode() not in raw


@pytest.mark.parametrize(
    "args",
    [("site", "add", "x"), ("lead", "add", "x"), ("serve",), ("token", "rotate", "x")],
)
def test_hub_commands_refuse_a_store_that_is_not_ready(
    tmp_path: Path, acw_home: Path, args: tuple[str, ...]
) -> None:
    """A mistyped --db is named, and leaves no empty file behind to confuse the next
    command (it was created, then found to hold no hub)."""
    typo = tmp_path / "nothing.db"
    result = _run("hub", *args, "--db", f"sqlite:///{typo}")
    assert result.exit_code == 1
    assert "run `acw hub init" in result.output and "Traceback" not in result.output
    assert list(tmp_path.glob("nothing.db*")) == []
    odd = _run("hub", "init", "--db", "mysql://somewhere/hub")
    assert odd.exit_code == 1 and "unknown hub store" in odd.output


def test_sync_without_a_hub_says_how_to_name_one(acw_home: Path) -> None:
    result = _run("sync")
    assert result.exit_code == 1
    assert "no hub named: pass --hub URL, set ACW_HUB_URL" in result.output


def test_sync_from_the_command_line_prints_a_summary(site: Site) -> None:
    site.add_calls(12)
    result = _run("sync", "--quiet")
    assert result.exit_code == 0, result.output
    assert "sent 12 record(s) in 1 batch(es)" in result.output
    assert "hub mark 12" in result.output
    site.assert_hub_equal()


def test_guide_publish_needs_a_lead_token_and_reaches_the_site(
    no_releases: None, site: Site, tmp_path: Path
) -> None:
    guide = tmp_path / "en.toml"
    guide.write_text(
        '[guide]\nname = "S"\nversion = 4\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n'
    )
    refused = _run("guide", "publish", "--guide", str(guide), "--token", site.token)
    assert refused.exit_code == 1 and "publishing needs a lead token" in refused.output
    lead = site.hub.store.add("lead", f"lead-{site.name}")
    published = _run("guide", "publish", "--guide", str(guide), "--token", lead)
    assert published.exit_code == 0, published.output
    assert "guide: published release 1 (1 file(s)" in published.output
    broken = tmp_path / "broken.toml"
    broken.write_text("[guide\nversion = 1\n")
    bad = _run("guide", "publish", "--guide", str(broken), "--token", lead)
    assert bad.exit_code == 1 and str(broken) in bad.output and "malformed TOML" in bad.output


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize(
    "path", [p for p in _commands(cli) if p[0] in ("sync", "hub") or p[-1] == "publish"]
)
def test_every_sync_command_has_help(path: tuple[str, ...]) -> None:
    result = _run(*path, "--help")
    assert result.exit_code == 0
    command: click.Command = cli
    for name in path:
        command = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
    assert command.help and len(command.help.strip()) > 10


def test_hub_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    acw = str(Path(sys.executable).with_name("acw"))
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    subprocess.run([acw, "hub", "init", "--db", db], check=True, capture_output=True)
    busy = socket.create_server(("127.0.0.1", 0))
    port = busy.getsockname()[1]
    try:
        done = subprocess.run(
            [acw, "hub", "serve", "--db", db, "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        busy.close()
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0], done.stderr
    assert "acw hub on" not in done.stderr


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("0.0.0.0", True)])
def test_hub_serve_on_a_network_address_says_it_needs_tls_in_front(
    tmp_path: Path, host: str, warned: bool
) -> None:
    import subprocess
    import sys

    acw = str(Path(sys.executable).with_name("acw"))
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    subprocess.run([acw, "hub", "init", "--db", db], check=True, capture_output=True)
    server = subprocess.Popen(
        [acw, "hub", "serve", "--db", db, "--host", host, "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    before: list[str] = []
    try:
        while not (line := server.stderr.readline()).startswith("acw hub on"):  # it is up
            assert line, before
            before.append(line)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert line.startswith("acw hub on http://") and ":0 " not in line, line  # the port bound
    said = "".join(before)
    assert ("https://" in said and "allow_plain_http" in said) is warned, said
