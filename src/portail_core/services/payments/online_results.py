"""Learning what became of an online payment: only ever from PayFiP's own report
(recupererDetailPaiementSecurise), asked when PayFiP notifies the portal, when the family's
browser comes back, and by the periodic reconciliation.

Each of them may run at the same time as the others: the attempt's row is locked while a report
is taken, so that one payment is recorded, once. No lock is held while PayFiP answers.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.accounts.account import TooManyAttempts
from portail_core.domain.accounts.throttle import LoginThrottle, ip_key
from portail_core.domain.audit import Actor
from portail_core.domain.payments.attempt import AttemptState, PaymentAttempt
from portail_core.domain.payments.online import PayfipMode, PaymentReport
from portail_core.domain.payments.payment import PaymentMode
from portail_core.domain.shared.french_dates import hour_fr, numeric_day_fr
from portail_core.domain.shared.money import Money
from portail_core.errors import (
    NotFound,
    OnlinePaymentError,
    PaymentNotKnownYet,
    PaymentUnknown,
    PortailError,
    RuleViolation,
)
from portail_core.ports.clock import Clock
from portail_core.ports.payments import OnlinePaymentService
from portail_core.services.payments import notices
from portail_core.services.payments.receiving import Received, locked_invoice, receive

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "PAYFIP",
    "ReconcileReport",
    "check_online_payment",
    "reconcile_online_payments",
    "record_online_payment",
    "take_notification",
]

PAYFIP = Actor.system("PayFiP")
RECONCILE_FROM = timedelta(minutes=5)  # younger attempts: the family may still be on PayFiP
NOTIFICATIONS_PER_HOUR = 600  # from one address; PayFiP's own notify a town's payments


@frozen
class ReconcileReport:
    checked: int
    states: dict[str, int]  # the attempts' states afterwards, by label
    unreachable: int  # PayFiP did not answer (or the check failed) for these: asked again later


def check_online_payment(
    uow: UnitOfWorkFactory, payfip: OnlinePaymentService, clock: Clock, *, id_op: str
) -> PaymentAttempt | None:
    """Ask PayFiP what became of an operation and record it: the payment when paid (once,
    whoever asks first), the refusal, the abandon, the expiry. None for an operation the portal
    never opened; the attempt unchanged when PayFiP does not answer or has nothing new to say."""
    with uow(read_only=True) as reading:
        known = reading.attempts.by_id_op(id_op[:64])
    if known is None or not known.to_ask_again:
        return known
    try:
        report: PaymentReport | str = payfip.report(known.id_op)
    except (PaymentNotKnownYet, PaymentUnknown) as error:
        report = error.code
    except OnlinePaymentError:
        return known
    with uow() as writing:
        attempt = _take_report(writing, clock, known.id_op, report)
        writing.commit()
    return attempt


def take_notification(
    uow: UnitOfWorkFactory,
    payfip: OnlinePaymentService,
    clock: Clock,
    *,
    id_op: str,
    actor_ip: str,
) -> PaymentAttempt | None:
    """PayFiP's notification, unsigned: only « look again at this operation ». An operation
    the portal does not know, or has nothing more to learn about, is ignored; the others are
    counted per client address (``NOTIFICATIONS_PER_HOUR``, beyond which they are ignored, the
    reconciliation catching up), then checked."""
    with uow(read_only=True) as reading:
        known = reading.attempts.by_id_op(id_op[:64])
    if known is None or not known.to_ask_again:
        return known
    now = clock.now()
    key = ip_key(actor_ip, "payfip-notification")
    with uow() as counting:
        throttle = counting.throttles.get(key, for_update=True) or LoginThrottle(key)
        try:
            throttle.check_as_address(now, NOTIFICATIONS_PER_HOUR)
        except TooManyAttempts:
            return None
        throttle.fail_as_address(now)
        counting.throttles.save(throttle)
        counting.commit()
    return check_online_payment(uow, payfip, clock, id_op=id_op)


def reconcile_online_payments(
    uow: UnitOfWorkFactory, payfip: OnlinePaymentService, clock: Clock, *, days: int = 3
) -> ReconcileReport:
    """Ask again about every attempt PayFiP may still say something new about, opened between
    ``days`` days and five minutes ago: the notifications PayFiP never sent, the families who
    never came back, the late results. One failing attempt does not stop the others."""
    if not 1 <= days <= 30:
        raise RuleViolation("La réconciliation remonte de 1 à 30 jours.")
    now = clock.now()
    with uow(read_only=True) as reading:
        waiting = reading.attempts.to_check(now - timedelta(days=days), now - RECONCILE_FROM)
    states: Counter[str] = Counter()
    unreachable = 0
    for attempt in waiting:
        try:
            checked = check_online_payment(uow, payfip, clock, id_op=attempt.id_op)
        except PortailError:
            checked = None  # e.g. the invoice vanished: asked again next time, for the log
        if checked is None or checked.checked_at == attempt.checked_at:
            unreachable += 1
        else:
            states[checked.state.label] += 1
    return ReconcileReport(len(waiting), dict(states), unreachable)


def record_online_payment(
    uow: UnitOfWork,
    attempt: PaymentAttempt,
    amount: Money,
    reference: str,
    *,
    actor: Actor,
    now: pendulum.DateTime,
) -> None:
    """The money PayFiP collected, recorded on the invoice (the family's credit for what it no
    longer owes: paid at the desk or cancelled by a credit note meanwhile), receipt e-mailed."""
    invoice, view = locked_invoice(uow, attempt.invoice_number)
    paid_at = (attempt.paid_at or now).in_timezone("Europe/Paris")
    given = Received(
        amount,
        PaymentMode.PAYFIP,
        reference,
        date(paid_at.year, paid_at.month, paid_at.day),
    )
    receive(uow, invoice, view, given, action="payment.online", actor=actor, now=now)


def _take_report(
    uow: UnitOfWork, clock: Clock, id_op: str, report: PaymentReport | str
) -> PaymentAttempt:
    """Judge PayFiP's report under the attempt's lock; record the payment when it is paid."""
    attempt = uow.attempts.by_id_op(id_op, for_update=True)
    if attempt is None:
        raise NotFound("Opération de paiement inconnue.")
    if not attempt.to_ask_again:
        return attempt  # another check recorded it meanwhile
    now = clock.now()
    if isinstance(report, str):
        attempt.not_known_yet(report, now)
    elif attempt.judge(report, now) is AttemptState.PAID:
        reference = _reference(attempt, report)
        record_online_payment(uow, attempt, attempt.amount, reference, actor=PAYFIP, now=now)
    if attempt.state.for_the_desk:
        uow.audit.record(notices.online_payment_to_check(attempt, now))
    uow.attempts.update(attempt)
    return attempt


def _reference(attempt: PaymentAttempt, report: PaymentReport) -> str:
    """« PayFiP carte bancaire, autorisation 123456, le 05/10/2026 à 10h12 »; « PayFiP (mode
    test) ... » when no money moved."""
    paid_at = (attempt.paid_at or pendulum.now("UTC")).in_timezone("Europe/Paris")
    test = " (mode test)" if attempt.mode is PayfipMode.TEST else ""
    return (
        f"PayFiP{test} {report.means}, autorisation {attempt.authorisation or '?'}, "
        f"le {numeric_day_fr(paid_at.date())} à {hour_fr(paid_at)}"
    )
