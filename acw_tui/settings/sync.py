"""The `[sync]` section of config.toml and the environment that overrides it.

```toml
[sync]
hub_url = "https://hub.example.com"   # ACW_HUB_URL overrides
token = "acw_…"                        # the site's token; ACW_HUB_TOKEN overrides
lead_token = "acw_…"                   # a team lead's token, for publishing; ACW_HUB_LEAD_TOKEN
timeout_seconds = 30                   # one request
retry_seconds = 60                     # how long to keep retrying a hub that is down
batch_records = 200                    # records per batch (also capped at about 1 MiB)
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from acw_tui.settings import paths
from acw_tui.settings.config import Config, section
from acw_tui.sync import SyncError


@dataclass(frozen=True)
class SyncSettings:
    hub_url: str = ""
    token: str = ""
    lead_token: str = ""
    timeout_seconds: float = 30.0
    retry_seconds: float = 60.0
    batch_records: int = 200


def sync_settings(config: Config) -> SyncSettings:
    return section(config, "sync", SyncSettings)


def hub_url(config: Config, given: str | None) -> str:
    url = given or os.environ.get("ACW_HUB_URL") or sync_settings(config).hub_url
    if not url:
        raise SyncError(
            "no hub named: pass --hub URL, set ACW_HUB_URL, or hub_url in [sync] of "
            f"{config.path or paths.config_file()}"
        )
    return url


def site_token(config: Config, given: str | None) -> str:
    return given or os.environ.get("ACW_HUB_TOKEN") or sync_settings(config).token


def lead_token(config: Config, given: str | None) -> str:
    token = given or os.environ.get("ACW_HUB_LEAD_TOKEN") or sync_settings(config).lead_token
    if not token:
        raise SyncError(
            "publishing needs a lead token: pass --token, set ACW_HUB_LEAD_TOKEN or "
            "lead_token in [sync] (the hub admin makes one with `acw hub lead add NAME`)"
        )
    return token


def default_hub_db() -> str:
    return os.environ.get("ACW_HUB_DB") or f"sqlite:///{paths.data_dir() / 'hub.db'}"
