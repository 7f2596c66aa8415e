"""Erasing a family's dossier at its request (RGPD, right to erasure), as far as the law allows.

Refused while the family owes money or has reservations to come. Otherwise, in one transaction:
the dossier is anonymised in place (the row stays, so that invoices and reservation history keep
pointing at it), its account, sessions, links and pending change requests are deleted, its
audit events lose their summaries and details, and its waiting-list entries end. Invoices and
payments are kept: public accounting must keep them (10 years). The supporting documents' files
are deleted once the transaction has committed.
"""

from __future__ import annotations

from datetime import date, timedelta

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import WaitingStatus
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.dossiers.guardians import Guardian, Relationship
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.billing.invoices import account_from
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import family_of

__all__ = ["ErasureReport", "anonymised", "erase_family"]

FUTURE = timedelta(days=800)


@frozen
class ErasureReport:
    family_id: int
    files_deleted: int
    events_redacted: int
    account_deleted: bool


def anonymised(family: Family) -> Family:
    """The same family with nothing left that identifies a person: children keep their id
    and birth year (statistics), nothing else."""
    number = family.id or 0
    children = [
        Child(
            first_name=f"Enfant {index}",
            last_name="",
            birth_date=date(child.birth_date.year, 1, 1),
            id=child.id,
        )
        for index, child in enumerate(family.children, start=1)
    ]
    guardian = Guardian(
        first_name="Responsable", last_name="effacé", relationship=Relationship.OTHER
    )
    return Family(
        name=f"Dossier effacé n° {number}",
        guardians=[guardian],
        resident=family.resident,
        children=children,
        id=family.id,
    )


def erase_family(
    uow: UnitOfWork, documents: DocumentStore, clock: Clock, *, family_id: int, actor: Actor
) -> ErasureReport:
    """Erase the family's dossier as the module docstring says; refused (RuleViolation) while
    it owes money or has reservations to come."""
    today, now = clock.today(), clock.now()
    with uow:
        family = family_of(uow, family_id, for_update=True)
        _refuse_while_owing(uow, family_id)
        _refuse_while_booked(uow, family, today)
        files = [d.file_id for d in family.documents]
        _leave_waiting_lists(uow, family_id, today)
        account_deleted = _delete_account(uow, family_id)
        uow.changes.delete_of_family(family_id)
        uow.families.update(anonymised(family), now)
        redacted = uow.audit.redact_family(family_id)
        uow.audit.record(notices.family_erased(family_id, len(files), account_deleted, actor, now))
        uow.commit()
    return ErasureReport(family_id, _delete_files(documents, files), redacted, account_deleted)


def _refuse_while_owing(uow: UnitOfWork, family_id: int) -> None:
    balance = account_from(
        uow.invoices.of_family(family_id), uow.payments.of_family(family_id)
    ).balance
    if balance.cents > 0:
        raise RuleViolation(
            f"Effacement refusé : la famille doit encore {balance.format_fr()}. "
            "Il sera possible une fois les factures réglées."
        )


def _refuse_while_booked(uow: UnitOfWork, family: Family, today: date) -> None:
    coming = [
        r
        for child in family.children
        if child.id is not None
        for r in uow.reservations.of_child(child.id, None, today, today + FUTURE)
    ]
    if coming:
        raise RuleViolation(
            f"Effacement refusé : {len(coming)} réservation(s) à venir. "
            "Annulez-les d'abord (portail reservations cancel)."
        )


def _leave_waiting_lists(uow: UnitOfWork, family_id: int, today: date) -> None:
    for entry in uow.waiting_list.active(None, today, today + FUTURE):
        if entry.family_id == family_id:
            entry.status = WaitingStatus.LEFT
            uow.waiting_list.update(entry)


def _delete_account(uow: UnitOfWork, family_id: int) -> bool:
    """Delete the family's account, if it has one (its sessions and links go with it)."""
    account = uow.accounts.of_family(family_id)
    if account is not None and account.id is not None:
        uow.accounts.delete(account.id)
    return account is not None


def _delete_files(documents: DocumentStore, files: list[str]) -> int:
    """Delete the documents' files (once the dossier no longer names them); how many were."""
    deleted = 0
    for file_id in files:
        try:
            documents.delete(file_id)
            deleted += 1
        except NotFound:
            continue
    return deleted
