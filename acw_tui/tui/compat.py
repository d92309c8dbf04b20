"""The only place that touches Textual's private API. `tests/tui/test_compat.py` fails
loudly, naming the attribute, when a Textual upgrade changes one of these.

- `MessagePump._dispatch_message`: an exception in a handler ends that widget's or
  screen's message loop for good. `guard_dispatch` turns it into a call to the app's
  `unexpected_error` instead, and the loop goes on: the agent keeps a working screen.
- `App._handle_exception`: where Textual sends what escapes timers, workers and
  start-up; `LastResort` routes it to the same place instead of exiting at once.
"""

from __future__ import annotations

from asyncio import CancelledError
from typing import Any

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump

_original_dispatch = MessagePump._dispatch_message


async def _guarded_dispatch(self: MessagePump, message: Message) -> None:
    try:
        await _original_dispatch(self, message)
    except CancelledError:
        raise
    except Exception as error:
        try:
            handler = getattr(self.app, "unexpected_error", None)
        except Exception:
            handler = None
        if handler is None:
            raise
        handler(error)


def guard_dispatch() -> None:
    """Install the guard (once; apps without `unexpected_error` are not affected)."""
    if MessagePump._dispatch_message is not _guarded_dispatch:
        MessagePump._dispatch_message = _guarded_dispatch  # type: ignore[method-assign]


class LastResort(App[Any]):
    """An app whose unhandled exceptions go to `unexpected_error` (which decides whether
    the app can go on) rather than straight to Textual's exit with a traceback."""

    def unexpected_error(self, error: BaseException) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _handle_exception(self, error: Exception) -> None:
        self.unexpected_error(error)
