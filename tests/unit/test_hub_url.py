"""Which hub URLs a site sends its token and notes to."""

from __future__ import annotations

from pathlib import Path

import pytest

from acw_tui.settings.config import load_config
from acw_tui.settings.sync import hub_url
from acw_tui.sync import SyncError


def _config(home: Path, sync_table: str = ""):  # type: ignore[no-untyped-def]
    path = home / "config.toml"
    path.write_text(f'agent_id = "ana"\nsite_id = "site-1"\n[sync]\n{sync_table}\n')
    return load_config(path)


@pytest.mark.parametrize(
    "url",
    [
        "https://hub.example.com",
        "https://10.0.0.5:8787",
        "http://127.0.0.1:8787",
        "http://127.8.9.10:8787",
        "http://localhost:8787",
        "http://[::1]:8787",
    ],
)
def test_tls_or_this_machine_is_accepted(acw_home: Path, url: str) -> None:
    assert hub_url(_config(acw_home), url) == url


@pytest.mark.parametrize(
    "url", ["http://hub.example.com", "http://10.0.0.5:8787", "http://[fe80::1]:8787"]
)
def test_plain_http_across_a_network_is_refused_naming_the_way_out(
    acw_home: Path, url: str
) -> None:
    with pytest.raises(SyncError) as refused:
        hub_url(_config(acw_home), url)
    message = str(refused.value)
    assert message.startswith("--hub: ") and "\n" not in message
    assert "https://" in message and "allow_plain_http" in message
    # The operator who says so (a closed network) may.
    assert hub_url(_config(acw_home, "allow_plain_http = true"), url) == url
