"""The family's use cases: request a place, see its requests and ranks, answer an offer,
confirm a request on the waiting list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.sma import SmaRequest
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.dossiers.common import family_of
from portail_core.services.dossiers.growth import join_child
from portail_core.services.sma import notices
from portail_core.services.sma.common import (
    RequestLine,
    lines_of,
    request_of,
    sma_establishments,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["SMA_PLACE", "answer_offer", "confirm_request", "family_requests", "request_place"]

_NOT_FILED = "La demande de pré-inscription n'est pas enregistrée."
_UNKNOWN_CHILD = "Choisissez un enfant du dossier, ou un enfant à naître."
SMA_PLACE = "PLACE"  # the unit code of a child's enrolment at an SMA (which has no units)


def request_place(
    uow: UnitOfWork,
    clock: Clock,
    *,
    family_id: int,
    child_id: int | None,
    last_name: str = "",
    expected_birth_date: date | str | None = None,
    start_date: date | str | None,
    hours: Mapping[str, tuple[str, str]],
    wishes: Iterable[str],
    actor: Actor,
) -> SmaRequest:
    """File a request (``sma.request``); InvalidInput (French, nothing stored) when wrong,
    Conflict when the child already has an open request."""
    now = clock.now()
    with uow:
        family = family_of(uow, family_id)
        child = None if child_id is None else family.child(child_id)
        unknown_child = child_id is not None and child is None
        try:  # an unknown child is listed with every other problem of the form
            request = SmaRequest.create(
                family_id=family_id,
                child=(0, "") if unknown_child else _named(child),
                last_name=last_name,
                expected_birth_date=expected_birth_date,
                start_date=start_date,
                hours=hours,
                wishes=wishes,
                now=now,
            )
        except InvalidInput as error:
            extra = {"child": _UNKNOWN_CHILD} if unknown_child else {}
            raise InvalidInput(error.message, {**extra, **error.problems}) from error
        if unknown_child:
            raise InvalidInput(_NOT_FILED, {"child": _UNKNOWN_CHILD})
        known = {e.code for e in sma_establishments(uow.catalogue.get())}
        if unknown := [code for code in request.wishes if code not in known]:
            raise InvalidInput(
                "La demande de pré-inscription n'est pas enregistrée.",
                {"wishes": f"Structure(s) inconnue(s) : {', '.join(unknown)}."},
            )
        _refuse_duplicate(uow.sma_requests.of_family(family_id), request)
        request = uow.sma_requests.add(request)
        uow.audit.record(notices.sma_event("sma.request", request, actor, now))
        uow.commit()
    return request


def family_requests(uow: UnitOfWork, *, family_id: int) -> list[RequestLine]:
    """The family's requests with their ranks (give a read-only unit of work)."""
    with uow:
        requests = uow.sma_requests.of_family(family_id)
        waiting = uow.sma_requests.open_requests() if requests else []
        catalogue = uow.catalogue.get()
    return lines_of(requests, waiting, catalogue)


def answer_offer(
    uow: UnitOfWork, clock: Clock, *, family_id: int, request_id: int, accepted: bool, actor: Actor
) -> SmaRequest:
    """Accept (the child is enrolled at the structure; an expected child joins the dossier) or
    decline the offer, before its deadline (``sma.accept``, ``sma.decline``)."""
    now = clock.now()
    with uow:
        request = _own(uow, family_id, request_id)
        request.answer(accepted, now)
        if accepted:
            assert request.offer is not None  # noqa: S101  (answered offers exist)
            family = family_of(uow, family_id, for_update=True)
            child = _placed_child(uow, family, request, actor, now)
            child.enrolments = child.enrolments | {(request.offer.establishment_code, SMA_PLACE)}
            uow.families.update(family, now)
            request.child_id = child.id
        uow.sma_requests.update(request)
        action = "sma.accept" if accepted else "sma.decline"
        uow.audit.record(notices.sma_event(action, request, actor, now))
        uow.commit()
    return request


def confirm_request(
    uow: UnitOfWork, clock: Clock, *, family_id: int, request_id: int, actor: Actor
) -> SmaRequest:
    """The family still wants a place (``sma.confirm``): the request keeps its rank."""
    now = clock.now()
    with uow:
        request = _own(uow, family_id, request_id)
        request.confirm(now)
        uow.sma_requests.update(request)
        uow.audit.record(notices.sma_event("sma.confirm", request, actor, now))
        uow.commit()
    return request


def _own(uow: UnitOfWork, family_id: int, request_id: int) -> SmaRequest:
    request = request_of(uow, request_id, for_update=True)
    if request.family_id != family_id:  # another family's: as if it did not exist
        raise NotFound(f"Aucune demande de pré-inscription à la SMA n° {request_id}.")
    return request


def _named(child: Child | None) -> tuple[int, str] | None:
    return None if child is None else (child.id or 0, child.full_name)


def _refuse_duplicate(requests: list[SmaRequest], new: SmaRequest) -> None:
    for old in requests:
        same = (old.child_id is not None and old.child_id == new.child_id) or (
            new.expected
            and old.expected
            and old.expected_birth_date == new.expected_birth_date
            and old.last_name.casefold() == new.last_name.casefold()
        )
        if same and old.state.open:
            raise Conflict(
                f"{new.child_name} a déjà une demande en cours (n° {old.id}, "
                f"{old.state.label}) : une seule demande ouverte par enfant. Elle garde sa date "
                "et son rang ; pour la changer, contactez le guichet unique."
            )


def _placed_child(
    uow: UnitOfWork,
    family: Family,
    request: SmaRequest,
    actor: Actor,
    now: pendulum.DateTime,
) -> Child:
    if request.child_id is not None:
        child = family.child(request.child_id)
        if child is not None:
            return child
        raise Conflict(f"L'enfant de la demande n° {request.id} n'est plus dans le dossier.")
    assert request.expected_birth_date is not None  # noqa: S101  (an expected child's request)
    expected = Child.create_expected(
        last_name=request.last_name,
        expected_birth_date=request.expected_birth_date,
        today=request.requested_at.date(),
    )
    return join_child(uow, family, expected, actor=actor, now=now)
