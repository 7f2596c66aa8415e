"""The e-mails of a billing run: one per new invoice, to the family's address (its account's
if it has one, else its main guardian's), with the family's credit deducted from it; none for a
credit note nor for a family without an address. Queued in the run's transaction, all in one
statement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.communes import Commune
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.payments.online import payable_online as payfip_takes
from portail_core.domain.shared.money import Money
from portail_core.services.billing import notices
from portail_core.services.billing.bills import FamilyBill

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["invoice_url", "payable_online", "queue_invoice_emails"]


def invoice_url(public_url: str, number: str) -> str:
    """The invoice's page on the portal."""
    return f"{public_url.rstrip('/')}/factures/{number}"


def payable_online(invoice: Invoice, commune: Commune | None, due: Money | None = None) -> bool:
    """The commune offers online payment (PayFiP) and PayFiP takes what is due (the invoice's
    amount unless ``due`` says otherwise)."""
    offered = commune is not None and commune.online_payment.enabled
    return offered and payfip_takes(invoice.total if due is None else due)


def queue_invoice_emails(
    uow: UnitOfWork,
    documents: Sequence[Invoice],
    bills: Sequence[FamilyBill],
    commune: Commune | None,
    public_url: str,
    now: pendulum.DateTime,
    credits: Mapping[str, Money] | None = None,
) -> int:
    """E-mail each family its new invoice among ``documents`` (what the run wrote), with the
    credit deducted from it (``credits``, by invoice number); the guardians' addresses are the
    ones the run read (``bills``), the accounts' are read in one query. Returns how many were
    queued."""
    deducted = credits or {}
    invoices = [d for d in documents if d.kind is DocumentKind.INVOICE]
    if not invoices:
        return 0
    guardians = {bill.family_id: bill.addressee.email for bill in bills}
    accounts = uow.accounts.emails()
    commune_name = commune.name if commune is not None else "la commune"
    messages: list[OutgoingEmail] = []
    for invoice in invoices:
        family = invoice.family_id
        to = accounts[family] if family in accounts else guardians.get(family)
        credit = deducted.get(invoice.number, Money.zero())
        if to:
            messages.append(
                notices.invoice_issued(
                    invoice,
                    to=to,
                    commune_name=commune_name,
                    online=payable_online(invoice, commune, invoice.total - credit),
                    invoice_url=invoice_url(public_url, invoice.number),
                    now=now,
                    credit=credit,
                )
            )
    uow.outbox.add_all(messages)
    return len(messages)
