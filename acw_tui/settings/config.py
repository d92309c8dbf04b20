"""The config file (`config.toml`) and its environment overrides.

```toml
agent_id = "ana"          # ACW_AGENT overrides
site_id = "warsaw-1"      # ACW_SITE overrides
locale = "en"

[acw]                     # the ACW policy of SPEC §2
target_seconds = 120
timeout_seconds = 0
extend_seconds = 60
max_extensions = 2
require_code = false
mode = ""                 # optional, mandatory, mandatory-timeboxed, timeboxed-no-early-exit,
                          # agent-requested (core/policy.py); "" = mandatory, time-boxed
                          # when timeout_seconds is set
auto_code = ""            # e.g. "timeout": stored when the time-out ends ACW, no code picked

[acw.queues.billing]      # per-queue overrides
target_seconds = 180
```

Unknown keys and values of the wrong type are refused with the file, the key and the
reason, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import getpass
import math
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acw_tui.core.file_bytes import read_file_bytes
from acw_tui.core.policy import AcwPolicy, SitePolicy
from acw_tui.core.toml_text import TomlMistake, read_toml
from acw_tui.errors import AcwError, os_reason
from acw_tui.settings import paths

LOCALES = ("en", "pl", "es", "zh")
# Tables owned by a feature: config.py only checks they are tables; the feature reads
# its own with `section()`, so each one's keys are documented beside the code using them.
FEATURE_SECTIONS = (
    "shorthand",
    "templates",
    "redaction",
    "sync",
    "report",
    "listen",
    "display",
)
T = typing.TypeVar("T")


class ConfigError(AcwError):
    """The config file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """The config file as read, ACW_AGENT and ACW_SITE applied: the agent, the site, the
    language, the ACW policy and each feature's own table."""

    agent_id: str
    site_id: str
    locale: str = "en"
    # Whether the file names a locale: only then does it choose the screen's language
    # over the environment's (LANG); content (guide, templates) follows `locale` either way.
    locale_given: bool = False
    policy: SitePolicy = field(default_factory=SitePolicy)
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    path: Path | None = None  # the file it came from, if any


def _default_agent() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "agent"


def _check_type(value: Any, expected: type, where: str) -> Any:
    if expected is int and isinstance(value, bool):
        raise ConfigError(
            "{where}: expected a whole number, got {value}", where=where, value=repr(value)
        )
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, expected):
        names = {
            int: "a whole number",
            bool: "true or false",
            str: "text",
            float: "a number",
            list: "a list",
            dict: "a table",
        }
        raise ConfigError(
            "{where}: expected {expected}, got {value}",
            where=where,
            expected=names.get(expected, expected.__name__),
            value=repr(value),
        )
    return value


def read_table(cls: type[T], table: dict[str, Any], where: str, base: T | None = None) -> T:
    """Fill the frozen dataclass `cls` from a TOML table, checking keys and types.

    Fields typed int, float, bool, str or tuple[str, ...] are understood; whole
    numbers must not be negative. `base` supplies the values the table leaves out.
    """
    hints = typing.get_type_hints(cls)
    known = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                "{where}.{key}: unknown key (known: {known})",
                where=where,
                key=key,
                known=", ".join(known),
            )
        expected = hints[key]
        if typing.get_origin(expected) is tuple:
            items = _check_type(value, list, f"{where}.{key}")
            values[key] = tuple(_check_type(i, str, f"{where}.{key}") for i in items)
            continue
        values[key] = _check_type(value, expected, f"{where}.{key}")
        if expected is float and not math.isfinite(values[key]):
            raise ConfigError(
                "{where}.{key}: must be a finite number, got {value}",
                where=where,
                key=key,
                value=value,
            )
        if expected in (int, float) and values[key] < 0:
            raise ConfigError(
                "{where}.{key}: must not be negative, got {value}",
                where=where,
                key=key,
                value=value,
            )
    return dataclasses.replace(base if base is not None else cls(), **values)  # type: ignore[type-var]


def section(config: Config, name: str, cls: type[T]) -> T:
    """The feature section `[name]` of the config file, read into `cls`."""
    where = f"{config.path or paths.config_file()}: {name}"
    return read_table(cls, dict(config.sections.get(name, {})), where)


# Sane ranges of the ACW policy: a target of 0 s would show every wrap-up red at once,
# a day-long time-out or extension is a typo.
POLICY_RANGES = {
    "target_seconds": (1, 86_400),
    "timeout_seconds": (0, 86_400),
    "extend_seconds": (0, 86_400),
    "max_extensions": (0, 100),
}


def _check_policy(policy: AcwPolicy, where: str) -> None:
    for key, (low, high) in POLICY_RANGES.items():
        value = getattr(policy, key)
        if not low <= value <= high:
            raise ConfigError(
                "{where}.{key}: must be between {low} and {high}, got {value}",
                where=where,
                key=key,
                low=low,
                high=high,
                value=value,
            )
    problem = policy.problem()
    if problem:
        raise ConfigError("{where}: {problem}", where=where, problem=problem)


def parse_config(data: dict[str, Any], source: str) -> Config:
    """Build a Config from parsed TOML; `source` names the file in error messages."""
    top_keys = {"agent_id", "site_id", "locale", "acw", *FEATURE_SECTIONS}
    for key in data:
        if key not in top_keys:
            raise ConfigError(
                "{source}: {key}: unknown key (known: {known})",
                source=source,
                key=key,
                known=", ".join(sorted(top_keys)),
            )
    agent_id = _check_type(data.get("agent_id", _default_agent()), str, f"{source}: agent_id")
    site_id = _check_type(data.get("site_id", "local"), str, f"{source}: site_id")
    locale = _check_type(data.get("locale", "en"), str, f"{source}: locale")
    if locale not in LOCALES:
        raise ConfigError(
            "{source}: locale: must be one of {known}, got {locale}",
            source=source,
            known=", ".join(LOCALES),
            locale=repr(locale),
        )
    for name, value in (("agent_id", agent_id), ("site_id", site_id)):
        if not value.strip():
            raise ConfigError("{source}: {name}: must not be empty", source=source, name=name)

    acw = _check_type(data.get("acw", {}), dict, f"{source}: [acw]")
    queues_table = _check_type(acw.get("queues", {}), dict, f"{source}: [acw.queues]")
    default = read_table(
        AcwPolicy, {k: v for k, v in acw.items() if k != "queues"}, f"{source}: acw"
    )
    _check_policy(default, f"{source}: acw")
    queues = []
    for queue, table in queues_table.items():
        where = f"{source}: acw.queues.{queue}"
        policy = read_table(AcwPolicy, _check_type(table, dict, where), where, default)
        _check_policy(policy, where)
        queues.append((queue, policy))
    sections = {
        name: _check_type(data[name], dict, f"{source}: [{name}]")
        for name in FEATURE_SECTIONS
        if name in data
    }
    return Config(
        agent_id=_who("ACW_AGENT", agent_id, f"{source}: agent_id"),
        site_id=_who("ACW_SITE", site_id, f"{source}: site_id"),
        locale=locale,
        locale_given="locale" in data,
        policy=SitePolicy(default=default, queues=tuple(queues)),
        sections=sections,
    )


# Where the agent and the site ids come from: the variable that overrides, the key.
IDENTITIES = (("agent_id", "ACW_AGENT"), ("site_id", "ACW_SITE"))


def identities(config: Config) -> list[tuple[str, str]]:
    """The agent and the site id, each with where it was set (the variable or the
    file's key), for a message about it."""
    found = []
    for key, variable in IDENTITIES:
        where = (
            variable if os.environ.get(variable) else f"{config.path or paths.config_file()}: {key}"
        )
        found.append((where, getattr(config, key)))
    return found


def _who(variable: str, configured: str, where: str) -> str:
    """The agent or site id: the environment's if set, else the file's; checked as text
    (a non-UTF-8 byte in ACW_AGENT would otherwise fail deep inside the store)."""
    from acw_tui.core.inputs import InputError, text

    given = os.environ.get(variable)
    try:
        return (
            text(given, variable, max_length=200)
            if given
            else text(configured, where, max_length=200)
        )
    except InputError as exc:
        raise ConfigError("{reason}", reason=exc) from None


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file means every default."""
    path = path or paths.config_file()
    try:
        raw = read_file_bytes(path)
    except FileNotFoundError:
        return dataclasses.replace(parse_config({}, str(path)), path=None)
    except OSError as exc:
        raise ConfigError(
            "{path}: cannot read the config file ({reason})", path=path, reason=os_reason(exc)
        ) from exc
    try:
        data = read_toml(raw.decode("utf-8-sig"))  # a BOM, as Windows editors write
    except UnicodeDecodeError as exc:
        raise ConfigError(
            "{path}: not UTF-8 text (byte {byte})", path=path, byte=exc.start
        ) from exc
    except TomlMistake as exc:
        raise ConfigError("{path}:{line}: {reason}", path=path, line=exc.line, reason=exc) from exc
    return dataclasses.replace(parse_config(data, str(path)), path=path)
