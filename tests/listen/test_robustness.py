"""The listener goes on whatever the phone system (or a webhook client) does: unusable
numbers and times, a manager that never answers, a client that leaves mid-body, a bug
in the handling of one event. One line per problem, and no call after it lost."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.core.clock import ManualClock
from acw_tui.listen import ami, esl
from acw_tui.listen.ami import AmiAdapter
from acw_tui.listen.background import BackgroundListener
from acw_tui.listen.esl import EslAdapter
from acw_tui.listen.event import CallEvent, Phase
from acw_tui.listen.runner import Backoff, Listener, Outcome
from acw_tui.listen.setup import HideSecret, ListenPlan
from acw_tui.listen.source import ConnectionLost, ListenError, Sink, SourceSpec, parse_source
from acw_tui.listen.webhook import WebhookAdapter, threecx_event
from acw_tui.service.desk import Desk
from acw_tui.settings.config import Config
from acw_tui.store import open_store
from tests.listen.conftest import ROUTING, listener_for, run_until, stop
from tests.listen.simulators import DROP, AmiSimulator, agent_complete, ami_frame

SECRET = "whsec-0123456789abcdef"


def ami_adapter(sim: AmiSimulator) -> AmiAdapter:
    return AmiAdapter(SourceSpec("ami", "127.0.0.1", sim.port, sim.user), sim.secret)


# -- 1: a value out of range is one bad event, never the end of the listener -----------


async def test_an_ami_timestamp_near_year_one_is_one_bad_event_and_the_next_call_is_stored(
    desk: Desk, clock: ManualClock
) -> None:
    ended = clock.now() - timedelta(minutes=1)
    overflow = ami_frame(
        Event="AgentComplete",
        Linkedid="ovf.1",
        Uniqueid="ovf.1",
        Interface="PJSIP/1001",
        Queue="support",
        TalkTime="86400",
        Timestamp="-62135596700",
    )
    sim = await AmiSimulator(scripts=[[overflow, agent_complete(ended, "ok.1")]]).start()
    lines: list[str] = []
    listener = listener_for(ami_adapter(sim), desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 1)
    await stop(task)
    await sim.stop()
    assert [w.call.external_id for w in desk.pending()] == ["ok.1"]
    bad = [line for line in lines if "bad input" in line]
    assert len(bad) == 1 and "ovf.1" in bad[0], lines


class Flaky:
    """An adapter whose first session fails with a bug, the next ones deliver a call."""

    name = "flaky"

    def __init__(self, event: CallEvent) -> None:
        self.sessions = 0
        self.event = event

    async def run(self, sink: Sink) -> None:
        self.sessions += 1
        await sink.connected("flaky")
        if self.sessions == 1:
            raise OverflowError("date value out of range")
        await sink.event(self.event)
        await asyncio.sleep(3600)


def ended_event(clock: ManualClock, call_id: str = "f.1", **changes: object) -> CallEvent:
    fields: dict[str, object] = {
        "source": "webhook",
        "event_id": "e1",
        "call_id": call_id,
        "phase": Phase.ENDED,
        "agent_names": ("1001",),
        "ended_at": clock.now() - timedelta(minutes=1),
        "talk_seconds": 30.0,
    }
    fields.update(changes)
    return CallEvent(**fields)  # type: ignore[arg-type]


async def test_a_bug_in_a_session_is_one_line_in_the_state_and_the_listener_goes_on(
    desk: Desk, clock: ManualClock
) -> None:
    adapter = Flaky(ended_event(clock))
    lines: list[str] = []
    listener = listener_for(adapter, desk, lines)
    seen_errors: list[int] = []
    task = await run_until(listener, lambda: len(listener.outcomes) == 1)
    seen_errors.append(listener.status.errors)
    await stop(task)
    assert [w.call.external_id for w in desk.pending()] == ["f.1"]
    assert seen_errors == [1]
    status = desk.listener_status()
    assert status is not None and status.last_error and "OverflowError" in status.last_error
    assert sum("OverflowError" in line for line in lines) == 1, lines


def test_the_screen_listener_that_cannot_start_says_why_in_the_store(
    desk: Desk, acw_home: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> Listener:
        raise OverflowError("date value out of range")

    monkeypatch.setattr("acw_tui.listen.background.build_listener", broken)
    chosen = ListenPlan(SourceSpec("ami", "127.0.0.1", 1, "acw"), "s3cret-ami", ROUTING, "")
    own = Desk(open_store(acw_home / "acw.db"), config)  # the thread's own, closed by it
    background = BackgroundListener(chosen, own).start()
    background.stop()
    status = desk.listener_status()
    assert status is not None and not status.connected and status.errors == 1
    assert status.detail and "OverflowError" in status.detail


# -- 2: every wait on the phone system's answer is bounded ------------------------------


async def _greets_then_hangs(greeting: bytes) -> tuple[asyncio.Server, int]:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(greeting)
        await writer.drain()
        try:
            await reader.read()  # reads what is sent, answers nothing
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, int(server.sockets[0].getsockname()[1])


@pytest.mark.parametrize("system", ["ami", "esl"])
async def test_a_phone_system_that_never_answers_the_login_is_a_lost_connection(
    system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ami, "CONNECT_TIMEOUT", 0.3)
    monkeypatch.setattr(esl, "CONNECT_TIMEOUT", 0.3)
    greeting = (
        b"Asterisk Call Manager/7.0.3\r\n" if system == "ami" else b"Content-Type: auth/request\n\n"
    )
    server, port = await _greets_then_hangs(greeting)
    adapter: AmiAdapter | EslAdapter = (
        AmiAdapter(SourceSpec("ami", "127.0.0.1", port, "acw"), "s3cret-ami")
        if system == "ami"
        else EslAdapter(SourceSpec("esl", "127.0.0.1", port), "pw-pw-pw-pw")
    )
    listener = Listener(adapter, ROUTING, None, source="t", say=lambda _: None)
    async with asyncio.timeout(5):
        with pytest.raises(ConnectionLost, match="no answer"):
            await adapter.run(listener)
    server.close()
    await server.wait_closed()


# -- 3, 4, 6, 8: the webhook ------------------------------------------------------------


async def _webhook(desk: Desk | None) -> tuple[Listener, list[str], str, asyncio.Task[None]]:
    adapter = WebhookAdapter(SourceSpec("http", "127.0.0.1", 0), SECRET)
    lines: list[str] = []
    listener = listener_for(adapter, desk, lines)
    task = await run_until(listener, listener.connected_once.is_set)
    return listener, lines, f"http://127.0.0.1:{adapter.port}", task


async def test_a_client_gone_mid_body_is_no_traceback_and_the_next_request_is_served(
    desk: Desk, clock: ManualClock, capfd: pytest.CaptureFixture[str]
) -> None:
    _listener, lines, base, task = await _webhook(desk)
    port = int(base.rsplit(":", 1)[1])
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        await asyncio.sleep(0.1)
        sock.close()
    await asyncio.sleep(0.2)
    body = {"event_id": "e", "call_id": "after", "phase": "ended", "agent": "1001",
            "ended_at": (clock.now() - timedelta(minutes=1)).isoformat()}  # fmt: skip
    async with httpx.AsyncClient(timeout=10) as client:
        reply = await client.post(
            f"{base}/events", json=body, headers={"Authorization": f"Bearer {SECRET}"}
        )
    await stop(task)
    out, err = capfd.readouterr()
    assert reply.status_code == 200
    assert "Traceback" not in out + err and "ClientDisconnect" not in out + err, err
    assert len(lines) == 2, lines  # connected, and the one wrap-up: none for a client gone


async def _post(base: str, path: str, body: dict[str, object]) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(
            f"{base}{path}", json=body, headers={"Authorization": f"Bearer {SECRET}"}
        )


async def test_a_3cx_duration_with_a_huge_hour_field_is_a_400(
    desk: Desk, clock: ManualClock
) -> None:
    _listener, _lines, base, task = await _webhook(desk)
    ended = clock.now() - timedelta(minutes=1)
    reply = await _post(
        base,
        "/3cx",
        {"call_type": "Inbound", "agent": "1001", "started_at": ended.isoformat(),
         "ended_at": ended.isoformat(), "duration": "9" * 5000 + ":00:00"},
    )  # fmt: skip
    await stop(task)
    assert reply.status_code == 400 and "duration" in reply.json()["error"]


def test_a_3cx_duration_with_a_huge_hour_field_is_a_bad_event(clock: ManualClock) -> None:
    from acw_tui.listen.event import BadEvent

    ended = (clock.now() - timedelta(minutes=1)).isoformat()
    data = {"call_type": "Inbound", "agent": "1001", "started_at": ended, "ended_at": ended,
            "duration": "9" * 5000 + ":00:00"}  # fmt: skip
    with pytest.raises(BadEvent, match="duration"):
        threecx_event(data)


async def test_during_a_check_the_webhook_asks_the_platform_to_send_again(
    clock: ManualClock,
) -> None:
    _listener, lines, base, task = await _webhook(None)
    body = {"event_id": "e", "call_id": "c", "phase": "ended", "agent": "1001",
            "ended_at": (clock.now() - timedelta(minutes=1)).isoformat()}  # fmt: skip
    reply = await _post(base, "/events", body)
    await stop(task)
    assert reply.status_code == 503 and reply.headers["retry-after"].isdigit()
    assert any("would record" in line for line in lines), lines


async def test_an_unusable_value_is_a_400_whose_line_names_the_door_and_the_peer(
    desk: Desk, clock: ManualClock
) -> None:
    _listener, lines, base, task = await _webhook(desk)
    body = {"event_id": "h1", "call_id": "x" * 201, "phase": "ended", "agent": "1001",
            "ended_at": (clock.now() - timedelta(minutes=1)).isoformat()}  # fmt: skip
    reply = await _post(base, "/events", body)
    old = {**body, "call_id": "old", "ended_at": (clock.now() - timedelta(days=30)).isoformat()}
    refused = await _post(base, "/events", old)
    await stop(task)
    assert reply.status_code == 400 and "call id" in reply.json()["error"]
    assert refused.status_code == 400, refused.text
    bad = [line for line in lines if "bad input" in line]
    assert len(bad) == 2 and all("POST /events from 127.0.0.1" in line for line in bad), lines


# -- 5: a talk time and a start time from the answer -------------------------------------


async def test_an_end_with_its_answer_but_no_talk_time_stores_both(
    desk: Desk, clock: ManualClock
) -> None:
    _listener, _lines, base, task = await _webhook(desk)
    ended = clock.now() - timedelta(minutes=1)
    answered = ended - timedelta(seconds=184)
    body = {"event_id": "e", "call_id": "talk.1", "phase": "ended", "agent": "1001",
            "answered_at": answered.isoformat(), "ended_at": ended.isoformat()}  # fmt: skip
    reply = await _post(base, "/events", body)
    await stop(task)
    assert reply.status_code == 200, reply.text
    (wrapup,) = desk.pending()
    assert wrapup.call.talk_seconds == 184
    assert wrapup.call.started_at == answered


async def test_an_agent_complete_alone_stores_when_the_call_was_answered(
    desk: Desk, clock: ManualClock
) -> None:
    ended = clock.now() - timedelta(minutes=1)
    sim = await AmiSimulator(scripts=[[agent_complete(ended, "1.9", talk=95)]]).start()
    listener = listener_for(ami_adapter(sim), desk, [])
    task = await run_until(listener, lambda: len(listener.outcomes) == 1)
    await stop(task)
    await sim.stop()
    (wrapup,) = desk.pending()
    assert wrapup.call.talk_seconds == 95
    assert wrapup.call.started_at is not None
    assert abs((wrapup.call.started_at - (ended - timedelta(seconds=95))).total_seconds()) < 1


async def test_an_answer_after_the_end_keeps_the_end_and_invents_no_talk_time(
    desk: Desk, clock: ManualClock
) -> None:
    ended = clock.now() - timedelta(minutes=2)
    event = ended_event(
        clock, "late.1", ended_at=ended, answered_at=ended + timedelta(seconds=5), talk_seconds=None
    )
    listener = listener_for(Flaky(event), desk, [])
    assert await listener.event(event) is None
    (wrapup,) = desk.pending()
    assert wrapup.call.talk_seconds is None


# -- 7: the secret is kept out of messages, not masked out of ordinary text --------------


def _filtered(secret: str, message: str) -> str:
    record = logging.LogRecord("acw.listen", logging.INFO, "", 0, message, None, None)
    HideSecret(secret).filter(record)
    return record.getMessage()


@pytest.mark.parametrize("secret", ["s", "k", "acw", "on", "1"])
def test_a_short_secret_does_not_rewrite_ordinary_text(secret: str) -> None:
    for message in ("connected: AMI 127.0.0.1:15200 as acw", "connected: webhook on http://x:1",
                    "connection lost: x; reconnecting in 1.0 s"):  # fmt: skip
        assert _filtered(secret, message) == message


def test_a_long_secret_is_masked_wherever_it_is_quoted() -> None:
    assert _filtered("s3cret-ami-long", "reply: bad key s3cret-ami-long") == "reply: bad key ****"


async def test_a_manager_that_echoes_the_secret_never_gets_it_into_the_line() -> None:
    sim = await AmiSimulator(secret="k").start()

    async def refuse_echoing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"Asterisk Call Manager/6.0.0\r\n")
        await reader.readuntil(b"\r\n\r\n")
        writer.write(ami_frame(Response="Error", ActionID="acw-challenge", Message="bad key k"))
        await writer.drain()
        return False

    sim.handshake = refuse_echoing  # type: ignore[method-assign]
    adapter = AmiAdapter(SourceSpec("ami", "127.0.0.1", sim.port, "acw"), "k")
    listener = Listener(adapter, ROUTING, None, source="t", say=lambda _: None)
    with pytest.raises(ListenError) as caught:
        await adapter.run(listener)
    await sim.stop()
    assert "bad key k" not in str(caught.value) and "acw" in str(caught.value)


# -- 9: the small ones ------------------------------------------------------------------


@pytest.mark.parametrize("wait", ["nan", "inf", "-1"])
def test_check_wait_must_be_a_number_of_seconds(acw_home: Path, wait: str) -> None:
    result = CliRunner(env={"ACW_LISTEN_SECRET": "s3cret-ami"}).invoke(
        cli, ["listen", "ami://acw@127.0.0.1:1", "--check", "--wait", wait]
    )
    assert result.exit_code == 2 and "--wait" in result.stderr


@pytest.mark.parametrize("user", ["a%0Ab", "a%0Db", "a%00b", "a%09b"])
def test_a_user_name_with_a_control_character_is_refused_up_front(user: str) -> None:
    with pytest.raises(ListenError, match="user"):
        parse_source(f"ami://{user}@127.0.0.1")


async def test_a_manager_that_drops_after_each_login_is_reconnected_ever_more_slowly(
    desk: Desk,
) -> None:
    sim = await AmiSimulator(scripts=[[DROP]]).start()
    lines: list[str] = []
    listener = Listener(
        ami_adapter(sim), ROUTING, desk, source="t", say=lines.append,
        backoff=Backoff(first=0.005, longest=10.0),
    )  # fmt: skip
    task = await run_until(listener, lambda: sim.connections >= 6)
    await stop(task)
    await sim.stop()
    assert listener.backoff.failures >= 5


async def test_a_connection_that_delivered_an_event_starts_the_backoff_again(
    desk: Desk, clock: ManualClock
) -> None:
    ended = clock.now() - timedelta(minutes=1)
    sim = await AmiSimulator(scripts=[[DROP], [DROP], [agent_complete(ended, "2.1"), DROP]]).start()
    listener = Listener(
        ami_adapter(sim), ROUTING, desk, source="t", say=lambda _: None,
        backoff=Backoff(first=0.005, longest=10.0),
    )  # fmt: skip
    task = await run_until(listener, lambda: sim.connections >= 4)
    await stop(task)
    await sim.stop()
    assert listener.outcomes[0][1] is Outcome.OPENED  # (the last script repeats: duplicates)
    assert listener.backoff.failures <= 2


class SwallowsOneCancel:
    """An adapter whose wait loses the cancellation that stops the listener, as Python
    3.11's `asyncio.wait_for` does when the call it waits for completes just then."""

    name = "swallowing"

    def __init__(self) -> None:
        self.connections = 0

    async def run(self, sink: Sink) -> None:
        self.connections += 1
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(30)
        raise ConnectionLost("the connection ended")


async def test_a_listener_stopped_while_a_wait_loses_the_cancellation_still_stops(
    desk,
) -> None:
    """It went on reconnecting for ever after `stop` (a 120 s test time-out in CI)."""
    adapter = SwallowsOneCancel()
    listener = Listener(
        adapter, ROUTING, desk, source="t", say=lambda _: None,
        backoff=Backoff(first=0.005, longest=0.01),
    )  # fmt: skip
    task = await run_until(listener, lambda: adapter.connections >= 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(asyncio.shield(task), 2)
    assert task.cancelled() and adapter.connections == 1


# -- the store's file replaced under a running listener -----------------------------------


class TwoCalls:
    """An adapter that reports one ended call, then a second once `go` is set."""

    name = "two"

    def __init__(self, first: CallEvent, second: CallEvent) -> None:
        self.first, self.second = first, second
        self.go = asyncio.Event()

    async def run(self, sink: Sink) -> None:
        await sink.connected("two")
        await sink.event(self.first)
        await self.go.wait()
        await sink.event(self.second)
        await asyncio.sleep(3600)


async def test_a_listener_whose_store_file_was_replaced_writes_to_the_file_now_there(
    desk: Desk, clock: ManualClock, acw_home: Path
) -> None:
    """SQLite would go on writing into the old file, where neither the screen nor the
    next start finds the call. A listener has nobody typing into it: it opens the file
    at the store's path again, as a restart would, and says so."""
    adapter = TwoCalls(ended_event(clock, "before.1"), ended_event(clock, "after.1", event_id="e2"))
    lines: list[str] = []
    listener = listener_for(adapter, desk, lines)
    task = await run_until(listener, lambda: len(listener.outcomes) == 1)
    path = desk.store.path
    (acw_home / "old").mkdir()
    for found in acw_home.glob("acw.db*"):
        found.rename(acw_home / "old" / found.name)
    Desk(open_store(path), desk.config, clock).close()  # a new store made at the path
    adapter.go.set()
    async with asyncio.timeout(10):
        while len(listener.outcomes) < 2:
            await asyncio.sleep(0.01)
    await stop(task)

    assert [o for _event, o in listener.outcomes] == [Outcome.OPENED, Outcome.OPENED]
    now_there = Desk(open_store(path), desk.config, clock)
    assert [w.call.external_id for w in now_there.pending()] == ["after.1"]
    assert any("was moved, replaced or deleted" in line for line in lines), lines
    assert listener.desk is not desk
    listener.desk.close()
    now_there.close()
