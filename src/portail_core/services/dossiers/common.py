"""What several dossier use cases share: finding the family, changing a guardian's contact
details, writing values as text for the history (old -> new)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portail_core.domain.dossiers.family import Family
from portail_core.domain.dossiers.guardians import Address, Guardian
from portail_core.errors import NotFound

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["address_text", "family_of", "guardian_with", "history_text"]


def family_of(uow: UnitOfWork, family_id: int, *, for_update: bool = False) -> Family:
    """The family (locked with ``for_update``); NotFound « Aucune famille n° … » if none."""
    family = uow.families.get(family_id, for_update=for_update)
    if family is None:
        raise NotFound(f"Aucune famille n° {family_id}.")
    return family


def guardian_with(
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


def history_text(value: object) -> str:
    """A value as the history shows it: phones joined by commas, nothing for None."""
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def address_text(address: Address | None) -> str:
    """« 3 rue des Lilas, 33000 Bordeaux », or nothing."""
    return f"{address.street}, {address.postcode} {address.city}" if address else ""
