from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.catalogue.tariffs import QuotientBracket, Tariff
from portail_core.domain.shared.money import Money

SEPT_2026 = date(2026, 9, 1)


def euros(text: str) -> Money:
    return Money.from_euros(text)


def bracket(qf_min: int, qf_max: int | None, resident: str = "1,00") -> QuotientBracket:
    return QuotientBracket(qf_min, qf_max, euros(resident), euros(resident) * 2)


def tariff(*brackets: QuotientBracket, **options: Any) -> Tariff:
    """A tariff from 1 September 2026, open-ended unless ``valid_until`` is given."""
    return attrs.evolve(Tariff(SEPT_2026, None, brackets), **options)


@pytest.fixture
def lunch() -> Tariff:
    """The demo's school lunch: three brackets, 500 and 900 as bounds."""
    return tariff(
        bracket(0, 500, "1,00"),
        bracket(500, 900, "2,45"),
        bracket(900, None, "4,15"),
        pai_price=euros("1,20"),
        unbooked_surcharge=euros("2,00"),
        sibling_reductions=(Decimal(0), Decimal(10), Decimal(20)),
    )


# ---------------------------------------------------------------- brackets


def test_a_bracket_includes_its_lower_bound_and_excludes_its_upper_bound() -> None:
    middle = bracket(500, 900)
    assert not middle.contains(499)
    assert middle.contains(500)
    assert middle.contains(899)
    assert not middle.contains(900)


def test_the_last_bracket_has_no_upper_bound() -> None:
    assert bracket(900, None).contains(1_000_000)
    assert not bracket(900, None).contains(899)


def test_brackets_describe_themselves_in_french() -> None:
    assert bracket(0, 500).describe() == "QF inférieur à 500"
    assert bracket(500, 900).describe() == "QF de 500 à 899"
    assert bracket(900, None).describe() == "QF à partir de 900"


# ---------------------------------------------------------------- bracket_for


@pytest.mark.parametrize(
    ("quotient", "resident_price"),
    [
        (0, "1,00"),
        (499, "1,00"),
        (500, "2,45"),
        (899, "2,45"),
        (900, "4,15"),
        (25_000, "4,15"),
    ],
)
def test_bracket_for_picks_the_bracket_of_the_quotient(
    lunch: Tariff, quotient: int, resident_price: str
) -> None:
    assert lunch.bracket_for(quotient).resident == euros(resident_price)


def test_without_a_quotient_a_family_pays_the_highest_bracket(lunch: Tariff) -> None:
    assert lunch.bracket_for(None) == bracket(900, None, "4,15")


# ---------------------------------------------------------------- applies_on


def test_a_tariff_applies_from_its_first_to_its_last_day_inclusive() -> None:
    school_year = tariff(bracket(0, None), valid_until=date(2027, 8, 31))
    assert not school_year.applies_on(date(2026, 8, 31))
    assert school_year.applies_on(SEPT_2026)
    assert school_year.applies_on(date(2027, 8, 31))
    assert not school_year.applies_on(date(2027, 9, 1))


def test_an_open_ended_tariff_applies_forever_after_its_start() -> None:
    assert tariff(bracket(0, None)).applies_on(date(2099, 12, 31))
    assert not tariff(bracket(0, None)).applies_on(date(2026, 8, 31))


# ---------------------------------------------------------------- problems


def test_a_sound_tariff_has_no_problems(lunch: Tariff) -> None:
    assert lunch.problems() == []


def test_a_single_open_bracket_from_zero_is_sound() -> None:
    assert tariff(bracket(0, None)).problems() == []


def test_a_tariff_without_brackets_says_so() -> None:
    assert tariff().problems() == ["aucune tranche de quotient familial"]


def test_a_gap_between_brackets_is_reported() -> None:
    assert tariff(bracket(0, 500), bracket(600, None)).problems() == [
        "les tranches « QF inférieur à 500 » et « QF à partir de 600 » "
        "se chevauchent ou laissent un trou"
    ]


def test_overlapping_brackets_are_reported() -> None:
    assert tariff(bracket(0, 600), bracket(500, None)).problems() == [
        "les tranches « QF inférieur à 600 » et « QF à partir de 500 » "
        "se chevauchent ou laissent un trou"
    ]


def test_a_bracket_without_maximum_before_another_is_reported() -> None:
    assert tariff(bracket(0, None), bracket(500, None)).problems() == [
        "les tranches « QF à partir de 0 » et « QF à partir de 500 » "
        "se chevauchent ou laissent un trou"
    ]


def test_a_first_bracket_not_starting_at_zero_is_reported() -> None:
    assert tariff(bracket(100, 500), bracket(500, None)).problems() == [
        "la première tranche doit commencer à un quotient de 0"
    ]


def test_a_last_bracket_with_a_maximum_is_reported() -> None:
    assert tariff(bracket(0, 500), bracket(500, 900)).problems() == [
        "la dernière tranche ne doit pas avoir de maximum"
    ]


def test_an_empty_bracket_is_reported() -> None:
    assert tariff(bracket(0, 500), bracket(500, 500), bracket(500, None)).problems() == [
        "la tranche « QF de 500 à 499 » est vide"
    ]


def test_a_bracket_whose_maximum_precedes_its_minimum_is_reported_as_empty() -> None:
    assert tariff(bracket(0, 500), bracket(500, 400), bracket(400, None)).problems() == [
        "la tranche « QF de 500 à 399 » est vide"
    ]


@pytest.mark.parametrize(
    "options",
    [
        {"brackets": (QuotientBracket(0, None, euros("-0,01"), euros("2,00")),)},
        {"brackets": (QuotientBracket(0, None, euros("1,00"), euros("-2,00")),)},
        {"pai_price": euros("-1,20")},
        {"unbooked_surcharge": euros("-3,00")},
    ],
    ids=["resident", "non-resident", "pai", "unbooked"],
)
def test_a_negative_price_is_reported(options: dict[str, Any]) -> None:
    assert tariff(bracket(0, None), **options).problems() == ["un prix est négatif"]


def test_free_prices_are_not_negative() -> None:
    free = QuotientBracket(0, None, Money.zero(), Money.zero())
    assert tariff(free, pai_price=Money.zero()).problems() == []


@pytest.mark.parametrize("reduction", ["-1", "100.01", "150"])
def test_a_sibling_reduction_outside_0_to_100_is_reported(reduction: str) -> None:
    reductions = (Decimal(10), Decimal(reduction))
    assert tariff(bracket(0, None), sibling_reductions=reductions).problems() == [
        "une réduction fratrie n'est pas entre 0 et 100 %"
    ]


def test_sibling_reductions_of_0_and_100_are_allowed() -> None:
    reductions = (Decimal(0), Decimal(100))
    assert tariff(bracket(0, None), sibling_reductions=reductions).problems() == []


def test_a_sibling_reduction_that_is_not_a_number_is_reported() -> None:
    # problems() promises every broken invariant, in French; NaN is not between 0 and 100
    reductions = (Decimal("NaN"),)
    assert tariff(bracket(0, None), sibling_reductions=reductions).problems() == [
        "une réduction fratrie n'est pas entre 0 et 100 %"
    ]


def test_an_end_before_the_start_is_reported() -> None:
    backwards = tariff(bracket(0, None), valid_until=date(2026, 8, 31))
    assert backwards.problems() == ["la date de fin précède la date de début"]


def test_a_one_day_tariff_is_sound() -> None:
    assert tariff(bracket(0, None), valid_until=SEPT_2026).problems() == []


def test_every_problem_is_reported_at_once() -> None:
    broken = tariff(
        QuotientBracket(100, 500, euros("-1,00"), euros("2,00")),
        bracket(600, 900),
        valid_until=date(2026, 1, 1),
        sibling_reductions=(Decimal(120),),
    )
    assert broken.problems() == [
        "la date de fin précède la date de début",
        "la première tranche doit commencer à un quotient de 0",
        "les tranches « QF de 100 à 499 » et « QF de 600 à 899 » "
        "se chevauchent ou laissent un trou",
        "la dernière tranche ne doit pas avoir de maximum",
        "un prix est négatif",
        "une réduction fratrie n'est pas entre 0 et 100 %",
    ]


# ---------------------------------------------------------------- properties

bounds = st.lists(st.integers(min_value=1, max_value=100_000), unique=True, max_size=8).map(sorted)


def contiguous(upper_bounds: list[int]) -> Tariff:
    """Brackets 0..b1, b1..b2, ..., bn..∞ with a distinct price each (the bracket's index)."""
    lows = [0, *upper_bounds]
    highs: list[int | None] = [*upper_bounds, None]
    return tariff(
        *(
            QuotientBracket(low, high, Money(index), Money(index))
            for index, (low, high) in enumerate(zip(lows, highs, strict=True))
        )
    )


@given(bounds)
def test_contiguous_brackets_from_sorted_distinct_bounds_are_sound(
    upper_bounds: list[int],
) -> None:
    assert contiguous(upper_bounds).problems() == []


@given(bounds, st.integers(min_value=0, max_value=200_000))
def test_every_quotient_falls_in_exactly_one_contiguous_bracket(
    upper_bounds: list[int], quotient: int
) -> None:
    sound = contiguous(upper_bounds)
    holding = [b for b in sound.brackets if b.contains(quotient)]
    assert len(holding) == 1
    assert sound.bracket_for(quotient) == holding[0]
    assert sound.bracket_for(quotient).resident == Money(sum(b <= quotient for b in upper_bounds))


@given(bounds)
def test_every_bound_opens_the_next_bracket(upper_bounds: list[int]) -> None:
    sound = contiguous(upper_bounds)
    for index, bound in enumerate(upper_bounds):
        assert sound.bracket_for(bound - 1) == sound.brackets[index]
        assert sound.bracket_for(bound) == sound.brackets[index + 1]
