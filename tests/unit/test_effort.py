"""Keys per note: the simulated agent behind `acw guide effort` and the effort
benchmark, and the command itself."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.cli import cli
from acw_tui.core.completion import CompletionModel
from acw_tui.core.completion.effort import notes_in, typing_effort
from acw_tui.core.shorthand import Entry, Guide
from acw_tui.service.desk import Desk, FinishRequest
from bench.bench_effort import LOCALES, benchmark_notes, demo_history

GUIDE = Guide.of([Entry("cx", "customer"), Entry("nfa", "no further action needed")])


def test_typing_in_full_costs_one_key_a_character() -> None:
    effort = typing_effort("Refund issued.", Guide())
    assert (effort.keys, effort.chars, effort.ratio) == (14, 14, 1.0)


def test_an_abbreviation_costs_its_letters_and_the_delimiter() -> None:
    effort = typing_effort("Customer ok. no further action needed.", GUIDE)
    # "Cx " (3) + "ok. " (4) + "nfa." (4)
    assert effort.keys == 11 and effort.expansions == 2


def test_accepting_a_suggestion_is_one_key() -> None:
    model = CompletionModel()
    for _ in range(2):
        model.learn("sent confirmation by email")
    # Offered whole at the start of a line: one key.
    effort = typing_effort("sent confirmation by email", Guide(), model)
    assert effort.keys == 1 and effort.accepts == 1
    # After other words: "s" is enough for "ent confirmation by email" (6 keys + 1).
    effort = typing_effort("Then sent confirmation by email", Guide(), model)
    assert effort.keys == len("Then s") + 1


def test_a_word_that_is_an_abbreviation_costs_a_backspace() -> None:
    effort = typing_effort("cx is the code", GUIDE)
    # Typed "cx", the space expanded it, backspace took it back: one key more.
    assert effort.undos == 1 and effort.keys == len("cx is the code") + 1


def test_notes_are_blank_line_separated() -> None:
    assert notes_in("one\nline two\n\n\n three \n\n") == ["one\nline two", "three"]


def test_the_benchmark_has_its_notes_and_a_history_without_them() -> None:
    counts = {locale: len(benchmark_notes(locale)) for locale in LOCALES}
    assert counts["en"] >= 20 and all(counts[loc] >= 10 for loc in ("pl", "es", "zh"))
    for locale in LOCALES:
        assert not set(benchmark_notes(locale)) & set(demo_history(locale))


def write_notes(path: Path) -> Path:
    path.write_text(
        "Customer paid 4111 1111 1111 1111 today.\nSent confirmation by email.\n\n"
        "Customer called back. No further action needed.\n",
        encoding="utf-8",
    )
    return path


def effort_lines(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["guide", "effort", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_the_command_prints_each_note_and_the_total(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes.txt")
    lines = effort_lines(str(notes), "--no-completion")
    assert len(lines) == 4 and lines[-1].startswith(" all")
    assert "4111" not in "\n".join(lines) and "[CARD ****1111]" in lines[1]
    assert "(guide only)" in lines[-1]


def test_the_store_s_finished_notes_make_typing_cheaper(
    tmp_path: Path, desk: Desk, clock: object
) -> None:
    for number in range(3):
        wrapup = desk.call_ended(f"C{number}")
        note = "Sent confirmation by email. No further action needed."
        desk.finish(wrapup, FinishRequest(note=note, notes=note))
    desk.close()
    notes = write_notes(tmp_path / "notes.txt")
    guide_only = effort_lines(str(notes), "--no-completion")[-1].split()
    with_completion = effort_lines(str(notes))[-1].split()
    assert int(with_completion[2]) < int(guide_only[2])  # fewer keys


def test_bad_files_get_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\n\xff\xfe")
    result = CliRunner().invoke(cli, ["guide", "effort", str(bad)])
    assert result.exit_code != 0 and f"{bad}:2: not UTF-8 text" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["guide", "effort", str(empty)])
    assert result.exit_code != 0 and "no notes" in result.output


EXAMPLES = int(os.environ.get("ACW_EFFORT_EXAMPLES", "100"))
TEXT = st.text(st.sampled_from(list("cx nfa customer. no further action needed,\n")), max_size=80)


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(note=TEXT, history=st.lists(TEXT, max_size=4))
def test_the_agent_never_pays_more_than_typing_in_full_plus_undos(
    note: str, history: list[str]
) -> None:
    model = CompletionModel()
    for text in history * 2:
        model.learn(text)
    effort = typing_effort(note, GUIDE, model)
    assert effort.chars == len(note)
    assert effort.keys <= len(note) + effort.undos
    assert (effort.keys > 0) == bool(note)
