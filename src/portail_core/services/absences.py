"""Absences signalled by a family (on the portal) or by the desk, and their justification.

An absence covers a child from one day to another, for a reason (maladie, familiale, autre),
possibly with a medical certificate kept in the document store like supporting documents. The
desk justifies it (an illness with a certificate, typically); billing then applies the unit's
rule for justified absences (the first day billed, then free, by default).

A family withdraws an absence signalled by mistake while its first day is still to come and the
desk has not justified it; the desk also withdraws a started or past one, until a month it
touches is invoiced (the invoice rests on it: the correction then goes through the pointage or
the justification, and the next billing run of the month). A withdrawn absence is deleted, the
structures where the child is booked during it are told, and its certificate is destroyed.

The audit trail records who declared, justified or withdrew which absence and when, never its
reason nor the certificate's content (health data); reading a certificate is recorded like other
health reads.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import attrs
import pendulum
from attrs import frozen

from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.documents import DocumentFormat, check_upload, sniff_format
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import Conflict, InvalidInput, NotAllowed, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

__all__ = [
    "FAMILY_PAST_DAYS",
    "MAX_ABSENCE_DAYS",
    "AbsenceLine",
    "Justification",
    "Upload",
    "Withdrawal",
    "absence_certificate",
    "declare_absence",
    "family_absences",
    "justify_absence",
    "list_absences",
    "withdraw_absence",
]

MAX_ABSENCE_DAYS = 366
FAMILY_PAST_DAYS = 31  # a family signals a past absence within a month; later, the desk does
AHEAD_DAYS = 366
_NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)
_REASONS = {
    "illness": AbsenceReason.ILLNESS,
    "malade": AbsenceReason.ILLNESS,
    "family": AbsenceReason.FAMILY,
    "famille": AbsenceReason.FAMILY,
    "other": AbsenceReason.OTHER,
}
EVERYTHING = (date(2000, 1, 1), date(2100, 12, 31))


@frozen
class Upload:
    """A file as received: its bytes (5 MB at most are read) and the name the sender gave."""

    data: bytes
    filename: str


@frozen
class AbsenceLine:
    absence: Absence
    child_name: str
    family_name: str

    @property
    def number(self) -> int:
        return self.absence.id or 0

    @property
    def status(self) -> str:
        return "justifiée" if self.absence.justified else "non justifiée"

    @property
    def days(self) -> int:
        return (self.absence.last_day - self.absence.first_day).days + 1


@frozen
class Justification:
    """What ``justify_absence`` did: ``changed`` is False when there was nothing to change."""

    line: AbsenceLine
    was_justified: bool
    certificate_added: bool

    @property
    def changed(self) -> bool:
        return self.was_justified != self.line.absence.justified or self.certificate_added


@frozen
class Withdrawal:
    """What ``withdraw_absence`` did: the absence as it was, the structures told by e-mail."""

    line: AbsenceLine
    alerted: tuple[str, ...]  # the establishments' names

    @property
    def certificate_deleted(self) -> bool:
        return self.line.absence.certificate_file is not None


def _forget_certificate(store: DocumentStore, file_id: str) -> None:
    """Delete a certificate the committed change no longer points at. The change is done: a
    file that cannot be deleted (a full or read-only disk) is logged for the operator, not
    reported to the family as a failure of what succeeded."""
    try:
        store.delete(file_id)
    except OSError as error:
        log.warning("certificat %s non supprimé : %s", file_id, error)


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


def _child_number(reader: InputReader, raw: int | str) -> int:
    text = str(raw).strip()
    if isinstance(raw, bool) or not _NUMBER.fullmatch(text) or int(text) < 1:
        reader.refuse("child", "Choisissez l'enfant.")
        return 0
    return int(text)


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


def justify_absence(
    uow: UnitOfWork,
    store: DocumentStore,
    clock: Clock,
    *,
    absence_id: int,
    justified: bool = True,
    certificate: Upload | None = None,
    actor: Actor,
) -> Justification:
    """The desk marks an absence justified (or no longer, ``justified=False``), and may attach
    or replace its certificate. Audited with old -> new; giving the same state again changes
    nothing. A replaced certificate's file is deleted once the change is committed."""
    if actor.channel is not Channel.DESK:
        raise NotAllowed("Seul le guichet unique justifie une absence.")
    if certificate is not None:
        try:
            check_upload(certificate.data, certificate.filename)
        except InvalidInput as error:
            raise InvalidInput(error.message, {"certificate": error.message}) from error
    now = clock.now()
    stored_id: str | None = None
    replaced: str | None = None
    try:
        with uow:
            absence = uow.absences.get(absence_id, for_update=True)
            if absence is None:
                raise NotFound(f"Aucune absence n° {absence_id} (voir `portail absences list`).")
            family = uow.families.get(absence.family_id)
            if family is None:
                raise NotFound(f"Aucune famille n° {absence.family_id}.")
            child = _child_of(family, absence.child_id)
            before = absence.justified
            if certificate is not None:
                stored_id = store.save(certificate.data, certificate.filename).file_id
                replaced = absence.certificate_file
            if before == justified and stored_id is None:
                return Justification(
                    AbsenceLine(absence, child.full_name, family.name), before, False
                )
            updated = attrs.evolve(
                absence,
                justified=justified,
                certificate_file=stored_id or absence.certificate_file,
            )
            uow.absences.update(updated)
            what = "justifiée" if justified else "n'est plus justifiée"
            certificate_note = ""
            if stored_id is not None:
                certificate_note = ", certificat remplacé" if replaced else ", certificat joint"
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="absence.justify",
                    summary=(
                        f"Absence n° {absence_id} de {child.first_name} ({_period(absence)}) "
                        f"{what}{certificate_note}"
                    ),
                    details={
                        "absence_id": absence_id,
                        "justified": [before, justified],
                        "certificate": (
                            "remplacé"
                            if replaced and stored_id
                            else "ajouté"
                            if stored_id
                            else None
                        ),
                    },
                    family_id=absence.family_id,
                )
            )
            uow.commit()
    except BaseException:
        if stored_id is not None:
            store.delete(stored_id)
        raise
    if replaced is not None:
        _forget_certificate(store, replaced)
    return Justification(
        AbsenceLine(updated, child.full_name, family.name), before, stored_id is not None
    )


def withdraw_absence(
    uow: UnitOfWork,
    store: DocumentStore,
    clock: Clock,
    *,
    family_id: int | None,
    absence_id: int,
    actor: Actor,
) -> Withdrawal:
    """Withdraw an absence signalled by mistake: it is deleted, each establishment where the
    child is booked during it is told by e-mail (outbox), the withdrawal is audited
    (``absence.withdraw``), all in one transaction; its certificate's file is deleted once that
    is committed (nothing is deleted if the commit fails).

    A family (``family_id``, its own absences only: another's is NotFound) withdraws one whose
    first day is after today and that the desk has not justified; otherwise RuleViolation with
    the reason. The desk (``Channel.DESK``; ``family_id`` None for any family) also withdraws a
    justified, started or past one, but not once a month it touches is invoiced to the family
    (an invoice or credit note of that family for that month exists): RuleViolation naming the
    documents and the way to correct them instead (pointage or justification, then the month's
    billing run again, which cancels the invoice with a credit note and issues a new one).
    """
    desk = actor.channel is Channel.DESK
    if family_id is None and not desk:
        raise NotAllowed("Seul le guichet unique retire l'absence d'une autre famille.")
    today = clock.today()
    now = clock.now()
    with uow:
        if desk:  # a billing run going on finishes first, or waits for the withdrawal
            uow.invoices.lock_numbering(today.year)
        absence = uow.absences.get(absence_id, for_update=True)
        if absence is None or (family_id is not None and absence.family_id != family_id):
            raise NotFound(f"Aucune absence n° {absence_id}.")
        if not desk:
            refusal = absence.family_withdrawal_refusal(today)
            if refusal is not None:
                raise RuleViolation(refusal)
        _refuse_if_invoiced(uow, absence)
        family = uow.families.get(absence.family_id)
        if family is None:
            raise NotFound(f"Aucune famille n° {absence.family_id}.")
        child = _child_of(family, absence.child_id)
        uow.absences.delete(absence_id)
        alerted = _alert_establishments(
            uow, "absence_withdrawn", absence, child, family, actor, now
        )
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="absence.withdraw",
                summary=(
                    f"Absence n° {absence_id} de {child.first_name} ({_period(absence)}) retirée"
                    + (", certificat détruit" if absence.certificate_file else "")
                ),
                details={
                    "absence_id": absence_id,
                    "child_id": absence.child_id,
                    "first_day": absence.first_day.isoformat(),
                    "last_day": absence.last_day.isoformat(),
                    "certificate": absence.certificate_file is not None,
                    "justified": absence.justified,
                    "declared_by": absence.declared_by.identifier,
                },
                family_id=absence.family_id,
            )
        )
        uow.commit()
    if absence.certificate_file is not None:
        _forget_certificate(store, absence.certificate_file)
    return Withdrawal(AbsenceLine(absence, child.full_name, family.name), alerted)


def _month_name(month: str) -> str:
    year, number = month.split("-")
    return pendulum.date(int(year), int(number), 1).format("MMMM YYYY", locale="fr")


def _refuse_if_invoiced(uow: UnitOfWork, absence: Absence) -> None:
    """RuleViolation when a month the absence touches is invoiced to its family."""
    months = absence.months
    documents = [d for d in uow.invoices.of_family(absence.family_id) if d.month in months]
    if not documents:
        return
    invoiced = sorted({d.month for d in documents})
    named = " et ".join(
        f"{_month_name(m)} ({', '.join(d.number for d in documents if d.month == m)})"
        for m in invoiced
    )
    several = len(invoiced) > 1
    runs = " puis ".join(f"`portail billing run --month {m}`" for m in invoiced)
    raise RuleViolation(
        f"L'absence n° {absence.id} ({_period(absence)}) ne peut plus être retirée : {named} "
        + ("sont déjà facturés" if several else "est déjà facturé")
        + " à la famille et "
        + ("les factures reposent" if several else "la facture repose")
        + " sur elle. Pour corriger, pointez l'enfant présent ces jours-là "
        "(`portail attendance record`)"
        + (
            f" ou retirez la justification (`portail absences justify {absence.id} --undo`)"
            if absence.justified
            else ""
        )
        + f", puis relancez la facturation ({runs}) : "
        + ("chaque facture est annulée" if several else "la facture est annulée")
        + " par un avoir et remplacée par une nouvelle."
    )


def _lines(uow: UnitOfWork, absences: list[Absence]) -> list[AbsenceLine]:
    families = {i: uow.families.get(i) for i in sorted({a.family_id for a in absences})}
    lines = []
    for absence in absences:
        family = families.get(absence.family_id)
        child = (
            next((c for c in family.children if c.id == absence.child_id), None)
            if family is not None
            else None
        )
        lines.append(
            AbsenceLine(
                absence,
                child.full_name if child is not None else f"Enfant n° {absence.child_id}",
                family.name if family is not None else f"n° {absence.family_id}",
            )
        )
    return lines


def list_absences(
    uow: UnitOfWork,
    *,
    first: date,
    last: date,
    family_id: int | None = None,
    unjustified_only: bool = False,
) -> list[AbsenceLine]:
    """Absences overlapping the period, by first day (for the desk)."""
    if last < first:
        raise InvalidInput("La date de fin précède la date de début.")
    with uow:
        absences = uow.absences.between(first, last, family_id=family_id)
        if unjustified_only:
            absences = [a for a in absences if not a.justified]
        absences.sort(key=lambda a: (a.first_day, a.id or 0))
        return _lines(uow, absences)


def family_absences(uow: UnitOfWork, family_id: int) -> list[AbsenceLine]:
    """Every absence of the family's children, the latest first."""
    with uow:
        absences = uow.absences.between(*EVERYTHING, family_id=family_id)
        absences.sort(key=lambda a: (a.first_day, a.id or 0), reverse=True)
        return _lines(uow, absences)


def absence_certificate(
    uow: UnitOfWork,
    store: DocumentStore,
    clock: Clock,
    *,
    absence_id: int,
    actor: Actor,
    family_id: int | None = None,
) -> tuple[AbsenceLine, bytes, DocumentFormat | None]:
    """The medical certificate of an absence (of that family's only, when ``family_id`` is
    given: another's is NotFound); the read is recorded in the audit trail (health data)."""
    with uow:
        absence = uow.absences.get(absence_id)
        if absence is None or (family_id is not None and absence.family_id != family_id):
            raise NotFound(f"Aucune absence n° {absence_id}.")
        if absence.certificate_file is None:
            raise NotFound(f"L'absence n° {absence_id} n'a pas de certificat.")
        [line] = _lines(uow, [absence])
        content = store.open(absence.certificate_file)
        uow.audit.record(
            AuditEvent(
                at=clock.now(),
                actor=actor,
                action="absence.certificate.read",
                summary=f"Certificat de l'absence n° {absence_id} ({line.child_name}) consulté",
                details={"absence_id": absence_id},
                family_id=absence.family_id,
            )
        )
        uow.commit()
    return line, content, sniff_format(content[:16])
