"""The desk's use cases: the commission's list, offers, and the scheduled commands (expire late
offers, remind families to confirm, drop the requests not confirmed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Establishment, ServiceKind
from portail_core.domain.dossiers.family import Family
from portail_core.domain.sma import Candidate, SmaRequest, SmaState, commission_order
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.sma import notices
from portail_core.services.sma.common import request_of, settings_of, sma_establishments

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "Commission",
    "commission",
    "expire_offers",
    "make_offer",
    "purge_unconfirmed",
    "remind_unconfirmed",
]


@frozen
class Commission:
    """The candidates in the commune's order; ``pending``: the offers waiting for an answer."""

    criteria: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    pending: tuple[SmaRequest, ...]


def commission(uow: UnitOfWork, *, day: date, establishment_code: str | None = None) -> Commission:
    """The requests déposées on or before ``day`` (for one structure if given), in the
    commune's priority order (give a read-only unit of work)."""
    with uow:
        catalogue = uow.catalogue.get()
        code = _sma_code(catalogue.establishments, establishment_code)
        settings = settings_of(uow)
        requests = [
            r
            for r in uow.sma_requests.open_requests()
            if r.requested_at.date() <= day and (code is None or code in r.wishes)
        ]
        families = {r.family_id: uow.families.get(r.family_id) for r in requests}
    smas = {e.code for e in sma_establishments(catalogue)}
    candidates = [
        _candidate(r, families[r.family_id], smas) for r in requests if r.state is SmaState.FILED
    ]
    pending = tuple(r for r in requests if r.state is SmaState.OFFERED)
    ordered = commission_order(candidates, settings.criteria)
    return Commission(settings.criteria, tuple(ordered), pending)


def make_offer(
    uow: UnitOfWork,
    clock: Clock,
    *,
    request_id: int,
    establishment_code: str,
    start: date,
    deadline: date,
    actor: Actor,
) -> SmaRequest:
    """Offer a place (``sma.offer``), e-mailed to the family's main guardian."""
    now = clock.now()
    with uow:
        request = request_of(uow, request_id, for_update=True)
        catalogue = uow.catalogue.get()
        code = _sma_code(catalogue.establishments, establishment_code) or establishment_code
        request.offer_place(code, start, deadline, now)
        uow.sma_requests.update(request)
        uow.audit.record(notices.sma_event("sma.offer", request, actor, now))
        family = uow.families.get(request.family_id)
        email = family.main_guardian.email if family is not None else None
        if email:
            name = (catalogue.establishment(code) or catalogue.establishments[0]).name
            commune = uow.communes.get()
            town = commune.name if commune is not None else "la commune"
            uow.outbox.add(notices.offer_email(request, email, name, town, now))
        uow.commit()
    return request


def expire_offers(uow: UnitOfWork, clock: Clock, *, actor: Actor) -> list[SmaRequest]:
    """Close the offers whose deadline passed (``sma.expire``): the next candidate comes up."""
    now = clock.now()
    expired = []
    with uow:
        for request in uow.sma_requests.open_requests():
            if request.expire_if_late(now):
                uow.sma_requests.update(request)
                uow.audit.record(notices.sma_event("sma.expire", request, actor, now))
                expired.append(request)
        uow.commit()
    return expired


def remind_unconfirmed(uow: UnitOfWork, clock: Clock, *, actor: Actor) -> list[SmaRequest]:
    """E-mail the families whose request on the waiting list is due for confirmation (once)."""
    now, today = clock.now(), clock.today()
    reminded = []
    with uow:
        settings = settings_of(uow)
        commune = uow.communes.get()
        town = commune.name if commune is not None else "la commune"
        for request in uow.sma_requests.open_requests():
            due = request.confirmation_due(settings.confirm_months)
            if request.state is not SmaState.FILED or request.reminded_at or due > today:
                continue
            request.remind(now)
            uow.sma_requests.update(request)
            family = uow.families.get(request.family_id)
            if family is not None and family.main_guardian.email:
                until = now.date().add(days=settings.grace_days)
                email = family.main_guardian.email
                uow.outbox.add(notices.reminder_email(request, email, until, town, now))
            uow.audit.record(notices.sma_event("sma.remind", request, actor, now))
            reminded.append(request)
        uow.commit()
    return reminded


def purge_unconfirmed(uow: UnitOfWork, clock: Clock, *, actor: Actor) -> list[SmaRequest]:
    """Drop (radier) the requests still not confirmed ``grace_days`` after the reminder."""
    now = clock.now()
    dropped = []
    with uow:
        grace = settings_of(uow).grace_days
        for request in uow.sma_requests.open_requests():
            reminded = request.reminded_at
            if request.state is SmaState.FILED and reminded and reminded.add(days=grace) < now:
                request.drop(now)
                uow.sma_requests.update(request)
                uow.audit.record(notices.sma_event("sma.drop", request, actor, now))
                dropped.append(request)
        uow.commit()
    return dropped


def _candidate(request: SmaRequest, family: Family | None, smas: set[str]) -> Candidate:
    if family is None:
        return Candidate(request, "(famille inconnue)", resident=False, siblings_placed=False)
    siblings = any(
        code in smas
        for child in family.children
        if child.id != request.child_id
        for code, _ in child.enrolments
    )
    return Candidate(request, family.name, resident=family.resident, siblings_placed=siblings)


def _sma_code(establishments: Sequence[Establishment], code: str | None) -> str | None:
    """The catalogue's code of the SMA typed (any case); NotFound/InvalidInput otherwise."""
    if code is None:
        return None
    found = [e for e in establishments if e.code.casefold() == code.casefold()]
    if not found:
        raise NotFound(f"Aucune structure « {code} » dans le catalogue.")
    if found[0].kind is not ServiceKind.SMA:
        raise InvalidInput(
            "Structure refusée.", {"establishment": f"« {found[0].name} » n'est pas une SMA."}
        )
    return found[0].code
