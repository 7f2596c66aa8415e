"""Signalling an absence: a family on the portal, or the desk, with a medical certificate or not."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.documents import check_upload
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.french_dates import day_format
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.services.absences import notices
from portail_core.services.absences.common import (
    PendingCertificate,
    Upload,
    alert_establishments,
    child_of,
)
from portail_core.services.absences.listing import AbsenceLine

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["AHEAD_DAYS", "FAMILY_PAST_DAYS", "MAX_ABSENCE_DAYS", "declare_absence"]


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


_NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)


_FIRST_DAY = f"Indiquez le premier jour : {day_format(date(2026, 9, 14))}."


_LAST_DAY = f"Indiquez le dernier jour : {day_format(date(2026, 9, 18))}."


_REFUSED = "L'absence n'est pas enregistrée : vérifiez les champs signalés."


@frozen
class _Fields:
    """The declaration as read (what is wrong with it is in the reader)."""

    child_id: int  # 0 when unreadable
    first: date
    last: date
    reason: AbsenceReason

    def absence(
        self,
        family_id: int,
        certificate_file: str | None,
        *,
        justified: bool,
        actor: Actor,
        now: pendulum.DateTime,
    ) -> Absence:
        return Absence(
            family_id,
            self.child_id,
            self.first,
            self.last,
            self.reason,
            now,
            actor,
            certificate_file,
            justified,
        )


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
    reader = InputReader()
    fields = _read(reader, child_id, first_day, last_day, reason, clock.today(), actor)
    _check_certificate(reader, certificate)
    now = clock.now()
    with PendingCertificate(store) as pending, uow:
        family = uow.families.get(family_id)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        child = _child_once_fields_are_right(reader, family, fields.child_id)
        _refuse_overlap(uow, family_id, fields, child)
        certificate_file = pending.save(certificate, family_id)
        absence = uow.absences.add(
            fields.absence(family_id, certificate_file, justified=justified, actor=actor, now=now)
        )
        alert_establishments(uow, absence, child, family, withdrawn=False, actor=actor, now=now)
        uow.audit.record(notices.absence_declared(absence, child, actor, now))
        uow.commit()
    return AbsenceLine(absence, child.full_name, family.name)


def _read(
    reader: InputReader,
    child_id: int | str,
    first_day: date | str,
    last_day: date | str,
    reason: AbsenceReason | str,
    today: date,
    actor: Actor,
) -> _Fields:
    """The declaration's fields; each wrong one is refused in ``reader``."""
    fields = _Fields(
        _child_number(reader, child_id),
        reader.day("first_day", first_day, _FIRST_DAY),
        reader.day("last_day", last_day, _LAST_DAY),
        _reason(reader, reason),
    )
    if "first_day" not in reader.problems and "last_day" not in reader.problems:
        _check_period(reader, fields.first, fields.last, today, actor)
    return fields


def _child_number(reader: InputReader, raw: int | str) -> int:
    text = str(raw).strip()
    if isinstance(raw, bool) or not _NUMBER.fullmatch(text) or int(text) < 1:
        reader.refuse("child", "Choisissez l'enfant.")
        return 0
    return int(text)


def _reason(reader: InputReader, reason: AbsenceReason | str) -> AbsenceReason:
    if isinstance(reason, AbsenceReason):
        return reason
    return reader.choice(
        "reason",
        reason,
        AbsenceReason,
        "Choisissez le motif : maladie, familiale ou autre.",
        aliases=_REASONS,
    )


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


def _check_certificate(reader: InputReader, certificate: Upload | None) -> None:
    if certificate is not None:
        try:
            check_upload(certificate.data, certificate.filename)
        except InvalidInput as error:
            reader.refuse("certificate", error.message)


def _child_once_fields_are_right(reader: InputReader, family: Family, child_id: int) -> Child:
    """The child declared absent, once every field is right: a child of another family is
    NotFound before any field is refused."""
    if not child_id:  # unreadable: refused with the other fields
        reader.raise_if_any(_REFUSED)
    child = child_of(family, child_id)
    reader.raise_if_any(_REFUSED)
    return child


def _refuse_overlap(uow: UnitOfWork, family_id: int, fields: _Fields, child: Child) -> None:
    """Conflict when another absence of the child covers one of the days."""
    overlapping = [
        absence
        for absence in uow.absences.between(fields.first, fields.last, family_id=family_id)
        if absence.child_id == fields.child_id
    ]
    if overlapping:
        raise Conflict(
            f"Une absence de {child.first_name} est déjà signalée "
            f"{notices.period(overlapping[0])} : les périodes ne peuvent se chevaucher."
        )
