"""Publishing a draw: the seed revealed; the places written as confirmed reservations (a
confirmation number per child, history events) and the rest on the waiting list in draw order;
each family e-mailed; all in one transaction. The days are then open first come."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import pendulum

from portail_core.domain.allocation import Campaign, Decision, Outcome
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import (
    EventKind,
    Reservation,
    ReservationEvent,
    Slot,
    WaitingEntry,
    new_confirmation_number,
)
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.errors import RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.allocation.common import campaign_of, establishment_of
from portail_core.services.allocation.notices import campaign_event, results_email, results_url
from portail_core.services.allocation.preparation import families_of
from portail_core.services.allocation.views import PublishReport
from portail_core.services.bookings.waiting_list import fill_free_places

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["publish_campaign"]

DRAWN = "attribution par tirage au sort"  # the reason shown in the children's history


def publish_campaign(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    code: str,
    actor: Actor,
    public_url: str = "",
) -> PublishReport:
    """Reveal the seed, write the results, e-mail the families (once; with a link to their
    results when ``public_url``, the portal's address, is given). A place the draw gave to a
    family erased since (its decisions went with its dossier) goes to the waiting list's first,
    in draw order, as any place freed after the publication."""
    now = clock.now()
    with uow:
        campaign = campaign_of(uow, code, for_update=True)
        label = campaign.settings.label
        if campaign.published_at is not None:
            raise RuleViolation(f"« {label} » est déjà publiée.")
        if campaign.drawn_at is None:
            raise RuleViolation(f"« {label} » n'a pas encore été tirée : tirez-la d'abord.")
        establishment = establishment_of(uow, campaign)
        decisions = uow.allocations.decisions(campaign.code)
        checked = _still_free(uow, campaign, establishment, decisions, now)
        _write(uow, checked, actor, now)
        for slot in sorted({d.wish.slot for d in decisions if d.outcome is Outcome.WAITING}):
            fill_free_places(uow, sources, clock, establishment, slot)
        campaign.published_at = now
        uow.allocations.update_campaign(campaign)
        told = [c or d for c, d in zip(checked, decisions, strict=True)]  # as written
        emailed = _announce(uow, campaign, establishment, told, now, public_url)
        details = {"families_emailed": emailed, "seed": campaign.seed}
        uow.audit.record(
            campaign_event(campaign, "publish", "Résultats publiés", actor, now, details)
        )
        uow.commit()
        return PublishReport(campaign.code, campaign.seed, emailed)


def _still_free(
    uow: UnitOfWork,
    campaign: Campaign,
    establishment: Establishment,
    decisions: Sequence[Decision],
    now: pendulum.DateTime,
) -> list[Decision | None]:
    """The decisions to write, checked against what happened since the draw (a waiting-list
    entry made before the campaign may have been given a place freed meanwhile): a place the
    child already holds is not booked again (None), and a place granted beyond the places
    left goes to the waiting list, at its rank in the draw's order."""
    s, code = campaign.settings, establishment.code
    granted = [d for d in decisions if d.outcome is Outcome.GRANTED]
    uow.reservations.lock_places(d.wish.place for d in granted)
    taken = uow.reservations.taken(code, s.first_day, s.last_day, now)
    booked = uow.reservations.booked_slots(s.first_day, s.last_day, code)
    held = {(child_id, Slot(day, unit)) for _, child_id, _, unit, day in booked}
    units = {u.code: u for u in establishment.units}
    checked: list[Decision | None] = []
    for d in decisions:
        if d.outcome is not Outcome.GRANTED:
            checked.append(d)
            continue
        place, unit = d.wish.place, units.get(d.wish.place.unit_code)
        places = None if unit is None else unit.places_on(place.day, place.age_group or None)
        if (d.wish.child_id, d.wish.slot) in held:
            checked.append(None)
        elif places is not None and taken.get(place, 0) >= places:
            checked.append(attrs.evolve(d, outcome=Outcome.WAITING, waiting_rank=None))
        else:
            taken[place] = taken.get(place, 0) + 1
            checked.append(d)
    return checked


def _write(
    uow: UnitOfWork, decisions: Sequence[Decision | None], actor: Actor, now: pendulum.DateTime
) -> None:
    """In a few statements, whatever the number of families."""
    numbers: dict[int, str] = {}
    booked: list[Reservation] = []
    waiting: list[WaitingEntry] = []
    events: list[ReservationEvent] = []
    for position, d in enumerate(decisions):
        if d is None:
            continue
        w, place = d.wish, d.wish.place
        if d.outcome is Outcome.GRANTED:
            number = numbers.setdefault(w.child_id, new_confirmation_number())
            booked.append(
                Reservation(
                    w.family_id,
                    w.child_id,
                    place.establishment_code,
                    place.unit_code,
                    place.day,
                    place.age_group,
                    now,
                    number,
                )
            )
            events.append(_event(d, actor, now, EventKind.BOOKED, number))
        elif d.outcome is Outcome.WAITING:
            joined = now.add(microseconds=position)  # the queue's order is the draw's
            entry = WaitingEntry(
                w.family_id,
                w.child_id,
                place.establishment_code,
                place.unit_code,
                place.day,
                place.age_group,
                joined,
            )
            waiting.append(entry)
            events.append(_event(d, actor, now, EventKind.WAITLISTED, ""))
    uow.reservations.add_all(booked)
    uow.allocations.add_waiting_entries(waiting)
    uow.reservations.record_all(events)


def _event(
    decision: Decision, actor: Actor, now: pendulum.DateTime, kind: EventKind, number: str
) -> ReservationEvent:
    w, place = decision.wish, decision.wish.place
    return ReservationEvent(
        now,
        actor,
        kind,
        w.family_id,
        w.child_id,
        place.establishment_code,
        place.unit_code,
        place.day,
        number,
        DRAWN,
    )


def _announce(
    uow: UnitOfWork,
    campaign: Campaign,
    establishment: Establishment,
    decisions: Sequence[Decision],
    now: pendulum.DateTime,
    public_url: str,
) -> int:
    """One e-mail per family, to its account's address, else its main guardian's (as
    ``recipient_of``), written in one statement."""
    by_family: dict[int, list[Decision]] = defaultdict(list)
    for d in decisions:
        by_family[d.wish.family_id].append(d)
    commune = uow.communes.get()
    accounts = uow.accounts.emails()
    emails = []
    for family_id, family in sorted(families_of(uow, set(by_family)).items()):
        recipient = accounts.get(family_id) or family.main_guardian.email
        if not recipient:
            continue
        names = {c.id or 0: c.first_name for c in family.children}
        mine = by_family[family_id]
        emails.append(
            results_email(
                recipient,
                commune,
                campaign,
                establishment,
                mine,
                names,
                now,
                family_id=family_id,
                results_url=results_url(public_url, campaign.code) if public_url else "",
            )
        )
    uow.outbox.add_all(emails)
    return len(emails)
