"""Supporting documents: their files kept outside the web root, recorded in the dossier."""

from __future__ import annotations

from datetime import date

import pendulum

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.documents import StoredDocument
from portail_core.domain.dossiers.family import SupportingDocument
from portail_core.errors import NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import family_of

__all__ = ["add_document", "document_of_family"]


def add_document(
    uow: UnitOfWork,
    store: DocumentStore,
    family_id: int,
    *,
    kind: str,
    data: bytes,
    filename: str,
    valid_until: date | None,
    actor: Actor,
    clock: Clock,
) -> SupportingDocument:
    """Keep a supporting document's file and record it in the family's dossier.

    The file is checked (PDF, JPEG, PNG read from its content; 5 MB at most) before anything is
    written; if the dossier cannot be updated, the stored file is deleted again.
    """
    now = clock.now()
    stored = store.save(data, filename)
    try:
        return _record(uow, family_id, stored, kind, valid_until, actor, now)
    except BaseException:
        store.delete(stored.file_id)
        raise


def _record(
    uow: UnitOfWork,
    family_id: int,
    stored: StoredDocument,
    kind: str,
    valid_until: date | None,
    actor: Actor,
    now: pendulum.DateTime,
) -> SupportingDocument:
    """Record the stored file in the family's dossier, with its audit entry."""
    with uow:
        family = family_of(uow, family_id, for_update=True)
        document = SupportingDocument.create(
            kind=kind, file_id=stored.file_id, uploaded_at=now, valid_until=valid_until
        )
        family.add_document(document)
        uow.families.update(family, now)
        uow.audit.record(notices.document_added(family, document, stored, actor, now))
        uow.commit()
        return document


def document_of_family(
    uow: UnitOfWork, store: DocumentStore, family_id: int, file_id: str
) -> tuple[SupportingDocument, bytes]:
    """A document of this family's dossier and its content; another family's is NotFound."""
    with uow:
        family = uow.families.get(family_id)
    document = next((d for d in family.documents if d.file_id == file_id), None) if family else None
    if document is None:
        raise NotFound("Pièce introuvable.")
    return document, store.open(file_id)
