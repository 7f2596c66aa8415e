"""Signalling an absence: a family on the portal, or the desk, with a medical certificate or not."""

from __future__ import annotations

from datetime import date, timedelta

import pendulum
from attrs import frozen

from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.documents import check_upload
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.absences.listing import AbsenceLine, _child_number

__all__ = ["AHEAD_DAYS", "FAMILY_PAST_DAYS", "MAX_ABSENCE_DAYS", "Upload", "declare_absence"]


MAX_ABSENCE_DAYS = 366


FAMILY_PAST_DAYS = 31  # a family signals a past absence within a month; later, the desk does


AHEAD_DAYS = 366


_REASONS = {
    "illness": AbsenceReason.ILLNESS,
    "malade": AbsenceReason.ILLNESS,
    "family": AbsenceReason.FAMILY,
    "famille": AbsenceReason.FAMILY,
    "other": AbsenceReason.OTHER,
}


@frozen
class Upload:
    """A file as received: its bytes (5 MB at most are read) and the name the sender gave."""

    data: bytes
    filename: str


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _period(absence: Absence) -> str:
    if absence.first_day == absence.last_day:
        return f"le {_day(absence.first_day)}"
    return f"du {_day(absence.first_day)} au {_day(absence.last_day)}"


def _child_of(family: Family, child_id: int) -> Child:
    child = next((c for c in family.children if c.id == child_id), None)
    if child is None:
        raise NotFound(f"La famille {family.name} n'a pas d'enfant n° {child_id}.")
    return child


def declare_absence(
    uow: UnitOfWork,
    store: DocumentStore,
    clock: Clock,
    *,
    family_id: int,
    child_id: int | str,
    first_day: date | str,
    last_day: date | str,
    reason: AbsenceReason | str,
    certificate: Upload | None = None,
    justified: bool = False,
    actor: Actor,
) -> AbsenceLine:
    """Record an absence of a child of the family (days typed 14/09/2026 or 2026-09-14).

    A child of another family is NotFound; wrong fields are InvalidInput, one French message per
    field (``child``, ``first_day``, ``last_day``, ``reason``, ``certificate``); an absence
    overlapping another of the same child is a Conflict. A family may signal an absence up to
    31 days back; only the desk declares it justified at once (``justified``). The certificate
    (PDF, JPEG or PNG, 5 MB at most, read from its content) is kept in the document store; if
    nothing is recorded, it is deleted again.
    """
    if justified and actor.channel is not Channel.DESK:
        raise NotAllowed("Seul le guichet unique justifie une absence.")
    today = clock.today()
    reader = InputReader()
    child_number = _child_number(reader, child_id)
    first = reader.day(
        "first_day", first_day, "Indiquez le premier jour au format JJ/MM/AAAA (ex. : 14/09/2026)."
    )
    last = reader.day(
        "last_day", last_day, "Indiquez le dernier jour au format JJ/MM/AAAA (ex. : 18/09/2026)."
    )
    chosen = (
        reason
        if isinstance(reason, AbsenceReason)
        else reader.choice(
            "reason",
            reason,
            AbsenceReason,
            "Choisissez le motif : maladie, familiale ou autre.",
            aliases=_REASONS,
        )
    )
    if "first_day" not in reader.problems and "last_day" not in reader.problems:
        _check_period(reader, first, last, today, actor)
    if certificate is not None:
        try:
            check_upload(certificate.data, certificate.filename)
        except InvalidInput as error:
            reader.refuse("certificate", error.message)
    now = clock.now()
    stored_id: str | None = None
    try:
        with uow:
            family = uow.families.get(family_id)
            if family is None:
                raise NotFound(f"Aucune famille n° {family_id}.")
            if child_number:  # a child of another family answers NotFound before anything else
                child = _child_of(family, child_number)
            reader.raise_if_any("L'absence n'est pas enregistrée : vérifiez les champs signalés.")
            overlapping = [
                a
                for a in uow.absences.between(first, last, family_id=family_id)
                if a.child_id == child_number
            ]
            if overlapping:
                raise Conflict(
                    f"Une absence de {child.first_name} est déjà signalée "
                    f"{_period(overlapping[0])} : les périodes ne peuvent se chevaucher."
                )
            if certificate is not None:
                stored_id = store.save(certificate.data, certificate.filename).file_id
            absence = uow.absences.add(
                Absence(
                    family_id,
                    child_number,
                    first,
                    last,
                    chosen,
                    now,
                    actor,
                    stored_id,
                    justified,
                )
            )
            _alert_establishments(uow, "absence_alert", absence, child, family, actor, now)
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="absence.declare",
                    summary=(
                        f"Absence n° {absence.id} de {child.first_name} signalée "
                        f"{_period(absence)}"
                        + (", certificat joint" if stored_id else "")
                        + (", justifiée" if justified else "")
                    ),
                    details={
                        "absence_id": absence.id,
                        "child_id": child_number,
                        "first_day": first.isoformat(),
                        "last_day": last.isoformat(),
                        "certificate": stored_id is not None,
                        "justified": justified,
                    },
                    family_id=family_id,
                )
            )
            uow.commit()
    except BaseException:
        if stored_id is not None:
            store.delete(stored_id)
        raise
    return AbsenceLine(absence, child.full_name, family.name)


def _long_day(day: date) -> str:
    return pendulum.date(day.year, day.month, day.day).format("dddd D MMMM YYYY", locale="fr")


def _alert_establishments(
    uow: UnitOfWork,
    template: str,
    absence: Absence,
    child: Child,
    family: Family,
    actor: Actor,
    now: pendulum.DateTime,
) -> tuple[str, ...]:
    """Tell each establishment where the child is booked during the absence, in the outbox, that
    it is signalled (``absence_alert``) or withdrawn (``absence_withdrawn``): the child, the
    days and units booked, who acted; never the reason (health data). The names of the
    establishments told."""
    booked = uow.reservations.of_child(absence.child_id, None, absence.first_day, absence.last_day)
    if not booked:
        return ()
    catalogue = uow.catalogue.get()
    commune = uow.communes.get()
    by_establishment: dict[str, list[str]] = {}
    for reservation in sorted(booked, key=lambda r: (r.day, r.unit_code)):
        establishment = catalogue.establishment(reservation.establishment_code)
        unit = establishment.unit(reservation.unit_code) if establishment else None
        label = unit.label if unit is not None else reservation.unit_code
        by_establishment.setdefault(reservation.establishment_code, []).append(
            f"- {_long_day(reservation.day)} : {label}"
        )
    alerted = []
    for code, days in by_establishment.items():
        establishment = catalogue.establishment(code)
        if establishment is None or not establishment.contact_email:
            continue
        alerted.append(establishment.name)
        uow.outbox.add(
            OutgoingEmail(
                establishment.contact_email,
                template,
                {
                    "commune": commune.name if commune else "la commune",
                    "establishment": establishment.name,
                    "child": child.full_name,
                    "family": family.name,
                    "period": _period(absence),
                    "days": "\n".join(days),
                    "by": (
                        "le guichet unique"
                        if actor.channel is Channel.DESK
                        else "la famille, sur le Portail Famille"
                    ),
                    "number": str(absence.id),
                },
                created_at=now,
            )
        )
    return tuple(alerted)


def _check_period(reader: InputReader, first: date, last: date, today: date, actor: Actor) -> None:
    if last < first:
        reader.refuse("last_day", "Le dernier jour précède le premier.")
    elif (last - first).days >= MAX_ABSENCE_DAYS:
        reader.refuse("last_day", f"Une absence dure {MAX_ABSENCE_DAYS} jours au plus.")
    if actor.channel is not Channel.DESK and first < today - timedelta(days=FAMILY_PAST_DAYS):
        reader.refuse(
            "first_day",
            f"Une absence passée se signale dans les {FAMILY_PAST_DAYS} jours : "
            "adressez-vous au guichet unique.",
        )
    if last > today + timedelta(days=AHEAD_DAYS):
        reader.refuse("last_day", "Le dernier jour est à plus d'un an.")
