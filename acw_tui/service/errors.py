"""The desk's one error type, and the wrapper that turns any failure underneath into it."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from acw_tui.errors import N_, AcwError

if TYPE_CHECKING:
    from acw_tui.core.model import Wrapup

P = ParamSpec("P")
R = TypeVar("R")


class DeskError(AcwError):
    """The desk refused or could not do what was asked; the message says what and why."""


class DeskBusy(DeskError):
    """Another program held the store's write lock for longer than acw waits: the same
    call may well succeed a moment later."""


class StoreFileGone(DeskError):
    """The file this desk's store opened is no longer at its path (moved, replaced,
    deleted; see store.database.StoreGone): nothing more is written to it. A desk
    opened again (`Desk.reopened`) writes to the file at the path now."""


class AlreadyEnded(DeskError):
    """The call has already ended (its wrap-up exists): a repeated or late report."""


class WrapupClosed(DeskError):
    """The wrap-up was finished or discarded (by another acw window on the same store,
    when the caller still held it open): `wrapup` is it as stored now."""

    def __init__(self, wrapup: Wrapup) -> None:
        super().__init__(N_("this wrap-up is already finished"))
        self.wrapup = wrapup


def service_call(method: Callable[P, R]) -> Callable[P, R]:
    """Whatever fails underneath reaches the caller as one DeskError with its message."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except DeskError:
            raise
        except (AcwError, sqlite3.Error, OSError) as exc:
            from acw_tui.store.database import StoreBusy, StoreGone, is_busy
            from acw_tui.user_errors import one_line

            busy = isinstance(exc, StoreBusy) or (isinstance(exc, sqlite3.Error) and is_busy(exc))
            kind = DeskBusy if busy else StoreFileGone if isinstance(exc, StoreGone) else DeskError
            raise kind(one_line(exc)) from exc

    return wrapper
