"""No acw widget, screen or app gives a private name a meaning Textual's own classes
give it too. Textual keeps its state in private attributes (`self._closing` says a
message pump is closing): a method or attribute of the same name in a subclass
silently replaces it. A screen method named `_closing` did, and `call_later` on it
failed. Only the compat module may touch Textual's private names, on purpose."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
import re

from textual.message_pump import MessagePump

import acw_tui.tui

ASSIGNED = re.compile(r"self\.(_[a-z][a-z0-9_]*)\s*(?::[^=\n]*)?=")
# What Textual's metaclass writes into every class it makes.
MADE_BY_TEXTUAL = {
    "_decorated_handlers", "_reactives", "_inherit_css", "_inherit_bindings",
    "_inherit_component_classes", "_css_type_name", "_merged_bindings", "_css_type_names",
    "_computes",
}  # fmt: skip


def private_names(cls: type, prefixes: tuple[str, ...]) -> set[str]:
    """The private names the classes of `cls`'s line from these packages define or set."""
    names: set[str] = set()
    for base in cls.__mro__:
        if not base.__module__.startswith(prefixes):
            continue
        names |= {n for n in vars(base) if n.startswith("_") and not n.startswith("__")}
        with contextlib.suppress(OSError, TypeError):  # a class made at run time
            names |= set(ASSIGNED.findall(inspect.getsource(base)))
    return names - MADE_BY_TEXTUAL


def test_no_private_name_of_textual_is_reused() -> None:
    found = []
    for info in pkgutil.walk_packages(acw_tui.tui.__path__, "acw_tui.tui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, MessagePump)):
                continue
            if cls.__module__ != info.name or info.name == "acw_tui.tui.compat":
                continue
            own = {
                name
                for name in private_names(cls, ("acw_tui",))
                # what acw's compat module overrides on purpose is inherited, not reused
                if not any(
                    name in vars(base)
                    for base in cls.__mro__
                    if base.__module__ == "acw_tui.tui.compat"
                )
            }
            clash = own & private_names(cls, ("textual",))
            found += [f"{cls.__qualname__}.{name}" for name in sorted(clash)]
    assert found == []
