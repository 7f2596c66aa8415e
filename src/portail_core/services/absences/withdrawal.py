"""Withdrawing an absence signalled by mistake: the family before its first day, the desk until
a month it touches is invoiced."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.shared.french_dates import month_fr
from portail_core.errors import NotAllowed, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.services.absences import notices
from portail_core.services.absences.common import (
    alert_establishments,
    family_and_child,
    forget_certificate,
)
from portail_core.services.absences.listing import AbsenceLine

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["Withdrawal", "withdraw_absence"]


@frozen
class Withdrawal:
    """What ``withdraw_absence`` did: the absence as it was, the structures told by e-mail."""

    line: AbsenceLine
    alerted: tuple[str, ...]  # the establishments' names

    @property
    def certificate_deleted(self) -> bool:
        return self.line.absence.certificate_file is not None


def withdraw_absence(
    uow: UnitOfWork,
    store: DocumentStore,
    clock: Clock,
    *,
    family_id: int | None,
    absence_id: int,
    actor: Actor,
) -> Withdrawal:
    """Withdraw an absence signalled by mistake: it is deleted, each establishment where the
    child is booked during it is told by e-mail (outbox), the withdrawal is audited
    (``absence.withdraw``), all in one transaction; its certificate's file is deleted once that
    is committed (nothing is deleted if the commit fails).

    A family (``family_id``, its own absences only: another's is NotFound) withdraws one whose
    first day is after today and that the desk has not justified; otherwise RuleViolation with
    the reason. The desk (``Channel.DESK``; ``family_id`` None for any family) also withdraws a
    justified, started or past one, but not once a month it touches is invoiced to the family
    (an invoice or credit note of that family for that month exists): RuleViolation naming the
    documents and the way to correct them instead (pointage or justification, then the month's
    billing run again, which cancels the invoice with a credit note and issues a new one).
    """
    desk = actor.channel is Channel.DESK
    if family_id is None and not desk:
        raise NotAllowed("Seul le guichet unique retire l'absence d'une autre famille.")
    now = clock.now()
    with uow:
        absence = _withdrawable(uow, absence_id, family_id, clock.today(), desk=desk)
        family, child = family_and_child(uow, absence)
        uow.absences.delete(absence_id)
        alerted = alert_establishments(
            uow, absence, child, family, withdrawn=True, actor=actor, now=now
        )
        uow.audit.record(notices.absence_withdrawn(absence, child, actor, now))
        uow.commit()
    if absence.certificate_file is not None:
        forget_certificate(store, absence.family_id, absence.certificate_file)
    return Withdrawal(AbsenceLine(absence, child.full_name, family.name), alerted)


def _withdrawable(
    uow: UnitOfWork, absence_id: int, family_id: int | None, today: date, *, desk: bool
) -> Absence:
    """The absence, locked, once the family or the desk may withdraw it."""
    if desk:  # a billing run going on finishes first, or waits for the withdrawal
        uow.invoices.lock_numbering(today.year)
    absence = uow.absences.get(absence_id, for_update=True)
    if absence is None or (family_id is not None and absence.family_id != family_id):
        raise NotFound(f"Aucune absence n° {absence_id}.")
    if not desk:
        refusal = absence.family_withdrawal_refusal(today)
        if refusal is not None:
            raise RuleViolation(refusal)
    documents = [d for d in uow.invoices.of_family(absence.family_id) if d.month in absence.months]
    if documents:
        raise RuleViolation(_invoiced(absence, documents))
    return absence


def _invoiced(absence: Absence, documents: Sequence[Invoice]) -> str:
    """Why an absence whose months are invoiced (``documents``) cannot be withdrawn, and how to
    correct it instead."""
    invoiced = sorted({d.month for d in documents})
    named = " et ".join(
        f"{month_fr(m)} ({', '.join(d.number for d in documents if d.month == m)})"
        for m in invoiced
    )
    several = len(invoiced) > 1
    runs = " puis ".join(f"`portail billing run --month {m}`" for m in invoiced)
    return (
        f"L'absence n° {absence.id} ({notices.period(absence)}) ne peut plus être retirée : "
        f"{named} "
        + ("sont déjà facturés" if several else "est déjà facturé")
        + " à la famille et "
        + ("les factures reposent" if several else "la facture repose")
        + " sur elle. Pour corriger, pointez l'enfant présent ces jours-là "
        "(`portail attendance record`)"
        + (
            f" ou retirez la justification (`portail absences justify {absence.id} --undo`)"
            if absence.justified
            else ""
        )
        + f", puis relancez la facturation ({runs}) : "
        + ("chaque facture est annulée" if several else "la facture est annulée")
        + " par un avoir et remplacée par une nouvelle."
    )
