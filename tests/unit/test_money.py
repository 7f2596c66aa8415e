from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_core.domain.shared.money import Money, Rounding
from portail_core.errors import InvalidInput

cents = st.integers(min_value=-(10**10), max_value=10**10)  # up to 100 million euros
moneys = cents.map(Money)
quantities = st.integers(min_value=0, max_value=10_000)


def test_a_line_of_seventeen_meals_at_4_15_costs_exactly_70_55() -> None:
    # The open-source peer shows 70,49 here; integer cents cannot.
    assert Money.from_euros("4,15") * 17 == Money(7055)
    assert (17 * Money.from_euros("4,15")).format_fr() == "70,55\u00a0€"


@given(moneys, moneys, moneys)
def test_addition_is_associative_and_commutative(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a


@given(moneys, quantities)
def test_a_price_times_a_quantity_is_the_sum_of_that_many_prices(
    price: Money, quantity: int
) -> None:
    assert price * quantity == Money.total([price] * quantity)


@given(moneys, moneys)
def test_subtraction_undoes_addition(a: Money, b: Money) -> None:
    assert (a + b) - b == a
    assert a - a == Money.zero()
    assert Money.zero() - (-a) == a


@given(moneys)
def test_french_formatting_reads_back_to_the_same_amount(amount: Money) -> None:
    assert Money.from_euros(amount.format_fr()) == amount


@given(moneys)
def test_decimal_euros_round_trip_exactly(amount: Money) -> None:
    assert Money.from_euros(amount.as_decimal()) == amount


@pytest.mark.parametrize(
    ("text", "expected_cents"),
    [
        ("12", 1200),
        ("12,5", 1250),
        ("12.05", 1205),
        ("1 234,56", 123456),
        ("1\u202f234,56 €", 123456),
        ("-3,10", -310),
        ("  7,00 EUR ", 700),
        ("0,01", 1),
    ],
)
def test_amounts_are_read_as_families_and_staff_write_them(text: str, expected_cents: int) -> None:
    assert Money.from_euros(text) == Money(expected_cents)


@pytest.mark.parametrize(
    "text", ["", "abc", "12,345", "1,2,3", "12 €€", "1e3", "NaN", "--1", "١٢,٥٠", "9" * 5000]
)
def test_text_that_is_not_an_amount_is_refused_in_french(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"montant|décimales|trop long"):
        Money.from_euros(text)


def test_more_than_two_decimals_is_refused_rather_than_rounded() -> None:
    with pytest.raises(InvalidInput, match="deux décimales"):
        Money.from_euros(Decimal("1.005"))


def test_floats_never_become_money() -> None:
    with pytest.raises(TypeError):
        Money.from_euros(4.15)  # type: ignore[arg-type]  # the point: floats are refused
    with pytest.raises(TypeError):
        Money(415.0)  # type: ignore[arg-type]  # same
    with pytest.raises(TypeError):
        Money(True)


def test_money_times_a_float_is_not_defined() -> None:
    with pytest.raises(TypeError):
        Money(100) * 1.5  # type: ignore[operator]  # the point: no float arithmetic


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [(Rounding.HALF_UP, 1), (Rounding.HALF_EVEN, 0), (Rounding.DOWN, 0), (Rounding.UP, 1)],
)
def test_a_rate_rounds_half_a_cent_as_asked(rounding: Rounding, expected: int) -> None:
    assert Money(1).times_rate(Decimal("0.5"), rounding) == Money(expected)


@given(moneys)
def test_a_rate_of_one_keeps_the_amount(amount: Money) -> None:
    assert amount.times_rate(Decimal(1), Rounding.HALF_UP) == amount


def test_large_amounts_group_thousands_with_narrow_no_break_spaces() -> None:
    assert Money(123456789).format_fr() == "1\u202f234\u202f567,89\u00a0€"
    assert Money(-5).format_fr() == "-0,05\u00a0€"
    assert str(Money(0)) == "0,00\u00a0€"


def test_amounts_are_ordered() -> None:
    assert Money(1) < Money(2)
    assert max(Money(5), Money(-5)) == Money(5)


def test_a_decimal_with_hidden_digits_is_not_rounded_into_an_amount() -> None:
    with pytest.raises(InvalidInput, match="deux décimales"):
        Money.from_euros(Decimal("1.00000000000000000000000000000001"))


def test_absurdly_large_amounts_are_refused() -> None:
    with pytest.raises(InvalidInput, match="trop grand"):
        Money.from_euros(Decimal("1234567890123456789012345678.01"))
    with pytest.raises(InvalidInput, match="trop grand"):
        Money(10**16)


def test_a_rate_is_applied_exactly_then_rounded_once() -> None:
    just_above_half = Decimal("0.5000000000000000000000000000001")
    assert Money(1).times_rate(just_above_half, Rounding.HALF_EVEN) == Money(1)
    assert Money(1055).times_rate(Decimal("0.9"), Rounding.HALF_UP) == Money(950)
