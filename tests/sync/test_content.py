"""Guides and templates coming back from the hub: checksummed, atomic, previous kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from acw_tui.settings import paths
from acw_tui.sync import SyncError, content
from acw_tui.sync.client import HubClient

from .conftest import HubProcess, Site, run_faulty_site

GUIDE = '[guide]\nname = "Support"\nversion = {version}\nlocale = "en"\n\n[[entry]]\nabbr = "cx"\nexpansion = "{word}"\n'

TEMPLATE = (
    "+++\nid = 'general'\ntitle = 'General'\nlocale = 'en'\nversion = 3\n"
    "codes = ['resolved']\n+++\n{{ notes }}\n"
)
CODES = "[[codes]]\ncode = 'resolved'\nlabel = 'Resolved'\ntemplate = 'general'\n"

pytestmark = pytest.mark.usefixtures("no_releases")


def _lead(hub: HubProcess) -> HubClient:
    import uuid

    return HubClient(hub.url, hub.store.add("lead", f"lead-{uuid.uuid4().hex[:6]}"), retry_for=2)


def _publish_guide(hub: HubProcess, tmp: Path, version: int, word: str) -> int:
    folder = tmp / f"guide-{version}-{word}"
    folder.mkdir()
    (folder / "en.toml").write_text(GUIDE.format(version=version, word=word), encoding="utf-8")
    files, content_version = content.read_bundle("shorthand", folder)
    return int(_lead(hub).publish("shorthand", files, content_version)["release"])


def _guide_in_force() -> str:
    return (paths.content_dir("shorthand") / "en.toml").read_text(encoding="utf-8")


def test_new_guide_and_templates_arrive_and_the_previous_is_kept(
    site: Site, tmp_path: Path
) -> None:
    hub = site.hub
    first = _publish_guide(hub, tmp_path, 12, "customer")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "general.en.j2").write_text(TEMPLATE, encoding="utf-8")
    (templates / "codes.toml").write_text(CODES, encoding="utf-8")
    files, _ = content.read_bundle("templates", templates)
    _lead(hub).publish("templates", files, None)
    summary = site.sync()
    assert summary.applied == {"shorthand": first, "templates": 1}
    assert 'expansion = "customer"' in _guide_in_force()
    assert (paths.content_dir("templates") / "general.en.j2").exists()

    second = _publish_guide(hub, tmp_path, 13, "client")
    assert site.sync().applied == {"shorthand": second}
    assert 'expansion = "client"' in _guide_in_force()
    releases = sorted(
        p.name for p in paths.hub_copy("shorthand").parent.glob(".shorthand.releases/r*")
    )
    assert releases == [f"r{first}", f"r{second}"]
    assert site.sync().applied == {}


def test_an_older_guide_version_is_refused_by_the_hub(site: Site, tmp_path: Path) -> None:
    _publish_guide(site.hub, tmp_path, 12, "customer")
    with pytest.raises(
        SyncError, match="guide version 11 is not newer than the published version 12"
    ):
        _publish_guide(site.hub, tmp_path, 11, "client")


def test_site_token_cannot_publish(site: Site) -> None:
    client = HubClient(site.hub.url, site.token, retry_for=2)
    with pytest.raises(SyncError, match="403: publishing needs a lead token"):
        client.publish("shorthand", {"en.toml": GUIDE.format(version=1, word="x")}, 1)


@pytest.mark.parametrize("fault", ["cut-download", "bad-checksum"])
def test_a_spoiled_download_is_never_applied_and_the_next_sync_converges(
    site: Site, tmp_path: Path, fault: str
) -> None:
    hub = site.hub
    _publish_guide(hub, tmp_path, 1, "customer")
    site.sync()
    latest = _publish_guide(hub, tmp_path, 2, "client")
    hub.arm(site.name, fault, count=1000)
    summary = site.sync(retry_for=0.5)
    expected = "failed its checksum" if fault == "bad-checksum" else "peer closed connection"
    assert expected in summary.content_errors[0]
    assert summary.applied == {}
    assert 'expansion = "customer"' in _guide_in_force()
    assert content.local_release("shorthand") == latest - 1
    hub.arm(site.name, fault, count=0)
    assert site.sync().applied == {"shorthand": latest}
    assert 'expansion = "client"' in _guide_in_force()


def test_a_site_killed_while_applying_keeps_the_old_guide(site: Site, tmp_path: Path) -> None:
    hub = site.hub
    _publish_guide(hub, tmp_path, 1, "customer")
    site.sync()
    _publish_guide(hub, tmp_path, 2, "client")
    proc = run_faulty_site(site.home, "--die-mid-apply")
    proc.communicate(timeout=60)
    assert proc.returncode == 71
    assert 'expansion = "customer"' in _guide_in_force()
    site.sync()
    assert 'expansion = "client"' in _guide_in_force()
    assert not list(paths.hub_copy("shorthand").parent.glob(".shorthand.releases/tmp-*"))


def test_bundle_names_that_escape_the_folder_are_refused(site: Site) -> None:
    lead = _lead(site.hub)
    for name in ("../evil.toml", "/etc/evil.toml", "a/../../b.toml"):
        with pytest.raises(SyncError, match="422"):
            lead.publish("shorthand", {name: "x = 1\n"}, None)
    assert os.environ.get("ACW_HOME")


@pytest.mark.parametrize("name", ["general.j2\n", "codes.toml\n", "a\n/general.j2"])
def test_a_bundle_file_name_with_a_line_break_is_refused(name: str) -> None:
    """A line break at the end of a name passed the check (`$` matches before one), so a
    template could reach every site as a file named with a line break."""
    from acw_tui.sync.protocol import bundle_checksum, names_problem

    assert names_problem([name]) is not None
    files = {name: "{{ notes }}\n"}
    with pytest.raises(SyncError, match="not a plain relative file name"):
        content.verify(
            "templates", {"release": 9, "files": files, "checksum": bundle_checksum(files)}
        )


def test_a_guide_not_named_after_its_language_is_not_published(tmp_path: Path) -> None:
    # Sites read `<locale>.toml`, else en.toml: a release of `support.toml` alone left
    # every site without a guide. The lead hears it before anything is sent.
    guide = tmp_path / "support.toml"
    guide.write_text(GUIDE.format(version=2, word="customer"), encoding="utf-8")
    files, _ = content.read_bundle("shorthand", guide)
    (error,) = content.lint_errors("shorthand", files)
    assert error.startswith("support.toml: a published guide is named after its language")


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"a.toml": "x = 1\n", "a.toml/b.toml": "y = 1\n"}, "both a file and a folder"),
        ({"/".join(["d" * 200] * 3) + ".toml": "x = 1\n"}, "too long or too deep"),
        ({"en.toml": "not [ toml"}, "does not pass lint"),
        ({"support.toml": GUIDE.format(version=3, word="client")}, "does not pass lint"),
    ],
)
def test_a_release_the_site_cannot_use_is_never_applied(files: dict, reason: str) -> None:
    # A hub answering these (a bug, or not our hub) must not break the site's guide.
    from acw_tui.sync.protocol import bundle_checksum

    bundle = {"release": 9, "files": files, "checksum": bundle_checksum(files)}
    with pytest.raises(SyncError, match=reason):
        content.verify("shorthand", bundle)


def test_acw_sync_names_a_spoiled_download_in_the_chosen_language(
    site: Site, tmp_path: Path
) -> None:
    """The command joined the content errors as their English text."""
    from click.testing import CliRunner

    from acw_tui.cli import cli
    from acw_tui.i18n import use_language

    _publish_guide(site.hub, tmp_path, 1, "customer")
    site.hub.arm(site.name, "bad-checksum", count=1000)
    try:
        result = CliRunner().invoke(cli, ["--lang", "pl", "sync", "--quiet"])
    finally:
        use_language("en")
    assert result.exit_code == 1
    (line,) = [ln for ln in result.output.splitlines() if ln.startswith("Błąd")]
    assert "checksum" not in line and "sumy kontrolnej" in line


def test_the_last_sync_result_reads_in_the_language_of_whoever_reads_it(
    site: Site, tmp_path: Path
) -> None:
    """The result of the last sync was stored as English text, and the Polish sync screen
    showed it so ("records ok; guide release 2 … failed its checksum")."""
    from acw_tui.i18n import use_language
    from acw_tui.sync import site_state

    _publish_guide(site.hub, tmp_path, 1, "customer")
    site.hub.arm(site.name, "bad-checksum", count=1000)
    site.sync(retry_for=0.5)
    english = site_state.load_state(site.store).last_result
    assert english is not None and english.startswith("records ok; ") and "checksum" in english
    use_language("pl")
    try:
        polish = site_state.load_state(site.store).last_result
    finally:
        use_language("en")
    assert polish is not None and "checksum" not in polish and "sumy kontrolnej" in polish
