"""SEPA direct debit (prélèvement automatique): the family's mandate, the planned collection date
of an invoice, and the batch of debits written to a pain.008 file.

The IBAN is checked thoroughly (country, length, bank code, check digits) by the adapters before
it reaches the core; the core only refuses what cannot be an IBAN at all and never shows one
whole outside the dossier (``masked_iban``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import attrs
import pendulum
from attrs import field, frozen

from portail_core.domain.shared.french_dates import day_format, numeric_day_fr
from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import InvalidInput

__all__ = [
    "DIRECT_DEBIT_DAY",
    "PRENOTIFICATION_DAYS",
    "REJECTION_REASONS",
    "RUM_PREFIX",
    "BankAccount",
    "Creditor",
    "Debit",
    "DebitBatch",
    "SepaMandate",
    "collection_date",
    "compact",
    "default_rum",
    "masked_iban",
    "reason_text",
    "rejection_code",
    "rejection_notice",
    "rejection_reason",
    "rejection_reference",
    "sepa_text",
]

DIRECT_DEBIT_DAY = 15  # the day of the month invoices are debited on, unless the town says
PRENOTIFICATION_DAYS = 14  # SEPA: the debtor is told at least 14 days before (the invoice)
RUM_PREFIX = "PF-"  # the RUMs the portal attributes; the desk cannot type one
MAX_HOLDER = 70  # the debtor's name in a pain.008 (Nm)

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$", re.ASCII)
_BIC_SHAPE = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$", re.ASCII)
# The unique mandate reference (RUM): 35 characters at most of the SEPA Latin set, no space.
_RUM_SHAPE = re.compile(r"^[A-Za-z0-9+?/:().,'-]{1,35}$", re.ASCII)
# Characters every SEPA bank accepts in names and remittance texts (the EPC's basic Latin set).
_SEPA_UNSAFE = re.compile(r"[^A-Za-z0-9/?:().,'+ -]", re.ASCII)


def compact(text: str) -> str:
    """ "fr76 3000 6000..." -> "FR763000600...": spaces and dashes gone, capitals."""
    return re.sub(r"[\s-]", "", text).upper()


def masked_iban(iban: str) -> str:
    """ "FR76 **** 0189": enough for a person to recognise the account, not to use it."""
    return f"{iban[:4]} **** {iban[-4:]}" if len(iban) > 8 else "****"


def sepa_text(text: str, limit: int) -> str:
    """Text a SEPA file may carry: accents removed, other characters outside the EPC's Latin
    set replaced by a space, spaces folded, cut at ``limit``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_SEPA_UNSAFE.sub(" ", plain).split())[:limit].strip()


def collection_date(
    issued_on: date, day: int = DIRECT_DEBIT_DAY, notice_days: int = PRENOTIFICATION_DAYS
) -> date:
    """The first ``day`` of a month at least ``notice_days`` after the invoice is issued: the
    invoice is the debtor's pre-notification. Issued on 1 October, debited on 15 October;
    issued on 2 October, on 15 November."""
    if not 1 <= day <= 28:
        raise ValueError("the debit day is 1 to 28 (every month has it)")
    earliest = issued_on + timedelta(days=notice_days)
    candidate = earliest.replace(day=day)
    if candidate < earliest:
        year, month = divmod(earliest.month, 12)
        candidate = date(earliest.year + year, month + 1, day)
    return candidate


@frozen
class SepaMandate:
    """A signed mandate: the family's bank account may be debited for its invoices.

    ``rum`` (référence unique de mandat) identifies it for the bank; a new account is a new
    mandate (a new RUM, a new signature). A revoked mandate stays in the dossier, inactive.
    """

    holder: str  # the account holder, as the bank knows them
    iban: str  # compact, capitals: FR7630006000011234567890189
    rum: str
    signed_on: date
    bic: str | None = None
    active: bool = True
    suspended_on: date | None = None  # a debit was rejected: not used until the desk decides
    suspension: str = ""  # why (French): the rejected invoice and the bank's reason

    @property
    def masked_iban(self) -> str:
        return masked_iban(self.iban)

    @property
    def usable(self) -> bool:
        """Active and not suspended: the family's invoices are debited."""
        return self.active and self.suspended_on is None

    @property
    def state(self) -> str:
        if not self.active:
            return "révoqué"
        return "suspendu" if self.suspended_on is not None else "actif"

    def revoked(self) -> SepaMandate:
        return attrs.evolve(self, active=False)

    def suspended(self, on: date, why: str) -> SepaMandate:
        """After a rejected debit: kept, but no invoice is debited until the desk resumes it
        (or revokes it)."""
        return attrs.evolve(self, suspended_on=on, suspension=why)

    def resumed(self) -> SepaMandate:
        return attrs.evolve(self, suspended_on=None, suspension="")

    @classmethod
    def create(
        cls,
        *,
        holder: str,
        iban: str,
        rum: str,
        signed_on: date | str,
        today: date,
        bic: str | None = None,
    ) -> SepaMandate:
        """Build a mandate from the desk's input, listing every problem in French. The IBAN
        must have been checked already (``adapters.direct_debit.check_iban``): here only its
        shape is."""
        reader = InputReader()
        name = reader.name(
            "holder",
            holder,
            f"Le titulaire du compte est obligatoire ({MAX_HOLDER} caractères au plus).",
            max_length=MAX_HOLDER,
        )
        account = compact(iban or "")
        if not _IBAN_SHAPE.match(account):
            reader.refuse(
                "iban", "L'IBAN n'est pas valide (ex. : FR76 3000 6000 0112 3456 7890 189)."
            )
        agent = compact(bic or "") or None
        if agent is not None and not _BIC_SHAPE.match(agent):
            reader.refuse("bic", "Le BIC compte 8 ou 11 lettres et chiffres (ex. : AGRIFRPP).")
        reference = (rum or "").strip()
        if not _RUM_SHAPE.match(reference):
            reader.refuse(
                "rum",
                "La RUM compte 35 caractères au plus : lettres sans accent, chiffres et "
                "/ - ? : ( ) . , ' + (sans espace).",
            )
        signed = reader.day(
            "signed_on",
            signed_on,
            f"La date de signature s'écrit {day_format(date(2026, 9, 15))}.",
        )
        if signed != date.min and signed > today:
            reader.refuse("signed_on", "La date de signature ne peut pas être dans le futur.")
        reader.raise_if_any("Le mandat de prélèvement n'a pas pu être enregistré.")
        return cls(name, account, reference, signed, agent)


# The reasons a debtor's bank gives for returning or refusing a SEPA direct debit (ISO 20022
# ExternalReturnReason / ExternalStatusReason codes used in SEPA R-transactions), in French.
REJECTION_REASONS = {
    "AC01": "numéro de compte (IBAN) incorrect",
    "AC04": "compte clôturé",
    "AC06": "compte bloqué",
    "AC13": "compte du débiteur non autorisé à ce prélèvement",
    "AG01": "prélèvement interdit sur ce type de compte",
    "AG02": "code opération incorrect",
    "AM04": "provision insuffisante",
    "AM05": "opération en double",
    "BE05": "identifiant du créancier incorrect",
    "CNOR": "banque du créancier injoignable",
    "DNOR": "banque du débiteur injoignable",
    "FF01": "fichier de prélèvement invalide",
    "MD01": "pas de mandat",
    "MD02": "données du mandat manquantes ou incorrectes",
    "MD06": "remboursement demandé par le débiteur",
    "MD07": "débiteur décédé",
    "MS02": "opposition du débiteur (raison non communiquée)",
    "MS03": "raison non communiquée par la banque",
    "RC01": "BIC incorrect",
    "RR01": "identification du débiteur manquante (raison réglementaire)",
    "RR02": "nom ou adresse du débiteur manquant (raison réglementaire)",
    "RR03": "nom ou adresse du créancier manquant (raison réglementaire)",
    "RR04": "raison réglementaire",
    "SL01": "refusé par un service de la banque du débiteur (filtrage des prélèvements)",
}


def rejection_reason(code: str) -> str:
    """The code in capitals, checked: an unknown one is refused, naming the known ones."""
    wanted = (code or "").strip().upper()
    if wanted not in REJECTION_REASONS:
        raise InvalidInput(
            f"Motif de rejet inconnu : « {wanted[:10]} ». Motifs SEPA acceptés : "
            + ", ".join(REJECTION_REASONS)
            + ".",
            {"reason": "Code de motif SEPA inconnu (ex. : AM04, AC04, MD01, MS02)."},
        )
    return wanted


def reason_text(code: str) -> str:
    """ "AM04 (provision insuffisante)"."""
    return f"{code} ({REJECTION_REASONS.get(code, 'motif non précisé')})"


def rejection_reference(code: str, debit_reference: str) -> str:
    """The reference of the line reversing a debit: "AM04 PORTAIL-PRLV-2026-09 PF-..."."""
    return f"{code} {debit_reference}"[:100]


def rejection_code(reference: str) -> str:
    """The reason's code from the reference of a reversing line."""
    return reference.split(" ", 1)[0]


def rejection_notice(rejected_on: date, reference: str) -> str:
    """What the family reads on the invoice's page (French)."""
    return (
        f"Le prélèvement de cette facture a été rejeté par votre banque le "
        f"{numeric_day_fr(rejected_on)}, motif {reason_text(rejection_code(reference))}. Elle est "
        "de nouveau à payer, par un des moyens ci-dessous ; votre prélèvement automatique est "
        "suspendu jusqu'à ce que vous en parliez avec le guichet unique."
    )


def default_rum(family_id: int, signed_on: date, taken: set[str]) -> str:
    """ "PF-000012-20260915" (then "-2", "-3"... if the family signed twice that day)."""
    base = f"{RUM_PREFIX}{family_id:06d}-{signed_on:%Y%m%d}"
    rum, n = base, 1
    while rum in taken:
        n += 1
        rum = f"{base}-{n}"
    return rum


@frozen
class BankAccount:
    """An account whose IBAN was checked: compact (FR7630006000011234567890189), with its BIC,
    given or found from the IBAN (None if unknown)."""

    iban: str
    bic: str | None


@frozen
class Creditor:
    """The town as a SEPA creditor: its name, its identifiant créancier SEPA (ICS), its account."""

    name: str
    identifier: str  # ICS, e.g. FR12ZZZ123456
    iban: str
    bic: str


@frozen
class Debit:
    """One invoice to collect from one family's account."""

    invoice_number: str  # also the end-to-end identification
    family_id: int
    family_name: str
    amount: Money
    collection_date: date
    mandate: SepaMandate
    description: str  # remittance information shown on the family's bank statement


@frozen
class DebitBatch:
    """What one pain.008 file holds: its message id, the creditor and the debits."""

    message_id: str
    created_at: pendulum.DateTime = field(converter=as_utc)
    creditor: Creditor
    debits: tuple[Debit, ...]

    @property
    def control_sum(self) -> Money:
        return Money.total(debit.amount for debit in self.debits)
