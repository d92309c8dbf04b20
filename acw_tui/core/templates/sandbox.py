"""The Jinja2 sandbox notes are rendered in, with bounds on the work a template may do.

Jinja2's SandboxedEnvironment already refuses access to Python internals
(`''.__class__`, `cycler.__init__.__globals__`). A template is still data written by
a team lead, so the work is bounded too, the same in the screen's preview, in
finishing a note and in lint's trial render (all render through NoteSandbox):

- every operation that builds a text or a list (`*`, `+`, `~`, `replace`, `join`,
  `indent`, `wordwrap`, `sum`, `str.translate`, `str.expandtabs`, …) has its result's
  size worked out *before* it runs and is refused past `max_size`, so
  `('a'*99999)|replace('a','a'*99999)` never allocates its ten gigabytes;
- each render may build at most `max_built` characters in all (its memory), and
  lists, dicts and sets cannot be changed in place (no doubling `l.extend(l)`);
- the output is cut off at `max_output` characters, and a step and time budget (a
  trace function on the rendering thread) stops loops that would run for ever.

What the agent typed (a 1 MB paste in the notes) is not held against the template:
each render's allowances grow by the size of the values it was given.
"""

from __future__ import annotations

import contextvars
import functools
import operator
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace

from acw_tui.errors import N_, Phrase, fill


@dataclass(frozen=True)
class RenderLimits:
    """How far one rendering of a lead's template may go before it is stopped."""

    max_output: int = 100_000  # characters of rendered note
    max_size: int = 100_000  # length of any string or list built by the template
    max_range: int = 10_000  # items of range()
    max_int_argument: int = 100_000  # e.g. width of center(), ljust()
    max_steps: int = 2_000_000  # Python lines executed while rendering
    max_seconds: float = 0.5
    max_built: int = 2_000_000  # characters (or items) of all texts and lists built


@dataclass
class _Allowance:
    """What one render may still build (set by `work_budget`, one per thread)."""

    size: int
    built: int
    spent: int = 0


_ALLOWANCE: contextvars.ContextVar[_Allowance | None] = contextvars.ContextVar(
    "acw_render_allowance", default=None
)


class LimitExceeded(Exception):
    """The template did more work than a note needs; the message says which limit.
    Kept as its template and parameters, so it is shown in the reader's language."""

    def __init__(self, template: str, /, **params: Any) -> None:
        super().__init__(fill(template, params))
        self.phrase = Phrase(template, **params)


class WorkExhausted(LimitExceeded):
    """Out of steps or time: the template will not do better next time."""


class BlankUndefined(Undefined):
    """An unknown name renders as nothing and chains (`call.queue` on no call)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        return self

    def __getitem__(self, key: Any) -> BlankUndefined:  # type: ignore[override]
        return self


class _BoundedCodeGenerator(CodeGenerator):
    """Route `~` through the environment, so a doubling string is caught in time."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else None


def printed_size(value: Any, limit: int) -> int:
    """About how long `str(value)` would be, worked out without building it, stopping
    once past `limit`. A list holding one big text 99 999 times (`[t]*99999`) costs one
    look at the text: an object seen before is counted again from memory."""
    seen: dict[int, int] = {}

    def size(item: Any, depth: int) -> int:
        if isinstance(item, str | bytes):
            return len(item) + 3
        if item is None or isinstance(item, bool | int | float):
            return 24 if not isinstance(item, int) or abs(item) < 10**20 else len(str(item))
        key = id(item)
        if key in seen:
            return seen[key]
        if depth > 50:
            raise LimitExceeded(N_("values nested more than 50 deep"))
        if isinstance(item, dict):
            parts: Any = (p for pair in item.items() for p in pair)
        elif isinstance(item, list | tuple | set | frozenset):
            parts = iter(item)
        elif isinstance(item, Namespace):
            parts = iter(item._Namespace__attrs.items())  # type: ignore[attr-defined]
        else:
            return 80  # Undefined, cycler, loop: short reprs
        total = 2
        for part in parts:
            total += size(part, depth + 1) + 2
            if total > limit:
                break
        seen[key] = total
        return total

    return size(value, 0)


def _text_size(value: Any) -> int:
    """Length of `value` as a template would print it (cheap for texts)."""
    return len(value) if isinstance(value, str) else printed_size(value, 10**9)


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str, default: Any) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(name, default)


def _replace_size(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    source = text if isinstance(text, str) else str(text)  # printed size checked before
    old, new = str(_arg(args, kwargs, 0, "old", "")), str(_arg(args, kwargs, 1, "new", ""))
    count = _arg(args, kwargs, 2, "count", None)
    times = source.count(old) if old else len(source) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(source) + times * max(len(new) - len(old), 0)


def _joined_size(items: list[Any], separator: Any) -> int:
    return sum(map(_text_size, items)) + _text_size(separator) * max(len(items) - 1, 0)


def _indent_size(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    source = str(text)
    width = _arg(args, kwargs, 0, "width", 4)
    prefix = width if isinstance(width, int) and not isinstance(width, bool) else _text_size(width)
    return len(source) + (source.count("\n") + 1) * max(prefix, 0)


def _wordwrap_size(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    source = str(text)
    wrap = _arg(args, kwargs, 2, "wrapstring", None)
    # At worst a line break after every character.
    return len(source) + (len(source) + 1) * max(_text_size(wrap) if wrap else 1, 1)


def _translate_size(text: str, table: Any) -> int:
    if not isinstance(table, dict):
        return len(text)
    longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
    return len(text) * max(longest, 1)


def _short_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """Jinja's filler text, at most 20 paragraphs of at most 200 words."""
    from jinja2.utils import generate_lorem_ipsum

    if not (0 <= n <= 20 and 1 <= min <= max <= 200):
        raise LimitExceeded(N_("lipsum() asks for more filler text than a note needs"))
    return str(generate_lorem_ipsum(n, html, min, max))


# Filters that turn their value into text first: given a list or a dict, its text may
# be far longer than the value looks (`['x'*99999]*99999` is 99 999 references).
PRINTING_FILTERS = frozenset(
    {
        "string", "e", "escape", "forceescape", "tojson", "pprint", "upper", "lower",
        "capitalize", "title", "trim", "striptags", "truncate", "wordcount", "wordwrap",
        "center", "indent", "replace", "urlencode", "urlize", "xmlattr", "safe",
    }
)  # fmt: skip


class NoteSandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, limits: RenderLimits | None = None, **options: Any) -> None:
        self.limits = limits or RenderLimits()
        super().__init__(
            autoescape=False,
            undefined=BlankUndefined,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
            **options,
        )
        self.globals["range"] = self._range
        self.globals["lipsum"] = _short_lipsum
        self.filters = {name: self._bounded(name, f) for name, f in self.filters.items()}
        self.filters.pop("format", None)  # printf widths build strings of any size

    # -- bounded building blocks ---------------------------------------------------------

    def _check_size(self, size: int, what: str) -> None:
        """Refuse a text or list of `size` before it is built, and count it against
        the render's allowance."""
        allowance = _ALLOWANCE.get()
        most = allowance.size if allowance is not None else self.limits.max_size
        if size > most:
            raise LimitExceeded(
                N_("{what} would be {size} long (at most {most})"), what=what, size=size, most=most
            )
        if allowance is not None:
            allowance.spent += size
            if allowance.spent > allowance.built:
                raise LimitExceeded(
                    N_("built more than {built} characters of text and lists in all"),
                    built=allowance.built,
                )

    def _check_ints(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        for value in (*args, *kwargs.values()):
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and abs(value) > self.limits.max_int_argument
            ):
                raise LimitExceeded(
                    N_("the number {value} is too large an argument (at most {most})"),
                    value=value,
                    most=self.limits.max_int_argument,
                )

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > self.limits.max_range:
            raise LimitExceeded(
                N_("range of {count} items (at most {most})"),
                count=len(numbers),
                most=self.limits.max_range,
            )
        return numbers

    def _bounded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        # The first argument of a filter is the value (or the context); only the
        # parameters after it can ask for huge widths or repetitions.
        skip = 2 if getattr(function, "jinja_pass_arg", None) else 1

        @functools.wraps(function)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self._check_ints(args[skip:], kwargs)
            args = self._precheck_filter(name, args, skip, kwargs)
            result = function(*args, **kwargs)
            size = _size(result)
            if size is not None:
                self._check_size(size, f"the result of the `{name}` filter")
            return result

        return bounded

    def _precheck_filter(
        self, name: str, args: tuple[Any, ...], skip: int, kwargs: dict[str, Any]
    ) -> tuple[Any, ...]:
        """Work out the size of what the filters that multiply text would build."""
        if len(args) < skip:
            return args
        value, rest = args[skip - 1], args[skip:]
        what = f"the result of the `{name}` filter"
        if name in PRINTING_FILTERS and not isinstance(value, str | int | float | Undefined):
            self.check_printable(value, what)
        if name == "replace":
            self._check_size(_replace_size(value, rest, kwargs), what)
        elif name == "indent":
            self._check_size(_indent_size(value, rest, kwargs), what)
        elif name == "wordwrap":
            self._check_size(_wordwrap_size(value, rest, kwargs), what)
        elif name in ("join", "sum") and not isinstance(value, str | Undefined):
            items = self._items(value)
            if name == "join":
                separator = _arg(rest, kwargs, 0, "d", "")
                self._check_size(_joined_size(items, separator), what)
            elif any(isinstance(i, str | list | tuple) for i in items):
                self._check_size(sum(len(i) for i in items if hasattr(i, "__len__")), what)
            args = (*args[: skip - 1], items, *rest)
        return args

    def _items(self, value: Any) -> list[Any]:
        """The items of an iterable, taken at most `max_size` of them."""
        items: list[Any] = []
        for item in value:
            items.append(item)
            if len(items) > self.limits.max_size:
                raise LimitExceeded(N_("more than {most} items"), most=self.limits.max_size)
        return items

    def _precheck_method(
        self, obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, ...]:
        """The same for the text methods that multiply text (`'a'.replace(…)`, …)."""
        owner = getattr(obj, "__self__", None)
        if not isinstance(owner, str):
            return args
        name = getattr(obj, "__name__", "")
        what = f"the result of str.{name}"
        if name == "replace":
            self._check_size(_replace_size(owner, args, kwargs), what)
        elif name == "join" and args:
            items = self._items(args[0])
            self._check_size(_joined_size(items, owner), what)
            args = (items, *args[1:])
        elif name == "translate" and args:
            self._check_size(_translate_size(owner, args[0]), what)
        elif name == "expandtabs":
            tab = _arg(args, kwargs, 0, "tabsize", 8)
            width = tab if isinstance(tab, int) and not isinstance(tab, bool) else 8
            self._check_size(len(owner) + owner.count("\t") * max(width, 0), what)
        return args

    def check_printable(self, value: Any, what: str) -> None:
        """Refuse to print a value (a list, a dict) whose text would be too long."""
        allowance = _ALLOWANCE.get()
        most = allowance.size if allowance is not None else self.limits.max_size
        size = printed_size(value, most)
        if size > most:
            raise LimitExceeded(N_("{what} would be over {most} long"), what=what, most=most)

    def check_printed(self, value: Any) -> None:
        """Count a value the template prints against the render's allowances."""
        if isinstance(value, str):
            self._check_size(len(value), "a printed value")
        else:
            self.check_printable(value, "a printed value")

    def bounded_concat(self, parts: tuple[Any, ...]) -> str:
        for part in parts:
            if not isinstance(part, str):
                self.check_printable(part, "a joined text")
        texts = [str(part) for part in parts]
        self._check_size(sum(map(len, texts)), "a joined text")
        return "".join(texts)

    # -- SandboxedEnvironment hooks -------------------------------------------------------

    def call_binop(self, context: Context, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "%" and isinstance(left, str):
            raise SecurityError("printf-style formatting with % is not allowed in notes")
        if operator_name == "*":
            for seq, count in ((left, right), (right, left)):
                size = _size(seq)
                if size is not None and isinstance(count, int):
                    self._check_size(size * max(count, 0), "a repeated text or list")
        elif operator_name == "+":
            left_size, right_size = _size(left), _size(right)
            if left_size is not None and right_size is not None:
                self._check_size(left_size + right_size, "a joined text or list")
        elif operator_name == "**" and isinstance(left, int) and isinstance(right, int):
            digits = max(abs(left), 2).bit_length() * abs(right)
            if digits > 10_000:
                raise LimitExceeded(
                    N_("{left} ** {right} is too large a number"), left=left, right=right
                )
        return {
            "*": operator.mul,
            "**": operator.pow,
            "+": operator.add,
            "%": operator.mod,
        }[operator_name](left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._check_ints(args, kwargs)
        args = __self._precheck_method(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        size = _size(result)
        if size is not None:
            __self._check_size(size, "the result of a call")
        return result

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        # Fail at once rather than render an empty string: the team lead must learn
        # that the template reaches for Python internals.
        raise SecurityError(
            f"access to attribute {attribute!r} of a {type(obj).__name__!r} object is not allowed"
        )

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def refuse(*args: Any, **kwargs: Any) -> str:
            raise SecurityError("str.format is not allowed in notes")

        return refuse


@contextmanager
def work_budget(limits: RenderLimits, given: int = 0) -> Iterator[None]:
    """Stop the code running on this thread after too many steps or seconds, or once
    it has built more than its allowance; `given` is the size of the values typed by
    the agent, which the allowances grow by."""
    deadline = time.monotonic() + limits.max_seconds
    steps = 0
    token = _ALLOWANCE.set(
        _Allowance(size=limits.max_size + given, built=limits.max_built + 4 * given)
    )

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal steps
        steps += 1
        if steps % 512 == 0 or steps > limits.max_steps:
            if steps > limits.max_steps:
                raise WorkExhausted(
                    N_("took more than {steps} steps (an endless loop?)"), steps=limits.max_steps
                )
            if time.monotonic() > deadline:
                raise WorkExhausted(
                    N_("took longer than {seconds} s (an endless loop?)"),
                    seconds=f"{limits.max_seconds:g}",
                )
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)
        _ALLOWANCE.reset(token)
