"""Tariffs: the price of a unit by quotient familial bracket, resident or not, over a period.

Billing (a later feature) computes with them; here they are data with their invariants: brackets
cover every quotient from 0 without gap or overlap, prices are never negative.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

from attrs import frozen

from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput

__all__ = ["QuotientBracket", "Tariff"]


@frozen
class QuotientBracket:
    """Quotients from ``qf_min`` (included) to ``qf_max`` (excluded; None: no upper bound)."""

    qf_min: int
    qf_max: int | None
    resident: Money
    non_resident: Money

    def contains(self, quotient: int) -> bool:
        return self.qf_min <= quotient and (self.qf_max is None or quotient < self.qf_max)

    def describe(self) -> str:
        if self.qf_max is None:
            return f"QF à partir de {self.qf_min}"
        if self.qf_min == 0:
            return f"QF inférieur à {self.qf_max}"
        return f"QF de {self.qf_min} à {self.qf_max - 1}"


@frozen
class Tariff:
    """Prices of one unit from ``valid_from`` to ``valid_until`` (inclusive; None: open-ended)."""

    valid_from: date
    valid_until: date | None
    brackets: tuple[QuotientBracket, ...]
    pai_price: Money | None = None  # meal with the child's own packed lunch (PAI)
    unbooked_surcharge: Money | None = None  # added to the price when present without booking
    sibling_reductions: tuple[Decimal, ...] = ()  # percent off for the 1st, 2nd, 3rd... child

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def bracket_for(self, quotient: int | None) -> QuotientBracket:
        """The bracket of a quotient; without a valid quotient, the highest one (as towns do)."""
        if quotient is None:
            return self.brackets[-1]
        if quotient < 0:
            raise InvalidInput("Un quotient familial ne peut être négatif.")
        return next(b for b in self.brackets if b.contains(quotient))

    def problems(self) -> list[str]:
        """Every broken invariant, in French; empty when the tariff is sound."""
        found: list[str] = []
        if self.valid_until is not None and self.valid_until < self.valid_from:
            found.append("la date de fin précède la date de début")
        if not self.brackets:
            found.append("aucune tranche de quotient familial")
            return found
        if self.brackets[0].qf_min != 0:
            found.append("la première tranche doit commencer à un quotient de 0")
        for before, after in pairwise(self.brackets):
            if before.qf_max is None or before.qf_max != after.qf_min:
                found.append(
                    f"les tranches « {before.describe()} » et « {after.describe()} » "
                    "se chevauchent ou laissent un trou"
                )
        for bracket in self.brackets:
            if bracket.qf_max is not None and bracket.qf_max <= bracket.qf_min:
                found.append(f"la tranche « {bracket.describe()} » est vide")
        if self.brackets[-1].qf_max is not None:
            found.append("la dernière tranche ne doit pas avoir de maximum")
        prices = [p for b in self.brackets for p in (b.resident, b.non_resident)]
        prices += [p for p in (self.pai_price, self.unbooked_surcharge) if p is not None]
        if any(p.is_negative for p in prices):
            found.append("un prix est négatif")
        if any(
            not (r.is_finite() and Decimal(0) <= r <= Decimal(100)) for r in self.sibling_reductions
        ):
            found.append("une réduction fratrie n'est pas entre 0 et 100 %")
        return found
