r"""The site's redaction policy: the `[redaction]` table of the config file.

```toml
[redaction]
version = 3                      # bump when the policy changes; stored on every audit row
cards = true                     # card numbers -> [CARD ****1111]
security_codes = true            # CVV/CVC -> removed
pesel = true                     # Polish PESEL -> [PESEL]
dni = true                       # Spanish DNI and NIE -> [DNI] / [NIE]
cn_ric = true                    # Chinese resident identity card -> [CN-RIC]
us_ssn = true                    # US social security number (with a context word) -> [SSN]
iban = true                      # bank account numbers -> [IBAN]
phones = false                   # phone numbers -> [PHONE]
emails = false                   # e-mail addresses -> [EMAIL]
phone_regions = ["PL", "ES", "CN", "US", "GB"]
allow = ['ORD-\d{16}']           # never redact text matching these (Python regex syntax;
                                 # each runs with a time limit, see detect.ALLOW_SECONDS)
security_code_words = ["pin karty"]   # extra words that announce a security code
ssn_words = ["taxpayer id"]      # extra words that announce a US SSN
pause_ms = 300                   # live marks: pause after typing before checking
```
"""

from __future__ import annotations

from dataclasses import dataclass

# The types a site may switch on or off, by their config key.
TYPE_KEYS = (
    "cards",
    "security_codes",
    "pesel",
    "dni",
    "cn_ric",
    "us_ssn",
    "iban",
    "phones",
    "emails",
)


@dataclass(frozen=True)
class RedactionPolicy:
    """The site's `[redaction]` table: which types are redacted, its allow-list and extra words."""

    version: int = 1
    cards: bool = True
    security_codes: bool = True
    pesel: bool = True
    dni: bool = True
    cn_ric: bool = True
    us_ssn: bool = True
    iban: bool = True
    phones: bool = False
    emails: bool = False
    phone_regions: tuple[str, ...] = ("PL", "ES", "CN", "US", "GB")
    allow: tuple[str, ...] = ()
    security_code_words: tuple[str, ...] = ()
    ssn_words: tuple[str, ...] = ()
    pause_ms: int = 300

    def problems(self) -> list[tuple[str, str]]:
        """(key, reason) for every value that cannot work; empty when all is well."""
        found: list[tuple[str, str]] = []
        if self.allow:
            # (regex only when there is a pattern to check: it costs start-up time)
            import regex

        for index, pattern in enumerate(self.allow):
            try:
                regex.compile(pattern)
            except regex.error as exc:
                found.append((f"allow[{index}]", f"{pattern!r} is not a valid pattern ({exc})"))
        if self.phones:
            import phonenumbers

            for index, region in enumerate(self.phone_regions):
                if region.upper() not in phonenumbers.SUPPORTED_REGIONS:
                    found.append(
                        (
                            f"phone_regions[{index}]",
                            f"{region!r} is not a region code like PL or ES",
                        )
                    )
        for key in ("security_code_words", "ssn_words"):
            for index, word in enumerate(getattr(self, key)):
                if not word.strip():
                    found.append((f"{key}[{index}]", "must not be empty"))
        return found

    def enabled(self) -> list[str]:
        return [key for key in TYPE_KEYS if getattr(self, key)]


DEFAULT_POLICY = RedactionPolicy()
