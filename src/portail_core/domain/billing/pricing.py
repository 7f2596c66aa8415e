"""The price of one unit on one day for one child: the tariff in force, the family's quotient
familial bracket (the highest without a quotient valid that day), resident or not, the PAI
packed-lunch price, and the sibling reduction for the child's rank."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from attrs import frozen

from portail_core.domain.catalogue.establishments import Unit
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.money import Money, Rounding

__all__ = ["UnitPrice", "ordinal_fr", "percent_fr", "quotient_on", "sibling_rank", "unit_price"]

HUNDRED = Decimal(100)


@frozen
class UnitPrice:
    amount: Money
    bracket: str  # "QF de 500 à 899", or the highest bracket when no quotient applies
    pai: bool = False  # the PAI packed-lunch price applied
    reduction: Decimal = Decimal(0)  # sibling reduction applied, in percent
    rank: int = 1  # the child's rank among its brothers and sisters, the eldest first
    resident: bool = True  # the residents' price (else the non-residents')

    @property
    def basis(self) -> str:
        """Why the price is what it is, as the family reads it on its invoice: « tarif PAI
        (panier-repas), réduction 2e enfant 10 % », « QF de 500 à 899, non-résident »."""
        reasons = ["tarif PAI (panier-repas)" if self.pai else self.bracket]
        if not self.pai and not self.resident:
            reasons.append("non-résident")
        if self.reduction:
            reasons.append(f"réduction {ordinal_fr(self.rank)} enfant {percent_fr(self.reduction)}")
        return ", ".join(reasons)


def ordinal_fr(rank: int) -> str:
    """« 1er », « 2e », « 3e »."""
    return "1er" if rank == 1 else f"{rank}e"


def percent_fr(rate: Decimal) -> str:
    """« 10 % », « 12,5 % »."""
    return f"{rate.normalize():f}".replace(".", ",") + "\u00a0%"


def quotient_on(family: Family, day: date) -> int | None:
    """The family's quotient familial that applies on ``day``; None: the highest bracket."""
    quotient = family.quotient
    if quotient is None or quotient.valid_from > day:
        return None
    return quotient.value


def sibling_rank(family: Family, child_id: int) -> int:
    """1 for the eldest child of the family, 2 for the next one..."""
    eldest_first = sorted(family.born_children, key=lambda c: (c.birth_date, c.id or 0))
    ids = [c.id for c in eldest_first]
    return ids.index(child_id) + 1 if child_id in ids else 1


def unit_price(
    unit: Unit,
    day: date,
    *,
    quotient: int | None,
    resident: bool,
    packed_lunch: bool = False,
    rank: int = 1,
) -> UnitPrice | None:
    """None when no tariff is in force that day (the town has not published one)."""
    tariff = unit.tariff_on(day)
    if tariff is None:
        return None
    bracket = tariff.bracket_for(quotient)
    use_pai = packed_lunch and unit.with_meal and tariff.pai_price is not None
    if use_pai and tariff.pai_price is not None:
        base = tariff.pai_price
    else:
        base = bracket.resident if resident else bracket.non_resident
    reduction = Decimal(0)
    if tariff.sibling_reductions:
        reduction = tariff.sibling_reductions[min(rank, len(tariff.sibling_reductions)) - 1]
    amount = base.times_rate((HUNDRED - reduction) / HUNDRED, Rounding.HALF_UP)
    label = bracket.describe() if quotient is not None else f"{bracket.describe()} (tarif maximal)"
    return UnitPrice(amount, label, use_pai, reduction, rank, resident)
