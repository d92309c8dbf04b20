"""The wrap-up lifecycle of SPEC §2, through the desk service over a real store."""

from datetime import timedelta
from pathlib import Path

import pytest

from acw_tui.core.model import AgentStateName
from acw_tui.service.desk import Desk, DeskError, DraftContent, FinishRequest
from acw_tui.settings.config import load_config


def policy_desk(acw_home: Path, fresh_store, clock, acw_table: str) -> Desk:
    path = acw_home / "config.toml"
    path.write_text(f'agent_id = "ana"\nsite_id = "site-1"\n[acw]\n{acw_table}\n', encoding="utf-8")
    return Desk(fresh_store, load_config(path), clock)


def test_finishing_stores_note_timing_and_makes_the_agent_ready(desk, clock) -> None:
    desk.log_in()
    desk.call_started("C1", queue="billing", customer_ref="CU-9")
    clock.advance(180)
    wrapup = desk.call_ended("C1")
    assert wrapup.call.talk_seconds == 180
    assert desk.current_state().state is AgentStateName.ACW
    clock.advance(42)
    done = desk.finish(wrapup, FinishRequest(note="refund issued", codes=("resolved",)))
    assert done.status == "done"
    assert done.acw_seconds == 42
    assert done.ended_at == wrapup.started_at + timedelta(seconds=42)
    assert done.note == "refund issued"
    assert done.codes == ("resolved",)
    assert desk.current_state().state is AgentStateName.READY
    assert desk.wrapups.draft(wrapup.id) is None
    states = [s.state for s in reversed(desk.states.log("ana"))]
    assert states == [
        AgentStateName.READY,
        AgentStateName.ON_CALL,
        AgentStateName.ACW,
        AgentStateName.READY,
    ]


def test_the_clock_starts_at_the_reported_call_end(desk, clock) -> None:
    ended = clock.now() - timedelta(seconds=20)
    wrapup = desk.call_ended("C1", at=ended)
    assert desk.acw_clock(wrapup).elapsed() == 20


def test_timeout_ends_acw_time_but_keeps_the_note_open(acw_home, fresh_store, clock) -> None:
    desk = policy_desk(acw_home, fresh_store, clock, "timeout_seconds = 60")
    wrapup = desk.call_ended("C1")
    desk.save_draft(wrapup, DraftContent("half a note"))
    clock.advance(59)
    assert desk.check_timeouts() == []
    clock.advance(5)
    [timed] = desk.check_timeouts()
    assert timed.timed_out and timed.is_open
    assert timed.acw_seconds == 60
    assert desk.current_state().state is AgentStateName.READY  # available again
    assert desk.wrapups.draft(wrapup.id).note == "half a note"
    clock.advance(300)
    done = desk.finish(timed, FinishRequest(note="whole note"))
    assert done.acw_seconds == 60  # finishing later does not add to ACW time
    assert done.timed_out and done.note == "whole note"
    assert done.finished_at == clock.now()


def test_the_acw_state_ends_at_the_timeout_not_when_it_is_noticed(
    acw_home, fresh_store, clock
) -> None:
    """ACW % is time in the ACW state: a time-out noticed 40 s late (no screen open, a
    hook's look) still ends the state at the time-out."""
    desk = policy_desk(acw_home, fresh_store, clock, "timeout_seconds = 60")
    wrapup = desk.call_ended("C1")
    clock.advance(100)
    assert len(desk.check_timeouts()) == 1
    acw, ready = desk.states.log(desk.agent_id)[:2][::-1]
    assert (acw.state, ready.state) == (AgentStateName.ACW, AgentStateName.READY)
    assert ready.started_at == acw.ended_at == wrapup.started_at + timedelta(seconds=60)


def test_a_timed_out_wrapup_cannot_be_discarded(acw_home, fresh_store, clock) -> None:
    """Its ACW time and time-out count in the reports; discarding took both out of every
    report, so an agent could clear their own time-out rate."""
    desk = policy_desk(acw_home, fresh_store, clock, "timeout_seconds = 60")
    wrapup = desk.call_ended("C1")
    clock.advance(61)
    [timed] = desk.check_timeouts()
    with pytest.raises(DeskError, match="cannot be discarded; finish it"):
        desk.discard(timed, "opened by mistake")
    stored = desk.wrapup(wrapup.id)
    assert (stored.status, stored.acw_seconds, stored.timed_out) == ("open", 60, True)
    early = desk.call_ended("C2")  # while ACW runs, a mistaken wrap-up still goes
    assert desk.discard(early, "opened by mistake").status == "discarded"


def test_extension_needs_a_reason_is_stored_and_bounded(acw_home, fresh_store, clock) -> None:
    desk = policy_desk(
        acw_home,
        fresh_store,
        clock,
        "timeout_seconds = 60\nextend_seconds = 30\nmax_extensions = 1",
    )
    wrapup = desk.call_ended("C1")
    with pytest.raises(DeskError, match="reason"):
        desk.extend(wrapup, "  ")
    wrapup = desk.extend(wrapup, "long complaint")
    assert [e.reason for e in wrapup.extensions] == ["long complaint"]
    with pytest.raises(DeskError, match="limit is 1"):
        desk.extend(wrapup, "again")
    clock.advance(75)
    assert desk.check_timeouts() == []  # 60 + 30 s now
    clock.advance(20)
    [timed] = desk.check_timeouts()
    assert timed.acw_seconds == 90


def test_a_wall_clock_jump_does_not_corrupt_the_stored_duration(desk, clock) -> None:
    wrapup = desk.call_ended("C1")
    acw = desk.acw_clock(wrapup)
    clock.advance(30)
    clock.jump_wall(-7200)
    clock.advance(15)
    done = desk.finish(wrapup, FinishRequest(note="x"), acw)
    assert done.acw_seconds == 45


def test_a_code_is_required_when_the_policy_says_so(acw_home, fresh_store, clock) -> None:
    desk = policy_desk(acw_home, fresh_store, clock, "require_code = true")
    wrapup = desk.call_ended("C1")
    with pytest.raises(DeskError, match="code is required"):
        desk.finish(wrapup, FinishRequest(note="x"))
    done = desk.finish(wrapup, FinishRequest(note="x", codes=("resolved",)))
    assert desk.store.db.table("wrapups").get(done.id)["compliant"] == 1


def test_pending_wrapups_are_listed_oldest_first(desk, clock) -> None:
    first = desk.call_ended("C1")
    clock.advance(5)
    second = desk.call_ended("C2")
    assert [w.id for w in desk.pending()] == [first.id, second.id]
    desk.finish(first, FinishRequest(note="x"))
    assert [w.id for w in desk.pending()] == [second.id]
    assert desk.current_state().state is AgentStateName.ACW  # second still timing


def test_a_call_id_is_ended_once(desk) -> None:
    desk.call_ended("C1")
    with pytest.raises(DeskError, match="already ended"):
        desk.call_ended("C1")
    with pytest.raises(DeskError, match="already ended"):
        desk.call_started("C1")


def test_finishing_twice_is_refused(desk) -> None:
    wrapup = desk.call_ended("C1")
    desk.finish(wrapup, FinishRequest(note="x"))
    with pytest.raises(DeskError, match="already finished"):
        desk.finish(wrapup, FinishRequest(note="y"))


def test_an_end_before_the_start_is_refused(desk, clock) -> None:
    desk.call_started("C1")
    with pytest.raises(DeskError, match="before its start"):
        desk.call_ended("C1", at=clock.now() - timedelta(minutes=5))


def test_a_code_given_twice_is_stored_once(desk) -> None:
    """A script or hook finishing with the same code twice: reports count a wrap-up once
    per code, so the second would double its calls and ACW time under that code."""
    wrapup = desk.call_ended("C1")
    done = desk.finish(wrapup, FinishRequest(note="sold", codes=("sale", "refund", "sale")))
    assert done.codes == ("sale", "refund")
