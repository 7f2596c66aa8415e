"""Families exported by the town's previous software, as CSV (``;`` or ``,``), one row per
child; the rows of one family share its ``famille`` reference and repeat the family's columns.

A row that cannot be read rejects its whole family (never half a family); every rejection says
which lines and why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date

from attrs import field, frozen

from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family, FamilyQuotient
from portail_core.domain.dossiers.guardians import Guardian
from portail_core.domain.shared.french_dates import DAY_FORMATS, day_format, parse_day
from portail_core.domain.shared.text import check_file_text, printable
from portail_core.errors import InvalidInput

__all__ = ["COLUMNS", "ImportFile", "Rejection", "read_family_csv"]

COLUMNS = (
    "famille",
    "nom_foyer",
    "habitant",
    "resp1_prenom",
    "resp1_nom",
    "resp1_lien",
    "resp1_adresse",
    "resp1_cp",
    "resp1_ville",
    "resp1_tel",
    "resp1_email",
    "resp2_prenom",
    "resp2_nom",
    "resp2_lien",
    "resp2_tel",
    "enfant_prenom",
    "enfant_nom",
    "enfant_naissance",
    "enfant_ecole",
    "enfant_classe",
    "qf",
    "qf_source",
    "qf_date",
)
MAX_ROWS = 50_000
MAX_REFERENCE = 40  # the family's reference in the previous software (``famille``)


@frozen
class Rejection:
    reference: str
    lines: tuple[int, ...]
    reasons: tuple[str, ...]


@frozen
class ImportFile:
    families: tuple[tuple[str, Family], ...]  # (reference, family)
    rejections: tuple[Rejection, ...]
    lines: Mapping[str, tuple[int, ...]] = field(factory=dict)  # each reference's lines


def _date(text: str, what: str = "date", example: date = date(2026, 1, 1)) -> date:
    parsed = parse_day(text)
    if parsed is None:
        raise InvalidInput(
            f"{what} illisible : « {printable(text, 20)} » ; attendu : {day_format(example)}."
        )
    return parsed


def _reasons(error: Exception) -> list[str]:
    if isinstance(error, InvalidInput) and error.problems:
        return [f"{field} : {message}" for field, message in error.problems.items()]
    if isinstance(error, InvalidInput):
        return [error.message]
    return [f"valeur illisible ({error})"]


FAMILY_COLUMNS = tuple(c for c in COLUMNS if not c.startswith("enfant_"))
CHILD_COLUMNS = tuple(c for c in COLUMNS if c.startswith("enfant_"))


def read_family_csv(text: str, today: date) -> ImportFile:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput("Le fichier est vide.")
    check_file_text(text)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    try:
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput("Colonnes manquantes.", {"colonnes": ", ".join(missing)})
        for row in reader:
            number = reader.line_num  # the physical line where the record ends
            if number > MAX_ROWS:
                raise InvalidInput(f"Fichier trop long ({MAX_ROWS} lignes au plus).")
            clean = {key: (value or "").strip() for key, value in row.items() if key}
            if not any(clean.values()):
                continue  # a blank line
            groups.setdefault(clean["famille"] or f"ligne {number}", []).append((number, clean))
    except csv.Error as error:
        raise InvalidInput(
            f"CSV illisible à la ligne {reader.line_num} : {error}. Rien n'est importé."
        ) from error
    families, rejections = [], []
    for reference, rows in groups.items():
        try:
            family = _family(rows, today)
            family.legacy_reference = _legacy_reference(rows[0][1]["famille"])
            families.append((reference, family))
        except (InvalidInput, ValueError) as error:
            rejections.append(
                Rejection(reference, tuple(n for n, _ in rows), tuple(_reasons(error)))
            )
    lines = {reference: tuple(n for n, _ in rows) for reference, rows in groups.items()}
    return ImportFile(tuple(families), tuple(rejections), lines)


def _legacy_reference(text: str) -> str | None:
    """The family's reference in the previous software, kept on its dossier."""
    if len(text) > MAX_REFERENCE:
        raise InvalidInput(f"famille : la référence compte {MAX_REFERENCE} caractères au plus.")
    return text or None


def _family(rows: list[tuple[int, dict[str, str]]], today: date) -> Family:
    first = rows[0][1]
    for number, row in rows[1:]:
        differing = [c for c in FAMILY_COLUMNS if row[c] != first[c]]
        if differing:
            raise InvalidInput(
                f"ligne {number} : même référence de famille mais d'autres valeurs "
                f"({', '.join(differing)})."
            )
    for number, row in rows:
        if not row["enfant_prenom"] and any(row[c] for c in CHILD_COLUMNS):
            raise InvalidInput(f"ligne {number} : enfant sans prénom.")
    guardians = [_guardian(first, "resp1", with_address=True)]
    if first["resp2_prenom"] or first["resp2_nom"]:
        guardians.append(_guardian(first, "resp2", with_address=False))
    children = [_child(row, number, today) for number, row in rows if row["enfant_prenom"]]
    if not children:
        raise InvalidInput("aucun enfant pour cette famille.")
    quotient = None
    if first["qf"]:
        if not first["qf_date"]:
            raise InvalidInput(
                f"qf_date : la date du quotient familial est obligatoire ({DAY_FORMATS})."
            )
        quotient = FamilyQuotient.create(
            value=first["qf"],
            source=first["qf_source"] or "CAF",
            valid_from=_date(first["qf_date"]),
        )
    if first["habitant"].lower() not in {"oui", "non"}:
        raise InvalidInput("habitant : oui ou non.")
    return Family.create(
        name=first["nom_foyer"],
        guardians=guardians,
        resident=first["habitant"].lower() == "oui",
        children=children,
        quotient=quotient,
    )


def _guardian(row: dict[str, str], prefix: str, *, with_address: bool) -> Guardian:
    address: dict[str, str | None] = {"street": None, "postcode": None, "city": None}
    if with_address:
        address = {  # an address spread over several lines in the export: one line here
            "street": ", ".join(part.strip() for part in row[f"{prefix}_adresse"].splitlines())
            or None,
            "postcode": row[f"{prefix}_cp"] or None,
            "city": row[f"{prefix}_ville"] or None,
        }
    return Guardian.create(
        first_name=row[f"{prefix}_prenom"],
        last_name=row[f"{prefix}_nom"],
        relationship=row[f"{prefix}_lien"] or "autre",
        phones=_phones(row[f"{prefix}_tel"]),
        email=row.get(f"{prefix}_email") or None,
        **address,
    )


def _phones(text: str) -> list[str]:
    return [part for part in text.replace(",", "/").split("/") if part.strip()]


def _child(row: dict[str, str], number: int, today: date) -> Child:
    try:
        born = _date(row["enfant_naissance"], "date de naissance", date(2018, 5, 3))
    except InvalidInput as error:
        raise InvalidInput(f"ligne {number} : {error.message}") from None
    return Child.create(
        first_name=row["enfant_prenom"],
        last_name=row["enfant_nom"],
        birth_date=born,
        today=today,
        school_code=row["enfant_ecole"] or None,
        school_class=row["enfant_classe"] or None,
    )
