"""A phone system's call id as the store keeps it.

Card numbers and national ids in a call id are redacted like any text (SPEC §10), but the
id is also what tells one call from another: 4111111111111111 and 5555555555531111 both
redact to `[CARD ****1111]`. When redaction changed the id, a short digest of the raw id
is added (`[CARD ****1111] #3fa2`): HMAC-SHA256 keyed with the store's own random key,
cut to `DIGEST_CHARS` hex characters. The same raw id always gives the same stored id;
two different ones almost never do; and the digest is too short to tell which number it
was made from (docs/redaction.md says why). An id redaction leaves alone is kept as is.
"""

from __future__ import annotations

import hashlib
import hmac

DIGEST_CHARS = 4  # 16 bits: see docs/redaction.md for why not more


def digest(raw: str, key: bytes) -> str:
    """The short keyed digest of a raw call id."""
    made = hmac.new(key, raw.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return made[:DIGEST_CHARS]


def as_stored(raw: str, redacted: str, key: bytes) -> str:
    """`raw` as the store keeps it, given its redacted text: unchanged when redaction
    left it alone, else the redacted text and the digest of the raw id."""
    if redacted == raw:
        return raw
    return f"{redacted} #{digest(raw, key)}"
