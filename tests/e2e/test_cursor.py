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


def until(condition, seconds: float = 15) -> bool:  # type: ignore[no-untyped-def]
    # As long as the suite's other waits for the screen (Terminal.wait_for): in a full
    # run the cursor once reached the caret just after a 5 s wait had given up.
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def assert_cursor_at(term: Terminal, name: str, typed: str, before_caret: str) -> None:
    """The cursor reaches the caret (it moves with the frame after the key)."""
    reached = until(lambda: cursor(term, name) == caret_after(term, name, typed, before_caret))
    # Where it is and where it should be, with the screen: a miss says which frame lagged.
    where = (cursor(term, name), caret_after(term, name, typed, before_caret))
    assert reached, f"cursor at {where[0]}, caret at {where[1]}\n{term.screen(name)}"


def open_wrapup(term: Terminal, call_id: str, config: str = "") -> None:
    """acw started in tmux (with `config` in config.toml), a call ended, its ACW screen up."""
    if config:
        (Path(term.env["ACW_HOME"]) / "config.toml").write_text(config, encoding="utf-8")
    term.start("agent")
    term.wait_for("agent", "Ready")
    hook(term, "call-ended", "--call-id", call_id, "--queue", "billing")
    term.wait_for("agent", f"ACW · call {call_id}", seconds=5)


def test_the_terminal_cursor_is_at_the_caret(terminal: Terminal) -> None:  # noqa: F811
    open_wrapup(terminal, "E2E-CUR", "[acw]\ntimeout_seconds = 600\n")

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


def cursor_shown(term: Terminal, name: str) -> bool:
    return term.tmux("display", "-p", "-t", name, "#{cursor_flag}").strip() == "1"


def test_the_terminal_cursor_shows_while_typing_and_hides_elsewhere(
    terminal: Terminal,  # noqa: F811
) -> None:
    terminal.start("agent")
    terminal.wait_for("agent", "Ready")
    assert until(lambda: not cursor_shown(terminal, "agent")), "shown on the ready screen"
    hook(terminal, "call-ended", "--call-id", "E2E-SHOW", "--queue", "billing")
    terminal.wait_for("agent", "ACW · call E2E-SHOW", seconds=5)
    terminal.keys("agent", "-l", "refund sent")
    terminal.wait_for("agent", "refund sent")
    assert until(lambda: cursor_shown(terminal, "agent")), "hidden in the notes"
    terminal.keys("agent", "F3")  # the pending list: a highlight, no caret
    terminal.wait_for("agent", "Pending")
    assert until(lambda: not cursor_shown(terminal, "agent")), "shown over a list"
    terminal.keys("agent", "Escape")
    terminal.wait_for("agent", "ACW · call E2E-SHOW")
    assert until(lambda: cursor_shown(terminal, "agent")), "hidden back in the notes"


def test_the_terminal_cursor_can_stay_hidden(terminal: Terminal) -> None:  # noqa: F811
    open_wrapup(terminal, "E2E-HIDE", "[display]\nterminal_cursor = false\n")
    terminal.keys("agent", "-l", "refund sent")
    terminal.wait_for("agent", "refund sent")
    assert_cursor_at(terminal, "agent", "refund sent", "refund sent")  # placed, not shown
    assert not cursor_shown(terminal, "agent")
