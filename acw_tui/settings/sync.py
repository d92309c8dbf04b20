"""The `[sync]` section of config.toml and the environment that overrides it.

```toml
[sync]
hub_url = "https://hub.example.com"   # ACW_HUB_URL overrides
token = "acw_…"                        # the site's token; ACW_HUB_TOKEN overrides
lead_token = "acw_…"                   # a team lead's token, for publishing; ACW_HUB_LEAD_TOKEN
timeout_seconds = 30                   # one request
retry_seconds = 60                     # how long to keep retrying a hub that is down
batch_records = 2000                   # records per batch, at most 5000 (and about 1 MiB)
allow_plain_http = false               # http:// to another machine (a closed network only)
```

A hub on another machine is reached over https://: plain http:// would carry the site's
token and its notes readable by anyone on the way. http:// to this machine (loopback)
is always allowed; to another machine only with `allow_plain_http = true`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from acw_tui.core.inputs import url_without_secrets
from acw_tui.errors import Phrase
from acw_tui.settings import paths
from acw_tui.settings.config import Config, section
from acw_tui.sync import SyncError
from acw_tui.sync.protocol import BATCH_RECORDS, MAX_BATCH_RECORDS
from acw_tui.tcp import is_loopback


@dataclass(frozen=True)
class SyncSettings:
    """The `[sync]` table as written: the hub and its tokens, time-outs, and the batch size."""

    hub_url: str = ""
    token: str = ""
    lead_token: str = ""
    timeout_seconds: float = 30.0
    retry_seconds: float = 60.0
    batch_records: int = BATCH_RECORDS
    allow_plain_http: bool = False


def sync_settings(config: Config) -> SyncSettings:
    """The `[sync]` table; a time-out, retry time or batch size of zero is refused."""
    settings = section(config, "sync", SyncSettings)
    where = f"{config.path or paths.config_file()}: sync"
    for key, low, high in (
        ("timeout_seconds", 0.5, 3600.0),
        ("retry_seconds", 0.0, 86_400.0),
        # A hub refuses a larger batch whole: no sync could ever end.
        ("batch_records", 1, MAX_BATCH_RECORDS),
    ):
        value = getattr(settings, key)
        if not low <= value <= high:
            raise SyncError(
                "{where}.{key}: must be between {low} and {high}, got {value}",
                where=where,
                key=key,
                low=format(low, "g"),
                high=format(high, "g"),
                value=format(value, "g"),
            )
    return settings


def _from(
    given: str | None, option: str, variable: str, settings: SyncSettings, key: str
) -> tuple[str, str]:
    """(value, where it came from) for an option that the environment and the config
    file can also set."""
    if given:
        return given, option
    if os.environ.get(variable):
        return os.environ[variable], variable
    return getattr(settings, key), f"[sync] {key}"


def _checked_url(url: str, where: str, allow_plain_http: bool = False) -> str:
    from urllib.parse import urlsplit

    problem = ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        problem = str(exc)
    else:
        if parts.scheme not in ("http", "https"):
            problem = Phrase("expected http:// or https://")
        elif not parts.hostname:
            problem = Phrase("no host name")
    if not problem and (not (url.isascii() and url.isprintable()) or " " in url):
        problem = Phrase("spaces, control characters or non-ASCII text")
    # Every message shows the URL as any message may print one: a password left out.
    shown = url_without_secrets(url)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    shown = shown.encode("utf-8", "backslashreplace").decode()
    if problem:
        raise SyncError(
            "{where}: {url} is not a hub URL ({problem}; e.g. https://hub.example.com)",
            where=where,
            url=repr(shown),
            problem=problem,
        )
    if "@" in parts.netloc:
        # The hub knows a site by its token; a user and password in the URL would only
        # be printed in messages and stored with the sync state.
        raise SyncError(
            "{where}: {url} holds a user name or password; the hub is reached with the "
            "site's token alone: leave them out (e.g. https://hub.example.com)",
            where=where,
            url=repr(shown),
        )
    if parts.scheme == "http" and not allow_plain_http and not is_loopback(parts.hostname or ""):
        raise SyncError(
            "{where}: {url} would send the site's token and notes unencrypted to "
            "another machine; use https:// (TLS in front of the hub), or set "
            "allow_plain_http = true in [sync] on a network you trust",
            where=where,
            url=repr(shown),
        )
    return url


def _checked_token(token: str, where: str) -> str:
    # A token goes into an HTTP header: printable ASCII without spaces, as the hub made it.
    if token and not (token.isascii() and token.isprintable() and " " not in token):
        raise SyncError(
            "{where}: not a hub token (tokens are printable ASCII without spaces, "
            "as `acw hub site add` printed it)",
            where=where,
        )
    return token


def hub_url(config: Config, given: str | None, *, options: bool = True) -> str:
    """The hub's URL: `given` (--hub), ACW_HUB_URL or `[sync] hub_url`. `options` False:
    the caller (the screen) has no --hub, so a missing URL is put to the agent as the
    site admin's setting."""
    settings = sync_settings(config)
    url, where = _from(given, "--hub", "ACW_HUB_URL", settings, "hub_url")
    if not url:
        path = config.path or paths.config_file()
        if not options:
            raise SyncError(
                "no hub is set for this site: the site admin sets hub_url in [sync] of {path}",
                path=path,
            )
        raise SyncError(
            "no hub named: pass --hub URL, set ACW_HUB_URL, or hub_url in [sync] of {path}",
            path=path,
        )
    return _checked_url(url, where, settings.allow_plain_http)


def site_token(config: Config, given: str | None, *, options: bool = True) -> str:
    """The site's token: `given` (--token), ACW_HUB_TOKEN or `[sync] token`; `options`
    as for `hub_url`."""
    token, where = _from(given, "--token", "ACW_HUB_TOKEN", sync_settings(config), "token")
    if not token and not options:
        raise SyncError(
            "no hub token is set for this site: the site admin sets token in [sync] of {path}",
            path=config.path or paths.config_file(),
        )
    return _checked_token(token, where)


def lead_token(config: Config, given: str | None) -> str:
    token, where = _from(
        given, "--token", "ACW_HUB_LEAD_TOKEN", sync_settings(config), "lead_token"
    )
    _checked_token(token, where)
    if not token:
        raise SyncError(
            "publishing needs a lead token: pass --token, set ACW_HUB_LEAD_TOKEN or "
            "lead_token in [sync] (the hub admin makes one with `acw hub lead add NAME`)"
        )
    return token


def default_hub_db() -> str:
    return os.environ.get("ACW_HUB_DB") or f"sqlite:///{paths.data_dir() / 'hub.db'}"
