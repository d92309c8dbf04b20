"""The words that announce a card, a security code, an expiry date or a US SSN, in en, pl,
es, zh.

Kept as data so a reviewer can read them in one place; a site adds its own through
`security_code_words` and `ssn_words` in `[redaction]`.
"""

from __future__ import annotations

# Before a card's groups written with commas between them ("card 4111, 1111, …"): commas
# otherwise make a list of numbers, which is left as typed.
CARD_WORDS = (
    r"cards?",
    r"visa",
    r"master\s?card",
    r"amex",
    r"karta",
    r"kart[yęąo]",
    r"karcie",
    r"tarjetas?",
    r"卡",
)

SECURITY_CODE_WORDS = (
    # English
    r"cvv2?",
    r"cvc2?",
    r"cvn2?",
    r"cav2",
    r"csc",
    r"sec(?:urity)?\.?\s*code",
    r"card\s+verification\s+(?:value|code|number)",
    r"verification\s+code",
    r"(?:3|three|4|four)[\s-]digit\s+code",
    r"code\s+on\s+the\s+back",
    # Polish
    r"kod(?:u|em)?\s+(?:zabezpieczając\w*|zabezpieczajac\w*|bezpieczeństwa|bezpieczenstwa"
    r"|weryfikacyjn\w*|z\s+tyłu(?:\s+karty)?|z\s+tylu(?:\s+karty)?)",
    r"trzy\s+cyfry(?:\s+z\s+ty[łl]u(?:\s+karty)?)?",
    # Spanish
    r"c[oó]digo\s+(?:de\s+)?(?:seguridad|verificaci[oó]n)",
    r"n[uú]mero\s+de\s+seguridad",
    r"d[ií]gitos\s+de\s+seguridad",
    r"tres\s+d[ií]gitos(?:\s+de\s+(?:atr[aá]s|detr[aá]s))?",
    # Chinese
    r"安全码",
    r"安全碼",
    r"验证码",
    r"驗證碼",
    r"校验码",
    r"校驗碼",
    r"(?:卡)?背面(?:的)?(?:后|後)?(?:三|3)位(?:数字|數字|数|數)?",
)

EXPIRY_WORDS = (
    r"exp(?:iry|ires|iration)?\.?(?:\s+date)?",
    r"valid\s+(?:thru|through|until|to)",
    r"ważn(?:a|ość|osc)(?:\s+do)?",
    r"wazn(?:a|osc)(?:\s+do)?",
    r"data\s+ważności",
    r"caduca(?:\s+en)?",
    r"caducidad",
    r"vence(?:\s+en)?",
    r"vencimiento",
    r"有效期(?:至|到)?",
    r"到期(?:日)?",
)

SSN_WORDS = (
    r"ssn",
    r"social\s+security(?:\s+(?:number|no\.?|#))?",
    r"soc\.?\s*sec\.?",
    r"ss#",
    r"seguro\s+social",
    r"numer\s+ubezpieczenia\s+społecznego",
    r"社会安全号码?",
    r"社會安全號碼?",
)

# Words allowed between a keyword and its code: "cvv is 123", "kod CVV to 123",
# "CVV es 123", "安全码是123".
LINKING_WORDS = (
    r"is",
    r"was",
    r"to",
    r"es",
    r"era",
    r"jest",
    r"number",
    r"numer",
    r"n[uú]mero",
    r"nr",
    r"no",
    r"code",
    r"kod",
    r"c[oó]digo",
)
LINKING_MARKS = r"是|为|為|号|號|码|碼"
