"""The `[listen]` section of config.toml: which phone system `acw listen` (and the screen)
listens to, and how its names map to acw's.

```toml
[listen]
source = "ami://acw@10.0.0.5:5038"   # or ami+tls://…:5039, esl://HOST:PORT, http://127.0.0.1:PORT
public_url = ""                       # the webhook's address as Twilio calls it (signatures)
ca_file = ""                          # ami+tls: the CA of the phone system's certificate

[listen.agents]                       # the phone system's agent, interface or extension
"PJSIP/1001" = "alice"                #   → agent_id; names not listed are taken as is

[listen.queues]                       # the phone system's queue → the queue acw shows
"support@default" = "support"
```

The secret (AMI secret, event-socket password, webhook shared secret or Twilio auth
token) comes from the environment variable ACW_LISTEN_SECRET only, so it is never in a
file that gets copied around, never printed and never logged.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from acw_tui.core import inputs
from acw_tui.errors import os_reason
from acw_tui.settings import paths
from acw_tui.settings.config import Config, ConfigError, read_table

SECRET_VARIABLE = "ACW_LISTEN_SECRET"


@dataclass(frozen=True)
class ListenSettings:
    """The `[listen]` table: the phone system to listen to, and how its names map to acw's."""

    source: str = ""
    public_url: str = ""
    agents: dict[str, str] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)
    ca_file: Path | None = None  # relative to the config file's folder


@dataclass(frozen=True)
class _Plain:
    """The keys of `[listen]` besides its agent and queue tables."""

    source: str = ""
    public_url: str = ""
    ca_file: str = ""


def _names(table: object, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError('{where}: expected a table of NAME = "VALUE"', where=where)
    found = {}
    for key, value in table.items():
        if not isinstance(value, str):
            raise ConfigError(
                "{where}.{key}: expected text, got {value}", where=where, key=key, value=repr(value)
            )
        try:
            found[inputs.text(key, f"{where}: name", allow_empty=False)] = inputs.text(
                value, f"{where}.{key}", allow_empty=False
            )
        except inputs.InputError as exc:
            raise ConfigError("{reason}", reason=exc) from None
    return found


def listen_settings(config: Config) -> ListenSettings:
    where = f"{config.path or paths.config_file()}: listen"
    table = dict(config.sections.get("listen", {}))
    agents = _names(table.pop("agents", {}), f"{where}.agents")
    queues = _names(table.pop("queues", {}), f"{where}.queues")
    plain = read_table(_Plain, table, where)
    ca_file = None
    if plain.ca_file:
        ca_file = Path(plain.ca_file).expanduser()
        if config.path is not None and not ca_file.is_absolute():
            ca_file = config.path.parent / ca_file
    return ListenSettings(plain.source, plain.public_url, agents, queues, ca_file)


def tls_context(ca_file: Path | None, where: str) -> ssl.SSLContext:
    """How a phone system reached over TLS is trusted: by the CA file named (a phone
    system's own CA), else by the machine's CAs; its name is always checked."""
    try:
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    except (OSError, ssl.SSLError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            "{where}: {path} cannot be read as CA certificates ({reason})",
            where=where,
            path=str(ca_file),
            reason=reason,
        ) from None


def pairs(given: tuple[str, ...], option: str) -> dict[str, str]:
    """`--agent EXT=AGENT_ID` (repeatable) as a dict; one line naming a bad one."""
    found = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError("{option}: {item} is not NAME=VALUE", option=option, item=repr(item))
        found[name.strip()] = value.strip()
    return found


def listen_secret(required_for: str) -> str:
    """The secret from ACW_LISTEN_SECRET; refused (never shown) when missing or unusable."""
    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        raise ConfigError(
            "{required_for} needs a secret: set {variable}",
            required_for=required_for,
            variable=SECRET_VARIABLE,
        )
    if any(c in secret for c in "\r\n\0") or any(0xD800 <= ord(c) <= 0xDFFF for c in secret):
        raise ConfigError(
            "{variable}: must be one line of UTF-8 text (its value is not shown)",
            variable=SECRET_VARIABLE,
        )
    return secret
