"""Erasing a family's dossier at its request (RGPD, right to erasure), as far as the law allows.

Refused while the family owes money or has reservations to come. Otherwise, in one transaction,
nothing is left that names the family, its children, its account or its e-mail addresses:

- the dossier is anonymised in place (the row stays, so that invoices and reservations keep
  pointing at it; the children keep their number and birth year);
- its account, sessions and links, its change requests, its planning drafts, its calendar
  feed, the e-mails about it (sent or not) and the login throttles of its identifier and
  addresses are deleted;
- its waiting-list entries end;
- the audit trail stays append-only in spirit: no event is deleted, and each keeps its date,
  channel and action, so that the trail still shows that something was done, when and how. The
  family's events lose their summary and details; wherever the family was the actor (its
  account's identifier, or an e-mail address typed at a login), « famille effacée n° N »
  replaces it (a pseudonym: the dossier's number, itself anonymised). The reservations'
  history and the absences are pseudonymised alike (actor replaced, reasons blanked,
  certificates gone);
- the erasure itself is recorded: who, when, how many files.

Kept, as public accounting requires (10 years): the invoices and credit notes as issued (with
the name and address they were sent to) and the payments. The family's folder of the document
store is removed whole once the transaction has committed (supporting documents, absence
certificates, orphans of interrupted uploads).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs
from attrs import frozen

from portail_core.domain.accounts.throttle import identifier_key
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import WaitingStatus
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.dossiers.guardians import Guardian, Relationship
from portail_core.errors import RuleViolation
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.services.billing.invoices import account_from
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import family_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["PSEUDONYM", "ErasureReport", "anonymised", "erase_family"]

log = logging.getLogger(__name__)
FUTURE = timedelta(days=800)
PSEUDONYM = "famille effacée n° {}"


@frozen
class ErasureReport:
    family_id: int
    files_deleted: int
    events_redacted: int
    account_deleted: bool
    files_left: bool = False  # the folder could not be removed: ``purge-orphans`` will


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
    uow: UnitOfWork,
    documents: DocumentStore,
    clock: Clock,
    hasher: PasswordHasher,
    *,
    family_id: int,
    actor: Actor,
) -> ErasureReport:
    """Erase the family's dossier as the module docstring says; refused (RuleViolation) while
    it owes money or has reservations to come."""
    today, now = clock.today(), clock.now()
    with uow:
        family = family_of(uow, family_id, for_update=True)
        _refuse_while_owing(uow, family_id)
        _refuse_while_booked(uow, family, today)
        identities = _identities(uow, family)
        known = _files_of(uow, family)
        _leave_waiting_lists(uow, family_id)
        account_deleted = _delete_account(uow, family_id)
        _forget_throttles(uow, hasher, identities)
        uow.changes.delete_of_family(family_id)
        uow.drafts.delete_of_family(family_id)
        uow.calendar_feeds.delete_of_family(family_id)
        uow.preregistrations.delete_of_family(family_id)
        uow.sma_requests.delete_of_family(family_id)
        uow.allocations.delete_of_family(family_id)
        uow.outbox.forget_family(family_id, identities)
        uow.families.update(anonymised(family), now)
        pseudonym = PSEUDONYM.format(family_id)
        redacted = uow.audit.redact_family(family_id, identities, pseudonym)
        uow.reservations.pseudonymise_history(family_id, identities, pseudonym)
        _pseudonymise_absences(uow, family_id, identities, pseudonym)
        files = len(family.documents)
        uow.audit.record(notices.family_erased(family_id, files, account_deleted, actor, now))
        uow.commit()
    deleted, left = _delete_folder(documents, family_id, known)
    return ErasureReport(family_id, deleted, redacted, account_deleted, left)


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


def _identities(uow: UnitOfWork, family: Family) -> set[str]:
    """What names the family as an actor or a recipient: its account's identifier and e-mail,
    its guardians' e-mail addresses."""
    account = uow.accounts.of_family(family.id or 0)
    found = {guardian.email for guardian in family.guardians if guardian.email}
    if account is not None:
        found |= {account.identifier, account.email}
    return {identity for identity in found if identity}


def _leave_waiting_lists(uow: UnitOfWork, family_id: int) -> None:
    for entry in uow.waiting_list.of_family(family_id):
        if entry.active:
            entry.status = WaitingStatus.LEFT
            uow.waiting_list.update(entry)


def _delete_account(uow: UnitOfWork, family_id: int) -> bool:
    """Delete the family's account, if it has one (its sessions and links go with it)."""
    account = uow.accounts.of_family(family_id)
    if account is not None and account.id is not None:
        uow.accounts.delete(account.id)
    return account is not None


def _forget_throttles(uow: UnitOfWork, hasher: PasswordHasher, identities: Collection[str]) -> None:
    """The login and reset throttles of what the family may have typed (keyed by digests)."""
    for identity in identities:
        key = identifier_key(hasher.digest(identity))
        uow.throttles.delete(key)
        uow.throttles.delete("reset-" + key)


def _pseudonymise_absences(
    uow: UnitOfWork, family_id: int, identities: Collection[str], pseudonym: str
) -> None:
    """The absences stay (billing), declared by the pseudonym when the family did; their
    certificates go with the family's folder."""
    lowered = {identity.lower() for identity in identities}
    for absence in uow.absences.between(date.min, date.max, family_id=family_id):
        declared_by = absence.declared_by
        if declared_by.identifier.lower() in lowered:
            declared_by = Actor(pseudonym, declared_by.channel)
        uow.absences.update(attrs.evolve(absence, declared_by=declared_by, certificate_file=None))


def _files_of(uow: UnitOfWork, family: Family) -> list[str]:
    """The files the dossier and the absences name (an earlier version of the store may have
    kept them outside the family's folder)."""
    absences = uow.absences.between(date.min, date.max, family_id=family.id)
    certificates = [a.certificate_file for a in absences if a.certificate_file is not None]
    return [document.file_id for document in family.documents] + certificates


def _delete_folder(
    documents: DocumentStore, family_id: int, known: Collection[str]
) -> tuple[int, bool]:
    """Remove the family's folder of the document store (the dossier no longer names any of
    its files) and its ``known`` files: how many files, and whether some could not be
    removed."""
    try:
        return documents.delete_family(family_id, known), False
    except OSError as error:
        log.warning("dossier n° %s : fichiers non supprimés : %s", family_id, error)
        return 0, True
