"""A child of the dossier: identity, school, health information, authorisations, enrolments.

Health information (allergies, diet, PAI, vaccinations) is sensitive (RGPD art. 9): it never goes
into e-mails, logs, iCal feeds or URLs. Of the PAI (projet d'accueil individualisé) the portal
keeps only what staff need on the day: yes or no, until when, and the practical instructions;
never the medical document itself.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs
from attrs import define, field, frozen

from portail_core.domain.catalogue.eligibility import ChildFacts
from portail_core.domain.shared.allergens import Allergen, parse_allergen
from portail_core.domain.shared.raw_input import FIRST_NAME, LAST_NAME, InputReader

__all__ = [
    "EXPECTED_FIRST_NAME",
    "HEALTH_FIELDS",
    "Authorizations",
    "Child",
    "Diet",
    "DietKind",
    "Doctor",
    "HealthChange",
    "Pai",
    "Sex",
]

OLDEST_CHILD_AGE = 25  # a birth date older than this is a typing mistake
EXPECTED_FIRST_NAME = "(à naître)"  # an expected child's first name until it is born
LONGEST_PREGNANCY_DAYS = 300  # an expected birth date further ahead is a typing mistake


class Sex(enum.Enum):
    FEMALE = "F"
    MALE = "M"

    @property
    def label(self) -> str:
        return "fille" if self is Sex.FEMALE else "garçon"


class DietKind(enum.Enum):
    """What the school restaurant and the leisure centre serve the child."""

    NONE = "aucun"
    NO_PORK = "sans_porc"
    VEGETARIAN = "vegetarien"
    NO_MEAT = "sans_viande"
    OTHER = "autre"  # described in ``Diet.details``

    @property
    def label(self) -> str:
        return {
            DietKind.NONE: "aucun",
            DietKind.NO_PORK: "sans porc",
            DietKind.VEGETARIAN: "végétarien",
            DietKind.NO_MEAT: "sans viande",
            DietKind.OTHER: "autre",
        }[self]


@frozen
class Diet:
    kind: DietKind = DietKind.NONE
    details: str = ""  # only for DietKind.OTHER

    @property
    def label(self) -> str:
        return self.details if self.kind is DietKind.OTHER else self.kind.label


@frozen
class Pai:
    """The family's answer about a PAI: none (``has_pai`` false), or one with its validity and
    the practical instructions for staff (a PAI being set up may still lack both)."""

    has_pai: bool
    valid_until: date | None = None  # last day of validity
    instructions: str = ""  # "Trousse d'urgence dans le sac ; en cas de gêne respiratoire..."


@frozen
class Doctor:
    name: str
    phone: str | None = None  # E.164


@frozen
class Authorizations:
    """What the guardians allow; nothing is allowed until they say so."""

    photos: bool = False  # photos and films during activities
    leave_alone: bool = False  # may leave the structure alone
    emergency_care: bool = False  # staff may have the child taken to hospital
    transport: bool = False  # outings by coach or minibus


@define(slots=False, eq=False)
class Child:
    """An entity: reservations and invoice lines refer to it by ``id``."""

    first_name: str
    last_name: str
    birth_date: date
    sex: Sex | None = None
    school_code: str | None = None  # a school of the catalogue ("PLAGE")
    school_class: str | None = None  # "CE1", "GS-CP"
    doctor: Doctor | None = None
    # Health information stays out of repr(), hence out of logs and tracebacks.
    allergies: str = field(default="", repr=False)  # free text, empty when none
    diet: Diet = field(factory=Diet, repr=False)
    pai: Pai | None = field(default=None, repr=False)  # None: the family has not answered yet
    vaccinations_up_to_date: bool | None = field(default=None, repr=False)  # None: not declared
    authorizations: Authorizations = field(factory=Authorizations)
    enrolments: frozenset[tuple[str, str]] = frozenset()  # (establishment, unit) codes, EMS
    # Of the 14 allergens of the EU regulation, those the child must avoid (menus highlight them).
    allergens: frozenset[Allergen] = field(default=frozenset(), repr=False)
    # Not born yet (an SMA pre-registration): ``birth_date`` is the expected one; left out of
    # bookings (eligibility refuses it), billing and completeness until ``record_birth``.
    expected: bool = field(default=False, kw_only=True)
    id: int | None = field(default=None, kw_only=True)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def change_school(self, school_code: str | None, school_class: str | None) -> None:
        """A new school (a catalogue code) and class; empty clears one. Raises InvalidInput,
        changing nothing, when either is malformed."""
        reader = InputReader()
        school, klass = _schooling(reader, school_code, school_class)
        reader.raise_if_any("La scolarité de l'enfant n'a pas pu être enregistrée.")
        self.school_code, self.school_class = school, klass

    def facts(self) -> ChildFacts:
        """What eligibility to a unit needs to know about the child."""
        return ChildFacts(
            self.first_name, self.birth_date, self.school_code, self.enrolments, self.expected
        )

    @classmethod
    def create_expected(
        cls, *, last_name: str, expected_birth_date: date, today: date, sex: str | None = None
    ) -> Child:
        """An expected child (« (à naître) »), born from ``today`` on and within 10 months;
        InvalidInput in French otherwise."""
        reader = InputReader()
        last = reader.name("last_name", last_name, LAST_NAME)
        if not 0 <= (expected_birth_date - today).days <= LONGEST_PREGNANCY_DAYS:
            reader.refuse(
                "expected_birth_date",
                "La date de naissance prévue est comprise entre aujourd'hui et dans 10 mois.",
            )
        gender = None
        if (sex or "").strip():
            gender = reader.choice("sex", sex, Sex, "Le sexe est F (fille) ou M (garçon).")
        reader.raise_if_any("L'enfant à naître n'a pas pu être enregistré.")
        return cls(EXPECTED_FIRST_NAME, last, expected_birth_date, gender, expected=True)

    def record_birth(self, *, first_name: str, birth_date: date, today: date) -> None:
        """The expected child is born: its first name and birth date (not in the future, nor
        more than 10 months before today). InvalidInput in French, changing nothing."""
        reader = InputReader()
        if not self.expected:
            reader.refuse("child", f"{self.full_name} est déjà né(e).")
        first = reader.name("first_name", first_name, FIRST_NAME)
        if birth_date > today:
            reader.refuse("birth_date", "La date de naissance ne peut pas être dans le futur.")
        elif (today - birth_date).days > LONGEST_PREGNANCY_DAYS:
            reader.refuse("birth_date", "La naissance date de plus de 10 mois : vérifiez la date.")
        reader.raise_if_any("La naissance n'a pas pu être enregistrée.")
        self.first_name, self.birth_date, self.expected = first, birth_date, False

    @classmethod
    def create(
        cls,
        *,
        first_name: str,
        last_name: str,
        birth_date: date,
        today: date,
        sex: str | None = None,
        school_code: str | None = None,
        school_class: str | None = None,
        doctor_name: str | None = None,
        doctor_phone: str | None = None,
        allergies: str = "",
        allergens: Iterable[Allergen | str] = (),
        diet: str = "aucun",
        diet_details: str = "",
        has_pai: bool | None = None,
        pai_valid_until: date | None = None,
        pai_instructions: str = "",
        vaccinations_up_to_date: bool | None = None,
        authorizations: Authorizations | None = None,
        enrolments: Iterable[tuple[str, str]] = (),
    ) -> Child:
        """Build a child from raw input, listing every problem in French at once.

        ``today`` (the clock's) refuses birth dates in the future or absurdly far back.
        """
        reader = InputReader()
        first = reader.name("first_name", first_name, FIRST_NAME)
        last = reader.name("last_name", last_name, LAST_NAME)
        if birth_date > today:
            reader.refuse("birth_date", "La date de naissance ne peut pas être dans le futur.")
        elif today.year - birth_date.year > OLDEST_CHILD_AGE:
            reader.refuse(
                "birth_date",
                f"Un enfant inscrit a moins de {OLDEST_CHILD_AGE} ans : vérifiez la date de "
                "naissance.",
            )
        gender = None
        if (sex or "").strip():
            gender = reader.choice("sex", sex, Sex, "Le sexe est F (fille) ou M (garçon).")
        school, klass = _schooling(reader, school_code, school_class)
        doctor = _doctor(reader, doctor_name, doctor_phone)
        health = reader.text(
            "allergies",
            allergies,
            "Les allergies tiennent en 1 000 caractères au plus.",
            max_length=1000,
        )
        avoided = _allergens(reader, allergens)
        meals = _diet(reader, diet, diet_details)
        pai = _pai(reader, has_pai, pai_valid_until, pai_instructions)
        enrolled = _enrolments(reader, enrolments)
        reader.raise_if_any("L'enfant n'a pas pu être enregistré.")
        return cls(
            first,
            last,
            birth_date,
            gender,
            school,
            klass,
            doctor,
            health,
            meals,
            pai,
            vaccinations_up_to_date,
            authorizations or Authorizations(),
            enrolled,
            allergens=avoided,
        )


def _allergens(reader: InputReader, raw: Iterable[Allergen | str]) -> frozenset[Allergen]:
    found = set()
    for value in raw:
        allergen = value if isinstance(value, Allergen) else parse_allergen(str(value))
        if allergen is None:
            reader.refuse(
                "allergens",
                "Les allergènes sont ceux du règlement européen : gluten, crustacés, œufs, "
                "poisson, arachides, soja, lait, fruits à coque, céleri, moutarde, sésame, "
                "sulfites, lupin, mollusques.",
            )
        else:
            found.add(allergen)
    return frozenset(found)


def _schooling(
    reader: InputReader, school_code: str | None, school_class: str | None
) -> tuple[str | None, str | None]:
    """The school's code and the class, each None when left empty."""
    school = reader.code(
        "school_code",
        school_code,
        "Le code de l'école compte 40 caractères au plus : lettres, chiffres, tirets "
        "(ex. : PLAGE).",
        required=False,
    )
    klass = reader.line(
        "school_class",
        school_class,
        "La classe compte 30 caractères au plus (ex. : CE1).",
        max_length=30,
        required=False,
    )
    return school or None, klass or None


def _doctor(reader: InputReader, name: str | None, phone: str | None) -> Doctor | None:
    number = reader.phone(
        "doctor_phone", phone, "Le numéro du médecin n'est pas valide (ex. : 05 58 09 12 34)."
    )
    if not (name or "").strip() and number is None:
        return None
    doctor = reader.line(
        "doctor_name",
        name,
        "Le nom du médecin est obligatoire avec son numéro (100 caractères au plus).",
        max_length=100,
    )
    return Doctor(doctor, number)


def _diet(reader: InputReader, raw: str, details: str) -> Diet:
    kind = reader.choice(
        "diet",
        raw,
        DietKind,
        "Le régime alimentaire est : aucun, sans porc, végétarien, sans viande ou autre.",
    )
    if kind is not DietKind.OTHER:
        if (details or "").strip():
            reader.refuse("diet_details", "Une précision n'est attendue que pour un régime autre.")
        return Diet(kind)
    described = reader.line(
        "diet_details",
        details,
        "Précisez le régime alimentaire (200 caractères au plus).",
        max_length=200,
    )
    return Diet(kind, described)


def _pai(
    reader: InputReader, has_pai: bool | None, valid_until: date | None, instructions: str
) -> Pai | None:
    text = reader.text(
        "pai_instructions",
        instructions,
        "Les consignes du PAI tiennent en 2 000 caractères au plus.",
        max_length=2000,
    )
    if not has_pai and (valid_until is not None or text):
        reader.refuse(
            "pai", "Une date ou des consignes de PAI sont saisies, mais l'enfant n'a pas de PAI."
        )
    if has_pai is None:
        return None
    return Pai(has_pai, valid_until if has_pai else None, text if has_pai else "")


def _enrolments(reader: InputReader, raw: Iterable[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    message = "Une inscription est un couple de codes (structure, activité) : lettres, chiffres."
    return frozenset(
        (
            reader.code("enrolments", establishment, message),
            reader.code("enrolments", unit, message),
        )
        for establishment, unit in raw
    )


HEALTH_FIELDS = ("allergies", "allergens", "diet", "pai", "vaccinations_up_to_date")


@frozen
class HealthChange:
    """What changed: the names of the health fields (never their values), and the
    authorisations old -> new."""

    health_fields: list[str]
    authorizations: dict[str, list[str]]

    @classmethod
    def between(cls, old: Child, new: Child) -> HealthChange:
        health = [name for name in HEALTH_FIELDS if getattr(old, name) != getattr(new, name)]
        allowed = {
            f"authorizations.{name}": [str(before), str(after)]
            for name in attrs.fields_dict(Authorizations)
            if (before := getattr(old.authorizations, name))
            != (after := getattr(new.authorizations, name))
        }
        return cls(health, allowed)

    @property
    def any(self) -> bool:
        return bool(self.health_fields or self.authorizations)
