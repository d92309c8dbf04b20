"""`acw listen SOURCE`: calls arrive by themselves from the phone system."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from acw_tui.cli import Translated, counted
from acw_tui.errors import N_, Phrase
from acw_tui.i18n import _, said, say

if TYPE_CHECKING:
    from acw_tui.listen.setup import ListenPlan


def spoken(line: str) -> str:
    """A line of the listener in the chosen language: a Phrase is translated, anything
    else is written as it is."""
    return say(line.template, line.params) if isinstance(line, Phrase) else line


class Spoken(logging.Filter):
    """Translates a record whose message is a Phrase. Installed first, so the secret and
    card numbers are hidden in the translated line, as written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, Phrase):
            record.msg = spoken(record.msg)
        return True


def _say_to_stderr(secret: str, redact: object) -> logging.Logger:
    from acw_tui.core.redaction.logs import RedactingFilter
    from acw_tui.listen.setup import HideSecret

    logger = logging.getLogger("acw.listen")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s acw listen: %(message)s", "%H:%M:%S"))
    handler.addFilter(Spoken())
    handler.addFilter(HideSecret(secret))
    handler.addFilter(RedactingFilter(redact))  # type: ignore[arg-type]
    logger.handlers[:] = [handler]
    return logger


def _finite(value: float) -> float:
    """FloatRange lets NaN through (no comparison with it fails)."""
    if math.isnan(value):
        raise click.BadParameter(_("{value} is not a number of seconds").format(value=value))
    return value


@click.command("listen", cls=Translated)
@click.argument("source", required=False, metavar="SOURCE")
@click.option(
    "--agent",
    "agents",
    multiple=True,
    metavar="EXT=AGENT_ID",
    help="Map the phone system's agent, interface or extension to an agent id (repeatable).",
)
@click.option(
    "--queue",
    "queues",
    multiple=True,
    metavar="NAME=QUEUE",
    help="Map the phone system's queue name to the one acw shows (repeatable).",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The webhook's address as Twilio calls it (its signatures cover the URL).",
)
@click.option(
    "--ca-file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="For ami+tls://: the CA certificate that signed the phone system's certificate "
    "(default: ca_file in [listen], else the machine's CAs).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Connect, authenticate, say what would happen to the next events, store nothing.",
)
@click.option(
    "--wait",
    "wait_seconds",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.0, 3600.0),
    callback=lambda _ctx, _param, value: _finite(value),
    metavar="SECONDS",
    help="With --check: how long to watch events before exiting.",
)
def listen_command(
    source: str | None,
    agents: tuple[str, ...],
    queues: tuple[str, ...],
    public_url: str | None,
    ca_file: Path | None,
    check: bool,
    wait_seconds: float,
) -> None:
    """Listen to the phone system: an answered call sets the agent on a call, an ended
    call opens its wrap-up with the ACW clock at the call's end.

    SOURCE is ami://USER@HOST:PORT (Asterisk; ami+tls:// for its TLS port),
    esl://HOST:PORT (FreeSWITCH) or http://127.0.0.1:PORT (a webhook for CTI
    middleware, Twilio TaskRouter and 3CX); default: source in [listen] of the config
    file. The secret comes from ACW_LISTEN_SECRET and is never printed. Runs until
    interrupted; a dropped connection is re-made with backoff. See
    docs/phone-systems.md.
    """
    from acw_tui.listen.setup import build_listener, plan
    from acw_tui.settings.config import load_config
    from acw_tui.settings.listen import pairs

    config = load_config()
    chosen = plan(
        config,
        source,
        pairs(agents, "--agent"),
        pairs(queues, "--queue"),
        public_url,
        ca_file,
    )
    if check:
        _check(chosen, wait_seconds)
        return
    from acw_tui.cli import open_desk

    desk = open_desk()
    logger = _say_to_stderr(chosen.secret, desk.redactor)
    listener = build_listener(chosen, desk, logger.info)
    try:
        asyncio.run(listener.run())
    except KeyboardInterrupt:
        status = replace(listener.status, connected=False, detail=Phrase(N_("stopped")))
        with contextlib.suppress(Exception):  # the state is best effort on the way out
            (listener.desk or desk).note_listener(status)  # (opened again if replaced)
        logger.info(Phrase(N_("stopped")))


def _check(chosen: ListenPlan, wait_seconds: float) -> None:
    """Connect and log in, then say what the next events would do; store nothing."""
    from acw_tui.core.redaction import redactor_for
    from acw_tui.core.redaction.policy import DEFAULT_POLICY
    from acw_tui.listen.setup import build_listener
    from acw_tui.listen.source import ConnectionLost, ListenError, masked
    from acw_tui.listen.webhook import CHECK_RETRY_AFTER

    redactor = redactor_for(DEFAULT_POLICY)

    def say(line: str) -> None:
        line = masked(spoken(line), chosen.secret)
        click.echo(redactor.redact(line).text)

    listener = build_listener(chosen, None, say)
    if chosen.spec.kind == "http":
        click.echo(
            _(
                "the webhook answers 503 (Retry-After: {seconds} s) while checking: the "
                "platform sends each event again later, when acw listen stores it"
            ).format(seconds=CHECK_RETRY_AFTER)
        )

    async def watch() -> None:
        task = asyncio.create_task(listener.adapter.run(listener))
        connected = asyncio.create_task(listener.connected_once.wait())
        done, _pending = await asyncio.wait({task, connected}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            connected.cancel()
            task.result()  # raises why it ended
            raise ListenError(
                N_("{source}: the connection ended before it was ready"), source=chosen.spec
            )
        try:
            await asyncio.wait_for(asyncio.shield(task), wait_seconds)
        except TimeoutError:
            task.cancel()
        else:
            task.result()

    try:
        asyncio.run(watch())
    except ConnectionLost as exc:
        if not listener.connected_once.is_set():
            raise ListenError(exc.template, **exc.params) from None
        click.echo(_("connection lost: {reason}").format(reason=said(exc)))
    seen = len(listener.outcomes)
    click.echo(
        _("check done: {events} in {seconds} s; nothing was stored").format(
            events=counted("{count} event(s)", "{count} event(s)", seen),
            seconds=f"{wait_seconds:g}",
        )
    )
