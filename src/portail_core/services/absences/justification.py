"""The desk justifies an absence (an illness with a certificate, typically), or takes it back."""

from __future__ import annotations

import logging

import attrs
from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.dossiers.documents import check_upload
from portail_core.errors import InvalidInput, NotAllowed, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.absences.declaration import Upload, _child_of, _period
from portail_core.services.absences.listing import AbsenceLine

__all__ = ["Justification", "justify_absence", "log"]


log = logging.getLogger(__name__)


@frozen
class Justification:
    """What ``justify_absence`` did: ``changed`` is False when there was nothing to change."""

    line: AbsenceLine
    was_justified: bool
    certificate_added: bool

    @property
    def changed(self) -> bool:
        return self.was_justified != self.line.absence.justified or self.certificate_added


def _forget_certificate(store: DocumentStore, file_id: str) -> None:
    """Delete a certificate the committed change no longer points at. The change is done: a
    file that cannot be deleted (a full or read-only disk) is logged for the operator, not
    reported to the family as a failure of what succeeded."""
    try:
        store.delete(file_id)
    except OSError as error:
        log.warning("certificat %s non supprimé : %s", file_id, error)


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
