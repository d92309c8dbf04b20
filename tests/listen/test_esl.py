"""`acw listen esl://…` against a loopback FreeSWITCH event-socket simulator."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from acw_tui.core.clock import ManualClock
from acw_tui.listen.esl import EslAdapter
from acw_tui.listen.runner import Outcome
from acw_tui.listen.source import AuthFailed, SourceSpec
from acw_tui.service.desk import Desk
from tests.listen.conftest import listener_for, run_until, stop
from tests.listen.simulators import (
    DROP,
    EslSimulator,
    bridge_agent,
    channel_answer,
    channel_hangup_complete,
    esl_event,
)


def adapter(sim: EslSimulator, password: str | None = None) -> EslAdapter:
    return EslAdapter(SourceSpec("esl", "127.0.0.1", sim.port), password or sim.password)


async def test_a_queue_call_answered_and_hung_up_by_the_caller(
    desk: Desk, clock: ManualClock
) -> None:
    answered = (clock.now() - timedelta(minutes=4)).replace(microsecond=0)
    ended = answered + timedelta(seconds=130)
    uuid = "7f4de4bc-17d7-11dd-b7a0-db4edd065621"
    script = [
        channel_answer(answered, uuid),
        bridge_agent("bridge-agent-start", answered, None, uuid),
        channel_hangup_complete(answered, ended, uuid, hold=20, disposition="send_bye"),
        # mod_callcenter reports the same end again: one wrap-up
        bridge_agent("bridge-agent-end", answered, ended, uuid),
    ]
    sim = await EslSimulator(scripts=[script]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 4)
    await stop(task)
    await sim.stop()

    assert [o for _, o in listener.outcomes] == [
        Outcome.STARTED,
        Outcome.DUPLICATE,
        Outcome.OPENED,
        Outcome.DUPLICATE,
    ]
    (wrapup,) = desk.pending()
    assert wrapup.call.external_id == uuid
    assert wrapup.started_at == ended
    assert wrapup.call.talk_seconds == 130
    assert wrapup.call.hold_seconds == 20
    assert wrapup.call.hung_up_by == "caller"
    assert wrapup.call.queue == "support@default"
    assert sim.logins == [{"command": "auth"}]


async def test_the_hangup_after_bridge_agent_end_adds_hold_and_who_hung_up(
    desk: Desk, clock: ManualClock
) -> None:
    answered = (clock.now() - timedelta(minutes=4)).replace(microsecond=0)
    ended = answered + timedelta(seconds=61)
    uuid = "leg-cc-1"
    script = [
        bridge_agent("bridge-agent-start", answered, None, uuid),
        bridge_agent("bridge-agent-end", answered, ended, uuid),  # as mod_callcenter sends it
        channel_hangup_complete(answered, ended, uuid, hold=17, disposition="recv_bye"),
    ]
    sim = await EslSimulator(scripts=[script]).start()
    listener = listener_for(adapter(sim), desk, [])
    task = await run_until(listener, lambda: len(listener.outcomes) == 3)
    await stop(task)
    await sim.stop()
    assert [o for _, o in listener.outcomes] == [
        Outcome.STARTED,
        Outcome.OPENED,
        Outcome.DUPLICATE,
    ]
    (wrapup,) = desk.pending()
    assert wrapup.started_at == ended  # the first end stands
    call = desk.for_call(uuid)[0].call
    assert (call.talk_seconds, call.hold_seconds, call.hung_up_by) == (61, 17, "agent")


async def test_an_agent_hangup_a_transfer_a_missed_ring_and_another_agent(
    desk: Desk, clock: ManualClock
) -> None:
    t0 = (clock.now() - timedelta(minutes=20)).replace(microsecond=0)
    script = [
        channel_hangup_complete(t0, t0 + timedelta(seconds=50), "leg-a", disposition="recv_bye"),
        channel_hangup_complete(t0, t0 + timedelta(seconds=70), "leg-b", disposition="recv_refer"),
        channel_hangup_complete(t0, t0, "leg-c", answered_at_all=False),  # rang, not answered
        channel_hangup_complete(t0, t0 + timedelta(seconds=10), "leg-d", agent="1002"),
    ]
    sim = await EslSimulator(scripts=[script]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 3)
    await stop(task)
    await sim.stop()

    found = {w.call.external_id: w.call for w in desk.pending()}
    assert sorted(found) == ["leg-a", "leg-b"]
    assert found["leg-a"].hung_up_by == "agent"
    assert found["leg-b"].hung_up_by == "transfer"
    assert listener.outcomes[-1][1] is Outcome.OTHER_AGENT


async def test_a_connection_dropped_mid_event_reconnects(desk: Desk, clock: ManualClock) -> None:
    t0 = (clock.now() - timedelta(minutes=5)).replace(microsecond=0)
    end = channel_hangup_complete(t0, t0 + timedelta(seconds=30), "leg-x")
    sim = await EslSimulator(scripts=[[end[:120], DROP], [end]]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 1)
    await stop(task)
    await sim.stop()
    assert sim.connections == 2
    assert any("connection closed in the middle of a message" in line for line in lines)
    assert [o for _, o in listener.outcomes] == [Outcome.OPENED]


async def test_a_wrong_password_ends_the_listener(desk: Desk) -> None:
    sim = await EslSimulator().start()
    listener = listener_for(adapter(sim, "ClueCon"), desk, [])
    with pytest.raises(AuthFailed, match=r"password refused \(-ERR invalid\)"):
        await listener.run()
    await sim.stop()
    assert sim.connections == 1


async def test_unknown_events_and_missing_fields_are_one_line_each(
    desk: Desk, clock: ManualClock
) -> None:
    t0 = (clock.now() - timedelta(minutes=5)).replace(microsecond=0)
    script = [
        esl_event(**{"Event-Name": "HEARTBEAT", "Up-Time": "0 years"}),
        esl_event(**{"Event-Name": "CHANNEL_HANGUP_COMPLETE"}),  # no Unique-ID
        b"Content-Length: 23\nContent-Type: text/event-plain\n\nno colon on this line\n\n",
        bridge_agent("bridge-agent-end", t0, t0 + timedelta(seconds=9), "leg-ok"),
    ]
    sim = await EslSimulator(scripts=[script]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(desk.pending()) == 1)
    await stop(task)
    await sim.stop()
    bad = [line for line in lines if line.startswith("bad input")]
    assert len(bad) == 3, bad
    assert "unexpected event 'HEARTBEAT'" in bad[0]
    assert "missing Unique-ID" in bad[1]
    assert "malformed line 'no colon on this line'" in bad[2]
    (wrapup,) = desk.pending()
    assert wrapup.call.talk_seconds == 9


@pytest.mark.parametrize("length", ["²", "١٢", "-1", "1e3", " 12"])
async def test_an_unusable_content_length_is_a_lost_connection_not_a_crash(length: str) -> None:
    # "²".isdigit() holds but int("²") raises: only ASCII digits make a length.
    from acw_tui.listen.esl import read_message
    from acw_tui.listen.source import ConnectionLost

    reader = asyncio.StreamReader()
    reader.feed_data(f"Content-Type: auth/request\nContent-Length: {length}\n\n".encode())
    reader.feed_eof()
    with pytest.raises(ConnectionLost, match="unusable Content-Length"):
        await read_message(reader, "esl://pbx:8021")
