"""Contacts: a guardian's phones and e-mail, the persons authorised to pick the children up."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.family import (
    MAX_AUTHORIZED_PERSONS,
    Family,
)
from portail_core.domain.dossiers.guardians import AuthorizedPerson, Guardian
from portail_core.errors import Conflict, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.accounts.email_change import propose_email_change

__all__ = ["add_authorized_person", "remove_authorized_person", "update_guardian_contact"]


def update_guardian_contact(
    uow: UnitOfWork,
    family_id: int,
    guardian_number: int,
    *,
    phones: list[str],
    email: str | None,
    public_url: str,
    actor: Actor,
    clock: Clock,
) -> Family:
    """Change a guardian's phones and e-mail (effective at once; the history keeps old -> new).

    A new e-mail for the main guardian reaches the account only once confirmed with the link
    sent to it (``propose_email_change``, in the same transaction). The address, which decides
    residency and so the tariff, is changed by the guichet unique.
    """
    now = clock.now()
    with uow:
        family = uow.families.get(family_id, for_update=True)
        if family is None or not 1 <= guardian_number <= len(family.guardians):
            raise NotFound("Responsable légal introuvable.")
        old = family.guardians[guardian_number - 1]
        new = _guardian_with(old, phones=phones, email=email or "")  # None clears it here
        prefix = f"guardians.{guardian_number}"
        changes = {
            f"{prefix}.{name}": [_text(getattr(old, name)), _text(getattr(new, name))]
            for name in ("phones", "email")
            if getattr(old, name) != getattr(new, name)
        }
        if changes:
            family.guardians[guardian_number - 1] = new
            uow.families.update(family, now)
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="family.contact_update",
                    summary=f"Coordonnées de {new.first_name} {new.last_name} modifiées",
                    details={"changes": changes},
                    family_id=family_id,
                )
            )
            if guardian_number == 1 and f"{prefix}.email" in changes:
                propose_email_change(
                    uow, family_id, new.email, public_url=public_url, actor=actor, now=now
                )
            uow.commit()
        return family


def _guardian_with(
    old: Guardian,
    *,
    phones: Sequence[str] | None = None,
    email: str | None = None,
    street: str | None = None,
    postcode: str | None = None,
    city: str | None = None,
) -> Guardian:
    """The guardian with the given contact details changed (None keeps one as it is), checked
    by ``Guardian.create``: InvalidInput lists every problem."""
    address = old.address
    return Guardian.create(
        first_name=old.first_name,
        last_name=old.last_name,
        relationship=old.relationship.value,
        street=street if street is not None else (address.street if address else None),
        postcode=postcode if postcode is not None else (address.postcode if address else None),
        city=city if city is not None else (address.city if address else None),
        phones=phones if phones is not None else old.phones,
        email=email if email is not None else old.email,
        employer_name=old.employer.name if old.employer else None,
        employer_phone=old.employer.phone if old.employer else None,
    )


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def add_authorized_person(
    uow: UnitOfWork, family_id: int, person: AuthorizedPerson, *, actor: Actor, clock: Clock
) -> None:
    """A person who may pick the children up or be called in an emergency."""
    _change_authorized_persons(
        uow,
        family_id,
        lambda people: [*people, person],
        actor,
        clock,
        f"Personne autorisée ajoutée : {person.full_name}",
    )


def remove_authorized_person(
    uow: UnitOfWork, family_id: int, number: int, *, actor: Actor, clock: Clock
) -> None:
    """Remove the ``number``-th authorised person (from 1)."""

    def without(people: list[AuthorizedPerson]) -> list[AuthorizedPerson]:
        if not 1 <= number <= len(people):
            raise NotFound("Personne autorisée introuvable.")
        return [p for i, p in enumerate(people, start=1) if i != number]

    _change_authorized_persons(uow, family_id, without, actor, clock, "Personne autorisée retirée")


def _change_authorized_persons(
    uow: UnitOfWork,
    family_id: int,
    change: Callable[[list[AuthorizedPerson]], list[AuthorizedPerson]],
    actor: Actor,
    clock: Clock,
    summary: str,
) -> None:
    now = clock.now()
    with uow:
        family = uow.families.get(family_id, for_update=True)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        before = [p.full_name for p in family.authorized_persons]
        people = change(list(family.authorized_persons))
        if len(people) > MAX_AUTHORIZED_PERSONS:
            raise Conflict(f"{MAX_AUTHORIZED_PERSONS} personnes autorisées au plus.")
        family.authorized_persons = people
        uow.families.update(family, now)
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="family.authorized_persons",
                summary=summary,
                details={
                    "changes": {
                        "authorized_persons": [
                            ", ".join(before),
                            ", ".join(p.full_name for p in people),
                        ]
                    }
                },
                family_id=family_id,
            )
        )
        uow.commit()
