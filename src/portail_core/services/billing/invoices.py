"""A family's invoices with their status, and its balance: what "Factures et règlements" shows
and what the desk checks before erasing a dossier.

Payments are allocated to the invoice they name; a credit note pays the invoice it cancels;
money received without an invoice (an overpayment) is a credit of the family.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from typing import TYPE_CHECKING

import attrs
from attrs import frozen

from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.errors import NotFound

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "FamilyAccount",
    "InvoiceStatus",
    "InvoiceView",
    "account_from",
    "family_account",
    "invoice_of_family",
]


class InvoiceStatus(enum.Enum):
    TO_PAY = "a_payer"
    PARTLY_PAID = "partiellement_payee"
    PAID = "payee"
    DEBITED = "prelevee"  # paid by direct debit
    CANCELLED = "annulee"  # cancelled by a credit note
    CREDIT_NOTE = "avoir"

    @property
    def label(self) -> str:
        return {
            InvoiceStatus.TO_PAY: "à payer",
            InvoiceStatus.PARTLY_PAID: "partiellement payée",
            InvoiceStatus.PAID: "payée",
            InvoiceStatus.DEBITED: "prélevée",
            InvoiceStatus.CANCELLED: "annulée par avoir",
            InvoiceStatus.CREDIT_NOTE: "avoir",
        }[self]


@frozen
class InvoiceView:
    """An invoice as it stands: what was paid, its status. After a rejected direct debit its
    ``invoice`` plans no debit any more and ``rejection`` is the line reversing the debit."""

    invoice: Invoice
    paid: Money
    status: InvoiceStatus
    payments: tuple[Payment, ...]

    @property
    def rejection(self) -> Payment | None:
        """The last rejected direct debit of the invoice, if it is not paid since."""
        if self.status not in {InvoiceStatus.TO_PAY, InvoiceStatus.PARTLY_PAID}:
            return None
        rejected = [p for p in self.payments if p.mode is PaymentMode.DIRECT_DEBIT_REJECTED]
        return rejected[-1] if rejected else None

    @property
    def balance(self) -> Money:
        """What is still due on this invoice (zero for a credit note or a cancelled one)."""
        due = self.invoice.total - self.paid
        if self.status in {InvoiceStatus.CANCELLED, InvoiceStatus.CREDIT_NOTE} or due.cents < 0:
            return Money.zero()  # an overpayment is counted in the family's credit
        return due


@frozen
class FamilyAccount:
    invoices: tuple[InvoiceView, ...]  # most recent first
    credit: Money  # money received and not allocated to an invoice

    @property
    def owed(self) -> Money:
        """Due on the invoices, before the family's credit."""
        return Money.total(view.balance for view in self.invoices)

    @property
    def balance(self) -> Money:
        """Positive: the family owes this much; negative: the town owes it back."""
        return self.owed - self.credit


def _status(
    invoice: Invoice, paid: Money, payments: list[Payment], cancelled: bool
) -> InvoiceStatus:
    if invoice.kind is DocumentKind.CREDIT_NOTE:
        return InvoiceStatus.CREDIT_NOTE
    if cancelled:
        return InvoiceStatus.CANCELLED
    if paid.cents >= invoice.total.cents:
        debited = bool(payments) and all(p.mode is PaymentMode.DIRECT_DEBIT for p in payments)
        return InvoiceStatus.DEBITED if debited else InvoiceStatus.PAID
    return InvoiceStatus.PARTLY_PAID if paid.cents > 0 else InvoiceStatus.TO_PAY


def account_from(documents: list[Invoice], payments: list[Payment]) -> FamilyAccount:
    """The statuses and balance from a family's documents and payments (no I/O)."""
    cancelled = {d.corrects for d in documents if d.kind is DocumentKind.CREDIT_NOTE}
    by_invoice: dict[str | None, list[Payment]] = defaultdict(list)
    for payment in payments:
        by_invoice[payment.invoice_number].append(payment)
    views = []
    for document in documents:
        received = by_invoice.get(document.number, [])
        paid = Money.total(p.amount for p in received)
        status = _status(document, paid, received, document.number in cancelled)
        views.append(InvoiceView(_as_it_stands(document, received), paid, status, tuple(received)))
    unallocated = Money.total(p.amount for p in by_invoice.get(None, []))
    # a cancelled invoice's payments are a credit of the family, as is any overpayment
    for view in views:
        if view.status is InvoiceStatus.CANCELLED:
            unallocated += view.paid
        elif (
            view.status is not InvoiceStatus.CREDIT_NOTE
            and view.paid.cents > view.invoice.total.cents
        ):
            unallocated += view.paid - view.invoice.total
    ordered = sorted(views, key=lambda v: (v.invoice.issued_on, v.invoice.number), reverse=True)
    return FamilyAccount(tuple(ordered), unallocated)


def _as_it_stands(document: Invoice, received: list[Payment]) -> Invoice:
    """A rejected direct debit is not planned any more: the invoice is to be paid otherwise."""
    if any(p.mode is PaymentMode.DIRECT_DEBIT_REJECTED for p in received):
        return attrs.evolve(document, direct_debit_on=None)
    return document


def family_account(uow: UnitOfWork, family_id: int) -> FamilyAccount:
    with uow:
        documents = uow.invoices.of_family(family_id)
        payments = uow.payments.of_family(family_id)
    return account_from(documents, payments)


def invoice_of_family(uow: UnitOfWork, family_id: int, number: str) -> InvoiceView:
    """One document of the family with its status; another family's answers NotFound."""
    account = family_account(uow, family_id)
    view = next((v for v in account.invoices if v.invoice.number == number), None)
    if view is None:
        raise NotFound("Facture introuvable.")
    return view
