"""`acw redact` and `acw db scrub` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from acw_tui.cli import cli

NOTE = "card 4111 1111 1111 1111 cvv 737\nPESEL 44051401359\n"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_redact_reads_stdin_and_writes_the_redacted_text(acw_home: Path) -> None:
    code, out, _ = run("redact", input=NOTE)
    assert code == 0
    assert out == "card [CARD ****1111] cvv\nPESEL [PESEL]\n"


def test_redact_reads_a_file(acw_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("安全码是１２３", encoding="utf-8")
    code, out, _ = run("redact", str(path))
    assert (code, out) == (0, "安全码是")


def test_explain_lists_type_place_and_reason_but_never_the_value(acw_home: Path) -> None:
    code, out, _ = run("redact", "--explain", input=NOTE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "<stdin>: 3 finding(s) under redaction policy version 1"
    assert lines[1].startswith("<stdin>:1:6: card number (16 digits, Visa prefix")
    assert "masked as [CARD ****1111]" in lines[1]
    assert lines[2].startswith("<stdin>:1:30: security code") and "removed" in lines[2]
    assert lines[3].startswith("<stdin>:2:7: PESEL") and "replaced by [PESEL]" in lines[3]
    assert "737" not in out and "44051401359" not in out and "4111 " not in out


def test_redact_follows_the_site_policy(acw_home: Path) -> None:
    (acw_home / "config.toml").write_text(
        "[redaction]\nversion = 4\nallow = ['ORD-\\d{16}']\n", encoding="utf-8"
    )
    code, out, _ = run("redact", input="ORD-4111111111111111")
    assert (code, out) == (0, "ORD-4111111111111111")
    _, out, _ = run("redact", "--explain", input="x")
    assert "policy version 4" in out


def test_bad_input_gives_one_line(acw_home: Path, tmp_path: Path) -> None:
    code, _, err = run("redact", str(tmp_path / "missing.txt"))
    assert code == 1 and err.strip().endswith("missing.txt: no such file")
    binary = tmp_path / "card.bin"
    binary.write_bytes(b"card \xff\xfe")
    code, _, err = run("redact", str(binary))
    assert code == 1 and err.strip() == f"Error: {binary}: not UTF-8 text (byte 5)"
    (acw_home / "config.toml").write_text("[redaction]\nallow = ['(']\n", encoding="utf-8")
    code, _, err = run("redact", input="x")
    assert code == 1 and "redaction.allow[0]" in err and len(err.strip().splitlines()) == 1


def test_scrub_rewrites_raw_notes_and_reports(acw_home: Path) -> None:
    assert run("call-ended", "--call-id", "c1")[0] == 0
    import sqlite3

    conn = sqlite3.connect(acw_home / "acw.db")
    conn.execute("UPDATE wrapups SET note = ?", [NOTE])
    conn.commit()
    conn.close()
    code, out, _ = run("db", "scrub")
    assert code == 0
    assert "3 finding(s); rewrote 1 wrap-up(s)" in out and out.strip().endswith("vacuumed")
    conn = sqlite3.connect(acw_home / "acw.db")
    note = conn.execute("SELECT note FROM wrapups").fetchone()[0]
    audit = conn.execute("SELECT type, origin FROM redaction_audit ORDER BY position").fetchall()
    conn.close()
    assert note == "card [CARD ****1111] cvv\nPESEL [PESEL]\n"
    assert audit == [("card", "scrub"), ("security_code", "scrub"), ("pesel", "scrub")]
    assert b"44051401359" not in (acw_home / "acw.db").read_bytes()


def test_scrub_without_a_database_says_so(acw_home: Path) -> None:
    code, _, err = run("db", "scrub")
    assert code == 1 and "no database yet" in err


def test_commands_have_help() -> None:
    for args in (("redact", "--help"), ("db", "scrub", "--help")):
        code, out, _ = run(*args)
        assert code == 0 and len(out.split("\n\n")[1].strip()) > 20
