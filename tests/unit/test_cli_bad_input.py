"""Issue 14: every bad value on the command line is one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def acw_bytes(
    *args: bytes, env: dict[str, bytes] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real program with arguments and environment as raw bytes (not UTF-8)."""
    environ = {os.fsencode(k): os.fsencode(v) for k, v in os.environ.items()}
    environ.update({k.encode(): v for k, v in (env or {}).items()})
    return subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"acw_tui", *args],
        capture_output=True,
        env=environ,
        timeout=60,
    )


def one_line(err: str | bytes) -> str:
    text = err.decode("utf-8", "replace") if isinstance(err, bytes) else err
    assert "Traceback" not in text
    assert "internal error" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize(
    ("args", "env", "names"),
    [
        ((b"call-ended", b"--call-id", b"A1", b"--customer", b"M\xfcller"), {}, "--customer"),
        ((b"call-ended", b"--call-id", b"\xff"), {}, "--call-id"),
        ((b"call-started", b"--call-id", b"\xff"), {}, "--call-id"),
        ((b"show", b"\xff"), {}, "CALL_ID"),
        ((b"call-ended", b"--call-id", b"A2"), {"ACW_AGENT": b"\xff"}, "ACW_AGENT"),
        ((b"call-started", b"--call-id", b"A3"), {"ACW_SITE": b"x\xfey"}, "ACW_SITE"),
        ((b"report", b"--agent", b"\xff"), {}, "--agent"),
        ((b"guide", b"search", b"\xff"), {}, "QUERY"),
        ((b"templates", b"render", b"\xff"), {}, "TEMPLATE_ID"),
    ],
)
def test_non_utf8_bytes_in_arguments_or_environment(
    acw_home: Path, args: tuple[bytes, ...], env: dict[str, bytes], names: str
) -> None:
    proc = acw_bytes(*args, env=env)
    assert proc.returncode != 0
    line = one_line(proc.stderr)
    assert names in line and "not UTF-8" in line


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("report", "--since", "99999999999d"), "--since"),
        (("report", "--from", "0001-01-01", "--to", "9999-12-31"), "--from"),
        (("report", "--to", "9999-12-31"), "--to"),
        (("report", "--now", "0001-01-01", "--since", "2d"), "--now"),
        (("report", "--outlier-factor", "nan"), "--outlier-factor"),
        (("report", "--outlier-factor", "inf"), "--outlier-factor"),
        (("report", "--since", ""), "--since"),
        (("call-ended", "--call-id", "A", "--talk-seconds", "inf"), "--talk-seconds"),
        (("call-ended", "--call-id", "A", "--talk-seconds", "1e26"), "--talk-seconds"),
        (("call-ended", "--call-id", "A", "--talk-seconds", "nan"), "--talk-seconds"),
        (("call-ended", "--call-id", "A", "--at", "9999-12-31T23:59:59Z"), "--at"),
        (("call-ended", "--call-id", "A", "--at", "0001-01-01"), "--at"),
        (("call-ended", "--call-id", "A", "--at", "2030-01-01"), "--at"),
        (("call-started", "--call-id", "A", "--at", "2030-01-01"), "--at"),
        (("call-ended", "--call-id", ""), "--call-id"),
        (("call-ended", "--call-id", "x" * 100_000), "--call-id"),
        (("call-ended", "--call-id", "a\x00b"), "--call-id"),
        (("sync", "--token", "tökén", "--hub", "http://127.0.0.1:9"), "--token"),
        (("sync", "--hub", "http://[::1", "--token", "abc"), "--hub"),
        (("sync", "--hub", "http://x:99999", "--token", "abc"), "--hub"),
    ],
)
def test_poisoned_values_are_refused_naming_the_option(
    acw_home: Path, args: tuple[str, ...], names: str
) -> None:
    code, out, err = run(*args)
    assert code != 0
    assert names in one_line(err)
    assert not (acw_home / "acw.db").exists() or "wrap-up" not in out


def test_nothing_was_stored_for_refused_talk_time(acw_home: Path) -> None:
    import sqlite3

    for value in ("inf", "nan", "1e26", "-1"):
        assert run("call-ended", "--call-id", f"A-{value}", "--talk-seconds", value)[0] != 0
    if (acw_home / "acw.db").exists():
        db = sqlite3.connect(acw_home / "acw.db")
        assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[sync]\ntimeout_seconds = 0\n", "sync.timeout_seconds"),
        ("[sync]\nbatch_records = 0\n", "sync.batch_records"),
        # More than a hub takes in one batch: every sync would be refused whole.
        ("[sync]\nbatch_records = 5001\n", "sync.batch_records: must be between 1 and 5000"),
        ("[report]\noutlier_factor = nan\n", "report.outlier_factor"),
        ("[report]\noutlier_factor = inf\n", "report.outlier_factor"),
        ("[report]\noutlier_factor = 0.0\n", "outlier_factor"),
    ],
)
def test_poisoned_config_numbers(acw_home: Path, table: str, message: str) -> None:
    (acw_home / "config.toml").write_text(table, encoding="utf-8")
    command = ("sync", "--hub", "http://127.0.0.1:9", "--token", "abc")
    if "report" in table:
        command = ("report",)
    code, _, err = run(*command)
    assert code != 0
    assert message in one_line(err)


def test_click_usage_errors_take_one_line(acw_home: Path) -> None:
    for args in (("call-ended",), ("call-ended", "--bogus"), ("nope",), ("report", "--by", "x")):
        code, _, err = run(*args)
        assert code == 2
        line = one_line(err)
        assert line.startswith("Error: acw") and "--help" in line


def test_a_group_without_command_lists_its_commands(acw_home: Path) -> None:
    code, out, err = run("guide")
    assert code == 0 and "Commands:" in out and not err


def test_deeply_nested_json_data(acw_home: Path) -> None:
    code, _, err = run("templates", "render", "general-inquiry", "--data", "[" * 100_000)
    assert code != 0
    assert "--data" in one_line(err)


def test_a_second_demo_says_what_to_do(acw_home: Path) -> None:
    assert run("demo", "--calls", "10", "--days", "1")[0] == 0
    code, _, err = run("demo", "--calls", "10", "--days", "1")
    line = one_line(err)
    assert code == 1 and "UNIQUE" not in line and "already holds demo" in line


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md", "html"])
def test_reports_survive_a_stored_infinite_talk_time(acw_home: Path, fmt: str) -> None:
    """A store written by an older acw may hold talk_seconds = inf: no crash, no Infinity."""
    import json
    import sqlite3

    from acw_tui.store import open_store
    from tests.report_seed import seed

    store = open_store(acw_home / "acw.db")
    seed(store)
    store.close()
    db = sqlite3.connect(acw_home / "acw.db")
    db.execute("UPDATE calls SET talk_seconds = 9e999")
    db.commit()
    code, out, err = run("report", "--format", fmt, "--now", "2026-03-03T00:30:00Z")
    assert code == 0, err
    assert "Infinity" not in out and "inf" not in out.replace("info", "")
    if fmt == "json":
        json.loads(out, parse_constant=lambda name: pytest.fail(name))


def _damage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 2, len(data), 8192):
        data[offset + 100 : offset + 400] = bytes(range(256)) + bytes(44)
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def test_db_migrate_refuses_a_damaged_file(acw_home: Path) -> None:
    from acw_tui.store import open_store
    from acw_tui.store.demo import generate_demo

    store = open_store(acw_home / "acw.db")
    generate_demo(store, calls=300, agents=3, days=2, seed=1)
    store.close()
    _damage_pages(acw_home / "acw.db")
    code, out, err = run("db", "migrate")
    assert code == 1 and "already current" not in out
    line = one_line(err)
    assert "acw.db: the database file is damaged" in line and "not migrated" in line


def test_db_check_on_an_unreadable_file_does_not_advise_db_check(acw_home: Path) -> None:
    (acw_home / "acw.db").write_bytes(b"\x00garbage" * 4096)
    code, _, err = run("db", "check")
    line = one_line(err)
    assert code == 1 and "damaged" in line and "acw db check" not in line


def test_database_errors_name_the_file(acw_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write refused by SQLite inside a transaction names the database file."""
    import sqlite3

    from acw_tui.store import open_store
    from acw_tui.store.database import StoreError

    store = open_store(acw_home / "acw.db")
    refused = pytest.raises(StoreError, match=r"acw\.db: the database cannot be written")
    with refused, store.transaction():
        raise sqlite3.OperationalError("attempt to write a readonly database")
    with pytest.raises(StoreError, match=r"acw\.db: the disk is full"), store.transaction():
        raise sqlite3.OperationalError("database or disk is full")
    store.close()


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("[acw]\ntarget_seconds = 0\n", "acw.target_seconds"),
        ("[acw]\ntimeout_seconds = 99999999999\n", "acw.timeout_seconds"),
        ("[acw.queues.billing]\ntarget_seconds = 0\n", "acw.queues.billing.target_seconds"),
    ],
)
def test_poisoned_acw_policy(acw_home: Path, table: str, key: str) -> None:
    (acw_home / "config.toml").write_text(table, encoding="utf-8")
    code, _, err = run("call-ended", "--call-id", "X")
    assert code == 1 and key in one_line(err)


@pytest.mark.parametrize(
    "args",
    [
        ("demo", "--days", "99999999"),
        ("demo", "--calls", "99999999999999"),
        ("demo", "--seed", "9" * 40),
        ("demo", "--agents", "0"),
    ],
)
def test_demo_sizes_are_bounded(acw_home: Path, args: tuple[str, ...]) -> None:
    code, _, err = run(*args)
    assert code == 2 and args[1] in one_line(err)


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("rules", "check", "\x00"), "NOTE_FILE"),
        (("rules", "lint", "--templates", "a\x00b"), "--templates"),
        (("guide", "import", "x\x00.csv"), "CSV_FILE"),
        (("guide", "diff", "old\x00.toml"), "OLD"),
        (("report", "--output", "out\x00.html"), "--output"),
        (("templates", "lint", "--templates", "\x00"), "--templates"),
    ],
)
def test_a_nul_in_a_file_name_is_refused_naming_the_argument(
    acw_home: Path, args: tuple[str, ...], names: str
) -> None:
    """No file name can hold a NUL; `open` and `stat` raise ValueError on one. Reached by
    a program that runs acw's commands in-process (a shell cannot pass a NUL)."""
    code, _out, err = run(*args)
    assert code != 0
    line = one_line(err)
    assert names in line and "NUL" in line


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        ("config", ("report",), "config.toml: cannot read the config file (not a regular file"),
        ("guide", ("guide", "list", "--guide", "{fifo}"), "cannot read the guide (not a regular"),
        ("note", ("redact", "{fifo}"), "not a regular file"),
    ],
)
def test_a_named_pipe_given_as_a_file_is_refused_not_waited_on(
    acw_home: Path, tmp_path: Path, make: str, args: tuple[str, ...], message: str
) -> None:
    # Path.read_bytes() on a pipe nobody writes to waits for ever.
    fifo = acw_home / "config.toml" if make == "config" else tmp_path / "pipe.toml"
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    result = CliRunner().invoke(cli, [a.format(fifo=fifo) for a in args])
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert "Traceback" not in result.output
