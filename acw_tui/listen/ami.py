"""Asterisk Manager Interface (AMI): the adapter for `ami://USER@HOST:PORT`.

The wire format (Asterisk's AMI documentation): on connect the server sends one line,
`Asterisk Call Manager/X.Y.Z`; after that every message is `Key: Value` lines ending
in CRLF, closed by an empty line. We ask for an MD5 challenge (`Action: Challenge`),
send `Action: Login` with `AuthType: MD5`, `Username`, `Key` (so the secret never
crosses the network) and `Events: call,agent` (the read classes `acw listen` needs),
and read the reply (`Response: Success` or `Response: Error`), then events:

- `AgentConnect` (app_queue): a queue member answered: the call is answered.
- `AgentComplete`: the member finished: `TalkTime`, `HoldTime` (seconds the caller
  waited in the queue) and `Reason` (`caller`, `agent` or `transfer`).
- `Hangup`: a channel hung up; used for calls outside queues only, since a queue call's
  `AgentComplete` carries more.

Every event of one call carries the same `Linkedid` (the oldest channel's `Uniqueid`),
so that is the call id: a transfer or a second channel keeps it. With
`timestampevents = yes` in manager.conf events carry `Timestamp`; otherwise the time
of receipt is used.

panoramisk (the asyncio AMI client) was considered: its last release is from 2021, it
reconnects at a fixed interval without backoff and reports a refused login only as a
flag, so the documented framing is implemented here instead (it is small).
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from acw_tui.errors import N_, Phrase, os_reason
from acw_tui.listen.event import (
    BadEvent,
    CallEvent,
    Direction,
    HungUpBy,
    Phase,
    before,
    from_epoch,
    internal,
    shown,
    whole_seconds,
)
from acw_tui.listen.source import (
    CONNECT_TIMEOUT,
    MAX_FRAME_BYTES,
    AuthFailed,
    ConnectionLost,
    ListenError,
    Sink,
    SourceSpec,
    peer_text,
    tcp_connection,
)

END = b"\r\n\r\n"
LOGIN_ID = "acw-login"
CHALLENGE_ID = "acw-challenge"
REASONS = {"caller": HungUpBy.CALLER, "agent": HungUpBy.AGENT, "transfer": HungUpBy.TRANSFER}


def parse_message(block: bytes) -> dict[str, str]:
    """One AMI message (without its closing empty line) as a dict. Keys keep their first
    value; a line without `: ` is refused, naming it."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        text = block.decode("latin-1")  # Asterisk passes caller names through as bytes
    fields: dict[str, str] = {}
    for line in text.split("\r\n"):
        if not line:
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or " " in key.strip():
            raise BadEvent(
                N_("AMI: malformed line {line!r} (expected 'Key: Value')"), line=line[:60]
            )
        fields.setdefault(key.strip(), value.strip())
    if not fields:
        raise BadEvent(N_("AMI: empty message"))
    return fields


def encode_action(fields: dict[str, str]) -> bytes:
    for key, value in fields.items():
        if "\r" in value or "\n" in value or "\r" in key or "\n" in key:
            raise ListenError(N_("AMI: {key} must be one line"), key=key)  # the value is not shown
    return "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode() + b"\r\n"


def _require(fields: dict[str, str], key: str, where: str) -> str:
    value = fields.get(key, "")
    if not value:
        raise BadEvent(N_("{where}: missing {key}"), where=where, key=key)
    return value


def _device(channel: str) -> str:
    """`PJSIP/1001-0000002a` → `PJSIP/1001`: the interface a queue member is named by."""
    head, sep, tail = channel.rpartition("-")
    return head if sep and tail and all(c in "0123456789abcdefABCDEF" for c in tail) else channel


class AmiEvents:
    """AMI events → CallEvents. Remembers which calls went through a queue, so their
    channels' `Hangup` does not end them before `AgentComplete` says how."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self._queued: OrderedDict[str, None] = OrderedDict()

    def _when(self, fields: dict[str, str], where: str) -> datetime:
        stamp = fields.get("Timestamp")
        return from_epoch(stamp, f"{where}: Timestamp") if stamp else self.now()

    def convert(self, fields: dict[str, str]) -> CallEvent | None:
        name = fields.get("Event")
        if name not in ("AgentConnect", "AgentComplete", "Hangup"):
            return None  # Asterisk sends dozens of other events per call
        unique = fields.get("Uniqueid", "")
        where = f"AMI {name} {shown(unique) if unique else '(no Uniqueid)'}"
        call_id = fields.get("Linkedid") or _require(fields, "Uniqueid", where)
        event_id = f"{name}:{unique}"
        if name == "Hangup":
            if call_id in self._queued:
                return None  # AgentComplete ends queue calls
            channel = _require(fields, "Channel", where)
            return CallEvent(
                source="ami",
                event_id=event_id,
                call_id=call_id,
                phase=Phase.ENDED,
                agent_names=(_device(channel),),
                customer=fields.get("ConnectedLineNum") or None,
                ended_at=self._when(fields, where),
            )
        interface = _require(fields, "Interface", where)
        names = tuple(n for n in (interface, fields.get("MemberName", "")) if n)
        queue = _require(fields, "Queue", where)
        customer = fields.get("CallerIDNum") or None
        at = self._when(fields, where)
        if name == "AgentConnect":
            self._queued[call_id] = None
            while len(self._queued) > 10_000:
                self._queued.popitem(last=False)
            return CallEvent(
                source="ami",
                event_id=event_id,
                call_id=call_id,
                phase=Phase.ANSWERED,
                agent_names=names,
                queue=queue,
                direction=Direction.INBOUND,
                customer=customer,
                answered_at=at,
            )
        talk = whole_seconds(_require(fields, "TalkTime", where), f"{where}: TalkTime")
        hold = whole_seconds(fields.get("HoldTime"), f"{where}: HoldTime")
        reason = fields.get("Reason", "").lower()
        return CallEvent(
            source="ami",
            event_id=event_id,
            call_id=call_id,
            phase=Phase.ENDED,
            agent_names=names,
            queue=queue,
            direction=Direction.INBOUND,
            customer=customer,
            answered_at=before(at, talk, f"{where}: TalkTime"),
            ended_at=at,
            talk_seconds=talk,
            hold_seconds=hold,
            hung_up_by=REASONS.get(reason),
        )


async def read_message(reader: asyncio.StreamReader) -> bytes:
    """The next message's bytes; ConnectionLost when the peer is gone, BadEvent (after
    which the connection cannot be trusted either) for a message over the size limit."""
    try:
        block = await reader.readuntil(END)
    except asyncio.IncompleteReadError as exc:
        closed = (
            N_("AMI: connection closed in the middle of a message")
            if exc.partial
            else N_("AMI: connection closed")
        )
        raise ConnectionLost(closed) from None
    except asyncio.LimitOverrunError:
        raise ConnectionLost(
            N_("AMI: a message longer than {limit} bytes"), limit=MAX_FRAME_BYTES
        ) from None
    except OSError as exc:
        raise ConnectionLost("{where}: {reason}", where="AMI", reason=os_reason(exc)) from None
    return block[: -len(END)]


class AmiAdapter:
    name = "ami"

    def __init__(
        self,
        spec: SourceSpec,
        secret: str,
        *,
        now: Callable[[], datetime] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.spec = spec
        self.secret = secret
        # ami+tls://: the manager's TLS port, its certificate checked (by the machine's
        # CAs when no context is given: never in clear for want of one)
        self.tls = tls if tls is not None or not spec.tls else ssl.create_default_context()
        self.events = AmiEvents(now or (lambda: datetime.now(UTC)))

    async def run(self, sink: Sink) -> None:
        where = f"{'AMI+TLS' if self.tls else 'AMI'} {self.spec.host}:{self.spec.port}"
        connection = tcp_connection(self.spec.host, self.spec.port, where, self.tls)
        async with connection as (reader, writer):
            await self._session(reader, writer, sink, where)

    async def _session(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        sink: Sink,
        where: str,
    ) -> None:
        try:
            greeting = await asyncio.wait_for(reader.readline(), CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError):
            raise ConnectionLost(N_("{where}: no greeting"), where=where) from None
        if not greeting.startswith(b"Asterisk Call Manager/"):
            raise ConnectionLost(
                N_("{where}: not an Asterisk manager ({greeting!r})"),
                where=where,
                greeting=greeting[:40],
            )
        key = await self._challenged(reader, writer, sink, where)
        writer.write(
            encode_action(
                {
                    "Action": "Login",
                    "ActionID": LOGIN_ID,
                    "AuthType": "MD5",
                    "Username": self.spec.user or "",
                    "Key": key,
                    "Events": "call,agent",
                }
            )
        )
        await writer.drain()
        reply = await self._reply(reader, sink, LOGIN_ID, "Login", where)
        if reply.get("Response", "").lower() != "success":
            raise AuthFailed(
                N_("{where}: login as {user!r} refused ({reason})"),
                where=where,
                user=self.spec.user,
                reason=self._reason(reply),
            )
        await sink.connected(Phrase(N_("{where} as {user}"), where=where, user=self.spec.user))
        while True:
            fields = await self._next(reader, sink)
            if fields is None:
                continue
            try:
                event = self.events.convert(fields)
            except BadEvent as exc:
                sink.bad(Phrase.of_error(exc))
                continue
            except Exception as exc:  # a defect must cost one event, never the listener
                sink.bad(internal(where, exc))
                continue
            if event is not None:
                await sink.event(event)

    def _reason(self, reply: dict[str, str]) -> str:
        """The manager's reason for a refusal, as a message may quote it."""
        if "Message" not in reply:
            return Phrase(N_("no reason given"))
        return peer_text(reply["Message"][:120], self.secret)

    async def _challenged(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        sink: Sink,
        where: str,
    ) -> str:
        """The login key for Asterisk's MD5 challenge (manager.c: hex MD5 of the
        challenge, then the secret): the secret itself never crosses the network. A
        manager that gives no challenge is refused rather than sent the secret in clear."""
        writer.write(
            encode_action({"Action": "Challenge", "ActionID": CHALLENGE_ID, "AuthType": "MD5"})
        )
        await writer.drain()
        reply = await self._reply(reader, sink, CHALLENGE_ID, "Challenge", where)
        challenge = reply.get("Challenge", "")
        if reply.get("Response", "").lower() != "success" or not challenge:
            raise AuthFailed(
                N_(
                    "{where}: no MD5 challenge given ({reason}); acw does not send the secret in clear"
                ),
                where=where,
                reason=self._reason(reply),
            )
        return hashlib.md5((challenge + self.secret).encode(), usedforsecurity=False).hexdigest()

    async def _reply(
        self, reader: asyncio.StreamReader, sink: Sink, action_id: str, action: str, where: str
    ) -> dict[str, str]:
        """The manager's reply to the action `action_id`, past any event before it; a
        manager that gives none in time is a lost connection (reconnected with backoff),
        never a wait for ever."""

        async def replied() -> dict[str, str]:
            while True:
                reply = await self._next(reader, sink)
                if reply is not None and reply.get("ActionID") == action_id:
                    return reply

        try:
            return await asyncio.wait_for(replied(), CONNECT_TIMEOUT)
        except TimeoutError:
            raise ConnectionLost(
                N_("{where}: no answer to {action} within {seconds:g} s"),
                where=where,
                action=action,
                seconds=CONNECT_TIMEOUT,
            ) from None

    async def _next(self, reader: asyncio.StreamReader, sink: Sink) -> dict[str, str] | None:
        block = await read_message(reader)
        try:
            return parse_message(block)
        except BadEvent as exc:
            sink.bad(Phrase.of_error(exc))
            return None
