"""The wire format between a site and the hub, shared by both sides.

Upward, `POST /v1/sync/batch` with an `Idempotency-Key` header carries

    {"after": 120, "records": [{"seq": 121, "table": "wrapups", "id": "…", "rev": 3,
                                "row": {…every column…}}, …]}

`after` is the hub's mark the batch builds on and `seq` the site's outbox sequence;
the hub applies the batch only if `after` equals its mark, then answers
`{"mark": <last seq>, "records": <count>}`. Replaying a key gives the very same answer.

Downward, guides and templates are bundles of text files with a release number the
hub assigns and a checksum both sides compute the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from acw_tui.errors import N_, Phrase

API = "/v1"
# Names the site store a site's sequence numbers come from (see `site_state.store_id`).
STORE_HEADER = "Acw-Store"
# Each batch is one durable commit and one request at the hub: at 200 records that
# commit cost as much as writing the records, and a shift's sync ran at under half the
# hub's bulk rate; from 1 000 to 2 000 records a shift's sync took an eighth less time.
BATCH_RECORDS = 2000
BATCH_BYTES = 1 << 20  # 1 MiB of payload per batch
MAX_BODY_BYTES = 4 << 20  # what the hub accepts by default (413 above)
MAX_BATCH_RECORDS = 5000
# What the hub sends down. A lead publishes guides and templates; the team completion
# model is built by the hub itself each time a guide is published.
CONTENT_KINDS = ("shorthand", "templates", "completion")
PUBLISHED_KINDS = ("shorthand", "templates")
KIND_LABELS = {  # in English; translated where shown
    "shorthand": N_("guide"),
    "templates": N_("templates"),
    "completion": N_("team completion model"),
}

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")


@dataclass(frozen=True)
class OutboxEntry:
    """One record waiting in the site's outbox: a row's snapshot at one revision, in send order."""

    seq: int
    table: str
    row_id: str
    rev: int
    payload: str  # the row's JSON snapshot, as queued


class Record(NamedTuple):
    """One record of a batch as the hub reads it: the row's snapshot at revision `rev`.

    A tuple, not a dataclass: the hub makes one for every record it receives.
    """

    seq: int
    table: str
    id: str
    rev: int
    row: dict[str, Any]


def batch_body(after: int, entries: list[OutboxEntry]) -> bytes:
    """The batch's exact bytes; the same entries always give the same bytes."""
    parts = [
        f'{{"seq":{e.seq},"table":{json.dumps(e.table)},"id":{json.dumps(e.row_id)},'
        f'"rev":{e.rev},"row":{e.payload}}}'
        for e in entries
    ]
    return f'{{"after":{after},"records":[{",".join(parts)}]}}'.encode()


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def record_digest(row: Mapping[str, Any]) -> str:
    """A digest of one record's row, the same at the hub (from the row it parsed) and
    at the site (from its outbox snapshot): two stores can write different records
    under the same table, id and revision (a store restored from a backup and written
    to), and only their content tells them apart."""
    text = json.dumps(row, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def check_file_name(name: str) -> Phrase | None:
    """Why a bundle file name is unsafe (absolute, `..`, odd characters), or None."""
    if not _SAFE_NAME.fullmatch(name) or ".." in name.split("/"):  # (not `$`: a line break)
        return Phrase("{name} is not a plain relative file name", name=repr(name))
    return None


MAX_NAME_PART = 100  # characters of one file or folder name in a bundle
MAX_NAME_DEPTH = 4  # folders deep


def names_problem(names: Iterable[str]) -> Phrase | None:
    """Why these file names cannot all be written into one folder, or None: one is
    unsafe, too long or too deep for a file system, or a file is also another's folder."""
    folders: set[str] = set()
    for name in names:
        why = check_file_name(name)
        if why:
            return why
        parts = name.split("/")
        if len(parts) > MAX_NAME_DEPTH or any(len(p) > MAX_NAME_PART for p in parts):
            return Phrase("{name}… is too long or too deep for a file name", name=repr(name[:60]))
        folders.update("/".join(parts[:n]) for n in range(1, len(parts)))
    both = sorted(folders.intersection(names))
    return Phrase("{name} is both a file and a folder", name=repr(both[0])) if both else None


def bundle_checksum(files: Mapping[str, str]) -> str:
    """sha256 over each file's name and the sha256 of its UTF-8 text, in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        inner = hashlib.sha256(files[name].encode("utf-8")).hexdigest()
        digest.update(f"{name}\0{inner}\n".encode())
    return "sha256:" + digest.hexdigest()


def problem(detail: str, **extra: Any) -> dict[str, Any]:
    """An error body: one line a person can read, plus machine-readable extras."""
    return {"detail": detail, **extra}
