"""Rendering a note: the template's text with the form's values and the agent's notes.

Empty optional fields render cleanly: a line whose every `{{ … }}` came out empty
(e.g. `Budget: {{ budget }}` with no budget) is dropped, `None` is never printed, and
runs of blank lines collapse to one. A template that fails (a syntax error, a reach
for Python internals, an endless loop, megabytes of output) gives a RenderedNote with
the error naming the template and a plain fallback text (each field's label and value,
then the notes), so the agent can still finish and nothing typed is lost.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

from jinja2 import Template, TemplateSyntaxError, meta, pass_context
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import SecurityError

from acw_tui.core.templates.model import FieldSpec, NoteTemplate
from acw_tui.core.templates.note import YES_NO, RenderedNote, plain_note
from acw_tui.core.templates.sandbox import (
    LimitExceeded,
    NoteSandbox,
    RenderLimits,
    WorkExhausted,
    work_budget,
)
from acw_tui.core.templates.values import RESERVED_CHARS
from acw_tui.errors import N_, Phrase

EMPTY, FILLED = RESERVED_CHARS[0], RESERVED_CHARS[1]
YES_NO_KEY = "__yes_no__"


@pass_context
def _finalize(context: Context, value: Any) -> str:
    """Mark each printed value as empty or filled, for `tidy` to find empty lines."""
    if value is None or isinstance(value, Undefined) or value == "":
        return EMPTY
    if isinstance(value, bool):
        yes, no = context.get(YES_NO_KEY, YES_NO["en"])
        return FILLED + (yes if value else no)
    env = context.environment
    if isinstance(env, NoteSandbox):
        # Printed text is built text too: a block `{% set %}` that prints a value twice
        # per loop would otherwise double it unchecked.
        env.check_printed(value)
    return FILLED + str(value)


class NoteRenderer:
    """Compiles each template once and renders it within the limits."""

    def __init__(self, limits: RenderLimits | None = None) -> None:
        self.limits = limits or RenderLimits()
        self.env = NoteSandbox(self.limits, finalize=_finalize)
        # Templates that ran out of steps or time: not tried again on every keystroke.
        self._exhausted: dict[tuple[str, str], Phrase] = {}

    @functools.lru_cache(maxsize=64)  # noqa: B019 — one renderer per screen or command
    def compile(self, body: str, name: str, filename: str) -> tuple[Template, bool]:
        """(compiled template, whether it prints the notes itself)."""
        code = self.env.compile(body, name=name, filename=filename)
        template = self.env.template_class.from_code(
            self.env, code, self.env.make_globals(None), None
        )
        uses_notes = "notes" in meta.find_undeclared_variables(self.env.parse(body))
        return template, uses_notes

    def render(
        self,
        template: NoteTemplate,
        values: Mapping[str, Any],
        notes: str = "",
        *,
        codes: Iterable[str] = (),
        code_labels: Iterable[str] = (),
        call: Mapping[str, Any] | None = None,
        agent: str = "",
        fields: Iterable[FieldSpec] | None = None,
    ) -> RenderedNote:
        notes = "".join(ch for ch in notes if ch not in RESERVED_CHARS).strip("\n").rstrip()
        context = {
            **{k: v for k, v in values.items() if k not in ("notes",)},
            "notes": notes,
            "codes": list(codes),
            "code_labels": list(code_labels),
            "call": dict(call or {}),
            "agent": agent,
        }
        form_fields = tuple(fields) if fields is not None else template.fields
        exhausted = self._exhausted.get((template.key, template.body))
        try:
            if exhausted:
                raise _Failure(exhausted)
            text, uses_notes = self._render(template, context)
        except _Failure as failure:
            if failure.exhausted:
                self._exhausted[(template.key, template.body)] = failure.phrase
            fallback = plain_note(form_fields, values, notes, template.locale)
            problem = Phrase(N_("{where}: {problem}"), where=template.where, problem=failure.phrase)
            return RenderedNote(fallback, problem)
        # Fields a code added to the form but the template does not print still
        # belong in the note: as plain lines, before the agent's notes.
        printed = self.printed_names(template)
        extra = plain_note(
            [f for f in form_fields if f.name not in printed], values, "", template.locale
        )
        if extra:
            # After the first block of label lines, so it stays above the notes.
            cut = text.find("\n\n")
            text = f"{text[:cut]}\n{extra}{text[cut:]}" if cut >= 0 else f"{text}\n{extra}"
        if notes and not uses_notes:
            text = f"{text}\n\n{notes}" if text else notes
        return RenderedNote(text.strip("\n"))

    def printed_names(self, template: NoteTemplate) -> set[str]:
        try:
            return referenced_names(self.env, template.body)
        except TemplateSyntaxError:
            return set()

    def _render(self, template: NoteTemplate, context: dict[str, Any]) -> tuple[str, bool]:
        where = template.where
        try:
            compiled, uses_notes = self.compile(template.body, template.key, where)
        except TemplateSyntaxError as exc:
            line = (exc.lineno or 1) + template.body_line - 1
            raise _Failure(
                Phrase(N_("line {line}: syntax error: {detail}"), line=line, detail=exc.message)
            ) from None
        context[YES_NO_KEY] = YES_NO.get(template.locale, YES_NO["en"])
        parts: list[str] = []
        size = 0
        # What the agent typed may be long (a big paste); only the template's own
        # additions are limited.
        typed = sum(len(str(v)) for k, v in context.items() if k != YES_NO_KEY)
        limit = self.limits.max_output + typed
        try:
            with work_budget(self.limits, typed):
                chunks = compiled.generate(context)
                for chunk in chunks:
                    parts.append(chunk)
                    size += len(chunk)
                    if size > limit:
                        raise _Failure(
                            Phrase(
                                N_("stopped{at}: {reason}"),
                                at=_suspended_at(chunks, compiled, template),
                                reason=Phrase(
                                    N_("the note grew past {most} characters"),
                                    most=self.limits.max_output,
                                ),
                            )
                        )
        except _Failure:
            raise
        except SecurityError as exc:
            raise _Failure(
                Phrase(
                    N_("refused{at}: {detail}"),
                    at=_at(exc.__traceback__, template),
                    detail=str(exc),
                )
            ) from None
        except LimitExceeded as exc:
            raise _Failure(
                Phrase(
                    N_("stopped{at}: {reason}"),
                    at=_at(exc.__traceback__, template),
                    reason=exc.phrase,
                ),
                exhausted=isinstance(exc, WorkExhausted),
            ) from None
        except RecursionError as exc:
            raise _Failure(
                Phrase(
                    N_("stopped{at}: {reason}"),
                    at=_at(exc.__traceback__, template),
                    reason=Phrase(N_("macros call themselves too deeply")),
                )
            ) from None
        except Exception as exc:  # any other mistake of the template's author
            raise _Failure(
                Phrase(
                    N_("failed{at}: {kind}: {detail}"),
                    at=_at(exc.__traceback__, template),
                    kind=type(exc).__name__,
                    detail=str(exc),
                )
            ) from None
        return tidy("".join(parts)), uses_notes


class _Failure(Exception):
    def __init__(self, phrase: Phrase, exhausted: bool = False) -> None:
        super().__init__(str(phrase))
        self.phrase = phrase
        self.exhausted = exhausted


def _at(tb: TracebackType | None, template: NoteTemplate) -> Phrase | str:
    """' at line N' for the innermost frame of the template, if there is one."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == template.where:
            line = tb.tb_lineno
        tb = tb.tb_next
    if not line:
        return ""
    return Phrase(N_(" at line {line}"), line=line + template.body_line - 1)


def _suspended_at(
    chunks: Iterator[str], compiled: Template, template: NoteTemplate
) -> Phrase | str:
    """' at line N' for where a render paused (the line that printed the last text):
    the innermost generator frame of the template, mapped to its line."""
    line = None
    current: Any = chunks
    while current is not None:
        frame = getattr(current, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == template.where:
            line = compiled.get_corresponding_lineno(frame.f_lineno)
        current = getattr(current, "gi_yieldfrom", None)
    if not line:
        return ""
    return Phrase(N_(" at line {line}"), line=line + template.body_line - 1)


def tidy(text: str) -> str:
    """Drop lines whose every field was empty, trailing spaces and extra blank lines."""
    lines: list[str] = []
    for line in text.split("\n"):
        if EMPTY in line and FILLED not in line:
            continue
        line = line.replace(EMPTY, "").replace(FILLED, "").rstrip()
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    return "\n".join(lines).strip("\n")


@functools.lru_cache(maxsize=64)
def _names(env: NoteSandbox, body: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(env.parse(body)))


def referenced_names(env: NoteSandbox, body: str) -> set[str]:
    return set(_names(env, body))
