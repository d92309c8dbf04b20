"""The real program in tmux: the terminal's own cursor (what magnifiers and braille
displays follow) is at the caret where the agent types — in the notes, after moving
back, with double-width Chinese, and in a dialog's field."""

from __future__ import annotations

import time
from pathlib import Path

from rich.cells import cell_len

from tests.e2e.test_terminal import Terminal, hook, terminal  # noqa: F401 (the fixture)


def cursor(term: Terminal, name: str) -> tuple[int, int]:
    x, y = term.tmux("display", "-p", "-t", name, "#{cursor_x},#{cursor_y}").strip().split(",")
    return int(x), int(y)


def caret_after(term: Terminal, name: str, typed: str, before_caret: str) -> tuple[int, int]:
    """The cell after `before_caret` (a start of `typed`) where `typed` is first drawn
    (the notes editor is above the preview of the stored note, which repeats it)."""
    for y, line in enumerate(term.screen(name).splitlines()):
        if typed in line:
            return cell_len(line[: line.index(typed)] + before_caret), y
    raise AssertionError(f"{typed!r} not on screen:\n{term.screen(name)}")


def assert_cursor_at(term: Terminal, name: str, typed: str, before_caret: str) -> None:
    """The cursor reaches the caret (it moves with the frame after the key)."""
    deadline = time.monotonic() + 5
    while True:
        wanted = caret_after(term, name, typed, before_caret)
        if cursor(term, name) == wanted or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert cursor(term, name) == wanted, term.screen(name)


def test_the_terminal_cursor_is_at_the_caret(terminal: Terminal) -> None:  # noqa: F811
    (Path(terminal.env["ACW_HOME"]) / "config.toml").write_text(
        "[acw]\ntimeout_seconds = 600\n", encoding="utf-8"
    )
    terminal.start("agent")
    terminal.wait_for("agent", "Ready")
    hook(terminal, "call-ended", "--call-id", "E2E-CUR", "--queue", "billing")
    terminal.wait_for("agent", "ACW · call E2E-CUR", seconds=5)

    terminal.keys("agent", "-l", "refund sent")
    terminal.wait_for("agent", "refund sent")
    assert_cursor_at(terminal, "agent", "refund sent", "refund sent")
    terminal.keys("agent", "Left", "Left", "Left", "Left", "Left")
    assert_cursor_at(terminal, "agent", "refund sent", "refund")

    terminal.keys("agent", "End")
    terminal.keys("agent", "-l", " 已退款")  # double width: two cells each
    terminal.wait_for("agent", "refund sent 已退款")
    assert_cursor_at(terminal, "agent", "refund sent 已退款", "refund sent 已退款")

    terminal.keys("agent", "F8")  # the extend dialog: a one-line field
    terminal.wait_for("agent", "Extend ACW by")
    terminal.keys("agent", "-l", "long call")
    terminal.wait_for("agent", "long call")
    assert_cursor_at(terminal, "agent", "long call", "long call")
    terminal.keys("agent", "Escape")  # back to the notes: the cursor comes back too
    terminal.wait_for("agent", "ACW · call E2E-CUR")
    assert_cursor_at(terminal, "agent", "refund sent 已退款", "refund sent 已退款")
