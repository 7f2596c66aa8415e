"""The commune (town) that runs this portal: one per installation."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

from attrs import define, field

from portail_core.domain.look import CommuneLook, Logo, colour_problem
from portail_core.domain.payments.online import OnlinePaymentSettings
from portail_core.domain.shared.raw_input import InputReader, phone_for_display
from portail_core.domain.shared.text import clean_line
from portail_core.domain.shared.weekdays import Weekday
from portail_core.domain.sma.settings import SmaSettings
from portail_core.errors import InvalidInput

__all__ = ["FOUR_DAY_WEEK", "Commune", "SchoolZone"]

FOUR_DAY_WEEK = frozenset({Weekday.MONDAY, Weekday.TUESDAY, Weekday.THURSDAY, Weekday.FRIDAY})

_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", re.ASCII)
MAX_ADDRESS = 200


class SchoolZone(enum.Enum):
    """The academic zone that sets the school holidays (zone A, B or C of metropolitan France)."""

    A = "A"
    B = "B"
    C = "C"


@define(slots=False, eq=False)
class Commune:
    """The town: its official code (INSEE), its name as shown to families, its school zone, the
    weekdays its schools have classes (most towns: a four-day week without Wednesday), and its
    PayFiP contract (online payment off by default).

    An entity (compared by identity); ``insee_code`` is its natural key.
    """

    insee_code: str
    name: str
    school_zone: SchoolZone
    contact_email: str
    school_weekdays: frozenset[Weekday] = FOUR_DAY_WEEK
    online_payment: OnlinePaymentSettings = field(factory=OnlinePaymentSettings, kw_only=True)
    # The guichet unique's postal address (one line) and phone (E.164), printed on invoices;
    # empty until the commune file gives them.
    contact_address: str = field(default="", kw_only=True)
    contact_phone: str = field(default="", kw_only=True)
    # SMA pre-registrations: the commission's criteria, confirmation every few months.
    sma: SmaSettings = field(factory=SmaSettings, kw_only=True)
    # Its main colour and logo (domain/look.py); the default: the portal's own look.
    look: CommuneLook = field(factory=CommuneLook, kw_only=True)
    id: int | None = field(default=None, kw_only=True)

    @property
    def contact_phone_text(self) -> str:
        """ "05 58 09 12 34": the phone as dialled in France; empty when unknown."""
        return phone_for_display(self.contact_phone) if self.contact_phone else ""

    @classmethod
    def create(
        cls,
        *,
        insee_code: str,
        name: str,
        school_zone: str,
        contact_email: str,
        school_weekdays: Iterable[str] | None = None,
        online_payment: OnlinePaymentSettings | None = None,
        contact_address: str = "",
        contact_phone: str = "",
        colour: str | None = None,
        logo: Logo | None = None,
    ) -> Commune:
        """Build a commune from raw input, listing every problem in French at once."""
        problems: dict[str, str] = {}
        reader = InputReader()
        address = reader.line(
            "contact_address",
            contact_address,
            f"L'adresse postale du guichet unique tient sur une ligne de {MAX_ADDRESS} "
            "caractères au plus (ex. : Mairie, 1 place de la Mairie, 40200 Mimizan).",
            max_length=MAX_ADDRESS,
            required=False,
        )
        phone = reader.phone(
            "contact_phone",
            contact_phone,
            "Le téléphone du guichet unique n'est pas un numéro valide (ex. : 05 58 09 12 34).",
        )
        problems.update(reader.problems)
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
        weekdays = FOUR_DAY_WEEK
        if school_weekdays is not None:
            try:
                weekdays = frozenset(Weekday.from_name(day) for day in school_weekdays)
            except KeyError:
                weekdays = frozenset()
            if not weekdays or any(day.is_weekend for day in weekdays):
                problems["school_weekdays"] = (
                    "Les jours de classe sont des jours de lundi à vendredi (ex. : lundi, mardi, "
                    "jeudi, vendredi)."
                )
        colour_wrong = None if colour is None else colour_problem(colour)
        if colour_wrong is not None:
            problems["colour"] = colour_wrong
        if problems:
            raise InvalidInput("La commune n'a pas pu être enregistrée.", problems)
        return cls(
            code,
            clean_name,
            SchoolZone[zone],
            email,
            weekdays,
            online_payment=online_payment or OnlinePaymentSettings(),
            contact_address=address,
            contact_phone=phone or "",
            look=CommuneLook(None if colour is None else colour.lower(), logo),
        )
