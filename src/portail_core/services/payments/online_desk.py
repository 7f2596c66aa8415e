"""The desk's side of online payment: the attempts to follow up, the configuration check, and
settling an attempt PayFiP's answer left to the desk (paid, or closed without payment)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from portail_core.domain.audit import Actor
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.online import ClientDetails
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import ConfigurationError, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.payments import OnlinePaymentService
from portail_core.services.payments import notices
from portail_core.services.payments.desk import read_amount
from portail_core.services.payments.online_results import record_online_payment

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["check_payfip_client", "online_attempts", "settle_online_attempt"]

MAX_NOTE = 200


def online_attempts(uow: UnitOfWork, *, first: date, last: date) -> list[PaymentAttempt]:
    """Every attempt opened between two days, oldest first (the desk's follow-up)."""
    if first > last:
        raise RuleViolation("La date de début est après la date de fin.")
    with uow:
        return uow.attempts.listing(first, last)


def check_payfip_client(uow: UnitOfWork, payfip: OnlinePaymentService) -> ClientDetails:
    """Ask PayFiP whether it knows the commune's client number (recupererDetailClient)."""
    with uow:
        commune = uow.communes.get()
    if commune is None or not commune.online_payment.numcli:
        raise ConfigurationError(
            "Aucun numéro client PayFiP (numcli) n'est configuré : ajoutez une table [payfip] "
            "au fichier de la commune et chargez-le."
        )
    return payfip.client(commune.online_payment.numcli)


def settle_online_attempt(
    uow: UnitOfWork,
    clock: Clock,
    *,
    id_op: str,
    paid_amount: str | None,
    note: str,
    actor: Actor,
) -> PaymentAttempt:
    """The desk's decision on a rejected or failed attempt, once it has checked the régie's
    space on PayFiP: ``paid_amount`` (what PayFiP really collected) records it as paid, with
    its receipt; None closes it without payment. Either way the family may pay online again."""
    amount, text = _read(paid_amount, note)
    now = clock.now()
    with uow:
        attempt = uow.attempts.by_id_op(id_op.strip()[:64], for_update=True)
        if attempt is None:
            raise NotFound(f"Aucun paiement en ligne n° « {id_op.strip()[:64]} ».")
        if not attempt.state.for_the_desk:
            raise RuleViolation(
                f"Ce paiement en ligne est « {attempt.state.label} » : seul un paiement rejeté "
                "ou en erreur est réglé par le guichet."
            )
        attempt.settle(paid=amount is not None, note=text, now=now)
        if amount is not None:
            reference = f"PayFiP, vérifié par le guichet : {text}"[:60]
            record_online_payment(uow, attempt, amount, reference, actor=actor, now=now)
        uow.attempts.update(attempt)
        uow.audit.record(notices.online_payment_settled(attempt, amount, actor, now))
        uow.commit()
    return attempt


def _read(paid_amount: str | None, note: str) -> tuple[Money | None, str]:
    reader = InputReader()
    amount = None if paid_amount is None else read_amount(reader, paid_amount, "paid_amount")
    text = reader.line(
        "note",
        note,
        f"Dites ce que le guichet a vérifié ({MAX_NOTE} caractères au plus).",
        max_length=MAX_NOTE,
    )
    reader.raise_if_any("Le paiement en ligne n'a pas été réglé.")
    return amount, text
