"""The school map (carte scolaire): street names matched whatever their writing, house numbers
with bis/ter, one sector school per address, and the map's checks (overlaps, unknown schools)."""

from __future__ import annotations

import functools
import itertools
import unicodedata
from importlib.resources import files

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from adapters.commune_file import read_commune_file
from portail_core.domain.catalogue.school_map import (
    MAX_HOUSE_NUMBER,
    HouseNumber,
    SchoolMap,
    Sector,
    SectorFound,
    SectorRefused,
    Side,
    StreetAddress,
    map_problems,
    parse_street_address,
    street_key,
)
from portail_core.errors import InvalidInput

SCHOOLS = ("PLAGE", "PINS", "BOURG")
STREETS = (
    "avenue de l'Océan",
    "rue des Pins",
    "allée des Mouettes",
    "rue Saint-Exupéry",
    "boulevard Sainte-Cécile",
    "place de l'Église",
)


@functools.cache
def demo_map() -> SchoolMap:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    return read_commune_file(text).catalogue.school_map


# ------------------------------------------------------------------ street names


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("Avenue de l'Océan", "avenue de l'Océan"),
        ("AV. DE L'OCEAN", "avenue de l'Océan"),
        ("ave de l’océan", "avenue de l'Océan"),
        ("av de l ocean", "avenue de l'Océan"),
        ("R. des Pins", "rue des Pins"),
        ("rue   des  pins", "rue des Pins"),
        ("rue St-Exupéry", "rue Saint-Exupéry"),
        ("rue st exupery", "rue Saint-Exupéry"),
        ("Bd Ste Cécile", "boulevard Sainte-Cécile"),
        ("All. des Mouettes", "allée des Mouettes"),
        ("pl. de l'eglise", "place de l'Église"),
        ("Imp. des Tamaris", "impasse des Tamaris"),
        ("Ch. des Dunes", "chemin des Dunes"),
        ("rue de l'Œuvre", "rue de l'Oeuvre"),
    ],
)
def test_writings_of_a_street_share_its_key(written: str, official: str) -> None:
    assert street_key(written) == street_key(official)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("rue des Pins", "avenue des Pins"),  # another kind of street is another street
        ("rue des Pins", "rue du Pin"),
        ("rue Saint-Jean", "rue Sainte-Jeanne"),
        ("place R. Rolland", "place Rolland"),  # « r » is « rue » only as the first word
    ],
)
def test_different_streets_keep_different_keys(one: str, other: str) -> None:
    assert street_key(one) != street_key(other)


def test_the_key_is_lower_case_ascii_words() -> None:
    assert street_key("  Avenue de l'Océan ") == "avenue de l ocean"
    assert street_key("r. St-Jean") == "rue saint jean"
    assert street_key("") == ""


@given(st.text())
def test_normalisation_is_idempotent(name: str) -> None:
    assert street_key(street_key(name)) == street_key(name)


@given(st.sampled_from(STREETS), st.data())
def test_case_accents_and_punctuation_never_change_the_key(name: str, data: st.DataObject) -> None:
    written = data.draw(_writings(name))
    assert street_key(written) == street_key(name)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@st.composite
def _writings(draw: st.DrawFn, name: str) -> str:
    """One way a family may write ``name``: case, accents, apostrophes, hyphens, abbreviations."""
    text = name
    if draw(st.booleans()):
        text = _strip_accents(text)
    text = text.replace("'", draw(st.sampled_from(["'", "’", " ", " ' "])))
    text = text.replace("-", draw(st.sampled_from(["-", " ", " - "])))
    for full, short in (("avenue", "av."), ("boulevard", "bd"), ("rue", "r."), ("allée", "all.")):
        if text.startswith(full) and draw(st.booleans()):
            text = short + text[len(full) :]
    for full, short in (("Sainte", "Ste"), ("Saint", "St")):
        if full in text and draw(st.booleans()):
            text = text.replace(full, short)
    text = draw(st.sampled_from([text, text.upper(), text.lower(), text.title()]))
    return draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " "]))


# ------------------------------------------------------------------ address lines


@pytest.mark.parametrize(
    ("line", "number", "street"),
    [
        ("12 rue des Pins", HouseNumber(12), "rue des Pins"),
        ("12 bis rue des Pins, bât. B", HouseNumber(12, "bis"), "rue des Pins"),
        ("12bis rue des Pins", HouseNumber(12, "bis"), "rue des Pins"),
        ("7 TER avenue de l'Océan", HouseNumber(7, "ter"), "avenue de l'Océan"),
        ("12B rue des Pins", HouseNumber(12, "b"), "rue des Pins"),
        ("12, rue des Pins", HouseNumber(12), "rue des Pins"),
        ("41 bis, Avenue de l’Océan", HouseNumber(41, "bis"), "Avenue de l’Océan"),
        ("Résidence Les Pins, 4 rue du Port", HouseNumber(4), "rue du Port"),
        ("4 rue du Port\nBât. B", HouseNumber(4), "rue du Port"),
        ("12 bis rue des Pins, 99100 Démo-sur-Mer", HouseNumber(12, "bis"), "rue des Pins"),
        ("5 bd Victor Hugo", HouseNumber(5), "bd Victor Hugo"),
    ],
)
def test_an_address_line_gives_its_number_and_street(
    line: str, number: HouseNumber, street: str
) -> None:
    assert parse_street_address(line) == StreetAddress(number, street)


@pytest.mark.parametrize(
    "line", ["rue des Pins", "99100 Démo-sur-Mer", "12", "12 bis", "0 rue des Pins", ""]
)
def test_a_line_without_number_and_street_gives_nothing(line: str) -> None:
    assert parse_street_address(line) is None


def test_house_numbers_read_as_written_in_france() -> None:
    assert str(HouseNumber(12, "bis")) == "12 bis"
    assert str(HouseNumber(12, "b")) == "12 B"
    assert str(HouseNumber(3)) == "3"


# ------------------------------------------------------------------ the demo's map


@pytest.mark.parametrize(
    ("line", "postcode", "school"),
    [
        ("12 rue des Pins", "99100", "PINS"),
        ("12 bis rue des Pins", None, "PINS"),
        ("3 allée des Mouettes", "99100", "PLAGE"),
        ("1 avenue de l'Océan", None, "PLAGE"),
        ("999 avenue de l'Océan", None, "PLAGE"),  # the odd side is all PLAGE
        ("40 avenue de l'Océan", None, "PLAGE"),
        ("40 ter av. de l'ocean", None, "PLAGE"),
        ("42 avenue de l'Océan", None, "PINS"),
        ("29 rue du Port", None, "PLAGE"),
        ("30 rue du Port", None, "PINS"),
        ("8 rue St Exupery", None, "PINS"),
    ],
)
def test_the_demo_map_gives_the_sector_school(line: str, postcode: str | None, school: str) -> None:
    result = demo_map().sector_school(line, postcode)
    assert isinstance(result, SectorFound)
    assert result.school == school
    assert demo_map().school_for(line, postcode) == school


@pytest.mark.parametrize(
    ("line", "postcode", "message"),
    [
        (
            "7 rue Inconnue",
            "99100",
            "La voie « rue Inconnue » n'est pas dans la carte scolaire de la commune : demandez "
            "une dérogation pour l'école de votre choix ou contactez le guichet unique.",
        ),
        (
            "12 rue des Pins",
            "40200",
            "Le code postal 40200 n'est pas dans la carte scolaire de la commune : demandez une "
            "dérogation pour l'école de votre choix ou contactez le guichet unique.",
        ),
        (
            "rue des Pins",
            None,
            "L'adresse « rue des Pins » ne commence pas par un numéro suivi de la voie (ex. : "
            "12 bis rue des Pins) : la carte scolaire ne peut pas la situer.",
        ),
    ],
)
def test_an_address_outside_the_map_is_refused_in_french(
    line: str, postcode: str | None, message: str
) -> None:
    assert demo_map().sector_school(line, postcode) == SectorRefused(message)
    with pytest.raises(InvalidInput) as raised:
        demo_map().school_for(line, postcode)
    assert raised.value.problems == {"address": message}


def test_a_number_outside_every_range_is_refused() -> None:
    school_map = SchoolMap((Sector("PINS", "rue des Pins", 1, 20),))
    assert school_map.sector_school("21 rue des Pins") == SectorRefused(
        "Le n° 21 de la voie « rue des Pins » n'est dans aucun secteur scolaire : vérifiez le "
        "numéro, demandez une dérogation ou contactez le guichet unique."
    )


def test_without_postcodes_in_the_map_any_postcode_is_taken() -> None:
    school_map = SchoolMap((Sector("PINS", "rue des Pins"),))
    assert school_map.school_for("3 rue des Pins", "40200") == "PINS"


def test_the_map_lists_its_streets_once_each_in_file_order() -> None:
    assert demo_map().streets()[:2] == ("avenue de l'Océan", "allée des Mouettes")
    assert len(demo_map().streets()) == len({street_key(s) for s in demo_map().streets()})
    assert SchoolMap().is_empty
    assert not demo_map().is_empty


def test_sectors_describe_themselves_in_french() -> None:
    assert Sector("P", "rue A").describe() == "rue A, tous les numéros, les deux côtés"
    assert Sector("P", "rue A", 42, side=Side.EVEN).describe() == (
        "rue A, n° 42 et suivants, côté pair"
    )
    assert Sector("P", "rue A", 1, 99, Side.ODD).describe() == "rue A, n° 1 à 99, côté impair"


# ------------------------------------------------------------------ the map's checks


def problems(school_map: SchoolMap) -> list[tuple[tuple[str | int, ...], str]]:
    return list(map_problems(school_map, set(SCHOOLS)))


def test_overlapping_sectors_are_refused_with_the_first_one_named() -> None:
    school_map = SchoolMap(
        (
            Sector("PLAGE", "avenue de l'Océan", 1, 99, Side.ODD),
            Sector("PINS", "Av. de l'Ocean", 51, 151, Side.ALL),
        )
    )
    assert problems(school_map) == [
        (
            ("sectors", 1),
            "chevauche le secteur n°1 (avenue de l'Océan, n° 1 à 99, côté impair, école PLAGE) : "
            "une adresse aurait deux écoles",
        )
    ]


def test_odd_and_even_sides_of_one_range_do_not_overlap() -> None:
    school_map = SchoolMap(
        (
            Sector("PLAGE", "rue du Port", 1, 99, Side.ODD),
            Sector("PINS", "rue du Port", 1, 99, Side.EVEN),
            Sector("BOURG", "rue du Port", 100, MAX_HOUSE_NUMBER),
        )
    )
    assert problems(school_map) == []


def test_a_one_number_range_of_the_wrong_parity_overlaps_nothing() -> None:
    school_map = SchoolMap(
        (Sector("PLAGE", "rue A", 3, 3, Side.ALL), Sector("PINS", "rue A", 2, 4, Side.EVEN))
    )
    assert problems(school_map) == []


def test_unknown_schools_bad_numbers_and_postcodes_are_refused() -> None:
    school_map = SchoolMap(
        (
            Sector("ECOLE", "rue A"),
            Sector("PINS", "rue B", 0, 10_000),
            Sector("PINS", "rue C", 9, 3),
        ),
        postcodes=("9910",),
    )
    assert problems(school_map) == [
        (("postcodes",), "code postal invalide : « 9910 » (5 chiffres)"),
        (("sectors", 0, "school"), "école inconnue : « ECOLE »"),
        (("sectors", 1, "from"), "un numéro va de 1 à 9999"),
        (("sectors", 1, "to"), "un numéro va de 1 à 9999"),
        (("sectors", 2, "to"), "le dernier numéro précède le premier"),
    ]


def test_the_demo_map_is_valid() -> None:
    assert list(map_problems(demo_map(), {"PLAGE", "PINS"})) == []


# ------------------------------------------------------------------ properties


@st.composite
def valid_maps(draw: st.DrawFn) -> SchoolMap:
    """Maps built to be valid: each street's numbers cut into consecutive ranges, for both
    sides at once or for each side on its own, each range given to a school."""
    sectors: list[Sector] = []
    streets = draw(st.lists(st.sampled_from(STREETS), min_size=1, max_size=4, unique=True))
    for street in streets:
        sides = draw(st.sampled_from([(Side.ALL,), (Side.ODD, Side.EVEN)]))
        for side in sides:
            cuts = draw(st.lists(st.integers(2, 300), max_size=4, unique=True))
            bounds = [1, *sorted(cuts), 301]
            last_open = draw(st.booleans())
            for index, (first, after) in enumerate(itertools.pairwise(bounds)):
                last = MAX_HOUSE_NUMBER if last_open and index == len(bounds) - 2 else after - 1
                school = draw(st.sampled_from(SCHOOLS))
                sectors.append(Sector(school, draw(_writings(street)), first, last, side))
    return SchoolMap(tuple(draw(st.permutations(sectors))))


def covering(school_map: SchoolMap, street: str, number: int) -> list[Sector]:
    return [
        s for s in school_map.sectors if s.street_key == street_key(street) and s.covers(number)
    ]


@given(valid_maps(), st.data())
def test_every_address_of_the_map_has_exactly_one_sector_school(
    school_map: SchoolMap, data: st.DataObject
) -> None:
    assert problems(school_map) == []
    sector = data.draw(st.sampled_from(school_map.sectors))
    numbers = [n for n in range(sector.first, min(sector.last, 400) + 1) if sector.covers(n)]
    assume(numbers)
    number = data.draw(st.sampled_from(numbers))
    suffix = data.draw(st.sampled_from(["", " bis", "ter", " B", " quater"]))
    written = data.draw(_writings(_strip_accents(sector.street).lower()))
    result = school_map.sector_school(f"{number}{suffix} {written}, bât. 2")
    assert covering(school_map, sector.street, number) == [sector]
    assert isinstance(result, SectorFound)
    assert (result.school, result.sector, result.address.number.value) == (
        sector.school,
        sector,
        number,
    )


@given(
    st.lists(
        st.builds(
            Sector,
            school=st.sampled_from(SCHOOLS),
            street=st.sampled_from(STREETS[:2]),
            first=st.integers(1, 30),
            last=st.integers(1, 30),
            side=st.sampled_from(Side),
        ),
        max_size=5,
    )
)
def test_a_map_the_checks_accept_never_gives_an_address_two_schools(
    sectors: list[Sector],
) -> None:
    school_map = SchoolMap(tuple(sectors))
    overlaps = [p for p in problems(school_map) if "chevauche" in p[1]]
    ambiguous = [
        (street, number)
        for street in STREETS[:2]
        for number in range(1, 31)
        if len(covering(school_map, street, number)) > 1
    ]
    assert bool(overlaps) == bool(ambiguous)


@given(valid_maps(), st.integers(1, 400))
def test_the_sector_found_respects_the_parity_of_the_number(
    school_map: SchoolMap, number: int
) -> None:
    for street in school_map.streets():
        result = school_map.sector_school(f"{number} {street}")
        if isinstance(result, SectorFound):
            assert result.sector.side in {Side.ALL, Side.ODD if number % 2 else Side.EVEN}
            assert result.sector.first <= number <= result.sector.last
        else:
            assert covering(school_map, street, number) == []


@given(st.sampled_from(demo_map().streets()), st.integers(1, MAX_HOUSE_NUMBER), st.data())
def test_every_address_of_the_demo_town_has_one_sector_school(
    street: str, number: int, data: st.DataObject
) -> None:
    written = data.draw(_writings(street))
    assert len(covering(demo_map(), street, number)) == 1
    assert demo_map().school_for(f"{number} {written}", "99100") in {"PLAGE", "PINS"}
