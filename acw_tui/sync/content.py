"""Guides and templates as versioned file bundles: packed to publish, applied atomically.

A received release is written to `<hub copy>.releases/r<N>/` first (every file, then
fsync), and only then does the hub copy `paths.hub_copy(kind)` — a symbolic link —
switch to it with one rename. A reader sees the old release or the new one, never a
mix; a crash mid-way leaves a stray temporary folder that the next run removes. The
previous release is kept beside the current one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from acw_tui.core.file_bytes import read_file_text
from acw_tui.core.inputs import is_number_text
from acw_tui.core.problems import card_data_in_text
from acw_tui.core.toml_text import TOMLDecodeError, TomlMistake, parse_toml, read_toml
from acw_tui.errors import N_, Phrase
from acw_tui.settings import paths
from acw_tui.settings.config import LOCALES
from acw_tui.sync import SyncError
from acw_tui.sync.protocol import KIND_LABELS, bundle_checksum, names_problem

GUIDE_NAMES = tuple(f"{locale}.toml" for locale in LOCALES)
GUIDE_LIST = ", ".join(GUIDE_NAMES)
PATTERNS = {"shorthand": ("*.toml",), "templates": ("*.j2", "*.toml")}


def read_bundle(kind: str, source: Path) -> tuple[dict[str, str], int | None]:
    """The files to publish from a guide file or a folder, and the guide's version.

    The guide's `[guide] version` must be a whole number (the hub refuses to publish a
    version that is not newer than the last); templates carry their versions inside.
    """
    if source.is_file():
        found = {source.name: source}
    elif source.is_dir():
        found = {
            path.relative_to(source).as_posix(): path
            for pattern in PATTERNS[kind]
            for path in sorted(source.rglob(pattern))
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(source).parts)
        }
    else:
        raise SyncError("{source}: no such file or folder to publish", source=source)
    if not found:
        raise SyncError(
            "{source}: nothing to publish (looked for {patterns})",
            source=source,
            patterns=", ".join(PATTERNS[kind]),
        )
    why = names_problem(found)
    if why:
        raise SyncError("{where}: {reason}", where=source, reason=why)
    files: dict[str, str] = {}
    for name, path in sorted(found.items()):
        try:
            files[name] = read_file_text(path)
        except UnicodeDecodeError as exc:
            raise SyncError(
                "{path}: not UTF-8 text (byte {byte})", path=path, byte=exc.start
            ) from None
    if kind != "shorthand":
        if not any(name.endswith(".j2") for name in files):
            raise SyncError("{source}: no *.j2 template to publish", source=source)
        return files, None
    versions = []
    for name, text in files.items():
        try:
            read_toml(text)
        except TomlMistake as exc:
            raise SyncError(
                "{path}:{line}: {reason}", path=found[name], line=exc.line, reason=exc
            ) from None
        version = _declared_version(text)
        if version is None:
            raise SyncError(
                "{path}: [guide] version must be a whole number to publish", path=found[name]
            )
        versions.append(version)
    return files, max(versions)


def lint_errors(kind: str, files: dict[str, str]) -> list[str]:
    """Every lint error of a bundle, as `FILE:LINE: problem` (warnings do not count).

    The same checks as `acw guide lint` and `acw templates lint`, including a trial
    render of each template in the bounded sandbox, so a template that would exhaust
    memory or loop when rendered is caught here. Publishing runs it before sending and
    the hub runs it again on what it receives.
    """
    # Card data anywhere in any file's text (comments included): a bundle goes to every site.
    found = [str(p) for name, text in sorted(files.items()) for p in card_data_in_text(text, name)]
    checks = {"shorthand": _guide_errors, "templates": _templates_errors}
    more = checks[kind](files) if kind in checks else []
    return list(dict.fromkeys(found + more))


def _templates_errors(files: dict[str, str]) -> list[str]:
    from acw_tui.core.templates.lint import lint_folder
    from acw_tui.core.templates.model import TemplateError

    if not any(name.endswith(".j2") for name in files):
        # A release without templates would leave every site without any.
        return ["no *.j2 template to publish"]

    with tempfile.TemporaryDirectory(prefix="acw-lint-") as folder:
        root = Path(folder)
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            problems = lint_folder(root)
        except TemplateError as exc:
            return [str(exc).replace(f"{root}/", "")]
        found = [str(p) for p in problems if p.severity == "error"]
        found += [str(p) for p in _quality_problems(root) if p.severity == "error"]
        return [line.replace(f"{root}/", "") for line in found]


def _quality_problems(root: Path) -> list[Any]:
    """The note-quality rules that travel with the templates (`quality.toml`), linted
    against the bundle's own codes, templates and fields."""
    from acw_tui.core.quality import load_rules
    from acw_tui.core.quality.lint import lint_with_library
    from acw_tui.core.templates import load_library

    return lint_with_library(load_rules(root), load_library(root))


def _guide_errors(files: dict[str, str]) -> list[str]:
    from acw_tui.core.shorthand import ShorthandError, parse_guide
    from acw_tui.core.shorthand.lint import guide_errors

    found = []
    for name, text in sorted(files.items()):
        if name not in GUIDE_NAMES:
            # Each site reads `<its locale>.toml`, else en.toml: any other name would
            # leave every site without a guide.
            found.append(f"{name}: a published guide is named after its language ({GUIDE_LIST})")
            continue
        try:
            guide = parse_guide(text, name)
        except ShorthandError as exc:
            found.append(str(exc))
            continue
        found += [str(p) for p in [*guide_errors(guide), *_unpublishable(guide)]]
    return found


def _unpublishable(guide: Any) -> list[Any]:
    """What a guide that lint lets through still needs before every site takes it: a
    version of its own (the hub's "version must grow" rule reads it) and entries."""
    from acw_tui.core.shorthand import GuideProblem

    found = []
    if _declared_version(guide.text) is None and not any(
        p.message.startswith("[guide] version") for p in guide.problems
    ):
        head = re.search(r"^\s*\[\s*guide\s*\]", guide.text, re.MULTILINE)
        line = guide.text.count("\n", 0, head.start()) + 1 if head else 0
        found.append(
            GuideProblem.of(
                guide.source, line, N_("[guide] version must be a whole number to publish")
            )
        )
    if not guide.entries:
        found.append(
            GuideProblem.of(
                guide.source,
                0,
                N_("the guide has no entries: every site would be left without one"),
            )
        )
    return found


def _declared_version(text: str) -> int | None:
    """`[guide] version` as the file says it, if it is a whole number."""
    try:
        table = parse_toml(text).get("guide")
    except TOMLDecodeError:
        return None
    version = table.get("version") if isinstance(table, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def content_version(kind: str, files: dict[str, str]) -> int | None:
    """The version a bundle is published as, read from its files (never taken from
    whoever sends it): the highest `[guide] version` of a guide bundle; None for
    templates, which carry a version inside each template. For files that pass
    `lint_errors`."""
    if kind != "shorthand":
        return None
    versions = [_declared_version(text) for text in files.values()]
    return max((v for v in versions if v is not None), default=None)


def _releases_dir(kind: str) -> Path:
    target = paths.hub_copy(kind)
    return target.parent / f".{target.name}.releases"


def local_release(kind: str) -> int:
    """The release number of the hub copy in force (0 if none was received)."""
    target = paths.hub_copy(kind)
    try:
        name = os.readlink(target)
    except OSError:
        return 0
    stem = Path(name).name
    return int(stem[1:]) if stem.startswith("r") and is_number_text(stem[1:]) else 0


# What a release from the hub may be: the hub numbers releases 1, 2, 3… per kind, so a
# number past this is not one (10**30 would pin the site: every real release after it
# would look older), and bool is not a number (`true` made a folder `rTrue`).
MAX_RELEASE = 10**9
# What each kind holds, whatever a hub sends: the files a site would write.
MAX_BUNDLE_FILES = {"shorthand": len(GUIDE_NAMES), "templates": 500, "completion": 1}
MAX_BUNDLE_FILE_BYTES = 4 << 20
MAX_BUNDLE_BYTES = 16 << 20


def is_release(value: object) -> bool:
    """A release number as the hub makes them: a plain whole number 1…MAX_RELEASE."""
    return type(value) is int and 1 <= value <= MAX_RELEASE


def applied(kind: str) -> tuple[int, str | None]:
    """The release number and checksum of the hub copy in force ((0, None) if none)."""
    release = local_release(kind)
    if not release:
        return 0, None
    try:
        meta = json.loads(read_file_text(paths.hub_copy(kind) / ".release.json"))
    except (OSError, ValueError):
        return release, None
    checksum = meta.get("checksum") if isinstance(meta, dict) else None
    return release, checksum if isinstance(checksum, str) else None


def wanted(kind: str, entry: object) -> int | None:
    """The release to fetch from a content index entry, or None. A release already in
    force (same number, same checksum) is not fetched again; any other the hub names as
    its current one is: a number at or below the one applied is genuinely older only
    when it is the one applied, so a hub restored from a backup (or a site pinned by a
    hostile answer before) follows the hub's current release."""
    if not isinstance(entry, dict) or not is_release(entry.get("release")):
        return None
    release: int = entry["release"]
    checksum = entry.get("checksum")
    number, local_checksum = applied(kind)
    if release == number and (checksum is None or checksum == local_checksum):
        return None
    if release < number and checksum is None:
        return None  # nothing says it differs from what was applied before it
    return release


def files_problem(kind: str, files: dict[str, str]) -> Phrase | None:
    """Why a bundle of `kind` holds files that kind does not (names, count, sizes).
    A guide's file names are lint's to check (`_guide_errors`), as when publishing."""
    if kind == "completion":
        from acw_tui.core.completion.team import TEAM_MODEL_FILE

        if set(files) != {TEAM_MODEL_FILE}:
            return Phrase("a team completion model is one file, {name}", name=TEAM_MODEL_FILE)
    elif kind == "templates":
        stray = sorted(n for n in files if not n.endswith((".j2", ".toml")))
        if stray:
            return Phrase("{name} is not a template file (*.j2, *.toml)", name=repr(stray[0][:60]))
    if len(files) > MAX_BUNDLE_FILES.get(kind, 0):
        return Phrase(
            "{count} files, more than {limit}",
            count=len(files),
            limit=MAX_BUNDLE_FILES.get(kind, 0),
        )
    sizes = [len(text.encode("utf-8", "surrogatepass")) for text in files.values()]
    if any(size > MAX_BUNDLE_FILE_BYTES for size in sizes) or sum(sizes) > MAX_BUNDLE_BYTES:
        return Phrase(
            "a file or the whole is larger than a {kind} release can be",
            kind=Phrase(KIND_LABELS.get(kind, kind)),
        )
    return None


def verify(
    kind: str, bundle: dict[str, Any], expected: str | None = None, asked: int | None = None
) -> dict[str, str]:
    """The bundle's files, if its release is the one asked for, they match the checksum
    it came with (and the index's), are what the kind holds, can all be written, and
    pass lint."""
    label = Phrase(KIND_LABELS.get(kind, kind))  # shown in the reader's language
    files = bundle.get("files")
    release = bundle.get("release")
    if (
        not is_release(release)
        or (asked is not None and release != asked)
        or not isinstance(files, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    ):
        raise SyncError(
            "{label} release {release} from the hub is malformed; nothing applied",
            label=label,
            release=repr(release)[:40] if not is_release(release) else release,
        )
    actual = bundle_checksum(files)
    for claimed in (bundle.get("checksum"), expected):
        if claimed is not None and claimed != actual:
            raise SyncError(
                "{label} release {release} from the hub failed its checksum "
                "(expected {expected}, got {actual}); kept the current version",
                label=label,
                release=release,
                expected=claimed,
                actual=actual,
            )
    why = names_problem(files) or files_problem(kind, files)
    if why:
        raise SyncError(
            "{label} release {release}: {reason}; nothing applied",
            label=label,
            release=release,
            reason=why,
        )
    # The hub lints what it is given, but a site takes nothing on trust that would
    # leave its agents without a guide or templates.
    errors = lint_errors(kind, files)
    if errors:
        raise SyncError(
            "{label} release {release} from the hub does not pass lint ({first}); "
            "kept the current version",
            label=label,
            release=release,
            first=errors[0],
        )
    return files


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def apply_bundle(
    kind: str,
    release: int,
    checksum: str,
    files: dict[str, str],
    *,
    on_file_written: Callable[[Path], None] | None = None,
) -> Path:
    """Install a verified release and switch the hub copy to it in one rename.

    `on_file_written` is called with each file once it is on disk (fsynced), before
    the release is switched in.
    """
    target = paths.hub_copy(kind)
    releases = _releases_dir(kind)
    releases.mkdir(parents=True, exist_ok=True)
    for stray in releases.glob("tmp-*"):
        shutil.rmtree(stray, ignore_errors=True)
    temp = releases / f"tmp-{uuid.uuid4().hex}"
    temp.mkdir()
    for name, text in sorted(files.items()):
        path = temp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if on_file_written is not None:
            on_file_written(path)
    (temp / ".release.json").write_text(
        json.dumps({"kind": kind, "release": release, "checksum": checksum}), encoding="utf-8"
    )
    _fsync_dir(temp)
    final = releases / f"r{release}"
    if final.exists():
        shutil.rmtree(final)
    temp.rename(final)
    previous = local_release(kind)
    if target.exists() and not target.is_symlink():
        # A folder put there by hand: keep it as the previous version.
        target.rename(releases / f"r{previous}-manual-{uuid.uuid4().hex[:8]}")
    link = target.parent / f".{target.name}.link-{uuid.uuid4().hex}"
    os.symlink(os.path.relpath(final, target.parent), link)
    os.replace(link, target)
    _fsync_dir(target.parent)
    for old in releases.iterdir():
        if old.name not in (final.name, f"r{previous}") and old.name.startswith("r"):
            shutil.rmtree(old, ignore_errors=True)
    return final
