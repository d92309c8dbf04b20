"""Recall and false-positive rate of the redaction detector on a generated corpus.

Valid values are made with python-stdnum's check-digit functions (never by hand) and
placed in English, Polish, Spanish and Chinese sentences with every separator form an
agent or an input method produces. Negatives are the near misses a detector gets wrong:
one changed digit of a valid value, Luhn-valid numbers with no card prefix, dates,
allow-listed order numbers, and everyday numbers. Run with `-s` to see the figures.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from stdnum import iban, luhn
from stdnum.cn import ric
from stdnum.es import dni, nie
from stdnum.pl import pesel
from stdnum.us import ssn

from acw_tui.core.redaction import RedactionPolicy, Redactor
from acw_tui.core.redaction.cards import CARD_RANGES

SEED = 5
RECALL_AT_LEAST = 0.99
FALSE_POSITIVES_AT_MOST = 0.01
ALLOW = (r"ORD-\d{16}",)


@dataclass(frozen=True)
class Case:
    text: str
    kind: str  # the type expected, or "" for a negative
    secret: str  # digits that must be gone (positives) or kept (negatives)
    form: str  # how it was written, for the per-form figures


# -- valid values --------------------------------------------------------------------------


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def card_number(rng: random.Random) -> str:
    card = rng.choice(CARD_RANGES)
    length = rng.choice(card.lengths)
    width = len(card.low)
    prefix = str(rng.randint(int(card.low), int(card.high))).zfill(width)
    body = prefix + digits(rng, length - width - 1)
    return body + luhn.calc_check_digit(body)


def luhn_without_prefix(rng: random.Random) -> str:
    prefix = rng.choice(["0", "1", "7", "80", "83", "88", "90", "93", "96"])
    body = prefix + digits(rng, rng.choice([13, 14, 15, 16, 17, 18]) - len(prefix))
    return body + luhn.calc_check_digit(body)


def pesel_number(rng: random.Random) -> str:
    year, month, day = rng.randint(1930, 2020), rng.randint(1, 12), rng.randint(1, 28)
    month_code = month + (20 if year >= 2000 else 0)
    body = f"{year % 100:02d}{month_code:02d}{day:02d}{digits(rng, 4)}"
    return body + pesel.calc_check_digit(body)


def dni_number(rng: random.Random) -> str:
    body = digits(rng, 8)
    return body + dni.calc_check_digit(body)


def nie_number(rng: random.Random) -> str:
    body = rng.choice("XYZ") + digits(rng, 7)
    return body + nie.calc_check_digit(body)


CN_REGIONS = ("110101", "110105", "310101", "440103", "440305", "510104", "420102", "330106")


def cn_ric_number(rng: random.Random) -> str:
    birth = f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = rng.choice(CN_REGIONS) + birth + digits(rng, 3)
    return body + ric.calc_check_digit(body + "0")  # it skips the last character


def cn_ric_valid(value: str) -> bool:
    # What acw checks (check digit, birth date, province); stdnum's is_valid also
    # wants the county to have existed in the birth year.
    from acw_tui.core.redaction.detect import _cn_ric_valid

    return _cn_ric_valid(value)


def ssn_number(rng: random.Random) -> str:
    while True:
        value = f"{rng.randint(1, 665):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if ssn.is_valid(value):
            return value


def iban_number(rng: random.Random) -> str:
    while True:
        country, bban = rng.choice(
            [
                ("PL", digits(rng, 24)),
                ("DE", digits(rng, 18)),
                (
                    "GB",
                    "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
                    + digits(rng, 14),
                ),
                ("ES", digits(rng, 20)),
            ]
        )
        value = country + iban.calc_check_digits(country + "00" + bban) + bban
        if iban.is_valid(value):
            return value


# -- how values are written ----------------------------------------------------------------

FULL_WIDTH = str.maketrans("0123456789 ", "０１２３４５６７８９　")


def card_groups(number: str) -> list[str]:
    n = len(number)
    sizes = {13: [4, 4, 5], 14: [4, 6, 4], 15: [4, 6, 5], 19: [4, 4, 4, 4, 3]}.get(n)
    if sizes is None:
        sizes = [4] * (n // 4) + ([n % 4] if n % 4 else [])
    out, pos = [], 0
    for size in sizes:
        out.append(number[pos : pos + size])
        pos += size
    return out


CARD_FORMS: dict[str, Callable[[list[str]], str]] = {
    "plain": "".join,
    "spaces": " ".join,
    "dashes": "-".join,
    "dots": ".".join,
    "nbsp": "\u00a0".join,
    "double spaces": "  ".join,
    "line break": lambda g: " ".join(g[:2]) + "\n" + " ".join(g[2:]),
    "full-width": lambda g: " ".join(g).translate(FULL_WIDTH),
    "full-width plain": lambda g: "".join(g).translate(FULL_WIDTH),
    "spaced dashes": " - ".join,
    "mixed": lambda g: "".join(p + ("-" if i % 2 else " ") for i, p in enumerate(g)).rstrip(" -"),
    "line break, indented": lambda g: " ".join(g[:2]) + "\n   " + " ".join(g[2:]),
    "full-width dashes": lambda g: "－".join(g).translate(FULL_WIDTH),
    # Pasted from a word processor, a web page or a phone in another script; typed.
    "em spaces": "\u2003".join,
    "minus signs": "\u2212".join,
    "bullets": "\u2022".join,
    "slashes": "/".join,
    "zero-width spaces": "\u200b".join,
    "Arabic-Indic": lambda g: " ".join(g).translate({48 + n: 0x660 + n for n in range(10)}),
    "commas": ", ".join,
    "ideographic commas": "、".join,
}

SENTENCES = {
    "en": [
        "Customer read out the card {v} to pay the late fee.",
        "card: {v}",
        "Refund to card {v} approved, ticket closed",
        "{v} is the card on file",
    ],
    "pl": [
        "Klient podał numer karty {v} i poprosił o zwrot.",
        "Karta {v}, płatność odrzucona",
        "Nr karty: {v}",
    ],
    "es": [
        "El cliente dio la tarjeta {v} para el reembolso.",
        "Tarjeta {v} bloqueada por fraude",
        "número de tarjeta: {v}",
    ],
    "zh": [
        "客户提供了卡号{v}，要求退款。",
        "卡号：{v}",
        "客户的信用卡 {v} 已冻结",
    ],
}

CODE_SENTENCES = {
    "en": [
        "card {card} cvv {code}",
        "Card {card}, CVC: {code}",
        "{card} exp 09/28 {code}",
        "security code is {code}",
    ],
    "pl": [
        "karta {card}, kod CVV to {code}",
        "kod zabezpieczający {code}",
        "karta {card} ważna do 11/27 kod {code}",
    ],
    "es": [
        "tarjeta {card} código de seguridad {code}",
        "el CVV es {code}",
        "tarjeta {card} vence 03/29, CVV {code}",
    ],
    "zh": [
        "卡号{card}，安全码是{code}",
        "安全码：{code}",
        "卡号 {card} 有效期至12/27 {code}",
        "CVV码{code}",
    ],
}

ID_SENTENCES = {
    "pesel": ["PESEL klienta {v}, weryfikacja OK", "pesel: {v}", "Customer PESEL {v}"],
    "dni": ["DNI del cliente {v}", "con DNI {v} verificado", "ID {v}"],
    "nie": ["NIE {v}, residente", "el cliente tiene NIE {v}"],
    "cn_ric": ["身份证号{v}，已核实", "客户身份证 {v}", "ID card {v}"],
    "ssn": ["SSN {v} verified", "social security number: {v}", "caller gave SS# {v}"],
    "iban": ["IBAN {v} for the refund", "numer konta {v}", "cuenta {v}, transferencia", "账户 {v}"],
}


def dni_forms(value: str) -> dict[str, str]:
    return {
        "plain": value,
        "space": f"{value[:8]} {value[8]}",
        "dash": f"{value[:8]}-{value[8]}",
        "groups": f"{value[:2]} {value[2:5]} {value[5:8]} {value[8]}",
    }


def nie_forms(value: str) -> dict[str, str]:
    return {
        "plain": value,
        "dashes": f"{value[0]}-{value[1:8]}-{value[8]}",
        "spaces": f"{value[0]} {value[1:8]} {value[8]}",
    }


def iban_forms(value: str) -> dict[str, str]:
    return {"plain": value, "groups": " ".join(value[i : i + 4] for i in range(0, len(value), 4))}


def ssn_forms(value: str) -> dict[str, str]:
    return {
        "dashes": f"{value[:3]}-{value[3:5]}-{value[5:]}",
        "spaces": f"{value[:3]} {value[3:5]} {value[5:]}",
    }


# -- the corpus ----------------------------------------------------------------------------


def positives(rng: random.Random) -> Iterator[Case]:
    for _ in range(60):
        number = card_number(rng)
        groups = card_groups(number)
        for form, write in CARD_FORMS.items():
            lang = rng.choice(list(SENTENCES))
            sentence = rng.choice(SENTENCES[lang])
            yield Case(sentence.format(v=write(groups)), "card", number, f"card {form} ({lang})")
    for _ in range(80):
        number = card_number(rng)
        code = digits(rng, rng.choice([3, 4]))
        lang = rng.choice(list(CODE_SENTENCES))
        sentence = rng.choice(CODE_SENTENCES[lang])
        card = " ".join(card_groups(number))
        if lang == "zh" and rng.random() < 0.5:
            card, code = card.translate(FULL_WIDTH), code.translate(FULL_WIDTH)
        yield Case(
            sentence.format(card=card, code=code), "security_code", code, f"security code ({lang})"
        )
    makers: dict[str, tuple[Callable[[random.Random], str], Callable[[str], dict[str, str]]]] = {
        "pesel": (
            pesel_number,
            lambda v: {
                "plain": v,
                "full-width": v.translate(FULL_WIDTH),
                "groups": f"{v[:6]} {v[6:]}",
            },
        ),
        "dni": (dni_number, dni_forms),
        "nie": (nie_number, nie_forms),
        "cn_ric": (cn_ric_number, lambda v: {"plain": v, "full-width": v.translate(FULL_WIDTH)}),
        "ssn": (ssn_number, ssn_forms),
        "iban": (iban_number, iban_forms),
    }
    for kind, (make, forms) in makers.items():
        for _ in range(40):
            value = make(rng)
            for form, written in forms(value).items():
                sentence = rng.choice(ID_SENTENCES[kind])
                yield Case(sentence.format(v=written), kind, value, f"{kind} {form}")


def one_digit_changed(rng: random.Random, value: str, valid: Callable[[str], bool]) -> str:
    while True:
        places = [i for i, c in enumerate(value) if c.isdigit()]
        i = rng.choice(places)
        changed = (
            value[:i] + rng.choice([d for d in "0123456789" if d != value[i]]) + value[i + 1 :]
        )
        try:
            if not valid(changed):
                return changed
        except Exception:  # stdnum's place table has gaps; pick another change
            continue


def negatives(rng: random.Random) -> Iterator[Case]:
    for _ in range(400):
        groups = card_groups(one_digit_changed(rng, card_number(rng), luhn.is_valid))
        form, write = rng.choice(list(CARD_FORMS.items()))
        sentence = rng.choice(SENTENCES[rng.choice(list(SENTENCES))])
        yield Case(
            sentence.format(v=write(groups)),
            "",
            "".join(groups),
            f"card one digit changed ({form})",
        )
    for _ in range(300):
        number = luhn_without_prefix(rng)
        form, write = rng.choice(list(CARD_FORMS.items()))
        yield Case(
            f"Reference {write(card_groups(number))} noted",
            "",
            number,
            f"Luhn valid, no card prefix ({form})",
        )
    checks: dict[str, tuple[Callable[[random.Random], str], Callable[[str], bool]]] = {
        "pesel": (pesel_number, pesel.is_valid),
        "dni": (dni_number, dni.is_valid),
        "nie": (nie_number, nie.is_valid),
        "cn_ric": (cn_ric_number, cn_ric_valid),
        "iban": (iban_number, iban.is_valid),
    }
    for kind, (make, valid) in checks.items():
        for _ in range(100):
            changed = one_digit_changed(rng, make(rng), valid)
            sentence = rng.choice(ID_SENTENCES[kind])
            yield Case(sentence.format(v=changed), "", changed, f"{kind} one digit changed")
    for _ in range(100):
        value = ssn_number(rng)
        written = f"{value[:3]}-{value[3:5]}-{value[5:]}"
        yield Case(f"Ticket {written} reopened", "", written, "SSN shape without a context word")
    for _ in range(200):
        year, month, day = rng.randint(1990, 2030), rng.randint(1, 12), rng.randint(1, 28)
        other = rng.randint(1, 28)
        forms = [
            f"{year}-{month:02d}-{day:02d}",
            f"{day:02d}.{month:02d}.{year}",
            f"{day}/{month}/{year}",
            f"{year}{month:02d}{day:02d}",
            f"{year}年{month}月{day}日",
            f"{day:02d}.{month:02d}.{year} - {other:02d}.{month:02d}.{year}",
            f"{day:02d}.{month:02d}.{year} {other:02d}.{month:02d}.{year}",
            f"{year}-{month:02d}-{day:02d} {year}-{month:02d}-{other:02d}",
            f"{year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
            f"{day:02d}/{month:02d}/{year} {rng.randint(10, 23)}:{rng.randint(10, 59)}",
        ]
        written = rng.choice(forms)
        yield Case(f"Callback on {written} confirmed", "", written, "date")
    for _ in range(200):
        number = card_number(rng)
        order = f"ORD-{number}" if len(number) == 16 else f"ORD-{card_number(rng)[:16]}"
        if len(order) != 20:
            continue
        yield Case(
            f"Customer asked about {order} delivery", "", order[4:], "allow-listed order number"
        )
    for _ in range(300):
        value = rng.choice(
            [
                f"{rng.randint(1, 9)} {rng.randint(100, 999)},{rng.randint(10, 99)} zł",
                f"room {rng.randint(100, 999)}",
                f"ticket #{rng.randint(1000, 9999)}",
                f"order {rng.randint(10**7, 10**9)}",
                f"${rng.randint(10, 9999)}.{rng.randint(10, 99)}",
                f"+48 {rng.randint(500, 899)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                f"tel. {rng.randint(600, 699)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}",
                f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                f"version {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}",
                f"postcode {rng.randint(10, 99)}-{rng.randint(100, 999)}",
                f"{rng.randint(1, 999)} minutes after the code change",
                ", ".join(str(rng.randint(10, 9999)) for _ in range(rng.randint(3, 6))),
            ]
        )
        yield Case(f"Agent note: {value}.", "", value, "everyday number")


# -- measuring ------------------------------------------------------------------------------

LABEL = re.compile(r"\[[A-Z\-]+(?: \*{4}[0-9]{4})?\]")


def folded_digits(text: str) -> str:
    from acw_tui.core.redaction import fold

    return re.sub(r"[^0-9A-Z]", "", fold(LABEL.sub("|", text)).upper())


def caught(redactor: Redactor, case: Case) -> bool:
    result = redactor.redact(case.text)
    kinds = {f.kind for f in result.findings}
    if case.kind == "security_code":
        remaining = [
            re.sub(r"[^0-9]", "", n)
            for n in re.findall(r"[0-9０-９]+", LABEL.sub("|", result.text))
        ]
        from acw_tui.core.redaction import fold

        return "security_code" in kinds and fold(case.secret) not in remaining
    secret = re.sub(r"[^0-9A-Z]", "", case.secret.upper())
    expected = {"card": "card"}.get(case.kind, case.kind)
    return expected in kinds and secret not in folded_digits(result.text)


def measure() -> tuple[float, float, Counter[str], Counter[str], int, int]:
    rng = random.Random(SEED)
    redactor = Redactor(RedactionPolicy(allow=ALLOW))
    pos = list(positives(rng))
    neg = list(negatives(rng))
    missed: Counter[str] = Counter(c.form for c in pos if not caught(redactor, c))
    false: Counter[str] = Counter(c.form for c in neg if redactor.scan(c.text))
    recall = 1 - sum(missed.values()) / len(pos)
    fpr = sum(false.values()) / len(neg)
    return recall, fpr, missed, false, len(pos), len(neg)


def test_recall_and_false_positive_rate_on_the_generated_corpus() -> None:
    recall, fpr, missed, false, n_pos, n_neg = measure()
    print(f"\nredaction recall {recall:.4f} on {n_pos} values; missed: {dict(missed)}")
    print(f"redaction false-positive rate {fpr:.4f} on {n_neg} near misses; flagged: {dict(false)}")
    assert recall >= RECALL_AT_LEAST, missed
    assert fpr <= FALSE_POSITIVES_AT_MOST, false


def test_every_separator_form_of_a_card_is_caught() -> None:
    rng = random.Random(SEED + 1)
    redactor = Redactor()
    for _ in range(20):
        number = card_number(rng)
        for form, write in CARD_FORMS.items():
            case = Case(f"card {write(card_groups(number))} ok", "card", number, form)
            assert caught(redactor, case), (form, len(number))
