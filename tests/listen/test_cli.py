"""`acw listen` as a user runs it: one line for every mistake, `--check`, and a real
run against the AMI simulator that a Ctrl-C ends cleanly. The secret is never printed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.service.desk import Desk
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from tests.listen.simulators import AmiSimulator, agent_complete, agent_connect

SECRET = "s3cret-ami"


def run(*args: str, secret: str | None = SECRET) -> tuple[int, str, str]:
    env = {"ACW_LISTEN_SECRET": secret} if secret is not None else {}
    result = CliRunner(env=env).invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def home(acw_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ACW_LISTEN_SECRET", raising=False)
    (acw_home / "config.toml").write_text('agent_id = "ana"\nsite_id = "s1"\n', encoding="utf-8")
    return acw_home


@pytest.mark.parametrize(
    ("args", "secret", "message"),
    [
        ((), SECRET, "no phone system named: pass SOURCE"),
        (("ami://acw@127.0.0.1:1",), None, "needs a secret: set ACW_LISTEN_SECRET"),
        (("ami://acw@127.0.0.1:1",), "two\nlines", "ACW_LISTEN_SECRET: must be one line"),
        (("ami://acw@127.0.0.1:1", "--agent", "1001"), SECRET, "--agent: '1001' is not NAME=VALUE"),
        (("ami://acw@127.0.0.1:1", "--queue", "=x"), SECRET, "--queue: '=x' is not NAME=VALUE"),
        (("telnet://pbx",), SECRET, "SOURCE: 'telnet://pbx': use ami://"),
        (("http://10.1.2.3:8080",), SECRET, "loopback only"),
        (("ami://acw@127.0.0.1:1", "--check"), SECRET, "cannot connect"),
    ],
)
def test_mistakes_are_one_line(args: tuple[str, ...], secret: str | None, message: str) -> None:
    code, out, err = run("listen", *args, secret=secret)
    assert code != 0
    assert err.count("\n") == 1 and message in err, err
    assert SECRET not in out + err


def test_the_config_section_names_the_source_and_maps(home: Path) -> None:
    (home / "config.toml").write_text(
        'agent_id = "ana"\n[listen]\nsource = "esl://127.0.0.1:1"\n[listen.agents]\n"1001" = 5\n',
        encoding="utf-8",
    )
    code, _, err = run("listen", "--check")
    assert code == 1 and "listen.agents.1001: expected text, got 5" in err
    (home / "config.toml").write_text(
        'agent_id = "ana"\n[listen]\nsource = "ftp://x"\n', encoding="utf-8"
    )
    code, _, err = run("listen", "--check")
    assert code == 1 and "[listen] source: 'ftp://x'" in err


async def cli_process(*args: str, secret: str = SECRET) -> asyncio.subprocess.Process:
    env = {**os.environ, "ACW_LISTEN_SECRET": secret}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "acw_tui", "listen", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip


async def test_check_says_what_it_would_do_and_stores_nothing(home: Path) -> None:
    now = datetime.now(UTC)
    sim = await AmiSimulator(
        scripts=[
            [
                agent_connect(now - timedelta(seconds=80), "1800000000.1"),
                agent_complete(now - timedelta(seconds=5), "1800000000.1", talk=75),
                agent_complete(now, "1800000000.2", interface="PJSIP/2002", member="Bo"),
            ]
        ]
    ).start()
    proc = await cli_process(
        f"ami://acw@127.0.0.1:{sim.port}", "--agent", "PJSIP/1001=ana", "--check", "--wait", "1"
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    await sim.stop()
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    assert f"connected: AMI 127.0.0.1:{sim.port} as acw" in text
    assert "would record (call started): ami answered call 1800000000.1" in text
    assert "would record (wrap-up opened): ami ended call 1800000000.1, agent PJSIP/1001" in text
    assert "talk 75s, hold 12s" in text
    assert "ignored: another agent's call: ami ended call 1800000000.2" in text
    assert "check done: 3 event(s) in 1 s; nothing was stored" in text
    assert SECRET not in text + err.decode()
    store = open_store(home / "acw.db")
    assert Desk(store, load_config(home / "config.toml")).pending() == []


async def test_check_with_a_wrong_secret_fails_in_one_line() -> None:
    sim = await AmiSimulator().start()
    proc = await cli_process(f"ami://acw@127.0.0.1:{sim.port}", "--check", secret="nope-nope")
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    await sim.stop()
    assert proc.returncode == 1
    assert err.decode() == (
        f"Error: AMI 127.0.0.1:{sim.port}: login as 'acw' refused (Authentication failed)\n"
    )
    assert b"nope-nope" not in out + err


async def test_listen_opens_the_wrapup_logs_without_secrets_and_stops_on_ctrl_c(home: Path) -> None:
    now = datetime.now(UTC)
    sim = await AmiSimulator(
        scripts=[[agent_complete(now - timedelta(seconds=2), "1800000100.1", talk=61, hold=7)]]
    ).start()
    proc = await cli_process(f"ami://acw@127.0.0.1:{sim.port}", "--agent", "PJSIP/1001=ana")
    assert proc.stderr is not None
    seen: list[str] = []
    async with asyncio.timeout(30):
        while not any("wrap-up opened" in line for line in seen):
            seen.append((await proc.stderr.readline()).decode())
    proc.send_signal(signal.SIGINT)
    rest = await asyncio.wait_for(proc.stderr.read(), 30)
    await proc.wait()
    await sim.stop()
    log = "".join(seen) + rest.decode()
    assert proc.returncode == 0, log
    assert "acw listen: connected: AMI" in log and "acw listen: stopped" in log
    assert "Traceback" not in log and SECRET not in log
    desk = Desk(open_store(home / "acw.db"), load_config(home / "config.toml"))
    (wrapup,) = desk.pending()
    assert (wrapup.call.talk_seconds, wrapup.call.hold_seconds) == (61, 7)
    status = desk.listener_status()
    assert status is not None and not status.connected and status.detail == "stopped"
    assert status.source == f"ami://acw@127.0.0.1:{sim.port}"
