"""The language of everything a person reads: standard gettext catalogs, one per process.

The English text in the code is the message id; `acw_tui/locale/<lang>/LC_MESSAGES/acw.po`
holds each translation (`make i18n` extracts the ids with Babel and updates the catalogs).
The `.po` file is read directly when the language is chosen, so a checkout runs with no
compile step; anything untranslated (or marked fuzzy) shows in English, never blank.

The language is chosen once, before the screen or the command line builds anything:
`acw --lang` first, then `locale` in the config file, then the environment (`LC_ALL`,
`LC_MESSAGES`, `LANG`), then English. Texts fixed when a module is imported (key bar
descriptions, palette entries) are marked with `N_` and translated where they are shown.

Imports neither Textual nor anything of acw above `errors`, so the core's neighbours,
the command line and the screen can all use it.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from acw_tui.errors import N_ as N_  # the marker of the whole package, the core included
from acw_tui.errors import AcwError, Phrase, fill

DOMAIN = "acw"
LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "pl", "es", "zh_CN")
# Babel's locale per catalog: English as written in the code (24-hour clock, day first).
BABEL_LOCALES = {"en": "en_GB", "pl": "pl_PL", "es": "es_ES", "zh_CN": "zh_Hans_CN"}
ENVIRONMENT = ("LC_ALL", "LC_MESSAGES", "LANG")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


class LanguageError(AcwError):
    """A language acw has no catalog for (from `--lang`)."""


def language_of(tag: str | None) -> str | None:
    """The catalog for a language tag or POSIX locale (`pl`, `pl_PL.UTF-8`, `zh`,
    `zh-Hans-CN`, `es_MX`), or None when acw has none for it (`C`, `POSIX`, `de_DE`)."""
    if not tag:
        return None
    tag = tag.strip().split(".")[0].split("@")[0].replace("-", "_")
    base = tag.split("_")[0].lower()
    if base == "zh":
        return "zh_CN"  # one Chinese catalog, in simplified characters
    return base if base in LANGUAGES else None


def choose_language(
    option: str | None, configured: str | None, environ: Mapping[str, str] | None = None
) -> str:
    """`--lang`, else the config's `locale`, else the environment, else English.

    A `--lang` acw cannot show is refused (the person asked for it by name); a config or
    environment locale without a catalog passes on to the next source."""
    if option:
        chosen = language_of(option)
        if chosen is None:
            raise LanguageError(
                "--lang: no catalog for {language} (known: en, pl, es, zh)", language=repr(option)
            )
        return chosen
    environ = os.environ if environ is None else environ
    for tag in (configured, *(environ.get(name) for name in ENVIRONMENT)):
        chosen = language_of(tag)
        if chosen is not None:
            return chosen
    return SOURCE_LANGUAGE


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(language: str) -> gettext.NullTranslations:
    """The catalog of `language`, read from its `.po` source with Babel and compiled in
    memory (translated, non-fuzzy entries only: the rest falls back to English)."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return compile_catalog(catalog_path(language), language)


def compile_catalog(path: Path, language: str) -> gettext.GNUTranslations:
    """The `.po` file at `path` as gettext translations, compiled in memory."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        catalog = read_po(source, locale=BABEL_LOCALES[language], domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def use_language(language: str) -> None:
    """Show everything from now on in `language` (one of LANGUAGES)."""
    global _translations, _language
    if language not in LANGUAGES:
        raise LanguageError(
            "no catalog for {language} (known: {known})",
            language=repr(language),
            known=", ".join(LANGUAGES),
        )
    _translations = load_translations(language)
    _language = language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """`message` in the chosen language (English when the catalog lacks it)."""
    return _translations.gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` under the language's plural rule (Polish has three)."""
    return _translations.ngettext(singular, plural, count)


def say(template: str, params: Mapping[str, object] | None = None) -> str:
    """A message kept as template and parameters (an error of the core, a lint finding)
    in the chosen language. A translation that does not take the parameters (a catalog
    edited by hand) gives the English rather than a traceback or a blank."""
    # A parameter that is itself an error or a finding (the reason an outer message
    # wraps) is shown in the same language.
    params = {
        name: say(value.template, value.params)
        if isinstance(value, Phrase)
        else said(value)
        if isinstance(value, AcwError) or hasattr(value, "shown")
        else value
        for name, value in (params or {}).items()
    }
    try:
        return fill(_(template), params)
    except (KeyError, IndexError, ValueError):
        return fill(template, params)


SEVERITIES = (N_("error"), N_("warning"))  # of a lint finding, as `said` shows them


def said(thing: object) -> str:
    """What a person reads for an error or a finding: an acw error or anything that can
    show itself translated (core.problems.Problem, a guide's problem) in the chosen
    language; anything else as it is."""
    shown = getattr(thing, "shown", None)
    if callable(shown):
        return str(shown(say))
    if isinstance(thing, AcwError):
        return say(thing.template, thing.params) if thing.template else str(thing)
    if isinstance(thing, Phrase):
        return say(thing.template, thing.params)
    return str(thing)


def babel_locale() -> str:
    return BABEL_LOCALES[_language]


def clock_time(moment: datetime) -> str:
    """A time of day (local) as the language writes it (14:05:09 in all four)."""
    if _language == SOURCE_LANGUAGE:
        # What Babel gives for en_GB, without loading its locale data on the way to the
        # first paint of the ACW screen (the start-up budget).
        return moment.astimezone().strftime("%H:%M:%S")
    from babel.dates import format_time

    return format_time(moment.astimezone(), format="medium", locale=babel_locale())


def date_time(moment: datetime) -> str:
    """A date and time of day (local): ISO order in English, the language's short form
    in the others (26.11.2026, 14:03 in Polish)."""
    from babel.dates import format_datetime

    local = moment.astimezone()
    if _language == SOURCE_LANGUAGE:
        return local.strftime("%Y-%m-%d %H:%M")
    return format_datetime(local, format="short", locale=babel_locale())


def number(value: float) -> str:
    """A number with the language's separators (1 234,5 in Polish)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale())
