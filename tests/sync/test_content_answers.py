"""Every value a site takes from a content answer is checked: a hostile hub (or anyone in
the middle of an http:// sync) could pin the site's content with a release number no real
release would pass (10**30), make `true` a release (folder `rTrue`), or plant extra files
(`evil.sh`, 20 000 of them) in a bundle that is "one file, team-completion.json"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acw_tui.core.completion.team import TEAM_MODEL_FILE
from acw_tui.sync import SyncError, content
from acw_tui.sync.protocol import bundle_checksum

MODEL = json.dumps({"version": 1})
TEMPLATE = (
    "+++\nid = 'general'\ntitle = 'General'\nlocale = 'en'\nversion = 3\n"
    "codes = ['resolved']\n+++\n{{ notes }}\n"
)


def _bundle(release: object, files: dict[str, str]) -> dict[str, object]:
    return {"release": release, "files": files, "checksum": bundle_checksum(files)}


@pytest.mark.parametrize("release", [10**30, True, False, 0, -1, 2.0, "2", None])
def test_a_release_number_no_hub_makes_is_refused(acw_home: Path, release: object) -> None:
    files = {TEAM_MODEL_FILE: MODEL}
    with pytest.raises(SyncError, match="malformed"):
        content.verify("completion", _bundle(release, files))
    assert content.wanted("completion", {"release": release, "checksum": "x"}) is None


def test_a_bundle_that_is_not_the_release_asked_for_is_refused(acw_home: Path) -> None:
    files = {TEAM_MODEL_FILE: MODEL}
    with pytest.raises(SyncError, match="malformed"):
        content.verify("completion", _bundle(3, files), asked=2)


@pytest.mark.parametrize(
    ("kind", "files"),
    [
        ("completion", {TEAM_MODEL_FILE: MODEL, "evil.sh": "rm -rf ~\n"}),
        ("completion", {TEAM_MODEL_FILE: MODEL, "notes/evil.sh": "x\n"}),
        ("completion", {"evil.sh": MODEL}),
        ("completion", {f"f{i}.json": "{}" for i in range(20_000)}),
        ("templates", {"general.j2": TEMPLATE, "evil.sh": "x\n"}),
        ("templates", {f"t{i}.j2": TEMPLATE for i in range(600)}),
        ("shorthand", {"en.toml": "x = 1\n", "evil.sh": "x\n"}),  # lint names it
        ("completion", {TEAM_MODEL_FILE: "x" * (5 << 20)}),
    ],
)
def test_a_bundle_holds_only_what_its_kind_holds(acw_home: Path, kind: str, files: dict) -> None:
    with pytest.raises(SyncError, match=r"nothing applied|kept the current version"):
        content.verify(kind, _bundle(2, files))


def test_a_site_pinned_by_a_huge_release_follows_the_hub_again(acw_home: Path) -> None:
    """A site that applied a release far past the hub's (a hostile answer before, or a
    hub restored from a backup) skipped every later real release silently."""
    pinned = {TEAM_MODEL_FILE: MODEL}
    content.apply_bundle("completion", 999_999, bundle_checksum(pinned), pinned)
    real = {TEAM_MODEL_FILE: json.dumps({"version": 2})}
    entry = {"release": 2, "checksum": bundle_checksum(real)}
    assert content.wanted("completion", entry) == 2
    content.apply_bundle("completion", 2, bundle_checksum(real), real)
    # The release in force, same checksum: not fetched again; a changed one is.
    assert content.wanted("completion", entry) is None
    assert content.wanted("completion", {"release": 2, "checksum": "sha256:other"}) == 2
    assert content.wanted("completion", {"release": 3, "checksum": "sha256:other"}) == 3


NAMES = st.sampled_from(
    [
        TEAM_MODEL_FILE,
        "evil.sh",
        "notes/evil.sh",
        "en.toml",
        "pl.toml",
        "general.j2",
        "codes.toml",
        "a/b.j2",
        "x.json",
    ]
)
RELEASES = st.one_of(
    st.integers(min_value=-3, max_value=10**31), st.booleans(), st.floats(), st.text(max_size=3)
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["completion", "shorthand", "templates"]),
    release=RELEASES,
    names=st.lists(NAMES, min_size=0, max_size=4, unique=True),
)
def test_whatever_the_hub_answers_only_what_the_kind_holds_is_taken(
    acw_home: Path, kind: str, release: object, names: list[str]
) -> None:
    files = {name: (MODEL if name.endswith(".json") else "x = 1\n") for name in names}
    try:
        taken = content.verify(kind, _bundle(release, files))
    except SyncError:
        return
    assert type(release) is int and 1 <= release <= content.MAX_RELEASE
    allowed = {
        "completion": lambda n: n == TEAM_MODEL_FILE,
        "shorthand": lambda n: n in content.GUIDE_NAMES,
        "templates": lambda n: n.endswith((".j2", ".toml")),
    }[kind]
    assert all(allowed(name) for name in taken)
