"""The normalised event's rules, pure: routing, the one deduplication rule, SOURCE.

ACW_LISTEN_EXAMPLES raises the number of generated examples (seeded; 200 by default)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from acw_tui.listen.event import BadEvent, CallEvent, Phase, checked
from acw_tui.listen.rules import Deduplicator, Routing, Verdict
from acw_tui.listen.source import ListenError, parse_source

EXAMPLES = int(os.environ.get("ACW_LISTEN_EXAMPLES", "200"))
AT = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def event(call_id: str, phase: Phase, *names: str) -> CallEvent:
    return CallEvent(
        source="ami",
        event_id=f"{phase.value}:{call_id}",
        call_id=call_id,
        phase=phase,
        agent_names=names or ("PJSIP/1001",),
        answered_at=AT,
        ended_at=AT,
    )


@seed(1616)
@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["c1", "c2", "c3", "c4"]), st.sampled_from(list(Phase))),
        max_size=40,
    )
)
def test_any_order_of_repeated_reports_opens_one_wrapup_per_call(
    reports: list[tuple[str, Phase]],
) -> None:
    dedup = Deduplicator()
    new_ends = [
        c for c, p in reports if dedup.verdict(event(c, p)) is Verdict.NEW and p is Phase.ENDED
    ]
    assert sorted(new_ends) == sorted({c for c, p in reports if p is Phase.ENDED})


@seed(1617)
@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(["c1", "c2", "c3"]), max_size=30))
def test_an_answer_after_the_end_is_stale_and_never_new(calls: list[str]) -> None:
    dedup = Deduplicator()
    for call in calls:
        dedup.verdict(event(call, Phase.ENDED))
    for call in set(calls):
        assert dedup.verdict(event(call, Phase.ANSWERED)) is Verdict.STALE


def test_forgetting_a_refused_event_lets_its_resend_count() -> None:
    dedup = Deduplicator()
    first = event("c1", Phase.ENDED)
    assert dedup.verdict(first) is Verdict.NEW
    dedup.forget(first)
    assert dedup.verdict(first) is Verdict.NEW
    assert dedup.verdict(first) is Verdict.DUPLICATE


def test_the_memory_is_bounded() -> None:
    dedup = Deduplicator(capacity=3)
    for call in ("a", "b", "c", "d"):
        dedup.verdict(event(call, Phase.ENDED))
    assert dedup.verdict(event("a", Phase.ENDED)) is Verdict.NEW  # the store catches it
    assert dedup.verdict(event("d", Phase.ENDED)) is Verdict.DUPLICATE


def test_routing_maps_any_of_the_agents_names_without_case() -> None:
    routing = Routing("ana", agents={"PJSIP/1001": "ana", "Bo": "bo"}, queues={"q@d": "support"})
    assert routing.is_ours(event("c", Phase.ENDED, "pjsip/1001"))
    assert routing.is_ours(event("c", Phase.ENDED, "PJSIP/9999", "ANA"))  # its own name
    assert not routing.is_ours(event("c", Phase.ENDED, "PJSIP/1002", "Bo"))
    assert routing.queue_of("q@d") == "support" and routing.queue_of("other") == "other"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"call_id": ""}, "call id: must not be empty"),
        ({"call_id": "x\x00y"}, "control character"),
        ({"talk_seconds": float("nan")}, "talk seconds"),
        ({"hold_seconds": -1.0}, "hold seconds"),
        ({"ended_at": None}, "needs its end time"),
        ({"agent_names": ("a" * 600,)}, "agent: 600 characters long"),
    ],
)
def test_an_unusable_event_is_refused_naming_the_field(
    changes: dict[str, object], message: str
) -> None:
    from dataclasses import replace

    with pytest.raises(BadEvent, match=message):
        checked(replace(event("c1", Phase.ENDED), **changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind", "port", "user"),
    [
        ("ami://acw@10.0.0.5:5038", "ami", 5038, "acw"),
        ("ami://acw@pbx.example", "ami", 5038, "acw"),
        ("esl://127.0.0.1", "esl", 8021, None),
        ("http://127.0.0.1:8765", "http", 8765, None),
    ],
)
def test_sources(text: str, kind: str, port: int, user: str | None) -> None:
    spec = parse_source(text)
    assert (spec.kind, spec.port, spec.user) == (kind, port, user)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sip://x", "use ami://USER@HOST:PORT"),
        ("ami://10.0.0.5", "AMI needs a user"),
        ("ami://acw:pa55w0rd@10.0.0.5", "not in the source URL"),
        ("esl://u@host", "only ami:// takes a user"),
        ("http://127.0.0.1", "needs a port"),
        ("ami://a@h:99999", "not a source URL"),
        ("esl://h/path", "only scheme"),
        ("", "use ami://"),
    ],
)
def test_bad_sources_are_one_line(text: str, message: str) -> None:
    with pytest.raises(ListenError, match=message) as caught:
        parse_source(text)
    assert "\n" not in str(caught.value)
    assert "pa55w0rd" not in str(caught.value)


def test_reconnect_delays_double_up_to_the_cap_and_start_over_after_a_connection() -> None:
    from acw_tui.listen.runner import Backoff

    backoff = Backoff(first=0.5, longest=30.0)
    delays = [backoff.next_delay() for _ in range(9)]
    for delay, ceiling in zip(delays, [0.5, 1, 2, 4, 8, 16, 30, 30, 30], strict=True):
        assert 0.8 * ceiling <= delay <= ceiling  # jitter takes up to a fifth off
    backoff.reset()
    assert backoff.next_delay() <= 0.5
