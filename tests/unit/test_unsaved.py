"""Text a quit kept in files because the store refused it comes back at the next start:
into the draft of an open wrap-up, after the note of a closed one; a file that cannot
be used stays, with one line saying why."""

from __future__ import annotations

import os
from pathlib import Path

from acw_tui.service import unsaved
from acw_tui.service.desk import Desk, DraftContent, FinishRequest


def test_files_are_never_replaced_and_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "unsaved-drafts"
    unsaved.keep(folder, [("w1", "first"), ("w1", "second"), ("w2", "other")])
    assert sorted(p.name for p in folder.iterdir()) == ["w1-2.txt", "w1.txt", "w2.txt"]
    assert [(w, p.read_text(encoding="utf-8")) for w, p in unsaved.kept(folder)] == [
        ("w1", "first"),
        ("w1", "second"),
        ("w2", "other"),
    ]
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}


def test_text_grown_from_the_stored_draft_replaces_it(desk: Desk, tmp_path: Path) -> None:
    wrapup = desk.call_ended("PBX-1")
    desk.save_draft(wrapup, DraftContent("customer asked", None, ("complaint",), None))
    folder = tmp_path / "unsaved-drafts"
    unsaved.keep(folder, [(wrapup.id, "customer asked for a refund")])

    back, problems = unsaved.bring_back(desk, folder)

    assert ([w.id for w in back], problems) == ([wrapup.id], [])
    draft = desk.draft(wrapup.id)
    assert (draft.note, draft.codes) == ("customer asked for a refund", ("complaint",))
    assert list(folder.iterdir()) == []


def test_text_for_a_finished_wrapup_is_added_to_its_note(desk: Desk, tmp_path: Path) -> None:
    wrapup = desk.call_ended("PBX-1")
    desk.finish(wrapup, FinishRequest(note="refund issued"))
    folder = tmp_path / "unsaved-drafts"
    unsaved.keep(folder, [(wrapup.id, "customer moved house")])

    unsaved.bring_back(desk, folder)

    assert desk.wrapup(wrapup.id).note == "refund issued\n\ncustomer moved house"
    unsaved.keep(folder, [(wrapup.id, "customer moved house")])  # the same text again
    assert unsaved.bring_back(desk, folder) == ([], [])
    assert desk.wrapup(wrapup.id).note == "refund issued\n\ncustomer moved house"


def test_files_that_cannot_be_used_stay_and_say_why(desk: Desk, tmp_path: Path) -> None:
    wrapup = desk.call_ended("PBX-1")
    folder = tmp_path / "unsaved-drafts"
    unsaved.keep(folder, [("not-in-this-store", "kept for another store")])
    (folder / f"{wrapup.id}.txt").write_bytes(b"\xff\xfe broken")
    (folder / "notes.md").write_text("not ours", encoding="utf-8")
    os.mkfifo(folder / f"{wrapup.id}-2.txt")  # a pipe must not hang the start

    back, problems = unsaved.bring_back(desk, folder)

    assert back == []
    assert sorted(str(p) for p in problems) == [
        f"{folder / (wrapup.id + '-2.txt')}: cannot be read or removed (not a regular file "
        "(a pipe or a device))",
        f"{folder / (wrapup.id + '.txt')}: not UTF-8 text, left as it is",
    ]
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{wrapup.id}-2.txt",
        f"{wrapup.id}.txt",
        "not-in-this-store.txt",
        "notes.md",
    ]
    assert desk.draft(wrapup.id) is None


def test_codes_template_and_fields_come_back_with_the_text(desk: Desk, tmp_path: Path) -> None:
    """A quit on a refusing store kept only the note: the code, the template and its
    fields (with a template the fields are most of the note) were lost."""
    wrapup = desk.call_ended("PBX-1")
    folder = tmp_path / "unsaved-drafts"
    kept = DraftContent(
        "customer moved house", {"reason": "address change"}, ("address-change",), "general"
    )
    unsaved.keep(folder, [(wrapup.id, kept)])
    assert sorted(p.name for p in folder.iterdir()) == [f"{wrapup.id}.txt", f"{wrapup.id}.txt.form"]
    assert (folder / f"{wrapup.id}.txt").read_text(encoding="utf-8") == "customer moved house"

    back, problems = unsaved.bring_back(desk, folder)

    assert ([w.id for w in back], problems) == ([wrapup.id], [])
    draft = desk.draft(wrapup.id)
    assert (draft.note, draft.fields, tuple(draft.codes), draft.template_id) == (
        "customer moved house", {"reason": "address change"}, ("address-change",), "general"
    )  # fmt: skip
    assert list(folder.iterdir()) == []


def test_a_draft_that_cannot_be_kept_whole_leaves_no_file(tmp_path: Path, monkeypatch) -> None:
    """The disk fills between the text and its form: neither stays (an empty or lone
    file would be taken for the draft at the next start), and the caller hears of it."""
    import pytest

    from acw_tui import files

    folder = tmp_path / "unsaved-drafts"
    written = files.write_private

    def full_at_the_form(folder: Path, stem: str, text: str, suffix: str = ".txt") -> Path:
        if stem.endswith(unsaved.FORM):
            raise OSError(28, "No space left on device")
        return written(folder, stem, text, suffix)

    monkeypatch.setattr(unsaved, "write_private", full_at_the_form)
    with pytest.raises(OSError):
        unsaved.keep(folder, [("w1", DraftContent("text", None, ("refund",), None))])
    assert list(folder.iterdir()) == []
