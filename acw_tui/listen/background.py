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
from typing import TYPE_CHECKING

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
        try:
            listener = build_listener(self.chosen, self.desk, log.info)
            self._task = loop.create_task(listener.run())
            self._started.set()
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except ListenError as exc:
            self.failure = exc  # refused credentials: its state in the store says so
        except Exception as exc:  # a bug must not take the agent's screen down
            self.failure = exc
            log.exception("the phone-system listener stopped")
        finally:
            self._started.set()
            loop.close()
            self.desk.close()

    def stop(self, timeout: float = 5.0) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            # RuntimeError: the loop closed meanwhile, so the listener has stopped already.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(task.cancel)
        self._thread.join(timeout)
