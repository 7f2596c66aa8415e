"""Pricing a family's month: consumptions -> invoice lines, exactly.

Each consumption is priced with the tariff in force that day for the family's quotient familial
bracket (the highest without a valid quotient), resident or not, the PAI packed-lunch price and
the sibling reduction (children ranked by age, the eldest first), plus the tariff's majoration
for a presence without reservation where the unit's rule says so; consumptions with the same
child, unit, state and unit price make one line, quantity x unit price.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from attrs import frozen

from portail_core.domain.catalogue import Catalogue, Establishment, Unit
from portail_core.domain.consumption import Consumption, ConsumptionState, Pricing
from portail_core.domain.dossier import Family
from portail_core.domain.invoice import InvoiceLine
from portail_core.domain.money import Money
from portail_core.domain.pricing import UnitPrice, quotient_on, sibling_rank, unit_price

__all__ = ["PricedMonth", "price_month", "quotient_label"]


@frozen
class PricedMonth:
    lines: tuple[InvoiceLine, ...]
    problems: tuple[str, ...]  # consumptions that cannot be priced (no tariff in force...)

    @property
    def total(self) -> Money:
        return Money.total(line.total for line in self.lines)


def quotient_label(family: Family) -> str:
    quotient = family.quotient
    if quotient is None:
        return "Sans quotient familial : tarif le plus élevé"
    value = f"{quotient.value:,}".replace(",", "\u202f")
    return f"QF {value} ({quotient.source.label}, depuis le {quotient.valid_from:%d/%m/%Y})"


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


# What makes two consumptions one invoice line (every InvoiceLine field but the quantity):
# child name, establishment name, unit label, state, pricing, unit price, bracket, child id,
# establishment code, unit code.
_LineKey = tuple[str, str, str, ConsumptionState, Pricing, Money, str, int, str, str]
# A unit's price depends on the place, the child (PAI, sibling rank), the tariff in force (by
# identity: the catalogue's own objects, alive for the whole call) and the quotient that day.
_PriceKey = tuple[str, str, int, int, int | None]


def price_month(
    family: Family, consumptions: list[Consumption], catalogue: Catalogue
) -> PricedMonth:
    """A month has tens of consumptions per child on a few units: each unit is looked up and
    priced once per child, tariff and quotient, and the lines are counted by a plain key."""
    children = {c.id: c for c in family.children}
    counted: Counter[_LineKey] = Counter()
    problems: list[str] = []
    places: dict[tuple[str, str], tuple[Establishment | None, Unit | None]] = {}
    prices: dict[_PriceKey, UnitPrice | None] = {}
    for consumption in consumptions:
        child = children.get(consumption.child_id)
        place = (consumption.establishment_code, consumption.unit_code)
        found = places.get(place)
        if found is None:
            establishment = catalogue.establishment(consumption.establishment_code)
            unit = establishment.unit(consumption.unit_code) if establishment else None
            found = places[place] = (establishment, unit)
        establishment, unit = found
        if child is None or establishment is None or unit is None:
            problems.append(
                f"{_day(consumption.day)} : {consumption.establishment_code} / "
                f"{consumption.unit_code} n'est plus au catalogue."
            )
            continue
        tariff = unit.tariff_on(consumption.day)
        quotient = quotient_on(family, consumption.day)
        key: _PriceKey = (*place, consumption.child_id, id(tariff), quotient)
        if key in prices:
            price = prices[key]
        else:
            packed_lunch = child.pai is not None and child.pai.has_pai
            price = prices[key] = unit_price(
                unit,
                consumption.day,
                quotient=quotient,
                resident=family.resident,
                packed_lunch=packed_lunch,
                rank=sibling_rank(family, consumption.child_id),
            )
        if price is None or tariff is None:
            problems.append(
                f"{_day(consumption.day)} : aucun tarif en vigueur pour « {unit.label} » "
                f"({establishment.name})."
            )
            continue
        amount, bracket = price.amount, price.bracket
        if consumption.pricing is Pricing.FREE:
            amount = Money.zero()
        elif consumption.pricing is Pricing.SURCHARGE and tariff.unbooked_surcharge is not None:
            amount = amount + tariff.unbooked_surcharge
            bracket = f"{bracket} + majoration sans réservation"
        line: _LineKey = (
            child.first_name,
            establishment.name,
            unit.label,
            consumption.state,
            consumption.pricing,
            amount,
            bracket,
            consumption.child_id,
            establishment.code,
            unit.code,
        )
        counted[line] += 1
    lines = [
        InvoiceLine(
            child_name=name,
            establishment_name=establishment_name,
            unit_label=unit_label,
            state=state,
            pricing=pricing,
            unit_price=amount,
            quantity=quantity,
            bracket=bracket,
            child_id=child_id,
            establishment_code=establishment_code,
            unit_code=unit_code,
        )
        for (
            name,
            establishment_name,
            unit_label,
            state,
            pricing,
            amount,
            bracket,
            child_id,
            establishment_code,
            unit_code,
        ), quantity in counted.items()
    ]
    return PricedMonth(tuple(sorted(lines, key=lambda line: line.sort_key)), tuple(problems))
