"""The `acw` command line.

A bare `acw` opens the screen. Heavy imports (Textual, the hub's web stack) happen inside
the commands that need them, so the phone-system hook starts fast. Every error a user
can cause comes out as one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import inspect
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import click
from click.shell_completion import CompletionItem

from acw_tui import __version__
from acw_tui.core.printable import flat, shown_lines
from acw_tui.errors import AcwError, N_plural
from acw_tui.i18n import N_, _, ngettext, said, say
from acw_tui.user_errors import USER_ERRORS, one_line

# click's own words, which it asks gettext for: in acw's catalog, so help and usage
# errors read in one language (see `_click_speaks_acw`).
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    HELP_OPTION_HELP := N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing command."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("default: {default}"),
    N_("required"),
    # The names click gives the parts of a command line in the usage line.
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("[COMMAND] [ARGS]..."),
    # What click says of a value or a command line it cannot take.
    N_("Invalid value: {message}"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("Missing {param_type}"),
    N_("Option {name!r} does not take a value."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Choose from:\n\t{choices}"),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{value!r} is not a valid UUID."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not executable."),
    N_("Could not open file {filename!r}: {message}"),
    N_("unknown error"),
    N_("Aborted!"),
    N_("%(prog)s, version %(version)s"),
    N_("Do you want to continue?"),
    N_("Confirm the action without prompting."),
    N_("env var: {var}"),
    N_("deprecated"),
    N_("(dynamic)"),
    N_("Positional arguments"),
    N_("DeprecationWarning: The command {name!r} is deprecated.{extra_message}"),
    N_("DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}"),
)
CLICK_PLURAL_WORDS = (
    N_plural("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    N_plural("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."),
    N_plural("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    N_plural(
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ),
    N_plural(
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ),
    N_plural("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    N_plural(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."
    ),
)
# What click says only of a mistake in acw's own declaration of its commands, which
# the test suite would meet first: never shown to a user, so not in the catalog.
CLICK_DEVELOPER_WORDS = frozenset(
    {
        "Value must be an iterable.",
        "Could not determine name for option with declarations {decls!r}",
        "No options defined but a name was passed ({name}). Did you mean to declare an "
        "argument instead? Did you mean to pass '--{name}'?",
        "Arguments take exactly one parameter declaration, got {length}: {decls}.",
        "Name '{name}' defined twice",
        "Boolean option {decl!r} cannot use the same flag for true/false.",
        "Invalid start character for option ({option})",
        "Choice({choices})",  # a type's repr
        "Try '{command} {option}' for help.",  # acw's one-line errors say it their way
    }
)


def click_modules() -> tuple[Any, ...]:
    """click's modules that ask gettext for their words."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    return (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.types,
    )


def _click_speaks_acw() -> None:
    """click translates its words with the module-level `_` each of its modules imports
    from the stdlib's gettext (which reads compiled files from system folders): pointed
    at acw's catalog instead, `acw --lang pl --help` is Polish throughout."""
    for module in click_modules():
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


_click_speaks_acw()


def _click_measures_cells() -> None:
    """click lays help out by characters; a Chinese character takes two terminal cells
    and Chinese has no spaces to break at. Measured in cells (ANSI codes still not
    counted) and broken between wide characters, the help fits the terminal in every
    language and its columns line up."""
    import click._textwrap
    import click.formatting
    from click._compat import strip_ansi

    def term_cells(text: str) -> int:
        return cells(strip_ansi(text))

    class CellsWrapper(click._textwrap.TextWrapper):
        def _split(self, text: str) -> list[str]:
            # As textwrap splits (words, spaces, hyphens), then between wide characters.
            pattern = self.wordsep_re if self.break_on_hyphens else self.wordsep_simple_re
            chunks = []
            for chunk in filter(None, pattern.split(text)):
                if chunk.isascii():
                    chunks.append(chunk)
                else:  # each wide character may end a line
                    chunks.extend(c for c in _WIDE_OR_NOT.findall(chunk) if c)
            return chunks

    click.formatting.term_len = term_cells  # type: ignore[attr-defined]
    click._textwrap.term_len = term_cells  # type: ignore[attr-defined]
    click._textwrap.TextWrapper = CellsWrapper  # type: ignore[misc]


_click_measures_cells()


def speak(option: str | None) -> str:
    """Choose the language of everything printed: `--lang`, else the config's `locale`,
    else the environment (LANG). A config that cannot be read leaves the choice to the
    environment; the command that needs the config then reports its problem."""
    from acw_tui.i18n import choose_language, use_language

    configured = None
    if option is None:
        from acw_tui.settings.config import load_config

        try:
            config = load_config()
        except Exception:  # before the one-line error path: the command reports it
            pass
        else:
            configured = config.locale if config.locale_given else None
    language = choose_language(option, configured)
    use_language(language)
    return language


def language_option(args: list[str]) -> str | None:
    """The value of the top-level `--lang` in `args` (before the command's name), if any."""
    for index, arg in enumerate(args):
        if arg == "--lang":
            return args[index + 1] if index + 1 < len(args) else None
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
        if arg == "--" or not arg.startswith("-"):
            return None  # a command's own options (`acw rules check --lang`) are its own
    return None


def summary(help_text: str) -> str:
    """A command's help up to the end of its first sentence (its line in `acw --help`)."""
    paragraph = " ".join(inspect.cleandoc(help_text).split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


_WIDE = (
    "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
)
# A line may break between two wide characters, but not before closing punctuation
# (。，）) nor after opening punctuation (（「).
_OPENING, _CLOSING = "（《「『【〔", "、。，．；：！？）》」』】〕"
_WIDE_OR_NOT = re.compile(f"[{_OPENING}]*[{_WIDE}][{_CLOSING}]*|[^{_WIDE}]+")


def cells(text: str) -> int:
    """Terminal cells `text` takes (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def padded(text: str, width: int, *, left: bool = False) -> str:
    """`text` filled with spaces to `width` cells (right-aligned unless `left`): column
    headings line up in every language, Chinese ones included."""
    fill = " " * max(0, width - cells(text))
    return text + fill if left else fill + text


def counted(singular: str, plural: str, count: int) -> str:
    """`count` things in the chosen language's plural form ("{count} entries")."""
    return ngettext(singular, plural, count).format(count=count)


def shortened(text: str, width: int) -> str:
    if cells(text) <= width:
        return text
    while text and cells(text) > width - 3:
        text = text[:-1]
    return text.rstrip() + "..."


class OneLineError(click.ClickException):
    """An error the user can act on, printed as one line whatever the message holds."""

    def show(self, file: Any = None) -> None:
        click.echo(
            _("Error: {message}").format(message=flat(self.format_message())),
            file=file,
            err=file is None,
        )


class OneLineUsageError(click.UsageError):
    """click's usage errors (unknown option, bad value, missing argument) in one line:
    what, where, and where to look, instead of usage, hint, blank line and error."""

    def show(self, file: Any = None) -> None:
        where = self.ctx.command_path if self.ctx is not None else "acw"
        message = _("Error: {where}: {message} (see `{where} --help`)")
        click.echo(
            flat(message.format(where=where, message=self.format_message())),
            file=file,
            err=file is None,
        )


def _one_line_usage(exc: click.UsageError) -> click.UsageError:
    if isinstance(exc, OneLineUsageError):
        return exc
    message = " ".join(exc.format_message().split())
    return OneLineUsageError(message, exc.ctx)


# Names of values in help (metavars) that stay as written in every language: protocols,
# formats and placeholders that are not words.
KEPT_METAVARS = frozenset({"URL", "JSON", "ID", "LANG", "T", "N", "Q"})
_WORDS = re.compile(r"[^\W\d_]{2,}")


def paragraphs(help_text: str) -> list[str]:
    """A command's help as the catalog holds it: one message per paragraph, each on one line."""
    return [" ".join(p.split()) for p in inspect.cleandoc(help_text).split("\n\n") if p.strip()]


def metavar_words(param: click.Parameter, ctx: click.Context) -> str | None:
    """The metavar click shows for `param` (PATH, [FILE], EXT=AGENT_ID) when it holds
    words to translate; None for flags, choices ([csv|md]) and KEPT_METAVARS."""
    if getattr(param, "is_flag", False) or isinstance(param.type, click.Choice):
        return None
    shown = param.make_metavar(ctx)
    return shown if shown not in KEPT_METAVARS and _WORDS.search(shown) else None


def help_texts(command: click.Command, ctx: click.Context) -> Iterator[tuple[str, str]]:
    """(text, where) for every text of `command`'s help and its subcommands': first
    sentence, help paragraphs, option help, metavars that are words. `make i18n` puts
    them in the catalog; `Translated` shows them from it."""
    where = ctx.command_path
    if command.help:
        yield summary(command.help), f"{where}: summary"  # its line in its group's help
    if not isinstance(command, Translated):
        return  # shows its help as written
    for paragraph in paragraphs(command.help or ""):
        yield paragraph, f"{where}: help"
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text:
            yield help_text, f"{where}: {param.name}"
        shown = metavar_words(param, ctx)
        if shown:
            yield shown, f"{where}: {param.name} (value name)"
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from help_texts(sub, click.Context(sub, info_name=name, parent=ctx))


class Translated(click.Command):
    """A command whose help is read in the chosen language: its paragraphs, each option's
    help, the names of values (PATH, FILE) and click's own words come from the catalog
    (English where it has no entry)."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # With --help, which click makes once per command (its help in the language
        # of the first time asked).
        params = self.get_params(ctx)
        saved = [(param, param.metavar, getattr(param, "help", None)) for param in params]
        options_metavar = self.options_metavar
        try:
            for param in params:
                shown = metavar_words(param, ctx)
                if shown:
                    param.metavar = _(shown)
                if getattr(param, "help", None):
                    param.help = _(param.help)  # type: ignore[attr-defined]
            if self.options_metavar:
                self.options_metavar = _(self.options_metavar)
            super().format_help(ctx, formatter)
        finally:
            self.options_metavar = options_metavar
            for param, metavar, help_text in saved:
                param.metavar = metavar
                if help_text is not None:
                    param.help = help_text  # type: ignore[attr-defined]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None and option is not getattr(self, "_english_help_option", None):
            # click makes it once per command, in the language of that moment: kept in
            # English, it is translated like every other option's help when shown.
            option.help = HELP_OPTION_HELP
            self._english_help_option = option
        return option

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        if original:
            self.help = "\n\n".join(_(p) for p in paragraphs(original))
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original


class AcwGroup(Translated, click.Group):
    """A click group that reports every user error (user_errors.USER_ERRORS) as one line.

    Feature commands are registered by name with a loader and imported only when run
    or listed, so a bare `acw` (the screen) and the phone-system hook start fast.
    """

    command_class = Translated  # what `@group.command()` makes
    group_class = type  # and `@group.group()`: another AcwGroup

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Callable[[], click.Command]] = {}

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        subcommand_metavar = self.subcommand_metavar
        if subcommand_metavar:
            self.subcommand_metavar = _(subcommand_metavar)
        try:
            super().format_help(ctx, formatter)
        finally:
            self.subcommand_metavar = subcommand_metavar

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its first sentence, translated when the catalog has it
        (`make i18n` puts every top-level command's first sentence there)."""
        commands = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _command in commands)
        rows = []
        for name, command in commands:
            first = summary(command.help or "")
            translated = _(first) if first else ""
            if translated != first:
                rows.append((name, shortened(translated, limit)))
            else:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

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
        if parent is None:
            # Before click reads the arguments: its own errors (an unknown option) are
            # then already in the language asked for.
            from acw_tui.i18n import LanguageError

            try:
                speak(language_option(args))
            except LanguageError:
                speak(None)  # the --lang callback reports it, in the default language
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
            raise OneLineError(_("the input is nested too deeply to read")) from None
        except MemoryError:
            raise OneLineError(_("the input is too large to handle in memory")) from None
        except Exception as exc:
            # A mistake of ours, not the user's: still one line, saying what to report.
            raise OneLineError(
                _("internal error ({kind}: {detail}); please report it").format(
                    kind=type(exc).__name__, detail=exc
                )
            ) from None


# What `acw show` prints for a wrap-up's status (core.model.Wrapup.status).
WRAPUP_STATUS = {"open": N_("open"), "done": N_("finished"), "discarded": N_("discarded")}


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
        if param is None:
            what = self.name
        elif param.param_type_name == "option" and param.opts:
            # By its long spelling (`--output`, not `-o`), whichever the user typed.
            what = max(param.opts, key=len)
        else:
            what = param.human_readable_name or self.name
        try:
            return self.check(value, what)
        except InputError as exc:
            # The message already names the option; click's "Invalid value for" is not repeated.
            raise click.UsageError(said(exc), ctx) from None


def _text(value: str, what: str) -> str:
    from acw_tui.core.inputs import text

    return text(value, what)


def _text_lines(value: str, what: str) -> str:
    from acw_tui.core.inputs import MAX_TEXT_LENGTH, text

    return text(value, what, max_length=MAX_TEXT_LENGTH, single_line=False)


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
TEXT_LINES = Checked(_text_lines, "text")  # line breaks and tabs allowed
CALL_ID = Checked(_call_id, "call id")
SECONDS = Checked(_seconds, "seconds")
TIME = Checked(_moment, "time")


def _utf8(value: str, what: str) -> str:
    from acw_tui.core.inputs import utf8

    return utf8(value, what)


UTF8 = Checked(_utf8, "text")


class FileNamed(click.ParamType):
    """A `click.Path` or `click.File` whose name is checked first (`inputs.file_name`),
    naming the option; the rest is the wrapped type's."""

    def __init__(self, inner: click.ParamType) -> None:
        self.inner = inner
        self.name = inner.name
        self.envvar_list_splitter = inner.envvar_list_splitter

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return self.inner.get_metavar(param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        return self.inner.shell_complete(ctx, param, incomplete)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = FILE_NAME.convert(value, param, ctx)
        return self.inner.convert(value, param, ctx)


def _file_name(value: str, what: str) -> str:
    from acw_tui.core.inputs import file_name

    return file_name(value, what)


FILE_NAME = Checked(_file_name, "file name")


def utf8_only(command: click.Command) -> click.Command:
    """Give every plain text option and argument of `command` (and its subcommands) the
    UTF-8 check: bytes that are not UTF-8 become one line naming the option, not a
    UnicodeEncodeError deep inside the store or the terminal. File and folder names get
    theirs: a NUL is one line, not a ValueError inside `open`."""
    for param in command.params:
        if param.type is click.STRING:
            param.type = UTF8
        elif isinstance(param.type, click.Path | click.File):
            param.type = FileNamed(param.type)
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


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """`--version`, said when asked (click's own version option words its line when the
    command is defined, before `--lang` is read)."""
    if value and not ctx.resilient_parsing:
        click.echo(_("%(prog)s, version %(version)s") % {"prog": "acw", "version": __version__})
        ctx.exit()


def _language_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from acw_tui.i18n import LanguageError

    if value is not None:
        try:
            speak(value)
        except LanguageError as exc:
            raise click.BadParameter(str(exc).removeprefix("--lang: "), ctx, param) from None
    return value


@click.group(
    "acw",
    cls=AcwGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "acw: after-call work for contact-center agents.\n\n"
        "Without a command, opens the screen on the configured store."
    ),
)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_show_version,
    help=N_("Show the version and exit."),
)
@click.option(
    "--lang",
    metavar="LANG",
    is_eager=True,
    expose_value=True,
    callback=_language_option,
    help=N_("Language of the screen and messages: en, pl, es or zh (default: config, LANG)."),
)
@click.option(
    "--plain",
    is_flag=True,
    help=N_("Draw the screen without box drawing (for screen readers)."),
)
@click.pass_context
def cli(ctx: click.Context, lang: str | None, plain: bool) -> None:
    if ctx.invoked_subcommand is None:
        from acw_tui.tui.run import run_screen

        run_screen(language=lang, plain=plain)


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
    click.echo(_("call {call} started").format(call=flat(call.external_id)))


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
    call = flat(wrapup.call.external_id)  # as stored: redacted, shown escaped
    click.echo(_("wrap-up {wrapup} open for call {call}").format(wrapup=wrapup.id, call=call))


@cli.command("show")
@click.argument("call_id", type=CALL_ID)
def show(call_id: str) -> None:
    """Print the wrap-up of a call (by the phone system's call id)."""
    from acw_tui.core.durations import format_duration

    wrapup, draft = open_desk().for_call(call_id)
    rows = [
        (
            N_("call"),
            _("{call}  queue {queue}  customer {customer}").format(
                call=flat(wrapup.call.external_id),
                queue=flat(wrapup.call.queue or "–"),
                customer=flat(wrapup.call.customer_ref or "–"),
            ),
        ),
        (
            N_("status"),
            _(WRAPUP_STATUS.get(wrapup.status, wrapup.status))
            + ("  " + _("(timed out)") if wrapup.timed_out else ""),
        ),
        (N_("ACW"), format_duration(wrapup.acw_seconds)),
    ]
    if wrapup.codes:
        auto = "  " + _("(automatic: time-out)") if wrapup.auto_code in wrapup.codes else ""
        rows.append((N_("codes"), f"{flat(', '.join(wrapup.codes))}{auto}"))
    if wrapup.status == "done" and (wrapup.quality_score is not None or wrapup.quality_failed):
        score = "–" if wrapup.quality_score is None else f"{wrapup.quality_score:g}/100"
        failed = (
            "  " + _("failed: {items}").format(items=flat(", ".join(wrapup.quality_failed)))
            if wrapup.quality_failed
            else ""
        )
        critical = "  " + _("CRITICAL") if wrapup.quality_critical else ""
        rows.append((N_("quality"), f"{score}{critical}{failed}"))
    labels = [_(label) for label, _value in rows]
    width = max(10, *(cells(label) + 2 for label in labels))
    for label, (_label, value) in zip(labels, rows, strict=True):
        click.echo(label + " " * (width - cells(label)) + value)
    click.echo("")
    note = wrapup.note if wrapup.status == "done" else (draft.note if draft else "")
    click.echo(shown_lines(note))  # as stored; a control character in it shown, not acted on


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
            "{path}: the database file is damaged ({reason}); not migrated: "
            "restore a backup or move the file aside",
            path=path,
            reason=problems[0],
        )
    applied = migrate(store)
    for step in applied:
        click.echo(
            _("applied {number} {name}: {summary}").format(
                number=f"{step.number:04d}", name=step.name, summary=step.summary
            )
        )
    if applied:
        click.echo(_("schema at version {version}").format(version=LATEST))
    else:
        click.echo(_("schema at version {version} (already current)").format(version=LATEST))


@db_group.command("check")
def db_check() -> None:
    """Check the database file for damage; exits non-zero if any is found."""
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.store.database import StoreDamaged
    from acw_tui.store.migrations import pending, schema_version

    path = database_file()
    if not path.exists():
        raise AcwError("{path}: no database yet (it is created on first use)", path=path)
    try:
        store = open_store(path, migrate=False)
    except StoreDamaged as exc:
        reason = exc.__cause__ or exc
        raise AcwError(
            "{path}: the database file is damaged ({reason}); "
            "restore a backup or move the file aside",
            path=path,
            reason=reason,
        ) from None
    problems = store.integrity_problems()
    version = schema_version(store.conn)
    waiting = pending(store.conn)
    for problem in problems:
        click.echo(f"{path}: {problem}")
    if problems:
        found = ngettext("{count} problem(s) found", "{count} problem(s) found", len(problems))
        damaged = _("{path}: damaged: {found}").format(
            path=path, found=found.format(count=len(problems))
        )
        click.echo(flat(damaged), err=True)
        sys.exit(1)
    if waiting:
        pending_note = ngettext(
            "{path}: ok (schema version {version}, {count} migration(s) pending: run `acw db migrate`)",
            "{path}: ok (schema version {version}, {count} migration(s) pending: run `acw db migrate`)",
            len(waiting),
        )
        click.echo(pending_note.format(path=path, version=version, count=len(waiting)))
    else:
        click.echo(_("{path}: ok (schema version {version})").format(path=path, version=version))


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
    from acw_tui.service.desk_core import refuse_card_data_as_ids
    from acw_tui.settings.config import load_config
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.store.demo import generate_demo

    config = load_config()
    refuse_card_data_as_ids(config)
    site_id = config.site_id
    store = open_store(database_file())
    summary = generate_demo(
        store, calls=calls, agents=agents, days=days, seed=seed, site_id=site_id
    )
    click.echo(say(summary.template, summary.params))


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
