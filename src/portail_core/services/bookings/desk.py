"""The guichet unique acting for a family (a phone call): what the agent typed is checked first,
with messages meant for staff, so that a typo answers clearly and writes nothing. The booking
itself is ``desk_booking.book_at_desk``, which checks its reason with ``forced_reason``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.shared.text import clean_line, printable
from portail_core.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "MAX_REASON",
    "MIN_REASON",
    "DeskTarget",
    "desk_target",
    "forced_reason",
    "staff_establishment",
]

MIN_REASON, MAX_REASON = 5, 300  # the history keeps the reason in 300 characters


def staff_establishment(uow: UnitOfWork, code: str) -> Establishment:
    """An establishment of the catalogue that takes reservations (inside ``uow``)."""
    establishment = uow.catalogue.get().establishment(code)
    if establishment is None:
        raise NotFound(
            f"Aucune structure « {printable(code, 40)} » au catalogue "
            "(voir `portail catalogue show`)."
        )
    if not establishment.units:
        raise NotFound(
            f"« {establishment.name} » ne prend que des pré-inscriptions : aucune réservation."
        )
    return establishment


@frozen
class DeskTarget:
    """Whom and where the desk books, named for the agent's confirmation."""

    family_name: str
    child_name: str
    establishment: Establishment


def desk_target(
    uow: UnitOfWork,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    unit_codes: tuple[str, ...],
) -> DeskTarget:
    """The family, its child, the establishment and its units exist; NotFound or InvalidInput
    otherwise, naming what is wrong."""
    with uow:
        family = uow.families.get(family_id)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id} (voir `portail family list`).")
        child = family.child(child_id)
        if child is None:
            known = ", ".join(f"n° {c.id} {c.first_name}" for c in family.children) or "aucun"
            raise NotFound(
                f"La famille {family.name} (n° {family_id}) n'a pas d'enfant n° {child_id} "
                f"(ses enfants : {known})."
            )
        establishment = staff_establishment(uow, establishment_code)
    unknown = [code for code in unit_codes if establishment.unit(code) is None]
    if unknown:
        shown = ", ".join(f"« {printable(code, 40)} »" for code in unknown)
        possible = ", ".join(u.code for u in establishment.units)
        raise InvalidInput(
            f"Unité inconnue à « {establishment.name} » : {shown} (unités : {possible})."
        )
    return DeskTarget(family.name, child.full_name, establishment)


def forced_reason(text: str) -> str:
    """Why the desk forces a change past a deadline: one line, 5 to 300 characters."""
    reason = clean_line(text)
    if reason is None:
        raise InvalidInput("La raison du forçage ne doit pas contenir de caractères de contrôle.")
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise InvalidInput(
            f"Indiquez la raison du forçage en {MIN_REASON} à {MAX_REASON} caractères "
            "(ex. : « enfant hospitalisé, appel de la mère »)."
        )
    return reason
