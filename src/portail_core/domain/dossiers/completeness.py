"""Is a family's dossier (DIU) complete for a school year? Exactly what is missing, in French.

School year "Y-Y+1" runs from 1 September Y to 31 August Y+1; ``today`` is the day of the check
(Europe/Paris). The rules, all here and listed in this order:

1. The main guardian (the first: the account holder, who receives e-mails and invoices) has a
   postal address, at least one phone number and an e-mail address. (A family without any
   guardian, which ``Family.create`` refuses, is asked for one.)
2. A second guardian, if any, has at least one phone number (to be reached in an emergency).
3. The dossier has at least one child.
4. Each child has:
   a. a school and a class, when of school age that year (born in Y-3 or before: school is
      compulsory from the September of the year a child turns 3);
   b. vaccinations declared up to date;
   c. an answer to "PAI, yes or no";
   d. when there is a PAI: its end of validity, its practical instructions, and a validity that
      reaches the later of today and 1 September Y.
5. A quotient familial valid from 1 January Y-1 or later (CAF or MSA attestation, tax notice),
   or the family's explicit choice of the highest tariff.
6. Civil liability insurance valid until 31 August Y+1 at least.
7. A proof of address valid today. Its end of validity is set when it is accepted; that it is
   "de moins de 3 mois" is checked by whoever accepts it.
8. The règlement intérieur of each establishment in ``regulations`` (code -> current version)
   accepted in that version.

Each rule adds at most one message per person or thing it checks: removing any one required
piece of a complete dossier adds exactly one message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date

from attrs import frozen

from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import DocumentType, Family
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import InvalidInput

__all__ = ["Completeness", "SchoolYear", "completeness", "missing_for_school_year"]

SCHOOL_AGE = 3  # compulsory schooling from the September of the year a child turns 3
QUOTIENT_AGE_IN_YEARS = 1  # a quotient from 1 January of the year before the school year, or later

_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$", re.ASCII)


@frozen(order=True)
class SchoolYear:
    """From 1 September ``start`` to 31 August ``start + 1``; written "2026-2027"."""

    start: int

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        match = _SCHOOL_YEAR.match(text.strip())
        if not match or int(match[2]) != int(match[1]) + 1 or not 2000 <= int(match[1]) <= 2100:
            raise InvalidInput(
                "Année scolaire invalide.",
                {"school_year": "Une année scolaire s'écrit comme 2026-2027."},
            )
        return cls(int(match[1]))

    @classmethod
    def containing(cls, day: date) -> SchoolYear:
        """The school year ``day`` falls in (from 1 September to 31 August)."""
        return cls(day.year if day.month >= 9 else day.year - 1)

    @property
    def first_day(self) -> date:
        return date(self.start, 9, 1)

    @property
    def last_day(self) -> date:
        return date(self.start + 1, 8, 31)

    def __str__(self) -> str:
        return f"{self.start}-{self.start + 1}"


@frozen
class Completeness:
    school_year: SchoolYear
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def completeness(
    family: Family, school_year: SchoolYear | str, regulations: Mapping[str, str], today: date
) -> Completeness:
    """The dossier's completeness for ``school_year``; ``regulations`` maps each establishment
    whose regulation must be accepted to its current version."""
    year = school_year if isinstance(school_year, SchoolYear) else SchoolYear.parse(school_year)
    check = _Check(family, year, regulations, today)
    return Completeness(year, tuple(message for rule in _RULES for message in rule(check)))


def missing_for_school_year(
    family: Family, school_year: SchoolYear | str, regulations: Mapping[str, str], today: date
) -> list[str]:
    """What the dossier lacks for ``school_year``, in French, in the order of the rules."""
    return list(completeness(family, school_year, regulations, today).missing)


@frozen
class _Check:
    family: Family
    year: SchoolYear
    regulations: Mapping[str, str]
    today: date


def _guardians(check: _Check) -> Iterator[str]:
    if not check.family.guardians:
        yield "Au moins un responsable légal"
        return
    main, *others = check.family.guardians
    who = f"Responsable légal ({main.full_name})"
    if main.address is None:
        yield f"{who} : adresse postale"
    if not main.phones:
        yield f"{who} : au moins un numéro de téléphone"
    if main.email is None:
        yield f"{who} : adresse e-mail"
    for other in others:
        if not other.phones:
            yield f"Second responsable légal ({other.full_name}) : au moins un numéro de téléphone"


def _children(check: _Check) -> Iterator[str]:
    children = check.family.born_children  # an expected child is not asked for anything yet
    if not children:
        yield "Au moins un enfant"
    first_names = [child.first_name.casefold() for child in children]
    for child in children:
        shared = first_names.count(child.first_name.casefold()) > 1
        yield from _child(check, child, child.full_name if shared else child.first_name)


def _child(check: _Check, child: Child, who: str) -> Iterator[str]:
    of_school_age = child.birth_date.year <= check.year.start - SCHOOL_AGE
    if of_school_age and not (child.school_code and child.school_class):
        yield f"{who} : école et classe"
    if child.vaccinations_up_to_date is not True:
        yield f"{who} : carnet de vaccinations à jour"
    pai = child.pai
    if pai is None:
        yield f"{who} : PAI, oui ou non"
    elif pai.has_pai:
        needed = max(check.today, check.year.first_day)
        if pai.valid_until is None:
            yield f"{who} : date de fin de validité du PAI"
        elif pai.valid_until < check.today:
            yield f"{who} : PAI expiré le {numeric_day_fr(pai.valid_until)} : à renouveler"
        elif pai.valid_until < needed:
            yield (
                f"{who} : PAI valable jusqu'au {numeric_day_fr(pai.valid_until)} seulement : "
                f"à renouveler pour {check.year}"
            )
        if not pai.instructions:
            yield f"{who} : consignes pratiques du PAI"


def _quotient(check: _Check) -> Iterator[str]:
    family = check.family
    if family.highest_tariff_chosen:
        return
    oldest = date(check.year.start - QUOTIENT_AGE_IN_YEARS, 1, 1)
    if family.quotient is None:
        yield (
            "Quotient familial : attestation CAF ou MSA, ou avis d'imposition "
            "(ou choix du tarif le plus élevé)"
        )
    elif family.quotient.valid_from < oldest:
        yield (
            f"Quotient familial du {numeric_day_fr(family.quotient.valid_from)} trop ancien : "
            f"attestation CAF ou MSA, ou avis d'imposition de {oldest.year} ou plus récent"
        )


def _insurance(check: _Check) -> Iterator[str]:
    until = check.family.insurance_valid_until
    if until is None or until < check.year.last_day:
        last = numeric_day_fr(check.year.last_day)
        yield f"Assurance responsabilité civile valable jusqu'au {last}"


def _proof_of_address(check: _Check) -> Iterator[str]:
    if not check.family.has_document_valid_on(DocumentType.PROOF_OF_ADDRESS, check.today):
        yield "Justificatif de domicile de moins de 3 mois"


def _regulations(check: _Check) -> Iterator[str]:
    for code, version in check.regulations.items():
        if not check.family.has_accepted(code, version):
            yield (f"Acceptation du règlement intérieur de la structure {code} (version {version})")


_RULES: tuple[Callable[[_Check], Iterator[str]], ...] = (
    _guardians,
    _children,
    _quotient,
    _insurance,
    _proof_of_address,
    _regulations,
)
