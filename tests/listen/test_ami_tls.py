"""`acw listen ami+tls://…`: Asterisk's manager on its TLS port (`tlsbindaddr`, 5039).
The certificate is checked against the host's name and a CA (the machine's, or the one
named in `ca_file`); a certificate not trusted ends the listener in one line and the
login, challenge or secret, is never sent."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner

from acw_tui.core.clock import ManualClock
from acw_tui.listen.ami import AmiAdapter
from acw_tui.listen.runner import Outcome
from acw_tui.listen.setup import plan
from acw_tui.listen.source import ListenError, SourceSpec, parse_source
from acw_tui.service.desk import Desk
from acw_tui.settings.config import ConfigError, load_config
from tests.listen.conftest import listener_for, run_until, stop
from tests.listen.simulators import AmiSimulator, agent_complete, agent_connect


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def served_by(ca: trustme.CA, host: str = "127.0.0.1") -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(host).configure_cert(context)
    return context


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pbx-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    yield path


def adapter(sim: AmiSimulator, ca_file: Path | None) -> AmiAdapter:
    spec = SourceSpec("ami", "127.0.0.1", sim.port, sim.user, tls=True)
    trust = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    return AmiAdapter(spec, sim.secret, tls=trust)


def test_the_source_names_tls_and_its_port() -> None:
    spec = parse_source("ami+tls://acw@pbx.example")
    assert (spec.kind, spec.tls, spec.port, str(spec)) == (
        "ami",
        True,
        5039,
        "ami+tls://acw@pbx.example:5039",
    )
    assert parse_source("ami://acw@pbx.example").port == 5038
    with pytest.raises(ListenError, match=r"ami\+tls://"):
        parse_source("amis://acw@pbx.example")


async def test_a_call_over_tls_opens_its_wrapup(
    desk: Desk, clock: ManualClock, ca, ca_file
) -> None:
    answered = clock.now() - timedelta(minutes=2)
    script = [agent_connect(answered, "1.5"), agent_complete(answered, "1.5")]
    sim = await AmiSimulator(scripts=[script], tls=served_by(ca)).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim, ca_file), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 2)
    await stop(task)
    await sim.stop()
    assert [o for _, o in listener.outcomes] == [Outcome.STARTED, Outcome.OPENED]
    assert [w.call.external_id for w in desk.pending()] == ["1.5"]
    assert any("AMI+TLS 127.0.0.1" in line for line in lines), lines


async def test_a_certificate_not_trusted_ends_the_listener_before_the_login(desk: Desk, ca) -> None:
    """The machine's CAs do not know the phone system's own CA: one line naming what to
    set, no reconnecting, and nothing of the login reaches the server."""
    sim = await AmiSimulator(tls=served_by(ca)).start()
    listener = listener_for(adapter(sim, None), desk, [])
    with pytest.raises(ListenError) as caught:
        await listener.run()
    await sim.stop()
    line = str(caught.value)
    assert "AMI+TLS 127.0.0.1" in line and "not trusted" in line and "ca_file" in line
    assert sim.logins == []  # no challenge, no key, no secret
    assert sim.connections <= 1


async def test_a_certificate_for_another_name_is_refused(desk: Desk, ca, ca_file) -> None:
    sim = await AmiSimulator(tls=served_by(ca, "pbx.example")).start()
    listener = listener_for(adapter(sim, ca_file), desk, [])
    with pytest.raises(ListenError, match="is for another name") as refused:
        await listener.run()
    await sim.stop()
    assert sim.logins == []
    assert "ca_file" not in str(refused.value)  # the CA is trusted: the name is wrong


async def test_tls_to_a_plain_manager_says_so_and_reconnects(desk: Desk, ca_file) -> None:
    """ami+tls:// at the plain port (the manager greets in clear): a line naming TLS,
    then the runner's backoff, as for any connection that fails."""
    sim = await AmiSimulator().start()
    lines: list[str] = []
    listener = listener_for(adapter(sim, ca_file), desk, lines)
    task = await run_until(listener, lambda: sim.connections >= 2)
    await stop(task)
    await sim.stop()
    assert any("TLS failed" in line for line in lines), lines
    assert all(sim.secret not in str(action) for action in sim.logins)


def config_with(tmp_path: Path, listen: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(f'agent_id = "ana"\nsite_id = "s1"\n[listen]\n{listen}\n', encoding="utf-8")
    return load_config(path)


def test_ca_file_is_read_beside_the_config(tmp_path: Path, ca_file: Path, monkeypatch) -> None:
    monkeypatch.setenv("ACW_LISTEN_SECRET", "s3cret")
    config = config_with(
        tmp_path, f'source = "ami+tls://acw@pbx.example"\nca_file = "{ca_file.name}"'
    )
    chosen = plan(config)
    assert chosen.tls is not None and chosen.tls.check_hostname
    assert chosen.tls.get_ca_certs()  # the CA named, beside the config file
    assert plan(config_with(tmp_path, 'source = "ami://acw@pbx.example"')).tls is None


@pytest.mark.parametrize("content", [None, "not a certificate"])
def test_an_unreadable_ca_file_is_one_line(tmp_path: Path, monkeypatch, content) -> None:
    monkeypatch.setenv("ACW_LISTEN_SECRET", "s3cret")
    if content is not None:
        (tmp_path / "ca.pem").write_text(content, encoding="utf-8")
    config = config_with(tmp_path, 'source = "ami+tls://acw@pbx.example"\nca_file = "ca.pem"')
    with pytest.raises(ConfigError, match=r"\[listen\] ca_file: .*ca\.pem cannot be read"):
        plan(config)


def test_the_command_takes_ca_file(acw_home: Path, monkeypatch) -> None:
    from acw_tui.cli import cli

    (acw_home / "config.toml").write_text('agent_id = "ana"\nsite_id = "s1"\n', encoding="utf-8")
    monkeypatch.setenv("ACW_LISTEN_SECRET", "s3cret")
    result = CliRunner().invoke(
        cli,
        ["listen", "ami+tls://acw@127.0.0.1:1", "--ca-file", str(acw_home / "none.pem"), "--check"],
    )
    assert result.exit_code != 0
    assert "--ca-file:" in result.output and "none.pem" in result.output
    assert "Traceback" not in result.output
