"""The desk justifies an absence (an illness with a certificate, typically), or takes it back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.dossiers.documents import check_upload
from portail_core.errors import InvalidInput, NotAllowed, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.services.absences import notices
from portail_core.services.absences.common import (
    PendingCertificate,
    Upload,
    family_and_child,
    forget_certificate,
)
from portail_core.services.absences.listing import AbsenceLine

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["Justification", "justify_absence"]


@frozen
class Justification:
    """What ``justify_absence`` did: ``changed`` is False when there was nothing to change."""

    line: AbsenceLine
    was_justified: bool
    certificate_added: bool

    @property
    def changed(self) -> bool:
        return self.was_justified != self.line.absence.justified or self.certificate_added


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
    _check_certificate(certificate)
    now = clock.now()
    with PendingCertificate(store) as pending, uow:
        before = _absence(uow, absence_id)
        family, child = family_and_child(uow, before)
        added = pending.save(certificate, before.family_id)
        if before.justified == justified and added is None:  # nothing to change
            line = AbsenceLine(before, child.full_name, family.name)
            return Justification(line, before.justified, False)
        after = attrs.evolve(
            before, justified=justified, certificate_file=added or before.certificate_file
        )
        uow.absences.update(after)
        uow.audit.record(
            notices.absence_justified(
                before, child, justified, new_certificate=added is not None, actor=actor, now=now
            )
        )
        uow.commit()
    if added is not None and before.certificate_file is not None:
        forget_certificate(store, before.family_id, before.certificate_file)  # replaced
    line = AbsenceLine(after, child.full_name, family.name)
    return Justification(line, before.justified, added is not None)


def _check_certificate(certificate: Upload | None) -> None:
    if certificate is not None:
        try:
            check_upload(certificate.data, certificate.filename)
        except InvalidInput as error:
            raise InvalidInput(error.message, {"certificate": error.message}) from error


def _absence(uow: UnitOfWork, absence_id: int) -> Absence:
    absence = uow.absences.get(absence_id, for_update=True)
    if absence is None:
        raise NotFound(f"Aucune absence n° {absence_id} (voir `portail absences list`).")
    return absence
