"""Finishing stores the note's quality verdict; a critical item missing is confirmed,
refused or allowed as the policy says (SPEC §14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acw_tui.core.templates import load_library
from acw_tui.core.templates.form import NoteForm
from acw_tui.service.desk import Desk, DeskError, FinishRequest
from acw_tui.service.quality import CriticalItemMissing
from acw_tui.settings.config import ConfigError, load_config
from tests.unit.templates_helpers import SHIPPED


def make_desk(acw_home: Path, fresh_store, clock, extra: str = "") -> Desk:
    path = acw_home / "config.toml"
    path.write_text(f'agent_id = "ana"\nsite_id = "site-1"\n{extra}\n', encoding="utf-8")
    return Desk(fresh_store, load_config(path), clock)


def account_form(notes: str) -> NoteForm:
    """An account change written in the general form (which asks nothing of identity)."""
    form = NoteForm(load_library(SHIPPED), "en")
    form.set_codes(["account-update"])
    form.choose_template("general-inquiry")
    form.set_value("reason", "address change")
    form.set_value("outcome", "Resolved")
    form.notes = notes
    return form


def test_a_hook_finish_is_judged_from_the_stored_note(desk, clock) -> None:
    wrapup = desk.call_ended("C1")
    done = desk.finish(
        wrapup,
        FinishRequest(
            note="Customer called about a bill. Explained it. Resolved.", codes=("payment",)
        ),
    )
    assert done.quality_score == 100 and not done.quality_critical
    assert done.quality_failed == ()
    stored = desk.wrapups.get(done.id)
    assert stored.quality_score == 100


def test_a_note_missing_elements_stores_its_failed_rules(desk) -> None:
    done = desk.finish(desk.call_ended("C1"), FinishRequest(note="Idiot.", codes=("refund",)))
    assert done.quality_score == 0
    assert done.quality_failed == ("reason", "steps-taken", "outcome", "no-insults")
    assert done.quality_critical


def test_the_form_path_asks_before_a_critical_fail(acw_home, fresh_store, clock) -> None:
    desk = make_desk(acw_home, fresh_store, clock)
    wrapup = desk.call_ended("C1")
    form = account_form("Customer asked to change the address. Updated it. Resolved.")
    with pytest.raises(CriticalItemMissing) as caught:
        desk.finish_form(wrapup, form)
    assert [v.rule for v in caught.value.missing] == ["identity-on-account-change"]
    assert "[identity-on-account-change]" in str(caught.value)
    assert desk.wrapup(wrapup.id).is_open
    done = desk.finish_form(wrapup, form, confirm_critical=True)
    assert done.quality_critical and done.quality_failed == ("identity-on-account-change",)
    assert done.quality_score == 100  # the weighted items all pass: kept apart


def test_the_field_verifies_identity_too(acw_home, fresh_store, clock) -> None:
    desk = make_desk(acw_home, fresh_store, clock)
    form = NoteForm(load_library(SHIPPED), "en")
    form.set_codes(["account-update"])  # its template asks whether identity was verified
    form.set_value("change", "Address")
    form.set_value("id_verified", True)
    form.notes = "Updated the address."
    done = desk.finish_form(desk.call_ended("C1"), form)
    assert not done.quality_critical


def test_the_policy_may_refuse_or_allow(acw_home, fresh_store, clock) -> None:
    form = account_form("Customer asked to change the address. Updated it. Resolved.")
    refusing = make_desk(acw_home, fresh_store, clock, '[acw]\ncritical_items = "refuse"')
    wrapup = refusing.call_ended("C1")
    with pytest.raises(DeskError, match="cannot finish: critical item missing") as caught:
        refusing.finish_form(wrapup, form, confirm_critical=True)
    assert not isinstance(caught.value, CriticalItemMissing)
    allowing = make_desk(acw_home, fresh_store, clock, '[acw]\ncritical_items = "allow"')
    done = allowing.finish_form(wrapup, form)
    assert done.quality_critical


def test_an_unknown_critical_policy_is_refused(acw_home) -> None:
    path = acw_home / "config.toml"
    path.write_text('[acw]\ncritical_items = "maybe"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="critical_items: must be one of confirm, refuse, allow"):
        load_config(path)


def test_no_rules_in_force_stores_no_verdict(acw_home, fresh_store, clock, tmp_path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(SHIPPED, folder)
    (folder / "quality.toml").unlink()
    desk = make_desk(acw_home, fresh_store, clock, f'[templates]\nfolder = "{folder}"')
    done = desk.finish(desk.call_ended("C1"), FinishRequest(note="x", codes=("refund",)))
    assert done.quality_score is None and done.quality_failed == () and not done.quality_critical


def test_a_card_number_never_reaches_the_rules_unredacted(acw_home, fresh_store, clock) -> None:
    # The verdict is computed on what is stored: the redacted note.
    desk = make_desk(acw_home, fresh_store, clock)
    form = account_form("Card 4111 1111 1111 1111. Verified identity. Updated. Resolved.")
    done = desk.finish_form(desk.call_ended("C1"), form)
    assert "4111 1111" not in done.note and not done.quality_critical
