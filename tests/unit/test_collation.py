"""French order of names (``shared.collation.french_sort_key``): ligatures and letters with a
stroke among their base letters, apostrophes and hyphens of every kind ignored, accents and
case counting only between names otherwise equal; a total order."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.shared.collation import french_sort_key


def ordered(*names: str) -> list[str]:
    return sorted(names, key=french_sort_key)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Œillet", "Zola"),
        ("Oeil", "Œillet"),
        ("Œillet", "Oeuf"),
        ("Æbischer", "Bernard"),
        ("Ødegaard", "Zola"),
        ("Łukasz", "Martin"),
        ("Lucas", "Łukasz"),
        ("D’Almeida", "Dupont"),
        ("D'Almeida", "Dupont"),
        ("Émile", "Fanny"),
        ("Elise", "Émile"),
        ("Martin", "Martinez"),
        ("Martin-Dupont", "Martine"),
        ("Cote", "Côte"),
        ("Straße", "Strauss"),
    ],
)
def test_french_order(before: str, after: str) -> None:
    assert ordered(after, before) == [before, after]


def test_apostrophes_and_hyphens_of_every_kind_file_alike() -> None:
    spellings = ["D’Almeida", "D'Almeida", "D\u02bcAlmeida", "DAlmeida", "d-almeida", "D Almeida"]
    primary = {french_sort_key(name).split(" ", 1)[0] for name in spellings}
    assert primary == {"dalmeida"}


@given(st.lists(st.text(max_size=12), max_size=8))
def test_the_order_is_total_and_does_not_depend_on_the_input_order(names: list[str]) -> None:
    assert ordered(*names) == ordered(*reversed(names))
    keys = {french_sort_key(name) for name in names}
    assert len(keys) == len(set(names))
