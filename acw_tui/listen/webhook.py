"""The HTTP webhook: the adapter for `http://127.0.0.1:PORT`, for CTI middleware and
hosted platforms. Three doors, each authenticating every request (anything else gets
401 and one log line; the secret and the credentials sent are never logged):

- `POST /events`: acw's own JSON event (docs/phone-systems.md has the schema), with
  `Authorization: Bearer SECRET` or `X-Acw-Signature: sha256=HEX` (HMAC-SHA256 of the
  body keyed with the secret).
- `POST /twilio/taskrouter`: Twilio TaskRouter's event callback (form-encoded;
  `reservation.accepted` answers, `reservation.wrapup` and `task.wrapup` end), signed
  the way Twilio signs every webhook: `X-Twilio-Signature` is base64(HMAC-SHA1(auth
  token, URL + each POST parameter's name and value, sorted by name)).
- `POST /3cx`: the JSON a 3CX CRM template's call journal (`ReportCall` scenario) posts,
  with the shared secret in `Authorization: Bearer SECRET`.

It binds loopback only: a platform on the internet reaches it through the site's
reverse proxy (TLS), whose public address is `public_url` for Twilio's signatures.
A request is answered after the event is stored, so the platform's own retry covers a
desk that could not take it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from acw_tui.core import inputs
from acw_tui.core.json_text import JSONDecodeError, parse_json
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
    wire_value,
)
from acw_tui.listen.source import ListenError, Sink, SourceSpec

MAX_BODY_BYTES = 1024 * 1024
# `acw listen --check` stores nothing, so it answers 503 and asks the platform to send
# the event again after this many seconds (its own retry then delivers it).
CHECK_RETRY_AFTER = 60
CHECKING = "acw listen --check is running and stores nothing; send this event again later"


# -- authentication --------------------------------------------------------------------


def bearer_ok(headers: dict[str, str], secret: str) -> bool:
    given = headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), secret.encode()
    )


def body_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(headers: dict[str, str], secret: str, body: bytes) -> bool:
    given = headers.get("x-acw-signature", "")
    return bool(given) and hmac.compare_digest(
        given.encode(), body_signature(secret, body).encode()
    )


def twilio_signature(token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's webhook signature (its security documentation): the URL it called, then
    every POST parameter's name and value in name order, HMAC-SHA1 with the auth token."""
    data = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


# -- the payloads ----------------------------------------------------------------------


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise BadEvent(N_("{where}: missing {key}"), where=where, key=key)
        return None
    if not isinstance(value, str):
        raise BadEvent(
            N_("{where}: {key} must be text, got {kind}"),
            where=where,
            key=key,
            kind=type(value).__name__,
        )
    return value


def _time(data: dict[str, Any], key: str, where: str) -> datetime | None:
    value = _text(data, key, where)
    if value is None:
        return None
    try:
        return inputs.moment(value, f"{where}: {key}")
    except inputs.InputError as exc:
        raise BadEvent(exc.template, **exc.params) from None


def _number(data: dict[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadEvent(N_("{where}: {key} must be a number of seconds"), where=where, key=key)
    try:
        return inputs.seconds(
            value if not isinstance(value, str) else float(value), f"{where}: {key}"
        )
    except ValueError:
        raise BadEvent(
            N_("{where}: {key}: {value!r} is not a number of seconds"),
            where=where,
            key=key,
            value=str(value)[:40],
        ) from None
    except inputs.InputError as exc:
        raise BadEvent(exc.template, **exc.params) from None


def _choice(data: dict[str, Any], key: str, where: str, kind: type[Any]) -> Any:
    value = _text(data, key, where)
    if value is None:
        return None
    try:
        return kind(value.lower())
    except ValueError:
        separator = ", "
        allowed = separator.join(member.value for member in kind)
        raise BadEvent(
            N_("{where}: {key} must be one of {allowed}, got {value!r}"),
            where=where,
            key=key,
            allowed=allowed,
            value=value[:40],
        ) from None


def json_object(body: bytes, where: str) -> dict[str, Any]:
    try:
        data = parse_json(body)
    except (UnicodeDecodeError, JSONDecodeError) as exc:
        raise BadEvent(
            N_("{where}: not JSON ({reason})"), where=where, reason=str(exc)[:80]
        ) from None
    if not isinstance(data, dict):
        raise BadEvent(
            N_("{where}: expected a JSON object, got {kind}"), where=where, kind=type(data).__name__
        )
    return data


def acw_event(data: dict[str, Any]) -> CallEvent:
    """acw's own JSON event (schema in docs/phone-systems.md)."""
    event_id = _text(data, "event_id", "webhook event", required=True) or ""
    where = f"webhook event {shown(event_id)}"
    phase = _choice(data, "phase", where, Phase)
    if phase is None:
        raise BadEvent(N_("{where}: missing phase (answered or ended)"), where=where)
    return CallEvent(
        source="webhook",
        event_id=event_id,
        call_id=_text(data, "call_id", where, required=True) or "",
        phase=phase,
        agent_names=(_text(data, "agent", where, required=True) or "",),
        queue=_text(data, "queue", where),
        direction=_choice(data, "direction", where, Direction),
        customer=_text(data, "customer", where),
        answered_at=_time(data, "answered_at", where),
        ended_at=_time(data, "ended_at", where),
        talk_seconds=_number(data, "talk_seconds", where),
        hold_seconds=_number(data, "hold_seconds", where),
        hung_up_by=_choice(data, "hung_up_by", where, HungUpBy),
    )


TASKROUTER_PHASES = {
    "reservation.accepted": Phase.ANSWERED,
    "reservation.wrapup": Phase.ENDED,
    "task.wrapup": Phase.ENDED,
}


def taskrouter_event(params: dict[str, str]) -> CallEvent | None:
    """A TaskRouter event callback; None for event types that do not move a call."""
    kind = params.get("EventType", "")
    phase = TASKROUTER_PHASES.get(kind)
    if phase is None:
        return None
    sid = params.get("Sid") or params.get("EventSid") or ""
    where = f"TaskRouter {kind} {shown(sid) if sid else '(no Sid)'}"
    try:
        attributes = parse_json(params.get("TaskAttributes") or "{}")
        worker = parse_json(params.get("WorkerAttributes") or "{}")
    except JSONDecodeError:
        raise BadEvent(
            N_("{where}: TaskAttributes or WorkerAttributes is not JSON"), where=where
        ) from None
    if not isinstance(attributes, dict) or not isinstance(worker, dict):
        raise BadEvent(
            N_("{where}: TaskAttributes and WorkerAttributes must be JSON objects"), where=where
        )
    call_id = attributes.get("call_sid") or params.get("TaskSid")
    if not isinstance(call_id, str) or not call_id:
        raise BadEvent(N_("{where}: no call_sid in TaskAttributes and no TaskSid"), where=where)
    names = tuple(
        n
        for n in (params.get("WorkerName"), worker.get("contact_uri"), params.get("WorkerSid"))
        if isinstance(n, str) and n
    )
    if not names:
        raise BadEvent(N_("{where}: missing WorkerName and WorkerSid"), where=where)
    stamp = params.get("Timestamp")
    if not stamp:
        raise BadEvent(N_("{where}: missing {key}"), where=where, key="Timestamp")
    at = from_epoch(stamp, f"{where}: Timestamp")
    direction_text = str(attributes.get("direction") or "inbound").lower()
    direction = Direction.OUTBOUND if direction_text.startswith("outbound") else Direction.INBOUND
    customer = attributes.get("to" if direction is Direction.OUTBOUND else "from")
    return CallEvent(
        source="twilio",
        event_id=sid,
        call_id=call_id,
        phase=phase,
        agent_names=names,
        queue=params.get("TaskQueueName") or None,
        direction=direction,
        customer=customer if isinstance(customer, str) and customer else None,
        answered_at=at if phase is Phase.ANSWERED else None,
        ended_at=at if phase is Phase.ENDED else None,
    )


THREECX_TALKED = {"inbound": Direction.INBOUND, "outbound": Direction.OUTBOUND}


def _hms(value: str | None, where: str) -> float | None:
    """3CX's `[Duration]`: `hh:mm:ss` (or plain seconds when the template sends those)."""
    if value is None:
        return None
    parts = value.strip().split(":")
    if len(parts) not in (1, 3) or not all(inputs.is_number_text(p) for p in parts):
        raise BadEvent(
            N_("{where}: {value!r} is not hh:mm:ss (or whole seconds)"),
            where=where,
            value=value[:40],
        )
    if len(parts) == 1:
        return whole_seconds(value, where)

    def total() -> float:
        hours, minutes, seconds = (int(p) for p in parts)
        return float(hours * 3600 + minutes * 60 + seconds)

    return whole_seconds(str(wire_value(total, where, value)), where)


def threecx_event(data: dict[str, Any]) -> CallEvent | None:
    """A 3CX call-journal entry; None for a missed or unanswered call (nothing was said,
    so there is nothing to wrap up)."""
    kind = (_text(data, "call_type", "3CX call journal", required=True) or "").lower()
    agent = _text(data, "agent", "3CX call journal", required=True) or ""
    started = _text(data, "started_at", "3CX call journal", required=True) or ""
    number = _text(data, "number", "3CX call journal") or ""
    # 3CX's call journal has no call id: one agent's call from one number starting at
    # one second is one call, so a journal entry sent twice is recognised.
    call_id = "3cx-" + hashlib.sha256(f"{agent}|{number}|{started}".encode()).hexdigest()[:24]
    where = f"3CX call journal {call_id}"
    direction = THREECX_TALKED.get(kind)
    if direction is None:
        if kind in ("missed", "notanswered"):
            return None
        raise BadEvent(
            N_("{where}: call_type must be Inbound, Outbound, Missed or Notanswered"), where=where
        )
    ended = _time(data, "ended_at", where)
    answered = _time(data, "answered_at", where)
    talk = _hms(_text(data, "duration", where), f"{where}: duration")
    if answered is None and ended is not None and talk is not None:
        answered = before(ended, talk, f"{where}: duration")
    return CallEvent(
        source="3cx",
        event_id=call_id,
        call_id=call_id,
        phase=Phase.ENDED,
        agent_names=tuple(n for n in (agent, _text(data, "agent_email", where)) if n),
        queue=_text(data, "queue", where),
        direction=direction,
        customer=number or None,
        answered_at=answered,
        ended_at=ended,
        talk_seconds=talk,
    )


# -- the server ------------------------------------------------------------------------


class WebhookAdapter:
    name = "webhook"

    def __init__(self, spec: SourceSpec, secret: str, *, public_url: str = "") -> None:
        if not spec.is_loopback:
            raise ListenError(
                N_(
                    "{source}: the webhook listens on loopback only (127.0.0.1 or ::1); "
                    "put the site's reverse proxy in front of it (docs/phone-systems.md)"
                ),
                source=spec,
            )
        self.spec = spec
        self.secret = secret
        self.public_url = public_url.rstrip("/")
        self.port: int | None = None
        self._lock = asyncio.Lock()

    def app(self, sink: Sink) -> Any:
        from starlette.applications import Starlette
        from starlette.requests import ClientDisconnect, Request
        from starlette.responses import JSONResponse, Response
        from starlette.routing import Route

        def door(request: Request) -> Phrase:
            """Where a request came in and from whom, as every line about it starts."""
            return Phrase(
                N_("webhook: {method} {path} from {peer}"),
                method=request.method,
                path=request.url.path,
                peer=request.client.host if request.client else "?",
            )

        def note(request: Request, message: str) -> None:
            # The secret and whatever credentials were sent stay out of the line.
            sink.bad(Phrase(N_("{origin}: {message}"), origin=door(request), message=message))

        def refuse(request: Request, status: int, message: str) -> JSONResponse:
            note(request, message)
            return JSONResponse({"error": sink.shown(message)}, status_code=status)

        async def body_of(request: Request) -> bytes | None:
            length = request.headers.get("content-length", "")
            if inputs.is_number_text(length) and int(length) > MAX_BODY_BYTES:
                return None
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    return None
            return body

        async def deliver(request: Request, build: Callable[[], CallEvent | None]) -> JSONResponse:
            try:
                event = build()
            except BadEvent as exc:
                return refuse(request, 400, Phrase.of_error(exc))
            if event is None:
                return JSONResponse({"result": "ignored"}, status_code=202)
            async with self._lock:  # one event at a time, in the order they came
                refused = await sink.event(event, door(request))
            if refused is not None:  # already logged, with the door and the peer
                return JSONResponse({"error": sink.shown(refused)}, status_code=400)
            if not sink.stores:
                # `acw listen --check` stores nothing: the platform is asked to send the
                # event again later, so a call made during a check is not lost.
                return JSONResponse(
                    {"error": CHECKING},
                    status_code=503,
                    headers={"Retry-After": str(CHECK_RETRY_AFTER)},
                )
            return JSONResponse({"result": "accepted", "call_id": sink.shown(event.call_id)})

        def guarded(
            handler: Callable[[Request], Awaitable[Response]],
        ) -> Callable[[Request], Awaitable[Response]]:
            """One request's problem is one line at most, never a traceback: a client
            that went away mid-body gets no line (there is nobody to answer), a defect
            one line and a 500."""

            async def handle(request: Request) -> Response:
                try:
                    return await handler(request)
                except ClientDisconnect:
                    return Response(status_code=400)
                except Exception as exc:
                    note(request, internal(request.url.path, exc))
                    return JSONResponse({"error": "internal error"}, status_code=500)

            return handle

        async def acw_events(request: Request) -> JSONResponse:
            body = await body_of(request)
            if body is None:
                return refuse(
                    request, 413, Phrase(N_("body over {limit} bytes"), limit=MAX_BODY_BYTES)
                )
            headers = {k.lower(): v for k, v in request.headers.items()}
            if not (bearer_ok(headers, self.secret) or signature_ok(headers, self.secret, body)):
                return refuse(
                    request, 401, Phrase(N_("not authenticated (bearer token or signature)"))
                )
            return await deliver(request, lambda: acw_event(json_object(body, "webhook event")))

        async def taskrouter(request: Request) -> JSONResponse:
            body = await body_of(request)
            if body is None:
                return refuse(
                    request, 413, Phrase(N_("body over {limit} bytes"), limit=MAX_BODY_BYTES)
                )
            try:
                params = parse_qsl(
                    body.decode("utf-8"), keep_blank_values=True, strict_parsing=False
                )
            except UnicodeDecodeError:
                params = []
            base = self.public_url or f"{request.url.scheme}://{request.url.netloc}"
            url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
            given = request.headers.get("x-twilio-signature", "")
            expected = twilio_signature(self.secret, url, params)
            if not given or not hmac.compare_digest(given.encode(), expected.encode()):
                return refuse(request, 401, Phrase(N_("bad or missing X-Twilio-Signature")))
            fields = dict(params)

            def build() -> CallEvent | None:
                event = taskrouter_event(fields)
                if event is None:
                    kind = fields.get("EventType", "")[:60] or "(no EventType)"
                    note(
                        request,
                        Phrase(
                            N_("TaskRouter: event type {kind!r} does not move a call, ignored"),
                            kind=kind,
                        ),
                    )
                return event

            return await deliver(request, build)

        async def threecx(request: Request) -> JSONResponse:
            body = await body_of(request)
            if body is None:
                return refuse(
                    request, 413, Phrase(N_("body over {limit} bytes"), limit=MAX_BODY_BYTES)
                )
            headers = {k.lower(): v for k, v in request.headers.items()}
            if not bearer_ok(headers, self.secret):
                return refuse(request, 401, Phrase(N_("not authenticated (bearer token)")))
            return await deliver(
                request, lambda: threecx_event(json_object(body, "3CX call journal"))
            )

        return Starlette(
            routes=[
                Route("/events", guarded(acw_events), methods=["POST"]),
                Route("/twilio/taskrouter", guarded(taskrouter), methods=["POST"]),
                Route("/3cx", guarded(threecx), methods=["POST"]),
            ]
        )

    async def run(self, sink: Sink) -> None:
        import uvicorn

        from acw_tui.tcp import listening_socket

        try:
            sock = listening_socket(self.spec.host, self.spec.port)
        except OSError as exc:
            raise ListenError(
                N_("{source}: cannot listen ({reason})"),
                source=self.spec,
                reason=os_reason(exc),
            ) from None
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app(sink), log_level="warning", access_log=False, lifespan="off"
        )
        server = uvicorn.Server(config)
        # `acw listen` handles Ctrl-C itself (the runner is cancelled); the server
        # must not take the process's signals over.
        server.capture_signals = contextlib.nullcontext  # type: ignore[assignment,method-assign]
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            while not server.started and not serving.done():
                await asyncio.sleep(0.02)
            if serving.done():
                serving.result()
                raise ListenError(
                    N_("{source}: the webhook server did not start"), source=self.spec
                )
            await sink.connected(
                Phrase(N_("webhook on http://{host}:{port}"), host=self.spec.host, port=self.port)
            )
            await asyncio.shield(serving)
        finally:
            server.should_exit = True
            try:
                await asyncio.wait_for(serving, 5)
            except (TimeoutError, asyncio.CancelledError):
                serving.cancel()
            sock.close()
        raise ListenError(N_("{source}: the webhook server stopped"), source=self.spec)
