"""The command line: hooks, db commands, demo, and one clear line for every error."""

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.store import open_store


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version(acw_home: Path) -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("acw, version")


def test_hooks_record_the_call_and_open_its_wrapup(acw_home: Path) -> None:
    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert (
        run(
            "call-started",
            "--call-id",
            "PBX-1",
            "--queue",
            "billing",
            "--at",
            f"{day}T10:00:00Z",
        )[0]
        == 0
    )
    code, out, _ = run(
        "call-ended", "--call-id", "PBX-1", "--customer", "CU-1", "--at", f"{day}T10:03:30Z"
    )
    assert code == 0 and "wrap-up" in out
    db = sqlite3.connect(acw_home / "acw.db")
    row = db.execute(
        "SELECT c.queue, c.customer_ref, c.talk_seconds, w.status, w.started_at "
        "FROM wrapups w JOIN calls c ON c.id = w.call_id"
    ).fetchone()
    assert row == ("billing", "CU-1", 210.0, "open", f"{day}T10:03:30.000Z")
    code, out, _ = run("show", "PBX-1")
    assert code == 0 and "status    open" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "NOPE"), "unknown call id 'NOPE'"),
        (("call-ended", "--call-id", "X", "--at", "yesterday"), "not an ISO-8601 time"),
        (("call-ended",), "Missing option '--call-id'"),
        (("call-ended", "--call-id", "X", "--talk-seconds", "-3"), "--talk-seconds"),
    ],
)
def test_errors_are_one_clear_line(acw_home: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args)
    assert code != 0
    assert message in err
    assert "Traceback" not in err + out


def test_ending_a_call_twice_is_an_error(acw_home: Path) -> None:
    run("call-ended", "--call-id", "PBX-9")
    code, _, err = run("call-ended", "--call-id", "PBX-9")
    assert code == 1 and "already ended" in err


def test_malformed_config_gives_line_and_column(acw_home: Path) -> None:
    (acw_home / "config.toml").write_text('agent_id = "ana"\n[acw\n', encoding="utf-8")
    code, _, err = run("call-ended", "--call-id", "X")
    assert code == 1
    assert "config.toml:2: malformed TOML" in err and "(column 5)" in err


def test_a_corrupt_database_is_refused_by_every_command(acw_home: Path) -> None:
    (acw_home / "acw.db").write_bytes(b"\x00garbage" * 4096)
    # a bare `acw` (the screen) refuses to open on it too, before Textual starts
    for args in ((), ("call-ended", "--call-id", "X"), ("db", "check"), ("demo", "--calls", "5")):
        code, _, err = run(*args)
        assert code == 1, args
        assert "acw.db: the database file is damaged" in err


def test_db_path_migrate_and_check(acw_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("db", "path")[1].strip() == str(acw_home / "acw.db")
    monkeypatch.setenv("ACW_DB", str(acw_home / "other.db"))
    assert run("db", "path")[1].strip() == str(acw_home / "other.db")
    code, out, _ = run("db", "migrate")
    assert code == 0 and "applied 0001" in out
    code, out, _ = run("db", "check")
    assert code == 0 and ": ok (schema version" in out


def test_db_check_on_a_missing_database(acw_home: Path) -> None:
    code, _, err = run("db", "check")
    assert code == 1 and "no database yet" in err


def test_demo_fills_every_table_and_is_seeded(acw_home: Path, tmp_path: Path, monkeypatch) -> None:
    code, out, _ = run("demo", "--calls", "300", "--agents", "3", "--days", "2", "--seed", "4")
    assert code == 0 and "300 calls" in out
    db = sqlite3.connect(acw_home / "acw.db")
    assert db.execute("SELECT count(*) FROM wrapups WHERE status = 'done'").fetchone()[0] == 300
    states = {r[0] for r in db.execute("SELECT DISTINCT state FROM agent_states")}
    assert states == {"ready", "on_call", "acw", "break", "logged_out"}
    assert db.execute("SELECT count(*) FROM wrapups WHERE timed_out = 1").fetchone()[0] > 0
    first = db.execute("SELECT note, acw_seconds FROM wrapups ORDER BY rowid LIMIT 5").fetchall()
    monkeypatch.setenv("ACW_DB", str(tmp_path / "again.db"))
    run("demo", "--calls", "300", "--agents", "3", "--days", "2", "--seed", "4")
    again = sqlite3.connect(tmp_path / "again.db")
    assert (
        again.execute("SELECT note, acw_seconds FROM wrapups ORDER BY rowid LIMIT 5").fetchall()
        == first
    )


def test_demo_history_is_never_mixed_into_a_store_with_real_calls(acw_home: Path) -> None:
    """Fake calls in a store with real ones would count in its reports and reach the hub."""
    assert run("call-ended", "--call-id", "REAL-1")[0] == 0
    code, _, err = run("demo", "--calls", "50", "--agents", "2", "--days", "1")
    assert code == 1
    assert "holds 1 real call(s)" in err and "ACW_DB=demo.db acw demo" in err
    db = sqlite3.connect(acw_home / "acw.db")
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 1


def test_no_traceback_from_the_real_program(acw_home: Path) -> None:
    (acw_home / "config.toml").write_text("[acw]\ntarget_seconds = 'x'\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "acw_tui", "call-ended", "--call-id", "X"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    assert "acw.target_seconds: expected a whole number" in proc.stderr


def test_a_bare_acw_refuses_a_bad_store_in_one_line(acw_home: Path) -> None:
    """The screen launcher skips the command line; its refusals read the same."""
    (acw_home / "acw.db").write_bytes(b"this is not a database" * 100)
    proc = subprocess.run([sys.executable, "-m", "acw_tui"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: ") and proc.stderr.strip().count("\n") == 0, proc.stderr
    assert "acw.db" in proc.stderr


def test_a_reader_that_stops_early_is_not_an_error(acw_home: Path) -> None:
    """`acw guide list | head`: the pipe closes before acw writes; nothing on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "acw_tui", "guide", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write_end)
    assert proc.stderr == ""


def test_every_command_has_help() -> None:
    import click

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        assert command.help or command.short_help, f"`acw {' '.join(path)}` has no help text"
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), (*path, name))

    walk(cli, ())


def test_demo_writes_under_the_configured_site(acw_home: Path) -> None:
    (acw_home / "config.toml").write_text('agent_id = "ana"\nsite_id = "waw-2"\n', encoding="utf-8")
    code, _, err = run("demo", "--calls", "50", "--agents", "2", "--days", "1")
    assert code == 0, err
    store = open_store(acw_home / "acw.db")
    sites = {row["site_id"] for row in store.rows("SELECT DISTINCT site_id FROM calls")}
    store.close()
    assert sites == {"waw-2"}  # so `acw sync` with this site's token takes it


def test_the_hook_prints_a_card_number_given_as_call_id_redacted(acw_home: Path) -> None:
    # Phone-hook runners log what a hook prints: the line names the call as stored.
    code, out, err = run("call-ended", "--call-id", "4111 1111 1111 1111")
    assert code == 0 and "wrap-up" in out
    assert "4111 1111 1111 1111" not in out + err and "1111 1111" not in out + err
