"""Issue 14: redaction stays linear and a site's allow-list pattern cannot hang it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.core.redaction import RedactionPolicy, Redactor
from acw_tui.core.redaction.detect import _Claims


def test_a_backtracking_allow_pattern_gives_up_and_still_redacts() -> None:
    redactor = Redactor(RedactionPolicy(allow=("(a|aa)+$",)))
    text = "a" * 60 + "! card 4111 1111 1111 1111"
    done = redactor.redact(text)
    assert "[CARD ****1111]" in done.text and "4111 1111" not in done.text


def test_a_well_behaved_allow_pattern_still_allows() -> None:
    redactor = Redactor(RedactionPolicy(allow=(r"ORD-\d{16}",)))
    assert redactor.redact("order ORD-4111111111111111").text == "order ORD-4111111111111111"


def test_claims_answer_without_looking_at_earlier_claims() -> None:
    claims = _Claims(100)
    claims.take(10, 20)
    claims.take(50, 60)
    assert claims.free(0, 10) and claims.free(20, 50) and claims.free(60, 100)
    assert not claims.free(5, 11) and not claims.free(59, 70) and not claims.free(0, 100)


def test_acw_redact_with_a_hostile_allow_pattern(acw_home: Path, tmp_path: Path) -> None:
    (acw_home / "config.toml").write_text(
        "[redaction]\nallow = ['(x+x+)+y', '(a|aa)+$']\n", encoding="utf-8"
    )
    note = tmp_path / "note.txt"
    note.write_text(
        "a" * 5000 + "!\n" + "x" * 5000 + "\ncard 4111 1111 1111 1111\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["redact", str(note)])
    assert result.exit_code == 0, result.output
    assert "[CARD ****1111]" in result.stdout


def test_many_numbers_are_all_redacted() -> None:
    """The many-claims path (a note full of numbers) finds every card."""
    text = ", ".join(["card 4111 1111 1111 1111 cvv 123"] * 2000)
    done = Redactor().redact(text)
    assert done.text.count("[CARD ****1111]") == 2000 and "123" not in done.text


def test_a_paste_of_every_character_does_not_fill_memory() -> None:
    """The folding table remembers what it looked up, up to a bound: a paste holding
    every character there is must not make it grow without end."""
    from acw_tui.core.redaction import spans

    every = "".join(chr(c) for c in range(0x80, 0x30000) if not 0xD800 <= c <= 0xDFFF)
    assert len(spans.fold(every)) == len(every)
    assert len(spans._FOLD) <= spans._FOLD_REMEMBERED
    assert spans.fold("card ٤١١١") == "card 4111"
