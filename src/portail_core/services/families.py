"""Use cases about families and their dossiers (DIU), for the guichet unique."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import attrs
import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.child import Authorizations, Child
from portail_core.domain.dossiers.completeness import Completeness, SchoolYear, completeness
from portail_core.domain.dossiers.family import (
    MAX_AUTHORIZED_PERSONS,
    Family,
    FamilyQuotient,
    SupportingDocument,
)
from portail_core.domain.dossiers.guardians import AuthorizedPerson, Guardian
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.accounts import propose_email_change

__all__ = [
    "DossierEdit",
    "FamilyExport",
    "FamilySummary",
    "add_authorized_person",
    "add_document",
    "child_health",
    "create_family",
    "document_of_family",
    "edit_family",
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
            family = uow.families.get(family_id, for_update=True)
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
    public_url: str,
    actor: Actor,
    clock: Clock,
) -> Family:
    """Change a guardian's phones and e-mail (effective at once; the history keeps old -> new).

    A new e-mail for the main guardian reaches the account only once confirmed with the link
    sent to it (``propose_email_change``, in the same transaction). The address, which decides
    residency and so the tariff, is changed by the guichet unique.
    """
    now = clock.now()
    with uow:
        family = uow.families.get(family_id, for_update=True)
        if family is None or not 1 <= guardian_number <= len(family.guardians):
            raise NotFound("Responsable légal introuvable.")
        old = family.guardians[guardian_number - 1]
        new = _guardian_with(old, phones=phones, email=email or "")  # None clears it here
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
            if guardian_number == 1 and f"{prefix}.email" in changes:
                propose_email_change(
                    uow, family_id, new.email, public_url=public_url, actor=actor, now=now
                )
            uow.commit()
        return family


@frozen
class DossierEdit:
    """What staff change in a dossier at the desk; ``None`` leaves a value as it is.

    ``guardian`` (from 1) is the guardian whose phones, e-mail or address change; ``child_id``
    the child whose school or class changes. An empty text clears an optional value (an
    e-mail, a phone list, a class). Dates may be typed 01/09/2026 or 2026-09-01.
    """

    name: str | None = None
    resident: bool | None = None
    insurance_valid_until: date | str | None = None
    quotient_value: str | None = None
    quotient_source: str | None = None
    quotient_valid_from: date | str | None = None
    highest_tariff: bool = False
    guardian: int = 1
    phones: tuple[str, ...] | None = None
    email: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    child_id: int | None = None
    school_code: str | None = None
    school_class: str | None = None

    def given(self, *names: str) -> list[str]:
        """Which of these fields the edit changes."""
        return [name for name in names if getattr(self, name) is not None]

    def problems(self) -> dict[str, str]:
        """What is wrong with the edit as a whole, before looking at the dossier."""
        problems: dict[str, str] = {}
        quotient = self.given(*_QUOTIENT)
        if self.highest_tariff and quotient:
            problems["quotient"] = (
                "Choisissez soit un quotient familial, soit le tarif le plus élevé."
            )
        elif quotient and len(quotient) < len(_QUOTIENT):
            problems["quotient"] = (
                "Le montant, la source et la date de début du quotient familial vont ensemble."
            )
        schooling = self.given(*_SCHOOLING)
        if schooling and self.child_id is None:
            problems["child"] = "Précisez l'enfant (son n°) dont l'école ou la classe change."
        elif self.child_id is not None and not schooling:
            problems["child"] = "Précisez la nouvelle école ou la nouvelle classe de l'enfant."
        if not (self.highest_tariff or self.given(*_FIELDS) or problems):
            problems["edit"] = "Rien à modifier : indiquez au moins un changement."
        return problems


_QUOTIENT = ("quotient_value", "quotient_source", "quotient_valid_from")
_CONTACT = ("phones", "email", "street", "postcode", "city")
_SCHOOLING = ("school_code", "school_class")
_FIELDS = ("name", "resident", "insurance_valid_until", *_QUOTIENT, *_CONTACT, *_SCHOOLING)


def edit_family(
    uow: UnitOfWork,
    family_id: int,
    edit: DossierEdit,
    *,
    public_url: str,
    actor: Actor,
    clock: Clock,
) -> dict[str, list[str]]:
    """Change a dossier at the guichet unique; returns what changed (old -> new), also recorded
    in the audit trail. Nothing is written unless every value is valid: InvalidInput lists the
    problems (field names prefixed: ``quotient.value``, ``guardian.phones``, ``child.school_code``).
    A new e-mail for the main guardian reaches the account once confirmed
    (``propose_email_change``).

    Changing the main guardian's address needs ``resident`` (it decides the tariffs), as when
    staff approve a family's request; a school must be one of the catalogue's.
    """
    problems = edit.problems()
    if "edit" in problems:
        raise InvalidInput("Le dossier n'a pas été modifié.", problems)
    now = clock.now()
    with uow:
        family = uow.families.get(family_id, for_update=True)
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        before = _editable_values(family)
        schools = [school.code for school in uow.catalogue.get().schools]
        problems |= _apply_edit(family, edit, schools)
        after = _editable_values(family)
        changes = {key: [before.get(key, ""), new] for key, new in after.items()}
        changes = {key: values for key, values in changes.items() if values[0] != values[1]}
        if "guardians.1.address" in changes and edit.resident is None:
            problems["resident"] = (
                "La nouvelle adresse du responsable principal est-elle dans la commune ? "
                "Précisez-le : elle décide des tarifs."
            )
        if problems:
            raise InvalidInput("Le dossier n'a pas été modifié.", problems)
        if changes:
            uow.families.update(family, now)
            uow.audit.record(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="family.edit",
                    summary=f"Dossier {family.name} modifié : "
                    + ", ".join(_change_label(key) for key in changes),
                    details={"changes": changes},
                    family_id=family_id,
                )
            )
            if "guardians.1.email" in changes:
                propose_email_change(
                    uow,
                    family_id,
                    family.main_guardian.email,
                    public_url=public_url,
                    actor=actor,
                    now=now,
                )
            uow.commit()
        return changes


def _apply_edit(family: Family, edit: DossierEdit, schools: list[str]) -> dict[str, str]:
    """Apply each valid part of the edit to ``family``; the problems of the others."""
    problems: dict[str, str] = {}

    def attempt(prefix: str, change: Callable[[], None]) -> None:
        try:
            change()
        except InvalidInput as error:
            for name, message in error.problems.items():
                problems[f"{prefix}{name}"] = message

    if edit.name is not None:
        attempt("", lambda: family.rename(edit.name or ""))
    if edit.resident is not None:
        family.resident = edit.resident
    if edit.insurance_valid_until is not None:
        reader = InputReader()
        family.insurance_valid_until = reader.day(
            "insurance_valid_until",
            edit.insurance_valid_until,
            "La fin de validité de l'assurance s'écrit JJ/MM/AAAA (ex. : 31/08/2027).",
        )
        problems.update(reader.problems)
    if edit.highest_tariff:
        family.choose_highest_tariff()
    elif len(edit.given(*_QUOTIENT)) == len(_QUOTIENT):
        attempt("quotient.", lambda: family.set_quotient(_quotient_of(edit)))
    if edit.given(*_CONTACT):
        attempt("guardian.", _guardian_change(family, edit))
    if edit.child_id is not None:
        attempt("child.", _schooling_change(family, edit, schools))
    return problems


def _quotient_of(edit: DossierEdit) -> FamilyQuotient:
    return FamilyQuotient.create(
        value=edit.quotient_value or "",
        source=edit.quotient_source or "",
        valid_from=edit.quotient_valid_from or "",
    )


def _guardian_change(family: Family, edit: DossierEdit) -> Callable[[], None]:
    if not 1 <= edit.guardian <= len(family.guardians):
        raise NotFound(f"Responsable légal n° {edit.guardian} introuvable dans ce dossier.")
    index = edit.guardian - 1

    def change() -> None:
        family.guardians[index] = _guardian_with(
            family.guardians[index],
            phones=edit.phones,
            email=edit.email,
            street=edit.street,
            postcode=edit.postcode,
            city=edit.city,
        )

    return change


def _schooling_change(family: Family, edit: DossierEdit, schools: list[str]) -> Callable[[], None]:
    child = family.child(edit.child_id or 0)
    if child is None:
        raise NotFound(f"Enfant n° {edit.child_id} introuvable dans ce dossier.")

    def change() -> None:
        child.change_school(
            edit.school_code if edit.school_code is not None else child.school_code,
            edit.school_class if edit.school_class is not None else child.school_class,
        )
        if edit.school_code and child.school_code not in schools:
            known = ", ".join(schools) or "aucune n'est chargée"
            message = (
                f"L'école « {child.school_code} » n'est pas au catalogue de la commune "
                f"(écoles : {known})."
            )
            raise InvalidInput(message, {"school_code": message})

    return change


def _editable_values(family: Family) -> dict[str, str]:
    """What staff may edit, as text for the history (no health information in it)."""
    values = {
        "name": family.name,
        "resident": str(family.resident),
        "insurance_valid_until": _text(family.insurance_valid_until),
        "quotient": _quotient_text(family),
    }
    for number, guardian in enumerate(family.guardians, start=1):
        address = guardian.address
        values[f"guardians.{number}.phones"] = _text(guardian.phones)
        values[f"guardians.{number}.email"] = _text(guardian.email)
        values[f"guardians.{number}.address"] = (
            f"{address.street}, {address.postcode} {address.city}" if address else ""
        )
    for child in family.children:
        values[f"children.{child.id}.school_code"] = _text(child.school_code)
        values[f"children.{child.id}.school_class"] = _text(child.school_class)
    return values


def _quotient_text(family: Family) -> str:
    quotient = family.quotient
    if quotient is not None:
        return f"{quotient.value} ({quotient.source.value}, à partir du {quotient.valid_from})"
    return "tarif le plus élevé" if family.highest_tariff_chosen else ""


_LABELS = {
    "name": "nom du foyer",
    "resident": "habitant de la commune",
    "insurance_valid_until": "assurance",
    "quotient": "quotient familial",
    "phones": "téléphones",
    "email": "e-mail",
    "address": "adresse",
    "school_code": "école",
    "school_class": "classe",
}


def _change_label(key: str) -> str:
    """« quotient familial », « responsable n° 1 : adresse », « enfant n° 4 : classe »."""
    parts = key.split(".")
    if len(parts) == 1:
        return _LABELS[key]
    who = "responsable" if parts[0] == "guardians" else "enfant"
    return f"{who} n° {parts[1]} : {_LABELS[parts[2]]}"


def _guardian_with(
    old: Guardian,
    *,
    phones: Sequence[str] | None = None,
    email: str | None = None,
    street: str | None = None,
    postcode: str | None = None,
    city: str | None = None,
) -> Guardian:
    """The guardian with the given contact details changed (None keeps one as it is), checked
    by ``Guardian.create``: InvalidInput lists every problem."""
    address = old.address
    return Guardian.create(
        first_name=old.first_name,
        last_name=old.last_name,
        relationship=old.relationship.value,
        street=street if street is not None else (address.street if address else None),
        postcode=postcode if postcode is not None else (address.postcode if address else None),
        city=city if city is not None else (address.city if address else None),
        phones=phones if phones is not None else old.phones,
        email=email if email is not None else old.email,
        employer_name=old.employer.name if old.employer else None,
        employer_phone=old.employer.phone if old.employer else None,
    )


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
        family = uow.families.get(family_id, for_update=True)
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
        family = uow.families.get(family_id, for_update=True)
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
