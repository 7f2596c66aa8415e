"""The document store's orphans: files no dossier and no absence refers to.

A document's file is written whole before its reference is recorded (write, then reference): a
worker killed in between, or a disk that failed while an upload was written, leaves a file (or
an unfinished temporary one) that nothing refers to. So does an erasure interrupted after its
commit. ``purge_orphans`` finds them by comparing the store's files with the references held by
the dossiers and the absences, and deletes those older than ``GRACE``, so that an upload in
progress, written but not yet recorded, is never taken for one.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.documents import EARLIER_LAYOUT, KeptFile
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.services.dossiers import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["GRACE", "OrphanReport", "purge_orphans"]

GRACE = pendulum.duration(hours=1)


@frozen
class OrphanReport:
    """The orphans found (oldest first), and whether they were deleted (not on a dry run)."""

    orphans: list[KeptFile]
    deleted: bool

    @property
    def unfinished(self) -> int:
        return sum(1 for kept in self.orphans if kept.unfinished)

    @property
    def unreferenced(self) -> int:
        return len(self.orphans) - self.unfinished


def purge_orphans(
    uow: UnitOfWork, store: DocumentStore, clock: Clock, *, actor: Actor, dry_run: bool = False
) -> OrphanReport:
    """Delete the files nothing refers to, once older than ``GRACE`` (``dry_run``: only say
    which); the deletion is audited. The files are listed before the references are read: a
    file recorded meanwhile is young, hence kept."""
    now = clock.now()
    files = store.files()
    with uow:
        referenced = _references(uow)
    old_enough = now - GRACE
    orphans = sorted(
        (
            kept
            for kept in files
            if (kept.family_id, kept.name) not in referenced
            and kept.written_at.timestamp() <= old_enough.timestamp()
        ),
        key=lambda kept: (kept.written_at.timestamp(), kept.family_id, kept.name),
    )
    report = OrphanReport(orphans, deleted=not dry_run)
    if dry_run or not orphans:
        return report
    for kept in orphans:
        store.discard(kept.family_id, kept.name)
    with uow:
        uow.audit.record(
            notices.documents_purged(report.unfinished, report.unreferenced, actor, now)
        )
        uow.commit()
    return report


def _references(uow: UnitOfWork) -> set[tuple[int, str]]:
    """Every (family, file) a dossier's document or an absence's certificate refers to."""
    referenced = {
        (family.id, document.file_id)
        for family in uow.families.each()
        if family.id is not None
        for document in family.documents
    }
    referenced |= {
        (absence.family_id, absence.certificate_file)
        for absence in uow.absences.between(date.min, date.max)
        if absence.certificate_file is not None
    }
    # A file an earlier version kept outside the families' folders (family 0) is referred to
    # by whichever family names it.
    return referenced | {(EARLIER_LAYOUT, name) for _, name in referenced}
