"""`acw demo`: seeded, realistic history so every screen and benchmark has data.

Agents work shifts of calls: ready → on call → ACW → ready, with a break mid-shift. ACW
times are log-normal around the team's habit, one agent is noticeably slower (so the
outlier report has someone to find), some wrap-ups time out or are extended, and notes
are written in the team's shorthand. Each wrap-up carries its code's template and the
fields an agent would fill; callbacks promise follow-ups (the last days' still open, some
overdue); a sample of wrap-ups records shorthand use (expansions, undos, missed
abbreviations) for the coaching report. The same seed always gives the same store.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from acw_tui.core.timeutil import utc_iso
from acw_tui.errors import N_, Phrase
from acw_tui.settings.paths import bundled
from acw_tui.store import Store
from acw_tui.store.database import StoreError
from acw_tui.store.records import queue_rows

AGENT_NAMES = [
    "ana", "bartek", "carmen", "dawid", "elena", "feng", "grace", "hugo",
    "iga", "javier", "kasia", "lucia", "ming", "nadia", "oscar", "pilar",
]  # fmt: skip
QUEUES = {"billing": 0.35, "support": 0.35, "sales": 0.15, "retention": 0.15}
# (code, share, typical note in shorthand)
OUTCOMES = [
    (
        "resolved",
        0.40,
        "cx called re billing q. verified acct, expl charges on last inv. cx ok w/ answer, no f/u.",
    ),
    (
        "resolved",
        0.00,
        "cx cld abt pwd reset. id&v ok, sent reset link via email. cx confirmed login ok.",
    ),
    (
        "callback",
        0.12,
        "cx asked abt refund status. chkd w/ fin team, pending approval. cb tmrw am.",
    ),
    (
        "escalated",
        0.08,
        "cx unhappy w/ svc outage 3rd time this mo. esc to tier 2, case ref attached. asap.",
    ),
    (
        "sale",
        0.10,
        "cx int in premium plan. expl pricing & t&c, sent quote. cx will decide by eow.",
    ),
    (
        "complaint",
        0.08,
        "cx complaint: tech no-show for appt. apologised, rebooked appt, goodwill credit appl.",
    ),
    (
        "info-sent",
        0.10,
        "cx req copy of contract. sent via email, cx to confirm receipt. no f/u needed.",
    ),
    (
        "payment",
        0.07,
        "cx paid overdue bal by card. pmt ok, rcpt sent. acct back in good standing.",
    ),
    ("account-update", 0.05, "cx upd addr & phone. id&v ok, kyc docs rcvd, acct upd."),
]
DEMO_TIMEOUT, DEMO_EXTEND = 240, 60
# The template each shipped code suggests (templates/codes.toml), and what it records.
TEMPLATE_OF = {
    "resolved": "general-inquiry", "callback": "general-inquiry", "info-sent": "general-inquiry",
    "escalated": "escalation", "sale": "sales-lead", "complaint": "complaint",
    "payment": "order-payment", "account-update": "account-kyc",
}  # fmt: skip
REASONS = {
    "resolved": "Billing question", "callback": "Refund status", "info-sent": "Contract copy",
    "escalated": "Repeated outage", "sale": "Premium plan", "complaint": "Technician no-show",
    "payment": "Overdue balance", "account-update": "Address change",
}  # fmt: skip
GUIDE_VERSION = 1  # the demo history was written with version 1 of the team's guide
USAGE_SHARE = 0.15  # wrap-ups that record shorthand use (keeps a million-call demo quick)
FOLLOWUP_DAYS = 3  # callbacks of the last days still have their follow-up open
OUTCOME_WEIGHTS = [0.2 if share == 0 else share for _, share, _ in OUTCOMES]


# Times are epoch seconds in Python and formatted by SQLite as the store's ISO-8601 text
# ("…T09:00:00.000Z", as utc_iso writes them): formatting a million datetimes in Python
# would be most of the demo's run time.
ISO = "strftime('%Y-%m-%dT%H:%M:%fZ', ?, 'unixepoch')"
INSERT_CALL = (
    "INSERT INTO calls (id, external_id, agent_id, site_id, queue, customer_ref, started_at, "
    f"ended_at, talk_seconds, rev, updated_at) VALUES (?,?,?,?,?,?,{ISO},{ISO},?,1,{ISO})"
)
INSERT_WRAPUP = (
    "INSERT INTO wrapups (id, call_id, agent_id, site_id, status, started_at, ended_at, "
    "acw_seconds, timed_out, extensions, codes, template_id, template_version, fields, note, "
    "guide_version, finished_at, compliant, rev, updated_at) "
    f"VALUES (?,?,?,?,'done',{ISO},{ISO},?,?,?,?,?,1,?,?,?,{ISO},?,1,{ISO})"
)
INSERT_FOLLOWUP = (
    "INSERT INTO followups (id, wrapup_id, agent_id, site_id, due_at, owner, note, done_at, "
    f"rev, updated_at) VALUES (?,?,?,?,{ISO},?,?,CASE WHEN ? IS NULL THEN NULL ELSE {ISO} END,1,{ISO})"
)
INSERT_USAGE = (
    "INSERT INTO shorthand_usage (id, wrapup_id, agent_id, site_id, abbr, expansion, used, "
    "undone, missed, keystrokes_saved, guide_version, created_at, rev, updated_at) "
    f"VALUES (?,?,?,?,?,?,?,?,?,?,?,{ISO},1,{ISO})"
)
INSERT_STATE = (
    "INSERT INTO agent_states (id, agent_id, site_id, state, started_at, ended_at, rev, "
    f"updated_at) VALUES (?,?,?,?,{ISO},{ISO},1,{ISO})"
)


@dataclass
class _Batch:
    """One agent's demo day (calls, wrap-ups, states, follow-ups, shorthand use), not yet
    written to the store."""

    calls: list[tuple[object, ...]] = field(default_factory=list)
    wrapups: list[tuple[object, ...]] = field(default_factory=list)
    states: list[tuple[object, ...]] = field(default_factory=list)
    followups: list[tuple[object, ...]] = field(default_factory=list)
    usage: list[tuple[object, ...]] = field(default_factory=list)

    def flush(self, conn: sqlite3.Connection) -> None:
        for sql, rows in (
            (INSERT_CALL, self.calls),
            (INSERT_WRAPUP, self.wrapups),
            (INSERT_STATE, self.states),
            (INSERT_FOLLOWUP, self.followups),
            (INSERT_USAGE, self.usage),
        ):
            conn.executemany(sql, rows)
            rows.clear()


@functools.cache
def _site_bits(site_id: str) -> tuple[int, int]:
    """74 bits of the site's name, mixed into its demo ids' random bits: the same seed
    gives each site the same history under ids of its own, so two sites trying acw with
    the default seed do not claim each other's ids at the hub."""
    digest = int.from_bytes(hashlib.blake2b(site_id.encode(), digest_size=10).digest(), "big")
    return digest >> 68, digest & ((1 << 62) - 1)


def _uuid7_at(moment: float, rng: random.Random, site_id: str) -> str:
    """A UUIDv7 for a past moment, so demo ids sort like real ones would."""
    high, low = _site_bits(site_id)
    millis = int(moment * 1000)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (rng.getrandbits(12) ^ high) << 64
    value |= 0b10 << 62
    value |= rng.getrandbits(62) ^ low
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _lognormal(rng: random.Random, median: float, spread: float) -> float:
    return math.exp(rng.gauss(math.log(median), spread))


def generate_demo(
    store: Store,
    *,
    calls: int,
    agents: int,
    days: int,
    seed: int,
    site_id: str = "demo-site",
    end: datetime | None = None,
) -> Phrase:
    rng = random.Random(seed)
    end = end or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = (end - timedelta(days=days)).timestamp()
    names = [
        AGENT_NAMES[i % len(AGENT_NAMES)] + ("" if i < len(AGENT_NAMES) else str(i))
        for i in range(agents)
    ]
    # Each agent has a habit; the last one is the slow writer the outlier report finds.
    habits = {name: rng.uniform(0.8, 1.2) for name in names}
    if agents > 2:
        habits[names[-1]] = 1.9

    per_slot, extra = divmod(calls, agents * days)
    batch = _Batch()
    terms = _shorthand_in_notes()
    made = states = 0
    with store.transaction() as db:
        already = db.execute(
            "SELECT count(*) FROM calls WHERE site_id = ? AND external_id LIKE 'DEMO-%'",
            (site_id,),
        ).fetchone()[0]
        if already:
            raise StoreError(
                N_(
                    "{path}: already holds demo history ({calls} calls at site {site}); "
                    "a second demo would double every agent's day: use a new file "
                    "(ACW_DB=other.db acw demo) or move this one aside"
                ),
                path=store.path,
                calls=already,
                site=site_id,
            )
        real = db.execute(
            "SELECT count(*) FROM calls WHERE external_id NOT LIKE 'DEMO-%'"
        ).fetchone()[0]
        if real:
            raise StoreError(
                N_(
                    "{path}: holds {calls} real call(s); demo history would mix into their "
                    "reports and be synced to the hub with them: use a new file "
                    "(ACW_DB=demo.db acw demo)"
                ),
                path=store.path,
                calls=real,
            )
        before = {
            t: db.execute(f"SELECT max(rowid) FROM {t}").fetchone()[0] or 0
            for t in ("calls", "wrapups", "agent_states", "followups", "shorthand_usage")
        }
        for day in range(days):
            for index, agent in enumerate(names):
                count = per_slot + (1 if (day * agents + index) < extra else 0)
                if count:
                    made += _agent_day(
                        batch,
                        rng,
                        agent,
                        site_id,
                        first_day + day * 86400,
                        count,
                        habits[agent],
                        made,
                        end.timestamp(),
                        terms,
                    )
                    states += len(batch.states)
                    batch.flush(store.conn)
        for table, last in before.items():
            queue_rows(db, table, "rowid > ?", (last,))
    return Phrase(
        N_(
            "demo: {calls} calls, {calls} wrap-ups, {states} agent states for {agents} agents "
            "over {days} days (seed {seed})"
        ),
        calls=made,
        states=states,
        agents=agents,
        days=days,
        seed=seed,
    )


def _agent_day(
    batch: _Batch,
    rng: random.Random,
    agent: str,
    site_id: str,
    day: float,
    count: int,
    habit: float,
    serial: int,
    end: float,
    terms: dict[str, list[tuple[str, str]]],
) -> int:
    t = day + 8 * 3600 + rng.uniform(0, 1800)

    def state(name: str, start: float, stop: float) -> None:
        batch.states.append(
            (_uuid7_at(start, rng, site_id), agent, site_id, name, start, stop, stop)
        )

    queues, weights = list(QUEUES), list(QUEUES.values())
    break_after = count // 2
    for n in range(count):
        ready = rng.expovariate(1 / 45)
        state("ready", t, t + ready)
        t += ready
        talk = max(20.0, _lognormal(rng, 240, 0.5))
        call_start, call_end = t, t + talk
        state("on_call", call_start, call_end)
        acw = min(900.0, max(5.0, _lognormal(rng, 60 * habit, 0.55)))
        # The demo site's policy: time-out at 4 min, one 1-min extension allowed.
        limit, extensions = DEMO_TIMEOUT, "[]"
        if acw > limit and rng.random() < 0.5:
            limit += DEMO_EXTEND
            at = datetime.fromtimestamp(call_end + DEMO_TIMEOUT - 20, UTC)
            extensions = json.dumps(
                [{"at": utc_iso(at), "reason": "long note", "seconds": DEMO_EXTEND}]
            )
        timed_out = acw > limit
        acw = min(acw, limit)
        acw_end = call_end + acw
        state("acw", call_end, acw_end)
        code, _, note = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
        call_id = _uuid7_at(call_start, rng, site_id)
        batch.calls.append(
            (
                call_id, f"DEMO-{serial + n + 1:07d}", agent, site_id, rng.choices(queues, weights)[0],
                f"CUST-{rng.randint(10000, 99999)}", call_start, call_end, round(talk, 1), call_end,
            )
        )  # fmt: skip
        finished = acw_end + (rng.uniform(20, 120) if timed_out else 0)
        wrapup_id = _uuid7_at(call_end, rng, site_id)
        fields: dict[str, object] = {
            "reason": REASONS[code],
            "outcome": "Pending" if code in ("callback", "escalated") else "Resolved",
        }
        if code == "callback":
            due = finished + rng.uniform(2, 30) * 3600
            fields.update(
                follow_up_at=utc_iso(datetime.fromtimestamp(due, UTC)), follow_up_owner=agent
            )
            # Callbacks of the last days are still open (some overdue, some due soon).
            done = None if due > end - FOLLOWUP_DAYS * 86400 else due - rng.uniform(0, 3600)
            batch.followups.append(
                (
                    _uuid7_at(finished, rng, site_id),
                    wrapup_id,
                    agent,
                    site_id,
                    due,
                    agent,
                    REASONS[code],
                    done,
                    done,
                    finished,
                )
            )
        batch.wrapups.append(
            (
                wrapup_id, call_id, agent, site_id, call_end, acw_end,
                round(acw, 1), int(timed_out), extensions, f'["{code}"]', TEMPLATE_OF[code],
                json.dumps(fields), note, GUIDE_VERSION, finished, int(rng.random() > 0.06), finished,
            )
        )  # fmt: skip
        if terms and rng.random() < USAGE_SHARE:
            _usage(batch, rng, wrapup_id, agent, site_id, finished, terms.get(note, []), habit)
        t = acw_end
        if n == break_after:
            pause = rng.uniform(15, 30) * 60
            state("break", t, t + pause)
            t += pause
    tail = rng.expovariate(1 / 60)
    state("ready", t, t + tail)
    state("logged_out", t + tail, t + tail)
    return count


def _usage(
    batch: _Batch,
    rng: random.Random,
    wrapup_id: str,
    agent: str,
    site_id: str,
    at: float,
    terms: list[tuple[str, str]],
    habit: float,
) -> None:
    """How the agent used the guide on this note: slower writers miss more entries."""
    for abbr, expansion in terms:
        missed = rng.random() < 0.04 * habit
        undone = not missed and rng.random() < 0.03
        used = 0 if missed else 1
        saved = (len(expansion) - len(abbr)) * used * (not undone)
        batch.usage.append(
            (
                _uuid7_at(at, rng, site_id), wrapup_id, agent, site_id, abbr, expansion, used,
                int(undone), int(missed), saved, GUIDE_VERSION, at, at,
            )
        )  # fmt: skip


def _shorthand_in_notes() -> dict[str, list[tuple[str, str]]]:
    """The shipped English guide's entries each demo note uses, as (abbr, expansion)."""
    from acw_tui.core.shorthand import load_guide_leniently

    guide = load_guide_leniently(bundled("shorthand") / "en.toml")
    found: dict[str, list[tuple[str, str]]] = {}
    for _, _, note in OUTCOMES:
        terms = []
        for token in re.findall(r"[\w/&#+-]+", note):
            entry = guide.lookup(token)
            if entry is not None and (entry.abbr, entry.expansion) not in terms:
                terms.append((entry.abbr, entry.expansion))
        found[note] = terms
    return found
