"""« Semaine type »: the same units on the same weekdays, every week of a period.

A pattern is expanded against the child's planning of the period: only the cells the opening
calendar opens (school days, holidays, closures, the units' own days) become requests, so a
holiday or a closure is skipped by construction; days already booked or waited for are left
alone. What remains is an ordinary selection, checked and confirmed like the grid's.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from datetime import date, timedelta

from attrs import field, frozen

from portail_core.domain.bookings.planning import CellState, Planning
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.catalogue.school_calendar import SchoolCalendar
from portail_core.domain.communes import SchoolZone
from portail_core.domain.shared.french_dates import parse_day
from portail_core.domain.shared.text import printable
from portail_core.domain.shared.weekdays import Weekday
from portail_core.errors import InvalidInput

__all__ = ["MAX_PATTERN_DAYS", "PatternRequest", "PeriodEnd", "WeeklyPattern", "period_end"]

MAX_PATTERN_DAYS = 400  # a school year, from a booking made in June for the next one
_LEFT_ALONE = (CellState.CLOSED, CellState.BOOKED, CellState.WAITING)


class PeriodEnd(enum.Enum):
    TERM = "fin-periode"  # the day before the next school holidays
    SCHOOL_YEAR = "fin-annee"  # the day before the summer holidays

    @property
    def label(self) -> str:
        return {
            PeriodEnd.TERM: "jusqu’à la fin de la période scolaire",
            PeriodEnd.SCHOOL_YEAR: "jusqu’à la fin de l’année scolaire",
        }[self]


def _frozen_units(units: Mapping[Weekday, frozenset[str]]) -> dict[Weekday, frozenset[str]]:
    return {day: frozenset(codes) for day, codes in units.items() if codes}


@frozen(hash=False)
class WeeklyPattern:
    """The units wanted on each weekday, from ``first`` to ``last`` (both included)."""

    units: Mapping[Weekday, frozenset[str]] = field(converter=_frozen_units)
    first: date
    last: date

    def __attrs_post_init__(self) -> None:
        if not self.units:
            raise InvalidInput("Cochez au moins une unité pour un jour de la semaine.")
        if self.last < self.first:
            message = "La date de fin précède la date de début."
            raise InvalidInput(message, {"fin": message})  # said on its field by the form
        if (self.last - self.first).days >= MAX_PATTERN_DAYS:
            raise InvalidInput(f"Période trop longue : {MAX_PATTERN_DAYS} jours au plus.")

    def wants(self, slot: Slot) -> bool:
        return self.first <= slot.day <= self.last and slot.unit_code in self.units.get(
            Weekday.of(slot.day), frozenset()
        )

    def unit_codes(self) -> frozenset[str]:
        return frozenset().union(*self.units.values())

    def expand(self, planning: Planning, *, skip_past_deadline: bool = False) -> Selection:
        """The open cells of the pattern's weekdays and units, not yet booked nor waited for.
        ``skip_past_deadline``: the period starts at the first day that can still be booked
        (the default start), rather than saying "délai dépassé" for the days before it."""
        left_alone = _LEFT_ALONE + ((CellState.PAST_DEADLINE,) if skip_past_deadline else ())
        return Selection(
            book=frozenset(
                slot
                for slot, cell in planning.cells.items()
                if self.wants(slot) and cell.state not in left_alone
            )
        )


def period_end(end: PeriodEnd, start: date, calendar: SchoolCalendar, zone: SchoolZone) -> date:
    """The last day of the school term, or of the school year, that ``start`` falls in (the
    next one when ``start`` is in holidays): from the official calendar of the commune's zone."""
    later = [h for h in calendar.of_zone(zone) if h.first_day > start]
    if not later:
        raise InvalidInput(
            "Le calendrier scolaire de cette période n'est pas encore publié : choisissez les "
            "dates."
        )
    following = min(later, key=lambda h: h.first_day)
    if end is PeriodEnd.TERM:
        return following.first_day - timedelta(days=1)
    same_year = [h for h in later if h.school_year == following.school_year]
    return max(h.first_day for h in same_year) - timedelta(days=1)


@frozen(hash=False)
class PatternRequest:
    """What a family or the desk asks for: units per weekday, up to the end of the term, of the
    school year or a date, from ``start`` (None: the first day that can still be booked)."""

    units: Mapping[Weekday, frozenset[str]]
    until: PeriodEnd | date
    start: date | None = None

    @classmethod
    def from_form(cls, boxes: Collection[str], period: str, start: str, end: str) -> PatternRequest:
        """The « Semaine type » form: boxes "lundi|REPAS", the period "fin-periode",
        "fin-annee" or "dates" (then ``end``), an optional ``start``; every problem at once in
        ``InvalidInput.problems``, by field."""
        problems: dict[str, str] = {}
        units: dict[Weekday, set[str]] = {}
        for box in boxes:
            name, _, unit = box.partition("|")
            try:
                units.setdefault(Weekday.from_name(name), set()).add(unit[:40])
            except KeyError:
                problems["jours"] = "Le formulaire envoyé n'est pas lisible : rechargez la page."
        if not units and not problems:
            problems["jours"] = "Cochez au moins une unité pour un jour de la semaine."
        first = _day(start, "debut", problems)
        until: PeriodEnd | date | None
        if period == "dates":
            until = _day(end, "fin", problems)
            if until is None and "fin" not in problems:
                problems["fin"] = "Indiquez la date de fin, au format JJ/MM/AAAA."
        else:
            until = next((e for e in PeriodEnd if e.value == period), None)
            if until is None:
                problems["periode"] = "Choisissez jusqu’à quand réserver."
        if problems or until is None:
            raise InvalidInput("Le formulaire contient des erreurs.", problems)
        return cls({d: frozenset(u) for d, u in units.items()}, until, first)


def _day(text: str, name: str, problems: dict[str, str]) -> date | None:
    if not text.strip():
        return None
    day = parse_day(text)
    if day is None:
        problems[name] = (
            f"« {printable(text, 20)} » n’est pas une date : écrivez-la au format JJ/MM/AAAA."
        )
    return day
