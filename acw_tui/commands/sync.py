"""`acw sync`, `acw hub …` and the publish commands of `acw guide` / `acw templates`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from acw_tui.cli import AcwGroup, Translated, cells, counted, padded
from acw_tui.i18n import N_, _, said, say

# What `acw guide publish` / `acw templates publish` call what they sent.
PUBLISHED = {"shorthand": N_("guide"), "templates": N_("templates")}

HUB_DB_HELP = (
    "Hub store: sqlite:///path/hub.db (default: hub.db in the data folder) or postgresql://…"
)


@click.group("sync", cls=AcwGroup, invoke_without_command=True)
@click.option(
    "--hub", "hub", metavar="URL", help="Hub URL (default: ACW_HUB_URL or [sync] hub_url)."
)
@click.option(
    "--token", metavar="T", help="The site's token (default: ACW_HUB_TOKEN or [sync] token)."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary.")
@click.pass_context
def sync_command(ctx: click.Context, hub: str | None, token: str | None, quiet: bool) -> None:
    """Send every unsynced record to the hub and fetch newer guides and templates.

    Safe to interrupt at any moment: the next run resumes, and nothing is lost or
    sent twice. Local work goes on while the hub is down. A record the hub refuses is
    set aside (`acw sync quarantine`) and everything after it is still sent.
    """
    if ctx.invoked_subcommand is not None:
        return
    from acw_tui.settings.config import load_config
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.sync.client import configured_client, configured_syncer

    config = load_config()
    client = configured_client(config, hub, token)
    store = open_store(database_file())
    syncer = configured_syncer(store, config, client)
    try:
        # rich draws the bar only on a terminal, but stopping it elsewhere still ends
        # its (empty) line: a cron job's mail or a log would get an empty line first.
        if quiet or not sys.stderr.isatty():
            summary = syncer.run()
        else:
            with _ProgressBar() as progress:
                summary = syncer.run(progress)
    finally:
        syncer.close()
        client.close()
        store.close()
    for line in summary.lines():
        click.echo(line)
    problems = summary.problems()
    if problems:
        raise click.ClickException("; ".join(problems))


@sync_command.group("quarantine")
def quarantine_group() -> None:
    """Records the hub refuses, set aside so that everything after them is still sent.

    `list` shows them with the reason, `retry` queues them again (after you fixed the
    cause), `drop` gives up on them. Every action is logged in the store
    (table sync_quarantine_log).
    """


def _site_store() -> Any:
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store

    return open_store(database_file())


@quarantine_group.command("list")
@click.option("--log", "show_log", is_flag=True, help="Show the log of quarantine actions instead.")
def quarantine_list(show_log: bool) -> None:
    """List the records set aside: number, table/id, revision and why."""
    from acw_tui.core.printable import flat
    from acw_tui.sync import quarantine

    store = _site_store()
    try:
        if show_log:
            entries = quarantine.log(store)
            actions = {key: _(label) for key, label in quarantine.ACTIONS.items()}
            width = max(map(cells, actions.values()))
            for at, action, seq, detail in entries:
                shown = padded(actions.get(action, action), width, left=True)
                number = seq if seq is not None else "-"
                # Reasons quote the hub's answers, and older stores kept them unchecked.
                click.echo(f"{at}  {shown} {number:>8}  {flat(said(detail))}")
            return
        items = quarantine.listing(store)
    finally:
        store.close()
    for item in items:
        where = _("{where} rev {rev}").format(where=f"{item.table}/{item.row_id}", rev=item.rev)
        click.echo(f"{item.seq:>8}  {where}  {flat(said(item.reason))}")
    held = counted("{count} record(s) in quarantine", "{count} record(s) in quarantine", len(items))
    if items:
        held = _("{held}; `acw sync quarantine retry N…` or `drop N…` (or --all)").format(held=held)
    click.echo(held, err=True)


_SEQS = click.argument("seqs", metavar="[N]...", nargs=-1, type=click.IntRange(min=1))
_ALL = click.option("--all", "everything", is_flag=True, help="Every record in quarantine.")


@quarantine_group.command("retry")
@_SEQS
@_ALL
@click.option(
    "--claim",
    is_flag=True,
    help="Rewrite a site_id that is not this site's (rows written before site_id was set).",
)
def quarantine_retry(seqs: tuple[int, ...], everything: bool, claim: bool) -> None:
    """Queue records N… again (their current rows), to be sent by the next sync.

    NUL characters, which the hub cannot store, are removed first. Fix other causes
    (the hub's size limit, a newer hub for new columns) before retrying.
    """
    from acw_tui.settings.config import load_config
    from acw_tui.sync import quarantine

    site = load_config().site_id if claim else None
    store = _site_store()
    try:
        lines = quarantine.retry(store, seqs, everything=everything, claim=site)
    finally:
        store.close()
    for line in lines:
        click.echo(say(line.template, line.params))
    click.echo(
        counted(
            "{count} record(s) queued again; run `acw sync`",
            "{count} record(s) queued again; run `acw sync`",
            len(lines),
        ),
        err=True,
    )


@quarantine_group.command("drop")
@_SEQS
@_ALL
def quarantine_drop(seqs: tuple[int, ...], everything: bool) -> None:
    """Give up sending records N… to the hub (the rows stay in this store)."""
    from acw_tui.sync import quarantine

    store = _site_store()
    try:
        lines = quarantine.drop(store, seqs, everything=everything)
    finally:
        store.close()
    for line in lines:
        click.echo(say(line.template, line.params))


class _ProgressBar:
    """Records sent, rate and time left, on stderr (rich draws it only on a terminal)."""

    def __enter__(self) -> Any:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn(_("syncing")),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(_("records")),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task("sync", total=None, rate="")
        return self.update

    def update(self, done: int, total: int) -> None:
        task = self.progress.tasks[0]
        speed = task.speed or 0.0
        self.progress.update(
            self.task, completed=done, total=max(total, done), rate=f"{speed:,.0f}/s"
        )

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


# -- the hub ------------------------------------------------------------------------------


@click.group("hub", cls=AcwGroup)
def hub_group() -> None:
    """Run the head-office hub: its store, its sites and leads, and the server."""


def _db_option(func: Any) -> Any:
    return click.option("--db", "db", metavar="URL", help=HUB_DB_HELP)(func)


def _store(db: str | None, *, ready: bool = True) -> Any:
    from acw_tui.settings.sync import default_hub_db
    from acw_tui.sync.hub_store import HubStore

    store = HubStore(db or default_hub_db())
    if ready:
        store.check_ready()
    return store


class _NameCommand(Translated):
    """A hub command taking a site or lead NAME: a NAME starting with '-' (`-bad`) is
    refused by the naming rule, as `-- -bad` is, rather than taken for an option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes the list it is given
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            if exc.option_name.startswith("--"):
                raise  # a long option mistyped: said as such
            before = given[: given.index("--")] if "--" in given else given
            for arg in before:
                if not arg.startswith("--") and arg.startswith(exc.option_name):
                    _check_name(arg, ctx)
            raise


@hub_group.command("init")
@_db_option
def hub_init(db: str | None) -> None:
    """Create (or upgrade) the hub's store; safe to run again."""
    store = _store(db, ready=False)
    done = store.init()
    ready = _("hub store ready at {store}").format(store=store.db.describe())
    if done:
        ready += " (" + counted("{count} change(s)", "{count} change(s)", len(done)) + ")"
    click.echo(ready)


@hub_group.group("site")
def hub_site() -> None:
    """Sites that sync to this hub."""


@hub_site.command("add", cls=_NameCommand)
@_db_option
@click.argument("name")
def hub_site_add(db: str | None, name: str) -> None:
    """Register site NAME (its config's site_id) and print its token, once."""
    token = _store(db).add("site", _check_name(name))
    click.echo(
        _("site {name} added; its token is shown once, put it in the site's [sync] token:").format(
            name=name
        )
    )
    click.echo(token)


@hub_site.command("reset-store", cls=_NameCommand)
@_db_option
@click.argument("name")
def hub_site_reset_store(db: str | None, name: str) -> None:
    """Let a new store take site NAME over: one that replaces its store (a new disk, a
    store restored from a backup).

    The hub binds each site to the store its first sync came from and refuses any
    other. This forgets that store and the site's mark: the next store to sync as NAME
    is bound to it and sends every current record. Records received so far stay.
    """
    before, mark = _store(db).reset_store(_check_name(name))
    if before is None:
        click.echo(
            _("site {name}: no store was bound; its mark {mark} is reset to 0").format(
                name=name, mark=mark
            )
        )
    else:
        click.echo(
            _(
                "site {name}: store {store} (mark {mark}) forgotten; the next store "
                "to sync as {name} takes the site over and sends every current record"
            ).format(name=name, store=before, mark=mark)
        )


@hub_group.group("lead")
def hub_lead() -> None:
    """Team leads who may publish guides and templates."""


@hub_lead.command("add", cls=_NameCommand)
@_db_option
@click.argument("name")
def hub_lead_add(db: str | None, name: str) -> None:
    """Register lead NAME and print a publishing token, once."""
    token = _store(db).add("lead", _check_name(name))
    click.echo(
        _("lead {name} added; the token is shown once, put it in [sync] lead_token:").format(
            name=name
        )
    )
    click.echo(token)


@hub_group.group("token")
def hub_token() -> None:
    """Tokens of sites and leads."""


@hub_token.command("rotate", cls=_NameCommand)
@_db_option
@click.option("--lead", is_flag=True, help="NAME is a lead, not a site.")
@click.argument("name")
def hub_token_rotate(db: str | None, lead: bool, name: str) -> None:
    """Replace the token of site (or lead) NAME; the old one stops working at once."""
    role = "lead" if lead else "site"
    token = _store(db).rotate(role, _check_name(name))
    if lead:
        click.echo(_("new token for lead {name}; the old one no longer works:").format(name=name))
    else:
        click.echo(_("new token for site {name}; the old one no longer works:").format(name=name))
    click.echo(token)


@hub_group.command("serve")
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8787, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@click.option(
    "--max-body",
    default=4 << 20,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Largest request body accepted, in bytes (413 above).",
)
def hub_serve(db: str | None, host: str, port: int, max_body: int) -> None:
    """Serve the hub (FastAPI under uvicorn) until interrupted."""
    import uvicorn

    from acw_tui.errors import os_reason
    from acw_tui.sync import HubError
    from acw_tui.sync.hub_app import create_app
    from acw_tui.tcp import is_loopback, listening_socket

    store = _store(db)
    store.init()  # no DDL when nothing is missing: a role without CREATE rights serves
    store.db.close()  # the app holds its own connections, a pool of them on PostgreSQL
    app = create_app(store.db.url, max_body=max_body)
    # Listen first, so a busy port is one line and the banner is only printed when true.
    try:
        listener = listening_socket(host, port)
    except OSError as exc:
        raise HubError(
            N_("cannot listen on {address}: {reason}"),
            address=f"{host}:{port}",
            reason=os_reason(exc),
        ) from None
    if not is_loopback(host):  # before the banner, which says the hub is up
        click.echo(
            _(
                "this address is reachable from other machines in plain HTTP, and sites "
                "refuse http:// to another machine unless their [sync] allow_plain_http = "
                "true: put TLS in front of the hub (https://) and serve it on 127.0.0.1"
            ),
            err=True,
        )
    click.echo(
        _("acw hub on {url} (store {store})").format(
            # The port bound: the one asked for, or the one the system chose for 0.
            url=f"http://{host}:{listener.getsockname()[1]}",
            store=store.db.describe(),
        ),
        err=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[listener])


def _check_name(name: str, ctx: click.Context | None = None) -> str:
    from acw_tui.sync.hub_store import check_name

    why = check_name(name)
    if why:
        raise click.BadParameter(said(why), ctx=ctx)
    return name


# -- publishing (attached to `acw guide` and `acw templates`) -----------------------------


def _publish(kind: str, source: Path | None, hub: str | None, token: str | None) -> None:
    from acw_tui.core.printable import flat
    from acw_tui.settings import paths
    from acw_tui.settings.config import load_config
    from acw_tui.sync import SyncError
    from acw_tui.sync.client import configured_client
    from acw_tui.sync.content import lint_errors, read_bundle

    config = load_config()
    source = source or paths.content_dir(kind)
    files, version = read_bundle(kind, source)
    errors = lint_errors(kind, files)
    if errors:
        for error in errors:
            click.echo(f"{source}/{error}" if source.is_dir() else error, err=True)
        raise SyncError(
            _("{source}: {errors}; fix them before publishing (`{lint}`), nothing was sent").format(
                source=source,
                errors=counted("{count} lint error(s)", "{count} lint error(s)", len(errors)),
                lint=f"acw {'guide' if kind == 'shorthand' else 'templates'} lint",
            )
        )
    client = configured_client(config, hub, token, lead=True)
    try:
        answer = client.publish(kind, files, version)
    finally:
        client.close()
    label = _(PUBLISHED[kind])
    what = _("{files} from {source}").format(
        files=counted("{count} file(s)", "{count} file(s)", len(files)), source=source
    )
    if answer.get("unchanged"):
        click.echo(
            _("{label}: the hub already has this as release {release} ({what})").format(
                label=label, release=answer["release"], what=what
            )
        )
    else:
        click.echo(
            _("{label}: published release {release} ({what}, {checksum})").format(
                label=label, release=answer["release"], what=what, checksum=answer["checksum"]
            )
        )
    if isinstance(answer.get("team_model"), str):
        click.echo(
            _("team completion model {model}").format(model=flat(answer["team_model"])), err=True
        )


def _publish_options(func: Any) -> Any:
    func = click.option(
        "--token",
        metavar="T",
        help="Lead token (default: ACW_HUB_LEAD_TOKEN or [sync] lead_token).",
    )(func)
    return click.option(
        "--hub", metavar="URL", help="Hub URL (default: ACW_HUB_URL or [sync] hub_url)."
    )(func)


@click.command("publish", cls=Translated)
@click.option(
    "--guide",
    "source",
    type=click.Path(path_type=Path),
    help="Guide file or folder (default: the configured guide).",
)
@_publish_options
def guide_publish(source: Path | None, hub: str | None, token: str | None) -> None:
    """Publish the guide to the hub (needs a lead token); sites get it on their next sync."""
    _publish("shorthand", source, hub, token)


@click.command("publish", cls=Translated)
@click.option(
    "--templates",
    "source",
    type=click.Path(path_type=Path),
    help="Templates folder (default: the configured templates).",
)
@_publish_options
def templates_publish(source: Path | None, hub: str | None, token: str | None) -> None:
    """Publish the templates and codes to the hub (needs a lead token)."""
    _publish("templates", source, hub, token)
