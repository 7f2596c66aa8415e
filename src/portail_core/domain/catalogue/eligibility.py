"""Who may use a unit on a date: age, the school attended, enrolment; and who may be booked in
an establishment at all.

Reservations check these on the server for every slot; the dossier provides the child's facts.
"""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.catalogue.establishments import (
    AgeGroup,
    Establishment,
    ServiceKind,
    Unit,
    age_in_years,
)

__all__ = ["ChildFacts", "Eligibility", "eligibility_of", "establishment_refusal"]


@frozen
class ChildFacts:
    """What eligibility needs to know about a child."""

    first_name: str
    birth_date: date
    school_code: str | None = None
    enrolments: frozenset[tuple[str, str]] = frozenset()  # (establishment, unit) codes
    expected: bool = False  # not born yet: nothing may be booked for it


NOT_BORN = "Un enfant à naître ne peut être ni inscrit ni réservé avant sa naissance."


@frozen
class Eligibility:
    """Eligible, with the age group that counts the child's place; or the reasons why not."""

    age_group: AgeGroup | None
    refusals: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.refusals


def eligibility_of(
    child: ChildFacts, establishment: Establishment, unit: Unit, day: date
) -> Eligibility:
    refusals: list[str] = [NOT_BORN] if child.expected else []
    if establishment.kind.serves_a_school and child.school_code != establishment.school_code:
        refusals.append(
            f"{child.first_name} n'est pas élève de l'école que dessert cette structure."
        )
    if unit.requires_enrolment and (establishment.code, unit.code) not in child.enrolments:
        refusals.append(
            f"« {unit.label} » demande une inscription préalable auprès du guichet unique."
        )
    group = next((g for g in unit.age_groups if g.admits(child.birth_date, day)), None)
    if unit.age_groups and group is None:
        age = age_in_years(child.birth_date, day)
        ranges = ", ".join(f"{g.min_age}-{g.max_age} ans" for g in unit.age_groups)
        refusals.append(
            f"{child.first_name} aura {age} an{'s' if age > 1 else ''} ce jour-là ; "
            f"« {unit.label} » accueille les {ranges}."
        )
    return Eligibility(group, tuple(refusals))


def establishment_refusal(child: ChildFacts, establishment: Establishment) -> str | None:
    """Why ``child`` may not be booked in ``establishment`` at all (None: it may): the
    establishment takes no reservations (no unit, or the SMA, which takes pre-registrations), or
    it serves the pupils of another school (an APS, a school restaurant)."""
    if child.expected:
        return NOT_BORN
    if not establishment.units or establishment.kind is ServiceKind.SMA:
        return (
            f"« {establishment.name} » ne prend pas de réservations sur le portail : "
            "adressez-vous au guichet unique."
        )
    if establishment.kind.serves_a_school and child.school_code != establishment.school_code:
        return (
            f"{child.first_name} n'est pas élève de l'école que dessert « {establishment.name} »."
        )
    return None
