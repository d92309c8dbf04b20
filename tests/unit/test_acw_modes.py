"""ACW modes (SPEC §14): each mode's timeline with the clock frozen and moved by hand,
the automatic code on a time-out, and the config that names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from acw_tui.core.model import AgentStateName
from acw_tui.core.policy import REQUESTED_REASON, AcwMode, AcwPolicy
from acw_tui.service.desk import Desk, DeskError, DraftContent, FinishRequest
from acw_tui.settings.config import ConfigError, load_config, parse_config


def mode_desk(acw_home: Path, fresh_store, clock, acw_table: str) -> Desk:
    path = acw_home / "config.toml"
    path.write_text(f'agent_id = "ana"\nsite_id = "site-1"\n[acw]\n{acw_table}\n', encoding="utf-8")
    return Desk(fresh_store, load_config(path), clock)


# -- the pure policy ------------------------------------------------------------------


def test_without_a_mode_the_plain_settings_keep_their_meaning() -> None:
    assert AcwPolicy().acw_mode is AcwMode.MANDATORY
    assert AcwPolicy(timeout_seconds=60).acw_mode is AcwMode.MANDATORY_TIMEBOXED
    assert not AcwPolicy().note_required  # confirmed, not refused, as before modes


@pytest.mark.parametrize(
    ("elapsed", "ends"), [(10.0, False), (59.9, False), (60.0, True), (75.0, True)]
)
def test_no_early_exit_finishing_ends_acw_only_at_the_time_out(elapsed: float, ends: bool) -> None:
    policy = AcwPolicy(mode="timeboxed-no-early-exit", timeout_seconds=60)
    assert policy.finish_ends_acw(elapsed, 0) is ends


def test_no_early_exit_counts_extensions_into_the_box() -> None:
    policy = AcwPolicy(mode="timeboxed-no-early-exit", timeout_seconds=60, extend_seconds=30)
    assert not policy.finish_ends_acw(80.0, 1)
    assert policy.finish_ends_acw(90.0, 1)


@pytest.mark.parametrize("mode", ["optional", "mandatory-timeboxed", "agent-requested"])
def test_other_modes_let_finishing_end_acw_at_once(mode: str) -> None:
    assert AcwPolicy(mode=mode, timeout_seconds=60).finish_ends_acw(1.0, 0)


def test_who_may_skip_and_who_must_give_a_reason() -> None:
    skip = {
        m: AcwPolicy(mode=m.value, timeout_seconds=60).may_skip
        for m in AcwMode
        if m != AcwMode.MANDATORY
    }
    assert skip == {
        AcwMode.OPTIONAL: True,
        AcwMode.MANDATORY_TIMEBOXED: False,
        AcwMode.TIMEBOXED_NO_EARLY_EXIT: False,
        AcwMode.AGENT_REQUESTED: True,
    }
    assert AcwPolicy(mode="mandatory").note_required
    assert not AcwPolicy(mode="agent-requested", timeout_seconds=30).extension_needs_reason
    assert AcwPolicy(mode="mandatory-timeboxed", timeout_seconds=30).extension_needs_reason


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('mode = "sometimes"', "unknown mode 'sometimes'"),
        ('mode = "mandatory-timeboxed"', "needs timeout_seconds above 0"),
        ('mode = "timeboxed-no-early-exit"', "needs timeout_seconds above 0"),
        ('mode = "mandatory"\ntimeout_seconds = 60', "mandatory has no time-out"),
        ('auto_code = "timeout"', "auto_code is stored on a time-out"),
        ("mode = 3", "expected text"),
    ],
)
def test_contradictory_modes_are_refused_naming_file_and_key(table: str, message: str) -> None:
    import tomllib

    with pytest.raises(ConfigError, match=message) as caught:
        parse_config(tomllib.loads(f"[acw]\n{table}\n"), "/etc/acw/config.toml")
    assert "/etc/acw/config.toml: acw" in str(caught.value)


def test_modes_are_set_per_queue() -> None:
    import tomllib

    config = parse_config(
        tomllib.loads(
            '[acw]\nmode = "optional"\n'
            '[acw.queues.billing]\nmode = "timeboxed-no-early-exit"\ntimeout_seconds = 90\n'
            'auto_code = "timeout"\n'
        ),
        "config.toml",
    )
    assert config.policy.for_queue("sales").acw_mode is AcwMode.OPTIONAL
    billing = config.policy.for_queue("billing")
    assert billing.acw_mode is AcwMode.TIMEBOXED_NO_EARLY_EXIT
    assert billing.auto_code == "timeout"


# -- the timelines, through the desk --------------------------------------------------


TIMEBOXED = 'mode = "mandatory-timeboxed"\ntimeout_seconds = 60\nauto_code = "timeout"'


@pytest.mark.parametrize(("finish_after", "acw"), [(30, 30), (60, 60)])
def test_mandatory_timeboxed_finishing_before_or_at_the_time_out(
    acw_home, fresh_store, clock, finish_after: int, acw: int
) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, TIMEBOXED)
    wrapup = desk.call_ended("C1")
    clock.advance(finish_after)
    done = desk.finish(wrapup, FinishRequest(note="asked about invoice", codes=("resolved",)))
    assert done.acw_seconds == acw and not done.timed_out
    assert done.codes == ("resolved",) and done.auto_code is None
    assert desk.current_state().state is AgentStateName.READY


def test_mandatory_timeboxed_time_out_stores_the_automatic_code(
    acw_home, fresh_store, clock
) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, TIMEBOXED)
    wrapup = desk.call_ended("C1")
    desk.save_draft(wrapup, DraftContent("half a note"))
    clock.advance(61)
    [timed] = desk.check_timeouts()
    assert timed.timed_out and timed.is_open and timed.acw_seconds == 60
    assert timed.codes == ("timeout",) and timed.auto_code == "timeout"
    assert desk.wrapups.draft(wrapup.id).codes == ("timeout",)  # the screen shows it
    assert desk.current_state().state is AgentStateName.READY
    clock.advance(100)
    done = desk.finish(timed, FinishRequest(note="half a note, finished"))
    assert done.codes == ("timeout",) and done.acw_seconds == 60


def test_a_picked_code_in_the_draft_keeps_the_automatic_code_away(
    acw_home, fresh_store, clock
) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, TIMEBOXED)
    wrapup = desk.call_ended("C1")
    desk.save_draft(wrapup, DraftContent("note", codes=("complaint",)))
    clock.advance(61)
    [timed] = desk.check_timeouts()
    assert timed.auto_code is None and timed.codes == ()
    assert desk.wrapups.draft(wrapup.id).codes == ("complaint",)


def test_the_agents_code_wins_over_the_automatic_one_on_finishing(
    acw_home, fresh_store, clock
) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, TIMEBOXED)
    desk.call_ended("C1")
    clock.advance(61)
    [timed] = desk.check_timeouts()
    done = desk.finish(timed, FinishRequest(note="refund", codes=("refund",)))
    assert done.codes == ("refund",) and done.auto_code == "timeout"


NO_EXIT = 'mode = "timeboxed-no-early-exit"\ntimeout_seconds = 60\nauto_code = "timeout"'


def test_no_early_exit_keeps_the_agent_in_acw_after_finishing(acw_home, fresh_store, clock) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, NO_EXIT)
    desk.log_in()
    wrapup = desk.call_ended("C1")
    clock.advance(20)
    done = desk.finish(wrapup, FinishRequest(note="done early", codes=("resolved",)))
    assert done.status == "done" and done.acw_running and done.acw_seconds is None
    assert desk.current_state().state is AgentStateName.ACW
    assert desk.pending() == []  # the note is not pending: only the time runs on
    with pytest.raises(DeskError, match="still timing"):
        desk.toggle_break()
    clock.advance(39)
    assert desk.check_timeouts() == []
    clock.advance(1)
    [ended] = desk.check_timeouts()
    assert ended.acw_seconds == 60 and not ended.timed_out  # finished in time
    assert ended.codes == ("resolved",) and ended.auto_code is None
    assert desk.current_state().state is AgentStateName.READY


def test_no_early_exit_note_still_open_at_the_time_out(acw_home, fresh_store, clock) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, NO_EXIT)
    desk.call_ended("C1")
    clock.advance(60)
    [timed] = desk.check_timeouts()
    assert timed.timed_out and timed.is_open and timed.auto_code == "timeout"
    clock.advance(30)
    done = desk.finish(timed, FinishRequest(note="late note"))
    assert done.acw_seconds == 60


def test_no_early_exit_finishing_after_an_extension(acw_home, fresh_store, clock) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, NO_EXIT + "\nextend_seconds = 30")
    wrapup = desk.extend(desk.call_ended("C1"), "customer on hold")
    clock.advance(70)
    done = desk.finish(wrapup, FinishRequest(note="n", codes=("resolved",)))
    assert done.acw_running  # the box is 90 s now
    clock.advance(20)
    [ended] = desk.check_timeouts()
    assert ended.acw_seconds == 90


AGENT_REQUESTED = 'mode = "agent-requested"\ntimeout_seconds = 15\nextend_seconds = 60'


def test_agent_requested_acw_is_a_short_grace_unless_the_agent_asks(
    acw_home, fresh_store, clock
) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, AGENT_REQUESTED)
    wrapup = desk.call_ended("C1")
    clock.advance(10)
    wrapup = desk.extend(wrapup)  # on demand: no reason needed
    assert wrapup.extensions[-1].reason == REQUESTED_REASON
    clock.advance(60)
    assert desk.check_timeouts() == []  # 15 + 60 s
    clock.advance(5)
    [timed] = desk.check_timeouts()
    assert timed.acw_seconds == 75


def test_agent_requested_without_a_request_ends_after_the_grace(
    acw_home, fresh_store, clock
) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, AGENT_REQUESTED)
    desk.call_ended("C1")
    clock.advance(15)
    [timed] = desk.check_timeouts()
    assert timed.acw_seconds == 15 and timed.is_open


def test_mandatory_has_no_time_out_and_no_extension(acw_home, fresh_store, clock) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, 'mode = "mandatory"')
    wrapup = desk.call_ended("C1")
    clock.advance(3600)
    assert desk.check_timeouts() == []
    assert desk.extension_refusal(wrapup) is not None
    done = desk.finish(wrapup, FinishRequest(note="long one", codes=("resolved",)))
    assert done.acw_seconds == 3600


def test_a_mandatory_reason_is_still_needed_outside_agent_requested(
    acw_home, fresh_store, clock
) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, TIMEBOXED)
    with pytest.raises(DeskError, match="reason"):
        desk.extend(desk.call_ended("C1"))


def _empty_form(tmp_path: Path):
    from acw_tui.core.templates import TemplateLibrary
    from acw_tui.core.templates.form import NoteForm

    return NoteForm(TemplateLibrary(folder=tmp_path))


def test_optional_acw_lets_the_agent_skip_the_note(acw_home, fresh_store, clock, tmp_path) -> None:
    desk = mode_desk(acw_home, fresh_store, clock, 'mode = "optional"')
    wrapup = desk.call_ended("C1")
    clock.advance(3)
    done = desk.finish_form(wrapup, _empty_form(tmp_path))  # no confirmation asked
    assert done.status == "done" and done.note == "" and done.acw_seconds == 3


def test_mandatory_acw_refuses_an_empty_note_even_when_confirmed(
    acw_home, fresh_store, clock, tmp_path
) -> None:
    from acw_tui.service.finishing import EmptyNote

    desk = mode_desk(acw_home, fresh_store, clock, 'mode = "mandatory"')
    wrapup = desk.call_ended("C1")
    with pytest.raises(EmptyNote):
        desk.finish_form(wrapup, _empty_form(tmp_path))
    with pytest.raises(DeskError, match="mandatory"):
        desk.finish_form(wrapup, _empty_form(tmp_path), allow_empty=True)
    assert desk.wrapup(wrapup.id).is_open
