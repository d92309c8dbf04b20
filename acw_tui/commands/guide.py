"""`acw guide …` (the team lead's tools for the shorthand guide) and `acw expand`.

Every command takes `--guide PATH`; without it the configured guide is used (the
`[shorthand]` config section and `locale`, see docs/shorthand.md).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from acw_tui.cli import TEXT, TEXT_LINES, AcwGroup, Translated, counted, padded, whole_number
from acw_tui.core.file_bytes import read_file_bytes
from acw_tui.core.printable import flat
from acw_tui.errors import AcwError, os_reason
from acw_tui.files import write_file
from acw_tui.i18n import _, ngettext, said

if TYPE_CHECKING:
    from acw_tui.core.shorthand import Entry, Guide


def _guide_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--guide",
        "guide_path",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="PATH",
        help="Guide file (default: the configured guide for your locale).",
    )(func)


def _guide_file(guide_path: Path | None) -> Path:
    from acw_tui.settings.config import load_config
    from acw_tui.settings.shorthand import guide_file

    if guide_path is not None:
        return guide_path
    return guide_file(load_config())


def _guide_to_edit(guide_path: Path | None) -> Path:
    from acw_tui.settings.config import load_config
    from acw_tui.settings.shorthand import guide_to_edit

    return guide_to_edit(load_config(), guide_path)


def _load(guide_path: Path | None, quiet: bool = False) -> Guide:
    """Load the guide, telling the user (on stderr) about problems that were worked around."""
    from acw_tui.core.shorthand import load_guide

    guide = load_guide(_guide_file(guide_path))
    if guide.problems and not quiet:
        found = ngettext(
            "{source}: {count} problem(s), run `acw guide lint`",
            "{source}: {count} problem(s), run `acw guide lint`",
            len(guide.problems),
        )
        click.echo(found.format(source=guide.source, count=len(guide.problems)), err=True)
    return guide


def _check_edit(before: Guide, text: str, source: str) -> Guide:
    """Parse an edited guide; refuse the edit if it brings an error (or a problem in
    reading it) the file did not have, and tell of the warnings it brings."""
    from acw_tui.core.shorthand import ShorthandError, parse_guide
    from acw_tui.core.shorthand.lint import lint_guide, no_word_list

    after = parse_guide(text, source)
    old = {_unplaced(p) for p in lint_guide(before, frequency=no_word_list)}
    found = [*after.problems, *lint_guide(after, frequency=no_word_list)]
    new = [p for p in found if _unplaced(p) not in old]
    refused = [p for p in new if p.severity == "error" or p in after.problems]
    if refused:
        raise ShorthandError(said(refused[0]))
    for problem in dict.fromkeys(new):
        click.echo(said(problem), err=True)
    return after


def _unplaced(problem: Any) -> str:
    """A problem without its numbers: an edit moves the lines below it."""
    return re.sub(r"\d+", "", problem.message)


def _entry_line(entry: Entry) -> str:
    flags = " " + _("(exact case)") if entry.exact else ""
    return f"{flat(entry.abbr):<12} {flat(entry.expansion)}{flags}"


@click.group("guide", cls=AcwGroup)
def guide_group() -> None:
    """The shorthand style guide: list, search, edit, lint, import/export, version."""


@guide_group.command("list")
@_guide_option
@click.option("--category", metavar="NAME", help="Only this category.")
def guide_list(guide_path: Path | None, category: str | None) -> None:
    """List the guide's entries by category."""
    from acw_tui.core.shorthand.printable import by_category

    guide = _load(guide_path)
    heading = ngettext(
        "{name} · version {version} · {count} entry",
        "{name} · version {version} · {count} entries",
        len(guide.entries),
    )
    click.echo(
        heading.format(name=flat(guide.name), version=guide.version, count=len(guide.entries))
    )
    for name, entries in by_category(guide):
        if category is not None and name.casefold() != category.casefold():
            continue
        click.echo(f"\n[{flat(name)}]")
        for entry in entries:
            click.echo(f"  {_entry_line(entry)}")


@guide_group.command("search")
@_guide_option
@click.argument("query")
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=whole_number(1, 10_000),
    help="At most this many.",
)
def guide_search(guide_path: Path | None, query: str, limit: int) -> None:
    """Fuzzy search over abbreviations, expansions and notes; best matches first."""
    from acw_tui.core.shorthand.compare import search_guide

    found = search_guide(_load(guide_path), query, limit)
    if not found:
        click.echo(_("nothing matches {query}").format(query=repr(query)), err=True)
        sys.exit(1)
    for entry in found:
        click.echo(_entry_line(entry))


@guide_group.command("add")
@_guide_option
@click.argument("abbr", type=TEXT)
@click.argument("expansion", type=TEXT_LINES)
@click.option("--category", type=TEXT, default="", help="Category (people, account, payment, …).")
@click.option("--note", type=TEXT_LINES, default="", help="A note for agents (when to use it).")
@click.option("--exact", is_flag=True, help="Match only with this exact case.")
def guide_add(
    guide_path: Path | None, abbr: str, expansion: str, category: str, note: str, exact: bool
) -> None:
    """Add an entry (refused if the abbreviation exists or cannot fire)."""
    from acw_tui.core.shorthand import Entry
    from acw_tui.core.shorthand.loader import read_text
    from acw_tui.core.shorthand.writer import add_entry

    path = _guide_to_edit(guide_path)
    before = _load(path, quiet=True)
    text = add_entry(read_text(path), Entry(abbr, expansion, category, note, exact))
    after = _check_edit(before, text, str(path))
    write_file(path, text, make_folder=True)
    done = ngettext(
        "added {abbr} → {expansion} ({count} entry)",
        "added {abbr} → {expansion} ({count} entries)",
        len(after.entries),
    )
    click.echo(done.format(abbr=flat(abbr), expansion=flat(expansion), count=len(after.entries)))


@guide_group.command("remove")
@_guide_option
@click.argument("abbr")
def guide_remove(guide_path: Path | None, abbr: str) -> None:
    """Remove the entry with this abbreviation."""
    from acw_tui.core.shorthand.loader import read_text
    from acw_tui.core.shorthand.writer import remove_entry

    path = _guide_to_edit(guide_path)
    before = _load(path, quiet=True)
    text = remove_entry(read_text(path), before, abbr)
    after = _check_edit(before, text, str(path))
    write_file(path, text, make_folder=True)
    done = ngettext(
        "removed {abbr} ({count} entry left)",
        "removed {abbr} ({count} entries left)",
        len(after.entries),
    )
    click.echo(done.format(abbr=flat(abbr), count=len(after.entries)))


@guide_group.command("lint")
@_guide_option
@click.option(
    "--usage/--no-usage",
    default=True,
    show_default=True,
    help="Also flag entries agents often undo (from the local store's usage data).",
)
def guide_lint(guide_path: Path | None, usage: bool) -> None:
    """Check the guide; exits non-zero when an error is found (warnings do not fail)."""
    from acw_tui.core.shorthand import load_guide
    from acw_tui.core.shorthand.lint import has_errors, lint_guide

    guide = load_guide(_guide_file(guide_path))
    figures = _undo_figures(guide.version) if usage else None
    problems = lint_guide(guide, figures)
    for problem in problems:
        click.echo(said(problem))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors

    totals = _("{source}: {entries}, {errors}, {warnings}").format(
        source=guide.source,
        entries=counted("{count} entry", "{count} entries", len(guide.entries)),
        errors=counted("{count} error(s)", "{count} error(s)", errors),
        warnings=counted("{count} warning(s)", "{count} warning(s)", warnings),
    )
    click.echo(flat(totals), err=True)
    if has_errors(problems):
        sys.exit(1)


def _undo_figures(guide_version: int) -> dict[str, Any] | None:
    """Undo counts per entry from the local store, if there is one."""
    from acw_tui.core.shorthand.lint import UndoFigures
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.store.shorthand_usage import usage_by_entry

    path = database_file()
    if not path.exists():
        return None
    try:
        store = open_store(path)
        try:
            totals = usage_by_entry(store)
        finally:
            store.close()
    except AcwError as exc:
        click.echo(_("usage data not read: {reason}").format(reason=said(exc)), err=True)
        return None
    return {abbr: UndoFigures(t.used, t.undone) for abbr, t in totals.items()}


@guide_group.command("import")
@_guide_option
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Replace all entries (default: add new, update same abbr)."
)
def guide_import(guide_path: Path | None, csv_file: Path, replace: bool) -> None:
    """Import entries from a spreadsheet CSV (UTF-8 with or without BOM; comma or semicolon).

    Columns: abbr, expansion, category, note, case. The guide file is rewritten (its
    comments are not kept); nothing is written if any row has an error.
    """
    from acw_tui.core.shorthand import Guide, ShorthandError, parse_guide
    from acw_tui.core.shorthand.spreadsheet import read_csv_file
    from acw_tui.core.shorthand.writer import dump_guide

    path = _guide_to_edit(guide_path)
    flagged: list[str] = []
    rows = read_csv_file(csv_file, flagged)
    current = _load(path, quiet=True) if path.exists() else Guide(source=str(path))
    _check_rows(rows, current, str(csv_file))
    if replace:
        entries = list(rows)
    else:
        incoming = {e.abbr: e for e in rows}
        entries = [incoming.pop(e.abbr, e) for e in current.entries] + list(incoming.values())
    merged = Guide.of(
        entries,
        name=current.name,
        version=current.version,
        locale=current.locale,
        delimiters=current.delimiters,
        sigil=current.sigil,
        changelog=current.changelog,
    )
    text = dump_guide(merged)
    parsed = parse_guide(text, str(path))
    if len(parsed.entries) != len(merged.entries):  # pragma: no cover - checked row by row
        raise ShorthandError("{file}: some rows could not be imported", file=csv_file)
    write_file(path, text, make_folder=True)
    if flagged:
        more = (
            " " + _("(and {count} more)").format(count=len(flagged) - 1) if len(flagged) > 1 else ""
        )
        click.echo(_("warning: {problem}").format(problem=flagged[0]) + more, err=True)
    click.echo(
        _("imported {rows} from {file}: {path} has {entries}").format(
            rows=counted("{count} row(s)", "{count} row(s)", len(rows)),
            file=csv_file,
            path=path,
            entries=counted("{count} entry", "{count} entries", len(parsed.entries)),
        )
    )


def _check_rows(rows: list[Entry], current: Guide, source: str) -> None:
    """Every problem of the imported rows, named by the CSV line; raises if there is one."""
    from acw_tui.core.shorthand import Guide, ShorthandError, parse_guide
    from acw_tui.core.shorthand.lint import guide_errors
    from acw_tui.core.shorthand.writer import dump_guide

    probe = dump_guide(
        Guide(entries=tuple(rows), delimiters=current.delimiters, sigil=current.sigil)
    )
    parsed = parse_guide(probe, source)
    entry_lines = [n for n, line in enumerate(probe.splitlines(), 1) if line == "[[entry]]"]
    messages = []
    for problem in guide_errors(parsed):
        index = max((i for i, n in enumerate(entry_lines) if n <= problem.line), default=0)
        message = problem.message
        for i, n in enumerate(entry_lines):  # "first at line N" speaks of the CSV too
            message = message.replace(f"line {n})", f"line {rows[i].line})")
        messages.append(f"{source}:{rows[index].line}: {message}")
    if len(messages) == 1:
        raise ShorthandError(messages[0])
    if messages:
        raise ShorthandError(
            "{problem} (and {count} more)", problem=messages[0], count=len(messages) - 1
        )


@guide_group.command("export")
@_guide_option
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["csv", "md", "html"]))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout).",
)
@click.option("--semicolon", is_flag=True, help="CSV: separate with ';' (Excel in many locales).")
@click.option(
    "--bom/--no-bom", default=True, show_default=True, help="CSV: start with a UTF-8 BOM."
)
def guide_export(
    guide_path: Path | None, fmt: str, output: Path | None, semicolon: bool, bom: bool
) -> None:
    """Export the guide: csv (spreadsheets), md or html (a printable style guide by category)."""
    from acw_tui.core.shorthand import ShorthandError
    from acw_tui.core.shorthand.lint import card_data_problems
    from acw_tui.core.shorthand.printable import export_html, export_markdown
    from acw_tui.core.shorthand.spreadsheet import export_csv

    guide = _load(guide_path)
    for problem in card_data_problems(guide)[:1]:  # an export is a file too
        raise ShorthandError(said(problem))
    if fmt == "csv":
        text = export_csv(guide.entries, ";" if semicolon else ",", bom)
    elif fmt == "md":
        text = export_markdown(guide)
    else:
        text = export_html(guide)
    if output is None:
        stream = sys.stdout.buffer
        stream.write(text.encode("utf-8"))
        stream.flush()
    else:
        write_file(output, text)
        done = ngettext(
            "wrote {file} ({count} entry)", "wrote {file} ({count} entries)", len(guide.entries)
        )
        click.echo(done.format(file=output, count=len(guide.entries)), err=True)


@guide_group.command("bump")
@_guide_option
@click.option(
    "-m", "--message", type=TEXT, required=True, help="What changed (goes into the changelog)."
)
def guide_bump(guide_path: Path | None, message: str) -> None:
    """Raise the guide's version by one and add a changelog entry."""
    from datetime import date

    from acw_tui.core.shorthand.loader import read_text
    from acw_tui.core.shorthand.writer import bump_version

    if not message.strip():
        raise click.BadParameter(_("say what changed"), param_hint="--message")
    path = _guide_to_edit(guide_path)
    before = _load(path, quiet=True)
    text, version = bump_version(read_text(path), before, message.strip(), date.today())
    _check_edit(before, text, str(path))
    write_file(path, text, make_folder=True)
    click.echo(
        _("{path}: version {old} → {new}").format(path=path, old=before.version, new=version)
    )


@guide_group.command("diff")
@_guide_option
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", required=False, type=click.Path(dir_okay=False, path_type=Path))
def guide_diff(guide_path: Path | None, old: Path, new: Path | None) -> None:
    """Show what changed between two guide files (NEW defaults to --guide / the configured one).

    Lines start with + (added), - (removed) or ~ (changed).
    """
    from acw_tui.core.shorthand import load_guide
    from acw_tui.core.shorthand.compare import diff_guides

    before = load_guide(old)
    after = load_guide(new if new is not None else _guide_file(guide_path))
    click.echo(_("version {old} → {new}").format(old=before.version, new=after.version))
    difference = diff_guides(before, after)
    for line in difference.lines():
        click.echo(flat(line))
    if difference.empty:
        click.echo(_("no entry changed"))
    for item in after.changelog:
        if item.version > before.version:
            click.echo(
                _("changelog {version} ({date}): {text}").format(
                    version=item.version, date=flat(str(item.date)), text=flat(item.text)
                )
            )


@click.command("expand", cls=Translated)
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_guide_option
def expand(file: Path | None, guide_path: Path | None) -> None:
    """Expand shorthand in FILE (or stdin) to stdout, at every delimiter, as if typed.

    Fill-ins ({today}, {time}, {agent} …) take today's date and the configured agent;
    {customer} stays empty (there is no call).
    """
    from acw_tui.core.clock import SystemClock
    from acw_tui.core.shorthand import FillIns, expand_text
    from acw_tui.settings.config import load_config

    guide = _load(guide_path)
    text = _read_utf8(file)
    stream = sys.stdout.buffer
    fill_ins = FillIns(SystemClock(), agent=load_config().agent_id)
    stream.write(expand_text(text, guide, fill_ins).text.encode("utf-8"))
    stream.flush()


def _read_utf8(file: Path | None) -> str:
    """FILE (or stdin) as text; one clear line when it cannot be read as UTF-8."""
    where = str(file) if file is not None else "stdin"
    try:
        raw = read_file_bytes(file) if file is not None else sys.stdin.buffer.read()
    except OSError as exc:
        raise AcwError("{file}: cannot read: {reason}", file=where, reason=os_reason(exc)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AcwError(
            "{file}:{line}: not UTF-8 text (byte {byte})", file=where, line=line, byte=exc.start
        ) from None


@guide_group.command("effort")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_guide_option
@click.option(
    "--no-completion", is_flag=True, help="Count with the guide alone (no ghost-text completion)."
)
def guide_effort(file: Path, guide_path: Path | None, no_completion: bool) -> None:
    """The share of characters an agent types for the notes in FILE (blank-line separated),
    note by note, with the guide and the completion model of the local store.

    Counted as the effort benchmark counts: every key (letters, delimiters, the accept
    key, backspaces) ÷ characters of the note; 100 % is typing it in full.
    """
    from acw_tui.core.completion.effort import notes_in, total_effort, typing_effort
    from acw_tui.core.printable import cut, flat
    from acw_tui.core.redaction import redact

    guide = _load(guide_path)
    notes = notes_in(_read_utf8(file))
    if not notes:
        raise AcwError("{file}: no notes (notes are separated by blank lines)", file=file)
    model = None if no_completion else _completion_model(guide)
    efforts = [typing_effort(note, guide, model) for note in notes]
    click.echo(
        f"{padded(_('note'), 4)}  {padded(_('chars'), 6)}  {padded(_('keys'), 6)}  {_('typed')}"
    )
    for number, (note, effort) in enumerate(zip(notes, efforts, strict=True), 1):
        # The note's start as a reminder of which it is, never with a card number in it.
        start = cut(flat(redact(note.splitlines()[0]).text), 40)
        click.echo(
            f"{number:>4}  {effort.chars:>6}  {effort.keys:>6}  {effort.ratio:6.1%}  {start}"
        )
    total = total_effort(efforts)
    source = (
        _("guide only")
        if model is None
        else _("guide and completion ({count} n-grams)").format(count=model.size)
    )
    click.echo(
        f"{padded(_('all'), 4)}  {total.chars:>6}  {total.keys:>6}  {total.ratio:6.1%}  ({source})"
    )


def _completion_model(guide: Guide) -> Any:
    """The local store's completion model with the guide's expansions (guide only when
    there is no store yet)."""
    from acw_tui.core.completion import CompletionModel
    from acw_tui.service.completion import CompletionKeeper, guide_counts
    from acw_tui.settings.config import load_config
    from acw_tui.settings.paths import database_file

    config = load_config()
    path = database_file()
    if not path.exists():
        model = CompletionModel(config.locale)
        model.add_counts(guide_counts(guide).items())
        return model
    return CompletionKeeper(path, config.locale).model(guide)


SUGGEST_NOTES = 50_000  # the newest finished notes read (a large team's month)


@guide_group.command("suggest")
@_guide_option
@click.option("--since", default="28d", show_default=True, help="Read notes this far back.")
@click.option(
    "--hub-db",
    metavar="URL",
    help="Read all sites' notes from the hub's store: sqlite:///path/hub.db or postgresql://…",
)
@click.option("--limit", type=whole_number(1, 500), default=20, show_default=True)
@click.option(
    "--min-uses",
    type=whole_number(2, 1_000_000),
    default=3,
    show_default=True,
    help="Only phrases typed at least this often.",
)
def guide_suggest(
    guide_path: Path | None, since: str, hub_db: str | None, limit: int, min_uses: int
) -> None:
    """Propose entries for phrases the team often types in full that no entry covers.

    Mines the finished notes of the local store (or the hub's) and prints, best first,
    an abbreviation that passes lint for each phrase and the keys it would save a week
    at the rate the notes show. Add one with `acw guide add ABBR "EXPANSION"`.
    """
    from datetime import UTC, datetime

    from acw_tui.core import inputs
    from acw_tui.core.shorthand.suggest import propose_entries
    from acw_tui.core.timeutil import utc_iso
    from acw_tui.reports.source import opened
    from acw_tui.settings.paths import database_file

    guide = _load(guide_path)
    now = datetime.now(UTC)
    start = inputs.since(since, now)
    sql = (
        "SELECT note, finished_at FROM wrapups WHERE status = 'done' AND finished_at >= :start "
        f"ORDER BY finished_at DESC LIMIT {SUGGEST_NOTES}"
    )
    with opened(hub_db, database_file()) as source:
        rows = source.query(sql, {"start": utc_iso(start)})
    if not rows:
        click.echo(
            _("no finished notes since {date}: nothing to learn from").format(
                date=f"{start:%Y-%m-%d}"
            ),
            err=True,
        )
        return
    oldest = min(str(finished) for _note, finished in rows)
    first = max(start, datetime.fromisoformat(oldest.replace("Z", "+00:00")))
    days = max(1.0, (now - first).total_seconds() / 86_400)
    proposals = propose_entries(
        (str(note or "") for note, _finished in rows), guide, days, limit=limit, min_uses=min_uses
    )
    if not proposals:
        read = ngettext(
            "{count} note read: every frequent phrase has an entry already",
            "{count} notes read: every frequent phrase has an entry already",
            len(rows),
        )
        click.echo(read.format(count=len(rows)), err=True)
        return
    click.echo(
        f"{padded(_('abbr'), 8, left=True)}  {padded(_('uses'), 6)}  "
        f"{padded(_('keys/week'), 9)}  {_('expansion')}"
    )
    for p in proposals:
        line = f"{p.abbr:<8}  {p.uses:>6}  {p.keys_saved_per_week:>9.0f}  {p.expansion}"
        click.echo(flat(line))
    click.echo(
        _("{notes} over {days} read from {source}").format(
            notes=counted("{count} note", "{count} notes", len(rows)),
            days=counted("{count} day(s)", "{count} day(s)", round(days)),
            source=source.label,
        ),
        err=True,
    )
