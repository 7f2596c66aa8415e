"""The commune's school map (carte scolaire): which school serves which address.

A sector is one street with a range of house numbers, on one side (odd, even or both); an address
belongs to the sector of its street whose range holds its number. Loading refuses a map where an
address would have two schools (``map_problems``), so every address of the map has exactly one.

Street names are compared by their key (``street_key``), so that a family may write « Av. de
l'ocean » for « avenue de l'Océan »:

1. accents are dropped (« é » → « e », « œ » → « oe ») and letters lower-cased;
2. every character that is neither a letter nor a digit (apostrophes, hyphens, dots, commas)
   becomes a space, and spaces are collapsed;
3. the first word, when it is a usual abbreviation of a kind of street, is written in full
   (« av », « ave » → « avenue » ; « bd », « bld », « boul » → « boulevard » ; « r » → « rue » ;
   « pl » → « place » ; « imp » → « impasse » ; « all » → « allee » ; « ch », « che », « chem » →
   « chemin » ; « rte » → « route » ; « sq » → « square » ; « fg », « fbg » → « faubourg » ;
   « prom » → « promenade » ; « res » → « residence » ; « lot » → « lotissement ») ;
4. any word « st » or « ste » becomes « saint » or « sainte ».

The key is idempotent: ``street_key(street_key(x)) == street_key(x)``.

A house number may carry « bis », « ter », « quater » or one letter from A to D (« 12 bis »,
« 12B »): it belongs to the sector holding its number (12 bis is on the even side, as 12).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterator

from attrs import frozen

from portail_core.errors import InvalidInput

__all__ = [
    "MAX_HOUSE_NUMBER",
    "HouseNumber",
    "SchoolMap",
    "Sector",
    "SectorFound",
    "SectorRefused",
    "Side",
    "StreetAddress",
    "map_problems",
    "parse_street_address",
    "street_key",
]

MAX_HOUSE_NUMBER = 9999
SUFFIXES = ("bis", "ter", "quater", "a", "b", "c", "d")
_STREET_KINDS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "boul": "boulevard",
    "r": "rue",
    "pl": "place",
    "imp": "impasse",
    "all": "allee",
    "ch": "chemin",
    "che": "chemin",
    "chem": "chemin",
    "rte": "route",
    "sq": "square",
    "fg": "faubourg",
    "fbg": "faubourg",
    "prom": "promenade",
    "res": "residence",
    "lot": "lotissement",
}
_SAINTS = {"st": "saint", "ste": "sainte"}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_NUMBERED = re.compile(
    r"^\s*(\d{1,4})(?!\d)(?:\s*(bis|ter|quater|[a-d])(?![a-z0-9]))?[\s,]*(.*)$", re.IGNORECASE
)
_POSTCODE = re.compile(r"^\d{5}$")


def street_key(name: str) -> str:
    """The form under which two writings of a street are the same street (see the module)."""
    folded = unicodedata.normalize("NFKD", name.translate(_LIGATURES)).casefold()
    text = unicodedata.normalize("NFKD", folded)
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = _NOT_ALPHANUMERIC.sub(" ", text).split()
    if words:
        words[0] = _STREET_KINDS.get(words[0], words[0])
    return " ".join(_SAINTS.get(word, word) for word in words)


class Side(enum.Enum):
    """Which side of the street a sector covers."""

    ODD = "impair"
    EVEN = "pair"
    ALL = "tous"

    @property
    def label(self) -> str:
        return {Side.ODD: "côté impair", Side.EVEN: "côté pair", Side.ALL: "les deux côtés"}[self]

    def holds(self, number: int) -> bool:
        return self is Side.ALL or (number % 2 == 1) == (self is Side.ODD)


@frozen
class HouseNumber:
    """« 12 bis »: a number from 1 to 9999 and its suffix (bis, ter, quater, a to d)."""

    value: int
    suffix: str = ""

    def __str__(self) -> str:
        suffix = self.suffix.upper() if len(self.suffix) == 1 else self.suffix
        return f"{self.value} {suffix}" if suffix else str(self.value)


@frozen
class StreetAddress:
    """The number and the street of an address line, complements left aside."""

    number: HouseNumber
    street: str

    @property
    def street_key(self) -> str:
        return street_key(self.street)

    def __str__(self) -> str:
        return f"{self.number} {self.street}"


def parse_street_address(text: str) -> StreetAddress | None:
    """« 12 bis rue des Pins, bât. B » → 12 bis, « rue des Pins ».

    The line is cut at commas, semicolons and line breaks; the first part that starts with a
    number of one to four digits followed by a street (in the same part or the next one) is read
    (« Résidence Les Pins, 4 rue du Port » and « 12 bis, rue des Pins » work). None when no part
    does.
    """
    parts = re.split(r"[,\n;]", text)
    for index, part in enumerate(parts):
        match = _NUMBERED.match(part)
        if not match or not 1 <= int(match[1]) <= MAX_HOUSE_NUMBER:
            continue
        street = match[3] if match[3].strip() else " ".join(parts[index + 1 : index + 2])
        if street_key(street):  # « 12 bis, rue des Pins »: the street after the comma
            return StreetAddress(
                HouseNumber(int(match[1]), (match[2] or "").lower()), street.strip()
            )
    return None


@frozen
class Sector:
    """The numbers ``first`` to ``last`` (both included) of ``street``, on ``side``, go to
    ``school`` (a school code of the catalogue)."""

    school: str
    street: str
    first: int = 1
    last: int = MAX_HOUSE_NUMBER
    side: Side = Side.ALL

    @property
    def street_key(self) -> str:
        return street_key(self.street)

    def covers(self, number: int) -> bool:
        return self.first <= number <= self.last and self.side.holds(number)

    def overlaps(self, other: Sector) -> bool:
        """Some address would be in both sectors (same street, a common number)."""
        if self.street_key != other.street_key:
            return False
        low, high = max(self.first, other.first), min(self.last, other.last)
        return any(self.covers(n) and other.covers(n) for n in (low, low + 1) if n <= high)

    def describe(self) -> str:
        """« avenue de l'Océan, n° 42 et suivants, côté pair »"""
        if self.first <= 1 and self.last >= MAX_HOUSE_NUMBER:
            numbers = "tous les numéros"
        elif self.last >= MAX_HOUSE_NUMBER:
            numbers = f"n° {self.first} et suivants"
        else:
            numbers = f"n° {self.first} à {self.last}"
        return f"{self.street}, {numbers}, {self.side.label}"


@frozen
class SectorFound:
    school: str
    sector: Sector
    address: StreetAddress


@frozen
class SectorRefused:
    message: str  # French, for the family or the desk


@frozen
class SchoolMap:
    """The commune's sectors, in file order; ``postcodes``: the commune's, when it lists them."""

    sectors: tuple[Sector, ...] = ()
    postcodes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.sectors

    def streets(self) -> tuple[str, ...]:
        """The streets of the map as first written, one per street key, in file order."""
        seen: dict[str, str] = {}
        for sector in self.sectors:
            seen.setdefault(sector.street_key, sector.street)
        return tuple(seen.values())

    def sector_school(
        self, street_line: str, postcode: str | None = None
    ) -> SectorFound | SectorRefused:
        """The sector school of an address (``Address.street`` and ``Address.postcode``)."""
        address = parse_street_address(street_line)
        if address is None:
            return SectorRefused(
                f"L'adresse « {street_line.strip()} » ne commence pas par un numéro suivi de la "
                "voie (ex. : 12 bis rue des Pins) : la carte scolaire ne peut pas la situer."
            )
        outside = (
            "n'est pas dans la carte scolaire de la commune : demandez une dérogation pour "
            "l'école de votre choix ou contactez le guichet unique."
        )
        if self.postcodes and postcode is not None and postcode.strip() not in self.postcodes:
            return SectorRefused(f"Le code postal {postcode.strip()} {outside}")
        on_street = [s for s in self.sectors if s.street_key == address.street_key]
        if not on_street:
            return SectorRefused(f"La voie « {address.street} » {outside}")
        found = next((s for s in on_street if s.covers(address.number.value)), None)
        if found is None:
            return SectorRefused(
                f"Le n° {address.number} de la voie « {on_street[0].street} » n'est dans aucun "
                "secteur scolaire : vérifiez le numéro, demandez une dérogation ou contactez le "
                "guichet unique."
            )
        return SectorFound(found.school, found, address)

    def school_for(self, street_line: str, postcode: str | None = None) -> str:
        """The sector school's code; InvalidInput (on « address ») when there is none."""
        result = self.sector_school(street_line, postcode)
        if isinstance(result, SectorRefused):
            raise InvalidInput(result.message, {"address": result.message})
        return result.school


def map_problems(
    school_map: SchoolMap, schools: set[str]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Everything wrong with the map, as (place, French message); places are ``("postcodes",)``
    or ``("sectors", index, key)`` with the index of the sector in the file (from 0)."""
    for code in school_map.postcodes:
        if not _POSTCODE.match(code):
            yield ("postcodes",), f"code postal invalide : « {code} » (5 chiffres)"
    for index, sector in enumerate(school_map.sectors):
        if sector.school not in schools:
            yield ("sectors", index, "school"), f"école inconnue : « {sector.school} »"
        if not sector.street_key:
            yield ("sectors", index, "street"), "nom de voie vide"
        for key, number in (("from", sector.first), ("to", sector.last)):
            if not 1 <= number <= MAX_HOUSE_NUMBER:
                yield ("sectors", index, key), f"un numéro va de 1 à {MAX_HOUSE_NUMBER}"
        if sector.first > sector.last:
            yield ("sectors", index, "to"), "le dernier numéro précède le premier"
        for other_index, other in enumerate(school_map.sectors[:index]):
            if other.overlaps(sector):
                yield (
                    ("sectors", index),
                    f"chevauche le secteur n°{other_index + 1} ({other.describe()}, école "
                    f"{other.school}) : une adresse aurait deux écoles",
                )
