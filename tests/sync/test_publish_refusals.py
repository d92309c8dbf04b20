"""Publishing refuses content that fails lint, and the hub checks again what it receives.

Also: the names the hub admin gives sites and leads are checked.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.sync import HubError
from acw_tui.sync.hub_store import HubStore
from acw_tui.sync.protocol import bundle_checksum

from .conftest import HubProcess

CODES = "[[codes]]\ncode = 'resolved'\nlabel = 'Resolved'\ntemplate = 'general'\n"
FRONT = "+++\nid = 'general'\ntitle = 'General'\nlocale = 'en'\nversion = 1\ncodes = ['resolved']\n+++\n"
BOMBS = {
    "memory": "{{ notes }}{{ 'x' * 1000000000 }}\n",
    "loop": "{{ notes }}{% for i in range(9999) %}{% for j in range(9999) %}{{ i }}{% endfor %}{% endfor %}\n",
    "syntax": "{{ notes }}{% if %}\n",
    "internals": "{{ notes }}{{ ''.__class__.__mro__ }}\n",
}
GOOD_GUIDE = (
    '[guide]\nname = "S"\nversion = {v}\n\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n'
)
BAD_GUIDE = GOOD_GUIDE + '\n[[entry]]\nabbr = "cx"\nexpansion = "client"\n'


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _releases(hub: HubProcess) -> int:
    with hub.store.db.reading() as tx:
        return int(tx.one("SELECT count(*) FROM hub_content")[0])


def _lead(hub: HubProcess) -> str:
    return hub.store.add("lead", f"lead-{uuid.uuid4().hex[:6]}")


@pytest.mark.usefixtures("no_releases")
@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_templates_failing_lint_are_not_published(
    hub: HubProcess, tmp_path: Path, acw_home: Path, bomb: str
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "general.en.j2").write_text(FRONT + BOMBS[bomb], encoding="utf-8")
    (folder / "codes.toml").write_text(CODES, encoding="utf-8")
    result = _run(
        "templates", "publish", "--templates", str(folder), "--hub", hub.url, "--token", _lead(hub)
    )
    assert result.exit_code == 1
    assert "lint error(s); fix them before publishing" in result.output
    assert "general.en.j2" in result.output and "Traceback" not in result.output
    assert _releases(hub) == 0


@pytest.mark.usefixtures("no_releases")
def test_a_guide_failing_lint_is_not_published(
    hub: HubProcess, tmp_path: Path, acw_home: Path
) -> None:
    guide = tmp_path / "en.toml"
    guide.write_text(BAD_GUIDE.format(v=3), encoding="utf-8")
    result = _run(
        "guide", "publish", "--guide", str(guide), "--hub", hub.url, "--token", _lead(hub)
    )
    assert result.exit_code == 1 and "duplicate abbr 'cx'" in result.output
    assert _releases(hub) == 0


@pytest.mark.usefixtures("no_releases")
@pytest.mark.parametrize(
    ("kind", "files"),
    [
        ("templates", {"general.en.j2": FRONT + BOMBS["memory"], "codes.toml": CODES}),
        ("templates", {"general.en.j2": FRONT + BOMBS["loop"], "codes.toml": CODES}),
        ("shorthand", {"en.toml": BAD_GUIDE.format(v=3)}),
        ("shorthand", {"en.toml": "[guide\n"}),
    ],
)
def test_the_hub_checks_what_it_receives(hub: HubProcess, kind: str, files: dict) -> None:
    body = json.dumps({"files": files, "content_version": 3, "checksum": bundle_checksum(files)})
    response = httpx.post(
        f"{hub.url}/v1/content/{kind}",
        content=body,
        headers={"authorization": f"Bearer {_lead(hub)}", "content-type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 422, response.text
    assert "fails lint" in response.json()["detail"]
    assert _releases(hub) == 0


BAD_NAMES = [
    "../../evil",
    "a/b",
    "tab\there",
    "bell\x07",
    "x" * 5000,
    "",
    " warsaw",
    "-rf",
    "ünï",
    "warsaw-1\n",
]


@pytest.mark.parametrize("name", BAD_NAMES, ids=range(len(BAD_NAMES)))
def test_hub_names_are_checked(tmp_path: Path, acw_home: Path, name: str) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    store = HubStore(url)
    store.init()
    with pytest.raises(HubError, match="is not a name for the hub"):
        store.add("site", name)
    for role in ("site", "lead"):
        result = _run("hub", role, "add", "--db", url, "--", name)
        assert result.exit_code != 0
        assert "is not a name for the hub" in result.output
        assert "Traceback" not in result.output and len(result.output.splitlines()) <= 4
    with store.db.reading() as tx:
        assert tx.one("SELECT count(*) FROM hub_tokens")[0] == 0
    assert store.add("site", "warsaw-1.b_2")


def _post(hub: HubProcess, lead: str, kind: str, files: dict, **extra: object) -> httpx.Response:
    body = json.dumps({"files": files, "checksum": bundle_checksum(files), **extra})
    return httpx.post(
        f"{hub.url}/v1/content/{kind}",
        content=body,
        headers={"authorization": f"Bearer {lead}", "content-type": "application/json"},
        timeout=30,
    )


@pytest.mark.usefixtures("no_releases")
def test_the_hub_reads_the_guide_version_from_the_files(hub: HubProcess) -> None:
    """The version that must grow is the files' `[guide] version`, whatever the body
    claims: a claim of 999, or none, does not let an older guide through."""
    lead = _lead(hub)
    assert _post(hub, lead, "shorthand", {"en.toml": GOOD_GUIDE.format(v=5)}).status_code == 200
    older = {"en.toml": GOOD_GUIDE.format(v=1) + '\n[[entry]]\nabbr = "zq"\nexpansion = "zebra"\n'}
    for claim in ({"content_version": 999}, {}):
        response = _post(hub, lead, "shorthand", older, **claim)
        assert response.status_code == 409, response.text
        assert "version 1 is not newer than the published version 5" in response.text
    assert _releases(hub) == 1


@pytest.mark.usefixtures("no_releases")
@pytest.mark.parametrize(
    ("kind", "files", "said"),
    [
        ("shorthand", {"en.toml": ""}, "en.toml: error: [guide] version must be a whole number"),
        ("shorthand", {"en.toml": '[guide]\nname = "x"\n'}, "en.toml:1: error: [guide] version"),
        ("shorthand", {"en.toml": '[guide]\nversion = "7"\n'}, "en.toml:2: error: [guide] version"),
        ("shorthand", {"en.toml": "[guide]\nversion = 7\n"}, "en.toml: error: the guide has no"),
        ("templates", {"codes.toml": CODES}, "no *.j2 template"),
    ],
    ids=["empty", "no-version", "text-version", "no-entries", "no-template"],
)
def test_the_hub_refuses_content_that_would_leave_sites_without_it(
    hub: HubProcess, kind: str, files: dict, said: str
) -> None:
    response = _post(hub, _lead(hub), kind, files, content_version=999)
    assert response.status_code == 422, response.text
    assert said in response.json()["detail"]
    assert _releases(hub) == 0


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('[guide]\nname = "S"\nversion = ', 3, 11),  # at end of document
        ('[guide]\nname = "S', 2, 10),
        ('[guide]\nversion = 1\n[[entry]\nabbr = "cx"\n', 3, 8),
    ],
)
def test_a_guide_with_a_toml_mistake_names_file_line_and_column(
    tmp_path: Path, acw_home: Path, text: str, line: int, column: int
) -> None:
    """As every other file acw reads: FILE:LINE, and the column, even when the
    mistake is at the end of the file (tomli's own text then names no line)."""
    guide = tmp_path / "en.toml"
    guide.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["guide", "publish", "--guide", str(guide), "--hub", "http://127.0.0.1:1", "--token", "t"],
    )
    assert result.exit_code == 1
    [said] = result.output.strip().splitlines()
    assert f"{guide}:{line}: malformed TOML: " in said and f"(column {column})" in said, said
    assert "Traceback" not in result.output
