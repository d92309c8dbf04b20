"""The real program in a real terminal (tmux) with `acw listen` against the AMI
simulator: a replayed `AgentComplete` opens the wrap-up on screen within a second, with
talk and hold time filled in."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.test_terminal import ACW, Terminal
from tests.listen.simulators import AmiSimulator, agent_complete, agent_connect

pytestmark = pytest.mark.e2e


class SimulatorThread:
    """The AMI simulator on its own event loop, fed from the (synchronous) test."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.sim: AmiSimulator | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self.sim = await AmiSimulator().start()  # type: ignore[assignment]
            self.ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    def __enter__(self) -> AmiSimulator:
        self.thread.start()
        assert self.ready.wait(10)
        assert self.sim is not None
        return self.sim

    def send(self, frame: bytes) -> None:
        assert self.sim is not None
        self.loop.call_soon_threadsafe(self.sim.live.put_nowait, frame)

    def __exit__(self, *_: object) -> None:
        assert self.sim is not None
        asyncio.run_coroutine_threadsafe(self.sim.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def terminal(acw_home: Path) -> Iterator[Terminal]:
    env = {**os.environ, "ACW_HOME": str(acw_home), "ACW_AGENT": "ana", "ACW_SITE": "site-1"}
    term = Terminal(f"acw-listen-{os.getpid()}", env, acw_home.parent / "tmux.conf")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)


def test_a_replayed_agent_complete_opens_the_wrapup_within_a_second(
    terminal: Terminal,
) -> None:
    simulator = SimulatorThread()
    with simulator as sim:
        terminal.start("agent")
        terminal.wait_for("agent", "Ready")
        listen = subprocess.Popen(
            [ACW, "listen", f"ami://{sim.user}@127.0.0.1:{sim.port}", "--agent", "PJSIP/1001=ana"],
            env={**terminal.env, "ACW_LISTEN_SECRET": sim.secret},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            terminal.wait_for("agent", "Phone system connected to AMI 127.0.0.1", seconds=15)
            now = datetime.now(UTC)
            simulator.send(agent_connect(now, "1900000000.7"))
            terminal.wait_for("agent", "last event", seconds=5)
            simulator.send(agent_complete(datetime.now(UTC), "1900000000.7", talk=95, hold=12))
            started = time.monotonic()
            shown = terminal.wait_for("agent", "ACW · call 1900000000.7", seconds=5)
            assert time.monotonic() - started < 1.5  # within a second (+ tmux polling)
            shown = terminal.wait_for("agent", "Hold")
            assert "Talk     1:35" in shown and "Hold     0:12" in shown
            assert "Queue    support" in shown
            assert "Traceback" not in shown
        finally:
            listen.send_signal(signal.SIGINT)
            _, err = listen.communicate(timeout=15)
    assert listen.returncode == 0, err
    assert "wrap-up opened: ami ended call 1900000000.7" in err
    assert sim.secret not in err
