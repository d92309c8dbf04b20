"""`acw redact` and `acw db scrub`: redaction from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from acw_tui.errors import AcwError

if TYPE_CHECKING:
    from acw_tui.core.redaction import RedactionPolicy


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
            data = path.read_bytes()
        except FileNotFoundError:
            raise RedactInputError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise RedactInputError(f"{name}: is a folder, not a file") from None
        except OSError as exc:
            raise RedactInputError(f"{name}: cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8"), name
    except UnicodeDecodeError as exc:
        raise RedactInputError(f"{name}: not UTF-8 text (byte {exc.start})") from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _policy() -> RedactionPolicy:
    from acw_tui.settings.config import load_config
    from acw_tui.settings.redaction import policy_from_config

    return policy_from_config(load_config())


@click.command("redact")
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
    click.echo(f"{name}: {len(spans)} finding(s) under redaction policy version {policy.version}")
    for span, finding in zip(spans, result.findings, strict=True):
        line, col = _line_col(text, span.start)
        what = NAMES.get(span.kind, (span.kind,))[0]
        outcome = {
            "removed": "removed",
            "masked": f"masked as {span.replacement}",
            "replaced": f"replaced by {span.replacement}",
        }[finding.action]
        click.echo(
            f"{name}:{line}:{col}: {what} ({span.reason}) {outcome}; "
            f"at {finding.start} in the redacted text"
        )


@click.command("scrub")
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
        raise AcwError(f"{path}: no database yet (it is created on first use)")
    store = open_store(path)
    try:
        report = scrub_store(store, redactor_for(policy), SystemClock().now())
    finally:
        store.close()
    click.echo(f"{path}: {report.line(policy.version)}; vacuumed")
