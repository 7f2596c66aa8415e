"""Paying an invoice online through PayFiP, the Finances Publiques' service (web-service variant).

The portal opens a payment (``PaymentOrder``) and gets an operation id (``idOp``); the family pays
on PayFiP's page; the portal then asks PayFiP what happened (``PaymentReport``). Nothing PayFiP
sends on its own (the notification, the browser's return) is signed: they only say « look again
at this operation ». A ``PaymentAttempt`` is stored before the family leaves for PayFiP, and
becomes paid only when PayFiP's own report says so (card or one-off debit) for exactly the
reference, amount, client number and mode the attempt was opened with.
"""

from __future__ import annotations

import enum
import re
import secrets
import unicodedata

import pendulum
from attrs import frozen

from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput

__all__ = [
    "MAX_ONLINE_AMOUNT",
    "MIN_ONLINE_AMOUNT",
    "ClientDetails",
    "OnlinePaymentSettings",
    "PayfipMode",
    "PaymentOrder",
    "PaymentReport",
    "payable_online",
    "payfip_label",
    "refdet_for",
]

MIN_ONLINE_AMOUNT = Money(100)  # 1,00 €: PayFiP's minimum (fault M3 below it)
MAX_ONLINE_AMOUNT = Money(10_000_000)  # 100 000,00 €: PayFiP refuses this much or more


def payable_online(amount: Money) -> bool:
    """Whether PayFiP takes a payment of this amount."""
    return MIN_ONLINE_AMOUNT <= amount < MAX_ONLINE_AMOUNT


_NUMCLI = re.compile(r"^\d{6}$", re.ASCII)
_NOT_LABEL = re.compile(r"[^A-Za-z0-9 ]+", re.ASCII)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class PayfipMode(enum.Enum):
    """PayFiP's ``saisie``: the same service, three modes."""

    TEST = "T"
    ACTIVATION = "X"  # the first real payments, checked by the DGFiP before production
    PRODUCTION = "W"

    @property
    def label(self) -> str:
        return {"T": "test", "X": "activation", "W": "production"}[self.value]


@frozen
class OnlinePaymentSettings:
    """The commune's PayFiP contract (its commune file): on or off, its client number (numcli,
    given by the DGFiP), the mode, and how many days after an invoice's due date it may still be
    paid online."""

    enabled: bool = False
    numcli: str = ""
    mode: PayfipMode = PayfipMode.TEST
    days_after_due: int = 0

    @classmethod
    def create(
        cls, *, enabled: bool, numcli: str, mode: str, days_after_due: int
    ) -> OnlinePaymentSettings:
        """Checked settings; every problem in French at once."""
        problems: dict[str, str] = {}
        number = numcli.strip()
        if (enabled or number) and not _NUMCLI.match(number):
            problems["numcli"] = "Le numéro client PayFiP (numcli) compte 6 chiffres."
        modes = {m.value: m for m in PayfipMode}
        if mode.strip().upper() not in modes:
            problems["saisie"] = "Le mode PayFiP (saisie) est T (test), X (activation) ou W."
        if not 0 <= days_after_due <= 90:
            problems["days_after_due"] = "Le délai après l'échéance va de 0 à 90 jours."
        if problems:
            raise InvalidInput("Le paiement en ligne n'est pas bien configuré.", problems)
        return cls(enabled, number, modes[mode.strip().upper()], days_after_due)


@frozen
class PaymentOrder:
    """What the portal asks PayFiP to collect (creerPaiementSecurise)."""

    numcli: str
    year: int  # exer
    refdet: str  # the debt's reference, unique per attempt
    amount: Money
    email: str
    label: str  # objet: ASCII letters, digits and spaces only
    mode: PayfipMode
    notify_url: str
    return_url: str


@frozen
class PaymentReport:
    """What PayFiP says of an operation (recupererDetailPaiementSecurise): the only source of
    truth about a payment. ``amount`` is None when PayFiP's ``montant`` is not a number."""

    id_op: str
    result: str  # resultrans: P card, V one-off debit, R and Z refused, A abandoned
    refdet: str
    amount: Money | None
    numcli: str
    mode: str  # saisie, as PayFiP gives it
    authorisation: str = ""  # numauto
    paid_at: pendulum.DateTime | None = None  # dattrans + heurtrans, Paris time
    email: str = ""

    @property
    def means(self) -> str:
        """« carte bancaire », « prélèvement unique », or « » when not paid."""
        return {"P": "carte bancaire", "V": "prélèvement unique"}.get(self.result, "")


@frozen
class ClientDetails:
    """What PayFiP knows of a client number (recupererDetailClient): the collectivity's names."""

    numcli: str
    names: tuple[str, ...]


def refdet_for(invoice_number: str) -> str:
    """A debt reference for one attempt to pay an invoice: its number's letters and digits, then
    four random ones (6 to 30 characters of A-Z and 0-9, as PayFiP wants)."""
    base = "".join(char for char in invoice_number.upper() if char.isascii() and char.isalnum())
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(4))
    return (base[:26] + suffix).rjust(6, "0")


def payfip_label(text: str) -> str:
    """PayFiP's ``objet``: ASCII letters, digits and spaces, 100 characters at most (accents
    taken off, anything else turned into a space)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_NOT_LABEL.sub(" ", plain).split())[:100].strip()
