"""`acw guide suggest`: frequent phrases no entry covers, with abbreviations that pass
lint and the keys they would save a week."""

from __future__ import annotations

from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.core.shorthand import Entry, Guide
from acw_tui.core.shorthand.lint import lint_guide
from acw_tui.core.shorthand.suggest import abbreviation_candidates, propose_entries
from acw_tui.service.desk import Desk, FinishRequest

COMMON = {"the": 7.7, "to": 7.4, "by": 6.6, "on": 6.9, "a": 7.5, "was": 6.9, "and": 7.5}
GUIDE = Guide.of([Entry("nfa", "no further action"), Entry("cx", "customer")])
NOTES = [
    "Customer called. Sent replacement router to the customer. No further action.",
    "Sent replacement router today. Parcel left with neighbour.",
    "Router broken. Sent replacement router. Parcel left with neighbour.",
    "Parcel left with neighbour, customer to collect. Sent replacement router.",
]


def frequency(word: str, locale: str) -> float:
    return COMMON.get(word, 0.0)


def test_frequent_uncovered_phrases_get_an_abbreviation() -> None:
    found = propose_entries(NOTES, GUIDE, days=7, frequency=frequency)
    by_expansion = {p.expansion: p for p in found}
    router = by_expansion["sent replacement router"]
    assert router.uses == 4 and router.abbr == "srr"
    # 23 characters for 3: 20 keys saved a use, 4 uses in a week.
    assert router.keys_saved_per_week == 80
    assert "parcel left with neighbour" in by_expansion
    # Pieces of phrases already proposed, and phrases the guide covers, are not.
    assert "replacement router" not in by_expansion and "left with" not in by_expansion
    assert not any("further action" in p.expansion for p in found)
    # Best first, and every proposal passes lint next to the guide.
    assert found == sorted(found, key=lambda p: -p.keys_saved_per_week)
    entries = [Entry(p.abbr, p.expansion) for p in found]
    problems = lint_guide(Guide.of([*GUIDE.entries, *entries]), frequency=frequency)
    assert problems == []


def test_an_abbreviation_is_never_a_word_the_notes_use() -> None:
    notes = [*NOTES, "The srr was fine."]  # "srr" is now a word agents type
    found = {p.expansion: p.abbr for p in propose_entries(notes, GUIDE, 7, frequency=frequency)}
    assert found["sent replacement router"] not in ("srr",)


def test_rare_phrases_and_phrases_framed_by_function_words_are_left_out() -> None:
    found = propose_entries(NOTES, GUIDE, 7, min_uses=5, frequency=frequency)
    assert found == []
    assert abbreviation_candidates("客户来电") == []
    assert abbreviation_candidates("identity")[0] == "idn"


def test_the_command_reads_the_store_s_finished_notes(desk: Desk) -> None:
    for number, note in enumerate(NOTES):
        wrapup = desk.call_ended(f"C{number}")
        desk.finish(wrapup, FinishRequest(note=note, notes=note))
    desk.close()
    result = CliRunner().invoke(cli, ["guide", "suggest", "--limit", "3", "--since", "5000d"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["abbr", "uses", "keys/week", "expansion"]
    assert any(line.endswith("sent replacement router") for line in lines[1:]), lines
    assert "4 notes over" in result.stderr


def test_an_empty_store_says_there_is_nothing_to_learn_from(desk: Desk) -> None:
    desk.close()
    result = CliRunner().invoke(cli, ["guide", "suggest"])
    assert result.exit_code == 0 and "nothing to learn from" in result.stderr
    bad = CliRunner().invoke(cli, ["guide", "suggest", "--since", "soon"])
    assert bad.exit_code != 0 and "--since" in bad.output
