"""`acw redact` and `acw db scrub`: redaction from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from acw_tui.cli import Translated, counted
from acw_tui.core.file_bytes import read_file_bytes
from acw_tui.errors import AcwError, os_reason
from acw_tui.i18n import N_, _

if TYPE_CHECKING:
    from acw_tui.core.redaction import RedactionPolicy


# What `acw redact --explain` says was done with a finding.
OUTCOMES = {
    "removed": N_("removed"),
    "masked": N_("masked as {replacement}"),
    "replaced": N_("replaced by {replacement}"),
}


class RedactInputError(AcwError):
    """The text to redact cannot be read; the message names the file."""


def _read_text(file: str) -> tuple[str, str]:
    """(text, name) from a file path or "-" for standard input."""
    if file == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        path = Path(file)
        name = str(path)
        try:
            data = read_file_bytes(path)
        except FileNotFoundError:
            raise RedactInputError("{file}: no such file", file=name) from None
        except IsADirectoryError:
            raise RedactInputError("{file}: is a folder, not a file", file=name) from None
        except OSError as exc:
            raise RedactInputError(
                "{file}: cannot be read ({reason})", file=name, reason=os_reason(exc)
            ) from None
    try:
        return data.decode("utf-8"), name
    except UnicodeDecodeError as exc:
        raise RedactInputError(
            "{file}: not UTF-8 text (byte {byte})", file=name, byte=exc.start
        ) from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _policy() -> RedactionPolicy:
    from acw_tui.settings.config import load_config
    from acw_tui.settings.redaction import policy_from_config

    return policy_from_config(load_config())


@click.command("redact", cls=Translated)
@click.argument("file", default="-", metavar="[FILE]")
@click.option(
    "--explain",
    is_flag=True,
    help="List what was found, where and why (never the values) instead of the text.",
)
def redact_command(file: str, explain: bool) -> None:
    """Redact card data and personal data from FILE (or standard input) to standard output.

    Uses the `[redaction]` policy of the config file, exactly as saving a note does.
    """
    from acw_tui.core.redaction import apply_spans, redactor_for
    from acw_tui.core.redaction.engine import NAMES

    text, name = _read_text(file)
    policy = _policy()
    redactor = redactor_for(policy)
    spans = redactor.scan(text)
    if not explain:
        click.echo(apply_spans(text, spans).text, nl=False)
        return
    result = apply_spans(text, spans)
    click.echo(
        _("{file}: {findings} under redaction policy version {version}").format(
            file=name,
            findings=counted("{count} finding(s)", "{count} finding(s)", len(spans)),
            version=policy.version,
        )
    )
    for span, finding in zip(spans, result.findings, strict=True):
        line, col = _line_col(text, span.start)
        what = NAMES.get(span.kind, (span.kind,))[0]
        outcome = _(OUTCOMES[finding.action]).format(replacement=span.replacement)
        click.echo(
            _("{where}: {what} ({why}) {outcome}; at {offset} in the redacted text").format(
                where=f"{name}:{line}:{col}",
                what=what,
                why=span.reason,
                outcome=outcome,
                offset=finding.start,
            )
        )


@click.command("scrub", cls=Translated)
def db_scrub() -> None:
    """Re-check every stored note, draft and field with the current redaction policy.

    Rewrites what the policy now catches (the hub gets the redacted version), records
    audit rows, rebuilds the search index and vacuums the file so no copy is left.
    """
    from acw_tui.core.clock import SystemClock
    from acw_tui.core.redaction import redactor_for
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.store.scrub import scrub_store

    policy = _policy()
    path = database_file()
    if not path.exists():
        raise AcwError("{path}: no database yet (it is created on first use)", path=path)
    store = open_store(path)
    try:
        report = scrub_store(store, redactor_for(policy), SystemClock().now())
    finally:
        store.close()
    summary = _(
        "checked {checked} under redaction policy version {version}: {findings}; "
        "rewrote {wrapups}, {calls}, {drafts}, {outbox}"
    ).format(
        checked=counted("{count} notes and drafts", "{count} notes and drafts", report.checked),
        version=policy.version,
        findings=counted("{count} finding(s)", "{count} finding(s)", report.findings),
        wrapups=counted("{count} wrap-up(s)", "{count} wrap-up(s)", report.wrapups),
        calls=counted("{count} call(s)", "{count} call(s)", report.calls),
        drafts=counted("{count} draft(s)", "{count} draft(s)", report.drafts),
        outbox=counted(
            "{count} unsent outbox snapshot(s)", "{count} unsent outbox snapshot(s)", report.outbox
        ),
    )
    click.echo(_("{path}: {summary}; vacuumed").format(path=path, summary=summary))
