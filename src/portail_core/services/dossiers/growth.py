"""The dossier grows after it is created: a child (born or expected) or a second guardian added,
an expected child's birth recorded, a child enrolled in (or withdrawn from) an activity that
asks for it (the EMS). Each change is audited; nothing is written when any input is wrong.

``join_child`` is the step other use cases share (a pre-registration accepted): inside their
unit of work, a child joins the family, duplicates explained unless allowed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.eligibility import eligibility_of
from portail_core.domain.catalogue.establishments import Catalogue, Establishment, Unit
from portail_core.domain.catalogue.school_levels import parse_level
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.duplicates import child_duplicate
from portail_core.domain.dossiers.family import Family
from portail_core.domain.dossiers.guardians import Guardian
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.dossiers import growth_notices as notices
from portail_core.services.dossiers.common import family_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "add_child",
    "add_guardian",
    "enrol_child",
    "join_child",
    "record_birth",
    "schooling_problems",
    "unenrol_child",
]

BOOKINGS_AHEAD = timedelta(days=400)  # how far ahead a withdrawal looks for reservations


def join_child(
    uow: UnitOfWork,
    family: Family,
    child: Child,
    *,
    actor: Actor,
    now: pendulum.DateTime,
    allow_duplicate: bool = False,
) -> Child:
    """Inside the caller's unit of work (``family`` read ``for_update``): ``child`` joins the
    family, which is updated and audited (the caller commits); ``child.id`` is set. A child the
    portal probably has already is a Conflict explaining why, unless ``allow_duplicate``."""
    others = uow.families.listing()
    duplicate = child_duplicate(child, family, others)
    if duplicate is not None and not allow_duplicate:
        raise Conflict(
            f"{_named(child)} semble déjà connu : {duplicate}. Vérifiez ; s'il s'agit bien "
            "d'un autre enfant, relancez avec --allow-duplicate."
        )
    family.add_child(child)
    uow.families.update(family, now)
    uow.audit.record(notices.child_added(family, child, duplicate, actor, now))
    return child


def _named(child: Child) -> str:
    return "L'enfant à naître" if child.expected else child.full_name


def schooling_problems(catalogue: Catalogue, child: Child) -> dict[str, str]:
    """The child's school must be one of the catalogue's, its class a school level (« CP »,
    or two for a double-level class: « GS-CP »)."""
    problems: dict[str, str] = {}
    schools = [school.code for school in catalogue.schools]
    if child.school_code is not None and child.school_code not in schools:
        known = ", ".join(schools) or "aucune n'est chargée"
        problems["school_code"] = (
            f"L'école « {child.school_code} » n'est pas au catalogue de la commune "
            f"(écoles : {known})."
        )
    if child.school_class is not None:
        try:
            levels = [parse_level(part).value for part in child.school_class.split("-")]
        except InvalidInput as error:
            problems["school_class"] = next(iter(error.problems.values()), error.message)
        else:
            child.school_class = "-".join(levels)
    return problems


def add_child(
    uow: UnitOfWork,
    family_id: int,
    child: Child,
    *,
    actor: Actor,
    clock: Clock,
    allow_duplicate: bool = False,
) -> Child:
    """The desk adds a child (built by ``Child.create`` or ``Child.create_expected``) to an
    existing dossier: school and class checked against the catalogue and the school levels,
    duplicates explained (Conflict) unless ``allow_duplicate``; audited."""
    now = clock.now()
    with uow:
        family = family_of(uow, family_id, for_update=True)
        problems = schooling_problems(uow.catalogue.get(), child)
        if problems:
            raise InvalidInput("L'enfant n'a pas été ajouté.", problems)
        join_child(uow, family, child, actor=actor, now=now, allow_duplicate=allow_duplicate)
        uow.commit()
        return child


def add_guardian(
    uow: UnitOfWork, family_id: int, guardian: Guardian, *, actor: Actor, clock: Clock
) -> Family:
    """The desk adds the second legal guardian (built by ``Guardian.create``); audited. Their
    address does not change the family's residency (the main guardian's decides it)."""
    now = clock.now()
    with uow:
        family = family_of(uow, family_id, for_update=True)
        family.add_guardian(guardian)
        uow.families.update(family, now)
        uow.audit.record(notices.guardian_added(family, guardian, actor, now))
        uow.commit()
        return family


def record_birth(
    uow: UnitOfWork,
    family_id: int,
    child_id: int,
    *,
    first_name: str,
    birth_date: date,
    actor: Actor,
    clock: Clock,
) -> Child:
    """An expected child is born: its first name and birth date; from now on it may be booked
    and the dossier asks for its health information. Audited."""
    now = clock.now()
    with uow:
        family, child = _family_and_child(uow, family_id, child_id)
        child.record_birth(first_name=first_name, birth_date=birth_date, today=clock.today())
        same = (child.first_name.casefold(), child.birth_date)
        others = [c for c in family.born_children if c is not child]
        if any((c.first_name.casefold(), c.birth_date) == same for c in others):
            raise Conflict(f"{child.full_name} figure déjà dans le dossier.")
        uow.families.update(family, now)
        uow.audit.record(notices.birth_recorded(family, child, actor, now))
        uow.commit()
        return child


def _family_and_child(uow: UnitOfWork, family_id: int, child_id: int) -> tuple[Family, Child]:
    family = family_of(uow, family_id, for_update=True)
    child = family.child(child_id)
    if child is None:
        raise NotFound(f"Aucun enfant n° {child_id} dans le dossier n° {family_id}.")
    return family, child


def _place(
    catalogue: Catalogue, establishment_code: str, unit_code: str
) -> tuple[Establishment, Unit]:
    establishment = catalogue.establishment(establishment_code)
    if establishment is None:
        known = ", ".join(e.code for e in catalogue.establishments) or "aucune"
        raise NotFound(f"Aucune structure « {establishment_code} » au catalogue ({known}).")
    unit = establishment.unit(unit_code)
    if unit is None:
        known = ", ".join(u.code for u in establishment.units) or "aucune"
        raise NotFound(
            f"« {establishment.name} » n'a pas d'activité « {unit_code} » (activités : {known})."
        )
    return establishment, unit


def enrol_child(
    uow: UnitOfWork,
    family_id: int,
    child_id: int,
    *,
    establishment_code: str,
    unit_code: str,
    actor: Actor,
    clock: Clock,
) -> bool:
    """Enrol the child in an activity that asks for an enrolment (the EMS), if the child may
    attend it today (school, age); False when enrolled already. Audited."""
    now, today = clock.now(), clock.today()
    with uow:
        family, child = _family_and_child(uow, family_id, child_id)
        establishment, unit = _place(uow.catalogue.get(), establishment_code, unit_code)
        if not unit.requires_enrolment:
            raise Conflict(
                f"« {unit.label} » ({establishment.name}) ne demande pas d'inscription : "
                "la famille réserve directement."
            )
        key = (establishment.code, unit.code)
        if key in child.enrolments:
            return False
        child.enrolments = child.enrolments | {key}
        refusals = eligibility_of(child.facts(), establishment, unit, today).refusals
        if refusals:
            raise Conflict(f"{child.full_name} ne peut pas être inscrit : " + " ".join(refusals))
        uow.families.update(family, now)
        uow.audit.record(
            notices.enrolment_changed(
                family, child, establishment, unit, enrolled=True, actor=actor, now=now
            )
        )
        uow.commit()
        return True


def unenrol_child(
    uow: UnitOfWork,
    family_id: int,
    child_id: int,
    *,
    establishment_code: str,
    unit_code: str,
    actor: Actor,
    clock: Clock,
) -> None:
    """End the child's enrolment; refused while the child has reservations to come there (the
    desk cancels them first). Audited."""
    now, today = clock.now(), clock.today()
    with uow:
        family, child = _family_and_child(uow, family_id, child_id)
        establishment, unit = _place(uow.catalogue.get(), establishment_code, unit_code)
        key = (establishment.code, unit.code)
        if key not in child.enrolments:
            raise Conflict(f"{child.full_name} n'est pas inscrit à « {unit.label} ».")
        booked = [
            r
            for r in uow.reservations.of_child(
                child_id, establishment.code, today, today + BOOKINGS_AHEAD
            )
            if r.unit_code == unit.code
        ]
        if booked:
            raise Conflict(
                f"{child.full_name} a {len(booked)} réservation(s) à venir à « {unit.label} » "
                f"(la première le {numeric_day_fr(booked[0].day)}) : annulez-les d'abord."
            )
        child.enrolments = child.enrolments - {key}
        uow.families.update(family, now)
        uow.audit.record(
            notices.enrolment_changed(
                family, child, establishment, unit, enrolled=False, actor=actor, now=now
            )
        )
        uow.commit()
