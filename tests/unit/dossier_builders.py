"""Builders for the dossier tests: a family whose DIU is complete for 2026-2027 on 15 June 2026.

Every builder returns fresh objects, so a test may change what it gets without affecting others.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pendulum

from portail_core.domain.dossiers.child import Authorizations, Child
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.dossiers.family import (
    Family,
    FamilyQuotient,
    RegulationConsent,
    SupportingDocument,
)
from portail_core.domain.dossiers.guardians import AuthorizedPerson, Guardian

TODAY = date(2026, 6, 15)
YEAR = SchoolYear(2026)  # 1 September 2026 - 31 August 2027
REGULATIONS = {"ALSH": "2026-1", "CANTINE-PLAGE": "2025-3"}
ACCEPTED_AT = pendulum.datetime(2026, 5, 20, 18, 30, tz="Europe/Paris")


def main_guardian() -> Guardian:
    return Guardian.create(
        first_name="Claire",
        last_name="Martin",
        relationship="mère",
        street="12 rue des Pins",
        postcode="40200",
        city="Mimizan",
        phones=["06 12 34 56 78"],
        email="claire.martin@example.fr",
    )


def second_guardian() -> Guardian:
    return Guardian.create(
        first_name="Marc", last_name="Martin", relationship="père", phones=["07 98 76 54 32"]
    )


def lea() -> Child:
    """8 years old, CE1, no PAI."""
    return Child.create(
        first_name="Léa",
        last_name="Martin",
        birth_date=date(2019, 3, 14),
        today=TODAY,
        school_code="PLAGE",
        school_class="CE1",
        has_pai=False,
        vaccinations_up_to_date=True,
        authorizations=Authorizations(photos=True, emergency_care=True),
    )


def tom() -> Child:
    """5 years old, grande section, with a PAI valid for the whole school year."""
    return Child.create(
        first_name="Tom",
        last_name="Martin",
        birth_date=date(2021, 6, 1),
        today=TODAY,
        school_code="PLAGE",
        school_class="GS",
        allergies="Arachide",
        has_pai=True,
        pai_valid_until=date(2027, 7, 4),
        pai_instructions="Trousse d'urgence dans le sac de l'animateur.",
        vaccinations_up_to_date=True,
    )


def grandmother() -> AuthorizedPerson:
    return AuthorizedPerson.create(
        first_name="Josette",
        last_name="Dubois",
        phone="05 58 09 12 34",
        relationship="grand-mère",
        can_pick_up=True,
        emergency_contact=True,
    )


def proof_of_address(valid_until: date | None = date(2026, 8, 20)) -> SupportingDocument:
    return SupportingDocument.create(
        kind="justificatif de domicile",
        file_id="doc-2026-0001.pdf",
        uploaded_at=ACCEPTED_AT,
        valid_until=valid_until,
    )


def consent(establishment: str, version: str) -> RegulationConsent:
    return RegulationConsent.create(
        establishment_code=establishment, version=version, accepted_at=ACCEPTED_AT
    )


def complete_family() -> Family:
    """Complete for ``YEAR`` with ``REGULATIONS`` on ``TODAY``."""
    return Family.create(
        name="Martin",
        guardians=[main_guardian(), second_guardian()],
        resident=True,
        children=[lea(), tom()],
        authorized_persons=[grandmother()],
        quotient=FamilyQuotient.create(value="1 250", source="CAF", valid_from=date(2026, 1, 1)),
        insurance_valid_until=date(2027, 8, 31),
        documents=[proof_of_address()],
        consents=[consent(code, version) for code, version in REGULATIONS.items()],
    )


def change_main_guardian(family: Family, **changes: Any) -> None:
    family.guardians[0] = attrs.evolve(family.guardians[0], **changes)
