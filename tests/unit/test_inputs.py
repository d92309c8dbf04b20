"""The one place numbers, times, durations and ids are checked (core/inputs.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.core import inputs
from acw_tui.core.inputs import InputError
from acw_tui.errors import AcwError

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_input_errors_are_acw_errors() -> None:
    assert issubclass(InputError, AcwError)


@pytest.mark.parametrize(
    "value",
    ["inf", "-inf", "nan", "1e26", "-1", float("inf"), float("nan"), 10**400, True, "", "x"],
)
def test_talk_seconds_refuses_poisoned_numbers(value: object) -> None:
    with pytest.raises(InputError, match=r"^--talk-seconds: "):
        inputs.seconds(value, "--talk-seconds")


@pytest.mark.parametrize("value", ["0", "12.5", 90, 86_400])
def test_talk_seconds_accepts_sane_durations(value: object) -> None:
    assert inputs.seconds(value) == float(value)


@pytest.mark.parametrize("value", ["", "   ", "x" * 100_000, "a\x00b", "a\nb", "\udcff"])
def test_call_id_refuses_empty_huge_and_binary(value: str) -> None:
    with pytest.raises(InputError, match=r"^call id: "):
        inputs.call_id(value)


def test_call_id_keeps_what_the_phone_system_sent() -> None:
    assert inputs.call_id("1714811112.42") == "1714811112.42"
    assert inputs.call_id("Müller-客户") == "Müller-客户"


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59Z", "0001-01-01", "2030-01-01", "2026-04-01T00:00Z", "yesterday"]
)
def test_event_time_refuses_far_past_and_future(value: str) -> None:
    with pytest.raises(InputError, match=r"^--at: "):
        inputs.event_time(value, NOW, "--at")


def test_event_time_accepts_recent_and_small_skew() -> None:
    assert inputs.event_time("2026-05-04T09:59:00Z", NOW) == NOW - timedelta(minutes=1)
    assert inputs.event_time("2026-05-04T10:02:00+00:00", NOW) == NOW + timedelta(minutes=2)
    assert inputs.event_time(NOW - timedelta(days=2), NOW) == NOW - timedelta(days=2)


@pytest.mark.parametrize("value", ["99999999999d", "", "7", "d", "-2d", "1e3d"])
def test_age_refuses_overflow_and_garbage(value: str) -> None:
    with pytest.raises(InputError, match=r"^--since[: ]"):
        inputs.since(value, NOW)


def test_since_from_the_start_of_time_is_refused() -> None:
    with pytest.raises(InputError, match=r"^--since[: ]"):
        inputs.since("2d", datetime(1, 1, 1, tzinfo=UTC))


def test_since_gives_the_moment_back() -> None:
    assert inputs.since("7d", NOW) == NOW - timedelta(days=7)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30", "soon"])
def test_report_bounds_refuse_out_of_range(value: str) -> None:
    with pytest.raises(InputError, match=r"^--to[: ]"):
        inputs.day_or_time(value, "--to", end=True)


def test_report_bound_end_of_day() -> None:
    assert inputs.day_or_time("2026-05-04", "--to", end=True) == datetime(2026, 5, 5, tzinfo=UTC)


@pytest.mark.parametrize("value", ["nan", "inf", "0.5", "1e400"])
def test_factor_refuses(value: str) -> None:
    with pytest.raises(InputError, match=r"^--outlier-factor: "):
        inputs.factor(value, "--outlier-factor")


def test_whole_numbers() -> None:
    assert inputs.whole("12", "--calls", minimum=1) == 12
    with pytest.raises(InputError, match="--calls"):
        inputs.whole("1" * 40, "--calls", minimum=1)
    with pytest.raises(InputError, match="--calls"):
        inputs.whole("0", "--calls", minimum=1)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ana:Sup3rSecret@db:5432/hub",
        "postgresql://nobody@127.0.0.1:1/x?password=Sup3rSecret",
        "postgresql://nobody@127.0.0.1:1/x?sslmode=require&password=Sup3rSecret&x=1",
        "postgresql:///hub?host=/run/pg&PASSWORD=Sup3rSecret",
        "postgresql://h/x?sslpassword=Sup3rSecret",
        "postgresql://ana:Sup3r%40Secret@db/hub",
    ],
)
def test_a_store_url_is_shown_without_its_password(url: str) -> None:
    from acw_tui.core.inputs import url_without_secrets

    shown = url_without_secrets(url)
    assert "Sup3r" not in shown and "***" in shown
    assert shown.split("//")[0] == url.split("//")[0]


# -- numbers are written in ASCII digits ---------------------------------------------------

_ASCII_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*", re.ASCII)


@pytest.mark.parametrize("written", ["٣٣", "5_000", "３３", "1_0.5", "²"])
def test_a_number_in_other_digits_or_with_underscores_is_refused(written: str) -> None:
    """`acw call-ended --talk-seconds ٣٣` was stored as 33 and `5_000` as 5000:
    float() reads both; acw takes ASCII digits only, as everywhere else."""
    with pytest.raises(InputError):
        inputs.seconds(written)


def test_the_hook_refuses_talk_seconds_in_other_digits(config, acw_home) -> None:
    from click.testing import CliRunner

    from acw_tui.cli import cli

    for written in ("٣٣", "5_000"):
        result = CliRunner().invoke(
            cli, ["call-ended", "--call-id", "C1", "--talk-seconds", written]
        )
        assert result.exit_code == 2 and "talk-seconds" in result.output, result.output


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
    | st.from_regex(r"[0-9_.eE+\- ٣３]{1,8}", fullmatch=True)
)
def test_every_number_taken_from_text_is_written_in_ascii(written: str) -> None:
    try:
        inputs.number(written, "n")
    except InputError:
        return
    assert _ASCII_NUMBER.fullmatch(written), repr(written)


@pytest.mark.parametrize("written", ["٣٣", "３", "5_000"])
def test_a_whole_number_in_other_digits_is_refused(written: str) -> None:
    with pytest.raises(InputError):
        inputs.whole(written, "--limit")
