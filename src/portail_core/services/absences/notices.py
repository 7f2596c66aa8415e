"""What the absences' use cases write in French: their audit entries and the e-mails telling an
establishment that an absence is signalled or withdrawn.

Never the reason of an absence nor its certificate's content (health data): an entry or an
e-mail names the child, the days and who acted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pendulum

from portail_core.domain.absences import Absence
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.communes import Commune
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import long_day_fr, numeric_day_fr

__all__ = [
    "absence_declared",
    "absence_justified",
    "absence_withdrawn",
    "certificate_read",
    "establishment_alert",
    "period",
]


def period(absence: Absence) -> str:
    """« le 14/09/2026 », « du 14/09/2026 au 18/09/2026 »."""
    if absence.first_day == absence.last_day:
        return f"le {numeric_day_fr(absence.first_day)}"
    return f"du {numeric_day_fr(absence.first_day)} au {numeric_day_fr(absence.last_day)}"


def absence_declared(
    absence: Absence, child: Child, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    certificate = absence.certificate_file is not None
    return AuditEvent(
        at=now,
        actor=actor,
        action="absence.declare",
        summary=(
            f"Absence n° {absence.id} de {child.first_name} signalée {period(absence)}"
            + (", certificat joint" if certificate else "")
            + (", justifiée" if absence.justified else "")
        ),
        details={
            "absence_id": absence.id,
            "child_id": absence.child_id,
            "first_day": absence.first_day.isoformat(),
            "last_day": absence.last_day.isoformat(),
            "certificate": certificate,
            "justified": absence.justified,
        },
        family_id=absence.family_id,
    )


def absence_justified(
    before: Absence,
    child: Child,
    justified: bool,
    *,
    new_certificate: bool,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """``before`` as it was; ``new_certificate``: a certificate was attached, replacing
    ``before``'s if it had one."""
    what = "justifiée" if justified else "n'est plus justifiée"
    certificate, note = None, ""
    if new_certificate:
        certificate = "remplacé" if before.certificate_file else "ajouté"
        note = ", certificat remplacé" if before.certificate_file else ", certificat joint"
    return AuditEvent(
        at=now,
        actor=actor,
        action="absence.justify",
        summary=(f"Absence n° {before.id} de {child.first_name} ({period(before)}) {what}{note}"),
        details={
            "absence_id": before.id,
            "justified": [before.justified, justified],
            "certificate": certificate,
        },
        family_id=before.family_id,
    )


def absence_withdrawn(
    absence: Absence, child: Child, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="absence.withdraw",
        summary=(
            f"Absence n° {absence.id} de {child.first_name} ({period(absence)}) retirée"
            + (", certificat détruit" if absence.certificate_file else "")
        ),
        details={
            "absence_id": absence.id,
            "child_id": absence.child_id,
            "first_day": absence.first_day.isoformat(),
            "last_day": absence.last_day.isoformat(),
            "certificate": absence.certificate_file is not None,
            "justified": absence.justified,
            "declared_by": absence.declared_by.identifier,
        },
        family_id=absence.family_id,
    )


def certificate_read(
    absence: Absence, child_name: str, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="absence.certificate.read",
        summary=f"Certificat de l'absence n° {absence.id} ({child_name}) consulté",
        details={"absence_id": absence.id},
        family_id=absence.family_id,
    )


def establishment_alert(
    establishment: Establishment,
    booked: Sequence[tuple[date, str]],
    absence: Absence,
    child: Child,
    family: Family,
    commune: Commune | None,
    actor: Actor,
    now: pendulum.DateTime,
    *,
    withdrawn: bool,
) -> OutgoingEmail:
    """The e-mail telling ``establishment`` the absence is signalled (or ``withdrawn``), with
    the days and units (``booked``: day, unit's label) where the child is booked."""
    return OutgoingEmail(
        establishment.contact_email,
        "absence_withdrawn" if withdrawn else "absence_alert",
        {
            "commune": commune.name if commune else "la commune",
            "establishment": establishment.name,
            "child": child.full_name,
            "family": family.name,
            "period": period(absence),
            "days": "\n".join(f"- {long_day_fr(day)} : {unit}" for day, unit in booked),
            "by": (
                "le guichet unique"
                if actor.channel is Channel.DESK
                else "la famille, sur le Portail Famille"
            ),
            "number": str(absence.id),
        },
        created_at=now,
        family_id=absence.family_id,
    )
