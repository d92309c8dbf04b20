"""Every dataclass of acw says what it is, in its own docstring.

Beyond reading well, it is start-up time: on Python 3.11 `@dataclass` builds a missing
docstring from `inspect.signature`, about 0.4 ms per class, and the ACW screen loads
over a hundred dataclasses before the agent can type (SPEC §11).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import acw_tui


def _dataclasses_of(module: object) -> list[type]:
    found = []
    for value in list(vars(module).values()):
        classes = [value, *vars(value).values()] if inspect.isclass(value) else []
        found += [
            c
            for c in classes
            if inspect.isclass(c)
            and c.__module__ == getattr(module, "__name__", None)
            and dataclasses.is_dataclass(c)
        ]
    return found


def test_every_dataclass_has_a_docstring_of_its_own() -> None:
    seen, missing = 0, []
    for info in pkgutil.walk_packages(acw_tui.__path__, "acw_tui."):
        if info.name.endswith("__main__"):
            continue
        for cls in _dataclasses_of(importlib.import_module(info.name)):
            seen += 1
            # The generated one is the signature: "Name(field: type, ...)".
            if (cls.__doc__ or "").startswith(f"{cls.__name__}("):
                missing.append(f"{cls.__module__}.{cls.__qualname__}")
    assert seen > 100
    assert missing == []
