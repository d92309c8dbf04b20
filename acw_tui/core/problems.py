"""One finding about a data file a lead maintains (templates, codes, quality rules):
file, line, what is wrong. Loaders and lint report them; the CLI prints them.

A finding keeps its message as an English template and parameters as well as filled in,
so the command line and the screen show it in the reader's language (`acw_tui.i18n.said`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acw_tui.core.inputs import is_number_text
from acw_tui.errors import N_, AcwError, fill

Say = Callable[[str, Mapping[str, Any]], str]

# `{file}: …` or `{file}:{line}: …`: how a loader's error names the place at fault.
_WHERE = re.compile(r"^\{file\}(:\{line\})?: ")


def where_removed(template: str) -> str | None:
    """What an error's template says after naming its file and line (None when it does
    not start with them). The catalogs hold these too (acw_tui/i18n_catalogs.py)."""
    found = _WHERE.match(template)
    return template[found.end() :] if found else None


def without_where(error: AcwError) -> tuple[int | None, str, dict[str, Any]]:
    """The line, template and parameters of a loader's error without its file and line:
    a finding names those itself, and the rest keeps its template, so that it reads in
    the reader's language."""
    rest = where_removed(error.template)
    if rest is None:
        return None, error.template or str(error), dict(error.params)
    params = {k: v for k, v in error.params.items() if k not in ("file", "line")}
    line = str(error.params.get("line", ""))
    return (int(line) if is_number_text(line) else None), rest, params


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


CARD_DATA = N_("holds card data or an id (the line would read {redacted}); take it out")


def card_data_lines(text: str) -> list[tuple[int, str]]:
    """Where `text` holds card data or a national id, anywhere (a value, a comment):
    each line with a finding, and that line as it would read redacted (never the value)."""
    from acw_tui.core.redaction import redactor_for

    redacted = redactor_for().redact(text)
    shown = redacted.text.splitlines()
    found: dict[int, str] = {}
    for finding in redacted.findings:
        line = redacted.text.count("\n", 0, finding.start) + 1  # (points into it)
        found.setdefault(line, shown[line - 1] if line <= len(shown) else "")
    return sorted(found.items())


def card_data_in(path: Path | None) -> list[Problem]:
    """A data file a lead maintains (a template, codes, quality rules) holding card data
    or a national id (an example in a help text, a default, a phrase): these files go to
    every agent, and are published to every site."""
    from acw_tui.core.file_bytes import read_file_text

    if path is None or not path.is_file():  # (rules in force without a file of their own)
        return []
    return card_data_in_text(read_file_text(path), str(path))


def card_data_in_text(text: str, source: str) -> list[Problem]:
    """`card_data_in` for a file's text: its first line holding card data or an id."""
    return [
        Problem.of(source, line, CARD_DATA, redacted=repr(shown))
        for line, shown in card_data_lines(text)[:1]
    ]
