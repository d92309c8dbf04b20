"""The one base exception of acw, and the form of every message a person reads.

Each layer raises its own subclass with a message that names the file, line or field
at fault; the command line turns any of them into one line on stderr and a non-zero
exit, and the screen into a notification. Nothing else should reach the user.

A message is kept as its English template and its parameters
(`InputError("{what}: {value} is not a number", what="--limit", value="'x'")`), so it
is translated where it is shown (`acw_tui.i18n.say`), not where it is raised: the core
and the loaders stay free of the language machinery. `make i18n` extracts the
templates (the error classes and `N_` are Babel keywords, see acw_tui/i18n_catalogs.py).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Mapping
from string import Formatter
from typing import Any


def N_(message: str) -> str:
    """Marks `message` for the catalog where it is defined; it is translated where shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural form for the catalog (`ngettext` shows it)."""
    return singular, plural


def fill(template: str, params: Mapping[str, Any]) -> str:
    """`template` with its parameters (as written when there are none: a message that
    quotes a brace, from a file or a library, is not a template)."""
    return template.format(**params) if params else template


class AcwError(Exception):
    """A problem the user can act on; its message is shown as it is (translated)."""

    def __init__(self, template: str = "", /, **params: Any) -> None:
        super().__init__(fill(template, params))
        self.template = template
        self.params = params


class Phrase(str):
    """A piece of a message kept as template and parameters (`rule {rule}` naming where
    in a file a problem is): text like any other, in English, and shown in the reader's
    language when it is a parameter of a message (`acw_tui.i18n.say`)."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Phrase:
        phrase = super().__new__(cls, fill(template, params))
        phrase.template = template
        phrase.params = params
        return phrase

    @classmethod
    def of_error(cls, error: BaseException) -> Phrase:
        """An error as a part of a message: an acw error keeps its template, so it is
        shown in the reader's language; any other error's text is shown as it is."""
        if isinstance(error, AcwError) and error.template:
            return cls(error.template, **error.params)
        return cls(str(error))

    def as_data(self) -> dict[str, Any]:
        """The phrase as JSON-ready data, to be stored and shown later in the language of
        whoever reads it (`from_data`); a parameter is kept as a phrase, a number or text."""

        def kept(value: object) -> object:
            if isinstance(value, Phrase):
                return value.as_data()
            return (
                value
                if isinstance(value, int | float) and not isinstance(value, bool)
                else str(value)
            )

        return {"template": self.template, "params": {k: kept(v) for k, v in self.params.items()}}

    @classmethod
    def from_data(cls, data: object) -> Phrase | None:
        """A phrase stored by `as_data`, or None for anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("template"), str):
            return None
        params = data.get("params")
        if not isinstance(params, dict):
            return None

        def read(value: object) -> object:
            nested = cls.from_data(value)
            if nested is not None:
                return nested
            return value if isinstance(value, int | float) else str(value)

        return cls(data["template"], **{str(k): read(v) for k, v in params.items()})

    def with_text(self, change: Callable[[str], str]) -> Phrase:
        """The phrase with `change` made to every text in it, nested phrases and the
        template's own words too (its placeholders and numbers stay): how a phrase quoting
        outside input is redacted."""

        def changed(value: object) -> object:
            if isinstance(value, Phrase):
                return value.with_text(change)
            return value if isinstance(value, int | float) else change(str(value))

        return Phrase(
            _change_words(self.template, change, templated=bool(self.params)),
            **{k: changed(v) for k, v in self.params.items()},
        )

    @classmethod
    def joined(cls, separator: str, parts: Iterable[object]) -> Phrase:
        """`parts` one after another, each shown in the reader's language on its own
        (a list of reasons, of facts): the template is only their placeholders."""
        named = {f"part{n}": part for n, part in enumerate(parts)}
        return cls(separator.join(f"{{{name}}}" for name in named), **named)


# What the system says went wrong with a file or a connection, for the errors people
# meet: a phrase, so that it reads in the reader's language inside a translated line.
# Any other keeps the system's own words (English).
_OS_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("not permitted"),
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EDQUOT: N_("disk quota exceeded"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EEXIST: N_("it exists already"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.ELOOP: N_("too many symbolic links"),
    errno.EMFILE: N_("too many open files"),
    errno.EIO: N_("input/output error (the disk or its connection)"),
    errno.ECONNREFUSED: N_("connection refused"),
    errno.ECONNRESET: N_("connection reset"),
    errno.ETIMEDOUT: N_("timed out"),
    errno.EHOSTUNREACH: N_("host unreachable"),
    errno.ENETUNREACH: N_("network unreachable"),
    errno.EADDRINUSE: N_("the address is in use"),
    errno.EADDRNOTAVAIL: N_("the address is not on this machine"),
}


def os_reason(exc: OSError) -> str:
    """Why `exc` happened, as a line quotes it: a Phrase for the errors people meet,
    else the system's own text."""
    # Only the system's own errors: an SSL or a name look-up error numbers its own kinds.
    if exc.errno is not None and exc.strerror == os.strerror(exc.errno):
        template = _OS_REASONS.get(exc.errno)
        if template is not None:
            return Phrase(template)
    return exc.strerror or str(exc) or type(exc).__name__


def _change_words(template: str, change: Callable[[str], str], *, templated: bool) -> str:
    """`template` with `change` made to its words, its placeholders kept (a template
    without parameters is text as written: all of it is words)."""
    if not templated:
        return change(template)
    try:
        pieces = list(Formatter().parse(template))
    except ValueError:  # not a template after all
        return change(template)
    out = []
    for words, field, spec, conversion in pieces:
        out.append(change(words).replace("{", "{{").replace("}", "}}"))
        if field is not None:
            shown = f"!{conversion}" if conversion else ""
            out.append(f"{{{field}{shown}{':' + spec if spec else ''}}}")
    return "".join(out)
