"""Whatever bytes or JSON a phone system sends, the parsers answer with an event, None
or one BadEvent naming the problem: never another exception.

ACW_LISTEN_EXAMPLES raises the number of generated examples (seeded; 200 by default)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from acw_tui.core.inputs import EARLIEST
from acw_tui.listen.ami import AmiEvents, parse_message
from acw_tui.listen.esl import EslEvents, parse_headers
from acw_tui.listen.event import BadEvent, CallEvent, Phase, checked
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


# -- every number and time at its extremes, in events otherwise complete ------------------
#
# Random dictionaries rarely hold every field an event needs, so the conversions behind
# them (a time minus a talk time, an hour field times 3600) were never reached with the
# values that break them. Here each event is complete and only its numbers and times vary.

EXTREME_NUMBERS = st.one_of(
    st.sampled_from(
        [
            "0",
            "-0",
            "1",
            "86400",
            "86401",
            "-1",
            "-62135596700",
            "-62135596800",
            "253402300799",
            "253402300800",
            "1e308",
            "-1e308",
            "1e-320",
            "nan",
            "inf",
            "-inf",
            "9" * 5000,
            "0x10",
            "1_000",
            " 12 ",
            "١٢",
            "²",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
# Unix times at the edges of what a datetime holds (year 1, year 9999) and of acw's range,
# and durations that move a time across them.
EDGE_TIMES = st.one_of(
    st.sampled_from(
        [
            "-62135596800",
            "-62135596700",
            "-62135510400",
            "0",
            "253402300799",
            "253402214400",
            "32503680000",
            "1767603600",
        ]
    ),
    EXTREME_NUMBERS,
)
DURATIONS = st.one_of(
    st.sampled_from(["0", "1", "101", "3600", "86400"]),
    # at and past int()'s limit of 4300 digits
    st.sampled_from([4300, 4301, 6000]).map("9".__mul__),
    st.integers(min_value=1, max_value=6000).map("9".__mul__),
    EXTREME_NUMBERS,
)
HMS = st.one_of(
    DURATIONS,
    st.tuples(DURATIONS, DURATIONS, DURATIONS).map(":".join),
)
ISO_TIMES = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    st.datetimes(datetime(1970, 1, 1), datetime(2999, 12, 31), timezones=st.just(UTC)).map(
        lambda d: d.isoformat()
    ),
    st.sampled_from(
        [
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2026-01-05T09:00:00Z",
        ]
    ),
)


@seed(1622)
@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.sampled_from(["AgentConnect", "AgentComplete", "Hangup"]),
    EDGE_TIMES,
    DURATIONS,
    DURATIONS,
)
def test_ami_numbers_and_times_at_their_extremes(
    name: str, stamp: str, talk: str, hold: str
) -> None:
    fields = {
        "Event": name,
        "Uniqueid": "1.1",
        "Linkedid": "1.1",
        "Interface": "PJSIP/1001",
        "Queue": "q",
        "Channel": "PJSIP/1001-0000002a",
        "Timestamp": stamp,
        "TalkTime": talk,
        "HoldTime": hold,
    }
    survives(lambda: AmiEvents(lambda: NOW).convert(fields))


@seed(1623)
@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.sampled_from(
        ["CHANNEL_ANSWER", "CHANNEL_HANGUP_COMPLETE", "bridge-agent-start", "bridge-agent-end"]
    ),
    st.lists(st.one_of(EDGE_TIMES, DURATIONS), min_size=6, max_size=6),
)
def test_esl_numbers_and_times_at_their_extremes(name: str, values: list[str]) -> None:
    stamp, answered, hung_up, billsec, hold, terminated = values
    fields = {
        "Unique-ID": "u1",
        "variable_cc_agent": "1001@default",
        "Event-Date-Timestamp": stamp,
        "Caller-Channel-Answered-Time": answered,
        "Caller-Channel-Hangup-Time": hung_up,
        "variable_billsec": billsec,
        "variable_hold_accum_seconds": hold,
        "CC-Agent-UUID": "u1",
        "CC-Agent": "1001@default",
        "CC-Queue": "q",
        "CC-Agent-Answered-Time": answered,
        "CC-Bridge-Terminated-Time": terminated,
    }
    if name.startswith("bridge"):
        fields.update(
            {"Event-Name": "CUSTOM", "Event-Subclass": "callcenter::info", "CC-Action": name}
        )
    else:
        fields["Event-Name"] = name
    survives(lambda: EslEvents(lambda: NOW).convert(fields))


@seed(1624)
@settings(max_examples=EXAMPLES, deadline=None)
@given(ISO_TIMES, ISO_TIMES, st.one_of(st.none(), EXTREME_NUMBERS, st.floats(), st.integers()))
def test_acw_json_numbers_and_times_at_their_extremes(
    answered: str, ended: str, talk: object
) -> None:
    acw = {
        "event_id": "e",
        "call_id": "c",
        "phase": "ended",
        "agent": "1001",
        "answered_at": answered,
        "ended_at": ended,
        "talk_seconds": talk,
    }
    survives(lambda: acw_event(acw))


IN_RANGE = st.datetimes(datetime(1970, 1, 2), datetime(2999, 12, 30), timezones=st.just(UTC))


@seed(1626)
@settings(max_examples=EXAMPLES, deadline=None)
@given(IN_RANGE, st.one_of(st.none(), ISO_TIMES), HMS)
def test_3cx_durations_at_their_extremes(
    ended: datetime, answered: str | None, duration: str
) -> None:
    threecx = {
        "call_type": "Inbound",
        "agent": "1001",
        "started_at": ended.isoformat(),
        "answered_at": answered,
        "ended_at": ended.isoformat(),
        "duration": duration,
    }
    survives(lambda: threecx_event(threecx))


@seed(1627)
@settings(max_examples=EXAMPLES, deadline=None)
@given(EDGE_TIMES)
def test_taskrouter_times_at_their_extremes(stamp: str) -> None:
    twilio = {
        "EventType": "reservation.wrapup",
        "TaskSid": "WT1",
        "WorkerName": "ana",
        "Timestamp": stamp,
    }
    survives(lambda: taskrouter_event(twilio))


@seed(1625)
@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.floats(min_value=0, max_value=7 * 86400),
    st.floats(min_value=-3600, max_value=2 * 86400),
    st.booleans(),
)
def test_an_end_with_its_answer_keeps_a_talk_time_counted_from_it(
    ago: float, span: float, with_talk: bool
) -> None:
    """The class of "answered_at given, talk time lost": whatever the two times, an end
    that knows its answer keeps a talk time (its own, else counted from the answer) and
    its answer, unless the answer is after the end or the span longer than a day."""
    ended = NOW - timedelta(seconds=ago)
    answered = ended - timedelta(seconds=span)
    event = CallEvent(
        source="webhook",
        event_id="e",
        call_id="c",
        phase=Phase.ENDED,
        agent_names=("1001",),
        answered_at=answered,
        ended_at=ended,
        talk_seconds=12.0 if with_talk else None,
    )
    try:
        kept = checked(event)
    except BadEvent:
        assert not answered >= EARLIEST  # only an answer before 1970 is refused
        return
    counted = (ended - answered).total_seconds()
    if counted < 0:
        assert kept.answered_at is None
    else:
        assert kept.answered_at == answered
        expected = 12.0 if with_talk else (counted if counted <= 86400 else None)
        assert kept.talk_seconds == expected
