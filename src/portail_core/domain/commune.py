"""The commune (town) that runs this portal: one per installation."""

from __future__ import annotations

import enum
import re

from attrs import define, field

from portail_core.domain.text import clean_line
from portail_core.errors import InvalidInput

__all__ = ["Commune", "SchoolZone"]

_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", re.ASCII)


class SchoolZone(enum.Enum):
    """The academic zone that sets the school holidays (zone A, B or C of metropolitan France)."""

    A = "A"
    B = "B"
    C = "C"


@define(slots=False, eq=False)
class Commune:
    """The town: its official code (INSEE), its name as shown to families, its school zone.

    An entity (compared by identity); ``insee_code`` is its natural key.
    """

    insee_code: str
    name: str
    school_zone: SchoolZone
    contact_email: str
    id: int | None = field(default=None, kw_only=True)

    @classmethod
    def create(cls, *, insee_code: str, name: str, school_zone: str, contact_email: str) -> Commune:
        """Build a commune from raw input, listing every problem in French at once."""
        problems: dict[str, str] = {}
        code = insee_code.strip().upper()
        if not _INSEE_CODE.match(code):
            problems["insee_code"] = "Le code INSEE compte 5 caractères (ex. : 40184)."
        clean_name = clean_line(name) or ""
        if not 1 <= len(clean_name) <= 120:
            problems["name"] = "Le nom de la commune est obligatoire (120 caractères au plus)."
        zone = school_zone.strip().upper()
        if zone not in SchoolZone.__members__:
            problems["school_zone"] = "La zone scolaire est A, B ou C."
        email = contact_email.strip()
        if len(email) > 254 or not _EMAIL.match(email):
            problems["contact_email"] = "L'adresse e-mail du guichet unique n'est pas valide."
        if problems:
            raise InvalidInput("La commune n'a pas pu être enregistrée.", problems)
        return cls(code, clean_name, SchoolZone[zone], email)
