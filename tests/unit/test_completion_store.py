"""Completion and keystrokes through the desk: learned when a wrap-up finishes, stored in
SQLite, never from a redacted value; an upgraded store learns its history."""

from __future__ import annotations

import shutil
from pathlib import Path

from acw_tui.core.shorthand import Entry, Guide, UsageTally
from acw_tui.service.desk import Desk, FinishRequest
from acw_tui.store import open_store
from acw_tui.store.completion import load_model

FIRST_VERSION = Path(__file__).parent.parent / "data" / "acw-schema-v1.db"
NOTE = "Verified identity, sent confirmation by email."


def finish(desk: Desk, call_id: str, note: str, keys: int | None = None) -> None:
    wrapup = desk.call_ended(call_id)
    desk.finish(wrapup, FinishRequest(note=note, notes=note, keys_pressed=keys))


def test_a_finished_note_is_suggested_from_in_the_next_wrap_up(desk: Desk) -> None:
    model = desk.completion_model()
    assert "confirmation" not in model.suggest("Verified ident").text
    finish(desk, "C1", NOTE)
    finish(desk, "C2", NOTE)
    # The loaded model took the notes at once, and the store has them for a new desk.
    assert model.suggest("Verified ident").text == "ity, sent confirmation by email."
    again = load_model(desk.store, desk.config.locale)
    assert again.suggest("Verified ident").text == "ity, sent confirmation by email."


def test_the_guide_expansions_are_suggested_from_the_first_day(fresh_store, config, clock) -> None:
    desk = Desk(fresh_store, config, clock)
    model = desk.completion_model(Guide.of([Entry("nfa", "no further action needed")]))
    assert model.suggest("no furth").text == "er action needed"


def test_a_card_number_never_reaches_the_completion_table(desk: Desk) -> None:
    finish(desk, "C1", "Customer paid with 4111 1111 1111 1111 exp 12/29 today.")
    words = [row[0] for row in desk.store.conn.execute("SELECT word FROM completion_ngrams")]
    contexts = [row[0] for row in desk.store.conn.execute("SELECT context FROM completion_ngrams")]
    assert words and not any("4111" in w or "1111" in w for w in words + contexts)


def test_keys_pressed_and_final_characters_are_stored(desk: Desk) -> None:
    finish(desk, "C1", NOTE, keys=20)
    row = desk.store.conn.execute("SELECT keys_pressed, final_chars FROM wrapups").fetchone()
    assert tuple(row) == (20, len(NOTE))


def test_the_form_hands_over_the_keys_the_editor_counted(desk: Desk) -> None:
    from acw_tui.core.templates.form import NoteForm
    from acw_tui.service.content import template_library

    library, _ = template_library(desk.config)
    form = NoteForm(library, "en")
    form.notes = NOTE
    usage = UsageTally(keys_pressed=17)
    wrapup = desk.call_ended("C1")
    done = desk.finish_form(wrapup, form, usage=usage, allow_empty=True)
    row = desk.store.conn.execute(
        "SELECT keys_pressed, final_chars FROM wrapups WHERE id = ?", [done.id]
    ).fetchone()
    assert tuple(row) == (17, len(NOTE))


def test_an_upgraded_store_learns_the_notes_it_already_holds(tmp_path: Path) -> None:
    path = tmp_path / "acw.db"
    shutil.copy(FIRST_VERSION, path)
    store = open_store(path)
    learned = {
        (context, word)
        for context, word in store.conn.execute("SELECT context, word FROM completion_ngrams")
    }
    assert ("customer", "asked") in learned and ("double", "charge") in learned
    model = load_model(store, "pl")  # notes of unknown locale count for every locale
    assert model.size == len(learned)


def test_entries_an_agent_keeps_undoing_are_theirs_to_see(desk: Desk) -> None:
    from acw_tui.core.shorthand import Entry

    cx, nfa = Entry("cx", "customer"), Entry("nfa", "no further action")
    for number in range(5):
        usage = UsageTally()
        usage.used(cx, "cx", "customer")
        usage.used(nfa, "nfa", "no further action")
        if number < 3:
            usage.undone(cx, "cx", "customer")  # 3 of 5: often
        wrapup = desk.call_ended(f"C{number}")
        desk.finish(wrapup, FinishRequest(note="x", usage=usage))
    assert desk.often_undone() == {"cx": (3, 5)}


def test_the_templates_words_are_suggested_too(desk: Desk) -> None:
    model = desk.completion_model()
    # From the shipped general-inquiry template: its text and a field's label.
    assert model.suggest("Steps ta").text.startswith("ken")
    assert model.suggest("Follow-up ow").text.startswith("ner")


def test_scrub_makes_the_completion_model_forget_what_it_now_redacts(
    acw_home: Path, fresh_store, clock
) -> None:
    from click.testing import CliRunner

    from acw_tui.cli import cli
    from acw_tui.settings.config import load_config

    path = acw_home / "config.toml"
    path.write_text('agent_id = "ana"\nsite_id = "s1"\n', encoding="utf-8")
    desk = Desk(fresh_store, load_config(path), clock)
    note = "Wrote to ana.smith@example.org again, sent confirmation."
    for number in range(2):
        finish(desk, f"C{number}", note)
    words = {w for (w,) in fresh_store.conn.execute("SELECT word FROM completion_ngrams")}
    assert "smith" in words  # e-mail addresses were not redacted at this site
    path.write_text(
        'agent_id = "ana"\nsite_id = "s1"\n[redaction]\nemails = true\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["db", "scrub"])
    assert result.exit_code == 0, result.output
    words = {w for (w,) in fresh_store.conn.execute("SELECT word FROM completion_ngrams")}
    assert "confirmation" in words and not {"smith", "example", "org"} & words
