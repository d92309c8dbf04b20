"""`acw sync`: upload the outbox in batches, adopt the hub's mark, fetch new bundles.

Every step can be interrupted. Before a batch is sent its idempotency key and range
are stored, so the next run re-sends the same bytes under the same key and gets the
hub's stored answer if it had committed. The hub's mark decides what is dropped here;
a mark behind ours means the hub lost records, and everything current is sent again.
Time-outs, refused connections, 5xx and 429 are retried with backoff; 401, 403, 413
and 422 are not (retrying cannot help), and say why in one line.

A record the hub would refuse never holds back the ones after it: the site checks each
entry with the hub's own rules before sending (`wire.entry_problem`), and a refusal
that names records (another site's id, a value the store cannot hold, a record too
large) sets those aside in quarantine; the batch is then sent without them. One sync
runs per store at a time (`lock.SyncLock`), and a hub whose mark does not advance, or
goes back more than once in a run, is an error after a bounded number of tries.

Two batches are in flight at once, each sent from a thread of its own: while the hub
stores one, the next is already on its way and the site reads and checks the one after.
Each builds on the mark the one before it will leave, and the hub stores a site's
batches one at a time, so the second waits at the hub for the first. If it gets there
first it is refused (409) with nothing written, and is sent again, alone, once the first
is acknowledged. After any answer other than an acknowledgement the site sends one batch
at a time until the hub takes one whole.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_delay,
    wait_exponential_jitter,
)

from acw_tui.core.inputs import is_number_text, url_without_secrets
from acw_tui.core.json_text import parse_json
from acw_tui.core.printable import cut, flat
from acw_tui.core.redaction import Redactor, redactor_for
from acw_tui.errors import N_, Phrase
from acw_tui.settings.config import Config
from acw_tui.store import Store
from acw_tui.sync import SyncError, content, quarantine, site_state
from acw_tui.sync.lock import SyncLock
from acw_tui.sync.protocol import (
    API,
    BATCH_BYTES,
    BATCH_RECORDS,
    CONTENT_KINDS,
    KIND_LABELS,
    MAX_BODY_BYTES,
    STORE_HEADER,
    OutboxEntry,
    batch_body,
)
from acw_tui.sync.wire import INT64_MAX, entry_problem, plainly_sendable

MAX_CONFLICTS = 20  # 409s in a row before giving up
MAX_STALLS = 5  # answers in a row whose mark does not cover the batch sent
# Characters of the hub's own words (a refusal's detail, a record's reason) that a
# message quotes and the store keeps: enough for any reason an acw hub gives.
HUB_WORDS_LIMIT = 300
WINDOW = 2  # batches sent and not yet answered, at most
Progress = Callable[[int, int], None]


class Transient(Exception):
    """A failure a retry may cure (time-out, hub down, 5xx, 429)."""

    def __init__(self, reason: Phrase, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason  # how the hub failed, in the reader's language where shown
        self.retry_after = retry_after


class Conflict(Exception):
    """409: the batch does not build on the hub's mark (`at`: the record at it, if the
    hub said)."""

    def __init__(self, mark: int, at: RecordAt | None = None) -> None:
        super().__init__(f"hub mark is {mark}")
        self.mark = mark
        self.at = at


class AnotherStore(SyncError):
    """409: the hub has the token's site bound to another store."""

    def __init__(self, url: str, site: str = "") -> None:
        super().__init__(
            N_(
                "hub {url} has site {site} syncing from another store: two stores cannot "
                "share a site's token, or each would drop records the other sent. Nothing "
                "was sent or dropped. Ask the hub admin for a site name and token for this "
                "store (`acw hub site add NAME`), or, if this store replaces the site's "
                "(a new disk, a restored backup), to run `acw hub site reset-store {site}`"
            ),
            url=url,
            site=site or "?",
        )
        self.url = url


class RecordsRefused(SyncError):
    """403 or 422 listing records of the batch (`records`). A list naming no record the
    site can find, or `send_fewer` (the hub's store refused a value but not which
    record's), means "some record, send fewer"; otherwise an empty one names no record
    at all."""

    def __init__(
        self,
        url: str,
        status: int,
        detail: str,
        records: list[dict[str, Any]],
        *,
        send_fewer: bool = False,
    ) -> None:
        super().__init__(
            N_("hub {url} refused the request ({status}: {detail})"),
            url=url,
            status=status,
            detail=detail,
        )
        self.status = status
        self.detail = detail
        self.records = records
        self.send_fewer = send_fewer


class TooLarge(SyncError):
    """413: the hub will not take a batch this big (a SyncError where nobody splits)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            N_("the hub refused the request as too large (413: {detail})"), detail=detail
        )
        self.detail = detail


def _detail(response: httpx.Response) -> str:
    """The hub's reason for an answer: its JSON `detail`, else its first line of text."""
    try:
        data = parse_json(response.content)
    except ValueError:
        text = response.text.strip()
        return text.splitlines()[0] if text else ""
    return str(data.get("detail", "")) if isinstance(data, dict) else ""


# The largest answer a hub gives is a content bundle, which it takes only up to its
# request limit; anything far past that is not a hub.
MAX_ANSWER_BYTES = 4 * MAX_BODY_BYTES


class RecordAt(NamedTuple):
    """The record that stands at the hub's mark, as the hub says (table, id, revision,
    and the digest of its row; None from a hub older than that)."""

    table: str
    id: str
    rev: int
    digest: str | None = None

    def is_(self, mine: tuple[str, str, int, str] | None) -> bool:
        """Whether this store's outbox record (`site_state.record_at`) is this one. Table,
        id and revision are not enough: a store restored from a backup and written to
        makes another record under the same three."""
        if mine is None:
            return False
        return mine[:3] == self[:3] and self.digest in (None, mine[3])


def record_at(answer: object) -> RecordAt | None:
    """The record at the hub's mark in an answer (`at`), or None: a hub older than
    that, a mark it knows no record of, or anything that is not one."""
    at = answer.get("at") if isinstance(answer, dict) else None
    if not isinstance(at, dict):
        return None
    table, row_id, rev, digest = at.get("table"), at.get("id"), at.get("rev"), at.get("digest")
    if isinstance(table, str) and isinstance(row_id, str) and type(rev) is int:
        return RecordAt(table, row_id, rev, digest if isinstance(digest, str) else None)
    return None


def rebase_over(answer: object) -> int | None:
    """The revision the hub asks this store to raise its rows above (after `acw hub site
    reset-store`), or None: not asked, a hub older than that, or not a number."""
    value = answer.get("rebase_over") if isinstance(answer, dict) else None
    return value if type(value) is int and 0 < value <= INT64_MAX // 2 else None


class HubMark(NamedTuple):
    """The hub's answer to `GET /v1/sync/mark`."""

    site: str
    mark: int
    at: RecordAt | None
    rebase_over: int | None = None


def mark_of(answer: object) -> int | None:
    """The hub's mark in an answer: a whole number in range, never true, "12" or 1e308
    (which int() would take, and a site would then build on)."""
    value = answer.get("mark") if isinstance(answer, dict) else None
    return value if type(value) is int and 0 <= value <= INT64_MAX else None


class HubClient:
    """HTTP to one hub with one token; retries what can be retried."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 30.0,
        retry_for: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        """`redactor`: the site's redaction policy, for what the hub says (the default
        policy when not given)."""
        if not url.startswith(("http://", "https://")):
            raise SyncError("hub URL {url} must start with http:// or https://", url=repr(url))
        if not token:
            raise SyncError("no hub token: pass --token, set ACW_HUB_TOKEN or [sync] token")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retry_for = retry_for
        self.retries = 0
        self.redactor = redactor or redactor_for()
        self._counting = threading.Lock()  # batches are sent from two threads at once
        self.http = httpx.Client(
            base_url=self.url,
            headers={"authorization": f"Bearer {token}", "user-agent": "acw-sync"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            event_hooks={"response": [self._refuse_redirect]},
        )

    def close(self) -> None:
        self.http.close()

    def use_store(self, store_id: str | None) -> None:
        """Name the site store every request comes from (None: name none)."""
        if store_id is None:
            self.http.headers.pop(STORE_HEADER, None)
        else:
            self.http.headers[STORE_HEADER] = store_id

    def hub_words(self, text: object) -> str:
        """What the hub said (a refusal's detail, a record's reason) as acw quotes and
        keeps it: one printable line, cut short, card data and ids redacted. It is a
        network answer, so it may hold anything: escape sequences for the terminal
        that prints it, megabytes, or a card number for the store that keeps it."""
        # Cut well past the limit first, so a hostile megabyte costs nothing to redact
        # (a card number split by that cut is past the limit kept); made one line before
        # redacting, so that joining lines cannot put a card number together after.
        line = flat(" ".join(str(text)[: 4 * HUB_WORDS_LIMIT].split()))
        return cut(self.redactor.redact(line).text, HUB_WORDS_LIMIT)

    def _said(self, response: httpx.Response) -> str:
        return self.hub_words(_detail(response))

    def _refuse_redirect(self, response: httpx.Response) -> None:
        """A redirect is named, never followed: the token would go wherever it points.
        Named here, before httpx reads the Location for a next request (a Location it
        cannot read would be a protocol error, retried for `retry_for` as if the hub were
        down)."""
        if response.is_redirect:
            location = response.headers.get("location", "")
            raise SyncError(
                "hub {url} answered {status}, pointing to {location}; "
                "if the hub has moved there, set hub_url to it",
                url=self.url,
                status=response.status_code,
                location=repr(url_without_secrets(location[:200])),
            )

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(multiplier=0.2, max=5.0, jitter=0.2)(state)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            left = self.retry_for - state.seconds_since_start
            if 0 < left < exc.retry_after:
                # Waiting as asked would outlast the retry time: say so now, honestly.
                raise SyncError(
                    "hub {url} {reason} and asks to retry in {retry_after} s, "
                    "later than the {retry_for} s of retrying allowed; gave up. "
                    "Nothing is lost: local work goes on and the next `acw sync` resumes",
                    url=self.url,
                    reason=exc.reason,
                    retry_after=format(exc.retry_after, "g"),
                    retry_for=format(self.retry_for, "g"),
                )
            return min(max(backoff, exc.retry_after), 30.0)
        return backoff

    def _count(self, _state: RetryCallState) -> None:
        self.count_retry()

    def count_retry(self) -> None:
        with self._counting:
            self.retries += 1

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on transient failures; raises SyncError when it gives up."""
        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, Transient)),
            wait=self._wait,
            stop=stop_after_delay(self.retry_for),
            before_sleep=self._count,
            reraise=True,
        )
        try:
            return retrying(self._once, method, path, **kwargs)
        except Transient as exc:
            raise SyncError(
                "hub {url} {reason}; gave up after {retry_for} s. "
                "Nothing is lost: local work goes on and the next `acw sync` resumes",
                url=self.url,
                reason=exc.reason,
                retry_for=format(self.retry_for, "g"),
            ) from None

    def _fetch(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The whole answer, within the time-out and MAX_ANSWER_BYTES. httpx times each
        read on its own, so a hub sending a byte a second, or sending without end, would
        otherwise hold the sync (and its lock) as long as it liked."""
        deadline = time.monotonic() + self.timeout
        with self.http.stream(method, path, **kwargs) as streamed:
            body = bytearray()
            for chunk in streamed.iter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    raise SyncError(
                        "hub {url} answered more than {limit} MiB on {path}; "
                        "is the URL really an acw hub?",
                        url=self.url,
                        limit=MAX_ANSWER_BYTES >> 20,
                        path=path,
                    )
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took too long", request=streamed.request)
            # Decoded already: the copy keeps no Content-Encoding to decode again.
            headers = [
                (k, v)
                for k, v in streamed.headers.multi_items()
                if k.lower() not in ("content-encoding", "content-length")
            ]
            return httpx.Response(
                streamed.status_code, headers=headers, content=bytes(body), request=streamed.request
            )

    def _once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._fetch(method, path, **kwargs)
        except httpx.TimeoutException:
            raise Transient(Phrase("did not answer in time")) from None
        except httpx.TransportError as exc:
            raise Transient(
                Phrase(
                    "is unreachable ({kind}: {detail})", kind=type(exc).__name__, detail=str(exc)
                )
            ) from None
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = response.headers.get("retry-after", "")
            detail = self._said(response)
            raise Transient(
                Phrase("answered {status} {detail}", status=status, detail=detail)
                if detail
                else Phrase("answered {status}", status=status),
                float(retry_after) if is_number_text(retry_after.replace(".", "", 1)) else None,
            )
        if status == 409:
            try:
                answer = parse_json(response.content)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("another_store") is True:
                raise AnotherStore(self.url)
            mark = mark_of(answer)
            if mark is None:
                raise SyncError(
                    "hub {url} refused the request (409: {detail})",
                    url=self.url,
                    detail=self._said(response),
                )
            raise Conflict(mark, record_at(answer))
        if status == 413:
            raise TooLarge(self._said(response))
        if status in (403, 422):
            try:
                data = parse_json(response.content)
            except ValueError:
                data = None
            if isinstance(data, dict) and isinstance(data.get("records"), list):
                named = [
                    {**r, "reason": self.hub_words(r["reason"])} if r.get("reason") else r
                    for r in data["records"]
                    if isinstance(r, dict)
                ]
                raise RecordsRefused(
                    self.url,
                    status,
                    self._said(response),
                    named,
                    send_fewer=data.get("send_fewer") is True,
                )
        if status == 401:
            raise SyncError(
                "hub {url} refused the token (401: {detail}); "
                "ask the hub admin for the site's current token (`acw hub token rotate`)",
                url=self.url,
                detail=self._said(response),
            )
        if status >= 400:
            raise SyncError(
                "hub {url} refused the request ({status}: {detail})",
                url=self.url,
                status=status,
                detail=self._said(response),
            )
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        try:
            return parse_json(response.content)
        except ValueError:
            raise SyncError(
                "hub {url} answered something that is not JSON on {path}; "
                "is the URL really an acw hub?",
                url=self.url,
                path=path,
            ) from None

    def mark(self) -> int:
        return self.whoami().mark

    def whoami(self) -> HubMark:
        """The site the token belongs to on the hub, the hub's mark for it, the record
        at that mark and the revision to rebase over (None from a hub that does not say)."""
        data = self.json("GET", f"{API}/sync/mark")
        mark = mark_of(data)
        if mark is None or not isinstance(data.get("site"), str):
            raise SyncError("hub {url} answered a mark that is not a number", url=self.url)
        return HubMark(data["site"], mark, record_at(data), rebase_over(data))

    def send_batch(
        self, key: str, body: bytes, on_written: Callable[[], None] | None = None
    ) -> dict[str, Any]:
        """Send one batch; `on_written` is called once its bytes are written (per attempt)."""

        def trace(event: str, _info: dict[str, Any]) -> None:
            # httpcore's trace events; HTTP/1.1 is what the client speaks.
            if event == "http11.send_request_body.complete" and on_written is not None:
                on_written()

        data = self.json(
            "POST",
            f"{API}/sync/batch",
            content=body,
            headers={"idempotency-key": key, "content-type": "application/json"},
            extensions={"trace": trace},
        )
        if mark_of(data) is None:
            raise SyncError("hub {url} answered a batch without a mark", url=self.url)
        return data

    def content_index(self) -> dict[str, Any]:
        data = self.json("GET", f"{API}/content")
        return data if isinstance(data, dict) else {}

    def content(self, kind: str, release: int) -> dict[str, Any]:
        data = self.json("GET", f"{API}/content/{kind}/{release}")
        if not isinstance(data, dict):
            raise SyncError(
                "hub {url} answered a malformed {kind} release", url=self.url, kind=kind
            )
        return data

    def publish(self, kind: str, files: dict[str, str], version: int | None) -> dict[str, Any]:
        from acw_tui.sync.protocol import bundle_checksum

        body = json.dumps(
            {"files": files, "content_version": version, "checksum": bundle_checksum(files)},
            ensure_ascii=False,
        ).encode("utf-8")
        try:
            data = self.json(
                "POST",
                f"{API}/content/{kind}",
                content=body,
                headers={"content-type": "application/json"},
            )
        except TooLarge as exc:
            raise SyncError(
                "the hub refused the bundle as too large ({detail})", detail=exc.detail
            ) from None
        except Conflict:
            raise SyncError("the hub refused the bundle (409)") from None
        return data


@dataclass
class SyncSummary:
    """What one sync run did: records sent and dropped, the hub's mark, retries, releases
    received, records set aside."""

    sent: int = 0
    batches: int = 0
    dropped: int = 0
    resent_after_hub_loss: int = 0
    mark: int = 0
    seconds: float = 0.0
    retries: int = 0
    applied: dict[str, int] = field(default_factory=dict)
    content_errors: list[Phrase] = field(default_factory=list)
    set_aside: int = 0  # records put in quarantine by this run
    quarantined: int = 0  # records in quarantine after it

    def lines(self) -> list[str]:
        """What the run did, in the chosen language (`acw sync` and the sync screen)."""
        from acw_tui.i18n import _, ngettext

        rate = self.sent / self.seconds if self.seconds > 0 else 0.0
        sent = _("sent {records} in {batches}, {seconds} s").format(
            records=ngettext("{count} record(s)", "{count} record(s)", self.sent).format(
                count=self.sent
            ),
            batches=ngettext("{count} batch(es)", "{count} batch(es)", self.batches).format(
                count=self.batches
            ),
            seconds=f"{self.seconds:.1f}",
        )
        if self.sent:
            sent += " " + _("({rate} records/s)").format(rate=f"{rate:,.0f}")
        out = [sent, _("hub mark {mark}").format(mark=self.mark)]
        if self.retries:
            retries = ngettext(
                "{count} retry(ies) on the way", "{count} retry(ies) on the way", self.retries
            )
            out.append(retries.format(count=self.retries))
        if self.resent_after_hub_loss:
            resent = ngettext(
                "the hub was behind this site (restored from a backup?): "
                "re-sent {count} current record(s)",
                "the hub was behind this site (restored from a backup?): "
                "re-sent {count} current record(s)",
                self.resent_after_hub_loss,
            )
            out.append(resent.format(count=self.resent_after_hub_loss))
        for kind, release in self.applied.items():
            label = _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind
            out.append(_("received {what} release {release}").format(what=label, release=release))
        if self.quarantined:
            out.append(self.quarantine_line())
        return out

    def quarantine_line(self) -> str:
        from acw_tui.i18n import ngettext

        waiting = ngettext(
            "{count} record(s) wait in quarantine: see `acw sync quarantine list`",
            "{count} record(s) wait in quarantine: see `acw sync quarantine list`",
            self.quarantined,
        ).format(count=self.quarantined)
        if not self.set_aside:
            return waiting
        new = ngettext(
            "set aside {count} record(s) the hub refuses; ",
            "set aside {count} record(s) the hub refuses; ",
            self.set_aside,
        )
        return new.format(count=self.set_aside) + waiting

    def problems(self) -> list[str]:
        """What went wrong besides the records, in the chosen language: releases not
        applied, records set aside (`acw sync` and the sync screen)."""
        from acw_tui.i18n import said

        shown = [said(error) for error in self.content_errors]
        return [*shown, self.quarantine_line()] if self.set_aside else shown


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class SyncObserver:
    """Told how a sync run goes, step by step; this one does nothing.

    Subclass it to log or show progress in more detail than `Progress` gives.
    """

    def batch_acknowledged(self, number: int, mark: int) -> None:
        """The hub acknowledged this run's batch `number` (from 1) up to `mark`.

        Called before the ack is recorded here: a run that stops now sends the batch
        again next time and gets the hub's stored answer.
        """

    def bundle_file_written(self, kind: str, path: Path) -> None:
        """One file of a received release is on disk, before the release is switched in."""


class _Job:
    """One batch handed to the sender, with what its caller waits for."""

    __slots__ = ("answer", "body", "key", "taken", "written")

    def __init__(self, key: str, body: bytes) -> None:
        self.key = key
        self.body = body
        self.answer: Future[dict[str, Any]] = Future()
        self.taken = threading.Event()
        self.written = threading.Event()


class BatchSender:
    """Sends batches from threads of their own (`window` at once), so the caller can
    prepare the next meanwhile. The threads are daemons: ctrl+c ends `acw sync` at once
    instead of waiting for a hub that holds a batch (the next run learns the hub's mark)."""

    # How long `send` waits for a transport that does not say when the bytes are out.
    WRITE_WAIT = 0.05

    def __init__(self, client: HubClient, window: int = 1) -> None:
        self.client = client
        self.window = window
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        for number in range(window):
            threading.Thread(target=self._run, name=f"acw-sync-send-{number}", daemon=True).start()

    def send(self, key: str, body: bytes) -> Future[dict[str, Any]]:
        """Hand a batch to a sending thread; returns once the batch is written to the
        hub's connection (or its request has ended, or `WRITE_WAIT` has passed).

        The threads share the interpreter's lock. Returning at hand-over let the
        caller, already reading the next batch, hold the lock while the sender waited
        to write: the hub got a batch's 170 KB 1.8 ms after its headers on average.
        With `window` batches unanswered, the next waits for a thread to be free.
        """
        if self._closed:  # nothing would take it: waiting for the hand-over would hang
            raise RuntimeError("the batch sender is closed")
        job = _Job(key, body)
        self._jobs.put(job)
        job.taken.wait()
        job.written.wait(self.WRITE_WAIT)
        return job.answer

    def close(self) -> None:
        self._closed = True
        for _ in range(self.window):
            self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            running = job.answer.set_running_or_notify_cancel()
            job.taken.set()
            try:
                if running:
                    job.answer.set_result(
                        self.client.send_batch(job.key, job.body, job.written.set)
                    )
            except BaseException as exc:  # the caller raises it where it waits
                job.answer.set_exception(exc)
            finally:
                job.written.set()


class Batch(NamedTuple):
    """One batch to send: its idempotency key, its entries, and its exact bytes (made
    on the mark it builds on, which is where it is sent from)."""

    key: str
    entries: list[OutboxEntry]
    body: bytes


class _Sent(NamedTuple):
    """A batch on its way: what it builds on, and whether an earlier one was unanswered
    when it went (then the hub may see it first and refuse it as not building on its mark)."""

    batch: Batch
    after: int
    behind: bool
    answer: Future[dict[str, Any]]


def _settle(flight: deque[_Sent]) -> None:
    """Wait out the batches sent after one the hub did not take whole.

    Each builds on a mark the hub has not reached, so it is refused (409) and nothing of
    it is written; the run goes on from the mark it holds and learns the hub's anew.
    """
    while flight:
        with contextlib.suppress(Exception):  # its answer is not needed: see above
            flight.popleft().answer.result()


class Syncer:
    """One site store syncing with one hub.

    Its bookkeeping (acks, the batch in flight) goes through a connection of its own
    with `synchronous=NORMAL`: a power cut may forget the last ack, which only means
    the batch is answered again from the hub's record, while the agent's own writes
    keep the store's full durability.
    """

    def __init__(
        self,
        store: Store,
        client: HubClient,
        *,
        batch_records: int = BATCH_RECORDS,
        batch_bytes: int = BATCH_BYTES,
        site_id: str | None = None,
        observer: SyncObserver | None = None,
        window: int = WINDOW,
    ) -> None:
        from acw_tui.store import open_store

        self.store = open_store(store.path)
        with self.store.errors():
            self.store.conn.execute("PRAGMA synchronous=NORMAL")
        self.client = client
        client.use_store(site_state.store_id(self.store))
        self.batch_records = batch_records
        self.batch_bytes = batch_bytes
        self.window = window
        self.observer = observer or SyncObserver()
        self.site_id = site_id  # the configured site, if known: must be the token's
        self.site = ""  # the token's site on the hub, learnt from its mark
        self._requeued = False
        self._deadline = 0.0

    def close(self) -> None:
        self.store.close()

    def reconcile(
        self,
        hub_mark: int,
        summary: SyncSummary,
        at: RecordAt | None = None,
        rebase: int | None = None,
    ) -> int:
        """Agree with the hub on where to build next; returns the mark to build on.

        `at` is the record the hub holds at its mark (None from a hub that does not
        say). A mark ahead of ours is adopted only if this store's own record under
        that number is the same one, content and all: a store restored from a backup
        that then wrote past the hub's mark holds other records under those numbers,
        and adopting the mark would drop them unsent. `rebase` is the revision the hub
        asks this store's rows to be raised above, after `acw hub site reset-store`
        (`site_state.rebase`)."""
        if rebase is not None:
            queued = site_state.rebase(self.store, rebase)
            summary.resent_after_hub_loss += queued or 0
        state = site_state.load_state(self.store)
        if hub_mark > site_state.last_seq(self.store):
            raise SyncError(
                N_(
                    "hub {url} holds records up to {mark} from this store, more than it "
                    "ever wrote ({last}): was it restored from a backup? Nothing was sent "
                    "or dropped. Ask the hub admin to run `acw hub site reset-store {site}`; "
                    "the next sync then sends every current record again"
                ),
                url=self.client.url,
                mark=hub_mark,
                last=site_state.last_seq(self.store),
                site=self.site,
            )
        if hub_mark < state.acked_seq:
            if self._requeued:
                # A hub restored from a backup loses records once; losing them again
                # within one run means it does not keep what it acknowledges.
                raise SyncError(
                    "hub {url} went back to mark {mark} a second time in this "
                    "run (this site had {acked} acknowledged): it is not keeping "
                    "what it acknowledges. Nothing is lost here; ask the hub admin to check it",
                    url=self.client.url,
                    mark=hub_mark,
                    acked=state.acked_seq,
                )
            self._requeued = True
            summary.resent_after_hub_loss += site_state.hub_lost_records(self.store, hub_mark)
            return hub_mark
        if hub_mark > state.acked_seq:
            if at is not None and not at.is_(site_state.record_at(self.store, hub_mark)):
                raise SyncError(
                    N_(
                        "hub {url} holds records up to {mark} from this store, but this "
                        "store's record {mark} is not the one the hub holds: was it restored "
                        "from a backup and written to since? Nothing was sent or dropped. "
                        "Ask the hub admin to run `acw hub site reset-store {site}`; the "
                        "next sync then sends every current record again"
                    ),
                    url=self.client.url,
                    mark=hub_mark,
                    site=self.site,
                )
            summary.dropped += site_state.adopt_mark(self.store, hub_mark)
        return hub_mark

    def _checked(
        self, after: int, entries: list[OutboxEntry], summary: SyncSummary
    ) -> bytes | None:
        """The batch's bytes if every entry passes; otherwise the entries the hub would
        refuse are set aside and None is returned."""
        body = batch_body(after, entries)
        if plainly_sendable(body, entries, self.site):
            return body
        refused = []
        for entry in entries:
            why = entry_problem(entry.table, entry.row_id, entry.rev, entry.payload, self.site)
            if why:
                refused.append((entry, why))
        if refused:
            summary.set_aside += quarantine.set_aside(self.store, refused)
            return None
        return body

    def _first_batch(self, after: int, limit: int, summary: SyncSummary) -> Batch | None:
        """The batch a killed run left in flight (same key, same bytes), or a new one."""
        state = site_state.load_state(self.store)
        if state.inflight_key and state.inflight_after == after and state.inflight_last:
            entries = site_state.read_range(self.store, after, state.inflight_last)
            body = self._checked(after, entries, summary) if entries else None
            if body is not None:
                return Batch(state.inflight_key, entries, body)
            site_state.forget_inflight(self.store)
        batch = self._next_batch(after, limit, summary)
        if batch is not None:
            site_state.begin_batch(
                self.store, self.client.url, batch.key, after, batch.entries[-1].seq
            )
        return batch

    def _next_batch(self, after: int, limit: int, summary: SyncSummary) -> Batch | None:
        """The outbox's next batch after `after`, checked, with a new key."""
        while True:
            entries = site_state.read_entries(self.store, after, limit, self.batch_bytes)
            if not entries:
                return None
            body = self._checked(after, entries, summary)
            if body is not None:
                return Batch(uuid.uuid4().hex, entries, body)

    def _refused(
        self, refusal: RecordsRefused, entries: list[OutboxEntry], summary: SyncSummary
    ) -> bool:
        """Set aside the records a refusal names; False if it named none of them.

        A refusal listing no record at all is about the site or the request, not a
        record (a suspended site, a proxy's rule): it ends the sync, with nothing set
        aside. Sending fewer would end with every record in quarantine, one by one.
        Unless the hub asks for it (`send_fewer`): its store refused a value of some
        record, so halving the batch finds that one record, and only it is set aside.
        """
        if not refusal.records and not refusal.send_fewer:
            raise refusal
        reasons = {
            r["seq"]: str(r.get("reason") or refusal.detail)
            for r in refusal.records
            if isinstance(r.get("seq"), int)
        }

        def refused(reason: str) -> Phrase:
            return Phrase(
                N_("hub refused ({status}): {reason}"), status=refusal.status, reason=reason
            )

        named = [(e, refused(reasons[e.seq])) for e in entries if e.seq in reasons]
        if not named and len(entries) == 1:
            named = [(entries[0], refused(refusal.detail))]
        if named:
            summary.set_aside += quarantine.set_aside(self.store, named)
        return bool(named)

    def _stalled(self, stalls: int, mark: int, entries: list[OutboxEntry]) -> None:
        """The hub answered 200 with a mark short of the batch: wait, or give up."""
        last = entries[-1].seq
        if stalls == 1:  # the first of a run of them: retry_seconds counts from here
            self._deadline = time.monotonic() + self.client.retry_for
        if mark > last:
            raise SyncError(
                "hub {url} acknowledged up to {mark} for a batch ending at {last}; "
                "nothing was dropped here (it would lose records the hub was never sent)",
                url=self.client.url,
                mark=mark,
                last=last,
            )
        if stalls > MAX_STALLS or time.monotonic() > self._deadline:
            raise SyncError(
                "hub {url} answered {stalls} batch(es) ending at {last} but its mark "
                "stayed at {mark}: it is not keeping what it accepts. Nothing is lost here; "
                "ask the hub admin to check its store, then run `acw sync` again",
                url=self.client.url,
                stalls=stalls,
                last=last,
                mark=mark,
            )
        self.client.count_retry()
        time.sleep(min(0.1 * 2**stalls, 2.0, max(0.0, self._deadline - time.monotonic())))

    def upload(
        self, progress: Progress | None = None, summary: SyncSummary | None = None
    ) -> SyncSummary:
        summary = summary or SyncSummary()
        self._requeued = False
        try:
            self.site, hub_mark, at, rebase = self.client.whoami()
        except AnotherStore:
            raise AnotherStore(self.client.url, self.site_id or "") from None
        if self.site_id is not None and self.site_id != self.site:
            # Otherwise every record would be set aside as another site's.
            raise SyncError(
                "the hub knows this token as site {site}, but this store's site_id is "
                "{site_id}: set site_id in config.toml to the name the hub admin "
                "registered (or use that site's token)",
                site=repr(self.site),
                site_id=repr(self.site_id),
            )
        after = self.reconcile(hub_mark, summary, at, rebase)
        total = site_state.unsynced(self.store)
        if progress:
            progress(0, total)
        limit = self.batch_records
        batch = self._first_batch(after, limit, summary)
        # `window` batches in flight, on threads of their own: while the hub checks and
        # stores one, the next waits at the hub and this thread reads and checks the
        # batch after it (used only if the hub takes those whole).
        sender = BatchSender(self.client, self.window)
        try:
            return self._send_all(batch, after, limit, total, sender, progress, summary)
        finally:
            sender.close()

    def _send_all(
        self,
        batch: Batch | None,
        after: int,
        limit: int,
        total: int,
        sender: BatchSender,
        progress: Progress | None,
        summary: SyncSummary,
    ) -> SyncSummary:
        conflicts = 0
        stalls = 0
        flight: deque[_Sent] = deque()  # sent, not yet answered, oldest first
        unread: Exception | None = None  # reading the next batch failed: raised in turn
        window = sender.window  # after an answer other than an ack, one batch at a time
        while True:
            # Fill the window; each batch builds on the last one sent.
            while batch is not None and unread is None and len(flight) < window:
                base = flight[-1].batch.entries[-1].seq if flight else after
                flight.append(_Sent(batch, base, bool(flight), sender.send(batch.key, batch.body)))
                try:
                    # What the hub acknowledged goes now, while it stores this batch, not
                    # between its answer and the next request (deleting 200 rows took
                    # four times as long as recording the answer).
                    summary.dropped += site_state.drop_acknowledged(self.store)
                    batch = self._next_batch(batch.entries[-1].seq, limit, summary)
                except Exception as exc:  # raised once the batches in flight are answered
                    unread, batch = exc, None
            if not flight:
                if unread is not None:
                    raise unread
                break
            head = flight.popleft()
            entries = head.batch.entries
            outcome: dict[str, Any] | Conflict | RecordsRefused | TooLarge
            try:
                outcome = head.answer.result()
            except (Conflict, RecordsRefused, TooLarge) as refused:
                outcome = refused
            if isinstance(outcome, Exception) or int(outcome["mark"]) != entries[-1].seq:
                # Not taken whole: the batches sent after it build on a mark the hub has
                # not reached. Wait them out, then send one at a time until one is taken.
                _settle(flight)
                unread, window = None, 1
            else:
                window = sender.window
            if isinstance(outcome, Conflict):
                if head.behind and outcome.mark < head.after:
                    # It reached the hub before the batch it builds on was stored (that
                    # one was acknowledged since): send it again, first in line.
                    batch = head.batch
                    continue
                if outcome.mark == after:
                    # "Not your mark" while naming the very mark the batch builds on:
                    # the hub contradicts itself, and asking again at once will not help.
                    stalls += 1
                    self._stalled(stalls, outcome.mark, entries)
                    site_state.forget_inflight(self.store)
                    batch = self._first_batch(after, limit, summary)
                    continue
                conflicts += 1
                if conflicts > MAX_CONFLICTS:
                    raise SyncError(
                        "hub {url} keeps moving its mark ({mark}): "
                        "is another `acw sync` of this site running on another machine?",
                        url=self.client.url,
                        mark=outcome.mark,
                    )
                site_state.forget_inflight(self.store)
                after = self.reconcile(outcome.mark, summary, outcome.at)
                batch = self._first_batch(after, limit, summary)
                continue
            if isinstance(outcome, RecordsRefused):
                site_state.forget_inflight(self.store)
                if not self._refused(outcome, entries, summary):
                    limit = max(1, len(entries) // 2)  # find the record by sending fewer
                batch = self._first_batch(after, limit, summary)
                continue
            if isinstance(outcome, TooLarge):
                site_state.forget_inflight(self.store)
                if len(entries) == 1:
                    why = Phrase(N_("too large for the hub ({detail})"), detail=outcome.detail)
                    summary.set_aside += quarantine.set_aside(self.store, [(entries[0], why)])
                else:
                    limit = max(1, len(entries) // 2)
                batch = self._first_batch(after, limit, summary)
                continue
            conflicts = 0
            mark = int(outcome["mark"])
            if mark != entries[-1].seq:
                stalls += 1
                self._stalled(stalls, mark, entries)
                site_state.forget_inflight(self.store)
                batch = self._first_batch(after, limit, summary)
                continue
            stalls = 0
            self.observer.batch_acknowledged(summary.batches + 1, mark)
            after = mark
            # The ack and the next batch's key are stored in one transaction.
            following = flight[0].batch if flight else batch
            summary.dropped += site_state.adopt_mark(
                self.store,
                after,
                begin=(self.client.url, following.key, after, following.entries[-1].seq)
                if following
                else None,
                drop=following is None,
            )
            summary.sent += len(entries)
            summary.batches += 1
            if progress:
                if summary.batches % 25 == 0:  # records written meanwhile join the total
                    total = max(total, summary.sent + site_state.unsynced(self.store))
                progress(summary.sent, max(total, summary.sent))
        summary.mark = after
        return summary

    def download(self, summary: SyncSummary) -> None:
        """Fetch and apply every bundle kind the hub has a newer release of."""
        index = self.client.content_index()
        for kind in CONTENT_KINDS:
            entry = index.get(kind)
            release = content.wanted(kind, entry)
            if release is None:
                continue
            assert isinstance(entry, dict)
            try:
                bundle = self.client.content(kind, release)
                files = content.verify(kind, bundle, entry.get("checksum"), asked=release)
            except SyncError as exc:
                summary.content_errors.append(Phrase.of_error(exc))
                continue
            content.apply_bundle(
                kind,
                release,
                bundle["checksum"],
                files,
                on_file_written=partial(self.observer.bundle_file_written, kind),
            )
            summary.applied[kind] = release

    def run(self, progress: Progress | None = None) -> SyncSummary:
        started = time.perf_counter()
        summary = SyncSummary()
        with SyncLock(self.store.path):
            try:
                self.upload(progress, summary)
                self.download(summary)
            except SyncError as exc:
                failed = Phrase(N_("failed: {reason}"), reason=Phrase.of_error(exc))
                site_state.finish_run(self.store, self.client.url, _now(), failed)
                raise
            finally:
                summary.seconds = time.perf_counter() - started
                summary.retries = self.client.retries
                summary.quarantined = quarantine.count(self.store)
        parts = [Phrase(N_("records ok") if summary.content_errors else N_("ok"))]
        parts += summary.content_errors
        if summary.quarantined:
            parts.append(Phrase(N_("in quarantine: {count}"), count=summary.quarantined))
        result = parts[0] if len(parts) == 1 else Phrase.joined("; ", parts)
        site_state.finish_run(self.store, self.client.url, _now(), result)
        return summary


# -- as configured -------------------------------------------------------------------------


def configured_client(
    config: Config,
    hub: str | None = None,
    token: str | None = None,
    *,
    lead: bool = False,
    options: bool = True,
) -> HubClient:
    """A client for the hub named by `hub`, the environment or `[sync]`, with the site's
    token (or a lead's, for publishing). `options` False: the caller is the screen, which
    has no --hub or --token to name when one is missing."""
    from acw_tui.settings.redaction import policy_from_config
    from acw_tui.settings.sync import hub_url, lead_token, site_token, sync_settings

    settings = sync_settings(config)
    return HubClient(
        hub_url(config, hub, options=options),
        lead_token(config, token) if lead else site_token(config, token, options=options),
        timeout=settings.timeout_seconds,
        retry_for=settings.retry_seconds,
        redactor=redactor_for(policy_from_config(config)),
    )


def configured_syncer(
    store: Store, config: Config, client: HubClient, observer: SyncObserver | None = None
) -> Syncer:
    """This site's syncer over `client`, batched as `[sync]` says."""
    from acw_tui.settings.sync import sync_settings

    return Syncer(
        store,
        client,
        batch_records=max(1, sync_settings(config).batch_records),
        site_id=config.site_id,
        observer=observer,
    )
