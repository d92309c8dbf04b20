"""Keeping the translation catalogs in step with the code (`make i18n`).

Babel extracts every message marked with `_`, `N_` or `ngettext` in acw_tui, and the
template of every error raised as one of ERROR_CLASSES; the help of every command (its
first sentence, paragraphs, option help and value names, see `acw_tui.cli.help_texts`)
is added too, and so is every formula text of the reports (core.metrics keeps them in
English: the core imports nothing above it, and JSON reports carry them unchanged). The
template goes to `acw_tui/locale/acw.pot`, and each language's `.po` is updated from it
(new ids untranslated, ids no longer used kept as obsolete), as `pybabel update` does.
`gaps()` says what a catalog still lacks: the test suite fails on any.

Run as `python -m acw_tui.i18n_catalogs`. Not imported by the program.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from acw_tui.i18n import BABEL_LOCALES, DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE
from acw_tui.i18n import catalog_path as default_catalog_path

PACKAGE = Path(__file__).parent
# Errors keep their message as a template and parameters (acw_tui/errors.py): the
# template, the first argument of these classes, is a message id like any `_()` one.
ERROR_CLASSES = (
    "AcwError",
    "InputError",
    "ShorthandError",
    "TemplateError",
    "QualityError",
    "DeskError",
    "ConfigError",
    "AlreadyEnded",
    "EmptyNote",
    "CriticalItemMissing",
    "ValueProblem",  # a form field's value, acw_tui.core.templates.values
    "_Bad",  # the loaders' problem at a line of a templates or quality-rules file
    "Mistake",  # the same, read key by key (acw_tui.core.entry_checks)
    "Phrase",  # a part of a message (where in a file), acw_tui.errors.Phrase
    "ListenError",  # acw listen: the source, a setting or the phone system refused
    "AuthFailed",
    "ConnectionLost",
    "BadEvent",  # a phone system's frame or event that cannot be used
    "LanguageError",  # --lang names a language acw has no catalog for
    "FileWriteError",  # a guide, template, export or report that cannot be written
    "StoreError",  # the SQLite store: locked, damaged, newer, a missing record
    "StoreGone",  # the store file moved, replaced or deleted under a running acw
    "SyncError",  # acw sync: the settings, the hub's answers, a bundle to publish
    "HubError",  # acw hub: its store, its sites and leads
    "ReportError",  # a report's database or options (most are translated when raised)
)
KEYWORDS = {
    "_": None,
    "N_": None,
    "N_plural": (1, 2),
    "ngettext": (1, 2),
    "counted": (1, 2),  # acw_tui.cli.counted: ngettext, filled in
    **dict.fromkeys(ERROR_CLASSES),
}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TRANSLATED = tuple(language for language in LANGUAGES if language != SOURCE_LANGUAGE)


def command_help() -> list[tuple[str, str]]:
    """(text, where) for every text of every command's help: first sentences, help
    paragraphs, option help and the names of values (see acw_tui.cli.help_texts)."""
    import click

    from acw_tui.cli import cli, help_texts

    return list(help_texts(cli, click.Context(cli, info_name="acw")))


def report_formulas() -> list[tuple[str, str]]:
    """(name, text) of every formula a report prints beside its figures."""
    from acw_tui.core import metrics

    found = list(metrics.FORMULAS.items())
    found += [
        ("outliers", metrics.OUTLIER_FORMULA),
        ("failed_rules", metrics.FAILED_RULES_NOTE),
        ("group (by code)", metrics.CODE_GROUP_NOTE),
    ]
    found += [(f"shorthand {k}", v) for k, v in metrics.SHORTHAND_FORMULAS.items()]
    found += [(f"typing {k}", v) for k, v in metrics.TYPING_FORMULAS.items()]
    return found


def template() -> Catalog:
    """Every message a person may read, as the code has it (English)."""
    catalog = Catalog(
        project="acw",
        domain=DOMAIN,
        copyright_holder="the acw authors",
        charset="utf-8",
        fuzzy=False,
    )
    for filename, line, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        catalog.add(
            message,
            None,
            [(f"acw_tui/{filename}", line)],
            auto_comments=comments,
            context=context,
        )
    # A loader's error made into a finding (core.problems.without_where) is shown
    # without its file and line, which the finding names itself.
    from acw_tui.core.problems import where_removed

    for message in list(catalog):
        rest = where_removed(message.id) if isinstance(message.id, str) else None
        if rest and rest not in catalog:
            catalog.add(rest, None, auto_comments=[f"a finding of: {message.id}"])
    for text, where in command_help():
        catalog.add(text, None, auto_comments=[f"{where} --help"])
    for name, text in report_formulas():
        catalog.add(text, None, auto_comments=[f"report formula: {name}"])
    return catalog


def update_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write the template and bring every language's catalog up to it."""
    pot = template()
    written = [locale_dir / f"{DOMAIN}.pot"]
    with written[0].open("wb") as out:
        write_po(out, pot, omit_header=False, sort_output=True, width=100)
    for language in TRANSLATED:
        path = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=BABEL_LOCALES[language], domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(
                locale=BABEL_LOCALES[language],
                domain=DOMAIN,
                project="acw",
                copyright_holder="the acw authors",
                fuzzy=False,
            )
        catalog.update(pot, no_fuzzy_matching=True)
        with path.open("wb") as out:
            write_po(out, catalog, sort_output=True, width=100, ignore_obsolete=True)
        written.append(path)
    return written


def gaps(language: str, path: Path | None = None, source: Catalog | None = None) -> list[str]:
    """What the catalog of `language` lacks against the code: a missing, empty or fuzzy
    entry, a plural form not filled, or a translation whose placeholders ({call}) differ."""
    source = source if source is not None else template()
    path = path or default_catalog_path(language)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=BABEL_LOCALES[language], domain=DOMAIN)
    problems = []
    for message in source:
        if not message.id:
            continue  # the header
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = catalog.get(key, message.context)
        shown = key if isinstance(message.id, str) else " / ".join(message.id)
        if found is None:
            problems.append(f"{path}: missing: {shown!r}")
            continue
        strings = [found.string] if isinstance(found.string, str) else list(found.string)
        if found.fuzzy or not strings or not all(strings):
            problems.append(f"{path}: not translated: {shown!r}")
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        named = [set(PLACEHOLDER.findall(text)) for text in ids]
        # Every form names what both English forms name, and nothing they do not (a
        # form may leave out what only one of them names: click's "{choice}" and
        # "{choices}", filled with the same list).
        wanted, needed = set.union(*named), set.intersection(*named)
        for text in strings:
            if not needed <= set(PLACEHOLDER.findall(text)) <= wanted:
                problems.append(f"{path}: placeholders differ: {shown!r} -> {text!r}")
    return problems


def main() -> None:
    for path in update_catalogs():
        print(path)
    for language in TRANSLATED:
        for problem in gaps(language):
            print(problem, file=sys.stderr)


if __name__ == "__main__":
    main()
