"""What the pre-registrations write in French: their audit entries and the e-mails telling the
family the state of its request (never health data: the child's name, the school year, the
level, the school and the state)."""

from __future__ import annotations

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.preregistrations import SchoolPreregistration

__all__ = ["preregistration_email", "request_changed", "request_submitted", "school_name"]


def school_name(catalogue: Catalogue, code: str | None) -> str:
    if code is None:
        return ""
    return next((s.name for s in catalogue.schools if s.code == code), code)


def _details(request: SchoolPreregistration) -> dict[str, object]:
    return {
        "request_id": request.id,
        "child_id": request.child_id,
        "school_year": request.year_label,
        "level": request.level,
        "requested_school": request.requested_school,
        "sector_school": request.sector_school,
        "state": request.state.value,
        "assigned_school": request.assigned_school,
    }


def request_submitted(
    request: SchoolPreregistration, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    what = "dérogation demandée" if request.derogation else "école de secteur"
    return AuditEvent(
        at=now,
        actor=actor,
        action="preregistration.submit",
        summary=(
            f"Pré-inscription scolaire n° {request.id} de {request.first_name} déposée pour "
            f"{request.year_label} ({request.level}, {request.requested_school}, {what})"
        ),
        details=_details(request),
        family_id=request.family_id,
    )


def request_changed(
    before: SchoolPreregistration,
    after: SchoolPreregistration,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    reason = f" : {after.state_reason}" if after.state_reason else ""
    school = f" à {after.assigned_school}" if after.assigned_school else ""
    return AuditEvent(
        at=now,
        actor=actor,
        action="preregistration.decide",
        summary=(
            f"Pré-inscription scolaire n° {after.id} de {after.first_name} "
            f"{after.state.label}{school}{reason}"
        ),
        details={**_details(after), "before": before.state.value, "reason": after.state_reason},
        family_id=after.family_id,
    )


def preregistration_email(
    request: SchoolPreregistration,
    family: Family,
    catalogue: Catalogue,
    commune_name: str,
    url: str,
    now: pendulum.DateTime,
) -> OutgoingEmail:
    """The request's state, as the family sees it on « Pré-inscription scolaire »."""
    return OutgoingEmail(
        family.main_guardian.email or "",
        "preregistration_state",
        {
            "commune": commune_name,
            "family": family.name,
            "number": str(request.id),
            "child": request.full_name,
            "school_year": request.year_label,
            "level": request.level,
            "school": school_name(catalogue, request.requested_school),
            "assigned_school": school_name(catalogue, request.assigned_school),
            "state": request.state.label,
            "accepted": "oui" if request.state.value == "acceptee" else "",
            "reason": request.state_reason,
            "url": url,
        },
        created_at=now,
        family_id=request.family_id,
    )
