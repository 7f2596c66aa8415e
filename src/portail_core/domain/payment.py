"""Payments received for invoices, at the desk (cheque, cash, CESU, ANCV, transfer), online
(PayFiP) or by direct debit; an amount beyond an invoice's balance is a credit of the family."""

from __future__ import annotations

import enum
from datetime import date

import pendulum
from attrs import field, frozen

from portail_core.domain.instants import as_utc
from portail_core.domain.money import Money

__all__ = ["Payment", "PaymentMode"]


class PaymentMode(enum.Enum):
    CHEQUE = "cheque"
    CASH = "especes"
    CESU = "cesu"
    ANCV = "ancv"
    TRANSFER = "virement"
    PAYFIP = "payfip"
    DIRECT_DEBIT = "prelevement"
    CREDIT = "avoir"  # a credit of the family (overpayment, credit note) used for an invoice

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
