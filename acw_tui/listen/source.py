"""What `acw listen SOURCE` connects to, and what every adapter reports to the runner."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit

from acw_tui.errors import N_, AcwError, Phrase
from acw_tui.listen.event import CallEvent


class ListenError(AcwError):
    """The source, a setting or the phone system refused; the message says which."""


class AuthFailed(ListenError):
    """The phone system refused our credentials: retrying would not help."""


class ConnectionLost(ListenError):
    """The connection dropped or could not be made: the runner reconnects."""


# Frames larger than this are refused (a broken or hostile peer), not buffered forever.
MAX_FRAME_BYTES = 256 * 1024
# Connecting, and the phone system's first answer, may take this long.
CONNECT_TIMEOUT = 10.0


@contextlib.asynccontextmanager
async def tcp_connection(
    host: str, port: int, where: str
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """A connection to a phone system's socket, closed on the way out; ConnectionLost
    (which the runner reconnects after) when it cannot be made."""
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, limit=MAX_FRAME_BYTES), CONNECT_TIMEOUT
        )
    except (OSError, TimeoutError) as exc:
        reason = (
            exc.strerror if isinstance(exc, OSError) and exc.strerror else Phrase(N_("timed out"))
        )
        raise ConnectionLost(
            N_("{where}: cannot connect ({reason})"), where=where, reason=reason
        ) from None
    try:
        yield reader, writer
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


class Sink(Protocol):
    """Where an adapter reports; the runner is one, `--check` another."""

    async def connected(self, detail: str) -> None: ...

    async def event(self, event: CallEvent) -> str | None:
        """Take one event; None when it was taken (stored, or a repeat, or not ours),
        else why it was refused (already logged)."""

    def bad(self, message: str) -> None: ...

    def shown(self, text: str) -> str:
        """`text` (from the phone system) as it may be sent back: card data and ids
        redacted."""


class Adapter(Protocol):
    name: str

    async def run(self, sink: Sink) -> None:
        """Connect, authenticate and report events until the connection ends (then
        raise ConnectionLost) or the credentials are refused (AuthFailed)."""


@dataclass(frozen=True)
class SourceSpec:
    """The phone system `acw listen` connects to (its SOURCE): kind, host, port and user."""

    kind: str  # "ami", "esl" or "http"
    host: str
    port: int
    user: str | None = None

    def __str__(self) -> str:
        who = f"{self.user}@" if self.user else ""
        return f"{self.kind}://{who}{self.host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


DEFAULT_PORTS = {"ami": 5038, "esl": 8021}


def parse_source(text: str, what: str = "SOURCE") -> SourceSpec:
    """`ami://USER@HOST:PORT`, `esl://HOST:PORT` or `http://127.0.0.1:PORT`."""
    shown = text if len(text) <= 80 else text[:77] + "…"
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as exc:
        raise ListenError(
            N_("{what}: {source!r} is not a source URL ({exc})"), what=what, source=shown, exc=exc
        ) from None
    kind = parts.scheme.lower()
    if kind not in ("ami", "esl", "http"):
        raise ListenError(
            N_(
                "{what}: {source!r}: use ami://USER@HOST:PORT, esl://HOST:PORT or http://127.0.0.1:PORT"
            ),
            what=what,
            source=shown,
        )
    if not parts.hostname:
        raise ListenError(N_("{what}: {source!r} names no host"), what=what, source=shown)
    if parts.password is not None:
        raise ListenError(
            N_("{what}: put the secret in ACW_LISTEN_SECRET, not in the source URL"), what=what
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ListenError(
            N_("{what}: {source!r}: only scheme, user, host and port are read"),
            what=what,
            source=shown,
        )
    user = unquote(parts.username) if parts.username else None
    if kind == "ami" and not user:
        raise ListenError(
            N_("{what}: {source!r}: AMI needs a user (ami://USER@HOST:PORT)"),
            what=what,
            source=shown,
        )
    if kind != "ami" and user:
        raise ListenError(
            N_("{what}: {source!r}: only ami:// takes a user"), what=what, source=shown
        )
    if port is None:
        if kind == "http":
            raise ListenError(
                N_("{what}: {source!r}: the webhook needs a port"), what=what, source=shown
            )
        port = DEFAULT_PORTS[kind]
    if not 1 <= port <= 65535 and not (kind == "http" and port == 0):
        raise ListenError(
            N_("{what}: {source!r}: port {port} is not 1–65535"), what=what, source=shown, port=port
        )
    return SourceSpec(kind, parts.hostname, port, user)
