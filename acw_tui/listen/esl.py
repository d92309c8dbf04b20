"""FreeSWITCH event socket (mod_event_socket, inbound mode): the adapter for
`esl://HOST:PORT`.

The wire format (FreeSWITCH's mod_event_socket documentation): every message is a block
of `Key: Value` lines closed by an empty line (LF line ends); a `Content-Length` header
means that many bytes of body follow. On connect FreeSWITCH sends
`Content-Type: auth/request`; we answer `auth PASSWORD` and read a `command/reply` whose
`Reply-Text` starts with `+OK` (or `-ERR invalid`, then the socket closes). Then
`event plain CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info` subscribes;
events arrive as `Content-Type: text/event-plain` whose body is again `Key: Value`
lines, the values URL-encoded.

The call id is the agent's own leg (`Unique-ID` of its channel; mod_callcenter names the
same leg `CC-Agent-UUID`), so `CHANNEL_HANGUP_COMPLETE` and `bridge-agent-end` of one
call are one call. A leg that was never answered (a missed ring) opens no wrap-up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import unquote

from acw_tui.core.inputs import is_number_text
from acw_tui.errors import N_, Phrase, os_reason
from acw_tui.listen.event import (
    BadEvent,
    CallEvent,
    Direction,
    HungUpBy,
    Phase,
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

SUBSCRIBE = "event plain CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info"
MICRO = 1_000_000.0


def parse_headers(block: bytes, *, encoded: bool, where: str) -> dict[str, str]:
    """`Key: Value` lines as a dict (values URL-decoded when `encoded`, as in an event
    body); a line without `: ` is refused, naming it."""
    text = block.decode("utf-8", errors="replace")
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line:
            continue
        key, sep, value = line.partition(": ")
        if not sep or not key or " " in key:
            raise BadEvent(
                N_("{where}: malformed line {line!r} (expected 'Key: Value')"),
                where=where,
                line=line[:60],
            )
        fields.setdefault(key, unquote(value) if encoded else value)
    return fields


async def read_message(reader: asyncio.StreamReader, where: str) -> tuple[dict[str, str], bytes]:
    """The next message: its headers and its body (empty without Content-Length)."""
    try:
        block = await reader.readuntil(b"\n\n")
        headers = parse_headers(block, encoded=False, where=where)
        length = headers.get("Content-Length")
        body = b""
        if length is not None:
            if not is_number_text(length) or int(length) > MAX_FRAME_BYTES:
                raise ConnectionLost(
                    N_("{where}: unusable Content-Length {length!r}"),
                    where=where,
                    length=length[:20],
                )
            body = await reader.readexactly(int(length))
    except asyncio.IncompleteReadError as exc:
        closed = (
            N_("{where}: connection closed in the middle of a message")
            if exc.partial
            else N_("{where}: connection closed")
        )
        raise ConnectionLost(closed, where=where) from None
    except asyncio.LimitOverrunError:
        raise ConnectionLost(
            N_("{where}: a header block longer than {limit} bytes"),
            where=where,
            limit=MAX_FRAME_BYTES,
        ) from None
    except BadEvent as exc:
        # The framing itself is broken: where the next message starts is unknown.
        raise ConnectionLost(exc.template, **exc.params) from None
    except OSError as exc:
        raise ConnectionLost("{where}: {reason}", where=where, reason=os_reason(exc)) from None
    return headers, body


def _micro(fields: dict[str, str], key: str, where: str) -> datetime | None:
    value = fields.get(key, "")
    if not value or value == "0":
        return None
    return from_epoch(value, f"{where}: {key}", scale=MICRO)


def _seconds_at(fields: dict[str, str], key: str, where: str) -> datetime | None:
    value = fields.get(key, "")
    if not value or value == "0":
        return None
    return from_epoch(value, f"{where}: {key}")


def _hung_up_by(disposition: str) -> HungUpBy | None:
    """`sip_hangup_disposition` on the agent's own leg: `recv_bye` means the agent's
    phone sent the BYE, `send_bye` that FreeSWITCH did because the other side left."""
    if "refer" in disposition:
        return HungUpBy.TRANSFER
    if disposition.startswith("recv_"):
        return HungUpBy.AGENT
    if disposition.startswith("send_"):
        return HungUpBy.CALLER
    return None


class EslEvents:
    """FreeSWITCH events → CallEvents."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now

    def convert(self, fields: dict[str, str]) -> CallEvent | None:
        name = fields.get("Event-Name", "")
        if name == "CUSTOM" and fields.get("Event-Subclass") == "callcenter::info":
            return self._callcenter(fields)
        if name in ("CHANNEL_ANSWER", "CHANNEL_HANGUP_COMPLETE"):
            return self._channel(name, fields)
        raise BadEvent(
            N_("ESL: unexpected event {name!r}, ignored"), name=name[:40] or "(no Event-Name)"
        )

    def _channel(self, name: str, f: dict[str, str]) -> CallEvent | None:
        where = (
            f"ESL {name} {shown(f.get('Unique-ID')) if f.get('Unique-ID') else '(no Unique-ID)'}"
        )
        uuid = f.get("Unique-ID", "")
        if not uuid:
            raise BadEvent(N_("{where}: missing {key}"), where=where, key="Unique-ID")
        event_id = f"{name}:{f.get('Event-Sequence') or uuid}"
        if f.get("Call-Direction") == "inbound":
            # The agent's phone called FreeSWITCH: the agent dialled out.
            names = (f.get("Caller-Username", ""), f.get("variable_sip_from_user", ""))
            direction = Direction.OUTBOUND
            customer = f.get("Caller-Destination-Number")
        else:
            # FreeSWITCH rang the agent (a queue or a direct call to the extension).
            names = (f.get("variable_cc_agent", ""), f.get("variable_dialed_user", ""))
            direction = Direction.INBOUND
            customer = f.get("Caller-Caller-ID-Number")
        agent_names = tuple(dict.fromkeys(n for n in names if n))
        queue = f.get("variable_cc_queue") or None
        stamp = _micro(f, "Event-Date-Timestamp", where) or self.now()
        answered = _micro(f, "Caller-Channel-Answered-Time", where)
        if name == "CHANNEL_ANSWER":
            return CallEvent(
                source="esl",
                event_id=event_id,
                call_id=uuid,
                phase=Phase.ANSWERED,
                agent_names=agent_names,
                queue=queue,
                direction=direction,
                customer=customer or None,
                answered_at=answered or stamp,
            )
        if answered is None:
            return None  # rang and was not answered: no call to wrap up
        ended = _micro(f, "Caller-Channel-Hangup-Time", where) or stamp
        talk = whole_seconds(f.get("variable_billsec"), f"{where}: variable_billsec")
        if talk is None:
            talk = max(0.0, (ended - answered).total_seconds())
        return CallEvent(
            source="esl",
            event_id=event_id,
            call_id=uuid,
            phase=Phase.ENDED,
            agent_names=agent_names,
            queue=queue,
            direction=direction,
            customer=customer or None,
            answered_at=answered,
            ended_at=ended,
            talk_seconds=talk,
            hold_seconds=whole_seconds(
                f.get("variable_hold_accum_seconds"), f"{where}: variable_hold_accum_seconds"
            ),
            hung_up_by=_hung_up_by(f.get("variable_sip_hangup_disposition", "")),
        )

    def _callcenter(self, f: dict[str, str]) -> CallEvent | None:
        action = f.get("CC-Action", "")
        if action not in ("bridge-agent-start", "bridge-agent-end"):
            return None  # agent status, member queue start/end, …: not a call of ours yet
        agent_leg = f.get("CC-Agent-UUID")
        where = f"ESL callcenter {action} {shown(agent_leg) if agent_leg else '(no CC-Agent-UUID)'}"
        for key in ("CC-Agent-UUID", "CC-Agent", "CC-Queue"):
            if not f.get(key):
                raise BadEvent(N_("{where}: missing {key}"), where=where, key=key)
        answered = _seconds_at(f, "CC-Agent-Answered-Time", where)
        common = {
            "source": "esl",
            "event_id": f"{action}:{f.get('Event-Sequence') or f['CC-Agent-UUID']}",
            "call_id": f["CC-Agent-UUID"],
            "agent_names": (f["CC-Agent"],),
            "queue": f["CC-Queue"],
            "direction": Direction.INBOUND,
            "customer": f.get("CC-Member-CID-Number") or None,
        }
        if action == "bridge-agent-start":
            return CallEvent(
                phase=Phase.ANSWERED,
                answered_at=answered or _micro(f, "Event-Date-Timestamp", where) or self.now(),
                **common,  # type: ignore[arg-type]
            )
        ended = _seconds_at(f, "CC-Bridge-Terminated-Time", where) or self.now()
        talk = max(0.0, (ended - answered).total_seconds()) if answered else None
        return CallEvent(
            phase=Phase.ENDED,
            answered_at=answered,
            ended_at=ended,
            talk_seconds=talk,
            **common,  # type: ignore[arg-type]
        )


class EslAdapter:
    name = "esl"

    def __init__(
        self,
        spec: SourceSpec,
        password: str,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if "\n" in password or "\r" in password:
            raise ListenError(N_("ACW_LISTEN_SECRET: the event socket password must be one line"))
        self.spec = spec
        self.password = password
        self.events = EslEvents(now or (lambda: datetime.now(UTC)))

    async def run(self, sink: Sink) -> None:
        where = f"ESL {self.spec.host}:{self.spec.port}"
        async with tcp_connection(self.spec.host, self.spec.port, where) as (reader, writer):
            await self._session(reader, writer, sink, where)

    async def _command(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, line: str, where: str
    ) -> str:
        """Send one command and read its reply; a socket that gives none in time is a lost
        connection (reconnected with backoff), never a wait for ever."""
        writer.write(f"{line}\n\n".encode())
        await writer.drain()

        async def replied() -> str:
            while True:
                headers, _ = await read_message(reader, where)
                if headers.get("Content-Type") == "command/reply":
                    return headers.get("Reply-Text", "")
                if headers.get("Content-Type") == "text/disconnect-notice":
                    raise ConnectionLost(
                        N_("{where}: FreeSWITCH closed the connection"), where=where
                    )

        try:
            return await asyncio.wait_for(replied(), CONNECT_TIMEOUT)
        except TimeoutError:
            raise ConnectionLost(
                N_("{where}: no answer to {action} within {seconds:g} s"),
                where=where,
                action=line.split(" ", 1)[0],  # `auth` or `event`: never the password
                seconds=CONNECT_TIMEOUT,
            ) from None

    async def _session(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        sink: Sink,
        where: str,
    ) -> None:
        try:
            headers, _ = await asyncio.wait_for(read_message(reader, where), CONNECT_TIMEOUT)
        except TimeoutError:
            raise ConnectionLost(
                N_("{where}: no auth/request from the server"), where=where
            ) from None
        if headers.get("Content-Type") != "auth/request":
            raise ConnectionLost(N_("{where}: not a FreeSWITCH event socket"), where=where)
        reply = await self._command(reader, writer, f"auth {self.password}", where)
        if not reply.startswith("+OK"):
            raise AuthFailed(
                N_("{where}: password refused ({reason})"),
                where=where,
                reason=peer_text(reply[:60], self.password) if reply else Phrase(N_("no reply")),
            )
        reply = await self._command(reader, writer, SUBSCRIBE, where)
        if not reply.startswith("+OK"):
            raise ListenError(
                N_("{where}: subscribing to events refused ({reason})"),
                where=where,
                reason=peer_text(reply[:60], self.password),
            )
        await sink.connected(where)
        while True:
            headers, body = await read_message(reader, where)
            kind = headers.get("Content-Type")
            if kind == "text/disconnect-notice":
                raise ConnectionLost(N_("{where}: FreeSWITCH closed the connection"), where=where)
            if kind != "text/event-plain":
                continue  # replies to nothing we sent, api responses, log lines
            try:
                event = self.events.convert(parse_headers(body, encoded=True, where=where))
            except BadEvent as exc:
                sink.bad(Phrase.of_error(exc))
                continue
            except Exception as exc:  # a defect must cost one event, never the listener
                sink.bad(internal(where, exc))
                continue
            if event is not None:
                await sink.event(event)
