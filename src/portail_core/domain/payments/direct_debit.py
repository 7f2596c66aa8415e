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

from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.raw_input import InputReader

__all__ = [
    "DIRECT_DEBIT_DAY",
    "PRENOTIFICATION_DAYS",
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

    @property
    def masked_iban(self) -> str:
        return masked_iban(self.iban)

    def revoked(self) -> SepaMandate:
        return attrs.evolve(self, active=False)

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
            "signed_on", signed_on, "La date de signature s'écrit JJ/MM/AAAA (ex. : 15/09/2026)."
        )
        if signed != date.min and signed > today:
            reader.refuse("signed_on", "La date de signature ne peut pas être dans le futur.")
        reader.raise_if_any("Le mandat de prélèvement n'a pas pu être enregistré.")
        return cls(name, account, reference, signed, agent)


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
