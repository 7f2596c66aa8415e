"""Everything that can be wrong in a commune's catalogue, found at once.

Each problem names where it is as a path of codes (establishment "APS-PLAGE", unit "MATIN",
field "tariffs"), so that whoever reads the catalogue (the commune file reader) can point to the
exact place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import pairwise

from attrs import frozen

from portail_core.domain.bookings.rules import BookingRules, DeadlineSchedule
from portail_core.domain.catalogue.establishments import Catalogue, Establishment, Unit
from portail_core.domain.catalogue.school_map import map_problems
from portail_core.domain.shared.french_dates import numeric_day_fr

__all__ = ["CODE_PATTERN", "Problem", "catalogue_problems"]

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", re.ASCII)
_LIMITS = {"name": 200, "label": 200, "address": 300}
_CODE_RULE = "un code s'écrit en majuscules, chiffres, - ou _ (40 caractères au plus)"


@frozen
class Problem:
    """``where``: ("establishments", "APS-PLAGE", "units", "MATIN", "tariffs", 1)."""

    where: tuple[str | int, ...]
    message: str


def _duplicates(codes: Iterable[str]) -> list[str]:
    return sorted(code for code, count in Counter(codes).items() if count > 1)


def catalogue_problems(catalogue: Catalogue) -> list[Problem]:
    return list(_catalogue(catalogue))


def _text_fields(item: object, here: tuple[str | int, ...]) -> Iterator[Problem]:
    code = getattr(item, "code", None)
    if isinstance(code, str) and not CODE_PATTERN.match(code):
        yield Problem((*here, "code"), _CODE_RULE)
    for name, limit in _LIMITS.items():
        value = getattr(item, name, None)
        if isinstance(value, str) and len(value) > limit:
            yield Problem((*here, name), f"{limit} caractères au plus")
    regulation = getattr(item, "regulation", None)
    if isinstance(regulation, str) and len(regulation) > 40:
        yield Problem((*here, "regulation_version"), "40 caractères au plus")
    email = getattr(item, "contact_email", None)
    if isinstance(email, str) and (len(email) > 254 or not _EMAIL.match(email)):
        yield Problem((*here, "contact_email"), "adresse e-mail invalide")


def _overlapping(periods: list[tuple[date, date]]) -> bool:
    ordered = sorted(periods)
    return any(after[0] <= before[1] for before, after in pairwise(ordered))


def _catalogue(catalogue: Catalogue) -> Iterator[Problem]:
    for school in catalogue.schools:
        yield from _text_fields(school, ("schools", school.code))
    for code in _duplicates(s.code for s in catalogue.schools):
        yield Problem(("schools", code), f"le code d'école « {code} » est utilisé plusieurs fois")
    for code in _duplicates(e.code for e in catalogue.establishments):
        yield Problem(("establishments", code), f"le code « {code} » est utilisé plusieurs fois")
    schools = {s.code for s in catalogue.schools}
    for establishment in catalogue.establishments:
        yield from _establishment(establishment, schools)
    for place, message in map_problems(catalogue.school_map, schools):
        yield Problem(("school_map", *place), message)


def _establishment(establishment: Establishment, schools: set[str]) -> Iterator[Problem]:
    here: tuple[str | int, ...] = ("establishments", establishment.code)
    yield from _text_fields(establishment, here)
    kind = establishment.kind
    if kind.serves_a_school and establishment.school_code is None:
        yield Problem(
            (*here, "school"), f"un service « {kind.label} » dessert une école : indiquez laquelle"
        )
    if establishment.school_code is not None and establishment.school_code not in schools:
        yield Problem((*here, "school"), f"école inconnue : « {establishment.school_code} »")
    if kind.value == "SMA" and establishment.units:
        yield Problem((*here, "units"), "une SMA ne prend que des pré-inscriptions : pas d'unités")
    if kind.value != "SMA" and not establishment.units:
        yield Problem((*here, "units"), "au moins une unité (ce que les familles réservent)")
    for code in _duplicates(u.code for u in establishment.units):
        yield Problem(
            (*here, "units", code), f"le code d'unité « {code} » est utilisé plusieurs fois"
        )
    for index, closure in enumerate(establishment.closures):
        if closure.last_day < closure.first_day:
            yield Problem((*here, "closures", index), "la fermeture finit avant de commencer")
    units = {u.code for u in establishment.units}
    for unit in establishment.units:
        yield from _unit(unit, units, (*here, "units", unit.code))


def _unit(unit: Unit, siblings: set[str], here: tuple[str | int, ...]) -> Iterator[Problem]:
    yield from _text_fields(unit, here)
    if unit.end <= unit.start:
        yield Problem((*here, "end"), "l'heure de fin doit suivre l'heure de début")
    if not unit.days:
        yield Problem((*here, "days"), "indiquez au moins un type de jour")
    if not unit.weekdays or any(day.is_weekend for day in unit.weekdays):
        yield Problem((*here, "weekdays"), "les jours de la semaine vont du lundi au vendredi")
    for other in sorted(unit.incompatible_with):
        if other == unit.code:
            yield Problem(
                (*here, "incompatible_with"), "une unité ne peut être incompatible avec elle-même"
            )
        elif other not in siblings:
            yield Problem((*here, "incompatible_with"), f"unité inconnue : « {other} »")
    if unit.places is not None and unit.age_groups:
        yield Problem(
            (*here, "places"), "avec des tranches d'âge, les places se donnent par tranche"
        )
    if unit.places is not None and unit.places < 0:
        yield Problem((*here, "places"), "le nombre de places ne peut être négatif")
    yield from _age_groups(unit, here)
    yield from _rules(unit.rules, here)
    yield from _tariffs(unit, here)


def _age_groups(unit: Unit, here: tuple[str | int, ...]) -> Iterator[Problem]:
    for code in _duplicates(g.code for g in unit.age_groups):
        yield Problem((*here, "age_groups", code), f"tranche d'âge « {code} » en double")
    for group in unit.age_groups:
        yield from _text_fields(group, (*here, "age_groups", group.code))
        if not 0 <= group.min_age <= group.max_age <= 25:
            yield Problem(
                (*here, "age_groups", group.code),
                "âges impossibles (de 0 à 25 ans, minimum avant maximum)",
            )
        if group.places < 0:
            yield Problem((*here, "age_groups", group.code), "places négatives")
    groups = {g.code for g in unit.age_groups}
    for group_code in [None, *sorted(groups)]:
        periods = [
            (o.first_day, o.last_day) for o in unit.capacity_overrides if o.age_group == group_code
        ]
        if _overlapping(periods):
            yield Problem(
                (*here, "capacity_overrides"), "deux capacités particulières se chevauchent"
            )
    for index, override in enumerate(unit.capacity_overrides):
        where = (*here, "capacity_overrides", index)
        if override.last_day < override.first_day:
            yield Problem(where, "la période finit avant de commencer")
        if override.places < 0:
            yield Problem(where, "places négatives")
        if override.age_group is not None and override.age_group not in groups:
            yield Problem(where, f"tranche d'âge inconnue : « {override.age_group} »")
        if override.age_group is None and groups:
            yield Problem(where, "précisez la tranche d'âge (age_group)")


def _rules(rules: BookingRules, here: tuple[str | int, ...]) -> Iterator[Problem]:
    schedules: list[tuple[str, DeadlineSchedule]] = [
        ("booking_deadline", rules.booking),
        ("cancellation_deadline", rules.cancellation),
    ]
    for name, schedule in schedules:
        for index, override in enumerate(schedule.overrides):
            if override.last_day < override.first_day:
                yield Problem(
                    (*here, "booking", name, index), "la période finit avant de commencer"
                )
    for index, window in enumerate(rules.windows):
        if window.last_day < window.first_day:
            yield Problem(
                (*here, "booking", "windows", index), "la période finit avant de commencer"
            )


def _tariffs(unit: Unit, here: tuple[str | int, ...]) -> Iterator[Problem]:
    for index, tariff in enumerate(unit.tariffs):
        for message in tariff.problems():
            yield Problem((*here, "tariffs", index), message)
    ordered = sorted(unit.tariffs, key=lambda t: t.valid_from)
    for before, after in pairwise(ordered):
        if before.valid_until is None or before.valid_until >= after.valid_from:
            yield Problem(
                (*here, "tariffs"),
                f"deux tarifs s'appliquent en même temps à partir "
                f"du {numeric_day_fr(after.valid_from)}",
            )
