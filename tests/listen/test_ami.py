"""`acw listen ami://…` against a loopback Asterisk Manager simulator."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from acw_tui.core.clock import ManualClock
from acw_tui.listen.ami import AmiAdapter
from acw_tui.listen.runner import Outcome
from acw_tui.listen.source import AuthFailed, SourceSpec
from acw_tui.service.desk import Desk
from tests.listen.conftest import listener_for, run_until, stop
from tests.listen.simulators import (
    DROP,
    AmiSimulator,
    agent_complete,
    agent_connect,
    ami_frame,
    hangup,
)


def adapter(sim: AmiSimulator, secret: str | None = None) -> AmiAdapter:
    return AmiAdapter(SourceSpec("ami", "127.0.0.1", sim.port, sim.user), secret or sim.secret)


def wrapups(desk: Desk) -> dict[str, object]:
    return {w.call.external_id: w for w in desk.pending()}


async def test_a_queue_call_answered_and_completed_opens_its_wrapup_with_talk_and_hold(
    desk: Desk, clock: ManualClock
) -> None:
    answered = clock.now() - timedelta(minutes=3)
    ended = answered + timedelta(seconds=95)
    sim = await AmiSimulator(
        scripts=[[agent_connect(answered, "1700000000.11"), agent_complete(ended, "1700000000.11")]]
    ).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 2)
    await stop(task)
    await sim.stop()

    assert [o for _, o in listener.outcomes] == [Outcome.STARTED, Outcome.OPENED]
    (wrapup,) = desk.pending()
    assert wrapup.call.external_id == "1700000000.11"
    assert wrapup.started_at == ended.replace(microsecond=0) or wrapup.started_at == ended
    assert wrapup.call.talk_seconds == 95
    assert wrapup.call.hold_seconds == 12
    assert wrapup.call.queue == "support"
    assert wrapup.call.hung_up_by == "caller"
    assert wrapup.call.source == "ami"
    assert wrapup.call.direction == "inbound"
    # The secret never crosses the network: Asterisk's MD5 challenge, then the key.
    challenge, login = sim.logins
    assert (challenge["Action"], challenge["AuthType"]) == ("Challenge", "MD5")
    assert login["Action"] == "Login" and login["Events"] == "call,agent"
    assert login["AuthType"] == "MD5" and "Secret" not in login
    assert not any(sim.secret in value for action in sim.logins for value in action.values())
    status = desk.listener_status()
    assert status is not None and status.connected and status.events == 2
    assert status.last_event and "wrap-up opened" in status.last_event


async def test_a_transfer_and_another_agents_leg_open_one_wrapup_for_ours(
    desk: Desk, clock: ManualClock
) -> None:
    t0 = clock.now() - timedelta(minutes=10)
    call = "1700000100.5"
    script = [
        agent_connect(t0, call),
        # Ana transfers the caller to Bo's queue: her part ends with Reason: transfer …
        agent_complete(t0 + timedelta(seconds=60), call, talk=60, reason="transfer"),
        hangup(t0 + timedelta(seconds=61), call, uniqueid="1700000100.6"),
        # … and Bo's part of the same call (same Linkedid) is not Ana's to wrap up.
        agent_connect(t0 + timedelta(seconds=70), call, interface="PJSIP/1002", member="Bo"),
        agent_complete(t0 + timedelta(seconds=200), call, interface="PJSIP/1002", member="Bo"),
    ]
    sim = await AmiSimulator(scripts=[script]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 4)
    await stop(task)
    await sim.stop()

    assert [o for _, o in listener.outcomes] == [
        Outcome.STARTED,
        Outcome.OPENED,
        Outcome.OTHER_AGENT,
        Outcome.OTHER_AGENT,
    ]
    (wrapup,) = desk.pending()
    assert wrapup.call.hung_up_by == "transfer" and wrapup.call.talk_seconds == 60
    assert sum("another agent" in line for line in lines) == 2


async def test_a_call_outside_queues_ends_on_hangup_and_duplicates_open_one_wrapup(
    desk: Desk, clock: ManualClock
) -> None:
    t0 = clock.now() - timedelta(minutes=5)
    direct = "1700000200.1"
    queued = "1700000300.1"
    script = [
        hangup(t0, direct),  # a direct call to extension 1001, hung up
        hangup(t0, direct),  # reported twice
        hangup(t0, direct, channel="PJSIP/trunk-0000000a", uniqueid="1700000200.2"),
        agent_connect(t0, queued),
        hangup(t0 + timedelta(seconds=30), queued, uniqueid="1700000300.2"),  # before …
        agent_complete(t0 + timedelta(seconds=30), queued, talk=30),  # … AgentComplete
        agent_complete(t0 + timedelta(seconds=30), queued, talk=30),  # and that twice
    ]
    sim = await AmiSimulator(scripts=[script]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 6)
    await stop(task)
    await sim.stop()

    found = wrapups(desk)
    assert sorted(found) == [direct, queued]
    assert found[queued].call.talk_seconds == 30  # type: ignore[attr-defined]
    assert [o for _, o in listener.outcomes].count(Outcome.DUPLICATE) == 2


async def test_a_connection_dropped_mid_event_reconnects_and_loses_nothing(
    desk: Desk, clock: ManualClock
) -> None:
    t0 = clock.now() - timedelta(minutes=5)
    complete = agent_complete(t0 + timedelta(seconds=40), "1700000400.1", talk=40)
    first = [agent_connect(t0, "1700000400.1"), complete[:90], DROP]
    # Asterisk does not replay; the phone system's own retry (or the next call) does.
    second = [agent_connect(t0, "1700000400.1"), complete]
    sim = await AmiSimulator(scripts=[first, second]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 3)
    await stop(task)
    await sim.stop()

    assert sim.connections == 2
    assert any(
        line.startswith("connection lost: AMI: connection closed in the middle") for line in lines
    )
    assert sum(line.startswith("connected:") for line in lines) == 2
    (wrapup,) = desk.pending()
    assert wrapup.call.talk_seconds == 40
    assert [o for _, o in listener.outcomes] == [
        Outcome.STARTED,
        Outcome.DUPLICATE,  # the answer again, after the reconnect
        Outcome.OPENED,  # the end, cut off by the drop the first time, whole now
    ]


async def test_bad_credentials_end_the_listener_with_one_line_and_no_retry(desk: Desk) -> None:
    sim = await AmiSimulator().start()
    lines: list[str] = []
    listener = listener_for(adapter(sim, secret="wrong-secret"), desk, lines)
    with pytest.raises(AuthFailed) as caught:
        await listener.run()
    await sim.stop()
    assert "login as 'acw' refused (Authentication failed)" in str(caught.value)
    assert "wrong-secret" not in str(caught.value)
    assert sim.connections == 1
    status = desk.listener_status()
    assert status is not None and not status.connected and "refused" in (status.detail or "")


async def test_a_manager_without_a_challenge_is_never_sent_the_secret(desk: Desk) -> None:
    """A manager (or something posing as one) that refuses the MD5 challenge would get
    the secret in clear if acw fell back to a plain login: it ends in one line."""
    sim = await AmiSimulator(challenges=False).start()
    listener = listener_for(adapter(sim), desk, [])
    with pytest.raises(AuthFailed) as caught:
        await listener.run()
    await sim.stop()
    assert "no MD5 challenge given (Must specify AuthType)" in str(caught.value)
    assert [a["Action"] for a in sim.logins] == ["Challenge"]
    assert sim.connections == 1


async def test_malformed_frames_unknown_events_and_missing_fields_are_one_line_each(
    desk: Desk, clock: ManualClock
) -> None:
    t0 = clock.now() - timedelta(minutes=5)
    script = [
        b"this is not a header line\r\n\r\n",
        ami_frame(Event="NewUnknownThing", Foo="bar"),
        ami_frame(Event="AgentComplete", Uniqueid="1.1", Queue="support"),  # no Interface
        agent_complete(t0, "1700000500.1", talk=10).replace(b"TalkTime: 10", b"TalkTime: ten"),
        agent_complete(t0, "1700000500.2", talk=10).replace(
            b"Timestamp: ", b"Timestamp: 99999999999999"
        ),
        agent_complete(t0, "1700000600.1", talk=10),
    ]
    sim = await AmiSimulator(scripts=[script]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(desk.pending()) == 1)
    await stop(task)
    await sim.stop()

    bad = [line for line in lines if line.startswith("bad input")]
    assert len(bad) == 4, bad
    assert "malformed line 'this is not a header line'" in bad[0]
    assert "AMI AgentComplete 1.1: missing Interface" in bad[1]
    assert "TalkTime: 'ten' is not a number of seconds" in bad[2]
    assert [w.call.external_id for w in desk.pending()] == ["1700000600.1"]


async def test_an_event_that_meets_a_locked_store_waits_and_is_stored(
    desk: Desk, clock: ManualClock, fresh_store: object
) -> None:
    t0 = clock.now() - timedelta(minutes=5)
    desk.store.conn.execute("PRAGMA busy_timeout=50")
    other = sqlite3.connect(desk.store.path)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    sim = await AmiSimulator(scripts=[[agent_complete(t0, "1700000700.1", talk=20)]]).start()
    lines: list[str] = []
    listener = listener_for(adapter(sim), desk, lines)
    task = await run_until(listener, lambda: any("store locked" in line for line in lines))
    other.rollback()  # the other program lets go
    other.close()
    async with __import__("asyncio").timeout(10):
        while not listener.outcomes:
            await __import__("asyncio").sleep(0.01)
    await stop(task)
    await sim.stop()
    assert [o for _, o in listener.outcomes] == [Outcome.OPENED]
    assert [w.call.external_id for w in desk.pending()] == ["1700000700.1"]


async def test_the_listener_state_reads_in_the_language_of_whoever_reads_it(
    desk: Desk, clock: ManualClock
) -> None:
    """`acw listen` writes its state in its own language (here English); the screen of
    a Polish agent reads it in Polish: what it connected to, its last event, its error."""
    from acw_tui.i18n import use_language
    from acw_tui.tui.widgets.listener_state import listener_lines

    answered = clock.now() - timedelta(minutes=3)
    sim = await AmiSimulator(
        scripts=[[agent_connect(answered, "1.2"), agent_complete(answered, "1.2")]]
    ).start()
    listener = listener_for(adapter(sim), desk, [])
    listener.bad("AMI: a frame too long")  # any error the listener counts
    task = await run_until(listener, lambda: len(listener.outcomes) == 2)
    await stop(task)
    await sim.stop()
    use_language("pl")
    status = desk.listener_status()
    assert status is not None
    shown = "\n".join(listener_lines(status, clock.now()))
    assert "jako acw" in shown  # "{where} as {user}"
    assert "podsumowanie otwarte" in shown and "wrap-up opened" not in shown

    refused = await AmiSimulator().start()
    use_language("en")
    with pytest.raises(AuthFailed):
        await listener_for(adapter(refused, secret="wrong-secret"), desk, []).run()
    await refused.stop()
    use_language("pl")
    status = desk.listener_status()
    assert status is not None
    shown = "\n".join(listener_lines(status, clock.now()))
    assert "odmowa logowania jako 'acw'" in shown and "refused" not in shown


async def test_a_card_number_the_phone_system_sends_never_reaches_the_listeners_state(
    desk: Desk, clock: ManualClock, acw_home
) -> None:
    """The state's lines are kept as phrases now: each text inside one is redacted
    before it is stored, like the plain lines were (a queue named with a card number, an
    error quoting one)."""
    card = "4111111111111111"
    answered = clock.now() - timedelta(minutes=3)
    script = [
        agent_connect(answered, "1.2", queue=card),
        agent_complete(answered, "1.2", queue=card),
    ]
    sim = await AmiSimulator(scripts=[script]).start()
    listener = listener_for(adapter(sim), desk, [])
    listener.bad(f"AMI: malformed line {card}")
    task = await run_until(listener, lambda: len(listener.outcomes) == 2)
    await stop(task)
    await sim.stop()
    status = desk.listener_status()
    assert status is not None and status.last_event and status.last_error
    assert card not in status.last_event + status.last_error
    assert "queue ****" in status.last_event or "1111" in status.last_event
    desk.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in acw_home.rglob("*"):
        if path.is_file():
            assert card.encode() not in path.read_bytes(), path
