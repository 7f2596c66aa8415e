"""Use cases about families and their dossiers (DIU), for the guichet unique."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.completeness import Completeness, SchoolYear, completeness
from portail_core.domain.dossier import Family, SupportingDocument
from portail_core.errors import NotFound
from portail_core.ports import Clock, DocumentStore, UnitOfWork

__all__ = ["FamilySummary", "add_document", "create_family", "family_dossier", "list_families"]


@frozen
class FamilySummary:
    family: Family
    completeness: Completeness
    account_identifier: str | None


def create_family(uow: UnitOfWork, family: Family, *, actor: Actor, clock: Clock) -> int:
    """Record a new family's dossier; returns its number."""
    now = clock.now()
    with uow:
        uow.families.add(family, now)
        assert family.id is not None  # noqa: S101  (set by add)
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="family.create",
                summary=f"Dossier créé : famille {family.name} (n° {family.id})",
                details={"family_id": family.id, "children": len(family.children)},
            )
        )
        uow.commit()
        return family.id


def family_dossier(
    uow: UnitOfWork, family_id: int, school_year: SchoolYear, clock: Clock
) -> FamilySummary:
    """A family's dossier and what it lacks for the school year (give a read-only unit)."""
    with uow:
        family = uow.families.get(family_id)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        regulations = uow.catalogue.get().regulations()
        account = uow.accounts.of_family(family_id)
    return FamilySummary(
        family,
        completeness(family, school_year, regulations, clock.today()),
        account.identifier if account else None,
    )


def list_families(
    uow: UnitOfWork, school_year: SchoolYear, clock: Clock, *, incomplete_only: bool = False
) -> list[FamilySummary]:
    """Every family with its completeness for the school year (give a read-only unit)."""
    with uow:
        families = uow.families.listing()
        regulations = uow.catalogue.get().regulations()
        identifiers = uow.accounts.identifiers()
    summaries = [
        FamilySummary(
            family,
            completeness(family, school_year, regulations, clock.today()),
            identifiers.get(family.id or 0),
        )
        for family in families
    ]
    return [s for s in summaries if not (incomplete_only and s.completeness.complete)]


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
        with uow:
            family = uow.families.get(family_id)
            if family is None:
                raise NotFound(f"Aucune famille n° {family_id}.")
            document = SupportingDocument.create(
                kind=kind, file_id=stored.file_id, uploaded_at=now, valid_until=valid_until
            )
            family.add_document(document)
            uow.families.update(family, now)
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="document.add",
                    summary=f"Pièce ajoutée au dossier {family.name} : {document.kind.label}",
                    details={
                        "family_id": family_id,
                        "kind": document.kind.value,
                        "size": stored.size,
                        "format": stored.format.value,
                        "valid_until": valid_until.isoformat() if valid_until else None,
                    },
                )
            )
            uow.commit()
            return document
    except BaseException:
        store.delete(stored.file_id)
        raise
