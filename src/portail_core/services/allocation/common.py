"""What the allocation use cases share: the campaign, its structure, the children who may ask,
and the booking rules' verdict on a day x unit (the planning's own cells, so that the draw
refuses exactly what an ordinary booking would)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.allocation import Campaign, CampaignState, class_labels
from portail_core.domain.bookings.planning import Cell, CellState, PlanningFacts, cell_for
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.catalogue.eligibility import eligibility_of
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.catalogue.opening import CalendarContext
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.instants import as_paris
from portail_core.errors import NotFound
from portail_core.ports.catalogue import CalendarSources
from portail_core.services.allocation.views import ChildChoice, FamilyCampaign
from portail_core.services.bookings.context import DEADLINE_LOOKBACK
from portail_core.services.catalogue.calendars import calendar_context

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "campaign_context",
    "campaign_of",
    "cells_of",
    "eligible_children",
    "establishment_of",
    "family_campaign",
    "period_days",
    "refusal_of",
]

_ACCEPTED = {CellState.BOOKABLE, CellState.FULL}  # places are the draw's business


def campaign_of(
    uow: UnitOfWork,
    code: str,
    *,
    for_update: bool = False,
    for_share: bool = False,
    with_inputs: bool = False,
) -> Campaign:
    campaign = uow.allocations.campaign(
        code.strip().upper(), for_update=for_update, for_share=for_share, with_inputs=with_inputs
    )
    if campaign is None:
        raise NotFound(f"Aucune campagne d'attribution « {code} ».")
    return campaign


def establishment_of(uow: UnitOfWork, campaign: Campaign) -> Establishment:
    code = campaign.settings.establishment_code
    establishment = uow.catalogue.get().establishment(code)
    if establishment is None or not establishment.units:
        raise NotFound(f"La structure « {code} » de la campagne n'est plus au catalogue.")
    return establishment


def period_days(campaign: Campaign) -> list[date]:
    s = campaign.settings
    return [s.first_day + timedelta(days=n) for n in range((s.last_day - s.first_day).days + 1)]


def campaign_context(
    uow: UnitOfWork, sources: CalendarSources, campaign: Campaign
) -> CalendarContext:
    s = campaign.settings
    return calendar_context(uow, sources, s.first_day - DEADLINE_LOOKBACK, s.last_day)


def eligible_children(
    family: Family, establishment: Establishment, campaign: Campaign
) -> list[Child]:
    """Children (born) eligible to a unit of the structure on the first or the last day."""
    s = campaign.settings
    return [
        child
        for child in family.children
        if not child.expected
        and any(
            eligibility_of(child.facts(), establishment, unit, day).eligible
            for unit in establishment.units
            for day in (s.first_day, s.last_day)
        )
    ]


def cells_of(
    establishment: Establishment,
    family: Family,
    child: Child,
    context: CalendarContext,
    booked: frozenset[Slot],
    slots: Iterable[Slot],
    now: pendulum.DateTime,
) -> dict[Slot, Cell]:
    """The planning's cells for these slots, deadlines and windows aside (the campaign
    replaces them) and places aside (the draw counts them)."""
    facts = PlanningFacts(
        child=child.facts(),
        resident=family.resident,
        now=now,
        booked=booked,
        waiting={},
        taken={},
        prices={},
        ignore_deadlines=True,
    )
    units = {unit.code: unit for unit in establishment.units}
    return {
        slot: cell_for(establishment, units[slot.unit_code], slot.day, context, facts)
        for slot in slots
        if slot.unit_code in units
    }


def refusal_of(cell: Cell | None) -> str:
    """Why the rules refuse to book this cell ("" when they accept it)."""
    if cell is None:
        return "Ce créneau n'existe pas dans la structure."
    if cell.state in _ACCEPTED:
        return ""
    if cell.state is CellState.BOOKED:
        return "Déjà réservé."
    return cell.reason


def family_campaign(
    campaign: Campaign,
    establishment_name: str,
    now: pendulum.DateTime,
    children: Iterable[Child] = (),
    requested: int = 0,
) -> FamilyCampaign:
    s = campaign.settings
    state = campaign.state(now)
    return FamilyCampaign(
        code=s.code,
        label=s.label,
        establishment_code=s.establishment_code,
        establishment_name=establishment_name,
        first_day=s.first_day,
        last_day=s.last_day,
        requests_from=as_paris(s.requests_from),
        requests_until=as_paris(s.requests_until),
        state=state,
        seed_hash=campaign.seed_hash,
        seed=campaign.seed if state is CampaignState.PUBLISHED else None,
        children=tuple(ChildChoice(c.id or 0, c.first_name, c.full_name) for c in children),
        requested=requested,
        max_days_per_child=s.max_days_per_child,
        priorities=tuple(f"{n} : {label}" for n, label in class_labels(s.priorities).items()),
    )
