"""Loopback servers that speak the phone systems' own framing and replay transcripts
written after the systems' documentation (Asterisk's AMI event reference, FreeSWITCH's
mod_event_socket and mod_callcenter pages)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

DROP = b"<drop>"  # in a script: close the connection right here (mid-event if placed so)


def ami_frame(**fields: str) -> bytes:
    return "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in fields.items()).encode() + b"\r\n"


def _epoch(at: datetime) -> str:
    return f"{at.timestamp():.6f}"


# -- Asterisk AMI transcripts (fields as in the AMI event reference, Asterisk 16–22) ----


def agent_connect(
    at: datetime,
    linkedid: str,
    *,
    interface: str = "PJSIP/1001",
    queue: str = "support",
    member: str = "Ana",
    hold: int = 12,
    caller: str = "+48221234567",
) -> bytes:
    return ami_frame(
        Event="AgentConnect",
        Privilege="agent,all",
        Timestamp=_epoch(at),
        Channel="PJSIP/trunk-00000001",
        ChannelState="6",
        ChannelStateDesc="Up",
        CallerIDNum=caller,
        CallerIDName="Customer",
        ConnectedLineNum="1001",
        ConnectedLineName="Ana",
        Language="en",
        AccountCode="",
        Context="from-trunk",
        Exten="100",
        Priority="3",
        Uniqueid=linkedid,
        Linkedid=linkedid,
        DestChannel=f"{interface}-00000002",
        DestChannelState="6",
        DestChannelStateDesc="Up",
        DestCallerIDNum="1001",
        DestUniqueid=f"{linkedid}9",
        DestLinkedid=linkedid,
        Queue=queue,
        MemberName=member,
        Interface=interface,
        HoldTime=str(hold),
        RingTime="4",
    )


def agent_complete(
    at: datetime,
    linkedid: str,
    *,
    interface: str = "PJSIP/1001",
    queue: str = "support",
    member: str = "Ana",
    hold: int = 12,
    talk: int = 95,
    reason: str = "caller",
    caller: str = "+48221234567",
) -> bytes:
    return ami_frame(
        Event="AgentComplete",
        Privilege="agent,all",
        Timestamp=_epoch(at),
        Channel="PJSIP/trunk-00000001",
        ChannelState="6",
        ChannelStateDesc="Up",
        CallerIDNum=caller,
        CallerIDName="Customer",
        ConnectedLineNum="1001",
        ConnectedLineName="Ana",
        Language="en",
        AccountCode="",
        Context="from-trunk",
        Exten="100",
        Priority="3",
        Uniqueid=linkedid,
        Linkedid=linkedid,
        DestChannel=f"{interface}-00000002",
        DestChannelState="6",
        DestChannelStateDesc="Up",
        DestCallerIDNum="1001",
        DestUniqueid=f"{linkedid}9",
        DestLinkedid=linkedid,
        Queue=queue,
        MemberName=member,
        Interface=interface,
        HoldTime=str(hold),
        TalkTime=str(talk),
        Reason=reason,
    )


def hangup(
    at: datetime,
    linkedid: str,
    *,
    channel: str = "PJSIP/1001-00000007",
    uniqueid: str | None = None,
    other: str = "+48229876543",
) -> bytes:
    return ami_frame(
        Event="Hangup",
        Privilege="call,all",
        Timestamp=_epoch(at),
        Channel=channel,
        ChannelState="6",
        ChannelStateDesc="Up",
        CallerIDNum="1001",
        CallerIDName="Ana",
        ConnectedLineNum=other,
        ConnectedLineName="",
        Language="en",
        AccountCode="",
        Context="from-internal",
        Exten="",
        Priority="1",
        Uniqueid=uniqueid or linkedid,
        Linkedid=linkedid,
        Cause="16",
        Cause_txt="Normal Clearing",
    )


def fully_booted() -> bytes:
    return ami_frame(
        Event="FullyBooted",
        Privilege="system,all",
        Uptime="86400",
        LastReload="3600",
        Status="Fully Booted",
    )


@dataclass
class Simulator:
    """A scripted loopback server: connection k replays `scripts[k]` (the last script
    repeats), then sends what is put in `live` until `release` is set."""

    scripts: list[Sequence[bytes]] = field(default_factory=list)
    connections: int = 0
    logins: list[dict[str, str]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    live: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    server: asyncio.Server | None = None
    port: int = 0
    handlers: set[asyncio.Task[None]] = field(default_factory=set)
    tls: ssl.SSLContext | None = None  # serve over TLS (Asterisk's tlsbindaddr)

    async def start(self) -> Simulator:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.close()
            # Python 3.11.7 and later wait here for every client connection to close; a
            # listener cancelled while it was connecting may leave one for the process's
            # end to close, which a test must not wait for.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.server.wait_closed(), 5)
        if self.handlers:  # each connection's handler ends on `release`
            await asyncio.wait(self.handlers, timeout=5)

    def script_for(self, index: int) -> Sequence[bytes]:
        if not self.scripts:
            return ()
        return self.scripts[min(index, len(self.scripts) - 1)]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = self.connections
        self.connections += 1
        me = asyncio.current_task()
        if me is not None:
            self.handlers.add(me)  # type: ignore[arg-type]
        try:
            if not await self.handshake(reader, writer):
                return
            for chunk in self.script_for(index):
                if chunk == DROP:
                    return  # closed below, after what was written so far is sent
                writer.write(chunk)
                await writer.drain()
            released = asyncio.ensure_future(self.release.wait())
            while not self.release.is_set():
                frame = asyncio.ensure_future(self.live.get())
                await asyncio.wait({frame, released}, return_when=asyncio.FIRST_COMPLETED)
                if not frame.done():
                    frame.cancel()
                    await asyncio.gather(frame, return_exceptions=True)
                    break
                writer.write(frame.result())
                await writer.drain()
            released.cancel()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        raise NotImplementedError


@dataclass
class AmiSimulator(Simulator):
    """Asterisk's manager as main/manager.c answers a login: `Action: Challenge` with
    `AuthType: MD5` gets a random challenge; `Action: Login` is accepted with
    `AuthType: MD5` and `Key` = hex MD5 of challenge + secret, or with `Secret` in
    clear. Every action the client sent is kept in `logins`."""

    user: str = "acw"
    secret: str = "s3cret-ami"
    challenges: bool = True  # False: refuses `Action: Challenge`, as some proxies do

    async def handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"Asterisk Call Manager/6.0.0\r\n")
        challenge = ""
        while True:
            block = (await reader.readuntil(b"\r\n\r\n")).decode()
            action = dict(line.split(": ", 1) for line in block.strip().split("\r\n"))
            self.logins.append(action)
            if action.get("Action", "").lower() != "challenge":
                break
            if not self.challenges or action.get("AuthType", "").lower() != "md5":
                writer.write(
                    ami_frame(
                        Response="Error",
                        ActionID=action.get("ActionID", ""),
                        Message="Must specify AuthType",
                    )
                )
                continue
            challenge = challenge or str(random.randrange(10**9))
            writer.write(
                ami_frame(
                    Response="Success", ActionID=action.get("ActionID", ""), Challenge=challenge
                )
            )
            await writer.drain()
        if action.get("AuthType", "").lower() == "md5":
            key = hashlib.md5((challenge + self.secret).encode()).hexdigest()
            ok = bool(challenge) and action.get("Key") == key
        else:
            ok = action.get("Secret") == self.secret
        ok = ok and action.get("Username") == self.user
        if not ok:
            writer.write(
                ami_frame(
                    Response="Error",
                    ActionID=action.get("ActionID", ""),
                    Message="Authentication failed",
                )
            )
            await writer.drain()
            return False
        writer.write(
            ami_frame(
                Response="Success",
                ActionID=action.get("ActionID", ""),
                Message="Authentication accepted",
            )
        )
        writer.write(fully_booted())
        await writer.drain()
        return True


# -- FreeSWITCH event socket --------------------------------------------------------------


def esl_event(**fields: str) -> bytes:
    body = "".join(f"{k}: {quote(v, safe='')}\n" for k, v in fields.items()).encode() + b"\n"
    return f"Content-Length: {len(body)}\nContent-Type: text/event-plain\n\n".encode() + body


def _micro(at: datetime) -> str:
    return str(int(at.timestamp() * 1_000_000))


def channel_answer(
    at: datetime, uuid: str, *, agent: str = "1001", caller: str = "+48221234567"
) -> bytes:
    return esl_event(
        **{
            "Event-Name": "CHANNEL_ANSWER",
            "Core-UUID": "core-1",
            "Event-Date-Timestamp": _micro(at),
            "Event-Sequence": "501",
            "Channel-Name": f"sofia/internal/{agent}@10.0.0.5",
            "Unique-ID": uuid,
            "Call-Direction": "outbound",
            "Answer-State": "answered",
            "Caller-Caller-ID-Number": caller,
            "Caller-Destination-Number": agent,
            "Caller-Channel-Answered-Time": _micro(at),
            "variable_dialed_user": agent,
            "variable_cc_agent": f"{agent}@default",
            "variable_cc_queue": "support@default",
        }
    )


def channel_hangup_complete(
    answered: datetime,
    ended: datetime,
    uuid: str,
    *,
    agent: str = "1001",
    hold: int = 20,
    disposition: str = "send_bye",
    caller: str = "+48221234567",
    answered_at_all: bool = True,
) -> bytes:
    return esl_event(
        **{
            "Event-Name": "CHANNEL_HANGUP_COMPLETE",
            "Core-UUID": "core-1",
            "Event-Date-Timestamp": _micro(ended),
            "Event-Sequence": "777",
            "Channel-Name": f"sofia/internal/{agent}@10.0.0.5",
            "Unique-ID": uuid,
            "Call-Direction": "outbound",
            "Answer-State": "hangup",
            "Hangup-Cause": "NORMAL_CLEARING",
            "Caller-Caller-ID-Number": caller,
            "Caller-Destination-Number": agent,
            "Caller-Channel-Answered-Time": _micro(answered) if answered_at_all else "0",
            "Caller-Channel-Hangup-Time": _micro(ended),
            "variable_dialed_user": agent,
            "variable_cc_agent": f"{agent}@default",
            "variable_cc_queue": "support@default",
            "variable_billsec": str(int((ended - answered).total_seconds()))
            if answered_at_all
            else "0",
            "variable_hold_accum_seconds": str(hold),
            "variable_sip_hangup_disposition": disposition,
        }
    )


def bridge_agent(
    action: str,
    answered: datetime,
    ended: datetime | None,
    uuid: str,
    *,
    agent: str = "1001@default",
) -> bytes:
    fields = {
        "Event-Name": "CUSTOM",
        "Event-Subclass": "callcenter::info",
        "Core-UUID": "core-1",
        "Event-Sequence": "640" if action.endswith("start") else "770",
        "CC-Queue": "support@default",
        "CC-Action": action,
        "CC-Agent": agent,
        "CC-Agent-System": "single_box",
        "CC-Agent-UUID": uuid,
        "CC-Member-UUID": "member-1",
        "CC-Member-Session-UUID": "caller-leg-1",
        "CC-Member-CID-Name": "Customer",
        "CC-Member-CID-Number": "+48221234567",
        "CC-Agent-Called-Time": str(int(answered.timestamp()) - 3),
        "CC-Agent-Answered-Time": str(int(answered.timestamp())),
        "CC-Member-Joined-Time": str(int(answered.timestamp()) - 30),
    }
    if ended is not None:
        fields["CC-Bridge-Terminated-Time"] = str(int(ended.timestamp()))
        fields["CC-Hangup-Cause"] = "NORMAL_CLEARING"
    return esl_event(**fields)


def esl_reply(text: str) -> bytes:
    return f"Content-Type: command/reply\nReply-Text: {text}\n\n".encode()


@dataclass
class EslSimulator(Simulator):
    password: str = "ClueCon-not-default"

    async def handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"Content-Type: auth/request\n\n")
        command = (await reader.readuntil(b"\n\n")).decode().strip()
        self.logins.append({"command": command.split(" ", 1)[0]})
        if command != f"auth {self.password}":
            writer.write(esl_reply("-ERR invalid"))
            writer.write(b"Content-Type: text/disconnect-notice\nContent-Length: 0\n\n")
            await writer.drain()
            return False
        writer.write(esl_reply("+OK accepted"))
        subscribe = (await reader.readuntil(b"\n\n")).decode().strip()
        if not subscribe.startswith("event plain "):
            writer.write(esl_reply("-ERR no such command"))
            return False
        writer.write(esl_reply("+OK event listener enabled plain"))
        await writer.drain()
        return True
