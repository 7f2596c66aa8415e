"""Money received for an invoice, whatever its way (the desk, the family's credit, PayFiP):
allocated to the invoice up to its balance, the rest a credit of the family; audited and
acknowledged by a receipt e-mail, in the caller's transaction."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.dossiers.family import Family
from portail_core.domain.payments.payment import Payment, PaymentMode, allocate
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.text import printable
from portail_core.errors import NotFound, RuleViolation
from portail_core.services.billing.invoices import (
    FamilyAccount,
    InvoiceStatus,
    InvoiceView,
    account_from,
)
from portail_core.services.payments import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "PaymentReceipt",
    "Received",
    "acknowledge",
    "family_account_now",
    "invoice_view",
    "locked_invoice",
    "new_payment",
    "payable_invoice",
    "receipt_of",
    "receive",
    "recipient_of",
]


@frozen
class PaymentReceipt:
    """What the desk and the family are told once a payment is recorded."""

    family_id: int
    family_name: str
    invoice_number: str
    mode: PaymentMode
    reference: str
    received_on: date
    amount: Money  # what the family handed over (or the credit used)
    allocated: Money  # paid on the invoice
    credit: Money  # left over: a credit of the family
    invoice_balance: Money  # still due on the invoice afterwards
    family_credit: Money  # the family's credit afterwards
    emailed_to: str | None  # None: the family has no e-mail address


@frozen
class Received:
    """Money handed over: how much, how, its reference, the day it came."""

    amount: Money
    mode: PaymentMode
    reference: str
    received_on: date


def payable_invoice(uow: UnitOfWork, number: str) -> tuple[Invoice, InvoiceView]:
    """The invoice, under its family's lock, if it can be paid."""
    invoice, view = locked_invoice(uow, number)
    if view.status is InvoiceStatus.CANCELLED:
        raise RuleViolation(
            f"La facture {invoice.number} est annulée par un avoir : réglez la facture qui la "
            "remplace (voir `portail payments list --family "
            f"{invoice.family_id}`)."
        )
    return invoice, view


def locked_invoice(uow: UnitOfWork, number: str) -> tuple[Invoice, InvoiceView]:
    """The invoice (not a credit note) and its view, under its family's lock: a cancelled
    one too, whose balance is zero (money collected for it becomes the family's credit)."""
    wanted = number.strip().upper()
    invoice = uow.invoices.by_number(wanted) if 0 < len(wanted) <= 20 else None
    if invoice is None:
        raise NotFound(f"Aucune facture n° « {printable(number, 30)} ».")
    if invoice.kind is DocumentKind.CREDIT_NOTE:
        raise RuleViolation(
            f"{invoice.number} est un avoir, pas une facture : il n'y a rien à régler."
        )
    uow.payments.lock_families([invoice.family_id])
    return invoice, invoice_view(family_account_now(uow, invoice.family_id), invoice.number)


def family_account_now(uow: UnitOfWork, family_id: int) -> FamilyAccount:
    return account_from(uow.invoices.of_family(family_id), uow.payments.of_family(family_id))


def invoice_view(account: FamilyAccount, number: str) -> InvoiceView:
    return next(v for v in account.invoices if v.invoice.number == number)


def new_payment(
    invoice: Invoice,
    part: Money,
    given: Received,
    number: str | None,
    actor: Actor,
    now: pendulum.DateTime,
) -> Payment:
    """``part`` of the money ``given``, on invoice ``number`` (None: the family's credit)."""
    return Payment(
        invoice.family_id,
        part,
        given.mode,
        given.reference,
        given.received_on,
        now,
        actor.identifier,
        number,
    )


def receipt_of(
    uow: UnitOfWork, invoice: Invoice, given: Received, allocated: Money, left: Money
) -> PaymentReceipt:
    account = family_account_now(uow, invoice.family_id)
    family = uow.families.get(invoice.family_id)
    recipient = recipient_of(uow, family, invoice.family_id)
    return PaymentReceipt(
        family_id=invoice.family_id,
        family_name=family.name if family else invoice.family_name,
        invoice_number=invoice.number,
        mode=given.mode,
        reference=given.reference,
        received_on=given.received_on,
        amount=given.amount,
        allocated=allocated,
        credit=left,
        invoice_balance=invoice_view(account, invoice.number).balance,
        family_credit=account.credit,
        emailed_to=recipient,
    )


def recipient_of(uow: UnitOfWork, family: Family | None, family_id: int) -> str | None:
    account = uow.accounts.of_family(family_id)
    if account is not None:
        return account.email
    return family.main_guardian.email if family else None


def acknowledge(
    uow: UnitOfWork, receipt: PaymentReceipt, action: str, actor: Actor, now: pendulum.DateTime
) -> None:
    """The payment audited and, when the family has an address, its receipt e-mailed."""
    uow.audit.record(notices.payment_recorded(receipt, action, actor=actor, now=now))
    if receipt.emailed_to:
        commune = uow.communes.get()
        commune_name = commune.name if commune else "la commune"
        uow.outbox.add(notices.payment_receipt(receipt, receipt.emailed_to, commune_name, now))


def receive(
    uow: UnitOfWork,
    invoice: Invoice,
    view: InvoiceView,
    given: Received,
    *,
    action: str,
    actor: Actor,
    now: pendulum.DateTime,
) -> PaymentReceipt:
    """Record ``given`` for the invoice (its family locked by ``payable_invoice``): up to the
    balance on the invoice, the rest a credit; audited, the receipt e-mailed."""
    to_invoice, left = allocate(given.amount, view.balance)
    for part, number in ((to_invoice, invoice.number), (left, None)):
        if not part.is_zero:
            uow.payments.add(new_payment(invoice, part, given, number, actor, now))
    receipt = receipt_of(uow, invoice, given, to_invoice, left)
    acknowledge(uow, receipt, action, actor, now)
    return receipt
