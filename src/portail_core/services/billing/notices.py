"""What the billing use cases write in French: the billing run's audit entry and the e-mail
telling a family about its new invoice."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import month_fr, numeric_day_fr
from portail_core.domain.shared.money import Money

__all__ = ["BY_HAND", "billing_run", "invoice_issued"]

# The ways to pay an invoice by hand, as its sheet (PDF and page) lists them.
BY_HAND = (
    "par chèque à l'ordre du Trésor public, remis ou envoyé au guichet unique avec le numéro "
    "de la facture au dos, ou au guichet unique en espèces, en chèques emploi service "
    "universel (CESU) ou en chèques-vacances ANCV"
)


def billing_run(
    month: str,
    *,
    new: int,
    corrected: int,
    unchanged: int,
    total: Money,
    emailed: int = 0,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """The month's run: how many invoices it issued, corrected and left as they were, and how
    many families it e-mailed about their new invoice."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="billing.run",
        summary=(
            f"Facturation de {month} : {new} facture(s), "
            f"{corrected} correction(s), "
            f"{unchanged} inchangée(s)"
        ),
        details={
            "month": month,
            "new": new,
            "corrected": corrected,
            "total_cents": total.cents,
            "emailed": emailed,
        },
    )


def invoice_issued(
    invoice: Invoice,
    *,
    to: str,
    commune_name: str,
    online: bool,
    invoice_url: str,
    now: pendulum.DateTime,
) -> OutgoingEmail:
    """A family's new invoice: its amount, its due date, how it is paid, the link to its page.
    ``online``: the commune takes this invoice online (PayFiP); never said otherwise."""
    way, payment = _how_to_pay(invoice, online=online)
    return OutgoingEmail(
        to,
        "invoice_issued",
        {
            "commune": commune_name,
            "family": invoice.family_name,
            "invoice": invoice.number,
            "month": _month(invoice.month),
            "amount": invoice.total.format_fr(),
            "due_on": _day(invoice.due_on),
            "invoice_url": invoice_url,
            "payment_way": way,  # "direct_debit", "online" or "by_hand"
            "payment": payment,
        },
        created_at=now,
    )


def _how_to_pay(invoice: Invoice, *, online: bool) -> tuple[str, str]:
    """One way only: the direct debit, else online, else by hand."""
    if invoice.direct_debit_on is not None:
        return "direct_debit", (
            f"Elle sera prélevée le {_day(invoice.direct_debit_on)} sur le compte de "
            "votre mandat de prélèvement SEPA : vous n'avez rien à faire."
        )
    if online:
        return "online", (
            f"Elle est payable en ligne jusqu'au {_day(invoice.pay_online_until)}, "
            "par carte bancaire ou par prélèvement unique sur le site des Finances Publiques "
            "(PayFiP) : bouton « Payer en ligne » sur la page de la facture."
        )
    return "by_hand", f"Elle est à régler avant le {_day(invoice.due_on)}, {BY_HAND}."


# A run's invoices share their month and dates: each is written in French once, not per family.
@lru_cache(maxsize=32)
def _month(month: str) -> str:
    return month_fr(month)


@lru_cache(maxsize=128)
def _day(day: date) -> str:
    return numeric_day_fr(day)
