"""Every `acw` subcommand, driven with hostile options, numbers, strings, dates and files.

For each generated command line the promise of SPEC §7 and §12 must hold:
- no traceback (and no "internal error": an exception acw did not expect);
- exit 0, or a non-zero exit with exactly one line on stderr;
- no file changed but the command's own output (`-o FILE`, the guide that
  `guide add|remove|import|bump` edits, the hub's store) and acw's own database.

The commands are found by walking the click tree, so a new command is fuzzed without
anyone remembering to add it (only `hub serve`, which serves until stopped, and the
bare `acw`, which opens the screen, are left out). Values come from pools chosen per
parameter: numbers (inf, nan, huge, negative), text (control characters, NUL, lone
surrogates as non-UTF-8 arguments arrive, 100 000 characters), dates, and files
(binary, truncated, deeply nested JSON, malformed TOML and CSV, a folder, a device).

In-process runs use click's runner; a second test runs the real program with raw
bytes in its arguments and environment. Both are seeded (derandomized) and bounded;
ACW_FUZZ_EXAMPLES raises the number of in-process examples (the process test runs a
sixth as many).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acw_tui.cli import cli
from acw_tui.settings.paths import PACKAGE_DIR, bundled

EXAMPLES = int(os.environ.get("ACW_FUZZ_EXAMPLES", "300"))
PROCESS_EXAMPLES = max(8, EXAMPLES // 6)
SKIPPED = {("hub", "serve")}  # serves until stopped; the bare `acw` opens the screen
REPO = PACKAGE_DIR.parent
WATCHED_REPO_DIRS = (bundled("shorthand"), bundled("templates"))

# -- the commands ---------------------------------------------------------------------------


def _commands() -> list[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(cli)
    found: list[tuple[tuple[str, ...], click.Command]] = []

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        if isinstance(command, click.Group):
            if path and command.invoke_without_command and path not in SKIPPED:
                found.append((path, command))  # `acw sync` runs, `acw sync quarantine …` too
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, (*path, name))
        elif path not in SKIPPED:
            found.append((path, command))

    walk(cli, ())
    return found


COMMANDS = _commands()


def test_every_subcommand_is_fuzzed() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"call-ended", "report", "guide import", "templates render", "redact"} <= names
    assert "db check" in names and "hub init" in names and "sync" in names


# -- the hostile values ------------------------------------------------------------------------

NOW = datetime.now(UTC)
NUMBERS = [
    "inf", "-inf", "nan", "NaN", "1e26", "1e308", "-1", "0", "1", "2", "0.5", "-0",
    "99999999999999999999", "9" * 5000, "", " ", "x", "١٢", "0x10", "1_0",
]  # fmt: skip
TIMES = [
    "9999-12-31T23:59:59Z", "0001-01-01", "2030-01-01", "2026-13-45", "", "yesterday",
    (NOW - timedelta(hours=1)).isoformat(), NOW.date().isoformat(), "2026-05-04T10:00Z",
    "99999999999d", "7d", "0d", "1e9w", "2d", "30m",
]  # fmt: skip
WORDS = [
    "", " ", "\x00", "a\x00b", "\n", "\t", "\udcff", "M\udcfcller", "x" * 100_000, "cx", "ty",
    "=HYPERLINK(\"http://evil.example\",\"x\")", "4111 1111 1111 1111", "general-inquiry",
    "callback", "resolved", "en", "zz", "-", "'", "\"", "\u202e", "客户", "../../etc/passwd",
]  # fmt: skip
HUB_URLS = ["http://127.0.0.1:1", "http://[::1", "ftp://x", "", "hub", "http://x:99999", "tökén"]
TOKENS = ["tökén", "", "abc", "a b", "\udcff", "x" * 10_000]
DATA = [
    "[" * 100_000, '{"reason": ' * 5000, '{"reason": "x"}', '{"reason": 1e999}', "nan", "-",
    '{"reason": "' + "a" * 100_000 + '"}', '{"nope": 1}', '{"reason": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}',
    '{"reason": "card 4111 1111 1111 1111"}', "@{binary}", "@{missing}", "@{deep}", "{}",
]  # fmt: skip
# File names of the workspace (made fresh for every example) a path option may name.
INPUT_FILES = [
    "guide.toml", "guide-link.toml", "binary.bin", "truncated.toml", "malformed.toml",
    "deep.json", "empty.txt", "note.txt", "big-note.txt", "latin1.txt", "good.csv",
    "formula.csv", "unclosed.csv", "twice.csv", "nul.csv", "binary.csv", "missing.txt",
    "folder", "/dev/null", "templates", "broken-templates", "escapes.toml", "escapes.csv",
]  # fmt: skip
OUTPUT_FILES = [
    "out.csv",
    "guide.toml",
    "folder",
    "missing-dir/out.txt",
    "/dev/null",
    "/proc/version",
]

text = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=40),
    st.binary(max_size=40).map(os.fsdecode),
)


def _pool(param: click.Parameter) -> st.SearchStrategy[str]:
    """The values one parameter is given, chosen by its type and name."""
    name = (param.opts[0] if param.opts else param.name or "").lstrip("-")
    if isinstance(param.type, click.Choice):
        return st.one_of(st.sampled_from([str(c) for c in param.type.choices]), text)
    if name in ("hub",):
        return st.one_of(st.sampled_from(HUB_URLS), text.map(lambda s: "hub " + s))
    if name in ("token",):
        return st.one_of(st.sampled_from(TOKENS), text)
    if name in ("db", "hub-db"):
        return st.sampled_from(
            [
                "sqlite:///{home}/hub.db",
                "sqlite:///{ws}/missing-dir/hub.db",
                "mysql://x",
                "",
                "{binary}",
            ]
        )
    if name == "data":
        return st.sampled_from(DATA)
    if name in ("at", "since", "from", "to", "now"):
        return st.one_of(st.sampled_from(TIMES), text)
    if name in ("o", "output"):
        return st.sampled_from(OUTPUT_FILES).map(lambda n: n if n.startswith("/") else "{ws}/" + n)
    if name in ("talk-seconds", "outlier-factor", "calls", "agents", "days", "seed", "limit"):
        return st.sampled_from(NUMBERS)
    if isinstance(param.type, click.Path) or name in ("file", "csv_file", "old", "new"):
        return st.sampled_from(INPUT_FILES).map(lambda n: n if n.startswith("/") else "{ws}/" + n)
    if name == "templates":
        return st.sampled_from(INPUT_FILES).map(lambda n: "{ws}/" + n)
    return text


@dataclass
class Case:
    path: tuple[str, ...]
    args: list[str]
    stdin: bytes
    config: str
    env: dict[str, str] = field(default_factory=dict)
    seeded: bool = True

    @property
    def name(self) -> str:
        return " ".join(self.path)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    path, command = draw(st.sampled_from(COMMANDS))
    options: list[str] = []
    positional: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            if param.required or draw(st.booleans()):
                positional.append(draw(_pool(param)))
            continue
        if not isinstance(param, click.Option) or param.name in ("help",):
            continue
        if not (param.required or draw(st.integers(0, 2)) == 0):
            continue
        if param.is_flag:
            options.append(param.opts[0])
            continue
        for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
            options += [param.opts[0], draw(_pool(param))]
    if draw(st.integers(0, 9)) == 9:
        options.append(draw(st.sampled_from(["--bogus", "-Z", "--help", "--", "--at"])))
    order = draw(st.booleans())
    args = [*options, *positional] if order else [*positional, *options]
    stdin = draw(
        st.one_of(
            st.binary(max_size=200),
            st.sampled_from([b"", b"\xff\xfe\x00", b"cx called re acct#\n", b"[" * 50_000]),
        )
    )
    config = draw(st.one_of(st.just(GOOD_CONFIG), st.sampled_from(CONFIGS)))
    env = {}
    for variable in ("ACW_AGENT", "ACW_SITE"):
        if draw(st.integers(0, 5)) == 5:
            env[variable] = draw(st.sampled_from(["\udcff", "x" * 10_000, "a\x01b", "ana"]))
    return Case(path, args, stdin, config, env, draw(st.integers(0, 3)) != 3)


# -- the workspace ---------------------------------------------------------------------------

GOOD_CONFIG = (
    'agent_id = "ana"\nsite_id = "warsaw-1"\n'
    '[shorthand]\nguide = "{ws}/guide.toml"\n'
    '[templates]\nfolder = "{ws}/templates"\n'
    '[sync]\nhub_url = "http://127.0.0.1:1"\ntoken = "abc"\nretry_seconds = 0\ntimeout_seconds = 1\n'
)
CONFIGS = [
    GOOD_CONFIG,
    GOOD_CONFIG + "[redaction]\nallow = ['(a|aa)+$']\n",
    GOOD_CONFIG + "[report]\noutlier_factor = nan\n",
    GOOD_CONFIG.replace("retry_seconds = 0", "retry_seconds = 0\nbatch_records = 0"),
    GOOD_CONFIG + "[acw]\ntarget_seconds = 0\n",
    '[shorthand]\nguide = "{ws}/guide.toml"\n[acw\n',
    "\xff\xfe binary",
]


def _make_workspace(ws: Path) -> None:
    guide = (bundled("shorthand") / "en.toml").read_text(encoding="utf-8")
    files: dict[str, str | bytes] = {
        "guide.toml": guide,
        "binary.bin": bytes(range(256)) * 16,
        "truncated.toml": guide[: len(guide) // 2],
        "malformed.toml": '[guide\nname = "x\n[[entry]]\nabbr = \n',
        "deep.json": "[" * 100_000,
        "empty.txt": "",
        "note.txt": "cx paid w/ 4111 1111 1111 1111 cvv 123, PESEL 44051401359\n",
        "big-note.txt": "cx called re acct# 4111 1111 1111 1111 " * 5000,
        "latin1.txt": "Müller".encode("latin-1"),
        "good.csv": "abbr,expansion\nzz,zebra\n",
        "formula.csv": 'abbr,expansion\nev,"=HYPERLINK(""http://evil.example"",""x"")"\n',
        "unclosed.csv": 'abbr,expansion\ncx,"customer\nty,thank you\n',
        "twice.csv": "abbr,expansion,expansion\ncx,a,b\n",
        "nul.csv": b"abbr,expansion\ncx,cust\x00omer\n",
        "binary.csv": b"\x00\xff" * 500,
        # What would act on a terminal (retitle it), spelled as each file can spell it.
        "escapes.toml": guide
        + '\n[[entry]]\nabbr = "zq"\nexpansion = "x \\u001b]2;PWNED\\u0007"\n',
        "escapes.csv": "abbr,expansion\nzq,x \x1b]2;PWNED\x07\n",
        "escapes.json": '{"reason": "x \\u001b]2;PWNED\\u0007", "details": "\\u009b2J"}',
    }
    for name, content in files.items():
        target = ws / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    (ws / "guide-link.toml").symlink_to(ws / "guide.toml")
    (ws / "folder").mkdir()
    shutil.copytree(bundled("templates"), ws / "templates")
    broken = ws / "broken-templates"
    broken.mkdir()
    (broken / "bad.en.j2").write_bytes(
        b"+++\nid = \xff\n+++\n{{ ('a'*99999)|replace('a','a'*99999) }}"
    )
    (broken / "loop.en.j2").write_text(
        '+++\nid = "loop"\nlocale = "en"\n+++\n{% for i in range(9999) %}{% for j in range(9999) %}'
        "{% endfor %}{% endfor %}",
        encoding="utf-8",
    )
    (broken / "codes.toml").write_text("[[codes]\ncode = 1\n", encoding="utf-8")
    escapes = ws / "escapes-templates"
    shutil.copytree(bundled("templates"), escapes)
    inquiry = escapes / "general-inquiry.en.j2"
    inquiry.write_text(inquiry.read_text(encoding="utf-8") + TITLE, encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _seeded() -> Path:
    """A store with history and open wrap-ups and an initialised hub, made once and
    copied into each example's home, so commands get past "no database yet"."""
    from acw_tui.service.desk import Desk
    from acw_tui.settings.config import parse_config
    from acw_tui.store import open_store
    from tests.report_seed import seed

    folder = Path(tempfile.mkdtemp(prefix="acw-fuzz-seed-"))
    atexit.register(shutil.rmtree, folder, True)
    store = open_store(folder / "acw.db")
    seed(store)
    desk = Desk(store, parse_config({"agent_id": "ana", "site_id": "warsaw-1"}, "fuzz"))
    desk.call_ended("A1", queue="billing", talk_seconds=30)
    desk.call_ended("cx", queue='=HYPERLINK("http://evil.example","x")')
    # A note stored with an escape sequence (pasted before a paste left them out).
    store.conn.execute(
        "UPDATE wrapups SET note = note || ? WHERE rowid IN (SELECT rowid FROM wrapups "
        "WHERE status = 'done' LIMIT 50)",
        (f" refund processed{TITLE} ok",),
    )
    store.conn.commit()
    store.close()
    hub = f"sqlite:///{folder / 'hub.db'}"
    runner = CliRunner(env={"ACW_HOME": str(folder)})
    assert runner.invoke(cli, ["hub", "init", "--db", hub]).exit_code == 0
    assert runner.invoke(cli, ["hub", "site", "add", "warsaw-1", "--db", hub]).exit_code == 0
    return folder


def _fill(value: str, ws: Path, home: Path) -> str:
    return (
        value.replace("{ws}", str(ws))
        .replace("{home}", str(home))
        .replace("{binary}", str(ws / "binary.bin"))
        .replace("{missing}", str(ws / "missing.txt"))
        .replace("{deep}", str(ws / "deep.json"))
    )


def _snapshot(roots: list[Path]) -> dict[str, tuple[int, str]]:
    seen: dict[str, tuple[int, str]] = {}
    for root in roots:
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                path = Path(dirpath) / name
                if path.is_symlink() or not path.is_file():
                    continue
                data = path.read_bytes()
                seen[str(path)] = (os.stat(path).st_mode, hashlib.sha1(data).hexdigest())
    return seen


def _allowed_changes(case: Case, args: list[str], ws: Path) -> set[str]:
    """The files this command may change: its output, and the guide a guide edit edits."""
    allowed: set[str] = set()
    for flag in ("-o", "--output"):
        for i, arg in enumerate(args[:-1]):
            if arg == flag:
                allowed.add(_real(args[i + 1]))
    if case.path[:1] == ("guide",) and case.path[1:] in (
        ("add",),
        ("remove",),
        ("import",),
        ("bump",),
    ):
        guide = str(ws / "guide.toml")
        for i, arg in enumerate(args[:-1]):
            if arg == "--guide":
                guide = args[i + 1]
        allowed.add(_real(guide))
    return allowed


def _real(path: str) -> str:
    # A name holding a NUL names no file (acw refuses it); realpath would raise.
    return path if "\x00" in path else os.path.realpath(path)


@contextmanager
def workspace(case: Case) -> Iterator[tuple[Path, Path, list[str], dict[str, str]]]:
    root = Path(tempfile.mkdtemp(prefix="acw-fuzz-"))
    try:
        ws, home = root / "ws", root / "home"
        ws.mkdir()
        home.mkdir()
        _make_workspace(ws)
        if case.seeded:
            for name in ("acw.db", "hub.db"):
                shutil.copy(_seeded() / name, home / name)
        config = _fill(case.config, ws, home)
        raw = config.encode("latin-1") if config.startswith("\xff") else config.encode()
        (home / "config.toml").write_bytes(raw)
        args = [_fill(a, ws, home) for a in case.args]
        env = {
            "ACW_HOME": str(home),
            "ACW_DB": "",
            "ACW_HUB_URL": "",
            "ACW_HUB_TOKEN": "",
            "ACW_HUB_LEAD_TOKEN": "",
            "ACW_HUB_DB": "",
            "ACW_AGENT": "",
            "ACW_SITE": "",
            "NO_COLOR": "1",
            **case.env,
        }
        # Relative names the command writes (a new `--guide` file, `-o` output) land in
        # the workspace, not in the checkout the suite runs from.
        here = os.getcwd()
        os.chdir(ws)
        try:
            yield ws, home, args, env
        finally:
            os.chdir(here)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _check(
    case: Case,
    code: int,
    stderr: str,
    before: dict,
    after: dict,
    allowed: set[str],
    stdout: str = "",
) -> None:
    where = f"acw {case.name} {case.args!r} (config {case.config[:30]!r}, env {case.env!r})"
    assert "Traceback" not in stderr, f"{where}\n{stderr}"
    assert "internal error" not in stderr, f"{where}\n{stderr}"
    # Nothing acw says acts on the terminal, whatever it read (only the filters, expand
    # and redact, write out what they were given).
    shown = stderr if case.path[0] in ("expand", "redact") else stderr + stdout
    assert "\x1b" not in shown and "\x9b" not in shown, f"{where}: {shown[-300:]!r}"
    if code != 0:
        lines = stderr.strip("\n").split("\n")
        assert len(lines) == 1 and lines[0].strip(), f"{where}: exit {code}, stderr:\n{stderr}"
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    changed = {p for p in changed if os.path.realpath(p) not in allowed and p not in allowed}
    changed = {p for p in changed if p in before}  # new files only where allowed below
    assert not changed, f"{where}: changed {sorted(changed)}"


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.timeout(max(120, EXAMPLES))  # the whole run, not one example
@FUZZ
@given(cases())
def test_every_command_answers_hostile_input_in_one_line(case: Case) -> None:
    _run_and_check(case)


def _run_and_check(case: Case) -> None:
    """Run `case` in process in a fresh workspace; `_check` what it said and changed."""
    with workspace(case) as (ws, _home, args, env):
        watched = [ws, *WATCHED_REPO_DIRS]
        before = _snapshot(watched)
        result = CliRunner(env=env).invoke(
            cli, [*case.path, *args], input=case.stdin, catch_exceptions=True, color=True
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"acw {case.name} {case.args!r} raised") from result.exception
        after = _snapshot(watched)
        _check(
            case,
            result.exit_code,
            result.stderr,
            before,
            after,
            _allowed_changes(case, args, ws),
            result.stdout,
        )


TITLE = "\x1b]2;PWNED\x07"  # would retitle the terminal


def _with_escapes(case: Case) -> Case:
    """`case` with every file it names, its guide, its templates, its field values
    (`--data`) and its standard input holding an escape sequence."""

    def escaped(arg: str, after: str) -> str:
        if after == "--data":  # field values
            return "@{ws}/escapes.json"
        if not arg.startswith("{ws}/"):
            return arg
        name = arg.removeprefix("{ws}/")
        if name.endswith(".csv"):
            return "{ws}/escapes.csv"
        return "{ws}/escapes-templates" if "templates" in name else "{ws}/escapes.toml"

    config = GOOD_CONFIG.replace("{ws}/guide.toml", "{ws}/escapes.toml").replace(
        "{ws}/templates", "{ws}/escapes-templates"
    )
    stdin = f"cx called{TITLE}, refund ok\n".encode()
    args = [escaped(a, b) for a, b in zip(case.args, ["", *case.args], strict=False)]
    return Case(case.path, args, stdin, config, case.env)


@pytest.mark.timeout(max(120, EXAMPLES))
@FUZZ
@given(cases())
def test_nothing_a_command_prints_acts_on_the_terminal(case: Case) -> None:
    """Every command over files, a store and input that hold escape sequences: it says
    what is wrong in one line or does its work, and what it prints holds none."""
    _run_and_check(_with_escapes(case))


# -- real processes, raw bytes -----------------------------------------------------------------

BYTE_WORDS = [
    b"\xff",
    b"M\xfcller",
    b"\xc3",
    b"\xed\xa0\x80",
    b"x" * 50_000,
    b"",
    b"-",
    b"\x1b[31m",
]
BYTE_COMMANDS = [
    ["call-ended", "--call-id"], ["call-started", "--call-id"], ["show"],
    ["call-ended", "--call-id", "A", "--customer"], ["call-ended", "--call-id", "A", "--queue"],
    ["report", "--agent"], ["report", "--since"], ["guide", "search"], ["guide", "list", "--category"],
    ["templates", "render"], ["redact"], ["expand"], ["sync", "--token"], ["sync", "--hub"],
    ["demo", "--calls"], ["db", "check"],
]  # fmt: skip


@pytest.mark.timeout(max(120, PROCESS_EXAMPLES * 3))
@settings(
    max_examples=PROCESS_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.sampled_from(BYTE_COMMANDS),
    st.one_of(st.sampled_from(BYTE_WORDS), st.binary(min_size=1, max_size=30)),
    st.sampled_from([{}, {"ACW_AGENT": b"\xff"}, {"ACW_SITE": b"x\xfey"}, {"LANG": b"C"}]),
)
def test_the_real_program_with_bytes_that_are_not_utf8(
    command: list[str], value: bytes, env_bytes: dict[str, bytes]
) -> None:
    value = value.replace(b"\x00", b"?")  # a process argument cannot hold NUL
    case = Case(tuple(command), [], b"", GOOD_CONFIG)
    with workspace(case) as (ws, _home, _args, env):
        environ = {os.fsencode(k): os.fsencode(v) for k, v in os.environ.items()}
        environ.update({k.encode(): v.encode() for k, v in env.items()})
        environ.update({k.encode(): v for k, v in env_bytes.items()})
        argv = [os.fsencode(sys.executable), b"-m", b"acw_tui"]
        argv += [c.encode() for c in command] + [value]
        watched = [ws, *WATCHED_REPO_DIRS]
        before = _snapshot(watched)
        proc = subprocess.run(
            argv, input=b"", capture_output=True, env=environ, timeout=60, cwd=REPO
        )
        after = _snapshot(watched)
        stderr = proc.stderr.decode("utf-8", "backslashreplace")
        _check(case, proc.returncode, stderr, before, after, set())


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in COMMANDS])
def test_help_of_every_command(path: str) -> None:
    result = CliRunner().invoke(cli, [*path.split(), "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout
