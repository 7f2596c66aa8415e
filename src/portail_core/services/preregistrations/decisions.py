"""The guichet unique examines a request, accepts it (a school assigned: the child joins the
dossier if new, its school and class are set), refuses it or puts it on hold, with a reason; the
family is e-mailed each time and the change audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import attrs
import pendulum

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.preregistrations import SchoolPreregistration
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import InvalidInput
from portail_core.ports.clock import Clock
from portail_core.services.dossiers.common import family_of
from portail_core.services.dossiers.growth import join_child
from portail_core.services.preregistrations import notices
from portail_core.services.preregistrations.common import (
    PreregistrationLine,
    line_of,
    request_of,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "accept_preregistration",
    "examine_preregistration",
    "hold_preregistration",
    "preregistrations_url",
    "refuse_preregistration",
    "tell_family",
]


def preregistrations_url(public_url: str) -> str:
    return f"{public_url}/preinscription-scolaire"


def tell_family(
    uow: UnitOfWork,
    request: SchoolPreregistration,
    family: Family,
    catalogue: Catalogue,
    public_url: str,
    now: pendulum.DateTime,
) -> None:
    """E-mail the request's state to the family's main contact (when it has an address)."""
    if family.main_guardian.email:
        commune = uow.communes.get()
        uow.outbox.add(
            notices.preregistration_email(
                request,
                family,
                catalogue,
                commune.name if commune else "",
                preregistrations_url(public_url),
                now,
            )
        )


def _reason(raw: str, message: str) -> str:
    reader = InputReader()
    reason = reader.line("reason", raw, message, max_length=300)
    reader.raise_if_any(message)
    return reason


def _decide(
    uow: UnitOfWork,
    clock: Clock,
    request_id: int,
    change: Callable[[SchoolPreregistration, pendulum.DateTime], SchoolPreregistration],
    actor: Actor,
    public_url: str,
) -> PreregistrationLine:
    """One change of state under the request's lock: stored, audited, e-mailed to the family."""
    now = clock.now()
    with uow:
        request = request_of(uow, request_id, for_update=True)
        family = family_of(uow, request.family_id)
        after = change(request, now)
        catalogue = uow.catalogue.get()
        return _record(uow, request, after, family, catalogue, actor, public_url, now)


def _record(
    uow: UnitOfWork,
    request: SchoolPreregistration,
    after: SchoolPreregistration,
    family: Family,
    catalogue: Catalogue,
    actor: Actor,
    public_url: str,
    now: pendulum.DateTime,
) -> PreregistrationLine:
    uow.preregistrations.update(after)
    uow.audit.record(notices.request_changed(request, after, actor, now))
    tell_family(uow, after, family, catalogue, public_url, now)
    uow.commit()
    return line_of(after, family, catalogue)


def examine_preregistration(
    uow: UnitOfWork, clock: Clock, request_id: int, *, actor: Actor, public_url: str
) -> PreregistrationLine:
    """Déposée or en attente → en cours d'instruction."""
    return _decide(uow, clock, request_id, SchoolPreregistration.examine, actor, public_url)


def refuse_preregistration(
    uow: UnitOfWork, clock: Clock, request_id: int, *, reason: str, actor: Actor, public_url: str
) -> PreregistrationLine:
    """Refused, with the reason the family reads (300 characters at most)."""
    why = _reason(reason, "Un refus dit son motif (300 caractères au plus).")
    return _decide(uow, clock, request_id, lambda r, now: r.refuse(why, now), actor, public_url)


def hold_preregistration(
    uow: UnitOfWork, clock: Clock, request_id: int, *, reason: str, actor: Actor, public_url: str
) -> PreregistrationLine:
    """En attente (a place to be confirmed, a document missing...), with the reason."""
    why = _reason(reason, "Une mise en attente dit son motif (300 caractères au plus).")
    return _decide(
        uow, clock, request_id, lambda r, now: r.put_on_hold(why, now), actor, public_url
    )


def accept_preregistration(
    uow: UnitOfWork,
    clock: Clock,
    request_id: int,
    *,
    actor: Actor,
    public_url: str,
    school: str | None = None,
    school_class: str | None = None,
) -> PreregistrationLine:
    """Accepted at ``school`` (the requested one by default) in ``school_class`` (the level by
    default): a new child joins the dossier; the child's school and class are set."""
    today, now = clock.today(), clock.now()
    with uow:
        request = request_of(uow, request_id, for_update=True)
        family = family_of(uow, request.family_id, for_update=True)
        catalogue = uow.catalogue.get()
        code = (school or "").strip() or request.requested_school
        if code not in {s.code for s in catalogue.schools}:
            message = f"Aucune école « {code} » dans la commune."
            raise InvalidInput(message, {"school": message})
        request.accept(code, 0, now)  # a decided request is refused before the dossier changes
        klass = (school_class or "").strip() or request.level
        kid = _schooled_child(uow, request, family, code, klass, actor, today, now)
        assert kid.id is not None  # noqa: S101  (the repository numbers a child joining)
        after = request.accept(code, kid.id, now)
        return _record(uow, request, after, family, catalogue, actor, public_url, now)


def _schooled_child(
    uow: UnitOfWork,
    request: SchoolPreregistration,
    family: Family,
    school: str,
    klass: str,
    actor: Actor,
    today: date,
    now: pendulum.DateTime,
) -> Child:
    if request.child_id is None:
        child = Child.create(
            first_name=request.first_name,
            last_name=request.last_name,
            birth_date=request.birth_date,
            today=today,
            school_code=school,
            school_class=klass,
        )
        return join_child(uow, family, child, actor=actor, now=now)
    known = family.child(request.child_id)
    if known is None:  # erased from the dossier since: it joins again
        return _schooled_child(
            uow, attrs.evolve(request, child_id=None), family, school, klass, actor, today, now
        )
    known.change_school(school, klass)
    uow.families.update(family, now)
    return known
