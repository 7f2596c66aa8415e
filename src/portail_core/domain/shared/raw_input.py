"""Reading what people type into a dossier: lines, texts, codes, e-mails, phone numbers, choices.

An ``InputReader`` reads a raw input field by field and collects one French message per field,
so that a named constructor (``Guardian.create``, ``Child.create``...) can list every problem at
once through ``InvalidInput(problems=...)``, as ``Commune.create`` does.

Phone numbers are stored in E.164 (``+33612345678``): one spelling per number, whatever people
typed ("06 12 34 56 78", "06.12.34.56.78", "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78"), fit for
comparison, SMS gateways and numbers abroad. ``phone_for_display`` gives back the French spelling
("06 12 34 56 78"). Numbers of the overseas departments, dialled from France with a leading 0
("0692 12 34 56" in La Réunion), get their own country code (+262, +590, +594, +596). Numbers
abroad are only checked for the shape E.164 gives them (a country code, 8 to 15 digits in all).
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import TypeVar

from portail_core.domain.shared.french_dates import parse_day
from portail_core.domain.shared.text import (
    LINE,
    LINES,
    clean_line,
    clean_text,
    refusal,
    refused_character,
)
from portail_core.errors import InvalidInput

__all__ = ["InputReader", "clean_text", "normalise_phone", "phone_for_display"]

E = TypeVar("E", bound=enum.Enum)

FIRST_NAME = "Le prénom est obligatoire (60 caractères au plus)."
LAST_NAME = "Le nom est obligatoire (60 caractères au plus)."

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", re.ASCII)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", re.ASCII)
_DIGITS = re.compile(r"^\d+$", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")

# National prefixes (after the 0) of the overseas departments -> their country calling code.
_OVERSEAS = {
    "262": "262",  # La Réunion, fixed
    "263": "262",
    "692": "262",  # La Réunion, mobile
    "693": "262",
    "269": "262",  # Mayotte, fixed
    "639": "262",  # Mayotte, mobile
    "590": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "690": "590",
    "691": "590",
    "594": "594",  # Guyane
    "694": "594",
    "596": "596",  # Martinique
    "696": "596",
    "697": "596",
}


def normalise_phone(raw: str) -> str | None:
    """The E.164 form of a phone number, or None when it is not one."""
    text = raw.strip()
    if not text or len(text) > 30:
        return None
    compact = _PHONE_SEPARATORS.sub("", text.replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        digits = compact[1:]
        if not _DIGITS.match(digits) or digits.startswith("0"):
            return None
        if digits.startswith("33"):
            national = digits[2:]
            ok = len(national) == 9 and not national.startswith("0")
            return _french_e164("0" + national) if ok else None
        return "+" + digits if 8 <= len(digits) <= 15 else None
    if len(compact) == 10 and _DIGITS.match(compact) and compact[0] == "0" and compact[1] != "0":
        return _french_e164(compact)
    return None


def _french_e164(national: str) -> str:
    """``national`` is ten digits starting with 0: "0612345678" -> "+33612345678"."""
    overseas = _OVERSEAS.get(national[1:4])
    return f"+{overseas or '33'}{national[1:]}"


def phone_for_display(e164: str) -> str:
    """French numbers as dialled in France ("06 12 34 56 78"); others unchanged."""
    if e164.startswith("+33") and len(e164) == 12:
        rest = e164[3:]
    else:
        rest = e164[4:]
        if len(e164) != 13 or _OVERSEAS.get(rest[:3]) != e164[1:4]:
            return e164
    national = "0" + rest
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


@functools.lru_cache(maxsize=4096)  # an import reads the same few spellings thousands of times
def _key(text: str) -> str:
    """A spelling-tolerant key: no accents, no case, any separator as one underscore."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "_".join(re.split(r"[\s_'’-]+", plain))


@functools.cache  # an enum's members never change; an import asks thousands of times
def _members_by_spelling(options: type[E]) -> dict[str, E]:
    """Each member by the key of its name, value and French ``label`` (the first member wins
    a spelling two share, as the loop it replaces did)."""
    found: dict[str, E] = {}
    for member in options:
        for spelling in (member.name, str(member.value), str(getattr(member, "label", ""))):
            found.setdefault(_key(spelling), member)
    return found


class InputReader:
    """Reads raw input field by field; ``problems`` holds one French message per field."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def refuse(self, name: str, message: str) -> None:
        """Record a problem (the first one found for a field is kept)."""
        self.problems.setdefault(name, message)

    def raise_if_any(self, message: str) -> None:
        if self.problems:
            raise InvalidInput(message, self.problems)

    def line(
        self, name: str, raw: str | None, message: str, *, max_length: int, required: bool = True
    ) -> str:
        """One line, spaces folded; ``message`` if missing or too long, ``text.refusal`` if it
        holds a character the text rule refuses (a control, an invisible format character)."""
        if self.refuses_characters(name, raw or "", allow=LINE):
            return ""
        cleaned = clean_line(raw or "") or ""
        if len(cleaned) > max_length or (required and not cleaned):
            self.refuse(name, message)
            return ""
        return cleaned

    def refuses_characters(self, name: str, raw: str, *, allow: str = "") -> bool:
        """Whether ``raw`` holds a character the text rule refuses (recorded as the problem)."""
        char = refused_character(raw, allow=allow)
        if char is not None:
            self.refuse(name, refusal(char))
        return char is not None

    def name(self, name: str, raw: str | None, message: str, *, max_length: int = 60) -> str:
        """A person's name: a required line holding at least one letter."""
        cleaned = self.line(name, raw, message, max_length=max_length)
        if cleaned and not any(char.isalpha() for char in cleaned):
            self.refuse(name, message)
        return cleaned

    def text(self, name: str, raw: str, message: str, *, max_length: int) -> str:
        """Free text on several lines (allergies, instructions); may be empty."""
        if self.refuses_characters(name, raw, allow=LINES):
            return ""
        cleaned = clean_text(raw) or ""
        if len(cleaned) > max_length:
            self.refuse(name, message)
            return ""
        return cleaned

    def code(self, name: str, raw: str | None, message: str, *, required: bool = True) -> str:
        """A catalogue code ("PLAGE", "APS-PLAGE"): letters, digits, ``_ . -``, 40 at most."""
        code = (raw or "").strip()
        if (code or required) and not _CODE.match(code):
            self.refuse(name, message)
            return ""
        return code

    def phone(self, name: str, raw: str | None, message: str) -> str | None:
        """A phone number in E.164, None when left empty."""
        if raw is None or not raw.strip():
            return None
        phone = normalise_phone(raw)
        if phone is None:
            self.refuse(name, message)
        return phone

    def email(self, name: str, raw: str | None, message: str) -> str | None:
        """An e-mail address, None when left empty."""
        email = (raw or "").strip()
        if not email or self.refuses_characters(name, email):
            return None
        if len(email) > 254 or not _EMAIL.match(email):
            self.refuse(name, message)
            return None
        return email

    def choice(
        self,
        name: str,
        raw: str | None,
        options: type[E],
        message: str,
        aliases: Mapping[str, E] | None = None,
    ) -> E:
        """A member of ``options`` named by its value, its name, its French ``label`` or one of
        its ``aliases``, whatever the case, accents and separators.

        When none matches, the problem is recorded and the first member stands in (it never
        leaves a constructor: ``raise_if_any`` refuses the whole input).
        """
        wanted = _key(raw or "")
        for alias, member in (aliases or {}).items():
            if wanted == _key(alias):
                return member
        found: E | None = _members_by_spelling(options).get(wanted)
        if found is not None:
            return found
        self.refuse(name, message)
        return next(iter(options))

    def day(self, name: str, raw: date | str | None, message: str) -> date:
        """A calendar date, given as a ``date`` or typed as 01/09/2026 or 2026-09-01
        (``french_dates.parse_day``).

        When it is missing or unreadable, the problem is recorded and ``date.min`` stands in
        (it never leaves a constructor: ``raise_if_any`` refuses the whole input).
        """
        if isinstance(raw, date) and not isinstance(raw, datetime):
            return raw
        parsed = parse_day(raw) if isinstance(raw, str) else None
        if parsed is None:
            self.refuse(name, message)
            return date.min
        return parsed

    def instant(self, name: str, raw: datetime, message: str) -> None:
        """Refuse a naive datetime: the portal only handles aware instants."""
        if raw.tzinfo is None or raw.utcoffset() is None:
            self.refuse(name, message)
