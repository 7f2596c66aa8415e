"""Loading what a planning depends on, inside a unit of work: shared by the reservation use cases.

A fixed number of queries whatever the period's length: the catalogue, the commune, imported
calendars, the family, the child's reservations and waiting entries, and the places taken.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.billing.pricing import UnitPrice, quotient_on, sibling_rank, unit_price
from portail_core.domain.bookings.planning import (
    MAX_PLANNING_DAYS,
    Planning,
    PlanningFacts,
    build_planning,
    planning_days,
)
from portail_core.domain.bookings.reservation import PlaceKey, Slot
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.completeness import SchoolYear, completeness
from portail_core.domain.dossiers.family import Family
from portail_core.domain.regulations import RegulationVersion, regulation_in_force
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.catalogue import CalendarSources
from portail_core.services.allocation.hold import held_days
from portail_core.services.billing.invoices import account_from
from portail_core.services.catalogue.calendars import calendar_context
from portail_core.services.regulations.standing import in_force_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "Booker",
    "check_period",
    "family_refusals",
    "load_booker",
    "load_planning",
    "place_lock_keys",
    "recipient_of",
]

DEADLINE_LOOKBACK = timedelta(days=400)  # public holidays a "J-n hors fériés" rule may skip


@frozen
class Booker:
    """A child of a family, and the establishment the family books in."""

    family: Family
    child: Child
    establishment: Establishment

    @property
    def family_id(self) -> int:
        assert self.family.id is not None  # noqa: S101  (read from storage: has an id)
        return self.family.id

    @property
    def child_id(self) -> int:
        assert self.child.id is not None  # noqa: S101  (read from storage: has an id)
        return self.child.id


def load_booker(uow: UnitOfWork, family_id: int, child_id: int, establishment_code: str) -> Booker:
    """Another family's child, an unknown child or establishment: NotFound (a 404 on the web)."""
    family = uow.families.get(family_id)
    child = None if family is None else family.child(child_id)
    if family is None or child is None:
        raise NotFound("Enfant introuvable dans votre dossier.")
    establishment = uow.catalogue.get().establishment(establishment_code)
    if establishment is None or not establishment.units:
        raise NotFound(f"Aucune structure « {establishment_code} » ouverte aux réservations.")
    return Booker(family, child, establishment)


def check_period(first: date, last: date, longest: int = MAX_PLANNING_DAYS) -> None:
    """From ``first`` to ``last``, at most ``longest`` days."""
    if last < first:
        raise InvalidInput("La date de fin précède la date de début.")
    if (last - first).days >= longest:
        raise InvalidInput(f"Période trop longue : {longest} jours au plus.")


def recipient_of(uow: UnitOfWork, family: Family) -> str | None:
    """Where a family's e-mails go: its account's address, else its main guardian's."""
    assert family.id is not None  # noqa: S101  (read from storage: has an id)
    account = uow.accounts.of_family(family.id)
    if account is not None:
        return account.email
    return family.main_guardian.email


def load_planning(
    uow: UnitOfWork,
    sources: CalendarSources,
    booker: Booker,
    first: date,
    last: date,
    now: pendulum.DateTime,
    *,
    ignore_deadlines: bool = False,
    only: Collection[date] | None = None,
    longest: int = MAX_PLANNING_DAYS,
) -> Planning:
    """The child's planning from ``first`` to ``last``; ``only``: the cells of those days alone
    (a summary, checked again under the place locks at confirmation, needs no more);
    ``longest``: a weekly pattern's school year, where the grid shows a month."""
    check_period(first, last, longest)
    context = calendar_context(uow, sources, first - DEADLINE_LOOKBACK, last)
    code = booker.establishment.code
    booked = uow.reservations.of_child(booker.child_id, code, first, last)
    facts = PlanningFacts(
        child=booker.child.facts(),
        resident=booker.family.resident,
        now=now,
        booked=frozenset(r.slot for r in booked),
        waiting=_waiting_positions(uow, booker, first, last),
        taken=uow.reservations.taken(code, first, last, now),
        prices=_Prices(booker, planning_days(first, last, only)),
        ignore_deadlines=ignore_deadlines,
        held=held_days(uow, code, first, last),
    )
    return build_planning(
        booker.establishment, booker.child_id, first, last, context, facts, only=only
    )


def _waiting_positions(uow: UnitOfWork, booker: Booker, first: date, last: date) -> dict[Slot, int]:
    """The child's place in each queue it waits in (1 = the next to get a place)."""
    code = booker.establishment.code
    ranked = uow.waiting_list.ranked(code, first, last, child_id=booker.child_id)
    return {entry.slot: position for entry, position in ranked}


class _Prices(Mapping[Slot, "UnitPrice | None"]):
    """The price of each unit on each day of ``days``, for this family and child, computed
    when a cell asks for it (a closed cell does not: most of a month's)."""

    def __init__(self, booker: Booker, days: Collection[date]) -> None:
        self._booker = booker
        self._slots = {
            Slot(day, unit.code): unit for day in days for unit in booker.establishment.units
        }
        self._rank = sibling_rank(booker.family, booker.child_id)
        self._packed_lunch = booker.child.pai is not None and booker.child.pai.has_pai
        self._known: dict[Slot, UnitPrice | None] = {}

    def __getitem__(self, slot: Slot) -> UnitPrice | None:
        if slot not in self._known:
            unit, family = self._slots[slot], self._booker.family
            self._known[slot] = unit_price(
                unit,
                slot.day,
                quotient=quotient_on(family, slot.day),
                resident=family.resident,
                packed_lunch=self._packed_lunch,
                rank=self._rank,
            )
        return self._known[slot]

    def __iter__(self) -> Iterator[Slot]:
        return iter(self._slots)

    def __len__(self) -> int:
        return len(self._slots)


def family_refusals(
    uow: UnitOfWork,
    booker: Booker,
    days: list[date],
    today: date,
    *,
    versions: Sequence[RegulationVersion] | None = None,
) -> tuple[str, ...]:
    """What stops this family from booking at all: the dossier incomplete for a school year of
    the days asked for, the establishment's regulation not accepted in its current version, an
    unpaid balance above the limit the town set for the establishment's units. ``versions``:
    the establishment's regulations, when the caller read them for many families (a draw)."""
    refusals = [
        *_incomplete_dossier(booker, days, today),
        *_regulation_not_accepted(uow, booker, today, versions),
    ]
    return (*refusals, *_unpaid_invoices(uow, booker))


def _incomplete_dossier(booker: Booker, days: list[date], today: date) -> list[str]:
    refusals = []
    for year in sorted({SchoolYear.containing(day) for day in days}):
        missing = completeness(booker.family, year, {}, today).missing
        if missing:
            refusals.append(
                f"Dossier incomplet pour l'année scolaire {year} : {'; '.join(missing)}."
            )
    return refusals


def _regulation_not_accepted(
    uow: UnitOfWork,
    booker: Booker,
    today: date,
    versions: Sequence[RegulationVersion] | None = None,
) -> list[str]:
    """The version in force not accepted (nor, until a new version's deadline, the previous
    one): accepted online when its document is published, else at the desk."""
    establishment = booker.establishment
    standing = (
        in_force_of(uow, establishment, today)
        if versions is None
        else regulation_in_force(establishment, versions, today)
    )
    if standing is None or standing.counts_for(booker.family, today):
        return []
    how = (
        "lisez-le et acceptez-le dans « Informations utiles », « Règlements intérieurs »"
        if standing.published is not None or standing.announced
        else "adressez-vous au guichet unique"
    )
    return [
        f"Le règlement intérieur de « {establishment.name} » (version {standing.version}) n'a "
        f"pas été accepté : {how}."
    ]


def _unpaid_invoices(uow: UnitOfWork, booker: Booker) -> list[str]:
    """The lowest limit of the establishment's units applies."""
    limits = [
        u.rules.unpaid_balance_limit
        for u in booker.establishment.units
        if u.rules.unpaid_balance_limit is not None
    ]
    if not limits:
        return []
    limit = min(limits, key=lambda money: money.cents)
    family_id = booker.family_id
    balance = account_from(
        uow.invoices.of_family(family_id), uow.payments.of_family(family_id)
    ).balance
    if balance.cents <= limit.cents:
        return []
    return [
        f"Factures impayées : vous devez {balance.format_fr()}, au-delà du seuil de "
        f"{limit.format_fr()} fixé par la commune. Réglez vos factures (« Factures et "
        "règlements ») ou adressez-vous au guichet unique."
    ]


def place_lock_keys(establishment_code: str, slots: set[Slot]) -> list[PlaceKey]:
    """Places are locked per unit and day (all age groups), in one order to avoid deadlocks."""
    return sorted({PlaceKey(establishment_code, s.unit_code, s.day) for s in slots})
