"""What the absences' use cases share: the file as received, the child concerned, the
certificate's file kept only if the change is committed, and the establishments told."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.catalogue.establishments import Catalogue, Establishment
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.errors import NotFound
from portail_core.ports.dossiers import DocumentStore
from portail_core.services.absences import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "PendingCertificate",
    "Upload",
    "alert_establishments",
    "child_of",
    "family_and_child",
    "forget_certificate",
    "log",
]


log = logging.getLogger(__name__)


@frozen
class Upload:
    """A file as received: its bytes (5 MB at most are read) and the name the sender gave."""

    data: bytes
    filename: str


def child_of(family: Family, child_id: int) -> Child:
    child = family.child(child_id)
    if child is None:
        raise NotFound(f"La famille {family.name} n'a pas d'enfant n° {child_id}.")
    return child


def family_and_child(uow: UnitOfWork, absence: Absence) -> tuple[Family, Child]:
    family = uow.families.get(absence.family_id)
    if family is None:
        raise NotFound(f"Aucune famille n° {absence.family_id}.")
    return family, child_of(family, absence.child_id)


class PendingCertificate:
    """A certificate saved in the document store before the change that points at it is
    committed: deleted again if the ``with`` block it guards fails (refused, rolled back,
    interrupted)."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store
        self.family_id = 0
        self.file_id: str | None = None

    def save(self, upload: Upload | None, family_id: int) -> str | None:
        """Store ``upload`` in the family's folder (nothing when None); its file's id."""
        if upload is not None:
            self.file_id = self._store.save(family_id, upload.data, upload.filename).file_id
            self.family_id = family_id
        return self.file_id

    def __enter__(self) -> PendingCertificate:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None and self.file_id is not None:
            self._store.delete(self.family_id, self.file_id)


def forget_certificate(store: DocumentStore, family_id: int, file_id: str) -> None:
    """Delete a certificate the committed change no longer points at. The change is done: a
    file that cannot be deleted (a full or read-only disk) is logged for the operator, not
    reported to the family as a failure of what succeeded."""
    try:
        store.delete(family_id, file_id)
    except OSError as error:
        log.warning("certificat %s non supprimé : %s", file_id, error)


def alert_establishments(
    uow: UnitOfWork,
    absence: Absence,
    child: Child,
    family: Family,
    *,
    withdrawn: bool,
    actor: Actor,
    now: pendulum.DateTime,
) -> tuple[str, ...]:
    """Tell each establishment where the child is booked during the absence, in the outbox, that
    it is signalled or ``withdrawn``: the child, the days and units booked, who acted; never the
    reason (health data). The names of the establishments told."""
    booked = uow.reservations.of_child(absence.child_id, None, absence.first_day, absence.last_day)
    if not booked:
        return ()
    told = _establishments_to_tell(uow.catalogue.get(), booked)
    commune = uow.communes.get()
    for structure, days in told:
        uow.outbox.add(
            notices.establishment_alert(
                structure, days, absence, child, family, commune, actor, now, withdrawn=withdrawn
            )
        )
    return tuple(structure.name for structure, _ in told)


def _establishments_to_tell(
    catalogue: Catalogue, booked: Sequence[Reservation]
) -> list[tuple[Establishment, list[tuple[date, str]]]]:
    """Each establishment of the reservations that has an e-mail address, with the days booked
    there and their unit's label, in order."""
    by_establishment: dict[str, list[tuple[date, str]]] = {}
    for reservation in sorted(booked, key=lambda r: (r.day, r.unit_code)):
        establishment = catalogue.establishment(reservation.establishment_code)
        unit = establishment.unit(reservation.unit_code) if establishment else None
        label = unit.label if unit is not None else reservation.unit_code
        by_establishment.setdefault(reservation.establishment_code, []).append(
            (reservation.day, label)
        )
    told = [(catalogue.establishment(code), days) for code, days in by_establishment.items()]
    return [(e, days) for e, days in told if e is not None and e.contact_email]
