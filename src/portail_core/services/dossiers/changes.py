"""Changes that affect invoices: the family asks, the guichet unique approves or refuses.

An address or a quotient familial is asked for on its own page; a child's PAI switched on or
off, or its end of validity, from the child's health form (``family_pai``, in the form's
transaction): until the desk approves it, the child keeps its PAI and its price."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs
import pendulum

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.changes import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    family_pai_problems,
    pai_needs_validation,
    pai_text,
)
from portail_core.domain.dossiers.child import Child, Pai
from portail_core.domain.dossiers.family import Family, FamilyQuotient
from portail_core.domain.dossiers.guardians import Address
from portail_core.domain.shared.text import clean_line
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import address_text, family_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "approve_change",
    "family_pai",
    "list_changes",
    "pending_pai",
    "reject_change",
    "request_address_change",
    "request_quotient_change",
]


def request_address_change(
    uow: UnitOfWork,
    family_id: int,
    *,
    street: str,
    postcode: str,
    city: str,
    actor: Actor,
    clock: Clock,
) -> ChangeRequest:
    """The main guardian's new address, to be approved (it may change the family's tariffs)."""
    address = Address.create(street=street, postcode=postcode, city=city)
    proposed = {"street": address.street, "postcode": address.postcode, "city": address.city}
    with uow:
        family = uow.families.get(family_id)
    current = family.main_guardian.address if family else None
    proposed["previous"] = address_text(current)
    return _request(uow, family_id, ChangeKind.ADDRESS, proposed, actor, clock)


def request_quotient_change(
    uow: UnitOfWork,
    family_id: int,
    *,
    value: str,
    source: str,
    valid_from: date | str,
    actor: Actor,
    clock: Clock,
) -> ChangeRequest:
    """A new quotient familial, to be approved against its attestation (``valid_from`` may be
    typed 01/09/2026 or 2026-09-01)."""
    quotient = FamilyQuotient.create(value=value, source=source, valid_from=valid_from)
    proposed = {
        "value": str(quotient.value),
        "source": quotient.source.value,
        "valid_from": quotient.valid_from.isoformat(),
    }
    return _request(uow, family_id, ChangeKind.QUOTIENT, proposed, actor, clock)


def _request(
    uow: UnitOfWork,
    family_id: int,
    kind: ChangeKind,
    proposed: dict[str, str],
    actor: Actor,
    clock: Clock,
) -> ChangeRequest:
    """Record the family's request, unless one of the same kind is waiting already."""
    now = clock.now()
    with uow:
        family_of(uow, family_id)
        if any(change.kind is kind for change in uow.changes.listing(family_id=family_id)):
            raise Conflict(
                f"Un changement {kind.of_label} attend déjà la validation du guichet unique."
            )
        change = ChangeRequest(family_id, kind, proposed, now, actor.identifier)
        uow.changes.add(change)
        uow.audit.record(notices.change_requested(change, actor, now))
        uow.commit()
        return change


def family_pai(
    uow: UnitOfWork,
    family: Family,
    old: Child,
    new: Child,
    *,
    actor: Actor,
    now: pendulum.DateTime,
    today: date,
) -> tuple[Child, ChangeRequest | None]:
    """Inside the caller's unit of work, what a family's health form does to ``old``'s PAI
    (``new``: the child as typed): refused without an end of validity or instructions; a PAI
    switched on or off, or a new end of validity, recorded as a request for the desk while the
    child keeps its PAI (its instructions are saved at once); the rest as typed."""
    problems = family_pai_problems(old.pai, new.pai, today)
    if problems:
        raise InvalidInput("Les informations de santé n'ont pas été enregistrées.", problems)
    if not pai_needs_validation(old.pai, new.pai) or new.pai is None:
        return new, None
    kept = old.pai
    if kept is not None and kept.has_pai and new.pai.has_pai:
        kept = attrs.evolve(kept, instructions=new.pai.instructions)
    kept_child = attrs.evolve(new, pai=kept)
    waiting = pending_pai(uow, family, old)
    if waiting is not None:
        if not _same_request(waiting.proposed_pai(), new.pai, old.pai):
            raise Conflict(
                f"Un changement du PAI de {old.first_name} attend déjà la validation du guichet "
                "unique : il ne peut pas être modifié d'ici là (adressez-vous au guichet unique)."
            )
        return kept_child, None  # asked already
    assert family.id is not None  # noqa: S101  (read from storage)
    request = ChangeRequest.for_pai(family.id, old, new.pai, at=now, by=actor.identifier)
    uow.changes.add(request)
    uow.audit.record(notices.change_requested(request, actor, now))
    return kept_child, request


def _same_request(asked: Pai, wanted: Pai, current: Pai | None) -> bool:
    """Asked again: the same switch and date (and instructions, when they wait with it)."""
    same = (asked.has_pai, asked.valid_until) == (wanted.has_pai, wanted.valid_until)
    instructions_wait = asked.has_pai and not (current is not None and current.has_pai)
    return same and (not instructions_wait or asked.instructions == wanted.instructions)


def pending_pai(uow: UnitOfWork, family: Family, child: Child) -> ChangeRequest | None:
    """The child's PAI change waiting for the desk, if any."""
    return next(
        (
            c
            for c in uow.changes.listing(family_id=family.id)
            if c.kind is ChangeKind.PAI and c.child_id == child.id
        ),
        None,
    )


def list_changes(
    uow: UnitOfWork,
    *,
    family_id: int | None = None,
    pending_only: bool = True,
    health_read_by: Actor | None = None,
    clock: Clock | None = None,
) -> list[ChangeRequest]:
    """Change requests, oldest first; with ``health_read_by`` (and a ``clock``), showing the
    PAI changes to that person is a recorded health read."""
    with uow:
        changes = uow.changes.listing(family_id=family_id, pending_only=pending_only)
        if health_read_by is not None and clock is not None:
            _record_pai_reads(uow, changes, health_read_by, clock.now())
            uow.commit()
        return changes


def _record_pai_reads(
    uow: UnitOfWork, changes: list[ChangeRequest], actor: Actor, now: pendulum.DateTime
) -> None:
    children: dict[int, set[int]] = {}
    for change in changes:
        if change.child_id is not None:
            children.setdefault(change.family_id, set()).add(change.child_id)
    for family_id, child_ids in sorted(children.items()):
        family = uow.families.get(family_id)
        shown = [c for c in family.children if c.id in child_ids] if family else []
        if family is not None and shown:
            uow.audit.record(notices.health_read(family, shown, actor, now))


def approve_change(
    uow: UnitOfWork,
    change_id: int,
    *,
    actor: Actor,
    clock: Clock,
    resident: bool | None = None,
) -> ChangeRequest:
    """Apply the change to the dossier (the history keeps old -> new).

    An address change needs ``resident``: staff say whether the new address is in the commune
    (it decides the tariffs). It is refused if the address changed since the family asked.
    """
    now = clock.now()
    with uow:
        change = _pending(uow, change_id)
        family = family_of(uow, change.family_id, for_update=True)
        if change.kind is ChangeKind.ADDRESS:
            before = _move_main_guardian(family, change.proposed, resident)
        elif change.kind is ChangeKind.PAI:
            before = _set_pai(family, change)
        else:
            before = _set_quotient(family, change.proposed)
        uow.families.update(family, now)
        change.status, change.decided_at = ChangeStatus.APPROVED, now
        change.decided_by = actor.identifier
        uow.changes.update(change)
        uow.audit.record(notices.change_approved(change, before, actor, now))
        uow.commit()
        return change


def _move_main_guardian(family: Family, proposed: dict[str, str], resident: bool | None) -> str:
    """Give the main guardian the proposed address, and the family its residency (which staff
    must give); the old address, as text. Refused if it changed since the family asked."""
    if resident is None:
        raise InvalidInput("Précisez si la nouvelle adresse est dans la commune.")
    guardian = family.main_guardian
    old = address_text(guardian.address)
    if old != proposed.get("previous", old):
        raise Conflict(
            "L'adresse a changé depuis la demande : refusez-la et "
            "demandez à la famille de la refaire."
        )
    family.resident = resident
    new_address = Address.create(
        street=proposed["street"], postcode=proposed["postcode"], city=proposed["city"]
    )
    family.guardians[0] = attrs.evolve(guardian, address=new_address)
    return old


def _set_pai(family: Family, change: ChangeRequest) -> str:
    """Give the child the PAI asked for (seen on the signed PAI by the desk); the old one, as
    text. Refused if the child's PAI changed since the family asked."""
    child = family.child(change.child_id or 0)
    if child is None:
        raise Conflict("L'enfant de cette demande n'est plus dans le dossier : refusez-la.")
    old = pai_text(child.pai)
    if old != change.proposed.get("previous", old):
        raise Conflict(
            f"Le PAI de {child.first_name} a changé depuis la demande : refusez-la et "
            "demandez à la famille de la refaire."
        )
    wanted = change.proposed_pai()
    if wanted.has_pai and child.pai is not None and child.pai.has_pai:
        wanted = attrs.evolve(wanted, instructions=child.pai.instructions)  # kept up to date
    family.children[family.children.index(child)] = attrs.evolve(child, pai=wanted)
    return old


def _set_quotient(family: Family, proposed: dict[str, str]) -> str:
    """Give the family the proposed quotient; the old one, as text."""
    old = family.quotient
    family.set_quotient(
        FamilyQuotient.create(
            value=proposed["value"],
            source=proposed["source"],
            valid_from=date.fromisoformat(proposed["valid_from"]),
        )
    )
    return f"{old.value} ({old.source.value})" if old else ""


def reject_change(
    uow: UnitOfWork, change_id: int, *, reason: str, actor: Actor, clock: Clock
) -> ChangeRequest:
    """Refuse the change, saying why (the family sees the reason)."""
    why = clean_line(reason) or ""
    if not 3 <= len(why) <= 300:
        raise InvalidInput("Indiquez la raison du refus (3 à 300 caractères).")
    now = clock.now()
    with uow:
        change = _pending(uow, change_id)
        change.status, change.decided_at = ChangeStatus.REJECTED, now
        change.decided_by, change.reason = actor.identifier, why
        uow.changes.update(change)
        uow.audit.record(notices.change_rejected(change, actor, now))
        uow.commit()
        return change


def _pending(uow: UnitOfWork, change_id: int) -> ChangeRequest:
    change = uow.changes.get(change_id, for_update=True)
    if change is None:
        raise NotFound(f"Aucune demande de changement n° {change_id}.")
    if change.status is not ChangeStatus.PENDING:
        raise Conflict(f"La demande n° {change_id} a déjà été traitée ({change.status.label}).")
    return change
