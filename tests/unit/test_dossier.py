"""The family (the dossier's aggregate), its quotient, documents and regulation consents."""

from __future__ import annotations

from datetime import date

import pendulum
import pytest

from portail_core.domain.dossiers.family import (
    DocumentType,
    Family,
    FamilyQuotient,
    QuotientSource,
    RegulationConsent,
    SupportingDocument,
)
from portail_core.domain.shared.text import refusal
from portail_core.errors import Conflict, InvalidInput
from tests.unit.dossier_builders import (
    ACCEPTED_AT,
    complete_family,
    grandmother,
    lea,
    main_guardian,
    second_guardian,
    tom,
)

# ---------------------------------------------------------------- the family


def test_a_family_is_created_from_its_parts() -> None:
    family = Family.create(
        name="  Martin  Dubois ",
        guardians=[main_guardian(), second_guardian()],
        resident=True,
        children=[lea(), tom()],
        authorized_persons=[grandmother()],
    )
    assert family.name == "Martin Dubois"
    assert family.main_guardian.full_name == "Claire Martin"
    assert [child.first_name for child in family.children] == ["Léa", "Tom"]
    assert family.resident
    assert (family.quotient, family.highest_tariff_chosen, family.insurance_valid_until) == (
        None,
        False,
        None,
    )
    assert (family.documents, family.consents, family.id) == ([], [], None)


def test_every_problem_of_a_family_is_listed_at_once_in_french() -> None:
    with pytest.raises(InvalidInput) as caught:
        Family.create(
            name="\x00",
            guardians=[main_guardian(), second_guardian(), main_guardian()],
            resident=False,
            children=[lea(), lea()],
            authorized_persons=[grandmother()] * 11,
            quotient=FamilyQuotient(800, QuotientSource.CAF, date(2026, 1, 1)),
            highest_tariff_chosen=True,
        )
    assert caught.value.message == "Le dossier de la famille n'a pas pu être enregistré."
    assert caught.value.problems == {
        "name": refusal("\x00"),
        "guardians": "Un ou deux responsables légaux.",
        "children": "Un même enfant est saisi deux fois.",
        "authorized_persons": "10 personnes autorisées au plus.",
        "quotient": "Choisissez soit un quotient familial, soit le tarif le plus élevé.",
    }


def test_a_family_needs_a_guardian() -> None:
    with pytest.raises(InvalidInput) as caught:
        Family.create(name="Martin", guardians=[], resident=True)
    assert caught.value.problems == {"guardians": "Un ou deux responsables légaux."}


def test_a_family_of_more_than_fifteen_children_is_refused() -> None:
    children = [lea() for _ in range(16)]
    for number, child in enumerate(children):
        child.first_name = f"Enfant{number}"
    with pytest.raises(InvalidInput) as caught:
        Family.create(name="M", guardians=[main_guardian()], resident=True, children=children)
    assert caught.value.problems == {"children": "15 enfants au plus."}


def test_a_child_is_added_once() -> None:
    family = complete_family()
    twin = lea()
    twin.first_name = "Lina"
    family.add_child(twin)
    assert [child.first_name for child in family.children] == ["Léa", "Tom", "Lina"]
    again = lea()
    again.first_name = "LÉA"
    with pytest.raises(Conflict, match=r"^LÉA Martin figure déjà dans le dossier\.$"):
        family.add_child(again)
    assert len(family.children) == 3


def test_setting_a_quotient_withdraws_the_choice_of_the_highest_tariff() -> None:
    family = complete_family()
    family.choose_highest_tariff()
    assert (family.quotient, family.highest_tariff_chosen) == (None, True)
    quotient = FamilyQuotient(640, QuotientSource.MSA, date(2026, 2, 1))
    family.set_quotient(quotient)
    assert (family.quotient, family.highest_tariff_chosen) == (quotient, False)


def test_a_consent_counts_for_its_establishment_and_version_only() -> None:
    family = complete_family()
    family.consents.clear()
    family.accept_regulation(
        RegulationConsent.create(
            establishment_code="ALSH", version="2026-1", accepted_at=ACCEPTED_AT
        )
    )
    assert family.has_accepted("ALSH", "2026-1")
    assert not family.has_accepted("ALSH", "2026-2")
    assert not family.has_accepted("APS-PLAGE", "2026-1")


def test_documents_are_valid_until_their_last_day() -> None:
    family = complete_family()
    family.documents.clear()
    family.add_document(
        SupportingDocument.create(
            kind="assurance",
            file_id="assurance-2026.pdf",
            uploaded_at=ACCEPTED_AT,
            valid_until=date(2027, 8, 31),
        )
    )
    assert family.has_document_valid_on(DocumentType.INSURANCE, date(2027, 8, 31))
    assert not family.has_document_valid_on(DocumentType.INSURANCE, date(2027, 9, 1))
    assert not family.has_document_valid_on(DocumentType.PROOF_OF_ADDRESS, date(2027, 8, 31))


def test_families_are_entities_compared_by_identity() -> None:
    one = complete_family()
    assert one != complete_family()
    assert one == one


# ---------------------------------------------------------------- quotient familial


@pytest.mark.parametrize(
    ("value", "source", "expected"),
    [
        ("1 250", "CAF", FamilyQuotient(1250, QuotientSource.CAF, date(2026, 1, 1))),
        (0, "msa", FamilyQuotient(0, QuotientSource.MSA, date(2026, 1, 1))),
        (
            "99999",
            "Avis d'imposition",
            FamilyQuotient(99_999, QuotientSource.AVIS_IMPOSITION, date(2026, 1, 1)),
        ),
    ],
)
def test_a_quotient_is_read_from_what_staff_type(
    value: int | str, source: str, expected: FamilyQuotient
) -> None:
    assert (
        FamilyQuotient.create(value=value, source=source, valid_from=date(2026, 1, 1)) == expected
    )


@pytest.mark.parametrize("value", [-1, "-1", "100000", "12,5", "", "mille", "١٢٣", "9" * 5000])
def test_a_quotient_is_a_whole_number_from_0_to_99999(value: int | str) -> None:
    with pytest.raises(InvalidInput) as caught:
        FamilyQuotient.create(value=value, source="CAF", valid_from=date(2026, 1, 1))
    assert caught.value.problems == {
        "value": "Le quotient familial est un nombre entier de 0 à 99 999."
    }


def test_every_problem_of_a_quotient_is_listed_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        FamilyQuotient.create(value="x", source="impots", valid_from=date(2026, 1, 1))
    assert caught.value.problems == {
        "value": "Le quotient familial est un nombre entier de 0 à 99 999.",
        "source": "La source du quotient familial est : CAF, MSA ou avis d'imposition.",
    }


@pytest.mark.parametrize("typed", ["01/09/2026", "1/9/2026", " 2026-09-01 ", date(2026, 9, 1)])
def test_a_quotients_start_may_be_typed_the_french_or_the_iso_way(typed: date | str) -> None:
    quotient = FamilyQuotient.create(value="480", source="CAF", valid_from=typed)
    assert quotient.valid_from == date(2026, 9, 1)


@pytest.mark.parametrize(
    "typed", ["", "demain", "31/02/2026", "01-09-2026", "01/09/0226", "2026-9-1", "9" * 5000]
)
def test_an_unreadable_start_is_refused_with_the_other_problems(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        FamilyQuotient.create(value="x", source="CAF", valid_from=typed)
    assert caught.value.problems == {
        "value": "Le quotient familial est un nombre entier de 0 à 99 999.",
        "valid_from": (
            "La date de début de validité s'écrit JJ/MM/AAAA ou AAAA-MM-JJ (ex. : 01/09/2026)."
        ),
    }


def test_quotient_sources_have_french_labels() -> None:
    assert [source.label for source in QuotientSource] == [
        "attestation CAF",
        "attestation MSA",
        "avis d'imposition",
    ]


# ---------------------------------------------------------------- documents and consents


def test_a_document_is_stored_with_its_upload_instant_in_utc() -> None:
    document = SupportingDocument.create(
        kind="Justificatif de domicile", file_id="doc-1.pdf", uploaded_at=ACCEPTED_AT
    )
    assert document.kind is DocumentType.PROOF_OF_ADDRESS
    assert document.uploaded_at == ACCEPTED_AT
    assert document.uploaded_at.timezone_name == "UTC"
    assert document.valid_until is None
    assert document.valid_on(date(2040, 1, 1))


def test_every_problem_of_a_document_is_listed_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        SupportingDocument.create(
            kind="photo", file_id="../../etc/passwd", uploaded_at=pendulum.naive(2026, 5, 20)
        )
    assert caught.value.problems == {
        "kind": (
            "Le type de pièce est : justificatif de domicile, attestation CAF, assurance, "
            "carnet de vaccination, certificat médical ou autre."
        ),
        "file_id": "La référence du fichier n'est pas valide.",
        "uploaded_at": "La date doit porter un fuseau horaire.",
    }


@pytest.mark.parametrize("kind", list(DocumentType))
def test_each_document_type_is_read_from_its_french_label(kind: DocumentType) -> None:
    document = SupportingDocument.create(kind=kind.label, file_id="f", uploaded_at=ACCEPTED_AT)
    assert document.kind is kind


def test_a_consent_is_recorded_with_its_version_and_instant() -> None:
    consent = RegulationConsent.create(
        establishment_code=" ALSH ", version=" 2026-1 ", accepted_at=ACCEPTED_AT
    )
    assert (consent.establishment_code, consent.version) == ("ALSH", "2026-1")
    assert consent.accepted_at == ACCEPTED_AT
    assert consent.accepted_at.timezone_name == "UTC"


def test_every_problem_of_a_consent_is_listed_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        RegulationConsent.create(
            establishment_code="A L S H", version="", accepted_at=pendulum.naive(2026, 5, 20)
        )
    assert caught.value.problems == {
        "establishment_code": "Le code de la structure n'est pas valide.",
        "version": "La version du règlement est obligatoire (40 caractères au plus).",
        "accepted_at": "La date doit porter un fuseau horaire.",
    }
