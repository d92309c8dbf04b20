"""What a hub says (a refusal's detail, a record's reason) is quoted and kept by the
site only as one printable line, bounded, with card data redacted: whatever text,
control characters and card numbers the answer holds (generated)."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.core.redaction import redactor_for
from acw_tui.sync.client import HUB_WORDS_LIMIT, HubClient

EXAMPLES = int(os.environ.get("ACW_FUZZ_EXAMPLES", "300"))
CARDS = ("4111 1111 1111 1111", "4111111111111111", "5500-0000-0000-0004", "378282246310005")

pieces = st.one_of(
    st.text(max_size=40),
    st.sampled_from(CARDS),
    st.sampled_from(["\n", "\r\n", "\x1b[2J", "\x1b]0;t\x07", "\t", "\x00", "\u2028", " "]),
    st.text(alphabet="0123456789 -", max_size=30),
)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(st.lists(pieces, max_size=60), st.integers(min_value=0, max_value=2_000))
def test_a_hubs_words_become_one_safe_line(parts: list[str], padding: int) -> None:
    client = HubClient("http://127.0.0.1:9", "t")
    try:
        said = client.hub_words("x" * padding + "".join(parts))
    finally:
        client.close()
    assert said.isprintable() and len(said) <= HUB_WORDS_LIMIT
    # No card data by the rule every file is held to (a card number run into more
    # digits is a longer number, not a card: the detector's call, as everywhere).
    assert not redactor_for().redact(said).findings, said
