"""A labelled corpus of realistic wrap-up notes, ten per language, for the note-quality
rules: for each note, the elements a careful reader finds in it and the verdict each
rule should give, both written by hand (not by running the rules).

Elements: R reason, S steps taken, O outcome, P something pending, F who follows up
and when, I how identity was verified, X an insult. Verdicts: `rule+` passes, `rule-`
fails; a rule not listed does not apply to the note.

`python -m tests.unit.quality_corpus` prints each element detector's precision and
recall on the corpus, and how often the rules' verdicts agree with the hand-written ones.
"""

from __future__ import annotations

from dataclasses import dataclass

ELEMENTS = {
    "R": "reason",
    "S": "steps",
    "O": "outcome",
    "P": "pending",
    "F": "follow_up",
    "I": "identity",
    "X": "insult",
}


@dataclass(frozen=True)
class LabelledNote:
    language: str
    codes: tuple[str, ...]
    text: str
    present: str  # element letters a reader finds, e.g. "RSO"
    verdicts: str  # "reason+ steps-taken- …"

    @property
    def elements(self) -> set[str]:
        return {ELEMENTS[letter] for letter in self.present}

    @property
    def expected(self) -> dict[str, bool]:
        return {item[:-1]: item.endswith("+") for item in self.verdicts.split()}


def note(language: str, codes: str, text: str, present: str, verdicts: str) -> LabelledNote:
    return LabelledNote(language, tuple(codes.split()), text, present, verdicts)


CORPUS = [
    # -- English ------------------------------------------------------------------------
    note(
        "en",
        "resolved",
        "Customer called about a double charge on the May invoice. Checked the billing "
        "history, refunded the duplicate 24.99 EUR. Resolved on the call, customer happy.",
        "RSO",
        "reason+ steps-taken+ outcome+ no-insults+",
    ),
    note(
        "en",
        "callback",
        "Customer asked why the router keeps dropping the connection. Ran a line test, found "
        "errors on the line and raised a fault ticket FT-88213. Pending engineer visit; I will "
        "call the customer tomorrow at 10:00 with the slot.",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "en",
        "account-update",
        "Customer wants to change the billing address to 14 Elm Street. Verified identity with "
        "date of birth and postcode. Address updated, confirmation email sent. Done.",
        "RSOI",
        "reason+ steps-taken+ outcome+ identity-on-account-change+ no-insults+",
    ),
    note(
        "en",
        "account-update",
        "Change of email address requested. Updated the email on the account and sent a "
        "confirmation link. Completed.",
        "RSO",
        "reason+ steps-taken+ outcome+ identity-on-account-change- no-insults+",
    ),
    note(
        "en",
        "complaint",
        "Customer complained that the courier left the parcel in the rain and the goods were "
        "damaged. Apologised, logged complaint C-5512 and arranged a replacement. Awaiting "
        "courier report.",
        "RSOP",
        "reason+ steps-taken+ outcome+ follow-up-when-pending- no-insults+",
    ),
    note(
        "en",
        "wrong-number",
        "Wrong number, caller was looking for the pharmacy. No further action.",
        "RO",
        "reason+ outcome+ no-insults+",
    ),
    note(
        "en",
        "sale info-sent",
        "Interested in the premium plan for 5 users, budget around 200 a month. Sent the "
        "brochure and price list by email. Customer will decide next week; follow up by "
        "Friday, owner Ana.",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    note("en", "resolved", "Password reset.", "S", "reason- steps-taken+ outcome- no-insults+"),
    note(
        "en",
        "complaint",
        "The customer is an idiot, shouting about the late delivery. Told him it is on its way.",
        "RSX",
        "reason+ steps-taken+ outcome- no-insults-",
    ),
    note(
        "en",
        "escalated",
        "Customer reports the app crashes when paying with Apple Pay. Could not reproduce, "
        "escalated to the mobile team (case ESC-2291). Not resolved yet; mobile team will "
        "contact the customer within 48 hours.",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    # -- Polish -------------------------------------------------------------------------
    note(
        "pl",
        "resolved",
        "Klientka dzwoniła w sprawie podwójnego obciążenia karty. Sprawdziłem historię "
        "płatności i zleciłem zwrot 49,99 zł. Sprawa rozwiązana.",
        "RSO",
        "reason+ steps-taken+ outcome+ no-insults+",
    ),
    note(
        "pl",
        "callback",
        "Klient pyta o status naprawy laptopa. Serwis jeszcze nie odpowiedział, sprawa w toku. "
        "Oddzwonię jutro do 12:00 z informacją.",
        "ROPF",
        "reason+ steps-taken- outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "pl",
        "account-update",
        "Zmiana numeru telefonu. Tożsamość zweryfikowana pytaniami bezpieczeństwa, numer "
        "zaktualizowany. Zakończone.",
        "RSOI",
        "reason+ steps-taken+ outcome+ identity-on-account-change+ no-insults+",
    ),
    note(
        "pl",
        "account-update",
        "Klient chce zmienić adres korespondencyjny. Adres zmieniony w systemie. Rozwiązane.",
        "RSO",
        "reason+ steps-taken+ outcome+ identity-on-account-change- no-insults+",
    ),
    note(
        "pl",
        "complaint",
        "Reklamacja: kurier zostawił paczkę pod drzwiami i zginęła. Założyłam reklamację "
        "R-7781 i przekazałam do działu dostaw. Czekamy na odpowiedź kuriera, kontakt z "
        "klientem w ciągu 48h.",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "pl",
        "no-action",
        "Klient pytał o godziny otwarcia salonu. Bez dalszych działań.",
        "RO",
        "reason+ outcome+ no-insults+",
    ),
    note(
        "pl",
        "complaint",
        "Klient to kretyn, nie rozumie faktury.",
        "RX",
        "reason+ steps-taken- outcome- no-insults-",
    ),
    note(
        "pl",
        "escalated",
        "Awaria internetu od trzech dni. Zrestartowałem modem zdalnie, bez efektu. Eskalowano "
        "do techników, zgłoszenie T-4410, sprawa otwarta. Technik oddzwoni w poniedziałek.",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "pl",
        "payment",
        "Klientka poprosiła o duplikat faktury za marzec. Wysłałem duplikat mailem. Załatwione.",
        "RSO",
        "reason+ steps-taken+ outcome+ no-insults+",
    ),
    note(
        "pl",
        "sale",
        "Zainteresowany ofertą światłowodu 1 Gb/s. Przedstawiłem cennik, klient się zastanowi.",
        "RSOP",
        "reason+ steps-taken+ outcome+ follow-up-when-pending- no-insults+",
    ),
    # -- Spanish ------------------------------------------------------------------------
    note(
        "es",
        "resolved",
        "El cliente llamó por un cargo duplicado en la factura de abril. Revisé los "
        "movimientos y tramité el reembolso de 30 €. Resuelto.",
        "RSO",
        "reason+ steps-taken+ outcome+ no-insults+",
    ),
    note(
        "es",
        "callback",
        "La clienta pregunta por el estado de su pedido 55812. El almacén no ha confirmado el "
        "envío, queda pendiente. La llamaremos mañana por la tarde.",
        "ROPF",
        "reason+ steps-taken- outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "es",
        "account-update",
        "Quiere cambiar la cuenta bancaria para los recibos. Verifiqué la identidad con la "
        "fecha de nacimiento y el DNI. Cuenta actualizada. Completado.",
        "RSOI",
        "reason+ steps-taken+ outcome+ identity-on-account-change+ no-insults+",
    ),
    note(
        "es",
        "account-update",
        "Solicita cambiar el correo electrónico. Cambié el correo en el sistema. Resuelto.",
        "RSO",
        "reason+ steps-taken+ outcome+ identity-on-account-change- no-insults+",
    ),
    note(
        "es",
        "complaint",
        "Se queja de que el técnico no vino a la cita. Pedí disculpas y programé una nueva "
        "visita para el jueves. Pendiente de confirmar con el técnico; le escribiremos por SMS "
        "mañana.",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "es",
        "wrong-number",
        "Llamada equivocada, buscaba otra empresa. Sin más acciones.",
        "RO",
        "reason+ outcome+ no-insults+",
    ),
    note(
        "es",
        "technical-issue",
        "No puede acceder a la app desde el móvil nuevo. Le expliqué cómo restablecer la "
        "contraseña y ya funciona.",
        "RSO",
        "reason+ steps-taken+ outcome+ no-insults+",
    ),
    note(
        "es",
        "complaint",
        "Cliente estúpido, no entiende nada de la factura.",
        "RX",
        "reason+ steps-taken- outcome- no-insults-",
    ),
    note(
        "es",
        "escalated",
        "Reporta cortes en el router cada noche. Escalado al equipo técnico, caso 7781, sin "
        "resolver. El equipo técnico contactará al cliente en 24h.",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "es",
        "sale info-sent",
        "Interesada en el plan familiar. Envié la información por correo; decidirá la próxima "
        "semana y la llamaré el lunes.",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    # -- Chinese ------------------------------------------------------------------------
    note(
        "zh",
        "resolved",
        "客户来电反映四月账单重复扣费。核实了扣款记录并办理了退款30元。已解决。",
        "RSO",
        "reason+ steps-taken+ outcome+ no-insults+",
    ),
    note(
        "zh",
        "callback",
        "客户询问维修进度。维修中心尚未回复，仍待处理。明天下午回电告知客户。",
        "ROPF",
        "reason+ steps-taken- outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "zh",
        "account-update",
        "客户要求修改手机号码。通过安全问题核实身份后已修改。已完成。",
        "RSOI",
        "reason+ steps-taken+ outcome+ identity-on-account-change+ no-insults+",
    ),
    note(
        "zh",
        "account-update",
        "客户想更换账单地址。地址已更新。办结。",
        "RSO",
        "reason+ steps-taken+ outcome+ identity-on-account-change- no-insults+",
    ),
    note(
        "zh",
        "complaint",
        "客户投诉快递员态度差。已记录投诉并转交配送部门，等待配送部门回复，三个工作日内由我跟进。",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "zh",
        "no-action",
        "客户咨询营业时间，已告知。无需处理。",
        "RSO",
        "reason+ outcome+ no-insults+",
    ),
    note(
        "zh",
        "complaint",
        "这个客户是白痴，一直问同样的问题。",
        "X",
        "reason- steps-taken- outcome- no-insults-",
    ),
    note(
        "zh",
        "escalated",
        "客户无法登录网银。重置密码无效，已升级至技术部，工单号 T-3381，处理中。技术部将联系客户。",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
    note(
        "zh",
        "payment",
        "客户申请开具三月发票。已开具并发送至邮箱。已完成。",
        "RSO",
        "reason+ steps-taken+ outcome+ no-insults+",
    ),
    note(
        "zh",
        "sale",
        "客户对光纤套餐感兴趣，预算每月200元。已发送报价，客户下周决定，周五前回电跟进。",
        "RSOPF",
        "reason+ steps-taken+ outcome+ follow-up-when-pending+ no-insults+",
    ),
]


@dataclass(frozen=True)
class Measure:
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        there = self.true_pos + self.false_neg
        return self.true_pos / there if there else 1.0


def measure(found: list[set[str]]) -> dict[str, Measure]:
    """Per element: detector findings (one set per note, in corpus order) against labels."""
    result = {}
    for element in ELEMENTS.values():
        tp = fp = fn = 0
        for labelled, detected in zip(CORPUS, found, strict=True):
            truth, seen = element in labelled.elements, element in detected
            tp += truth and seen
            fp += seen and not truth
            fn += truth and not seen
        result[element] = Measure(tp, fp, fn)
    return result


def run() -> tuple[dict[str, Measure], int, int, list[str]]:
    """Detector measures, verdicts agreeing, verdicts compared, and the disagreements."""
    from acw_tui.core.quality import NoteInput, QualityChecker, load_rules
    from tests.unit.templates_helpers import SHIPPED

    checker = QualityChecker(load_rules(SHIPPED))
    found, agree, total, misses = [], 0, 0, []
    for labelled in CORPUS:
        note_input = NoteInput(labelled.text, {}, labelled.codes, None, labelled.language)
        found.append({k for k, v in checker.evidence(note_input).items() if v.present})
        got = {v.rule: v.passed for v in checker.check(note_input).verdicts}
        expected = labelled.expected
        for rule in sorted(set(got) | set(expected)):
            total += 1
            if got.get(rule) == expected.get(rule):
                agree += 1
            else:
                misses.append(
                    f"{labelled.language} {labelled.text[:40]!r}: {rule} "
                    f"expected {expected.get(rule)}, got {got.get(rule)}"
                )
    return measure(found), agree, total, misses


if __name__ == "__main__":
    measures, agree, total, misses = run()
    print(f"{'element':<10} {'precision':>9} {'recall':>7}   tp fp fn")
    for element, m in measures.items():
        print(
            f"{element:<10} {m.precision:>9.2f} {m.recall:>7.2f}   "
            f"{m.true_pos:>2} {m.false_pos:>2} {m.false_neg:>2}"
        )
    print(f"rule verdicts agreeing with the hand-written ones: {agree}/{total}")
    for line in misses:
        print("  " + line)
