"""Loading templates and codes: the shipped content, and broken files named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from acw_tui.core.templates import FieldType, TemplateError, load_library, parse_codes
from acw_tui.core.templates.lint import lint_folder
from acw_tui.core.templates.loader import parse_template
from acw_tui.store.demo import OUTCOMES
from tests.unit.templates_helpers import CODES, SHIPPED, SIMPLE, write_folder

SIX = {"general-inquiry", "complaint", "sales-lead", "order-payment", "escalation", "account-kyc"}


def test_shipped_templates_cover_six_kinds_in_four_languages() -> None:
    library = load_library(SHIPPED)
    assert library.problems == ()
    assert set(library.ids()) == SIX
    for template_id in SIX:
        assert sorted(library.locales_of(template_id)) == ["en", "es", "pl", "zh"]
    assert library.get("sales-lead", "zh").title == "销售线索"
    assert library.get("complaint", "pl").field("category").choices[0] == "Obsługa"


def test_shipped_codes_include_every_code_the_demo_uses() -> None:
    library = load_library(SHIPPED)
    codes = {c.code for c in library.codes}
    assert len(codes) >= 12
    assert {code for code, _, _ in OUTCOMES} <= codes
    callback = library.code("callback")
    assert callback is not None and set(callback.required_fields) == {
        "follow_up_at",
        "follow_up_owner",
    }
    escalated = library.code("escalated")
    assert escalated is not None and set(escalated.requires) == {"escalated_to", "case_ref"}
    assert library.code("resolved").label_in("es") == "Resuelto"


def test_shipped_content_lints_clean() -> None:
    assert lint_folder(SHIPPED) == []


def test_sales_lead_asks_what_the_spec_asks() -> None:
    fields = {f.name: f for f in load_library(SHIPPED).get("sales-lead").fields}
    assert {"product", "budget", "heard_from", "info_to_send"} <= set(fields)
    assert fields["budget"].type is FieldType.NUMBER
    assert fields["heard_from"].type is FieldType.CHOICE


def test_front_matter_is_read_with_types_and_defaults(tmp_path: Path) -> None:
    template = parse_template(SIMPLE, tmp_path / "simple.en.j2")
    assert (template.id, template.locale, template.version) == ("simple", "en", 3)
    assert [f.name for f in template.fields] == ["reason", "budget"]
    assert template.fields[0].required and template.fields[1].type is FieldType.NUMBER
    assert template.body.startswith("Reason:") and template.body_line == 18


def test_locale_falls_back_to_english_then_any(tmp_path: Path) -> None:
    polish = SIMPLE.replace('locale = "en"', 'locale = "pl"').replace("Reason:", "Powód:")
    folder = write_folder(tmp_path, {"simple.en.j2": SIMPLE, "simple.pl.j2": polish})
    library = load_library(folder)
    assert library.get("simple", "pl").body.startswith("Powód:")
    assert library.get("simple", "zh").locale == "en"
    with pytest.raises(TemplateError, match="no template 'other'"):
        library.get("other")


BROKEN = [
    ("no front matter", "Reason: {{ reason }}", ":1: the file must start with a `+++`"),
    ("unclosed", "+++\nid = 'x'\n", ":1: the front matter has no closing"),
    ("bad toml", "+++\nid = 'x'\nlocale = \n+++\n", ":3: malformed TOML"),
    ("missing id", "+++\nlocale = 'en'\n+++\n", "missing `id`"),
    (
        "unknown type",
        "+++\nid='x'\nlocale='en'\n[[fields]]\nname = 'a'\ntype = 'colour'\n+++\n",
        ":6: field 'a': unknown type 'colour'",  # the line of `type`
    ),
    (
        "choice without choices",
        "+++\nid='x'\nlocale='en'\n[[fields]]\nname = 'a'\ntype = 'choice'\n+++\n",
        "a choice field needs `choices`",
    ),
    (
        "twice",
        "+++\nid='x'\nlocale='en'\n[[fields]]\nname='a'\n[[fields]]\nname='a'\n+++\n",
        "field 'a' is declared twice",
    ),
    (
        "bad default",
        "+++\nid='x'\nlocale='en'\n[[fields]]\nname='n'\ntype='number'\ndefault='many'\n+++\n",
        "default 'many' does not suit a number field",
    ),
    (
        "unknown key",
        "+++\nid='x'\nlocale='en'\ncolour='red'\n+++\n",
        ":4: front matter: unknown key `colour`",
    ),
    ("bad version", "+++\nid='x'\nlocale='en'\nversion=0\n+++\n", ":4: front matter: `version`"),
]


@pytest.mark.parametrize(("case", "source", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_template_is_named_by_file_and_line(
    tmp_path: Path, case: str, source: str, message: str
) -> None:
    path = tmp_path / "broken.en.j2"
    with pytest.raises(TemplateError) as caught:
        parse_template(source, path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_a_broken_file_is_left_out_and_reported_not_raised(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path,
        {"simple.en.j2": SIMPLE, "broken.en.j2": "nonsense", "codes.toml": CODES},
    )
    library = load_library(folder)
    assert library.ids() == ["simple"]
    assert len(library.problems) == 1
    assert library.problems[0].path.endswith("broken.en.j2")


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {})
    (folder / "latin.en.j2").write_bytes(b"+++\nid='\xe9'\n+++\n")
    library = load_library(folder)
    assert "not UTF-8" in library.problems[0].message


def test_codes_file_errors_name_the_line() -> None:
    with pytest.raises(TemplateError, match=r"codes.toml:5: code 'a' is listed twice"):
        parse_codes("[[codes]]\ncode = 'a'\n\n[[codes]]\ncode = 'a'\n")
    with pytest.raises(TemplateError, match=r"codes.toml:2: code 'B!'"):
        parse_codes("[[codes]]\ncode = 'B!'\n")
    with pytest.raises(TemplateError, match="unknown key `colour`"):
        parse_codes("[[codes]]\ncode = 'a'\ncolour = 1\n")
    with pytest.raises(TemplateError, match=r"codes.toml: category 'x': a category must"):
        parse_codes("[[codes]]\ncode = 'a'\n\n[categories]\nx = 1\n")
    with pytest.raises(TemplateError, match=r"codes.toml:4: category 'x'"):
        parse_codes("[[codes]]\ncode = 'a'\n[categories.x]\nhue = 1\n")
    with pytest.raises(TemplateError, match=r"codes.toml:5: field 'due'"):
        parse_codes("[[codes]]\ncode = 'a'\n\n[fields.due]\ntype = 'colour'\n")


def test_a_code_makes_its_fields_required_or_adds_them() -> None:
    library = load_library(SHIPPED)
    general = library.get("general-inquiry")
    fields = {f.name: f for f in library.form_fields(general, ["callback"])}
    assert fields["follow_up_at"].required and fields["follow_up_owner"].required
    assert not {f.name: f for f in general.fields}["follow_up_at"].required
    transferred = {f.name: f for f in library.form_fields(general, ["transferred"])}
    assert transferred["transferred_to"].required
    polish = {f.name: f for f in library.form_fields(library.get("complaint", "pl"), ["escalated"])}
    assert polish["case_ref"].label == "Numer sprawy" and polish["case_ref"].required
    assert library.suggested_template(["escalated", "resolved"]) == "escalation"


def test_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no such templates folder"):
        load_library(tmp_path / "nope")


def test_the_template_core_never_loads_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, acw_tui.core.templates, acw_tui.core.templates.lint, "
        "acw_tui.core.templates.form, acw_tui.core.followups, acw_tui.service.finishing; "
        "print('textual' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
