"""The `acw` command line.

A bare `acw` opens the screen. Heavy imports (Textual, the hub's web stack) happen inside
the commands that need them, so the phone-system hook starts fast. Every error a user
can cause comes out as one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import click

from acw_tui import __version__
from acw_tui.errors import AcwError
from acw_tui.user_errors import USER_ERRORS, one_line


def flat(text: str) -> str:
    """`text` as one printable line: line breaks and other control characters (a file
    name or value that holds them) are shown escaped, never broken over lines."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in text
    )


class OneLineError(click.ClickException):
    """An error the user can act on, printed as one line whatever the message holds."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {flat(self.format_message())}", file=file, err=file is None)


class OneLineUsageError(click.UsageError):
    """click's usage errors (unknown option, bad value, missing argument) in one line:
    what, where, and where to look, instead of usage, hint, blank line and error."""

    def show(self, file: Any = None) -> None:
        where = self.ctx.command_path if self.ctx is not None else "acw"
        click.echo(
            flat(f"Error: {where}: {self.format_message()} (see `{where} --help`)"),
            file=file,
            err=file is None,
        )


def _one_line_usage(exc: click.UsageError) -> click.UsageError:
    if isinstance(exc, OneLineUsageError):
        return exc
    message = " ".join(exc.format_message().split())
    return OneLineUsageError(message, exc.ctx)


class AcwGroup(click.Group):
    """A click group that reports every user error (user_errors.USER_ERRORS) as one line.

    Feature commands are registered by name with a loader and imported only when run
    or listed, so a bare `acw` (the screen) and the phone-system hook start fast.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Callable[[], click.Command]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy:
            self.add_command(utf8_only(self.lazy[name]()), name)
        return super().get_command(ctx, name)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.format_message())
            raise click.exceptions.Exit(0) from None
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise  # the reader stopped early (`acw guide list | head`); click ends quietly
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.format_message())  # `acw guide`: its commands, on stdout
            raise click.exceptions.Exit(0) from None
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None
        except OneLineError:
            raise
        except click.ClickException as exc:
            raise OneLineError(exc.format_message()) from None
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except USER_ERRORS as exc:
            raise OneLineError(one_line(exc)) from None
        except RecursionError:
            raise OneLineError("the input is nested too deeply to read") from None
        except MemoryError:
            raise OneLineError("the input is too large to handle in memory") from None
        except Exception as exc:
            # A mistake of ours, not the user's: still one line, saying what to report.
            raise OneLineError(
                f"internal error ({type(exc).__name__}: {exc}); please report it"
            ) from None


class Checked(click.ParamType):
    """A click parameter checked by one of core/inputs.py's functions, so the message
    is the same one the service would give, naming the option."""

    def __init__(self, check: Callable[[Any, str], Any], name: str = "value") -> None:
        self.check = check
        self.name = name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from acw_tui.core.inputs import InputError

        if not isinstance(value, str):
            return value  # a default already checked
        what = (param.opts[0] if param.opts and param.param_type_name == "option" else None) or (
            (param.human_readable_name if param is not None else None) or self.name
        )
        try:
            return self.check(value, what)
        except InputError as exc:
            # The message already names the option; click's "Invalid value for" is not repeated.
            raise click.UsageError(str(exc), ctx) from None


def _text(value: str, what: str) -> str:
    from acw_tui.core.inputs import text

    return text(value, what)


def _call_id(value: str, what: str) -> str:
    from acw_tui.core.inputs import call_id

    return call_id(value, what)


def _seconds(value: str, what: str) -> float:
    from acw_tui.core.inputs import seconds

    return seconds(value, what)


def _moment(value: str, what: str) -> datetime:
    from acw_tui.core.inputs import moment

    return moment(value, what)


TEXT = Checked(_text, "text")
CALL_ID = Checked(_call_id, "call id")
SECONDS = Checked(_seconds, "seconds")
TIME = Checked(_moment, "time")


def _utf8(value: str, what: str) -> str:
    from acw_tui.core.inputs import utf8

    return utf8(value, what)


UTF8 = Checked(_utf8, "text")


def utf8_only(command: click.Command) -> click.Command:
    """Give every plain text option and argument of `command` (and its subcommands) the
    UTF-8 check: bytes that are not UTF-8 become one line naming the option, not a
    UnicodeEncodeError deep inside the store or the terminal."""
    for param in command.params:
        if param.type is click.STRING:
            param.type = UTF8
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            utf8_only(sub)
    return command


def whole_number(minimum: int, maximum: int) -> Checked:
    def check(value: str, what: str) -> int:
        from acw_tui.core.inputs import whole

        return whole(value, what, minimum=minimum, maximum=maximum)

    return Checked(check, "number")


def event_time(value: datetime | None, what: str = "--at") -> datetime | None:
    """A hook's --at, checked against now (not years away, not in the future)."""
    from acw_tui.core.inputs import event_time as checked

    if value is None:
        return None
    return checked(value, datetime.now(UTC), what)


def open_desk() -> Any:
    from acw_tui.service.desk import Desk
    from acw_tui.settings.config import load_config
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store

    config = load_config()
    return Desk(open_store(database_file()), config)


@click.group(
    "acw",
    cls=AcwGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "-V", "--version", prog_name="acw")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """acw: after-call work for contact-center agents.

    Without a command, opens the screen on the configured store.
    """
    if ctx.invoked_subcommand is None:
        from acw_tui.tui.run import run_screen

        run_screen()


# -- the phone-system hook --------------------------------------------------------------


def _call_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--at", "at", type=TIME, metavar="ISO-TIME", help="When it happened (default: now)."
    )(func)
    func = click.option("--customer", type=TEXT, metavar="REF", help="Customer reference.")(func)
    func = click.option("--queue", type=TEXT, metavar="Q", help="Queue the call came through.")(
        func
    )
    return click.option(
        "--call-id", required=True, type=CALL_ID, metavar="ID", help="The phone system's call id."
    )(func)


@cli.command("call-started")
@_call_options
def call_started(
    call_id: str, queue: str | None, customer: str | None, at: datetime | None
) -> None:
    """Phone-system hook: a call was answered (the agent is on a call)."""
    when = event_time(at)
    desk = open_desk()
    call = desk.call_started(call_id, queue=queue, customer_ref=customer, at=when)
    click.echo(f"call {call.external_id} started")


@cli.command("call-ended")
@_call_options
@click.option("--talk-seconds", type=SECONDS, metavar="N", help="Talk time in seconds.")
def call_ended(
    call_id: str,
    queue: str | None,
    customer: str | None,
    at: datetime | None,
    talk_seconds: float | None,
) -> None:
    """Phone-system hook: a call ended; opens its wrap-up with the ACW clock running."""
    when = event_time(at)
    desk = open_desk()
    wrapup = desk.call_ended(
        call_id, queue=queue, customer_ref=customer, talk_seconds=talk_seconds, at=when
    )
    click.echo(f"wrap-up {wrapup.id} open for call {call_id}")


@cli.command("show")
@click.argument("call_id", type=CALL_ID)
def show(call_id: str) -> None:
    """Print the wrap-up of a call (by the phone system's call id)."""
    from acw_tui.core.durations import format_duration

    wrapup, draft = open_desk().for_call(call_id)
    click.echo(
        f"call      {wrapup.call.external_id}  queue {wrapup.call.queue or '–'}  customer {wrapup.call.customer_ref or '–'}"
    )
    click.echo(f"status    {wrapup.status}{'  (timed out)' if wrapup.timed_out else ''}")
    click.echo(f"ACW       {format_duration(wrapup.acw_seconds)}")
    if wrapup.codes:
        auto = "  (automatic: time-out)" if wrapup.auto_code in wrapup.codes else ""
        click.echo(f"codes     {', '.join(wrapup.codes)}{auto}")
    if wrapup.status == "done" and (wrapup.quality_score is not None or wrapup.quality_failed):
        score = "–" if wrapup.quality_score is None else f"{wrapup.quality_score:g}/100"
        failed = f"  failed: {', '.join(wrapup.quality_failed)}" if wrapup.quality_failed else ""
        critical = "  CRITICAL" if wrapup.quality_critical else ""
        click.echo(f"quality   {score}{critical}{failed}")
    click.echo("")
    click.echo(wrapup.note if wrapup.status == "done" else (draft.note if draft else ""))


# -- the store ----------------------------------------------------------------------------


@cli.group("db", cls=AcwGroup)
def db_group() -> None:
    """Inspect and upgrade the local store."""


@db_group.command("path")
def db_path() -> None:
    """Print the database file's path."""
    from acw_tui.settings.paths import database_file

    click.echo(str(database_file()))


@db_group.command("migrate")
def db_migrate() -> None:
    """Upgrade the database schema in place; nothing is lost."""
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.store.migrations import LATEST, migrate

    path = database_file()
    store = open_store(path, migrate=False)
    problems = store.quick_problems()
    if problems:
        raise AcwError(
            f"{path}: the database file is damaged ({problems[0]}); not migrated: "
            "restore a backup or move the file aside"
        )
    applied = migrate(store)
    for step in applied:
        click.echo(f"applied {step.number:04d} {step.name}: {step.summary}")
    click.echo(f"schema at version {LATEST}" + ("" if applied else " (already current)"))


@db_group.command("check")
def db_check() -> None:
    """Check the database file for damage; exits non-zero if any is found."""
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.store.database import StoreDamaged
    from acw_tui.store.migrations import pending, schema_version

    path = database_file()
    if not path.exists():
        raise AcwError(f"{path}: no database yet (it is created on first use)")
    try:
        store = open_store(path, migrate=False)
    except StoreDamaged as exc:
        reason = exc.__cause__ or exc
        raise AcwError(
            f"{path}: the database file is damaged ({reason}); "
            "restore a backup or move the file aside"
        ) from None
    problems = store.integrity_problems()
    version = schema_version(store.conn)
    waiting = pending(store.conn)
    for problem in problems:
        click.echo(f"{path}: {problem}")
    if problems:
        click.echo(flat(f"{path}: damaged: {len(problems)} problem(s) found"), err=True)
        sys.exit(1)
    note = f", {len(waiting)} migration(s) pending: run `acw db migrate`" if waiting else ""
    click.echo(f"{path}: ok (schema version {version}{note})")


# -- demo data ----------------------------------------------------------------------------


@cli.command("demo")
@click.option(
    "--calls",
    default=2000,
    show_default=True,
    type=whole_number(1, 5_000_000),
    help="Calls to create.",
)
@click.option(
    "--agents", default=8, show_default=True, type=whole_number(1, 10_000), help="Agents."
)
@click.option(
    "--days",
    default=14,
    show_default=True,
    type=whole_number(1, 3660),
    help="Days of history (at most ten years).",
)
@click.option(
    "--seed",
    default=7,
    show_default=True,
    type=whole_number(-(2**63), 2**63 - 1),
    help="Random seed (same seed, same data).",
)
def demo(calls: int, agents: int, days: int, seed: int) -> None:
    """Fill the store with realistic, seeded history so every screen has something to show.

    The history is written under the configured site, so `acw sync` takes it to the hub."""
    from acw_tui.settings.config import load_config
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.store.demo import generate_demo

    site_id = load_config().site_id
    store = open_store(database_file())
    summary = generate_demo(
        store, calls=calls, agents=agents, days=days, seed=seed, site_id=site_id
    )
    click.echo(summary)


# -- feature commands (one module each in acw_tui/commands/) ------------------------------


def _with_publish(group: click.Group, kind: str) -> click.Group:
    """`acw guide publish` and `acw templates publish` live with the sync commands."""
    from acw_tui.commands import sync

    group.add_command(sync.guide_publish if kind == "guide" else sync.templates_publish)
    return group


def _guide() -> click.Command:
    from acw_tui.commands.guide import guide_group

    return _with_publish(guide_group, "guide")


def _templates() -> click.Command:
    from acw_tui.commands.templates import templates_group

    return _with_publish(templates_group, "templates")


def _expand() -> click.Command:
    from acw_tui.commands.guide import expand

    return expand


def _redact() -> click.Command:
    from acw_tui.commands.redact import redact_command

    return redact_command


def _scrub() -> click.Command:
    from acw_tui.commands.redact import db_scrub

    return db_scrub


def _report() -> click.Command:
    from acw_tui.commands.report import report

    return report


def _sync() -> click.Command:
    from acw_tui.commands.sync import sync_command

    return sync_command


def _rules() -> click.Command:
    from acw_tui.commands.rules import rules_group

    return rules_group


def _hub() -> click.Command:
    from acw_tui.commands.sync import hub_group

    return hub_group


def _listen() -> click.Command:
    from acw_tui.commands.listen import listen_command

    return listen_command


cli.lazy.update(  # type: ignore[attr-defined]
    guide=_guide,
    templates=_templates,
    expand=_expand,
    redact=_redact,
    report=_report,
    sync=_sync,
    hub=_hub,
    rules=_rules,
    listen=_listen,
)
db_group.lazy.update(scrub=_scrub)  # type: ignore[attr-defined]


utf8_only(cli)


def main() -> None:
    cli(prog_name="acw")


if __name__ == "__main__":  # pragma: no cover
    main()
