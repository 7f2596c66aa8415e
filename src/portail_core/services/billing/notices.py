"""What the billing use cases write in French: the billing run's audit entries (the run, a
family's credit deducted from its new invoice) and the e-mail telling a family about its new
invoice."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import month_fr, numeric_day_fr
from portail_core.domain.shared.money import Money

__all__ = ["BY_HAND", "billing_run", "credit_deducted", "invoice_issued"]

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
    credits: Money | None = None,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """The month's run: how many invoices it issued, corrected and left as they were, the
    families' credit it deducted from them, and how many families it e-mailed about their new
    invoice."""
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
            "credits_cents": credits.cents if credits is not None else 0,
        },
    )


def credit_deducted(
    invoice: Invoice, used: Money, left: Money, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """The family's credit deducted from its new invoice by the billing run (``left``: its
    credit afterwards), recorded as the desk's ``payments use-credit`` is."""
    summary = f"Avoir de {used.format_fr()} déduit de la facture {invoice.number} à son émission"
    if not left.is_zero:
        summary += f" ; il reste {left.format_fr()} d'avoir"
    return AuditEvent(
        at=now,
        actor=actor,
        action="payment.use_credit",
        summary=summary,
        details={
            "invoice": invoice.number,
            "amount_cents": used.cents,
            "mode": "avoir",
            "credit_left_cents": left.cents,
            "by": "billing.run",
        },
        family_id=invoice.family_id,
    )


def invoice_issued(
    invoice: Invoice,
    *,
    to: str,
    commune_name: str,
    online: bool,
    invoice_url: str,
    now: pendulum.DateTime,
    credit: Money | None = None,
) -> OutgoingEmail:
    """A family's new invoice: its amount, the family's credit deducted from it, its due date,
    how the rest is paid, the link to its page. ``online``: the commune takes what is left to
    pay online (PayFiP); never said otherwise."""
    used = credit if credit is not None else Money.zero()
    way, payment = _how_to_pay(invoice, invoice.total - used, online=online)
    return OutgoingEmail(
        to,
        "invoice_issued",
        {
            "commune": commune_name,
            "family": invoice.family_name,
            "invoice": invoice.number,
            "month": _month(invoice.month),
            "amount": invoice.total.format_fr(),
            "credit": "" if used.is_zero else used.format_fr(),  # deducted from the invoice
            "amount_due": (invoice.total - used).format_fr(),
            "due_on": _day(invoice.due_on),
            "invoice_url": invoice_url,
            "payment_way": way,  # "direct_debit", "online", "by_hand" or "credit"
            "payment": payment,
        },
        created_at=now,
        family_id=invoice.family_id,
    )


def _how_to_pay(invoice: Invoice, due: Money, *, online: bool) -> tuple[str, str]:
    """One way only for ``due`` (what the family's credit left to pay): none, the direct
    debit, else online, else by hand."""
    if due.cents <= 0:
        return "credit", "Votre avoir la règle entièrement : vous n'avez rien à payer."
    whole = due == invoice.total
    if invoice.direct_debit_on is not None:
        what = "Elle sera prélevée" if whole else f"Le reste, {due.format_fr()}, sera prélevé"
        return "direct_debit", (
            f"{what} le {_day(invoice.direct_debit_on)} sur le compte de "
            "votre mandat de prélèvement SEPA : vous n'avez rien à faire."
        )
    what = "Elle est" if whole else f"Le reste, {due.format_fr()}, est"
    if online:
        return "online", (
            f"{what} payable en ligne jusqu'au {_day(invoice.pay_online_until)}, "
            "par carte bancaire ou par prélèvement unique sur le site des Finances Publiques "
            "(PayFiP) : bouton « Payer en ligne » sur la page de la facture."
        )
    return "by_hand", f"{what} à régler avant le {_day(invoice.due_on)}, {BY_HAND}."


# A run's invoices share their month and dates: each is written in French once, not per family.
@lru_cache(maxsize=32)
def _month(month: str) -> str:
    return month_fr(month)


@lru_cache(maxsize=128)
def _day(day: date) -> str:
    return numeric_day_fr(day)
