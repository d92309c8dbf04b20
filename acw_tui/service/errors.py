"""The desk's one error type, and the wrapper that turns any failure underneath into it."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from acw_tui.errors import AcwError

P = ParamSpec("P")
R = TypeVar("R")


class DeskError(AcwError):
    """The desk refused or could not do what was asked; the message says what and why."""


class AlreadyEnded(DeskError):
    """The call has already ended (its wrap-up exists): a repeated or late report."""


def service_call(method: Callable[P, R]) -> Callable[P, R]:
    """Whatever fails underneath reaches the caller as one DeskError with its message."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except DeskError:
            raise
        except (AcwError, sqlite3.Error, OSError) as exc:
            from acw_tui.user_errors import one_line

            raise DeskError(one_line(exc)) from exc

    return wrapper
