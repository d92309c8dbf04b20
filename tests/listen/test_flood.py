"""A flood of 10 000 AMI frames, most of them broken or not ours: one line for each bad
one, nothing crashes, and the store gets exactly the calls that were valid.

ACW_LISTEN_FLOOD sets the number of frames (default 10 000)."""

from __future__ import annotations

import os
from datetime import timedelta

from acw_tui.core.clock import ManualClock
from acw_tui.listen.ami import AmiAdapter
from acw_tui.listen.runner import Outcome
from acw_tui.listen.source import SourceSpec
from acw_tui.service.desk import Desk
from tests.listen.conftest import listener_for, run_until, stop
from tests.listen.simulators import AmiSimulator, agent_complete, ami_frame

FRAMES = int(os.environ.get("ACW_LISTEN_FLOOD", "10000"))


async def test_a_flood_of_mostly_bad_frames(desk: Desk, clock: ManualClock) -> None:
    t0 = clock.now() - timedelta(hours=1)
    frames: list[bytes] = []
    valid: set[str] = set()
    bad = 0
    for i in range(FRAMES):
        at = t0 + timedelta(seconds=i % 3000)
        kind = i % 50
        if kind == 0:
            call = f"1700001000.{i}"
            valid.add(call)
            frames.append(agent_complete(at, call, talk=30 + i % 7))
        elif kind == 1 and valid:
            frames.append(agent_complete(at, f"1700001000.{i - 1}", talk=30))  # duplicate
        elif kind % 5 == 0:
            frames.append(f"garbage line {i}\r\n\r\n".encode())
            bad += 1
        elif kind % 5 == 1:
            frames.append(ami_frame(Event="AgentComplete", Uniqueid=f"9.{i}", Queue="q"))
            bad += 1
        elif kind % 5 == 2:
            frames.append(
                agent_complete(at, f"1700002000.{i}", interface="PJSIP/2002", member="Bo")
            )
        elif kind % 5 == 3:
            frames.append(
                agent_complete(at, f"1700003000.{i}").replace(b"TalkTime: 95", b"TalkTime: -5")
            )
            bad += 1
        else:
            frames.append(ami_frame(Event="Newchannel", Channel=f"PJSIP/x-{i}", Uniqueid=str(i)))
    # Frames are handled in order: once the last valid call is stored, all were seen.
    last = "1700009999.1"
    valid.add(last)
    frames.append(agent_complete(t0, last, talk=1))
    sim = await AmiSimulator(scripts=[frames]).start()
    lines: list[str] = []
    adapter = AmiAdapter(SourceSpec("ami", "127.0.0.1", sim.port, sim.user), sim.secret)
    listener = listener_for(adapter, desk, lines)
    task = await run_until(
        listener, lambda: any(e.call_id == last for e, _ in listener.outcomes), timeout=60
    )
    await stop(task)
    await sim.stop()

    assert {w.call.external_id for w in desk.pending()} == valid
    assert sum(line.startswith("bad input") for line in lines) == bad
    said = [line.rsplit(": ami ", 1)[0] for line in lines]
    assert said.count(Outcome.OPENED.value) == len(valid)
    assert said.count(Outcome.DUPLICATE.value) == len(valid) - 1
    status = desk.listener_status()
    assert status is not None and status.events == len(valid) and status.connected
