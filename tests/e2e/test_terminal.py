"""The real program in a real terminal (tmux): keyboard only, and a SIGKILL mid-note."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

if shutil.which("tmux") is None:
    if os.environ.get("CI"):
        raise RuntimeError("tmux is required in CI for the end-to-end tests")
    pytest.skip("tmux is not installed", allow_module_level=True)

ACW = str(Path(sys.executable).with_name("acw"))


class Terminal:
    def __init__(self, socket: str, env: dict[str, str], config: Path) -> None:
        self.socket = socket
        self.env = env
        # A tmux server exits with its last session; killing the only acw would race the
        # next new-session against that exit ("server exited unexpectedly").
        config.write_text("set -g exit-empty off\n", encoding="utf-8")
        self.config = str(config)

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", self.config, *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self, name: str, *, shell: bool = False) -> None:
        """acw in a new 160×45 terminal; `shell`: in a shell that stays when acw ends
        and says so, to read what acw printed as it left."""
        exports = " ".join(f"{k}={v}" for k, v in self.env.items() if k.startswith("ACW_"))
        command = f"env -u COLUMNS -u LINES {exports} TERM=xterm-256color {ACW}"
        if shell:
            command = f"sh -c '{command}; echo \"[acw ended: $?]\"; sleep 600'"
        self.tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "45", command)

    def lines(self, name: str) -> list[str]:
        """The terminal's lines as written, the terminal's own wrapping undone."""
        return self.tmux("capture-pane", "-p", "-J", "-t", name).splitlines()

    def screen(self, name: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", name)

    def wait_for(self, name: str, text: str, seconds: float = 15.0) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen(name)
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen after {seconds} s:\n{self.screen(name)}")

    def keys(self, name: str, *keys: str) -> None:
        self.tmux("send-keys", "-t", name, *keys)

    def pid(self, name: str) -> int:
        return int(self.tmux("list-panes", "-t", name, "-F", "#{pane_pid}").strip())

    def quit(self, name: str, seconds: float = 10.0) -> bool:
        """ctrl+q, then wait for acw to end; whether it did within `seconds`."""
        self.keys(name, "C-q")
        deadline = time.monotonic() + seconds
        while self.alive(name) and time.monotonic() < deadline:
            time.sleep(0.1)
        return not self.alive(name)

    def alive(self, name: str) -> bool:
        return (
            subprocess.run(
                ["tmux", "-L", self.socket, "has-session", "-t", name], capture_output=True
            ).returncode
            == 0
        )


@pytest.fixture
def terminal(acw_home: Path) -> Iterator[Terminal]:
    env = {**os.environ, "ACW_HOME": str(acw_home), "ACW_AGENT": "ana", "ACW_SITE": "site-1"}
    # A server of its own per test: a new session on the server the previous test just
    # killed can race that server's exit.
    socket = f"acw-test-{os.getpid()}-{acw_home.parent.name}"
    term = Terminal(socket, env, acw_home.parent / "tmux.conf")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)


def hook(terminal: Terminal, *args: str) -> None:
    subprocess.run([ACW, *args], env=terminal.env, check=True, capture_output=True)


def test_a_wrapup_is_finished_by_keyboard_alone(terminal: Terminal, acw_home: Path) -> None:
    terminal.start("agent")
    terminal.wait_for("agent", "Ready")
    hook(terminal, "call-ended", "--call-id", "E2E-1", "--queue", "billing", "--talk-seconds", "95")
    terminal.wait_for("agent", "ACW · call E2E-1", seconds=5)
    terminal.keys("agent", "-l", "Customer asked why the invoice doubled; explained and credited.")
    terminal.wait_for("agent", "explained and credited.")
    terminal.keys("agent", "C-s")
    terminal.wait_for("agent", "Last ACW")
    assert terminal.quit("agent"), "acw did not quit on ctrl+q"
    db = sqlite3.connect(acw_home / "acw.db")
    row = db.execute(
        "SELECT w.status, w.note, w.acw_seconds > 0, c.queue FROM wrapups w "
        "JOIN calls c ON c.id = w.call_id WHERE c.external_id = 'E2E-1'"
    ).fetchone()
    assert row == (
        "done",
        "Customer asked why the invoice doubled; explained and credited.",
        1,
        "billing",
    )
    last = db.execute(
        "SELECT state FROM agent_states ORDER BY started_at DESC, rowid DESC LIMIT 1"
    ).fetchone()
    assert last == ("logged_out",), db.execute(
        "SELECT state, started_at, ended_at, rowid FROM agent_states ORDER BY rowid"
    ).fetchall()


def test_sigkill_mid_note_loses_nothing(terminal: Terminal, acw_home: Path) -> None:
    terminal.start("first")
    terminal.wait_for("first", "Ready")
    hook(terminal, "call-ended", "--call-id", "E2E-KILL")
    terminal.wait_for("first", "ACW · call E2E-KILL", seconds=5)
    terminal.keys("first", "-l", "card declined twice, customer will call bank")
    terminal.wait_for("first", "Draft saved")
    time.sleep(1.0)  # the at-risk window of SPEC §2; the draft must be on disk after it
    os.kill(terminal.pid("first"), signal.SIGKILL)

    terminal.start("second")
    shown = terminal.wait_for("second", "card declined twice, customer will call bank")
    assert "ACW · call E2E-KILL" in shown
    db = sqlite3.connect(acw_home / "acw.db")
    status = db.execute("SELECT status FROM wrapups").fetchall()
    assert status == [("open",)]
    # ... and the note is finished and the program quits as after any start.
    terminal.keys("second", "C-s")
    terminal.wait_for("second", "Last ACW")
    assert terminal.quit("second")
    assert db.execute("SELECT status, note FROM wrapups").fetchall() == [
        ("done", "card declined twice, customer will call bank")
    ]


def test_sigkill_of_a_window_typing_after_another_finished_loses_nothing(
    terminal: Terminal, acw_home: Path
) -> None:
    """Two acw windows on one wrap-up; the second finishes it while the first has text
    its note lacks. The first says so and the agent types on; killed then, what was
    typed after the finish reaches the note at the next start."""
    terminal.start("first")
    terminal.wait_for("first", "Ready")
    hook(terminal, "call-ended", "--call-id", "E2E-TWO")
    terminal.wait_for("first", "ACW · call E2E-TWO", seconds=5)
    terminal.keys("first", "-l", "address change asked")
    terminal.wait_for("first", "Draft saved")
    terminal.start("second")  # opens the same wrap-up, showing the first's draft
    terminal.wait_for("second", "address change asked")
    terminal.keys("first", "-l", " and new phone")
    terminal.wait_for("first", "and new phone")
    terminal.keys("second", "C-s")  # finishes with the text it showed
    terminal.wait_for("second", "Last ACW")
    terminal.wait_for("first", "finished in another acw window")
    terminal.keys("first", "-l", ", mail to follow")
    terminal.wait_for("first", "mail to follow")
    time.sleep(1.0)  # the at-risk window of SPEC §2, as for any typing
    os.kill(terminal.pid("first"), signal.SIGKILL)
    assert terminal.quit("second")

    terminal.start("third")
    terminal.wait_for("third", "Ready")
    assert terminal.quit("third")
    db = sqlite3.connect(acw_home / "acw.db")
    assert db.execute("SELECT status, note FROM wrapups").fetchall() == [
        ("done", "address change asked\n\naddress change asked and new phone, mail to follow")
    ]
    assert db.execute("SELECT COUNT(*) FROM drafts").fetchone() == (0,)


def ended(group: int) -> bool:
    """No process of the group runs (one that exited may wait for tmux to reap it)."""
    states = subprocess.run(
        ["ps", "-o", "stat=", "-g", str(group)], capture_output=True, text=True
    ).stdout.split()
    return all(state.startswith("Z") for state in states)


@pytest.mark.parametrize(
    "signum", [signal.SIGHUP, signal.SIGTERM, None], ids=["SIGHUP", "SIGTERM", "window closed"]
)
def test_a_closed_terminal_or_a_stop_request_saves_and_logs_out(
    terminal: Terminal, acw_home: Path, signum: int | None
) -> None:
    """The terminal window closed (SIGHUP) or the system asks acw to stop (SIGTERM):
    text typed a moment before is saved, and the agent is logged out, as ctrl+q does;
    both were skipped (the state log kept the agent in ACW through the night)."""
    terminal.start("agent")
    terminal.wait_for("agent", "Ready")
    hook(terminal, "call-ended", "--call-id", "E2E-HUP")
    terminal.wait_for("agent", "ACW · call E2E-HUP", seconds=5)
    terminal.keys("agent", "-l", "customer hung up mid-sentence")
    terminal.wait_for("agent", "mid-sentence")
    # The terminal's process group, acw in it (tmux may start it through a shell), as
    # a closing terminal or a service manager signals it.
    group = os.getpgid(terminal.pid("agent"))
    if signum is None:  # the terminal itself goes: SIGHUP, and nothing more can be drawn
        terminal.tmux("kill-session", "-t", "agent")
    else:
        os.killpg(group, signum)  # at once: before the next draft save
    deadline = time.monotonic() + 10
    while not ended(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ended(group), "acw did not stop"
    db = sqlite3.connect(acw_home / "acw.db")
    assert db.execute("SELECT note FROM drafts").fetchall() == [("customer hung up mid-sentence",)]
    last = db.execute(
        "SELECT state FROM agent_states WHERE agent_id = 'ana' ORDER BY started_at DESC, rowid DESC"
    ).fetchone()
    assert last == ("logged_out",)


def test_started_with_a_wrapup_pending_then_the_next_hook_shows_within_a_second(
    terminal: Terminal, acw_home: Path
) -> None:
    hook(terminal, "call-ended", "--call-id", "E2E-FIRST")  # before acw is opened
    terminal.start("agent")
    terminal.wait_for("agent", "ACW · call E2E-FIRST")
    terminal.keys("agent", "-l", "first call of the shift")
    terminal.wait_for("agent", "first call of the shift")
    terminal.keys("agent", "C-s")
    terminal.wait_for("agent", "Last ACW")  # the ready screen, alive and painted
    hook(terminal, "call-ended", "--call-id", "E2E-NEXT")
    started = time.monotonic()
    terminal.wait_for("agent", "ACW · call E2E-NEXT", seconds=5)
    assert time.monotonic() - started < 1.5  # SPEC §7: within a second (+ tmux polling)
    assert "Traceback" not in terminal.screen("agent")


def test_a_wrapup_is_finished_in_chinese(terminal: Terminal, acw_home: Path) -> None:
    # `locale = "zh"` in the config: the screen speaks Chinese (double-width text in a
    # real terminal), and a wrap-up is finished by keyboard alone all the same.
    (acw_home / "config.toml").write_text('locale = "zh"\n', encoding="utf-8")
    terminal.start("agent")
    terminal.wait_for("agent", "待办收尾")  # "Pending wrap-ups" on the ready screen
    hook(terminal, "call-ended", "--call-id", "E2E-ZH", "--queue", "billing")
    terminal.wait_for("agent", "ACW · 通话 E2E-ZH", seconds=5)
    terminal.keys("agent", "-l", "refund sent")
    terminal.wait_for("agent", "refund sent")
    terminal.keys("agent", "C-s")
    terminal.wait_for("agent", "上次 ACW")  # "Last ACW": back on the ready screen
    assert "Traceback" not in terminal.screen("agent")
    assert terminal.quit("agent")
    db = sqlite3.connect(acw_home / "acw.db")
    assert db.execute("SELECT status, note FROM wrapups").fetchall() == [("done", "refund sent")]


def test_quitting_while_a_sync_waits_for_a_hub_that_is_down(
    terminal: Terminal, acw_home: Path
) -> None:
    # F7, s: a sync starts against a hub that refuses connections, and retries it for a
    # minute. ctrl+q must end the program now, not once the retrying gives up: the sync
    # resumes from the hub's mark next time, so nothing is lost by leaving it.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    (acw_home / "config.toml").write_text(
        f'[sync]\nhub_url = "http://127.0.0.1:{port}"\ntoken = "t"\nretry_seconds = 60\n',
        encoding="utf-8",
    )
    terminal.start("agent")
    terminal.wait_for("agent", "Ready")
    terminal.keys("agent", "F7")
    terminal.wait_for("agent", "Sync now")
    terminal.keys("agent", "s")
    terminal.wait_for("agent", "Syncing")
    time.sleep(0.5)  # a retry or two
    assert terminal.quit("agent", 5), "acw waited for the sync after ctrl+q"


def two_windows_on_a_call(terminal: Terminal, call_id: str) -> None:
    """acw opened twice on one store ("first", "second"); the hook's wrap-up opens in both."""
    for name in ("first", "second"):
        terminal.start(name)
        terminal.wait_for(name, "Ready")
    hook(terminal, "call-ended", "--call-id", call_id)
    for name in ("first", "second"):
        terminal.wait_for(name, f"ACW · call {call_id}", seconds=5)


def test_two_windows_on_one_wrapup_lose_neither_note(terminal: Terminal, acw_home: Path) -> None:
    """acw opened twice on one store: the hook's wrap-up opens in both. The agent writes
    in each, finishes in one and leaves the other: the stored note holds both texts."""
    two_windows_on_a_call(terminal, "E2E-TWO")
    terminal.keys("first", "-l", "refund issued for the double charge")
    terminal.keys("second", "-l", "customer also moved house, address updated")
    terminal.wait_for("second", "address updated")
    terminal.keys("first", "C-s")
    terminal.wait_for("first", "Last ACW")
    terminal.wait_for("second", "finished in another acw window")
    terminal.keys("second", "Escape")
    terminal.wait_for("second", "Added to the note")
    db = sqlite3.connect(acw_home / "acw.db")
    assert db.execute("SELECT status, note FROM wrapups").fetchall() == [
        (
            "done",
            "refund issued for the double charge\n\ncustomer also moved house, address updated",
        )
    ]


def test_text_left_in_one_window_survives_the_other_finishing(
    terminal: Terminal, acw_home: Path
) -> None:
    """acw opened twice on one store: the agent types in both, leaves the wrap-up in the
    second (esc), goes on in the first and finishes there. The second window's text is
    added to the note; quitting the second window does not log the agent out."""
    two_windows_on_a_call(terminal, "E2E-LEFT")
    terminal.keys("second", "-l", "customer also moved house")
    terminal.wait_for("second", "Draft saved")
    terminal.keys("second", "Escape")
    terminal.wait_for("second", "Pending wrap-ups 1")
    terminal.keys("first", "-l", "refund issued for the double charge")
    terminal.wait_for("first", "Draft saved")
    terminal.keys("first", "C-s")
    terminal.wait_for("first", "Last ACW")
    terminal.wait_for("second", "Added to the note")
    db = sqlite3.connect(acw_home / "acw.db")
    assert db.execute("SELECT status, note FROM wrapups").fetchall() == [
        ("done", "refund issued for the double charge\n\ncustomer also moved house")
    ]

    assert terminal.quit("second")
    states = "SELECT state FROM agent_states WHERE ended_at IS NULL"
    assert db.execute(states).fetchall() == [("ready",)]  # the first window is still open
    assert terminal.quit("first")
    assert db.execute(states).fetchall() == [("logged_out",)]


def test_quitting_under_a_store_another_program_holds_says_why_in_one_line(
    terminal: Terminal, acw_home: Path
) -> None:
    """ctrl+q while another program holds the store: acw leaves within seconds, and the
    line saying where the text went is one line, not wrapped at the terminal's width."""
    hook(terminal, "call-ended", "--call-id", "HELD-1")
    terminal.start("held", shell=True)
    terminal.wait_for("held", "HELD-1")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_STORE, str(acw_home / "acw.db")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        terminal.keys("held", "-l", "typed while held")
        time.sleep(1.5)  # a draft save is waiting for the lock
        started = time.monotonic()
        terminal.keys("held", "C-q")
        terminal.wait_for("held", "[acw ended: 1]", seconds=20)
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
    said = [line for line in terminal.lines("held") if "locked by another program" in line]
    assert len(said) == 1 and "unsaved-drafts" in said[0], terminal.lines("held")
    kept = list((acw_home / "unsaved-drafts").iterdir())
    assert [p.read_text(encoding="utf-8") for p in kept] == ["typed while held"]


HOLD_THE_STORE = """
import sqlite3, sys, time
held = sqlite3.connect(sys.argv[1], isolation_level=None)
held.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
time.sleep(120)
"""


def test_a_coloured_paste_undo_and_a_lone_semicolon_in_a_real_terminal(
    terminal: Terminal, acw_home: Path
) -> None:
    """Through the real terminal's key parser: a bracketed paste of coloured text comes
    whole, in order and without its escapes; ctrl+z twice then ctrl+y leaves the cursor
    after the space it gave back; a `;` typed alone, then a pause, then a space is kept."""
    terminal.start("agent")
    terminal.wait_for("agent", "Ready")
    hook(terminal, "call-ended", "--call-id", "E2E-P", "--queue", "billing")
    terminal.wait_for("agent", "ACW · call E2E-P", seconds=5)
    pasted = acw_home.parent / "pasted.txt"
    pasted.write_bytes(b"A colored \x1b[31mred\x1b[0m text")
    terminal.tmux("load-buffer", "-b", "pasted", str(pasted))
    terminal.tmux("paste-buffer", "-p", "-b", "pasted", "-t", "agent")
    terminal.wait_for("agent", "A colored red text")
    terminal.keys("agent", "-l", " cx ")
    terminal.wait_for("agent", "text customer")
    terminal.keys("agent", "C-z")
    terminal.wait_for("agent", "text cx")
    terminal.keys("agent", "C-z", "C-y")
    time.sleep(0.5)
    terminal.keys("agent", "-l", "called done")
    terminal.keys("agent", "-H", "3b")  # `;` alone: tmux reads a lone `;` argument as its own
    time.sleep(0.5)
    terminal.keys("agent", "-l", " ok")
    terminal.wait_for("agent", "cx called done; ok")
    terminal.keys("agent", "C-s")
    terminal.wait_for("agent", "Last ACW")
    assert terminal.quit("agent"), "acw did not quit on ctrl+q"
    db = sqlite3.connect(acw_home / "acw.db")
    assert db.execute("SELECT note FROM wrapups").fetchone() == (
        "A colored red text cx called done; ok",
    )
