"""The staff's side: open (publish the seed's hash), status, draw (or recompute it), publish
(reveal the seed; the places become reservations, the rest waiting-list entries in draw order;
each family e-mailed; the period then open first come for what is left)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from portail_core.domain.allocation import (
    Campaign,
    CampaignState,
    Decision,
    Outcome,
    allocate,
    class_labels,
    redraw,
    same_draw,
)
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import (
    PlaceKey,
    Slot,
)
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.errors import RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.allocation.common import campaign_of, family_campaign
from portail_core.services.allocation.notices import campaign_event
from portail_core.services.allocation.preparation import Prepared, prepare
from portail_core.services.allocation.views import (
    CampaignStatus,
    ClassCount,
    DayDemand,
    DrawReport,
    RequestOutcome,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "campaign_status",
    "draw_campaign",
    "list_campaigns",
    "open_campaign",
]


def list_campaigns(uow: UnitOfWork, clock: Clock) -> list[CampaignStatus]:
    """Every campaign, without counting its requests."""
    now = clock.now()
    with uow:
        catalogue = uow.catalogue.get()
        found = []
        for campaign in uow.allocations.campaigns():
            establishment = catalogue.establishment(campaign.settings.establishment_code)
            name = establishment.name if establishment else campaign.settings.establishment_code
            view = family_campaign(campaign, name, now)
            found.append(
                CampaignStatus(view, 0, 0, 0, (), (), campaign.drawn_at, campaign.published_at)
            )
        return found


def open_campaign(uow: UnitOfWork, clock: Clock, *, code: str, actor: Actor) -> Campaign:
    """Record that the staff published the seed's hash (idempotent); the window opens and
    closes at its dates."""
    with uow:
        campaign = campaign_of(uow, code, for_update=True)
        if campaign.opened_at is None:
            now = clock.now()
            campaign.opened_at = now
            uow.allocations.update_campaign(campaign)
            uow.audit.record(
                campaign_event(
                    campaign,
                    "open",
                    "Campagne ouverte",
                    actor,
                    now,
                    {"seed_hash": campaign.seed_hash},
                )
            )
            uow.commit()
        return campaign


def campaign_status(
    uow: UnitOfWork, sources: CalendarSources, clock: Clock, *, code: str
) -> CampaignStatus:
    """Families and requests per priority class; demand and places left per day and unit."""
    now = clock.now()
    with uow:
        campaign = campaign_of(uow, code)
        prepared = prepare(uow, sources, campaign, now)
    establishment = prepared.establishment
    labels = class_labels(campaign.settings.priorities)
    families_in = Counter(prepared.classes.values())
    requests_in = Counter(prepared.classes[q.family_id] for q in prepared.requests)
    classes = tuple(
        ClassCount(n, f"{n} : {labels[n]}", families_in[n], requests_in[n]) for n in sorted(labels)
    )
    return CampaignStatus(
        campaign=family_campaign(campaign, establishment.name, now),
        families=len(prepared.families),
        children=len({q.child_id for q in prepared.requests}),
        requests=len(prepared.requests),
        classes=classes,
        days=_demand(establishment, prepared.requests, prepared.inputs.capacity),
        drawn_at=campaign.drawn_at,
        published_at=campaign.published_at,
    )


def _demand(
    establishment: Establishment,
    requests: Sequence[object],
    capacity: Mapping[PlaceKey, int | None],
) -> tuple[DayDemand, ...]:
    demand = Counter(getattr(q, "slot") for q in requests)  # noqa: B009
    left: dict[Slot, int | None] = {}
    for place, places in capacity.items():
        slot = Slot(place.day, place.unit_code)
        before = left.get(slot, 0)
        left[slot] = None if places is None or before is None else before + places
    labels = {u.code: u.label for u in establishment.units}
    return tuple(
        DayDemand(slot, labels.get(slot.unit_code, slot.unit_code), count, left.get(slot))
        for slot, count in sorted(demand.items())
    )


def draw_campaign(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    code: str,
    dry_run: bool,
    actor: Actor,
) -> DrawReport:
    """Draw once the window is closed (one transaction); ``dry_run``: recompute without
    writing, and after a draw say whether the recomputation matches what is stored."""
    now = clock.now()
    with uow:
        campaign = campaign_of(uow, code, for_update=not dry_run, with_inputs=True)
        label = campaign.settings.label
        if campaign.drawn_at is not None:
            if not dry_run:
                raise RuleViolation(
                    f"« {label} » a déjà été tirée le {moment_fr(campaign.drawn_at)} : "
                    "un second tirage est refusé (--dry-run le recalcule sans rien changer)."
                )
            return _verify(uow, campaign)
        state = campaign.state(now)
        if state in {CampaignState.UPCOMING, CampaignState.OPEN}:
            until = moment_fr(campaign.settings.requests_until)
            if dry_run:  # trying settings against the real requests would choose the draw
                raise RuleViolation(
                    "La simulation n'est possible qu'après la clôture : les demandes pour "
                    f"« {label} » sont ouvertes jusqu'au {until}."
                )
            raise RuleViolation(
                f"Les demandes pour « {label} » sont encore ouvertes (jusqu'au "
                f"{until}) : le tirage se fait après."
            )
        prepared = prepare(uow, sources, campaign, now)
        decisions = _decide(campaign, prepared)
        names = {c.id: c.first_name for f in prepared.families.values() for c in f.children if c.id}
        report = _report(campaign.code, decisions, names, dry_run=dry_run)
        if dry_run:
            return report
        uow.allocations.save_decisions(campaign.code, decisions)
        campaign.drawn_at, campaign.draw_inputs = now, prepared.inputs
        uow.allocations.update_campaign(campaign)
        counts = {"granted": report.granted, "waiting": report.waiting, "refused": report.refused}
        uow.audit.record(campaign_event(campaign, "draw", "Tirage effectué", actor, now, counts))
        uow.commit()
        return report


def _decide(campaign: Campaign, prepared: Prepared) -> list[Decision]:
    """The draw, on the wishes with the rules' own wording (shown to the families)."""
    inputs = prepared.inputs
    return allocate(
        prepared.wishes,
        seed=campaign.seed,
        classes=inputs.classes,
        capacity=inputs.capacity,
        incompatible=inputs.incompatible,
        booked=inputs.booked,
        max_days_per_child=inputs.max_days_per_child,
    )


def _verify(uow: UnitOfWork, campaign: Campaign) -> DrawReport:
    """The stored draw recomputed from its snapshot and the seed alone: the same, or not. The
    decisions of a family erased since (deleted with its dossier) are left out of the
    comparison, and counted."""
    stored = uow.allocations.decisions(campaign.code)
    again = recompute(campaign, stored)
    present = {d.wish.family_id for d in stored}
    erased = {d.wish.family_id for d in again} - present
    kept = [d for d in again if d.wish.family_id in present]
    report = _report(campaign.code, kept, {}, dry_run=True, matches=same_draw(stored, kept))
    return attrs.evolve(report, families_erased=len(erased))


def recompute(campaign: Campaign, stored: Sequence[Decision]) -> list[Decision]:
    """The draw again from its snapshot and the seed (from the stored decisions' requests and
    classes for a snapshot taken before the wishes were kept)."""
    inputs = campaign.draw_inputs
    if inputs is None:
        return []
    if not inputs.wishes:
        inputs = attrs.evolve(
            inputs,
            wishes=tuple(d.wish for d in stored),
            classes={d.wish.family_id: d.priority_class for d in stored},
            max_days_per_child=campaign.settings.max_days_per_child,
        )
    return redraw(inputs, campaign.seed)


def _report(
    code: str,
    decisions: Sequence[Decision],
    names: Mapping[int, str],
    *,
    dry_run: bool,
    matches: bool | None = None,
) -> DrawReport:
    counts = Counter(d.outcome for d in decisions)
    outcomes = tuple(
        RequestOutcome(
            child_id=d.wish.child_id,
            child_name=names.get(d.wish.child_id, ""),
            slot=d.wish.slot,
            unit_label=d.wish.place.unit_code,
            preference=d.wish.preference,
            outcome=d.outcome,
            priority_class=d.priority_class,
            draw_rank=d.draw_rank,
            waiting_rank=d.waiting_rank,
            explanation=d.explanation,
        )
        for d in decisions
    )
    return DrawReport(
        code,
        dry_run,
        counts[Outcome.GRANTED],
        counts[Outcome.WAITING],
        counts[Outcome.REFUSED],
        outcomes,
        matches,
    )
