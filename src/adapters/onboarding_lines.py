"""One line of a town's onboarding export (``onboarding_csv``), read value by value through
the domain's constructors: every problem is collected with the line's number, never raised, so
that the whole file is reported at once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pendulum

from adapters.direct_debit.accounts import check_iban
from portail_core.domain.dossiers.child import Authorizations, Child
from portail_core.domain.dossiers.family import (
    DocumentType,
    Family,
    FamilyQuotient,
    RegulationConsent,
    SupportingDocument,
)
from portail_core.domain.dossiers.guardians import Guardian
from portail_core.domain.payments.direct_debit import SepaMandate
from portail_core.domain.shared.french_dates import DAY_FORMATS, parse_day
from portail_core.domain.shared.text import printable
from portail_core.errors import InvalidInput
from portail_core.services.dossiers.onboarding import SEEN_AT_DESK, FileProblem

__all__ = ["Line", "read_child", "read_family"]

_YES, _NO = {"oui", "o", "1", "x", "vrai"}, {"non", "n", "0", "", "faux"}
_NOON = 12  # a day of the export becomes noon in Europe/Paris: never the day before in UTC
T = TypeVar("T")


def _messages(error: InvalidInput, labels: dict[str, str]) -> list[str]:
    """The problems of a domain refusal, named after the file's columns."""
    if not error.problems:
        return [error.message]
    return [f"{labels.get(name, name)} : {message}" for name, message in error.problems.items()]


class Line:
    """One line's problems, collected rather than raised."""

    def __init__(self, number: int, row: dict[str, str]) -> None:
        self.number, self.row, self.problems = number, row, list[FileProblem]()

    def get(self, column: str) -> str:
        return self.row.get(column, "")

    def refuse(self, message: str) -> None:
        self.problems.append(FileProblem(self.number, message))

    def day(self, column: str) -> date | None:
        text = self.get(column)
        if not text:
            return None
        parsed = parse_day(text)
        if parsed is None:
            self.refuse(f"{column} : date illisible « {printable(text, 20)} » ({DAY_FORMATS}).")
        return parsed

    def yes_no(self, column: str) -> bool | None:
        text = self.get(column).casefold()
        if text in _YES:
            return True
        if text in _NO:
            return None if text == "" else False
        self.refuse(f"{column} : oui ou non, pas « {printable(self.get(column), 20)} ».")
        return None

    def build(self, build: Callable[[], T], labels: dict[str, str]) -> T | None:
        try:
            return build()
        except InvalidInput as error:
            for message in _messages(error, labels):
                self.refuse(message)
            return None


_GUARDIAN_LABELS = {
    "first_name": "prenom",
    "last_name": "nom",
    "relationship": "lien",
    "street": "adresse",
    "postcode": "cp",
    "city": "ville",
    "phones": "tel",
    "email": "email",
}


def _guardian(line: Line, prefix: str) -> Guardian | None:
    row = line.row
    address: dict[str, str | None] = {"street": None, "postcode": None, "city": None}
    if prefix == "resp1":
        address = {
            "street": ", ".join(p.strip() for p in row["resp1_adresse"].splitlines()) or None,
            "postcode": row["resp1_cp"] or None,
            "city": row["resp1_ville"] or None,
        }
    labels = {key: f"{prefix}_{value}" for key, value in _GUARDIAN_LABELS.items()}
    return line.build(
        lambda: Guardian.create(
            first_name=line.get(f"{prefix}_prenom"),
            last_name=line.get(f"{prefix}_nom"),
            relationship=line.get(f"{prefix}_lien") or "autre",
            phones=[p for p in line.get(f"{prefix}_tel").replace(",", "/").split("/") if p.strip()],
            email=line.get(f"{prefix}_email") or None,
            **address,
        ),
        labels,
    )


def read_family(
    line: Line, children: list[Child], today: date, *, any_child_problem: bool
) -> Family | None:
    guardians = [_guardian(line, "resp1")]
    if line.get("resp2_prenom") or line.get("resp2_nom"):
        guardians.append(_guardian(line, "resp2"))
    resident = line.yes_no("habitant")
    if line.get("habitant") == "":
        line.refuse("habitant : oui ou non (habite la commune).")
    quotient = _quotient(line)
    highest = bool(line.yes_no("tarif_plus_eleve"))
    insurance = line.day("assurance_valable_jusquau")
    documents = _proof_of_address(line)
    consents = _consents(line)
    mandate = _mandate(line, today)
    if line.problems or any_child_problem or any(g is None for g in guardians):
        return None
    family = line.build(
        lambda: Family.create(
            name=line.get("nom_foyer"),
            guardians=[g for g in guardians if g is not None],
            resident=bool(resident),
            children=children,
            quotient=quotient,
            highest_tariff_chosen=highest,
            insurance_valid_until=insurance,
            documents=documents,
            consents=consents,
        ),
        {"name": "nom_foyer", "children": "enfants", "quotient": "qf"},
    )
    if family is not None and mandate is not None:
        family.sign_mandate(mandate)
    return family


def _quotient(line: Line) -> FamilyQuotient | None:
    if not line.get("qf"):
        if line.get("qf_date") or line.get("qf_source"):
            line.refuse("qf : le quotient familial manque alors que qf_source ou qf_date est dit.")
        return None
    return line.build(
        lambda: FamilyQuotient.create(
            value=line.get("qf"),
            source=line.get("qf_source") or "CAF",
            valid_from=line.get("qf_date"),
        ),
        {"value": "qf", "source": "qf_source", "valid_from": "qf_date"},
    )


@functools.lru_cache(maxsize=1024)
def _noon(day: date) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, _NOON, tz="Europe/Paris")


def _proof_of_address(line: Line) -> list[SupportingDocument]:
    given, until = line.day("domicile_fourni_le"), line.day("domicile_valable_jusquau")
    if given is None and until is None:
        return []
    if given is None or until is None:
        line.refuse("domicile_fourni_le et domicile_valable_jusquau : les deux dates, ou aucune.")
        return []
    if until < given:
        line.refuse("domicile_valable_jusquau : avant la date où le justificatif a été fourni.")
        return []
    return [SupportingDocument(DocumentType.PROOF_OF_ADDRESS, SEEN_AT_DESK, _noon(given), until)]


def _consents(line: Line) -> list[RegulationConsent]:
    consents = []
    for item in (part.strip() for part in line.get("reglements").split("|")):
        if not item:
            continue
        pieces = [piece.strip() for piece in item.split(":")]
        day = parse_day(pieces[2]) if len(pieces) == 3 else None
        if day is None:
            line.refuse(
                f"reglements : « {printable(item, 40)} » s'écrit STRUCTURE:VERSION:DATE "
                "(ex. : ALSH-PLAGE:2026-1:12/06/2026)."
            )
            continue
        consent = line.build(
            functools.partial(_consent, pieces[0], pieces[1], day),
            {"establishment_code": "reglements", "version": "reglements"},
        )
        if consent is not None:
            consents.append(consent)
    return consents


@functools.lru_cache(maxsize=4096)  # a town's families accepted the same few on the same days
def _consent(code: str, version: str, day: date) -> RegulationConsent:
    return RegulationConsent.create(
        establishment_code=code, version=version, accepted_at=_noon(day)
    )


def _mandate(line: Line, today: date) -> SepaMandate | None:
    columns = ("mandat_rum", "mandat_titulaire", "mandat_iban", "mandat_bic", "mandat_signe_le")
    if not any(line.get(c) for c in columns):
        return None
    try:
        account = check_iban(line.get("mandat_iban"), line.get("mandat_bic") or None)
    except InvalidInput as error:
        for message in _messages(error, {"iban": "mandat_iban", "bic": "mandat_bic"}):
            line.refuse(message)
        return None
    return line.build(
        lambda: SepaMandate.create(
            holder=line.get("mandat_titulaire"),
            iban=account.iban,
            bic=account.bic,
            rum=line.get("mandat_rum"),
            signed_on=line.get("mandat_signe_le"),
            today=today,
        ),
        {
            "holder": "mandat_titulaire",
            "iban": "mandat_iban",
            "bic": "mandat_bic",
            "rum": "mandat_rum",
            "signed_on": "mandat_signe_le",
        },
    )


_CHILD_LABELS = {
    "first_name": "enfant_prenom",
    "last_name": "enfant_nom",
    "birth_date": "enfant_naissance",
    "sex": "enfant_sexe",
    "school_code": "enfant_ecole",
    "school_class": "enfant_classe",
    "doctor_name": "enfant_medecin",
    "doctor_phone": "enfant_medecin_tel",
    "allergies": "enfant_allergies",
    "diet": "enfant_regime",
    "diet_details": "enfant_regime_precision",
    "pai": "enfant_pai",
    "pai_instructions": "enfant_pai_consignes",
    "enrolments": "enfant_inscriptions",
}


def read_child(line: Line, today: date) -> Child | None:
    born = line.day("enfant_naissance")
    if born is None and not line.get("enfant_naissance"):
        line.refuse("enfant_naissance : la date de naissance est obligatoire.")
    vaccinated = line.yes_no("enfant_vaccins_a_jour")
    has_pai = line.yes_no("enfant_pai")  # empty: not answered yet
    pai_until = line.day("enfant_pai_jusquau")
    allowed = Authorizations(
        photos=bool(line.yes_no("enfant_photos")),
        leave_alone=bool(line.yes_no("enfant_sortie_seul")),
        emergency_care=bool(line.yes_no("enfant_soins_urgence")),
        transport=bool(line.yes_no("enfant_transport")),
    )
    enrolments = []
    for item in (part.strip() for part in line.get("enfant_inscriptions").split("|")):
        if item:
            establishment, _, unit = item.partition(":")
            enrolments.append((establishment.strip(), unit.strip()))
    if born is None or line.problems:
        return None
    return line.build(
        lambda: Child.create(
            first_name=line.get("enfant_prenom"),
            last_name=line.get("enfant_nom"),
            birth_date=born,
            today=today,
            sex=line.get("enfant_sexe") or None,
            school_code=line.get("enfant_ecole") or None,
            school_class=line.get("enfant_classe") or None,
            doctor_name=line.get("enfant_medecin") or None,
            doctor_phone=line.get("enfant_medecin_tel") or None,
            allergies=line.get("enfant_allergies"),
            diet=line.get("enfant_regime") or "aucun",
            diet_details=line.get("enfant_regime_precision"),
            has_pai=has_pai,
            pai_valid_until=pai_until,
            pai_instructions=line.get("enfant_pai_consignes"),
            vaccinations_up_to_date=vaccinated,
            authorizations=allowed,
            enrolments=enrolments,
        ),
        _CHILD_LABELS,
    )
