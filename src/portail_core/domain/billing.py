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

from portail_core.domain.catalogue import Catalogue
from portail_core.domain.consumption import Consumption, Pricing
from portail_core.domain.dossier import Family
from portail_core.domain.invoice import InvoiceLine
from portail_core.domain.money import Money
from portail_core.domain.pricing import quotient_on, sibling_rank, unit_price

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


def price_month(
    family: Family, consumptions: list[Consumption], catalogue: Catalogue
) -> PricedMonth:
    children = {c.id: c for c in family.children}
    counted: Counter[InvoiceLine] = Counter()
    problems: list[str] = []
    for consumption in consumptions:
        child = children.get(consumption.child_id)
        establishment = catalogue.establishment(consumption.establishment_code)
        unit = establishment.unit(consumption.unit_code) if establishment else None
        if child is None or establishment is None or unit is None:
            problems.append(
                f"{_day(consumption.day)} : {consumption.establishment_code} / "
                f"{consumption.unit_code} n'est plus au catalogue."
            )
            continue
        packed_lunch = child.pai is not None and child.pai.has_pai
        price = unit_price(
            unit,
            consumption.day,
            quotient=quotient_on(family, consumption.day),
            resident=family.resident,
            packed_lunch=packed_lunch,
            rank=sibling_rank(family, consumption.child_id),
        )
        tariff = unit.tariff_on(consumption.day)
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
        line = InvoiceLine(
            child_name=child.first_name,
            establishment_name=establishment.name,
            unit_label=unit.label,
            state=consumption.state,
            pricing=consumption.pricing,
            unit_price=amount,
            quantity=1,
            bracket=bracket,
            child_id=consumption.child_id,
            establishment_code=establishment.code,
            unit_code=unit.code,
        )
        counted[line] += 1
    lines = [
        InvoiceLine(
            line.child_name,
            line.establishment_name,
            line.unit_label,
            line.state,
            line.pricing,
            line.unit_price,
            quantity,
            line.bracket,
            line.child_id,
            line.establishment_code,
            line.unit_code,
        )
        for line, quantity in counted.items()
    ]
    return PricedMonth(tuple(sorted(lines, key=lambda line: line.sort_key)), tuple(problems))
