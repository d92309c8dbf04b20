"""Expanding whole notes, spotting missed abbreviations and the usage bookkeeping."""

from __future__ import annotations

from datetime import UTC, datetime

from acw_tui.core.shorthand import (
    DoneExpansion,
    Entry,
    Guide,
    PhraseIndex,
    UndoBook,
    UsageTally,
    expand_text,
)
from acw_tui.service.desk import Desk
from acw_tui.store import Store
from acw_tui.store.shorthand_usage import record_usage, usage_by_entry

GUIDE = Guide.of(
    [
        Entry("cx", "customer"),
        Entry("cb", "callback"),
        Entry("nfa", "no further action"),
        Entry("kh", "客户"),
    ]
)


def test_expand_text_expands_at_every_delimiter_and_counts_uses() -> None:
    result = expand_text("Cx asked for cb.\nnfa, cx happy", GUIDE)
    assert result.text == "Customer asked for callback.\nno further action, customer happy"
    assert result.used() == {"cx": 2, "cb": 1, "nfa": 1}


def test_expand_text_leaves_the_last_token_without_delimiter() -> None:
    assert expand_text("call cx", GUIDE).text == "call cx"


def test_expand_text_handles_a_megabyte_paste_quickly() -> None:
    text = "cx called about cb and more words " * 30_000
    result = expand_text(text, GUIDE)
    assert result.text.count("customer") == 30_000


def test_missed_phrase_is_spotted_only_as_a_whole_phrase() -> None:
    index = PhraseIndex(GUIDE)
    assert index.missed_at("the customer").abbr == "cx"
    assert index.missed_at("we said no further action").abbr == "nfa"
    assert index.missed_at("the Customer").abbr == "cx"
    assert index.missed_at("the customers") is None
    assert index.missed_at("thecustomer") is None
    assert index.find_missed("customer wants a callback; customer ok") == {"cx": 2, "cb": 1}


def test_undo_book_takes_back_only_right_after_the_expansion() -> None:
    entry = GUIDE.lookup("cx")
    done = DoneExpansion(entry, (0, 4), (0, 13), "cx ", "customer ", "cx")
    book = UndoBook()
    book.expanded(done)
    assert book.take_back((0, 12)) is None  # cursor moved
    book.expanded(done)
    assert book.take_back((0, 13)) == done
    assert book.take_back((0, 13)) is None  # only once
    assert book.is_suppressed((0, 4), "cx")


def test_usage_tally_and_store_round_trip(fresh_store: Store, desk: Desk) -> None:
    tally = UsageTally()
    cx, cb = GUIDE.lookup("cx"), GUIDE.lookup("cb")
    tally.used(cx, "cx", "customer")
    tally.used(cx, "cx", "customer")
    tally.undone(cx, "cx", "customer")
    tally.missed(cb)
    rows = {r.abbr: r for r in tally.rows()}
    assert (rows["cx"].used, rows["cx"].undone, rows["cx"].keystrokes_saved) == (2, 1, 6)
    assert rows["cb"].missed == 1

    now = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    wrapup = desk.call_ended("x1")
    stored = record_usage(fresh_store, wrapup.id, "ana", "site-1", 12, tally.rows(), now)
    assert stored == 2
    totals = usage_by_entry(fresh_store)
    assert (totals["cx"].used, totals["cx"].undone, totals["cb"].missed) == (2, 1, 1)
    outbox = fresh_store.conn.execute(
        "SELECT count(*) FROM outbox WHERE table_name = 'shorthand_usage'"
    ).fetchone()[0]
    assert outbox == 2
    assert usage_by_entry(fresh_store, guide_version=11) == {}
