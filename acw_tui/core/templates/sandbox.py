"""The Jinja2 sandbox notes are rendered in, with bounds on the work a template may do.

Jinja2's SandboxedEnvironment already refuses access to Python internals
(`''.__class__`, `cycler.__init__.__globals__`). A template is still data written by
a team lead, so the work is bounded too: ranges, repetitions, concatenations and
integer arguments are capped before the memory is allocated, the output is cut off
at `max_output` characters, and a step and time budget (a trace function on the
rendering thread) stops loops that would run for ever.
"""

from __future__ import annotations

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
from jinja2.sandbox import SandboxedEnvironment, SecurityError


@dataclass(frozen=True)
class RenderLimits:
    max_output: int = 100_000  # characters of rendered note
    max_size: int = 100_000  # length of any string or list built by the template
    max_range: int = 10_000  # items of range()
    max_int_argument: int = 100_000  # e.g. width of center(), ljust()
    max_steps: int = 2_000_000  # Python lines executed while rendering
    max_seconds: float = 0.5


class LimitExceeded(Exception):
    """The template did more work than a note needs; the message says which limit."""


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
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


class NoteSandbox(SandboxedEnvironment):
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
        self.filters = {name: self._bounded(f) for name, f in self.filters.items()}
        self.filters.pop("format", None)  # printf widths build strings of any size

    # -- bounded building blocks ---------------------------------------------------------

    def _check_size(self, size: int, what: str) -> None:
        if size > self.limits.max_size:
            raise LimitExceeded(f"{what} would be {size} long (at most {self.limits.max_size})")

    def _check_ints(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        for value in (*args, *kwargs.values()):
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and abs(value) > self.limits.max_int_argument
            ):
                raise LimitExceeded(
                    f"the number {value} is too large an argument "
                    f"(at most {self.limits.max_int_argument})"
                )

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > self.limits.max_range:
            raise LimitExceeded(f"range of {len(numbers)} items (at most {self.limits.max_range})")
        return numbers

    def _bounded(self, function: Callable[..., Any]) -> Callable[..., Any]:
        # The first argument of a filter is the value (or the context); only the
        # parameters after it can ask for huge widths or repetitions.
        skip = 2 if getattr(function, "jinja_pass_arg", None) else 1

        @functools.wraps(function)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self._check_ints(args[skip:], kwargs)
            result = function(*args, **kwargs)
            size = _size(result)
            if size is not None:
                self._check_size(size, f"the result of the `{function.__name__}` filter")
            return result

        return bounded

    def bounded_concat(self, parts: tuple[Any, ...]) -> str:
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
                raise LimitExceeded(f"{left} ** {right} is too large a number")
        return {
            "*": operator.mul,
            "**": operator.pow,
            "+": operator.add,
            "%": operator.mod,
        }[operator_name](left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._check_ints(args, kwargs)
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
def work_budget(limits: RenderLimits) -> Iterator[None]:
    """Stop the code running on this thread after too many steps or seconds."""
    deadline = time.monotonic() + limits.max_seconds
    steps = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal steps
        steps += 1
        if steps % 512 == 0 or steps > limits.max_steps:
            if steps > limits.max_steps:
                raise WorkExhausted(f"took more than {limits.max_steps} steps (an endless loop?)")
            if time.monotonic() > deadline:
                raise WorkExhausted(f"took longer than {limits.max_seconds:g} s (an endless loop?)")
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)
