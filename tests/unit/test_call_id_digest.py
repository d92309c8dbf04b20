"""Two calls whose ids hold different card numbers or national ids stay two calls.

The id is stored redacted (`[CARD ****1111]`), so the redacted text alone would make
4111111111111111 and 5555555555531111 one call: the second wrap-up was dropped as
"already ended" while the hook was told it was accepted. A short keyed digest of the raw
id (made with a key of the store's own) keeps them apart, and the same raw id reported
twice is still one call."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acw_tui.cli import cli
from acw_tui.service.desk import Desk
from acw_tui.service.errors import AlreadyEnded
from acw_tui.store import open_store

EXAMPLES = int(os.environ.get("ACW_CALL_ID_EXAMPLES", "40"))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def stored_ids(home: Path) -> list[str]:
    db = sqlite3.connect(home / "acw.db")
    try:
        return [row[0] for row in db.execute("SELECT external_id FROM calls ORDER BY rowid")]
    finally:
        db.close()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("4111111111111111", "5555555555531111"),  # both [CARD ****1111]
        ("ref 44051401458", "ref 02070803628"),  # both ref [PESEL]
    ],
)
def test_two_calls_whose_ids_redact_alike_stay_two_calls(
    config, acw_home: Path, first: str, second: str
) -> None:
    for call_id in (first, second):
        code, out = run("call-ended", "--call-id", call_id)
        assert code == 0, out
    ids = stored_ids(acw_home)
    assert len(ids) == 2 and ids[0] != ids[1]
    assert not any(first in i or second in i for i in ids)
    # The same raw id again is the same call, refused as already ended.
    code, out = run("call-ended", "--call-id", first)
    assert code != 0 and "already ended" in out
    assert len(stored_ids(acw_home)) == 2
    # `acw show` finds each by its raw id, and by the id as shown.
    for call_id, shown in zip((first, second), ids, strict=True):
        for asked in (call_id, shown):
            code, out = run("show", asked)
            assert code == 0, out
            assert shown in out and call_id not in out


def test_an_id_without_card_data_is_kept_as_it_is(config, acw_home: Path) -> None:
    code, out = run("call-ended", "--call-id", "PBX-1001")
    assert code == 0, out
    assert stored_ids(acw_home) == ["PBX-1001"]


def test_a_call_started_then_ended_by_a_raw_id_is_one_call(config, acw_home: Path) -> None:
    for hook in ("call-started", "call-ended"):
        code, out = run(hook, "--call-id", "C-4111111111111111")
        assert code == 0, out
    assert len(stored_ids(acw_home)) == 1


def test_each_store_has_its_own_key(acw_home: Path, tmp_path: Path, monkeypatch) -> None:
    """The digest is keyed by the store: the same card gives another digest elsewhere,
    so a digest cannot be looked up in a table made on another machine."""
    ids = []
    for name in ("one", "two"):
        home = tmp_path / name
        home.mkdir()
        (home / "config.toml").write_text('agent_id = "ana"\nsite_id = "s"\n', encoding="utf-8")
        monkeypatch.setenv("ACW_HOME", str(home))
        code, out = run("call-ended", "--call-id", "4111111111111111")
        assert code == 0, out
        ids += stored_ids(home)
    assert ids[0] != ids[1] and all(i.startswith("[CARD ****1111] #") for i in ids)


CARD_DIGITS = st.text("0123456789", min_size=10, max_size=10)


def _luhn_valid(number: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _card_ending_1111(middle: str) -> str:
    """A valid 16-digit card number 4…1111: one digit before the last four makes it so."""
    return next(card for x in "0123456789" if _luhn_valid(card := f"4{middle}{x}1111"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    middles=st.lists(CARD_DIGITS, min_size=2, max_size=5, unique=True),
    prefix=st.sampled_from(["", "C-", "ref "]),
)
def test_distinct_raw_ids_stay_distinct_calls_and_repeats_stay_one(
    config, tmp_path: Path, middles: list[str], prefix: str
) -> None:
    """Cards that share their last four (so their redacted text): one call each; each
    reported again is refused as the same call; no stored id holds the card."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        desk = Desk(open_store(Path(folder) / "acw.db"), config)
        try:
            _check_calls(desk, middles, prefix)
        finally:
            desk.close()


def _check_calls(desk: Desk, middles: list[str], prefix: str) -> None:
    raws = list(dict.fromkeys(f"{prefix}{_card_ending_1111(m)}" for m in middles))
    for raw in raws:
        desk.call_ended(raw)
    for raw in raws:
        with pytest.raises(AlreadyEnded):
            desk.call_ended(raw)
        assert desk.for_call(raw)[0].call.external_id.startswith(prefix + "[CARD ****1111] #")
    rows = desk.store.rows("SELECT external_id FROM calls")
    assert len(rows) == len(raws)
    digits = [raw.removeprefix(prefix) for raw in raws]
    assert not any(d in row["external_id"] for row in rows for d in digits)


def test_scrub_gives_a_call_id_the_digest_the_hook_would(config, acw_home: Path) -> None:
    """A call id stored in full before redaction gets the same stored form from
    `acw db scrub` as from the hook: the same raw id reported later is the same call."""
    run("call-ended", "--call-id", "PBX-1")
    db = sqlite3.connect(acw_home / "acw.db")
    db.execute("UPDATE calls SET external_id = 'C-4111111111111111'")
    db.commit()
    db.close()
    code, out = run("db", "scrub")
    assert code == 0, out
    code, out = run("call-ended", "--call-id", "C-4111111111111111")
    assert code != 0 and "already ended" in out
    code, out = run("call-ended", "--call-id", "C-5555555555531111")
    assert code == 0, out
    assert len(set(stored_ids(acw_home))) == 2
