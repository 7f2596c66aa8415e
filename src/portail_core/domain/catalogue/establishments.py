"""What a commune offers: schools, establishments, the units families book, and their rules."""

from __future__ import annotations

import enum
from datetime import date, time

import attrs
from attrs import define, field, frozen

from portail_core.domain.billing.consumption import BillingRules
from portail_core.domain.bookings.rules import BookingRules
from portail_core.domain.catalogue.school_map import SchoolMap
from portail_core.domain.catalogue.tariffs import Tariff
from portail_core.domain.shared.raw_input import phone_for_display
from portail_core.domain.shared.weekdays import Weekday

__all__ = [
    "AgeGroup",
    "CapacityOverride",
    "Catalogue",
    "CatalogueChanges",
    "Closure",
    "DayKind",
    "Establishment",
    "School",
    "ServiceKind",
    "Unit",
    "age_in_years",
    "catalogue_changes",
    "establishment_differences",
]


class ServiceKind(enum.Enum):
    ALSH = "ALSH"  # accueil de loisirs: Wednesdays and school holidays
    APS = "APS"  # accueil périscolaire: before and after school
    RESTAURATION = "RESTAURATION"  # school lunch
    EMS = "EMS"  # école municipale des sports
    SMA = "SMA"  # structure multi-accueil (nursery): pre-registrations only

    @property
    def label(self) -> str:
        return _SERVICE_LABELS[self]

    @property
    def serves_a_school(self) -> bool:
        return self in {ServiceKind.APS, ServiceKind.RESTAURATION}


_SERVICE_LABELS = {
    ServiceKind.ALSH: "Accueil de loisirs (ALSH)",
    ServiceKind.APS: "Accueil périscolaire (APS)",
    ServiceKind.RESTAURATION: "Restauration scolaire",
    ServiceKind.EMS: "École municipale des sports (EMS)",
    ServiceKind.SMA: "Structure multi-accueil (SMA)",
}


class DayKind(enum.Enum):
    """The kinds of day a unit runs on."""

    SCHOOL_DAYS = "school_days"  # days with classes
    WEDNESDAYS = "wednesdays"  # weekdays without classes in a school period
    SCHOOL_HOLIDAYS = "school_holidays"  # weekdays of the school holidays

    @property
    def label(self) -> str:
        return {
            DayKind.SCHOOL_DAYS: "jours d'école",
            DayKind.WEDNESDAYS: "mercredis (jours sans classe)",
            DayKind.SCHOOL_HOLIDAYS: "vacances scolaires",
        }[self]


@frozen
class School:
    code: str
    name: str
    address: str


@frozen
class AgeGroup:
    """Children aged ``min_age`` to ``max_age`` years (inclusive) on the day, with their places."""

    code: str
    label: str
    min_age: int
    max_age: int
    places: int

    def admits(self, birth_date: date, on: date) -> bool:
        return self.min_age <= age_in_years(birth_date, on) <= self.max_age


def age_in_years(birth_date: date, on: date) -> int:
    """Completed years (a child born on 29 February has a birthday on 1 March)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


@frozen
class CapacityOverride:
    """Other places between two dates (inclusive), for the whole unit or one age group."""

    first_day: date
    last_day: date
    places: int
    age_group: str | None = None


@frozen
class Closure:
    """The town closes an establishment between two dates (inclusive)."""

    first_day: date
    last_day: date
    label: str

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@frozen
class Unit:
    """What is booked and billed: APS "Matin", restauration "Repas", ALSH "Journée"..."""

    code: str
    label: str
    days: frozenset[DayKind]
    start: time
    end: time
    rules: BookingRules
    weekdays: frozenset[Weekday] = frozenset(
        {Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY}
    )
    with_meal: bool = False
    incompatible_with: frozenset[str] = frozenset()
    age_groups: tuple[AgeGroup, ...] = ()
    places: int | None = None  # when there are no age groups; None: unlimited
    capacity_overrides: tuple[CapacityOverride, ...] = ()
    requires_enrolment: bool = False
    tariffs: tuple[Tariff, ...] = ()
    billing: BillingRules = field(factory=BillingRules)  # what absences cost, and so on

    def places_on(self, day: date, age_group: str | None = None) -> int | None:
        """Places on that day (for one age group when the unit has them); None: unlimited."""
        for override in self.capacity_overrides:
            if override.first_day <= day <= override.last_day and override.age_group == age_group:
                return override.places
        if age_group is None:
            return self.places
        return next((g.places for g in self.age_groups if g.code == age_group), None)

    def tariff_on(self, day: date) -> Tariff | None:
        return next((t for t in self.tariffs if t.applies_on(day)), None)


@define(slots=False, eq=False)
class Establishment:
    """A place providing one service: an ALSH, the APS or restaurant of a school, an EMS, an SMA."""

    code: str
    name: str
    kind: ServiceKind
    address: str
    contact_email: str
    units: tuple[Unit, ...]
    school_code: str | None = None  # APS and restauration serve one school's pupils
    closures: tuple[Closure, ...] = ()
    regulation: str | None = None  # current version of its règlement intérieur, if any
    # How families reach it, from the commune file: its phone (E.164) and opening hours (one
    # line); empty when the file does not give them (its address and e-mail are above).
    contact_phone: str = field(default="", kw_only=True)
    opening_hours: str = field(default="", kw_only=True)
    id: int | None = field(default=None, kw_only=True)

    @property
    def contact_phone_text(self) -> str:
        """ "05 58 09 12 34": the phone as dialled in France; empty when unknown."""
        return phone_for_display(self.contact_phone) if self.contact_phone else ""

    def unit(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    def closure_on(self, day: date) -> Closure | None:
        return next((c for c in self.closures if c.covers(day)), None)


@frozen
class Catalogue:
    """Everything the commune offers, as described in its file and loaded at once."""

    schools: tuple[School, ...]
    establishments: tuple[Establishment, ...]
    school_map: SchoolMap = field(factory=SchoolMap)  # the carte scolaire (empty: none)

    def establishment(self, code: str) -> Establishment | None:
        return next((e for e in self.establishments if e.code == code), None)

    def regulations(self) -> dict[str, str]:
        """Each establishment with a règlement intérieur -> its current version."""
        return {e.code: e.regulation for e in self.establishments if e.regulation}


_ESTABLISHMENT_FIELDS = (
    "name",
    "kind",
    "address",
    "contact_email",
    "school_code",
    "closures",
    "regulation",
    "contact_phone",
    "opening_hours",
)
MAX_SHOWN = 200


def _shown(value: object) -> str:
    text = str(getattr(value, "value", value))
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def establishment_differences(old: Establishment, new: Establishment) -> dict[str, list[str]]:
    """What changed, field by field, as [old, new] texts ("units.REPAS.label": ["Repas", ...])."""
    differences = {
        name: [_shown(getattr(old, name)), _shown(getattr(new, name))]
        for name in _ESTABLISHMENT_FIELDS
        if getattr(old, name) != getattr(new, name)
    }
    old_units, new_units = {u.code: u for u in old.units}, {u.code: u for u in new.units}
    for code in old_units.keys() | new_units.keys():
        before, after = old_units.get(code), new_units.get(code)
        if before is None or after is None:
            differences[f"units.{code}"] = [
                "absente" if before is None else before.label,
                "absente" if after is None else after.label,
            ]
            continue
        for attribute in attrs.fields(Unit):
            old_value = getattr(before, attribute.name)
            new_value = getattr(after, attribute.name)
            if old_value != new_value:
                key = f"units.{code}.{attribute.name}"
                differences[key] = [_shown(old_value), _shown(new_value)]
    if [u.code for u in old.units] != [u.code for u in new.units] and not any(
        key.startswith("units.") and key.count(".") == 1 for key in differences
    ):
        differences["units.order"] = [
            ", ".join(u.code for u in old.units),
            ", ".join(u.code for u in new.units),
        ]
    return differences


@frozen
class CatalogueChanges:
    """What loading a catalogue changes, by code, with the field-level differences."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    archived: tuple[str, ...] = ()
    schools_changed: bool = False
    reordered: bool = False
    school_map_changed: bool = False
    differences: dict[str, dict[str, list[str]]] = field(factory=dict)

    @property
    def any(self) -> bool:
        return bool(
            self.added
            or self.updated
            or self.archived
            or self.schools_changed
            or self.reordered
            or self.school_map_changed
        )


def catalogue_changes(current: Catalogue, wanted: Catalogue) -> CatalogueChanges:
    before = {e.code: e for e in current.establishments}
    after = {e.code: e for e in wanted.establishments}
    differences = {
        code: establishment_differences(before[code], after[code])
        for code in after
        if code in before
    }
    kept_before = [code for code in before if code in after]
    kept_after = [code for code in after if code in before]
    return CatalogueChanges(
        added=tuple(code for code in after if code not in before),
        updated=tuple(code for code, found in differences.items() if found),
        archived=tuple(code for code in before if code not in after),
        schools_changed=current.schools != wanted.schools,
        reordered=kept_before != kept_after,
        school_map_changed=current.school_map != wanted.school_map,
        differences={code: found for code, found in differences.items() if found},
    )
