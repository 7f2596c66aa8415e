"""The families' side: the campaigns they may see, the request form, their requests (replaced
as a whole, in order of preference) and, once published, their results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.allocation import AllocationRequest, Campaign, CampaignState
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.french_dates import day_fr
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.allocation.common import (
    campaign_context,
    campaign_of,
    cells_of,
    eligible_children,
    establishment_of,
    family_campaign,
    period_days,
    refusal_of,
)
from portail_core.services.allocation.views import (
    ChildChoice,
    FamilyCampaign,
    FormCell,
    RequestForm,
    RequestOutcome,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["campaigns_for", "request_form", "results_for", "submit_requests"]

SHOWN_BEFORE = timedelta(days=60)  # an upcoming campaign is announced that long before


def _family(uow: UnitOfWork, family_id: int, *, for_update: bool = False) -> Family:
    family = uow.families.get(family_id, for_update=for_update)
    if family is None:
        raise NotFound("Dossier introuvable.")
    return family


def campaigns_for(uow: UnitOfWork, clock: Clock, family_id: int) -> list[FamilyCampaign]:
    """Open campaigns, those announced within 60 days, and those the family asked in."""
    now = clock.now()
    with uow:
        family = _family(uow, family_id)
        catalogue = uow.catalogue.get()
        shown = []
        for campaign in uow.allocations.campaigns():
            establishment = catalogue.establishment(campaign.settings.establishment_code)
            if establishment is None:
                continue
            requested = len(uow.allocations.requests_of_family(campaign.code, family_id))
            state = campaign.state(now)
            soon = campaign.settings.requests_from - SHOWN_BEFORE <= now
            if (
                state is CampaignState.OPEN
                or (state is CampaignState.UPCOMING and soon)
                or (requested)
            ):
                children = eligible_children(family, establishment, campaign)
                shown.append(
                    family_campaign(campaign, establishment.name, now, children, requested)
                )
        return shown


def _child(family: Family, child_id: int, eligible: list[Child]) -> Child:
    child = family.child(child_id)
    if child is None or child not in eligible:
        raise NotFound("Enfant introuvable dans votre dossier, ou non accueilli dans la structure.")
    return child


def request_form(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    campaign_code: str,
    child_id: int,
) -> RequestForm:
    """Each day x unit of the period: may the child ask for it, and if not why."""
    now = clock.now()
    with uow:
        family = _family(uow, family_id)
        campaign = campaign_of(uow, campaign_code)
        establishment = establishment_of(uow, campaign)
        eligible = eligible_children(family, establishment, campaign)
        child = _child(family, child_id, eligible)
        s = campaign.settings
        booked = frozenset(
            r.slot
            for r in uow.reservations.of_child(
                child_id, establishment.code, s.first_day, s.last_day
            )
        )
        slots = [Slot(day, u.code) for day in period_days(campaign) for u in establishment.units]
        context = campaign_context(uow, sources, campaign)
        cells = cells_of(establishment, family, child, context, booked, slots, now)
        mine = list(uow.allocations.requests_of_family(campaign.code, family_id))
        requests = tuple(q.slot for q in mine if q.child_id == child_id)
        requested = len(mine)
    labels = {u.code: u.label for u in establishment.units}
    form_cells = tuple(
        FormCell(slot, labels[slot.unit_code], not refusal_of(cells[slot]), refusal_of(cells[slot]))
        for slot in slots
    )
    return RequestForm(
        campaign=family_campaign(campaign, establishment.name, now, eligible, requested),
        child=ChildChoice(child_id, child.first_name, child.full_name),
        days=tuple(sorted({c.slot.day for c in form_cells if c.available})),
        units=tuple((u.code, u.label) for u in establishment.units),
        cells=form_cells,
        requests=requests,
        editable=campaign.state(now) is CampaignState.OPEN,
    )


def _closed_reason(campaign: Campaign, state: CampaignState) -> str:
    s = campaign.settings
    if state is CampaignState.UPCOMING:
        return f"Les demandes pour « {s.label} » ne sont pas encore ouvertes ({s.window_fr})."
    return f"Les demandes pour « {s.label} » sont closes (elles étaient ouvertes {s.window_fr})."


def submit_requests(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    campaign_code: str,
    child_id: int,
    wanted: Sequence[Slot],
    actor: Actor,
) -> None:
    """The child's requests become ``wanted`` (the preferred first); none withdraws them.
    Locks, in this order (the draw's: the campaign first, so that neither waits for the other
    in a cycle): the campaign's row shared (families ask at the same time; the draw, which locks
    it for update, waits for them or they for it), then the family's row for update (two
    submissions of one family, a double click, are made one after the other)."""
    now = clock.now()
    with uow:
        campaign = campaign_of(uow, campaign_code, for_share=True)
        state = campaign.state(now)
        if state is not CampaignState.OPEN:
            raise RuleViolation(_closed_reason(campaign, state))
        family = _family(uow, family_id, for_update=True)
        establishment = establishment_of(uow, campaign)
        child = _child(family, child_id, eligible_children(family, establishment, campaign))
        _check_wanted(campaign, wanted, len(establishment.units))
        s = campaign.settings
        booked = frozenset(
            r.slot
            for r in uow.reservations.of_child(
                child_id, establishment.code, s.first_day, s.last_day
            )
        )
        context = campaign_context(uow, sources, campaign)
        cells = cells_of(establishment, family, child, context, booked, wanted, now)
        problems = {
            f"{day_fr(slot.day)} {slot.unit_code}": refusal_of(cells.get(slot))
            for slot in wanted
            if refusal_of(cells.get(slot))
        }
        if problems:
            raise InvalidInput("Certains jours demandés ne peuvent pas l'être.", problems)
        requests = [
            AllocationRequest(campaign.code, family_id, child_id, slot, n, now)
            for n, slot in enumerate(wanted, 1)
        ]
        uow.allocations.replace_requests(campaign.code, child_id, requests)
        uow.audit.record(_requested(campaign, child, family_id, len(requests), actor, now))
        uow.commit()


def _requested(
    campaign: Campaign,
    child: Child,
    family_id: int,
    days: int,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="allocation.request",
        summary=f"Demandes « {campaign.settings.label} » pour {child.first_name} : {days} jour(s)",
        details={"campaign": campaign.code, "child_id": child.id, "days": days},
        family_id=family_id,
    )


def _check_wanted(campaign: Campaign, wanted: Sequence[Slot], units: int) -> None:
    s = campaign.settings
    if len(set(wanted)) != len(wanted):
        raise InvalidInput("Un même jour est demandé deux fois : chaque jour une seule fois.")
    if len(wanted) > len(period_days(campaign)) * units:
        raise InvalidInput("Plus de jours demandés que la période n'en compte.")
    outside = [slot for slot in wanted if not s.covers(slot.day)]
    if outside:
        raise InvalidInput(f"{day_fr(outside[0].day)} n'est pas dans la période {s.period_fr}.")


def results_for(
    uow: UnitOfWork, clock: Clock, *, family_id: int, campaign_code: str
) -> list[RequestOutcome]:
    """The family's results, once published (before: none)."""
    with uow:
        family = _family(uow, family_id)
        campaign = campaign_of(uow, campaign_code)
        if campaign.state(clock.now()) is not CampaignState.PUBLISHED:
            return []
        establishment = establishment_of(uow, campaign)
        decisions = uow.allocations.decisions(campaign.code, family_id)
    labels = {u.code: u.label for u in establishment.units}
    names = {c.id: c.first_name for c in family.children}
    return [
        RequestOutcome(
            child_id=d.wish.child_id,
            child_name=names.get(d.wish.child_id, ""),
            slot=d.wish.slot,
            unit_label=labels.get(d.wish.place.unit_code, d.wish.place.unit_code),
            preference=d.wish.preference,
            outcome=d.outcome,
            priority_class=d.priority_class,
            draw_rank=d.draw_rank,
            waiting_rank=d.waiting_rank,
            explanation=d.explanation,
        )
        for d in sorted(decisions, key=lambda d: (d.wish.child_id, d.wish.preference))
    ]
