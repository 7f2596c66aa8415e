"""Reading what people type into a dossier: phone numbers, free text, choices."""

from __future__ import annotations

import enum
from datetime import datetime

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.shared.raw_input import (
    InputReader,
    clean_text,
    normalise_phone,
    phone_for_display,
)
from portail_core.errors import InvalidInput


@pytest.mark.parametrize(
    "typed",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        " 06 12 34 56 78 ",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
    ],
)
def test_french_phone_numbers_are_stored_in_e164_however_they_are_typed(typed: str) -> None:
    assert normalise_phone(typed) == "+33612345678"


@pytest.mark.parametrize(
    ("typed", "stored", "displayed"),
    [
        ("0692 12 34 56", "+262692123456", "06 92 12 34 56"),  # La Réunion, mobile
        ("02 62 12 34 56", "+262262123456", "02 62 12 34 56"),  # La Réunion, fixed
        ("0639 12 34 56", "+262639123456", "06 39 12 34 56"),  # Mayotte
        ("0590 12 34 56", "+590590123456", "05 90 12 34 56"),  # Guadeloupe
        ("0694 12 34 56", "+594694123456", "06 94 12 34 56"),  # Guyane
        ("0696 12 34 56", "+596696123456", "06 96 12 34 56"),  # Martinique
        ("+262 692 12 34 56", "+262692123456", "06 92 12 34 56"),
        ("+33 6 92 12 34 56", "+262692123456", "06 92 12 34 56"),
    ],
)
def test_overseas_numbers_get_their_own_country_code(
    typed: str, stored: str, displayed: str
) -> None:
    assert normalise_phone(typed) == stored
    assert phone_for_display(stored) == displayed


def test_numbers_abroad_are_kept_in_e164() -> None:
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"
    assert normalise_phone("0034 912 345 678") == "+34912345678"
    assert phone_for_display("+442079460958") == "+442079460958"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "06 12 34 56 7",  # nine digits
        "06 12 34 56 78 9",  # eleven
        "00",
        "0033",
        "+33 06 12 34 56 78",  # the 0 and the country code together
        "+33 6 12 34",
        "+0 612 345 678",
        "+1 234",  # too short for any country
        "+1234567890123456",  # longer than E.164 allows
        "06 12 34 56 7A",
        "٠٦١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "06 12 34 56 78 poste 12",
        "0" * 31,
    ],
)
def test_what_is_not_a_phone_number_is_refused(typed: str) -> None:
    assert normalise_phone(typed) is None


def test_french_numbers_are_displayed_as_dialled_in_france() -> None:
    assert phone_for_display("+33612345678") == "06 12 34 56 78"
    assert phone_for_display("+33558091234") == "05 58 09 12 34"


_separators = st.sampled_from(["", " ", ".", "-", "  "])


@given(
    prefix=st.sampled_from([*"12345679", "8"]),
    digits=st.lists(st.integers(0, 9), min_size=8, max_size=8),
    separator=_separators,
)
def test_a_normalised_number_reads_back_to_itself_from_its_display(
    prefix: str, digits: list[int], separator: str
) -> None:
    national = "0" + prefix + "".join(map(str, digits))
    typed = separator.join(national[i : i + 2] for i in range(0, 10, 2))
    stored = normalise_phone(typed)
    assert stored is not None
    assert stored.startswith("+")
    assert normalise_phone(phone_for_display(stored)) == stored
    assert phone_for_display(stored).replace(" ", "") == national


def test_free_text_keeps_its_lines_and_folds_their_spaces() -> None:
    assert clean_text("  Trousse   d'urgence \r\n\r\n\tdans le sac  \n") == (
        "Trousse d'urgence\n\ndans le sac"
    )


@pytest.mark.parametrize("text", ["a\x00b", "a\x1b[31m", "a\x7fb", "a\x0cb"])
def test_free_text_with_control_characters_is_refused(text: str) -> None:
    assert clean_text(text) is None


class Colour(enum.Enum):
    GREEN = "vert"
    BLUE = "bleu_clair"

    @property
    def label(self) -> str:
        return "vert" if self is Colour.GREEN else "bleu clair"


@pytest.mark.parametrize(
    "typed", ["bleu clair", "Bleu Clair", " BLEU-CLAIR ", "bleu_clair", "BLUE"]
)
def test_a_choice_is_read_from_its_value_name_or_label_in_any_case(typed: str) -> None:
    reader = InputReader()
    assert reader.choice("colour", typed, Colour, "Couleur inconnue.") is Colour.BLUE
    assert reader.problems == {}


def test_a_choice_ignores_accents() -> None:
    class Diet(enum.Enum):
        VEGETARIAN = "végétarien"

    assert InputReader().choice("diet", "VEGETARIEN", Diet, "?") is Diet.VEGETARIAN


def test_an_unknown_choice_is_a_problem() -> None:
    reader = InputReader()
    reader.choice("colour", "rouge", Colour, "Couleur inconnue.")
    with pytest.raises(InvalidInput) as caught:
        reader.raise_if_any("Refusé.")
    assert caught.value.message == "Refusé."
    assert caught.value.problems == {"colour": "Couleur inconnue."}


def test_the_first_problem_of_a_field_is_kept() -> None:
    reader = InputReader()
    reader.refuse("phones", "premier")
    reader.refuse("phones", "second")
    assert reader.problems == {"phones": "premier"}


def test_a_reader_without_problems_raises_nothing() -> None:
    reader = InputReader()
    assert reader.line("name", " Léa ", "?", max_length=10) == "Léa"
    reader.raise_if_any("Refusé.")


@pytest.mark.parametrize(
    ("raw", "refused"),
    [
        (pendulum.datetime(2026, 5, 20, 18, tz="Europe/Paris"), False),
        (pendulum.naive(2026, 5, 20, 18), True),
        (datetime(2026, 5, 20, 18), True),  # noqa: DTZ001  (naive on purpose)
    ],
)
def test_naive_instants_are_refused(raw: datetime, refused: bool) -> None:
    reader = InputReader()
    reader.instant("at", raw, "Fuseau horaire manquant.")
    assert ("at" in reader.problems) is refused
