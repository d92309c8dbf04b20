"""`acw listen http://127.0.0.1:PORT`: acw's JSON event, Twilio TaskRouter's signed event
callbacks and a 3CX CRM template's call journal, over real HTTP on loopback."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import httpx
import pytest

from acw_tui.core.clock import ManualClock
from acw_tui.listen.runner import Listener, Outcome
from acw_tui.listen.source import ListenError, SourceSpec
from acw_tui.listen.webhook import WebhookAdapter, body_signature, twilio_signature
from acw_tui.service.desk import Desk
from tests.listen.conftest import listener_for, run_until, stop

SECRET = "whsec-0123456789abcdef"


@dataclass
class Hook:
    listener: Listener
    lines: list[str]
    base: str
    client: httpx.AsyncClient


@pytest.fixture
async def hook(desk: Desk) -> AsyncIterator[Hook]:
    adapter = WebhookAdapter(SourceSpec("http", "127.0.0.1", 0), SECRET)
    lines: list[str] = []
    listener = listener_for(adapter, desk, lines)
    task = await run_until(listener, listener.connected_once.is_set)
    async with httpx.AsyncClient(timeout=10) as client:
        yield Hook(listener, lines, f"http://127.0.0.1:{adapter.port}", client)
    await stop(task)


def acw_json(clock: ManualClock, **changes: object) -> dict[str, object]:
    ended = clock.now() - timedelta(minutes=1)
    event: dict[str, object] = {
        "event_id": "evt-1",
        "call_id": "cti-42",
        "phase": "ended",
        "agent": "1001",
        "queue": "billing",
        "direction": "inbound",
        "ended_at": ended.isoformat(),
        "talk_seconds": 184,
        "hold_seconds": 31,
        "hung_up_by": "agent",
    }
    event.update(changes)
    return event


async def test_acw_json_with_a_bearer_secret_or_a_signature_opens_one_wrapup(
    hook: Hook, desk: Desk, clock: ManualClock
) -> None:
    body = json.dumps(acw_json(clock)).encode()
    first = await hook.client.post(
        f"{hook.base}/events", content=body, headers={"Authorization": f"Bearer {SECRET}"}
    )
    again = await hook.client.post(
        f"{hook.base}/events",
        content=body,
        headers={"X-Acw-Signature": body_signature(SECRET, body)},
    )
    assert first.status_code == 200 and first.json() == {"result": "accepted", "call_id": "cti-42"}
    assert again.status_code == 200
    assert [o for _, o in hook.listener.outcomes] == [Outcome.OPENED, Outcome.DUPLICATE]
    (wrapup,) = desk.pending()
    assert (wrapup.call.talk_seconds, wrapup.call.hold_seconds) == (184, 31)
    assert wrapup.call.queue == "billing" and wrapup.call.source == "webhook"


async def test_unauthenticated_requests_get_401_and_a_log_line_without_the_secret(
    hook: Hook, desk: Desk, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps(acw_json(clock)).encode()
    attempts = [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {SECRET}"},
        {"X-Acw-Signature": body_signature("wrong", body)},
    ]
    with caplog.at_level(logging.DEBUG):
        for headers in attempts:
            response = await hook.client.post(f"{hook.base}/events", content=body, headers=headers)
            assert response.status_code == 401
        twilio = await hook.client.post(f"{hook.base}/twilio/taskrouter", data={"EventType": "x"})
        threecx = await hook.client.post(f"{hook.base}/3cx", json={"call_type": "Inbound"})
    assert twilio.status_code == 401 and threecx.status_code == 401
    # 401 as a word: the listener's port, named in its "connected" line, may hold it.
    refused = [
        line
        for line in hook.lines
        if re.search(r"\b401\b", line)
        or "not authenticated" in line
        or "X-Twilio-Signature" in line
    ]
    assert len(refused) == 6
    assert all("from 127.0.0.1" in line for line in refused)
    assert not any(SECRET in line for line in hook.lines)
    assert SECRET not in caplog.text
    assert desk.pending() == []


async def test_bad_requests_are_400_with_the_reason(
    hook: Hook, desk: Desk, clock: ManualClock
) -> None:
    auth = {"Authorization": f"Bearer {SECRET}"}
    cases = [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"talk_seconds": ' + b"1" * 5000 + b"}", "not JSON"),  # past int's digit limit
        (json.dumps(acw_json(clock, call_id=None)).encode(), "missing call_id"),
        (json.dumps(acw_json(clock, phase="ringing")).encode(), "phase must be one of"),
        (json.dumps(acw_json(clock, talk_seconds="lots")).encode(), "talk_seconds"),
        (json.dumps(acw_json(clock, ended_at="yesterday")).encode(), "not an ISO-8601 time"),
        (json.dumps(acw_json(clock, ended_at=None)).encode(), "needs its end time"),
    ]
    for body, reason in cases:
        response = await hook.client.post(f"{hook.base}/events", content=body, headers=auth)
        assert response.status_code == 400, reason
        assert reason in response.json()["error"], reason
        assert any(reason in line for line in hook.lines), reason
    too_old = acw_json(clock, ended_at=(clock.now() - timedelta(days=30)).isoformat())
    response = await hook.client.post(f"{hook.base}/events", json=too_old, headers=auth)
    assert response.status_code == 400 and "more than 7 days ago" in response.json()["error"]
    huge = b"{" + b" " * (1024 * 1024 + 10) + b"}"
    assert (
        await hook.client.post(f"{hook.base}/events", content=huge, headers=auth)
    ).status_code == 413
    assert desk.pending() == []


def taskrouter_params(clock: ManualClock, event_type: str, at_minutes: float) -> dict[str, str]:
    """A TaskRouter event callback as Twilio posts it (form fields of its Event resource)."""
    at = clock.now() - timedelta(minutes=at_minutes)
    return {
        "AccountSid": "AC" + "0" * 32,
        "WorkspaceSid": "WS" + "1" * 32,
        "WorkspaceName": "Support",
        "EventType": event_type,
        "EventDescription": f"Reservation WR… {event_type}",
        "ResourceType": "reservation",
        "ResourceSid": "WR" + "2" * 32,
        "Sid": "EV" + event_type.replace(".", "")[:10].ljust(32, "3"),
        "Timestamp": str(int(at.timestamp())),
        "TimestampMs": str(int(at.timestamp() * 1000)),
        "TaskSid": "WT" + "4" * 32,
        "TaskQueueSid": "WQ" + "5" * 32,
        "TaskQueueName": "Billing",
        "TaskAttributes": json.dumps(
            {
                "call_sid": "CA" + "6" * 32,
                "from": "+15551230000",
                "to": "+15559870000",
                "direction": "inbound",
            }
        ),
        "WorkerSid": "WK" + "7" * 32,
        "WorkerName": "ana",
        "WorkerAttributes": json.dumps({"contact_uri": "client:ana"}),
        "ReservationSid": "WR" + "2" * 32,
    }


async def post_twilio(hook: Hook, params: dict[str, str], token: str = SECRET) -> httpx.Response:
    url = f"{hook.base}/twilio/taskrouter"
    signature = twilio_signature(token, url, list(params.items()))
    return await hook.client.post(
        url,
        content=urlencode(params),
        headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )


async def test_taskrouter_reservation_accepted_then_wrapup_opens_the_wrapup(
    hook: Hook, desk: Desk, clock: ManualClock
) -> None:
    accepted = await post_twilio(hook, taskrouter_params(clock, "reservation.accepted", 6))
    ignored = await post_twilio(hook, taskrouter_params(clock, "worker.activity.update", 5))
    wrapup = await post_twilio(hook, taskrouter_params(clock, "reservation.wrapup", 2))
    task_wrapup = await post_twilio(hook, taskrouter_params(clock, "task.wrapup", 2))
    forged = await post_twilio(hook, taskrouter_params(clock, "reservation.wrapup", 1), "other")
    assert [r.status_code for r in (accepted, ignored, wrapup, task_wrapup, forged)] == [
        200,
        202,
        200,
        200,
        401,
    ]
    (opened,) = desk.pending()
    assert opened.call.external_id == "CA" + "6" * 32
    assert opened.call.talk_seconds == 240  # from the accept to the wrap-up
    assert opened.call.queue == "Billing" and opened.call.source == "twilio"
    assert any("'worker.activity.update' does not move a call" in line for line in hook.lines)


def threecx_journal(clock: ManualClock, **changes: str) -> dict[str, str]:
    """What the ReportCall scenario of acw's 3CX CRM template posts (docs/phone-systems.md)."""
    ended = clock.now() - timedelta(minutes=2)
    body = {
        "call_type": "Inbound",
        "number": "+442071234567",
        "agent": "1001",
        "agent_email": "ana@example.com",
        "queue": "800",
        "duration": "00:03:05",
        "started_at": (ended - timedelta(seconds=200)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answered_at": (ended - timedelta(seconds=185)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ended_at": ended.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    body.update(changes)
    return body


async def test_a_3cx_call_journal_opens_one_wrapup_and_a_missed_call_none(
    hook: Hook, desk: Desk, clock: ManualClock
) -> None:
    auth = {"Authorization": f"Bearer {SECRET}"}
    url = f"{hook.base}/3cx"
    first = await hook.client.post(url, json=threecx_journal(clock), headers=auth)
    again = await hook.client.post(url, json=threecx_journal(clock), headers=auth)
    missed = await hook.client.post(
        url, json=threecx_journal(clock, call_type="Missed", number="+1555"), headers=auth
    )
    broken = await hook.client.post(
        url, json=threecx_journal(clock, duration="three minutes"), headers=auth
    )
    assert [r.status_code for r in (first, again, missed, broken)] == [200, 200, 202, 400]
    (opened,) = desk.pending()
    assert opened.call.talk_seconds == 185
    assert opened.call.direction == "inbound" and opened.call.source == "3cx"
    assert "is not hh:mm:ss" in broken.json()["error"]


def test_the_webhook_refuses_to_listen_beyond_loopback() -> None:
    with pytest.raises(ListenError, match="loopback only"):
        WebhookAdapter(SourceSpec("http", "0.0.0.0", 8080), SECRET)


async def test_card_numbers_and_ids_in_an_event_reach_no_file_and_no_answer(
    hook: Hook, desk: Desk, clock: ManualClock
) -> None:
    # The phone system is outside acw's control: a card number typed as a call id, a
    # national id in a queue name. The wrap-up, the listener's state row (the screen's
    # "last event") and the HTTP answer all get the redacted forms.
    card, pesel = "5500 0000 0000 0004", "44051401359"
    body = json.dumps(acw_json(clock, call_id=card, queue=f"q {pesel}")).encode()
    answer = await hook.client.post(
        f"{hook.base}/events", content=body, headers={"Authorization": f"Bearer {SECRET}"}
    )
    assert answer.status_code == 200
    assert card not in answer.text and "0000 0000" not in answer.text
    status = desk.listener_status()
    assert status is not None and status.last_event is not None
    for text in (status.last_event, status.detail or "", status.last_error or ""):
        assert card not in text and pesel not in text, text
    desk.store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = desk.store.path
    on_disk = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    for secret in (card, card.replace(" ", ""), pesel):
        assert secret.encode() not in on_disk
    # Refused, the answer names the value without the card number either.
    bad = json.dumps(acw_json(clock, event_id="evt-2", talk_seconds=card)).encode()
    refused = await hook.client.post(
        f"{hook.base}/events", content=bad, headers={"Authorization": f"Bearer {SECRET}"}
    )
    assert refused.status_code == 400 and card not in refused.text, refused.text
