"""A listener as configured: SOURCE, secret, agent and queue maps from the command line
and the `[listen]` section, the way `acw listen` and the screen both build it."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from acw_tui.listen.factory import adapter_for
from acw_tui.listen.rules import Routing
from acw_tui.listen.runner import Listener
from acw_tui.listen.source import ListenError, SourceSpec, masked, parse_source
from acw_tui.settings.config import Config
from acw_tui.settings.listen import listen_secret, listen_settings, tls_context

if TYPE_CHECKING:
    from acw_tui.service.desk import Desk


@dataclass(frozen=True)
class ListenPlan:
    """What to listen to and how: the phone system, its secret, the agent and queue maps,
    and the webhook's public address."""

    spec: SourceSpec
    secret: str
    routing: Routing
    public_url: str
    tls: ssl.SSLContext | None = None  # for ami+tls://


def plan(
    config: Config,
    source: str | None = None,
    agents: dict[str, str] | None = None,
    queues: dict[str, str] | None = None,
    public_url: str | None = None,
    ca_file: Path | None = None,
) -> ListenPlan:
    """What to listen to: the command line's values over the config file's."""
    settings = listen_settings(config)
    text = source or settings.source
    if not text:
        raise ListenError(
            "no phone system named: pass SOURCE (ami://USER@HOST:PORT, ami+tls://USER@HOST:PORT, "
            "esl://HOST:PORT or http://127.0.0.1:PORT) or set source in [listen] of the config file"
        )
    spec = parse_source(text, "SOURCE" if source else "[listen] source")
    routing = Routing(
        agent_id=config.agent_id,
        agents={**settings.agents, **(agents or {})},
        queues={**settings.queues, **(queues or {})},
    )
    secret = listen_secret(f"{spec.scheme}://{spec.host}:{spec.port}")
    tls = None
    if spec.tls:
        chosen_ca = ca_file or settings.ca_file
        tls = tls_context(chosen_ca, "--ca-file" if ca_file else "[listen] ca_file")
    return ListenPlan(spec, secret, routing, public_url or settings.public_url, tls)


class HideSecret(logging.Filter):
    """The last guard of the log: a secret long enough to be told from ordinary text is
    masked wherever a line quotes it. (Lines are built without the secret, and what a
    phone system sends back is checked before it is quoted: `source.peer_text`.)"""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = masked(message, self.secret)
        if hidden != message:
            record.msg = hidden
            record.args = None
        return True


def build_listener(chosen: ListenPlan, desk: Desk | None, say: Callable[[str], None]) -> Listener:
    adapter = adapter_for(chosen.spec, chosen.secret, public_url=chosen.public_url, tls=chosen.tls)
    return Listener(adapter, chosen.routing, desk, source=str(chosen.spec), say=say)
