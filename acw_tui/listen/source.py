"""What `acw listen SOURCE` connects to, and what every adapter reports to the runner."""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit

from acw_tui.errors import N_, AcwError, Phrase, os_reason
from acw_tui.listen.event import CallEvent
from acw_tui.tcp import is_loopback


class ListenError(AcwError):
    """The source, a setting or the phone system refused; the message says which."""


class AuthFailed(ListenError):
    """The phone system refused our credentials: retrying would not help."""


class ConnectionLost(ListenError):
    """The connection dropped or could not be made: the runner reconnects."""


# A secret this long is masked wherever a line quotes it. A shorter one is not looked
# for in ordinary text: replacing it there would rewrite words ("as" with a secret "s")
# and so reveal it. Messages are built without the secret; text a phone system sends
# back is checked by `peer_text` before it is quoted.
MASK_FROM_LENGTH = 8
_TOKENS = re.compile(r"[\s,;:()\[\]{}'\"=]+")


def masked(text: str, secret: str) -> str:
    """`text` with a secret of MASK_FROM_LENGTH characters or more replaced by ****."""
    if len(secret) >= MASK_FROM_LENGTH and secret in text:
        return text.replace(secret, "****")
    return text


def quotes_secret(text: str, secret: str) -> bool:
    """Whether `text` contains the secret: anywhere when it is long, as a whole word
    when it is short (a secret "s" is not in "as")."""
    if not secret:
        return False
    if len(secret) >= MASK_FROM_LENGTH:
        return secret in text
    return secret in _TOKENS.split(text)


def peer_text(text: str, secret: str) -> str:
    """Text from the phone system (a refusal's reason) as a message may quote it: not at
    all when it quotes the secret back."""
    return Phrase(N_("not shown: it quotes the secret")) if quotes_secret(text, secret) else text


# Frames larger than this are refused (a broken or hostile peer), not buffered forever.
MAX_FRAME_BYTES = 256 * 1024
# OpenSSL's verify codes for a certificate of another host name or IP address: the CA
# may be trusted, the name in SOURCE is not the certificate's.
NAME_MISMATCH = (62, 64)  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
# Connecting, and each of the phone system's answers while logging in, may take this long.
CONNECT_TIMEOUT = 10.0


@contextlib.asynccontextmanager
async def tcp_connection(
    host: str, port: int, where: str, tls: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """A connection to a phone system's socket (over TLS with `tls`, its certificate
    checked against the host's name), closed on the way out; ConnectionLost (which the
    runner reconnects after) when it cannot be made, ListenError when the certificate is
    not trusted (reconnecting would not change that)."""
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                host,
                port,
                limit=MAX_FRAME_BYTES,
                ssl=tls,
                server_hostname=host if tls is not None else None,
            ),
            CONNECT_TIMEOUT,
        )
    except ssl.SSLCertVerificationError as exc:
        if exc.verify_code in NAME_MISMATCH:
            raise ListenError(
                N_(
                    "{where}: its TLS certificate is for another name ({reason}); connect "
                    "by the name the certificate was issued for"
                ),
                where=where,
                reason=exc.verify_message or exc.reason or str(exc),
            ) from None
        raise ListenError(
            N_(
                "{where}: its TLS certificate is not trusted ({reason}); name the CA that "
                "signed it in ca_file of [listen]"
            ),
            where=where,
            reason=exc.verify_message or exc.reason or str(exc),
        ) from None
    except ssl.SSLError as exc:
        raise ConnectionLost(
            N_("{where}: TLS failed ({reason}); is this the phone system's TLS port?"),
            where=where,
            reason=exc.reason or str(exc),
        ) from None
    except (OSError, TimeoutError) as exc:
        reason = (
            os_reason(exc) if isinstance(exc, OSError) and exc.strerror else Phrase(N_("timed out"))
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

    @property
    def stores(self) -> bool:
        """False when events are only described, not stored (`acw listen --check`)."""

    async def connected(self, detail: str) -> None: ...

    async def event(self, event: CallEvent, origin: str | None = None) -> str | None:
        """Take one event; None when it was taken (stored, or a repeat, or not ours),
        else why it was refused (already logged, after `origin` when given: where the
        event came from, as the webhook's door and peer)."""

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
    """The phone system `acw listen` connects to (its SOURCE): kind, host, port, user,
    and whether the connection is made over TLS."""

    kind: str  # "ami", "esl" or "http"
    host: str
    port: int
    user: str | None = None
    tls: bool = False

    @property
    def scheme(self) -> str:
        return f"{self.kind}+tls" if self.tls else self.kind

    def __str__(self) -> str:
        who = f"{self.user}@" if self.user else ""
        return f"{self.scheme}://{who}{self.host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        return is_loopback(self.host)


# By scheme: Asterisk's manager listens on 5038, and on 5039 for TLS (`tlsbindaddr`).
DEFAULT_PORTS = {"ami": 5038, "ami+tls": 5039, "esl": 8021}
SCHEMES = ("ami", "ami+tls", "esl", "http")


def parse_source(text: str, what: str = "SOURCE") -> SourceSpec:
    """`ami://USER@HOST:PORT` (`ami+tls://` over TLS), `esl://HOST:PORT` or
    `http://127.0.0.1:PORT`."""
    shown = text if len(text) <= 80 else text[:77] + "…"
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as exc:
        raise ListenError(
            N_("{what}: {source!r} is not a source URL ({exc})"), what=what, source=shown, exc=exc
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ListenError(
            N_(
                "{what}: {source!r}: use ami://USER@HOST:PORT (ami+tls:// over TLS), "
                "esl://HOST:PORT or http://127.0.0.1:PORT"
            ),
            what=what,
            source=shown,
        )
    kind = scheme.removesuffix("+tls")
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
    if user is not None and not user.isprintable():
        # A line break in the user would end the login action early (and more could
        # follow it): refused here, before anything is sent.
        raise ListenError(
            N_("{what}: {source!r}: the user must be printable text on one line"),
            what=what,
            source=shown,
        )
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
        port = DEFAULT_PORTS[scheme]
    if not 1 <= port <= 65535 and not (kind == "http" and port == 0):
        raise ListenError(
            N_("{what}: {source!r}: port {port} is not 1–65535"), what=what, source=shown, port=port
        )
    return SourceSpec(kind, parts.hostname, port, user, tls=scheme != kind)
