"""Card data reaches no file through the phone hook either (SPEC §10: every door):
call ids, customer references and queues are redacted like notes, and `acw db scrub`
cleans those stored before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from acw_tui.cli import cli

CARDS = ("4111111111111111", "5500005555555559", "378282246310005")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def raw_cards_in(home: Path) -> list[str]:
    found = []
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {card}" for card in CARDS if card.encode() in data]
    return found


def test_hook_fields_are_redacted_before_they_are_stored(config, acw_home: Path) -> None:
    args = ("--customer", CARDS[1], "--queue", f"card {CARDS[2]}")
    code, out = run("call-started", "--call-id", f"C-{CARDS[0]}", *args)
    assert code == 0, out
    code, out = run("call-ended", "--call-id", f"C-{CARDS[0]}", *args)
    assert code == 0, out
    code, out = run("show", f"C-{CARDS[0]}")  # the same id finds the same call
    assert code == 0, out
    assert "C-[CARD ****1111]" in out and "[CARD ****5559]" in out
    assert not any(card in out for card in CARDS)
    assert raw_cards_in(acw_home) == []


def test_scrub_cleans_hook_fields_stored_before(config, acw_home: Path) -> None:
    run("call-ended", "--call-id", "PBX-1")
    db = sqlite3.connect(acw_home / "acw.db")
    db.execute(
        "UPDATE calls SET external_id = ?, customer_ref = ?, queue = ?",
        [f"C-{CARDS[0]}", CARDS[1], f"card {CARDS[2]}"],
    )
    db.commit()
    db.close()
    code, out = run("db", "scrub")
    assert code == 0, out
    assert "rewrote 0 wrap-up(s), 1 call(s)" in out
    assert raw_cards_in(acw_home) == []
    db = sqlite3.connect(acw_home / "acw.db")
    audit = db.execute("SELECT type, location, origin FROM redaction_audit").fetchall()
    db.close()
    assert sorted(audit) == [
        ("card", "call customer_ref", "scrub"),
        ("card", "call external_id", "scrub"),
        ("card", "call queue", "scrub"),
    ]


def test_an_agent_or_site_id_that_is_card_data_is_refused_before_anything_is_stored(
    acw_home: Path, monkeypatch
) -> None:
    """The config's agent_id (or ACW_AGENT, ACW_SITE) was stored and synced as written:
    a card number or a national id used as an agent's login reached every file."""
    for where, value in (
        ("config", f'agent_id = "{CARDS[0]}"\n'),
        ("config", 'agent_id = "ana"\nsite_id = "44051401359"\n'),  # a PESEL
        ("env", CARDS[1]),
    ):
        (acw_home / "config.toml").write_text(
            value if where == "config" else 'agent_id = "ana"\n', encoding="utf-8"
        )
        if where == "env":
            monkeypatch.setenv("ACW_AGENT", value)
        code, out = run("call-ended", "--call-id", "C-1")
        assert (
            code == 1 and run("demo", "--calls", "5")[0] == 1 and len(out.strip().splitlines()) == 1
        ), out
        assert "looks like" in out and any(
            w in out for w in ("agent_id", "site_id", "ACW_AGENT")
        ), out
        assert CARDS[0] not in out and "44051401359" not in out and CARDS[1] not in out
        assert [f for f in raw_cards_in(acw_home) if not f.startswith("config.toml")] == []
        assert not any(b"44051401359" in p.read_bytes() for p in acw_home.rglob("*.db*"))
    # An ordinary id with digits in it is an id.
    monkeypatch.setenv("ACW_AGENT", "agent-1042")
    code, out = run("call-ended", "--call-id", "C-2")
    assert code == 0, out
