"""Withdrawing an absence signalled by mistake: the family before its first day, the desk until
a month it touches is invoiced."""

from __future__ import annotations

import pendulum
from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.errors import NotAllowed, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.absences.declaration import _alert_establishments, _child_of, _period
from portail_core.services.absences.justification import _forget_certificate
from portail_core.services.absences.listing import AbsenceLine

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
    today = clock.today()
    now = clock.now()
    with uow:
        if desk:  # a billing run going on finishes first, or waits for the withdrawal
            uow.invoices.lock_numbering(today.year)
        absence = uow.absences.get(absence_id, for_update=True)
        if absence is None or (family_id is not None and absence.family_id != family_id):
            raise NotFound(f"Aucune absence n° {absence_id}.")
        if not desk:
            refusal = absence.family_withdrawal_refusal(today)
            if refusal is not None:
                raise RuleViolation(refusal)
        _refuse_if_invoiced(uow, absence)
        family = uow.families.get(absence.family_id)
        if family is None:
            raise NotFound(f"Aucune famille n° {absence.family_id}.")
        child = _child_of(family, absence.child_id)
        uow.absences.delete(absence_id)
        alerted = _alert_establishments(
            uow, "absence_withdrawn", absence, child, family, actor, now
        )
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="absence.withdraw",
                summary=(
                    f"Absence n° {absence_id} de {child.first_name} ({_period(absence)}) retirée"
                    + (", certificat détruit" if absence.certificate_file else "")
                ),
                details={
                    "absence_id": absence_id,
                    "child_id": absence.child_id,
                    "first_day": absence.first_day.isoformat(),
                    "last_day": absence.last_day.isoformat(),
                    "certificate": absence.certificate_file is not None,
                    "justified": absence.justified,
                    "declared_by": absence.declared_by.identifier,
                },
                family_id=absence.family_id,
            )
        )
        uow.commit()
    if absence.certificate_file is not None:
        _forget_certificate(store, absence.certificate_file)
    return Withdrawal(AbsenceLine(absence, child.full_name, family.name), alerted)


def _month_name(month: str) -> str:
    year, number = month.split("-")
    return pendulum.date(int(year), int(number), 1).format("MMMM YYYY", locale="fr")


def _refuse_if_invoiced(uow: UnitOfWork, absence: Absence) -> None:
    """RuleViolation when a month the absence touches is invoiced to its family."""
    months = absence.months
    documents = [d for d in uow.invoices.of_family(absence.family_id) if d.month in months]
    if not documents:
        return
    invoiced = sorted({d.month for d in documents})
    named = " et ".join(
        f"{_month_name(m)} ({', '.join(d.number for d in documents if d.month == m)})"
        for m in invoiced
    )
    several = len(invoiced) > 1
    runs = " puis ".join(f"`portail billing run --month {m}`" for m in invoiced)
    raise RuleViolation(
        f"L'absence n° {absence.id} ({_period(absence)}) ne peut plus être retirée : {named} "
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
