"""The adults of a dossier: legal guardians (responsables légaux) and authorised persons.

They are values (``@frozen``): a change of phone number replaces the guardian with
``attrs.evolve``, which gives the history its "old -> new" for free. Their constructors accept
an incomplete guardian (no phone yet, no e-mail): whether the dossier is complete is
``completeness``'s question, not theirs; they refuse only what is malformed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

from attrs import frozen

from portail_core.domain.shared.raw_input import (
    FIRST_NAME,
    LAST_NAME,
    InputReader,
    phone_for_display,
)

__all__ = ["Address", "AuthorizedPerson", "EmployerContact", "Guardian", "Relationship"]

MAX_PHONES = 3

_POSTCODE = re.compile(r"^(?!00)\d{5}$", re.ASCII)

PHONE = "Un numéro de téléphone n'est pas valide (ex. : 06 12 34 56 78 ou +33 6 12 34 56 78)."


class Relationship(enum.Enum):
    """How a legal guardian is related to the children."""

    MOTHER = "mere"
    FATHER = "pere"
    TUTOR = "tuteur"  # tuteur ou tutrice légal(e), désigné(e) par le juge
    OTHER = "autre"  # another holder of parental authority (a placement, for instance)

    @property
    def label(self) -> str:
        return {
            Relationship.MOTHER: "mère",
            Relationship.FATHER: "père",
            Relationship.TUTOR: "tuteur ou tutrice",
            Relationship.OTHER: "autre",
        }[self]


@frozen
class Address:
    """A postal address in France."""

    street: str  # number and street, with any complement ("12 rue des Pins, bât. B")
    postcode: str  # five digits
    city: str

    @classmethod
    def create(cls, *, street: str, postcode: str, city: str) -> Address:
        """Build an address from raw input, listing every problem in French at once."""
        reader = InputReader()
        address = _read_address(reader, street, postcode, city)
        reader.raise_if_any("L'adresse n'a pas pu être enregistrée.")
        return address


def _read_address(
    reader: InputReader, street: str | None, postcode: str | None, city: str | None
) -> Address:
    clean_street = reader.line(
        "street",
        street,
        "L'adresse (numéro et voie) est obligatoire (150 caractères au plus).",
        max_length=150,
    )
    code = (postcode or "").strip()
    if not _POSTCODE.match(code):
        reader.refuse("postcode", "Le code postal compte 5 chiffres (ex. : 40200).")
    clean_city = reader.line(
        "city", city, "La commune est obligatoire (80 caractères au plus).", max_length=80
    )
    return Address(clean_street, code, clean_city)


@frozen
class EmployerContact:
    """Where a guardian can be reached at work (optional)."""

    name: str
    phone: str | None = None  # E.164


@frozen
class Guardian:
    """A responsable légal: identity and how to reach them."""

    first_name: str
    last_name: str
    relationship: Relationship
    address: Address | None = None
    phones: tuple[str, ...] = ()  # E.164, most useful first
    email: str | None = None
    employer: EmployerContact | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def phones_for_display(self) -> tuple[str, ...]:
        return tuple(phone_for_display(phone) for phone in self.phones)

    @classmethod
    def create(
        cls,
        *,
        first_name: str,
        last_name: str,
        relationship: str,
        street: str | None = None,
        postcode: str | None = None,
        city: str | None = None,
        phones: Sequence[str] = (),
        email: str | None = None,
        employer_name: str | None = None,
        employer_phone: str | None = None,
    ) -> Guardian:
        """Build a guardian from raw input, listing every problem in French at once.

        Empty phone entries are ignored; numbers are stored in E.164 without duplicates.
        """
        reader = InputReader()
        first = reader.name("first_name", first_name, FIRST_NAME)
        last = reader.name("last_name", last_name, LAST_NAME)
        link = reader.choice(
            "relationship",
            relationship,
            Relationship,
            "Le lien avec les enfants est : mère, père, tuteur ou tutrice, autre.",
            aliases={"tutrice": Relationship.TUTOR},
        )
        address = None
        if any((part or "").strip() for part in (street, postcode, city)):
            address = _read_address(reader, street, postcode, city)
        numbers: list[str] = []
        for raw in phones:
            phone = reader.phone("phones", raw, PHONE)
            if phone is not None and phone not in numbers:
                numbers.append(phone)
        if len(numbers) > MAX_PHONES:
            reader.refuse("phones", f"{MAX_PHONES} numéros de téléphone au plus.")
        mail = reader.email("email", email, "L'adresse e-mail n'est pas valide.")
        employer = _employer(reader, employer_name, employer_phone)
        reader.raise_if_any("Le responsable légal n'a pas pu être enregistré.")
        return cls(first, last, link, address, tuple(numbers), mail, employer)


def _employer(reader: InputReader, name: str | None, phone: str | None) -> EmployerContact | None:
    number = reader.phone(
        "employer_phone", phone, "Le numéro de l'employeur n'est pas valide (ex. : 05 58 09 12 34)."
    )
    if not (name or "").strip() and number is None:
        return None
    employer = reader.line(
        "employer_name",
        name,
        "Le nom de l'employeur est obligatoire avec son numéro (100 caractères au plus).",
        max_length=100,
    )
    return EmployerContact(employer, number)


@frozen
class AuthorizedPerson:
    """A personne autorisée: may pick the children up, is called in an emergency, or both."""

    first_name: str
    last_name: str
    phone: str  # E.164
    relationship: str  # as the family says it: "grand-mère", "voisine", "assistante maternelle"
    can_pick_up: bool
    emergency_contact: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def create(
        cls,
        *,
        first_name: str,
        last_name: str,
        phone: str,
        relationship: str,
        can_pick_up: bool,
        emergency_contact: bool,
    ) -> AuthorizedPerson:
        """Build an authorised person from raw input, listing every problem in French at once."""
        reader = InputReader()
        first = reader.name("first_name", first_name, FIRST_NAME)
        last = reader.name("last_name", last_name, LAST_NAME)
        number = reader.phone("phone", phone, PHONE)
        if number is None:
            reader.refuse("phone", "Le numéro de téléphone est obligatoire (ex. : 06 12 34 56 78).")
        link = reader.line(
            "relationship",
            relationship,
            "Le lien avec les enfants est obligatoire (40 caractères au plus, ex. : grand-mère).",
            max_length=40,
        )
        if not (can_pick_up or emergency_contact):
            reader.refuse(
                "role",
                "Une personne autorisée peut récupérer les enfants, être prévenue en cas "
                "d'urgence, ou les deux.",
            )
        reader.raise_if_any("La personne autorisée n'a pas pu être enregistrée.")
        return cls(first, last, number or "", link, can_pick_up, emergency_contact)
