"""The desk's edits of a dossier: household, residency, insurance, quotient, contacts, schooling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.family import Family, FamilyQuotient
from portail_core.domain.shared.french_dates import day_format
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.accounts.email_change import propose_email_change
from portail_core.services.dossiers import notices
from portail_core.services.dossiers.common import (
    address_text,
    family_of,
    guardian_with,
    history_text,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["DossierEdit", "edit_family"]


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


_NOT_CHANGED = "Le dossier n'a pas été modifié."


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
        raise InvalidInput(_NOT_CHANGED, problems)
    now = clock.now()
    with uow:
        family = family_of(uow, family_id, for_update=True)
        schools = [school.code for school in uow.catalogue.get().schools]
        changes = _edited(family, edit, schools, problems)
        if changes:
            uow.families.update(family, now)
            uow.audit.record(notices.family_edited(family, changes, actor, now))
            if "guardians.1.email" in changes:
                email = family.main_guardian.email
                propose_email_change(
                    uow, family_id, email, public_url=public_url, actor=actor, now=now
                )
            uow.commit()
        return changes


def _edited(
    family: Family, edit: DossierEdit, schools: list[str], problems: dict[str, str]
) -> dict[str, list[str]]:
    """Apply the edit to ``family``; what changed (old -> new). InvalidInput lists every problem,
    ``problems`` (of the edit as a whole) included."""
    before = _editable_values(family)
    problems = problems | _apply_edit(family, edit, schools)
    changes = {
        key: [before.get(key, ""), new]
        for key, new in _editable_values(family).items()
        if before.get(key, "") != new
    }
    if "guardians.1.address" in changes and edit.resident is None:
        problems["resident"] = (
            "La nouvelle adresse du responsable principal est-elle dans la commune ? "
            "Précisez-le : elle décide des tarifs."
        )
    if problems:
        raise InvalidInput(_NOT_CHANGED, problems)
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
        problems.update(_set_insurance(family, edit.insurance_valid_until))
    if edit.highest_tariff:
        family.choose_highest_tariff()
    elif len(edit.given(*_QUOTIENT)) == len(_QUOTIENT):
        attempt("quotient.", lambda: family.set_quotient(_quotient_of(edit)))
    if edit.given(*_CONTACT):
        attempt("guardian.", _guardian_change(family, edit))
    if edit.child_id is not None:
        attempt("child.", _schooling_change(family, edit, schools))
    return problems


def _set_insurance(family: Family, typed: date | str) -> dict[str, str]:
    """Set the end of the family's insurance, typed 31/08/2027 or 2027-08-31; the problem if
    it cannot be read."""
    reader = InputReader()
    family.insurance_valid_until = reader.day(
        "insurance_valid_until",
        typed,
        f"La fin de validité de l'assurance s'écrit {day_format(date(2027, 8, 31))}.",
    )
    return reader.problems


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
        family.guardians[index] = guardian_with(
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
        "insurance_valid_until": history_text(family.insurance_valid_until),
        "quotient": _quotient_text(family),
    }
    for number, guardian in enumerate(family.guardians, start=1):
        values[f"guardians.{number}.phones"] = history_text(guardian.phones)
        values[f"guardians.{number}.email"] = history_text(guardian.email)
        values[f"guardians.{number}.address"] = address_text(guardian.address)
    for child in family.children:
        values[f"children.{child.id}.school_code"] = history_text(child.school_code)
        values[f"children.{child.id}.school_class"] = history_text(child.school_class)
    return values


def _quotient_text(family: Family) -> str:
    quotient = family.quotient
    if quotient is not None:
        return f"{quotient.value} ({quotient.source.value}, à partir du {quotient.valid_from})"
    return "tarif le plus élevé" if family.highest_tariff_chosen else ""
