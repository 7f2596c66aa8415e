"""Supporting documents: their files kept outside the web root, recorded in the dossier; the
desk lists and opens them (each opening audited)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.documents import (
    SNIFF_BYTES,
    DocumentFormat,
    StoredDocument,
    is_file_id,
    sniff_format,
)
from portail_core.domain.dossiers.family import Family, SupportingDocument
from portail_core.errors import NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import family_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "DocumentRead",
    "add_document",
    "document_of_family",
    "documents_of_family",
    "read_document",
]


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
    written; if the dossier cannot be updated, the stored file is deleted again (and if the
    process dies first, the orphan is left to ``portail document purge-orphans``).
    """
    now = clock.now()
    with uow:
        family_of(uow, family_id)  # an unknown family stores nothing
    stored = store.save(family_id, data, filename)
    try:
        return _record(uow, family_id, stored, kind, valid_until, actor, now)
    except BaseException:
        store.delete(family_id, stored.file_id)
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
    return document, store.open(family_id, file_id)


def documents_of_family(uow: UnitOfWork, family_id: int) -> list[SupportingDocument]:
    """The supporting documents of a dossier, oldest first (without opening them)."""
    with uow:
        family = family_of(uow, family_id)
    return sorted(family.documents, key=lambda d: d.uploaded_at)


@frozen
class DocumentRead:
    """A document the desk opened: whose, what, its content and its format."""

    family_id: int
    family_name: str
    document: SupportingDocument
    content: bytes
    format: DocumentFormat | None


def read_document(
    uow: UnitOfWork,
    store: DocumentStore,
    clock: Clock,
    *,
    file_id: str,
    actor: Actor,
    family_id: int | None = None,
) -> DocumentRead:
    """Open a supporting document for ``actor`` (the desk, checking a change « au vu du
    justificatif »), found by its reference (in that family's dossier, when ``family_id`` is
    given). Reading a family's document is a read of personal data: it is audited."""
    if not is_file_id(file_id):
        raise NotFound(f"« {file_id[:40]} » n'est pas une référence de pièce (32 caractères).")
    with uow:
        number, family, document = _find(uow, file_id, family_id)
        content = store.open(number, file_id)
        uow.audit.record(notices.document_read(family, document, actor, clock.now()))
        uow.commit()
    return DocumentRead(number, family.name, document, content, sniff_format(content[:SNIFF_BYTES]))


def _find(
    uow: UnitOfWork, file_id: str, family_id: int | None
) -> tuple[int, Family, SupportingDocument]:
    """The family whose dossier holds the document (every family's, unless ``family_id``)."""
    families = [family_of(uow, family_id)] if family_id is not None else uow.families.each()
    for family in families:
        for document in family.documents:
            if document.file_id == file_id and family.id is not None:
                return family.id, family, document
    if family_id is not None:
        raise NotFound(f"Le dossier n° {family_id} n'a pas de pièce de référence {file_id}.")
    raise NotFound(f"Aucun dossier n'a de pièce de référence {file_id}.")
