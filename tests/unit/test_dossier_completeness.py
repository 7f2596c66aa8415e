"""Completeness of a dossier (DIU) for a school year: each missing piece, in French."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.dossiers.child import Child, Pai
from portail_core.domain.dossiers.completeness import (
    Completeness,
    SchoolYear,
    completeness,
    missing_for_school_year,
)
from portail_core.domain.dossiers.family import DocumentType, Family, FamilyQuotient
from portail_core.domain.dossiers.guardians import Guardian
from portail_core.errors import InvalidInput
from tests.unit.dossier_builders import (
    REGULATIONS,
    TODAY,
    YEAR,
    change_main_guardian,
    complete_family,
    consent,
    lea,
    proof_of_address,
    tom,
)


def missing(
    family: Family, today: date = TODAY, regulations: dict[str, str] | None = None
) -> list[str]:
    rules = REGULATIONS if regulations is None else regulations
    return missing_for_school_year(family, YEAR, rules, today)


def test_a_complete_dossier_lacks_nothing() -> None:
    result = completeness(complete_family(), "2026-2027", REGULATIONS, TODAY)
    assert result == Completeness(YEAR, ())
    assert result.complete


def test_an_incomplete_dossier_is_not_complete() -> None:
    family = complete_family()
    family.insurance_valid_until = None
    assert not completeness(family, YEAR, REGULATIONS, TODAY).complete


# ---------------------------------------------------------------- guardians


def test_the_main_guardian_needs_a_postal_address() -> None:
    family = complete_family()
    change_main_guardian(family, address=None)
    assert missing(family) == ["Responsable légal (Claire Martin) : adresse postale"]


def test_the_main_guardian_needs_a_phone_number() -> None:
    family = complete_family()
    change_main_guardian(family, phones=())
    assert missing(family) == [
        "Responsable légal (Claire Martin) : au moins un numéro de téléphone"
    ]


def test_the_main_guardian_needs_an_email_address() -> None:
    family = complete_family()
    change_main_guardian(family, email=None)
    assert missing(family) == ["Responsable légal (Claire Martin) : adresse e-mail"]


def test_the_second_guardian_needs_a_phone_number() -> None:
    family = complete_family()
    family.guardians[1] = attrs.evolve(family.guardians[1], phones=())
    assert missing(family) == [
        "Second responsable légal (Marc Martin) : au moins un numéro de téléphone"
    ]


def test_the_second_guardian_needs_neither_address_nor_email() -> None:
    family = complete_family()
    assert family.guardians[1].address is None
    assert family.guardians[1].email is None
    assert missing(family) == []


def test_a_dossier_without_any_guardian_asks_for_one() -> None:
    family = complete_family()
    family.guardians.clear()
    assert missing(family) == ["Au moins un responsable légal"]


# ---------------------------------------------------------------- children


def test_a_dossier_needs_at_least_one_child() -> None:
    family = complete_family()
    family.children.clear()
    assert missing(family) == ["Au moins un enfant"]


@pytest.mark.parametrize(
    "change",
    [{"school_code": None}, {"school_class": None}, {"school_code": None, "school_class": None}],
)
def test_a_pupil_needs_a_school_and_a_class(change: dict[str, None]) -> None:
    family = complete_family()
    for name, value in change.items():
        setattr(family.children[0], name, value)
    assert missing(family) == ["Léa : école et classe"]


def test_a_child_turning_three_during_the_first_year_needs_a_school() -> None:
    family = complete_family()
    family.children[1].birth_date = date(2023, 12, 31)
    family.children[1].school_class = None
    assert missing(family) == ["Tom : école et classe"]


def test_a_child_too_young_for_school_needs_neither_school_nor_class() -> None:
    family = complete_family()
    family.children[1].birth_date = date(2024, 1, 1)
    family.children[1].school_code = None
    family.children[1].school_class = None
    assert missing(family) == []


@pytest.mark.parametrize("declared", [None, False])
def test_vaccinations_must_be_declared_up_to_date(declared: bool | None) -> None:
    family = complete_family()
    family.children[0].vaccinations_up_to_date = declared
    assert missing(family) == ["Léa : carnet de vaccinations à jour"]


def test_the_pai_question_must_be_answered() -> None:
    family = complete_family()
    family.children[0].pai = None
    assert missing(family) == ["Léa : PAI, oui ou non"]


def test_a_pai_needs_its_end_of_validity() -> None:
    family = complete_family()
    family.children[1].pai = Pai(True, None, "Trousse d'urgence.")
    assert missing(family) == ["Tom : date de fin de validité du PAI"]


def test_a_pai_needs_practical_instructions() -> None:
    family = complete_family()
    family.children[1].pai = Pai(True, date(2027, 7, 4), "")
    assert missing(family) == ["Tom : consignes pratiques du PAI"]


def test_an_expired_pai_must_be_renewed() -> None:
    family = complete_family()
    family.children[1].pai = Pai(True, date(2026, 6, 30), "Trousse d'urgence.")
    assert missing(family, today=date(2026, 7, 1)) == [
        "Tom : PAI expiré le 30/06/2026 : à renouveler"
    ]


def test_a_pai_ending_before_the_school_year_must_be_renewed_for_it() -> None:
    family = complete_family()
    family.children[1].pai = Pai(True, date(2026, 7, 3), "Trousse d'urgence.")
    assert missing(family) == [
        "Tom : PAI valable jusqu'au 03/07/2026 seulement : à renouveler pour 2026-2027"
    ]


def test_a_pai_valid_on_the_first_day_of_the_school_year_is_enough_before_it() -> None:
    family = complete_family()
    family.children[1].pai = Pai(True, date(2026, 9, 1), "Trousse d'urgence.")
    family.documents[:] = [proof_of_address(valid_until=None)]
    assert missing(family) == []
    assert missing(family, today=date(2026, 9, 2)) == [
        "Tom : PAI expiré le 01/09/2026 : à renouveler"
    ]


def test_a_pai_missing_everything_lists_each_piece() -> None:
    family = complete_family()
    family.children[1].pai = Pai(True)
    assert missing(family) == [
        "Tom : date de fin de validité du PAI",
        "Tom : consignes pratiques du PAI",
    ]


def test_no_pai_needs_nothing_more() -> None:
    family = complete_family()
    family.children[1].pai = Pai(False)
    assert missing(family) == []


def test_children_sharing_a_first_name_are_told_apart_by_their_full_name() -> None:
    family = complete_family()
    cousin = lea()
    cousin.last_name = "Durand"
    cousin.vaccinations_up_to_date = None
    family.add_child(cousin)
    assert missing(family) == ["Léa Durand : carnet de vaccinations à jour"]


# ---------------------------------------------------------------- quotient, insurance, address


def test_a_quotient_is_required() -> None:
    family = complete_family()
    family.quotient = None
    assert missing(family) == [
        "Quotient familial : attestation CAF ou MSA, ou avis d'imposition "
        "(ou choix du tarif le plus élevé)"
    ]


def test_choosing_the_highest_tariff_replaces_the_quotient() -> None:
    family = complete_family()
    family.choose_highest_tariff()
    assert family.quotient is None
    assert missing(family) == []


def test_a_quotient_from_before_the_previous_calendar_year_is_too_old() -> None:
    family = complete_family()
    family.set_quotient(
        FamilyQuotient.create(value=900, source="MSA", valid_from=date(2024, 12, 31))
    )
    assert missing(family) == [
        "Quotient familial du 31/12/2024 trop ancien : attestation CAF ou MSA, "
        "ou avis d'imposition de 2025 ou plus récent"
    ]


def test_a_tax_notice_of_the_previous_year_is_recent_enough() -> None:
    family = complete_family()
    notice = FamilyQuotient.create(
        value=900, source="avis d'imposition", valid_from=date(2025, 1, 1)
    )
    family.set_quotient(notice)
    assert missing(family) == []


@pytest.mark.parametrize("until", [None, date(2027, 8, 30), date(2026, 8, 31)])
def test_insurance_must_cover_the_whole_school_year(until: date | None) -> None:
    family = complete_family()
    family.insurance_valid_until = until
    assert missing(family) == ["Assurance responsabilité civile valable jusqu'au 31/08/2027"]


def test_a_proof_of_address_is_required() -> None:
    family = complete_family()
    family.documents.clear()
    assert missing(family) == ["Justificatif de domicile de moins de 3 mois"]


def test_an_expired_proof_of_address_does_not_count() -> None:
    family = complete_family()
    family.documents[:] = [proof_of_address(valid_until=TODAY - timedelta(days=1))]
    assert missing(family) == ["Justificatif de domicile de moins de 3 mois"]


@pytest.mark.parametrize("until", [TODAY, None])
def test_a_proof_of_address_valid_today_counts(until: date | None) -> None:
    family = complete_family()
    family.documents[:] = [proof_of_address(valid_until=until)]
    assert missing(family) == []


def test_another_kind_of_document_is_no_proof_of_address() -> None:
    family = complete_family()
    family.documents[:] = [attrs.evolve(family.documents[0], kind=DocumentType.INSURANCE)]
    assert missing(family) == ["Justificatif de domicile de moins de 3 mois"]


# ---------------------------------------------------------------- regulations


def test_each_regulation_must_be_accepted() -> None:
    family = complete_family()
    family.consents[:] = [consent("CANTINE-PLAGE", "2025-3")]
    assert missing(family) == [
        "Acceptation du règlement intérieur de la structure ALSH (version 2026-1)"
    ]


def test_a_regulation_accepted_in_an_older_version_must_be_accepted_again() -> None:
    family = complete_family()
    rules = {**REGULATIONS, "ALSH": "2026-2"}
    assert missing(family, regulations=rules) == [
        "Acceptation du règlement intérieur de la structure ALSH (version 2026-2)"
    ]
    family.accept_regulation(consent("ALSH", "2026-2"))
    assert missing(family, regulations=rules) == []


def test_without_regulations_to_accept_no_consent_is_needed() -> None:
    family = complete_family()
    family.consents.clear()
    assert missing(family, regulations={}) == []


# ---------------------------------------------------------------- all at once, school years


def test_everything_missing_is_listed_in_the_order_of_the_rules() -> None:
    bare = Family.create(
        name="Petit",
        guardians=[Guardian.create(first_name="Ana", last_name="Petit", relationship="autre")],
        resident=False,
        children=[
            Child.create(
                first_name="Noé", last_name="Petit", birth_date=date(2018, 2, 2), today=TODAY
            )
        ],
    )
    assert missing(bare) == [
        "Responsable légal (Ana Petit) : adresse postale",
        "Responsable légal (Ana Petit) : au moins un numéro de téléphone",
        "Responsable légal (Ana Petit) : adresse e-mail",
        "Noé : école et classe",
        "Noé : carnet de vaccinations à jour",
        "Noé : PAI, oui ou non",
        "Quotient familial : attestation CAF ou MSA, ou avis d'imposition "
        "(ou choix du tarif le plus élevé)",
        "Assurance responsabilité civile valable jusqu'au 31/08/2027",
        "Justificatif de domicile de moins de 3 mois",
        "Acceptation du règlement intérieur de la structure ALSH (version 2026-1)",
        "Acceptation du règlement intérieur de la structure CANTINE-PLAGE (version 2025-3)",
    ]


def test_the_same_dossier_is_incomplete_for_the_next_school_year() -> None:
    later = missing_for_school_year(complete_family(), "2027-2028", REGULATIONS, date(2027, 6, 1))
    assert later == [
        "Tom : PAI valable jusqu'au 04/07/2027 seulement : à renouveler pour 2027-2028",
        "Assurance responsabilité civile valable jusqu'au 31/08/2028",
        "Justificatif de domicile de moins de 3 mois",
    ]


def test_a_school_year_runs_from_september_to_august() -> None:
    year = SchoolYear.parse(" 2026-2027 ")
    assert (year.first_day, year.last_day, str(year)) == (
        date(2026, 9, 1),
        date(2027, 8, 31),
        "2026-2027",
    )
    assert SchoolYear.containing(date(2026, 8, 31)) == SchoolYear(2025)
    assert SchoolYear.containing(date(2026, 9, 1)) == SchoolYear(2026)


@pytest.mark.parametrize("text", ["2026-2028", "2026/2027", "26-27", "2026-2027x", "1999-2000"])
def test_a_malformed_school_year_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        completeness(complete_family(), text, REGULATIONS, TODAY)
    assert caught.value.problems == {"school_year": "Une année scolaire s'écrit comme 2026-2027."}


# ---------------------------------------------------------------- property


def _removals(family: Family) -> list[tuple[str, Callable[[], None]]]:
    """Every single required piece of ``family`` (complete), with a way to remove it."""
    found: list[tuple[str, Callable[[], None]]] = [
        ("address", lambda: change_main_guardian(family, address=None)),
        ("phones", lambda: change_main_guardian(family, phones=())),
        ("email", lambda: change_main_guardian(family, email=None)),
        ("children", family.children.clear),
        ("quotient", lambda: setattr(family, "quotient", None)),
        ("insurance", lambda: setattr(family, "insurance_valid_until", date(2027, 8, 30))),
        ("proof of address", family.documents.clear),
    ]
    if len(family.guardians) == 2:
        second = attrs.evolve(family.guardians[1], phones=())
        found.append(("second guardian's phones", partial(family.guardians.__setitem__, 1, second)))
    for child in family.children:
        found += _child_removals(child)
    for given_consent in family.consents:
        found.append((str(given_consent), partial(family.consents.remove, given_consent)))
    return found


def _child_removals(child: Child) -> list[tuple[str, Callable[[], None]]]:
    found: list[tuple[str, Callable[[], None]]] = [
        (
            f"{child.first_name}'s vaccinations",
            lambda: setattr(child, "vaccinations_up_to_date", None),
        ),
        (f"{child.first_name}'s PAI answer", lambda: setattr(child, "pai", None)),
    ]
    if child.birth_date.year <= YEAR.start - 3:
        found.append((f"{child.first_name}'s school", lambda: setattr(child, "school_code", None)))
        found.append((f"{child.first_name}'s class", lambda: setattr(child, "school_class", None)))
    pai = child.pai
    if pai is not None and pai.has_pai:
        found.append(
            (
                f"{child.first_name}'s PAI end",
                lambda: setattr(child, "pai", attrs.evolve(pai, valid_until=None)),
            )
        )
        found.append(
            (
                f"{child.first_name}'s PAI instructions",
                lambda: setattr(child, "pai", attrs.evolve(pai, instructions="")),
            )
        )
    return found


_FIRST_NAMES = ["Léa", "Tom", "Inès", "Noah", "Jade", "Louis"]
_CODES = ["ALSH", "APS-PLAGE", "CANTINE-PLAGE", "EMS"]


@attrs.frozen
class Case:
    """A family complete for ``YEAR`` on ``today`` with these regulations to accept."""

    family: Family
    regulations: dict[str, str]
    today: date


@st.composite
def complete_dossiers(draw: st.DrawFn) -> Case:
    family = complete_family()
    if draw(st.booleans()):
        del family.guardians[1]
    names = draw(st.lists(st.sampled_from(_FIRST_NAMES), min_size=1, max_size=4, unique=True))
    family.children[:] = []
    for name in names:
        child = draw(st.sampled_from([lea, tom]))()
        child.first_name = name
        child.birth_date = draw(st.dates(date(2010, 1, 1), date(2026, 3, 1)))
        family.add_child(child)
    regulations = draw(
        st.dictionaries(st.sampled_from(_CODES), st.sampled_from(["1", "2026-1", "v2"]), max_size=3)
    )
    family.consents[:] = [consent(code, version) for code, version in regulations.items()]
    today = draw(st.dates(date(2026, 3, 1), date(2026, 8, 20)))  # the proof of address's end
    return Case(family, regulations, today)


@given(case=complete_dossiers(), data=st.data())
def test_removing_any_one_required_piece_adds_exactly_one_message(
    case: Case, data: st.DataObject
) -> None:
    assert missing(case.family, case.today, case.regulations) == []
    name, remove = data.draw(st.sampled_from(_removals(case.family)), label="removed")
    remove()
    assert len(missing(case.family, case.today, case.regulations)) == 1, name
