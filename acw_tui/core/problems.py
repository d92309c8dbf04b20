"""One finding about a data file a lead maintains (templates, codes, quality rules):
file, line, what is wrong. Loaders and lint report them; the CLI prints them.

A finding keeps its message as an English template and parameters as well as filled in,
so the command line and the screen show it in the reader's language (`acw_tui.i18n.said`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from acw_tui.errors import fill

Say = Callable[[str, Mapping[str, Any]], str]


@dataclass(frozen=True)
class Problem:
    """One finding of a loader or of lint: file, line, what is wrong."""

    path: str
    line: int | None
    message: str  # in English, filled in
    severity: str = "error"  # "error" or "warning"
    template: str = ""  # the message's catalog id; "" when it is shown as written
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(
        cls, path: str, line: int | None, template: str, severity: str = "error", **params: Any
    ) -> Problem:
        """A finding whose message is `template` filled with `params`."""
        return cls(path, line, fill(template, params), severity, template, tuple(params.items()))

    @classmethod
    def of_error(
        cls, path: str, line: int | None, error: BaseException, severity: str = "error"
    ) -> Problem:
        """A finding saying what `error` says, with its template when it kept one."""
        template = getattr(error, "template", "") or ""
        params = getattr(error, "params", None) or {}
        return cls(path, line, str(error), severity, template, tuple(params.items()))

    def shown(self, say: Say = fill) -> str:
        """FILE:LINE: severity: message, with `say` giving each text in the reader's language."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = say(self.template, dict(self.params)) if self.template else say(self.message, {})
        return f"{where}: {say(self.severity, {})}: {text}"

    def __str__(self) -> str:
        return self.shown()
