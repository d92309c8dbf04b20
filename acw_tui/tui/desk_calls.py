"""The one path from the screen to the desk.

Reads run at once on the screen's thread (their own connection, which never waits on a
write lock under WAL), except the few that may take long (a search through every note,
the outbox counted), which run on an aside thread (`service/aside_reads.py`). Writes
run one after another on a single store thread, so a store that is locked or slow makes
a write wait there, never the typing. Either way a DeskError becomes one visible
message, and anything unexpected goes to the app's crash path; no handler, timer or
worker lets an exception reach Textual.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from acw_tui.errors import AcwError

if TYPE_CHECKING:
    from acw_tui.service.aside_reads import AsideReads
    from acw_tui.tui.app import AcwApp

T = TypeVar("T")


class DeskCalls:
    def __init__(self, app: AcwApp) -> None:
        self.app = app
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acw-store")
        self._aside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acw-aside")
        self._in_flight: set[asyncio.Future[Any]] = set()

    def read(self, call: Callable[[], T], *, what: str = "") -> T | None:
        """The call's result, or None after showing why it failed."""
        try:
            return call()
        except AcwError as exc:
            self.app.show_problem(exc, what)
            return None

    def write(
        self,
        call: Callable[[], T],
        *,
        done: Callable[[T], None] | None = None,
        failed: Callable[[AcwError], None] | None = None,
        what: str = "",
    ) -> asyncio.Future[T]:
        """Run `call` on the store thread; `done` or `failed` then run on the screen's
        thread. Without `failed`, a DeskError is shown as a message."""
        return self._submit(self._writer, call, done, failed, what)

    def read_aside(
        self,
        call: Callable[[], T],
        *,
        done: Callable[[T], None],
        failed: Callable[[AcwError], None] | None = None,
        what: str = "",
    ) -> asyncio.Future[T]:
        """Run `call` on the aside thread (a read that may take long); `done` or
        `failed` then run on the screen's thread, as for `write`."""
        return self._submit(self._aside, call, done, failed, what)

    def close_aside(self, reads: AsideReads) -> None:
        """A screen's long reads, done with: the one running is stopped, and their
        connection is closed on the aside thread, after any read still queued there."""
        reads.ask()
        self.read_aside(reads.close, done=lambda _closed: None)

    def _submit(
        self,
        executor: ThreadPoolExecutor,
        call: Callable[[], T],
        done: Callable[[T], None] | None,
        failed: Callable[[AcwError], None] | None,
        what: str,
    ) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.run_in_executor(executor, call)
        self._in_flight.add(future)
        future.add_done_callback(functools.partial(self._finished, done, failed, what))
        return future

    def _finished(
        self,
        done: Callable[[Any], None] | None,
        failed: Callable[[AcwError], None] | None,
        what: str,
        future: asyncio.Future[Any],
    ) -> None:
        self._in_flight.discard(future)
        if not self.app.screen_stack:
            # The app is closing and its screens are gone: the write itself is done
            # (or refused, and quitting already kept the drafts); there is nobody left
            # to show its result to.
            return
        try:
            try:
                result = future.result()
            except AcwError as exc:
                if failed is not None:
                    failed(exc)
                else:
                    self.app.show_problem(exc, what)
                return
            if done is not None:
                done(result)
        except asyncio.CancelledError:
            return
        except Exception as error:
            self.app.unexpected_error(error, what)

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    async def settled(self) -> None:
        """Wait until every write asked for so far (and those they led to) is done."""
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)
            await asyncio.sleep(0)

    def run_now(self, call: Callable[[], T]) -> T:
        """Run on the store thread and wait (only when leaving: quitting, a crash)."""
        return self._writer.submit(call).result()

    def close(self) -> None:
        self._aside.shutdown(wait=True)
        self._writer.shutdown(wait=True)
