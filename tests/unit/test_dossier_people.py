"""The people of a dossier built from raw input: guardians, authorised persons, children."""

from __future__ import annotations

from datetime import date

import pytest

from portail_core.domain.catalogue.eligibility import ChildFacts
from portail_core.domain.dossiers.child import (
    Authorizations,
    Child,
    Diet,
    DietKind,
    Doctor,
    Pai,
    Sex,
)
from portail_core.domain.dossiers.guardians import (
    Address,
    AuthorizedPerson,
    EmployerContact,
    Guardian,
    Relationship,
)
from portail_core.domain.shared.text import refusal
from portail_core.errors import InvalidInput
from tests.unit.dossier_builders import TODAY

# ---------------------------------------------------------------- addresses and guardians


def test_an_address_is_created_from_tidied_input() -> None:
    address = Address.create(street="  12  rue des Pins ", postcode=" 40200 ", city=" Mimizan ")
    assert address == Address("12 rue des Pins", "40200", "Mimizan")


def test_every_problem_of_an_address_is_listed_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        Address.create(street="", postcode="4020", city="x" * 81)
    assert caught.value.problems == {
        "street": "L'adresse (numéro et voie) est obligatoire (150 caractères au plus).",
        "postcode": "Le code postal compte 5 chiffres (ex. : 40200).",
        "city": "La commune est obligatoire (80 caractères au plus).",
    }


@pytest.mark.parametrize("postcode", ["00100", "4O200", "402000", "٤٠٢٠٠", ""])
def test_a_postcode_is_five_ascii_digits(postcode: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Address.create(street="1 rue A", postcode=postcode, city="Mimizan")
    assert set(caught.value.problems) == {"postcode"}


def test_a_guardian_is_created_from_tidied_input() -> None:
    guardian = Guardian.create(
        first_name=" Claire ",
        last_name="Martin",
        relationship="Mère",
        street="12 rue des Pins",
        postcode="40200",
        city="Mimizan",
        phones=["06 12 34 56 78", "", "06.12.34.56.78", "05 58 09 12 34"],
        email=" claire.martin@example.fr ",
        employer_name="Papeterie de Mimizan",
        employer_phone="05 58 09 00 00",
    )
    assert guardian == Guardian(
        "Claire",
        "Martin",
        Relationship.MOTHER,
        Address("12 rue des Pins", "40200", "Mimizan"),
        ("+33612345678", "+33558091234"),
        "claire.martin@example.fr",
        EmployerContact("Papeterie de Mimizan", "+33558090000"),
    )
    assert guardian.full_name == "Claire Martin"
    assert guardian.phones_for_display == ("06 12 34 56 78", "05 58 09 12 34")


def test_a_guardian_may_be_recorded_before_their_contact_details_are_known() -> None:
    guardian = Guardian.create(first_name="Marc", last_name="Martin", relationship="pere")
    assert guardian.relationship is Relationship.FATHER
    assert (guardian.address, guardian.phones, guardian.email, guardian.employer) == (
        None,
        (),
        None,
        None,
    )


def test_every_problem_of_a_guardian_is_listed_at_once_in_french() -> None:
    with pytest.raises(InvalidInput) as caught:
        Guardian.create(
            first_name="",
            last_name="1234",
            relationship="oncle",
            postcode="40200",
            phones=["06 12"],
            email="pas-un-mail",
            employer_phone="12",
        )
    assert caught.value.message == "Le responsable légal n'a pas pu être enregistré."
    assert caught.value.problems == {
        "first_name": "Le prénom est obligatoire (60 caractères au plus).",
        "last_name": "Le nom est obligatoire (60 caractères au plus).",
        "relationship": "Le lien avec les enfants est : mère, père, tuteur ou tutrice, autre.",
        "street": "L'adresse (numéro et voie) est obligatoire (150 caractères au plus).",
        "city": "La commune est obligatoire (80 caractères au plus).",
        "phones": (
            "Un numéro de téléphone n'est pas valide (ex. : 06 12 34 56 78 ou +33 6 12 34 56 78)."
        ),
        "email": "L'adresse e-mail n'est pas valide.",
        "employer_phone": "Le numéro de l'employeur n'est pas valide (ex. : 05 58 09 12 34).",
    }


def test_a_guardian_has_three_phone_numbers_at_most() -> None:
    phones = ["06 12 34 56 78", "06 12 34 56 79", "06 12 34 56 80", "06 12 34 56 81"]
    with pytest.raises(InvalidInput) as caught:
        Guardian.create(first_name="A", last_name="B", relationship="mère", phones=phones)
    assert caught.value.problems == {"phones": "3 numéros de téléphone au plus."}


def test_an_employer_phone_needs_the_employer_name() -> None:
    with pytest.raises(InvalidInput) as caught:
        Guardian.create(
            first_name="A", last_name="B", relationship="mère", employer_phone="05 58 09 00 00"
        )
    assert set(caught.value.problems) == {"employer_name"}


@pytest.mark.parametrize(
    "name", ["Claire\x00", "Cla\nire", "\x1b[31mClaire", "x" * 61, "   ", "--", "42"]
)
def test_a_name_with_control_characters_no_letter_or_absurd_length_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Guardian.create(first_name=name, last_name="Martin", relationship="mère")
    assert set(caught.value.problems) == {"first_name"}


def test_names_keep_their_accents_apostrophes_and_hyphens() -> None:
    guardian = Guardian.create(
        first_name="Jean-Noël", last_name="D'Artagnan-Éluard", relationship="tutrice"
    )
    assert guardian.full_name == "Jean-Noël D'Artagnan-Éluard"
    assert guardian.relationship is Relationship.TUTOR


def test_an_email_address_longer_than_254_characters_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Guardian.create(
            first_name="A", last_name="B", relationship="mère", email="a" * 250 + "@b.fr"
        )
    assert set(caught.value.problems) == {"email"}


# ---------------------------------------------------------------- authorised persons


def test_an_authorised_person_is_created_from_tidied_input() -> None:
    person = AuthorizedPerson.create(
        first_name="Josette",
        last_name="Dubois",
        phone="05.58.09.12.34",
        relationship=" grand-mère ",
        can_pick_up=True,
        emergency_contact=False,
    )
    assert person == AuthorizedPerson(
        "Josette", "Dubois", "+33558091234", "grand-mère", True, False
    )
    assert person.full_name == "Josette Dubois"


def test_every_problem_of_an_authorised_person_is_listed_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        AuthorizedPerson.create(
            first_name="Jo",
            last_name="",
            phone="",
            relationship="x" * 41,
            can_pick_up=False,
            emergency_contact=False,
        )
    assert caught.value.problems == {
        "last_name": "Le nom est obligatoire (60 caractères au plus).",
        "phone": "Le numéro de téléphone est obligatoire (ex. : 06 12 34 56 78).",
        "relationship": (
            "Le lien avec les enfants est obligatoire (40 caractères au plus, ex. : grand-mère)."
        ),
        "role": (
            "Une personne autorisée peut récupérer les enfants, être prévenue en cas d'urgence, "
            "ou les deux."
        ),
    }


def test_an_authorised_person_with_a_malformed_phone_is_told_so() -> None:
    with pytest.raises(InvalidInput) as caught:
        AuthorizedPerson.create(
            first_name="Jo",
            last_name="Dubois",
            phone="05 58",
            relationship="voisine",
            can_pick_up=False,
            emergency_contact=True,
        )
    assert caught.value.problems == {
        "phone": (
            "Un numéro de téléphone n'est pas valide (ex. : 06 12 34 56 78 ou +33 6 12 34 56 78)."
        )
    }


# ---------------------------------------------------------------- children


def test_a_child_is_created_from_tidied_input() -> None:
    child = Child.create(
        first_name=" Léa ",
        last_name="Martin",
        birth_date=date(2019, 3, 14),
        today=TODAY,
        sex="f",
        school_code=" PLAGE ",
        school_class=" CE1 ",
        doctor_name="Dr Lafont",
        doctor_phone="05 58 09 12 34",
        allergies="  Arachide \n Kiwi ",
        diet="Végétarien",
        has_pai=True,
        pai_valid_until=date(2027, 7, 4),
        pai_instructions="Trousse d'urgence\r\ndans le sac",
        vaccinations_up_to_date=True,
        authorizations=Authorizations(photos=True, transport=True),
        enrolments=[("EMS", "NATATION")],
    )
    assert (child.first_name, child.last_name, child.full_name) == ("Léa", "Martin", "Léa Martin")
    assert child.sex is Sex.FEMALE
    assert (child.school_code, child.school_class) == ("PLAGE", "CE1")
    assert child.doctor == Doctor("Dr Lafont", "+33558091234")
    assert child.allergies == "Arachide\nKiwi"
    assert child.diet == Diet(DietKind.VEGETARIAN)
    assert child.pai == Pai(True, date(2027, 7, 4), "Trousse d'urgence\ndans le sac")
    assert child.vaccinations_up_to_date is True
    assert child.authorizations == Authorizations(photos=True, transport=True)
    assert child.enrolments == frozenset({("EMS", "NATATION")})
    assert child.id is None


def test_a_child_gives_the_facts_eligibility_needs() -> None:
    child = Child.create(
        first_name="Léa",
        last_name="Martin",
        birth_date=date(2019, 3, 14),
        today=TODAY,
        school_code="PLAGE",
        enrolments=[("EMS", "NATATION")],
    )
    assert child.facts() == ChildFacts(
        "Léa", date(2019, 3, 14), "PLAGE", frozenset({("EMS", "NATATION")})
    )


def test_a_new_child_has_no_answers_and_no_authorisation_yet() -> None:
    child = Child.create(
        first_name="Noé", last_name="Petit", birth_date=date(2024, 2, 2), today=TODAY
    )
    assert (child.school_code, child.school_class, child.doctor, child.sex) == (
        None,
        None,
        None,
        None,
    )
    assert (child.pai, child.vaccinations_up_to_date) == (None, None)
    assert child.diet == Diet(DietKind.NONE)
    assert child.authorizations == Authorizations(False, False, False, False)


def test_a_child_without_pai_says_so() -> None:
    child = Child.create(
        first_name="Noé", last_name="Petit", birth_date=date(2024, 2, 2), today=TODAY, has_pai=False
    )
    assert child.pai == Pai(False)


def test_another_diet_is_described_in_words() -> None:
    child = Child.create(
        first_name="Noé",
        last_name="Petit",
        birth_date=date(2018, 2, 2),
        today=TODAY,
        diet="autre",
        diet_details="Sans gluten",
    )
    assert child.diet == Diet(DietKind.OTHER, "Sans gluten")
    assert child.diet.label == "Sans gluten"
    assert Diet(DietKind.NO_PORK).label == "sans porc"


def test_every_problem_of_a_child_is_listed_at_once_in_french() -> None:
    with pytest.raises(InvalidInput) as caught:
        Child.create(
            first_name="",
            last_name="\x00",
            birth_date=date(2026, 6, 16),
            today=TODAY,
            sex="x",
            school_code="école de la plage",
            school_class="x" * 31,
            doctor_phone="12",
            allergies="a\x07",
            diet="halal",
            pai_instructions="x" * 2001,
            enrolments=[("EMS", "")],
        )
    assert caught.value.message == "L'enfant n'a pas pu être enregistré."
    assert caught.value.problems == {
        "first_name": "Le prénom est obligatoire (60 caractères au plus).",
        "last_name": refusal("\x00"),
        "birth_date": "La date de naissance ne peut pas être dans le futur.",
        "sex": "Le sexe est F (fille) ou M (garçon).",
        "school_code": (
            "Le code de l'école compte 40 caractères au plus : lettres, chiffres, tirets "
            "(ex. : PLAGE)."
        ),
        "school_class": "La classe compte 30 caractères au plus (ex. : CE1).",
        "doctor_phone": "Le numéro du médecin n'est pas valide (ex. : 05 58 09 12 34).",
        "allergies": refusal("\x07"),
        "diet": "Le régime alimentaire est : aucun, sans porc, végétarien, sans viande ou autre.",
        "pai_instructions": "Les consignes du PAI tiennent en 2 000 caractères au plus.",
        "enrolments": (
            "Une inscription est un couple de codes (structure, activité) : lettres, chiffres."
        ),
    }


def test_a_birth_date_more_than_25_years_back_is_a_typing_mistake() -> None:
    with pytest.raises(InvalidInput) as caught:
        Child.create(first_name="Léa", last_name="M", birth_date=date(2000, 1, 1), today=TODAY)
    assert caught.value.problems == {
        "birth_date": "Un enfant inscrit a moins de 25 ans : vérifiez la date de naissance."
    }


@pytest.mark.parametrize(
    ("has_pai", "valid_until", "instructions"),
    [(False, date(2027, 7, 4), ""), (False, None, "Trousse"), (None, None, "Trousse")],
)
def test_pai_details_without_a_pai_are_refused(
    has_pai: bool | None, valid_until: date | None, instructions: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        Child.create(
            first_name="Léa",
            last_name="M",
            birth_date=date(2019, 3, 14),
            today=TODAY,
            has_pai=has_pai,
            pai_valid_until=valid_until,
            pai_instructions=instructions,
        )
    assert caught.value.problems == {
        "pai": "Une date ou des consignes de PAI sont saisies, mais l'enfant n'a pas de PAI."
    }


def test_diet_details_are_for_another_diet_only_and_required_for_it() -> None:
    for diet, details in (("sans porc", "Sans gluten"), ("autre", " ")):
        with pytest.raises(InvalidInput) as caught:
            Child.create(
                first_name="Léa",
                last_name="M",
                birth_date=date(2019, 3, 14),
                today=TODAY,
                diet=diet,
                diet_details=details,
            )
        assert set(caught.value.problems) == {"diet_details"}


def test_a_doctor_phone_needs_the_doctor_name() -> None:
    with pytest.raises(InvalidInput) as caught:
        Child.create(
            first_name="Léa",
            last_name="M",
            birth_date=date(2019, 3, 14),
            today=TODAY,
            doctor_phone="05 58 09 12 34",
        )
    assert set(caught.value.problems) == {"doctor_name"}


def test_health_information_stays_out_of_a_childs_repr() -> None:
    child = Child.create(
        first_name="Léa",
        last_name="Martin",
        birth_date=date(2019, 3, 14),
        today=TODAY,
        allergies="Arachide",
        diet="sans porc",
        has_pai=True,
        pai_instructions="Trousse d'urgence",
        vaccinations_up_to_date=False,
    )
    shown = repr(child)
    assert "Léa" in shown
    for secret in ("Arachide", "porc", "Trousse", "pai", "vaccinations", "allergies"):
        assert secret not in shown


def test_children_are_entities_compared_by_identity() -> None:
    def make() -> Child:
        return Child.create(
            first_name="Léa", last_name="M", birth_date=date(2019, 3, 14), today=TODAY
        )

    one = make()
    assert one != make()
    assert one == one
