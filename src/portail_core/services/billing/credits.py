"""A family's credit (avoir) deducted from its new invoice by the billing run, in the run's
transaction.

The credit is the money the family paid that no invoice takes: an overpayment, money received
without an invoice, what it had paid on an invoice a credit note cancelled. The run deducts it
from the family's new invoice of the month, up to the invoice's total, as ``portail payments
use-credit`` does by hand: two payments of mode "avoir" that cancel out (the amount paid on the
invoice, the same amount taken from the unallocated money), audited; the invoice's e-mail says
so. Families are read a thousand at a time, without the invoices' lines; those with a credit are
locked and read again before it is used, so that a credit is never used twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceTotal
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.services.billing import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["deduct_credits", "unallocated_credit"]

GIVEN = "avoir de la famille"  # the references use-credit writes, for the desk's listings


def unallocated_credit(
    documents: Iterable[InvoiceTotal], paid: Mapping[str | None, Money]
) -> Money:
    """The family's credit from its documents and the sum of its payments per invoice number
    (None: not allocated), exactly as ``services.billing.invoices.account_from`` counts it."""
    found = list(documents)
    cancelled = {d.corrects for d in found if d.kind is DocumentKind.CREDIT_NOTE}
    credit = paid.get(None, Money.zero())
    for document in found:
        if document.kind is DocumentKind.CREDIT_NOTE:
            continue
        received = paid.get(document.number, Money.zero())
        if document.number in cancelled:
            credit += received
        elif received > document.total:
            credit += received - document.total
    return credit


def _credits(uow: UnitOfWork, family_ids: Sequence[int]) -> dict[int, Money]:
    """The credit of each family that has one, in a few queries."""
    paid = uow.payments.paid_by_invoice(family_ids)
    documents: dict[int, list[InvoiceTotal]] = {family: [] for family in paid}
    for total in uow.invoices.totals_of_families(list(paid)):
        documents[total.family_id].append(total)
    credits = {family: unallocated_credit(documents[family], paid[family]) for family in paid}
    return {family: credit for family, credit in credits.items() if credit.cents > 0}


def deduct_credits(
    uow: UnitOfWork,
    documents: Sequence[Invoice],
    *,
    day: date,
    actor: Actor,
    now: pendulum.DateTime,
) -> dict[str, Money]:
    """Deduct each family's credit from its new invoice among ``documents`` (what the run just
    wrote), up to the invoice's total, received on ``day``; what was deducted, per invoice."""
    new = {d.family_id: d for d in documents if d.kind is DocumentKind.INVOICE}
    with_credit = sorted(_credits(uow, sorted(new)))
    if not with_credit:
        return {}
    uow.payments.lock_families(with_credit)  # then read again: a credit is used once
    deducted: dict[str, Money] = {}
    for family, credit in sorted(_credits(uow, with_credit).items()):
        invoice = new[family]
        used = min(credit, invoice.total)
        if used.cents <= 0:
            continue
        for amount, reference, number in (
            (used, GIVEN, invoice.number),
            (-used, f"utilisé pour {invoice.number}", None),
        ):
            uow.payments.add(
                Payment(
                    family,
                    amount,
                    PaymentMode.CREDIT,
                    reference,
                    day,
                    now,
                    actor.identifier,
                    number,
                )
            )
        uow.audit.record(notices.credit_deducted(invoice, used, credit - used, actor, now))
        deducted[invoice.number] = used
    return deducted
