"""Payments received for invoices, at the desk (cheque, cash, CESU, ANCV, transfer), online
(PayFiP) or by direct debit; an amount beyond an invoice's balance is a credit of the family."""

from __future__ import annotations

import enum
from datetime import date

import pendulum
from attrs import field, frozen

from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.money import Money

__all__ = ["DESK_MODES", "MAX_DESK_PAYMENT", "Payment", "PaymentMode", "allocate"]


class PaymentMode(enum.Enum):
    CHEQUE = "cheque"
    CASH = "especes"
    CESU = "cesu"
    ANCV = "ancv"
    TRANSFER = "virement"
    PAYFIP = "payfip"
    DIRECT_DEBIT = "prelevement"
    CREDIT = "avoir"  # a credit of the family (overpayment, credit note) used for an invoice
    # a direct debit the bank returned: a negative line reversing it (reference: "AM04 ...")
    DIRECT_DEBIT_REJECTED = "prelevement_rejete"

    @property
    def label(self) -> str:
        return {
            PaymentMode.CHEQUE: "chèque",
            PaymentMode.CASH: "espèces",
            PaymentMode.CESU: "CESU",
            PaymentMode.ANCV: "chèques-vacances ANCV",
            PaymentMode.TRANSFER: "virement",
            PaymentMode.PAYFIP: "paiement en ligne (PayFiP)",
            PaymentMode.DIRECT_DEBIT: "prélèvement automatique",
            PaymentMode.CREDIT: "avoir",
            PaymentMode.DIRECT_DEBIT_REJECTED: "prélèvement rejeté",
        }[self]


@frozen
class Payment:
    """Money received from a family; ``invoice_number`` None: a credit not yet used."""

    family_id: int
    amount: Money
    mode: PaymentMode
    reference: str
    received_on: date
    recorded_at: pendulum.DateTime = field(converter=as_utc)
    recorded_by: str
    invoice_number: str | None = None
    id: int | None = field(default=None, kw_only=True, eq=False)


DESK_MODES = (
    PaymentMode.CHEQUE,
    PaymentMode.CASH,
    PaymentMode.CESU,
    PaymentMode.ANCV,
    PaymentMode.TRANSFER,
)
MAX_DESK_PAYMENT = Money(1_000_000)  # 10 000,00 €: more is a typing mistake


def allocate(amount: Money, balance: Money) -> tuple[Money, Money]:
    """Split money received for an invoice: what pays the invoice (up to its balance) and what
    is left over, a credit of the family."""
    to_invoice = min(amount, max(balance, Money.zero()))
    return to_invoice, amount - to_invoice
