"""Changes that affect invoices: the family asks, the guichet unique approves or refuses."""

from __future__ import annotations

from datetime import date

import attrs

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.changes import ChangeKind, ChangeRequest, ChangeStatus
from portail_core.domain.dossiers.family import Family, FamilyQuotient
from portail_core.domain.dossiers.guardians import Address
from portail_core.domain.shared.text import clean_line
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import address_text, family_of

__all__ = [
    "approve_change",
    "list_changes",
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


def list_changes(
    uow: UnitOfWork, *, family_id: int | None = None, pending_only: bool = True
) -> list[ChangeRequest]:
    with uow:
        return uow.changes.listing(family_id=family_id, pending_only=pending_only)


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
