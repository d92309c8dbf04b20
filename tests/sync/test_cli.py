"""`acw hub …`, `acw sync` and publishing from the command line."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    # acw's own words for the reason (translated where shown), not the system's text.
    assert lines[0].endswith(": the address is in use"), lines[0]
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


_NAMED = [  # every hub admin command that takes a site or lead name
    ("hub", "site", "add"),
    ("hub", "lead", "add"),
    ("hub", "site", "reset-store"),
    ("hub", "token", "rotate"),
    ("hub", "token", "rotate", "--lead"),
]


@pytest.mark.parametrize("command", _NAMED)
@pytest.mark.parametrize("name", ["4111111111111111", "4111-1111-1111-1111", "44051401359"])
def test_hub_names_holding_card_data_or_an_id_are_refused(
    tmp_path: Path, command: tuple[str, ...], name: str
) -> None:
    """A site name goes into every record's site_id, every report and every file: a
    card number or a national id there would be stored and synced as written."""
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    assert _run("hub", "init", "--db", url).exit_code == 0
    result = _run(*command, name, "--db", url)
    assert result.exit_code != 0
    [line] = result.output.strip().splitlines()
    assert "card data or a national id" in line, line
    digits = name.replace("-", "")
    assert digits not in line.replace("-", "") and "1111111" not in line, line
    with HubStore(url).db.reading() as tx:
        assert tx.one("SELECT count(*) FROM hub_tokens") == (0,)
        assert tx.one("SELECT count(*) FROM hub_sites") == (0,)


def test_a_hub_store_refuses_a_card_number_as_a_name(tmp_path: Path) -> None:
    from acw_tui.sync import HubError

    hub = HubStore(f"sqlite:///{tmp_path / 'hub.db'}")
    hub.init()
    with pytest.raises(HubError, match="card data"):
        hub.add("site", "site-4111111111111111")
    hub.db.close()


@pytest.mark.parametrize("command", _NAMED)
@pytest.mark.parametrize("given", [["-bad"], ["--", "-bad"], ["-x"], ["-"]])
def test_a_name_starting_with_a_dash_is_refused_by_the_naming_rule(
    tmp_path: Path, command: tuple[str, ...], given: list[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    assert _run("hub", "init", "--db", url).exit_code == 0
    result = _run(*command, "--db", url, *given)
    assert result.exit_code != 0
    [line] = result.output.strip().splitlines()
    assert "is not a name for the hub" in line and "starting with a letter or digit" in line, line
    assert "No such option" not in line
    with HubStore(url).db.reading() as tx:
        assert tx.one("SELECT count(*) FROM hub_tokens") == (0,)


def test_an_unknown_option_is_still_named_as_one(tmp_path: Path) -> None:
    result = _run("hub", "site", "add", "warsaw-1", "--dbb", "x")
    assert result.exit_code != 0
    assert "No such option" in result.output and "--dbb" in result.output


def _luhn(body: str) -> str:
    """`body` with its Luhn check digit: a card number the detector recognises."""
    total = 0
    for n, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if n % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


_NAME_PART = st.text(alphabet="abcXYZ019._-", max_size=6)


def _card(prefix: str, digits: str, sep: str) -> str:
    number = _luhn((prefix + digits)[: (14 if prefix == "37" else 15)])
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


_CARD = st.builds(
    _card,
    st.sampled_from(["4", "51", "37", "6011"]),
    st.text(alphabet="0123456789", min_size=15, max_size=15),
    st.sampled_from(["", "-", ".", " "]),
)
_NAMES = st.one_of(
    st.builds(lambda a, card, b: a + card + b, _NAME_PART, _CARD, _NAME_PART),
    st.builds(lambda dash, rest: dash + rest, st.sampled_from(["-", "--", "-x"]), _NAME_PART),
    st.text(alphabet="abz09._- -\n\x1b", max_size=12),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=_NAMES)
def test_any_name_is_taken_or_refused_in_one_line_never_quoting_card_data(name: str) -> None:
    """The class: whatever name the admin gives, `acw hub site add` takes it only if it
    follows the naming rule and holds no card data or id; otherwise one line, which
    never quotes card data, and nothing is stored."""
    from acw_tui.core.redaction import redactor_for

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/hub.db"
        assert _run("hub", "init", "--db", url).exit_code == 0
        result = _run("hub", "site", "add", "--db", url, "--", name)
        findings = {
            f.kind for f in redactor_for().redact(name).findings if f.kind not in ("phone", "email")
        }
        stored = (Path(folder) / "hub.db").read_bytes()
        if result.exit_code == 0:
            assert not findings and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name)
        else:
            [line] = result.output.strip().splitlines()
            rule = "card data or a national id" if findings else "is not a name for the hub"
            assert rule in line, line
            with HubStore(url).db.reading() as tx:
                assert tx.one("SELECT count(*) FROM hub_sites") == (0,)
        for digits in re.findall(r"\d[\d .-]{11,}\d", name):
            plain = re.sub(r"\D", "", digits)
            if findings:
                assert plain not in re.sub(r"\D", "", result.output)
                assert plain.encode() not in stored


def test_a_hub_store_that_cannot_be_made_says_why_in_acws_words(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    result = _run("hub", "init", "--db", f"sqlite:///{tmp_path}/afile/sub/hub.db")
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.endswith("cannot open (a part of the path is not a folder)"), line
    assert "Errno" not in line
