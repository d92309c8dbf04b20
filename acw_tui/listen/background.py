"""The listener inside the screen's process: `[listen] source` in the config starts it.

It runs on a thread of its own with its own event loop and its own Desk (its own store
connection), exactly as a separate `acw listen` would: the screen sees its wrap-ups and
its state the way it sees the hook's, by watching the store. Nothing it does can reach
the screen's own thread as an exception; its state (and why it stopped) is in the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from acw_tui.core.model import ListenerStatus
from acw_tui.errors import Phrase
from acw_tui.listen.event import internal
from acw_tui.listen.runner import Listener
from acw_tui.listen.setup import ListenPlan, build_listener
from acw_tui.listen.source import ListenError

if TYPE_CHECKING:
    from acw_tui.service.desk import Desk

log = logging.getLogger("acw.listen")


class BackgroundListener:
    def __init__(self, chosen: ListenPlan, desk: Desk) -> None:
        self.chosen = chosen
        self.desk = desk
        self.failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="acw-listen", daemon=True)
        if not log.handlers:
            # No log lines over the screen: what matters is in the store for it to show.
            log.addHandler(logging.NullHandler())
            log.propagate = False

    def start(self) -> BackgroundListener:
        self._thread.start()
        self._started.wait(5)
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        listener: Listener | None = None
        try:
            listener = build_listener(self.chosen, self.desk, log.info)
            self._task = loop.create_task(listener.run())
            self._started.set()
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except ListenError as exc:
            self.failure = exc
            if listener is None:  # (a listener that ran has put it in its state itself)
                self._note_failure(Phrase.of_error(exc))
        except Exception as exc:  # a bug must not take the agent's screen down
            self.failure = exc
            log.exception("the phone-system listener stopped")
            self._note_failure(internal(str(self.chosen.spec), exc), listener)
        finally:
            self._started.set()
            loop.close()
            self._desk_of(listener).close()

    def _desk_of(self, listener: Listener | None) -> Desk:
        """The listener's desk: the one it was given, or the one it opened in its place
        when the store's file was replaced (Listener._reopen)."""
        if listener is not None and listener.desk is not None:
            return listener.desk
        return self.desk

    def _note_failure(self, why: str, listener: Listener | None = None) -> None:
        """Put why the listener stopped in the store, where the screen reads its state:
        a listener that stopped must never look connected."""
        status = (
            listener.status
            if listener is not None
            else ListenerStatus(source=str(self.chosen.spec), connected=False)
        )
        status = replace(
            status,
            connected=False,
            detail=why,
            errors=status.errors + 1,
            last_error=why,
            last_error_at=datetime.now(UTC),
        )
        try:
            self._desk_of(listener).note_listener(status)
        except Exception:  # the store itself failing: the log has it, nothing more to do
            log.exception("the phone-system listener's state was not saved")

    def stop(self, timeout: float = 5.0) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            # RuntimeError: the loop closed meanwhile, so the listener has stopped already.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(task.cancel)
        self._thread.join(timeout)
