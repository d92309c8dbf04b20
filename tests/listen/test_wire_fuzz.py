"""Whatever bytes or JSON a phone system sends, the parsers answer with an event, None
or one BadEvent naming the problem: never another exception.

ACW_LISTEN_EXAMPLES raises the number of generated examples (seeded; 200 by default)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from acw_tui.listen.ami import AmiEvents, parse_message
from acw_tui.listen.esl import EslEvents, parse_headers
from acw_tui.listen.event import BadEvent, CallEvent, checked
from acw_tui.listen.webhook import acw_event, taskrouter_event, threecx_event

EXAMPLES = int(os.environ.get("ACW_LISTEN_EXAMPLES", "200"))
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

AMI_KEYS = ["Event", "Uniqueid", "Linkedid", "Interface", "MemberName", "Queue", "TalkTime",
            "HoldTime", "Reason", "Timestamp", "Channel", "CallerIDNum"]  # fmt: skip
ESL_KEYS = ["Event-Name", "Event-Subclass", "CC-Action", "Unique-ID", "Call-Direction",
            "Caller-Channel-Answered-Time", "Caller-Channel-Hangup-Time", "variable_billsec",
            "variable_hold_accum_seconds", "variable_cc_agent", "CC-Agent", "CC-Agent-UUID",
            "CC-Queue", "CC-Agent-Answered-Time", "CC-Bridge-Terminated-Time",
            "Event-Date-Timestamp", "variable_sip_hangup_disposition"]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(
        [
            "AgentComplete",
            "AgentConnect",
            "Hangup",
            "CHANNEL_HANGUP_COMPLETE",
            "CHANNEL_ANSWER",
            "CUSTOM",
            "callcenter::info",
            "bridge-agent-end",
            "bridge-agent-start",
            "1700000000.5",
            "0",
            "-1",
            "nan",
            "1e400",
            "",
            "99999999999999999999",
            "PJSIP/1001",
            "caller",
            "inbound",
        ]
    ),
    st.text(max_size=20),
)


def survives(make: object) -> None:
    try:
        event = make()  # type: ignore[operator]
        if isinstance(event, CallEvent):
            checked(event)
    except BadEvent as exc:
        assert str(exc) and "\n" not in str(exc)


@seed(1618)
@settings(max_examples=EXAMPLES, deadline=None)
@given(st.dictionaries(st.sampled_from(AMI_KEYS), VALUES, max_size=10), st.binary(max_size=60))
def test_ami(fields: dict[str, str], noise: bytes) -> None:
    block = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode() + noise
    survives(lambda: AmiEvents(lambda: NOW).convert(parse_message(block)))


@seed(1619)
@settings(max_examples=EXAMPLES, deadline=None)
@given(st.dictionaries(st.sampled_from(ESL_KEYS), VALUES, max_size=12), st.binary(max_size=60))
def test_esl(fields: dict[str, str], noise: bytes) -> None:
    body = "".join(f"{k}: {v}\n" for k, v in fields.items()).encode() + noise
    survives(lambda: EslEvents(lambda: NOW).convert(parse_headers(body, encoded=True, where="ESL")))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
WEBHOOK_KEYS = ["event_id", "call_id", "phase", "agent", "queue", "direction", "customer",
                "answered_at", "ended_at", "talk_seconds", "hold_seconds", "hung_up_by",
                "call_type", "number", "duration", "started_at", "agent_email"]  # fmt: skip


@seed(1620)
@settings(max_examples=EXAMPLES, deadline=None)
@given(st.dictionaries(st.sampled_from(WEBHOOK_KEYS), st.one_of(VALUES, JSON), max_size=12))
def test_webhook_json(data: dict[str, object]) -> None:
    survives(lambda: acw_event(data))
    survives(lambda: threecx_event(data))


@seed(1621)
@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "EventType",
                "Sid",
                "TaskAttributes",
                "WorkerAttributes",
                "TaskSid",
                "WorkerName",
                "WorkerSid",
                "Timestamp",
                "TaskQueueName",
            ]
        ),
        st.one_of(
            VALUES,
            st.sampled_from(
                [
                    "reservation.wrapup",
                    "reservation.accepted",
                    '{"call_sid": 5}',
                    "[]",
                    '{"direction": null}',
                ]
            ),
        ),
        max_size=9,
    )
)
def test_taskrouter(params: dict[str, str]) -> None:
    survives(lambda: taskrouter_event(params))


@pytest.mark.parametrize("key", ["TaskAttributes", "WorkerAttributes"])
def test_taskrouter_attributes_nested_too_deeply_are_a_bad_event(key: str) -> None:
    params = {"EventType": "reservation.wrapup", "TaskSid": "WT1", key: "[" * 100_000}
    with pytest.raises(BadEvent, match="not JSON"):
        taskrouter_event(params)
