"""Everything a draw reads, in a fixed number of queries plus a few per family (its dossier,
and what refuses every booking of it: dossier, regulation, unpaid balance), then checked in
memory: each request against the booking rules, each family's priority class, the places left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.allocation import (
    AllocationRequest,
    Campaign,
    DrawInputs,
    FamilyStanding,
    Wish,
    priority_class,
)
from portail_core.domain.bookings.reservation import PlaceKey, Slot
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.catalogue.opening import CalendarContext
from portail_core.domain.dossiers.family import Family
from portail_core.domain.regulations import RegulationVersion
from portail_core.ports.catalogue import CalendarSources
from portail_core.services.allocation.common import (
    campaign_context,
    cells_of,
    establishment_of,
    refusal_of,
)
from portail_core.services.bookings.context import Booker, family_refusals

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["Prepared", "families_of", "incompatibilities", "prepare"]

SIBLINGS_LOOKBACK = timedelta(days=365)  # a brother or sister placed within the last year
BULK_SHARE = 5  # the dossiers are read all at once when 1 in 5 families or more asked


@frozen
class Prepared:
    establishment: Establishment
    requests: list[AllocationRequest]
    families: dict[int, Family]
    wishes: list[Wish]
    classes: dict[int, int]  # family -> priority class
    inputs: DrawInputs


def prepare(
    uow: UnitOfWork, sources: CalendarSources, campaign: Campaign, now: pendulum.DateTime
) -> Prepared:
    s = campaign.settings
    establishment = establishment_of(uow, campaign)
    requests = uow.allocations.requests(campaign.code)
    families = families_of(uow, {q.family_id for q in requests})
    requests = [q for q in requests if q.family_id in families]
    code = establishment.code
    held, placed = _bookings(uow, campaign, code)
    checks = _Checks(
        context=campaign_context(uow, sources, campaign),
        versions=tuple(uow.regulations.listing(code)),
        held=held,
        now=now,
    )
    wishes: list[Wish] = []
    for family_id, asked in _by_family(requests).items():
        wishes += _wishes(uow, families[family_id], asked, establishment, checks)
    asking: dict[int, set[int]] = defaultdict(set)
    for request in requests:
        asking[request.family_id].add(request.child_id)
    classes = {
        family_id: priority_class(
            _standing(families[family_id], placed.get(family_id, set()), asking[family_id]),
            s.priorities,
        )
        for family_id in families
    }
    capacity = _capacity(
        establishment,
        {w.place for w in wishes},
        uow.reservations.taken(code, s.first_day, s.last_day, now),
    )
    children = {q.child_id for q in requests}
    booked = {child: frozenset(slots) for child, slots in held.items() if child in children}
    inputs = DrawInputs(
        capacity,
        booked,
        tuple(DrawInputs.kept(w) for w in wishes),
        classes,
        incompatibilities(establishment),
        s.max_days_per_child,
    )
    return Prepared(establishment, requests, families, wishes, classes, inputs)


def _bookings(
    uow: UnitOfWork, campaign: Campaign, code: str
) -> tuple[dict[int, set[Slot]], dict[int, set[int]]]:
    """The structure's bookings: each child's slots in the period, and each family's children
    placed within the year before it (read in SQL for this structure only)."""
    s = campaign.settings
    held: dict[int, set[Slot]] = defaultdict(set)
    placed: dict[int, set[int]] = defaultdict(set)
    lookback = s.first_day - SIBLINGS_LOOKBACK
    for family_id, child_id, _, unit, day in uow.reservations.booked_slots(
        lookback, s.last_day, code
    ):
        placed[family_id].add(child_id)
        if day >= s.first_day:
            held[child_id].add(Slot(day, unit))
    return held, placed


def families_of(uow: UnitOfWork, family_ids: set[int]) -> dict[int, Family]:
    """Read in batches when they are many (one query each otherwise)."""
    if len(family_ids) * BULK_SHARE >= uow.families.count():
        return {f.id: f for f in uow.families.each() if f.id in family_ids}
    found = {}
    for family_id in sorted(family_ids):
        family = uow.families.get(family_id)
        if family is not None:
            found[family_id] = family
    return found


def _by_family(requests: Iterable[AllocationRequest]) -> dict[int, list[AllocationRequest]]:
    grouped: dict[int, list[AllocationRequest]] = defaultdict(list)
    for request in requests:
        grouped[request.family_id].append(request)
    return grouped


@frozen
class _Checks:
    """What the rules read once for every family."""

    context: CalendarContext
    versions: tuple[RegulationVersion, ...]
    held: dict[int, set[Slot]]
    now: pendulum.DateTime


def _wishes(
    uow: UnitOfWork,
    family: Family,
    asked: list[AllocationRequest],
    establishment: Establishment,
    checks: _Checks,
) -> list[Wish]:
    """The family's requests, each with what the booking rules say of it."""
    by_child: dict[int, list[AllocationRequest]] = defaultdict(list)
    for request in asked:
        by_child[request.child_id].append(request)
    wishes = []
    for child_id, mine in by_child.items():
        child = family.child(child_id)
        if child is None:
            continue
        booker = Booker(family, child, establishment)
        days = [q.slot.day for q in mine]
        today = checks.now.date()
        refusals = family_refusals(uow, booker, days, today, versions=checks.versions)
        booked = frozenset(checks.held.get(child_id, set()))
        slots = [q.slot for q in mine]
        cells = cells_of(establishment, family, child, checks.context, booked, slots, checks.now)
        for request in mine:
            cell = cells.get(request.slot)
            refusal = refusal_of(cell) or " ".join(refusals)
            group = cell.age_group if cell is not None else ""
            place = PlaceKey(establishment.code, request.slot.unit_code, request.slot.day, group)
            wishes.append(Wish(family.id or 0, child_id, place, request.preference, refusal))
    return wishes


def _standing(family: Family, placed: set[int], asking: set[int]) -> FamilyStanding:
    """``siblings_placed``: a child of the family placed in the structure within the last year,
    other than the one asking."""
    return FamilyStanding(
        resident=family.resident,
        siblings_placed=any(p != a for p in placed for a in asking),
        both_parents_working=bool(family.guardians)
        and all(g.employer is not None for g in family.guardians),
    )


def _capacity(
    establishment: Establishment, places: set[PlaceKey], taken: dict[PlaceKey, int]
) -> dict[PlaceKey, int | None]:
    units = {u.code: u for u in establishment.units}
    capacity: dict[PlaceKey, int | None] = {}
    for place in places:
        unit = units.get(place.unit_code)
        total = None if unit is None else unit.places_on(place.day, place.age_group or None)
        capacity[place] = None if total is None else max(total - taken.get(place, 0), 0)
    return capacity


def incompatibilities(establishment: Establishment) -> dict[str, frozenset[str]]:
    """Unit -> the units it may not share a day with (either way)."""
    units = establishment.units
    return {
        a.code: frozenset(
            b.code
            for b in units
            if a.code != b.code and (b.code in a.incompatible_with or a.code in b.incompatible_with)
        )
        for a in units
    }
