from datetime import timedelta

from acw_tui.core.clock import AcwClock, ManualClock
from acw_tui.core.policy import AcwPolicy, SitePolicy, TimerLevel


def test_acw_starts_at_the_calls_end_not_when_the_screen_opens() -> None:
    clock = ManualClock()
    call_ended = clock.now() - timedelta(seconds=12)
    acw = AcwClock(call_ended, clock)
    assert acw.elapsed() == 12
    clock.advance(3)
    assert acw.elapsed() == 15


def test_a_wall_clock_jump_during_acw_does_not_change_the_duration() -> None:
    clock = ManualClock()
    acw = AcwClock(clock.now(), clock)
    clock.advance(30)
    clock.jump_wall(-3600)  # NTP or a user sets the clock back an hour
    clock.advance(10)
    clock.jump_wall(+7200)
    assert acw.elapsed() == 40


def test_after_a_restart_the_clock_resumes_from_the_stored_start() -> None:
    clock = ManualClock()
    started = clock.now()
    clock.advance(95)  # the program was down for a while
    restarted = AcwClock(started, clock)
    assert restarted.elapsed() == 95


def test_a_call_end_in_the_future_starts_at_zero() -> None:
    clock = ManualClock()
    acw = AcwClock(clock.now() + timedelta(seconds=30), clock)
    assert acw.elapsed() == 0


def test_moment_at_maps_elapsed_time_to_wall_clock() -> None:
    clock = ManualClock()
    acw = AcwClock(clock.now(), clock)
    assert acw.moment_at(61) == clock.now() + timedelta(seconds=61)


def test_timer_turns_amber_at_80_percent_and_red_at_the_target() -> None:
    policy = AcwPolicy(target_seconds=100)
    assert policy.level(79.9) is TimerLevel.OK
    assert policy.level(80) is TimerLevel.AMBER
    assert policy.level(99.9) is TimerLevel.AMBER
    assert policy.level(100) is TimerLevel.RED


def test_timeout_grows_with_each_extension_and_zero_means_none() -> None:
    policy = AcwPolicy(timeout_seconds=120, extend_seconds=60, max_extensions=2)
    assert policy.timeout_after(0) == 120
    assert policy.timeout_after(2) == 240
    assert policy.can_extend(1) and not policy.can_extend(2)
    assert AcwPolicy(timeout_seconds=0).timeout_after(0) is None
    assert not AcwPolicy(timeout_seconds=0).can_extend(0)


def test_queue_overrides_apply_only_to_their_queue() -> None:
    site = SitePolicy().with_queue("billing", target_seconds=300)
    assert site.for_queue("billing").target_seconds == 300
    assert site.for_queue("sales").target_seconds == 120
    assert site.for_queue(None).target_seconds == 120
