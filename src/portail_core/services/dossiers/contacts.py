"""Contacts: a guardian's phones and e-mail, the persons authorised to pick the children up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.family import MAX_AUTHORIZED_PERSONS, Family
from portail_core.domain.dossiers.guardians import AuthorizedPerson, Guardian
from portail_core.errors import Conflict, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.accounts.email_change import propose_email_change
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import family_of, guardian_with, history_text

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

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
        family, old = _family_and_guardian(uow, family_id, guardian_number)
        new = guardian_with(old, phones=phones, email=email or "")  # None clears it here
        changes = _contact_changes(guardian_number, old, new)
        if changes:
            family.guardians[guardian_number - 1] = new
            uow.families.update(family, now)
            uow.audit.record(notices.contact_updated(family_id, new, changes, actor, now))
            if guardian_number == 1 and "guardians.1.email" in changes:
                propose_email_change(
                    uow, family_id, new.email, public_url=public_url, actor=actor, now=now
                )
            uow.commit()
        return family


def _family_and_guardian(uow: UnitOfWork, family_id: int, number: int) -> tuple[Family, Guardian]:
    """The family, locked, and its ``number``-th guardian (from 1)."""
    family = uow.families.get(family_id, for_update=True)
    if family is None or not 1 <= number <= len(family.guardians):
        raise NotFound("Responsable légal introuvable.")
    return family, family.guardians[number - 1]


def _contact_changes(number: int, old: Guardian, new: Guardian) -> dict[str, list[str]]:
    """The phones and e-mail that changed, old -> new, keyed ``guardians.<number>.<field>``."""
    return {
        f"guardians.{number}.{name}": [
            history_text(getattr(old, name)),
            history_text(getattr(new, name)),
        ]
        for name in ("phones", "email")
        if getattr(old, name) != getattr(new, name)
    }


def add_authorized_person(
    uow: UnitOfWork, family_id: int, person: AuthorizedPerson, *, actor: Actor, clock: Clock
) -> None:
    """A person who may pick the children up or be called in an emergency."""
    _change_authorized_persons(
        uow, family_id, lambda people: [*people, person], actor, clock, added=person
    )


def remove_authorized_person(
    uow: UnitOfWork, family_id: int, number: int, *, actor: Actor, clock: Clock
) -> None:
    """Remove the ``number``-th authorised person (from 1)."""

    def without(people: list[AuthorizedPerson]) -> list[AuthorizedPerson]:
        if not 1 <= number <= len(people):
            raise NotFound("Personne autorisée introuvable.")
        return [p for i, p in enumerate(people, start=1) if i != number]

    _change_authorized_persons(uow, family_id, without, actor, clock, added=None)


def _change_authorized_persons(
    uow: UnitOfWork,
    family_id: int,
    change: Callable[[list[AuthorizedPerson]], list[AuthorizedPerson]],
    actor: Actor,
    clock: Clock,
    *,
    added: AuthorizedPerson | None,
) -> None:
    """Replace the family's authorised persons by ``change`` of them (``added`` one, or one
    removed), within the limit."""
    now = clock.now()
    with uow:
        family = family_of(uow, family_id, for_update=True)
        before = list(family.authorized_persons)
        people = change(list(before))
        if len(people) > MAX_AUTHORIZED_PERSONS:
            raise Conflict(f"{MAX_AUTHORIZED_PERSONS} personnes autorisées au plus.")
        family.authorized_persons = people
        uow.families.update(family, now)
        uow.audit.record(
            notices.authorized_persons_changed(family_id, before, people, actor, now, added=added)
        )
        uow.commit()
