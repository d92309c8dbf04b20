"""The note form: codes suggest templates, required fields and codes block finishing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from acw_tui.core.templates import load_library
from acw_tui.core.templates.form import NoteForm
from tests.unit.templates_helpers import SHIPPED

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def library():
    return load_library(SHIPPED)


def test_a_code_suggests_its_template_until_one_is_chosen_by_hand(library) -> None:
    form = NoteForm(library, "es")
    assert form.template is None and form.fields() == ()
    assert form.set_codes(["sale"])
    assert form.template.id == "sales-lead" and form.template.locale == "es"
    form.choose_template("complaint")
    assert not form.set_codes(["escalated"])
    assert form.template_id == "complaint"
    assert [f.name for f in form.fields()][-2:] == ["escalated_to", "case_ref"]


def test_refusal_names_the_code_and_every_missing_field(library) -> None:
    form = NoteForm(library, "en")
    assert form.refusal(require_code=True) == "a wrap-up code is required"
    assert form.refusal(require_code=False) is None
    form.set_codes(["escalated"])
    form.set_value("priority", "")
    assert form.refusal(True, NOW, UTC) == (
        "required: Escalated to, Case reference, Reason for escalation"
    )
    form.set_value("escalated_to", "Tier 2")
    form.set_value("case_ref", "C-1")
    form.set_value("reason", "outage")
    form.set_value("follow_up_at", "someday")
    assert (
        form.refusal(True, NOW, UTC)
        == "Follow-up due: not a date or time (YYYY-MM-DD [HH:MM], HH:MM, today, tomorrow 10:00, +2h, +30m, +1d)"
    )
    form.set_value("follow_up_at", "+1d")
    assert form.refusal(True, NOW, UTC) is None


def test_defaults_fill_the_form_and_the_stored_fields(library) -> None:
    form = NoteForm(library, "pl")
    form.set_codes(["escalated"])
    for name, value in {"escalated_to": "Dział 2", "case_ref": "C-7", "reason": "awaria"}.items():
        form.set_value(name, value)
    finished = form.finished(now=NOW, zone=UTC)
    assert finished.fields["priority"] == "Normalny"
    assert finished.required_complete and finished.template_version == 1
    assert "Priorytet: Normalny" in finished.note


def test_the_preview_shows_a_value_still_being_typed(library) -> None:
    form = NoteForm(library, "en")
    form.set_codes(["sale"])
    form.set_value("budget", "12k")
    assert "Budget: 12k" in form.render(now=NOW).text
    assert not form.finished(now=NOW).fields.get("budget")


def test_restore_brings_back_a_draft(library) -> None:
    form = NoteForm(library, "en")
    form.restore(("callback",), "complaint", {"issue": "x"}, "typed")
    assert form.template_by_hand and form.template_id == "complaint"
    assert form.render().text.startswith("Problem: x")
