"""Work the program may leave behind when it quits: on a daemon thread.

Textual's thread workers run on the event loop's default executor, and the interpreter
joins those threads at exit. A sync retrying a hub that is down held `acw` for its whole
retry time (a minute by default) after ctrl+q, the terminal already given back. Work
started here is not waited for at exit; use it only for work that is safe to abandon
midway, as a sync is (the next one resumes from the hub's mark, like after a kill).

The method runs with the caller's context (so `self.app` works on the thread), and an
exception it lets out goes to the app's crash path instead of the terminal.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any, Concatenate, ParamSpec, TypeVar

from textual.message_pump import MessagePump

P = ParamSpec("P")
Pump = TypeVar("Pump", bound=MessagePump)


def abandoned_at_exit(
    method: Callable[Concatenate[Pump, P], None],
) -> Callable[Concatenate[Pump, P], None]:
    """Decorate a widget's or screen's method: calling it starts it on a daemon thread."""

    @functools.wraps(method)
    def start(self: Pump, *args: P.args, **kwargs: P.kwargs) -> None:
        app = self.app

        def run() -> None:
            try:
                method(self, *args, **kwargs)
            except Exception as exc:  # a bug here must not print over the agent's screen
                unexpected: Callable[..., Any] | None = getattr(app, "unexpected_error", None)
                if unexpected is not None:
                    with suppress(RuntimeError):  # the app has closed meanwhile
                        app.call_from_thread(unexpected, exc, method.__name__)

        context = contextvars.copy_context()
        threading.Thread(
            target=context.run, args=(run,), name=f"acw-{method.__name__}", daemon=True
        ).start()

    return start
