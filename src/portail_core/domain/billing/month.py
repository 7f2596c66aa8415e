"""Pricing a family's month: consumptions -> invoice lines, exactly.

Each consumption is priced with the tariff in force that day for the family's quotient familial
bracket (the highest without a valid quotient), resident or not, the PAI packed-lunch price and
the sibling reduction (children ranked by age, the eldest first), plus the tariff's majoration
for a presence without reservation where the unit's rule says so; consumptions with the same
child, unit, state and unit price make one line, quantity x unit price.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from attrs import field, frozen

from portail_core.domain.billing.consumption import Consumption, ConsumptionState, Pricing
from portail_core.domain.billing.invoice import InvoiceLine
from portail_core.domain.billing.pricing import quotient_on, sibling_rank, unit_price
from portail_core.domain.catalogue.establishments import Catalogue, Establishment, Unit
from portail_core.domain.catalogue.tariffs import Tariff
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.money import Money

__all__ = ["PriceList", "PricedMonth", "price_month", "quotient_label"]


@frozen
class PricedMonth:
    lines: tuple[InvoiceLine, ...]
    problems: tuple[str, ...]  # consumptions that cannot be priced (no tariff in force...)
    total: Money = field(init=False)  # the sum of the lines, computed once

    @total.default
    def _sum_of_lines(self) -> Money:
        return Money.total(line.total for line in self.lines)


def quotient_label(family: Family) -> str:
    quotient = family.quotient
    if quotient is None:
        return "Sans quotient familial : tarif le plus élevé"
    value = f"{quotient.value:,}".replace(",", "\u202f")
    return f"QF {value} ({quotient.source.label}, depuis le {numeric_day_fr(quotient.valid_from)})"


# What makes two consumptions one invoice line (every InvoiceLine field but the quantity and
# the days): child name, establishment name, unit label, state, pricing, unit price, bracket,
# child id, establishment code, unit code, basis of the price.
_LineKey = tuple[str, str, str, ConsumptionState, Pricing, Money, str, int, str, str, str]
# What decides a consumption's price: child, establishment and unit codes, state, pricing, the
# tariff in force that day (by identity: the catalogue's own objects) and the day's quotient.
_GroupKey = tuple[int, str, str, ConsumptionState, Pricing, int, int | None]


class PriceList:
    """The catalogue's units and the tariff in force per unit and day, each looked up once.

    A billing run prices thousands of families from one catalogue: sharing one list across
    them looks each (unit, day) up once per run instead of once per family."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._places: dict[tuple[str, str], tuple[Establishment, Unit] | None] = {}
        self._tariffs: dict[tuple[str, str, date], Tariff | None] = {}

    def place(self, establishment_code: str, unit_code: str) -> tuple[Establishment, Unit] | None:
        key = (establishment_code, unit_code)
        if key not in self._places:
            establishment = self.catalogue.establishment(establishment_code)
            unit = establishment.unit(unit_code) if establishment else None
            self._places[key] = (establishment, unit) if establishment and unit else None
        return self._places[key]

    def tariff(self, establishment_code: str, unit_code: str, day: date) -> Tariff | None:
        key = (establishment_code, unit_code, day)
        if key not in self._tariffs:
            place = self.place(establishment_code, unit_code)
            self._tariffs[key] = place[1].tariff_on(day) if place else None
        return self._tariffs[key]


def price_month(family: Family, consumptions: list[Consumption], prices: PriceList) -> PricedMonth:
    """The month's invoice lines, each with its days: consumptions with the same child, unit,
    state, pricing and unit price make one line. Consumptions are first counted by what decides
    their price (a few groups per child); each group is then priced once."""
    children = {c.id: c for c in family.children}
    problems: list[str] = []
    grouped: dict[_GroupKey, list[date]] = defaultdict(list)  # they share tariff and quotient
    for key, run_days in _runs(family, consumptions, prices, problems):
        grouped[key] += run_days
    counted: dict[_LineKey, list[date]] = defaultdict(list)
    for key, days in grouped.items():
        counted[_line_of(family, children[key[0]], key, days[0], prices)] += days
    lines = [
        InvoiceLine(
            child_name=name,
            establishment_name=establishment_name,
            unit_label=unit_label,
            state=state,
            pricing=pricing,
            unit_price=amount,
            quantity=len(days),
            bracket=bracket,
            child_id=child_id,
            establishment_code=establishment_code,
            unit_code=unit_code,
            basis=basis,
            days=tuple(sorted(days)),
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
            basis,
        ), days in counted.items()
    ]
    return PricedMonth(tuple(sorted(lines, key=lambda line: line.sort_key)), tuple(problems))


def _runs(
    family: Family, consumptions: list[Consumption], prices: PriceList, problems: list[str]
) -> Iterator[tuple[_GroupKey, list[date]]]:
    """Runs of consecutive consumptions with the same group key, with their days; the
    consumptions that cannot be priced go to ``problems``.

    Consumptions come in slot order, so a child's days at one unit in one state follow each
    other: comparing each key with the previous one (no hashing) counts a month in a few runs.
    """
    children = {c.id for c in family.children}
    run: _GroupKey | None = None
    days: list[date] = []
    for consumption in consumptions:
        day = consumption.day
        code, unit_code = consumption.establishment_code, consumption.unit_code
        place = prices.place(code, unit_code)
        if consumption.child_id not in children or place is None:
            problems.append(
                f"{numeric_day_fr(day)} : {code} / {unit_code} n'est plus au catalogue."
            )
            continue
        tariff = prices.tariff(code, unit_code, day)
        if tariff is None:
            establishment, unit = place
            problems.append(
                f"{numeric_day_fr(day)} : aucun tarif en vigueur pour « {unit.label} » "
                f"({establishment.name})."
            )
            continue
        key: _GroupKey = (
            consumption.child_id,
            code,
            unit_code,
            consumption.state,
            consumption.pricing,
            id(tariff),
            quotient_on(family, day),
        )
        if key == run:
            days.append(day)
            continue
        if run is not None:
            yield run, days
        run, days = key, [day]
    if run is not None:
        yield run, days


def _line_of(
    family: Family, child: Child, key: _GroupKey, day: date, prices: PriceList
) -> _LineKey:
    """The invoice line (but its quantity) of the consumptions counted under ``key``, priced
    with the tariff of ``day``, one of their days."""
    child_id, code, unit_code, state, pricing, _, quotient = key
    place, tariff = prices.place(code, unit_code), prices.tariff(code, unit_code, day)
    if place is None or tariff is None:  # such consumptions are problems, never counted
        raise LookupError(f"{code}/{unit_code}: no tariff on {day}")
    establishment, unit = place
    price = unit_price(
        unit,
        day,
        quotient=quotient,
        resident=family.resident,
        packed_lunch=child.pai is not None and child.pai.has_pai,
        rank=sibling_rank(family, child_id),
    )
    if price is None:
        raise LookupError(f"{code}/{unit_code}: no price on {day}")
    amount, bracket, basis = price.amount, price.bracket, price.basis
    if pricing is Pricing.FREE:
        amount = Money.zero()
    elif pricing is Pricing.SURCHARGE and tariff.unbooked_surcharge is not None:
        amount = amount + tariff.unbooked_surcharge
        bracket = f"{bracket} + majoration sans réservation"
        basis = f"{basis} + majoration sans réservation"
    return (
        child.first_name,
        establishment.name,
        unit.label,
        state,
        pricing,
        amount,
        bracket,
        child_id,
        code,
        unit_code,
        basis,
    )
