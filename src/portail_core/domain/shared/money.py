"""Money as an exact number of euro cents.

No float ever enters: amounts are parsed from text or Decimal, arithmetic is integer, and the
only operation that can produce fractions of a cent (a rate, e.g. a sibling reduction) takes an
explicit rounding mode.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    localcontext,
)
from typing import Any

from attrs import field, frozen

from portail_core.errors import InvalidInput

__all__ = ["Money", "Rounding"]

NARROW_NBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"  # before the currency sign

_EUROS_TEXT = re.compile(
    r"^(?P<sign>[-+]?)(?P<units>\d{1,3}(?:[ \u00a0\u202f]?\d{3})*|\d+)"
    r"(?:[.,](?P<cents>\d{1,2}))?$",
    re.ASCII,
)
MAX_TEXT_LENGTH = 40
MAX_CENTS = 10**15  # ten thousand billion euros: beyond any town's budget, within int64


class Rounding(enum.Enum):
    """How a fraction of a cent is rounded; always named at the call site."""

    HALF_UP = ROUND_HALF_UP
    HALF_EVEN = ROUND_HALF_EVEN
    DOWN = ROUND_DOWN
    UP = ROUND_UP


def _exact_arithmetic() -> AbstractContextManager[Context]:
    """A decimal context where no operation rounds silently (the only rounding is explicit)."""
    context = Context(prec=200, traps=[Inexact, InvalidOperation])
    return localcontext(context)


def _whole_cents(_: object, __: object, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"Money holds an int number of cents, not {type(value).__name__}")
    if abs(value) > MAX_CENTS:
        raise InvalidInput("Montant trop grand.")


@frozen(order=True)
class Money:
    """An amount in euros, stored as integer cents (may be negative: credits, refunds)."""

    cents: int = field(validator=_whole_cents)

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def from_euros(cls, amount: str | int | Decimal) -> Money:
        """Parse ``"12,34"``, ``"1 234.5"``, ``12`` or ``Decimal("12.34")``; never a float.

        Raises InvalidInput (with a French message) for text that is not an amount or has more
        than two decimals.
        """
        if isinstance(amount, bool | float):
            raise TypeError("Money.from_euros refuses floats and booleans: pass text or Decimal")
        if isinstance(amount, int):
            return cls(amount * 100)
        if isinstance(amount, Decimal):
            return cls._from_decimal(amount)
        return cls._from_text(amount)

    @classmethod
    def _from_decimal(cls, amount: Decimal) -> Money:
        if not amount.is_finite():
            raise InvalidInput("Montant invalide.")
        if abs(amount) > MAX_CENTS // 100:
            raise InvalidInput("Montant trop grand.")
        with _exact_arithmetic():
            cents = amount.scaleb(2)
            if cents != cents.to_integral_value():
                raise InvalidInput("Un montant a au plus deux décimales.")
            return cls(int(cents))

    @classmethod
    def _from_text(cls, text: str) -> Money:
        if len(text) > MAX_TEXT_LENGTH:
            raise InvalidInput("Montant trop long.")
        cleaned = text.strip().removesuffix("€").removesuffix("EUR").strip()
        match = _EUROS_TEXT.match(cleaned)
        if match is None:
            raise InvalidInput(f"« {text[:40]} » n'est pas un montant en euros (ex. : 12,50).")
        units = int(re.sub(r"\D", "", match["units"]))
        cents = int((match["cents"] or "0").ljust(2, "0"))
        total = units * 100 + cents
        return cls(-total if match["sign"] == "-" else total)

    @staticmethod
    def total(amounts: Iterable[Money]) -> Money:
        return Money(sum(amount.cents for amount in amounts))

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents + other.cents)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents - other.cents)

    def __neg__(self) -> Money:
        return Money(-self.cents)

    def __mul__(self, quantity: int) -> Money:
        """A unit price times a whole quantity: exact, no rounding involved."""
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            return NotImplemented
        return Money(self.cents * quantity)

    __rmul__ = __mul__

    def times_rate(self, rate: Decimal, rounding: Rounding) -> Money:
        """This amount times a rate (e.g. Decimal("0.9") for -10 %), rounded to the cent."""
        if not isinstance(rate, Decimal):
            raise TypeError("times_rate takes a Decimal rate")
        if not rate.is_finite() or abs(rate) > 1000:
            raise InvalidInput("Taux invalide.")
        with _exact_arithmetic():
            exact = Decimal(self.cents) * rate  # exact: the context traps any rounding
        rounded = exact.quantize(Decimal(1), rounding=rounding.value, context=Context(prec=200))
        return Money(int(rounded))

    @property
    def is_zero(self) -> bool:
        return self.cents == 0

    @property
    def is_negative(self) -> bool:
        return self.cents < 0

    def as_decimal(self) -> Decimal:
        """The amount in euros as an exact Decimal (for machine formats: CSV, JSON, XML)."""
        return Decimal(self.cents).scaleb(-2)

    def format_fr(self) -> str:
        """French display: ``1 234,56 €`` with narrow no-break spaces, as the town's documents."""
        units, cents = divmod(abs(self.cents), 100)
        grouped = f"{units:,}".replace(",", NARROW_NBSP)
        sign = "-" if self.cents < 0 else ""
        return f"{sign}{grouped},{cents:02d}{NBSP}€"

    def __str__(self) -> str:
        return self.format_fr()
