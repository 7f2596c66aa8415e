"""Paying an invoice online through PayFiP: whether it may be, and opening the payment.

Opening (« Payer en ligne ») checks that the invoice may be paid online, asks PayFiP for an
operation, and stores the attempt (its reference, the invoice's balance then, the operation id,
the commune's client number and mode) before the family's browser leaves for PayFiP: two
transactions around the call to PayFiP, so that no lock is held while PayFiP answers, and
nothing is written when PayFiP does not answer. What became of it: ``online_results``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.communes import Commune
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.online import (
    OnlinePaymentSettings,
    PaymentOrder,
    payable_online,
    payfip_label,
    refdet_for,
)
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import (
    ConfigurationError,
    Conflict,
    NotFound,
    RuleViolation,
)
from portail_core.ports.clock import Clock
from portail_core.ports.payments import OnlinePaymentService
from portail_core.services.billing.invoices import InvoiceStatus, InvoiceView
from portail_core.services.payments import notices
from portail_core.services.payments.online_results import check_online_payment
from portail_core.services.payments.receiving import (
    family_account_now,
    invoice_view,
    recipient_of,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = ["OnlineCheckout", "online_refusal", "open_online_payment", "why_not_online"]

PAYFIP = Actor.system("PayFiP")
RECONCILE_FROM = timedelta(minutes=5)  # younger attempts: the family may still be on PayFiP
NOTIFICATIONS_PER_HOUR = 600  # from one address; PayFiP's own notify a town's payments


@frozen
class OnlineCheckout:
    """Where to send the family's browser, for which attempt."""

    page_url: str
    attempt: PaymentAttempt


def online_refusal(view: InvoiceView, settings: OnlinePaymentSettings, today: date) -> str | None:
    """Why this invoice may not be paid online now, in French; None when it may."""
    invoice = view.invoice
    if not settings.enabled:
        return "La commune ne propose pas le paiement en ligne."
    if view.status in (InvoiceStatus.CANCELLED, InvoiceStatus.CREDIT_NOTE):
        return f"{invoice.number} n'est pas une facture à payer."
    if view.balance.is_zero:
        return f"La facture {invoice.number} est déjà réglée."
    if invoice.direct_debit_on is not None:
        return (
            f"La facture {invoice.number} est prélevée automatiquement le "
            f"{numeric_day_fr(invoice.direct_debit_on)} : vous n'avez rien à faire."
        )
    if today > invoice.pay_online_until:
        return (
            f"Le paiement en ligne de la facture {invoice.number} était possible jusqu'au "
            f"{numeric_day_fr(invoice.pay_online_until)} : réglez-la au guichet unique ou par "
            "chèque."
        )
    if not payable_online(view.balance):
        return (
            f"PayFiP n'accepte pas un paiement de {view.balance.format_fr()} : réglez la facture "
            "au guichet unique ou par chèque."
        )
    return None


def why_not_online(
    uow: UnitOfWork, clock: Clock, *, family_id: int, invoice_number: str
) -> str | None:
    """The invoice page's answer: why « Payer en ligne » is not offered now (French), None
    when it is (or when it takes the family back to a payment still open on PayFiP); an earlier
    attempt that may still be paid, or waits for the desk, holds a new one back."""
    with uow:
        view = _family_invoice(uow, family_id, invoice_number)
        commune = uow.communes.get()
        settings = commune.online_payment if commune else OnlinePaymentSettings()
        refusal = online_refusal(view, settings, clock.today())
        if refusal is not None:
            return refusal
        now = clock.now()
        waiting = [
            a
            for a in uow.attempts.of_invoice(view.invoice.number)
            if a.family_id == family_id
            and a.holds_back_a_new_attempt(now)
            and not a.resumable(now, view.balance)
        ]
    return notices.payment_waiting(waiting[-1], now) if waiting else None


def open_online_payment(
    uow: UnitOfWorkFactory,
    payfip: OnlinePaymentService,
    clock: Clock,
    *,
    family_id: int,
    invoice_number: str,
    notify_url: str,
    return_url: str,
    actor: Actor,
) -> OnlineCheckout:
    """« Payer en ligne »: the attempt stored, the PayFiP page to send the family to.

    The same PayFiP page again for an attempt still resumable (a double click, « Back » from
    PayFiP). Refused (RuleViolation) when the invoice may not be paid online, or while an
    earlier attempt may still be paid or waits for the desk; OnlinePaymentError when PayFiP
    does not answer, nothing written then."""
    resumed = _settle_earlier_attempts(uow, payfip, clock, family_id, invoice_number)
    if resumed is not None:
        return OnlineCheckout(payfip.page_url(resumed.id_op), resumed)
    with uow(read_only=True) as reading:
        order = _order(reading, clock, family_id, invoice_number, notify_url, return_url)
    id_op = payfip.open(order)
    with uow() as writing:
        attempt = _store_attempt(writing, clock, family_id, invoice_number, order, id_op, actor)
        writing.commit()
    return OnlineCheckout(payfip.page_url(id_op), attempt)


def _settle_earlier_attempts(
    uow: UnitOfWorkFactory,
    payfip: OnlinePaymentService,
    clock: Clock,
    family_id: int,
    invoice_number: str,
) -> PaymentAttempt | None:
    """Before a new attempt, ask PayFiP about the invoice's earlier ones that may still be
    paid: a payment made meanwhile (another tab) is recorded; one in progress is resumed when
    its page is still alive, else refuses, as does one waiting for the desk."""
    now = clock.now()
    with uow(read_only=True) as reading:
        balance = _family_invoice(reading, family_id, invoice_number).balance
        earlier = [
            a
            for a in reading.attempts.of_invoice(invoice_number)
            if a.family_id == family_id and (a.may_still_pay(now) or a.state.for_the_desk)
        ]
    for attempt in earlier:
        checked = check_online_payment(uow, payfip, clock, id_op=attempt.id_op) or attempt
        if checked.resumable(clock.now(), balance):
            return checked
        if checked.state.for_the_desk or checked.may_still_pay(clock.now()):
            raise RuleViolation(notices.payment_waiting(checked, clock.now()))
    return None


def _order(
    uow: UnitOfWork,
    clock: Clock,
    family_id: int,
    invoice_number: str,
    notify_url: str,
    return_url: str,
) -> PaymentOrder:
    """What to ask PayFiP for: the invoice's balance now, under a new reference."""
    commune, view = _commune(uow), _family_invoice(uow, family_id, invoice_number)
    settings = commune.online_payment
    refusal = online_refusal(view, settings, clock.today())
    if refusal is not None:
        raise RuleViolation(refusal)
    invoice = view.invoice
    return PaymentOrder(
        numcli=settings.numcli,
        year=invoice.year,
        refdet=refdet_for(invoice.number),
        amount=view.balance,
        email=_email(uow, family_id),
        label=payfip_label(f"Facture {invoice.number} {commune.name}"),
        mode=settings.mode,
        notify_url=notify_url,
        return_url=return_url,
    )


def _store_attempt(
    uow: UnitOfWork,
    clock: Clock,
    family_id: int,
    invoice_number: str,
    order: PaymentOrder,
    id_op: str,
    actor: Actor,
) -> PaymentAttempt:
    """The attempt, stored under the family's lock once PayFiP gave the operation: refused if
    another attempt was opened meanwhile or the balance changed (the new operation is then
    never shown to anyone, and expires at PayFiP)."""
    uow.payments.lock_families([family_id])
    view = _family_invoice(uow, family_id, invoice_number)
    now = clock.now()
    others = [
        a for a in uow.attempts.of_invoice(view.invoice.number) if a.holds_back_a_new_attempt(now)
    ]
    if others or view.balance != order.amount:
        raise Conflict(
            f"La facture {view.invoice.number} vient de changer (un autre paiement ?) : "
            "rechargez la page avant de payer."
        )
    attempt = PaymentAttempt(
        family_id,
        view.invoice.number,
        order.refdet,
        order.amount,
        id_op,
        now,
        numcli=order.numcli,
        mode=order.mode,
    )
    uow.attempts.add(attempt)
    uow.audit.record(notices.online_payment_opened(attempt, actor))
    return attempt


def _commune(uow: UnitOfWork) -> Commune:
    commune = uow.communes.get()
    if commune is None:
        raise ConfigurationError("La commune n'est pas encore configurée.")
    return commune


def _family_invoice(uow: UnitOfWork, family_id: int, number: str) -> InvoiceView:
    """One of the family's invoices with its balance; another family's is NotFound."""
    account = family_account_now(uow, family_id)
    view = next((v for v in account.invoices if v.invoice.number == number), None)
    if view is None:
        raise NotFound("Facture introuvable.")
    return invoice_view(account, number)


def _email(uow: UnitOfWork, family_id: int) -> str:
    family = uow.families.get(family_id)
    email = recipient_of(uow, family, family_id)
    if not email:
        raise RuleViolation(
            "PayFiP envoie son justificatif par courriel : votre dossier n'a pas d'adresse "
            "e-mail. Ajoutez-en une (« Informations famille »), puis payez."
        )
    return email
