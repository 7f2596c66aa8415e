"""Use cases about families and their dossiers (DIU), for the guichet unique."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import attrs
import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.child import Authorizations, Child
from portail_core.domain.completeness import Completeness, SchoolYear, completeness
from portail_core.domain.dossier import MAX_AUTHORIZED_PERSONS, Family, SupportingDocument
from portail_core.domain.guardians import AuthorizedPerson, Guardian
from portail_core.errors import Conflict, NotFound
from portail_core.ports import Clock, DocumentStore, UnitOfWork

__all__ = [
    "FamilyExport",
    "FamilySummary",
    "add_authorized_person",
    "add_document",
    "child_health",
    "create_family",
    "document_of_family",
    "export_family",
    "family_dossier",
    "family_history",
    "import_families",
    "list_families",
    "remove_authorized_person",
    "update_child_health",
    "update_guardian_contact",
]


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
                details={"children": len(family.children)},
                family_id=family.id,
            )
        )
        uow.commit()
        return family.id


def family_dossier(
    uow: UnitOfWork,
    family_id: int,
    school_year: SchoolYear,
    clock: Clock,
    *,
    health_read_by: Actor | None = None,
) -> FamilySummary:
    """A family's dossier and what it lacks for the school year (give a read-only unit).

    With ``health_read_by``, the caller shows the children's health information to that person:
    the read is recorded in the audit trail (give a writable unit then).
    """
    with uow:
        family = uow.families.get(family_id)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        regulations = uow.catalogue.get().regulations()
        account = uow.accounts.of_family(family_id)
        if health_read_by is not None:
            _record_health_read(uow, family, family.children, health_read_by, clock.now())
            uow.commit()
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
                    family_id=family_id,
                    details={
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


def update_guardian_contact(
    uow: UnitOfWork,
    family_id: int,
    guardian_number: int,
    *,
    phones: list[str],
    email: str | None,
    actor: Actor,
    clock: Clock,
) -> Family:
    """Change a guardian's phones and e-mail (effective at once; the history keeps old -> new).

    The address, which decides residency and so the tariff, is changed by the guichet unique.
    """
    now = clock.now()
    with uow:
        family = uow.families.get(family_id)
        if family is None or not 1 <= guardian_number <= len(family.guardians):
            raise NotFound("Responsable légal introuvable.")
        old = family.guardians[guardian_number - 1]
        address = old.address
        new = Guardian.create(
            first_name=old.first_name,
            last_name=old.last_name,
            relationship=old.relationship.value,
            street=address.street if address else None,
            postcode=address.postcode if address else None,
            city=address.city if address else None,
            phones=phones,
            email=email,
            employer_name=old.employer.name if old.employer else None,
            employer_phone=old.employer.phone if old.employer else None,
        )
        prefix = f"guardians.{guardian_number}"
        changes = {
            f"{prefix}.{name}": [_text(getattr(old, name)), _text(getattr(new, name))]
            for name in ("phones", "email")
            if getattr(old, name) != getattr(new, name)
        }
        if changes:
            family.guardians[guardian_number - 1] = new
            uow.families.update(family, now)
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="family.contact_update",
                    summary=f"Coordonnées de {new.first_name} {new.last_name} modifiées",
                    details={"changes": changes},
                    family_id=family_id,
                )
            )
            uow.commit()
        return family


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def family_history(uow: UnitOfWork, family_id: int, limit: int = 200) -> list[AuditEvent]:
    """Who changed what in the family's dossier and account, most recent first."""
    with uow:
        if uow.families.get(family_id) is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        return uow.audit.of_family(family_id, limit)


@frozen
class FamilyExport:
    """Everything the portal holds about a family (RGPD right of access)."""

    family: Family
    account_identifier: str | None
    history: list[AuditEvent]


def export_family(
    uow: UnitOfWork,
    family_id: int,
    *,
    health_read_by: Actor | None = None,
    clock: Clock | None = None,
) -> FamilyExport:
    """Everything about a family (give a read-only unit).

    With ``health_read_by`` (and the ``clock``), the export is shown or handed to that person,
    health information included: the read is recorded in the audit trail (give a writable unit).
    """
    with uow:
        family = uow.families.get(family_id)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        account = uow.accounts.of_family(family_id)
        history = uow.audit.of_family(family_id, 10_000)
        if health_read_by is not None:
            if clock is None:
                raise TypeError("export_family: recording a health read needs the clock")
            _record_health_read(uow, family, family.children, health_read_by, clock.now())
            uow.commit()
    return FamilyExport(family, account.identifier if account else None, history)


def child_health(
    uow: UnitOfWork, family_id: int, child_id: int, *, actor: Actor, clock: Clock
) -> Child:
    """A child of the family, to show its health information to ``actor``: the read is recorded
    in the audit trail (another family's child is NotFound)."""
    with uow:
        family = uow.families.get(family_id)
        child = next((c for c in family.children if c.id == child_id), None) if family else None
        if family is None or child is None:
            raise NotFound("Enfant introuvable.")
        _record_health_read(uow, family, [child], actor, clock.now())
        uow.commit()
        return child


def _record_health_read(
    uow: UnitOfWork,
    family: Family,
    children: Sequence[Child],
    actor: Actor,
    now: pendulum.DateTime,
) -> None:
    """Who was shown which children's health information, and when: one audit event per read,
    naming the children, never any health value (RGPD art. 9)."""
    if not children:
        return
    uow.audit.record(
        AuditEvent(
            at=now,
            actor=actor,
            action="child.health_read",
            summary="Informations de santé consultées : "
            + ", ".join(child.first_name for child in children),
            details={"children": [child.id for child in children]},
            family_id=family.id,
        )
    )


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


def import_families(
    uow: UnitOfWork, families: list[Family], *, source: str, actor: Actor, clock: Clock
) -> list[int]:
    """Record families read from another software's export, all in one transaction."""
    now = clock.now()
    ids = []
    with uow:
        for family in families:
            uow.families.add(family, now)
            assert family.id is not None  # noqa: S101  (set by add)
            ids.append(family.id)
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="family.import",
                    summary=f"Dossier importé : famille {family.name} (n° {family.id})",
                    details={"source": source[:200], "children": len(family.children)},
                    family_id=family.id,
                )
            )
        uow.commit()
    return ids


HEALTH_FIELDS = ("allergies", "diet", "pai", "vaccinations_up_to_date")


def update_child_health(
    uow: UnitOfWork,
    family_id: int,
    child_id: int,
    *,
    allergies: str,
    diet: str,
    diet_details: str,
    has_pai: bool | None,
    pai_valid_until: date | None,
    pai_instructions: str,
    vaccinations_up_to_date: bool | None,
    authorizations: Authorizations,
    actor: Actor,
    clock: Clock,
) -> Child:
    """Change a child's health information and authorisations.

    Health data (RGPD art. 9) never enters the audit trail: its entry names the fields changed,
    not their values; authorisations are recorded old -> new.
    """
    now = clock.now()
    with uow:
        family = uow.families.get(family_id)
        index = (
            next((i for i, c in enumerate(family.children) if c.id == child_id), None)
            if family
            else None
        )
        if family is None or index is None:
            raise NotFound("Enfant introuvable.")
        old = family.children[index]
        doctor = old.doctor
        new = Child.create(
            first_name=old.first_name,
            last_name=old.last_name,
            birth_date=old.birth_date,
            today=clock.today(),
            sex=old.sex.value if old.sex else None,
            school_code=old.school_code,
            school_class=old.school_class,
            doctor_name=doctor.name if doctor else None,
            doctor_phone=doctor.phone if doctor else None,
            allergies=allergies,
            diet=diet,
            diet_details=diet_details,
            has_pai=has_pai,
            pai_valid_until=pai_valid_until,
            pai_instructions=pai_instructions,
            vaccinations_up_to_date=vaccinations_up_to_date,
            authorizations=authorizations,
            enrolments=old.enrolments,
        )
        new.id = old.id
        health = [name for name in HEALTH_FIELDS if getattr(old, name) != getattr(new, name)]
        allowed = {
            f"authorizations.{name}": [
                str(getattr(old.authorizations, name)),
                str(getattr(new.authorizations, name)),
            ]
            for name in attrs.fields_dict(Authorizations)
            if getattr(old.authorizations, name) != getattr(new.authorizations, name)
        }
        if health or allowed:
            family.children[index] = new
            uow.families.update(family, now)
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="child.health_update",
                    summary=f"Santé et autorisations de {new.first_name} modifiées",
                    details={"health_fields_changed": health, "changes": allowed},
                    family_id=family_id,
                )
            )
            uow.commit()
        return new


def add_authorized_person(
    uow: UnitOfWork, family_id: int, person: AuthorizedPerson, *, actor: Actor, clock: Clock
) -> None:
    """A person who may pick the children up or be called in an emergency."""
    _change_authorized_persons(
        uow,
        family_id,
        lambda people: [*people, person],
        actor,
        clock,
        f"Personne autorisée ajoutée : {person.full_name}",
    )


def remove_authorized_person(
    uow: UnitOfWork, family_id: int, number: int, *, actor: Actor, clock: Clock
) -> None:
    """Remove the ``number``-th authorised person (from 1)."""

    def without(people: list[AuthorizedPerson]) -> list[AuthorizedPerson]:
        if not 1 <= number <= len(people):
            raise NotFound("Personne autorisée introuvable.")
        return [p for i, p in enumerate(people, start=1) if i != number]

    _change_authorized_persons(uow, family_id, without, actor, clock, "Personne autorisée retirée")


def _change_authorized_persons(
    uow: UnitOfWork,
    family_id: int,
    change: Callable[[list[AuthorizedPerson]], list[AuthorizedPerson]],
    actor: Actor,
    clock: Clock,
    summary: str,
) -> None:
    now = clock.now()
    with uow:
        family = uow.families.get(family_id)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        before = [p.full_name for p in family.authorized_persons]
        people = change(list(family.authorized_persons))
        if len(people) > MAX_AUTHORIZED_PERSONS:
            raise Conflict(f"{MAX_AUTHORIZED_PERSONS} personnes autorisées au plus.")
        family.authorized_persons = people
        uow.families.update(family, now)
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="family.authorized_persons",
                summary=summary,
                details={
                    "changes": {
                        "authorized_persons": [
                            ", ".join(before),
                            ", ".join(p.full_name for p in people),
                        ]
                    }
                },
                family_id=family_id,
            )
        )
        uow.commit()
